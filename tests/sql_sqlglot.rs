//! A second parser for every dialect: each query the corpus and the
//! example compile to (per segment and combined, with and without
//! `--as-of`) must parse with sqlglot (pip `sqlglot`, installed by
//! `tests/run`) reading that dialect, as exactly one statement. sqlparser
//! (`tests/sql_snapshots.rs`) is lenient where sqlglot is strict and the
//! other way round; each catches syntax the other lets through. All queries
//! go through one Python process.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use segc::backend::sql::{dialect, Output, SqlOptions};
use segc::time::parse_timestamp;
use segc::{check, Project};
use serde_json::json;

/// segc's dialect name and sqlglot's for it.
const SQLGLOT_DIALECTS: &[(&str, &str)] = &[
    ("duckdb", "duckdb"),
    ("postgres", "postgres"),
    ("clickhouse", "clickhouse"),
    ("spark", "spark"),
];

/// Reads `{"dialect", "sql"}` lines; answers each with the error, or "".
const CHECKER: &str = r#"
import json, sys
import sqlglot
from sqlglot.errors import ErrorLevel
for line in sys.stdin:
    request = json.loads(line)
    try:
        statements = sqlglot.parse(request["sql"], read=request["dialect"], error_level=ErrorLevel.RAISE)
        error = "" if len(statements) == 1 else f"{len(statements)} statements"
    except Exception as e:
        error = str(e)
    print(json.dumps(error), flush=True)
"#;

fn python() -> String {
    std::env::var("SEGC_PYTHON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/engines/venv/bin/python"
        )
        .into()
    })
}

/// Every query of a project in every dialect that sqlglot reads.
fn queries(dir: &str) -> Vec<(&'static str, String)> {
    let project = Project::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap();
    let checked = check(&project);
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let mut all = Vec::new();
    for (name, sqlglot) in SQLGLOT_DIALECTS {
        let d = dialect::by_name(name).expect("a registered dialect");
        for as_of in [None, Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap())] {
            let options = SqlOptions {
                dialect: d,
                as_of,
                sources: Some(&project.sources),
            };
            let mut outputs: Vec<Output> = program.segments.iter().map(Output::Members).collect();
            outputs.push(Output::Combined(program.segments.iter().collect()));
            for output in outputs {
                let sql = segc::to_sql(&program, &schema, output, &options).unwrap();
                all.push((*sqlglot, sql));
            }
        }
    }
    all
}

#[test]
fn every_query_parses_with_sqlglot() {
    let mut all = queries("tests/corpus");
    all.extend(queries("examples/shop"));
    let python = python();
    let mut child = Command::new(&python)
        .args(["-c", CHECKER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {python}: {e}; run `tests/run` (it installs sqlglot) or set SEGC_PYTHON")
        });
    let mut stdin = child.stdin.take().expect("stdin");
    let requests: String = all
        .iter()
        .map(|(d, sql)| format!("{}\n", json!({"dialect": d, "sql": sql})))
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let answers: Vec<String> = BufReader::new(child.stdout.take().expect("stdout"))
        .lines()
        .map(|line| serde_json::from_str(&line.expect("a line")).expect("a JSON string"))
        .collect();
    writer.join().expect("writer").expect("write the queries");
    assert!(
        child.wait().expect("python").success(),
        "{python} failed: is sqlglot installed (tests/run)?"
    );
    assert_eq!(answers.len(), all.len(), "one answer per query");
    let failures: Vec<String> = all
        .iter()
        .zip(&answers)
        .filter(|(_, error)| !error.is_empty())
        .map(|((d, sql), error)| format!("{d}: {error}\n{sql}"))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // A new dialect joins the list (sqlglot reads most warehouses').
    let listed: Vec<&str> = SQLGLOT_DIALECTS.iter().map(|(name, _)| *name).collect();
    assert_eq!(listed, dialect::names().collect::<Vec<_>>());
    assert!(all.len() > 400, "only {} queries", all.len());
}
