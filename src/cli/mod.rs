//! The `segc` command line. Exit codes: 0 clean, 1 problems found, 2 could
//! not run (I/O, usage).

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod check;
mod clickhouse;
mod duckdb;
mod fmt;
mod run;
mod snapshot;
mod testing;

use segc::backend::sql::{self, Output, SqlOptions};
use segc::diagnostics::{self, Diagnostic, RenderOptions};
use segc::sema::schema::Schema;
use segc::span::SourceMap;
use segc::{ir, sema, time, Checked, Project};

#[derive(Parser)]
#[command(
    name = "segc",
    version,
    about = "The Seg segment compiler: check, inspect and compile segment definitions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How every command prints diagnostics: for people, JSON, GitHub
    /// workflow annotations, or SARIF.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    output_format: Format,
    /// Print no warnings or notes beside a command's output (`run`, `sql`,
    /// `ir`, …); errors are always printed. `check` is unaffected.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check a project, a file or stdin (`-`) and report every problem,
    /// lint warnings included.
    Check(check::CheckArgs),
    /// Print a lint rule's documentation (`segc rule W0006`), or list them (`--all`).
    Rule(check::RuleArgs),
    /// Print the syntax tree of one file as JSON.
    Parse {
        /// A .seg file, or - for stdin.
        file: PathBuf,
    },
    /// Print the typed IR of a project or file.
    Ir {
        /// A project folder, a .seg file, or - for stdin.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Only this segment.
        #[arg(long)]
        segment: Option<String>,
        /// JSON instead of the readable text form.
        #[arg(long)]
        json: bool,
        /// After the optimizer (what the backends compile).
        #[arg(long)]
        optimized: bool,
    },
    /// Show what the optimizer does to a segment: before, the passes that fired, after.
    Explain {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_name = "NAME")]
        segment: String,
    },
    /// Compile segments to SQL for a warehouse.
    Sql {
        /// A project folder or a .seg file inside one (SQL needs segc.toml).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// A segment to compile (repeatable).
        #[arg(long = "segment", value_name = "NAME", conflicts_with = "all")]
        segments: Vec<String>,
        /// Every segment of the project.
        #[arg(long)]
        all: bool,
        /// The SQL dialect.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(sql::dialect::names()), default_value = "duckdb")]
        dialect: String,
        /// Evaluate as of this instant (RFC 3339, or a date for its start);
        /// default: the engine's current time.
        #[arg(long, value_name = "INSTANT")]
        as_of: Option<String>,
        /// Write one NAME.sql file per segment (or combined.sql) into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// One query: `user_id` and one column per segment, for every user.
        #[arg(long)]
        combined: bool,
    },
    /// Evaluate a segment over event files and print its members.
    Run(run::RunRequest),
    /// Run the *.segtest.toml files of a project: fixtures, and the members
    /// each segment must have (docs/testing.md).
    Test(testing::TestArgs),
    /// Write the SQL of every segment to snapshot files, or `--check` them
    /// and show a diff (docs/testing.md).
    Snapshot(snapshot::SnapshotArgs),
    /// Rewrite .seg files in the canonical layout; --check shows a diff instead.
    Fmt(fmt::FmtArgs),
    /// Compile a segment to bytecode: save it (-o) and/or print the disassembly.
    Bytecode {
        /// A project folder, a .seg file inside one, or a .segb file to load and check.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_name = "NAME")]
        segment: Option<String>,
        /// Write the program to FILE.segb.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Print the disassembly (the default without -o).
        #[arg(long)]
        disasm: bool,
    },
    /// Write deterministic example shop data: DIR/users.csv and DIR/events.jsonl
    /// (the layout of examples/shop/segc.toml).
    Generate {
        dir: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        users: u64,
        /// Average sessions per user.
        #[arg(long, default_value_t = 12.0)]
        sessions: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Every user about equally active (default: skewed, a few very active users).
        #[arg(long)]
        uniform: bool,
        /// The end of the generated history (default 2026-06-01).
        #[arg(long, value_name = "INSTANT", default_value = "2026-06-01")]
        until: String,
    },
    /// Print the tokens of one file, one a line (or as JSON).
    Tokens {
        /// A .seg file, or - for stdin.
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    Human,
    Json,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// The global `--output-format`, for commands that report diagnostics
/// beside their own output.
static OUTPUT_FORMAT: std::sync::OnceLock<Format> = std::sync::OnceLock::new();
static QUIET: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn output_format() -> Format {
    OUTPUT_FORMAT.get().copied().unwrap_or(Format::Human)
}

/// A failure to run at all: exit code 2.
struct Fatal(String);

/// A construct the chosen dialect cannot express: exit status 2, as for any
/// failure that is not a diagnostic in the segments.
impl From<sql::Unsupported> for Fatal {
    fn from(e: sql::Unsupported) -> Fatal {
        Fatal(e.to_string())
    }
}

impl From<std::io::Error> for Fatal {
    fn from(e: std::io::Error) -> Fatal {
        Fatal(e.to_string())
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    OUTPUT_FORMAT.get_or_init(|| cli.output_format);
    QUIET.get_or_init(|| cli.quiet);
    let result = match cli.command {
        Command::Check(args) => check::run(&args, cli.output_format),
        Command::Rule(args) => check::rule(&args),
        Command::Parse { file } => parse(&file),
        Command::Ir {
            path,
            segment,
            json,
            optimized,
        } => print_ir(&path, segment.as_deref(), json, optimized),
        Command::Explain { path, segment } => explain(&path, &segment),
        Command::Tokens { file, json } => tokens(&file, json),
        Command::Run(request) => run::run(&request),
        Command::Test(args) => testing::run(&args),
        Command::Snapshot(args) => snapshot::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Generate {
            dir,
            users,
            sessions,
            seed,
            uniform,
            until,
        } => generate(&dir, users, sessions, seed, !uniform, &until),
        Command::Bytecode {
            path,
            segment,
            output,
            disasm,
        } => run::bytecode(&path, segment.as_deref(), output.as_deref(), disasm),
        Command::Sql {
            path,
            segments,
            all,
            dialect,
            as_of,
            out,
            combined,
        } => {
            let request = SqlRequest {
                segments,
                all,
                dialect: sql::dialect::by_name(&dialect).expect("checked by clap"),
                as_of,
                out,
                combined,
            };
            compile_sql(&path, &request)
        }
    };
    match result {
        Ok(code) => code,
        Err(Fatal(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn read_stdin() -> Result<String, Fatal> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Fatal(format!("<stdin>: {e}")))?;
    Ok(text)
}

fn load(path: &Path) -> Result<Project, Fatal> {
    if is_stdin(path) {
        let cwd = std::env::current_dir()?;
        return Ok(Project::load_stdin(read_stdin()?, &cwd)?);
    }
    Ok(Project::load(path)?)
}

/// One file's text and a source map holding it as file 0.
fn load_one(path: &Path) -> Result<(SourceMap, String), Fatal> {
    let (name, text) = if is_stdin(path) {
        ("<stdin>".to_string(), read_stdin()?)
    } else {
        let text =
            std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        (path.display().to_string(), text)
    };
    let mut sources = SourceMap::default();
    sources.add(name, text.clone());
    Ok((sources, text))
}

fn render_options() -> RenderOptions {
    let tty = std::io::stderr().is_terminal();
    RenderOptions {
        color: tty && std::env::var_os("NO_COLOR").is_none(),
        width: 100,
    }
}

/// Prints diagnostics in the chosen format: for people on stderr, for
/// machines on stdout. Says whether any is an error.
fn report(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> bool {
    print_diagnostics(diags, sources, format, false)
}

/// Prints diagnostics in the global `--output-format`, always on stderr:
/// for commands whose stdout is their result (SQL, IR, members).
/// Whether `--quiet` was given: beside a command's output, errors only.
fn quiet() -> bool {
    QUIET.get().copied().unwrap_or(false)
}

/// Prints diagnostics beside a command's output (on stderr); with
/// `--quiet`, errors only. Returns whether there were errors.
fn report_aside(diags: &[Diagnostic], sources: &SourceMap) -> bool {
    if quiet() {
        let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
        return print_diagnostics(&errors, sources, output_format(), true);
    }
    print_diagnostics(diags, sources, output_format(), true)
}

/// [`report_aside`] for a command that acts on the `selected` segments (all
/// when empty): only the warnings of those and of what they use.
fn report_for(checked: &segc::Checked, sources: &SourceMap, selected: &[&str]) -> bool {
    if selected.is_empty() {
        report_aside(&checked.diagnostics, sources)
    } else {
        report_aside(&checked.diagnostics_for(selected), sources)
    }
}

fn print_diagnostics(
    diags: &[Diagnostic],
    sources: &SourceMap,
    format: Format,
    aside: bool,
) -> bool {
    if format == Format::Human {
        eprint!(
            "{}",
            diagnostics::render_all(diags, sources, render_options())
        );
    } else if aside {
        eprintln!("{}", machine_text(diags, sources, format));
    } else {
        println!("{}", machine_text(diags, sources, format));
    }
    diagnostics::has_errors(diags)
}

fn machine_text(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    let pretty = |v| serde_json::to_string_pretty(&v).expect("JSON of diagnostics");
    match format {
        Format::Json => pretty(diagnostics::to_json(diags, sources)),
        Format::Sarif => pretty(diagnostics::to_sarif(diags, sources)),
        Format::Github | Format::Human => diagnostics::to_github(diags, sources)
            .trim_end()
            .to_string(),
    }
}

fn exit(problems: bool) -> ExitCode {
    if problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn hidden_errors_note(checked: &Checked) {
    if checked.hidden_errors > 0 {
        eprintln!(
            "note: {} error(s) in other files of this project; run `segc check` on the project folder to see them",
            checked.hidden_errors
        );
    }
}

fn parse(file: &Path) -> Result<ExitCode, Fatal> {
    let (sources, text) = load_one(file)?;
    let parsed = segc::parse(0, &text);
    let problems = report_aside(&parsed.diagnostics, &sources);
    if let Some(ast) = parsed.file {
        println!(
            "{}",
            serde_json::to_string_pretty(&ast).expect("JSON of the AST")
        );
    }
    Ok(exit(problems))
}

fn print_ir(
    path: &Path,
    segment: Option<&str>,
    json: bool,
    optimized: bool,
) -> Result<ExitCode, Fatal> {
    let project = load(path)?;
    let checked = segc::check(&project);
    let problems = report_for(
        &checked,
        &project.sources,
        Vec::from_iter(segment).as_slice(),
    );
    hidden_errors_note(&checked);
    let Some(mut program) = checked.program else {
        return Ok(exit(true));
    };
    if optimized {
        program = segc::opt::optimize(&program, true).0;
    }
    if let Some(name) = segment {
        program.segments = vec![find_segment(&program, name, path)?];
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&program).expect("JSON of the IR")
        );
    } else {
        print!("{}", ir::pretty(&program));
    }
    Ok(exit(problems))
}

fn explain(path: &Path, name: &str) -> Result<ExitCode, Fatal> {
    let project = load(path)?;
    let checked = segc::check(&project);
    let problems = report_for(&checked, &project.sources, &[name]);
    let Some(program) = checked.program else {
        return Ok(exit(true));
    };
    let before = find_segment(&program, name, path)?;
    let (optimized, reports) = segc::opt::optimize(&program, true);
    let after = optimized.select(name).expect("the same segments");
    let one = |s: ir::Segment| {
        ir::pretty(&ir::Program {
            segments: vec![s],
            settings: Default::default(),
        })
    };
    println!("before:\n{}", one(before));
    let report = reports
        .iter()
        // An arm (`P.arm`) is optimized as part of its partition.
        .find(|r| r.segment == name.split('.').next().unwrap_or(name))
        .expect("a report per segment");
    println!("passes:");
    if report.fired.is_empty() {
        println!("  (none changed anything)");
    }
    for (pass, times) in &report.fired {
        println!("  {pass} ×{times}");
    }
    for span in &report.redundant {
        let file = project.sources.get(span.file);
        let (line, col) = project.sources.line_col(span.file, span.start);
        println!(
            "  redundant: {}:{line}:{col} `{}`",
            file.path,
            &file.text[span.start as usize..span.end as usize]
        );
    }
    println!("after:\n{}", one(after));
    Ok(exit(problems))
}

fn generate(
    dir: &Path,
    users: u64,
    sessions: f64,
    seed: u64,
    skewed: bool,
    until: &str,
) -> Result<ExitCode, Fatal> {
    use segc::data::generate::{write_dir, Shape};
    let until = parse_instant(until)?.0;
    let shape = Shape {
        users,
        skewed,
        sessions,
        seed,
        until,
    };
    let events =
        write_dir(shape, dir).map_err(|(path, e)| Fatal(format!("{}: {e}", path.display())))?;
    eprintln!(
        "wrote {users} users and {events} events to {}",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

struct SqlRequest {
    segments: Vec<String>,
    all: bool,
    dialect: &'static dyn sql::Dialect,
    as_of: Option<String>,
    out: Option<PathBuf>,
    combined: bool,
}

/// The segment (or `P.arm`) a `--segment NAME` selects, or an error with
/// the nearest name.
fn find_segment(program: &ir::Program, name: &str, path: &Path) -> Result<ir::Segment, Fatal> {
    program.select(name).ok_or_else(|| {
        let names = program.selectable_names();
        let hint = sema::suggest(name, names.iter().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        Fatal(format!("no segment `{name}` in {}{hint}", path.display()))
    })
}

/// `--as-of`: an RFC 3339 timestamp, or a date meaning its first instant.
fn parse_instant(text: &str) -> Result<time::Timestamp, Fatal> {
    time::parse_instant(text).map_err(|e| {
        Fatal(format!(
            "--as-of {text}: {}; write e.g. 2026-01-31T12:00:00Z or 2026-01-31",
            e.0
        ))
    })
}

/// A checked project as the SQL backend compiles it.
struct SqlProject {
    /// The optimized program.
    program: ir::Program,
    schema: Schema,
    /// Whether problems were reported.
    problems: bool,
    /// The definitions, which the SQL's comments quote.
    sources: segc::span::SourceMap,
}

/// The project at `path` as the SQL backend compiles it; `Err(code)` when
/// the project has errors (already reported). Shared by `sql` and `snapshot`.
fn sql_project(path: &Path, selected: &[&str]) -> Result<Result<SqlProject, ExitCode>, Fatal> {
    let project = load(path)?;
    let checked = segc::check(&project);
    let problems = report_for(&checked, &project.sources, selected);
    hidden_errors_note(&checked);
    match (checked.program, checked.schema) {
        (Some(program), Some(schema)) => Ok(Ok(SqlProject {
            program: segc::backend_program(&program),
            schema,
            problems,
            sources: project.sources,
        })),
        (Some(_), None) => Err(Fatal(format!(
            "SQL needs a segc.toml (tables, columns, types) in {} or a folder above it",
            path.display()
        ))),
        (None, _) => Ok(Err(exit(true))),
    }
}

/// `(segment name, SQL)` for each segment: what `segc sql` prints and what
/// `--out` and `segc snapshot` write to NAME.sql.
fn segment_sql(
    program: &ir::Program,
    schema: &Schema,
    segments: &[&ir::Segment],
    options: &SqlOptions,
) -> Result<Vec<(String, String)>, Fatal> {
    segments
        .iter()
        .map(|segment| {
            let text = segc::to_sql(program, schema, Output::Members(segment), options)?;
            Ok((segment.name.clone(), text))
        })
        .collect()
}

fn compile_sql(path: &Path, request: &SqlRequest) -> Result<ExitCode, Fatal> {
    let as_of = request.as_of.as_deref().map(parse_instant).transpose()?;
    let named: Vec<&str> = match request.all {
        true => Vec::new(),
        false => request.segments.iter().map(String::as_str).collect(),
    };
    let SqlProject {
        program,
        schema,
        problems,
        sources,
    } = match sql_project(path, &named)? {
        Ok(compiled) => compiled,
        Err(code) => return Ok(code),
    };
    let program = &program;
    let selected: Vec<ir::Segment> =
        if request.all || (request.combined && request.segments.is_empty()) {
            program.segments.clone()
        } else if request.segments.is_empty() {
            match program.segments.as_slice() {
                [only] => vec![only.clone()],
                _ => {
                    return Err(Fatal(
                        "choose the segments: --segment NAME (repeatable) or --all".into(),
                    ))
                }
            }
        } else {
            request
                .segments
                .iter()
                .map(|name| find_segment(program, name, path))
                .collect::<Result<_, _>>()?
        };
    let selected: Vec<&ir::Segment> = selected.iter().collect();
    let options = SqlOptions {
        dialect: request.dialect,
        as_of,
        sources: Some(&sources),
    };
    let outputs = if request.combined {
        let text = segc::to_sql(program, &schema, Output::Combined(selected), &options)?;
        vec![("combined".to_string(), text)]
    } else {
        segment_sql(program, &schema, &selected, &options)?
    };
    match &request.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Fatal(format!("{}: {e}", dir.display())))?;
            for (name, text) in &outputs {
                let file = dir.join(format!("{name}.sql"));
                std::fs::write(&file, text)
                    .map_err(|e| Fatal(format!("{}: {e}", file.display())))?;
            }
        }
        // Each query's header comment names its segment.
        None => {
            let texts: Vec<&str> = outputs.iter().map(|(_, text)| text.as_str()).collect();
            print!("{}", texts.join("\n"));
        }
    }
    Ok(exit(problems))
}

fn tokens(file: &Path, json: bool) -> Result<ExitCode, Fatal> {
    let (sources, text) = load_one(file)?;
    let (tokens, diags) = segc::tokens(0, &text);
    let problems = report_aside(&diags, &sources);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&tokens).expect("JSON of tokens")
        );
    } else {
        for t in &tokens {
            println!(
                "{:<12} {:>5}..{:<5} {}",
                format!("{:?}", t.kind).to_lowercase(),
                t.span.start,
                t.span.end,
                &text[t.span.range()].escape_debug()
            );
        }
    }
    Ok(exit(problems))
}
