//! Value sets: the tests of one user attribute in an `and` or an `or` (and,
//! inside a `where`, of one event property) are sets of its values
//! ([`regions`](super::regions)). In an `and`, tests whose sets do not meet
//! make `false` (`user.country = "ZA" and user.country = "NG"`,
//! `user.age > 60 and user.age < 18`, `is not set and = "x"`), and a test
//! the others imply is dropped (`= "a" and in ("a", "b")`, `= "x" and is
//! set`). In an `or`, a test another one implies is dropped, and tests
//! that cover every value and the missing one make `true`.
//!
//! A `where` that no event can pass empties its selection: `did` then
//! counts 0 events (so `at least 1 time` is `false`, but `at most 3 times`
//! is `true`), `count`, `count distinct` and `sum` are 0, `avg`, `min` and
//! `max` are missing (false), `first`/`last` and a sequence step find
//! nothing. A `where` every event passes is dropped.

use super::regions::{self, Mode, Subject, View};
use super::{Cx, Pass};
use crate::ir::{Filter, Measure, Num, Pred};
use crate::span::Span;

pub struct ValueSets;

impl Pass for ValueSets {
    fn name(&self) -> &'static str {
        "value-sets"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        match p {
            Pred::And(items) => combine(items, true, cx),
            Pred::Or(items) => combine(items, false, cx),
            leaf => selections(leaf, cx),
        }
    }
}

/// The `and` (or `or`) of `items`, rewritten.
fn combine(items: Vec<Pred>, and: bool, cx: &mut Cx) -> Pred {
    let rebuild = if and { Pred::And } else { Pred::Or };
    if items.len() > super::MAX_PAIRWISE {
        return rebuild(items);
    }
    let views: Vec<Option<View>> = items.iter().map(pred_view).collect();
    match decide(&views, and) {
        Decision::Constant(b) => {
            cx.changed += 1;
            Pred::Const(b)
        }
        Decision::Drop(drop) => rebuild(cx.drop_redundant(items, &drop)),
    }
}

fn pred_view(p: &Pred) -> Option<View> {
    match p {
        Pred::Attribute(fp) => regions::view(fp),
        Pred::Not(inner) => pred_view(inner).map(View::negated),
        Pred::And(items) => View::joined(items.iter().map(pred_view).collect::<Option<_>>()?, true),
        Pred::Or(items) => View::joined(items.iter().map(pred_view).collect::<Option<_>>()?, false),
        _ => None,
    }
}

fn filter_view(f: &Filter) -> Option<View> {
    match f {
        Filter::Property(fp) => regions::view(fp),
        Filter::Not(inner) => filter_view(inner).map(View::negated),
        Filter::And(items) => {
            View::joined(items.iter().map(filter_view).collect::<Option<_>>()?, true)
        }
        Filter::Or(items) => {
            View::joined(items.iter().map(filter_view).collect::<Option<_>>()?, false)
        }
        Filter::Const(_) => None,
    }
}

enum Decision {
    Constant(bool),
    /// The operands to drop as redundant.
    Drop(Vec<bool>),
}

