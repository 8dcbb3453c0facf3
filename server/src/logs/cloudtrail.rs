//! CloudTrail events around a position, without parsing the whole file.
//!
//! A log may hold one event per line or a `{"Records": [...]}` document, possibly many megabytes
//! on one line. When a denial anchor falls inside the string value of `errorCode` or
//! `errorMessage`, the enclosing event object is found by walking back to its opening brace
//! (bounded) and matching forward to its closing brace (string-aware, bounded); only that slice
//! is handed to `serde_json`.

use crate::syntax::Span;
use serde_json::Value;

/// How far back the opening brace of an event may be from its `errorCode`/`errorMessage` key.
const MAX_BACK: usize = 64 * 1024;
/// Largest event considered (CloudTrail caps events at 256 KB).
const MAX_EVENT: usize = 512 * 1024;
/// Longest key/value string looked at.
const MAX_STRING: usize = 64 * 1024;
/// How far before an anchor the opening quote of its `errorCode`/`errorMessage` value may be.
/// Anchor words sit near the start of those values ("AccessDenied", "User: ... is not
/// authorized", "You are not authorized"), so a short look-back suffices and keeps the check
/// cheap for every anchor.
pub(crate) const MAX_VALUE_LOOKBACK: usize = 2048;

/// The two keys that put a string in "CloudTrail error" context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKey {
    Code,
    Message,
}

/// A JSON string value and its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyedString {
    pub key: ErrorKey,
    /// From the key's opening quote.
    pub key_start: usize,
    /// The content between the quotes.
    pub content: Span,
}

impl KeyedString {
    /// From the key's first quote to the value's closing quote.
    pub fn member_span(&self) -> Span {
        Span::new(self.key_start, self.content.end + 1)
    }
}

/// Whether the quote at `q` is unescaped (preceded by an even number of backslashes).
fn is_raw_quote(bytes: &[u8], q: usize) -> bool {
    if bytes.get(q) != Some(&b'"') {
        return false;
    }
    let mut n = 0;
    while n < q && bytes[q - 1 - n] == b'\\' {
        n += 1;
    }
    n % 2 == 0
}

/// Index of the next unescaped quote at or after `from` on the same line, bounded.
fn next_raw_quote(bytes: &[u8], from: usize, limit: usize) -> Option<usize> {
    let end = bytes.len().min(from.saturating_add(limit));
    let mut i = from;
    while i < end {
        let hay = &bytes[i..end];
        let j = i + memchr::memchr3(b'"', b'\\', b'\n', hay)?;
        match bytes[j] {
            b'"' => return Some(j),
            b'\\' => i = j + 2,
            _ => return None,
        }
    }
    None
}

/// If `pos` lies inside the string value of an `errorCode` or `errorMessage` member, that value.
pub(crate) fn keyed_string_at(bytes: &[u8], pos: usize) -> Option<KeyedString> {
    // Nearest unescaped quote before `pos` on the same line: the value's opening quote.
    let stop = pos.saturating_sub(MAX_VALUE_LOOKBACK);
    let mut q = pos;
    let open = loop {
        let hay = &bytes[stop..q];
        let j = stop + memchr::memrchr2(b'"', b'\n', hay)?;
        if bytes[j] == b'\n' {
            return None;
        }
        if is_raw_quote(bytes, j) {
            break j;
        }
        q = j;
    };
    // Before it: spacing, a colon, spacing, then `"key"`.
    let mut k = open;
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    if k == 0 || bytes[k - 1] != b':' {
        return None;
    }
    k -= 1;
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    let key = if bytes[..k].ends_with(b"\"errorCode\"") {
        ErrorKey::Code
    } else if bytes[..k].ends_with(b"\"errorMessage\"") {
        ErrorKey::Message
    } else {
        return None;
    };
    let key_len = match key {
        ErrorKey::Code => b"\"errorCode\"".len(),
        ErrorKey::Message => b"\"errorMessage\"".len(),
    };
    let close = next_raw_quote(bytes, open + 1, MAX_STRING)?;
    if close < pos {
        return None;
    }
    Some(KeyedString {
        key,
        key_start: k - key_len,
        content: Span::new(open + 1, close),
    })
}

