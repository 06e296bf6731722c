//! Spark SQL through one shared session: the server `spark_server.py`
//! (started by `tests/run`) on 127.0.0.1:$SEGC_SPARK_PORT. Each request
//! carries a case's setup and queries and gets a fresh Spark session and
//! database. The test data is one view over `VALUES` per table: an `INSERT`
//! per row costs a Spark job each, and a table a file write and scan, while
//! a view over a few rows is planned as an in-memory relation (half the
//! cost of a typical query).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use serde_json::{json, Value};

use super::{Case, Event, Layout, User, ATTRIBUTES, PROPERTIES};

/// The session settings of one run: every case runs once in each.
#[derive(Clone, Copy)]
pub struct Settings {
    /// `spark.sql.ansi.enabled`: Spark 4's default is on, Databricks SQL
    /// warehouses' too, older runtimes' off.
    ansi: bool,
    /// `spark.sql.parser.escapedStringLiterals`: off, `\` escapes in a
    /// literal; on (legacy), it is an ordinary character.
    escaped_literals: bool,
    /// `spark.sql.session.timeZone`, never UTC: the SQL must not depend on it.
    time_zone: &'static str,
    /// Code generation and broadcast joins, as in production; without them
    /// Spark interprets the plan and sort-merges joins: other code paths,
    /// and half the cost of a query over a few rows (planning, not data,
    /// is most of it).
    production_paths: bool,
}

impl Settings {
    /// Spark 4's defaults for the dialect as it is, the legacy settings (and
    /// the interpreted paths) for its rewritten run; both in a time zone
    /// that is not UTC.
    pub fn of_run(rewritten: bool) -> Settings {
        if rewritten {
            Settings {
                ansi: false,
                escaped_literals: true,
                time_zone: "Asia/Kathmandu",
                production_paths: false,
            }
        } else {
            Settings {
                ansi: true,
                escaped_literals: false,
                time_zone: "America/Los_Angeles",
                production_paths: true,
            }
        }
    }

    fn conf(self) -> Value {
        json!({
            "spark.sql.ansi.enabled": self.ansi.to_string(),
            "spark.sql.parser.escapedStringLiterals": self.escaped_literals.to_string(),
            "spark.sql.session.timeZone": self.time_zone,
            "spark.sql.codegen.wholeStage": self.production_paths.to_string(),
            "spark.sql.codegen.factoryMode": if self.production_paths { "FALLBACK" } else { "NO_CODEGEN" },
            "spark.sql.autoBroadcastJoinThreshold": if self.production_paths { "10MB" } else { "-1" },
        })
    }
}

const HOW_TO_START: &str = "the engine tests need the shared Spark session: run `tests/run` \
     (it installs pyspark and starts it), or start it yourself with \
     `SEGC_SPARK_PORT=5434 target/engines/venv/bin/python tests/engines/spark_server.py` \
     (a venv with pyspark==4.3.0 and Java 17) and set SEGC_SPARK_PORT";

/// Runs the setup statements and the queries in a fresh session of the
/// shared Spark, with database `ns` created for them (and current) and
/// dropped afterwards; each query's rows.
pub fn run(ns: &str, setup: &[String], queries: &[String], settings: Settings) -> Vec<Vec<String>> {
    let port = std::env::var("SEGC_SPARK_PORT").unwrap_or_else(|_| "5434".into());
    let request = json!({
        "database": ns,
        "conf": settings.conf(),
        "setup": setup,
        "queries": queries,
    });
    let mut stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().expect("port")))
        .unwrap_or_else(|e| panic!("cannot reach Spark on 127.0.0.1:{port}: {e}\n{HOW_TO_START}"));
    writeln!(stream, "{request}").expect("send to Spark");
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .expect("Spark's answer");
    let answer: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("Spark's answer is not JSON ({e}): {line:?}\n{HOW_TO_START}"));
    if let Some(error) = answer.get("error") {
        panic!("Spark failed: {}", error.as_str().unwrap_or_default());
    }
    let rows: Vec<Vec<String>> =
        serde_json::from_value(answer["rows"].clone()).expect("rows of text");
    assert_eq!(rows.len(), queries.len(), "Spark's answer: {line}");
    rows
}

/// The case's tables in database `ns`: one `CREATE VIEW … AS SELECT … FROM
/// VALUES` each, every column cast to its type.
pub fn setup(case: &Case, ns: &str) -> Vec<String> {
    let sql_type = |ty: &str| match ty {
        "number" => "DOUBLE",
        "bool" => "BOOLEAN",
        "timestamp" => "TIMESTAMP_NTZ",
        _ => "STRING",
    };
    let mut columns = vec![
        ("user_id", "STRING"),
        ("event", "STRING"),
        ("ts", "TIMESTAMP_NTZ"),
    ];
    if case.layout == Layout::Columns {
        columns.extend(PROPERTIES.iter().map(|(n, t)| (*n, sql_type(t))));
    } else {
        columns.push(("properties", "STRING"));
    }
    let rows = case.events.iter().map(|Event(user, name, ts, props)| {
        let mut values = vec![text(user), text(name), timestamp(ts)];
        if case.layout == Layout::Columns {
            values.extend(PROPERTIES.iter().map(|(n, t)| value(props.get(*n), t)));
        } else {
            values.push(text(&props.to_string()));
        }
        values
    });
    let mut statements = vec![table(ns, "events", &columns, rows.collect())];
    if case.layout != Layout::NoUsers {
        let mut columns = vec![("user_id", "STRING")];
        columns.extend(ATTRIBUTES.iter().map(|(n, t)| (*n, sql_type(t))));
        let rows = case.users.iter().map(|User(id, attrs)| {
            let mut values = vec![text(id)];
            values.extend(ATTRIBUTES.iter().map(|(n, t)| value(attrs.get(*n), t)));
            values
        });
        statements.push(table(ns, "users", &columns, rows.collect()));
    }
    statements
}

/// `CREATE VIEW ns.name AS SELECT CAST(c1 AS T1) AS `n1`, … FROM VALUES …`;
/// without rows, one row of NULLs that `WHERE FALSE` drops.
fn table(ns: &str, name: &str, columns: &[(&str, &str)], mut rows: Vec<Vec<String>>) -> String {
    let empty = rows.is_empty();
    if empty {
        rows.push(vec!["NULL".into(); columns.len()]);
    }
    let casts: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (n, t))| format!("CAST(c{i} AS {t}) AS {}", ident(n)))
        .collect();
    let names: Vec<String> = (0..columns.len()).map(|i| format!("c{i}")).collect();
    let values: Vec<String> = rows
        .iter()
        .map(|row| format!("({})", row.join(", ")))
        .collect();
    format!(
        "CREATE VIEW {ns}.{name} AS SELECT {} FROM VALUES {} AS t({}){}",
        casts.join(", "),
        values.join(",\n"),
        names.join(", "),
        if empty { " WHERE FALSE" } else { "" }
    )
}

fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// Test data as a literal, independent of the dialect under test: plain
/// text as it is, anything else (quotes, backslashes, control characters)
/// as its UTF-8 bytes, which no parser setting reads differently.
fn text(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || " _-:.@".contains(c);
    if s.chars().all(plain) {
        format!("'{s}'")
    } else {
        let hex: String = s.bytes().map(|b| format!("{b:02X}")).collect();
        format!("CAST(X'{hex}' AS STRING)")
    }
}

fn timestamp(s: &str) -> String {
    super::timestamp(s).replacen("TIMESTAMP", "TIMESTAMP_NTZ", 1)
}

fn value(v: Option<&Value>, ty: &str) -> String {
    super::typed_value(v, ty, text, timestamp)
}
