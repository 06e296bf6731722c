//! Hostile definitions (issue 11): a `.seg` file or `segc.toml` is untrusted
//! input. Control characters are refused with their place, a definition
//! can never run a command through an engine's client, paths are literal,
//! and `segc check` refuses what a supported engine would refuse.

mod common;
mod engines;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::text;

const SCHEMA: &str = include_str!("../examples/shop/segc.toml");

/// A scratch project holding `segc.toml` and the given files.
fn project(name: &str, schema: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("segc-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("segc.toml"), schema).unwrap();
    for (file, bytes) in files {
        std::fs::write(dir.join(file), bytes).unwrap();
    }
    dir
}

fn segc(dir: &Path, args: &[&str]) -> Output {
    let duckdb = engines::duckdb_binary();
    common::run_env(dir, args, "", &[("SEGC_DUCKDB", duckdb.as_ref())])
}

/// The codes a check of one definition reports.
fn codes(source: &str) -> Vec<String> {
    let project = segc::Project::from_sources(Some(SCHEMA), &[("a.seg", source)]);
    segc::check(&project)
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.code.as_str(),
                d.message,
                d.help.as_deref().unwrap_or("")
            )
        })
        .collect()
}

fn assert_refused(source: &str, code: &str, words: &str) {
    let found = codes(source);
    assert!(
        found
            .iter()
            .any(|d| d.starts_with(code) && d.contains(words)),
        "{source:?}: expected {code} saying {words:?}, got {found:?}"
    );
}

