//! The interpreter: evaluates a verified [`Program`] for every user of a
//! [`Dataset`], one user's events at a time, in time order.
//!
//! Per event it runs only the blocks selected for that event's name (a
//! dispatch table built per run). Per-user state lives in scratch space
//! allocated once per run and reset per user, so the event loop neither
//! allocates nor compares strings: string tests were turned into per-string
//! tables before the loop.

use std::collections::VecDeque;

mod same;

use md5::{Digest, Md5};

use super::fields::{anniversary_within, text_table};
use super::program::{Acc, NumOp, On, Op, Program, Test, MAX_NUM_STACK, MAX_STACK};
use crate::calendar::Zone;
use crate::data::{Dataset, Val};
use crate::ir::{Cmp, Num, Point, ValueFn};
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

#[derive(Clone, Default)]
struct Sequence {
    /// Latest start of a chain through step j, over earlier instants.
    latest: Vec<Option<i64>>,
    /// Steps seen at the current instant (the negated step last).
    flags: Vec<bool>,
    fresh: Vec<Option<i64>>,
    /// Start instants within `within` of the current one (then-not, k ≥ 2).
    starts: VecDeque<i64>,
    /// Earliest deadline among candidates since the last negated event.
    pending: Option<i64>,
    hit: bool,
}

impl Sequence {
    fn new(steps: usize) -> Sequence {
        Sequence {
            latest: vec![None; steps],
            fresh: vec![None; steps],
            flags: vec![false; steps + 1],
            ..Sequence::default()
        }
    }

    /// Applies the step flags of the instant `t` (see `docs/sql.md`,
    /// "Sequences": the same rules, streamed); `k` steps.
    fn flush(&mut self, k: usize, then_not: bool, within: Option<i64>, t: i64) {
        let q = self;
        if !q.flags.iter().any(|f| *f) {
            return;
        }
        if then_not && q.flags[k] {
            // A negated event: candidates whose time ran out before it
            // held; the others all saw it within their time.
            if q.pending.is_some_and(|d| d < t) {
                q.hit = true;
            }
            q.pending = None;
        }
        q.fresh[0] = q.flags[0].then_some(t);
        for j in 1..k {
            q.fresh[j] = if q.flags[j] { q.latest[j - 1] } else { None };
        }
        if let Some(latest_start) = q.fresh[k - 1] {
            match (then_not, within) {
                (false, None) => q.hit = true,
                // Verified: d is at most 100 years; the times are the
                // data's, so the sums saturate.
                (false, Some(d)) => {
                    q.hit |= t <= latest_start.saturating_add(d * MICROS_PER_SECOND)
                }
                (true, None) => q.pending = Some(i64::MAX),
                (true, Some(d)) => {
                    let d = d * MICROS_PER_SECOND;
                    let start = if k == 1 {
                        Some(t)
                    } else {
                        while q.starts.front().is_some_and(|s| *s < t.saturating_sub(d)) {
                            q.starts.pop_front();
                        }
                        q.starts.front().copied().filter(|s| *s <= latest_start)
                    };
                    if let Some(s) = start {
                        let deadline = s.saturating_add(d);
                        q.pending = Some(q.pending.map_or(deadline, |p| p.min(deadline)));
                    }
                }
            }
        }
        for j in 0..k {
            if let Some(v) = q.fresh[j] {
                q.latest[j] = Some(q.latest[j].map_or(v, |l| l.max(v)));
            }
        }
        if then_not && within.is_some() && k > 1 && q.flags[0] {
            q.starts.push_back(t);
        }
        q.flags.fill(false);
    }

    /// After the last event: a candidate whose deadline passed by now (or,
    /// without `within`, that no negated event followed) holds.
    fn settle(&mut self, now: i64) {
        if self.pending.is_some_and(|d| d == i64::MAX || d <= now) {
            self.hit = true;
        }
    }
}

