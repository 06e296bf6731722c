//! The interpreter: evaluates a verified [`Program`] for every user of a
//! [`Dataset`], one user's events at a time, in time order.
//!
//! Per event it runs only the blocks selected for that event's name (a
//! dispatch table built per run). Per-user state lives in scratch space
//! allocated once per run and reset per user, so the event loop neither
//! allocates nor compares strings: string tests were turned into per-string
//! tables before the loop.

mod measure;
mod regularity;
mod same;
mod sequence;
mod setup;
mod user;
mod value;

use md5::{Digest, Md5};

use self::regularity::{close_bucket, Regularity};
use self::sequence::Sequence;
use self::value::{normalized, order};
use super::fields::anniversary_within;
use super::program::{Acc, Op, Program, Test, MAX_STACK};
use crate::calendar::Zone;
use crate::data::{Dataset, Val};
use crate::ir::{Cmp, ValueFn};
use crate::time::MICROS_PER_SECOND;

/// Instructions one run may execute, at most: a last resort, since the
/// verifier already bounds the work per event and per user (`docs/vm.md`).
pub const DEFAULT_STEP_BUDGET: u64 = 1 << 40;

/// One member of the root segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub user: u32,
    /// The arm, for a partition.
    pub arm: Option<u32>,
    /// The holdout flag, when the segment declares one.
    pub holdout: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("evaluation stopped after {0} steps (the step budget)")]
    Budget(u64),
    #[error("a `matches` pattern does not compile: {0}")]
    Pattern(String),
}

/// Evaluates the root (last) segment of `program` for every user of the
/// universe as of `now` (microseconds); returns its members in user order.
pub fn run(
    program: &Program,
    data: &Dataset,
    now: i64,
    budget: u64,
) -> Result<Vec<Member>, RunError> {
    let mut machine = Machine::new(program, data, now, budget)?;
    let users = data.users.len();
    // Percentiles rank every user first.
    if !program.percentiles.is_empty() {
        let mut scores: Vec<Vec<Option<f64>>> =
            vec![Vec::with_capacity(users); program.percentiles.len()];
        for user in 0..users {
            machine.events(user)?;
            for (i, p) in program.percentiles.iter().enumerate() {
                let score = machine
                    .in_universe(user)
                    .then(|| machine.num(p.measure as usize, user))
                    .flatten();
                scores[i].push(score);
            }
        }
        machine.ranked = scores
            .iter()
            .zip(&program.percentiles)
            .map(|(scores, p)| rank(scores, p.top, p.percent))
            .collect();
    }
    let root = program.segments.len() - 1;
    let info = &program.segments[root];
    let mut members = Vec::new();
    for user in 0..users {
        machine.events(user)?;
        if !machine.in_universe(user) {
            continue;
        }
        machine.user_code(user)?;
        let result = machine.results[root];
        if result.member {
            let holdout = info
                .holdout
                .as_ref()
                .map(|(bp, salt)| holdout_bucket(salt, &data.users[user]) < *bp);
            members.push(Member {
                user: user as u32,
                arm: result.arm,
                holdout,
            });
        }
    }
    Ok(members)
}

/// The holdout bucket of spec §4: MD5(salt + ":" + user_id), the first 4
/// bytes big-endian, modulo 10 000.
pub fn holdout_bucket(salt: &str, user: &str) -> u32 {
    let mut md5 = Md5::new();
    md5.update(salt.as_bytes());
    md5.update(b":");
    md5.update(user.as_bytes());
    let digest = md5.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 10_000
}

/// Whether each user is in the top (bottom) P%: `g × 100 < P × n` among the
/// `n` users with a score, `g` of them strictly ahead.
fn rank(scores: &[Option<f64>], top: bool, percent: f64) -> Vec<bool> {
    let mut sorted: Vec<f64> = scores.iter().flatten().copied().collect();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len() as f64;
    scores
        .iter()
        .map(|s| {
            s.is_some_and(|v| {
                let ahead = if top {
                    sorted.len() - sorted.partition_point(|x| *x <= v)
                } else {
                    sorted.partition_point(|x| *x < v)
                };
                (ahead as f64) * 100.0 < percent * n
            })
        })
        .collect()
}

#[derive(Clone, Copy, Default)]
struct SegmentResult {
    member: bool,
    arm: Option<u32>,
}

