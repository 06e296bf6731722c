//! Mutation fuzzing of the data readers: damaged CSV, JSONL and Parquet
//! files (Parquet in every codec) go through `read_events` and `read_users`,
//! with and without skipping bad rows. Each read must end, within a bound,
//! in rows or an error: a panic or a hang fails the test, and the input is
//! saved under `target/fuzz-failures/` to reproduce it.
//!
//! The budget is fixed (`SEGC_FUZZ_CASES` inputs per format, 1500 by
//! default) and the inputs are the same on every run.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use common::hostile::{
    compressions, events_parquet, read_file, schema, scratch, users_parquet, Table, DIR,
};
use common::mutate::mutations;

/// How long one input's four reads may take, even in a debug build.
const BOUND: Duration = Duration::from_secs(20);

fn cases() -> usize {
    std::env::var("SEGC_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1500)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DIR).join(name)).unwrap()
}

/// What one input did.
enum Outcome {
    /// Reads that gave rows, and reads whose error was a caught panic in
    /// the Parquet decoder.
    Done {
        read: usize,
        decoder_panics: usize,
    },
    Panicked(String),
}

/// Feeds `count` mutations of `seeds` (files of `table` with extension
/// `ext`) through the reader on a worker thread, watching each input.
fn fuzz(ext: &str, table: Table, seeds: Vec<Vec<u8>>, seed: u64) {
    let dir = scratch(&format!("fuzz-{ext}-{table:?}"));
    let path = dir.join(format!("input.{ext}"));
    let (inputs, worker_inputs) = mpsc::sync_channel::<Vec<u8>>(0);
    let (outcomes, worker_outcomes) = mpsc::channel();
    let worker_path = path.clone();
    std::thread::spawn(move || {
        let schema = schema();
        for input in worker_inputs {
            std::fs::write(&worker_path, &input).unwrap();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let (mut read, mut decoder_panics) = (0, 0);
                for skip in [false, true] {
                    match read_file(&schema, table, &worker_path, skip) {
                        Ok(_) => read += 1,
                        Err(e) if e.to_string().contains("the Parquet decoder failed") => {
                            decoder_panics += 1
                        }
                        Err(_) => {}
                    }
                }
                Outcome::Done {
                    read,
                    decoder_panics,
                }
            }))
            .unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Outcome::Panicked(message)
            });
            if outcomes.send(outcome).is_err() {
                return;
            }
        }
    });
    let (mut read, mut decoder_panics) = (0, 0);
    let count = cases();
    for (n, input) in mutations(&seeds, count, seed).enumerate() {
        inputs.send(input.clone()).unwrap();
        match worker_outcomes.recv_timeout(BOUND) {
            Ok(Outcome::Done {
                read: r,
                decoder_panics: p,
            }) => {
                read += r;
                decoder_panics += p;
            }
            Ok(Outcome::Panicked(message)) => {
                let saved = save(ext, n, &input);
                panic!(
                    "input {n} panicked the {ext} reader: {message}\n(saved as {})",
                    saved.display()
                );
            }
            Err(_) => {
                let saved = save(ext, n, &input);
                panic!(
                    "input {n} hung the {ext} reader for {BOUND:?} (saved as {})",
                    saved.display()
                );
            }
        }
    }
    eprintln!("{ext} {table:?}: {count} inputs, {read} reads gave rows, {decoder_panics} caught decoder panics");
    // A fuzz whose inputs all fail at once tests only the first check.
    assert!(
        read > 0,
        "no {ext} input was readable: the mutations are too destructive"
    );
}

/// Writes a failing input under `target/fuzz-failures/`.
fn save(ext: &str, n: usize, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("input-{n}.{ext}"));
    std::fs::write(&path, input).unwrap();
    path
}

/// Event CSV rows heavy in timestamps with six-digit fractions, numbers,
/// quoting and JSON, as the seed the mutations start from.
fn events_csv() -> Vec<u8> {
    let mut csv = String::from("user_id,event,ts,properties\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "u{i},login,2026-05-{:02}T10:{i:02}:00.{i}23456+02:00,\"{{\"\"amount\"\":{i}.5,\"\"seen_at\"\":\"\"2026-05-01T00:00:00.654321Z\"\"}}\"\n",
            i + 1
        ));
    }
    csv.into_bytes()
}

#[test]
fn mutated_csv_never_panics_or_hangs() {
    fuzz("csv", Table::Events, vec![events_csv()], 0x5EED_0001);
    fuzz("csv", Table::Users, vec![fixture("users.csv")], 0x5EED_0002);
}

#[test]
fn mutated_jsonl_never_panics_or_hangs() {
    fuzz(
        "jsonl",
        Table::Events,
        vec![fixture("events.jsonl"), fixture("all_bad.jsonl")],
        0x5EED_0003,
    );
}

#[test]
fn mutated_parquet_never_panics_or_hangs() {
    let codecs = compressions();
    fuzz(
        "parquet",
        Table::Events,
        codecs.iter().map(|(_, c)| events_parquet(*c)).collect(),
        0x5EED_0004,
    );
    fuzz(
        "parquet",
        Table::Users,
        codecs.iter().map(|(_, c)| users_parquet(*c)).collect(),
        0x5EED_0005,
    );
}
