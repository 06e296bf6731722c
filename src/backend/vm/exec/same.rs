//! `with same PROP {, PROP}` (spec §3.13): state per value of the listed
//! properties, only for the accumulators that ask for it. A value is the
//! event's values of every listed property, compared exactly (see [`key`]);
//! an event missing one of them takes no part.

use std::collections::HashMap;

use super::{Machine, Sequence};
use crate::backend::vm::program::Acc;
use crate::data::Val;

/// One accumulator's values, reset per user.
#[derive(Clone, Default)]
pub(super) struct Values {
    map: HashMap<Vec<u64>, PerValue>,
    /// Values with a step flagged at the current instant (sequences).
    touched: Vec<Vec<u64>>,
}

#[derive(Clone, Default)]
struct PerValue {
    /// Matching events carrying the value (counts).
    count: u64,
    /// The chain over the events carrying the value (sequences).
    seq: Sequence,
}

impl Values {
    pub(super) fn clear(&mut self) {
        self.map.clear();
        self.touched.clear();
    }

    /// Settles every value's sequence after the last event: whether one holds.
    pub(super) fn settle(&mut self, now: i64) -> bool {
        let mut hit = false;
        for v in self.map.values_mut() {
            v.seq.settle(now);
            hit |= v.seq.hit;
        }
        hit
    }
}

/// Two words per value: a type tag and the value's bits. Exact equality of
/// the value as read: numbers as doubles (so JSON `1` and `1.0` are one
/// value, and `-0` is `0`), strings by interned id (byte equality, case
/// counts), booleans, and instants to the microsecond.
fn key(values: impl Iterator<Item = Val>) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for v in values {
        let (tag, bits) = match v {
            Val::Missing => return None,
            Val::Num(n) => (0, (n + 0.0).to_bits()),
            Val::Str(id) => (1, u64::from(id)),
            Val::Bool(b) => (2, u64::from(b)),
            Val::Time(t) => (3, t as u64),
        };
        out.extend([tag, bits]);
    }
    Some(out)
}

impl Machine<'_> {
    /// The event's value of the properties, `None` when one is missing.
    fn same_key(&self, same: &[u32], event: usize) -> Option<Vec<u64>> {
        key(same.iter().map(|p| self.property(*p, event)))
    }

    /// `Op::SameStep`: the event holds `step` for its value.
    pub(super) fn same_step(&mut self, acc: usize, step: usize, event: usize) {
        let p = self.p;
        let Acc::SameSequence { steps, same, .. } = &p.accumulators[acc] else {
            unreachable!("verified: a same step updates a sequence with same")
        };
        let Some(key) = self.same_key(same, event) else {
            return;
        };
        let values = &mut self.states[acc].same;
        match values.map.get_mut(&key) {
            Some(v) => {
                // Flags are cleared at each flush: none set, not yet listed.
                if !v.seq.flags.contains(&true) {
                    values.touched.push(key);
                }
                v.seq.flags[step] = true;
            }
            None => {
                let mut seq = Sequence::new(*steps as usize);
                seq.flags[step] = true;
                values.touched.push(key.clone());
                values.map.insert(key, PerValue { count: 0, seq });
            }
        }
    }

    /// Counts the event for its value; holds once one value reaches `at_least`.
    pub(super) fn same_count(&mut self, acc: usize, event: usize) {
        let p = self.p;
        let Acc::SameCount { same, at_least } = &p.accumulators[acc] else {
            unreachable!("only counts with same are counted here")
        };
        let Some(key) = self.same_key(same, event) else {
            return;
        };
        let s = &mut self.states[acc];
        let v = s.same.map.entry(key).or_default();
        v.count += 1;
        s.seq.hit |= v.count >= *at_least;
    }

    /// The end of an instant for a sequence with same: each value flagged
    /// in it moves its own chain.
    pub(super) fn flush_same(&mut self, acc: usize, t: i64) {
        let Acc::SameSequence {
            steps,
            then_not,
            within,
            ..
        } = self.p.accumulators[acc]
        else {
            unreachable!("only sequences with same are listed")
        };
        let s = &mut self.states[acc];
        for key in s.same.touched.drain(..) {
            if let Some(v) = s.same.map.get_mut(&key) {
                v.seq.flush(steps as usize, then_not, within, t);
                s.seq.hit |= v.seq.hit;
            }
        }
    }
}
