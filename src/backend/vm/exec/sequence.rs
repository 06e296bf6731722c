//! Sequences: each sequence's chain of steps, streamed one
//! instant at a time with the rules `docs/sql.md` gives under
//! "Sequences". Plain sequences keep one chain; a sequence `with same`
//! keeps one per value (see [`super::same`]) and reuses this one.

use std::collections::VecDeque;

use super::Machine;
use crate::backend::vm::program::Acc;
use crate::time::MICROS_PER_SECOND;

#[derive(Clone, Default)]
pub(super) struct Sequence {
    /// Latest start of a chain through step j, over earlier instants.
    pub(super) latest: Vec<Option<i64>>,
    /// Steps seen at the current instant (the negated step last).
    pub(super) flags: Vec<bool>,
    fresh: Vec<Option<i64>>,
    /// Start instants within `within` of the current one (then-not, k ≥ 2).
    pub(super) starts: VecDeque<i64>,
    /// Earliest deadline among candidates since the last negated event.
    pub(super) pending: Option<i64>,
    pub(super) hit: bool,
}

impl Sequence {
    pub(super) fn new(steps: usize) -> Sequence {
        Sequence {
            latest: vec![None; steps],
            fresh: vec![None; steps],
            flags: vec![false; steps + 1],
            ..Sequence::default()
        }
    }

    /// Applies the step flags of the instant `t` (see `docs/sql.md`,
    /// "Sequences": the same rules, streamed); `k` steps.
    #[inline]
    pub(super) fn flush(&mut self, k: usize, then_not: bool, within: Option<i64>, t: i64) {
        let q = self;
        if !q.flags.iter().any(|f| *f) {
            return;
        }
        if then_not && q.flags[k] {
            // A negated event: candidates whose time ran out before it
            // held; the others all saw it within their time.
            if q.pending.is_some_and(|d| d < t) {
                q.hit = true;
            }
            q.pending = None;
        }
        q.fresh[0] = q.flags[0].then_some(t);
        for j in 1..k {
            q.fresh[j] = if q.flags[j] { q.latest[j - 1] } else { None };
        }
        if let Some(latest_start) = q.fresh[k - 1] {
            match (then_not, within) {
                (false, None) => q.hit = true,
                // Verified: d is at most 100 years; the times are the
                // data's, so the sums saturate.
                (false, Some(d)) => {
                    q.hit |= t <= latest_start.saturating_add(d * MICROS_PER_SECOND)
                }
                (true, None) => q.pending = Some(i64::MAX),
                (true, Some(d)) => {
                    let d = d * MICROS_PER_SECOND;
                    let start = if k == 1 {
                        Some(t)
                    } else {
                        while q.starts.front().is_some_and(|s| *s < t.saturating_sub(d)) {
                            q.starts.pop_front();
                        }
                        q.starts.front().copied().filter(|s| *s <= latest_start)
                    };
                    if let Some(s) = start {
                        let deadline = s.saturating_add(d);
                        q.pending = Some(q.pending.map_or(deadline, |p| p.min(deadline)));
                    }
                }
            }
        }
        for j in 0..k {
            if let Some(v) = q.fresh[j] {
                q.latest[j] = Some(q.latest[j].map_or(v, |l| l.max(v)));
            }
        }
        if then_not && within.is_some() && k > 1 && q.flags[0] {
            q.starts.push_back(t);
        }
        q.flags.fill(false);
    }

    /// After the last event: a candidate whose deadline passed by now (or,
    /// without `within`, that no negated event followed) holds.
    pub(super) fn settle(&mut self, now: i64) {
        if self.pending.is_some_and(|d| d == i64::MAX || d <= now) {
            self.hit = true;
        }
    }
}

impl Machine<'_> {
    /// Applies the step flags of the instant `t` to each sequence (see
    /// `docs/sql.md`, "Sequences": the same rules, streamed).
    #[inline]
    pub(super) fn flush_instant(&mut self, t: i64) {
        for &acc in &self.sequences {
            let Acc::Sequence {
                steps,
                then_not,
                within,
            } = self.p.accumulators[acc]
            else {
                unreachable!("only sequences are listed")
            };
            self.states[acc]
                .seq
                .flush(steps as usize, then_not, within, t);
        }
        for i in 0..self.same_sequences.len() {
            self.flush_same(self.same_sequences[i], t);
        }
    }
}