/// What the operands of an `and` (or an `or`) reduce to, field by field.
fn decide(views: &[Option<View>], and: bool) -> Decision {
    let mut drop = vec![false; views.len()];
    // Each field tested, with its operands, in order of appearance.
    let mut fields: Vec<(&Subject, Vec<usize>)> = Vec::new();
    for (i, v) in views.iter().enumerate() {
        let Some(v) = v else { continue };
        match fields.iter_mut().find(|(s, _)| **s == v.subject) {
            Some((_, members)) => members.push(i),
            None => fields.push((&v.subject, vec![i])),
        }
    }
    for (subject, members) in fields.into_iter().filter(|(_, m)| m.len() > 1) {
        let mode_of = |i: usize| views[i].as_ref().map_or(Mode::Free, |v| v.mode);
        // Exact and folded strings are never compared: each mode with the
        // tests of either.
        let modes: Vec<Mode> = [Mode::Exact, Mode::Folded]
            .into_iter()
            .filter(|m| members.iter().any(|i| mode_of(*i) == *m))
            .collect();
        let classes: Vec<Vec<usize>> = if modes.is_empty() {
            vec![members.clone()]
        } else {
            modes
                .iter()
                .map(|m| {
                    members
                        .iter()
                        .copied()
                        .filter(|i| matches!(mode_of(*i), Mode::Free) || mode_of(*i) == *m)
                        .collect()
                })
                .collect()
        };
        for class in classes {
            let class: Vec<usize> = class.into_iter().filter(|i| !drop[*i]).collect();
            if class.len() < 2 {
                continue;
            }
            let tests: Vec<&regions::Test> = class
                .iter()
                .map(|i| &views[*i].as_ref().expect("grouped").test)
                .collect();
            let Some(table) = regions::truth_table(&tests, subject.1) else {
                continue;
            };
            let kept: Vec<bool> = tests.iter().map(|t| and && t.explicit_in(&tests)).collect();
            if let Some(constant) = reduce(&table, and, &class, &kept, &mut drop) {
                return Decision::Constant(constant);
            }
        }
    }
    Decision::Drop(drop)
}

/// With `table[t][r]` whether test `t` of `class` holds in region `r`: the
/// constant the tests make together, or else each test the others make
/// redundant marked in `drop` (except those marked in `kept`).
///
/// In an `and`, a test is redundant when no region fails it while the
/// others hold; they are empty together when no region passes them all.
/// An `or` is the mirror image: a test is redundant when no region passes
/// it alone, and they cover everything when every region passes one.
fn reduce(
    table: &[Vec<bool>],
    and: bool,
    class: &[usize],
    kept: &[bool],
    drop: &mut [bool],
) -> Option<bool> {
    let regions = table[0].len();
    // Whether test `t` goes against the operator in region `r`: fails, in
    // an `and`; holds, in an `or`.
    let against = |t: usize, r: usize| table[t][r] != and;
    let mut count: Vec<usize> = (0..regions)
        .map(|r| (0..table.len()).filter(|t| against(*t, r)).count())
        .collect();
    if count.iter().all(|c| *c > 0) {
        return Some(!and);
    }
    for (t, &operand) in class.iter().enumerate() {
        let needed = kept[t] || (0..regions).any(|r| against(t, r) && count[r] == 1);
        if !needed {
            drop[operand] = true;
            for (r, c) in count.iter_mut().enumerate() {
                if against(t, r) {
                    *c -= 1;
                }
            }
        }
    }
    None
}

/// A leaf whose selections have a `where`: each `where` simplified, and a
/// leaf whose selection no event can pass reduced as far as it goes.
fn selections(p: Pred, cx: &mut Cx) -> Pred {
    match p {
        Pred::Behaviour(mut b) => match where_clause(&mut b.selection.filter, cx) {
            Some(false) => {
                cx.changed += 1;
                // Over no events the count, distinct count and sum are 0;
                // the average, minimum and maximum are missing.
                let zero = matches!(
                    b.measure,
                    Measure::Count | Measure::CountDistinct(_) | Measure::Sum(_)
                );
                Pred::Const(zero && b.cmp.holds(0.0, b.value))
            }
            _ => Pred::Behaviour(b),
        },
        Pred::Recency(mut r) => {
            if where_clause(&mut r.filter, cx) == Some(false) {
                cx.changed += 1;
                return Pred::Const(false);
            }
            Pred::Recency(r)
        }
        Pred::Sequence(mut s) => {
            let mut impossible = false;
            for step in &mut s.steps {
                impossible |= where_clause(&mut step.filter, cx) == Some(false);
            }
            if let Some(step) = &mut s.then_not {
                where_clause(&mut step.filter, cx);
            }
            if impossible {
                cx.changed += 1;
                return Pred::Const(false);
            }
            Pred::Sequence(s)
        }
        // At least one event, and none can pass: no value reaches the count.
        Pred::SameCount(mut c) => {
            if where_clause(&mut c.selection.filter, cx) == Some(false) {
                cx.changed += 1;
                return Pred::Const(false);
            }
            Pred::SameCount(c)
        }
        Pred::Regularity(mut r) => {
            where_clause(&mut r.filter, cx);
            Pred::Regularity(r)
        }
        Pred::Percentile(mut p) => {
            num_filters(&mut p.measure, cx);
            Pred::Percentile(p)
        }
        // An equivalent filter leaves every measure as it was.
        Pred::Compare(mut c) => {
            num_filters(&mut c.left, cx);
            num_filters(&mut c.right, cx);
            Pred::Compare(c)
        }
        Pred::Value(mut v) => {
            where_clause(&mut v.value.selection.filter, cx);
            Pred::Value(v)
        }
        other => other,
    }
}

