//! Every conversion between LSP positions and offsets in the text lives here.
//!
//! LSP addresses text by `(line, character)` where `character` counts code units of the
//! negotiated [`PositionEncoding`] (UTF-16 unless the client offered UTF-8). Lines end at `\n`,
//! `\r\n` or a lone `\r`, exactly as ropey's `cr_lines` feature splits them.
//!
//! Clamping, identical on both sides (the editable [`Rope`] and the immutable [`LineIndex`]):
//! - a line past the last line means the end of the document;
//! - a character past the end of its line means the end of that line (before its line break);
//! - a character that falls inside a character (between the two halves of a surrogate pair, or
//!   inside a multi-byte UTF-8 sequence) moves back to the start of that character.
//!
//! Nothing here panics, whatever the input.

use crate::syntax::Span;
use ropey::Rope;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// The unit in which `Position::character` is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    /// UTF-8 code units (bytes). Used when the client lists `utf-8` in
    /// `general.positionEncodings`.
    Utf8,
    /// UTF-16 code units: the LSP default, which every client supports.
    #[default]
    Utf16,
}

impl PositionEncoding {
    /// Picks the encoding from what the client offers: UTF-8 when offered (it is the server's
    /// native unit, so conversions are cheapest), otherwise the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
            _ => PositionEncoding::Utf16,
        }
    }

    /// The value to announce as `capabilities.positionEncoding`.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

pub use crate::text::floor_char_boundary;
use crate::text::{Checkpoints, Unit, push_line_starts};

/// Char index in `rope` addressed by `position`, clamped as described in the module docs.
///
/// Runs in O(log n) using ropey's line and UTF-16 indexes.
pub fn rope_char_index(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let Ok(start) = rope.try_line_to_char(line) else {
        return rope.len_chars();
    };
    let end = rope_line_content_end(rope, line);
    let column = position.character as usize;
    let found = match encoding {
        PositionEncoding::Utf8 => {
            let (Ok(start_byte), Ok(end_byte)) =
                (rope.try_char_to_byte(start), rope.try_char_to_byte(end))
            else {
                return end;
            };
            rope.try_byte_to_char(start_byte.saturating_add(column).min(end_byte))
        }
        PositionEncoding::Utf16 => {
            let (Ok(start_cu), Ok(end_cu)) = (
                rope.try_char_to_utf16_cu(start),
                rope.try_char_to_utf16_cu(end),
            ) else {
                return end;
            };
            rope.try_utf16_cu_to_char(start_cu.saturating_add(column).min(end_cu))
        }
    };
    found.unwrap_or(end).clamp(start, end)
}

/// Char index just past the content of `line` (before its line break, if any).
fn rope_line_content_end(rope: &Rope, line: usize) -> usize {
    if line + 1 >= rope.len_lines() {
        return rope.len_chars();
    }
    let Ok(next) = rope.try_line_to_char(line + 1) else {
        return rope.len_chars();
    };
    let at = |i: usize| rope.get_char(i);
    match (
        next.checked_sub(2).and_then(at),
        next.checked_sub(1).and_then(at),
    ) {
        (Some('\r'), Some('\n')) => next - 2,
        (_, Some('\n' | '\r')) => next - 1,
        _ => next,
    }
}

/// The UTF-16 checkpoints of `text`, when positions are counted in UTF-16 units and the text
/// is not pure ASCII (see [`LineIndex::utf16_marks`]).
fn utf16_marks(text: &str, encoding: PositionEncoding) -> Option<Checkpoints> {
    (encoding == PositionEncoding::Utf16 && !text.is_ascii())
        .then(|| Checkpoints::new(text, Unit::Utf16))
}

/// Line starts of an immutable text, for converting byte offsets of findings into LSP ranges
/// and LSP positions of requests into byte offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    text: Arc<str>,
    /// Byte offset where each line starts; `starts[0] == 0`, one entry per line.
    starts: Vec<usize>,
    encoding: PositionEncoding,
    /// UTF-16 checkpoints, kept only for UTF-16 positions in a text that is not pure ASCII.
    /// Column conversions then cost O([`crate::text::STRIDE`]) whatever the line's length,
    /// instead of a scan from the start of the line (quadratic over a minified policy).
    utf16_marks: Option<Checkpoints>,
}

