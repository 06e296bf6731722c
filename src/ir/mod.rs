//! The typed IR: what a segment means, independent of how it was written.
//!
//! Every behavioural predicate has one normal form, [`Behaviour`]: a
//! [`Selection`] of events (event set + property filter + window), a
//! [`Measure`] over them and a comparison. Leaves keep the span of the Seg
//! text they came from. Windows are intervals relative to `now` or absolute,
//! already resolved from the many ways Seg lets a user write them.

mod deps;
pub mod fold;
mod lookback;
mod pretty;

pub use pretty::pretty;

use serde::{Deserialize, Serialize};

pub use crate::calendar::{Settings, Unit};
use crate::span::Span;
pub use crate::syntax::ast::{ArithOp, CmpOp as Cmp, ValueFn, Which};
use crate::time::Timestamp;

/// All the segments of a project, in file and definition order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub segments: Vec<Segment>,
    /// The project's time zone and week start (`segc.toml` `[settings]`):
    /// every backend resolves calendar points and date literals with them.
    #[serde(default)]
    pub settings: Settings,
}

impl Program {
    pub fn segment(&self, name: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.name == name)
    }

    /// What a command's `--segment NAME` selects: a segment or partition by
    /// name, or `P.arm`, one arm of a partition (spec §4: that name selects
    /// the arm wherever a segment is named). An arm is the segment `in
    /// segment P.arm` (the users assigned to it), named `P.arm`.
    pub fn select(&self, name: &str) -> Option<Segment> {
        if let Some(segment) = self.segment(name) {
            return Some(segment.clone());
        }
        let (partition, arm) = name.split_once('.')?;
        let p = self.segment(partition)?;
        let Body::Partition { arms } = &p.body else {
            return None;
        };
        arms.iter().any(|a| a.name == arm).then(|| Segment {
            name: name.to_string(),
            doc: None,
            body: Body::Predicate {
                pred: Pred::Ref(SegmentRef {
                    segment: partition.to_string(),
                    arm: Some(arm.to_string()),
                    span: p.span,
                }),
                holdout: None,
            },
            span: p.span,
        })
    }

    /// Every name `select` takes: segments, partitions and `P.arm`.
    pub fn selectable_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for s in &self.segments {
            names.push(s.name.clone());
            if let Body::Partition { arms } = &s.body {
                names.extend(arms.iter().map(|a| format!("{}.{}", s.name, a.name)));
            }
        }
        names
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub name: String,
    pub doc: Option<String>,
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    Predicate {
        pred: Pred,
        holdout: Option<Holdout>,
    },
    /// Ordered arms: a user gets the first arm it matches.
    Partition { arms: Vec<Arm> },
}

impl Body {
    /// Every predicate of the body: the condition, or each arm's.
    pub fn preds(&self) -> Vec<&Pred> {
        match self {
            Body::Predicate { pred, .. } => vec![pred],
            Body::Partition { arms } => arms.iter().map(|a| &a.pred).collect(),
        }
    }
}

/// The holdout split of spec §4: `MD5(salt + ":" + user_id)` bucket below
/// `basis_points` of 10 000.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holdout {
    pub basis_points: u32,
    pub salt: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    pub name: String,
    pub pred: Pred,
    pub span: Span,
}

/// A predicate: true or false for every user (two-valued logic).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pred {
    Const(bool),
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Behaviour(Behaviour),
    Recency(Recency),
    Sequence(Sequence),
    Regularity(Regularity),
    Attribute(FieldPred),
    Ref(SegmentRef),
    Percentile(Percentile),
    Bucket(Bucket),
    /// `did … QUANTITY with same PROP` (spec §3.13).
    SameCount(SameCount),
    /// `MEASURE CMP MEASURE` (spec §3.11).
    Compare(Compare),
    /// A property value (spec §3.12) tested like a field.
    Value(ValuePred),
}

/// `bucket A% to B%` (spec §4.1): the user's hash bucket, computed as the
/// holdout's (`MD5(salt + ":" + user_id)` mod 10 000), is in `[from, to)`,
/// both in basis points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub from: u32,
    pub to: u32,
    pub salt: String,
    pub span: Span,
}

/// Which events: a set of names, or any event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSet {
    Any,
    /// Sorted, without duplicates.
    Names(Vec<String>),
    /// Every event but these (sorted, without duplicates): `any event except (...)`.
    Except(Vec<String>),
}

impl EventSet {
    /// Whether no event can be in both sets.
    pub fn disjoint(&self, other: &EventSet) -> bool {
        use EventSet::*;
        match (self, other) {
            (Names(a), Names(b)) => a.iter().all(|n| !b.contains(n)),
            (Names(a), Except(b)) | (Except(b), Names(a)) => a.iter().all(|n| b.contains(n)),
            _ => false,
        }
    }
}

/// Events of a set that pass a property filter and fall in a window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    pub events: EventSet,
    pub filter: Option<Filter>,
    pub window: Window,
}

/// A condition on an event's own properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Const(bool),
    Property(FieldPred),
}

