//! Measures: an aggregate or a property value over a selection becomes an
//! accumulator, and arithmetic on measures becomes postfix steps in the
//! pool (run by the interpreter on a small number stack).

use super::Compiler;
use crate::backend::vm::program::{Acc, NumOp, Op};
use crate::ir::{Measure, Num, Selection, ValueOf};
use crate::span::Span;

impl Compiler {
    /// A measure accumulator over a selection.
    pub(super) fn measure(&mut self, selection: &Selection, measure: &Measure, span: Span) -> u32 {
        let acc = match measure {
            Measure::Count => Acc::Count,
            Measure::CountDistinct(f) => Acc::CountDistinct {
                property: self.property(f),
            },
            Measure::Sum(f) => Acc::Sum {
                property: self.property(f),
            },
            Measure::Avg(f) => Acc::Avg {
                property: self.property(f),
            },
            Measure::Min(f) => Acc::Min {
                property: self.property(f),
            },
            Measure::Max(f) => Acc::Max {
                property: self.property(f),
            },
        };
        let conditions = self.conditions(selection.filter.as_ref(), Some(&selection.window));
        self.accumulator(
            acc,
            vec![(selection.events.clone(), conditions)],
            |id, _| Op::Update(id),
            span,
        )
    }

    /// A measure in the pool, as postfix steps over accumulators.
    pub(super) fn num(&mut self, n: &Num, span: Span) -> u32 {
        let mut code = Vec::new();
        self.num_code(n, span, &mut code);
        Self::index(&mut self.out.pool.measures, code)
    }

    fn num_code(&mut self, n: &Num, span: Span, code: &mut Vec<NumOp>) {
        match n {
            Num::Aggregate(a) => {
                let acc = self.measure(&a.selection, &a.measure, span);
                code.push(NumOp::Acc(acc));
            }
            Num::Value(v) => {
                let acc = self.value_of(v, span);
                code.push(NumOp::Acc(acc));
            }
            Num::Attribute(f) => code.push(NumOp::Attribute(self.attribute(f))),
            Num::Const(c) => code.push(NumOp::Number(self.number(*c))),
            Num::Neg(inner) => {
                self.num_code(inner, span, code);
                code.push(NumOp::Neg);
            }
            Num::Binary(op, l, r) => {
                self.num_code(l, span, code);
                self.num_code(r, span, code);
                code.push(NumOp::Binary(*op));
            }
        }
    }

    /// A property value accumulator over a selection.
    pub(super) fn value_of(&mut self, v: &ValueOf, span: Span) -> u32 {
        let acc = Acc::Value {
            func: v.func,
            property: self.property(&v.field),
        };
        let s = &v.selection;
        let conditions = self.conditions(s.filter.as_ref(), Some(&s.window));
        self.accumulator(
            acc,
            vec![(s.events.clone(), conditions)],
            |id, _| Op::Update(id),
            span,
        )
    }
}
