//! Spec v0.2's settled points (section 9), on every engine the tests run
//! and on the interpreter, with hand-computed boundary cases: dates in
//! lists, string ordering by code point, `\d \w \s` inside classes, and
//! the regex and case-folding traps of particular engines.
//! (`between` and `holdout 0%` are in `sql_semantics.rs`.)

mod engines;

use engines::{ev, user, Case, Layout};
use serde_json::json;

const NOW: Option<&str> = Some("2026-06-01T00:00:00Z");

/// Dates in `in (…)` against a timestamp are whole days; timestamps are
/// instants; the two mix in one list (spec §3.7).
#[test]
fn dates_in_lists_are_whole_days() {
    let signed = |id: &str, at: &str| user(id, json!({ "signed_up_at": at }));
    Case {
        layout: Layout::Json,
        users: vec![
            signed("d0", "2026-05-01T00:00:00Z"), // first instant of the day
            signed("d1", "2026-05-01T23:59:59.999999Z"), // last instant
            signed("d2", "2026-05-02T00:00:00Z"), // the next day
            signed("t0", "2026-05-03T12:00:00Z"), // exactly the listed instant
            signed("t1", "2026-05-03T12:00:00.000001Z"), // a microsecond later
            signed("t2", "2026-04-30T23:59:59.999999Z"), // the day before
            user("none", json!({})),
        ],
        events: vec![ev("d0", "login", "2026-05-01T00:00:00Z", json!({}))],
        segments: r#"
            segment listed = user.signed_up_at in (2026-05-01, 2026-05-03T12:00:00Z)
            segment unlisted = user.signed_up_at not in (2026-05-03T12:00:00Z, 2026-05-01)
            segment whole_days = user.signed_up_at in (2026-05-01, 2026-05-02)
            segment not_days = user.signed_up_at not in (2026-05-01, 2026-05-02)
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("listed", "d0 d1 t0"),
            // A missing value is in no list, and `not in` is false for it.
            ("unlisted", "d2 t1 t2"),
            ("whole_days", "d0 d1 d2"),
            ("not_days", "t0 t1 t2"),
        ],
    }
    .run();
}

/// `<`, `<=`, `>`, `>=` on strings compare code points (UTF-8 bytes), never
/// a locale's collation: `Z` < `a` < `é` < `😀`, and a prefix sorts first.
#[test]
fn strings_order_by_code_point() {
    let country = |id: &str, c: &str| user(id, json!({ "country": c }));
    Case {
        layout: Layout::Json,
        users: vec![
            country("upper", "Z"),
            country("lower", "a"),
            country("prefix", "ab"),
            country("accent", "é"),
            country("emoji", "😀"),
            country("empty", ""),
            user("none", json!({})),
        ],
        events: vec![ev(
            "upper",
            "purchase",
            "2026-05-01T00:00:00Z",
            json!({ "category": "b" }),
        )],
        segments: r#"
            segment below_a = user.country < "a"
            segment from_a = user.country >= "a"
            segment after_ab = user.country > "ab"
            segment up_to_e = user.country <= "é"
            segment prop = did "purchase" where category > "a"
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("below_a", "empty upper"),
            ("from_a", "accent emoji lower prefix"),
            ("after_ab", "accent emoji"),
            ("up_to_e", "accent empty lower prefix upper"),
            ("prop", "upper"),
        ],
    }
    .run();
}

/// `\d \w \s` are the exact ASCII sets, also inside `[...]` (spec §3.7).
#[test]
fn escapes_inside_classes_are_ascii_sets() {
    let email = |id: &str, e: &str| user(id, json!({ "email": e }));
    Case {
        layout: Layout::Json,
        users: vec![
            email("digit", "7"),
            email("arabic_digit", "٣"),
            email("under", "_"),
            email("letter", "q"),
            email("accented", "é"),
            email("space", " "),
            email("vtab", "\u{b}"),
            email("nbsp", "\u{a0}"),
            email("dash", "-"),
        ],
        events: vec![],
        segments: r#"
            segment digit_or_dash = user.email matches "^[\\d-]$"
            segment word = user.email matches "^[\\w]$"
            segment blank_or_under = user.email matches "^[\\s_]$"
            segment not_word = user.email matches "^[^\\w\\s]$"
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("digit_or_dash", "dash digit"),
            ("word", "digit letter under"),
            ("blank_or_under", "space under vtab"),
            ("not_word", "accented arabic_digit dash nbsp"),
        ],
    }
    .run();
}

/// Where engines' regexes and `lower` read text their own way (spec §3.7):
/// `$` is the end of the value only (Java's also matches before a final
/// line break), `\s` has exactly its six characters (Java's `\v` in a class
/// is every vertical space), and `ignoring case` is the simple mapping (`İ`
/// to `i`, every `Σ` to `σ`; ICU maps `İ` to two characters and a final `Σ`
/// to `ς`).
#[test]
fn regex_anchors_spaces_and_case_folding_read_alike_everywhere() {
    let country = |id: &str, c: &str| user(id, json!({ "country": c }));
    Case {
        layout: Layout::Json,
        users: vec![
            country("plain", "a"),
            country("newline", "a\n"),
            country("crlf", "a\r\n"),
            country("next_line", "a\u{85}"),
            country("separator", "a\u{2028}"),
            country("vtab", "\u{b}"),
            country("ampersand", "&"),
            // KELVIN SIGN: its simple lowercase is the one-byte `k`.
            country("kelvin", "\u{212A}"),
            country("nel", "\u{85}"),
            country("turkish", "İSTANBUL ΣΑΣ"),
            country("sigma", "ΑΣ"),
        ],
        events: vec![],
        segments: r#"
            segment ends_a = user.country matches "a$"
            segment class_ops = user.country matches "^[a&&b]$"
            segment kelvin = user.country = "k" ignoring case
            segment one_space = user.country matches "^\\s$"
            segment istanbul = user.country = "istanbul σασ" ignoring case
            segment final_sigma = user.country ends with "ασ" ignoring case
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("ends_a", "plain"),
            // `&&` in a class is two ampersands, not an intersection (the
            // interpreter's regex crate reads it as one unless escaped).
            ("class_ops", "ampersand plain"),
            ("kelvin", "kelvin"),
            ("one_space", "vtab"),
            ("istanbul", "turkish"),
            ("final_sigma", "sigma turkish"),
        ],
    }
    .run();
}
