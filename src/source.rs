//! Byte spans in the user's files and their conversion to 1-based lines and
//! columns. Also the offset map that carries positions in a decoded string
//! (the JSON text inside a plist `<string>`) back to the raw file.

use serde::Serialize;

/// A byte range `start..end` in one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// Returns the empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }
}

/// A 1-based line and a 1-based column counted in Unicode characters, the
/// convention of editors and of SARIF's `unicodeCodePoints`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, so that offsets turn into positions in `O(log n)`.
///
/// A line ends at LF, at CRLF, or at a CR that no LF follows.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Number of characters before each block of `BLOCK` bytes, so that a
    /// column on a long line costs at most one block's scan.
    chars_before_block: Vec<usize>,
}

const BLOCK: usize = 4096;

/// Says whether a byte starts a UTF-8 character.
fn starts_char(byte: u8) -> bool {
    byte & 0xC0 != 0x80
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut count = 0;
        for block in bytes.chunks(BLOCK) {
            chars_before_block.push(count);
            count += block.iter().filter(|&&b| starts_char(b)).count();
        }
        chars_before_block.push(count);
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// Counts the characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        let from = block * BLOCK;
        let tail = text.as_bytes()[from..offset]
            .iter()
            .filter(|&&b| starts_char(b))
            .count();
        self.chars_before_block[block] + tail
    }

    /// Converts a byte offset into a position. An offset inside a multi-byte
    /// character counts as that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self.chars_before(text, offset) - self.chars_before(text, start);
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Returns the byte offset where the 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line - 1]
    }

    /// Returns the text of the 1-based `line` without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Maps offsets in a decoded string back to offsets in the raw text it was
/// decoded from.
///
/// Each anchor records that decoded offset `.0` came from raw offset `.1`, and
/// the bytes after it up to the next anchor were copied one to one. An offset
/// inside an expanded entity maps to the start of the entity as written.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    anchors: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// Returns the map of a string copied unchanged from raw offset `base`.
    pub fn shifted(base: usize) -> Self {
        OffsetMap {
            anchors: vec![(0, base)],
        }
    }

    /// Records that decoded offset `decoded` starts at raw offset `raw`.
    pub fn push(&mut self, decoded: usize, raw: usize) {
        if let Some(last) = self.anchors.last_mut()
            && last.0 == decoded
        {
            *last = (decoded, raw);
            return;
        }
        self.anchors.push((decoded, raw));
    }

    /// Says whether every offset maps to itself.
    pub fn is_identity(&self) -> bool {
        self.anchors.iter().all(|&(decoded, raw)| decoded == raw)
    }

    pub fn raw_offset(&self, decoded: usize) -> usize {
        let i = self.anchors.partition_point(|&(d, _)| d <= decoded);
        if i == 0 {
            return decoded;
        }
        let (d, r) = self.anchors[i - 1];
        r + (decoded - d)
    }

    /// Maps a span. Its end maps to where the next decoded character starts
    /// in the raw text, so that a span ending with an expanded entity covers
    /// the whole entity. The decoder anchors the end of the text for this.
    pub fn raw_span(&self, span: Span) -> Span {
        let start = self.raw_offset(span.start);
        let end = if span.end > span.start {
            self.raw_offset(span.end)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters() {
        let text = "ab\n–x\r\ny";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), Position { line: 2, column: 2 });
        let y = text.find('y').unwrap();
        assert_eq!(index.position(text, y), Position { line: 3, column: 1 });
    }

    #[test]
    fn line_text_strips_crlf() {
        let text = "one\r\ntwo";
        let index = LineIndex::new(text);
        assert_eq!(index.line_text(text, 1), "one");
        assert_eq!(index.line_text(text, 2), "two");
    }

    #[test]
    fn offset_map_follows_entities() {
        // raw: `a&amp;b` decodes to `a&b`
        let mut map = OffsetMap::shifted(10);
        map.push(1, 11);
        map.push(2, 16);
        map.push(3, 17);
        assert_eq!(map.raw_offset(0), 10);
        assert_eq!(map.raw_offset(1), 11);
        assert_eq!(map.raw_offset(2), 16);
        assert_eq!(map.raw_span(Span::new(1, 3)), Span::new(11, 17));
        assert_eq!(map.raw_span(Span::new(0, 2)), Span::new(10, 16));
    }
}
