//! `segc test`: runs the `*.segtest.toml` files of a project (docs/testing.md)
//! on the interpreter or on DuckDB and reports each expectation, with the
//! fixture of every user a failure is about.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;

use segc::diagnostics::{self, Diagnostic};
use segc::ir;
use segc::sema::schema::Schema;
use segc::testing::{self, Expectation, Member, Mismatch, Rows, TestFile};
use segc::time::Timestamp;

use super::run::Engine;
use super::{duckdb, exit, load, output_format, report, Fatal, Format};

#[derive(clap::Args)]
pub struct TestArgs {
    /// A project folder (every *.segtest.toml below it), or one test file.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Where segments are evaluated.
    #[arg(long, value_enum, default_value_t = Engine::Vm)]
    engine: Engine,
    /// How to print results and diagnostics (default: the global --output-format).
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// One expectation's result.
struct Outcome<'t> {
    file: &'t str,
    test: &'t TestFile,
    expectation: &'t Expectation,
    mismatches: Vec<Mismatch>,
}

pub fn run(args: &TestArgs) -> Result<ExitCode, Fatal> {
    let format = args.format.unwrap_or_else(output_format);
    let folder = segc::sema::folder_of(&args.path);
    let root = segc::sema::find_root(folder).ok_or_else(|| {
        Fatal(format!(
            "segc test needs a segc.toml (the columns and types of the fixtures) in {} or a folder above it",
            folder.display()
        ))
    })?;
    let files = if testing::is_test_file(&args.path) {
        vec![args.path.clone()]
    } else {
        testing::discover(&args.path)?
    };
    let mut project = load(&root)?;
    let mut checked = segc::check(&project);
    // Warnings are `segc check`'s business; errors stop the tests.
    checked.diagnostics.retain(Diagnostic::is_error);
    if !checked.diagnostics.is_empty() {
        report(&checked.diagnostics, &project.sources, format);
        return Ok(exit(true));
    }
    let (Some(program), Some(schema)) = (checked.program, checked.schema) else {
        return Ok(exit(true));
    };
    let mut diags = Vec::new();
    let mut tests = Vec::new();
    for path in &files {
        let text =
            std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        let name = path.display().to_string();
        let name = name.strip_prefix("./").unwrap_or(&name).to_string();
        let id = project.sources.add(name.clone(), text.clone());
        let dir = path.parent().unwrap_or(Path::new("."));
        match testing::load(id, &text, dir, &program, &schema) {
            Ok(test) => tests.push((name, test)),
            Err(mut d) => diags.append(&mut d),
        }
    }
    diagnostics::sort(&mut diags);
    let broken = !diags.is_empty() && report(&diags, &project.sources, format);
    if files.is_empty() {
        eprintln!(
            "warning: no *{} files under {}",
            testing::SUFFIX,
            root.display()
        );
    }
    let compiled = segc::backend_program(&program);
    let engine = Evaluator::new(args.engine, &compiled, &schema)?;
    let mut outcomes = Vec::new();
    for (i, (file, test)) in tests.iter().enumerate() {
        let inputs = engine.inputs(i, test)?;
        for expectation in &test.expectations {
            let members = engine.members(expectation, test, &inputs)?;
            outcomes.push(Outcome {
                file,
                test,
                expectation,
                mismatches: expectation.compare(&members),
            });
        }
    }
    let failed = outcomes.iter().filter(|o| !o.mismatches.is_empty()).count();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json_results(&outcomes)).expect("JSON of results")
        ),
        Format::Human => print!("{}", human_results(&outcomes)),
        // stdout holds the machine-readable diagnostics: with GitHub's,
        // each failed expectation is an annotation on its `[[expect]]`.
        Format::Github => {
            eprint!("{}", human_results(&outcomes));
            print!("{}", github_failures(&outcomes, &project.sources));
        }
        _ => eprint!("{}", human_results(&outcomes)),
    }
    Ok(exit(broken || failed > 0))
}

/// Evaluates segments on the chosen engine.
struct Evaluator<'p> {
    engine: Engine,
    program: &'p ir::Program,
    schema: &'p Schema,
    /// With DuckDB: where inline fixtures are written as JSONL, removed
    /// when done. `None` on the interpreter.
    scratch: Option<Scratch>,
}

/// The fixture files DuckDB reads for one test file.
struct Inputs {
    events: PathBuf,
    users: Option<PathBuf>,
}

impl<'p> Evaluator<'p> {
    fn new(engine: Engine, program: &'p ir::Program, schema: &'p Schema) -> Result<Self, Fatal> {
        let scratch = match engine {
            Engine::Vm => None,
            Engine::Duckdb | Engine::Clickhouse => Some(Scratch::new()?),
        };
        Ok(Evaluator {
            engine,
            program,
            schema,
            scratch,
        })
    }

    /// For DuckDB, the fixture as files: inline rows are written as JSONL;
    /// `None` on the interpreter.
    fn inputs(&self, index: usize, test: &TestFile) -> Result<Option<Inputs>, Fatal> {
        let Some(scratch) = &self.scratch else {
            return Ok(None);
        };
        let file = |rows: &Rows, what: &str| -> Result<PathBuf, Fatal> {
            match (rows, rows.jsonl()) {
                (Rows::File(path), _) => Ok(path.clone()),
                (_, text) => {
                    let path = scratch.0.join(format!("{index}-{what}.jsonl"));
                    std::fs::write(&path, text.unwrap_or_default())
                        .map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
                    Ok(path)
                }
            }
        };
        Ok(Some(Inputs {
            events: file(&test.events, "events")?,
            users: test.users.as_ref().map(|u| file(u, "users")).transpose()?,
        }))
    }

