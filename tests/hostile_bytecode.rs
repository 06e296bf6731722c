//! Hostile `.segb` input (issue 11): no program file may crash segc or make
//! it run away. Each bound of the verifier has a case here; a deterministic
//! fuzz damages real programs (bits, bytes, numbers, lengths; `tests/common/mutate.rs`)
//! and sweeps every number of them through extreme values, then loads,
//! verifies and runs each on a small dataset with extreme values of its
//! own, under `catch_unwind` and a watchdog (`harness.rs`).

mod common;

#[path = "hostile_bytecode/harness.rs"]
mod harness;

use std::path::Path;

use segc::backend::vm::exec::DEFAULT_STEP_BUDGET;
use segc::backend::vm::program::{Acc, Block, On, Op, Pool, Program, SegmentInfo, VERSION};
use segc::backend::vm::{self, LoadError};
use segc::ir::{Cmp, Point};
use segc::time::Timestamp;
use serde_json::{json, Value};

use common::mutate;
use common::text;
use harness::{corpus_schema, dataset, fuzz, seeds, NOW};

/// Random damage: refused with an error, or run to the end without a panic.
#[test]
fn damaged_programs_never_panic_or_hang() {
    let seeds = seeds();
    let tally = fuzz(
        "mutation",
        mutate::mutations(&seeds, common::fuzz::cases(5000), 11),
    );
    // Many mutations break the JSON; enough must get through to test the
    // verifier's bounds and the interpreter, not only the parser.
    assert!(tally.ran >= 100, "too few damaged programs ran: {tally:?}");
}

