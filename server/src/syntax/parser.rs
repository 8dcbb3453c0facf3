//! The hand-written recursive-descent parser with recovery.
//!
//! The parser works on the bytes of a `&str` with a single cursor. It never backtracks more than
//! one token (to tell a missing `:` from a missing `,`), so it runs in linear time. Recursion is
//! bounded by [`MAX_DEPTH`]: a deeper container is skipped by an iterative bracket counter and
//! becomes one [`NodeKind::Error`] node.

use super::incremental::{self, Entry, Key, Memo, Prior};
use super::tree::{CompactString, Member, Node, NodeKind, Parse, Span, SyntaxError};

/// Deepest nesting of arrays and objects that is parsed; deeper input gets an error.
pub const MAX_DEPTH: usize = 128;

/// Syntax errors listed per document. Past this many the parser only counts them, and one more
/// error, at the first of those, says how many were left out. Each error becomes a finding, a
/// diagnostic and a line of `check`'s output: a 2 MB file of stray commas gave two million of
/// each (a gigabyte of memory and of JSON output) where the first few are all anyone reads.
pub const MAX_ERRORS: usize = 1000;

/// Parse `text` as JSON, tolerating errors. Never panics; linear time.
///
/// How input that is not JSON is handled:
///
/// - **Unterminated strings** end at the end of their line (before `\n` or `\r`), or at the end of
///   the input. A half-typed value therefore does not swallow the rest of the document.
/// - **Byte order mark**: a leading U+FEFF is reported (JSON text sent to IAM must not start with
///   one) and then skipped, so the rest parses normally and spans stay byte offsets of `text`.
/// - **Empty input** (or only whitespace/comments) gives no root and one error.
/// - **Missing pieces**: a member without a value keeps `value: None` ("missing value", spanning
///   the key and colon); a key followed directly by a value (missing `:`) keeps that value; a key
///   followed by another `key:` gets no value; a missing `,` is reported on the next key or item
///   and both neighbours are kept.
/// - **Bare words** (`True`, `undefined`, `Allow`) become [`NodeKind::Error`] nodes with a hint.
/// - **Nesting** deeper than [`MAX_DEPTH`] gets one error per document; the too-deep container is
///   skipped without recursion (brackets counted, strings respected) and becomes an error node.
/// - **Comments** (`//` and `/* */`) are reported and skipped like whitespace.
/// - **Single-quoted strings** and **bare-word keys** are reported but kept as strings/keys, so
///   the structure survives.
/// - **Invalid numbers** made only of number characters (`01`, `+1`, `.5`, `1.`) stay
///   [`NodeKind::Number`] with an error; anything with other letters (`0x1F`) becomes an error
///   node.
/// - An **unclosed array** ends where a `"key":` member of an enclosing object follows (reported
///   on its `[`); a comma before that key is left to separate the object's members.
/// - A **stray closer** (`]` inside an object, `}` inside an array) closes the current container
///   (reported as missing its own closer) when an enclosing container expects it; otherwise it
///   is reported and skipped.
/// - After the root value, anything but whitespace is one error ("unexpected text after the JSON
///   value") and is not parsed.
/// - **Too many errors**: the first [`MAX_ERRORS`] are listed; the rest are counted and told
///   in one more error, at the first of them.
///
/// Errors are returned sorted by their start offset. Each error's span is as tight as possible:
/// the offending token, or the opening bracket of a container whose closer is missing.
pub fn parse(text: &str) -> Parse {
    let mut p = Parser::new(text);
    let root = p.document();
    let errors = std::mem::take(&mut p.errors);
    let errors = p.sorted_errors(errors);
    Parse { root, errors }
}