/// An interval of time. Every event predicate also sees only `ts <= now`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Inclusive lower bound; `None` for all history.
    pub start: Option<Point>,
    pub end: End,
}

impl Window {
    /// All history up to now.
    pub const ALL: Window = Window {
        start: None,
        end: End::Now,
    };

    /// The comparisons that put an instant in this window. A window that
    /// ends now adds `<= now` only with `clip`: events are never seen after
    /// now, so their windows need not say it; attribute windows do.
    pub fn bounds(&self, clip: bool) -> Vec<(Cmp, Point)> {
        let mut out = Vec::new();
        if let Some(start) = self.start {
            out.push((Cmp::Ge, start));
        }
        match self.end {
            End::Now if clip => out.push((Cmp::Le, Point::Ago(0))),
            End::Now => {}
            End::Before(p) => out.push((Cmp::Lt, p)),
        }
        out
    }
}

/// An instant, relative to `now` or absolute.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Point {
    /// `now - seconds`
    Ago(i64),
    At(Timestamp),
    /// The first instant of calendar period `ago` of `unit` in the project's
    /// time zone, periods numbered backwards from the one holding now
    /// (spec §3.10). It moves with now, like `Ago`.
    Calendar {
        unit: Unit,
        ago: u32,
    },
}

impl Point {
    /// How far before now the point can lie, in seconds, whatever now is:
    /// exact for `Ago`, an upper bound for a calendar point (period `ago`
    /// starts at most `ago + 1` periods and a day of time-zone offset
    /// before now); `None` for a fixed instant. A prefilter may start there.
    pub fn reach(self) -> Option<i64> {
        match self {
            Point::Ago(s) => Some(s),
            Point::Calendar { unit, ago } => {
                Some((i64::from(ago) + 1) * unit.longest_seconds() + crate::time::SECONDS_PER_DAY)
            }
            Point::At(_) => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// `ts <= now`
    Now,
    /// `ts < point`: every window but `within` ends before an instant
    /// (spec §3.2: `between` is half-open whatever it is given).
    Before(Point),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    CountDistinct(Field),
    Sum(Field),
    Avg(Field),
    Min(Field),
    Max(Field),
}

/// `measure(selection) cmp value`. Over no events `count`, `count distinct`
/// and `sum` are 0; `avg`, `min` and `max` are missing, so compare false.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Behaviour {
    pub selection: Selection,
    pub measure: Measure,
    pub cmp: Cmp,
    pub value: f64,
    pub span: Span,
}

/// An aggregate without its comparison (`top P% by …`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub selection: Selection,
    pub measure: Measure,
}

/// The user's first (last) matching event up to now exists and lies in `window`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recency {
    pub which: Which,
    pub events: EventSet,
    pub filter: Option<Filter>,
    pub window: Window,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub events: EventSet,
    pub filter: Option<Filter>,
}

/// Events e1 < e2 < … < ek in time with `ek.ts <= e1.ts + within`; with
/// `then_not`, none of its events in `(ek.ts, e1.ts + within]` and
/// `e1.ts + within <= now`.
/// The most positive steps a sequence may have: the interpreter keeps one
/// bit per step in a 64-bit word (`backend/vm`), and its verifier refuses more.
pub const MAX_SEQUENCE_STEPS: usize = 64;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub steps: Vec<Step>,
    pub then_not: Option<Step>,
    /// Seconds; `None` for no limit.
    pub within: Option<i64>,
    /// Constrains e1.
    pub starting: Option<Window>,
    /// `with same PROP {, PROP}` (spec §3.13): the chain, and the `then
    /// not` step, only use events that carry one value of each of these
    /// properties. Empty for a plain sequence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same: Vec<Field>,
    pub span: Span,
}

/// The most properties one `with same` may list: the interpreter reads and
/// hashes each one per event, and its verifier refuses more.
pub const MAX_SAME_PROPERTIES: usize = 16;

/// `did EVENTS [where COND] QUANTITY [WINDOW] with same PROP {, PROP}` (spec
/// §3.13): for some value of the properties, at least `at_least` events of
/// the selection carry it. A node of its own rather than a flag on
/// [`Behaviour`]: passes that merge or compare counts do not know it, so
/// they leave it alone instead of rewriting it as a plain count. Every
/// allowed quantity (`at least N`, `more than N`) is a lower bound, so it is
/// one number, at least 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SameCount {
    pub selection: Selection,
    pub at_least: u64,
    pub same: Vec<Field>,
    pub span: Span,
}

/// At least `at_least` of the last `buckets` periods (aligned to now) hold a
/// number of matching events that satisfies every comparison in `per_bucket`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Regularity {
    pub events: EventSet,
    pub filter: Option<Filter>,
    pub per_bucket: Vec<CountCmp>,
    pub at_least: u32,
    pub buckets: u32,
    pub period_seconds: i64,
    /// Calendar buckets instead of rolling ones (spec §3.10): bucket i is
    /// calendar period `i + skip` of the unit (`skip` 0 for `last`, 1 for
    /// `previous`); `period_seconds` is then 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarBuckets>,
    pub span: Span,
}

