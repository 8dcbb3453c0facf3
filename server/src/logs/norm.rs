//! A normalised copy of a small window of log text, with a map back to source offsets.
//!
//! Messages reach us escaped inside JSON strings (`\"`, `\n`, `\/`, `\u0027`, sometimes escaped
//! twice), broken over several lines by the log's own wrapping, or indented. The parser should
//! not care, so a window around each candidate is rewritten once:
//! - every run of spacing (raw or escaped: `\n`, `\r`, `\t`) becomes one space;
//! - escaped quotes and slashes become the plain character; `\uXXXX` becomes the character;
//! - an *unescaped* double quote becomes [`RAW_QUOTE`], a byte no token or literal contains, so a
//!   message inside a JSON string stops at the string's end without any JSON parsing;
//! - spacing that holds a blank line, or a line break before a new log record (a line that
//!   starts with a timestamp), also becomes [`RAW_QUOTE`]: a message never runs on past it.
//!
//! Every output byte remembers the source bytes it came from, so results map back to exact spans.

use crate::syntax::Span;

/// Stands for an unescaped `"` in the normalised text: a hard stop for tokens.
pub(crate) const RAW_QUOTE: u8 = 0x01;

/// The normalised window.
#[derive(Debug, Default)]
pub(crate) struct Norm {
    pub text: String,
    /// Source start of the unit that produced each output byte, relative to `lo`.
    starts: Vec<u32>,
    /// Source end of the unit that produced each output byte, relative to `lo`.
    ends: Vec<u32>,
    /// The source window.
    pub lo: usize,
    pub hi: usize,
}

impl Norm {
    /// Normalises `src[lo..hi]`. `lo` and `hi` are moved to character boundaries if needed.
    pub fn build(src: &str, lo: usize, hi: usize) -> Norm {
        let bytes = src.as_bytes();
        let mut lo = lo.min(bytes.len());
        while lo > 0 && !src.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = hi.min(bytes.len()).max(lo);
        while hi < bytes.len() && !src.is_char_boundary(hi) {
            hi += 1;
        }
        // Windows are small (kilobytes); cap them so relative offsets fit in u32.
        let hi = if hi - lo > u32::MAX as usize / 2 {
            let mut h = lo + u32::MAX as usize / 2;
            while h > lo && !src.is_char_boundary(h) {
                h -= 1;
            }
            h
        } else {
            hi
        };
        let mut w = Writer {
            out: Vec::with_capacity(hi - lo),
            starts: Vec::with_capacity(hi - lo),
            ends: Vec::with_capacity(hi - lo),
            lo,
        };
        let mut i = lo;
        let mut pending_space: Option<(usize, usize)> = None;
        while i < hi {
            let b = bytes[i];
            if is_plain(b) {
                // Fast path: a run of bytes copied as they are.
                let mut j = i + 1;
                while j < hi && is_plain(bytes[j]) {
                    j += 1;
                }
                if let Some((s, e)) = pending_space.take() {
                    w.push(spacing_byte(bytes, s, e, hi), s, e);
                }
                w.copy(bytes, i, j);
                i = j;
                continue;
            }
            // Spacing, raw or escaped.
            let sep = separator_at(bytes, i, hi);
            if sep > 0 {
                pending_space = Some(match pending_space {
                    Some((s, _)) => (s, i + sep),
                    None => (i, i + sep),
                });
                i += sep;
                continue;
            }
            if let Some((s, e)) = pending_space.take() {
                w.push(spacing_byte(bytes, s, e, hi), s, e);
            }
            if b == b'\\' {
                let mut q = i;
                while q < hi && bytes[q] == b'\\' {
                    q += 1;
                }
                let run = q - i;
                match bytes.get(q).copied().filter(|_| q < hi) {
                    Some(b'"') if run % 2 == 1 => {
                        w.push(b'"', i, q + 1);
                        i = q + 1;
                    }
                    Some(b'"') => {
                        // Even run: literal backslashes, then a real quote.
                        w.push(b'\\', i, q);
                        w.push(RAW_QUOTE, q, q + 1);
                        i = q + 1;
                    }
                    Some(c @ (b'\'' | b'/')) => {
                        w.push(c, i, q + 1);
                        i = q + 1;
                    }
                    Some(b'u') => {
                        if let Some((ch, used)) = decode_unicode_escape(bytes, q, hi) {
                            let mut buf = [0u8; 4];
                            for &cb in ch.encode_utf8(&mut buf).as_bytes() {
                                w.push(cb, i, q + used);
                            }
                            i = q + used;
                        } else {
                            w.push(b'\\', i, q);
                            i = q;
                        }
                    }
                    _ => {
                        w.push(b'\\', i, q);
                        i = q;
                    }
                }
                continue;
            }
            if b == b'"' {
                w.push(RAW_QUOTE, i, i + 1);
            } else {
                w.push(b, i, i + 1);
            }
            i += 1;
        }
        if let Some((s, e)) = pending_space.take() {
            w.push(b' ', s, e);
        }
        let Writer {
            out, starts, ends, ..
        } = w;
        let text = match String::from_utf8(out) {
            Ok(t) => t,
            Err(e) => {
                // Cannot happen (whole characters are copied), but never panic: replace every
                // non-ASCII byte one for one so the offset map stays aligned.
                e.into_bytes()
                    .into_iter()
                    .map(|b| if b.is_ascii() { b as char } else { '?' })
                    .collect()
            }
        };
        Norm {
            text,
            starts,
            ends,
            lo,
            hi,
        }
    }

