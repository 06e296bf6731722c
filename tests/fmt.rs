//! `segc fmt` (docs/fmt.md): the formatted text of every corpus file
//! (snapshots); for every Seg text the repository holds, formatting is
//! idempotent and keeps the meaning (the AST, spans aside); comments are
//! kept; and the command line rewrites, checks and reads stdin.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::text;
use segc::fmt::format_source;
use segc::syntax::TokenKind;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `.seg` files directly in `dir`.
fn seg_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
        .collect();
    files.sort();
    files
}

/// The bodies of the fenced blocks tagged `seg` in a Markdown text, with
/// their first line (the extraction of tests/docs.rs).
fn seg_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut current, fence) {
            (None, Some(info)) if info.split_whitespace().next() == Some("seg") => {
                current = Some((n + 1, String::new()));
            }
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Every Seg text of the repository that parses, named for messages: the
/// corpus, the examples, the benchmark's segments, the fixtures of this
/// test, and the `seg` blocks of README.md and docs/*.md. (The product
/// spec's examples are in untagged blocks.)
fn every_text() -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = ["tests/corpus", "examples/shop", "tests/fixtures/fmt"]
        .iter()
        .flat_map(|dir| seg_files(dir))
        .chain([root().join("benches/shape/segments.seg")])
        .map(|p| (p.display().to_string(), read(&p)))
        .collect();
    let mut markdown = vec![root().join("README.md")];
    markdown.extend(
        std::fs::read_dir(root().join("docs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    let mut blocks = 0;
    for path in markdown {
        for (line, body) in seg_blocks(&read(&path)) {
            if segc::parse(0, &body).file.is_some() {
                blocks += 1;
                texts.push((format!("{}:{line}", path.display()), body));
            }
        }
    }
    assert!(blocks >= 50, "only {blocks} seg blocks parse");
    texts
}

fn format(name: &str, text: &str) -> String {
    format_source(text).unwrap_or_else(|d| panic!("{name} does not parse: {d:?}"))
}

/// The AST as JSON without positions: what the text means.
fn meaning(text: &str) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("span");
                // `any event` is a bare span in the AST.
                if map.get("any").is_some_and(|v| v.is_array()) {
                    map.insert("any".into(), serde_json::Value::Null);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(segc::parse(0, text).file).unwrap();
    strip(&mut value);
    value
}

#[test]
fn corpus_formats() {
    insta::glob!("corpus/*.seg", |path| {
        let text = read(path);
        insta::assert_snapshot!(format(&path.display().to_string(), &text));
    });
}

#[test]
fn formatting_twice_changes_nothing() {
    let mut failures = Vec::new();
    for (name, text) in every_text() {
        let once = format(&name, &text);
        let twice = format(&name, &once);
        if twice != once {
            failures.push(format!("{name}:\n{once}\n-- then --\n{twice}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn formatting_keeps_the_meaning() {
    let mut failures = Vec::new();
    for (name, text) in every_text() {
        let formatted = format(&name, &text);
        if meaning(&formatted) != meaning(&text) {
            failures.push(format!("{name}:\n{text}\n-- became --\n{formatted}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn comments_stay_in_their_place() {
    let path = root().join("tests/fixtures/fmt/comments.seg");
    let text = read(&path);
    let formatted = format("comments.seg", &text);
    insta::assert_snapshot!(formatted);
    // Every comment is still there, in the same order.
    let comments = |text: &str| -> Vec<String> {
        let (tokens, _) = segc::tokens(0, text);
        tokens
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Comment | TokenKind::DocComment))
            .map(|t| text[t.span.range()].trim_end().to_string())
            .collect()
    };
    assert_eq!(comments(&formatted), comments(&text));
}

#[test]
fn a_file_that_does_not_parse_is_not_formatted() {
    let diagnostics = format_source("segment a = did \"x\" within\n").unwrap_err();
    assert!(!diagnostics.is_empty());
}

#[test]
fn canonical_spelling() {
    for (text, formatted) in [
        // Keywords in lower case; durations reduced up to days, never to weeks.
        ("DID \"x\" WITHIN 48H\n", "did \"x\" within 2d\n"),
        ("did \"x\" within 14d\n", "did \"x\" within 14d\n"),
        ("did \"x\" within 90m\n", "did \"x\" within 90m\n"),
        // A quantity before a window; `time` agrees with its number.
        (
            "did \"x\" within 7d at least 1 times\n",
            "did \"x\" at least 1 time within 7d\n",
        ),
        (
            "did \"x\" on each of the last 1 days\n",
            "did \"x\" on each of the last 1 day\n",
        ),
        // Backquotes only where needed; `T` and `Z` in upper case.
        (
            "user.`country` = \"ZA\" and `$x` since 2026-01-31t12:00:00z\n",
            "user.country = \"ZA\" and `$x` since 2026-01-31T12:00:00Z\n",
        ),
        // Lists without a trailing comma; a final newline; nothing else.
        ("did any of (\"a\" ,\"b\",)", "did any of (\"a\", \"b\")\n"),
        ("# only a comment", "# only a comment\n"),
        ("\n\n", ""),
    ] {
        assert_eq!(format(text, text), formatted, "{text}");
    }
}

/// Runs the `segc` binary in `dir` with `stdin`.
fn segc(args: &[&str], dir: &Path, stdin: &str) -> Output {
    common::run(dir, args, stdin)
}

const UNFORMATTED: &str = "SEGMENT a =   did \"x\"  WITHIN 24h\n";
const FORMATTED: &str = "segment a = did \"x\" within 1d\n";

/// A throwaway project with one unformatted and one formatted file.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("segc-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.seg"), UNFORMATTED).unwrap();
    std::fs::write(dir.join("b.seg"), "segment b = did \"y\"\n").unwrap();
    dir
}

#[test]
fn check_prints_a_diff_and_writes_nothing() {
    let dir = project("check");
    let out = segc(&["fmt", "--check", "."], &dir, "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let diff = text(&out.stdout);
    assert!(diff.starts_with("--- a/a.seg\n+++ b/a.seg\n"), "{diff}");
    assert!(
        diff.contains(&format!("-{UNFORMATTED}+{FORMATTED}")),
        "{diff}"
    );
    assert!(!diff.contains("b.seg"), "{diff}");
    assert_eq!(read(&dir.join("a.seg")), UNFORMATTED);
    assert!(text(&out.stderr).contains("1 file(s) would be reformatted, 1 unchanged"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_rewrites_then_check_passes() {
    let dir = project("write");
    let out = segc(&["fmt"], &dir, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(read(&dir.join("a.seg")), FORMATTED);
    assert!(text(&out.stderr).contains("formatted 1 file(s), 1 unchanged"));
    let out = segc(&["fmt", "--check", "a.seg"], &dir, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_file_is_reported_and_left_alone() {
    let dir = project("broken");
    let broken = "segment c = did \"x\" within\n";
    std::fs::write(dir.join("c.seg"), broken).unwrap();
    let out = segc(&["fmt", "."], &dir, "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("E0010"), "{stderr}");
    assert!(
        stderr.contains("1 not formatted (syntax errors)"),
        "{stderr}"
    );
    assert_eq!(read(&dir.join("c.seg")), broken);
    // The other files are formatted all the same.
    assert_eq!(read(&dir.join("a.seg")), FORMATTED);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let out = segc(&["fmt", "-"], root(), UNFORMATTED);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), FORMATTED);
    let out = segc(&["fmt", "-", "--check"], root(), UNFORMATTED);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("--- a/<stdin>\n+++ b/<stdin>\n"));
    let out = segc(&["fmt", "-", "--check"], root(), FORMATTED);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = segc(&["fmt", "-"], root(), "did \"x\" within\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_examples_are_formatted() {
    for path in ["examples/shop", "benches/shape"] {
        let out = segc(&["fmt", "--check", path], root(), "");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    }
}