/// Per-user state of one accumulator.
#[derive(Clone, Default)]
struct State {
    count: i64,
    sum: f64,
    min: f64,
    max: f64,
    /// The first or last event time.
    time: Option<i64>,
    distinct: Vec<u64>,
    /// A property value: the chosen event's time and value.
    value: Option<(i64, Val)>,
    /// `most_frequent`: every value seen (sorted and counted at the end, so
    /// each event costs O(1) whatever the number of distinct values).
    freq: Vec<Val>,
    seq: Sequence,
    reg: Regularity,
    /// Per-value state of a `with same` accumulator (empty for the others).
    same: same::Values,
}

struct Machine<'a> {
    p: &'a Program,
    data: &'a Dataset,
    now: i64,
    times: Vec<i64>,
    /// The project's time zone, and the local day number of now in it.
    zone: Zone,
    today: i64,
    /// For each accumulator: the starts of its calendar buckets (bucket 0
    /// first, so non-increasing) and the instant its buckets end before,
    /// resolved once per run (empty for other accumulators).
    calendar: Vec<(Vec<i64>, Option<i64>)>,
    /// For each test: a table by string id (text tests only).
    text: Vec<Vec<bool>>,
    /// Program property / attribute → dataset column.
    properties: Vec<Option<usize>>,
    attributes: Vec<Option<usize>>,
    /// Dataset event id → blocks to run (those for any event last).
    dispatch: Vec<Vec<u32>>,
    /// Where the user code starts.
    user_start: usize,
    /// The accumulators that are sequences, flushed at each new instant.
    sequences: Vec<usize>,
    /// Likewise for sequences `with same`, kept apart so that plain ones
    /// never pay for per-value state.
    same_sequences: Vec<usize>,
    /// The accumulators with per-value state (`with same`), reset per user.
    same_accs: Vec<usize>,
    states: Vec<State>,
    results: Vec<SegmentResult>,
    ranked: Vec<Vec<bool>>,
    /// Each data string's place in code-point order (only with property
    /// values, whose ties go to the smallest value).
    string_rank: Vec<u32>,
    stack: [bool; MAX_STACK],
    steps: u64,
    budget: u64,
}

impl<'a> Machine<'a> {
    /// Whether the user is in the universe as of now (spec §5): in the
    /// users table and not created after now (a missing creation time is
    /// in), or without one, with an event up to now.
    fn in_universe(&self, user: usize) -> bool {
        if let Some(created_at) = self.p.created_at {
            if let Val::Time(t) = self.attribute(created_at, user) {
                if t > self.now {
                    return false;
                }
            }
        }
        let first = self.data.offsets[user];
        self.data.users_table
            || (first < self.data.offsets[user + 1] && self.data.event_time[first] <= self.now)
    }

    /// Runs the event blocks over one user's events up to now.
    fn events(&mut self, user: usize) -> Result<(), RunError> {
        for s in &mut self.states {
            s.count = 0;
            s.sum = 0.0;
            s.min = f64::INFINITY;
            s.max = f64::NEG_INFINITY;
            s.time = None;
            s.distinct.clear();
            s.value = None;
            s.freq.clear();
            s.seq.latest.fill(None);
            s.seq.flags.fill(false);
            s.seq.starts.clear();
            s.seq.pending = None;
            s.seq.hit = false;
            s.reg = Regularity::default();
        }
        for &acc in &self.same_accs {
            self.states[acc].same.clear();
        }
        if self.p.blocks.is_empty() {
            return Ok(()); // only attributes and references: no event to read
        }
        let range = self.data.offsets[user]..self.data.offsets[user + 1];
        let mut instant = None;
        for e in range {
            let ts = self.data.event_time[e];
            if ts > self.now {
                break; // in time order: the rest is after now too
            }
            if (!self.sequences.is_empty() || !self.same_sequences.is_empty())
                && instant != Some(ts)
            {
                if let Some(t) = instant {
                    self.flush_instant(t);
                }
                instant = Some(ts);
            }
            let name = self.data.event_name[e] as usize;
            for k in 0..self.dispatch[name].len() {
                self.block(self.dispatch[name][k] as usize, e, ts)?;
            }
        }
        if let Some(t) = instant {
            self.flush_instant(t);
        }
        self.finish_accumulators();
        Ok(())
    }

    fn budget(&mut self, n: u64) -> Result<(), RunError> {
        self.steps += n;
        if self.steps > self.budget {
            return Err(RunError::Budget(self.budget));
        }
        Ok(())
    }

