//! `not not a` → `a`.

use super::{Cx, Pass};
use crate::ir::Pred;

pub struct DoubleNegation;

impl Pass for DoubleNegation {
    fn name(&self) -> &'static str {
        "double-negation"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        match p {
            Pred::Not(inner) => match *inner {
                Pred::Not(x) => {
                    cx.changed += 1;
                    *x
                }
                other => Pred::Not(Box::new(other)),
            },
            other => other,
        }
    }
}
