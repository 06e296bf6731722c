//! The engines the tests execute SQL on, and how a script reaches each.

use std::io::Write;
use std::process::{Command, Stdio};

use sqlparser::dialect::{ClickHouseDialect, DuckDbDialect, PostgreSqlDialect, SparkSqlDialect};
use sqlparser::parser::Parser;

use segc::backend::sql::dialect::Capabilities;
use segc::backend::sql::{dialect, Dialect};

use super::{clickhouse, spark, Lacking};

#[derive(Clone, Copy, PartialEq)]
pub enum Engine {
    DuckDb,
    Postgres,
    ClickHouse,
    Spark,
}

/// Marks the start of each query's rows in an engine's output.
const MARK: &str = "@@segc-result";

impl Engine {
    /// Every engine the tests run, one per registered dialect.
    pub const ALL: [Engine; 4] = [
        Engine::DuckDb,
        Engine::Postgres,
        Engine::ClickHouse,
        Engine::Spark,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Engine::DuckDb => "duckdb",
            Engine::Postgres => "postgres",
            Engine::ClickHouse => "clickhouse",
            Engine::Spark => "spark",
        }
    }

    /// The registered dialect of the same name.
    pub fn dialect(self) -> &'static dyn Dialect {
        dialect::by_name(self.name()).expect("a registered dialect")
    }

    /// The engine's dialect without the capabilities that have a generic
    /// rewrite (aggregate `FILTER`, interval `RANGE` frames), so that its
    /// queries take every rewrite.
    pub fn rewritten(self) -> &'static dyn Dialect {
        fn rewritable(c: &mut Capabilities) {
            c.aggregate_filter = false;
            c.interval_range_frames = false;
        }
        static DUCKDB: Lacking = Lacking {
            name: "duckdb rewritten",
            base: Engine::DuckDb,
            lacks: rewritable,
        };
        static POSTGRES: Lacking = Lacking {
            name: "postgres rewritten",
            base: Engine::Postgres,
            lacks: rewritable,
        };
        static CLICKHOUSE: Lacking = Lacking {
            name: "clickhouse rewritten",
            base: Engine::ClickHouse,
            lacks: rewritable,
        };
        static SPARK: Lacking = Lacking {
            name: "spark rewritten",
            base: Engine::Spark,
            lacks: rewritable,
        };
        match self {
            Engine::DuckDb => &DUCKDB,
            Engine::Postgres => &POSTGRES,
            Engine::ClickHouse => &CLICKHOUSE,
            Engine::Spark => &SPARK,
        }
    }

    /// Every query we emit must parse with sqlparser's matching dialect.
    pub fn reparse(self, sql: &str) {
        let parsed = match self {
            Engine::DuckDb => Parser::parse_sql(&DuckDbDialect {}, sql),
            Engine::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
            Engine::ClickHouse => Parser::parse_sql(&ClickHouseDialect {}, sql),
            Engine::Spark => Parser::parse_sql(&SparkSqlDialect {}, sql),
        };
        if let Err(e) = parsed {
            panic!(
                "{} SQL does not re-parse: {e}\n{sql}",
                self.dialect().name()
            );
        }
    }

    /// Runs the setup statements, then each query; returns each query's
    /// rows, sorted, columns joined by `|`, booleans as `true`/`false`.
    /// `ns`: the schema the setup creates, which Spark creates itself and
    /// drops afterwards. `rewritten`: the run of [`Engine::rewritten`], which
    /// Spark runs in its other settings ([`spark::Settings`]).
    pub fn run(
        self,
        ns: &str,
        setup: &[String],
        queries: &[String],
        rewritten: bool,
    ) -> Vec<Vec<String>> {
        for q in queries {
            if let Err(e) = segc::backend::sql::check_cli_safe(q) {
                panic!("generated SQL is not safe for a line-oriented client: {e}\n{q}");
            }
        }
        let mut results = match self {
            Engine::ClickHouse => clickhouse::run(setup, queries),
            Engine::Spark => spark::run(ns, setup, queries, spark::Settings::of_run(rewritten)),
            Engine::DuckDb | Engine::Postgres => self.run_script(setup, queries),
        };
        for rows in &mut results {
            rows.sort();
        }
        results
    }

    /// The setup and the queries as one script for a line-oriented client.
    fn run_script(self, setup: &[String], queries: &[String]) -> Vec<Vec<String>> {
        let mut script = String::new();
        match self {
            Engine::DuckDb => script.push_str(".mode list\n.headers off\n.bail on\n"),
            Engine::Postgres => script.push_str("BEGIN;\n"),
            Engine::ClickHouse | Engine::Spark => unreachable!("runs no script"),
        }
        for statement in setup {
            script.push_str(&format!("{statement};\n"));
        }
        if let Engine::DuckDb = self {
            // As `segc run --engine duckdb` does: no file access and no
            // shell for what follows the data.
            script.push_str(".safe_mode\n");
        }
        for q in queries {
            script.push_str(&format!(
                "SELECT '{MARK}';\n{};\n",
                q.trim_end().trim_end_matches(';')
            ));
        }
        if let Engine::Postgres = self {
            script.push_str("ROLLBACK;\n");
        }
        let output = self.execute(&script);
        let mut results: Vec<Vec<String>> = Vec::new();
        for line in output.lines() {
            if line == MARK {
                results.push(Vec::new());
            } else if let Some(rows) = results.last_mut() {
                let row: Vec<&str> = line
                    .split('|')
                    .map(|c| match c {
                        "t" => "true",
                        "f" => "false",
                        c => c,
                    })
                    .collect();
                rows.push(row.join("|"));
            }
        }
        assert_eq!(results.len(), queries.len(), "engine output:\n{output}");
        results
    }

    fn execute(self, script: &str) -> String {
        let (program, args): (String, Vec<String>) = match self {
            Engine::DuckDb => (duckdb_binary(), vec![":memory:".into()]),
            Engine::ClickHouse | Engine::Spark => unreachable!("runs no script"),
            Engine::Postgres => {
                let port = std::env::var("SEGC_PG_PORT").unwrap_or_else(|_| "5433".into());
                (
                    "psql".into(),
                    [
                        "-X",
                        "-q",
                        "-A",
                        "-t",
                        "-F",
                        "|",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        &port,
                        "-U",
                        "postgres",
                        "-d",
                        "postgres",
                    ]
                    .map(String::from)
                    .to_vec(),
                )
            }
        };
        let mut child = Command::new(&program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}\n{}", HOW_TO_START));
        let mut stdin = child.stdin.take().expect("stdin");
        let script = script.to_string();
        let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
        let output = child.wait_with_output().expect("engine output");
        // A failed engine stops reading its script: report its error first.
        let written = writer.join().expect("writer");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.trim().is_empty(),
            "{program} failed ({}):\n{stderr}\n{}",
            output.status,
            if stderr.contains("connect") {
                HOW_TO_START
            } else {
                ""
            }
        );
        written.expect("write script");
        stdout
    }
}

const HOW_TO_START: &str =
    "the engine tests need DuckDB's CLI and PostgreSQL on 127.0.0.1:5433: run `tests/run` (it installs and starts them), or set SEGC_DUCKDB / SEGC_PG_PORT";

pub fn duckdb_binary() -> String {
    if let Ok(path) = std::env::var("SEGC_DUCKDB") {
        return path;
    }
    let local = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/engines/venv/bin/duckdb"
    );
    if std::path::Path::new(local).exists() {
        local.into()
    } else {
        "duckdb".into()
    }
}
