//! The SQL of the whole corpus, per dialect: DuckDB's text is snapshotted in
//! full, every other dialect's as a diff against it (so a snapshot shows
//! exactly what the dialect changes). Every emitted query must re-parse with
//! sqlparser's matching dialect, and ClickHouse's with sqlglot too.

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

fn diff(a: &str, b: &str, dialect: &str) -> String {
    TextDiff::from_lines(a, b)
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

/// Every query of the corpus and the example in `engine`'s dialect: per
/// segment and combined, with and without `--as-of`.
fn every_query(engine: Engine) -> Vec<String> {
    let mut queries = Vec::new();
    for dir in ["tests/corpus", "examples/shop"] {
        let (_, program, schema) = load(dir);
        for as_of in [None, Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap())] {
            let options = SqlOptions {
                dialect: engine.dialect(),
                as_of,
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

/// A second parser for the ClickHouse SQL: sqlglot (pip, installed by
/// `tests/run`), all queries through one python process. sqlglot is lenient
/// in places, so a parse is evidence of syntax, not of meaning; the engine
/// tests run the SQL for real.
#[test]
fn every_clickhouse_query_parses_with_sqlglot() {
    const SCRIPT: &str = r#"
import json, sys
import sqlglot
failed = []
for sql in json.load(sys.stdin):
    try:
        sqlglot.parse(sql, read="clickhouse", error_level=sqlglot.ErrorLevel.RAISE)
    except Exception as e:
        failed.append(f"{e}\n{sql}")
print("\n\n".join(failed))
"#;
    let queries = every_query(Engine::ClickHouse);
    assert!(queries.len() > 150, "only {} queries", queries.len());
    let python = engines::clickhouse_python();
    let mut child = std::process::Command::new(&python)
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {python}: {e}; run `tests/run`, which installs sqlglot")
        });
    let input = serde_json::to_vec(&queries).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "sqlglot did not run ({stderr}); run `tests/run`, which installs it"
    );
    let failed = String::from_utf8_lossy(&output.stdout);
    assert!(failed.trim().is_empty(), "sqlglot rejects:\n{failed}");
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
