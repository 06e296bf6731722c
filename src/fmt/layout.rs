//! Where lines break. A definition that fits in [`WIDTH`] columns and holds
//! no comment is one line. Otherwise it breaks after `=`, one `and`/`or`
//! operand a line at two spaces; an operand that is itself too long (or holds
//! a comment) breaks again, its continuation lines two spaces further in: a
//! nested chain after its first operand, a parenthesised group inside its
//! parentheses, a sequence before each `then`. Everything else stays on one
//! line even past the width: there is no better place to break it.

use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::{Token, TokenKind};

use super::comments::Comment;
use super::flat::Flat;
use super::WIDTH;

/// One output line, and the source bytes `start..end` it prints: a comment
/// found between two lines' ranges is printed between them, or at the end
/// of the first when it was on that line (`comments::weave`).
pub(super) struct Line {
    pub indent: usize,
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// A closing `)` or `}`: comments just before it are indented as the
    /// lines of the block it closes.
    pub closing: bool,
}

pub(super) const INDENT: usize = 2;

pub(super) struct Layout<'a> {
    flat: Flat<'a>,
    comments: &'a [Comment<'a>],
    /// The tokens that are not comments.
    code: Vec<Token>,
    /// `depth[i]`: how many brackets are open before `code[i]`; one more
    /// entry for the end of the file.
    depth: Vec<i32>,
}

impl<'a> Layout<'a> {
    pub fn new(text: &'a str, tokens: &[Token], comments: &'a [Comment<'a>]) -> Layout<'a> {
        let code: Vec<Token> = tokens
            .iter()
            .filter(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::DocComment))
            .copied()
            .collect();
        let mut depth = vec![0];
        for t in &code {
            let change = match &text[t.span.range()] {
                "(" | "{" => 1,
                ")" | "}" => -1,
                _ => 0,
            };
            depth.push(depth.last().copied().unwrap_or(0) + change);
        }
        Layout {
            flat: Flat { text },
            comments,
            code,
            depth,
        }
    }
}

impl Layout<'_> {
    /// The bytes a node's tokens cover: from its first token to its last,
    /// closing brackets included. A node's span may end before its closing
    /// `)` or `}` or after comments that follow it (pest's pair spans differ
    /// in this); the tokens settle it.
    pub fn extent(&self, span: Span) -> (usize, usize) {
        let first = self.code.partition_point(|t| t.span.start < span.start);
        let mut last = self.code.partition_point(|t| t.span.start < span.end);
        let mut open = self.depth[last] - self.depth[first];
        while open > 0 && last < self.code.len() && self.depth[last + 1] < self.depth[last] {
            last += 1;
            open -= 1;
        }
        let end = last
            .checked_sub(1)
            .map_or(span.end as usize, |i| self.code[i].span.end as usize);
        (span.start as usize, end.max(span.start as usize))
    }

    fn has_comment(&self, start: usize, end: usize) -> bool {
        let first = self.comments.partition_point(|c| c.start < start);
        self.comments.get(first).is_some_and(|c| c.start < end)
    }

    /// Whether `text`, printing the source `start..end`, may be one line at
    /// `indent`: it fits, and no comment inside needs a line break.
    fn one_line(&self, indent: usize, text: &str, start: usize, end: usize) -> bool {
        indent + text.chars().count() <= WIDTH && !self.has_comment(start, end)
    }

    /// The end of the first token after `offset` that is not a comment:
    /// the `=` or `{` after a definition's name.
    fn token_end_after(&self, offset: u32) -> usize {
        let at = self.code.partition_point(|t| t.span.start < offset);
        self.code
            .get(at)
            .map_or(offset as usize, |t| t.span.end as usize)
    }

    pub fn definition(&self, def: &Definition) -> Vec<Line> {
        match def {
            Definition::Segment(s) => self.segment(s),
            Definition::Partition(p) => self.partition(p),
        }
    }

    fn segment(&self, s: &SegmentDef) -> Vec<Line> {
        let (start, end) = self.extent(s.span);
        let holdout = s.holdout.as_ref().map(|h| self.flat.holdout(h));
        let mut one_line = format!("segment {} = {}", s.name.value, self.flat.expr(&s.expr));
        if let Some(h) = &holdout {
            one_line = format!("{one_line} {h}");
        }
        if self.one_line(0, &one_line, start, end) {
            return vec![line(0, one_line, start, end)];
        }
        let header = format!("segment {} =", s.name.value);
        let mut lines = vec![line(
            0,
            header,
            start,
            self.token_end_after(s.name.span.end),
        )];
        self.block(&s.expr, INDENT, &mut lines);
        if let (Some(text), Some(h)) = (holdout, &s.holdout) {
            let (start, end) = self.extent(h.span);
            lines.push(line(INDENT, text, start, end));
        }
        lines
    }

