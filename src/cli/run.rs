//! `segc run` (evaluate segments over event files, on the interpreter, on
//! DuckDB or on ClickHouse) and `segc bytecode` (compile, save, load and
//! disassemble).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use segc::backend::vm::{self, Program};
use segc::data::{read_events, read_users, Dataset, DatasetBuilder, ReadOptions, ReadReport};
use segc::ir;
use segc::sema::schema::Schema;
use segc::time::Timestamp;

use super::{clickhouse, duckdb};
use super::{exit, find_segment, load, parse_instant, report_for, Fatal};

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Engine {
    /// The built-in interpreter.
    Vm,
    /// The generated SQL on the DuckDB CLI (`duckdb` on PATH, or SEGC_DUCKDB).
    Duckdb,
    /// The generated SQL on ClickHouse in-process: pip `chdb`, in `python3`
    /// or SEGC_PYTHON.
    Clickhouse,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Vm => "vm",
            Engine::Duckdb => "duckdb",
            Engine::Clickhouse => "clickhouse",
        }
    }

    /// The member rows (a header first), sorted by user id, of `segment`
    /// on a SQL engine.
    pub fn members(
        self,
        inputs: &duckdb::Inputs,
        schema: &Schema,
        program: &ir::Program,
        segment: &ir::Segment,
    ) -> Result<Vec<Vec<String>>, Fatal> {
        match self {
            Engine::Vm => unreachable!("the interpreter runs bytecode, not SQL"),
            Engine::Duckdb => duckdb::run(inputs, schema, program, segment),
            Engine::Clickhouse => clickhouse::run(inputs, schema, program, segment),
        }
    }

    /// The members of each segment on a SQL engine, from one combined query.
    fn counts(
        self,
        inputs: &duckdb::Inputs,
        schema: &Schema,
        program: &ir::Program,
        segments: &[&ir::Segment],
    ) -> Result<Vec<usize>, Fatal> {
        match self {
            Engine::Vm => unreachable!("the interpreter runs bytecode, not SQL"),
            Engine::Duckdb => duckdb::counts(inputs, schema, program, segments),
            Engine::Clickhouse => clickhouse::counts(inputs, schema, program, segments),
        }
    }
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum RowFormat {
    Csv,
    Jsonl,
}

#[derive(clap::Args)]
pub struct RunRequest {
    /// A project folder, a .seg file inside one, or a compiled .segb file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The segment to evaluate.
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub segment: Option<String>,
    /// Every segment: print `segment,members` counts.
    #[arg(long)]
    pub all: bool,
    /// Events: .csv, .jsonl or .parquet, columns named as in segc.toml.
    #[arg(long, value_name = "FILE")]
    pub events: PathBuf,
    /// Users (the universe): required when segc.toml has [users].
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Evaluate as of this instant (RFC 3339, or a date for its start); default: now.
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = Engine::Vm)]
    pub engine: Engine,
    #[arg(long, value_enum, default_value_t = RowFormat::Csv)]
    pub format: RowFormat,
    /// Skip rows that cannot be read (counted in a warning) instead of stopping.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// A compiled program with the schema naming its columns.
struct Compiled {
    schema: Schema,
    /// The IR, when compiled from source (the DuckDB route compiles it to SQL).
    source: Option<ir::Program>,
    /// One program per segment to run, with its IR segment when compiled from source.
    programs: Vec<(Program, Option<ir::Segment>)>,
}

fn is_bytecode(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "segb")
}

/// A `.segb` file, verified on load. At most one byte more than a program
/// may have is read, so a huge file is refused without reading it all.
fn load_bytecode(path: &Path) -> Result<Program, Fatal> {
    use std::io::Read;
    let fail = |e: &dyn std::fmt::Display| Fatal(format!("{}: {e}", path.display()));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(vm::program::MAX_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|e| fail(&e))?;
    Program::from_bytes(&bytes).map_err(|e| fail(&e))
}

