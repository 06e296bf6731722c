//! The SQL of the whole corpus, per dialect: DuckDB's text is snapshotted in
//! full, every other dialect's as a diff against it (so a snapshot shows
//! exactly what the dialect changes). Every emitted query must re-parse with sqlparser's
//! matching dialect.

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
    program: &Program,
    schema: &Schema,
    file: segc::span::FileId,
    d: &dyn Dialect,
) -> String {
    let options = SqlOptions {
        dialect: d,
        as_of: Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap()),
    };
    program
        .segments
        .iter()
        .filter(|s| s.span.file == file)
        .map(|s| {
            let sql = segc::to_sql(program, schema, Output::Members(s), &options).unwrap();
            format!("-- segment: {}\n{sql}", s.name)
        })
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

#[test]
fn corpus_sql_per_dialect() {
    let (project, program, schema) = load("tests/corpus");
    for (file, stem) in &project.seg_files {
        let duckdb = file_sql(&program, &schema, *file, &dialect::DuckDb);
        insta::assert_snapshot!(format!("{stem}.duckdb"), duckdb);
        for d in dialect::DIALECTS.iter().filter(|d| d.name() != "duckdb") {
            let sql = file_sql(&program, &schema, *file, *d);
            let name = d.name();
            insta::assert_snapshot!(format!("{stem}.{name}_diff"), diff(&duckdb, &sql, name));
        }
    }
}

#[test]
fn combined_query_of_the_example() {
    let (_, program, schema) = load("examples/shop");
    let options = SqlOptions {
        dialect: &dialect::DuckDb,
        as_of: Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap()),
    };
    let all = program.segments.iter().collect();
    insta::assert_snapshot!(
        segc::to_sql(&program, &schema, Output::Combined(all), &options).unwrap()
    );
}

/// The SQL of one query is stable: the same text every time.
#[test]
fn output_is_deterministic() {
    let (_, program, schema) = load("tests/corpus");
    let options = SqlOptions {
        dialect: &dialect::Postgres,
        as_of: None,
    };
    for s in &program.segments {
        let a = segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap();
        let b = segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn every_query_reparses_with_sqlparser() {
    let mut checked = 0;
    for dir in ["tests/corpus", "examples/shop"] {
        let (_, program, schema) = load(dir);
        for as_of in [None, Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap())] {
            for engine in Engine::ALL {
                let options = SqlOptions {
                    dialect: engine.dialect(),
                    as_of,
                };
                let mut queries: Vec<String> = program
                    .segments
                    .iter()
                    .map(|s| segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap())
                    .collect();
                let all = program.segments.iter().collect();
                queries.push(
                    segc::to_sql(&program, &schema, Output::Combined(all), &options).unwrap(),
                );
                for sql in queries {
                    engine.reparse(&sql);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} queries");
}

/// `docs/sql.md` holds the capabilities table of the dialect registry as it is.
#[test]
fn docs_table_is_the_registry() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sql.md")).unwrap();
    let table = dialect::capabilities_table();
    assert!(
        docs.contains(&table),
        "docs/sql.md must hold the dialect table:\n{table}"
    );
}

/// Every registered dialect runs on an engine in the tests, and only those.
#[test]
fn every_registered_dialect_is_tested_on_its_engine() {
    let tested: Vec<&str> = Engine::ALL.iter().map(|e| e.dialect().name()).collect();
    assert_eq!(tested, dialect::names().collect::<Vec<_>>());
}
