//! Parsing a file definition by definition, so that one syntax error does
//! not hide the next: the file is cut where each definition starts, each
//! piece is parsed on its own, and a piece that does not parse leaves
//! behind what can be read of it (its name, its references) so that the
//! rest of the project is checked without bogus errors about it.

use pest::Parser as _;

use super::ast::{Definition, File};
use super::parser::{check_depth, Builder, Rule, SegParser};
use super::syntax_error;
use super::token::{self, Token, TokenKind};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::span::FileId;

/// The result of parsing one file: the tokens always, the AST when the file
/// is well-formed, and the diagnostics found. A file with errors still
/// yields every definition that parsed (`recovered`) and what can be read
/// of the others (`broken`), so that one run reports every syntax error and
/// checks the rest.
pub struct Parsed {
    pub tokens: Vec<Token>,
    pub file: Option<File>,
    /// When `file` is `None`: the definitions that parsed, in file order.
    pub recovered: Vec<Definition>,
    /// When `file` is `None`: each definition (or bare expression) with an error.
    pub broken: Vec<Broken>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What can be read of a definition that did not parse.
#[derive(Clone, Debug)]
pub struct Broken {
    /// The names it may define: the one after `segment` or `partition`, or
    /// after a misspelt keyword (`segmnt vip =`). None readable: empty.
    pub names: Vec<String>,
    /// A bare expression, which defines the segment named after the file.
    pub bare: bool,
    /// The segments it refers to with `in segment`.
    pub references: Vec<String>,
}

pub fn parse(file: FileId, text: &str) -> Parsed {
    let (tokens, mut diagnostics) = token::lex(file, text);
    // Where the lexical errors are, in order: a piece with one is not parsed.
    let mut lexical: Vec<usize> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.span().map(|s| s.start as usize))
        .collect();
    lexical.sort_unstable();
    let chunks = chunks(&tokens, text);
    let has_definitions = chunks.len() > 1;
    let mut whole = true;
    let mut recovered = Vec::new();
    let mut broken = Vec::new();
    let mut bare_expr = None;
    for (i, chunk) in chunks.iter().enumerate() {
        let chunk_tokens = &tokens[chunk.tokens.clone()];
        if code_tokens(chunk_tokens).is_empty() {
            continue;
        }
        let ast = parse_chunk(file, text, &tokens, chunk, &lexical, &mut diagnostics);
        match ast {
            Some(File::Definitions(list)) => recovered.extend(list),
            Some(File::Expr { doc, expr }) if !has_definitions => {
                bare_expr = Some(File::Expr { doc, expr })
            }
            Some(File::Expr { expr, .. }) => {
                whole = false;
                diagnostics.push(
                    Diagnostic::new(Code::Syntax, "a bare expression cannot stand beside definitions")
                        .label(expr.span, "an expression outside any definition")
                        .help("name it: `segment NAME = …`; a file holds either definitions or one bare expression"),
                );
            }
            Some(File::Empty) => {}
            None => {
                whole = false;
                broken.push(Broken {
                    names: defined_names(chunk_tokens, text),
                    bare: i == 0 && !has_definitions,
                    references: references(chunk_tokens, text),
                });
            }
        }
    }
    let file_ast = match (whole, bare_expr) {
        (false, _) => None,
        (true, Some(expr)) => Some(expr),
        (true, None) if recovered.is_empty() => Some(File::Empty),
        (true, None) => Some(File::Definitions(std::mem::take(&mut recovered))),
    };
    Parsed {
        tokens,
        file: file_ast,
        recovered,
        broken,
        diagnostics,
    }
}

/// One definition's text (or the text before the first definition): the
/// byte range it covers and the indices of its tokens.
struct Chunk {
    range: std::ops::Range<usize>,
    tokens: std::ops::Range<usize>,
}

/// Words after which `segment` is a slip inside an expression (`= segment
/// vip`, `and segment vip`), not the start of a definition.
const BEFORE_REFERENCE: &[&str] = &["in", "=", "(", "and", "or", "not"];