/// The attack of the issue: a raw NUL cut the DuckDB CLI's line, so the
/// next literal's text ran as SQL and as the `.shell` command.
#[test]
fn a_raw_nul_is_refused_and_runs_nothing() {
    let marker = std::env::temp_dir().join(format!("segc-pwned-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let attack = format!(
        "segment evil = user.country = \"x\0\" and user.plan = \", FALSE)) ORDER BY user_id;\\n.shell touch {}\\n--\"\n",
        marker.display()
    );
    let dir = project(
        "nul",
        SCHEMA,
        &[
            ("evil.seg", attack.as_bytes()),
            ("events.jsonl", b"{\"user_id\":\"u1\",\"event\":\"login\",\"ts\":\"2026-05-01T00:00:00Z\",\"properties\":{}}\n"),
        ],
    );
    let check = segc(&dir, &["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains("E0008") && stderr.contains("U+0000") && stderr.contains("evil.seg:1:"),
        "{stderr}"
    );
    for args in [
        vec![
            "run",
            ".",
            "--segment",
            "evil",
            "--events",
            "events.jsonl",
            "--engine",
            "duckdb",
        ],
        vec!["sql", ".", "--segment", "evil"],
    ] {
        let out = segc(&dir, &args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).is_empty(),
            "{args:?}: {}",
            text(&out.stdout)
        );
    }
    assert!(!marker.exists(), "the definition ran a command");
}

#[test]
fn control_characters_are_refused_where_they_stand() {
    // Raw in a string (CR from a CR LF pasted in, a bell), in a backquoted
    // name, and in a comment.
    assert_refused("user.country = \"a\rb\"", "E0008", "U+000D");
    assert_refused("user.country = \"a\u{7}b\"", "E0008", "U+0007");
    assert_refused("did \"x\" where `a\tb` = 1", "E0008", "U+0009");
    assert_refused("# note \u{1b}[2J\ntrue", "E0008", "U+001B");
    assert_refused("true \u{85}", "E0008", "U+0085");
    // Escapes stay allowed (and are spelled out in SQL); NUL never is.
    assert!(codes("user.country = \"a\\u{D}\\nb\\tc\"").is_empty());
    assert_refused("user.country = \"a\\u{0}\"", "E0002", "NUL");
    // A raw tab inside a string, and CR LF line ends, are fine.
    assert!(codes("user.country = \"a\tb\"\r\nand true\r\n").is_empty());
}

#[test]
fn a_control_character_is_never_raw_in_the_sql() {
    let dir = project(
        "crlf",
        SCHEMA,
        &[(
            "a.seg",
            b"segment crlf = user.country = \"a\\u{D}\\nb\\u{85}\" and did \"x\\u{202E}\"\n",
        )],
    );
    let out = segc(&dir, &["sql", ".", "--segment", "crlf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sql = text(&out.stdout);
    assert!(
        sql.contains("('a' || chr(13) || chr(10) || 'b' || chr(133))")
            && sql.contains("('x' || chr(8238))"),
        "{sql}"
    );
    segc::backend::sql::check_cli_safe(&sql).unwrap();
}

#[test]
fn bidi_controls_are_a_warning_anywhere() {
    for source in [
        "user.country = \"ZA\u{202E}\"",
        "# \u{2066}hidden\u{2069}\ntrue",
    ] {
        assert!(
            codes(source).iter().any(|d| d.starts_with("W0012")),
            "{source:?}"
        );
    }
}

#[test]
fn a_byte_order_mark_may_open_a_file() {
    assert!(codes("\u{FEFF}segment vip = true").is_empty());
    assert!(codes("\u{FEFF}did \"login\" within 7d").is_empty());
    // Anywhere else it is an invisible character, refused.
    assert_refused("true and \u{FEFF}true", "E0005", "");
}

#[test]
fn schema_names_must_be_visible_text() {
    for (bad, words) in [
        ("table = \"shop.events\\u0000\"", "U+0000"),
        ("table = \"\"", "is empty"),
        ("table = \"shop..events\"", "is empty"),
        ("user_id = \"user\\nid\"", "U+000A"),
        ("timestamp = \"ts\\u202e\"", "U+202E"),
    ] {
        let key = bad.split(' ').next().unwrap();
        let schema: String = SCHEMA
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} ")) && !l.contains("shop.users") {
                    bad
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let project = segc::Project::from_sources(Some(&schema), &[("a.seg", "true")]);
        let found: Vec<String> = segc::check(&project)
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect();
        assert!(
            found
                .iter()
                .any(|d| d.starts_with("E0050") && d.contains(words)),
            "{bad}: {found:?}"
        );
    }
    let schema = SCHEMA.replace("amount = \"number\"", "\"am\\u0000ount\" = \"number\"");
    let project = segc::Project::from_sources(Some(&schema), &[("a.seg", "true")]);
    assert!(segc::check(&project)
        .diagnostics
        .iter()
        .any(|d| d.code.as_str() == "E0050" && d.message.contains("property name")));
}

/// DuckDB expands `[…]` in a path: `ev[1].jsonl` read `ev1.jsonl`.
#[test]
fn paths_are_literal_never_globs() {
    let event = |user: &str| {
        format!("{{\"user_id\":\"{user}\",\"event\":\"login\",\"ts\":\"2026-05-01T00:00:00Z\",\"properties\":{{}}}}\n")
    };
    let dir = project(
        "glob",
        SCHEMA,
        &[
            ("a.seg", b"segment active = did \"login\" within 30d\n"),
            ("ev[1].jsonl", event("from_the_named_file").as_bytes()),
            ("ev1.jsonl", event("from_the_glob_match").as_bytes()),
            (
                "users.csv",
                b"user_id,country,plan,email,signed_up_at,birth_date,marketing_opt_in,lifetime_value\nfrom_the_named_file,,,,,,,\nfrom_the_glob_match,,,,,,,\n",
            ),
        ],
    );
    for engine in ["vm", "duckdb"] {
        let out = segc(
            &dir,
            &[
                "run",
                ".",
                "--segment",
                "active",
                "--events",
                "ev[1].jsonl",
                "--users",
                "users.csv",
                "--as-of",
                "2026-05-02T00:00:00Z",
                "--engine",
                engine,
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{engine}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            text(&out.stdout),
            "user_id\nfrom_the_named_file\n",
            "{engine}"
        );
    }
}

#[test]
fn check_refuses_what_an_engine_would_refuse() {
    // PostgreSQL allows repetition bounds up to 255.
    assert_refused("user.email matches \"x{256}\"", "E0039", "255");
    assert!(codes("user.email matches \"x{255}\"").is_empty());
    // RE2 refuses nested repetitions that multiply past 1000.
    assert_refused("user.email matches \"(a{100}){100}\"", "E0039", "1000");
    assert_refused("user.email matches \"((a{10}){10}b){11}\"", "E0039", "1100");
    assert!(codes("user.email matches \"(a{10}){100}|(b{255})\"").is_empty());
    // Numbers beyond a 64-bit float would print as the SQL identifier `inf`.
    assert_refused(
        &format!("user.lifetime_value > 2{}", "0".repeat(308)),
        "E0009",
        "too large",
    );
    assert!(codes(&format!("user.lifetime_value > 1{}", "0".repeat(300))).is_empty());
    // PostgreSQL has no year 0.
    assert_refused("did \"login\" since 0000-01-01", "E0004", "year 0000");
    assert_refused(
        "did \"login\" before 0000-06-01T00:00:00Z",
        "E0004",
        "year 0000",
    );
    // CTE names derive from segment names; PostgreSQL cuts at 63 bytes.
    let long = "a".repeat(41);
    assert_refused(
        &format!("segment {long} = true"),
        "E0043",
        "the limit is 40",
    );
    assert!(codes(&format!("segment {} = true", "a".repeat(40))).is_empty());
    assert_refused(
        &format!("partition p {{ {long} = true }}"),
        "E0043",
        "the limit is 40",
    );
    // The interpreter keeps one bit per sequence step.
    let steps = |n: usize| vec!["\"login\""; n].join(" then ");
    assert_refused(
        &format!("did {} within 1d", steps(65)),
        "E0043",
        "the limit is 64",
    );
    assert!(!codes(&format!("did {} within 1d", steps(64)))
        .iter()
        .any(|d| d.starts_with('E')));
}

/// A diagnostic's snippet echoes the definition: a raw ESC (or CR, or a bidi
/// override) in it must not reach the terminal, where it would run as an
/// escape sequence or redraw the line.
#[test]
fn snippets_never_echo_control_characters() {
    let source = "segment a = user.country = \"x\u{1b}[2J\ry\" # \u{202E}x\n";
    let project = segc::Project::from_sources(Some(SCHEMA), &[("a.seg", source)]);
    let checked = segc::check(&project);
    let rendered = segc::diagnostics::render_all(
        &checked.diagnostics,
        &project.sources,
        segc::diagnostics::RenderOptions::plain(),
    );
    assert!(
        rendered.contains("U+001B") && rendered.contains("U+000D"),
        "{rendered}"
    );
    assert!(
        !rendered.contains(['\u{1b}', '\r', '\u{202E}']),
        "{rendered:?}"
    );
    assert!(rendered.contains("\"x?[2J?y\""), "{rendered}");
}
