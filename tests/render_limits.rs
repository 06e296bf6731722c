//! Diagnostics on long lines (issue 11): a label past column 65 535 used to
//! panic in miette, and thousands of warnings on one line of 200 000
//! characters took minutes and gigabytes, because miette drew the whole
//! line for each. Now a long line is shown as an excerpt under its real
//! `file:line:column`, and no line longer than the limit reaches miette.

mod common;

use std::path::{Path, PathBuf};

use segc::diagnostics::{render_all, RenderOptions};
use segc::Project;

use common::text;

/// The longest line the renderer draws whole is 1 000 bytes; an excerpt
/// adds the `…` marks, the gutter and the line number.
const LONGEST_OUTPUT_LINE: usize = 1_100;

/// A scratch project with the example schema (it has an event catalog).
fn project(name: &str, seg: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("segc-render-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(common::ROOT);
    std::fs::copy(root.join("examples/shop/segc.toml"), dir.join("segc.toml")).unwrap();
    std::fs::write(dir.join("long.seg"), seg).unwrap();
    dir
}

#[test]
fn an_error_past_column_65535_names_its_line_and_column() {
    let line = format!(
        "segment a = did \"login\"{} and did 5\n",
        " ".repeat(70_000)
    );
    let column = line.find('5').unwrap() + 1;
    let dir = project("column", &line);
    let out = common::run(&dir, &["check", "long.seg"], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("[long.seg:1:{column}]")),
        "{stderr}"
    );
    assert!(stderr.contains("found `5`"), "{stderr}");
    let longest = stderr.lines().map(|l| l.len()).max().unwrap();
    assert!(longest < LONGEST_OUTPUT_LINE, "a line of {longest} bytes");
    // Machines get the same place.
    let out = common::run(&dir, &["check", "long.seg", "--format", "json"], "");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let label = &json["diagnostics"][0]["labels"][0];
    assert_eq!(
        (label["line"].as_u64(), label["column"].as_u64()),
        (Some(1), Some(column as u64))
    );
}

/// 2 000 unknown events on one line of ~200 000 characters: every
/// diagnostic is drawn on an excerpt, so the output grows with the number
/// of diagnostics, not with it times the line.
#[test]
fn many_diagnostics_on_one_long_line_render_in_linear_size() {
    let parts: Vec<String> = (0..2000).map(|i| format!("did \"x{i}\"")).collect();
    let line = format!(
        "segment a = {}\n",
        parts.join(&format!("{}or ", " ".repeat(85)))
    );
    assert!(line.len() > 190_000);
    let dir = project("many", &line);
    let project = Project::load(&dir).unwrap();
    let checked = segc::check(&project);
    let located = checked
        .diagnostics
        .iter()
        .filter(|d| d.span().is_some())
        .count();
    assert!(located >= 2000, "{located} diagnostics");
    let out = render_all(
        &checked.diagnostics,
        &project.sources,
        RenderOptions::plain(),
    );
    // miette draws every source line it is given whole: a long line handed
    // to it would show here, once per diagnostic.
    let longest = out.lines().map(str::len).max().unwrap();
    assert!(longest < LONGEST_OUTPUT_LINE, "a line of {longest} bytes");
    // Each diagnostic takes a bounded share of the output.
    assert!(
        out.len() < located * 2 * LONGEST_OUTPUT_LINE,
        "{} bytes for {located} diagnostics",
        out.len()
    );
    assert!(out.contains("long.seg:1:17]"), "the first names its place");
    let last = line.rfind("\"x1999\"").unwrap() + 1;
    assert!(
        out.contains(&format!("long.seg:1:{last}]")),
        "the last names its place"
    );
}

/// A short line next to a long one keeps its usual snippet; the long line
/// is left out of its context instead of drawn.
#[test]
fn a_long_neighbour_line_is_left_out_of_the_context() {
    let seg = format!(
        "# {}\nsegment a = did 5\n# {}\n",
        "x".repeat(5_000),
        "y".repeat(5_000)
    );
    let dir = project("neighbour", &seg);
    let out = common::run(&dir, &["check", "long.seg"], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("[long.seg:2:17]"), "{stderr}");
    assert!(stderr.contains(" 2 │ segment a = did 5"), "{stderr}");
    assert!(
        !stderr.contains("xxxx") && !stderr.contains("yyyy"),
        "{stderr}"
    );
}
