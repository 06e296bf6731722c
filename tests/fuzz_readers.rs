//! Mutation fuzzing of the data readers: damaged CSV, JSONL and Parquet
//! files (Parquet in every codec) go through `read_events` and `read_users`,
//! with and without skipping bad rows. Each read must end, within a bound,
//! in rows or an error: a panic or a hang fails the test, and the input is
//! saved under `target/fuzz-failures/` to reproduce it.
//!
//! The budget is fixed (`SEGC_FUZZ_CASES` inputs per format, 1500 by
//! default) and the inputs are the same on every run.

mod common;

use std::path::Path;
use std::time::Duration;

use common::fuzz::{cases, watch};
use common::hostile::{
    compressions, events_parquet, read_file, schema, scratch, users_parquet, Table, DIR,
};
use common::mutate::mutations;

/// How long one input's two reads may take, even in a debug build.
const BOUND: Duration = Duration::from_secs(20);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DIR).join(name)).unwrap()
}

/// Feeds mutations of `seeds` (files of `table` with extension `ext`)
/// through the reader, with and without skipping bad rows.
fn fuzz(ext: &str, table: Table, seeds: Vec<Vec<u8>>, seed: u64) {
    let path = scratch(&format!("fuzz-{ext}-{table:?}")).join(format!("input.{ext}"));
    let schema = schema();
    let count = cases(1500);
    let inputs: Vec<Vec<u8>> = mutations(&seeds, count, seed).collect();
    // Per input: reads that gave rows, and reads whose error was a caught
    // panic in the Parquet decoder.
    let outcomes = watch(
        &format!("{ext}-{table:?}"),
        ext,
        inputs,
        BOUND,
        move |input| {
            std::fs::write(&path, input).unwrap();
            let (mut read, mut decoder_panics) = (0, 0);
            for skip in [false, true] {
                match read_file(&schema, table, &path, skip) {
                    Ok(_) => read += 1,
                    Err(e) if e.to_string().contains("the Parquet decoder failed") => {
                        decoder_panics += 1
                    }
                    Err(_) => {}
                }
            }
            (read, decoder_panics)
        },
    );
    let read: usize = outcomes.iter().map(|o| o.0).sum();
    let decoder_panics: usize = outcomes.iter().map(|o| o.1).sum();
    eprintln!("{ext} {table:?}: {count} inputs, {read} reads gave rows, {decoder_panics} caught decoder panics");
    // A fuzz whose inputs all fail at once tests only the first check.
    assert!(
        read > 0,
        "no {ext} input was readable: the mutations are too destructive"
    );
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
