//! What the fuzz of `hostile_bytecode.rs` runs on: the seed programs, a
//! dataset of extreme values, and a worker under a watchdog that catches
//! panics and hangs.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use segc::backend::vm;
use segc::backend::vm::exec::DEFAULT_STEP_BUDGET;
use segc::data::{Dataset, DatasetBuilder, Raw, Val};
use segc::ir::Type;
use segc::sema::schema::Schema;

/// 2026-06-01T00:00:00Z, the instant every run here is evaluated at.
pub const NOW: i64 = 1_780_272_000_000_000;
const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

pub fn corpus_schema() -> Schema {
    let project = segc::Project::load(Path::new("tests/corpus")).unwrap();
    segc::check(&project).schema.unwrap()
}

/// The bytes of every segment of the corpus and of the example shop.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for folder in ["tests/corpus", "examples/shop"] {
        let project = segc::Project::load(Path::new(folder)).unwrap();
        let checked = segc::check(&project);
        let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
        for segment in &program.segments {
            seeds.push(vm::compile(&program, &schema, segment).to_bytes());
        }
    }
    seeds
}

/// A few users with events of every name at the edges of every window
/// (now, 1 µs before, period boundaries, far past), at the extremes of
/// `i64`, and with extreme property and attribute values.
pub fn dataset(schema: &Schema) -> Dataset {
    let mut b = DatasetBuilder::new(schema, true);
    let texts = ["", "shoes", "SHOES", "İstanbul", "ZA", "a@example.com"];
    let numbers = [0.0, -0.0, 1.5, -1e308, f64::MAX, f64::NAN, 5e-324];
    let times = [
        NOW,
        NOW - 1,
        NOW - HOUR,
        NOW - DAY - 1,
        NOW - 7 * DAY,
        NOW - 30 * DAY,
        NOW - 365 * DAY,
        NOW - 7000 * DAY,
        0,
        i64::MIN,
        i64::MIN + 1,
        NOW + DAY,
        i64::MAX,
    ];
    let value = |b: &mut DatasetBuilder, ty: Type, k: usize| match ty {
        Type::String => b.value(Raw::Text(texts[k % texts.len()].into()), ty),
        Type::Number => Val::Num(numbers[k % numbers.len()]),
        Type::Bool => Val::Bool(k % 2 == 0),
        Type::Timestamp => Val::Time(times[k % times.len()]),
    };
    let names: Vec<String> = schema.events.catalog.clone().unwrap_or_default();
    for u in 0..5 {
        let user = format!("u{u}");
        let attributes: Vec<Val> = b
            .attribute_types()
            .into_iter()
            .enumerate()
            .map(|(i, (_, ty))| value(&mut b, ty, u + i))
            .collect();
        b.add_user(user.clone(), attributes);
        for (k, time) in times.iter().enumerate() {
            for (n, name) in names.iter().enumerate() {
                if (k + n + u) % 3 == 0 {
                    continue; // not every name at every instant
                }
                let properties: Vec<Val> = b
                    .property_types()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (_, ty))| value(&mut b, ty, k + n + i + u))
                    .collect();
                b.add_event(user.clone(), name, *time, properties);
            }
        }
    }
    b.finish().unwrap()
}

/// What happened to one input.
#[derive(Default, Debug)]
pub struct Tally {
    pub refused: usize,
    pub ran: usize,
    pub run_errors: usize,
    pub panics: Vec<String>,
}

/// Loads, verifies, lists (`segc bytecode --disasm`) and runs one input; a
/// panic is caught and returned.
fn exercise(bytes: &[u8], data: &Dataset) -> Result<Option<bool>, String> {
    catch_unwind(AssertUnwindSafe(|| match vm::Program::from_bytes(bytes) {
        Err(_) => None,
        Ok(program) => {
            program.disassemble();
            Some(vm::run(&program, data, NOW, DEFAULT_STEP_BUDGET).is_ok())
        }
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// Where failing inputs are saved for reproduction.
fn crash_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile_bytecode")
}

/// The longest one input may take, even in a debug build, before the
/// watchdog calls it a hang (a verified program on this data takes ms).
const HANG: Duration = Duration::from_secs(30);

/// Runs `inputs` on a worker thread under a watchdog: a panic fails the test
/// with the input saved under `target/tmp/hostile_bytecode/`; an input that
/// runs longer than [`HANG`] fails it too, instead of hanging CI.
pub fn fuzz<I>(label: &'static str, inputs: impl FnOnce() -> I + Send + 'static) -> Tally
where
    I: Iterator<Item = Vec<u8>>,
{
    let current = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicUsize::new(0));
    let worker = {
        let (current, done) = (current.clone(), done.clone());
        std::thread::spawn(move || {
            let data = dataset(&corpus_schema());
            let mut tally = Tally::default();
            for (i, input) in inputs().enumerate() {
                *current.lock().unwrap() = input.clone();
                match exercise(&input, &data) {
                    Ok(None) => tally.refused += 1,
                    Ok(Some(ok)) => {
                        tally.ran += 1;
                        tally.run_errors += usize::from(!ok);
                    }
                    Err(message) => {
                        let dir = crash_dir();
                        std::fs::create_dir_all(&dir).unwrap();
                        let file = dir.join(format!("{label}-{i}.segb"));
                        std::fs::write(&file, &input).unwrap();
                        tally.panics.push(format!("{}: {message}", file.display()));
                    }
                }
                done.fetch_add(1, Ordering::SeqCst);
            }
            tally
        })
    };
    let (mut seen, mut since) = (0, Instant::now());
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(20));
        let now_done = done.load(Ordering::SeqCst);
        if now_done != seen {
            (seen, since) = (now_done, Instant::now());
        } else if since.elapsed() > HANG {
            let dir = crash_dir();
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{label}-hang-{seen}.segb"));
            std::fs::write(&file, &*current.lock().unwrap()).unwrap();
            panic!(
                "{label}: input {seen} ran for more than {HANG:?}; saved to {}",
                file.display()
            );
        }
    }
    let tally = worker.join().expect("the worker catches every panic");
    eprintln!("{label}: {tally:?}");
    assert!(
        tally.panics.is_empty(),
        "{label}: {} input(s) panicked (saved for reproduction):\n{}",
        tally.panics.len(),
        tally.panics.join("\n")
    );
    tally
}
