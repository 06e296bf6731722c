//! The token layer (logos). It runs before the parser so that every lexical
//! error of a file is reported at once, each with a hint, and it gives the
//! formatter and editor tooling a token stream with spans.

use logos::Logos;
use serde::Serialize;

use crate::chars;
use crate::diagnostics::{Applicability, Code, Diagnostic, Fix};
use crate::span::{FileId, Span};
use crate::time;

/// Seg's reserved words (spec §2). Matched case-insensitively.
pub const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "did",
    "where",
    "then",
    "within",
    "ago",
    "between",
    "since",
    "before",
    "on",
    "at",
    "least",
    "most",
    "exactly",
    "more",
    "fewer",
    "than",
    "time",
    "times",
    "of",
    "count",
    "distinct",
    "sum",
    "avg",
    "min",
    "max",
    "last",
    "first",
    "starting",
    "in",
    "is",
    "set",
    "user",
    "segment",
    "partition",
    "holdout",
    "salt",
    "top",
    "bottom",
    "by",
    "any",
    "event",
    "each",
    "the",
    "days",
    "hours",
    "weeks",
    "day",
    "hour",
    "week",
    "next",
    "anniversary",
    "contains",
    "starts",
    "ends",
    "with",
    "matches",
    "ignoring",
    "case",
    "true",
    "false",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// What a token is, as tooling sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Keyword,
    Ident,
    QuotedName,
    String,
    Number,
    Duration,
    Date,
    Timestamp,
    Percent,
    Punct,
    Comment,
    DocComment,
    /// Text that is not a valid token; a diagnostic says why.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// The raw logos tokens, including the malformed shapes we recognise in order
/// to explain them (a number running into letters, a date-like string).
#[derive(Logos, Clone, Copy, Debug, PartialEq)]
#[logos(skip r"[ \t\r\n\f]+")]
enum Raw {
    #[regex(r"##[^\n]*", priority = 10)]
    DocComment,
    #[regex(r"#[^\n]*", priority = 9)]
    Comment,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Word,
    #[regex(r"`[^`\n]*`")]
    QuotedName,
    #[regex(r"`[^`\n]*")]
    UnclosedQuotedName,
    #[token("\"", scan_string)]
    String(bool),
    #[regex(r"-?[0-9]+(\.[0-9]+)?")]
    Number,
    #[regex(r"[0-9]+[smhdwSMHDW]", priority = 20)]
    Duration,
    #[regex(r"-?[0-9]+(\.[0-9]+)?%")]
    Percent,
    #[regex(r"-?[0-9]+(\.[0-9]+)?[A-Za-z_][A-Za-z0-9_]*", priority = 5)]
    NumberWithLetters,
    #[regex(r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]", priority = 20)]
    Date,
    #[regex(
        r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9](\.[0-9]+)?([Zz]|[+-][0-9][0-9]:[0-9][0-9])",
        priority = 20
    )]
    Timestamp,
    #[regex(r"-?[0-9]+-[0-9A-Za-z:.+\-]*", priority = 4)]
    DateLike,
    #[token("(")]
    #[token(")")]
    #[token(",")]
    #[token(".")]
    #[token("=")]
    #[token("!=")]
    #[token("<")]
    #[token("<=")]
    #[token(">")]
    #[token(">=")]
    #[token("{")]
    #[token("}")]
    Punct,
    #[token("==")]
    #[token("<>")]
    #[token("&&")]
    #[token("||")]
    #[token("!")]
    #[token("'")]
    #[token("\u{201C}")]
    #[token("\u{201D}")]
    #[token("\u{2018}")]
    #[token("\u{2019}")]
    Lookalike,
}

/// Scans a string body after its opening quote. A string ends at its closing
/// quote; a line break or the end of input first means it is unterminated.
fn scan_string(lex: &mut logos::Lexer<Raw>) -> bool {
    let bytes = lex.remainder().as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                lex.bump(i + 1);
                return true;
            }
            b'\n' => break,
            b'\\' if i + 1 < bytes.len() && bytes[i + 1] != b'\n' => i += 2,
            _ => i += 1,
        }
    }
    // Back up to a char boundary: `\` may have skipped into a multibyte char.
    let rest = lex.remainder();
    while !rest.is_char_boundary(i.min(rest.len())) {
        i += 1;
    }
    lex.bump(i.min(rest.len()));
    false
}

