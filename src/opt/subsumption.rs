//! Window subsumption for the same events and filter: when window A lies
//! inside window B, "did X in A" implies "did X in B". So
//! `did X within 7d or did X within 30d` → `did X within 30d`, and with
//! `and` the narrower one stays; for `not did`, the other way round. And
//! `did X within 7d and not did X within 30d` can never hold (→ `false`);
//! `did X within 30d or not did X within 7d` always does (→ `true`).

use super::{Cx, Pass};
use crate::ir::{fold, Cmp, End, Measure, Point, Pred, Selection, Window};

pub struct WindowSubsumption;

impl Pass for WindowSubsumption {
    fn name(&self) -> &'static str {
        "window-subsumption"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let (and, items) = match p {
            Pred::And(items) => (true, items),
            Pred::Or(items) => (false, items),
            other => return other,
        };
        if items.len() > super::MAX_PAIRWISE {
            return if and {
                Pred::And(items)
            } else {
                Pred::Or(items)
            };
        }
        let views: Vec<Option<Exists>> = items.iter().map(view).collect();
        // `A and not B` with A implying B can never hold; `A or not B` with
        // B implying A always does.
        let contradiction = views.iter().flatten().filter(|v| v.nots > 0).any(|v| {
            let x = Exists {
                nots: v.nots - 1,
                selection: v.selection,
                filter: v.filter.clone(),
            };
            views
                .iter()
                .flatten()
                .any(|j| if and { implies(j, &x) } else { implies(&x, j) })
        });
        if contradiction {
            cx.changed += 1;
            return Pred::Const(!and);
        }
        // An operand is dropped when another one makes it redundant: in an
        // `and`, one that the other implies; in an `or`, one that implies the other.
        let mut drop = vec![false; items.len()];
        for i in 0..items.len() {
            let Some(vi) = &views[i] else { continue };
            for j in 0..items.len() {
                let Some(vj) = &views[j] else { continue };
                if i == j || drop[j] {
                    continue;
                }
                let redundant = if and {
                    implies(vj, vi)
                } else {
                    implies(vi, vj)
                };
                if redundant {
                    drop[i] = true;
                    break;
                }
            }
        }
        let kept = cx.drop_redundant(items, &drop);
        if and {
            Pred::And(kept)
        } else {
            Pred::Or(kept)
        }
    }
}

/// An operand as an existence test under `nots` negations, with its
/// filter's key computed once: the pairwise loops compare every pair.
struct Exists<'a> {
    nots: usize,
    selection: &'a Selection,
    filter: String,
}

fn view(p: &Pred) -> Option<Exists<'_>> {
    let mut p = p;
    let mut nots = 0;
    while let Pred::Not(inner) = p {
        nots += 1;
        p = inner;
    }
    exists(p).map(|selection| Exists {
        nots,
        selection,
        filter: fold::key_of(&selection.filter),
    })
}

/// `a` implies `b`, by window containment of existence tests (not for
/// identical operands: `flatten` drops those). Under the same number of
/// negations; each one turns the implication round.
fn implies(a: &Exists, b: &Exists) -> bool {
    if a.nots != b.nots {
        return false;
    }
    let (a, b) = if a.nots % 2 == 1 { (b, a) } else { (a, b) };
    a.selection.window != b.selection.window
        && a.selection.events == b.selection.events
        && a.filter == b.filter
        && within(&a.selection.window, &b.selection.window)
}

/// The selection of `did … at least 1 time` (any test meaning "some event").
fn exists(p: &Pred) -> Option<&Selection> {
    match p {
        Pred::Behaviour(b)
            if b.measure == Measure::Count
                && ((b.cmp == Cmp::Ge && b.value > 0.0 && b.value <= 1.0)
                    || (b.cmp == Cmp::Gt && (0.0..1.0).contains(&b.value))) =>
        {
            Some(&b.selection)
        }
        _ => None,
    }
}

/// Window `a` lies inside window `b`, for every `now` (unknown is false).
fn within(a: &Window, b: &Window) -> bool {
    let starts = match (a.start, b.start) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => not_before(x, y),
    };
    // `Now` is the latest end of all.
    let ends = match (a.end, b.end) {
        (_, End::Now) => true,
        (End::Now, _) => false,
        (End::Before(x), End::Before(y)) => not_before(y, x),
    };
    starts && ends
}

/// `x >= y` as instants, when comparable whatever `now` is.
fn not_before(x: Point, y: Point) -> bool {
    match (x, y) {
        (Point::Ago(a), Point::Ago(b)) => a <= b,
        (Point::At(a), Point::At(b)) => a.0 >= b.0,
        // Periods of one unit start later the nearer they are to now.
        (Point::Calendar { unit: u, ago: a }, Point::Calendar { unit: v, ago: b }) => {
            u == v && a <= b
        }
        _ => false,
    }
}
