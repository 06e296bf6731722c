//! The bytecode: a versioned, serde-serializable program, its verifier and
//! its disassembler.
//!
//! A program evaluates one segment (with the segments it references) for one
//! user at a time. It has two parts:
//! - **event blocks**: short instruction ranges run for each of the user's
//!   events whose name the block selects; they test the event's properties
//!   and time and end by updating an accumulator;
//! - **user code**: run once per user after the events; it combines the
//!   accumulators and the user's attributes into each segment's result.
//!
//! Every value on the stack is a boolean. Jumps only go forward, so every
//! block and the user code end after at most their own length in steps.
//! Names are interned: events, properties and attributes are small integer
//! ids into tables; strings are compared through precomputed tables, never
//! in the per-event loop.

use serde::{Deserialize, Serialize};

use crate::ir::{Cmp, Point, Type};
use crate::span::Span;

/// Bumped whenever the encoding changes; a program of another version is refused.
pub const VERSION: u32 = 1;

/// The deepest stack a verified program may need.
pub const MAX_STACK: usize = 256;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub version: u32,
    /// Event names (ids are indexes).
    pub events: Vec<String>,
    /// Event properties and user attributes, with their types.
    pub properties: Vec<(String, Type)>,
    pub attributes: Vec<(String, Type)>,
    /// Numbers, strings and instants the code refers to.
    pub pool: Pool,
    pub accumulators: Vec<Acc>,
    pub blocks: Vec<Block>,
    /// Segments in evaluation order: referenced ones first, the root last.
    pub segments: Vec<SegmentInfo>,
    /// Percentiles: ranked over all users before the user code runs.
    pub percentiles: Vec<PercentileInfo>,
    pub code: Vec<Op>,
    /// Source spans by instruction index (sorted), for run-time errors and the
    /// disassembly.
    pub spans: Vec<(u32, Span)>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    pub numbers: Vec<f64>,
    pub strings: Vec<String>,
    /// Instants, resolved against `now` when a run starts.
    pub times: Vec<Point>,
    pub tests: Vec<Test>,
}