impl LineIndex {
    /// Indexes `text` (O(n), with a vectorized search for line breaks); positions are counted in
    /// `encoding` units.
    pub fn new(text: Arc<str>, encoding: PositionEncoding) -> Self {
        let mut starts = vec![0];
        push_line_starts(text.as_bytes(), 0, text.len(), &mut starts);
        LineIndex {
            utf16_marks: utf16_marks(&text, encoding),
            text,
            starts,
            encoding,
        }
    }

    /// Indexes `text`, an edit of the text `previous` indexed: the line starts before the
    /// first changed byte and after the last one are taken over (the latter moved by the
    /// change in length), and only the changed bytes are searched for line breaks. A keystroke
    /// in a large document then costs a copy of its line starts instead of a search of the
    /// whole text. The result is the one [`LineIndex::new`] gives (a test holds them equal).
    pub fn edited(previous: LineIndex, text: Arc<str>, encoding: PositionEncoding) -> Self {
        let LineIndex {
            text: old,
            mut starts,
            ..
        } = previous;
        let (prefix, suffix) = crate::syntax::common_ends(old.as_bytes(), text.as_bytes());
        // A start is known from the byte before it (the break) and its own byte (a CR followed
        // by LF is one break): kept when both are in the unchanged prefix, or both in the
        // unchanged suffix.
        let tail_from = starts.partition_point(|&s| s <= old.len() - suffix);
        let tail: Vec<usize> = starts[tail_from..]
            .iter()
            .map(|&s| s + text.len() - old.len())
            .collect();
        let head = starts.partition_point(|&s| s < prefix).max(1);
        starts.truncate(head);
        // From the byte before the change, whose break the head left out.
        let changed_end = text.len() - suffix;
        push_line_starts(
            text.as_bytes(),
            prefix.saturating_sub(1),
            changed_end,
            &mut starts,
        );
        // A CR just before the suffix joined with its LF already gave the first tail start.
        let last = starts.last().copied().unwrap_or(0);
        starts.extend(tail.into_iter().filter(|&s| s > last));
        LineIndex {
            utf16_marks: utf16_marks(&text, encoding),
            text,
            starts,
            encoding,
        }
    }

    /// Byte offset of UTF-16 column `column` of the line content `start..end` (clamped, moved back
    /// to a char boundary), starting from the nearest checkpoint.
    fn utf16_column_to_byte(
        &self,
        marks: &Checkpoints,
        start: usize,
        end: usize,
        column: u32,
    ) -> usize {
        let line_units = marks.before(&self.text, start);
        let target = line_units.saturating_add(column as usize);
        // The last checkpoint at or before the target, but not before the line.
        let from = marks.at_or_before(&self.text, target).clamp(start, end);
        let mut units = marks.before(&self.text, from);
        let rest = self.text.get(from..end).unwrap_or("");
        for (byte, ch) in rest.char_indices() {
            let next = units + ch.len_utf16();
            if next > target {
                return from + byte;
            }
            units = next;
        }
        end
    }

    /// The indexed text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The encoding positions are counted in.
    pub fn encoding(&self) -> PositionEncoding {
        self.encoding
    }

    /// Number of lines (a text ending with a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of the content of `line` (without its line break).
    fn line_content(&self, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let Some(&next) = self.starts.get(line + 1) else {
            return (start, self.text.len());
        };
        let bytes = self.text.as_bytes();
        let end = if next >= 2 && bytes.get(next - 2..next) == Some(b"\r\n") {
            next - 2
        } else {
            next - 1
        };
        (start, end.max(start))
    }

