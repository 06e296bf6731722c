//! `segc fmt`: the one canonical layout of Seg text (`docs/fmt.md`).
//!
//! The formatter prints from the AST, so the layout owes nothing to how the
//! text was laid out, and takes strings and numbers from the source, so it
//! never respells a literal's value. Comments are not in the AST: they are
//! read back from the tokens and woven between the printed lines. A
//! definition with a comment that has no place in the canonical layout is
//! kept as written rather than lose the comment.
//!
//! - `flat.rs`: every node on one line, in canonical spelling;
//! - `literal.rs`: the canonical spelling of durations, names and dates;
//! - `layout.rs`: where lines break;
//! - `comments.rs`: finding comments and placing them between lines;
//! - `file.rs`: definitions, the comments between them and blank lines.

mod comments;
mod file;
mod flat;
mod layout;
mod literal;

use crate::diagnostics::Diagnostic;

/// The width lines are broken at, in characters (the same as Black's and
/// Ruff's default). A line may be longer when it holds one behaviour that
/// cannot break (a long `where` condition or list).
pub const WIDTH: usize = 88;

/// Formats one file's text. A file that does not parse is not formatted:
/// its diagnostics (spans in file 0) come back instead.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::parse(0, text);
    match parsed.file {
        Some(file) => Ok(file::format_file(&file, &parsed.tokens, text)),
        None => Err(parsed.diagnostics),
    }
}
