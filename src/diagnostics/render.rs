//! Rendering diagnostics: through miette for people, as JSON for machines.
//!
//! miette reads a file through [`SourceCode`], and on its own it scans the
//! text from the start for every label and draws every line of a snippet
//! whole. Both break on long lines: thousands of warnings on one line of
//! 200 000 characters took minutes and gigabytes, and a label past column
//! 65 535 panicked (a format width). So miette gets only the lines around a
//! label, found through a line index ([`LineIndex`]), never a line longer
//! than [`MAX_LINE`]: a label on one is drawn on an excerpt of it, under
//! its real `file:line:column`.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use super::lines::{LineIndex, Positions, MAX_LINE};
use super::{Diagnostic, Label, Severity};
use crate::span::{FileId, SourceMap};

/// How to draw diagnostics for people.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
}

impl RenderOptions {
    /// No colour, 80 columns: what tests snapshot.
    pub fn plain() -> RenderOptions {
        RenderOptions {
            color: false,
            width: 80,
        }
    }
}

/// Renders one diagnostic as miette draws it.
pub fn render(diagnostic: &Diagnostic, sources: &SourceMap, options: RenderOptions) -> String {
    render_at(diagnostic, &Positions::new(sources), options)
}

fn render_at(diagnostic: &Diagnostic, positions: &Positions, options: RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let report = Report::new(diagnostic, positions);
    let mut out = String::new();
    handler
        .render_report(&mut out, &report)
        .expect("writing to a String cannot fail");
    out
}

/// Renders every diagnostic, then a one-line summary.
pub fn render_all(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: RenderOptions,
) -> String {
    let positions = Positions::new(sources);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_at(d, &positions, options));
        out.push('\n');
    }
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if errors + warnings > 0 {
        out.push_str(&format!(
            "{} error{}, {} warning{}\n",
            errors,
            plural(errors),
            warnings,
            plural(warnings)
        ));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A file's text under its path, as miette reads it: only the lines
/// around a span (found in the index, so never a scan from the start), and
/// no line of context longer than [`MAX_LINE`].
struct Lines<'a> {
    file: FileId,
    name: &'a str,
    text: &'a str,
    index: &'a LineIndex,
}

impl SourceCode for Lines<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let index = self.index;
        let start = span.offset();
        // Labels on long lines are drawn on excerpts; a span over one here
        // is two labels' contexts that miette tries to merge: refused, it
        // draws them apart.
        let lines = context(index, start, start + span.len(), before, after)
            .ok_or(MietteError::OutOfBounds)?;
        // miette reads these lines as it would the whole text; its line
        // numbers count from the slice, so they move by the lines before.
        let (s, e) = (index.start(lines.start), index.end(lines.end - 1));
        let inner = self.text[s..e].read_span(
            &SourceSpan::new((start - s).into(), span.len()),
            before,
            after,
        )?;
        let shift = index.breaks_before(lines.start);
        Ok(moved(self.name, &*inner, s, shift, inner.column()))
    }
}

/// What miette read from a part of a file, as read from the whole file
/// under its name: offsets moved by `offset` bytes and lines by `lines`,
/// at `column`.
fn moved<'b>(
    name: &str,
    inner: &dyn SpanContents<'b>,
    offset: usize,
    lines: usize,
    column: usize,
) -> Box<dyn SpanContents<'b> + 'b> {
    Box::new(MietteSpanContents::new_named(
        name.to_string(),
        inner.data(),
        SourceSpan::new((inner.span().offset() + offset).into(), inner.span().len()),
        inner.line() + lines,
        column,
        inner.line_count() + lines,
    ))
}

