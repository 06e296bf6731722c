//! Type checking and lowering: AST → typed IR. One walk does both, so every
//! check sees the spans it needs and every IR node is built from checked
//! parts. An error still yields a placeholder node, so one run reports all.

use super::hint::{bare_name, did_you_mean, plain_string};
use super::resolve::SymbolTable;
use super::schema::Schema;
use super::{pattern, suggest};
use crate::calendar::Zone;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Cmp, CountCmp, End, EventSet, FieldOp, Filter, Literal, Point, Pred, Type};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{
    self, ArithKind, Expr, ExprKind, FieldOp as AstOp, Instant, QuantityKind, WindowKind,
};
use crate::time::{self, Timestamp, MICROS_PER_SECOND, SECONDS_PER_DAY};

mod behaviour;
mod field;
mod measure;

const MAX_BUCKETS: f64 = 1000.0;
const DAY_MICROS: i64 = SECONDS_PER_DAY * MICROS_PER_SECOND;

/// Where a field test stands: at the top (user attributes) or inside `where`
/// (the event's own properties).
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    User,
    Event,
}

/// The most calendar periods a window or a regularity may count: ten
/// thousand days is 27 years; every point stays within years 1 to 9999.
pub const MAX_CALENDAR_PERIODS: u32 = 10_000;

pub struct Lowerer<'a> {
    schema: Option<&'a Schema>,
    table: &'a SymbolTable,
    diags: &'a mut Vec<Diagnostic>,
    references: Vec<(usize, Span)>,
    /// The name of the definition being lowered (a partition's for its
    /// arms): the default salt of a `bucket`.
    definition: String,
    /// The project's time zone: dates are its whole days (spec §3.10).
    zone: Zone,
}

