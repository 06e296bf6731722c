//! The verifier: what [`Program::from_bytes`] checks before anything runs.
//!
//! A `.segb` file is untrusted input. The interpreter indexes tables,
//! multiplies seconds into microseconds, divides by periods, sizes per-user
//! state and compiles patterns from the numbers and strings in it, and it does
//! so without checks in the per-event loop. It may, because a verified
//! program holds only what the compiler can emit:
//! - every index is inside its table;
//! - every instant is one a Seg literal can name, and every duration, window
//!   and period is at most the longest duration Seg can write, so `now - d`,
//!   `t + d` and `period × 10⁶` stay far from overflow, and a period is never
//!   zero;
//! - every count that sizes state (sequence steps, regularity buckets) is
//!   within what sema accepts;
//! - every pattern is of the portable subset and compiles within a size limit;
//! - the work per event and per user is bounded: jumps only go forward, so an
//!   instruction runs at most once per run of its block (or of the user code),
//!   and the cost of everything one event or one user can reach is summed here
//!   and capped ([`MAX_EVENT_COST`], [`MAX_USER_COST`]).
//!
//! `docs/vm.md` ("Verification on load") states the same for readers.

mod code;
mod cost;

use std::collections::HashSet;

use super::program::{Acc, NumOp, Program, Test, TextTest, MAX_NUM_STACK};
use crate::ir::{Point, Type};
use crate::time::{MICROS_PER_SECOND, SECONDS_PER_DAY};

/// The longest duration Seg can write: 100 years (`36500d`), as the lexer
/// enforces. Windows, `within`, `in next` and a regularity's whole span
/// (`N × period`) are at most this long.
pub const MAX_DURATION_SECONDS: i64 = 36_500 * SECONDS_PER_DAY;

const DAY_MICROS: i64 = SECONDS_PER_DAY * MICROS_PER_SECOND;

/// The earliest instant a Seg literal can name: 0000-01-01T00:00:00Z (years
/// have four digits), less a day for a zone offset.
pub const EARLIEST_INSTANT: i64 = -62_167_219_200 * MICROS_PER_SECOND - DAY_MICROS;

/// The latest: 10000-01-01T00:00:00Z (the end of 9999-12-31), plus a day for
/// a zone offset. Both bounds are ~2.6 × 10¹⁷ µs, so adding a duration
/// (at most ~3.2 × 10¹⁵ µs) to either cannot overflow an `i64`.
pub const LATEST_INSTANT: i64 = 253_402_300_800 * MICROS_PER_SECOND + DAY_MICROS;

/// `in … of the last N periods`: sema accepts N from 1 to 1000.
pub const MAX_BUCKETS: u32 = 1000;

/// Steps of one sequence (each has a flag and two slots of per-user state).
pub const MAX_SEQUENCE_STEPS: u32 = 64;

/// Properties of one `with same`: each is read and hashed per event.
pub const MAX_SAME_PROPERTIES: usize = crate::ir::MAX_SAME_PROPERTIES;

/// Work units one event may cost: every instruction of every block the
/// event's name selects (a list test costs its length), plus the sequence
/// bookkeeping of its instant. The examples cost at most a few dozen.
pub const MAX_EVENT_COST: u64 = 1 << 16;

/// Work units one user may cost: the user code, resetting and closing every
/// accumulator, and reading every percentile.
pub const MAX_USER_COST: u64 = 1 << 16;

/// String tests per program. Each becomes a table with one entry per
/// distinct string of the data, built when a run starts.
pub const MAX_TEXT_TESTS: usize = 1024;

/// The compiled size of one `matches` pattern (the `regex` crate's default is
/// 10 MiB; a portable pattern of a real segment needs a few KiB).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// A `matches` pattern as the interpreter runs it: checked against the
/// portable subset, as sema does, and compiled within [`PATTERN_SIZE_LIMIT`].
pub fn pattern(text: &str) -> Result<::regex::Regex, String> {
    crate::sema::check_pattern(text)?;
    use crate::backend::regex::{portable, rust};
    ::regex::RegexBuilder::new(&rust(&portable(text)))
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Checks everything listed in the module documentation.
pub(super) fn verify(p: &Program) -> Result<(), String> {
    if crate::calendar::Zone::new(&p.settings).is_none() {
        return Err(format!("unknown time zone {:?}", p.settings.time_zone));
    }
    tables(p)?;
    for (i, a) in p.accumulators.iter().enumerate() {
        accumulator(p, a).map_err(|e| format!("accumulator {i}: {e}"))?;
    }
    segments(p)?;
    let user_start = code::blocks(p)?;
    code::check_range(p, user_start, p.code.len() as u32, false)?;
    if p.spans.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err("the span table is not sorted".into());
    }
    if let Some((at, _)) = p.spans.last() {
        within("span instruction", *at, p.code.len())?;
    }
    cost::costs(p)
}

/// `Ok` when `index` is below `count`; else which table it overran.
fn within(what: &str, index: u32, count: usize) -> Result<(), String> {
    if (index as usize) < count {
        Ok(())
    } else {
        Err(format!("{what} {index} out of range (there are {count})"))
    }
}

