//! Lint rules: warnings about definitions that are valid but probably not
//! what their author meant, or needlessly expensive.
//!
//! Each rule is one file in `rules/` with a stable code and a doc comment in
//! fixed sections (What it does / Why is this bad / Example / Use instead).
//! `segc rule CODE` prints that text and `docs/rules/` is generated from it
//! (`tests/lint.rs` fails when they drift). A warning is silenced by
//! `# segc: allow(CODE)` on the line above it or above its segment
//! ([`suppress`]).

mod rules;
mod suppress;

pub use rules::RULES;
pub use suppress::suppress;

use std::collections::BTreeSet;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Pred, Program};
use crate::opt::Report;
use crate::syntax::ast;

/// What a rule reads: the checked program (before optimization, references
/// not inlined, so findings stay within a segment's own text) and the
/// optimizer's findings on it. When the project has errors, the program
/// holds only the definitions that checked.
pub struct Context<'a> {
    pub program: &'a Program,
    /// One per segment, in program order.
    pub reports: Vec<Report>,
    /// Every segment some definition of the project refers to, those with
    /// errors included.
    pub used: &'a BTreeSet<String>,
}

pub struct Rule {
    pub code: Code,
    /// A kebab-case name, for people.
    pub name: &'static str,
    /// The doc comment of the rule's file, as written.
    doc: &'static str,
    /// `None` when the checker reports it while resolving names.
    check: Option<fn(&Context, &mut Vec<Diagnostic>)>,
}

impl Rule {
    /// The rule's documentation in Markdown: its sections, without the
    /// doc comment's leading space.
    pub fn doc(&self) -> String {
        let lines: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        lines.join("\n").trim().to_string() + "\n"
    }

    /// The page of `docs/rules/CODE.md`.
    pub fn page(&self) -> String {
        format!(
            "# {} `{}`\n\n{}.\n\n{}",
            self.code.as_str(),
            self.name,
            capitalized(self.code.summary()),
            self.doc()
        )
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// The rule with this code (`W0006`) or name (`unbounded-history`).
pub fn rule(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code.as_str().eq_ignore_ascii_case(key) || r.name == key)
}

/// Runs every rule over a checked program; `used` names every segment
/// referred to in the project.
pub fn lint(program: &Program, used: &BTreeSet<String>) -> Vec<Diagnostic> {
    let (_, reports) = crate::opt::optimize(program, false);
    let cx = Context {
        program,
        reports,
        used,
    };
    let mut out = Vec::new();
    for check in RULES.iter().filter_map(|r| r.check) {
        check(&cx, &mut out);
    }
    out
}

/// The rules the checker runs on a definition's syntax tree, as it reads
/// it: how the text is written, not what it means (`text` is its file's).
pub fn check_syntax(def: &ast::Definition, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::mixed_and_or::check(def, text, &mut out);
    out
}

/// Calls `f` on every leaf of every segment, with the segment.
pub fn for_each_leaf<'p>(program: &'p Program, f: &mut dyn FnMut(&'p Pred)) {
    for segment in &program.segments {
        for pred in segment.body.preds() {
            crate::ir::fold::for_each_leaf(pred, f);
        }
    }
}
