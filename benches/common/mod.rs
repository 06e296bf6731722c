//! What both benchmarks need from the DuckDB CLI: where it is, and the
//! numbers it prints with `.timer on`.

#![allow(dead_code)] // each benchmark uses a different part

use std::path::Path;

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
