//! The token layer (logos). It runs before the parser so that every lexical
//! error of a file is reported at once, each with a hint, and it gives the
//! formatter and editor tooling a token stream with spans.

use logos::Logos;
use serde::Serialize;

use crate::chars;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};
use crate::time;

use super::escape::unescape;
use super::lex_checks::{
    datetime_error, duration_error, lookalike_error, raw_controls, spaced_percent, unsafe_chars,
};

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
    "except",
    "bucket",
    "to",
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
    #[token("+")]
    #[token("-")]
    #[token("*")]
    #[token("/")]
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