/// Compiles the requested segments, or loads a `.segb`; `Err(Ok(code))`
/// when the project has errors (already reported).
fn compile(
    path: &Path,
    segment: Option<&str>,
    all: bool,
) -> Result<Result<Compiled, ExitCode>, Fatal> {
    let project_dir = if is_bytecode(path) {
        // Not `path.parent()`: that is "" for `vip.segb`, which names no folder.
        segc::sema::folder_of(path)
    } else {
        path
    };
    let project = load(project_dir)?;
    let checked = segc::check(&project);
    if is_bytecode(path) {
        let schema = checked
            .schema
            .ok_or_else(|| Fatal(format!("no segc.toml around {}", path.display())))?;
        return Ok(Ok(Compiled {
            schema,
            source: None,
            programs: vec![(load_bytecode(path)?, None)],
        }));
    }
    let selected: Vec<&str> = match all {
        true => Vec::new(),
        false => Vec::from_iter(segment),
    };
    let problems = report_for(&checked, &project.sources, &selected);
    let (Some(program), Some(schema)) = (checked.program, checked.schema) else {
        if problems {
            return Ok(Err(exit(true)));
        }
        return Err(Fatal(format!(
            "segc run needs a segc.toml (column names and types) in {} or a folder above it",
            path.display()
        )));
    };
    let program = segc::backend_program(&program);
    let selected: Vec<ir::Segment> = match (segment, all) {
        (Some(name), _) => vec![find_segment(&program, name, path)?],
        (None, true) => program.segments.clone(),
        (None, false) => match program.segments.as_slice() {
            [only] => vec![only.clone()],
            _ => {
                return Err(Fatal(
                    "choose a segment: --segment NAME (or --all for member counts)".into(),
                ))
            }
        },
    };
    let programs = selected
        .into_iter()
        .map(|s| (vm::compile(&program, &schema, &s), Some(s)))
        .collect();
    Ok(Ok(Compiled {
        schema,
        source: Some(program),
        programs,
    }))
}

/// Without `--as-of`, `now` is the clock: on an export whose newest event is
/// older than the longest window of the selected segments, every windowed
/// condition sees nothing, and segments come out empty without a word. Says
/// so, with the `--as-of` that evaluates as of the data.
fn warn_if_stale(request: &RunRequest, compiled: &Compiled, data: &Dataset, now: i64) {
    if request.as_of.is_some() || super::quiet() {
        return;
    }
    let (Some(source), Some(&newest)) = (&compiled.source, data.event_time.iter().max()) else {
        return;
    };
    let roots: Vec<&ir::Segment> = compiled
        .programs
        .iter()
        .filter_map(|(_, s)| s.as_ref())
        .collect();
    let Some(lookback) = source.longest_lookback(&roots) else {
        return;
    };
    let age = now.saturating_sub(newest);
    if age > lookback.saturating_mul(segc::time::MICROS_PER_SECOND) {
        let days =
            |micros: i64| micros / (segc::time::MICROS_PER_SECOND * segc::time::SECONDS_PER_DAY);
        eprintln!(
            "warning: the newest event ({}) is {} days before now, longer ago than the longest window of these segments ({} days), so every windowed condition sees no events\n  help: to evaluate as of the data, pass --as-of {}",
            Timestamp(newest),
            days(age),
            days(lookback * segc::time::MICROS_PER_SECOND),
            Timestamp(newest)
        );
    }
}

/// `segment,members`, a line per segment: what `--all` prints on every engine.
fn print_counts<'a>(counts: impl IntoIterator<Item = (&'a str, usize)>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "segment,members");
    for (name, members) in counts {
        let _ = writeln!(out, "{name},{members}");
    }
}

fn read_data(request: &RunRequest, schema: &Schema) -> Result<Dataset, Fatal> {
    let options = ReadOptions {
        skip_bad_rows: request.skip_bad_rows,
    };
    let users_table = match (&request.users, &schema.users) {
        (Some(_), None) => return Err(Fatal("--users given, but segc.toml declares no [users] table".into())),
        (None, Some(_)) => {
            return Err(Fatal(
                "segc.toml declares a [users] table: pass it with --users FILE (the universe is every user in it)".into(),
            ))
        }
        (users, _) => users.is_some(),
    };
    let mut builder = DatasetBuilder::new(schema, users_table);
    let warn = |file: &Path, r: &ReadReport| {
        if r.skipped > 0 {
            eprintln!(
                "warning: skipped {} bad row(s) of {} in {}",
                r.skipped,
                r.rows + r.skipped,
                file.display()
            );
            for bad in &r.first_skipped {
                eprintln!("  {bad}");
            }
        }
    };
    if let Some(users) = &request.users {
        let r =
            read_users(users, schema, &mut builder, options).map_err(|e| Fatal(e.to_string()))?;
        warn(users, &r);
    }
    let r = read_events(&request.events, schema, &mut builder, options)
        .map_err(|e| Fatal(e.to_string()))?;
    warn(&request.events, &r);
    let data = builder.finish().map_err(|e| {
        Fatal(format!(
            "{}: {e}",
            request
                .users
                .as_deref()
                .unwrap_or(Path::new("users"))
                .display()
        ))
    })?;
    if data.orphan_events > 0 {
        eprintln!(
            "note: {} event(s) belong to users missing from the users table; they are outside the universe",
            data.orphan_events
        );
    }
    Ok(data)
}

fn current_micros() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since.as_micros() as i64
}

