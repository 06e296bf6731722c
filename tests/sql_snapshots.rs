//! The SQL of the whole corpus, per dialect: DuckDB's text is snapshotted in
//! full, every other dialect's as a diff against it (so a snapshot shows
//! exactly what the dialect changes). Every emitted query must re-parse with sqlparser's
//! matching dialect (and with sqlglot: `tests/sql_sqlglot.rs`).

mod engines;

use std::path::Path;

use engines::Engine;

use segc::backend::sql::{dialect, Dialect, Output, SqlOptions};
use segc::ir::Program;
use segc::sema::schema::Schema;
use segc::time::parse_timestamp;
use segc::{check, Project};
use similar::TextDiff;

fn load(dir: &str) -> (Project, Program, Schema) {
    let project = Project::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap();
    let checked = check(&project);
    assert!(!segc::diagnostics::has_errors(&checked.diagnostics));
    (project, checked.program.unwrap(), checked.schema.unwrap())
}

/// Every segment of a file, as of a fixed instant, in one text.
fn file_sql(
    project: &Project,
    program: &Program,
    schema: &Schema,
    file: segc::span::FileId,
    d: &dyn Dialect,
) -> String {
    let options = SqlOptions {
        dialect: d,
        as_of: Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap()),
        sources: Some(&project.sources),
    };
    program
        .segments
        .iter()
        .filter(|s| s.span.file == file)
        .map(|s| segc::to_sql(program, schema, Output::Members(s), &options).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// DuckDB's SQL to `dialect`'s, as a unified diff.
fn diff(duckdb: &str, sql: &str, dialect: &str) -> String {
    TextDiff::from_lines(duckdb, sql)
        .unified_diff()
        .context_radius(1)
        .header("duckdb", dialect)
        .to_string()
}

/// DuckDB's SQL in full; every other registered dialect's as a diff against it.
#[test]
fn corpus_sql_per_dialect() {
    let (project, program, schema) = load("tests/corpus");
    for (file, stem) in &project.seg_files {
        let duckdb = file_sql(&project, &program, &schema, *file, &dialect::DuckDb);
        insta::assert_snapshot!(format!("{stem}.duckdb"), &duckdb);
        for d in dialect::DIALECTS.iter().filter(|d| d.name() != "duckdb") {
            let sql = file_sql(&project, &program, &schema, *file, *d);
            let name = d.name();
            insta::assert_snapshot!(format!("{stem}.{name}_diff"), diff(&duckdb, &sql, name));
        }
    }
}

#[test]
fn combined_query_of_the_example() {
    let (project, program, schema) = load("examples/shop");
    let options = SqlOptions {
        dialect: &dialect::DuckDb,
        as_of: Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap()),
        sources: Some(&project.sources),
    };
    let all = program.segments.iter().collect();
    insta::assert_snapshot!(
        segc::to_sql(&program, &schema, Output::Combined(all), &options).unwrap()
    );
}

/// The example's combined query, with one definition edited.
fn example_sql_with(from: &str, to: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    let schema = read("segc.toml");
    let files: Vec<(String, String)> = [
        "campaigns",
        "cart_abandoners",
        "lifecycle",
        "retention",
        "revenue",
    ]
    .iter()
    .map(|stem| {
        (
            format!("{stem}.seg"),
            read(&format!("{stem}.seg")).replace(from, to),
        )
    })
    .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let project = Project::from_sources(Some(&schema), &files);
    let checked = check(&project);
    let program = segc::backend_program(&checked.program.unwrap());
    let options = SqlOptions {
        dialect: &dialect::DuckDb,
        as_of: None,
        sources: Some(&project.sources),
    };
    let all = program.segments.iter().collect();
    segc::to_sql(
        &program,
        &checked.schema.unwrap(),
        Output::Combined(all),
        &options,
    )
    .unwrap()
}

/// The lines a change of one number in one definition changes in the SQL
/// of every segment of the example at once: the reviewed diff stays small.
#[test]
fn one_number_changes_a_handful_of_lines() {
    let changed = |from: &str, to: &str| {
        let before = example_sql_with(from, from);
        let after = example_sql_with(from, to);
        assert_ne!(before, after, "{from} is not in the example");
        let diff = TextDiff::from_lines(&before, &after);
        let lines: Vec<String> = diff
            .iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .map(|c| format!("{}{}", c.tag(), c.value()))
            .collect();
        // Short lines too: a changed line is what a reviewer reads.
        for line in &lines {
            let width = line.trim_end().chars().count();
            assert!(
                width <= 110,
                "a changed line of {width} characters:\n{line}"
            );
        }
        (lines.len(), lines.concat())
    };
    // A threshold: the comment quoting the definition and the test.
    let (n, lines) = changed(">= 1000", ">= 1500");
    assert_eq!(n, 4, "{lines}");
    // A window: its bound, its comment, and the column named for it.
    let (n, lines) = changed("within 7d", "within 14d");
    assert!(n <= 12, "{n} changed lines:\n{lines}");
}

/// The SQL of one query is stable: the same text every time.
#[test]
fn output_is_deterministic() {
    let (project, program, schema) = load("tests/corpus");
    let options = SqlOptions {
        dialect: &dialect::Postgres,
        as_of: None,
        sources: Some(&project.sources),
    };
    for s in &program.segments {
        let a = segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap();
        let b = segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap();
        assert_eq!(a, b);
    }
}

/// Every query of the corpus and the example in `engine`'s dialect: per
/// segment and combined, with and without `--as-of`.
fn every_query(engine: Engine) -> Vec<String> {
    let mut queries = Vec::new();
    for dir in ["tests/corpus", "examples/shop"] {
        let (project, program, schema) = load(dir);
        for as_of in [None, Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap())] {
            let options = SqlOptions {
                dialect: engine.dialect(),
                as_of,
                sources: Some(&project.sources),
            };
            queries.extend(
                program.segments.iter().map(|s| {
                    segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap()
                }),
            );
            let all = program.segments.iter().collect();
            queries.push(segc::to_sql(&program, &schema, Output::Combined(all), &options).unwrap());
        }
    }
    queries
}

#[test]
fn every_query_reparses_with_sqlparser() {
    let mut checked = 0;
    for engine in Engine::ALL {
        for sql in every_query(engine) {
            engine.reparse(&sql);
            checked += 1;
        }
    }
    assert!(checked > 450, "only {checked} queries");
}

/// `docs/sql.md` holds the capabilities table of the dialect registry as it is.
#[test]
fn docs_table_is_the_registry() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sql.md")).unwrap();
    for table in [dialect::capabilities_table(), dialect::profile_table()] {
        assert!(
            docs.contains(&table),
            "docs/sql.md must hold the dialect table:\n{table}"
        );
    }
}

/// Every registered dialect runs on an engine in the tests, and only those.
#[test]
fn every_registered_dialect_is_tested_on_its_engine() {
    let tested: Vec<&str> = Engine::ALL.iter().map(|e| e.dialect().name()).collect();
    assert_eq!(tested, dialect::names().collect::<Vec<_>>());
}