/// [`parse`] `text`, reusing what the parse of an earlier text kept (`prior`, whose tree this
/// consumes), and keeping what the next parse can reuse. The result is exactly [`parse`]'s; see
/// [`super::incremental`] for why.
pub fn parse_incremental(text: &str, prior: Option<Prior>) -> (Parse, Memo) {
    let mut p = Parser::new(text);
    p.memo = Some(Box::new(incremental::State::new(text, prior)));
    let root = p.document();
    let errors = p.sorted_errors(p.errors.clone());
    let memo = p
        .memo
        .take()
        .map_or_else(Memo::default, |state| state.finish(p.errors));
    (Parse { root, errors }, memo)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    errors: Vec<SyntaxError>,
    /// The closing bytes expected by the open containers, innermost last.
    closers: Vec<u8>,
    /// The depth error is reported once per document.
    deep_reported: bool,
    /// Errors past [`MAX_ERRORS`], counted instead of listed, and where the first of them was.
    dropped: usize,
    first_dropped: Option<Span>,
    /// The farthest the cursor went before a look-ahead took it back (for
    /// [`incremental::Entry::read_end`]).
    max_read: usize,
    /// The lowest index of `closers` that a recovery decision depended on since the innermost
    /// remembered value started (for [`incremental::Entry::reach`]).
    reach: usize,
    /// The deepest container entered since the innermost remembered value started (for
    /// [`incremental::Entry::height`]).
    max_depth: usize,
    /// For [`parse_incremental`]: what is remembered and reused.
    memo: Option<Box<incremental::State>>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            errors: Vec::new(),
            closers: Vec::new(),
            deep_reported: false,
            dropped: 0,
            first_dropped: None,
            max_read: 0,
            reach: usize::MAX,
            max_depth: 0,
            memo: None,
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that end a bare word or junk run.
fn is_delimiter(b: u8) -> bool {
    is_ws(b) || matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b'"' | b'\'')
}

