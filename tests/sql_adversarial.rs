//! Hostile text in event names, property values, attribute values, a
//! property key and a holdout salt, executed on DuckDB and PostgreSQL: each
//! string must match exactly itself, and nothing may be injected.

mod engines;

use engines::{ev, user, Case, Layout};
use serde_json::json;

const NASTY: &[&str] = &[
    "it's",
    "''",
    "say \"hi\"",
    r"back\slash",
    r"trailing\",
    r"\'",
    "';DROP TABLE x;--",
    "\";DROP TABLE x;--",
    "line\nbreak",
    "tab\there",
    "héllo 日本 😀",
    "%_ like wildcards",
    "$.a[0]",
    "/a~1b",
    "{\"json\": 1}",
    "İstanbul ΣΑΣ",
    // Control characters: spelled out in SQL, never raw (the DuckDB CLI
    // drops CR, and a raw line break let `.shell` run as a command).
    "cr\rhere",
    "crlf\r\nline",
    "\r",
    "\u{1}\u{7f}\u{85}",
    "lone surrogate \u{FFFD}",
    "x\n.shell touch /tmp/segc-pwned\n--",
    ".read /etc/passwd",
    "\n.open /tmp/segc-pwned.db\n",
    "\\! touch /tmp/segc-pwned",
    "\u{202E}desrever",
];

/// The text as a Seg string literal.
fn seg(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if segc::chars::spelled_out_in_sql(c) => {
                out.push_str(&format!("\\u{{{:X}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn run(layout: Layout) {
    let ids: Vec<String> = (0..NASTY.len()).map(|i| format!("n{i}")).collect();
    let users_of = ids.iter().map(String::as_str);
    let mut users = Vec::new();
    let mut events = Vec::new();
    let mut segments = String::new();
    let mut expected: Vec<(String, String)> = Vec::new();
    let odd_key = "`we'ird \"key\" /~$.[0]`";
    for (i, (text, id)) in NASTY.iter().zip(users_of.clone()).enumerate() {
        users.push(user(id, json!({ "country": text })));
        events.push(ev(id, text, "2026-05-30T00:00:00Z", json!({})));
        events.push(ev(
            id,
            "purchase",
            "2026-05-30T00:00:00Z",
            json!({ "category": text, "we'ird \"key\" /~$.[0]": text }),
        ));
        let s = seg(text);
        // Expected members of the text tests, worked out with Rust's own `str`.
        let having = |test: fn(&str, &str) -> bool| -> String {
            let users = NASTY
                .iter()
                .zip(users_of.clone())
                .filter(|(other, _)| test(other, text));
            users.map(|(_, u)| u).collect::<Vec<_>>().join(" ")
        };
        let containing = having(|a, b| a.contains(b));
        let starting = having(|a, b| a.starts_with(b));
        let ending = having(|a, b| a.ends_with(b));
        let lines = [
            (format!("event{i}"), format!("did {s}"), id.to_string()),
            (
                format!("prop{i}"),
                format!("did \"purchase\" where category = {s}"),
                id.to_string(),
            ),
            (
                format!("key{i}"),
                format!("did \"purchase\" where {odd_key} = {s}"),
                id.to_string(),
            ),
            (
                format!("attr{i}"),
                format!("user.country = {s}"),
                id.to_string(),
            ),
            (
                format!("list{i}"),
                format!("user.country in ({s}, \"zz\")"),
                id.to_string(),
            ),
            (
                format!("contains{i}"),
                format!("user.country contains {s}"),
                containing,
            ),
            (
                format!("starts{i}"),
                format!("user.country starts with {s}"),
                starting,
            ),
            (
                format!("ends{i}"),
                format!("did \"purchase\" where category ends with {s}"),
                ending,
            ),
            (
                format!("salted{i}"),
                format!("user.country = {s} holdout 100% salt {s}"),
                format!("{id}|true"),
            ),
        ];
        for (name, body, members) in lines {
            segments.push_str(&format!("segment {name} = {body}\n"));
            expected.push((name, members));
        }
    }
    let pwned = ["/tmp/segc-pwned", "/tmp/segc-pwned.db"];
    for file in pwned {
        let _ = std::fs::remove_file(file);
    }
    Case {
        layout,
        users,
        events,
        segments: &segments,
        as_of: Some("2026-06-01T00:00:00Z"),
        canary: true,
        expect: expected
            .iter()
            .map(|(n, m)| (n.as_str(), m.as_str()))
            .collect(),
    }
    .run();
    for file in pwned {
        assert!(
            !std::path::Path::new(file).exists(),
            "{file} exists: a string ran as a command"
        );
    }
}

#[test]
fn hostile_text_in_json_properties() {
    run(Layout::Json);
}

#[test]
fn hostile_text_in_property_columns() {
    run(Layout::Columns);
}
