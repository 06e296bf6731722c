//! GitHub Actions workflow commands: one `::error` / `::warning` /
//! `::notice` line per diagnostic, which GitHub shows as an annotation on
//! the pull request's diff.

use super::lines::Positions;
use super::{Diagnostic, Severity};
use crate::span::SourceMap;

/// One line per diagnostic (a diagnostic without a place gets no file).
pub fn to_github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let positions = Positions::new(sources);
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        if let Some(span) = d.span() {
            let (line, col) = positions.line_col(span.file, span.start);
            let (end_line, end_col) = positions.line_col(span.file, span.end);
            props.push(format!("file={}", property(&sources.get(span.file).path)));
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
            props.push(format!("endLine={end_line}"));
            props.push(format!("endColumn={end_col}"));
        }
        props.push(format!("title={}", property(d.code.as_str())));
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            data(&d.message_with_help())
        ));
    }
    out
}

/// An error annotation on a line of a file, for what is not a diagnostic
/// (a failed `segc test` expectation): `::error file=…,line=…,title=…::…`.
pub fn error_annotation(file: &str, line: usize, title: &str, message: &str) -> String {
    format!(
        "::error file={},line={line},title={}::{}\n",
        property(file),
        property(title),
        data(message)
    )
}

/// A message: `%`, CR and LF escaped, as the runner unescapes them.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which end it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