/// The lines holding the bytes `start..end`, with up to `before` and `after`
/// lines of context around them, but no long line of context; `None` when
/// a line of the span itself is long.
fn context(
    index: &LineIndex,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
) -> Option<std::ops::Range<usize>> {
    let first = index.line(start);
    let last = index.line(end.saturating_sub(1).max(start));
    if index.any_long(first, last) {
        return None;
    }
    let mut from = first;
    while from > 0 && first - from < before && !index.is_long(from - 1) {
        from -= 1;
    }
    let mut to = last + 1;
    while to < index.lines() && to - last <= after && !index.is_long(to) {
        to += 1;
    }
    Some(from..to)
}

/// Bytes of a long line shown on each side of a label.
const AROUND: usize = 40;

/// The part of a long line around one label, with `…` where it was cut, read
/// by miette as if it were the line: at its real line and column.
struct Excerpt<'a> {
    name: &'a str,
    text: String,
    /// Line breaks before the line, as miette counts them.
    line: usize,
    /// The byte column where the excerpt starts in its line, and the length
    /// of the `…` written before it.
    column: usize,
    prefix: usize,
}

impl<'a> Excerpt<'a> {
    /// The excerpt for a label starting on a long line (or spanning one),
    /// and the label's span in it: at most [`MAX_LINE`] bytes of the line.
    fn new(
        name: &'a str,
        text: &str,
        index: &LineIndex,
        label: &Label,
    ) -> (Excerpt<'a>, SourceSpan) {
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = (label.span.start as usize).min(text.len());
        let line = index.line(start);
        let line_start = index.start(line);
        let content = &text[line_start..index.end(line)];
        let line_end = line_start + content.trim_end_matches(['\n', '\r']).len();
        let start = floor(start.min(line_end));
        let from = floor(start.saturating_sub(AROUND).max(line_start));
        let to = floor(
            (label.span.end as usize + AROUND)
                .min(line_end)
                .min(from + MAX_LINE)
                .max(start),
        );
        let end = (label.span.end as usize).clamp(start, to);
        let prefix = if from > line_start { "…" } else { "" };
        let suffix = if to < line_end { "…" } else { "" };
        let excerpt = Excerpt {
            name,
            text: format!("{prefix}{}{suffix}", &text[from..to]),
            line: index.breaks_before(line),
            column: from - line_start,
            prefix: prefix.len(),
        };
        let span = SourceSpan::new((start - from + prefix.len()).into(), end - start);
        (excerpt, span)
    }
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // Without context lines (what miette asks for the `file:line:column`
        // heading), the column counts from the excerpt: make it the line's.
        let column = if before == 0 {
            (inner.column() + self.column).saturating_sub(self.prefix)
        } else {
            inner.column()
        };
        Ok(moved(self.name, &*inner, 0, self.line, column))
    }
}

/// What miette reads one report's snippet from.
enum Source<'a> {
    Lines(Lines<'a>),
    Excerpt(Excerpt<'a>),
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        match self {
            Source::Lines(lines) => lines.read_span(span, before, after),
            Source::Excerpt(excerpt) => excerpt.read_span(span, before, after),
        }
    }
}