#[derive(Clone, Default)]
struct Regularity {
    bucket: Option<i64>,
    count: u32,
    good: u32,
    busy: u32,
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
    fn new(p: &'a Program, data: &'a Dataset, now: i64, budget: u64) -> Result<Self, RunError> {
        // Every calendar boundary is resolved here, once: the event loop
        // compares instants only, never converts one to local time.
        let zone = Zone::or_utc(&p.settings);
        let times: Vec<i64> = p
            .pool
            .times
            .iter()
            .map(|t| match *t {
                // Verified: |s| is at most 100 years, so the product fits;
                // `now` comes from the caller, hence the saturation.
                Point::Ago(s) => now.saturating_sub(s * MICROS_PER_SECOND),
                Point::At(ts) => ts.0,
                Point::Calendar { unit, ago } => zone.period_start(now, unit, i64::from(ago)),
            })
            .collect();
        let calendar = p
            .accumulators
            .iter()
            .map(|a| match a {
                Acc::Regularity {
                    calendar: Some(c), ..
                } => (
                    c.starts.iter().map(|i| times[*i as usize]).collect(),
                    c.end.map(|i| times[i as usize]),
                ),
                _ => (Vec::new(), None),
            })
            .collect();
        let today = zone.local_day(now);
        let mut text = Vec::with_capacity(p.pool.tests.len());
        for t in &p.pool.tests {
            text.push(match t {
                Test::Text(tt) => text_table(tt, &p.pool.strings, &data.strings.strings)?,
                _ => Vec::new(),
            });
        }
        let column = |columns: &Vec<(String, crate::ir::Type, Vec<Val>)>, name: &str| {
            columns.iter().position(|(n, _, _)| n == name)
        };
        let properties = p
            .properties
            .iter()
            .map(|(n, _)| column(&data.properties, n))
            .collect();
        let attributes = p
            .attributes
            .iter()
            .map(|(n, _)| column(&data.attributes, n))
            .collect();
        let mut dispatch = vec![Vec::new(); data.event_names.strings.len()];
        let mut any = Vec::new();
        for (i, b) in p.blocks.iter().enumerate() {
            let named = || {
                b.on.ids()
                    .iter()
                    .filter_map(|id| data.event_names.get(&p.events[*id as usize]))
            };
            match &b.on {
                On::Any => any.push(i as u32),
                On::Events(_) => named().for_each(|d| dispatch[d as usize].push(i as u32)),
                On::AllBut(_) => {
                    let excluded: Vec<u32> = named().collect();
                    for (d, blocks) in dispatch.iter_mut().enumerate() {
                        if !excluded.contains(&(d as u32)) {
                            blocks.push(i as u32);
                        }
                    }
                }
            }
        }
        for blocks in &mut dispatch {
            blocks.extend_from_slice(&any);
        }
        let states = p
            .accumulators
            .iter()
            .map(|a| {
                let mut s = State::default();
                if let Acc::Sequence { steps, .. } = a {
                    s.seq = Sequence::new(*steps as usize);
                }
                s
            })
            .collect();
        Ok(Machine {
            p,
            data,
            now,
            times,
            zone,
            today,
            calendar,
            text,
            properties,
            attributes,
            dispatch,
            user_start: p.user_code_start() as usize,
            sequences: p
                .accumulators
                .iter()
                .enumerate()
                .filter(|(_, a)| matches!(a, Acc::Sequence { .. }))
                .map(|(i, _)| i)
                .collect(),
            same_sequences: accumulators_where(p, |a| matches!(a, Acc::SameSequence { .. })),
            same_accs: accumulators_where(p, |a| {
                matches!(a, Acc::SameSequence { .. } | Acc::SameCount { .. })
            }),
            states,
            results: vec![SegmentResult::default(); p.segments.len()],
            ranked: Vec::new(),
            string_rank: if p
                .accumulators
                .iter()
                .any(|a| matches!(a, Acc::Value { .. }))
            {
                code_point_ranks(&data.strings.strings)
            } else {
                Vec::new()
            },
            stack: [false; MAX_STACK],
            steps: 0,
            budget,
        })
    }

    /// Every user of the users table, else the users with an event up to now
    /// (events are in time order: the first one tells).
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

    /// The order of ties (spec §3.12): code points for strings, numeric
    /// for numbers, `false` before `true`, earlier before later.
    fn less(&self, a: Val, b: Val) -> bool {
        less_by(&self.string_rank, a, b)
    }

