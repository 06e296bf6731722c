//! Checking the instructions: the blocks tile the code, every operand is
//! in range, jumps go forward, and the stack stays within bounds, so the
//! interpreter may run the code without checks.

use std::collections::HashSet;

use super::{all_within, within};
use crate::backend::vm::program::{Acc, Op, Program, MAX_STACK};

/// The blocks tile the code from 0 in order, as the compiler lays them out,
/// so every instruction is checked; returns where the user code starts.
pub(super) fn blocks(p: &Program) -> Result<u32, String> {
    let len = p.code.len() as u32;
    let mut next = 0;
    for (i, b) in p.blocks.iter().enumerate() {
        if b.start != next || b.start >= b.end || b.end > len {
            return Err(format!(
                "block {i} [{}, {}) does not start where the last one ended ({next}), is empty or leaves the code",
                b.start, b.end
            ));
        }
        next = b.end;
        let events = b.on.ids();
        all_within("event", events, p.events.len())?;
        let mut seen = HashSet::new();
        if let Some(e) = events.iter().find(|e| !seen.insert(**e)) {
            return Err(format!("block {i} names event {e} twice"));
        }
        check_range(p, b.start, b.end, true)?;
    }
    Ok(next)
}

/// How an instruction moves the stack: `(pops, pushes, jump target)`, after
/// checking its operands.
fn effect(p: &Program, op: Op) -> Result<(usize, usize, Option<u32>), String> {
    let n_acc = p.accumulators.len();
    let n_seg = p.segments.len();
    let pool = &p.pool;
    let arm = |segment: u32, arm: u32| {
        within("segment", segment, n_seg)?;
        within("arm", arm, p.segments[segment as usize].arms.len())
    };
    Ok(match op {
        Op::PushTrue | Op::PushFalse => (0, 1, None),
        Op::Not => (1, 1, None),
        Op::AndJump(t) | Op::OrJump(t) | Op::JumpIfFalse(t) => (1, 0, Some(t)),
        Op::Property { property, test } => {
            within("property", property, p.properties.len())?;
            within("test", test, pool.tests.len())?;
            (0, 1, None)
        }
        Op::EventTime { time, .. } => {
            within("time", time, pool.times.len())?;
            (0, 1, None)
        }
        Op::Update(acc) => {
            within("accumulator", acc, n_acc)?;
            if matches!(
                p.accumulators[acc as usize],
                Acc::Sequence { .. } | Acc::SameSequence { .. }
            ) {
                return Err("a sequence is updated by steps".into());
            }
            (0, 0, None)
        }
        Op::Step { acc, step } => {
            within("accumulator", acc, n_acc)?;
            match p.accumulators[acc as usize] {
                Acc::Sequence {
                    steps, then_not, ..
                } if step < steps + u32::from(then_not) => {}
                _ => return Err(format!("step {step} of accumulator {acc}")),
            }
            (0, 0, None)
        }
        Op::SameStep { acc, step } => {
            within("accumulator", acc, n_acc)?;
            match p.accumulators[acc as usize] {
                Acc::SameSequence {
                    steps, then_not, ..
                } if step < steps + u32::from(then_not) => {}
                _ => return Err(format!("same step {step} of accumulator {acc}")),
            }
            (0, 0, None)
        }
        Op::Attribute { attribute, test } => {
            within("attribute", attribute, p.attributes.len())?;
            within("test", test, pool.tests.len())?;
            (0, 1, None)
        }
        Op::Measure { acc, number, .. } => {
            within("accumulator", acc, n_acc)?;
            within("number", number, pool.numbers.len())?;
            (0, 1, None)
        }
        Op::Recency { acc, time, .. } => {
            within("accumulator", acc, n_acc)?;
            within("time", time, pool.times.len())?;
            (0, 1, None)
        }
        Op::RecencySet(acc) | Op::Holds(acc) => {
            within("accumulator", acc, n_acc)?;
            (0, 1, None)
        }
        Op::Member(s) => {
            within("segment", s, n_seg)?;
            (0, 1, None)
        }
        Op::InArm { segment, arm: a } => {
            arm(segment, a)?;
            (0, 1, None)
        }
        Op::Percentile(i) => {
            within("percentile", i, p.percentiles.len())?;
            (0, 1, None)
        }
        Op::Compare { left, right, .. } => {
            within("measure", left, pool.measures.len())?;
            within("measure", right, pool.measures.len())?;
            (0, 1, None)
        }
        Op::ValueTest { acc, test } => {
            within("accumulator", acc, n_acc)?;
            if !matches!(p.accumulators[acc as usize], Acc::Value { .. }) {
                return Err(format!("accumulator {acc} is not a property value"));
            }
            within("test", test, pool.tests.len())?;
            (0, 1, None)
        }
        Op::Bucket { salt, from, to } => {
            within("string", salt, pool.strings.len())?;
            if from >= to || to > 10_000 {
                return Err(format!("bucket [{from}, {to}) of 10 000"));
            }
            (0, 1, None)
        }
        Op::Store(s) => {
            within("segment", s, n_seg)?;
            (1, 0, None)
        }
        Op::StoreArm { segment, arm: a } => {
            arm(segment, a)?;
            (1, 0, None)
        }
    })
}

