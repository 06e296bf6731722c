//! Which segments a segment needs, in an order where each comes after the
//! segments it references (both backends evaluate them in that order).

use std::collections::BTreeSet;

use super::{Pred, Program, Segment};

impl Program {
    /// Segments referenced (transitively) by the roots, dependencies first;
    /// the roots themselves are not included. Iterative, so a long chain of
    /// references cannot overflow the stack.
    pub fn dependencies(&self, roots: &[&Segment]) -> Vec<String> {
        let mut order = Vec::new();
        let mut visited = BTreeSet::new();
        for root in roots {
            post_order(self, &refs_of(root), &mut visited, &mut order);
        }
        order
    }
}

/// Adds the segments `refs` needs, each after the segments it needs.
fn post_order(
    program: &Program,
    refs: &[String],
    visited: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    // An explicit stack of (segment, its references, next index).
    let mut stack: Vec<(String, Vec<String>, usize)> = Vec::new();
    for name in refs {
        if !visited.insert(name.clone()) {
            continue;
        }
        let segment = program
            .segment(name)
            .expect("references are resolved by sema");
        stack.push((name.clone(), refs_of(segment), 0));
        while let Some((name, deps, at)) = stack.last_mut() {
            if let Some(dep) = deps.get(*at).cloned() {
                *at += 1;
                if visited.insert(dep.clone()) {
                    let segment = program
                        .segment(&dep)
                        .expect("references are resolved by sema");
                    stack.push((dep, refs_of(segment), 0));
                }
            } else {
                out.push(name.clone());
                stack.pop();
            }
        }
    }
}

/// The segments a segment references directly, in first-use order.
fn refs_of(segment: &Segment) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut visit = |leaf: &Pred| match leaf {
        Pred::Ref(r) if !out.contains(&r.segment) => out.push(r.segment.clone()),
        _ => {}
    };
    for pred in segment.body.preds() {
        super::fold::for_each_leaf(pred, &mut visit);
    }
    out
}
