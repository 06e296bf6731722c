//! Comments are not in the AST: the parser skips them. The formatter takes
//! them from the token stream, with their byte offsets, and puts each back
//! next to the printed line whose source it followed or preceded.

use crate::syntax::{Token, TokenKind};

use super::layout::{Line, INDENT};

/// A `#` or `##` comment: its text (trailing spaces dropped) and where it was.
pub(super) struct Comment<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// The comments of a file, in order.
pub(super) fn comments<'a>(tokens: &[Token], text: &'a str) -> Vec<Comment<'a>> {
    tokens
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Comment | TokenKind::DocComment))
        .map(|t| Comment {
            start: t.span.start as usize,
            end: t.span.end as usize,
            text: text[t.span.range()].trim_end(),
        })
        .collect()
}

/// Whether `text` between two offsets holds a blank line.
pub(super) fn blank_between(text: &str, from: usize, to: usize) -> bool {
    text[from..to].matches('\n').count() >= 2
}

/// Renders `lines` with `comments` (those of one definition, in order)
/// placed: a comment on the same source line as the end of a printed line's
/// source stays at the end of that line; one on a line of its own goes on a
/// line of its own before the next printed line. `None` when a comment sat
/// inside what one line prints (`did "x" # why` + line break + `within 7d`):
/// the caller then keeps the definition as written.
pub(super) fn weave(lines: &[Line], comments: &[Comment], text: &str) -> Option<Vec<String>> {
    let mut leading: Vec<Vec<&str>> = lines.iter().map(|_| Vec::new()).collect();
    let mut trailing: Vec<Option<&str>> = vec![None; lines.len()];
    for comment in comments {
        let at = lines.iter().rposition(|l| l.start <= comment.start)?;
        let before = &lines[at];
        if comment.start < before.end {
            return None;
        }
        if text[before.end..comment.start].contains('\n') {
            leading.get_mut(at + 1)?.push(comment.text);
        } else if trailing[at].replace(comment.text).is_some() {
            return None;
        }
    }
    let mut out = Vec::new();
    for ((line, leading), trailing) in lines.iter().zip(leading).zip(trailing) {
        let comment_indent = line.indent + if line.closing { INDENT } else { 0 };
        for comment in leading {
            out.push(format!("{:comment_indent$}{comment}", ""));
        }
        let mut rendered = format!("{:indent$}{}", "", line.text, indent = line.indent);
        if let Some(comment) = trailing {
            rendered = format!("{rendered}  {comment}");
        }
        out.push(rendered);
    }
    Some(out)
}
