//! The slips people make most, each with a help that names the fix and,
//! where it is clear, the fix as edits: `2 hours`, `withn`, `salt spring`,
//! `in "a", "b"`, `in the last 30d`, `holdout` on a partition's arm.

use super::parser::Rule;
use super::syntax_error::{At, Hint, Open};
use super::token::{Token, TokenKind, KEYWORDS};
use crate::diagnostics::{suggest, Applicability, Edit, Fix};
use crate::span::Span;

const UNIT_WORDS: &[(&str, char)] = &[
    ("second", 's'),
    ("seconds", 's'),
    ("sec", 's'),
    ("secs", 's'),
    ("minute", 'm'),
    ("minutes", 'm'),
    ("min", 'm'),
    ("mins", 'm'),
    ("hour", 'h'),
    ("hours", 'h'),
    ("hr", 'h'),
    ("hrs", 'h'),
    ("day", 'd'),
    ("days", 'd'),
    ("week", 'w'),
    ("weeks", 'w'),
    ("month", 'd'),
    ("months", 'd'),
    ("year", 'd'),
    ("years", 'd'),
];

/// The span from the start of `a` to the end of `b`.
fn between(a: &Token, b: &Token) -> Span {
    a.span.to(b.span)
}

/// A fix that only respells what was written.
fn respell(span: Span, text: String) -> Fix {
    Fix::replace(span, text, Applicability::Safe)
}

/// A token that can stand in a list of values.
pub(super) fn is_value(at: &At, t: &Token) -> bool {
    match t.kind {
        TokenKind::String | TokenKind::Number | TokenKind::Date | TokenKind::Timestamp => true,
        TokenKind::Keyword => ["true", "false"]
            .iter()
            .any(|w| at.slice(t).eq_ignore_ascii_case(w)),
        _ => false,
    }
}

/// Words after which an identifier is a field being tested, not a
/// misspelt keyword.
const FIELD_OPERATORS: &[&str] = &[
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    ".",
    "in",
    "is",
    "not",
    "contains",
    "starts",
    "ends",
    "matches",
    "anniversary",
];

/// Whether the identifier pest stopped at is followed by a field operator:
/// a field being tested, not a misspelt keyword.
fn tests_a_field(at: &At) -> bool {
    let next = at.ahead_text(1).map(str::to_ascii_lowercase);
    next.is_some_and(|n| FIELD_OPERATORS.contains(&n.as_str()))
}

/// A word where the definition could end: a field without `user.`, a
/// misspelt keyword that is not expected here, or a missing `and`.
fn stray_word(at: &At, word: &str) -> String {
    if tests_a_field(at) {
        return format!(
            "join conditions with `and` or `or`; a user attribute is written `user.{word}`"
        );
    }
    match suggest(word, KEYWORDS.iter().copied()) {
        Some(keyword) => format!(
            "`{word}` is not a word Seg knows (a misspelt `{keyword}`?), and `{keyword}` does not fit here either: remove it, or start a new condition with `and` or `or`"
        ),
        None => format!("`{word}` is not a word Seg knows here; join conditions with `and` or `or`"),
    }
}

/// The keyword pest expected that `word` is a slip of (`withn` → `within`).
fn near_keyword(at: &At, word: &str) -> Option<String> {
    if tests_a_field(at) {
        return None;
    }
    let names: Vec<String> = at.positives.iter().map(|r| format!("{r:?}")).collect();
    let keywords =
        at.positives
            .iter()
            .zip(&names)
            .flat_map(|(rule, name)| match name.strip_prefix("kw_") {
                Some(word) => vec![word],
                None => first_words(*rule).to_vec(),
            });
    // `with` alone ends a behaviour only as `with same …` (spec §3.13), a
    // rare slip next to `within` (`withn 30d`): offered after `starts` and
    // `ends` only.
    let with_fits = at.previous_is("starts") || at.previous_is("ends");
    let keywords = keywords.filter(|k| *k != "with" || with_fits);
    suggest(word, keywords).map(str::to_string)
}

/// The keywords a rule can start with, for the rules pest names when it
/// expects a keyword inside them.
fn first_words(rule: Rule) -> &'static [&'static str] {
    match rule {
        r if super::syntax_error::is_window(r) => {
            &["within", "between", "more", "since", "before", "on"]
        }
        r if super::syntax_error::is_quantity(r) => &["at", "exactly", "more", "fewer", "between"],
        Rule::sequence | Rule::then_step | Rule::then_not_step => &["then"],
        Rule::regularity => &["in"],
        Rule::streak => &["on"],
        Rule::starting => &["starting"],
        Rule::seq_within => &["within"],
        Rule::where_clause => &["where"],
        Rule::holdout => &["holdout"],
        Rule::ignoring_case => &["ignoring"],
        Rule::segment_def | Rule::definition => &["segment"],
        Rule::partition_def => &["partition"],
        Rule::period => &["hours", "days", "weeks"],
        r if super::syntax_error::is_operator(r) => &[
            "is",
            "not",
            "in",
            "anniversary",
            "contains",
            "starts",
            "ends",
            "matches",
        ],
        Rule::expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::did
        | Rule::aggregate_cmp
        | Rule::recency
        | Rule::percentile
        | Rule::in_segment
        | Rule::boolean => &[
            "did", "not", "count", "sum", "avg", "min", "max", "last", "first", "top", "bottom",
            "in", "true", "false", "user",
        ],
        _ => &[],
    }
}

