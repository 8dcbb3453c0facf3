//! Byte offsets to 1-based lines and columns, as people and SARIF count them.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (as in LSP, so line numbers match the editor's).
//! Columns count Unicode scalar values (characters) from 1; SARIF output declares this with
//! `columnKind: "unicodeCodePoints"`. An end offset maps to the column just past the last
//! character, which is what SARIF's exclusive `endColumn` means.

use crate::text::{Checkpoints, Unit, push_line_starts};

/// A line/column position (both 1-based) with the byte offset it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset in the text (clamped to the text).
    pub offset: usize,
}

/// The start offsets of every line of a text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `None` for pure ASCII text, where a column is a byte count. Otherwise character counts
    /// at checkpoints, so that a column costs a bounded count whatever the line's length (a
    /// minified policy is one long line; counting it from its start for every finding was
    /// quadratic).
    char_marks: Option<Checkpoints>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        push_line_starts(text.as_bytes(), 0, text.len(), &mut starts);
        let char_marks = (!text.is_ascii()).then(|| Checkpoints::new(text, Unit::Char));
        LineIndex { starts, char_marks }
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The position of byte `offset` (clamped to the text; an offset inside a character counts
    /// as that character).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line0 = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line0).copied().unwrap_or(0);
        let column = 1 + match &self.char_marks {
            None => offset.saturating_sub(start),
            Some(marks) => marks.before(text, offset) - marks.before(text, start),
        };
        Position {
            line: line0 + 1,
            column,
            offset,
        }
    }

    /// The byte offset where 1-based `line` starts (0 for line 0; the last line's start past
    /// the end).
    pub fn line_start(&self, line: usize) -> usize {
        let last = self.starts.len().saturating_sub(1);
        self.starts[line.saturating_sub(1).min(last)]
    }

    /// The text of 1-based `line` without its line break; empty past the end.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(&start) = line.checked_sub(1).and_then(|l| self.starts.get(l)) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        let raw = text.get(start..end).unwrap_or("");
        raw.trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\ncé\r\nx\ry";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line_count(), 4);
        let p = |o| {
            let p = ix.position(text, o);
            (p.line, p.column)
        };
        assert_eq!(p(0), (1, 1));
        assert_eq!(p(2), (1, 3));
        assert_eq!(p(3), (2, 1));
        // `é` is two bytes: the offset after it is column 3.
        assert_eq!(p(6), (2, 3));
        // Inside `é`: still its column.
        assert_eq!(p(5), (2, 2));
        assert_eq!(p(8), (3, 1));
        assert_eq!(p(10), (4, 1));
        assert_eq!(p(11), (4, 2));
        assert_eq!(p(999), (4, 2));
        assert_eq!(ix.line_text(text, 2), "cé");
        assert_eq!(ix.line_text(text, 3), "x");
        assert_eq!(ix.line_text(text, 4), "y");
        assert_eq!(ix.line_text(text, 9), "");
        assert_eq!(ix.line_text(text, 0), "");
    }

    #[test]
    fn trailing_line_break_makes_an_empty_last_line() {
        let text = "{}\n";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line_count(), 2);
        assert_eq!(ix.position(text, 3).line, 2);
        assert_eq!(LineIndex::new("").line_count(), 1);
    }

    /// Columns on long lines with multi-byte characters (past several checkpoints, offsets
    /// inside characters and at line ends) are the characters before them on their line.
    #[test]
    fn columns_on_long_non_ascii_lines_count_characters() {
        let line: String = (0..3000)
            .map(|i| match i % 7 {
                0 => "é",
                3 => "😀",
                _ => "a",
            })
            .collect();
        let text = format!("{line}\r\n{line}\nx");
        let ix = LineIndex::new(&text);
        for offset in (0..=text.len()).step_by(13).chain([text.len()]) {
            let p = ix.position(&text, offset);
            let line_start = match p.line {
                1 => 0,
                2 => line.len() + 2,
                _ => 2 * line.len() + 3,
            };
            let naive = text[line_start..]
                .char_indices()
                .take_while(|(i, c)| line_start + i + c.len_utf8() <= offset)
                .count();
            assert_eq!(p.column, naive + 1, "offset {offset}");
        }
    }
}