fn all_within(what: &str, indexes: &[u32], count: usize) -> Result<(), String> {
    indexes.iter().try_for_each(|i| within(what, *i, count))
}

/// The pool and the name tables.
fn tables(p: &Program) -> Result<(), String> {
    // A block names each event once; with two ids for one name it would run
    // twice per event.
    let mut names = HashSet::new();
    if let Some(a) = p.created_at {
        match p.attributes.get(a as usize) {
            Some((_, Type::Timestamp)) => {}
            _ => return Err(format!("created_at {a} is not a timestamp attribute")),
        }
    }
    if let Some(e) = p.events.iter().find(|e| !names.insert(*e)) {
        return Err(format!("event {e:?} is listed twice"));
    }
    if let Some(n) = p.pool.numbers.iter().find(|n| !n.is_finite()) {
        return Err(format!("number {n} is not finite"));
    }
    for (i, t) in p.pool.times.iter().enumerate() {
        point(*t).map_err(|e| format!("time {i}: {e}"))?;
    }
    let texts = p
        .pool
        .tests
        .iter()
        .filter(|t| matches!(t, Test::Text(_)))
        .count();
    if texts > MAX_TEXT_TESTS {
        return Err(format!(
            "{texts} string tests, more than the {MAX_TEXT_TESTS} a program may have"
        ));
    }
    for (i, t) in p.pool.tests.iter().enumerate() {
        test(p, t).map_err(|e| format!("test {i}: {e}"))?;
    }
    Ok(())
}

/// An instant a literal can name, or `now` less a duration Seg can write.
fn point(t: Point) -> Result<(), String> {
    match t {
        Point::Ago(s) if !(-MAX_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&s) => Err(
            format!("{s} seconds ago is further from now than 100 years"),
        ),
        Point::At(ts) if !(EARLIEST_INSTANT..=LATEST_INSTANT).contains(&ts.0) => Err(format!(
            "instant {} µs is outside the years 0000 to 9999",
            ts.0
        )),
        // Sema allows N ≤ 10 000 periods, and `previous` reaches one more.
        Point::Calendar { ago, .. } if ago > crate::sema::MAX_CALENDAR_PERIODS + 1 => Err(format!(
            "calendar period {ago} ago is further back than Seg can write"
        )),
        _ => Ok(()),
    }
}

fn test(p: &Program, t: &Test) -> Result<(), String> {
    let pool = &p.pool;
    match t {
        Test::Number { value, .. } => within("number", *value, pool.numbers.len()),
        Test::NumberIn { values, .. } => all_within("number", values, pool.numbers.len()),
        Test::Time { time, .. } => within("time", *time, pool.times.len()),
        Test::TimeIn { times, .. } => all_within("time", times, pool.times.len()),
        Test::Text(TextTest::OneOf { strings, .. }) => {
            all_within("string", strings, pool.strings.len())
        }
        Test::Text(
            TextTest::Contains { string, .. }
            | TextTest::StartsWith { string, .. }
            | TextTest::EndsWith { string, .. }
            | TextTest::Order { string, .. },
        ) => within("string", *string, pool.strings.len()),
        Test::Text(TextTest::Matches { string }) => {
            within("string", *string, pool.strings.len())?;
            pattern(&pool.strings[*string as usize])
                .map(drop)
                .map_err(|e| format!("pattern {string} cannot be used: {e}"))
        }
        Test::Anniversary { days }
            if !(1..=MAX_DURATION_SECONDS / SECONDS_PER_DAY).contains(days) =>
        {
            Err(format!("an anniversary within {days} days"))
        }
        Test::Bool { .. } | Test::BoolIn { .. } | Test::IsSet { .. } | Test::Anniversary { .. } => {
            Ok(())
        }
    }
}

fn duration(what: &str, d: i64) -> Result<(), String> {
    if (0..=MAX_DURATION_SECONDS).contains(&d) {
        Ok(())
    } else {
        Err(format!("{what} of {d} seconds is not from 0 to 100 years"))
    }
}

fn sequence(steps: u32, within: Option<i64>) -> Result<(), String> {
    if !(1..=MAX_SEQUENCE_STEPS).contains(&steps) {
        return Err(format!(
            "a sequence of {steps} steps (1 to {MAX_SEQUENCE_STEPS})"
        ));
    }
    within.map_or(Ok(()), |d| duration("`within`", d))
}

/// The properties of a `with same`: 1 to [`MAX_SAME_PROPERTIES`], in range.
fn same_properties(p: &Program, same: &[u32]) -> Result<(), String> {
    if !(1..=MAX_SAME_PROPERTIES).contains(&same.len()) {
        return Err(format!(
            "`with same` {} properties (1 to {MAX_SAME_PROPERTIES})",
            same.len()
        ));
    }
    all_within("property", same, p.properties.len())
}