/// `holdout` inside a partition: a holdout belongs to a segment. The help
/// names the partition and the arm when they can be read.
fn holdout_in_partition(at: &At, brace: Open) -> String {
    let name = |t: Option<&&Token>| {
        t.filter(|t| t.kind == TokenKind::Ident)
            .map(|t| at.slice(t))
    };
    let partition = brace
        .index
        .checked_sub(1)
        .and_then(|i| name(at.code.get(i)))
        .unwrap_or("PARTITION");
    // The arm: the last `NAME =` that opens a line or follows the brace.
    let end = at.found.unwrap_or(at.code.len());
    let arm = (brace.index + 1..end)
        .rev()
        .find(|&i| {
            let opens_line = at.code[i - 1].span.end < at.code[i].span.start
                && at.text[at.code[i - 1].span.end as usize..at.code[i].span.start as usize]
                    .contains('\n');
            at.code[i].kind == TokenKind::Ident
                && at.code.get(i + 1).is_some_and(|t| at.slice(t) == "=")
                && (i == brace.index + 1 || opens_line)
        })
        .map_or("ARM", |i| at.slice(at.code[i]));
    let percent = at
        .ahead(1)
        .filter(|t| t.kind == TokenKind::Percent)
        .map_or("10%", |t| at.slice(t));
    format!(
        "a holdout belongs to a whole `segment` definition, not to a partition or its arms; \
         to hold out part of this arm's users, define a segment on it: \
         `segment {partition}_{arm} = in segment {partition}.{arm} holdout {percent}`"
    )
}

/// After `in`: a list without parentheses, or `in the last …`.
fn in_slip(at: &At, found: &Token) -> Option<Hint> {
    if is_value(at, found) {
        // The values up to the last one that follows a comma.
        let mut last = found;
        let mut i = 0;
        while at.ahead_text(i + 1) == Some(",") {
            match at.ahead(i + 2).filter(|t| is_value(at, t)) {
                Some(t) => last = t,
                None => break,
            }
            i += 2;
        }
        let list = &at.text[between(found, last).range()];
        let (start, end) = (found.span.start as usize, last.span.end as usize);
        let edit = |at: usize, text: &str| Edit {
            span: Span::new(found.span.file, at, at),
            replacement: text.to_string(),
        };
        return Some((
            format!("a list is written in parentheses: `in ({list})`"),
            Some(Fix::new(
                "put the list in parentheses",
                Applicability::Safe,
                vec![edit(start, "("), edit(end, ")")],
            )),
        ));
    }
    let the_last = at.slice(found).eq_ignore_ascii_case("the")
        && at
            .ahead_text(1)
            .is_some_and(|t| t.eq_ignore_ascii_case("last"));
    if !the_last {
        return None;
    }
    // `in the last 30d` or `in the last 30 days`: a rolling window.
    let amount = at.ahead(2);
    // Months and years have no unit letter (their length varies).
    let unit = at.ahead_text(3).map(str::to_ascii_lowercase).and_then(|w| {
        UNIT_WORDS
            .iter()
            .find(|(word, _)| *word == w && !word.starts_with("month") && !word.starts_with("year"))
            .map(|(_, u)| *u)
    });
    let written = match (amount, unit) {
        (Some(t), _) if t.kind == TokenKind::Duration => Some((at.slice(t).to_string(), t)),
        (Some(t), Some(u)) if t.kind == TokenKind::Number => {
            Some((format!("{}{u}", at.slice(t)), at.ahead(3)?))
        }
        _ => None,
    };
    Some(match written {
        Some((duration, end)) => (
            format!("for the last {duration} up to now, write `within {duration}`"),
            Some(Fix::replace(
                between(at.previous()?, end),
                format!("within {duration}"),
                Applicability::Unsafe,
            )),
        ),
        None => (
            "for a window that ends now, write `within` and a duration, e.g. `within 30d`".into(),
            None,
        ),
    })
}

