//! From one definition's text to its AST: the nesting guard on the tokens,
//! the pest grammar, then a walk over pest's pairs (`recover.rs` cuts a
//! file into definitions and runs this on each).

use pest::iterators::Pair;

use super::ast::*;
use super::recover::code_tokens;
use super::token::{self, Token, TokenKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span, Spanned};
use crate::time;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/seg.pest"]
pub(super) struct SegParser;

/// How deep parentheses and `not`s may nest. Real segments stay under ten;
/// the bound keeps every recursive pass far from the stack's end.
pub const MAX_DEPTH: usize = 64;

/// Rejects nesting deeper than [`MAX_DEPTH`], counting parentheses and the
/// `not`s that apply at each level.
pub(super) fn check_depth(tokens: &[Token], text: &str) -> Option<Diagnostic> {
    let word = |t: &Token| {
        (t.kind == TokenKind::Keyword || t.kind == TokenKind::Punct)
            .then(|| text[t.span.range()].to_ascii_lowercase())
    };
    let code = code_tokens(tokens);
    let mut nots_per_level = vec![0usize];
    for (i, t) in code.iter().enumerate() {
        match word(t).as_deref() {
            Some("(") => nots_per_level.push(0),
            Some(")") if nots_per_level.len() > 1 => {
                nots_per_level.pop();
            }
            Some("and") | Some("or") => *nots_per_level.last_mut().unwrap() = 0,
            Some("not") => {
                let prev = i.checked_sub(1).and_then(|p| word(code[p]));
                let next = code.get(i + 1).and_then(|n| word(n));
                let part_of_operator = matches!(prev.as_deref(), Some("is") | Some("then"))
                    || next.as_deref() == Some("in");
                if !part_of_operator {
                    *nots_per_level.last_mut().unwrap() += 1;
                }
            }
            _ => {}
        }
        let depth = nots_per_level.len() - 1 + nots_per_level.iter().sum::<usize>();
        if depth > MAX_DEPTH {
            return Some(
                Diagnostic::new(
                    Code::TooDeep,
                    format!("expression nests more than {MAX_DEPTH} levels deep"),
                )
                .label(t.span, "nesting exceeds the limit here")
                .help("split the condition into named segments and combine them with `in segment`"),
            );
        }
    }
    None
}

/// Walks pest pairs into AST nodes.
pub(super) struct Builder<'a> {
    pub file: FileId,
    /// The whole file's text and tokens (for doc comments).
    pub text: &'a str,
    pub tokens: &'a [Token],
    /// Where the text pest parsed starts in the file: pest counts from it.
    pub offset: usize,
}

type P<'i> = Pair<'i, Rule>;

