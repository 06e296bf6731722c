//! Semantic analysis: names resolved across the project, types checked
//! against `segc.toml`, and the AST lowered to the typed IR.

mod lower;
mod pattern;
mod project;
mod resolve;
pub mod schema;

pub use pattern::check_pattern;
pub use project::{find_files, find_root, folder_of, Project, SCHEMA_FILE};
pub use schema::{parse_schema, EventsTable, Schema, UsersTable};

use crate::diagnostics::{self, Code, Diagnostic};
use crate::ir::Program;
use crate::syntax::{self, ast};

/// The outcome of checking a project.
pub struct Checked {
    /// The IR, when the project has no errors.
    pub program: Option<Program>,
    pub schema: Option<Schema>,
    /// Sorted; only those of the focus file when the project has one.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors in files other than the focus file (not in `diagnostics`).
    pub hidden_errors: usize,
}

impl Checked {
    /// The diagnostics that concern a command acting on the segments named
    /// in `selected` (`P.arm` included): every error (nothing runs while one
    /// stands), diagnostics with no place, and warnings and notes inside
    /// those segments' definitions or the definitions they use. A project's
    /// other segments are `segc check`'s business, not `segc run`'s.
    pub fn diagnostics_for(&self, selected: &[&str]) -> Vec<Diagnostic> {
        let Some(program) = &self.program else {
            return self.diagnostics.clone();
        };
        let roots: Vec<crate::ir::Segment> =
            selected.iter().filter_map(|n| program.select(n)).collect();
        let root_refs: Vec<&crate::ir::Segment> = roots.iter().collect();
        let mut spans: Vec<crate::span::Span> = program
            .dependencies(&root_refs)
            .iter()
            .filter_map(|n| program.segment(n))
            .map(|s| s.span)
            .collect();
        spans.extend(roots.iter().map(|s| s.span));
        let inside = |d: &Diagnostic| {
            d.span().is_none_or(|at| {
                spans
                    .iter()
                    .any(|s| s.file == at.file && s.start <= at.start && at.end <= s.end)
            })
        };
        self.diagnostics
            .iter()
            .filter(|d| d.is_error() || inside(d))
            .cloned()
            .collect()
    }
}

/// A definition as sema sees it: a bare-expression file becomes a segment
/// named after the file.
pub(crate) struct Def {
    pub def: ast::Definition,
    pub from_file_name: bool,
}

/// Checks a whole project: parse every file, resolve, type-check, lower.
pub fn check(project: &Project) -> Checked {
    let mut diags = Vec::new();
    let schema = match project.schema_file {
        Some(file) => match schema::parse_schema(file, &project.sources.get(file).text) {
            Ok(schema) => Some(schema),
            Err(errors) => {
                diags.extend(errors);
                None
            }
        },
        None => {
            diags.push(
                Diagnostic::new(Code::TypesUnchecked, "no segc.toml found: property and attribute types are unchecked")
                    .help("add a segc.toml beside your .seg files to check names and types against your data"),
            );
            None
        }
    };
    let mut defs = Vec::new();
    let mut unparsed_files = false;
    for (file, stem) in &project.seg_files {
        let text = &project.sources.get(*file).text;
        let parsed = syntax::parse(*file, text);
        diags.extend(parsed.diagnostics);
        match parsed.file {
            None => unparsed_files = true,
            Some(ast::File::Empty) => diags.push(
                Diagnostic::new(Code::EmptyFile, "this file defines no segment")
                    .label(crate::span::Span::new(*file, 0, 0), "empty")
                    .help("write an expression, or `segment NAME = …` definitions"),
            ),
            Some(ast::File::Definitions(list)) => defs.extend(list.into_iter().map(|def| Def {
                def,
                from_file_name: false,
            })),
            Some(ast::File::Expr { doc, expr }) => defs.push(Def {
                def: ast::Definition::Segment(ast::SegmentDef {
                    name: crate::span::Spanned::new(
                        stem.clone(),
                        crate::span::Span::new(*file, 0, 0),
                    ),
                    doc,
                    span: expr.span,
                    expr,
                    holdout: None,
                }),
                from_file_name: true,
            }),
        }
    }
    let table = resolve::SymbolTable::build(&defs, &mut diags);
    let mut lowered = Vec::new();
    let mut references = Vec::new();
    for (index, def) in defs.iter().enumerate() {
        let mut lowerer = lower::Lowerer::new(schema.as_ref(), &table, unparsed_files, &mut diags);
        lowered.push(lowerer.definition(&def.def));
        references.extend(
            lowerer
                .into_references()
                .into_iter()
                .map(|(to, span)| (index, to, span)),
        );
    }
    resolve::report_cycles(&table, &references, &mut diags);

    let program = (!diagnostics::has_errors(&diags)).then_some(Program { segments: lowered });
    let mut segment_spans = Vec::new();
    if let Some(program) = &program {
        diags.extend(crate::lint::lint(program));
        segment_spans.extend(program.segments.iter().map(|s| s.span));
    }
    crate::lint::suppress(&mut diags, &project.sources, &segment_spans);
    let mut hidden_errors = 0;
    if let Some(focus) = project.focus {
        diags.retain(|d| {
            let keep = d.span().is_none_or(|s| s.file == focus);
            hidden_errors += usize::from(!keep && d.is_error());
            keep
        });
    }
    diagnostics::sort(&mut diags);
    Checked {
        program,
        schema,
        diagnostics: diags,
        hidden_errors,
    }
}

/// The candidate nearest to `name`, if it is near enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::levenshtein(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}
