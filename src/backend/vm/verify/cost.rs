//! Bounding the work: what one event and one user may cost, summed over
//! everything each can reach and capped at [`MAX_EVENT_COST`] and
//! [`MAX_USER_COST`].

use super::{MAX_EVENT_COST, MAX_USER_COST};
use crate::backend::vm::program::{Acc, On, Op, Program, Test};

/// Work units of a test: one, or the length of the list it searches.
fn test_cost(p: &Program, test: u32) -> u64 {
    let list = match &p.pool.tests[test as usize] {
        Test::NumberIn { values, .. } => values.len(),
        Test::TimeIn { times, .. } => times.len(),
        Test::BoolIn { values, .. } => values.len(),
        _ => 0,
    };
    1 + list as u64
}

/// Work units of a regularity's comparisons per period, zero for others.
fn per_bucket_cost(p: &Program, acc: u32) -> u64 {
    match &p.accumulators[acc as usize] {
        Acc::Regularity { per_bucket, .. } => per_bucket.len() as u64,
        _ => 0,
    }
}

/// Work units of one instruction (the operands are verified).
fn op_cost(p: &Program, op: Op) -> u64 {
    match op {
        Op::Property { test, .. } | Op::Attribute { test, .. } | Op::ValueTest { test, .. } => {
            test_cost(p, test)
        }
        Op::Compare { left, right, .. } => {
            let len = |m: u32| p.pool.measures[m as usize].len() as u64;
            1 + len(left) + len(right)
        }
        // Closing a period (update) or counting empty ones (holds).
        Op::Update(acc) | Op::Holds(acc) => {
            1 + per_bucket_cost(p, acc) + same_cost(&p.accumulators[acc as usize])
        }
        Op::SameStep { acc, .. } => 1 + same_cost(&p.accumulators[acc as usize]),
        // An MD5 over the salt and the user id: a unit per 64-byte block of salt.
        Op::Bucket { salt, .. } => 1 + p.pool.strings[salt as usize].len() as u64 / 64,
        _ => 1,
    }
}

/// Work units of reading and hashing an event's `with same` value, zero
/// for accumulators without one. A value's state is made by an event, so
/// settling every value after the last one is charged to the events too
/// (see [`instant_cost`]).
fn same_cost(a: &Acc) -> u64 {
    match a {
        Acc::SameSequence { same, .. } | Acc::SameCount { same, .. } => 2 * same.len() as u64,
        _ => 0,
    }
}

/// Work units per instant (at most once per event) of an accumulator: a
/// sequence's flags and slots; with same, those of the event's value and
/// settling that value at the end of the user.
fn instant_cost(a: &Acc) -> u64 {
    match a {
        Acc::Sequence { steps, .. } => 2 + u64::from(*steps),
        Acc::SameSequence { steps, .. } => 2 * (2 + u64::from(*steps)),
        _ => 0,
    }
}

fn range_cost(p: &Program, start: u32, end: u32) -> u64 {
    p.code[start as usize..end as usize]
        .iter()
        .fold(0, |sum: u64, op| sum.saturating_add(op_cost(p, *op)))
}

/// Caps the work of one event and of one user; with forward jumps only,
/// these bound every run by `events × MAX_EVENT_COST + users × MAX_USER_COST`
/// plus the per-run tables.
pub(super) fn costs(p: &Program) -> Result<(), String> {
    let mut any = 0u64;
    let mut named = vec![0u64; p.events.len()];
    for b in &p.blocks {
        let cost = range_cost(p, b.start, b.end);
        match &b.on {
            // Bounded as if it ran for every event.
            On::Any | On::AllBut(_) => any = any.saturating_add(cost),
            On::Events(ids) => ids
                .iter()
                .for_each(|e| named[*e as usize] = named[*e as usize].saturating_add(cost)),
        }
    }
    // Per instant (at most once per event): every sequence's flags and slots.
    let instant: u64 = p.accumulators.iter().map(instant_cost).sum();
    let event = any
        .saturating_add(named.iter().copied().max().unwrap_or(0))
        .saturating_add(instant);
    if event > MAX_EVENT_COST {
        return Err(format!(
            "one event may cost {event} work units, more than the {MAX_EVENT_COST} a program may take"
        ));
    }
    // Per user: the user code, resetting and closing every accumulator
    // (sequences: their slots; regularities: one period), the percentiles.
    let user = range_cost(p, p.user_code_start(), p.code.len() as u32)
        .saturating_add(
            p.accumulators
                .iter()
                .enumerate()
                .map(|(i, a)| match a {
                    Acc::Sequence { steps, .. } => 2 + u64::from(*steps),
                    _ => 1 + per_bucket_cost(p, i as u32),
                })
                .sum(),
        )
        .saturating_add(p.percentiles.len() as u64);
    if user > MAX_USER_COST {
        return Err(format!(
            "one user may cost {user} work units, more than the {MAX_USER_COST} a program may take"
        ));
    }
    Ok(())
}
