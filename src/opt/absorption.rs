//! Absorption: `a and (a or b)` → `a`; `a or (a and b)` → `a`. The absorbed
//! operand is redundant.

use super::{Cx, Pass};
use crate::ir::{fold, Pred};

pub struct Absorption;

impl Pass for Absorption {
    fn name(&self) -> &'static str {
        "absorption"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let (and, items) = match p {
            Pred::And(items) => (true, items),
            Pred::Or(items) => (false, items),
            other => return other,
        };
        let keys: std::collections::HashSet<String> = items.iter().map(fold::key).collect();
        let absorbed = |item: &Pred| match item {
            // In an `and`, an inner `or` holding another operand is implied by it.
            Pred::Or(inner) if and => inner.iter().any(|i| keys.contains(&fold::key(i))),
            Pred::And(inner) if !and => inner.iter().any(|i| keys.contains(&fold::key(i))),
            _ => false,
        };
        let drop: Vec<bool> = items.iter().map(absorbed).collect();
        let kept = cx.drop_redundant(items, &drop);
        if and {
            Pred::And(kept)
        } else {
            Pred::Or(kept)
        }
    }
}
