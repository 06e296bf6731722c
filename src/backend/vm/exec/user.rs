//! The user code: once per user, after the events, every segment's
//! result from the finished accumulators and the user's attributes.

use super::{holdout_bucket, logic, Machine, RunError, SegmentResult};
use crate::backend::vm::program::{Acc, Op};
use crate::data::Val;

impl Machine<'_> {
    fn holds(&self, acc: usize) -> bool {
        let s = &self.states[acc];
        match &self.p.accumulators[acc] {
            Acc::Sequence { .. } | Acc::SameSequence { .. } | Acc::SameCount { .. } => s.seq.hit,
            Acc::Regularity {
                buckets,
                per_bucket,
                at_least,
                ..
            } => {
                let zero_ok = per_bucket
                    .iter()
                    .all(|(cmp, n)| cmp.holds(0.0, self.p.pool.numbers[*n as usize]));
                // `update` counts only the last N periods, so busy <= N on
                // time-ordered data; saturating, a dataset out of order
                // cannot underflow it.
                let empty = if zero_ok {
                    buckets.saturating_sub(s.reg.busy)
                } else {
                    0
                };
                s.reg.good + empty >= *at_least
            }
            _ => false,
        }
    }

    /// Runs the user code: every segment's result, referenced ones first.
    pub(super) fn user_code(&mut self, user: usize) -> Result<(), RunError> {
        self.results.fill(SegmentResult::default());
        let start = self.user_start;
        let mut pc = start;
        let mut sp = 0usize;
        while pc < self.p.code.len() {
            let op = self.p.code[pc];
            pc += 1;
            let pushed = match op {
                Op::Attribute { attribute, test } => {
                    let value = self.attribute(attribute, user);
                    Some(self.test(test as usize, value))
                }
                Op::Measure { acc, cmp, number } => Some(
                    self.measure(acc as usize)
                        .is_some_and(|v| cmp.holds(v, self.p.pool.numbers[number as usize])),
                ),
                Op::Recency { acc, cmp, time } => Some(
                    self.states[acc as usize]
                        .time
                        .is_some_and(|t| cmp.holds(t, self.times[time as usize])),
                ),
                Op::RecencySet(acc) => Some(self.states[acc as usize].time.is_some()),
                Op::Compare { left, cmp, right } => {
                    let (l, r) = (
                        self.num(left as usize, user),
                        self.num(right as usize, user),
                    );
                    Some(l.zip(r).is_some_and(|(l, r)| cmp.holds(l, r)))
                }
                Op::ValueTest { acc, test } => {
                    let value = self.states[acc as usize]
                        .value
                        .map_or(Val::Missing, |(_, v)| v);
                    Some(self.test(test as usize, value))
                }
                Op::Holds(acc) => Some(self.holds(acc as usize)),
                Op::Member(s) => Some(self.results[s as usize].member),
                Op::InArm { segment, arm } => Some(self.results[segment as usize].arm == Some(arm)),
                Op::Percentile(i) => Some(self.ranked[i as usize][user]),
                Op::Bucket { salt, from, to } => {
                    let salt = &self.p.pool.strings[salt as usize];
                    let bucket = holdout_bucket(salt, &self.data.users[user]);
                    Some((from..to).contains(&bucket))
                }
                Op::Store(s) => {
                    sp -= 1;
                    self.results[s as usize].member = self.stack[sp];
                    None
                }
                Op::StoreArm { segment, arm } => {
                    sp -= 1;
                    let r = &mut self.results[segment as usize];
                    if self.stack[sp] && r.arm.is_none() {
                        r.arm = Some(arm);
                        r.member = true;
                    }
                    None
                }
                op => {
                    if let Some(jump) = logic(op, &mut self.stack, &mut sp) {
                        pc = jump;
                    }
                    None
                }
            };
            if let Some(b) = pushed {
                self.stack[sp] = b;
                sp += 1;
            }
        }
        self.budget((pc - start) as u64)
    }
}
