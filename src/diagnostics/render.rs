//! Rendering diagnostics: through miette for people, as JSON for machines.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

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
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let report = Report::new(diagnostic, sources);
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
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render(d, sources, options));
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

/// A file's text under its path, as miette reads it.
struct NamedText<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A diagnostic bound to the file of its labels. Labels in other files become
/// related reports, each drawn against its own file.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    /// The main report carries the message, code and help; related ones
    /// (labels in other files) only their snippet.
    root: bool,
    source: Option<NamedText<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &'a SourceMap) -> Report<'a> {
        let mut files: Vec<FileId> = Vec::new();
        for label in &diagnostic.labels {
            if !files.contains(&label.span.file) {
                files.push(label.span.file);
            }
        }
        let mut reports = files.into_iter().map(|file| {
            let source = sources.get(file);
            let labels = diagnostic
                .labels
                .iter()
                .filter(|l| l.span.file == file)
                .map(|l| labeled(l, diagnostic.labels.first() == Some(l)))
                .collect();
            (
                NamedText {
                    name: &source.path,
                    text: &source.text,
                },
                labels,
            )
        });
        let (source, labels) = match reports.next() {
            Some((s, l)) => (Some(s), l),
            None => (None, Vec::new()),
        };
        let related = reports
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

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let text = (!label.message.is_empty()).then(|| label.message.clone());
    let span = SourceSpan::from(label.span.range());
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
                    let (line, column) = sources.line_col(l.span.file, l.span.start);
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