/// A diagnostic bound to the file of its labels. Labels in other files become
/// related reports, each drawn against its own file, and so does each label
/// on a long line, drawn on an excerpt of it.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    /// The main report carries the message, code and help; related ones
    /// (labels in other files) only their snippet.
    root: bool,
    source: Option<Source<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, positions: &'a Positions<'a>) -> Report<'a> {
        // In the order of the labels, so the primary (first) one is in the
        // first group: one per file, plus one per label on a long line.
        let mut groups: Vec<(Source, Vec<LabeledSpan>)> = Vec::new();
        for label in &diagnostic.labels {
            let primary = diagnostic.labels.first() == Some(label);
            let file = label.span.file;
            let source = positions.sources.get(file);
            let index = positions.index(file);
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            let last = index.line(end.saturating_sub(1).max(start));
            if index.any_long(index.line(start), last) {
                let text = positions.displayed(file);
                let (excerpt, span) = Excerpt::new(&source.path, text, index, label);
                groups.push((
                    Source::Excerpt(excerpt),
                    vec![labeled(label, span, primary)],
                ));
                continue;
            }
            let span = SourceSpan::from(label.span.range());
            match groups
                .iter_mut()
                .find(|(s, _)| matches!(s, Source::Lines(l) if l.file == file))
            {
                Some((_, labels)) => labels.push(labeled(label, span, primary)),
                None => groups.push((
                    Source::Lines(Lines {
                        file,
                        name: &source.path,
                        text: positions.displayed(file),
                        index,
                    }),
                    vec![labeled(label, span, primary)],
                )),
            }
        }
        let mut groups = groups.into_iter();
        let (source, labels) = match groups.next() {
            Some((s, l)) => (Some(s), l),
            None => (None, Vec::new()),
        };
        let related = groups
            .map(|(source, labels)| Report {
                diagnostic,
                root: false,
                source: Some(source),
                labels,
                related: Vec::new(),
            })
            .collect();
        Report {
            diagnostic,
            root: true,
            source,
            labels,
            related,
        }
    }
}

fn labeled(label: &Label, span: SourceSpan, primary: bool) -> LabeledSpan {
    let text = (!label.message.is_empty()).then(|| label.message.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl Report<'_> {
    fn message(&self) -> &str {
        if self.root {
            &self.diagnostic.message
        } else {
            "see also"
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.root
            .then(|| Box::new(self.diagnostic.code.as_str()) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if !self.root {
            return None;
        }
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = &dyn miette::Diagnostic>>
        })
    }
}

/// The JSON shape of one diagnostic, with positions resolved for editors.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    start: u32,
    end: u32,
    line: usize,
    column: usize,
    message: &'a str,
}

/// `{"diagnostics": [...], "errors": N, "warnings": N}`.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let positions = Positions::new(sources);
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity,
            message: &d.message,
            help: d.help.as_deref(),
            labels: d
                .labels
                .iter()
                .map(|l| {
                    let (line, column) = positions.line_col(l.span.file, l.span.start);
                    JsonLabel {
                        file: &sources.get(l.span.file).path,
                        start: l.span.start,
                        end: l.span.end,
                        line,
                        column,
                        message: &l.message,
                    }
                })
                .collect(),
            fix: d.fix.as_ref().map(|f| f.to_json(sources)),
        })
        .collect();
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    serde_json::json!({
        "diagnostics": items,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
    })
}

#[cfg(test)]
mod tests {
    use super::{context, LineIndex};

    /// A warning on every line of a long file: miette is handed three lines
    /// per label, so the bytes it reads grow with the labels, whatever the
    /// size of the file (it used to read from the start for each).
    #[test]
    fn each_label_reads_only_the_lines_around_it() {
        let text = "did \"x\" within 1d or\n".repeat(20_000);
        let index = LineIndex::new(&text);
        let read: usize = (0..index.lines() - 1)
            .map(|line| {
                let start = index.start(line) + 4;
                let lines = context(&index, start, start + 3, 1, 1).unwrap();
                index.end(lines.end - 1) - index.start(lines.start)
            })
            .sum();
        assert_eq!(read, 3 * text.len() - 2 * text.len() / 20_000);
    }

    #[test]
    fn long_lines_are_left_out_of_a_context() {
        let text = format!("a\n{}\nb\n{}\nc", "x".repeat(2000), "y".repeat(2000));
        let index = LineIndex::new(&text);
        let b = text.find('b').unwrap();
        assert_eq!(context(&index, b, b + 1, 1, 1), Some(2..3));
        assert_eq!(context(&index, 0, 1, 1, 1), Some(0..1));
        let c = text.len() - 1;
        assert_eq!(context(&index, c, c + 1, 1, 1), Some(4..5));
        // Two labels' merged context over a long line: miette draws them apart.
        assert_eq!(context(&index, 0, b + 1, 1, 1), None);
    }
}
