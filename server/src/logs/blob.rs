//! Finding encoded authorization failure messages ("blobs") in text.
//!
//! Several services (EC2 above all) do not say why a request was refused; they append the words
//! `Encoded authorization failure message:` and an opaque token that only STS
//! `DecodeAuthorizationMessage` can open. This module finds those tokens as byte spans.
//!
//! Two ways in:
//! - [`scan_blobs`] / [`blobs`]: every token that follows the marker words, in any text. The marker is
//!   matched case-insensitively with any run of spacing between its words (spaces, tabs, line
//!   breaks, and the JSON escapes `\n`, `\r`, `\t`), an optional colon, then optional quotes
//!   (`"`, `'`, backtick, or an escaped `\"`) before the token. The scan is anchored on the letter
//!   `z` of "authorization" with `memchr`, so text without that letter is skipped at memory speed
//!   and no regular expression is involved.
//! - [`validate_blob`] / [`blob_at`]: a bare token the person selected or points at, without the
//!   marker. Because there is no context, it must look like a blob on its own: see
//!   [`MIN_BARE_BLOB_LEN`].
//!
//! Spans are byte offsets into the original text; tokens are ASCII so spans always fall on
//! character boundaries.

use crate::syntax::Span;
use std::ops::Range;

/// Fewest characters a *bare* token (no marker words before it) needs to count as a blob.
///
/// Real encoded messages run from several hundred to a few thousand characters. 100 is well below
/// any genuine one, yet above identifiers that share the alphabet: a SHA-256 in hex is 64
/// characters, a UUID 36, request ids and access key ids are shorter still. Bare tokens must also
/// mix upper- and lower-case letters (which rules out hex digests such as SHA-512).
pub const MIN_BARE_BLOB_LEN: usize = 100;

/// Fewest characters accepted after the marker words. The marker already says what follows, so
/// the bar is low; it only rejects placeholders such as `EXAMPLE` or `xxx`.
pub const MIN_MARKED_BLOB_LEN: usize = 8;

/// Longest token STS accepts (`EncodedMessage` is limited to 10,240 characters).
pub const MAX_BLOB_LEN: usize = 10_240;

/// How far a blob may start after the marker's colon (spacing, quotes and escapes in between).
const MAX_GAP_AFTER_MARKER: usize = 24;

/// The marker words, lower case, in order.
const MARKER_WORDS: [&[u8]; 4] = [b"encoded", b"authorization", b"failure", b"message"];

/// True for the bytes an encoded message is made of: `[A-Za-z0-9_-]`.
pub fn is_blob_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether a found blob looks usable as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlobCheck {
    /// Long enough and not visibly cut short.
    Ok,
    /// Shorter than [`MIN_BARE_BLOB_LEN`]: probably an abbreviated example or a cut-off copy.
    Short,
    /// Followed by `...` or `…`: somebody shortened it; decoding will fail.
    Ellipsis,
    /// Longer than [`MAX_BLOB_LEN`]: STS will refuse it (two blobs run together, or not a blob).
    TooLong,
}

/// One encoded authorization message found in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedBlob {
    /// The token itself (no quotes).
    pub span: Span,
    /// The marker words `Encoded authorization failure message:` when the token followed them;
    /// `None` for a bare token accepted on its own merits.
    pub marker: Option<Span>,
    /// Whether the token looks complete.
    pub check: BlobCheck,
}

impl EncodedBlob {
    /// The token text; a token the log hard-wrapped over several lines is joined back into one.
    pub fn text<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let raw = text.get(self.span.start..self.span.end).unwrap_or("");
        if raw.contains(['\n', '\r']) {
            std::borrow::Cow::Owned(raw.chars().filter(|c| !matches!(c, '\n' | '\r')).collect())
        } else {
            std::borrow::Cow::Borrowed(raw)
        }
    }

    /// The token text as an owned string (joined like [`EncodedBlob::text`]).
    pub fn joined_text(&self, text: &str) -> String {
        self.text(text).into_owned()
    }
}

/// Why a selected text is not a blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobRejection {
    /// Nothing left after trimming spacing and quotes.
    Empty,
    /// A byte outside `[A-Za-z0-9_-]` at this offset of the text (a selection, or the input of `iam-ls decode`).
    BadCharacter { offset: usize },
    /// Fewer than [`MIN_BARE_BLOB_LEN`] characters.
    TooShort { len: usize },
    /// More than [`MAX_BLOB_LEN`] characters.
    TooLong { len: usize },
    /// Only one letter case (or no letters): looks like a hex digest or a name, not a blob.
    NotMixedCase,
}

