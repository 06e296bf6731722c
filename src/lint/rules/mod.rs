//! The rules, one file each, in code order.

/// Declares a file's rule: its doc comment (the fixed sections), code,
/// name and check function (`None` for findings the checker reports).
macro_rules! rule {
    ($(#[doc = $doc:literal])* $code:ident, $name:literal, $check:expr) => {
        $(#[doc = $doc])*
        pub const RULE: crate::lint::Rule = crate::lint::Rule {
            code: crate::diagnostics::Code::$code,
            name: $name,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

mod always_empty;
mod bidi_control;
mod division_by_maybe_zero;
mod empty_file;
mod everyone;
mod long_window;
pub(super) mod mixed_and_or;
mod not_equal_missing;
mod redundant;
mod same_not_carried;
mod sequence_without_within;
mod unbounded_history;
mod unknown_event;
mod unreachable_arm;
mod unused_internal;

use super::{Context, Rule};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Segment;
use crate::span::Span;

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    unknown_event::RULE,
    empty_file::RULE,
    always_empty::RULE,
    everyone::RULE,
    redundant::RULE,
    unbounded_history::RULE,
    not_equal_missing::RULE,
    sequence_without_within::RULE,
    long_window::RULE,
    unreachable_arm::RULE,
    unused_internal::RULE,
    bidi_control::RULE,
    mixed_and_or::RULE,
    same_not_carried::RULE,
    division_by_maybe_zero::RULE,
];

/// The first character of a definition: a finding about a whole segment
/// points there, since a segment can be a megabyte long.
fn head(segment: &Segment) -> Span {
    let mut s = segment.span;
    s.end = s.end.min(s.start + 1);
    s
}

fn explain(segment: &Segment) -> String {
    format!("`segc explain --segment {}` shows how", segment.name)
}

/// A finding for each segment the optimizer reduced to `value` (and that
/// was not written as that constant): W0003 and W0004.
fn constant(
    cx: &Context,
    out: &mut Vec<Diagnostic>,
    value: bool,
    code: Code,
    what: &str,
    cause: &str,
) {
    for (segment, report) in cx.program.segments.iter().zip(&cx.reports) {
        if report.constant == Some(value) {
            out.push(
                Diagnostic::new(code, format!("segment `{}` {what}", segment.name))
                    .label(head(segment), format!("this segment reduces to `{value}`"))
                    .help(format!("{cause}; {}", explain(segment))),
            );
        }
    }
}
