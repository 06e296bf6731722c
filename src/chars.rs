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

/// A short, readable name for a character in a message: `U+000D`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}
