//! Every AST node on one line, in canonical spelling: keywords in lower case,
//! a quantity before a window, `time`/`times` and `day`/`days` agreeing with
//! their number, one space between tokens, `, ` in lists. `layout.rs` decides
//! where lines break; everything between two breaks is printed here.

use crate::span::{Span, Spanned};
use crate::syntax::ast::*;

use super::literal;

/// One piece of a sequence that may start a line of its own, and the source
/// it prints (see `layout::Line`).
pub(super) struct Piece {
    pub text: String,
    pub span: Span,
}

/// Prints nodes of one file, taking literals' text from `text`.
pub(super) struct Flat<'a> {
    pub text: &'a str,
}

impl Flat<'_> {
    fn src(&self, span: Span) -> &str {
        &self.text[span.range()]
    }

    pub fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Or(operands) => self.join(operands, " or "),
            ExprKind::And(operands) => self.join(operands, " and "),
            ExprKind::Not(inner) => format!("not {}", self.expr(inner)),
            ExprKind::Group(inner) => format!("({})", self.expr(inner)),
            ExprKind::Bool(value) => value.to_string(),
            ExprKind::Did(did) => {
                let mut parts = vec![format!("did {}", self.step(&did.step))];
                parts.extend(did.quantity.as_ref().map(|q| self.quantity(q)));
                parts.extend(did.window.as_ref().map(|w| self.window(w)));
                parts.extend(self.with_same(&did.same).map(|(text, _)| text));
                parts.join(" ")
            }
            ExprKind::Sequence(sequence) => {
                let pieces = self.sequence(sequence);
                let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
                texts.join(" ")
            }
            ExprKind::Regularity(r) => self.regularity(r),
            ExprKind::Aggregate(a) => format!(
                "{} {} {}",
                self.aggregate(&a.aggregate),
                a.op.value.as_str(),
                self.src(a.value.span)
            ),
            ExprKind::Recency(r) => {
                let which = match r.which {
                    Which::First => "first",
                    Which::Last => "last",
                };
                format!("{which} {} {}", self.step(&r.step), self.window(&r.window))
            }
            ExprKind::Field(pred) => self.field_pred(pred),
            ExprKind::InSegment(r) => match &r.arm {
                Some(arm) => format!("in segment {}.{}", r.segment.value, arm.value),
                None => format!("in segment {}", r.segment.value),
            },
            ExprKind::Percentile(p) => format!(
                "{} {} by {}",
                if p.top { "top" } else { "bottom" },
                self.src(p.percent.span),
                self.arith(&p.measure)
            ),
            ExprKind::Compare(c) => format!(
                "{} {} {}",
                self.arith(&c.left),
                c.op.value.as_str(),
                self.arith(&c.right)
            ),
            ExprKind::Value(v) => format!("{} {}", self.value_of(&v.value), self.field_op(&v.op)),
            ExprKind::Bucket(b) => {
                let (from, to) = (self.src(b.from.span), self.src(b.to.span));
                match &b.salt {
                    Some(salt) => format!("bucket {from} to {to} salt {}", self.src(salt.span)),
                    None => format!("bucket {from} to {to}"),
                }
            }
        }
    }

    fn join(&self, operands: &[Expr], separator: &str) -> String {
        let texts: Vec<String> = operands.iter().map(|o| self.expr(o)).collect();
        texts.join(separator)
    }

    /// `did STEP`, each `then [not] STEP`, and `within D starting W` when present.
    pub fn sequence(&self, s: &Sequence) -> Vec<Piece> {
        let step_piece = |prefix: &str, step: &Step| Piece {
            text: format!("{prefix} {}", self.step(step)),
            span: step.span,
        };
        let mut pieces: Vec<Piece> = s
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| step_piece(if i == 0 { "did" } else { "then" }, step))
            .collect();
        pieces.extend(s.then_not.as_ref().map(|step| step_piece("then not", step)));
        let within = s
            .within
            .as_ref()
            .map(|d| (format!("within {}", self.duration(d)), d.span));
        let starting = s
            .starting
            .as_ref()
            .map(|w| (format!("starting {}", self.window(w)), w.span));
        let tail: Vec<(String, Span)> = within
            .into_iter()
            .chain(starting)
            .chain(self.with_same(&s.same))
            .collect();
        if let (Some(first), Some(last)) = (tail.first(), tail.last()) {
            let texts: Vec<&str> = tail.iter().map(|(t, _)| t.as_str()).collect();
            pieces.push(Piece {
                text: texts.join(" "),
                span: first.1.to(last.1),
            });
        }
        pieces
    }

    /// `with same a, b` as written, and where it stands; `None` without one.
    fn with_same(&self, names: &[Name]) -> Option<(String, Span)> {
        let (first, last) = (names.first()?, names.last()?);
        let names: Vec<&str> = names.iter().map(|n| self.src(n.span)).collect();
        Some((
            format!("with same {}", names.join(", ")),
            first.span.to(last.span),
        ))
    }

    fn regularity(&self, r: &Regularity) -> String {
        let mut parts = vec![format!("did {}", self.step(&r.step))];
        parts.extend(r.quantity.as_ref().map(|q| self.quantity(q)));
        match &r.at_least {
            Some(k) => parts.push(format!("in at least {} of", self.src(k.span))),
            None => parts.push("on each of".into()),
        }
        let (one, many) = match r.period.value {
            Period::Hours => ("hour", "hours"),
            Period::Days => ("day", "days"),
            Period::Weeks => ("week", "weeks"),
            Period::Calendar { unit, previous } => {
                let which = if previous { "previous" } else { "last" };
                let n = self.src(r.last.span);
                parts.push(format!(
                    "the {which} {n} {}",
                    calendar_units(unit, r.last.value)
                ));
                return parts.join(" ");
            }
        };
        let period = if r.last.value == 1.0 { one } else { many };
        parts.push(format!("the last {} {period}", self.src(r.last.span)));
        parts.join(" ")
    }

    /// `"a", "b"`: event names as written.
    fn names(&self, names: &[Spanned<String>]) -> String {
        let names: Vec<&str> = names.iter().map(|n| self.src(n.span)).collect();
        names.join(", ")
    }

    fn step(&self, step: &Step) -> String {
        let events = match &step.events {
            Events::Name(name) => self.src(name.span).to_string(),
            Events::Any(_) => "any event".to_string(),
            Events::AnyOf(names) => format!("any of ({})", self.names(names)),
            Events::AnyExcept(names) => format!("any event except ({})", self.names(names)),
        };
        match &step.filter {
            Some(filter) => format!("{events} where {}", self.expr(filter)),
            None => events,
        }
    }

    fn quantity(&self, q: &Quantity) -> String {
        let times = |n: &Spanned<f64>| {
            let word = if n.value == 1.0 { "time" } else { "times" };
            format!("{} {word}", self.src(n.span))
        };
        match &q.kind {
            QuantityKind::AtLeast(n) => format!("at least {}", times(n)),
            QuantityKind::AtMost(n) => format!("at most {}", times(n)),
            QuantityKind::Exactly(n) => format!("exactly {}", times(n)),
            QuantityKind::MoreThan(n) => format!("more than {}", times(n)),
            QuantityKind::FewerThan(n) => format!("fewer than {}", times(n)),
            QuantityKind::Between(low, high) => format!(
                "between {} and {} times",
                self.src(low.span),
                self.src(high.span)
            ),
        }
    }

    fn duration(&self, d: &Duration) -> String {
        literal::duration(self.src(d.span), d.value)
    }

    fn instant(&self, i: &Spanned<Instant>) -> String {
        literal::instant(self.src(i.span))
    }

    fn window(&self, w: &Window) -> String {
        match &w.kind {
            WindowKind::Within(d) => format!("within {}", self.duration(d)),
            WindowKind::BetweenAgo(from, to) => format!(
                "between {} and {} ago",
                self.duration(from),
                self.duration(to)
            ),
            WindowKind::MoreThanAgo(d) => format!("more than {} ago", self.duration(d)),
            WindowKind::Since(i) => format!("since {}", self.instant(i)),
            WindowKind::Before(i) => format!("before {}", self.instant(i)),
            WindowKind::Between(from, to) => {
                format!("between {} and {}", self.instant(from), self.instant(to))
            }
            WindowKind::On(i) => format!("on {}", self.instant(i)),
            WindowKind::Calendar(c) => match c {
                CalendarWindow::This(Unit::Day) => "today".into(),
                CalendarWindow::Last(Unit::Day) => "yesterday".into(),
                CalendarWindow::This(unit) => format!("this {}", unit.name()),
                CalendarWindow::Last(unit) => format!("last {}", unit.name()),
                CalendarWindow::InLast(n, unit) => format!(
                    "in the last {} {}",
                    self.src(n.span),
                    calendar_units(*unit, n.value)
                ),
                CalendarWindow::InPrevious(n, unit) => format!(
                    "in the previous {} {}",
                    self.src(n.span),
                    calendar_units(*unit, n.value)
                ),
            },
        }
    }

    fn aggregate(&self, a: &Aggregate) -> String {
        let of =
            |function: &str, name: &Name| format!("{function}({})", literal::name(&name.value));
        let measure = match &a.measure.value {
            Measure::Count => "count".to_string(),
            Measure::CountDistinct(name) => of("count distinct", name),
            Measure::Sum(name) => of("sum", name),
            Measure::Avg(name) => of("avg", name),
            Measure::Min(name) => of("min", name),
            Measure::Max(name) => of("max", name),
        };
        let mut parts = vec![measure, "of".into(), self.step(&a.step)];
        parts.extend(a.window.as_ref().map(|w| self.window(w)));
        parts.join(" ")
    }

    /// A measure as written, parentheses kept, one space around operators.
    fn arith(&self, a: &Arith) -> String {
        match &a.kind {
            ArithKind::Aggregate(agg) => self.aggregate(agg),
            ArithKind::Value(v) => self.value_of(v),
            ArithKind::Attribute(name) => format!("user.{}", literal::name(&name.value)),
            ArithKind::Number(_) => self.src(a.span).to_string(),
            ArithKind::Neg(inner) => format!("-{}", self.arith(inner)),
            ArithKind::Binary(l, op, r) => {
                format!("{} {} {}", self.arith(l), op.value.as_str(), self.arith(r))
            }
            ArithKind::Group(inner) => format!("({})", self.arith(inner)),
        }
    }

    fn value_of(&self, v: &ValueOf) -> String {
        let mut parts = vec![
            format!(
                "{}({})",
                v.func.value.as_str(),
                literal::name(&v.property.value)
            ),
            "of".into(),
            self.step(&v.step),
        ];
        parts.extend(v.window.as_ref().map(|w| self.window(w)));
        parts.join(" ")
    }

    fn field_pred(&self, pred: &FieldPred) -> String {
        let field = match &pred.field {
            Field::User(name) => format!("user.{}", literal::name(&name.value)),
            Field::Property(name) => literal::name(&name.value).into_owned(),
        };
        format!("{field} {}", self.field_op(&pred.op))
    }

    fn field_op(&self, op: &FieldOp) -> String {
        let case = |ignore: bool| if ignore { " ignoring case" } else { "" };
        match op {
            FieldOp::IsSet { negated: false } => "is set".to_string(),
            FieldOp::IsSet { negated: true } => "is not set".to_string(),
            FieldOp::In {
                values,
                negated,
                ignore_case,
            } => {
                let values: Vec<String> = values.iter().map(|v| self.value(v)).collect();
                let not = if *negated { "not " } else { "" };
                format!("{not}in ({}){}", values.join(", "), case(*ignore_case))
            }
            FieldOp::InNext(d) => format!("in next {}", self.duration(d)),
            FieldOp::Anniversary(d) => format!("anniversary in next {}", self.duration(d)),
            FieldOp::Contains { text, ignore_case } => {
                format!("contains {}{}", self.src(text.span), case(*ignore_case))
            }
            FieldOp::StartsWith { text, ignore_case } => {
                format!("starts with {}{}", self.src(text.span), case(*ignore_case))
            }
            FieldOp::EndsWith { text, ignore_case } => {
                format!("ends with {}{}", self.src(text.span), case(*ignore_case))
            }
            FieldOp::Matches(pattern) => format!("matches {}", self.src(pattern.span)),
            FieldOp::Compare {
                op,
                value,
                ignore_case,
            } => format!(
                "{} {}{}",
                op.value.as_str(),
                self.value(value),
                case(*ignore_case)
            ),
            FieldOp::Window(w) => self.window(w),
        }
    }

    fn value(&self, v: &Spanned<Value>) -> String {
        match &v.value {
            Value::String(_) | Value::Number(_) => self.src(v.span).to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Instant(_) => literal::instant(self.src(v.span)),
        }
    }

    pub fn holdout(&self, h: &Holdout) -> String {
        match &h.salt {
            Some(salt) => format!(
                "holdout {} salt {}",
                self.src(h.percent.span),
                self.src(salt.span)
            ),
            None => format!("holdout {}", self.src(h.percent.span)),
        }
    }
}

/// `calendar months`, or `calendar month` for one.
fn calendar_units(unit: Unit, n: f64) -> String {
    let plural = if n == 1.0 { "" } else { "s" };
    format!("calendar {}{plural}", unit.name())
}