    fn block(&mut self, index: usize, event: usize, ts: i64) -> Result<(), RunError> {
        let b = &self.p.blocks[index];
        let (mut pc, end) = (b.start as usize, b.end as usize);
        let mut sp = 0usize;
        let start = pc;
        while pc < end {
            let op = self.p.code[pc];
            pc += 1;
            match op {
                Op::Property { property, test } => {
                    let value = self.property(property, event);
                    self.stack[sp] = self.test(test as usize, value);
                    sp += 1;
                }
                Op::EventTime { cmp, time } => {
                    self.stack[sp] = cmp.holds(ts, self.times[time as usize]);
                    sp += 1;
                }
                Op::Update(acc) => self.update(acc as usize, event, ts),
                Op::Step { acc, step } => self.states[acc as usize].seq.flags[step as usize] = true,
                Op::SameStep { acc, step } => self.same_step(acc as usize, step as usize, event),
                op => {
                    if let Some(jump) = logic(op, &mut self.stack, &mut sp) {
                        pc = jump;
                    }
                }
            }
        }
        self.budget((pc - start) as u64)
    }

    fn test(&self, test: usize, value: Val) -> bool {
        match (&self.p.pool.tests[test], value) {
            (Test::IsSet { negated }, v) => (v != Val::Missing) != *negated,
            (_, Val::Missing) => false,
            (Test::Number { cmp, value }, Val::Num(n)) => {
                cmp.holds(n, self.p.pool.numbers[*value as usize])
            }
            (Test::NumberIn { values, negated }, Val::Num(n)) => {
                values.iter().any(|v| self.p.pool.numbers[*v as usize] == n) != *negated
            }
            (Test::Bool { cmp, value }, Val::Bool(b)) => match cmp {
                Cmp::Ne => b != *value,
                _ => b == *value,
            },
            (Test::BoolIn { values, negated }, Val::Bool(b)) => values.contains(&b) != *negated,
            (Test::Time { cmp, time }, Val::Time(t)) => cmp.holds(t, self.times[*time as usize]),
            (Test::TimeIn { times, negated }, Val::Time(t)) => {
                times.iter().any(|i| self.times[*i as usize] == t) != *negated
            }
            (Test::Text(_), Val::Str(id)) => self.text[test][id as usize],
            (Test::Anniversary { days }, Val::Time(t)) => {
                anniversary_within(self.zone.local_day(t), self.today, *days)
            }
            _ => false,
        }
    }

    /// An event's value of a program property; missing when the data has
    /// no such column.
    fn property(&self, property: u32, event: usize) -> Val {
        match self.properties[property as usize] {
            Some(c) => self.data.properties[c].2[event],
            None => Val::Missing,
        }
    }

    /// A user's value of a program attribute, likewise.
    fn attribute(&self, attribute: u32, user: usize) -> Val {
        match self.attributes[attribute as usize] {
            Some(c) => self.data.attributes[c].2[user],
            None => Val::Missing,
        }
    }