/// Finds the string member `key` directly inside the object `event` (a top-level member of it).
pub(crate) fn member_string(bytes: &[u8], event: Span, key: &str) -> Option<KeyedString> {
    let needle = format!("\"{key}\"");
    let slice = bytes.get(event.start..event.end)?;
    for rel in memchr::memmem::find_iter(slice, needle.as_bytes()) {
        let at = event.start + rel;
        if depth_at(bytes, event.start, at) != Some(1) {
            continue;
        }
        let mut p = at + needle.len();
        while p < event.end && bytes[p].is_ascii_whitespace() {
            p += 1;
        }
        if bytes.get(p) != Some(&b':') {
            continue;
        }
        p += 1;
        while p < event.end && bytes[p].is_ascii_whitespace() {
            p += 1;
        }
        if bytes.get(p) != Some(&b'"') {
            continue;
        }
        let close = next_raw_quote(bytes, p + 1, MAX_STRING)?;
        let which = if key == "errorCode" {
            ErrorKey::Code
        } else {
            ErrorKey::Message
        };
        return Some(KeyedString {
            key: which,
            key_start: at,
            content: Span::new(p + 1, close),
        });
    }
    None
}

/// Object/array nesting depth at `at`, counting from the object opening at `start` (which gives
/// depth 1 inside it). String-aware. `None` if `at` is inside a string.
fn depth_at(bytes: &[u8], start: usize, at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    let mut in_str = false;
    while i < at {
        let b = bytes[i];
        if in_str {
            match b {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    (!in_str).then_some(depth)
}

/// The closing brace matching the `{` at `open`, string-aware and bounded. Adds the bytes
/// examined to `cost`.
fn matching_brace(bytes: &[u8], open: usize, cost: &mut usize) -> Option<usize> {
    let end = bytes.len().min(open.saturating_add(MAX_EVENT));
    let mut depth = 0usize;
    let mut i = open;
    let mut in_str = false;
    let found = loop {
        if i >= end {
            break None;
        }
        let b = bytes[i];
        if in_str {
            match b {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    let Some(d) = depth.checked_sub(1) else {
                        break None;
                    };
                    depth = d;
                    if depth == 0 {
                        break (b == b'}').then_some(i);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    };
    *cost += i.min(end) - open;
    found
}

/// The event object containing the member whose key starts at `key_start`: its span and value.
/// Adds the bytes examined to `cost` so that callers can bound their total work.
pub(crate) fn locate_event(
    text: &str,
    key_start: usize,
    cost: &mut usize,
) -> Option<(Span, Value)> {
    let bytes = text.as_bytes();
    let stop = key_start.saturating_sub(MAX_BACK);
    let mut depth = 0usize;
    let mut i = key_start;
    let mut tries = 0;
    let result = loop {
        if i <= stop || tries >= 4 {
            break None;
        }
        i -= 1;
        match bytes[i] {
            b'}' | b']' => depth += 1,
            b'[' => depth = depth.saturating_sub(1),
            b'{' if depth > 0 => depth -= 1,
            b'{' => {
                tries += 1;
                let Some(close) = matching_brace(bytes, i, cost) else {
                    continue;
                };
                if close < key_start {
                    continue;
                }
                let Some(slice) = text.get(i..=close) else {
                    continue;
                };
                *cost += slice.len();
                let Ok(value) = serde_json::from_str::<Value>(slice) else {
                    continue;
                };
                let Some(obj) = value.as_object() else {
                    continue;
                };
                if obj.contains_key("errorCode") || obj.contains_key("errorMessage") {
                    break Some((Span::new(i, close + 1), value));
                }
            }
            _ => {}
        }
    };
    *cost += key_start - i;
    result
}

/// A string field, by a path of keys.
pub(crate) fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keyed_strings() {
        let t = r#"{"a":"x","errorCode":"AccessDenied","errorMessage":"nope \"q\" here"}"#;
        let b = t.as_bytes();
        let p = t.find("Denied").unwrap_or(0);
        let k = keyed_string_at(b, p);
        assert_eq!(k.map(|k| k.key), Some(ErrorKey::Code));
        let p = t.find("here").unwrap_or(0);
        let k = keyed_string_at(b, p);
        assert_eq!(k.map(|k| k.key), Some(ErrorKey::Message));
        let content = k.map(|k| &t[k.content.start..k.content.end]);
        assert_eq!(content, Some(r#"nope \"q\" here"#));
        assert_eq!(keyed_string_at(b, 7), None);
    }

    #[test]
    fn locates_events_in_records() {
        let t = r#"{"Records":[{"eventName":"A","x":{"y":"{"}},{"eventName":"B","errorCode":"AccessDenied"}]}"#;
        let key = t.find("\"errorCode\"").unwrap_or(0);
        let mut cost = 0;
        let (span, v) = locate_event(t, key, &mut cost).expect("event");
        assert!(cost >= span.len());
        assert_eq!(str_at(&v, &["eventName"]), Some("B"));
        assert_eq!(&t[span.end - 1..span.end], "}");
        assert_eq!(
            member_string(t.as_bytes(), span, "errorCode").map(|k| k.content.len()),
            Some(12)
        );
    }
}
