//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage reports [`Diagnostic`]s instead of failing on the first
//! problem, so one run shows all of them. They render through miette for
//! people ([`render`]), and for machines as JSON ([`to_json`]), GitHub
//! workflow annotations ([`to_github`]) and SARIF ([`to_sarif`]). Where the
//! fix is clear, a diagnostic carries it as edits ([`Fix`]).

mod codes;
mod fix;
mod github;
mod lines;
mod render;
mod sarif;

pub use codes::Code;
pub use fix::{Applicability, Edit, Fix};
pub use github::{error_annotation, to_github};
pub use render::{render, render_all, to_json, RenderOptions};
pub use sarif::to_sarif;

use serde::Serialize;

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A span and what to say about it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in the input. The first label is the primary one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Boxed: most diagnostics have none, and `Diagnostic` travels in
    /// `Result`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Box<Fix>>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The edits that fix it; the help should say the same in words.
    pub fn fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(Box::new(fix));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message, then the help on its own line: for formats with one
    /// text field (GitHub annotations, SARIF).
    pub fn message_with_help(&self) -> String {
        match &self.help {
            Some(help) => format!("{}\nhelp: {help}", self.message),
            None => self.message.clone(),
        }
    }

    /// The primary span, if any.
    pub fn span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// Sorts by file and position, so output does not depend on discovery order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        let span = d.span().unwrap_or_default();
        (span.file, span.start, span.end, d.code)
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The candidate nearest to `name`, if it is near enough to be a likely
/// slip: at most a third of its letters wrong (two for names of four
/// letters or more, one below), or the same first four letters or more
/// with the ending changed (`lapsed` for `lapsing`, `birthday` for
/// `birth_date`). Case is ignored; of equally near ones, the most alike
/// (Jaro-Winkler) wins: `within` for `withn`, not `with`.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let length = name.chars().count();
    let limit = if length < 4 { 1 } else { (length / 3).max(2) };
    let near = candidates.into_iter().filter_map(|c| {
        let lower = c.to_lowercase();
        let distance = strsim::levenshtein(&name, &lower);
        let prefix = name
            .chars()
            .zip(lower.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let longer = length.max(lower.chars().count());
        let near = distance <= limit || (prefix >= 4 && distance <= longer / 2);
        near.then(|| (distance, strsim::jaro_winkler(&name, &lower), c))
    });
    near.min_by(|a, b| {
        (a.0, b.1, a.2)
            .partial_cmp(&(b.0, a.1, b.2))
            .unwrap_or(std::cmp::Ordering::Equal)
    })
    .map(|(_, _, c)| c)
}
