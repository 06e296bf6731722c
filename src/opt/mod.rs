//! The optimizer: ordered IR passes run to a fixed point. Each pass is one
//! file and rewrites one node whose children are already rewritten.
//!
//! Besides a smaller IR, it reports what it found about each segment:
//! derived to always empty or to everyone, and predicates that are
//! redundant (implied by others). `segc check` reports those as warnings.

mod absorption;
mod complement;
mod constants;
mod count_range;
mod flatten;
mod inline;
mod negation;
mod regions;
mod subsumption;
mod value_sets;

use serde::Serialize;

use crate::ir::{fold, Body, Pred, Program};
use crate::span::Span;

/// What a pass sees besides the node: the program (for inlining) and where
/// it records changes and redundant predicates.
pub struct Cx<'a> {
    pub program: &'a Program,
    pub changed: usize,
    pub redundant: Vec<Span>,
}

impl Cx<'_> {
    /// The operands not marked in `drop`; the marked ones are recorded as
    /// redundant changes.
    pub fn drop_redundant(&mut self, items: Vec<Pred>, drop: &[bool]) -> Vec<Pred> {
        let mut kept = Vec::with_capacity(items.len());
        for (item, gone) in items.into_iter().zip(drop) {
            if *gone {
                self.changed += 1;
                self.redundant.extend(fold::span(&item));
            } else {
                kept.push(item);
            }
        }
        kept
    }
}

pub trait Pass: Sync {
    fn name(&self) -> &'static str;
    /// Rewrites one node; counts a change in `cx.changed`.
    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred;
}

/// The passes, in the order they run in each round.
pub const PASSES: &[&dyn Pass] = &[
    &inline::InlineReferences,
    &flatten::Flatten,
    &constants::Constants,
    &negation::DoubleNegation,
    &absorption::Absorption,
    &complement::Complement,
    &subsumption::WindowSubsumption,
    &count_range::CountRange,
    &value_sets::ValueSets,
];

/// Rounds over all passes, at most; each round that changes nothing ends it.
const MAX_ROUNDS: usize = 32;

/// Passes that compare operands pairwise skip longer `and`/`or` lists, so
/// that a machine-written segment with thousands of operands stays linear.
pub const MAX_PAIRWISE: usize = 256;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub segment: String,
    /// Passes that changed something, with how many rewrites.
    pub fired: Vec<(&'static str, usize)>,
    /// Predicates found implied by others (their spans).
    pub redundant: Vec<Span>,
    /// `Some(false)`: always empty; `Some(true)`: everyone (derived, not written).
    pub constant: Option<bool>,
}

/// Runs `passes` over one predicate to a fixed point.
pub fn run(pred: Pred, program: &Program, passes: &[&dyn Pass], report: &mut Report) -> Pred {
    let mut pred = pred;
    for _ in 0..MAX_ROUNDS {
        let mut any = false;
        for pass in passes {
            let mut cx = Cx {
                program,
                changed: 0,
                redundant: Vec::new(),
            };
            pred = fold::bottom_up(pred, &mut |p| pass.rewrite(p, &mut cx));
            if cx.changed > 0 {
                any = true;
                match report.fired.iter_mut().find(|(n, _)| *n == pass.name()) {
                    Some((_, n)) => *n += cx.changed,
                    None => report.fired.push((pass.name(), cx.changed)),
                }
                report.redundant.extend(cx.redundant);
            }
        }
        if !any {
            break;
        }
    }
    report.redundant.sort_by_key(|s| (s.file, s.start));
    report.redundant.dedup();
    pred
}

/// The passes in order; without `inline`, all but inlining references.
pub fn passes(inline: bool) -> Vec<&'static dyn Pass> {
    PASSES
        .iter()
        .copied()
        .filter(|p| inline || p.name() != inline::InlineReferences.name())
        .collect()
}

/// Optimizes every segment. With `inline`, `in segment` references are
/// replaced by what they reference (for the backends); without, findings
/// stay within each segment's own text (for diagnostics).
pub fn optimize(program: &Program, inline: bool) -> (Program, Vec<Report>) {
    let passes = passes(inline);
    let mut out = program.clone();
    let mut reports = Vec::new();
    for segment in &mut out.segments {
        let mut report = Report {
            segment: segment.name.clone(),
            ..Report::default()
        };
        match &mut segment.body {
            Body::Predicate { pred, .. } => {
                let written_constant = matches!(pred, Pred::Const(_));
                *pred = run(
                    std::mem::replace(pred, Pred::Const(false)),
                    program,
                    &passes,
                    &mut report,
                );
                if let (Pred::Const(b), false) = (&*pred, written_constant) {
                    report.constant = Some(*b);
                }
            }
            Body::Partition { arms } => {
                for arm in arms {
                    arm.pred = run(
                        std::mem::replace(&mut arm.pred, Pred::Const(false)),
                        program,
                        &passes,
                        &mut report,
                    );
                }
            }
        }
        reports.push(report);
    }
    (out, reports)
}