/// A fix for the slips people make most.
pub(super) fn hint(at: &At, open: Option<Open>) -> Option<Hint> {
    let found = at.ahead(0)?;
    let found_text = at.slice(found);
    let next_text = at.ahead_text(1).map(str::to_ascii_lowercase);
    if at.wants(Rule::duration) && found.kind == TokenKind::Number {
        if let Some((word, unit)) = UNIT_WORDS
            .iter()
            .find(|(w, _)| Some(*w) == next_text.as_deref())
        {
            let n: f64 = found_text.parse().unwrap_or(0.0);
            let (written, note, applicability) = match *word {
                "month" | "months" => (
                    format!("{}d", n * 30.0),
                    " (Seg has no months)",
                    Applicability::Unsafe,
                ),
                "year" | "years" => (
                    format!("{}d", n * 365.0),
                    " (Seg has no years)",
                    Applicability::Unsafe,
                ),
                _ => (format!("{found_text}{unit}"), "", Applicability::Safe),
            };
            let span = between(found, at.ahead(1)?);
            return Some((
                format!(
                    "write a duration as a number and a unit letter, without a space: {written}{note} (units: s, m, h, d, w)"
                ),
                Some(Fix::replace(span, written, applicability)),
            ));
        }
        return Some((
            "write a duration as a number and a unit letter: 30s, 15m, 2h, 7d or 4w".into(),
            None,
        ));
    }
    if at.wants(Rule::duration) {
        return Some((
            "durations are a whole number and a unit letter: 30s, 15m, 2h, 7d or 4w".into(),
            None,
        ));
    }
    if found_text == "+" && at.ahead(1).is_some_and(|n| n.kind == TokenKind::Number) {
        return Some((
            "numbers are written without a plus sign: 2, -2, 2.5".into(),
            Some(Fix::replace(found.span, String::new(), Applicability::Safe)),
        ));
    }
    if at.wants(Rule::prop_name) && found.kind == TokenKind::Keyword {
        return Some((format!(
            "`{found_text}` is a reserved word: write a property or attribute of that name in backquotes: `{found_text}`"
        ), None));
    }
    if let Some(brace) = open.filter(|o| o.open == '{') {
        if found_text.eq_ignore_ascii_case("holdout") {
            return Some((holdout_in_partition(at, brace), None));
        }
    }
    if (at.wants(Rule::name) || at.wants(Rule::ident)) && found.kind == TokenKind::Keyword {
        return Some((
            format!(
                "`{found_text}` is a reserved word: choose another name, e.g. `{}_users`",
                found_text.to_ascii_lowercase()
            ),
            None,
        ));
    }
    if at.previous_is("salt") && found.kind != TokenKind::String {
        let word = matches!(
            found.kind,
            TokenKind::Ident | TokenKind::Keyword | TokenKind::Number
        );
        return Some((
            format!("the salt is a quoted string: `salt \"{found_text}\"`"),
            word.then(|| respell(found.span, format!("\"{found_text}\""))),
        ));
    }
    if at.previous_is("in") && found_text.eq_ignore_ascii_case("segment") {
        return Some((
            "`in segment …` is a condition of its own: join it to the one before with `and` or `or`"
                .into(),
            None,
        ));
    }
    if at.previous_is("in") {
        if let Some(hint) = in_slip(at, found) {
            return Some(hint);
        }
    }
    // `in the last 30d` or `in the last 30 days`: pest reads `in the last`
    // as the start of a calendar window (`in the last 3 calendar months`)
    // and stops at `30d` or at `days`; the hint reads from `the`.
    for back in [2, 3] {
        let Some(the) = at.found.and_then(|f| f.checked_sub(back)) else {
            continue;
        };
        let back = At {
            text: at.text,
            code: at.code.clone(),
            found: Some(the),
            positives: at.positives.clone(),
        };
        if back.previous_is("in")
            && back
                .ahead_text(1)
                .is_some_and(|t| t.eq_ignore_ascii_case("last"))
        {
            if let Some(hint) = in_slip(&back, back.code[the]) {
                return Some(hint);
            }
        }
    }
    if found.kind == TokenKind::Ident {
        if let Some(keyword) = near_keyword(at, found_text) {
            return Some((
                format!("did you mean `{keyword}`?"),
                Some(Fix::replace(found.span, keyword, Applicability::Unsafe)),
            ));
        }
        if at.wants(Rule::EOI) {
            return Some((stray_word(at, found_text), None));
        }
    }
    let wants_event = [Rule::string, Rule::step, Rule::any_event, Rule::any_of]
        .iter()
        .any(|r| at.wants(*r));
    if wants_event && found.kind == TokenKind::Ident {
        return Some((
            format!("event names are quoted: \"{found_text}\""),
            Some(respell(found.span, format!("\"{found_text}\""))),
        ));
    }
    None
}