/// Lexes a file. Returns every token (malformed ones as [`TokenKind::Error`])
/// and a diagnostic for each lexical error.
pub fn lex(file: FileId, text: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut tokens = Vec::new();
    let mut errors = unsafe_chars(file, text);
    let mut lexer = Raw::lexer(text);
    // A byte-order mark may open a file (the grammar skips it too).
    if text.starts_with('\u{FEFF}') {
        lexer.bump('\u{FEFF}'.len_utf8());
    }
    while let Some(raw) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(file, range.start, range.end);
        let slice = lexer.slice();
        let kind = match raw {
            Ok(Raw::DocComment) => TokenKind::DocComment,
            Ok(Raw::Comment) => TokenKind::Comment,
            Ok(Raw::Word) if is_keyword(slice) => TokenKind::Keyword,
            Ok(Raw::Word) => TokenKind::Ident,
            Ok(Raw::QuotedName) if slice.len() == 2 => {
                errors.push(
                    Diagnostic::new(Code::BadQuotedName, "empty backquoted name")
                        .label(span, "a name needs at least one character")
                        .help("write the property name between the backquotes, e.g. `$browser`"),
                );
                TokenKind::Error
            }
            Ok(Raw::QuotedName) if slice.contains(['\t', '\r', '\u{c}']) => {
                errors.extend(raw_controls(file, range.start, slice, |_| true));
                TokenKind::Error
            }
            Ok(Raw::QuotedName) => TokenKind::QuotedName,
            Ok(Raw::UnclosedQuotedName) => {
                errors.push(
                    Diagnostic::new(Code::BadQuotedName, "backquoted name is not closed")
                        .label(span, "this name has no closing backquote")
                        .help("close the name with ` on the same line, e.g. `$browser`"),
                );
                TokenKind::Error
            }
            Ok(Raw::String(terminated)) => {
                if !terminated {
                    errors.push(
                        Diagnostic::new(Code::UnterminatedString, "unterminated string")
                            .label(span, "this string has no closing quote")
                            .help("close it with \" on the same line; write a line break inside a string as \\n"),
                    );
                }
                let body_end = if terminated {
                    slice.len() - 1
                } else {
                    slice.len()
                };
                // A raw line break ends a string, and a raw tab is spelled as
                // itself; any other control character must be an escape.
                errors.extend(raw_controls(file, range.start, slice, |c| {
                    matches!(c, '\r' | '\u{c}')
                }));
                if let Err(bad) = unescape(&slice[1..body_end]) {
                    for e in bad {
                        let at = range.start + 1;
                        errors.push(
                            Diagnostic::new(Code::BadEscape, e.message)
                                .label(
                                    Span::new(file, at + e.range.start, at + e.range.end),
                                    "here",
                                )
                                .help(e.help),
                        );
                    }
                }
                if terminated {
                    TokenKind::String
                } else {
                    TokenKind::Error
                }
            }
            Ok(Raw::Number) if slice.parse::<f64>().map_or(true, |n| !n.is_finite()) => {
                errors.push(
                    Diagnostic::new(Code::BadNumber, "this number is too large")
                        .label(span, "beyond the largest 64-bit float (about 1.8e308)")
                        .help("numbers are 64-bit floats on every backend; write a smaller number"),
                );
                TokenKind::Error
            }
            Ok(Raw::Number) => TokenKind::Number,
            Ok(Raw::Duration) if duration_seconds(slice).is_none() => {
                errors.push(
                    Diagnostic::new(
                        Code::BadDuration,
                        format!("`{slice}` is too long a duration"),
                    )
                    .label(span, "too long")
                    .help("durations are at most 100 years (36500d)"),
                );
                TokenKind::Error
            }
            Ok(Raw::Duration) => TokenKind::Duration,
            Ok(Raw::Percent) => TokenKind::Percent,
            Ok(Raw::NumberWithLetters) => {
                errors.push(duration_error(slice, span));
                TokenKind::Error
            }
            Ok(Raw::Date | Raw::Timestamp) if slice.starts_with("0000") => {
                errors.push(datetime_error(
                    slice,
                    span,
                    "year 0000 does not exist on PostgreSQL; dates run from 0001-01-01".into(),
                ));
                TokenKind::Error
            }
            Ok(Raw::Date) => match time::parse_date(slice) {
                Ok(_) => TokenKind::Date,
                Err(e) => {
                    errors.push(datetime_error(slice, span, e.0));
                    TokenKind::Error
                }
            },
            Ok(Raw::Timestamp) => match time::parse_timestamp(slice) {
                Ok(_) => TokenKind::Timestamp,
                Err(e) => {
                    errors.push(datetime_error(slice, span, e.0));
                    TokenKind::Error
                }
            },
            Ok(Raw::DateLike) => {
                let why = if slice.contains(['T', 't']) {
                    time::parse_timestamp(slice)
                } else {
                    time::parse_date(slice).map(|d| d.start())
                };
                let why = why.err().map(|e| e.0).unwrap_or_default();
                errors.push(datetime_error(slice, span, why));
                TokenKind::Error
            }
            Ok(Raw::Punct) => TokenKind::Punct,
            Ok(Raw::Lookalike) => {
                errors.push(lookalike_error(slice, span));
                TokenKind::Error
            }
            // Reported by `unsafe_chars`.
            Err(()) if slice.starts_with(chars::is_control) => TokenKind::Error,
            Err(()) => {
                let ch = slice.chars().next().unwrap_or(' ');
                let spaced = (ch == '%').then(|| spaced_percent(text, span)).flatten();
                errors.push(spaced.unwrap_or_else(|| {
                    Diagnostic::new(Code::UnexpectedChar, format!("unexpected character {ch:?}"))
                        .label(span, "no Seg token starts with this")
                        .help(if ch == '+' {
                            "numbers are written without a plus sign: 2, -2, 2.5"
                        } else {
                            "remove it; property names with unusual characters are written in backquotes, e.g. `$browser`"
                        })
                }));
                TokenKind::Error
            }
        };
        tokens.push(Token { kind, span });
    }
    (tokens, errors)
}