impl Parser<'_> {
    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) {
        if self.errors.len() >= MAX_ERRORS {
            self.dropped += 1;
            self.first_dropped.get_or_insert(Span::new(start, end));
            return;
        }
        self.errors.push(SyntaxError {
            span: Span::new(start, end),
            message: message.into(),
        });
    }

    /// `errors` (this parse's) sorted by start, with the count of those left out when there
    /// were more than [`MAX_ERRORS`].
    fn sorted_errors(&self, mut errors: Vec<SyntaxError>) -> Vec<SyntaxError> {
        if let Some(span) = self.first_dropped {
            errors.push(SyntaxError {
                span,
                message: format!(
                    "{} more syntax errors from here on are not listed (a document lists its first {MAX_ERRORS})",
                    self.dropped
                ),
            });
        }
        errors.sort_by_key(|e| e.span.start);
        errors
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, pos: usize) -> Option<u8> {
        self.bytes.get(pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Length in bytes of the character at `pos` (1 at the end, to always make progress).
    fn char_len_at(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8)
    }

    /// Skip whitespace and comments (reporting the comments).
    fn skip_trivia(&mut self) {
        loop {
            while let Some(b) = self.peek() {
                if !is_ws(b) {
                    break;
                }
                self.pos += 1;
            }
            if self.peek() != Some(b'/') {
                return;
            }
            let start = self.pos;
            match self.peek_at(start + 1) {
                Some(b'/') => {
                    let rest = &self.bytes[start..];
                    let mut end = rest
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .map_or(self.bytes.len(), |i| start + i);
                    self.pos = end;
                    while end > start && is_ws(self.bytes[end - 1]) {
                        end -= 1;
                    }
                    self.error(start, end, "comments are not allowed in JSON");
                }
                Some(b'*') => match self.text[start + 2..].find("*/") {
                    Some(i) => {
                        self.pos = start + 2 + i + 2;
                        self.error(start, self.pos, "comments are not allowed in JSON");
                    }
                    None => {
                        self.pos = self.bytes.len();
                        self.error(
                            start,
                            self.pos,
                            "unterminated comment (comments are not allowed in JSON)",
                        );
                    }
                },
                _ => return,
            }
        }
    }

    fn document(&mut self) -> Option<Node> {
        if self.text.starts_with('\u{FEFF}') {
            self.error(
                0,
                3,
                "byte order mark is not allowed at the start of a policy",
            );
            self.pos = 3;
        }
        self.skip_trivia();
        if self.at_end() {
            let p = self.pos;
            self.error(p, p, "the document is empty: expected a JSON value");
            return None;
        }
        let first = self.pos;
        let mut root = None;
        while !self.at_end() {
            if let Some(node) = self.value(0) {
                root = Some(node);
                break;
            }
            // A `,` `:` `}` or `]` where the document should start.
            let p = self.pos;
            let b = self.bytes[p];
            self.error(
                p,
                p + 1,
                format!("unexpected '{}': expected a JSON value", b as char),
            );
            self.pos += 1;
            self.skip_trivia();
        }
        let root = root.unwrap_or(Node {
            span: Span::new(first, self.pos),
            kind: NodeKind::Error,
        });
        self.skip_trivia();
        if !self.at_end() {
            let start = self.pos;
            let end = self.text.trim_end_matches([' ', '\t', '\n', '\r']).len();
            self.error(
                start,
                end.max(start),
                "unexpected text after the JSON value",
            );
        }
        Some(root)
    }

    /// Parse one value at the cursor (trivia already skipped). `None` when the cursor is at the
    /// end or on `,` `:` `}` `]`, which cannot start a value; nothing is consumed then.
    /// `depth` is the number of containers around the value.
    fn value(&mut self, depth: usize) -> Option<Node> {
        self.value_or_skip(depth, true)
    }

    /// Parse a value whose node is not kept (a value where a key should be), reporting its
    /// errors as [`Parser::value`] does.
    fn skip_value(&mut self, depth: usize) {
        let _ = self.value_or_skip(depth, false);
    }

    /// [`Parser::value`]; in an incremental parse, objects and arrays at
    /// [`incremental::MEMO_DEPTHS`] are remembered, and reused when the previous parse's
    /// result holds (only their span is meaningful when `keep` is false).
    fn value_or_skip(&mut self, depth: usize, keep: bool) -> Option<Node> {
        let b = self.peek()?;
        if matches!(b, b'{' | b'[')
            && self.memo.is_some()
            && incremental::MEMO_DEPTHS.contains(&depth)
        {
            return Some(self.remembered(depth, keep));
        }
        Some(match b {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string(b'"'),
            b'\'' => {
                let node = self.string(b'\'');
                self.error(
                    node.span.start,
                    node.span.end,
                    "strings must use double quotes, not single quotes",
                );
                node
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => self.number(),
            b'}' | b']' | b',' | b':' => return None,
            _ => self.word(),
        })
    }

    /// An object or array at the cursor, in an incremental parse: the previous parse's when it
    /// holds (see [`incremental`]), else parsed and remembered.
    fn remembered(&mut self, depth: usize, keep: bool) -> Node {
        let key = Key::new(depth, &self.closers, self.deep_reported);
        let pos = self.pos;
        let (outer_reach, outer_depth) = (self.reach, self.max_depth);
        let state = self.memo.as_mut().expect("an incremental parse");
        if let Some((node, entry)) = state.reuse(pos, depth, key, keep, &mut self.errors) {
            self.pos = entry.end;
            self.max_read = self.max_read.max(entry.read_end);
            self.reach = outer_reach.min(entry.reach);
            self.max_depth = outer_depth.max(depth + entry.height);
            return node;
        }
        let slot = state.begin(pos, key);
        let (first_error, dropped) = (self.errors.len(), self.dropped);
        (self.reach, self.max_depth) = (usize::MAX, depth);
        let node = if self.peek() == Some(b'{') {
            self.object(depth)
        } else {
            self.array(depth)
        };
        let (reach, height) = (self.reach, self.max_depth - depth);
        self.reach = outer_reach.min(reach);
        self.max_depth = outer_depth.max(self.max_depth);
        let (node, held) = if keep {
            (node, None)
        } else {
            let placeholder = Node {
                span: node.span,
                kind: NodeKind::Null,
            };
            (placeholder, Some(node))
        };
        let entry = Entry {
            start: pos,
            end: self.pos,
            read_end: self.max_read.max(self.pos) + incremental::SLACK,
            key,
            errors: first_error..self.errors.len(),
            reach,
            height,
            held,
        };
        // A value whose errors were not all listed cannot give them again.
        let reusable = self.deep_reported == key.deep_reported() && self.dropped == dropped;
        let state = self.memo.as_mut().expect("an incremental parse");
        state.end(slot, entry, reusable);
        node
    }

    /// The closing byte `c` is expected by some container outside the innermost one. Notes in
    /// [`Parser::reach`] how far down the stack the answer depended on.
    fn outer_expects(&mut self, c: u8) -> bool {
        let n = self.closers.len();
        if n < 2 {
            self.reach = 0;
            return false;
        }
        match self.closers[..n - 1].iter().rposition(|&x| x == c) {
            Some(i) => {
                self.reach = self.reach.min(i);
                true
            }
            None => {
                self.reach = 0;
                false
            }
        }
    }

    fn object(&mut self, depth: usize) -> Node {
        self.max_depth = self.max_depth.max(depth);
        if depth >= MAX_DEPTH {
            return self.too_deep();
        }
        let start = self.pos;
        self.pos += 1;
        self.closers.push(b'}');
        let mut members: Vec<Member> = Vec::new();
        let mut closed = false;
        // A member was parsed and no comma has followed it yet.
        let mut need_comma = false;
        // The comma after the last member, for the trailing comma error.
        let mut last_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            let Some(b) = self.peek() else {
                self.error(start, start + 1, "missing '}' to close this object");
                break;
            };
            let p = self.pos;
            match b {
                b'}' => {
                    if let Some(c) = last_comma {
                        self.error(c, c + 1, "trailing comma is not allowed in JSON");
                    }
                    self.pos += 1;
                    closed = true;
                    break;
                }
                b']' => {
                    if self.outer_expects(b']') {
                        self.error(start, start + 1, "missing '}' to close this object");
                        break;
                    }
                    self.error(p, p + 1, "unexpected ']' in an object");
                    self.pos += 1;
                }
                b',' => {
                    if need_comma {
                        need_comma = false;
                        last_comma = Some(p);
                    } else {
                        self.error(p, p + 1, "unexpected ',': expected a key");
                    }
                    self.pos += 1;
                }
                b':' => {
                    self.error(p, p + 1, "missing key before ':'");
                    self.pos += 1;
                    self.skip_trivia();
                    self.skip_value(depth + 1);
                    need_comma = true;
                    last_comma = None;
                }
                b'{' | b'[' => {
                    self.error(p, p + 1, "expected a key in double quotes");
                    self.skip_value(depth + 1);
                    need_comma = true;
                    last_comma = None;
                }
                _ => {
                    let (member, separated) = self.member(depth);
                    if need_comma {
                        let ks = member.key_span;
                        self.error(ks.start, ks.end, "expected ',' or '}'");
                    }
                    members.push(member);
                    // A member without ':' and value that was directly followed by another key
                    // already got an error; do not also ask for a comma.
                    need_comma = separated;
                    last_comma = None;
                }
            }
        }
        self.closers.pop();
        self.check_duplicates(&members);
        Node {
            span: Span::new(start, self.pos),
            kind: NodeKind::Object { members, closed },
        }
    }

    /// Report the second and later occurrences of each key (on their key span).
    fn check_duplicates(&mut self, members: &[Member]) {
        let n = members.len();
        if n < 2 {
            return;
        }
        if n <= 8 {
            for i in 1..n {
                if members[..i].iter().any(|m| m.key == members[i].key) {
                    let ks = members[i].key_span;
                    self.error(
                        ks.start,
                        ks.end,
                        format!("duplicate key \"{}\"", members[i].key),
                    );
                }
            }
            return;
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| members[a].key.cmp(&members[b].key).then(a.cmp(&b)));
        for w in order.windows(2) {
            let (a, b) = (&members[w[0]], &members[w[1]]);
            if a.key == b.key {
                let ks = b.key_span;
                self.error(ks.start, ks.end, format!("duplicate key \"{}\"", b.key));
            }
        }
    }

    /// Parse a key token: a string (double or single quoted) or a bare word up to `:`.
    /// Returns the key, its span and whether it was a terminated string.
    fn key(&mut self) -> (CompactString, Span, bool) {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                let node = self.string(q);
                if q == b'\'' {
                    self.error(
                        node.span.start,
                        node.span.end,
                        "keys must use double quotes, not single quotes",
                    );
                }
                let span = node.span;
                match node.kind {
                    NodeKind::String {
                        value, terminated, ..
                    } => (value, span, terminated),
                    _ => (CompactString::default(), span, false),
                }
            }
            _ => {
                let start = self.pos;
                self.skip_run(true);
                let word = &self.text[start..self.pos];
                self.error(
                    start,
                    self.pos,
                    "object keys must be strings in double quotes",
                );
                (CompactString::from(word), Span::new(start, self.pos), true)
            }
        }
    }

    /// Look ahead: is the cursor on a key followed by `:`? Consumes nothing and reports nothing.
    fn looks_like_key(&mut self) -> bool {
        match self.peek() {
            Some(b'"' | b'\'') => {}
            Some(b) if !is_delimiter(b) && !matches!(b, b':' | b'/') => {}
            _ => return false,
        }
        let (pos, n_errors) = (self.pos, self.errors.len());
        let dropped = (self.dropped, self.first_dropped);
        match self.peek() {
            // A quoted key only needs its end: every array item inside an object comes this
            // way, so building (and dropping) its value would parse each of them twice.
            Some(q @ (b'"' | b'\'')) => self.skip_string(q),
            _ => {
                let _ = self.key();
            }
        }
        self.skip_trivia();
        let is_key = self.peek() == Some(b':');
        self.max_read = self.max_read.max(self.pos);
        self.pos = pos;
        self.errors.truncate(n_errors);
        (self.dropped, self.first_dropped) = dropped;
        is_key
    }

    /// Parse `"key": value` with recovery. The second result is false when the member ended
    /// early because another key followed directly (its error is already reported).
    fn member(&mut self, depth: usize) -> (Member, bool) {
        let (key, key_span, key_ok) = self.key();
        self.skip_trivia();
        let mut value = None;
        let mut separated = true;
        match self.peek() {
            Some(b':') => {
                let colon = self.pos;
                self.pos += 1;
                self.skip_trivia();
                value = self.value(depth + 1);
                if value.is_none() {
                    self.error(key_span.start, colon + 1, "missing value");
                }
            }
            None | Some(b'}' | b']' | b',') => {
                if key_ok {
                    self.error(
                        key_span.start,
                        key_span.end,
                        "expected ':' and a value after the key",
                    );
                }
            }
            Some(_) if self.looks_like_key() => {
                if key_ok {
                    self.error(
                        key_span.start,
                        key_span.end,
                        "expected ':' and a value after the key",
                    );
                }
                separated = false;
            }
            Some(_) => {
                self.error(key_span.start, key_span.end, "expected ':' after the key");
                value = self.value(depth + 1);
            }
        }
        let end = value.as_ref().map_or(key_span.end, |v| v.span.end);
        let member = Member {
            key,
            key_span,
            value,
            span: Span::new(key_span.start, end),
        };
        (member, separated)
    }

    fn array(&mut self, depth: usize) -> Node {
        self.max_depth = self.max_depth.max(depth);
        if depth >= MAX_DEPTH {
            return self.too_deep();
        }
        let start = self.pos;
        self.pos += 1;
        self.closers.push(b']');
        let mut items: Vec<Node> = Vec::new();
        let mut closed = false;
        let mut need_comma = false;
        let mut last_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            let Some(b) = self.peek() else {
                self.error(start, start + 1, "missing ']' to close this array");
                break;
            };
            let p = self.pos;
            match b {
                b']' => {
                    if let Some(c) = last_comma {
                        self.error(c, c + 1, "trailing comma is not allowed in JSON");
                    }
                    self.pos += 1;
                    closed = true;
                    break;
                }
                b'}' => {
                    if self.outer_expects(b'}') {
                        self.error(start, start + 1, "missing ']' to close this array");
                        break;
                    }
                    self.error(p, p + 1, "unexpected '}' in an array");
                    self.pos += 1;
                }
                b',' => {
                    if need_comma {
                        need_comma = false;
                        last_comma = Some(p);
                    } else {
                        self.error(p, p + 1, "missing value");
                    }
                    self.pos += 1;
                }
                b':' => {
                    self.error(p, p + 1, "unexpected ':' in an array");
                    self.pos += 1;
                }
                _ if self.outer_expects(b'}') && self.looks_like_key() => {
                    // `"Key":` cannot be an item: the array was left unclosed and the enclosing
                    // object goes on. End the array before its trailing comma, which then
                    // separates the object's members as the author meant.
                    self.error(start, start + 1, "missing ']' to close this array");
                    if let Some(c) = last_comma {
                        self.max_read = self.max_read.max(self.pos);
                        self.pos = c;
                    }
                    break;
                }
                _ => {
                    let Some(item) = self.value(depth + 1) else {
                        // Unreachable: every other byte starts a value. Make progress anyway.
                        self.pos += 1;
                        continue;
                    };
                    if need_comma {
                        let sp = match item.kind {
                            NodeKind::Object { .. } | NodeKind::Array { .. } => {
                                Span::new(item.span.start, item.span.start + 1)
                            }
                            _ => item.span,
                        };
                        self.error(sp.start, sp.end, "expected ',' or ']'");
                    }
                    items.push(item);
                    need_comma = true;
                    last_comma = None;
                }
            }
        }
        self.closers.pop();
        Node {
            span: Span::new(start, self.pos),
            kind: NodeKind::Array { items, closed },
        }
    }

    /// A container past [`MAX_DEPTH`]: report once, skip it without recursion, give an error node.
    fn too_deep(&mut self) -> Node {
        let start = self.pos;
        if !self.deep_reported {
            self.deep_reported = true;
            self.error(
                start,
                start + 1,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            );
        }
        let mut level = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'{' | b'[' => level += 1,
                b'}' | b']' => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        self.pos += 1;
                        break;
                    }
                }
                b'"' => {
                    // Skip the string: to its closing quote or the end of its line.
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        match c {
                            b'"' => break,
                            b'\n' | b'\r' => {
                                self.pos -= 1;
                                break;
                            }
                            b'\\' if !matches!(self.peek_at(self.pos + 1), Some(b'\n' | b'\r')) => {
                                self.pos += 1;
                            }
                            _ => {}
                        }
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.pos.min(self.bytes.len());
        Node {
            span: Span::new(start, self.pos),
            kind: NodeKind::Error,
        }
    }

    /// Advance over a run of non-delimiter bytes (a bare word or junk); always makes progress.
    fn skip_run(&mut self, stop_at_colon: bool) {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_delimiter(b)
                || (stop_at_colon && b == b':')
                || (b == b'/' && matches!(self.peek_at(self.pos + 1), Some(b'/' | b'*')))
            {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start && !self.at_end() {
            self.pos += self.char_len_at(start);
        }
    }

    /// `true`, `false`, `null`, or a bare word / stray text (an error node).
    fn word(&mut self) -> Node {
        let start = self.pos;
        self.skip_run(false);
        let span = Span::new(start, self.pos);
        let word = &self.text[start..self.pos];
        let kind = match word {
            "true" => NodeKind::Bool(true),
            "false" => NodeKind::Bool(false),
            "null" => NodeKind::Null,
            _ => {
                let message = word_message(word);
                self.error(span.start, span.end, message);
                NodeKind::Error
            }
        };
        Node { span, kind }
    }

    fn number(&mut self) -> Node {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_')) {
                break;
            }
            self.pos += 1;
        }
        let span = Span::new(start, self.pos);
        let text = &self.text[start..self.pos];
        let numeric = text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
        if !numeric {
            self.error(
                span.start,
                span.end,
                format!("invalid number `{}`", shorten(text)),
            );
            return Node {
                span,
                kind: NodeKind::Error,
            };
        }
        if let Err(why) = check_number(text.as_bytes()) {
            self.error(span.start, span.end, format!("invalid number: {why}"));
        }
        Node {
            span,
            kind: NodeKind::Number(text.to_string()),
        }
    }

    /// A string starting at the cursor's quote (`"` or `'`). Unterminated strings end at the end
    /// of the line.
    fn string(&mut self, quote: u8) -> Node {
        let start = self.pos;
        self.pos += 1;
        let content_start = self.pos;
        let mut terminated = false;
        let content_end;
        // Fast path: a string without escapes or control characters is copied in one piece.
        self.skip_plain(quote);
        let mut value = CompactString::from(&self.text[content_start..self.pos]);
        loop {
            let run = self.pos;
            self.skip_plain(quote);
            value.push_str(&self.text[run..self.pos]);
            let Some(b) = self.peek() else {
                content_end = self.pos;
                break;
            };
            match b {
                _ if b == quote => {
                    content_end = self.pos;
                    self.pos += 1;
                    terminated = true;
                    break;
                }
                b'\n' | b'\r' => {
                    content_end = self.pos;
                    break;
                }
                b'\\' => self.escape(&mut value, quote),
                _ => {
                    let p = self.pos;
                    self.error(
                        p,
                        p + 1,
                        format!(
                            "control character U+{:04X} must be escaped in a string",
                            u32::from(b)
                        ),
                    );
                    value.push(char::from(b));
                    self.pos += 1;
                }
            }
        }
        if !terminated {
            self.error(start, self.pos, "unterminated string");
        }
        Node {
            span: Span::new(start, self.pos),
            kind: NodeKind::String {
                value,
                content: Span::new(content_start, content_end),
                terminated,
            },
        }
    }

    /// Advance over the string starting at the cursor's `quote` to where [`Parser::string`]
    /// would stop (after the closing quote, or at the end of the line or input), building
    /// nothing and reporting nothing. An escape never ends a string: after a backslash the next
    /// byte is skipped, unless it ends the line.
    fn skip_string(&mut self, quote: u8) {
        let bytes = self.bytes;
        let mut i = self.pos + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => match bytes.get(i + 1) {
                    Some(b'\n' | b'\r') | None => i += 1,
                    Some(_) => i += 2,
                },
                b'\n' | b'\r' => break,
                _ if b == quote => {
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
        self.pos = i.min(bytes.len());
    }

    /// Advance over string content up to the closing `quote`, a backslash or a control character.
    fn skip_plain(&mut self, quote: u8) {
        let rest = &self.bytes[self.pos..];
        let n = rest
            .iter()
            .position(|&b| b == quote || b == b'\\' || b < 0x20)
            .unwrap_or(rest.len());
        self.pos += n;
    }

    /// An escape sequence at the cursor's backslash, appended to `value` unescaped.
    fn escape(&mut self, value: &mut CompactString, quote: u8) {
        let start = self.pos;
        self.pos += 1;
        let Some(b) = self.peek() else { return };
        let simple = match b {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'\'' if quote == b'\'' => Some('\''),
            // A backslash at the end of the line: the string is unterminated, reported by the
            // caller.
            b'\n' | b'\r' => return,
            _ => None,
        };
        if let Some(c) = simple {
            value.push(c);
            self.pos += 1;
            return;
        }
        if b != b'u' {
            let len = self.char_len_at(self.pos);
            let shown = &self.text[self.pos..self.pos + len];
            self.pos += len;
            let shown = if b < 0x20 || b == 0x7f {
                format!("U+{:04X}", u32::from(b))
            } else {
                format!("'\\{shown}'")
            };
            self.error(start, self.pos, format!("invalid escape sequence {shown}"));
            value.push_str(&self.text[start + 1..self.pos]);
            return;
        }
        self.pos += 1;
        let Some(first) = self.hex4() else {
            self.error(
                start,
                self.pos,
                "invalid escape sequence: '\\u' needs four hex digits",
            );
            value.push('\u{FFFD}');
            return;
        };
        let c = match first {
            0xD800..=0xDBFF => {
                // A high surrogate: a low one must follow as another \u escape.
                let save = self.pos;
                let low = if self.peek() == Some(b'\\') && self.peek_at(self.pos + 1) == Some(b'u')
                {
                    self.pos += 2;
                    self.hex4().filter(|l| (0xDC00..=0xDFFF).contains(l))
                } else {
                    None
                };
                match low {
                    Some(l) => char::from_u32(0x10000 + ((first - 0xD800) << 10) + (l - 0xDC00)),
                    None => {
                        self.max_read = self.max_read.max(self.pos);
                        self.pos = save;
                        None
                    }
                }
            }
            0xDC00..=0xDFFF => None,
            cp => char::from_u32(cp),
        };
        match c {
            Some(c) => value.push(c),
            None => {
                self.error(
                    start,
                    self.pos,
                    "invalid escape sequence: lone surrogate (replaced by U+FFFD)",
                );
                value.push('\u{FFFD}');
            }
        }
    }

    /// Read four hex digits; `None` (cursor after the digits read) when there are fewer.
    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = char::from(self.peek()?).to_digit(16)?;
            v = v * 16 + d;
            self.pos += 1;
        }
        Some(v)
    }
}

