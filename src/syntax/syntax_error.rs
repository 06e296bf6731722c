//! Turns pest's "expected rule X" into plain words: what was expected, after
//! which word, what was found instead, and a hint for the common slips.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parser::Rule;
use super::token::{Token, TokenKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// What a rule is, in a marketer's words. Rules that describe the same thing
/// share a phrase, so a list of alternatives stays short.
fn describe(rule: Rule) -> String {
    let name = format!("{rule:?}");
    if let Some(word) = name.strip_prefix("kw_") {
        return format!("`{word}`");
    }
    match rule {
        Rule::EOI => "the end of the file",
        Rule::expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::group
        | Rule::did
        | Rule::aggregate_cmp
        | Rule::recency
        | Rule::percentile
        | Rule::in_segment
        | Rule::boolean
        | Rule::field_pred
        | Rule::field
        | Rule::user_attr => "a condition such as `did \"purchase\"` or `user.country = \"ZA\"`",
        Rule::file => "a segment definition or an expression such as `did \"purchase\"`",
        Rule::definition | Rule::segment_def => "`segment`",
        Rule::partition_def => "`partition`",
        Rule::name | Rule::ident | Rule::segment_ref => "a name",
        Rule::prop_name | Rule::quoted_name => "a property name",
        Rule::string | Rule::step | Rule::any_event | Rule::any_of => {
            "an event name in quotes like \"purchase\", or `any event`"
        }
        Rule::number => "a number",
        Rule::duration | Rule::seq_within => "a duration like 7d",
        Rule::percent => "a percentage like 10%",
        Rule::date | Rule::timestamp => {
            "a date like 2026-01-31 or a timestamp like 2026-01-31T12:00:00Z"
        }
        Rule::window
        | Rule::within
        | Rule::between_ago
        | Rule::more_than_ago
        | Rule::since
        | Rule::before
        | Rule::between_dates
        | Rule::on_date => "a window like `within 7d`",
        Rule::quantity
        | Rule::at_least
        | Rule::at_most
        | Rule::exactly
        | Rule::more_than
        | Rule::fewer_than
        | Rule::between_times => "a count like `at least 2 times`",
        Rule::cmp_op | Rule::compare => "a comparison like `=` or `>=`",
        Rule::value | Rule::value_list => "a value: a string, number, date, `true` or `false`",
        Rule::where_clause => "`where`",
        Rule::then_step | Rule::then_not_step | Rule::sequence => "`then`",
        Rule::regularity => "`in at least … of the last …`",
        Rule::streak => "`on each of the last … days`",
        Rule::starting => "`starting`",
        Rule::holdout => "`holdout`",
        Rule::period => "`hours`, `days` or `weeks`",
        Rule::measure
        | Rule::count
        | Rule::count_distinct
        | Rule::sum
        | Rule::avg
        | Rule::min
        | Rule::max
        | Rule::aggregate => "an aggregate like `sum(amount)`",
        Rule::is_set
        | Rule::not_in
        | Rule::in_next
        | Rule::in_list
        | Rule::anniversary
        | Rule::contains
        | Rule::starts_with
        | Rule::ends_with
        | Rule::matches => "an operator like `=`, `in (…)` or `is set`",
        Rule::ignoring_case => "`ignoring case`",
        Rule::arm => "a partition arm like `active = did any event within 7d`",
        _ => return name.replace('_', " "),
    }
    .to_string()
}

/// Joins phrases as "a, b or c".
fn one_of(phrases: &[String]) -> String {
    match phrases {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

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

pub fn translate(error: &Error<Rule>, file: FileId, text: &str, tokens: &[Token]) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let code: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::DocComment))
        .collect();
    let found_index = code.iter().position(|t| t.span.end as usize > pos);
    let found = found_index.map(|i| code[i]);
    let previous = code.iter().rev().find(|t| (t.span.end as usize) <= pos);
    let slice = |t: &Token| &text[t.span.range()];

    let mut positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    positives.sort_by_key(|r| *r as usize);
    let mut phrases: Vec<String> = Vec::new();
    for rule in &positives {
        let phrase = describe(*rule);
        if !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
    }
    // After `where`, only a property test or a parenthesised condition fits.
    let after_where = previous.is_some_and(|p| slice(p).eq_ignore_ascii_case("where"));
    if after_where {
        phrases = vec![
            "a property test such as `amount > 50`, or a condition in parentheses".to_string(),
        ];
    }
    let expected = one_of(&phrases);
    let message = match previous {
        Some(p) => format!("expected {expected} after `{}`", slice(p)),
        None => format!("expected {expected}"),
    };
    let (span, label) = match found {
        Some(t) if slice(t).starts_with('`') => (t.span, format!("found {}", slice(t))),
        Some(t) => (t.span, format!("found `{}`", slice(t))),
        None => {
            let end = text.trim_end().len();
            (Span::new(file, end, end), "the text ends here".to_string())
        }
    };
    let mut diagnostic = Diagnostic::new(Code::Syntax, message).label(span, label);
    let negated_where = after_where && found.is_some_and(|t| slice(t).eq_ignore_ascii_case("not"));
    if negated_where {
        diagnostic = diagnostic
            .help("to negate a property test, put it in parentheses: `where (not amount > 50)`");
    } else if let Some(help) = hint(&positives, found_index.map(|i| &code[i..]), text) {
        diagnostic = diagnostic.help(help);
    }
    diagnostic
}