    /// Applies the step flags of the instant `t` to each sequence (see
    /// `docs/sql.md`, "Sequences": the same rules, streamed).
    fn flush_instant(&mut self, t: i64) {
        for &acc in &self.sequences {
            let Acc::Sequence {
                steps,
                then_not,
                within,
            } = self.p.accumulators[acc]
            else {
                unreachable!("only sequences are listed")
            };
            self.states[acc]
                .seq
                .flush(steps as usize, then_not, within, t);
        }
        for i in 0..self.same_sequences.len() {
            self.flush_same(self.same_sequences[i], t);
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

    /// The value of a measure accumulator; `None` when missing.
    fn measure(&self, acc: usize) -> Option<f64> {
        let s = &self.states[acc];
        match &self.p.accumulators[acc] {
            Acc::Count | Acc::CountDistinct { .. } => Some(s.count as f64),
            Acc::Sum { .. } => Some(s.sum),
            Acc::Avg { .. } => (s.count > 0).then(|| s.sum / s.count as f64),
            // Reset to +inf/-inf: they cross once a value has been seen.
            Acc::Min { .. } => (s.min <= s.max).then_some(s.min),
            Acc::Max { .. } => (s.min <= s.max).then_some(s.max),
            Acc::Value { .. } => match s.value {
                Some((_, Val::Num(n))) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }

    /// A pooled measure (spec §3.11): `None` when missing. A measure
    /// accumulator that is not finite (a sum that overflowed) is missing too.
    fn num(&self, measure: usize, user: usize) -> Option<f64> {
        let mut stack = [None; MAX_NUM_STACK];
        let mut sp = 0;
        for op in &self.p.pool.measures[measure] {
            let value = match *op {
                NumOp::Acc(acc) => self.measure(acc as usize).filter(|v| v.is_finite()),
                NumOp::Attribute(a) => match self.attribute(a, user) {
                    Val::Num(n) if n.is_finite() => Some(n),
                    _ => None,
                },
                NumOp::Number(n) => Some(self.p.pool.numbers[n as usize]),
                NumOp::Neg => {
                    sp -= 1;
                    stack[sp].map(|v: f64| -v)
                }
                NumOp::Binary(op) => {
                    sp -= 2;
                    Num::apply(op, stack[sp], stack[sp + 1])
                }
            };
            stack[sp] = value;
            sp += 1;
        }
        stack[0]
    }

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
    fn user_code(&mut self, user: usize) -> Result<(), RunError> {
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

/// The indexes of the accumulators that `wanted` picks.
fn accumulators_where(p: &Program, wanted: impl Fn(&Acc) -> bool) -> Vec<usize> {
    (0..p.accumulators.len())
        .filter(|i| wanted(&p.accumulators[*i]))
        .collect()
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

/// -0 and 0 are one value (as in `count distinct`).
fn normalized(v: Val) -> Val {
    match v {
        Val::Num(n) => Val::Num(n + 0.0),
        v => v,
    }
}

fn less_by(string_rank: &[u32], a: Val, b: Val) -> bool {
    order(string_rank, a, b).is_lt()
}

/// The order of property values (one property has one type).
fn order(string_rank: &[u32], a: Val, b: Val) -> std::cmp::Ordering {
    use std::cmp::Ordering::Equal;
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(&y).unwrap_or(Equal),
        (Val::Str(x), Val::Str(y)) => string_rank[x as usize].cmp(&string_rank[y as usize]),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(&y),
        (Val::Time(x), Val::Time(y)) => x.cmp(&y),
        _ => Equal,
    }
}

/// Each string's place when all are sorted by code point (UTF-8 bytes).
fn code_point_ranks(strings: &[String]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..strings.len() as u32).collect();
    order.sort_by(|a, b| strings[*a as usize].cmp(&strings[*b as usize]));
    let mut rank = vec![0; strings.len()];
    for (place, id) in order.into_iter().enumerate() {
        rank[id as usize] = place as u32;
    }
    rank
}

fn close_bucket(r: &mut Regularity, per_bucket: &[(Cmp, u32)], numbers: &[f64]) {
    r.busy += 1;
    if per_bucket
        .iter()
        .all(|(cmp, n)| cmp.holds(f64::from(r.count), numbers[*n as usize]))
    {
        r.good += 1;
    }
}