/// Check a token made of number characters against the JSON number grammar.
fn check_number(s: &[u8]) -> Result<(), &'static str> {
    let digits = |i: &mut usize| {
        let from = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    let mut i = 0;
    match s.first() {
        Some(b'+') => return Err("a number cannot start with '+'"),
        Some(b'-') => i += 1,
        _ => {}
    }
    match s.get(i) {
        Some(b'.') => return Err("a digit is needed before '.'"),
        Some(b'0') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => {
            return Err("leading zeros are not allowed");
        }
        _ => {}
    }
    if digits(&mut i) == 0 {
        return Err("expected a digit");
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return Err("a digit is needed after '.'");
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return Err("the exponent needs digits");
        }
    }
    if i != s.len() {
        return Err("unexpected characters");
    }
    Ok(())
}

/// At most 40 characters of `s`, for messages.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The message for a bare word or stray text where a value should be.
fn word_message(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "true" | "false" | "null" => {
            format!("`{word}` is not valid JSON: did you mean `{lower}`?")
        }
        "none" | "nil" => format!("`{word}` is not valid JSON: did you mean `null`?"),
        "undefined" | "nan" | "infinity" => format!("`{word}` is not a JSON value"),
        _ => {
            let mut chars = word.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_alphanumeric() => {
                    format!("unexpected character '{c}'")
                }
                (Some(c), _) if c.is_alphabetic() || c == '_' || c == '$' => format!(
                    "unexpected word `{}`: strings must be in double quotes",
                    shorten(word)
                ),
                _ => format!("unexpected text `{}`", shorten(word)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Parser;

    /// `skip_string` (the look-ahead for a key inside an array) stops where `string` does, on
    /// terminated, unterminated and escaped strings of either quote.
    #[test]
    fn skipping_a_string_ends_where_parsing_it_does() {
        let cases = [
            r#""plain" : 1"#,
            r#""esc\"aped\\" x"#,
            r#""\u0041\uD83D\uDE00\uD83D" y"#,
            r#""\u00" z"#,
            r#""bad \q escape" w"#,
            "\"open to the line\n next\"",
            "\"backslash at the end\\\n\"",
            "\"trailing backslash\\",
            "\"ctrl \u{1} inside\" v",
            r#"'single \' and " inside' :"#,
            "\"é \\é ü\" :",
            "\"",
            "\"\r\"",
        ];
        for case in cases {
            let quote = case.as_bytes()[0];
            let mut parsed = Parser::new(case);
            let _ = parsed.string(quote);
            let mut skipped = Parser::new(case);
            skipped.skip_string(quote);
            assert_eq!(skipped.pos, parsed.pos, "{case:?}");
        }
    }
}