    /// Byte offset addressed by `position`, clamped as described in the module docs.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let (start, end) = self.line_content(line);
        if let Some(marks) = &self.utf16_marks {
            return self.utf16_column_to_byte(marks, start, end, position.character);
        }
        let content = self.text.get(start..end).unwrap_or("");
        // UTF-8, or ASCII text where UTF-16 units are bytes: O(1).
        start + floor_char_boundary(content, position.character as usize)
    }

    /// The position of byte `offset` (clamped to the text, moved back to a char boundary; an
    /// offset inside a line break maps to the end of that line).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset);
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let (start, end) = self.line_content(line);
        let offset = offset.min(end);
        let units = match &self.utf16_marks {
            Some(marks) => marks.before(&self.text, offset) - marks.before(&self.text, start),
            // UTF-8, or ASCII text where UTF-16 units are bytes: O(1).
            None => offset - start,
        };
        let column = u32::try_from(units).unwrap_or(u32::MAX);
        Position::new(u32::try_from(line).unwrap_or(u32::MAX), column)
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(text: &str, enc: PositionEncoding) -> LineIndex {
        LineIndex::new(Arc::from(text), enc)
    }

    #[test]
    fn negotiation_prefers_utf8_when_offered() {
        assert_eq!(PositionEncoding::negotiate(None), PositionEncoding::Utf16);
        assert_eq!(
            PositionEncoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            PositionEncoding::Utf16
        );
        assert_eq!(
            PositionEncoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            PositionEncoding::Utf8
        );
        assert_eq!(
            PositionEncoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            PositionEncoding::Utf16
        );
    }

    #[test]
    fn line_breaks_are_lf_crlf_and_lone_cr() {
        let index = idx("a\nb\r\nc\rd", PositionEncoding::Utf16);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.offset(Position::new(1, 0)), 2);
        assert_eq!(index.offset(Position::new(2, 0)), 5);
        assert_eq!(index.offset(Position::new(3, 0)), 7);
        // Past the end of a CRLF line: before the CR.
        assert_eq!(index.offset(Position::new(1, 9)), 3);
        // Line past the end: end of document.
        assert_eq!(index.offset(Position::new(9, 0)), 8);
        // Inside the CRLF: end of that line.
        assert_eq!(index.position(4), Position::new(1, 1));
        assert_eq!(index.position(5), Position::new(2, 0));
    }

    #[test]
    fn utf16_counts_surrogate_pairs_and_floors_inside_them() {
        // "é" is 1 UTF-16 unit / 2 bytes; "😀" is 2 units / 4 bytes.
        let text = "é😀x";
        let index = idx(text, PositionEncoding::Utf16);
        assert_eq!(index.offset(Position::new(0, 1)), 2);
        assert_eq!(index.offset(Position::new(0, 2)), 2, "inside the pair");
        assert_eq!(index.offset(Position::new(0, 3)), 6);
        assert_eq!(index.offset(Position::new(0, 4)), 7);
        assert_eq!(index.offset(Position::new(0, u32::MAX)), 7);
        assert_eq!(index.position(6), Position::new(0, 3));
        assert_eq!(index.position(4), Position::new(0, 1), "inside the emoji");
    }

    #[test]
    fn utf8_counts_bytes_and_floors_inside_sequences() {
        let index = idx("é😀x", PositionEncoding::Utf8);
        assert_eq!(index.offset(Position::new(0, 1)), 0);
        assert_eq!(index.offset(Position::new(0, 2)), 2);
        assert_eq!(index.offset(Position::new(0, 5)), 2);
        assert_eq!(index.offset(Position::new(0, 6)), 6);
        assert_eq!(index.position(7), Position::new(0, 7));
        assert_eq!(index.position(99), Position::new(0, 7));
    }

    #[test]
    fn rope_and_line_index_agree() {
        let text = "{\r\n  \"é\": \"😀\"\r\r\n\n中文\rend";
        let rope = Rope::from_str(text);
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let index = idx(text, enc);
            assert_eq!(index.line_count(), rope.len_lines());
            for line in 0..8 {
                for character in 0..20 {
                    let pos = Position::new(line, character);
                    let from_rope = rope.char_to_byte(rope_char_index(&rope, pos, enc));
                    assert_eq!(from_rope, index.offset(pos), "{enc:?} {pos:?}");
                }
            }
        }
    }

    #[test]
    fn position_and_offset_round_trip_on_boundaries() {
        let text = "a😀\r\nb\rc\n";
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let index = idx(text, enc);
            for (offset, _) in text.char_indices() {
                let pos = index.position(offset);
                let back = index.offset(pos);
                // Offsets inside a line break come back as the end of the line.
                let is_break = matches!(text.as_bytes()[offset], b'\r' | b'\n');
                if !is_break {
                    assert_eq!(back, offset, "{enc:?} {offset}");
                }
            }
        }
    }

    /// Naive reference: UTF-16 position of each char boundary, by scanning from the line start.
    fn naive_position(text: &str, offset: usize) -> Position {
        let before = &text[..offset];
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + before.matches('\r').count()
            - before.matches("\r\n").count();
        let column = Unit::Utf16.count(&text[line_start..offset]);
        Position::new(line as u32, column as u32)
    }

    #[test]
    fn long_non_ascii_lines_convert_like_a_scan_from_the_line_start() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["a", "é", "😀", "中", "\n", "bc", "\r\n"][i * 7 % 11 % 7]);
            if i % 500 == 0 {
                text.push_str(&"x".repeat(1500));
            }
        }
        let index = idx(&text, PositionEncoding::Utf16);
        assert!(index.utf16_marks.is_some());
        for (offset, _) in text.char_indices() {
            let expected = naive_position(&text, offset);
            if matches!(text.as_bytes()[offset], b'\n')
                && offset > 0
                && text.as_bytes()[offset - 1] == b'\r'
            {
                continue; // inside a CRLF
            }
            assert_eq!(index.position(offset), expected, "offset {offset}");
            assert_eq!(index.offset(expected), offset, "{expected:?}");
        }
        // Past the end of a long line: its end.
        let last = index.line_count() - 1;
        let end = index.offset(Position::new(last as u32, u32::MAX));
        assert_eq!(end, text.len());
    }

    #[test]
    fn empty_text() {
        let index = idx("", PositionEncoding::Utf16);
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.offset(Position::new(0, 5)), 0);
        assert_eq!(index.position(3), Position::new(0, 0));
        let rope = Rope::new();
        assert_eq!(
            rope_char_index(&rope, Position::new(3, 3), PositionEncoding::Utf16),
            0
        );
    }

    /// The line index of an edited text, patched from the previous one, is the one indexing
    /// it afresh gives, for edits anywhere (next to or inside CR LF pairs, at either end, of
    /// multi-byte characters) in both encodings, over chains of edits.
    #[test]
    fn an_edited_index_is_the_fresh_one() {
        use crate::test_support::{Rng, boundary};
        const PIECES: &[&str] = &["\r", "\n", "\r\n", "a", "bc", "é", "😀", " "];
        let mut rng = Rng(0x11e5);
        let piece = |rng: &mut Rng, n: usize| -> String {
            (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
        };
        for round in 0..400 {
            let enc = if round % 2 == 0 {
                PositionEncoding::Utf16
            } else {
                PositionEncoding::Utf8
            };
            // Now and then a text longer than the UTF-16 checkpoint stride.
            let len = if round % 50 == 0 { 1500 } else { rng.below(30) };
            let first = piece(&mut rng, len);
            let mut index = idx(&first, enc);
            let mut text = first;
            for _ in 0..8 {
                let a = boundary(&text, &mut rng);
                let b = boundary(&text, &mut rng);
                let (a, b) = (a.min(b), a.max(b));
                let n = rng.below(4);
                let inserted = piece(&mut rng, n);
                let next = format!("{}{}{}", &text[..a], inserted, &text[b..]);
                let fresh = idx(&next, enc);
                index = LineIndex::edited(index, Arc::from(next.as_str()), enc);
                assert_eq!(index.starts, fresh.starts, "{text:?} -> {next:?}");
                assert_eq!(index.utf16_marks, fresh.utf16_marks, "{text:?} -> {next:?}");
                assert_eq!(&*index.text, next.as_str());
                text = next;
            }
        }
    }
}