/// Simplifies the `where` of every read of a measure.
fn num_filters(n: &mut Num, cx: &mut Cx) {
    match n {
        Num::Aggregate(a) => {
            where_clause(&mut a.selection.filter, cx);
        }
        Num::Value(v) => {
            where_clause(&mut v.selection.filter, cx);
        }
        Num::Neg(inner) => num_filters(inner, cx),
        Num::Binary(_, l, r) => {
            num_filters(l, cx);
            num_filters(r, cx);
        }
        Num::Attribute(_) | Num::Const(_) => {}
    }
}

/// Simplifies a `where`: `Some(false)` when no event passes it (it stays,
/// as `false`), and a `where` every event passes is removed (`Some(true)`).
fn where_clause(filter: &mut Option<Filter>, cx: &mut Cx) -> Option<bool> {
    let simplified = filter_rewrite(filter.take()?, cx);
    let constant = match simplified {
        Filter::Const(b) => Some(b),
        _ => None,
    };
    *filter = match constant {
        Some(true) => {
            cx.changed += 1;
            None
        }
        _ => Some(simplified),
    };
    constant
}

/// A `where` rewritten bottom-up: constants folded, and the value sets of
/// each `and`/`or`.
fn filter_rewrite(f: Filter, cx: &mut Cx) -> Filter {
    match f {
        Filter::And(items) => filter_combine(items, true, cx),
        Filter::Or(items) => filter_combine(items, false, cx),
        Filter::Not(inner) => match filter_rewrite(*inner, cx) {
            Filter::Const(b) => {
                cx.changed += 1;
                Filter::Const(!b)
            }
            other => Filter::Not(Box::new(other)),
        },
        leaf => leaf,
    }
}

fn filter_combine(items: Vec<Filter>, and: bool, cx: &mut Cx) -> Filter {
    let rebuild = if and { Filter::And } else { Filter::Or };
    if items.len() > super::MAX_PAIRWISE {
        return rebuild(items);
    }
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        match filter_rewrite(item, cx) {
            // The operator's absorbing constant decides it; its identity goes.
            Filter::Const(b) if b != and => {
                cx.changed += 1;
                return Filter::Const(b);
            }
            Filter::Const(_) => cx.changed += 1,
            other => kept.push(other),
        }
    }
    if kept.is_empty() {
        return Filter::Const(and);
    }
    let views: Vec<Option<View>> = kept.iter().map(filter_view).collect();
    match decide(&views, and) {
        Decision::Constant(b) => {
            cx.changed += 1;
            Filter::Const(b)
        }
        Decision::Drop(drop) => {
            let mut out = Vec::with_capacity(kept.len());
            for (item, gone) in kept.into_iter().zip(drop) {
                if gone {
                    cx.changed += 1;
                    cx.redundant.extend(filter_span(&item));
                } else {
                    out.push(item);
                }
            }
            match out.len() {
                1 => out.pop().expect("one"),
                _ => rebuild(out),
            }
        }
    }
}

/// The span of a filter's first test, for a finding about it.
fn filter_span(f: &Filter) -> Option<Span> {
    match f {
        Filter::Property(fp) => Some(fp.span),
        Filter::Not(inner) => filter_span(inner),
        Filter::And(items) | Filter::Or(items) => items.iter().find_map(filter_span),
        Filter::Const(_) => None,
    }
}
