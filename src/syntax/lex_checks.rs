//! What the lexer refuses or warns about, with the diagnostic for each:
//! unsafe characters, malformed durations, percentages, dates and
//! look-alike characters.

use crate::chars;
use crate::diagnostics::{Applicability, Code, Diagnostic, Fix};
use crate::span::{FileId, Span};
use crate::time;

/// Control characters other than the white space between tokens (tab, line
/// feed, carriage return, form feed) are refused wherever they stand: a raw
/// NUL once let a definition cut the DuckDB CLI's line and run what followed
/// as SQL. Bidirectional controls are warned about anywhere, comments
/// included: they make a reviewer read another condition than the one that
/// runs.
pub(super) fn unsafe_chars(file: FileId, text: &str) -> Vec<Diagnostic> {
    let mut out = raw_controls(file, 0, text, |c| {
        !matches!(c, '\t' | '\n' | '\r' | '\u{c}')
    });
    for (at, c) in text
        .char_indices()
        .filter(|(_, c)| chars::is_bidi_control(*c))
    {
        out.push(
            Diagnostic::new(
                Code::BidiControl,
                format!("invisible bidirectional control {}", chars::code_point(c)),
            )
            .label(Span::new(file, at, at + c.len_utf8()), "reorders how this line is displayed")
            .help("delete it: the text reads differently in review than it runs; write it as \\u{…} in a string if it is meant"),
        );
    }
    out
}

/// An error for each control character in `text` (at byte `start` of the
/// file) that `refused` picks.
pub(super) fn raw_controls(
    file: FileId,
    start: usize,
    text: &str,
    refused: impl Fn(char) -> bool,
) -> Vec<Diagnostic> {
    text.char_indices()
        .filter(|(_, c)| chars::is_control(*c) && refused(*c))
        .map(|(at, c)| {
            let at = start + at;
            let help = if c == '\0' {
                "remove it: no engine stores the NUL character; a NUL byte in a text file is a sign of corruption or an attack".to_string()
            } else {
                format!(
                    "remove it, or inside a string write it as an escape: \\u{{{:X}}}",
                    u32::from(c)
                )
            };
            Diagnostic::new(
                Code::ControlChar,
                format!("control character {} in the definition", chars::code_point(c)),
            )
            .label(Span::new(file, at, at + c.len_utf8()), "invisible, and read differently by SQL clients")
            .help(help)
        })
        .collect()
}

