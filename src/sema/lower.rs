//! Type checking and lowering: AST → typed IR. One walk does both, so every
//! check sees the spans it needs and every IR node is built from checked
//! parts. An error still yields a placeholder node, so one run reports all.

use super::hint::{bare_name, did_you_mean, plain_string};
use super::resolve::SymbolTable;
use super::schema::Schema;
use super::{pattern, suggest};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Cmp, CountCmp, End, EventSet, FieldOp, Filter, Literal, Point, Pred, Type};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{
    self, Expr, ExprKind, FieldOp as AstOp, Instant, QuantityKind, WindowKind,
};
use crate::time::{self, Timestamp, MICROS_PER_SECOND, SECONDS_PER_DAY};

const MAX_BUCKETS: f64 = 1000.0;
const DAY_MICROS: i64 = SECONDS_PER_DAY * MICROS_PER_SECOND;

/// Where a field test stands: at the top (user attributes) or inside `where`
/// (the event's own properties).
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    User,
    Event,
}

pub struct Lowerer<'a> {
    schema: Option<&'a Schema>,
    table: &'a SymbolTable,
    diags: &'a mut Vec<Diagnostic>,
    references: Vec<(usize, Span)>,
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
        let basis_points = (p * 100.0).round();
        if (p * 100.0 - basis_points).abs() > 1e-6 {
            self.error(
                Diagnostic::new(Code::BadPercent, "a holdout has at most two decimals")
                    .label(h.percent.span, "too precise")
                    .help(format!(
                        "write {}%: the split is computed in basis points (0.01%)",
                        basis_points / 100.0
                    )),
            );
        }
        ir::Holdout {
            basis_points: basis_points as u32,
            salt: h
                .salt
                .as_ref()
                .map_or_else(|| segment.to_string(), |s| s.value.clone()),
            span: h.span,
        }
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
            ExprKind::Percentile(p) => Pred::Percentile(ir::Percentile {
                top: p.top,
                percent: self.percent(&p.percent),
                aggregate: self.aggregate(&p.aggregate),
                span: e.span,
            }),
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

    fn step(&mut self, step: &ast::Step) -> (EventSet, Option<Filter>) {
        let events = self.events(&step.events);
        let filter = step.filter.as_ref().map(|f| self.filter(f));
        (events, filter)
    }

    fn selection(&mut self, step: &ast::Step, window: Option<&ast::Window>) -> ir::Selection {
        let (events, filter) = self.step(step);
        ir::Selection {
            events,
            filter,
            window: window.map_or(ir::Window::ALL, |w| self.window(w)),
        }
    }

    fn events(&mut self, events: &ast::Events) -> EventSet {
        let names: Vec<&Spanned<String>> = match events {
            ast::Events::Any(_) => return EventSet::Any,
            ast::Events::Name(n) => vec![n],
            ast::Events::AnyOf(list) => list.iter().collect(),
        };
        if let Some(catalog) = self.schema.and_then(|s| s.events.catalog.as_ref()) {
            for name in &names {
                if catalog.contains(&name.value) {
                    continue;
                }
                let d = Diagnostic::new(
                    Code::UnknownEvent,
                    format!("event {:?} is not in the catalog", name.value),
                )
                .label(name.span, "unknown event");
                let d = match suggest(&name.value, catalog.iter().map(String::as_str)) {
                    Some(s) => did_you_mean(d, &format!("{s:?}"), name.span, plain_string(s)),
                    None => d.help("check the spelling, or add the event to `catalog` under [events] in segc.toml"),
                };
                self.diags.push(d);
            }
        }
        let mut list: Vec<String> = names.into_iter().map(|n| n.value.clone()).collect();
        list.sort();
        list.dedup();
        EventSet::Names(list)
    }

    /// A count of events: whole and not negative.
    fn count(&mut self, n: &Spanned<f64>) -> f64 {
        if n.value < 0.0 || n.value.fract() != 0.0 {
            self.error(
                Diagnostic::new(
                    Code::BadCount,
                    format!("{} is not a count of events", n.value),
                )
                .label(n.span, "counts are whole numbers, 0 or more")
                .help("write a whole number such as 3"),
            );
        }
        n.value
    }

    /// The count comparisons a quantity means; `at least 1 time` by default.
    fn quantity(&mut self, q: Option<&ast::Quantity>) -> Vec<CountCmp> {
        let one = |cmp, value| vec![CountCmp { cmp, value }];
        let Some(q) = q else {
            return one(Cmp::Ge, 1.0);
        };
        match &q.kind {
            QuantityKind::AtLeast(n) => one(Cmp::Ge, self.count(n)),
            QuantityKind::AtMost(n) => one(Cmp::Le, self.count(n)),
            QuantityKind::Exactly(n) => one(Cmp::Eq, self.count(n)),
            QuantityKind::MoreThan(n) => one(Cmp::Gt, self.count(n)),
            QuantityKind::FewerThan(n) => one(Cmp::Lt, self.count(n)),
            QuantityKind::Between(a, b) => {
                let (low, high) = (self.count(a), self.count(b));
                if low > high {
                    self.error(
                        Diagnostic::new(
                            Code::BadCount,
                            format!("`between {low} and {high} times` can never hold"),
                        )
                        .label(q.span, "the first count is above the second")
                        .help(format!("write `between {high} and {low} times`")),
                    );
                }
                vec![
                    CountCmp {
                        cmp: Cmp::Ge,
                        value: low,
                    },
                    CountCmp {
                        cmp: Cmp::Le,
                        value: high,
                    },
                ]
            }
        }
    }

    fn aggregate(&mut self, a: &ast::Aggregate) -> ir::Aggregate {
        let numeric = |this: &mut Self, name: &ast::Name, what: &str| {
            let field = this.property(name, Some(Type::Number));
            if let Some(ty) = field.ty.filter(|t| *t != Type::Number) {
                this.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("{what}({}) needs a number property", name.value),
                    )
                    .label(name.span, format!("`{}` is a {}", name.value, ty.name()))
                    .help("use `count distinct(…)` for other types, or a number property"),
                );
            }
            field
        };
        let measure = match &a.measure.value {
            ast::Measure::Count => ir::Measure::Count,
            ast::Measure::CountDistinct(n) => ir::Measure::CountDistinct(self.property(n, None)),
            ast::Measure::Sum(n) => ir::Measure::Sum(numeric(self, n, "sum")),
            ast::Measure::Avg(n) => ir::Measure::Avg(numeric(self, n, "avg")),
            ast::Measure::Min(n) => ir::Measure::Min(numeric(self, n, "min")),
            ast::Measure::Max(n) => ir::Measure::Max(numeric(self, n, "max")),
        };
        ir::Aggregate {
            selection: self.selection(&a.step, a.window.as_ref()),
            measure,
        }
    }

    /// A property used by an aggregate; `hint` is its type when usage tells.
    fn property(&mut self, name: &ast::Name, hint: Option<Type>) -> ir::Field {
        // Undeclared (reported) or no schema: fall back to what usage tells.
        let declared = self.declared_type(&ast::Field::Property(name.clone()));
        let ty = declared.ok().flatten().or(hint);
        ir::Field {
            name: name.value.clone(),
            ty,
        }
    }

    fn sequence(&mut self, s: &ast::Sequence, span: Span) -> Pred {
        let steps: Vec<ir::Step> = s.steps.iter().map(|st| self.ir_step(st)).collect();
        let then_not = s.then_not.as_ref().map(|st| self.ir_step(st));
        if steps.len() > ir::MAX_SEQUENCE_STEPS {
            self.error(
                Diagnostic::new(
                    Code::TooBig,
                    format!(
                        "a sequence of {} steps; the limit is {}",
                        steps.len(),
                        ir::MAX_SEQUENCE_STEPS
                    ),
                )
                .label(span, "too many steps")
                .help("the interpreter tracks at most 64 steps per sequence; keep the steps that define the journey"),
            );
        }
        let within = s.within.as_ref().map(|d| {
            if d.value == 0 && steps.len() > 1 {
                self.error(
                    Diagnostic::new(Code::EmptyWindow, "a sequence `within 0s` can never hold")
                        .label(
                            d.span,
                            "steps must follow each other, so they need time between them",
                        )
                        .help("give the sequence time to happen, e.g. `within 1h`"),
                );
            }
            d.value
        });
        Pred::Sequence(ir::Sequence {
            steps,
            then_not,
            within,
            starting: s.starting.as_ref().map(|w| self.window(w)),
            span,
        })
    }

    fn ir_step(&mut self, step: &ast::Step) -> ir::Step {
        let (events, filter) = self.step(step);
        ir::Step { events, filter }
    }

    fn regularity(&mut self, r: &ast::Regularity, span: Span) -> Pred {
        let (events, filter) = self.step(&r.step);
        let per_bucket = self.quantity(r.quantity.as_ref());
        let buckets = r.last.value;
        let at_least = r.at_least.as_ref().map_or(buckets, |k| k.value);
        let whole = |v: f64| v >= 1.0 && v.fract() == 0.0;
        if !whole(buckets) || buckets > MAX_BUCKETS {
            self.error(
                Diagnostic::new(
                    Code::BadRegularity,
                    format!("`the last {buckets}` needs a whole number from 1 to {MAX_BUCKETS}"),
                )
                .label(r.last.span, "not a number of periods")
                .help("write e.g. `in at least 3 of the last 4 weeks`"),
            );
        } else if let Some(k) = &r.at_least {
            if !whole(k.value) {
                self.error(
                    Diagnostic::new(
                        Code::BadRegularity,
                        format!(
                            "`at least {}` needs a whole number of periods, 1 or more",
                            k.value
                        ),
                    )
                    .label(k.span, "not a number of periods")
                    .help("write e.g. `in at least 3 of the last 4 weeks`"),
                );
            } else if k.value > buckets {
                self.error(
                    Diagnostic::new(
                        Code::BadRegularity,
                        format!("{} of the last {} can never hold", k.value, buckets),
                    )
                    .label(k.span.to(r.last.span), "K is larger than N")
                    .help(format!(
                        "K must be at most N, e.g. `in at least {buckets} of the last {buckets} …`"
                    )),
                );
            }
        }
        Pred::Regularity(ir::Regularity {
            events,
            filter,
            per_bucket,
            at_least: at_least as u32,
            buckets: buckets as u32,
            period_seconds: r.period.value.seconds(),
            span,
        })
    }

    fn reference(&mut self, r: &ast::SegmentRef, span: Span) -> Pred {
        let full = match &r.arm {
            Some(arm) => format!("{}.{}", r.segment.value, arm.value),
            None => r.segment.value.clone(),
        };
        let unknown = |this: &mut Self| {
            // Its syntax error is reported; this would only repeat it.
            if this.table.maybe_unparsed(&r.segment.value) {
                return;
            }
            let names = this.table.all_names();
            let d = Diagnostic::new(
                Code::UnknownSegment,
                format!("there is no segment `{full}`"),
            )
            .label(span, "unknown segment");
            let written = r
                .arm
                .as_ref()
                .map_or(r.segment.span, |a| r.segment.span.to(a.span));
            let d = match suggest(&full, names.iter().map(String::as_str)) {
                Some(s) => did_you_mean(d, &format!("`{s}`"), written, Some(s.to_string())),
                None => d.help("define it with `segment NAME = …` in any .seg file of the project"),
            };
            this.error(d);
        };
        match self.table.symbols.get(&r.segment.value) {
            None => unknown(self),
            Some(symbol) => {
                self.references.push((symbol.index, span));
                match (&r.arm, &symbol.arms) {
                    (Some(arm), None) => self.error(
                        Diagnostic::new(
                            Code::UnknownSegment,
                            format!("`{}` is a segment, not a partition", r.segment.value),
                        )
                        .label(arm.span, "only partitions have arms")
                        .help(format!("write `in segment {}`", r.segment.value)),
                    ),
                    (Some(arm), Some(arms)) if !arms.contains(&arm.value) => unknown(self),
                    _ => {}
                }
            }
        }
        Pred::Ref(ir::SegmentRef {
            segment: r.segment.value.clone(),
            arm: r.arm.as_ref().map(|a| a.value.clone()),
            span,
        })
    }

    /// An event window: every form of spec §3.2 as one interval.
    fn window(&mut self, w: &ast::Window) -> ir::Window {
        let empty = |this: &mut Self, help: String| {
            this.error(
                Diagnostic::new(Code::EmptyWindow, "this window can hold nothing")
                    .label(w.span, "empty interval")
                    .help(help),
            );
        };
        match &w.kind {
            WindowKind::Within(d) => ir::Window {
                start: Some(Point::Ago(d.value)),
                end: End::Now,
            },
            WindowKind::BetweenAgo(d1, d2) => {
                if d1.value <= d2.value {
                    let (a, b) = (
                        time::format_duration(d1.value),
                        time::format_duration(d2.value),
                    );
                    empty(
                        self,
                        format!("put the longer duration first: `between {b} and {a} ago`"),
                    );
                }
                ir::Window {
                    start: Some(Point::Ago(d1.value)),
                    end: End::Before(Point::Ago(d2.value)),
                }
            }
            WindowKind::MoreThanAgo(d) => ir::Window {
                start: None,
                end: End::Before(Point::Ago(d.value)),
            },
            WindowKind::Since(i) => ir::Window {
                start: Some(Point::At(start_of(i.value))),
                end: End::Now,
            },
            WindowKind::Before(i) => ir::Window {
                start: None,
                end: End::Before(Point::At(start_of(i.value))),
            },
            WindowKind::Between(a, b) => {
                let start = start_of(a.value);
                // Half-open whatever the mix (spec §3.2): the end of a date is
                // the next day's start, the end of a timestamp that instant.
                let end = match b.value {
                    Instant::Date(d) => Timestamp(d.start().0 + DAY_MICROS),
                    Instant::Timestamp(t) => t,
                };
                if end <= start {
                    let help = if end == start {
                        "`between` leaves out its end instant, so `between T and T` holds nothing; give a later end, or write `on DATE` for a whole day"
                    } else {
                        "put the earlier date first: `between 2026-01-01 and 2026-01-31`"
                    };
                    empty(self, help.into());
                }
                ir::Window {
                    start: Some(Point::At(start)),
                    end: End::Before(Point::At(end)),
                }
            }
            WindowKind::On(i) => {
                if let Instant::Timestamp(_) = i.value {
                    self.error(
                        Diagnostic::new(Code::BadInstant, "`on` takes a date, not a timestamp")
                            .label(i.span, "a timestamp")
                            .help("write `on 2026-01-31` for a whole UTC day, or `between T1 and T2` for instants"),
                    );
                }
                let start = start_of(i.value);
                ir::Window {
                    start: Some(Point::At(start)),
                    end: End::Before(Point::At(Timestamp(start.0 + DAY_MICROS))),
                }
            }
        }
    }

    /// The declared type of a field: `Ok(None)` without a schema, `Err` when
    /// the schema does not declare it (reported).
    fn declared_type(&mut self, field: &ast::Field) -> Result<Option<Type>, ()> {
        let Some(schema) = self.schema else {
            return Ok(None);
        };
        let name = field.name();
        let (declared, what, section) = match field {
            ast::Field::User(_) => (
                schema.users.as_ref().map(|u| &u.attributes),
                "user attribute",
                "[users.attributes]",
            ),
            ast::Field::Property(_) => (
                Some(&schema.events.properties),
                "event property",
                "[events.properties]",
            ),
        };
        if let Some(ty) = declared.and_then(|d| d.get(&name.value)) {
            return Ok(Some(*ty));
        }
        let code = match field {
            ast::Field::User(_) => Code::UnknownAttribute,
            ast::Field::Property(_) => Code::UnknownProperty,
        };
        let d = Diagnostic::new(code, format!("unknown {what} `{}`", name.value))
            .label(name.span, format!("not declared in {section}"));
        let candidates = declared
            .map(|d| d.keys().map(String::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        // `user.amount`: a property where an attribute was meant to be.
        let is_property = matches!(field, ast::Field::User(_))
            && schema.events.properties.contains_key(&name.value);
        let d = match suggest(&name.value, candidates) {
            Some(s) => did_you_mean(d, &format!("`{s}`"), name.span, bare_name(s)),
            None if is_property => d.help(format!(
                "`{0}` is an event property: test it in a `where`, e.g. `did \"purchase\" where {0} …`",
                name.value
            )),
            None => d.help(format!("declare it in {section} of segc.toml")),
        };
        self.error(d);
        Err(())
    }

    /// Checks a field test and lowers it to tests that are ORed (a date
    /// compared with `!=` becomes two). `None` after an error.
    fn field_pred(&mut self, f: &ast::FieldPred, scope: Scope) -> Option<Vec<ir::FieldPred>> {
        let name = f.field.name();
        match (&f.field, scope) {
            (ast::Field::Property(_), Scope::User) => {
                let is_attribute = self
                    .schema
                    .and_then(|s| s.users.as_ref())
                    .is_some_and(|u| u.attributes.contains_key(&name.value));
                let d = Diagnostic::new(
                    Code::MisplacedCondition,
                    format!("`{}` stands alone, outside any `where`", name.value),
                )
                .label(name.span, "a bare name is an event property");
                let d = if is_attribute {
                    let attribute = bare_name(&name.value).map(|n| format!("user.{n}"));
                    did_you_mean(d, &format!("`user.{}`", name.value), name.span, attribute)
                } else {
                    d.help(format!(
                        "`where` takes one comparison: to test several properties, wrap them in parentheses: `where (… and {} …)`; a user attribute is written `user.{}`",
                        name.value, name.value
                    ))
                };
                self.error(d);
                return None;
            }
            (ast::Field::User(_), Scope::Event) => {
                self.error(
                    Diagnostic::new(Code::MisplacedCondition, "`where` filters on the event's own properties, not user attributes")
                        .label(f.span, "a user attribute")
                        .help("move it out of the `where`: `(did \"purchase\" where amount > 50) and user.country = \"ZA\"`"),
                );
                return None;
            }
            _ => {}
        }
        let declared = self.declared_type(&f.field).ok()?;
        let subject = match scope {
            Scope::User => format!("user.{}", name.value),
            Scope::Event => name.value.clone(),
        };
        let ty = declared.or_else(|| inferred_type(&f.op));
        let tests = self.field_ops(&f.op, ty, &subject, f.span)?;
        Some(
            tests
                .into_iter()
                .map(|op| ir::FieldPred {
                    field: ir::Field {
                        name: name.value.clone(),
                        ty,
                    },
                    op,
                    span: f.span,
                })
                .collect(),
        )
    }

    fn mismatch(&mut self, subject: &str, ty: Type, what: String, span: Span, help: String) {
        self.error(
            Diagnostic::new(
                Code::TypeMismatch,
                format!("cannot compare `{subject}` ({}) with {what}", ty.name()),
            )
            .label(span, format!("`{subject}` is a {}", ty.name()))
            .help(help),
        );
    }

    fn field_ops(
        &mut self,
        op: &AstOp,
        ty: Option<Type>,
        subject: &str,
        span: Span,
    ) -> Option<Vec<FieldOp>> {
        let needs = |this: &mut Self, wanted: Type, what: &str, code: Code| -> Option<()> {
            match ty {
                Some(t) if t != wanted => {
                    this.error(
                        Diagnostic::new(code, format!("{what} needs a {}, but `{subject}` is a {}", wanted.name(), t.name()))
                            .label(span, format!("`{subject}` is a {}", t.name()))
                            .help(match code {
                                Code::TimeOpOnNonTimestamp => "windows, `in next` and `anniversary` apply to timestamp attributes such as `user.signed_up_at`".to_string(),
                                _ if matches!(t, Type::Number | Type::Timestamp) => format!("compare a {} with `=`, `!=`, `<`, `<=`, `>`, `>=` or `in (…)`", t.name()),
                                _ => format!("compare a {} with `=`, `!=` or `in (…)`", t.name()),
                            }),
                    );
                    None
                }
                _ => Some(()),
            }
        };
        let case = |this: &mut Self, ignore_case: bool| -> Option<()> {
            if ignore_case {
                needs(
                    this,
                    Type::String,
                    "`ignoring case`",
                    Code::StringOpOnNonString,
                )
            } else {
                Some(())
            }
        };
        Some(match op {
            AstOp::IsSet { negated } => vec![FieldOp::IsSet { negated: *negated }],
            AstOp::Contains { text, ignore_case }
            | AstOp::StartsWith { text, ignore_case }
            | AstOp::EndsWith { text, ignore_case } => {
                let word = match op {
                    AstOp::Contains { .. } => "`contains`",
                    AstOp::StartsWith { .. } => "`starts with`",
                    _ => "`ends with`",
                };
                needs(self, Type::String, word, Code::StringOpOnNonString)?;
                let (text, ignore_case) = (text.value.clone(), *ignore_case);
                vec![match op {
                    AstOp::Contains { .. } => FieldOp::Contains { text, ignore_case },
                    AstOp::StartsWith { .. } => FieldOp::StartsWith { text, ignore_case },
                    _ => FieldOp::EndsWith { text, ignore_case },
                }]
            }
            AstOp::Matches(p) => {
                needs(self, Type::String, "`matches`", Code::StringOpOnNonString)?;
                if let Err(why) = pattern::check_pattern(&p.value) {
                    self.error(
                        Diagnostic::new(Code::BadPattern, format!("pattern outside the portable subset: {why}"))
                            .label(p.span, "this pattern")
                            .help("use literals, `.`, `[...]`, \\d \\w \\s, escaped punctuation, `* + ? {m,n}`, `^ $`, `|` and groups; in a Seg string write \\\\d for \\d"),
                    );
                    return None;
                }
                vec![FieldOp::Matches {
                    pattern: p.value.clone(),
                }]
            }
            AstOp::Window(w) => {
                needs(
                    self,
                    Type::Timestamp,
                    "a window",
                    Code::TimeOpOnNonTimestamp,
                )?;
                vec![FieldOp::Window(self.window(w))]
            }
            AstOp::InNext(d) => {
                needs(
                    self,
                    Type::Timestamp,
                    "`in next`",
                    Code::TimeOpOnNonTimestamp,
                )?;
                vec![FieldOp::InNext { seconds: d.value }]
            }
            AstOp::Anniversary(d) => {
                needs(
                    self,
                    Type::Timestamp,
                    "`anniversary`",
                    Code::TimeOpOnNonTimestamp,
                )?;
                if d.value < SECONDS_PER_DAY || d.value % SECONDS_PER_DAY != 0 {
                    self.error(
                        Diagnostic::new(Code::BadInstant, "`anniversary in next` takes whole days")
                            .label(d.span, "not a whole number of days")
                            .help("write days or weeks, e.g. `anniversary in next 7d`"),
                    );
                    return None;
                }
                vec![FieldOp::Anniversary {
                    days: d.value / SECONDS_PER_DAY,
                }]
            }
            AstOp::In {
                values,
                negated,
                ignore_case,
            } => {
                case(self, *ignore_case)?;
                let mut literals = Vec::new();
                for v in values {
                    literals.push(self.literal(v, ty, subject, span)?);
                }
                let has_date = values
                    .iter()
                    .any(|v| matches!(v.value, ast::Value::Instant(Instant::Date(_))));
                if has_date && matches!(ty, Some(Type::Timestamp) | None) {
                    return Some(instants_in(values, *negated));
                }
                vec![FieldOp::In {
                    values: literals,
                    negated: *negated,
                    ignore_case: *ignore_case,
                }]
            }
            AstOp::Compare {
                op,
                value,
                ignore_case,
            } => {
                case(self, *ignore_case)?;
                let cmp = op.value;
                if cmp.is_ordering() && ty == Some(Type::Bool) {
                    self.error(
                        Diagnostic::new(
                            Code::BadOrdering,
                            format!("`{}` does not apply to a bool", cmp.as_str()),
                        )
                        .label(op.span, format!("`{subject}` is a bool"))
                        .help("compare booleans with `=`, `!=` or `in (…)`"),
                    );
                    return None;
                }
                if cmp.is_ordering() && *ignore_case {
                    // Spec §3.7: strings order by code point; lower-casing
                    // first would give an order no engine collation has.
                    self.error(
                        Diagnostic::new(Code::BadOrdering, format!("`ignoring case` does not apply to `{}`", cmp.as_str()))
                            .label(op.span, "strings order by code point")
                            .help("remove `ignoring case`; to compare without case use `=` or `in (…)` with `ignoring case`"),
                    );
                    return None;
                }
                if let ast::Value::Instant(Instant::Date(d)) = value.value {
                    if ty == Some(Type::Timestamp) || ty.is_none() {
                        return Some(date_comparison(cmp, d));
                    }
                }
                vec![FieldOp::Compare {
                    cmp,
                    value: self.literal(value, ty, subject, span)?,
                    ignore_case: *ignore_case,
                }]
            }
        })
    }

    /// A literal, checked against the field's type.
    fn literal(
        &mut self,
        v: &Spanned<ast::Value>,
        ty: Option<Type>,
        subject: &str,
        span: Span,
    ) -> Option<Literal> {
        let (literal, lit_ty) = match &v.value {
            ast::Value::String(s) => (Literal::String(s.clone()), Type::String),
            ast::Value::Number(n) => (Literal::Number(*n), Type::Number),
            ast::Value::Bool(b) => (Literal::Bool(*b), Type::Bool),
            ast::Value::Instant(i) => (Literal::Timestamp(start_of(*i)), Type::Timestamp),
        };
        match ty {
            Some(t) if t != lit_ty => {
                let help = match (t, &v.value) {
                    (Type::String, ast::Value::Number(n)) => format!("write the value as a string: \"{n}\""),
                    (Type::Number, ast::Value::String(s)) if s.parse::<f64>().is_ok() => format!("write the number without quotes: {s}"),
                    (Type::Timestamp, _) => "compare a timestamp with a date (2026-01-31) or a timestamp (2026-01-31T12:00:00Z), or use a window such as `within 30d`".into(),
                    _ => format!("compare it with a {} value", t.name()),
                };
                let what = format!("a {} value", lit_ty.name());
                self.mismatch(subject, t, what, v.span.to(span), help);
                None
            }
            _ => Some(literal),
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

fn start_of(i: Instant) -> Timestamp {
    match i {
        Instant::Date(d) => d.start(),
        Instant::Timestamp(t) => t,
    }
}

/// `in (…)` / `not in (…)` on a timestamp with dates in the list (spec
/// §3.7): each date is its whole day, each timestamp its instant. The list
/// becomes a union of half-open intervals of microseconds (an instant `t` is
/// `[t, t + 1µs)`), merged; `not in` is its complement, so both are
/// windows and comparisons every backend already runs (OR-ed by the caller),
/// and a missing value is in none of them.
fn instants_in(values: &[Spanned<ast::Value>], negated: bool) -> Vec<FieldOp> {
    let mut intervals: Vec<(i64, i64)> = values
        .iter()
        .filter_map(|v| match v.value {
            ast::Value::Instant(Instant::Date(d)) => Some((d.start().0, d.start().0 + DAY_MICROS)),
            ast::Value::Instant(Instant::Timestamp(t)) => Some((t.0, t.0 + 1)),
            _ => None,
        })
        .collect();
    intervals.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (start, end) in intervals {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let compare = |cmp, t| FieldOp::Compare {
        cmp,
        value: Literal::Timestamp(Timestamp(t)),
        ignore_case: false,
    };
    let span = |start: i64, end: i64| {
        if end == start + 1 {
            compare(Cmp::Eq, start)
        } else {
            FieldOp::Window(ir::Window {
                start: Some(Point::At(Timestamp(start))),
                end: End::Before(Point::At(Timestamp(end))),
            })
        }
    };
    if !negated {
        return merged.into_iter().map(|(a, b)| span(a, b)).collect();
    }
    let mut out = Vec::new();
    let mut from: Option<i64> = None;
    for (start, end) in merged {
        match from {
            None => out.push(compare(Cmp::Lt, start)),
            Some(f) => out.push(span(f, start)),
        }
        from = Some(end);
    }
    out.extend(from.map(|f| compare(Cmp::Ge, f)));
    out
}

/// A date compared with a timestamp denotes the whole UTC day (spec §3.7).
fn date_comparison(cmp: Cmp, d: time::Date) -> Vec<FieldOp> {
    let day_start = d.start();
    let next_day = Timestamp(day_start.0 + DAY_MICROS);
    let compare = |cmp, t| FieldOp::Compare {
        cmp,
        value: Literal::Timestamp(t),
        ignore_case: false,
    };
    match cmp {
        Cmp::Eq => vec![FieldOp::Window(ir::Window {
            start: Some(Point::At(day_start)),
            end: End::Before(Point::At(next_day)),
        })],
        Cmp::Ne => vec![compare(Cmp::Lt, day_start), compare(Cmp::Ge, next_day)],
        Cmp::Lt => vec![compare(Cmp::Lt, day_start)],
        Cmp::Ge => vec![compare(Cmp::Ge, day_start)],
        Cmp::Gt => vec![compare(Cmp::Ge, next_day)],
        Cmp::Le => vec![compare(Cmp::Lt, next_day)],
    }
}

/// What type a test implies, for projects without a schema.
fn inferred_type(op: &AstOp) -> Option<Type> {
    let of_value = |v: &ast::Value| match v {
        ast::Value::String(_) => Type::String,
        ast::Value::Number(_) => Type::Number,
        ast::Value::Bool(_) => Type::Bool,
        ast::Value::Instant(_) => Type::Timestamp,
    };
    match op {
        AstOp::IsSet { .. } => None,
        AstOp::In { values, .. } => values.first().map(|v| of_value(&v.value)),
        AstOp::Compare { value, .. } => Some(of_value(&value.value)),
        AstOp::Contains { .. }
        | AstOp::StartsWith { .. }
        | AstOp::EndsWith { .. }
        | AstOp::Matches(_) => Some(Type::String),
        AstOp::Window(_) | AstOp::InNext(_) | AstOp::Anniversary(_) => Some(Type::Timestamp),
    }
}