impl<'a> Lowerer<'a> {
    pub fn new(
        schema: Option<&'a Schema>,
        table: &'a SymbolTable,
        diags: &'a mut Vec<Diagnostic>,
    ) -> Lowerer<'a> {
        Lowerer {
            schema,
            table,
            diags,
            references: Vec::new(),
            definition: String::new(),
            zone: Zone::or_utc(&schema.map(|s| s.settings.clone()).unwrap_or_default()),
        }
    }

    /// The definitions this one refers to: `(definition index, span)`.
    pub fn into_references(self) -> Vec<(usize, Span)> {
        self.references
    }

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn definition(&mut self, def: &ast::Definition) -> ir::Segment {
        self.definition = match def {
            ast::Definition::Segment(s) => s.name.value.clone(),
            ast::Definition::Partition(p) => p.name.value.clone(),
        };
        match def {
            ast::Definition::Segment(s) => {
                let pred = self.pred(&s.expr);
                let holdout = s.holdout.as_ref().map(|h| self.holdout(h, &s.name.value));
                ir::Segment {
                    name: s.name.value.clone(),
                    doc: s.doc.clone(),
                    body: ir::Body::Predicate { pred, holdout },
                    span: s.span,
                }
            }
            ast::Definition::Partition(p) => ir::Segment {
                name: p.name.value.clone(),
                doc: p.doc.clone(),
                body: ir::Body::Partition {
                    arms: p
                        .arms
                        .iter()
                        .map(|arm| ir::Arm {
                            name: arm.name.value.clone(),
                            pred: self.pred(&arm.expr),
                            span: arm.span,
                        })
                        .collect(),
                },
                span: p.span,
            },
        }
    }

    fn holdout(&mut self, h: &ast::Holdout, segment: &str) -> ir::Holdout {
        // `holdout 0%` is valid and holds out nobody (spec §4): a holdout is
        // switched off while the output keeps its `holdout` column.
        let p = if h.percent.value == 0.0 {
            0.0
        } else {
            self.percent(&h.percent)
        };
        ir::Holdout {
            basis_points: self.basis_points(p, h.percent.span, "a holdout"),
            salt: h
                .salt
                .as_ref()
                .map_or_else(|| segment.to_string(), |s| s.value.clone()),
            span: h.span,
        }
    }

    /// A percentage of the hash space in basis points; at most two decimals.
    fn basis_points(&mut self, p: f64, span: Span, what: &str) -> u32 {
        let basis_points = (p * 100.0).round();
        if (p * 100.0 - basis_points).abs() > 1e-6 {
            self.error(
                Diagnostic::new(Code::BadPercent, format!("{what} has at most two decimals"))
                    .label(span, "too precise")
                    .help(format!(
                        "write {}%: the split is computed in basis points (0.01%)",
                        basis_points / 100.0
                    )),
            );
        }
        basis_points as u32
    }

    /// `bucket A% to B%` (spec §4.1): 0 ≤ A < B ≤ 100, two decimals at most.
    fn bucket(&mut self, b: &ast::Bucket, span: Span) -> Pred {
        for p in [&b.from, &b.to] {
            if !(0.0..=100.0).contains(&p.value) {
                self.error(
                    Diagnostic::new(
                        Code::BadPercent,
                        format!("{}% is not a bucket bound", p.value),
                    )
                    .label(p.span, "outside [0%, 100%]")
                    .help("a bucket's bounds are between 0% and 100%: `bucket 0% to 10%`"),
                );
                return Pred::Const(false);
            }
        }
        let from = self.basis_points(b.from.value, b.from.span, "a bucket bound");
        let to = self.basis_points(b.to.value, b.to.span, "a bucket bound");
        if from >= to {
            self.error(
                Diagnostic::new(
                    Code::BadPercent,
                    format!("bucket {}% to {}% holds nobody", b.from.value, b.to.value),
                )
                .label(
                    b.from.span.to(b.to.span),
                    "the lower bound must be below the upper",
                )
                .help(format!(
                    "write the smaller bound first: `bucket {}% to {}%`",
                    b.to.value, b.from.value
                )),
            );
            return Pred::Const(false);
        }
        Pred::Bucket(ir::Bucket {
            from,
            to,
            salt: b
                .salt
                .as_ref()
                .map_or_else(|| self.definition.clone(), |s| s.value.clone()),
            span,
        })
    }

    fn percent(&mut self, p: &Spanned<f64>) -> f64 {
        if !(p.value > 0.0 && p.value <= 100.0) {
            self.error(
                Diagnostic::new(
                    Code::BadPercent,
                    format!("{}% is not a percentage Seg can use", p.value),
                )
                .label(p.span, "outside (0, 100]")
                .help("a percentage is above 0% and at most 100%"),
            );
        }
        p.value
    }

    fn pred(&mut self, e: &Expr) -> Pred {
        match &e.kind {
            ExprKind::Or(items) => Pred::Or(items.iter().map(|i| self.pred(i)).collect()),
            ExprKind::And(items) => Pred::And(items.iter().map(|i| self.pred(i)).collect()),
            ExprKind::Not(inner) => Pred::Not(Box::new(self.pred(inner))),
            ExprKind::Group(inner) => self.pred(inner),
            ExprKind::Bool(b) => Pred::Const(*b),
            ExprKind::Did(did) if !did.same.is_empty() => self.same_count(did, e.span),
            ExprKind::Did(did) => {
                let selection = self.selection(&did.step, did.window.as_ref());
                let counts = self.quantity(did.quantity.as_ref());
                let mut preds: Vec<Pred> = counts
                    .into_iter()
                    .map(|c| {
                        Pred::Behaviour(ir::Behaviour {
                            selection: selection.clone(),
                            measure: ir::Measure::Count,
                            cmp: c.cmp,
                            value: c.value,
                            span: e.span,
                        })
                    })
                    .collect();
                if preds.len() == 1 {
                    preds.pop().unwrap()
                } else {
                    Pred::And(preds)
                }
            }
            ExprKind::Aggregate(a) => {
                let aggregate = self.aggregate(&a.aggregate);
                Pred::Behaviour(ir::Behaviour {
                    selection: aggregate.selection,
                    measure: aggregate.measure,
                    cmp: a.op.value,
                    value: a.value.value,
                    span: e.span,
                })
            }
            ExprKind::Recency(r) => {
                let (events, filter) = self.step(&r.step);
                Pred::Recency(ir::Recency {
                    which: r.which,
                    events,
                    filter,
                    window: self.window(&r.window),
                    span: e.span,
                })
            }
            ExprKind::Sequence(s) => self.sequence(s, e.span),
            ExprKind::Regularity(r) => self.regularity(r, e.span),
            ExprKind::Field(f) => match self.field_pred(f, Scope::User) {
                Some(tests) => any_of(tests.into_iter().map(Pred::Attribute).collect(), Pred::Or),
                None => Pred::Const(false),
            },
            ExprKind::InSegment(r) => self.reference(r, e.span),
            ExprKind::Percentile(p) => {
                let percent = self.percent(&p.percent);
                match self.percentile_measure(&p.measure) {
                    Some(measure) => Pred::Percentile(ir::Percentile {
                        top: p.top,
                        percent,
                        measure,
                        span: e.span,
                    }),
                    // A missing constant ranks nobody.
                    None => Pred::Const(false),
                }
            }
            ExprKind::Bucket(b) => self.bucket(b, e.span),
            ExprKind::Compare(c) => self.compare(c, e.span),
            ExprKind::Value(v) => self.value_pred(v, e.span),
        }
    }

    /// A `where` condition: only the event's own properties.
    fn filter(&mut self, e: &Expr) -> Filter {
        match &e.kind {
            ExprKind::Or(items) => Filter::Or(items.iter().map(|i| self.filter(i)).collect()),
            ExprKind::And(items) => Filter::And(items.iter().map(|i| self.filter(i)).collect()),
            ExprKind::Not(inner) => Filter::Not(Box::new(self.filter(inner))),
            ExprKind::Group(inner) => self.filter(inner),
            ExprKind::Bool(b) => Filter::Const(*b),
            ExprKind::Field(f) => match self.field_pred(f, Scope::Event) {
                Some(tests) => any_of(
                    tests.into_iter().map(Filter::Property).collect(),
                    Filter::Or,
                ),
                None => Filter::Const(false),
            },
            _ => {
                self.error(
                    Diagnostic::new(Code::MisplacedCondition, "`where` filters on the event's own properties")
                        .label(e.span, "not a property condition")
                        .help("move this out of the `where`: `(did \"purchase\" where amount > 50) and …`"),
                );
                Filter::Const(false)
            }
        }
    }
}

/// Builds an OR of tests, or the test itself when there is one.
fn any_of<T>(mut tests: Vec<T>, or: fn(Vec<T>) -> T) -> T {
    if tests.len() == 1 {
        tests.pop().unwrap()
    } else {
        or(tests)
    }
}

/// The instant a date or timestamp starts: a date's first instant in the
/// project's time zone.
fn start_of(zone: &Zone, i: Instant) -> Timestamp {
    match i {
        Instant::Date(d) => Timestamp(zone.date_start(d)),
        Instant::Timestamp(t) => t,
    }
}

/// The first instant of a date and of the day after it, in the project's
/// time zone (23 or 25 hours apart across a daylight-saving change).
fn day_of(zone: &Zone, d: crate::time::Date) -> (Timestamp, Timestamp) {
    let day = crate::time::days_from_civil(d);
    (
        Timestamp(zone.day_start(day)),
        Timestamp(zone.day_start(day + 1)),
    )
}
