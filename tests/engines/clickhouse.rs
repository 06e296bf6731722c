//! ClickHouse, in-process through pip `chdb`: one Python runner
//! (`src/cli/chdb_runner.py`, shared with `segc run --engine clickhouse`)
//! per test binary, fed one JSON request per case, each in a database of
//! its own that the runner drops afterwards.
//!
//! Test data is written with `unhex('…')` for every text, so the data does
//! not depend on the string escaping under test.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use serde_json::{json, Value};

use segc::time::parse_timestamp;

const HOW_TO_INSTALL: &str = "the engine tests need pip `chdb` in target/engines/venv: run `tests/run` (it installs it), or set SEGC_PYTHON to a python that can `import chdb`";

/// The python that has chdb: `SEGC_PYTHON`, else the venv `tests/run` makes.
pub fn python() -> String {
    std::env::var("SEGC_PYTHON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/engines/venv/bin/python"
        )
        .into()
    })
}

pub const RUNNER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cli/chdb_runner.py");

struct Runner {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// One runner for the whole test binary; its tests take turns.
static SHARED: Mutex<Option<Runner>> = Mutex::new(None);

/// Runs the setup statements, then each query, in a fresh session; each
/// query's rows, columns joined by `|`.
pub fn run(setup: &[String], queries: &[String]) -> Vec<Vec<String>> {
    let request = json!({ "setup": setup, "queries": queries }).to_string();
    let mut shared = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let runner = shared.get_or_insert_with(start);
    let mut answer = String::new();
    let sent = writeln!(runner.stdin, "{request}").and_then(|()| runner.stdin.flush());
    let read = sent.and_then(|()| runner.stdout.read_line(&mut answer));
    if read.is_err() || answer.is_empty() {
        *shared = None; // start afresh for the next test
        panic!("the chdb runner died ({read:?})\n{HOW_TO_INSTALL}");
    }
    let answer: Value = serde_json::from_str(&answer).expect("runner answers JSON");
    if let Some(error) = answer.get("error") {
        let error = error.as_str().unwrap_or_default();
        let hint = if error.contains("import chdb") {
            HOW_TO_INSTALL
        } else {
            ""
        };
        panic!(
            "ClickHouse failed: {error}\n{hint}\nqueries:\n{}",
            queries.join("\n;\n")
        );
    }
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            result["rows"]
                .as_array()
                .expect("a query's rows")
                .iter()
                .map(|row| {
                    let cells: Vec<&str> = row
                        .as_array()
                        .expect("a row")
                        .iter()
                        .map(|c| c.as_str().expect("a cell"))
                        .collect();
                    cells.join("|")
                })
                .collect()
        })
        .collect()
}

fn start() -> Runner {
    let program = python();
    let mut child = Command::new(&program)
        .arg(RUNNER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}\n{HOW_TO_INSTALL}"));
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    Runner {
        _child: child,
        stdin,
        stdout,
    }
}

/// Text as `unhex('…')`: its bytes, in no SQL string syntax at all.
pub fn text(s: &str) -> String {
    let hex: String = s.bytes().map(|b| format!("{b:02X}")).collect();
    format!("unhex('{hex}')")
}

pub fn timestamp(s: &str) -> String {
    let t = parse_timestamp(s).expect("test timestamp");
    format!(
        "toDateTime64('{}', 6, 'UTC')",
        t.to_string().trim_end_matches('Z').replacen('T', " ", 1)
    )
}

/// The column type of a property or attribute type; every one may be missing.
pub fn column_type(ty: &str) -> &'static str {
    match ty {
        "number" => "Nullable(Float64)",
        "bool" => "Nullable(Bool)",
        "timestamp" => "Nullable(DateTime64(6, 'UTC'))",
        _ => "Nullable(String)",
    }
}
