//! Count ranges: the counts of one selection compared several times in an
//! `and` are one range of whole numbers. An empty range is `false`
//! (`at least 5 times` and `at most 3 times`); a comparison that the others
//! already imply is redundant (`at least 2` beside `at least 5`).

use super::{Cx, Pass};
use crate::ir::{fold, Cmp, Measure, Pred};

pub struct CountRange;

/// The whole counts `[low, high]` a comparison admits; `None` for `!=`.
fn range(cmp: Cmp, v: f64) -> Option<(f64, f64)> {
    let all = f64::INFINITY;
    Some(match cmp {
        Cmp::Ge => (v.ceil(), all),
        Cmp::Gt => (v.floor() + 1.0, all),
        Cmp::Le => (0.0, v.floor()),
        Cmp::Lt => (0.0, v.ceil() - 1.0),
        Cmp::Eq if v.fract() == 0.0 => (v, v),
        Cmp::Eq => (1.0, 0.0),
        Cmp::Ne => return None,
    })
}

/// The group (measure and selection) and range of a count comparison.
fn count(p: &Pred) -> Option<(String, (f64, f64))> {
    match p {
        Pred::Behaviour(b) if matches!(b.measure, Measure::Count | Measure::CountDistinct(_)) => {
            let r = range(b.cmp, b.value)?;
            Some((
                fold::key_of(&(&b.measure, &b.selection)),
                (r.0.max(0.0), r.1),
            ))
        }
        _ => None,
    }
}

impl Pass for CountRange {
    fn name(&self) -> &'static str {
        "count-range"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let Pred::And(items) = p else { return p };
        if items.len() > super::MAX_PAIRWISE {
            return Pred::And(items);
        }
        let counts: Vec<Option<(String, (f64, f64))>> = items.iter().map(count).collect();
        let mut drop = vec![false; items.len()];
        for (i, c) in counts.iter().enumerate() {
            let Some((group, mine)) = c else { continue };
            // The range of the other, still kept, comparisons of this group.
            let others = counts
                .iter()
                .enumerate()
                .filter(|(j, o)| {
                    *j != i && !drop[*j] && o.as_ref().is_some_and(|(g, _)| g == group)
                })
                .map(|(_, o)| o.as_ref().expect("filtered").1);
            let (mut low, mut high, mut any) = (0.0f64, f64::INFINITY, false);
            for (l, h) in others {
                low = low.max(l);
                high = high.min(h);
                any = true;
            }
            if !any {
                continue;
            }
            if low.max(mine.0) > high.min(mine.1) {
                cx.changed += 1;
                return Pred::Const(false);
            }
            if mine.0 <= low && high <= mine.1 {
                drop[i] = true;
            }
        }
        let kept = cx.drop_redundant(items, &drop);
        Pred::And(kept)
    }
}
