//! The escapes of a string literal's body (spec §2): decoding, and what is
//! wrong with a bad one.

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
