//! `# segc: allow(CODE, …)`: silencing a warning where it is meant.
//!
//! The comment goes in the block of comment lines directly above the
//! warning's line, or directly above the first line of its segment (which
//! silences the code for the whole segment). Errors cannot be silenced.

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::span::{SourceMap, Span};

/// Drops the warnings an allow comment silences. `segments` are the spans
/// of the project's definitions.
pub fn suppress(diags: &mut Vec<Diagnostic>, sources: &SourceMap, segments: &[Span]) {
    diags.retain(|d| {
        let Some(span) = d.span().filter(|_| d.severity == Severity::Warning) else {
            return true;
        };
        let text = &sources.get(span.file).text;
        let mut places = vec![span.start];
        places.extend(
            segments
                .iter()
                .filter(|s| s.file == span.file && s.start <= span.start && span.start <= s.end)
                .map(|s| s.start),
        );
        !places
            .into_iter()
            .any(|offset| allowed_above(text, offset).contains(&d.code))
    });
}

/// The codes allowed by the comment lines directly above the line holding
/// byte `offset`.
fn allowed_above(text: &str, offset: u32) -> Vec<Code> {
    let offset = (offset as usize).min(text.len());
    let line_start = text.as_bytes()[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .flat_map(allowed_in)
        .collect()
}

/// The codes of `# segc: allow(A, B)` in one comment line.
fn allowed_in(comment: &str) -> Vec<Code> {
    let Some((_, rest)) = comment.split_once("segc: allow(") else {
        return Vec::new();
    };
    let list = rest.split(')').next().unwrap_or("");
    list.split(',')
        .filter_map(|code| code.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_comment_block_above() {
        let text = "segment a =\n  # why\n  # segc: allow(W0006, W0009)\n  did \"x\"\n";
        let offset = text.find("did").unwrap() as u32;
        assert_eq!(
            allowed_above(text, offset),
            vec![Code::UnboundedHistory, Code::LongWindow]
        );
        // A code line between stops the block.
        let text = "# segc: allow(W0006)\nsegment a =\n  did \"x\"\n";
        let offset = text.find("did").unwrap() as u32;
        assert!(allowed_above(text, offset).is_empty());
    }
}
