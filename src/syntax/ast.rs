//! The abstract syntax tree: what the user wrote, with byte spans, before any
//! name or type is checked. Parentheses are kept (`Group`) for tooling.

use serde::{Deserialize, Serialize};

pub use crate::calendar::Unit;
use crate::span::{Span, Spanned};
use crate::time::{Date, Timestamp};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum File {
    /// Only comments, or nothing.
    Empty,
    /// `segment` and `partition` definitions.
    Definitions(Vec<Definition>),
    /// A bare expression: one segment named after the file's stem.
    Expr { doc: Option<String>, expr: Expr },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    Segment(SegmentDef),
    Partition(PartitionDef),
}

pub type Name = Spanned<String>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentDef {
    pub name: Name,
    /// The `##` lines directly above, without the `## ` prefix.
    pub doc: Option<String>,
    pub expr: Expr,
    pub holdout: Option<Holdout>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holdout {
    pub percent: Spanned<f64>,
    pub salt: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionDef {
    pub name: Name,
    pub doc: Option<String>,
    pub arms: Vec<Arm>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    pub name: Name,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprKind {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Group(Box<Expr>),
    Bool(bool),
    Did(Did),
    Sequence(Sequence),
    Regularity(Regularity),
    Aggregate(AggregateCmp),
    Recency(Recency),
    Field(FieldPred),
    InSegment(SegmentRef),
    Percentile(Percentile),
    Bucket(Bucket),
    /// `MEASURE CMP MEASURE` (spec §3.11), when not the plain
    /// `AGG … CMP NUMBER` (`Aggregate`) or `user.ATTR CMP VALUE` (`Field`).
    Compare(MeasureCmp),
    /// `VALUE_FN(PROP) of EVENTS … OP` (spec §3.12): a value tested like a field.
    Value(ValuePred),
}

/// `EVENTS [where COND]`: one step of a behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub events: Events,
    pub filter: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Events {
    Name(Spanned<String>),
    Any(Span),
    AnyOf(Vec<Spanned<String>>),
    /// `any event except ("a", ...)`: every event whose name is not listed.
    AnyExcept(Vec<Spanned<String>>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Did {
    pub step: Step,
    pub quantity: Option<Quantity>,
    pub window: Option<Window>,
    /// `with same PROP {, PROP}` (spec §3.13): counted per value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub kind: QuantityKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    AtLeast(Spanned<f64>),
    AtMost(Spanned<f64>),
    Exactly(Spanned<f64>),
    MoreThan(Spanned<f64>),
    FewerThan(Spanned<f64>),
    Between(Spanned<f64>, Spanned<f64>),
}

/// A duration in seconds.
pub type Duration = Spanned<i64>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub kind: WindowKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    Within(Duration),
    BetweenAgo(Duration, Duration),
    MoreThanAgo(Duration),
    Since(Spanned<Instant>),
    Before(Spanned<Instant>),
    Between(Spanned<Instant>, Spanned<Instant>),
    On(Spanned<Instant>),
    /// A calendar window in the project's time zone (spec §3.10).
    Calendar(CalendarWindow),
}

/// `today`, `this month`, `in the last 3 calendar weeks`, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarWindow {
    /// `this U` (`today` is `this day`): from the start of period 0 to now.
    This(Unit),
    /// `last U` (`yesterday` is `last day`): period 1, whole.
    Last(Unit),
    /// `in the last N calendar U`: the current period and N - 1 before it.
    InLast(Spanned<f64>, Unit),
    /// `in the previous N calendar U`: the N whole periods before the current one.
    InPrevious(Spanned<f64>, Unit),
}

/// A date (a whole UTC day) or a timestamp (one instant).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instant {
    Date(#[serde(with = "date_text")] Date),
    Timestamp(Timestamp),
}

mod date_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::time::{parse_date, Date};

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        parse_date(&String::deserialize(d)?).map_err(|e| serde::de::Error::custom(e.0))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub steps: Vec<Step>,
    /// `then not STEP`: abandonment.
    pub then_not: Option<Step>,
    pub within: Option<Duration>,
    pub starting: Option<Window>,
    /// `with same PROP {, PROP}` (spec §3.13): one chain per value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Regularity {
    pub step: Step,
    pub quantity: Option<Quantity>,
    /// K of `in at least K of the last N`; `None` for `on each of the last N days`.
    pub at_least: Option<Spanned<f64>>,
    pub last: Spanned<f64>,
    pub period: Spanned<Period>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Hours,
    Days,
    Weeks,
    /// `last|previous N calendar U` (spec §3.10): `previous` skips the
    /// current period.
    Calendar {
        unit: Unit,
        previous: bool,
    },
}

impl Period {
    pub fn seconds(self) -> i64 {
        match self {
            Period::Hours => 3600,
            Period::Days => 86_400,
            Period::Weeks => 604_800,
            Period::Calendar { .. } => 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub measure: Spanned<Measure>,
    pub step: Step,
    pub window: Option<Window>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    CountDistinct(Name),
    Sum(Name),
    Avg(Name),
    Min(Name),
    Max(Name),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// `left op right`, as every backend evaluates it.
    pub fn holds<T: PartialOrd>(self, left: T, right: T) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AggregateCmp {
    pub aggregate: Aggregate,
    pub op: Spanned<CmpOp>,
    pub value: Spanned<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    First,
    Last,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recency {
    pub which: Which,
    pub step: Step,
    pub window: Window,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `user.NAME`
    User(Name),
    /// A bare name: an event property.
    Property(Name),
}

impl Field {
    pub fn name(&self) -> &Name {
        match self {
            Field::User(n) | Field::Property(n) => n,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldPred {
    pub field: Field,
    pub op: FieldOp,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOp {
    IsSet {
        negated: bool,
    },
    In {
        values: Vec<Spanned<Value>>,
        negated: bool,
        ignore_case: bool,
    },
    InNext(Duration),
    Anniversary(Duration),
    Contains {
        text: Spanned<String>,
        ignore_case: bool,
    },
    StartsWith {
        text: Spanned<String>,
        ignore_case: bool,
    },
    EndsWith {
        text: Spanned<String>,
        ignore_case: bool,
    },
    Matches(Spanned<String>),
    Compare {
        op: Spanned<CmpOp>,
        value: Spanned<Value>,
        ignore_case: bool,
    },
    Window(Window),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    String(String),
    Number(f64),
    Bool(bool),
    Instant(Instant),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentRef {
    pub segment: Name,
    /// `partition.arm`
    pub arm: Option<Name>,
}

/// `bucket A% to B% [salt "TEXT"]` (spec §4.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub from: Spanned<f64>,
    pub to: Spanned<f64>,
    pub salt: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Percentile {
    pub top: bool,
    pub percent: Spanned<f64>,
    /// A measure (spec §3.8: MEASURE as in §3.11).
    pub measure: Arith,
}

/// A number per user (spec §3.11), as written: parentheses are kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arith {
    pub kind: ArithKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArithKind {
    Aggregate(Aggregate),
    Value(ValueOf),
    Attribute(Name),
    Number(f64),
    Neg(Box<Arith>),
    Binary(Box<Arith>, Spanned<ArithOp>, Box<Arith>),
    Group(Box<Arith>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArithOp {
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
    #[serde(rename = "*")]
    Mul,
    #[serde(rename = "/")]
    Div,
}

impl ArithOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }

    /// `*` and `/` bind tighter than `+` and `-`.
    pub fn binds_tight(self) -> bool {
        matches!(self, ArithOp::Mul | ArithOp::Div)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureCmp {
    pub left: Arith,
    pub op: Spanned<CmpOp>,
    pub right: Arith,
}

/// `most_frequent`, `first_value`, `last_value` (spec §3.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueFn {
    MostFrequent,
    FirstValue,
    LastValue,
}

impl ValueFn {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueFn::MostFrequent => "most_frequent",
            ValueFn::FirstValue => "first_value",
            ValueFn::LastValue => "last_value",
        }
    }
}

/// `VALUE_FN(PROP) of EVENTS [where COND] [WINDOW]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueOf {
    pub func: Spanned<ValueFn>,
    pub property: Name,
    pub step: Step,
    pub window: Option<Window>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValuePred {
    pub value: ValueOf,
    pub op: FieldOp,
    pub span: Span,
}
