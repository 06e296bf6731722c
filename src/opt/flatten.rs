//! `a and (b and c)` → `a and b and c`; a repeated operand is dropped
//! (redundant); one operand is itself; no operand is the identity.

use super::{Cx, Pass};
use crate::ir::{fold, Pred};

pub struct Flatten;

impl Pass for Flatten {
    fn name(&self) -> &'static str {
        "flatten"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let (and, items) = match p {
            Pred::And(items) => (true, items),
            Pred::Or(items) => (false, items),
            other => return other,
        };
        let before = items.len();
        let mut flat = Vec::with_capacity(items.len());
        let mut nested = false;
        for item in items {
            match item {
                Pred::And(inner) if and => {
                    nested = true;
                    flat.extend(inner);
                }
                Pred::Or(inner) if !and => {
                    nested = true;
                    flat.extend(inner);
                }
                other => flat.push(other),
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut unique = Vec::with_capacity(flat.len());
        for item in flat {
            if seen.insert(fold::key(&item)) {
                unique.push(item);
            } else {
                cx.redundant.extend(fold::span(&item));
            }
        }
        if nested || unique.len() != before || unique.len() < 2 {
            cx.changed += 1;
        }
        match unique.len() {
            0 => Pred::Const(and),
            1 => unique.pop().expect("one operand"),
            _ if and => Pred::And(unique),
            _ => Pred::Or(unique),
        }
    }
}