pub fn run(request: &RunRequest) -> Result<ExitCode, Fatal> {
    let now = match &request.as_of {
        Some(text) => parse_instant(text)?.0,
        None => current_micros(),
    };
    let compiled = match compile(&request.path, request.segment.as_deref(), request.all)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    if request.engine != Engine::Vm {
        let engine = request.engine.name();
        let Some(program) = &compiled.source else {
            return Err(Fatal(format!(
                "--engine {engine} compiles the segments from their source, not from a .segb"
            )));
        };
        if request.skip_bad_rows {
            return Err(Fatal(format!(
                "--skip-bad-rows works with --engine vm: {engine} reads every row, so a cross-check needs files without bad rows"
            )));
        }
        // The files pass segc's own readers first, so every engine refuses
        // the same inputs (duplicate keys, ids beyond 64 bits, bad UTF-8,
        // out-of-range timestamps: `docs/vm.md`) instead of the SQL engine
        // reading them its own way.
        let data = read_data(request, &compiled.schema)?;
        warn_if_stale(request, &compiled, &data, now);
        let inputs = duckdb::Inputs {
            events: &request.events,
            users: request.users.as_deref(),
            now,
        };
        let segments: Vec<&ir::Segment> = compiled
            .programs
            .iter()
            .filter_map(|(_, s)| s.as_ref())
            .collect();
        if request.all {
            let counts = request
                .engine
                .counts(&inputs, &compiled.schema, program, &segments)?;
            print_counts(segments.iter().map(|s| s.name.as_str()).zip(counts));
        } else {
            let rows = request
                .engine
                .members(&inputs, &compiled.schema, program, segments[0])?;
            print_rows(request.format, rows);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let data = read_data(request, &compiled.schema)?;
    warn_if_stale(request, &compiled, &data, now);
    let budget = vm::exec::DEFAULT_STEP_BUDGET;
    if request.all {
        let mut counts = Vec::new();
        for (program, _) in &compiled.programs {
            let members = vm::run(program, &data, now, budget).map_err(|e| Fatal(e.to_string()))?;
            let name = &program
                .segments
                .last()
                .expect("verified: a root segment")
                .name;
            counts.push((name.as_str(), members.len()));
        }
        print_counts(counts);
        return Ok(ExitCode::SUCCESS);
    }
    let (program, _) = &compiled.programs[0];
    let members = vm::run(program, &data, now, budget).map_err(|e| Fatal(e.to_string()))?;
    let root = program.segments.last().expect("verified: a root segment");
    let extra = if !root.arms.is_empty() {
        Some("arm")
    } else if root.holdout.is_some() {
        Some("holdout")
    } else {
        None
    };
    let mut rows = vec![std::iter::once("user_id")
        .chain(extra)
        .map(String::from)
        .collect::<Vec<_>>()];
    for m in members {
        let mut row = vec![data.users[m.user as usize].clone()];
        if let Some(arm) = m.arm {
            row.push(root.arms[arm as usize].clone());
        } else if let Some(h) = m.holdout {
            row.push(h.to_string());
        }
        rows.push(row);
    }
    print_rows(request.format, rows);
    Ok(ExitCode::SUCCESS)
}

/// Rows (a header first) as RFC 4180 CSV with LF endings, or JSON lines.
fn print_rows(format: RowFormat, rows: Vec<Vec<String>>) {
    let mut out = std::io::stdout().lock();
    match format {
        RowFormat::Csv => {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(out);
            for row in rows {
                let _ = w.write_record(&row);
            }
            let _ = w.flush();
        }
        RowFormat::Jsonl => {
            // Keys in header order; `holdout` as a JSON boolean.
            let header = &rows[0];
            for row in &rows[1..] {
                let fields: Vec<String> = header
                    .iter()
                    .zip(row)
                    .map(|(k, v)| {
                        let value = match (k.as_str(), v.as_str()) {
                            ("holdout", b @ ("true" | "false")) => b.to_string(),
                            _ => serde_json::Value::String(v.clone()).to_string(),
                        };
                        format!("{}:{value}", serde_json::Value::String(k.clone()))
                    })
                    .collect();
                let _ = writeln!(out, "{{{}}}", fields.join(","));
            }
        }
    }
}

pub fn bytecode(
    path: &Path,
    segment: Option<&str>,
    output: Option<&Path>,
    disasm: bool,
) -> Result<ExitCode, Fatal> {
    let program = if is_bytecode(path) {
        load_bytecode(path)?
    } else {
        match compile(path, segment, false)? {
            Ok(mut c) => c.programs.remove(0).0,
            Err(code) => return Ok(code),
        }
    };
    if let Some(file) = output {
        std::fs::write(file, program.to_bytes())
            .map_err(|e| Fatal(format!("{}: {e}", file.display())))?;
    }
    if disasm || output.is_none() {
        print!("{}", program.disassemble());
    }
    Ok(ExitCode::SUCCESS)
}
