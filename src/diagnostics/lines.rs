//! Line and column positions through an index built once per file: each
//! position is then a binary search plus a short count, so reporting many
//! diagnostics never rescans a file from its start (which made thousands of
//! warnings on one long line quadratic).

use std::cell::OnceCell;

use crate::span::{FileId, SourceMap};

/// Lines longer than this (in bytes, line break included) are never drawn whole: a diagnostic on
/// one shows an excerpt, and one near it leaves it out of its context.
pub const MAX_LINE: usize = 1000;

/// Characters are counted from checkpoints this many bytes apart.
const BLOCK: usize = 256;

/// Where the lines of one text start, and what a position needs beyond that.
pub struct LineIndex {
    /// Byte offset of each line's start (after a `\n`); the first is 0.
    starts: Vec<usize>,
    /// Lone `\r`s before each line start: miette counts them as line
    /// breaks too, and its line numbers must not change.
    lone_crs: Vec<usize>,
    /// How many lines before each one are longer than [`MAX_LINE`].
    long_before: Vec<usize>,
    /// Characters in the text before each multiple of [`BLOCK`] bytes (and
    /// in all of it, last).
    chars: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut index = LineIndex {
            starts: vec![0],
            lone_crs: vec![0],
            long_before: vec![0],
            chars: Vec::with_capacity(bytes.len() / BLOCK + 1),
            len: bytes.len(),
        };
        let (mut crs, mut long) = (0, 0);
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => {
                    let start = index.starts[index.starts.len() - 1];
                    long += usize::from(i + 1 - start > MAX_LINE);
                    index.starts.push(i + 1);
                    index.lone_crs.push(crs);
                    index.long_before.push(long);
                }
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => crs += 1,
                _ => {}
            }
        }
        index.chars.push(0);
        for block in bytes.chunks(BLOCK) {
            index
                .chars
                .push(index.chars[index.chars.len() - 1] + count_chars(block));
        }
        index
    }

    /// The 0-based line holding a byte offset (the last line past the end).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset) - 1
    }

    /// Where a line starts.
    pub fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// Where a line ends, its line break included.
    pub fn end(&self, line: usize) -> usize {
        self.starts.get(line + 1).copied().unwrap_or(self.len)
    }

    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// Line breaks before a line as miette counts them (`\n` and lone `\r`).
    pub fn breaks_before(&self, line: usize) -> usize {
        line + self.lone_crs[line]
    }

    pub fn is_long(&self, line: usize) -> bool {
        self.end(line) - self.start(line) > MAX_LINE
    }

    /// Whether any of the lines `first..=last` is longer than [`MAX_LINE`].
    pub fn any_long(&self, first: usize, last: usize) -> bool {
        let long_upto = |line: usize| {
            self.long_before
                .get(line + 1)
                .copied()
                .unwrap_or_else(|| self.long_before[line] + usize::from(self.is_long(line)))
        };
        long_upto(last) > self.long_before[first]
    }

    /// 1-based line and column (in characters) of a byte offset, as
    /// [`SourceMap::line_col`] counts them.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line(offset);
        let column = self.chars_before(text, offset) - self.chars_before(text, self.start(line));
        (line + 1, column + 1)
    }

    /// Characters before a byte offset (at most the text's length).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars[block] + count_chars(&text.as_bytes()[block * BLOCK..offset])
    }
}

/// UTF-8 characters in some bytes: those that do not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b & 0xC0 != 0x80).count()
}

/// The line indexes of a source map, each built the first time it is needed.
pub struct Positions<'a> {
    pub sources: &'a SourceMap,
    indexes: Vec<OnceCell<LineIndex>>,
    /// Set (to `None` when the text needs no change) on first use.
    displayed: Vec<OnceCell<Option<String>>>,
}

impl<'a> Positions<'a> {
    pub fn new(sources: &'a SourceMap) -> Positions<'a> {
        Positions {
            sources,
            indexes: (0..sources.len()).map(|_| OnceCell::new()).collect(),
            displayed: (0..sources.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// A file's text as snippets show it ([`crate::chars::displayable`]):
    /// same byte offsets, nothing a terminal would act on.
    pub fn displayed(&self, file: FileId) -> &str {
        let text = &self.sources.get(file).text;
        let changed =
            self.displayed[file as usize].get_or_init(|| match crate::chars::displayable(text) {
                std::borrow::Cow::Owned(shown) => Some(shown),
                std::borrow::Cow::Borrowed(_) => None,
            });
        changed.as_deref().unwrap_or(text)
    }

    pub fn index(&self, file: FileId) -> &LineIndex {
        self.indexes[file as usize].get_or_init(|| LineIndex::new(&self.sources.get(file).text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        self.index(file)
            .line_col(&self.sources.get(file).text, offset as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::{LineIndex, MAX_LINE};
    use crate::span::SourceMap;

    /// The same positions as the rescanning [`SourceMap::line_col`].
    #[test]
    fn positions_match_the_source_map() {
        let long = "é".repeat(300) + &"x".repeat(MAX_LINE);
        let text = format!("ab\ncdé\r\nf\rg\n\n{long}\nend");
        let mut sources = SourceMap::default();
        let file = sources.add("t.seg", text.clone());
        let index = LineIndex::new(&text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(&text, offset),
                sources.line_col(file, offset as u32),
                "offset {offset}"
            );
        }
        assert_eq!(index.lines(), 6);
        assert_eq!(index.breaks_before(3), 4); // the lone `\r` counts
        assert!(index.is_long(4) && !index.is_long(3) && !index.is_long(5));
        assert!(index.any_long(0, 5) && index.any_long(4, 4) && !index.any_long(0, 3));
        assert!(!index.any_long(5, 5));
    }
}
