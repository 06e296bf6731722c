//! Measures (spec §3.11) and property values (spec §3.12): numbers per
//! user built from aggregates, value functions, number attributes and
//! constants, and the tests of a property value.

use super::*;

/// The most operators one measure may have: the SQL of an operation
/// repeats its operands in its guards, so text grows with the nesting;
/// real measures (a ratio, a scaled difference) use one to three.
pub const MAX_OPERATORS: usize = 8;

impl Lowerer<'_> {
    /// `MEASURE CMP MEASURE`. A lone aggregate against a constant is the
    /// plain `Behaviour` the optimizer knows; constants on both sides fold.
    pub(super) fn compare(&mut self, c: &ast::MeasureCmp, span: Span) -> Pred {
        let left = self.num(&c.left);
        let right = self.num(&c.right);
        self.check_size(&c.left, &left);
        self.check_size(&c.right, &right);
        let cmp = c.op.value;
        match (left, right) {
            (Some(ir::Num::Aggregate(a)), Some(ir::Num::Const(v))) => behaviour(a, cmp, v, span),
            (Some(ir::Num::Const(v)), Some(ir::Num::Aggregate(a))) => {
                behaviour(a, flipped(cmp), v, span)
            }
            (Some(ir::Num::Const(a)), Some(ir::Num::Const(b))) => Pred::Const(cmp.holds(a, b)),
            (Some(left), Some(right)) => Pred::Compare(ir::Compare {
                left,
                cmp,
                right,
                span,
            }),
            // A constant that is missing (`1 / 0`): the comparison is false.
            _ => Pred::Const(false),
        }
    }

    /// The measure of `top`/`bottom`; `None` when it is a missing constant.
    pub(super) fn percentile_measure(&mut self, a: &ast::Arith) -> Option<ir::Num> {
        let n = self.num(a);
        self.check_size(a, &n);
        n
    }

    fn check_size(&mut self, a: &ast::Arith, n: &Option<ir::Num>) {
        let mut operators = 0;
        if let Some(n) = n {
            n.for_each(&mut |n| operators += usize::from(matches!(n, ir::Num::Binary(..))));
        }
        if operators > MAX_OPERATORS {
            self.error(
                Diagnostic::new(
                    Code::TooBig,
                    format!("a measure with {operators} operators; the limit is {MAX_OPERATORS}"),
                )
                .label(a.span, "too many operators")
                .help("split the condition into several comparisons joined with `and`"),
            );
        }
    }

    /// Lowers a measure; `None` when it is a constant that is missing (a
    /// division by zero or an overflow between constants). Constants fold
    /// with the same binary64 operations every backend performs.
    pub(super) fn num(&mut self, a: &ast::Arith) -> Option<ir::Num> {
        Some(match &a.kind {
            ArithKind::Group(inner) => return self.num(inner),
            ArithKind::Number(n) => ir::Num::Const(*n),
            ArithKind::Aggregate(agg) => ir::Num::Aggregate(self.aggregate(agg)),
            ArithKind::Value(v) => {
                let value = self.value_of(v);
                if let Some(ty) = value.field.ty.filter(|t| *t != Type::Number) {
                    self.not_a_number(
                        v.span,
                        &format!("{}({})", v.func.value.as_str(), v.property.value),
                        ty,
                    );
                }
                ir::Num::Value(value)
            }
            ArithKind::Attribute(name) => {
                let declared = self.declared_type(&ast::Field::User(name.clone()));
                if let Ok(Some(ty)) = declared.map(|t| t.filter(|t| *t != Type::Number)) {
                    self.not_a_number(a.span, &format!("user.{}", name.value), ty);
                }
                ir::Num::Attribute(ir::Field {
                    name: name.value.clone(),
                    ty: Some(Type::Number),
                })
            }
            ArithKind::Neg(inner) => match self.num(inner)? {
                ir::Num::Const(c) => ir::Num::Const(-c),
                n => ir::Num::Neg(Box::new(n)),
            },
            ArithKind::Binary(l, op, r) => {
                let (l, r) = (self.num(l), self.num(r));
                match (l?, r?) {
                    (ir::Num::Const(x), ir::Num::Const(y)) => {
                        ir::Num::Const(ir::Num::apply(op.value, Some(x), Some(y))?)
                    }
                    (l, r) => ir::Num::Binary(op.value, Box::new(l), Box::new(r)),
                }
            }
        })
    }

    fn not_a_number(&mut self, span: Span, subject: &str, ty: Type) {
        self.error(
            Diagnostic::new(
                Code::NotANumber,
                format!("`{subject}` is a {}, not a number", ty.name()),
            )
            .label(
                span,
                format!("a {} in arithmetic or a comparison of measures", ty.name()),
            )
            .help(match ty {
                Type::String | Type::Bool => format!(
                    "compare it with a value instead, e.g. `{subject} = {}`",
                    if ty == Type::String {
                        "\"…\""
                    } else {
                        "true"
                    }
                ),
                _ => {
                    "arithmetic takes counts, sums, number properties and number attributes".into()
                }
            }),
        );
    }

    /// `VALUE_FN(PROP) of EVENTS [where COND] [WINDOW]`.
    pub(super) fn value_of(&mut self, v: &ast::ValueOf) -> ir::ValueOf {
        ir::ValueOf {
            func: v.func.value,
            field: self.property(&v.property, None),
            selection: self.selection(&v.step, v.window.as_ref()),
        }
    }

    /// A property value tested like a field (spec §3.12): the field-test
    /// checks and lowering, with the value function as the subject.
    pub(super) fn value_pred(&mut self, v: &ast::ValuePred, span: Span) -> Pred {
        let mut value = self.value_of(&v.value);
        let subject = format!(
            "{}({})",
            v.value.func.value.as_str(),
            v.value.property.value
        );
        let ty = value.field.ty.or_else(|| field::inferred_type(&v.op));
        value.field.ty = ty;
        match self.field_ops(&v.op, ty, &subject, span) {
            Some(ops) => any_of(
                ops.into_iter()
                    .map(|op| {
                        Pred::Value(ir::ValuePred {
                            value: value.clone(),
                            op,
                            span,
                        })
                    })
                    .collect(),
                Pred::Or,
            ),
            None => Pred::Const(false),
        }
    }
}

fn behaviour(a: ir::Aggregate, cmp: Cmp, value: f64, span: Span) -> Pred {
    Pred::Behaviour(ir::Behaviour {
        selection: a.selection,
        measure: a.measure,
        cmp,
        value,
        span,
    })
}

/// `c op x` as `x op' c`.
fn flipped(cmp: Cmp) -> Cmp {
    match cmp {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        other => other,
    }
}
