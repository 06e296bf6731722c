//! Mutation fuzzing of definitions (issue 11: a `.seg` file or `segc.toml`
//! is untrusted input). Damaged corpus files and schemas go through the
//! whole front end — lexer, parser, checker, lint, optimizer — then the
//! formatter, every diagnostic format, the SQL of every dialect and the
//! bytecode compiler. Each input must end, within a bound, in output or
//! diagnostics: a panic or a hang fails the test and saves the input under
//! `target/fuzz-failures/` (the harness is `tests/common/fuzz.rs`).

mod common;

use std::path::Path;
use std::time::Duration;

use common::fuzz::{cases, watch};
use common::mutate::mutations;
use segc::backend::sql::{dialect, Output, SqlOptions};
use segc::diagnostics::{render_all, to_github, to_json, to_sarif, RenderOptions};

/// One input's whole pipeline, even in a debug build.
const BOUND: Duration = Duration::from_secs(20);

fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(common::ROOT).join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// Checks a project of one definition file, then drives every stage that
/// reads its result. Returns whether the definitions checked clean.
fn pipeline(schema: &str, source: &str) -> bool {
    let project = segc::Project::from_sources(Some(schema), &[("fuzz.seg", source)]);
    let checked = segc::check(&project);
    render_all(
        &checked.diagnostics,
        &project.sources,
        RenderOptions::plain(),
    );
    to_json(&checked.diagnostics, &project.sources);
    to_sarif(&checked.diagnostics, &project.sources);
    to_github(&checked.diagnostics, &project.sources);
    let _ = segc::fmt::format_source(source);
    let (Some(program), Some(schema)) = (checked.program, checked.schema) else {
        return false;
    };
    let program = segc::backend_program(&program);
    for name in dialect::names() {
        let options = SqlOptions {
            dialect: dialect::by_name(name).unwrap(),
            as_of: None,
            // Comments quote the mutated Seg text: they must stay inert.
            sources: Some(&project.sources),
        };
        for segment in &program.segments {
            // Both dialects express every construct: no `Unsupported` here.
            let sql = segc::to_sql(&program, &schema, Output::Members(segment), &options).unwrap();
            segc::backend::sql::check_cli_safe(&sql).unwrap();
            segc::backend::vm::compile(&program, &schema, segment);
        }
    }
    true
}

/// Damaged definitions, against the corpus schema.
#[test]
fn mutated_definitions_never_panic_or_hang() {
    let files = corpus();
    let schema = String::from_utf8(
        files
            .iter()
            .find(|(p, _)| p.ends_with("segc.toml"))
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    let seeds: Vec<Vec<u8>> = files
        .into_iter()
        .filter(|(p, _)| p.ends_with(".seg"))
        .map(|(_, bytes)| bytes)
        .collect();
    let inputs = mutations(&seeds, cases(2000), 0x5E6_0001);
    let clean = watch("definition", "seg", inputs, BOUND, move |bytes| {
        pipeline(&schema, &String::from_utf8_lossy(bytes))
    });
    // Damage that leaves a file valid reaches the backends too.
    let passed = clean.iter().filter(|c| **c).count();
    eprintln!(
        "definitions: {} inputs, {passed} checked clean",
        clean.len()
    );
    assert!(
        passed >= 20,
        "too few damaged definitions checked clean: {passed}"
    );
}

/// Damaged schemas, under a definition that uses every kind of column.
#[test]
fn mutated_schemas_never_panic_or_hang() {
    let schemas: Vec<Vec<u8>> = ["tests/corpus/segc.toml", "examples/shop/segc.toml"]
        .iter()
        .map(|p| std::fs::read(Path::new(common::ROOT).join(p)).unwrap())
        .collect();
    let source = "segment s = did \"purchase\" where amount > 5 within 7d \
                  and user.country = \"ZA\" and user.signed_up_at within 30d";
    let inputs = mutations(&schemas, cases(1000), 0x5E6_0002);
    let clean = watch("schema", "toml", inputs, BOUND, move |bytes| {
        pipeline(&String::from_utf8_lossy(bytes), source)
    });
    let passed = clean.iter().filter(|c| **c).count();
    eprintln!("schemas: {} inputs, {passed} checked clean", clean.len());
    assert!(
        passed >= 10,
        "too few damaged schemas checked clean: {passed}"
    );
}
