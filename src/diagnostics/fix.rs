//! Machine-applicable fixes: the edits a diagnostic proposes, so that an
//! editor or a script can apply them (as `ruff --fix` does), shown in the
//! JSON output and as SARIF `fixes`.
//!
//! A fix is attached only where one is clear: the parentheses that spell
//! out how `and` and `or` group, a duration respelt (`2 hours` → `2h`), the
//! near name of a did-you-mean. Its [`Applicability`] says whether it keeps
//! the meaning as written or is segc's best guess at what was meant.

use serde::Serialize;
use serde_json::{json, Value};

use crate::span::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The text means exactly what it meant before (parentheses that show
    /// the grouping segc already uses, `2 hours` → `2h`): safe to apply
    /// without reading.
    Safe,
    /// A guess at what was meant (a near name, `3mo` → `90d`): it changes
    /// the meaning, so a person should read it first.
    Unsafe,
}

/// Replace the text of `span` by `replacement` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    /// What applying it does, in a few words: "write `within`".
    pub title: String,
    pub applicability: Applicability,
    /// In text order, not overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Fix {
        let mut edits = edits;
        edits.sort_by_key(|e| (e.span.file, e.span.start, e.span.end));
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }

    /// One edit that replaces `span` by `replacement`, titled "write `…`".
    pub fn replace(
        span: Span,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Fix {
        let replacement = replacement.into();
        Fix::new(
            format!("write `{replacement}`"),
            applicability,
            vec![Edit { span, replacement }],
        )
    }

    /// `text` (the file the edits point into) with the edits applied.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for edit in &self.edits {
            let range = edit.span.range();
            out.push_str(&text[at..range.start]);
            out.push_str(&edit.replacement);
            at = range.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// The `fix` of the JSON output: the edits with positions resolved.
    pub(super) fn to_json(&self, sources: &SourceMap) -> Value {
        let edits: Vec<Value> = self
            .edits
            .iter()
            .map(|e| {
                let (line, column) = sources.line_col(e.span.file, e.span.start);
                let (end_line, end_column) = sources.line_col(e.span.file, e.span.end);
                json!({
                    "file": sources.get(e.span.file).path,
                    "start": e.span.start,
                    "end": e.span.end,
                    "line": line,
                    "column": column,
                    "end_line": end_line,
                    "end_column": end_column,
                    "replacement": e.replacement,
                })
            })
            .collect();
        json!({
            "title": self.title,
            "applicability": self.applicability,
            "edits": edits,
        })
    }

    /// A SARIF 2.1.0 `fix` object (§3.55): one `artifactChange` per file,
    /// each edit a `replacement` of a region (empty to insert).
    pub(super) fn to_sarif(&self, sources: &SourceMap) -> Value {
        let mut changes: Vec<(u32, Vec<Value>)> = Vec::new();
        for e in &self.edits {
            let (start_line, start_column) = sources.line_col(e.span.file, e.span.start);
            let (end_line, end_column) = sources.line_col(e.span.file, e.span.end);
            let replacement = json!({
                "deletedRegion": {
                    "startLine": start_line,
                    "startColumn": start_column,
                    "endLine": end_line,
                    "endColumn": end_column,
                },
                "insertedContent": { "text": e.replacement },
            });
            match changes.iter_mut().find(|(file, _)| *file == e.span.file) {
                Some((_, list)) => list.push(replacement),
                None => changes.push((e.span.file, vec![replacement])),
            }
        }
        let changes: Vec<Value> = changes
            .into_iter()
            .map(|(file, replacements)| {
                json!({
                    "artifactLocation": { "uri": sources.get(file).path },
                    "replacements": replacements,
                })
            })
            .collect();
        json!({
            "description": { "text": self.title },
            "artifactChanges": changes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_edits_in_order() {
        let text = "a and b or c";
        let fix = Fix::new(
            "add parentheses",
            Applicability::Safe,
            vec![
                Edit {
                    span: Span::new(0, 7, 7),
                    replacement: ")".into(),
                },
                Edit {
                    span: Span::new(0, 0, 0),
                    replacement: "(".into(),
                },
            ],
        );
        assert_eq!(fix.apply(text), "(a and b) or c");
        let fix = Fix::replace(Span::new(0, 6, 7), "x", Applicability::Unsafe);
        assert_eq!(fix.apply(text), "a and x or c");
        assert_eq!(fix.title, "write `x`");
    }
}