    fn members(
        &self,
        expectation: &Expectation,
        test: &TestFile,
        inputs: &Option<Inputs>,
    ) -> Result<Vec<Member>, Fatal> {
        let segment = self
            .program
            .segment(&expectation.segment)
            .expect("checked when the test file was read");
        match inputs {
            Some(inputs) => {
                let files = duckdb::Inputs {
                    events: &inputs.events,
                    users: inputs.users.as_deref(),
                    now: expectation.as_of,
                };
                let rows = self
                    .engine
                    .members(&files, self.schema, self.program, segment)?;
                Ok(testing::members_of_rows(&rows))
            }
            None => testing::evaluate(
                self.program,
                self.schema,
                segment,
                &test.data,
                expectation.as_of,
            )
            .map_err(|e| Fatal(e.to_string())),
        }
    }
}

/// A temporary folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, Fatal> {
        let dir = std::env::temp_dir().join(format!("segc-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Fatal(format!("{}: {e}", dir.display())))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A GitHub annotation for each failed expectation, at its `[[expect]]`.
fn github_failures(outcomes: &[Outcome], sources: &segc::span::SourceMap) -> String {
    let mut out = String::new();
    for o in outcomes.iter().filter(|o| !o.mismatches.is_empty()) {
        let span = o.expectation.span;
        let (line, _) = sources.line_col(span.file, span.start);
        let mut message = format!("as of {}", Timestamp(o.expectation.as_of));
        for m in &o.mismatches {
            message.push_str(&format!(
                "\n{}: expected {}; actual {}",
                m.part,
                list(&m.expected),
                list(&m.actual)
            ));
        }
        out.push_str(&diagnostics::error_annotation(
            &sources.get(span.file).path,
            line,
            &format!("segc test: {} failed", o.expectation.target()),
            &message,
        ));
    }
    out
}

fn title(o: &Outcome) -> String {
    let name = o
        .expectation
        .name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!("{} {}{name}", o.file, o.expectation.target())
}

fn list(users: &[String]) -> String {
    if users.is_empty() {
        "(none)".into()
    } else {
        users.join(", ")
    }
}

/// The users a failure is about: missing or unexpected somewhere.
fn differing(mismatches: &[Mismatch]) -> BTreeSet<&String> {
    mismatches
        .iter()
        .flat_map(|m| m.missing.iter().chain(&m.unexpected))
        .collect()
}

/// `ok`/`FAIL` per expectation, the details of failures, then the counts.
fn human_results(outcomes: &[Outcome]) -> String {
    let mut out = Vec::new();
    for o in outcomes {
        if o.mismatches.is_empty() {
            let _ = writeln!(out, "ok   {}", title(o));
            continue;
        }
        let _ = writeln!(out, "FAIL {}", title(o));
        let _ = writeln!(out, "  as of {}", Timestamp(o.expectation.as_of));
        for m in &o.mismatches {
            let _ = writeln!(out, "  {}: expected {}", m.part, list(&m.expected));
            let _ = writeln!(
                out,
                "  {:w$}  actual   {}",
                "",
                list(&m.actual),
                w = m.part.len()
            );
            if !m.missing.is_empty() {
                let _ = writeln!(out, "    missing:    {}", m.missing.join(", "));
            }
            if !m.unexpected.is_empty() {
                let _ = writeln!(out, "    unexpected: {}", m.unexpected.join(", "));
            }
        }
        for user in differing(&o.mismatches) {
            let Some(facts) = testing::user_facts(&o.test.data, user) else {
                let _ = writeln!(out, "  user {user}: not in the fixture");
                continue;
            };
            let attributes = if facts.attributes.is_empty() {
                "no attributes".to_string()
            } else {
                facts.attributes.join(" ")
            };
            let _ = writeln!(out, "  user {user}: {attributes}");
            if facts.events.is_empty() {
                let _ = writeln!(out, "    (no events)");
            }
            for event in &facts.events {
                let _ = writeln!(out, "    {event}");
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.mismatches.is_empty()).count();
    let _ = writeln!(out, "\n{} passed, {failed} failed", outcomes.len() - failed);
    String::from_utf8(out).expect("UTF-8 text")
}

fn json_results(outcomes: &[Outcome]) -> serde_json::Value {
    let results: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let mismatches: Vec<serde_json::Value> = o
                .mismatches
                .iter()
                .map(|m| {
                    json!({
                        "part": m.part,
                        "expected": m.expected,
                        "actual": m.actual,
                        "missing": m.missing,
                        "unexpected": m.unexpected,
                    })
                })
                .collect();
            let users: serde_json::Map<String, serde_json::Value> = differing(&o.mismatches)
                .into_iter()
                .map(|user| {
                    let facts = testing::user_facts(&o.test.data, user)
                        .map(|f| json!({ "attributes": f.attributes, "events": f.events }));
                    (user.clone(), facts.unwrap_or(serde_json::Value::Null))
                })
                .collect();
            json!({
                "file": o.file,
                "segment": o.expectation.target(),
                "name": o.expectation.name,
                "as_of": Timestamp(o.expectation.as_of).to_string(),
                "passed": o.mismatches.is_empty(),
                "mismatches": mismatches,
                "users": users,
            })
        })
        .collect();
    let failed = outcomes.iter().filter(|o| !o.mismatches.is_empty()).count();
    json!({
        "results": results,
        "passed": outcomes.len() - failed,
        "failed": failed,
    })
}
