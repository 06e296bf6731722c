//! The one harness every fuzz test runs its inputs through: each input on a
//! worker thread, under `catch_unwind` and a watchdog. A panic or an input
//! that runs past the bound fails the test, with the input saved under
//! `target/fuzz-failures/` to reproduce it; nothing can hang CI.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How many inputs each fuzz target tries: `SEGC_FUZZ_CASES`, or `default`.
/// The inputs are the same on every run (the mutator is seeded).
pub fn cases(default: usize) -> usize {
    std::env::var("SEGC_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Runs `exercise` on every input, each within `bound`; returns what each
/// input gave. `label` and `ext` name a saved failing input
/// (`target/fuzz-failures/LABEL-N.EXT`).
pub fn watch<T: Send + 'static>(
    label: &str,
    ext: &str,
    inputs: impl IntoIterator<Item = Vec<u8>>,
    bound: Duration,
    mut exercise: impl FnMut(&[u8]) -> T + Send + 'static,
) -> Vec<T> {
    let (to_worker, worker_inputs) = mpsc::sync_channel::<Vec<u8>>(0);
    let (outcomes, from_worker) = mpsc::channel::<Result<T, String>>();
    std::thread::spawn(move || {
        for input in worker_inputs {
            let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&input))).map_err(|panic| {
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic without a message".into())
            });
            if outcomes.send(outcome).is_err() {
                return;
            }
        }
    });
    let mut results = Vec::new();
    for (n, input) in inputs.into_iter().enumerate() {
        to_worker
            .send(input.clone())
            .expect("the worker takes inputs");
        match from_worker.recv_timeout(bound) {
            Ok(Ok(result)) => results.push(result),
            Ok(Err(message)) => panic!(
                "{label}: input {n} panicked: {message}\n(saved as {})",
                save(label, ext, n, &input).display()
            ),
            Err(_) => panic!(
                "{label}: input {n} ran longer than {bound:?} (saved as {})",
                save(label, ext, n, &input).display()
            ),
        }
    }
    results
}

fn save(label: &str, ext: &str, n: usize, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{label}-{n}.{ext}"));
    std::fs::write(&path, input).unwrap();
    path
}
