//! How far back from `now` a segment reads events: what `segc run` compares
//! with the age of the data to warn that every windowed condition would
//! see nothing (issue: a run without `--as-of` on last year's export).

use super::{fold, Num, Point, Pred, Program, Segment, Window};

impl Program {
    /// The longest look-back, in seconds, of the windows relative to `now`
    /// (`within 30d`, `between 60d and 30d ago`, regularity periods) in the
    /// roots and the segments they use; `None` when none has one. Windows
    /// over all history or from a fixed date are left out: old data still
    /// answers them.
    pub fn longest_lookback(&self, roots: &[&Segment]) -> Option<i64> {
        let used = self.dependencies(roots);
        let segments = roots
            .iter()
            .copied()
            .chain(used.iter().filter_map(|n| self.segment(n)));
        let mut longest: Option<i64> = None;
        for segment in segments {
            for pred in segment.body.preds() {
                fold::for_each_leaf(pred, &mut |leaf| {
                    let seconds = match leaf {
                        Pred::Behaviour(b) => lookback(&b.selection.window),
                        Pred::SameCount(c) => lookback(&c.selection.window),
                        Pred::Percentile(p) => longest_read(&p.measure),
                        Pred::Compare(c) => longest_read(&c.left).max(longest_read(&c.right)),
                        Pred::Value(v) => lookback(&v.value.selection.window),
                        Pred::Recency(r) => lookback(&r.window),
                        Pred::Sequence(s) => s.starting.as_ref().and_then(lookback),
                        Pred::Regularity(r) => lookback(&r.span_window()),
                        _ => None,
                    };
                    longest = longest.max(seconds);
                });
            }
        }
        longest
    }
}

fn longest_read(n: &Num) -> Option<i64> {
    n.selections()
        .into_iter()
        .filter_map(|s| lookback(&s.window))
        .max()
}

fn lookback(w: &Window) -> Option<i64> {
    w.start.and_then(Point::reach)
}
