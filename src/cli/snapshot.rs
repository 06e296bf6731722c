//! `segc snapshot`: the SQL of every segment (what `segc sql --all` prints),
//! one file per segment, committed beside the definitions. `--check` in CI
//! fails with a diff whenever the SQL would change, so that a change to a
//! definition, the schema or the compiler is reviewed as SQL before it
//! reaches a warehouse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use segc::backend::sql::{self, SqlOptions};
use segc::ir;

use super::{exit, parse_instant, segment_sql, sql_project, Fatal, SqlProject};

#[derive(clap::Args)]
pub struct SnapshotArgs {
    /// A project folder, or a .seg file inside one.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The SQL dialect.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(sql::dialect::names()))]
    dialect: String,
    /// Write nothing: compare with the snapshot files, and fail with a diff
    /// when any differs, is missing or has no segment.
    #[arg(long)]
    check: bool,
    /// The snapshot folder (default: PROJECT/snapshots/DIALECT). Its .sql
    /// files belong to segc: one per segment, no others.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Compile as of this instant (RFC 3339, or a date for its start);
    /// default: the engine's current time (the SQL does not change with it).
    #[arg(long, value_name = "INSTANT")]
    as_of: Option<String>,
}

pub fn run(args: &SnapshotArgs) -> Result<ExitCode, Fatal> {
    let as_of = args.as_of.as_deref().map(parse_instant).transpose()?;
    let SqlProject {
        program,
        schema,
        problems,
        sources,
    } = match sql_project(&args.path, &[])? {
        Ok(compiled) => compiled,
        Err(code) => return Ok(code),
    };
    let options = SqlOptions {
        dialect: sql::dialect::by_name(&args.dialect).expect("checked by clap"),
        as_of,
        sources: Some(&sources),
    };
    let segments: Vec<&ir::Segment> = program.segments.iter().collect();
    let compiled: BTreeMap<String, String> = segment_sql(&program, &schema, &segments, &options)?
        .into_iter()
        .collect();
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => project_dir(&args.path)
            .join("snapshots")
            .join(&args.dialect),
    };
    let committed = snapshot_files(&dir)?;
    let mut names: Vec<&String> = compiled.keys().chain(committed.keys()).collect();
    names.sort();
    names.dedup();
    let mut counts = [0usize; 3];
    for name in names {
        let file = dir.join(format!("{name}.sql"));
        let new = compiled.get(name);
        let old = committed.get(name);
        // Counted as changed, new or removed.
        let slot = match (old, new) {
            (Some(old), Some(new)) if old == new => continue,
            (Some(_), Some(_)) => 0,
            (None, _) => 1,
            (Some(_), None) => 2,
        };
        counts[slot] += 1;
        if args.check {
            print!("{}", diff(&file, name, old, new));
            continue;
        }
        let written = match new {
            Some(text) => std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, text)),
            None => std::fs::remove_file(&file),
        };
        written.map_err(|e| Fatal(format!("{}: {e}", file.display())))?;
    }
    let differs = counts.iter().any(|&n| n > 0);
    let [changed, new, removed] = counts;
    let summary = format!("{changed} changed, {new} new, {removed} removed");
    if args.check && differs {
        eprintln!(
            "error: the SQL differs from the snapshots in {} ({summary}); review the diff, then update them with `segc snapshot {} --dialect {}{}`",
            dir.display(),
            args.path.display(),
            args.dialect,
            args.dir
                .as_ref()
                .map(|d| format!(" --dir {}", d.display()))
                .unwrap_or_default()
        );
        return Ok(exit(true));
    }
    if args.check {
        eprintln!(
            "ok: {} snapshot(s) in {} match",
            compiled.len(),
            dir.display()
        );
    } else {
        eprintln!(
            "{} snapshot(s) in {}: {summary}",
            compiled.len(),
            dir.display()
        );
    }
    Ok(exit(problems))
}

/// The folder holding the project: PATH itself, or the project around a file.
fn project_dir(path: &Path) -> PathBuf {
    let folder = segc::sema::folder_of(path);
    if path.is_dir() {
        return folder.to_path_buf();
    }
    segc::sema::find_root(folder).unwrap_or_else(|| folder.to_path_buf())
}

/// The `NAME.sql` files of the snapshot folder (none when it does not exist).
fn snapshot_files(dir: &Path) -> Result<BTreeMap<String, String>, Fatal> {
    let mut files = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(Fatal(format!("{}: {e}", dir.display()))),
    };
    for entry in entries {
        let path = entry?.path();
        let stem = path.file_stem().and_then(|s| s.to_str());
        if let (Some(stem), true) = (stem, path.extension().is_some_and(|e| e == "sql")) {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
            files.insert(stem.to_string(), text);
        }
    }
    Ok(files)
}

/// A unified diff from the committed file to the compiled SQL; a new
/// segment diffs from /dev/null, a removed one to it.
fn diff(file: &Path, segment: &str, old: Option<&String>, new: Option<&String>) -> String {
    let committed = file.display().to_string();
    let compiled = format!("{segment} (compiled)");
    let (from, to) = match (old, new) {
        (None, _) => ("/dev/null", compiled.as_str()),
        (_, None) => (committed.as_str(), "/dev/null"),
        _ => (committed.as_str(), compiled.as_str()),
    };
    let (old, new) = (
        old.map_or("", String::as_str),
        new.map_or("", String::as_str),
    );
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(from, to)
        .to_string()
}