    /// The source span of normalised bytes `a..b`.
    pub fn span(&self, a: usize, b: usize) -> Span {
        if self.starts.is_empty() {
            return Span::new(self.lo, self.lo);
        }
        let a = a.min(self.starts.len() - 1);
        let b = b.clamp(a + 1, self.ends.len());
        Span::new(
            self.lo + self.starts[a] as usize,
            self.lo + self.ends[b - 1] as usize,
        )
    }

    /// Source offset where normalised byte `a` starts (or the window end).
    pub fn src_start(&self, a: usize) -> usize {
        self.starts
            .get(a)
            .map_or(self.hi, |&s| self.lo + s as usize)
    }

    /// The normalised index of the byte produced from source offset `src` (the first output
    /// byte whose source unit ends after `src`).
    pub fn to_norm(&self, src: usize) -> usize {
        let Some(r) = src.checked_sub(self.lo) else {
            return 0;
        };
        self.ends.partition_point(|&e| (e as usize) <= r)
    }
}

/// The output being built, with source offsets relative to `lo`.
struct Writer {
    out: Vec<u8>,
    starts: Vec<u32>,
    ends: Vec<u32>,
    lo: usize,
}

impl Writer {
    fn push(&mut self, b: u8, s: usize, e: usize) {
        self.out.push(b);
        self.starts.push((s - self.lo) as u32);
        self.ends.push((e - self.lo) as u32);
    }
    fn copy(&mut self, bytes: &[u8], i: usize, j: usize) {
        self.out.extend_from_slice(&bytes[i..j]);
        let (ri, rj) = ((i - self.lo) as u32, (j - self.lo) as u32);
        self.starts.extend(ri..rj);
        self.ends.extend(ri + 1..rj + 1);
    }
}

/// What a run of spacing `bytes[s..e]` becomes: one space, or a hard stop when it holds a blank
/// line or ends a line before a new log record.
fn spacing_byte(bytes: &[u8], s: usize, e: usize, hi: usize) -> u8 {
    let newlines = memchr::memchr_iter(b'\n', &bytes[s..e]).count();
    if newlines >= 2 || (newlines == 1 && starts_record(bytes, e, hi)) {
        RAW_QUOTE
    } else {
        b' '
    }
}

