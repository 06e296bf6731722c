//! Did-you-mean: the help that names a near name, and the fix that writes
//! it, when it can be written as it stands.

use crate::diagnostics::{Applicability, Diagnostic, Fix};
use crate::span::Span;
use crate::syntax::token;

/// Adds "did you mean SHOWN?" and, when `written` is given, the fix that
/// puts it in place of `span`. A near name is a guess, so the fix is unsafe.
pub(super) fn did_you_mean(
    d: Diagnostic,
    shown: &str,
    span: Span,
    written: Option<String>,
) -> Diagnostic {
    let d = d.help(format!("did you mean {shown}?"));
    match written {
        Some(text) => d.fix(Fix::replace(span, text, Applicability::Unsafe)),
        None => d,
    }
}

/// `name` as written in Seg when it needs no backquotes; `None` otherwise
/// (the help still names it).
pub(super) fn bare_name(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    (identifier && !token::is_keyword(name)).then(|| name.to_string())
}

/// `text` as a Seg string literal when it needs no escape; `None` otherwise.
pub(super) fn plain_string(text: &str) -> Option<String> {
    let plain = !text.contains(['"', '\\']) && !text.chars().any(char::is_control);
    plain.then(|| format!("\"{text}\""))
}