/// Explains a number that runs into letters: `2x`, `3mo`, `2hours`, `1.5h`.
pub(super) fn duration_error(slice: &str, span: Span) -> Diagnostic {
    let split = slice
        .find(|c: char| c.is_ascii_alphabetic() || c == '_')
        .unwrap_or(slice.len());
    let (number, unit) = slice.split_at(split);
    let lower = unit.to_ascii_lowercase();
    let n: f64 = number.parse().unwrap_or(0.0);
    let exponent =
        lower.starts_with('e') && lower.len() > 1 && lower[1..].chars().all(|c| c.is_ascii_digit());
    let seconds_per = match lower.as_str() {
        "sec" | "secs" | "second" | "seconds" => Some((1.0, 's')),
        "min" | "mins" | "minute" | "minutes" => Some((60.0, 'm')),
        "hr" | "hrs" | "hour" | "hours" => Some((3600.0, 'h')),
        "day" | "days" => Some((86400.0, 'd')),
        "wk" | "wks" | "week" | "weeks" => Some((604_800.0, 'w')),
        _ => None,
    };
    // The duration meant, when it is clear: the same length respelt
    // (safe), or a guess at a month's or a year's length in days.
    let mut respelt = None;
    let help = if exponent {
        "numbers are written in full, without an exponent: 1000, not 1e3".to_string()
    } else if n < 0.0 {
        "durations are positive; to look back in time use `more than 7d ago` or `between 30d and 7d ago`".to_string()
    } else if let Some((_, letter)) = seconds_per.filter(|_| n.fract() == 0.0) {
        respelt = Some((format!("{number}{letter}"), Applicability::Safe));
        format!("write durations as a number and one unit letter, no space: {number}{letter}")
    } else if matches!(lower.as_str(), "mo" | "mon" | "month" | "months") {
        let days = format!("{}d", n * 30.0);
        let help = format!("Seg has no months (their length varies): write days, e.g. {days}");
        respelt = Some((days, Applicability::Unsafe));
        help
    } else if matches!(lower.as_str(), "y" | "yr" | "yrs" | "year" | "years") {
        let days = format!("{}d", n * 365.0);
        let help = format!("Seg has no years (their length varies): write days, e.g. {days}");
        respelt = Some((days, Applicability::Unsafe));
        help
    } else if n.fract() != 0.0 {
        let unit_seconds = match lower.as_str() {
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            "w" => 604_800.0,
            _ => seconds_per.map(|(s, _)| s).unwrap_or(0.0),
        };
        let seconds = n * unit_seconds;
        if unit_seconds > 0.0 && seconds.fract() == 0.0 {
            let whole = time::format_duration(seconds as i64);
            let help = format!("durations are whole numbers: write {whole}");
            respelt = Some((whole, Applicability::Safe));
            help
        } else {
            "durations are whole numbers of s, m, h, d or w, e.g. 90m".to_string()
        }
    } else {
        "duration units are s, m, h, d and w, e.g. 30s 15m 2h 7d 4w".to_string()
    };
    let what = if exponent {
        "a number Seg reads"
    } else {
        "a duration"
    };
    let d = Diagnostic::new(Code::BadDuration, format!("`{slice}` is not {what}"))
        .label(span, format!("not {what}"))
        .help(help);
    match respelt {
        Some((text, applicability)) => d.fix(Fix::replace(span, text, applicability)),
        None => d,
    }
}

/// `10 %`: a percent sign after a space, which Seg reads as no token.
pub(super) fn spaced_percent(text: &str, span: Span) -> Option<Diagnostic> {
    let before = text[..span.start as usize].trim_end_matches([' ', '\t']);
    let number_end = before.len();
    let number_start = before
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .len();
    let in_a_word =
        before[..number_start].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    (number_start < number_end && !in_a_word).then(|| {
        let number = &before[number_start..];
        let whole = Span::new(span.file, number_start, span.end as usize);
        Diagnostic::new(Code::UnexpectedChar, "a space between a number and `%`")
            .label(span, "a percentage is written without a space")
            .help(format!("write `{number}%`"))
            .fix(Fix::replace(
                whole,
                format!("{number}%"),
                Applicability::Safe,
            ))
    })
}

pub(super) fn datetime_error(slice: &str, span: Span, why: String) -> Diagnostic {
    let what = if slice.contains(['T', 't']) {
        "timestamp"
    } else {
        "date"
    };
    let help = if why.is_empty() {
        "write dates as 2026-01-31 and timestamps as 2026-01-31T12:00:00Z".to_string()
    } else {
        why
    };
    Diagnostic::new(
        Code::BadDateTime,
        format!("`{slice}` is not a valid {what}"),
    )
    .label(span, format!("malformed {what}"))
    .help(help)
}

pub(super) fn lookalike_error(slice: &str, span: Span) -> Diagnostic {
    let help = match slice {
        "==" => "Seg compares with a single `=`",
        "<>" => "write `!=` for \"not equal\"",
        "&&" => "write `and`",
        "||" => "write `or`",
        "!" => "write `not`, or `!=` for \"not equal\"",
        "'" => "strings use double quotes: \"purchase\"",
        _ => "this is a typographic quote; strings use straight double quotes: \"purchase\"",
    };
    Diagnostic::new(Code::UnexpectedChar, format!("unexpected `{slice}`"))
        .label(span, "not Seg syntax")
        .help(help)
}