impl Regularity {
    /// The window holding every bucket: the last N periods up to now, or
    /// the N calendar periods from bucket N - 1 to bucket 0.
    pub fn span_window(&self) -> Window {
        match self.calendar {
            None => Window {
                start: Some(Point::Ago(i64::from(self.buckets) * self.period_seconds)),
                end: End::Now,
            },
            Some(c) => {
                let at = |ago| Point::Calendar { unit: c.unit, ago };
                Window {
                    start: Some(at(self.buckets - 1 + c.skip)),
                    end: if c.skip == 0 {
                        End::Now
                    } else {
                        End::Before(at(0))
                    },
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarBuckets {
    pub unit: Unit,
    pub skip: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountCmp {
    pub cmp: Cmp,
    pub value: f64,
}

/// A user attribute or an event property, with its type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    /// `None` only when the project has no schema and usage does not tell.
    pub ty: Option<Type>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    String,
    Number,
    Bool,
    Timestamp,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Number => "number",
            Type::Bool => "bool",
            Type::Timestamp => "timestamp",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
    Timestamp(Timestamp),
}

/// A test of one field. A missing value makes every test false except
/// `is not set`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldPred {
    pub field: Field,
    pub op: FieldOp,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOp {
    Compare {
        cmp: Cmp,
        value: Literal,
        ignore_case: bool,
    },
    In {
        values: Vec<Literal>,
        negated: bool,
        ignore_case: bool,
    },
    Contains {
        text: String,
        ignore_case: bool,
    },
    StartsWith {
        text: String,
        ignore_case: bool,
    },
    EndsWith {
        text: String,
        ignore_case: bool,
    },
    /// A pattern in the portable subset (checked).
    Matches {
        pattern: String,
    },
    IsSet {
        negated: bool,
    },
    /// The timestamp lies in the window (no `<= now` clip beyond the window's own).
    Window(Window),
    /// The timestamp lies in `[now, now + seconds]`.
    InNext {
        seconds: i64,
    },
    /// The next anniversary (month and day) is fewer than `days` days from today.
    Anniversary {
        days: i64,
    },
}

/// `in segment NAME` or `in segment PARTITION.ARM`; a partition without an
/// arm means "assigned to any arm".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentRef {
    pub segment: String,
    pub arm: Option<String>,
    pub span: Span,
}

/// `top`/`bottom P% by MEASURE`: `g × 100 < P × n` among users with a value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Percentile {
    pub top: bool,
    pub percent: f64,
    pub measure: Num,
    pub span: Span,
}

/// A number per user (spec §3.11), IEEE-754 binary64. Missing when an
/// operand is missing, on division by zero, and when a result is not
/// finite; each operation as written (no reassociation), so every backend
/// computes the same bits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Num {
    Aggregate(Aggregate),
    /// A value function of a number property.
    Value(ValueOf),
    /// A number attribute.
    Attribute(Field),
    Const(f64),
    Neg(Box<Num>),
    Binary(ArithOp, Box<Num>, Box<Num>),
}

impl Num {
    /// The event reads under this number, left to right.
    pub fn selections(&self) -> Vec<&Selection> {
        let mut out = Vec::new();
        self.for_each(&mut |n| match n {
            Num::Aggregate(a) => out.push(&a.selection),
            Num::Value(v) => out.push(&v.selection),
            _ => {}
        });
        out
    }

    /// Calls `visit` on every node, operands before their operator.
    pub fn for_each<'a>(&'a self, visit: &mut dyn FnMut(&'a Num)) {
        match self {
            Num::Neg(n) => n.for_each(visit),
            Num::Binary(_, a, b) => {
                a.for_each(visit);
                b.for_each(visit);
            }
            _ => {}
        }
        visit(self);
    }

    /// `a op b` as every backend computes it: `None` (missing) for a
    /// missing operand, division by zero or a result that is not finite.
    pub fn apply(op: ArithOp, a: Option<f64>, b: Option<f64>) -> Option<f64> {
        let (a, b) = (a?, b?);
        let v = match op {
            ArithOp::Add => a + b,
            ArithOp::Sub => a - b,
            ArithOp::Mul => a * b,
            ArithOp::Div if b == 0.0 => return None,
            ArithOp::Div => a / b,
        };
        v.is_finite().then_some(v)
    }
}

/// `VALUE_FN(PROP) of SELECTION` (spec §3.12): over the selected events
/// that have the property; ties go to the smallest value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueOf {
    pub func: ValueFn,
    pub field: Field,
    pub selection: Selection,
}

/// `left cmp right`; false when either side is missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Compare {
    pub left: Num,
    pub cmp: Cmp,
    pub right: Num,
    pub span: Span,
}

/// A test of a property value, as of a field (`FieldPred`'s tests):
/// false when the value is missing, but `is not set`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValuePred {
    pub value: ValueOf,
    pub op: FieldOp,
    pub span: Span,
}
