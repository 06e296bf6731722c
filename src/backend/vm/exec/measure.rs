//! Measures (spec §3.11): an accumulator's number, and the pooled
//! arithmetic on measures, evaluated on a small postfix stack.

use super::Machine;
use crate::backend::vm::program::{Acc, NumOp, MAX_NUM_STACK};
use crate::data::Val;
use crate::ir::Num;

impl Machine<'_> {
    /// The value of a measure accumulator; `None` when missing.
    pub(super) fn measure(&self, acc: usize) -> Option<f64> {
        let s = &self.states[acc];
        match &self.p.accumulators[acc] {
            Acc::Count | Acc::CountDistinct { .. } => Some(s.count as f64),
            Acc::Sum { .. } => Some(s.sum),
            Acc::Avg { .. } => (s.count > 0).then(|| s.sum / s.count as f64),
            // Reset to +inf/-inf: they cross once a value has been seen.
            Acc::Min { .. } => (s.min <= s.max).then_some(s.min),
            Acc::Max { .. } => (s.min <= s.max).then_some(s.max),
            Acc::Value { .. } => match s.value {
                Some((_, Val::Num(n))) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }

    /// A pooled measure (spec §3.11): `None` when missing. A measure
    /// accumulator that is not finite (a sum that overflowed) is missing too.
    pub(super) fn num(&self, measure: usize, user: usize) -> Option<f64> {
        let mut stack = [None; MAX_NUM_STACK];
        let mut sp = 0;
        for op in &self.p.pool.measures[measure] {
            let value = match *op {
                NumOp::Acc(acc) => self.measure(acc as usize).filter(|v| v.is_finite()),
                NumOp::Attribute(a) => match self.attribute(a, user) {
                    Val::Num(n) if n.is_finite() => Some(n),
                    _ => None,
                },
                NumOp::Number(n) => Some(self.p.pool.numbers[n as usize]),
                NumOp::Neg => {
                    sp -= 1;
                    stack[sp].map(|v: f64| -v)
                }
                NumOp::Binary(op) => {
                    sp -= 2;
                    Num::apply(op, stack[sp], stack[sp + 1])
                }
            };
            stack[sp] = value;
            sp += 1;
        }
        stack[0]
    }
}
