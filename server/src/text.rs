//! Byte offsets in text, shared by the language server's line index (`lsp/position.rs`) and the
//! command line's (`cli/lines.rs`): char boundaries, line starts, and checkpoints that make a
//! column on a long line cost a bounded count instead of a scan from the line's start.

/// The largest char boundary of `text` that is `<= offset` (the text's length when past it).
/// (`str::floor_char_boundary` is newer than the supported Rust version.)
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Appends to `starts` the start of every line whose break begins in `from..to` of `bytes`
/// (a vectorized search; CR LF is one break, a lone CR or LF is one). The break that begins at
/// `to - 1` may end at `to`. Lines end as in LSP, so line numbers match the editor's.
pub fn push_line_starts(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
    let mut breaks = memchr::memchr2_iter(b'\n', b'\r', &bytes[from..to]).map(|i| from + i);
    while let Some(i) = breaks.next() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            if i + 1 < to {
                breaks.next(); // the LF of this CRLF
            }
            starts.push(i + 2);
        } else {
            starts.push(i + 1);
        }
    }
}

/// What a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Unicode scalar values (the CLI's and SARIF's columns).
    Char,
    /// UTF-16 code units (LSP's default position encoding).
    Utf16,
}

impl Unit {
    /// The units in `text`.
    pub fn count(self, text: &str) -> usize {
        match self {
            Unit::Char => text.chars().count(),
            Unit::Utf16 => text.chars().map(char::len_utf16).sum(),
        }
    }
}

/// Bytes between two [`Checkpoints`].
pub const STRIDE: usize = 1024;

/// For a text that is not pure ASCII (in ASCII every unit is a byte and none of this is
/// needed): the number of units before the char boundary at or below every multiple of
/// [`STRIDE`] bytes, so that the units before any offset cost at most [`STRIDE`] bytes of
/// counting however long its line is (a minified policy is one line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoints {
    unit: Unit,
    marks: Vec<usize>,
}

impl Checkpoints {
    /// The checkpoints of `text` in `unit`s.
    pub fn new(text: &str, unit: Unit) -> Checkpoints {
        let mut marks = Vec::with_capacity(text.len() / STRIDE + 1);
        let (mut units, mut at) = (0, 0);
        for k in 0..=text.len() / STRIDE {
            let boundary = floor_char_boundary(text, k * STRIDE);
            units += unit.count(&text[at..boundary]);
            at = boundary;
            marks.push(units);
        }
        Checkpoints { unit, marks }
    }

    /// The units of the characters of `text` that end at or before byte `offset`.
    pub fn before(&self, text: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(text, offset);
        let from = self.checkpoint(text, offset / STRIDE);
        self.marks.get(offset / STRIDE).copied().unwrap_or(0) + self.unit.count(&text[from..offset])
    }

    /// The byte offset of the last checkpoint with at most `units` before it.
    pub fn at_or_before(&self, text: &str, units: usize) -> usize {
        let k = self
            .marks
            .partition_point(|&m| m <= units)
            .saturating_sub(1);
        self.checkpoint(text, k)
    }

    /// The char boundary of checkpoint `k`.
    fn checkpoint(&self, text: &str, k: usize) -> usize {
        floor_char_boundary(text, k * STRIDE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units before every offset of a long text (several checkpoints, offsets inside
    /// characters) are the units of the characters that end by then, counted from the start.
    #[test]
    fn units_before_an_offset_are_counted_from_the_nearest_checkpoint() {
        let text: String = (0..3000)
            .map(|i| ["a", "é", "😀", "中", "\n"][i * 7 % 5])
            .collect();
        for unit in [Unit::Char, Unit::Utf16] {
            let marks = Checkpoints::new(&text, unit);
            for offset in 0..=text.len() {
                let whole = unit.count(&text[..floor_char_boundary(&text, offset)]);
                assert_eq!(marks.before(&text, offset), whole, "{unit:?} at {offset}");
                let back = marks.at_or_before(&text, whole);
                assert!(back <= offset && marks.before(&text, back) <= whole);
            }
        }
    }

    #[test]
    fn line_starts_in_a_range() {
        let text = b"a\r\nb\rc\nd\r";
        let mut starts = vec![0];
        push_line_starts(text, 0, text.len(), &mut starts);
        assert_eq!(starts, [0, 3, 5, 7, 9]);
        // A CR at the end of the range still pairs with the LF just past it.
        let mut starts = Vec::new();
        push_line_starts(text, 0, 2, &mut starts);
        assert_eq!(starts, [3]);
    }
}