/// Every number of one program of each corpus file and of the example,
/// replaced by each extreme value in turn: each field's bound is tried.
#[test]
fn every_number_at_its_extremes_is_refused_or_harmless() {
    let tally = fuzz("numbers", {
        let seeds: Vec<Vec<u8>> = seeds().into_iter().step_by(7).collect();
        seeds.into_iter().flat_map(|seed| {
            mutate::number_spans(&seed)
                .into_iter()
                .flat_map(move |span| {
                    let seed = seed.clone();
                    mutate::NUMBERS.iter().map(move |n| {
                        let mut bytes = seed.clone();
                        bytes.splice(span.clone(), n.bytes());
                        bytes
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    assert!(tally.ran >= 100, "too few extreme programs ran: {tally:?}");
}

/// A compiled program as JSON, for surgical damage.
fn program_json(folder: &str, segment: &str) -> Value {
    let project = segc::Project::load(Path::new(folder)).unwrap();
    let checked = segc::check(&project);
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let segment = program.segment(segment).unwrap();
    serde_json::from_slice(&vm::compile(&program, &schema, segment).to_bytes()).unwrap()
}

/// The first accumulator of kind `kind` (`"regularity"`, `"sequence"`).
fn acc<'a>(program: &'a mut Value, kind: &str) -> &'a mut Value {
    program["accumulators"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find_map(|a| a.get_mut(kind))
        .unwrap_or_else(|| panic!("no {kind} accumulator"))
}

/// Each value that could fault or run away, on a program that has it:
/// refused as malformed, with a message naming it.
#[test]
fn out_of_range_values_are_refused() {
    let regularity = || program_json("examples/shop", "weekly_regulars");
    let sequence = || program_json("tests/corpus", "checkout_abandon");
    type Damage = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Value, Damage, &str)> = vec![
        (
            "a period that wraps to 0 µs",
            regularity(),
            Box::new(|p| acc(p, "regularity")["period_seconds"] = json!(1u64 << 58)),
            "periods of 288230376151711744 seconds",
        ),
        (
            "a negative period",
            regularity(),
            Box::new(|p| acc(p, "regularity")["period_seconds"] = json!(-604800)),
            "seconds are not from 1 second",
        ),
        (
            "more periods than the language allows",
            regularity(),
            Box::new(|p| acc(p, "regularity")["buckets"] = json!(u32::MAX)),
            "over 4294967295 periods",
        ),
        (
            "at least more periods than there are",
            regularity(),
            Box::new(|p| acc(p, "regularity")["at_least"] = json!(99)),
            "at least 99 of",
        ),
        (
            "no comparison per period",
            regularity(),
            Box::new(|p| acc(p, "regularity")["per_bucket"] = json!([])),
            "0 comparisons per period",
        ),
        (
            "a window 2^58 seconds long",
            regularity(),
            Box::new(|p| p["pool"]["times"][0] = json!({"ago": 1u64 << 58})),
            "further from now than 100 years",
        ),
        (
            "a sequence `within` that overflows",
            sequence(),
            Box::new(|p| acc(p, "sequence")["within"] = json!(i64::MAX)),
            "`within` of 9223372036854775807 seconds",
        ),
        (
            "a sequence with same and no property",
            program_json("tests/corpus", "abandoned_this_product"),
            Box::new(|p| acc(p, "same_sequence")["same"] = json!([])),
            "`with same` 0 properties",
        ),
        (
            "a with-same property out of range",
            program_json("tests/corpus", "abandoned_this_product"),
            Box::new(|p| acc(p, "same_sequence")["same"] = json!([99])),
            "property 99",
        ),
        (
            "a count with same of at least 0 events",
            program_json("tests/corpus", "viewed_one_product_3x"),
            Box::new(|p| acc(p, "same_count")["at_least"] = json!(0)),
            "at least 0 events",
        ),
        (
            "a sequence of no steps",
            sequence(),
            Box::new(|p| acc(p, "sequence")["steps"] = json!(0)),
            "a sequence of 0 steps",
        ),
        (
            "a sequence of more steps than state is kept for",
            sequence(),
            Box::new(|p| acc(p, "sequence")["steps"] = json!(65)),
            "a sequence of 65 steps",
        ),
        (
            "a block that names one event twice",
            sequence(),
            Box::new(|p| p["blocks"][0]["on"] = json!({"events": [0, 0]})),
            "names event 0 twice",
        ),
        (
            "two ids for one event name",
            sequence(),
            Box::new(|p| {
                let first = p["events"][0].clone();
                p["events"].as_array_mut().unwrap().push(first);
            }),
            "is listed twice",
        ),
        (
            "a gap between blocks",
            sequence(),
            Box::new(|p| p["blocks"][0]["start"] = json!(1)),
            "does not start where the last one ended",
        ),
        (
            "an update inside a block",
            sequence(),
            Box::new(|p| {
                let end = p["blocks"][0]["end"].as_u64().unwrap() as usize;
                let update = p["code"][end - 1].clone();
                p["code"][0] = update;
            }),
            "must end with its one update",
        ),
        (
            "a span past the code",
            sequence(),
            Box::new(|p| {
                p["spans"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!([1_000_000, [0, 0, 0]]))
            }),
            "span instruction 1000000 out of range",
        ),
        (
            "a percentile of 0%",
            program_json("examples/shop", "top_spenders"),
            Box::new(|p| p["percentiles"][0]["percent"] = json!(0.0)),
            "a percentile of 0%",
        ),
        (
            "a holdout above 100%",
            program_json("tests/corpus", "default_salt"),
            Box::new(|p| p["segments"][0]["holdout"][0] = json!(10_001)),
            "10001 basis points",
        ),
        (
            "an anniversary window of no days",
            program_json("examples/shop", "birthday_week"),
            Box::new(|p| {
                let tests = p["pool"]["tests"].as_array_mut().unwrap();
                let a = tests.iter_mut().find_map(|t| t.get_mut("anniversary"));
                a.unwrap()["days"] = json!(i64::MIN);
            }),
            "an anniversary within -9223372036854775808 days",
        ),
        (
            "a pattern outside the portable subset",
            program_json("tests/corpus", "postcode"),
            Box::new(|p| *matches_pattern(p) = json!("(?i)a")),
            "cannot be used",
        ),
        (
            "a pattern that compiles to more than the size limit",
            program_json("tests/corpus", "postcode"),
            Box::new(|p| *matches_pattern(p) = json!("((((a{1000}){1000}){1000}){1000})")),
            "cannot be used",
        ),
        (
            "more string tests than tables are built for",
            program_json("tests/corpus", "postcode"),
            Box::new(|p| {
                let contains = json!({"text": {"contains": {"string": 0, "ignore_case": false}}});
                p["pool"]["tests"] = json!(vec![contains; 1025]);
            }),
            "1025 string tests",
        ),
        (
            "a list test of 70 000 numbers read once per user",
            program_json("tests/corpus", "postcode"),
            Box::new(|p| {
                p["pool"]["numbers"] = json!([1.0]);
                let tests = p["pool"]["tests"].as_array_mut().unwrap();
                tests.push(json!({"number_in": {"values": vec![0; 70_000], "negated": false}}));
                let test = tests.len() - 1;
                let attribute = p["code"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find_map(|op| op.get_mut("attribute"))
                    .unwrap();
                attribute["test"] = json!(test);
            }),
            "one user may cost 70",
        ),
        (
            "a list test read by thousands of instructions per event",
            sequence(),
            Box::new(|p| {
                // A test with a list of 1000 numbers, read 100 times in
                // block 0: over 100 000 work units for one event.
                let numbers = p["pool"]["numbers"].as_array_mut().unwrap();
                numbers.push(json!(1.0));
                let number = numbers.len() - 1;
                let tests = p["pool"]["tests"].as_array_mut().unwrap();
                tests.push(json!({"number_in": {"values": vec![number; 1000], "negated": false}}));
                let test = tests.len() - 1;
                let read = json!({"property": {"property": 0, "test": test}});
                blow_up_block(p, vec![read; 100]);
            }),
            "one event may cost",
        ),
    ];
    for (name, mut program, damage, message) in cases {
        damage(&mut program);
        let bytes = serde_json::to_vec(&program).unwrap();
        match vm::Program::from_bytes(&bytes) {
            Err(LoadError::Invalid(e)) => assert!(e.contains(message), "{name}: {e}"),
            other => panic!("{name}: not refused as invalid: {other:?}"),
        }
    }
}

/// The pattern string of the first `matches` test.
fn matches_pattern(p: &mut Value) -> &mut Value {
    let string = p["pool"]["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|t| t["text"]["matches"]["string"].as_u64())
        .expect("a matches test") as usize;
    &mut p["pool"]["strings"][string]
}

/// Puts `reads` (each pushing one boolean) at the start of block 0, each
/// followed by a `jump_if_false` past the block's update, and moves every
/// later instruction and jump.
fn blow_up_block(p: &mut Value, reads: Vec<Value>) {
    let added = 2 * reads.len() as u64;
    let end = p["blocks"][0]["end"].as_u64().unwrap() + added;
    let mut code: Vec<Value> = reads
        .into_iter()
        .flat_map(|r| [r, json!({"jump_if_false": end})])
        .collect();
    for op in p["code"].as_array().unwrap() {
        let mut op = op.clone();
        for jump in ["and_jump", "or_jump", "jump_if_false"] {
            if let Some(t) = op.get(jump).and_then(Value::as_u64) {
                op[jump] = json!(t + added);
            }
        }
        code.push(op);
    }
    p["code"] = Value::Array(code);
    for (i, b) in p["blocks"].as_array_mut().unwrap().iter_mut().enumerate() {
        if i > 0 {
            b["start"] = json!(b["start"].as_u64().unwrap() + added);
        }
        b["end"] = json!(b["end"].as_u64().unwrap() + added);
    }
    p["spans"] = json!([]);
}

/// The bounds refuse nothing the compiler emits.
#[test]
fn every_compiled_program_verifies() {
    for (i, seed) in seeds().iter().enumerate() {
        if let Err(e) = vm::Program::from_bytes(seed) {
            panic!("program {i}: {e}");
        }
    }
}

/// What a file cannot spell (instants are RFC 3339 text, numbers are JSON)
/// and the structure of the code: a program built in memory is held to the
/// same bounds.
#[test]
fn programs_built_in_memory_are_held_to_the_same_bounds() {
    type Damage = fn(&mut Program);
    let cases: [(Damage, &str); 6] = [
        (
            |p| p.pool.times = vec![Point::At(Timestamp(i64::MAX))],
            "outside the years 0000 to 9999",
        ),
        (|p| p.pool.numbers[0] = f64::NAN, "not finite"),
        (
            |p| p.code.splice(1..1, vec![Op::PushTrue; 257]).for_each(drop),
            "the stack grows beyond 256",
        ),
        (
            |p| p.code.insert(1, Op::Update(0)),
            "in the wrong part of the program",
        ),
        (
            |p| {
                p.code
                    .splice(1..1, [Op::PushTrue, Op::JumpIfFalse(1)])
                    .for_each(drop)
            },
            "jumps to 1",
        ),
        (|p| p.segments.clear(), "no segments"),
    ];
    for (damage, message) in cases {
        let mut program = bare_regularity();
        damage(&mut program);
        let e = program.verify().unwrap_err();
        assert!(e.contains(message), "{message}: {e}");
    }
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    let bytes = vec![b' '; vm::program::MAX_BYTES + 1];
    let e = vm::Program::from_bytes(&bytes).unwrap_err();
    assert!(e.to_string().contains("more than the"), "{e}");
}

/// "At most one event in at least 2 of the last 2 hours", built by hand
/// with no window in its block (the compiler always adds one).
fn bare_regularity() -> Program {
    Program {
        version: VERSION,
        events: vec!["login".into()],
        created_at: None,
        settings: Default::default(),
        properties: Vec::new(),
        attributes: Vec::new(),
        pool: Pool {
            numbers: vec![1.0],
            ..Pool::default()
        },
        accumulators: vec![Acc::Regularity {
            buckets: 2,
            period_seconds: 3600,
            per_bucket: vec![(Cmp::Le, 0)],
            at_least: 2,
            calendar: None,
        }],
        blocks: vec![Block {
            on: On::Any,
            start: 0,
            end: 1,
        }],
        segments: vec![SegmentInfo {
            name: "r".into(),
            arms: Vec::new(),
            holdout: None,
        }],
        percentiles: Vec::new(),
        code: vec![Op::Update(0), Op::Holds(0), Op::Store(0)],
        spans: Vec::new(),
    }
}

/// Over events at the ends of `i64`: no overflow, and at most N periods.
#[test]
fn a_regularity_without_its_window_stays_in_range() {
    let program = bare_regularity();
    program.verify().unwrap();
    let data = dataset(&corpus_schema());
    let members = vm::run(&program, &data, NOW, DEFAULT_STEP_BUDGET).unwrap();
    // Every user has several events in the last hour, so nobody. Events of the far past
    // (down to i64::MIN) are in no period of the last two; counted, they
    // would make more periods busy than there are.
    assert_eq!(members, Vec::new());
}

/// `segc run vip.segb` in the folder of the file (as `docs/vm.md` shows it).
#[test]
fn a_program_in_the_current_folder_runs() {
    let dir = std::env::temp_dir().join(format!("segc-hostile-{}-cwd", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(common::ROOT);
    std::fs::copy(root.join("examples/shop/segc.toml"), dir.join("segc.toml")).unwrap();
    let shop = root.join("examples/shop");
    let out = common::run(
        &dir,
        &[
            "bytecode",
            shop.to_str().unwrap(),
            "--segment",
            "vip",
            "-o",
            "vip.segb",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events = root.join("tests/fixtures/shop/events.jsonl");
    let users = root.join("tests/fixtures/shop/users.csv");
    let run = |dir: &Path, path: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            path,
            "--events",
            events.to_str().unwrap(),
            "--users",
            users.to_str().unwrap(),
            "--as-of",
            "2026-06-01",
        ];
        args.extend_from_slice(extra);
        common::run(dir, &args, "")
    };
    let from_file = run(&dir, "vip.segb", &[]);
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    let from_source = run(root, "examples/shop", &["--segment", "vip"]);
    assert!(text(&from_file.stdout).starts_with("user_id\n"));
    assert_eq!(text(&from_file.stdout), text(&from_source.stdout));
}
