//! Inlining of `in segment`: the reference becomes the referenced
//! predicate, so the backends need no separate member query. An arm of a
//! partition is "this arm and none before it". Large referenced predicates
//! stay references, so that the IR cannot grow without bound.

use super::{Cx, Pass};
use crate::ir::{Body, Pred};

pub struct InlineReferences;

/// Nodes a referenced predicate may have and still be inlined.
const MAX_INLINE: usize = 64;

fn size(p: &Pred) -> usize {
    match p {
        Pred::And(ps) | Pred::Or(ps) => 1 + ps.iter().map(size).sum::<usize>(),
        Pred::Not(p) => 1 + size(p),
        _ => 1,
    }
}

impl Pass for InlineReferences {
    fn name(&self) -> &'static str {
        "inline-references"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let Pred::Ref(r) = &p else { return p };
        let Some(segment) = cx.program.segment(&r.segment) else {
            return p;
        };
        let inlined = match (&segment.body, &r.arm) {
            (Body::Predicate { pred, .. }, _) => pred.clone(),
            (Body::Partition { arms }, None) => {
                Pred::Or(arms.iter().map(|a| a.pred.clone()).collect())
            }
            (Body::Partition { arms }, Some(name)) => {
                let Some(at) = arms.iter().position(|a| a.name == *name) else {
                    return p;
                };
                let mut all = vec![arms[at].pred.clone()];
                all.extend(
                    arms[..at]
                        .iter()
                        .map(|a| Pred::Not(Box::new(a.pred.clone()))),
                );
                Pred::And(all)
            }
        };
        if size(&inlined) > MAX_INLINE {
            return p;
        }
        cx.changed += 1;
        inlined
    }
}