/// Whether a line starting at `i` opens a new log record: a timestamp such as `2024-03-05`,
/// `03-05-2024`, `[21:48:53]` or `E0204 16:50:51`.
fn starts_record(bytes: &[u8], i: usize, hi: usize) -> bool {
    let line = &bytes[i.min(hi)..hi.min(i + 24)];
    let mut k = 0;
    while k < line.len() && k < 2 && matches!(line[k], b'[' | b'E' | b'W' | b'I') {
        k += 1;
    }
    let rest = &line[k..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let sep = rest.get(digits).copied();
    let after = rest.get(digits + 1).is_some_and(u8::is_ascii_digit);
    match (digits, sep) {
        (4, Some(b'-' | b'/')) | (2, Some(b'-' | b'/' | b':')) => after,
        // glog: `E0204 16:50:51.457360`
        (4, Some(b' ')) if k == 1 => rest.get(7) == Some(&b':'),
        _ => false,
    }
}

/// Bytes copied unchanged: anything but ASCII whitespace, a backslash or a double quote.
fn is_plain(b: u8) -> bool {
    !(b.is_ascii_whitespace() || b == b'\\' || b == b'"' || b == 0x0b)
}

/// Length of spacing at `i` (raw ASCII whitespace, or a backslash escape for spacing with any
/// number of backslashes): 0 when there is none.
fn separator_at(bytes: &[u8], i: usize, hi: usize) -> usize {
    let b = bytes[i];
    if b.is_ascii_whitespace() {
        return 1;
    }
    if b == b'\\' {
        let mut q = i;
        while q < hi && bytes[q] == b'\\' && q - i < 8 {
            q += 1;
        }
        if q < hi && matches!(bytes[q], b'n' | b'r' | b't') {
            return q + 1 - i;
        }
    }
    0
}

/// Decodes `uXXXX` (and a following `\uXXXX` low surrogate) starting at `u` (the `u`). Returns
/// the character and the bytes used from `u`.
fn decode_unicode_escape(bytes: &[u8], u: usize, hi: usize) -> Option<(char, usize)> {
    let hex4 = |at: usize| -> Option<u32> {
        if at + 4 > hi {
            return None;
        }
        let s = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
        u32::from_str_radix(s, 16).ok()
    };
    let first = hex4(u + 1)?;
    if (0xD800..0xDC00).contains(&first) {
        // High surrogate: needs `\uDC00`-`\uDFFF` next.
        if bytes.get(u + 5) == Some(&b'\\')
            && bytes.get(u + 6) == Some(&b'u')
            && let Some(low) = hex4(u + 7).filter(|l| (0xDC00..0xE000).contains(l))
        {
            let cp = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
            return Some((char::from_u32(cp).unwrap_or('\u{FFFD}'), 11));
        }
        return Some(('\u{FFFD}', 5));
    }
    Some((char::from_u32(first).unwrap_or('\u{FFFD}'), 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_spacing_and_maps_back() {
        let src = "a  b\n\t c";
        let n = Norm::build(src, 0, src.len());
        assert_eq!(n.text, "a b c");
        assert_eq!(n.span(2, 3), Span::new(3, 4));
        assert_eq!(n.span(0, 5), Span::new(0, src.len()));
    }

    #[test]
    fn decodes_json_escapes() {
        let src = r#"x\"y\\\"z\/w\u0041\nv"q"#;
        let n = Norm::build(src, 0, src.len());
        let expect = format!("x\"y\"z/wA v{}q", RAW_QUOTE as char);
        assert_eq!(n.text, expect);
        // "A" came from the six bytes of \u0041.
        let a = n.text.find('A').unwrap_or(0);
        assert_eq!(n.span(a, a + 1), Span::new(12, 18));
    }

    #[test]
    fn surrogate_pairs_and_bad_escapes_do_not_panic() {
        let src = r"\ud83d\ude00 \ud83d x \u12 \";
        let n = Norm::build(src, 0, src.len());
        assert!(n.text.starts_with('\u{1F600}'));
        assert!(n.text.contains('\u{FFFD}'));
    }

    #[test]
    fn windows_inside_multibyte_characters_are_widened() {
        let src = "é€x";
        let n = Norm::build(src, 1, 4);
        assert_eq!(n.text, "é€");
        assert_eq!(n.to_norm(5), 5);
    }
}
