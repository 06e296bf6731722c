//! Semantic analysis: names resolved across the project, types checked
//! against `segc.toml`, and the AST lowered to the typed IR.

mod hint;
mod lower;
mod pattern;
mod project;
mod resolve;
pub mod schema;

pub use crate::diagnostics::suggest;
pub use lower::MAX_CALENDAR_PERIODS;
pub use pattern::check_pattern;
pub use project::{find_files, find_root, folder_of, Project, SCHEMA_FILE};
pub use schema::{parse_schema, EventsTable, Schema, UsersTable};

use std::collections::BTreeSet;

use crate::diagnostics::{self, Code, Diagnostic};
use crate::ir::{self, Program};
use crate::span::{Span, Spanned};
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

/// What the project's definitions with syntax errors may define and use,
/// so that no other definition gets a bogus error about them.
#[derive(Default)]
pub(crate) struct Unparsed {
    /// The names they may define.
    pub names: BTreeSet<String>,
    /// One of them has no readable name: it could define any segment.
    pub unnamed: bool,
    /// The segments they refer to.
    pub references: BTreeSet<String>,
}

/// Checks a whole project: parse every file, resolve, type-check, lower,
/// lint. A definition with an error does not stop the others: every
/// error of every file is reported, and the lint rules run on every
/// definition without one of its own.
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
    let (defs, unparsed) = read_files(project, &mut diags);
    for def in &defs {
        let span = match &def.def {
            ast::Definition::Segment(s) => s.span,
            ast::Definition::Partition(p) => p.span,
        };
        let text = &project.sources.get(span.file).text;
        diags.extend(crate::lint::check_syntax(&def.def, text));
    }
    let table = resolve::SymbolTable::build(&defs, unparsed.names, unparsed.unnamed, &mut diags);
    let mut faulty = table.misnamed.clone();
    let mut lowered = Vec::new();
    let mut references = Vec::new();
    for (index, def) in defs.iter().enumerate() {
        let errors_before = error_count(&diags);
        let mut lowerer = lower::Lowerer::new(schema.as_ref(), &table, &mut diags);
        lowered.push(lowerer.definition(&def.def));
        let to = lowerer.into_references();
        references.extend(to.into_iter().map(|(to, span)| (index, to, span)));
        faulty[index] |= error_count(&diags) > errors_before;
    }
    for member in resolve::report_cycles(&table, &references, &mut diags) {
        faulty[member] = true;
    }

    // Every segment referred to, from any definition: one whose user has
    // an error is still used.
    let mut used = unparsed.references;
    for pred in lowered.iter().flat_map(|s| s.body.preds()) {
        ir::fold::for_each_leaf(pred, &mut |leaf| {
            if let ir::Pred::Ref(r) = leaf {
                used.insert(r.segment.clone());
            }
        });
    }
    let segment_spans: Vec<Span> = lowered.iter().map(|s| s.span).collect();
    let settings = schema
        .as_ref()
        .map(|s| s.settings.clone())
        .unwrap_or_default();
    let program = if diagnostics::has_errors(&diags) {
        // The lint rules read a segment without what it refers to, so
        // one that refers to a faulty or unparsed definition is linted too.
        let checked = lowered.into_iter().zip(faulty).filter(|(_, f)| !f);
        let partial = Program {
            segments: checked.map(|(s, _)| s).collect(),
            settings: settings.clone(),
        };
        diags.extend(crate::lint::lint(&partial, &used));
        None
    } else {
        let program = Program {
            segments: lowered,
            settings,
        };
        diags.extend(crate::lint::lint(&program, &used));
        Some(program)
    };
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

fn error_count(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// Parses every `.seg` file: the definitions that parsed, and what can be
/// read of those that did not.
fn read_files(project: &Project, diags: &mut Vec<Diagnostic>) -> (Vec<Def>, Unparsed) {
    let mut defs = Vec::new();
    let mut unparsed = Unparsed::default();
    let definition = |def| Def {
        def,
        from_file_name: false,
    };
    for (file, stem) in &project.seg_files {
        let text = &project.sources.get(*file).text;
        let parsed = syntax::parse(*file, text);
        diags.extend(parsed.diagnostics);
        match parsed.file {
            None => {
                defs.extend(parsed.recovered.into_iter().map(definition));
                for broken in parsed.broken {
                    if broken.bare {
                        unparsed.names.insert(stem.clone());
                    }
                    unparsed.unnamed |= !broken.bare && broken.names.is_empty();
                    unparsed.names.extend(broken.names);
                    unparsed.references.extend(broken.references);
                }
            }
            Some(ast::File::Empty) => diags.push(
                Diagnostic::new(Code::EmptyFile, "this file defines no segment")
                    .label(Span::new(*file, 0, 0), "empty")
                    .help("write an expression, or `segment NAME = …` definitions"),
            ),
            Some(ast::File::Definitions(list)) => defs.extend(list.into_iter().map(definition)),
            Some(ast::File::Expr { doc, expr }) => defs.push(Def {
                def: ast::Definition::Segment(ast::SegmentDef {
                    name: Spanned::new(stem.clone(), Span::new(*file, 0, 0)),
                    doc,
                    span: expr.span,
                    expr,
                    holdout: None,
                }),
                from_file_name: true,
            }),
        }
    }
    (defs, unparsed)
}
