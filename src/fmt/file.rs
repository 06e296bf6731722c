//! A whole file: its definitions one blank line apart, and the comments
//! between them where they were, each blank line between comments kept (at
//! most one). A blank line between a `##` comment and a definition is kept
//! too, since it decides whether the comment is the definition's description.

use crate::span::Span;
use crate::syntax::ast::{Definition, File};
use crate::syntax::Token;

use super::comments::{blank_between, comments, weave, Comment};
use super::layout::{Layout, Line};

/// A definition (or a bare expression) laid out, with where it was.
struct Item {
    start: usize,
    end: usize,
    /// How many `##` lines directly above are its description.
    doc_lines: usize,
    lines: Vec<Line>,
}

/// What was printed last, to decide on a blank line before the next thing.
#[derive(Clone, Copy)]
enum Previous {
    Nothing,
    Item,
    /// A comment ending at this offset.
    Comment(usize),
}

pub(super) fn format_file(file: &File, tokens: &[Token], text: &str) -> String {
    let comments = comments(tokens, text);
    let layout = Layout::new(text, tokens, &comments);
    let item = |span: Span, doc: &Option<String>, lines| {
        let (start, end) = layout.extent(span);
        Item {
            start,
            end,
            doc_lines: doc.as_ref().map_or(0, |d| d.split('\n').count()),
            lines,
        }
    };
    let items: Vec<Item> = match file {
        File::Empty => Vec::new(),
        File::Definitions(definitions) => definitions
            .iter()
            .map(|d| match d {
                Definition::Segment(s) => item(s.span, &s.doc, layout.definition(d)),
                Definition::Partition(p) => item(p.span, &p.doc, layout.definition(d)),
            })
            .collect(),
        File::Expr { doc, expr } => vec![item(expr.span, doc, layout.bare(expr))],
    };
    // A description's first line may sit at the end of the definition above
    // (`segment a = … ## b's description`): it must not become a's trailing
    // comment, which would put a blank line between it and b.
    let mut describes = vec![false; comments.len()];
    for item in &items {
        let at = comments.partition_point(|c| c.start < item.start);
        describes[at.saturating_sub(item.doc_lines)..at].fill(true);
    }
    let mut out = Vec::new();
    let mut previous = Previous::Nothing;
    let mut next = 0;
    for item in &items {
        let gap_end = next + comments[next..].partition_point(|c| c.start < item.start);
        previous = gap(&mut out, &comments[next..gap_end], previous, text);
        separate(&mut out, previous, item.start, text);
        let mut own_end = gap_end + comments[gap_end..].partition_point(|c| c.start < item.end);
        let trailing = comments
            .get(own_end)
            .is_some_and(|c| !describes[own_end] && !text[item.end..c.start].contains('\n'));
        own_end += usize::from(trailing);
        let own = &comments[gap_end..own_end];
        out.extend(weave(&item.lines, own, text).unwrap_or_else(|| as_written(item, own, text)));
        previous = Previous::Item;
        next = own_end;
    }
    gap(&mut out, &comments[next..], previous, text);
    if out.is_empty() {
        String::new()
    } else {
        out.join("\n") + "\n"
    }
}

/// Prints the comments of a gap between definitions, at column 0.
fn gap(out: &mut Vec<String>, comments: &[Comment], previous: Previous, text: &str) -> Previous {
    comments.iter().fold(previous, |previous, comment| {
        separate(out, previous, comment.start, text);
        out.push(comment.text.to_string());
        Previous::Comment(comment.end)
    })
}

/// A blank line after a definition, none at the top of the file, and after
/// a comment one when the source had one.
fn separate(out: &mut Vec<String>, previous: Previous, next_start: usize, text: &str) {
    let blank = match previous {
        Previous::Nothing => false,
        Previous::Item => true,
        Previous::Comment(end) => blank_between(text, end, next_start),
    };
    if blank {
        out.push(String::new());
    }
}

/// A definition as written (trailing spaces dropped), for when one of its
/// comments has no place in the canonical layout: better unformatted than a
/// comment lost.
fn as_written(item: &Item, own: &[Comment], text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text[item.start..item.end]
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    if let (Some(last), Some(comment)) = (lines.last_mut(), own.last()) {
        if comment.start >= item.end {
            *last = format!("{last}  {}", comment.text);
        }
    }
    lines
}
