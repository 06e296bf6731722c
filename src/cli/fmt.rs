//! `segc fmt`: rewrites `.seg` files in the canonical layout (`docs/fmt.md`),
//! or with `--check` writes nothing and shows what would change.

use std::path::PathBuf;
use std::process::ExitCode;

use segc::span::SourceMap;
use segc::Project;

use super::{exit, is_stdin, read_stdin, report_aside, Fatal};

#[derive(clap::Args)]
pub struct FmtArgs {
    /// A project folder (every .seg file below it), a .seg file, or - to
    /// format stdin to stdout.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write nothing: print a diff for each file that would change, and exit
    /// 1 if any would.
    #[arg(long)]
    pub check: bool,
}

/// How many files each way went, for the summary line.
#[derive(Default)]
struct Tally {
    changed: usize,
    unchanged: usize,
    broken: usize,
}

pub fn run(args: &FmtArgs) -> Result<ExitCode, Fatal> {
    if is_stdin(&args.path) {
        return stdin(args.check);
    }
    let project = Project::load(&args.path)?;
    let files: Vec<_> = match project.focus {
        Some(file) => vec![file],
        None => project.seg_files.iter().map(|(file, _)| *file).collect(),
    };
    let mut tally = Tally::default();
    for file in files {
        let source = project.sources.get(file);
        let Some(formatted) = format_or_report(&source.path, &source.text) else {
            tally.broken += 1;
            continue;
        };
        if formatted == source.text {
            tally.unchanged += 1;
            continue;
        }
        tally.changed += 1;
        if args.check {
            print_diff(&source.path, &source.text, &formatted);
        } else {
            std::fs::write(&source.path, formatted)
                .map_err(|e| Fatal(format!("{}: {e}", source.path)))?;
        }
    }
    let broken = if tally.broken > 0 {
        format!(", {} not formatted (syntax errors)", tally.broken)
    } else {
        String::new()
    };
    let changed = if args.check {
        format!("{} file(s) would be reformatted", tally.changed)
    } else {
        format!("formatted {} file(s)", tally.changed)
    };
    eprintln!("{changed}, {} unchanged{broken}", tally.unchanged);
    Ok(exit(tally.broken > 0 || (args.check && tally.changed > 0)))
}

/// Standard input to standard output; with `--check`, a diff when it would
/// change.
fn stdin(check: bool) -> Result<ExitCode, Fatal> {
    let text = read_stdin()?;
    let Some(formatted) = format_or_report("<stdin>", &text) else {
        return Ok(exit(true));
    };
    let changed = formatted != text;
    if !check {
        print!("{formatted}");
    } else if changed {
        print_diff("<stdin>", &text, &formatted);
    }
    Ok(exit(check && changed))
}

/// The formatted text, or `None` after reporting why the file does not
/// parse (on stderr, in the global `--output-format`: stdout is for the
/// formatted text and the diffs).
fn format_or_report(path: &str, text: &str) -> Option<String> {
    segc::fmt::format_source(text)
        .map_err(|diagnostics| {
            let mut sources = SourceMap::default();
            sources.add(path, text);
            report_aside(&diagnostics, &sources);
        })
        .ok()
}

fn print_diff(path: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    print!(
        "{}",
        diff.unified_diff()
            .header(&format!("a/{path}"), &format!("b/{path}"))
    );
}
