//! Rewriting predicates bottom-up, and comparing them without their spans.

use super::Pred;

/// Rebuilds `p` bottom-up: children first, then `rewrite` on each node.
pub fn bottom_up(p: Pred, rewrite: &mut dyn FnMut(Pred) -> Pred) -> Pred {
    let p = match p {
        Pred::And(ps) => Pred::And(ps.into_iter().map(|p| bottom_up(p, rewrite)).collect()),
        Pred::Or(ps) => Pred::Or(ps.into_iter().map(|p| bottom_up(p, rewrite)).collect()),
        Pred::Not(p) => Pred::Not(Box::new(bottom_up(*p, rewrite))),
        leaf => leaf,
    };
    rewrite(p)
}

/// Calls `visit` on every leaf (not `and`, `or`, `not`), left to right.
pub fn for_each_leaf<'a>(p: &'a Pred, visit: &mut dyn FnMut(&'a Pred)) {
    match p {
        Pred::And(ps) | Pred::Or(ps) => ps.iter().for_each(|p| for_each_leaf(p, visit)),
        Pred::Not(p) => for_each_leaf(p, visit),
        leaf => visit(leaf),
    }
}

/// A text that is equal for two predicates exactly when they mean the same
/// thing as written (spans are left out).
pub fn key(p: &Pred) -> String {
    key_of(p)
}

/// [`key`] for any part of the IR (a selection, a filter).
pub fn key_of<T: serde::Serialize>(part: &T) -> String {
    strip(serde_json::to_value(part).expect("the IR serializes")).to_string()
}

fn strip(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => map
            .into_iter()
            .filter(|(k, _)| k != "span")
            .map(|(k, v)| (k, strip(v)))
            .collect(),
        serde_json::Value::Array(items) => items.into_iter().map(strip).collect(),
        other => other,
    }
}

/// The span of the first leaf, for findings about a whole predicate.
pub fn span(p: &Pred) -> Option<crate::span::Span> {
    match p {
        Pred::And(ps) | Pred::Or(ps) => ps.iter().find_map(span),
        Pred::Not(p) => span(p),
        Pred::Const(_) => None,
        Pred::Behaviour(b) => Some(b.span),
        Pred::Recency(r) => Some(r.span),
        Pred::Sequence(s) => Some(s.span),
        Pred::Regularity(r) => Some(r.span),
        Pred::Attribute(f) => Some(f.span),
        Pred::Ref(r) => Some(r.span),
        Pred::Percentile(p) => Some(p.span),
        Pred::Bucket(b) => Some(b.span),
        Pred::SameCount(c) => Some(c.span),
        Pred::Compare(c) => Some(c.span),
        Pred::Value(v) => Some(v.span),
    }
}