    fn update(&mut self, acc: usize, event: usize, ts: i64) {
        let now = self.now;
        match &self.p.accumulators[acc] {
            Acc::Count => self.states[acc].count += 1,
            Acc::Sum { property } | Acc::Avg { property } => {
                if let Val::Num(n) = self.property(*property, event) {
                    let s = &mut self.states[acc];
                    s.sum += n;
                    s.count += 1;
                }
            }
            Acc::Min { property } | Acc::Max { property } => {
                if let Val::Num(n) = self.property(*property, event) {
                    let s = &mut self.states[acc];
                    s.min = s.min.min(n);
                    s.max = s.max.max(n);
                }
            }
            Acc::CountDistinct { property } => {
                let key = match self.property(*property, event) {
                    Val::Missing => return,
                    // -0.0 and 0.0 are one value.
                    Val::Num(n) => (n + 0.0).to_bits(),
                    Val::Str(id) => u64::from(id),
                    Val::Bool(b) => u64::from(b),
                    Val::Time(t) => t as u64,
                };
                self.states[acc].distinct.push(key);
            }
            Acc::First => {
                let s = &mut self.states[acc];
                s.time = Some(s.time.map_or(ts, |t| t.min(ts)));
            }
            Acc::Last => {
                let s = &mut self.states[acc];
                s.time = Some(s.time.map_or(ts, |t| t.max(ts)));
            }
            Acc::Regularity {
                buckets,
                period_seconds,
                per_bucket,
                calendar,
                ..
            } => {
                let bucket = if calendar.is_some() {
                    // Calendar buckets: a binary search among the starts.
                    let (starts, end) = &self.calendar[acc];
                    if end.is_some_and(|e| ts >= e) {
                        return;
                    }
                    starts.partition_point(|s| *s > ts) as i64
                } else {
                    // Verified: a period is 1 s to 100 years, so this is at
                    // least 10⁶ and fits. Event times come from the data, so
                    // the age saturates.
                    let period = period_seconds * MICROS_PER_SECOND;
                    now.saturating_sub(ts).saturating_sub(1).max(0) / period
                };
                if bucket >= i64::from(*buckets) {
                    // Before the last N periods: the block's window leaves
                    // such events out; skipping them here too keeps the
                    // busy periods at most N whatever the block tests.
                    return;
                }
                let r = &mut self.states[acc].reg;
                if r.bucket == Some(bucket) {
                    r.count = r.count.saturating_add(1);
                } else {
                    if r.bucket.is_some() {
                        close_bucket(r, per_bucket, &self.p.pool.numbers);
                    }
                    r.bucket = Some(bucket);
                    r.count = 1;
                }
            }
            Acc::SameCount { .. } => self.same_count(acc, event),
            Acc::Value { func, property } => {
                let v = self.property(*property, event);
                if v == Val::Missing {
                    return;
                }
                let v = normalized(v);
                match func {
                    ValueFn::MostFrequent => self.states[acc].freq.push(v),
                    ValueFn::FirstValue | ValueFn::LastValue => {
                        let later = *func == ValueFn::LastValue;
                        let replace = match self.states[acc].value {
                            None => true,
                            Some((t, _)) if t != ts => (ts > t) == later,
                            Some((_, best)) => self.less(v, best),
                        };
                        if replace {
                            self.states[acc].value = Some((ts, v));
                        }
                    }
                }
            }
            Acc::Sequence { .. } | Acc::SameSequence { .. } => {
                unreachable!("verified: sequences are updated by steps")
            }
        }
    }

    fn finish_accumulators(&mut self) {
        let now = self.now;
        for (acc, spec) in self.p.accumulators.iter().enumerate() {
            let s = &mut self.states[acc];
            match spec {
                Acc::CountDistinct { .. } => {
                    s.distinct.sort_unstable();
                    s.distinct.dedup();
                    s.count = s.distinct.len() as i64;
                }
                Acc::Value {
                    func: ValueFn::MostFrequent,
                    ..
                } => {
                    // In ascending order, the first longest run: the most
                    // frequent value, the smallest among equal counts.
                    let rank = &self.string_rank;
                    s.freq.sort_unstable_by(|a, b| order(rank, *a, *b));
                    let mut best: Option<(Val, usize)> = None;
                    for run in s.freq.chunk_by(|a, b| order(rank, *a, *b).is_eq()) {
                        if best.is_none_or(|(_, n)| run.len() > n) {
                            best = Some((run[0], run.len()));
                        }
                    }
                    s.value = best.map(|(v, _)| (0, v));
                }
                Acc::Regularity { per_bucket, .. } if s.reg.bucket.is_some() => {
                    close_bucket(&mut s.reg, per_bucket, &self.p.pool.numbers);
                    s.reg.bucket = None;
                }
                // Without `within` the pending deadline is "never" (MAX): holds.
                Acc::Sequence { .. } => s.seq.settle(now),
                Acc::SameSequence { .. } => s.seq.hit |= s.same.settle(now),
                _ => {}
            }
        }
    }
}

/// The boolean instructions shared by blocks and user code; returns a jump.
fn logic(op: Op, stack: &mut [bool; MAX_STACK], sp: &mut usize) -> Option<usize> {
    match op {
        Op::PushTrue | Op::PushFalse => {
            stack[*sp] = op == Op::PushTrue;
            *sp += 1;
        }
        Op::Not => stack[*sp - 1] = !stack[*sp - 1],
        Op::AndJump(t) | Op::OrJump(t) => {
            let keep = stack[*sp - 1] == matches!(op, Op::OrJump(_));
            if keep {
                return Some(t as usize);
            }
            *sp -= 1;
        }
        Op::JumpIfFalse(t) => {
            *sp -= 1;
            if !stack[*sp] {
                return Some(t as usize);
            }
        }
        _ => unreachable!("verified: {op:?} belongs to the other part"),
    }
    None
}
