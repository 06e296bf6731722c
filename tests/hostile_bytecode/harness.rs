//! What the fuzz of `hostile_bytecode.rs` runs on: the seed programs, a
//! dataset of extreme values, and a worker under a watchdog that catches
//! panics and hangs.

use std::path::Path;
use std::time::Duration;

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

/// What the inputs of a fuzz did: refused by the loader or the verifier,
/// or run (to members, or to a run-time error).
#[derive(Default, Debug)]
pub struct Tally {
    pub refused: usize,
    pub ran: usize,
    pub run_errors: usize,
}

/// The longest one input may take, even in a debug build, before the
/// watchdog calls it a hang (a verified program on this data takes ms).
const HANG: Duration = Duration::from_secs(30);

/// Loads, verifies, lists (`segc bytecode --disasm`) and runs each input
/// under the shared watchdog (`tests/common/fuzz.rs`): a panic or a hang
/// fails the test with the input saved.
pub fn fuzz(label: &'static str, inputs: impl IntoIterator<Item = Vec<u8>>) -> Tally {
    let data = dataset(&corpus_schema());
    let outcomes = crate::common::fuzz::watch(label, "segb", inputs, HANG, move |bytes| {
        vm::Program::from_bytes(bytes).ok().map(|program| {
            program.disassemble();
            vm::run(&program, &data, NOW, DEFAULT_STEP_BUDGET).is_ok()
        })
    });
    let mut tally = Tally::default();
    for outcome in outcomes {
        match outcome {
            None => tally.refused += 1,
            Some(ok) => {
                tally.ran += 1;
                tally.run_errors += usize::from(!ok);
            }
        }
    }
    eprintln!("{label}: {tally:?}");
    tally
}
