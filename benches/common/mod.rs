//! What both benchmarks need from the DuckDB CLI: where it is, and the
//! numbers it prints with `.timer on`.

#![allow(dead_code)] // each benchmark uses a different part

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// `SEGC_DUCKDB`, else the CLI `tests/run` installs, else `duckdb` on PATH.
pub fn binary() -> String {
    std::env::var("SEGC_DUCKDB").unwrap_or_else(|_| {
        let local = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/engines/venv/bin/duckdb"
        );
        if Path::new(local).exists() {
            local.into()
        } else {
            "duckdb".into()
        }
    })
}

/// Runs a script on the DuckDB CLI over a database file (or `:memory:`),
/// for at most `timeout` seconds; its stdout, `None` when it failed.
pub fn run_script(db: &Path, script: &str, timeout: u64) -> Option<String> {
    let mut child = Command::new("timeout")
        .arg(timeout.to_string())
        .arg(binary())
        .arg(db)
        .args(["-list", "-noheader"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("timeout and the DuckDB CLI (tests/run installs it, or set SEGC_DUCKDB)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

/// From `-list -noheader` output with `.timer on`: each statement's time
/// in seconds, and each single-number result (the `count(*)`s).
pub fn timings(out: &str) -> (Vec<f64>, Vec<u64>) {
    let mut times = Vec::new();
    let mut counts = Vec::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("Run Time (s): real ") {
            if let Some(t) = rest.split_whitespace().next().and_then(|t| t.parse().ok()) {
                times.push(t);
            }
        } else if let Ok(n) = line.trim().parse() {
            counts.push(n);
        }
    }
    (times, counts)
}

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}