    /// A partition: always one arm a line, the `=` of its arms aligned.
    fn partition(&self, p: &PartitionDef) -> Vec<Line> {
        let (start, end) = self.extent(p.span);
        let header = format!("partition {} {{", p.name.value);
        let mut lines = vec![line(
            0,
            header,
            start,
            self.token_end_after(p.name.span.end),
        )];
        let width = p.arms.iter().map(|a| a.name.value.len()).max().unwrap_or(0);
        for arm in &p.arms {
            let first = lines.len();
            let prefix = format!("{:<width$} = ", arm.name.value);
            self.item(&arm.expr, INDENT, prefix, 2 * INDENT, &mut lines);
            lines[first].start = arm.span.start as usize;
        }
        lines.push(Line {
            closing: true,
            ..line(0, "}".into(), end - 1, end)
        });
        lines
    }

    /// A file holding one bare expression: one line, or broken as the
    /// expression of a definition is, at column 0.
    pub fn bare(&self, e: &Expr) -> Vec<Line> {
        let (start, end) = self.extent(e.span);
        let one_line = self.flat.expr(e);
        if self.one_line(0, &one_line, start, end) {
            return vec![line(0, one_line, start, end)];
        }
        let mut lines = Vec::new();
        self.block(e, 0, &mut lines);
        lines
    }

    /// An expression starting a line of its own: a chain one operand a line,
    /// at `indent`; anything else as an [`item`](Self::item).
    fn block(&self, e: &Expr, indent: usize, out: &mut Vec<Line>) {
        match chain(e) {
            Some((operands, keyword)) => {
                for (i, operand) in operands.iter().enumerate() {
                    let prefix = if i == 0 { "" } else { keyword };
                    self.item(operand, indent, prefix.into(), indent + INDENT, out);
                }
            }
            None => self.item(e, indent, String::new(), indent + INDENT, out),
        }
    }

    /// An expression after `prefix` (`and `, an arm's `name = `) on a line at
    /// `indent`: whole when it fits, else broken with its continuation lines
    /// at `rest`. A chain's first operand, on the prefix line, puts its own
    /// continuation one step further than the chain's, so that in
    /// `a and b or c` the `and b` line is indented past the `or c` line.
    fn item(&self, e: &Expr, indent: usize, prefix: String, rest: usize, out: &mut Vec<Line>) {
        let (start, end) = self.extent(e.span);
        let whole = format!("{prefix}{}", self.flat.expr(e));
        if self.one_line(indent, &whole, start, end) {
            out.push(line(indent, whole, start, end));
            return;
        }
        let mut prefix = prefix;
        let mut inner = e;
        while let ExprKind::Not(operand) = &inner.kind {
            prefix.push_str("not ");
            inner = operand;
        }
        if let Some((operands, keyword)) = chain(inner) {
            for (i, operand) in operands.iter().enumerate() {
                if i == 0 {
                    self.item(operand, indent, prefix.clone(), rest + INDENT, out);
                } else {
                    self.item(operand, rest, keyword.into(), rest + INDENT, out);
                }
            }
            return;
        }
        match &inner.kind {
            ExprKind::Group(grouped) => {
                let (open, close) = self.extent(inner.span);
                out.push(line(indent, format!("{prefix}("), start, open + 1));
                self.block(grouped, indent + INDENT, out);
                out.push(Line {
                    closing: true,
                    ..line(indent, ")".into(), close - 1, close)
                });
            }
            ExprKind::Sequence(sequence) => {
                for (i, piece) in self.flat.sequence(sequence).into_iter().enumerate() {
                    if i == 0 {
                        let text = format!("{prefix}{}", piece.text);
                        out.push(line(indent, text, start, self.extent(piece.span).1));
                    } else {
                        let (piece_start, piece_end) = self.extent(piece.span);
                        out.push(line(rest, piece.text, piece_start, piece_end));
                    }
                }
            }
            _ => out.push(line(indent, whole, start, end)),
        }
    }
}

/// The operands of an `and` or `or` chain, and the keyword that joins them.
fn chain(e: &Expr) -> Option<(&[Expr], &'static str)> {
    match &e.kind {
        ExprKind::And(operands) => Some((operands, "and ")),
        ExprKind::Or(operands) => Some((operands, "or ")),
        _ => None,
    }
}

fn line(indent: usize, text: String, start: usize, end: usize) -> Line {
    Line {
        indent,
        text,
        start,
        end,
        closing: false,
    }
}
