//! The bytecode: a versioned, serde-serializable program and its
//! disassembler; [`super::verify`] checks a loaded one.
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

use crate::calendar::Settings;
use crate::ir::{ArithOp, Cmp, Point, Type, ValueFn};
use crate::span::Span;

/// Bumped whenever the encoding changes; a program of another version is refused.
pub const VERSION: u32 = 3;

/// The deepest stack a verified program may need.
pub const MAX_STACK: usize = 256;

/// The largest `.segb` file read: far above what a real segment compiles
/// to (a few KiB), and small enough to parse in well under a second.
pub const MAX_BYTES: usize = 16 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub version: u32,
    /// Event names (ids are indexes).
    pub events: Vec<String>,
    /// Event properties and user attributes, with their types.
    pub properties: Vec<(String, Type)>,
    pub attributes: Vec<(String, Type)>,
    /// The attribute (an index into `attributes`) holding when each user
    /// was created: users created after `now` are not in the universe.
    #[serde(default)]
    pub created_at: Option<u32>,
    /// The project's time zone and week start: calendar points resolve in
    /// them when a run starts.
    #[serde(default)]
    pub settings: Settings,
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
    /// Measures (spec §3.11), each in postfix order.
    #[serde(default)]
    pub measures: Vec<Vec<NumOp>>,
}

/// The deepest stack a verified measure needs.
pub const MAX_NUM_STACK: usize = 16;

/// One step of a measure, in postfix order; each value is a number or missing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumOp {
    /// The value of a measure or number-value accumulator.
    Acc(u32),
    /// A number attribute of the user.
    Attribute(u32),
    /// A pooled number.
    Number(u32),
    Neg,
    /// Pops the right operand, then the left; missing when either is, on
    /// division by zero, and when the result is not finite.
    Binary(ArithOp),
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
    /// `<`, `<=`, `>`, `>=` against a string, by code point (spec §3.7).
    Order {
        cmp: Cmp,
        string: u32,
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
    /// A property value (spec §3.12): ties go to the smallest value.
    Value {
        func: ValueFn,
        property: u32,
    },
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
        /// Calendar buckets (spec §3.10) instead of `period_seconds`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        calendar: Option<CalendarBuckets>,
    },
    /// A sequence `with same` these properties (spec §3.13): one sequence
    /// state per value, fed by [`Op::SameStep`]; an event missing one of
    /// them takes no part.
    SameSequence {
        steps: u32,
        then_not: bool,
        within: Option<i64>,
        same: Vec<u32>,
    },
    /// `did … with same` these properties: holds once one value is carried
    /// by `at_least` matching events.
    SameCount {
        same: Vec<u32>,
        at_least: u64,
    },
}

/// Where calendar buckets start and end, as instants of the pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarBuckets {
    /// The start of bucket i at index i.
    pub starts: Vec<u32>,
    /// The buckets end before this instant (`previous`: the start of the
    /// current period); `None`: at now, included.
    pub end: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// The events this block runs for.
    pub on: On,
    /// The instruction range `[start, end)`; the last one updates an accumulator.
    pub start: u32,
    pub end: u32,
}

/// The events a block runs for, by event id (an index into `Program::events`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum On {
    /// Every event.
    Any,
    /// The events of these names.
    Events(Vec<u32>),
    /// Every event but those of these names (`any event except (...)`).
    AllBut(Vec<u32>),
}

impl On {
    /// The event ids it names, if any.
    pub fn ids(&self) -> &[u32] {
        match self {
            On::Any => &[],
            On::Events(ids) | On::AllBut(ids) => ids,
        }
    }
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
    /// A measure of the pool.
    pub measure: u32,
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
    /// The same for a sequence `with same` (an [`Acc::SameSequence`]): the
    /// step is noted for the event's value. A separate op keeps `Step` free
    /// of any per-value work.
    SameStep {
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
    /// Two pooled measures compare; false when either is missing.
    Compare {
        left: u32,
        cmp: Cmp,
        right: u32,
    },
    /// A property value accumulator's value passes a pooled test.
    ValueTest {
        acc: u32,
        test: u32,
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
    /// The user's hash bucket (`MD5(salt:user_id)` mod 10 000, the
    /// holdout's) is in `[from, to)`; `salt` is a pooled string.
    Bucket {
        salt: u32,
        from: u32,
        to: u32,
    },
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
        if bytes.len() > MAX_BYTES {
            return Err(LoadError::Format(format!(
                "{} bytes, more than the {MAX_BYTES} a program may have",
                bytes.len()
            )));
        }
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

    /// Checks the program against everything the interpreter relies on
    /// (see [`super::verify`]): indexes, jumps, the stack, the ranges of
    /// durations, instants and counts, patterns, and the work per event and
    /// per user.
    pub fn verify(&self) -> Result<(), String> {
        super::verify::verify(self)
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
            "measure",
            self.pool
                .measures
                .iter()
                .map(|m| format!("{m:?}"))
                .collect(),
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
            let on = match &b.on {
                On::Any => "any event".to_string(),
                On::Events(ids) => format!("events {ids:?}"),
                On::AllBut(ids) => format!("every event but {ids:?}"),
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