/// Operands in range, jumps forward and inside `[start, end]`, the stack
/// never below empty or above [`MAX_STACK`] and empty at the end, event-only
/// and user-only instructions in their part, and in a block exactly one
/// update, its last instruction.
pub(super) fn check_range(p: &Program, start: u32, end: u32, in_block: bool) -> Result<(), String> {
    // Depth at each instruction, from the straight-line order and jumps.
    let mut depth: Vec<Option<usize>> = vec![None; (end - start + 1) as usize];
    depth[0] = Some(0);
    for at in start..end {
        let op = p.code[at as usize];
        let update = matches!(op, Op::Update(_) | Op::Step { .. } | Op::SameStep { .. });
        let event_only = update || matches!(op, Op::Property { .. } | Op::EventTime { .. });
        let user_only = matches!(
            op,
            Op::Attribute { .. }
                | Op::Measure { .. }
                | Op::Recency { .. }
                | Op::RecencySet(_)
                | Op::Holds(_)
                | Op::Member(_)
                | Op::InArm { .. }
                | Op::Percentile(_)
                | Op::Compare { .. }
                | Op::ValueTest { .. }
                | Op::Bucket { .. }
                | Op::Store(_)
                | Op::StoreArm { .. }
        );
        if (in_block && user_only) || (!in_block && event_only) {
            return Err(format!(
                "instruction {at} ({op:?}) in the wrong part of the program"
            ));
        }
        if in_block && update != (at + 1 == end) {
            return Err(format!(
                "block [{start}, {end}) must end with its one update (instruction {at}: {op:?})"
            ));
        }
        let (pops, pushes, jump) =
            effect(p, op).map_err(|e| format!("instruction {at} ({op:?}): {e}"))?;
        // Unreachable instructions are checked above but move no stack.
        let Some(d) = depth[(at - start) as usize] else {
            continue;
        };
        let after = d
            .checked_sub(pops)
            .ok_or_else(|| format!("instruction {at} ({op:?}) pops an empty stack"))?
            + pushes;
        if after > MAX_STACK {
            return Err(format!("the stack grows beyond {MAX_STACK}"));
        }
        let mut merge = |target: u32, depth_there: usize| -> Result<(), String> {
            if target <= at || target > end {
                return Err(format!(
                    "instruction {at} jumps to {target}, outside [{}, {end}]",
                    at + 1
                ));
            }
            let slot = &mut depth[(target - start) as usize];
            match slot {
                Some(d) if *d != depth_there => Err(format!("stack depths disagree at {target}")),
                _ => {
                    *slot = Some(depth_there);
                    Ok(())
                }
            }
        };
        if let Some(target) = jump {
            // `and`/`or` jumps keep the value they test; `JumpIfFalse` pops it.
            let kept = if matches!(op, Op::JumpIfFalse(_)) {
                after
            } else {
                d
            };
            merge(target, kept)?;
        }
        merge(at + 1, after)?;
    }
    match depth[(end - start) as usize] {
        Some(0) | None => Ok(()),
        Some(d) => Err(format!("{d} value(s) left on the stack at {end}")),
    }
}