fn is_keyword_rule(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

/// The meaningful children of a pair: keywords dropped.
fn parts(pair: P<'_>) -> Vec<P<'_>> {
    pair.into_inner()
        .filter(|p| !is_keyword_rule(p.as_rule()))
        .collect()
}

fn has_keyword(pair: &P<'_>, wanted: Rule) -> bool {
    pair.clone().into_inner().any(|p| p.as_rule() == wanted)
}

impl Builder<'_> {
    /// The pair's span up to its last token: pest counts the whitespace
    /// and comments skipped before an optional part that then did not
    /// match. After the last inner pair only closing punctuation (`)`,
    /// `}`) can follow, between whitespace and comments.
    fn span(&self, pair: &P<'_>) -> Span {
        let start = self.offset + pair.as_span().start();
        let text = pair.as_str();
        let last_pair = pair
            .clone()
            .into_inner()
            .flatten()
            .filter(|p| p.clone().into_inner().next().is_none() && !p.as_str().trim().is_empty())
            .map(|p| self.offset + p.as_span().start() + p.as_str().trim_end().len() - start)
            .max();
        let mut end = last_pair.unwrap_or_else(|| text.trim_end().len());
        let mut rest = text[end..].char_indices();
        let base = end;
        while let Some((i, c)) = rest.next() {
            match c {
                '#' => {
                    rest.find(|(_, c)| *c == '\n');
                }
                c if c.is_whitespace() => {}
                c => end = base + i + c.len_utf8(),
            }
        }
        Span::new(self.file, start, start + end)
    }

    fn spanned<T>(&self, pair: &P<'_>, value: T) -> Spanned<T> {
        Spanned::new(value, self.span(pair))
    }

    pub fn file(&self, pair: P<'_>) -> File {
        let items: Vec<P> = pair
            .into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .collect();
        match items.first().map(|p| p.as_rule()) {
            None => File::Empty,
            Some(Rule::expr) => {
                let expr = self.expr(items.into_iter().next().unwrap());
                File::Expr {
                    doc: self.doc_comment(expr.span),
                    expr,
                }
            }
            Some(_) => File::Definitions(items.into_iter().map(|p| self.definition(p)).collect()),
        }
    }

    fn definition(&self, pair: P<'_>) -> Definition {
        let span = self.span(&pair);
        let doc = self.doc_comment(span);
        match pair.as_rule() {
            Rule::segment_def => {
                let mut it = parts(pair).into_iter();
                let name = self.name(it.next().unwrap());
                let expr = self.expr(it.next().unwrap());
                let holdout = it.next().map(|h| self.holdout(h));
                Definition::Segment(SegmentDef {
                    name,
                    doc,
                    expr,
                    holdout,
                    span,
                })
            }
            _ => {
                let mut it = parts(pair).into_iter();
                let name = self.name(it.next().unwrap());
                let arms = it
                    .map(|arm| {
                        let span = self.span(&arm);
                        let mut a = parts(arm).into_iter();
                        Arm {
                            name: self.name(a.next().unwrap()),
                            expr: self.expr(a.next().unwrap()),
                            span,
                        }
                    })
                    .collect();
                Definition::Partition(PartitionDef {
                    name,
                    doc,
                    arms,
                    span,
                })
            }
        }
    }

    /// The `##` lines directly above `span` (no blank line between).
    fn doc_comment(&self, span: Span) -> Option<String> {
        let at = self.tokens.partition_point(|t| t.span.start < span.start);
        let mut lines = Vec::new();
        let mut next_start = span.start as usize;
        for t in self.tokens[..at].iter().rev() {
            let gap = &self.text[t.span.end as usize..next_start];
            if t.kind != TokenKind::DocComment || gap.matches('\n').count() != 1 {
                break;
            }
            let line = &self.text[t.span.range()][2..];
            lines.push(
                line.strip_prefix(' ')
                    .unwrap_or(line)
                    .trim_end()
                    .to_string(),
            );
            next_start = t.span.start as usize;
        }
        lines.reverse();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    /// A name; a backquoted one loses its backquotes.
    fn name(&self, pair: P<'_>) -> Name {
        let text = pair.as_str();
        let bare = text
            .strip_prefix('`')
            .and_then(|t| t.strip_suffix('`'))
            .unwrap_or(text);
        self.spanned(&pair, bare.to_string())
    }

    fn holdout(&self, pair: P<'_>) -> Holdout {
        let span = self.span(&pair);
        let mut it = parts(pair).into_iter();
        let percent = self.percent(it.next().unwrap());
        let salt = it.next().map(|s| self.string(s));
        Holdout {
            percent,
            salt,
            span,
        }
    }

    fn expr(&self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::expr;
                let mut operands: Vec<Expr> =
                    parts(pair).into_iter().map(|p| self.expr(p)).collect();
                if operands.len() == 1 {
                    return operands.pop().unwrap();
                }
                let kind = if is_or {
                    ExprKind::Or(operands)
                } else {
                    ExprKind::And(operands)
                };
                Expr { kind, span }
            }
            Rule::not_expr => {
                let children: Vec<P> = pair.into_inner().collect();
                let (nots, primary) = children.split_at(children.len() - 1);
                let mut expr = self.expr(primary[0].clone());
                for not in nots.iter().rev() {
                    let span = self.span(not).to(expr.span);
                    expr = Expr {
                        kind: ExprKind::Not(Box::new(expr)),
                        span,
                    };
                }
                expr
            }
            _ => Expr {
                kind: self.primary(pair),
                span,
            },
        }
    }

    fn primary(&self, pair: P<'_>) -> ExprKind {
        match pair.as_rule() {
            Rule::group => ExprKind::Group(Box::new(self.expr(parts(pair).remove(0)))),
            Rule::boolean => ExprKind::Bool(has_keyword(&pair, Rule::kw_true)),
            Rule::did => self.did(pair),
            Rule::aggregate_cmp => {
                let mut it = parts(pair).into_iter();
                let aggregate = self.aggregate(it.next().unwrap());
                let op = self.cmp_op(it.next().unwrap());
                let value = self.number(it.next().unwrap());
                ExprKind::Aggregate(AggregateCmp {
                    aggregate,
                    op,
                    value,
                })
            }
            Rule::recency => {
                let which = if has_keyword(&pair, Rule::kw_first) {
                    Which::First
                } else {
                    Which::Last
                };
                let mut it = parts(pair).into_iter();
                ExprKind::Recency(Recency {
                    which,
                    step: self.step(it.next().unwrap()),
                    window: self.window(it.next().unwrap()),
                })
            }
            Rule::percentile => {
                let top = has_keyword(&pair, Rule::kw_top);
                let mut it = parts(pair).into_iter();
                ExprKind::Percentile(Percentile {
                    top,
                    percent: self.percent(it.next().unwrap()),
                    measure: self.arith(it.next().unwrap()),
                })
            }
            Rule::measure_cmp => {
                let mut it = parts(pair).into_iter();
                ExprKind::Compare(MeasureCmp {
                    left: self.arith(it.next().unwrap()),
                    op: self.cmp_op(it.next().unwrap()),
                    right: self.arith(it.next().unwrap()),
                })
            }
            Rule::value_pred => {
                let span = self.span(&pair);
                let mut it = parts(pair).into_iter();
                ExprKind::Value(ValuePred {
                    value: self.value_of(it.next().unwrap()),
                    op: self.field_op(it.next().unwrap()),
                    span,
                })
            }
            Rule::bucket => {
                let mut it = parts(pair).into_iter();
                ExprKind::Bucket(Bucket {
                    from: self.percent(it.next().unwrap()),
                    to: self.percent(it.next().unwrap()),
                    salt: it.next().map(|s| self.string(s)),
                })
            }
            Rule::in_segment => {
                let reference = parts(pair).remove(0);
                let mut names = reference.into_inner().map(|p| self.name(p));
                ExprKind::InSegment(SegmentRef {
                    segment: names.next().unwrap(),
                    arm: names.next(),
                })
            }
            Rule::field_pred => ExprKind::Field(self.field_pred(pair)),
            rule => unreachable!("grammar yields no primary {rule:?}"),
        }
    }

    fn did(&self, pair: P<'_>) -> ExprKind {
        let mut it = parts(pair).into_iter();
        let step = self.step(it.next().unwrap());
        let tail = it.next().unwrap();
        match tail.as_rule() {
            Rule::sequence => {
                let mut sequence = Sequence {
                    steps: vec![step],
                    then_not: None,
                    within: None,
                    starting: None,
                    same: Vec::new(),
                };
                for p in parts(tail) {
                    match p.as_rule() {
                        Rule::then_step => sequence.steps.push(self.step(parts(p).remove(0))),
                        Rule::then_not_step => {
                            sequence.then_not = Some(self.step(parts(p).remove(0)))
                        }
                        Rule::seq_within => {
                            sequence.within = Some(self.duration(parts(p).remove(0)))
                        }
                        Rule::with_same => sequence.same = self.with_same(p),
                        _ => sequence.starting = Some(self.window(parts(p).remove(0))),
                    }
                }
                ExprKind::Sequence(sequence)
            }
            Rule::regularity | Rule::streak => {
                let is_streak = tail.as_rule() == Rule::streak;
                let mut quantity = None;
                let mut numbers = Vec::new();
                let mut period = None;
                for p in parts(tail) {
                    match p.as_rule() {
                        Rule::quantity => quantity = Some(self.quantity(p)),
                        Rule::number => numbers.push(self.number(p)),
                        Rule::cal_periods => {
                            let previous = has_keyword(&p, Rule::kw_previous);
                            let span = self.span(&p);
                            let mut inner = parts(p).into_iter();
                            numbers.push(self.number(inner.next().unwrap()));
                            let unit = unit_of(inner.next().unwrap().as_str());
                            period = Some(Spanned {
                                value: Period::Calendar { unit, previous },
                                span,
                            });
                        }
                        _ => period = Some(self.spanned(&p, period_of(p.as_str()))),
                    }
                }
                let period = period.expect("the grammar requires a period");
                let last = numbers.pop().unwrap();
                ExprKind::Regularity(Regularity {
                    step,
                    quantity,
                    at_least: if is_streak { None } else { numbers.pop() },
                    last,
                    period,
                })
            }
            _ => {
                let mut did = Did {
                    step,
                    quantity: None,
                    window: None,
                    same: Vec::new(),
                };
                for p in parts(tail) {
                    match p.as_rule() {
                        Rule::quantity => did.quantity = Some(self.quantity(p)),
                        Rule::with_same => did.same = self.with_same(p),
                        _ => did.window = Some(self.window(p)),
                    }
                }
                ExprKind::Did(did)
            }
        }
    }

    /// The properties of `with same PROP {, PROP}`.
    fn with_same(&self, pair: P<'_>) -> Vec<Name> {
        parts(pair)
            .into_iter()
            .filter(|p| p.as_rule() == Rule::prop_name)
            .map(|p| self.name(p))
            .collect()
    }

    fn step(&self, pair: P<'_>) -> Step {
        let span = self.span(&pair);
        let mut it = parts(pair).into_iter();
        let events = it.next().unwrap();
        let events = match events.as_rule() {
            Rule::string => Events::Name(self.string(events)),
            Rule::any_event => Events::Any(self.span(&events)),
            Rule::any_except => {
                Events::AnyExcept(parts(events).into_iter().map(|s| self.string(s)).collect())
            }
            _ => Events::AnyOf(parts(events).into_iter().map(|s| self.string(s)).collect()),
        };
        let filter = it.next().map(|w| {
            let cond = parts(w).remove(0);
            let span = self.span(&cond);
            let kind = self.primary(cond);
            Box::new(Expr { kind, span })
        });
        Step {
            events,
            filter,
            span,
        }
    }

    fn quantity(&self, pair: P<'_>) -> Quantity {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().unwrap();
        let rule = inner.as_rule();
        let mut n = parts(inner).into_iter().map(|p| self.number(p));
        let first = n.next().unwrap();
        let kind = match rule {
            Rule::at_least => QuantityKind::AtLeast(first),
            Rule::at_most => QuantityKind::AtMost(first),
            Rule::exactly => QuantityKind::Exactly(first),
            Rule::more_than => QuantityKind::MoreThan(first),
            Rule::fewer_than => QuantityKind::FewerThan(first),
            _ => QuantityKind::Between(first, n.next().unwrap()),
        };
        Quantity { kind, span }
    }

    fn window(&self, pair: P<'_>) -> Window {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().unwrap();
        let rule = inner.as_rule();
        if rule == Rule::calendar_window {
            let kind = WindowKind::Calendar(self.calendar_window(inner));
            return Window { kind, span };
        }
        let args = parts(inner);
        let d = |i: usize| self.duration(args[i].clone());
        let t = |i: usize| self.instant(args[i].clone());
        let kind = match rule {
            Rule::within => WindowKind::Within(d(0)),
            Rule::between_ago => WindowKind::BetweenAgo(d(0), d(1)),
            Rule::more_than_ago => WindowKind::MoreThanAgo(d(0)),
            Rule::since => WindowKind::Since(t(0)),
            Rule::before => WindowKind::Before(t(0)),
            Rule::between_dates => WindowKind::Between(t(0), t(1)),
            _ => WindowKind::On(t(0)),
        };
        Window { kind, span }
    }

    fn calendar_window(&self, pair: P<'_>) -> CalendarWindow {
        let inner = pair.into_inner().next().unwrap();
        let rule = inner.as_rule();
        let args = parts(inner);
        let unit = |i: usize| unit_of(args[i].as_str());
        match rule {
            Rule::cal_today => CalendarWindow::This(Unit::Day),
            Rule::cal_yesterday => CalendarWindow::Last(Unit::Day),
            Rule::cal_this => CalendarWindow::This(unit(0)),
            Rule::cal_last => CalendarWindow::Last(unit(0)),
            Rule::cal_in_last => CalendarWindow::InLast(self.number(args[0].clone()), unit(1)),
            _ => CalendarWindow::InPrevious(self.number(args[0].clone()), unit(1)),
        }
    }

    fn aggregate(&self, pair: P<'_>) -> Aggregate {
        let span = self.span(&pair);
        let mut it = parts(pair).into_iter();
        let m = it.next().unwrap();
        let rule = m.as_rule();
        let measure_span = self.span(&m);
        let prop = parts(m).into_iter().next().map(|p| self.name(p));
        let measure = match rule {
            Rule::count => Measure::Count,
            Rule::count_distinct => Measure::CountDistinct(prop.unwrap()),
            Rule::sum => Measure::Sum(prop.unwrap()),
            Rule::avg => Measure::Avg(prop.unwrap()),
            Rule::min => Measure::Min(prop.unwrap()),
            _ => Measure::Max(prop.unwrap()),
        };
        Aggregate {
            measure: Spanned::new(measure, measure_span),
            step: self.step(it.next().unwrap()),
            window: it.next().map(|w| self.window(w)),
            span,
        }
    }

    fn field_pred(&self, pair: P<'_>) -> FieldPred {
        let span = self.span(&pair);
        let mut it = parts(pair).into_iter();
        let field = it.next().unwrap().into_inner().next().unwrap();
        let field = match field.as_rule() {
            Rule::user_attr => Field::User(self.name(parts(field).remove(0))),
            _ => Field::Property(self.name(field)),
        };
        let op = self.field_op(it.next().unwrap());
        FieldPred { field, op, span }
    }

    /// `sum`, `product`, `unary` and atoms of arithmetic (spec §3.11):
    /// left-associative chains folded into binary nodes.
    fn arith(&self, pair: P<'_>) -> Arith {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::arith | Rule::arith_term => {
                let mut it = pair.into_inner();
                let mut left = self.arith(it.next().unwrap());
                while let (Some(op), Some(right)) = (it.next(), it.next()) {
                    let op_span = self.span(&op);
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        _ => ArithOp::Div,
                    };
                    let right = self.arith(right);
                    let span = left.span.to(right.span);
                    left = Arith {
                        kind: ArithKind::Binary(
                            Box::new(left),
                            Spanned::new(op, op_span),
                            Box::new(right),
                        ),
                        span,
                    };
                }
                return left;
            }
            Rule::arith_unary => {
                let children: Vec<P> = pair.into_inner().collect();
                let (negs, atom) = children.split_at(children.len() - 1);
                let mut e = self.arith(atom[0].clone());
                for neg in negs.iter().rev() {
                    let span = self.span(neg).to(e.span);
                    e = Arith {
                        kind: ArithKind::Neg(Box::new(e)),
                        span,
                    };
                }
                return e;
            }
            Rule::arith_group => ArithKind::Group(Box::new(self.arith(parts(pair).remove(0)))),
            Rule::aggregate => ArithKind::Aggregate(self.aggregate(pair)),
            Rule::value_of => ArithKind::Value(self.value_of(pair)),
            Rule::user_attr => ArithKind::Attribute(self.name(parts(pair).remove(0))),
            _ => ArithKind::Number(pair.as_str().parse().unwrap_or(f64::NAN)),
        };
        Arith { kind, span }
    }

    fn value_of(&self, pair: P<'_>) -> ValueOf {
        let span = self.span(&pair);
        let mut it = parts(pair).into_iter();
        let func = it.next().unwrap();
        let which = if has_keyword(&func, Rule::kw_most_frequent) {
            ValueFn::MostFrequent
        } else if has_keyword(&func, Rule::kw_first_value) {
            ValueFn::FirstValue
        } else {
            ValueFn::LastValue
        };
        let func = self.spanned(&func, which);
        ValueOf {
            func,
            property: self.name(it.next().unwrap()),
            step: self.step(it.next().unwrap()),
            window: it.next().map(|w| self.window(w)),
            span,
        }
    }

    fn field_op(&self, op: P<'_>) -> FieldOp {
        let ignore_case = has_keyword(&op, Rule::ignoring_case);
        let rule = op.as_rule();
        let negated = has_keyword(&op, Rule::kw_not);
        match rule {
            Rule::is_set => FieldOp::IsSet { negated },
            Rule::not_in | Rule::in_list => {
                let list = parts(op).remove(0);
                FieldOp::In {
                    values: parts(list).into_iter().map(|v| self.value(v)).collect(),
                    negated,
                    ignore_case,
                }
            }
            Rule::in_next => FieldOp::InNext(self.duration(parts(op).remove(0))),
            Rule::anniversary => FieldOp::Anniversary(self.duration(parts(op).remove(0))),
            Rule::contains | Rule::starts_with | Rule::ends_with => {
                let text = self.string(parts(op).remove(0));
                match rule {
                    Rule::contains => FieldOp::Contains { text, ignore_case },
                    Rule::starts_with => FieldOp::StartsWith { text, ignore_case },
                    _ => FieldOp::EndsWith { text, ignore_case },
                }
            }
            Rule::matches => FieldOp::Matches(self.string(parts(op).remove(0))),
            Rule::compare => {
                let mut it = parts(op).into_iter();
                FieldOp::Compare {
                    op: self.cmp_op(it.next().unwrap()),
                    value: self.value(it.next().unwrap()),
                    ignore_case,
                }
            }
            _ => FieldOp::Window(self.window(op)),
        }
    }

    fn value(&self, pair: P<'_>) -> Spanned<Value> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().unwrap();
        let value = match inner.as_rule() {
            Rule::string => Value::String(self.string(inner).value),
            Rule::number => Value::Number(self.number(inner).value),
            Rule::kw_true => Value::Bool(true),
            Rule::kw_false => Value::Bool(false),
            _ => Value::Instant(self.instant(inner).value),
        };
        Spanned::new(value, span)
    }

    fn cmp_op(&self, pair: P<'_>) -> Spanned<CmpOp> {
        let op = match pair.as_str() {
            "=" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            _ => CmpOp::Ge,
        };
        self.spanned(&pair, op)
    }

    /// The lexer has already validated every literal, so decoding succeeds.
    fn string(&self, pair: P<'_>) -> Spanned<String> {
        let raw = pair.as_str();
        let value = super::escape::unescape(&raw[1..raw.len() - 1]).unwrap_or_default();
        self.spanned(&pair, value)
    }

    fn number(&self, pair: P<'_>) -> Spanned<f64> {
        self.spanned(&pair, pair.as_str().parse().unwrap_or(f64::NAN))
    }

    fn percent(&self, pair: P<'_>) -> Spanned<f64> {
        let text = pair.as_str();
        self.spanned(&pair, text[..text.len() - 1].parse().unwrap_or(f64::NAN))
    }

    fn duration(&self, pair: P<'_>) -> Duration {
        self.spanned(
            &pair,
            token::duration_seconds(pair.as_str()).unwrap_or(i64::MAX),
        )
    }

    fn instant(&self, pair: P<'_>) -> Spanned<Instant> {
        let text = pair.as_str();
        let value = if pair.as_rule() == Rule::date {
            Instant::Date(time::parse_date(text).expect("validated by the lexer"))
        } else {
            Instant::Timestamp(time::parse_timestamp(text).expect("validated by the lexer"))
        };
        self.spanned(&pair, value)
    }
}

/// The calendar unit of a unit word, singular or plural, any case.
fn unit_of(word: &str) -> Unit {
    let word = word.to_ascii_lowercase();
    match word.trim_end_matches('s') {
        "week" => Unit::Week,
        "month" => Unit::Month,
        "quarter" => Unit::Quarter,
        "year" => Unit::Year,
        _ => Unit::Day,
    }
}

fn period_of(word: &str) -> Period {
    match word.to_ascii_lowercase().as_str() {
        "hour" | "hours" => Period::Hours,
        "week" | "weeks" => Period::Weeks,
        _ => Period::Days,
    }
}
