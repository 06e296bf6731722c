//! Characters that need care because people and programs read them
//! differently: what segc refuses in definitions and schema names, warns
//! about, or never writes raw into SQL (`docs/security.md`).

/// The bidirectional formatting characters (Unicode's `Bidi_Control`). In a
/// definition they can make a reviewer read a different condition than the
/// one that runs ("Trojan Source", CVE-2021-42574).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A control character (C0, DEL or C1): invisible in review, and read
/// differently by the engines' clients (the DuckDB CLI cuts a line at NUL
/// and drops CR).
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Whether a SQL literal spells `c` as a character code instead of writing
/// it: control characters, the line and paragraph separators, the byte-order
/// mark and the bidirectional controls. So a generated line never breaks
/// inside a literal, and what a reviewer reads is what runs.
pub fn spelled_out_in_sql(c: char) -> bool {
    is_control(c) || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// `text` as a terminal may show it: every control character (but line
/// feed, tab, and a carriage return before a line feed) and every
/// bidirectional control replaced by a visible one of the same UTF-8 length
/// (`?`, `·` or `�`), so byte offsets into the text still hold. A raw ESC in
/// a definition would otherwise reach the terminal inside a diagnostic's
/// snippet and be run as an escape sequence.
pub fn displayable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |(i, c): (usize, char)| {
        (is_control(c)
            && !matches!(c, '\n' | '\t')
            && !(c == '\r' && text[i + 1..].starts_with('\n')))
            || is_bidi_control(c)
    };
    if !text.char_indices().any(hidden) {
        return text.into();
    }
    text.char_indices()
        .map(|(i, c)| match (hidden((i, c)), c.len_utf8()) {
            (false, _) => c,
            (true, 1) => '?',
            (true, 2) => '·',
            (true, _) => '\u{FFFD}',
        })
        .collect::<String>()
        .into()
}

/// A short, readable name for a character in a message: `U+000D`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}