fn accumulator(p: &Program, a: &Acc) -> Result<(), String> {
    match a {
        Acc::Count | Acc::First | Acc::Last => Ok(()),
        Acc::Sum { property }
        | Acc::Avg { property }
        | Acc::Min { property }
        | Acc::Max { property }
        | Acc::CountDistinct { property }
        | Acc::Value { property, .. } => within("property", *property, p.properties.len()),
        Acc::SameSequence {
            steps,
            within,
            same,
            ..
        } => {
            same_properties(p, same)?;
            sequence(*steps, *within)
        }
        Acc::SameCount { same, at_least } => {
            if *at_least == 0 {
                return Err("a count with same of at least 0 events".into());
            }
            same_properties(p, same)
        }
        Acc::Sequence { steps, within, .. } => sequence(*steps, *within),
        Acc::Regularity {
            buckets,
            period_seconds,
            per_bucket,
            at_least,
            calendar,
        } => {
            if !(1..=MAX_BUCKETS).contains(buckets) {
                return Err(format!(
                    "a regularity over {buckets} periods (1 to {MAX_BUCKETS})"
                ));
            }
            if !(1..=*buckets).contains(at_least) {
                return Err(format!("at least {at_least} of {buckets} periods"));
            }
            if let Some(c) = calendar {
                if c.starts.len() != *buckets as usize {
                    return Err(format!(
                        "{} calendar starts for {buckets} periods",
                        c.starts.len()
                    ));
                }
                for i in c.starts.iter().chain(&c.end) {
                    within("calendar bucket instant", *i, p.pool.times.len())?;
                }
            }
            // The whole span N × period is a window: checked, then bounded.
            let span = i64::from(*buckets).checked_mul(*period_seconds);
            if calendar.is_some() {
                if *period_seconds != 0 {
                    return Err("calendar buckets with a period in seconds".into());
                }
            } else if *period_seconds < 1 || span.is_none_or(|s| s > MAX_DURATION_SECONDS) {
                return Err(format!(
                    "{buckets} periods of {period_seconds} seconds are not from 1 second to 100 years in all"
                ));
            }
            if !(1..=2).contains(&per_bucket.len()) {
                return Err(format!(
                    "{} comparisons per period (1 or 2)",
                    per_bucket.len()
                ));
            }
            per_bucket
                .iter()
                .try_for_each(|(_, n)| within("number", *n, p.pool.numbers.len()))
        }
    }
}

fn segments(p: &Program) -> Result<(), String> {
    if p.segments.is_empty() {
        return Err("no segments".into());
    }
    for s in &p.segments {
        if let Some((bp, _)) = s.holdout.as_ref().filter(|(bp, _)| *bp > 10_000) {
            return Err(format!(
                "segment {:?} holds out {bp} basis points (at most 10000)",
                s.name
            ));
        }
    }
    for (i, m) in p.pool.measures.iter().enumerate() {
        measure(p, m).map_err(|e| format!("measure {i}: {e}"))?;
    }
    for pc in &p.percentiles {
        within("measure", pc.measure, p.pool.measures.len())?;
        if !(pc.percent > 0.0 && pc.percent <= 100.0) {
            return Err(format!(
                "a percentile of {}% (above 0, at most 100)",
                pc.percent
            ));
        }
    }
    Ok(())
}

/// Whether an accumulator has a number value (`measure` in the interpreter).
fn is_measure(a: &Acc) -> bool {
    matches!(
        a,
        Acc::Count
            | Acc::Sum { .. }
            | Acc::Avg { .. }
            | Acc::Min { .. }
            | Acc::Max { .. }
            | Acc::CountDistinct { .. }
            | Acc::Value { .. }
    )
}

/// A measure's operands are in range and its postfix steps leave exactly
/// one value, never more than [`MAX_NUM_STACK`] at once.
fn measure(p: &Program, code: &[NumOp]) -> Result<(), String> {
    let mut depth = 0usize;
    for op in code {
        let (pops, ok) = match *op {
            NumOp::Acc(acc) => {
                within("accumulator", acc, p.accumulators.len())?;
                (0, is_measure(&p.accumulators[acc as usize]))
            }
            NumOp::Attribute(a) => {
                within("attribute", a, p.attributes.len())?;
                (0, true)
            }
            NumOp::Number(n) => {
                within("number", n, p.pool.numbers.len())?;
                (0, true)
            }
            NumOp::Neg => (1, true),
            NumOp::Binary(_) => (2, true),
        };
        if !ok {
            return Err("reads an accumulator that is not a measure".into());
        }
        depth = depth
            .checked_sub(pops)
            .ok_or("takes more values than it has")?
            + 1;
        if depth > MAX_NUM_STACK {
            return Err(format!("needs more than {MAX_NUM_STACK} values at once"));
        }
    }
    if depth != 1 {
        return Err(format!("leaves {depth} values, not one"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{EARLIEST_INSTANT, LATEST_INSTANT};
    use crate::time::{Date, MICROS_PER_SECOND, SECONDS_PER_DAY};

    #[test]
    fn instant_bounds_are_the_four_digit_years_and_a_day() {
        let day = SECONDS_PER_DAY * MICROS_PER_SECOND;
        let start = |y| Date::new(y, 1, 1).unwrap().start().0;
        assert_eq!(EARLIEST_INSTANT, start(0) - day);
        assert_eq!(LATEST_INSTANT, start(10_000) + day);
    }
}