/// A test of one value (a property or an attribute); false when missing,
/// except `IsSet { negated: true }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    Number {
        cmp: Cmp,
        value: u32,
    },
    NumberIn {
        values: Vec<u32>,
        negated: bool,
    },
    Bool {
        cmp: Cmp,
        value: bool,
    },
    BoolIn {
        values: Vec<bool>,
        negated: bool,
    },
    Time {
        cmp: Cmp,
        time: u32,
    },
    TimeIn {
        times: Vec<u32>,
        negated: bool,
    },
    /// A string test, looked up in a table built per run.
    Text(TextTest),
    IsSet {
        negated: bool,
    },
    /// The timestamp's next anniversary is fewer than `days` days away.
    Anniversary {
        days: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextTest {
    /// `=` / `!=` (`negated`) / `in` / `not in`: one of these strings.
    OneOf {
        strings: Vec<u32>,
        negated: bool,
        ignore_case: bool,
    },
    Contains {
        string: u32,
        ignore_case: bool,
    },
    StartsWith {
        string: u32,
        ignore_case: bool,
    },
    EndsWith {
        string: u32,
        ignore_case: bool,
    },
    /// A pattern of the portable subset (checked by sema).
    Matches {
        string: u32,
    },
}

/// Per-user state updated by event blocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Acc {
    Count,
    Sum {
        property: u32,
    },
    Avg {
        property: u32,
    },
    Min {
        property: u32,
    },
    Max {
        property: u32,
    },
    CountDistinct {
        property: u32,
    },
    First,
    Last,
    /// Steps 0..steps, then (when `then_not`) the negated step as flag `steps`.
    Sequence {
        steps: u32,
        then_not: bool,
        within: Option<i64>,
    },
    Regularity {
        buckets: u32,
        period_seconds: i64,
        per_bucket: Vec<(Cmp, u32)>,
        at_least: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Event ids this block runs for; `None` for every event.
    pub events: Option<Vec<u32>>,
    /// The instruction range `[start, end)`; the last one updates an accumulator.
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentInfo {
    pub name: String,
    /// Partition arm names; empty for a plain segment.
    pub arms: Vec<String>,
    /// `(basis points, salt)` when the segment declares a holdout.
    pub holdout: Option<(u32, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PercentileInfo {
    /// A measure accumulator (count, sum, avg, min, max, count distinct).
    pub acc: u32,
    pub top: bool,
    pub percent: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    PushTrue,
    PushFalse,
    Not,
    /// If the top is false, jump (keeping it); else pop it.
    AndJump(u32),
    /// If the top is true, jump (keeping it); else pop it.
    OrJump(u32),
    /// Pop; if false, jump.
    JumpIfFalse(u32),
    // --- event blocks
    /// Test a property of the current event.
    Property {
        property: u32,
        test: u32,
    },
    /// Compare the event's time with a pooled instant.
    EventTime {
        cmp: Cmp,
        time: u32,
    },
    /// The event matched: update the accumulator.
    Update(u32),
    /// The event is an event of sequence step `step`.
    Step {
        acc: u32,
        step: u32,
    },
    // --- user code
    Attribute {
        attribute: u32,
        test: u32,
    },
    /// `measure cmp number`; missing averages, minima and maxima compare false.
    Measure {
        acc: u32,
        cmp: Cmp,
        number: u32,
    },
    /// First or last event: exists and compares with an instant.
    Recency {
        acc: u32,
        cmp: Cmp,
        time: u32,
    },
    /// First or last event exists.
    RecencySet(u32),
    /// A sequence or regularity accumulator holds.
    Holds(u32),
    /// A referenced segment's result (any arm, for a partition).
    Member(u32),
    /// A referenced partition assigned this arm.
    InArm {
        segment: u32,
        arm: u32,
    },
    Percentile(u32),
    /// Pop the segment's result.
    Store(u32),
    /// Pop; when true and no earlier arm matched, assign this arm.
    StoreArm {
        segment: u32,
        arm: u32,
    },
}

/// Why a program was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("not a segc bytecode file: {0}")]
    Format(String),
    #[error("bytecode version {found}, this segc reads version {VERSION}; recompile the segment")]
    Version { found: u32 },
    #[error("malformed bytecode: {0}")]
    Invalid(String),
}

/// `Ok` when `index` is below `count`; else which table it overran.
fn within(what: &str, index: u32, count: usize) -> Result<(), String> {
    if (index as usize) < count {
        Ok(())
    } else {
        Err(format!("{what} {index} out of range (there are {count})"))
    }
}

impl Op {
    /// The same instruction with its jump target moved by `base` (code
    /// built from 0 and placed at `base`).
    pub fn relocated(self, base: u32) -> Op {
        match self {
            Op::AndJump(t) => Op::AndJump(t + base),
            Op::OrJump(t) => Op::OrJump(t + base),
            Op::JumpIfFalse(t) => Op::JumpIfFalse(t + base),
            op => op,
        }
    }
}

impl Program {
    /// Where the user code starts: right after the last event block.
    pub fn user_code_start(&self) -> u32 {
        self.blocks.iter().map(|b| b.end).max().unwrap_or(0)
    }

    /// Reads a program and verifies it: a malformed or hostile file is an
    /// error, never a panic or an out-of-bounds access later.
    pub fn from_bytes(bytes: &[u8]) -> Result<Program, LoadError> {
        let program: Program =
            serde_json::from_slice(bytes).map_err(|e| LoadError::Format(e.to_string()))?;
        if program.version != VERSION {
            return Err(LoadError::Version {
                found: program.version,
            });
        }
        program.verify().map_err(LoadError::Invalid)?;
        Ok(program)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a program serializes")
    }

    /// Checks every index, every jump, every block and the stack depth.
    pub fn verify(&self) -> Result<(), String> {
        let len = self.code.len() as u32;
        let p = &self.pool;
        for t in &p.tests {
            match t {
                Test::Number { value, .. } => within("number", *value, p.numbers.len())?,
                Test::NumberIn { values, .. } => values
                    .iter()
                    .try_for_each(|v| within("number", *v, p.numbers.len()))?,
                Test::Time { time, .. } => within("time", *time, p.times.len())?,
                Test::TimeIn { times, .. } => times
                    .iter()
                    .try_for_each(|v| within("time", *v, p.times.len()))?,
                Test::Text(text) => match text {
                    TextTest::OneOf { strings, .. } => strings
                        .iter()
                        .try_for_each(|v| within("string", *v, p.strings.len()))?,
                    TextTest::Contains { string, .. }
                    | TextTest::StartsWith { string, .. }
                    | TextTest::EndsWith { string, .. }
                    | TextTest::Matches { string } => within("string", *string, p.strings.len())?,
                },
                Test::Bool { .. }
                | Test::BoolIn { .. }
                | Test::IsSet { .. }
                | Test::Anniversary { .. } => {}
            }
        }
        for a in &self.accumulators {
            match a {
                Acc::Sum { property }
                | Acc::Avg { property }
                | Acc::Min { property }
                | Acc::Max { property }
                | Acc::CountDistinct { property } => {
                    within("property", *property, self.properties.len())?
                }
                Acc::Sequence { steps, .. } if *steps == 0 || *steps > 64 => {
                    return Err(format!("a sequence of {steps} steps"))
                }
                Acc::Regularity {
                    buckets,
                    period_seconds,
                    per_bucket,
                    at_least,
                } => {
                    if *buckets == 0
                        || *buckets > 1000
                        || *period_seconds <= 0
                        || *at_least > *buckets
                    {
                        return Err("a regularity with impossible buckets".into());
                    }
                    per_bucket
                        .iter()
                        .try_for_each(|(_, n)| within("number", *n, p.numbers.len()))?
                }
                _ => {}
            }
        }
        for pc in &self.percentiles {
            within("accumulator", pc.acc, self.accumulators.len())?;
            if !matches!(
                self.accumulators[pc.acc as usize],
                Acc::Count
                    | Acc::Sum { .. }
                    | Acc::Avg { .. }
                    | Acc::Min { .. }
                    | Acc::Max { .. }
                    | Acc::CountDistinct { .. }
            ) || !pc.percent.is_finite()
            {
                return Err("a percentile over something that is not a measure".into());
            }
        }
        // Blocks: inside the code, before the user code, ending in an update.
        let user_start = self.user_code_start();
        for b in &self.blocks {
            if b.start >= b.end || b.end > len {
                return Err(format!(
                    "block [{}, {}) is empty or outside the code",
                    b.start, b.end
                ));
            }
            if let Some(events) = &b.events {
                events
                    .iter()
                    .try_for_each(|e| within("event", *e, self.events.len()))?;
            }
            if !matches!(
                self.code[b.end as usize - 1],
                Op::Update(_) | Op::Step { .. }
            ) {
                return Err(format!(
                    "block [{}, {}) does not end with an update",
                    b.start, b.end
                ));
            }
            self.check_range(b.start, b.end, true)?;
        }
        if self.segments.is_empty() {
            return Err("no segments".into());
        }
        self.check_range(user_start, len, false)?;
        if self.spans.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err("the span table is not sorted".into());
        }
        Ok(())
    }

    /// Operands in range, jumps forward and inside `[start, end]`, the stack
    /// never below empty or above [`MAX_STACK`], and event-only or user-only
    /// instructions in their part.
    fn check_range(&self, start: u32, end: u32, in_block: bool) -> Result<(), String> {
        let n_acc = self.accumulators.len();
        let n_seg = self.segments.len();
        let p = &self.pool;
        // Depth at each instruction, from the straight-line order and jumps.
        let mut depth: Vec<Option<usize>> = vec![None; (end - start + 1) as usize];
        depth[0] = Some(0);
        for at in start..end {
            let op = self.code[at as usize];
            let here = (at - start) as usize;
            let Some(d) = depth[here] else {
                // Unreachable instructions are fine, but must still be well-formed.
                continue;
            };
            let event_only = matches!(
                op,
                Op::Property { .. } | Op::EventTime { .. } | Op::Update(_) | Op::Step { .. }
            );
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
                    | Op::Store(_)
                    | Op::StoreArm { .. }
            );
            if (in_block && user_only) || (!in_block && event_only) {
                return Err(format!(
                    "instruction {at} ({op:?}) in the wrong part of the program"
                ));
            }
            let (pops, pushes, jump): (usize, usize, Option<(u32, usize)>) = match op {
                Op::PushTrue | Op::PushFalse => (0, 1, None),
                Op::Not => (1, 1, None),
                Op::AndJump(t) | Op::OrJump(t) => (1, 0, Some((t, d))),
                Op::JumpIfFalse(t) => (1, 0, Some((t, d.wrapping_sub(1)))),
                Op::Property { property, test } => {
                    within("property", property, self.properties.len())?;
                    within("test", test, p.tests.len())?;
                    (0, 1, None)
                }
                Op::EventTime { time, .. } => {
                    within("time", time, p.times.len())?;
                    (0, 1, None)
                }
                Op::Update(acc) => {
                    within("accumulator", acc, n_acc)?;
                    if matches!(self.accumulators[acc as usize], Acc::Sequence { .. }) {
                        return Err("a sequence is updated by steps".into());
                    }
                    (0, 0, None)
                }
                Op::Step { acc, step } => {
                    within("accumulator", acc, n_acc)?;
                    match self.accumulators[acc as usize] {
                        Acc::Sequence {
                            steps, then_not, ..
                        } if step < steps + u32::from(then_not) => {}
                        _ => return Err(format!("step {step} of accumulator {acc}")),
                    }
                    (0, 0, None)
                }
                Op::Attribute { attribute, test } => {
                    within("attribute", attribute, self.attributes.len())?;
                    within("test", test, p.tests.len())?;
                    (0, 1, None)
                }
                Op::Measure { acc, number, .. } => {
                    within("accumulator", acc, n_acc)?;
                    within("number", number, p.numbers.len())?;
                    (0, 1, None)
                }
                Op::Recency { acc, time, .. } => {
                    within("accumulator", acc, n_acc)?;
                    within("time", time, p.times.len())?;
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
                Op::InArm { segment, arm } => {
                    within("segment", segment, n_seg)?;
                    within("arm", arm, self.segments[segment as usize].arms.len())?;
                    (0, 1, None)
                }
                Op::Percentile(i) => {
                    within("percentile", i, self.percentiles.len())?;
                    (0, 1, None)
                }
                Op::Store(s) => {
                    within("segment", s, n_seg)?;
                    (1, 0, None)
                }
                Op::StoreArm { segment, arm } => {
                    within("segment", segment, n_seg)?;
                    within("arm", arm, self.segments[segment as usize].arms.len())?;
                    (1, 0, None)
                }
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
                    Some(d) if *d != depth_there => {
                        Err(format!("stack depths disagree at {target}"))
                    }
                    _ => {
                        *slot = Some(depth_there);
                        Ok(())
                    }
                }
            };
            if let Some((target, depth_there)) = jump {
                merge(target, depth_there)?;
            }
            merge(at + 1, after)?;
        }
        match depth[(end - start) as usize] {
            Some(0) | None => Ok(()),
            Some(d) => Err(format!("{d} value(s) left on the stack at {end}")),
        }
    }

    /// A readable listing: tables, blocks, then the code with spans.
    pub fn disassemble(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "; segc bytecode v{}", self.version);
        for (i, s) in self.segments.iter().enumerate() {
            let _ = write!(out, "segment {i} {}", s.name);
            if !s.arms.is_empty() {
                let _ = write!(out, " arms [{}]", s.arms.join(", "));
            }
            if let Some((bp, salt)) = &s.holdout {
                let _ = write!(out, " holdout {bp}bp salt {salt:?}");
            }
            out.push('\n');
        }
        let list = |out: &mut String, title: &str, items: Vec<String>| {
            for (i, item) in items.iter().enumerate() {
                let _ = writeln!(out, "{title} {i} {item}");
            }
        };
        list(
            &mut out,
            "event",
            self.events.iter().map(|e| format!("{e:?}")).collect(),
        );
        list(
            &mut out,
            "property",
            self.properties
                .iter()
                .map(|(n, t)| format!("{n:?} {}", t.name()))
                .collect(),
        );
        list(
            &mut out,
            "attribute",
            self.attributes
                .iter()
                .map(|(n, t)| format!("{n:?} {}", t.name()))
                .collect(),
        );
        list(
            &mut out,
            "number",
            self.pool.numbers.iter().map(|n| n.to_string()).collect(),
        );
        list(
            &mut out,
            "string",
            self.pool.strings.iter().map(|s| format!("{s:?}")).collect(),
        );
        list(
            &mut out,
            "time",
            self.pool.times.iter().map(|t| format!("{t:?}")).collect(),
        );
        list(
            &mut out,
            "test",
            self.pool.tests.iter().map(|t| format!("{t:?}")).collect(),
        );
        list(
            &mut out,
            "acc",
            self.accumulators.iter().map(|a| format!("{a:?}")).collect(),
        );
        list(
            &mut out,
            "percentile",
            self.percentiles.iter().map(|p| format!("{p:?}")).collect(),
        );
        for (i, b) in self.blocks.iter().enumerate() {
            let on = match &b.events {
                None => "any event".to_string(),
                Some(ids) => format!("events {ids:?}"),
            };
            let _ = writeln!(out, "block {i} [{}, {}) on {on}", b.start, b.end);
        }
        let user_start = self.user_code_start();
        for (i, op) in self.code.iter().enumerate() {
            if i as u32 == user_start {
                out.push_str("; user code\n");
            }
            let span = self
                .spans
                .binary_search_by_key(&(i as u32), |(at, _)| *at)
                .ok()
                .map(|k| {
                    let s = self.spans[k].1;
                    format!("  ; {}:{}..{}", s.file, s.start, s.end)
                })
                .unwrap_or_default();
            let _ = writeln!(out, "{i:>5}  {op:?}{span}");
        }
        out
    }
}