/// Control characters other than the white space between tokens (tab, line
/// feed, carriage return, form feed) are refused wherever they stand: a raw
/// NUL once let a definition cut the DuckDB CLI's line and run what followed
/// as SQL. Bidirectional controls are warned about anywhere, comments
/// included: they make a reviewer read another condition than the one that
/// runs.
fn unsafe_chars(file: FileId, text: &str) -> Vec<Diagnostic> {
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
fn raw_controls(
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

/// The length in seconds of a duration literal such as `7d`; `None` when it
/// is longer than 100 years (no real window is, and it keeps arithmetic on
/// instants far from overflow).
pub fn duration_seconds(text: &str) -> Option<i64> {
    let (digits, unit) = text.split_at(text.len() - 1);
    let unit = match unit.to_ascii_lowercase().as_str() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 604_800,
    };
    let seconds = digits.parse::<i64>().ok()?.checked_mul(unit)?;
    (seconds <= 36_500 * 86_400).then_some(seconds)
}

/// An escape problem inside a string body, at a byte range of the body.
pub struct EscapeError {
    pub range: std::ops::Range<usize>,
    pub message: String,
    pub help: String,
}

/// Decodes a string body (the text between the quotes).
pub fn unescape(body: &str) -> Result<String, Vec<EscapeError>> {
    let mut out = String::with_capacity(body.len());
    let mut errors = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            errors.push(EscapeError {
                range: i..i + 1,
                message: "a string cannot end with a lone backslash".into(),
                help: "write a backslash as \\\\".into(),
            });
            break;
        };
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => match unicode_escape(body, j + 1) {
                Ok((ch, len)) => {
                    out.push(ch);
                    for _ in 0..len {
                        chars.next();
                    }
                }
                Err(message) => errors.push(EscapeError {
                    range: i..j + 1,
                    message,
                    help: "write a code point as \\u{1F600}: 1 to 6 hex digits in braces".into(),
                }),
            },
            other => {
                let help = if "dwsbDWS.*+?()[]{}|^$".contains(other) {
                    format!(
                        "Seg strings know \\\" \\\\ \\n \\t \\u{{…}}; in a `matches` pattern write \\\\{other} for the regex escape \\{other}"
                    )
                } else {
                    "Seg strings know the escapes \\\" \\\\ \\n \\t and \\u{…}; write a backslash as \\\\".into()
                };
                errors.push(EscapeError {
                    range: i..j + other.len_utf8(),
                    message: format!("unknown escape \\{other}"),
                    help,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads `{HEX}` at `at`; returns the char and how many chars were consumed.
fn unicode_escape(body: &str, at: usize) -> Result<(char, usize), String> {
    let rest = &body[at..];
    let close = rest
        .find('}')
        .filter(|_| rest.starts_with('{'))
        .ok_or("\\u must be followed by {hex digits}")?;
    let hex = &rest[1..close];
    if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("\\u{{{hex}}} needs 1 to 6 hex digits"));
    }
    let value = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
    let ch = char::from_u32(value).ok_or(format!("\\u{{{hex}}} is not a Unicode scalar value"))?;
    if ch == '\0' {
        // PostgreSQL's text cannot hold U+0000 and other engines disagree on it.
        return Err("\\u{0} (the NUL character) cannot be stored by every engine".into());
    }
    Ok((ch, close + 1))
}

/// Explains a number that runs into letters: `2x`, `3mo`, `2hours`, `1.5h`.
fn duration_error(slice: &str, span: Span) -> Diagnostic {
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
fn spaced_percent(text: &str, span: Span) -> Option<Diagnostic> {
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

fn datetime_error(slice: &str, span: Span, why: String) -> Diagnostic {
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

fn lookalike_error(slice: &str, span: Span) -> Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        lex(0, text).0.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn classifies_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"DID "a\"b" within 2h 10% -2.5 2026-01-31 2026-01-31T00:00:00Z `$x` x"#),
            vec![
                Keyword, String, Keyword, Duration, Percent, Number, Date, Timestamp, QuotedName,
                Ident
            ]
        );
    }

    #[test]
    fn reports_every_error() {
        let (_, errors) = lex(0, "did \"a\\q\" within 3mo or 2x 2026-02-30 \"open");
        let codes: Vec<_> = errors.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                Code::BadEscape,
                Code::BadDuration,
                Code::BadDuration,
                Code::BadDateTime,
                Code::UnterminatedString
            ]
        );
    }

    #[test]
    fn unescapes() {
        assert_eq!(
            unescape(r#"a\"\\\n\t\u{1F600}"#).ok().unwrap(),
            "a\"\\\n\t😀"
        );
        assert!(unescape(r"\u{D800}").is_err());
        assert!(unescape(r"\u{0}").is_err());
        assert!(unescape("\\").is_err());
    }
}