impl std::fmt::Display for BlobRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobRejection::Empty => write!(f, "the text is empty"),
            BlobRejection::BadCharacter { offset } => write!(
                f,
                "the text has a character at offset {offset} that an encoded message never contains"
            ),
            BlobRejection::TooShort { len } => write!(
                f,
                "{len} characters is too short for an encoded message (at least {MIN_BARE_BLOB_LEN})"
            ),
            BlobRejection::TooLong { len } => write!(
                f,
                "{len} characters is longer than STS accepts ({MAX_BLOB_LEN})"
            ),
            BlobRejection::NotMixedCase => write!(
                f,
                "an encoded message mixes upper- and lower-case letters; this does not"
            ),
        }
    }
}

/// Checks a selected text as a bare blob. Surrounding spacing and one layer of quotes (`"`, `'`,
/// backtick) are trimmed. Returns the span of the token *within `selection`*.
pub fn validate_blob(selection: &str) -> Result<Span, BlobRejection> {
    let bytes = selection.as_bytes();
    let is_trim = |b: u8| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`');
    let mut start = 0;
    while start < bytes.len() && is_trim(bytes[start]) {
        start += 1;
    }
    let mut end = bytes.len();
    while end > start && is_trim(bytes[end - 1]) {
        end -= 1;
    }
    if start == end {
        return Err(BlobRejection::Empty);
    }
    if let Some(bad) = bytes[start..end].iter().position(|&b| !is_blob_byte(b)) {
        return Err(BlobRejection::BadCharacter {
            offset: start + bad,
        });
    }
    check_bare(&bytes[start..end])?;
    Ok(Span::new(start, end))
}

fn check_bare(token: &[u8]) -> Result<(), BlobRejection> {
    let len = token.len();
    if len < MIN_BARE_BLOB_LEN {
        return Err(BlobRejection::TooShort { len });
    }
    if len > MAX_BLOB_LEN {
        return Err(BlobRejection::TooLong { len });
    }
    let upper = token.iter().any(u8::is_ascii_uppercase);
    let lower = token.iter().any(u8::is_ascii_lowercase);
    if !(upper && lower) {
        return Err(BlobRejection::NotMixedCase);
    }
    Ok(())
}

/// Every blob after the marker words whose token or marker overlaps or touches `range` (clamped
/// to the text). Work is proportional to the range plus a fixed margin, so an editor can scan the
/// neighbourhood of the cursor in a very large file.
pub fn scan_blobs(text: &str, range: Range<usize>) -> Vec<EncodedBlob> {
    let len = text.len();
    let start = range.start.min(len);
    let end = range.end.min(len).max(start);
    // A blob overlapping the range may have its marker up to a whole blob earlier.
    let from = start.saturating_sub(MAX_BLOB_LEN + MAX_GAP_AFTER_MARKER + 64);
    let to = (end + 64).min(len);
    BlobIter::new(text, from, to)
        .filter(|b| {
            let lo = b.marker.map_or(b.span.start, |m| m.start);
            lo <= end && b.span.end >= start
        })
        .collect()
}

/// Iterates over every blob after the marker words in the whole text, in order.
pub fn blobs(text: &str) -> BlobIter<'_> {
    BlobIter::new(text, 0, text.len())
}

/// The iterator behind [`blobs`] and [`scan_blobs`]: linear in the text it covers.
#[derive(Debug)]
pub struct BlobIter<'a> {
    bytes: &'a [u8],
    /// Next byte to search for an anchor.
    pos: usize,
    /// Anchors at or after this are not looked at.
    end: usize,
}

impl<'a> BlobIter<'a> {
    fn new(text: &'a str, from: usize, to: usize) -> Self {
        BlobIter {
            bytes: text.as_bytes(),
            pos: from,
            end: to,
        }
    }
}

impl Iterator for BlobIter<'_> {
    type Item = EncodedBlob;

    fn next(&mut self) -> Option<EncodedBlob> {
        while self.pos < self.end {
            let hay = &self.bytes[self.pos..self.end];
            let z = self.pos + memchr::memchr2(b'z', b'Z', hay)?;
            self.pos = z + 1;
            if let Some(blob) = blob_from_anchor(self.bytes, z) {
                self.pos = self.pos.max(blob.span.end);
                return Some(blob);
            }
        }
        None
    }
}

/// The blob whose token contains (or touches) `offset`, with or without the marker words before
/// it. A bare token must pass [`validate_blob`]'s checks. Looks at most a blob's length either way.
pub fn blob_at(text: &str, offset: usize) -> Option<EncodedBlob> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let limit = MAX_BLOB_LEN + 1;
    let mut start = offset;
    while start > 0 && is_blob_byte(bytes[start - 1]) && offset - start <= limit {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_blob_byte(bytes[end]) && end - offset <= limit {
        end += 1;
    }
    if start == end {
        return None;
    }
    // Marker just before? Look at the blobs whose anchor lies in the few bytes before the token.
    let from = start.saturating_sub(MAX_GAP_AFTER_MARKER + 64);
    if let Some(found) =
        BlobIter::new(text, from, start).find(|b| b.span.start <= offset && offset <= b.span.end)
    {
        return Some(found);
    }
    let token = &bytes[start..end];
    check_bare(token).ok()?;
    Some(EncodedBlob {
        span: Span::new(start, end),
        marker: None,
        check: check_after(bytes, end, token.len()),
    })
}

/// The blob whose marker words start exactly at `at` (used by the denial parser once it has seen
/// the words). Looks only a few bytes around `at`.
pub(crate) fn blob_with_marker_at(text: &str, at: usize) -> Option<EncodedBlob> {
    let to = (at + 64).min(text.len());
    BlobIter::new(text, at, to).find(|b| b.marker.is_some_and(|m| m.start == at))
}

/// Given a `z`/`Z` at `z`, checks for the marker words around it and reads the token after them.
fn blob_from_anchor(bytes: &[u8], z: usize) -> Option<EncodedBlob> {
    // "authori" + z + "ation"
    let word_start = z.checked_sub(7)?;
    let word_end = z + 6;
    if word_end > bytes.len() || !bytes[word_start..word_end].eq_ignore_ascii_case(MARKER_WORDS[1])
    {
        return None;
    }
    // "encoded" before, with at least one separator between.
    let gap_start = skip_separators_back(bytes, word_start);
    if gap_start == word_start {
        return None;
    }
    let enc_start = gap_start.checked_sub(MARKER_WORDS[0].len())?;
    if !bytes[enc_start..gap_start].eq_ignore_ascii_case(MARKER_WORDS[0]) {
        return None;
    }
    if enc_start > 0 && bytes[enc_start - 1].is_ascii_alphanumeric() {
        return None;
    }
    // "failure" and "message" after.
    let mut pos = word_end;
    for word in &MARKER_WORDS[2..] {
        let next = skip_separators(bytes, pos);
        if next == pos {
            return None;
        }
        let stop = next + word.len();
        if stop > bytes.len() || !bytes[next..stop].eq_ignore_ascii_case(word) {
            return None;
        }
        pos = stop;
    }
    let marker_end = pos;
    // Optional colon, then spacing / quotes / escapes.
    let mut p = skip_separators(bytes, pos);
    if p < bytes.len() && bytes[p] == b':' {
        p += 1;
    }
    let token_start = skip_gap_before_token(bytes, p);
    if token_start - marker_end > MAX_GAP_AFTER_MARKER {
        return None;
    }
    let mut token_end = token_start;
    while token_end < bytes.len()
        && is_blob_byte(bytes[token_end])
        && token_end - token_start <= MAX_BLOB_LEN
    {
        token_end += 1;
    }
    let mut len = token_end - token_start;
    if len < MIN_MARKED_BLOB_LEN {
        return None;
    }
    let (joined_end, joined_len) = join_wrapped(bytes, token_start, token_end);
    if joined_end > token_end {
        token_end = joined_end;
        len = joined_len;
    }
    Some(EncodedBlob {
        span: Span::new(token_start, token_end),
        marker: Some(Span::new(enc_start, marker_end)),
        check: check_after(bytes, token_end, len),
    })
}

/// Narrowest line width taken for a hard wrap: shorter lines end where their author ended them.
const MIN_WRAP_WIDTH: usize = 40;

/// A token that ends exactly at the end of a full-width line, in a log hard-wrapped at a fixed
/// width (terminals, CI consoles, mail), goes on at the start of the next line. The width is the
/// length of the line the token starts on; following lines are joined while they are exactly
/// that long and made only of blob bytes, and the last one when it starts with blob bytes.
/// Returns the new end and the number of token bytes (without line breaks).
fn join_wrapped(bytes: &[u8], token_start: usize, token_end: usize) -> (usize, usize) {
    let line_start = memchr::memrchr(b'\n', &bytes[..token_start]).map_or(0, |i| i + 1);
    let width = token_end - line_start;
    let mut end = token_end;
    let mut len = token_end - token_start;
    if width < MIN_WRAP_WIDTH {
        return (end, len);
    }
    loop {
        let brk = match bytes.get(end..end + 2) {
            Some([b'\r', b'\n']) => 2,
            _ if bytes.get(end) == Some(&b'\n') => 1,
            _ => return (end, len),
        };
        let next = end + brk;
        let mut run = next;
        while run < bytes.len() && is_blob_byte(bytes[run]) && len + (run - next) <= MAX_BLOB_LEN {
            run += 1;
        }
        if run == next {
            return (end, len);
        }
        let line_ends_here = run == bytes.len() || matches!(bytes[run], b'\n' | b'\r');
        // The last piece ends the token: a word followed by more words is the next sentence.
        if !line_ends_here && !matches!(bytes[run], b'"' | b'\'' | b'`' | b')' | b',' | b'.' | b';')
        {
            return (end, len);
        }
        len += run - next;
        end = run;
        // A full line of blob bytes may go on; anything shorter was the last piece.
        if !(line_ends_here && run - next == width) {
            return (end, len);
        }
    }
}