/// A fix for the slips people make most.
fn hint(positives: &[Rule], rest: Option<&[&Token]>, text: &str) -> Option<String> {
    let rest = rest?;
    let found = rest.first()?;
    let found_text = &text[found.span.range()];
    let next_text = rest
        .get(1)
        .map(|t| text[t.span.range()].to_ascii_lowercase());
    let wants = |r: Rule| positives.contains(&r);
    if wants(Rule::duration) && found.kind == TokenKind::Number {
        if let Some((word, unit)) = UNIT_WORDS
            .iter()
            .find(|(w, _)| Some(*w) == next_text.as_deref())
        {
            let n: f64 = found_text.parse().unwrap_or(0.0);
            let written = match *word {
                "month" | "months" => format!("{}d (Seg has no months)", n * 30.0),
                "year" | "years" => format!("{}d (Seg has no years)", n * 365.0),
                _ => format!("{found_text}{unit}"),
            };
            return Some(format!(
                "write a duration as a number and a unit letter, without a space: {written} (units: s, m, h, d, w)"
            ));
        }
        return Some(
            "write a duration as a number and a unit letter: 30s, 15m, 2h, 7d or 4w".into(),
        );
    }
    if wants(Rule::duration) {
        return Some(
            "durations are a whole number and a unit letter: 30s, 15m, 2h, 7d or 4w".into(),
        );
    }
    if wants(Rule::prop_name) && found.kind == TokenKind::Keyword {
        return Some(format!(
            "`{found_text}` is a reserved word: write a property or attribute of that name in backquotes: `{found_text}`"
        ));
    }
    if (wants(Rule::name) || wants(Rule::ident)) && found.kind == TokenKind::Keyword {
        return Some(format!(
            "`{found_text}` is a reserved word: choose another name, e.g. `{}_users`",
            found_text.to_ascii_lowercase()
        ));
    }
    if found.kind == TokenKind::Ident && wants(Rule::EOI) {
        return Some(format!(
            "join conditions with `and` or `or`; a user attribute is written `user.{found_text}`"
        ));
    }
    let wants_event = [Rule::string, Rule::step, Rule::any_event, Rule::any_of]
        .iter()
        .any(|r| wants(*r));
    if wants_event && found.kind == TokenKind::Ident {
        return Some(format!("event names are quoted: \"{found_text}\""));
    }
    None
}
