//! `segc check` with the linter's options, and `segc rule`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use segc::diagnostics::{Code, Diagnostic, Severity};
use segc::lint;

use super::{exit, hidden_errors_note, load, report, Fatal, Format};

#[derive(Args)]
pub struct CheckArgs {
    /// A project folder, a .seg file, or - for stdin.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// How to print diagnostics (the same as the global --output-format).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// `--deny warnings`: warnings fail the run (exit 1) too.
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    deny: Option<String>,
    /// Report only these warning codes or rule names (repeatable); errors always.
    #[arg(long, value_name = "CODE")]
    select: Vec<String>,
    /// Do not report these warning codes or rule names (repeatable).
    #[arg(long, value_name = "CODE")]
    ignore: Vec<String>,
}

/// The warning codes a list of codes or rule names means.
fn codes(keys: &[String]) -> Result<Vec<Code>, Fatal> {
    keys.iter()
        .map(|key| {
            lint::rule(key).map(|r| r.code).ok_or_else(|| {
                Fatal(format!(
                    "no rule {key:?}; `segc rule --all` lists the rules"
                ))
            })
        })
        .collect()
}

pub fn run(args: &CheckArgs, global: Format) -> Result<ExitCode, Fatal> {
    let format = args.format.unwrap_or(global);
    let (select, ignore) = (codes(&args.select)?, codes(&args.ignore)?);
    let project = load(&args.path)?;
    let mut checked = segc::check(&project);
    checked.diagnostics.retain(|d: &Diagnostic| {
        d.severity != Severity::Warning
            || ((select.is_empty() || select.contains(&d.code)) && !ignore.contains(&d.code))
    });
    let errors = report(&checked.diagnostics, &project.sources, format);
    let warnings = checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    let failed = errors || checked.hidden_errors > 0 || (args.deny.is_some() && warnings);
    hidden_errors_note(&checked);
    if format == Format::Human && !failed {
        let segments = checked.program.as_ref().map_or(0, |p| p.segments.len());
        eprintln!(
            "ok: {segments} segment(s) in {} file(s)",
            project.seg_files.len()
        );
    }
    Ok(exit(failed))
}

#[derive(Args)]
pub struct RuleArgs {
    /// A rule's code (W0006) or name (unbounded-history).
    #[arg(required_unless_present = "all")]
    rule: Option<String>,
    /// List every rule: code, name and summary.
    #[arg(long, conflicts_with = "rule")]
    all: bool,
}

/// Prints a rule's documentation, or lists the rules.
pub fn rule(args: &RuleArgs) -> Result<ExitCode, Fatal> {
    if args.all {
        for r in lint::RULES {
            println!("{}  {:<24} {}", r.code.as_str(), r.name, r.code.summary());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let key = args.rule.as_deref().unwrap_or_default();
    match lint::rule(key) {
        Some(r) => {
            print!("{}", r.page());
            Ok(ExitCode::SUCCESS)
        }
        None => match key.parse::<Code>() {
            // Errors and notes are not rules, but say what they mean.
            Ok(code) => {
                println!("# {}\n\n{}.", code.as_str(), code.summary());
                Ok(ExitCode::SUCCESS)
            }
            Err(()) => Err(Fatal(format!(
                "no rule or code {key:?}; `segc rule --all` lists the rules"
            ))),
        },
    }
}