fn check_after(bytes: &[u8], end: usize, len: usize) -> BlobCheck {
    let rest = &bytes[end.min(bytes.len())..];
    if rest.starts_with(b"...") || rest.starts_with("\u{2026}".as_bytes()) {
        BlobCheck::Ellipsis
    } else if len > MAX_BLOB_LEN {
        BlobCheck::TooLong
    } else if len < MIN_BARE_BLOB_LEN {
        BlobCheck::Short
    } else {
        BlobCheck::Ok
    }
}

/// Length of a separator starting at `p`: ASCII whitespace, or a JSON escape for spacing
/// (`\n`, `\r`, `\t`, with any number of backslashes for doubly escaped text). 0 when none.
fn separator_len(bytes: &[u8], p: usize) -> usize {
    match bytes.get(p) {
        Some(b) if b.is_ascii_whitespace() => 1,
        Some(b'\\') => {
            let mut q = p;
            while q < bytes.len() && bytes[q] == b'\\' && q - p < 8 {
                q += 1;
            }
            match bytes.get(q) {
                Some(b'n' | b'r' | b't') => q + 1 - p,
                _ => 0,
            }
        }
        _ => 0,
    }
}

fn skip_separators(bytes: &[u8], mut p: usize) -> usize {
    let start = p;
    while p - start < 64 {
        let n = separator_len(bytes, p);
        if n == 0 {
            break;
        }
        p += n;
    }
    p
}

/// Walks back over separators ending at `end`; returns where they start.
fn skip_separators_back(bytes: &[u8], mut end: usize) -> usize {
    let stop = end.saturating_sub(64);
    while end > stop {
        let b = bytes[end - 1];
        if b.is_ascii_whitespace() {
            end -= 1;
        } else if matches!(b, b'n' | b'r' | b't') && end >= 2 && bytes[end - 2] == b'\\' {
            end -= 2;
            while end > stop && bytes[end - 1] == b'\\' {
                end -= 1;
            }
        } else {
            break;
        }
    }
    end
}

/// Skips spacing, quotes and escaped quotes between the marker and the token.
fn skip_gap_before_token(bytes: &[u8], mut p: usize) -> usize {
    let start = p;
    while p < bytes.len() && p - start <= MAX_GAP_AFTER_MARKER {
        let n = separator_len(bytes, p);
        if n > 0 {
            p += n;
            continue;
        }
        match bytes[p] {
            b'"' | b'\'' | b'`' => p += 1,
            b'\\' if matches!(bytes.get(p + 1), Some(b'"' | b'\'' | b'\\')) => p += 1,
            _ => break,
        }
    }
    p
}