/// Cuts a file at each definition: a `segment` or `partition` keyword
/// starts one, except `segment` after a word of [`BEFORE_REFERENCE`]. Line
/// breaks play no part, as everywhere in Seg. The first chunk is the text
/// before the first definition (a bare expression, or only comments).
fn chunks(tokens: &[Token], text: &str) -> Vec<Chunk> {
    let mut starts = vec![0usize];
    let mut previous: Option<&str> = None;
    for (i, t) in tokens.iter().enumerate() {
        if matches!(t.kind, TokenKind::Comment | TokenKind::DocComment) {
            continue;
        }
        let word = &text[t.span.range()];
        let starts_definition = t.kind == TokenKind::Keyword
            && (word.eq_ignore_ascii_case("partition")
                || (word.eq_ignore_ascii_case("segment")
                    && !previous.is_some_and(|p| {
                        BEFORE_REFERENCE.iter().any(|w| w.eq_ignore_ascii_case(p))
                    })));
        if starts_definition {
            starts.push(i);
        }
        previous = Some(word);
    }
    let mut out = Vec::with_capacity(starts.len());
    for (n, &first) in starts.iter().enumerate() {
        let last = starts.get(n + 1).copied().unwrap_or(tokens.len());
        let start = if n == 0 {
            0
        } else {
            tokens[first].span.start as usize
        };
        let end = starts
            .get(n + 1)
            .map_or(text.len(), |&next| tokens[next].span.start as usize);
        out.push(Chunk {
            range: start..end,
            tokens: first..last,
        });
    }
    out
}

/// Tokens past a piece's end that a syntax error's hint may read (the
/// found token can be the next definition's first).
const LOOKAHEAD: usize = 8;

/// Parses one chunk. `None` when it has an error: a lexical one (already
/// reported; `lexical` holds their offsets, sorted), one of nesting, or one
/// of syntax (reported here). Only the chunk's tokens are read, so a file
/// of many broken definitions stays linear.
fn parse_chunk(
    file: FileId,
    text: &str,
    tokens: &[Token],
    chunk: &Chunk,
    lexical: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<File> {
    let range = &chunk.range;
    let first_error = lexical.partition_point(|&at| at < range.start);
    if lexical.get(first_error).is_some_and(|&at| at < range.end) {
        return None;
    }
    if let Some(d) = check_depth(&tokens[chunk.tokens.clone()], text) {
        diagnostics.push(d);
        return None;
    }
    match SegParser::parse(Rule::file, &text[range.clone()]) {
        Ok(mut pairs) => {
            let builder = Builder {
                file,
                text,
                tokens,
                offset: range.start,
            };
            Some(builder.file(pairs.next().expect("the file rule always yields a pair")))
        }
        Err(error) => {
            let end = (chunk.tokens.end + LOOKAHEAD).min(tokens.len());
            diagnostics.push(syntax_error::translate(
                &error,
                file,
                text,
                &tokens[chunk.tokens.start..end],
                range.start,
            ));
            None
        }
    }
}

/// The names a broken chunk may define: the identifier after its
/// `segment` or `partition`, or after a misspelt one (`segmnt vip =`).
fn defined_names(tokens: &[Token], text: &str) -> Vec<String> {
    let code = code_tokens(tokens);
    let word = |t: &Token| &text[t.span.range()];
    code.windows(3)
        .filter(|w| {
            let keyword = match w[0].kind {
                TokenKind::Keyword => ["segment", "partition"]
                    .iter()
                    .any(|k| word(w[0]).eq_ignore_ascii_case(k)),
                TokenKind::Ident => suggest(word(w[0]), ["segment", "partition"]).is_some(),
                _ => false,
            };
            keyword && w[1].kind == TokenKind::Ident && ["=", "{"].contains(&word(w[2]))
        })
        .map(|w| word(w[1]).to_string())
        .collect()
}

/// The tokens that are not comments.
pub(super) fn code_tokens(tokens: &[Token]) -> Vec<&Token> {
    tokens
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::DocComment))
        .collect()
}

/// The segments named after `in segment` in a broken chunk.
fn references(tokens: &[Token], text: &str) -> Vec<String> {
    code_tokens(tokens)
        .windows(3)
        .filter(|w| {
            text[w[0].span.range()].eq_ignore_ascii_case("in")
                && text[w[1].span.range()].eq_ignore_ascii_case("segment")
                && w[2].kind == TokenKind::Ident
        })
        .map(|w| text[w[2].span.range()].to_string())
        .collect()
}
