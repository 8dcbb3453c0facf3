//! A small, error-tolerant parser for the YAML that CloudFormation templates use.
//!
//! Block mappings and sequences (compact `- Key: value` items included), flow collections
//! (`[a, b]`, `{k: v}`, across lines), plain, single- and double-quoted scalars, literal and
//! folded block scalars, tags (`!Ref X`, `!Sub "..."`, `!If [...]`), comments and `---`. Anchors,
//! aliases, merge keys and multi-document streams beyond the first are not understood (their
//! text is kept as plain scalars or skipped). Spans are byte offsets in the text.
//!
//! Recovery is by line: a line that does not fit where it stands (deeper than any open node, or
//! a mapping line without `:`) is skipped, so a half-typed resource does not hide the others.
//! Linear time; recursion is bounded by [`MAX_DEPTH`]; never panics.

use super::value::{Entry, Kind, Scalar, Value};
use crate::syntax::Span;

/// Deepest nesting parsed; deeper content becomes null.
pub const MAX_DEPTH: usize = 96;

/// Parses `text` into its first document's root value (`None` when there is no content).
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser {
        b: text.as_bytes(),
        t: text,
        pos: 0,
        depth: 0,
        map_value: false,
    };
    p.skip_blank();
    if p.b[p.pos..].starts_with(b"---") {
        p.pos += 3;
        p.skip_blank();
    }
    if p.pos >= p.b.len() {
        return None;
    }
    let col = p.col(p.pos);
    Some(p.node(col.saturating_sub(1), true))
}

struct Parser<'a> {
    b: &'a [u8],
    t: &'a str,
    pos: usize,
    depth: usize,
    /// Set while reading a mapping's value that starts on the key's line: a block sequence on
    /// the following lines may then stand at the key's own column (`Resource: !Join` followed
    /// by `- ''` under `Resource`).
    map_value: bool,
}

impl Parser<'_> {
    fn peek(&self) -> u8 {
        self.b.get(self.pos).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// The column (bytes since the start of the line) of `pos`.
    fn col(&self, pos: usize) -> usize {
        let start = self.b[..pos.min(self.b.len())]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        pos - start
    }

    /// Skips spaces and tabs on the current line.
    fn skip_spaces(&mut self) {
        while matches!(self.peek(), b' ' | b'\t') {
            self.pos += 1;
        }
    }

    /// True at the end of the line's content (newline, comment or end of text).
    fn at_eol(&self) -> bool {
        match self.peek() {
            0 | b'\n' | b'\r' => true,
            b'#' => self.pos == 0 || matches!(self.at(self.pos - 1), b' ' | b'\t' | b'\n'),
            _ => false,
        }
    }

    /// Skips blank lines, comments and whitespace up to the next content byte.
    fn skip_blank(&mut self) {
        loop {
            match self.peek() {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => self.skip_line(),
                _ => return,
            }
        }
    }

    /// Moves to the start of the next line.
    fn skip_line(&mut self) {
        while !matches!(self.peek(), 0 | b'\n') {
            self.pos += 1;
        }
        if self.peek() == b'\n' {
            self.pos += 1;
        }
    }

    /// The end of the current line's content, before a comment and trailing spaces.
    fn line_content_end(&self, from: usize) -> usize {
        let mut i = from;
        let mut end = from;
        while !matches!(self.at(i), 0 | b'\n' | b'\r') {
            if self.at(i) == b'#' && i > from && matches!(self.at(i - 1), b' ' | b'\t') {
                break;
            }
            if !matches!(self.at(i), b' ' | b'\t') {
                end = i + 1;
            }
            i += 1;
        }
        end
    }

    fn empty(&self, at: usize) -> Value {
        Value {
            span: Span::new(at, at),
            kind: Kind::Null,
        }
    }

    /// Where a `key:` starting at `pos` ends: the colon's offset, for a block mapping key.
    fn key_colon(&self, from: usize) -> Option<usize> {
        let c = self.at(from);
        if matches!(c, b'"' | b'\'') {
            let mut i = from + 1;
            while !matches!(self.at(i), 0 | b'\n') {
                if self.at(i) == b'\\' && c == b'"' {
                    i += 2;
                    continue;
                }
                if self.at(i) == c {
                    if c == b'\'' && self.at(i + 1) == b'\'' {
                        i += 2;
                        continue;
                    }
                    let mut j = i + 1;
                    while matches!(self.at(j), b' ' | b'\t') {
                        j += 1;
                    }
                    return (self.at(j) == b':' && is_sep(self.at(j + 1))).then_some(j);
                }
                i += 1;
            }
            return None;
        }
        if matches!(
            c,
            b'[' | b'{' | b'!' | b'|' | b'>' | b'-' | b'&' | b'*' | b'#' | 0 | b'\n'
        ) && (c != b'-' || is_sep(self.at(from + 1)))
        {
            return None;
        }
        let mut i = from;
        while !matches!(self.at(i), 0 | b'\n' | b'\r') {
            if self.at(i) == b'#' && i > from && matches!(self.at(i - 1), b' ' | b'\t') {
                return None;
            }
            if self.at(i) == b':' && is_sep(self.at(i + 1)) {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// A block node whose first content byte is at `self.pos`; its lines are deeper than
    /// `parent` (a column). `top` allows a sequence at the parent's own column.
    fn node(&mut self, parent: usize, _top: bool) -> Value {
        if self.depth >= MAX_DEPTH {
            let at = self.pos;
            self.skip_line();
            return self.empty(at);
        }
        self.depth += 1;
        let col = self.col(self.pos);
        let v = if self.peek() == b'-' && is_sep(self.at(self.pos + 1)) {
            self.seq(col)
        } else if self.key_colon(self.pos).is_some() {
            self.map(col)
        } else {
            self.inline(parent)
        };
        self.depth -= 1;
        v
    }

    /// A block sequence whose dashes stand at column `col`.
    fn seq(&mut self, col: usize) -> Value {
        let start = self.pos;
        let mut items = Vec::new();
        let mut end = start;
        loop {
            // At a `-`.
            self.pos += 1;
            self.skip_spaces();
            let item = if self.at_eol() {
                let dash_end = self.pos;
                self.skip_blank();
                if self.pos < self.b.len() && self.col(self.pos) > col {
                    self.node(col, false)
                } else {
                    self.empty(dash_end)
                }
            } else {
                self.node(col, false)
            };
            end = end.max(item.span.end);
            items.push(item);
            if !self.next_line_at(col, |p| p.peek() == b'-' && is_sep(p.at(p.pos + 1))) {
                break;
            }
        }
        Value {
            span: Span::new(start, end),
            kind: Kind::Seq(items),
        }
    }

    /// Moves to the next content line; true when it stands at `col` and `fits`. Lines deeper
    /// than `col` that nothing claimed are skipped (recovery), and so are lines at any column
    /// that are neither a `key:` nor a `- ` item (a half-typed key, stray text), so they do not
    /// end the mappings they stand in.
    fn next_line_at(&mut self, col: usize, fits: impl Fn(&Self) -> bool) -> bool {
        loop {
            self.skip_blank();
            if self.pos >= self.b.len() {
                return false;
            }
            if !self.line_start(self.pos) {
                // Leftover text on the line of the value just read.
                self.skip_line();
                continue;
            }
            let c = self.col(self.pos);
            if c == col && fits(self) {
                return true;
            }
            let dash = self.peek() == b'-' && is_sep(self.at(self.pos + 1));
            let junk = !dash && self.key_colon(self.pos).is_none();
            if c > col || junk {
                self.skip_line();
                continue;
            }
            return false;
        }
    }

    /// True when only spaces precede `pos` on its line.
    fn line_start(&self, pos: usize) -> bool {
        let mut i = pos;
        while i > 0 {
            match self.at(i - 1) {
                b' ' | b'\t' => i -= 1,
                b'\n' => return true,
                _ => return false,
            }
        }
        true
    }

    /// A block mapping whose keys stand at column `col`.
    fn map(&mut self, col: usize) -> Value {
        let start = self.pos;
        let mut entries = Vec::new();
        let mut end = start;
        while let Some(colon) = self.key_colon(self.pos) {
            let key_start = self.pos;
            let (key, key_span) = self.key_text(key_start, colon);
            self.pos = colon + 1;
            self.skip_spaces();
            let value = if self.at_eol() {
                let after = colon + 1;
                self.skip_blank();
                let here = self.col(self.pos);
                if self.pos < self.b.len()
                    && (here > col
                        || (here == col && self.peek() == b'-' && is_sep(self.at(self.pos + 1))))
                {
                    self.node(col, false)
                } else {
                    self.empty(after)
                }
            } else {
                self.map_value = true;
                self.inline(col)
            };
            end = end.max(value.span.end).max(key_span.end);
            entries.push(Entry {
                key,
                key_span,
                value,
            });
            if !self.next_line_at(col, |p| p.key_colon(p.pos).is_some()) {
                break;
            }
        }
        if entries.is_empty() {
            self.skip_line();
        }
        Value {
            span: Span::new(start, end),
            kind: Kind::Map(entries),
        }
    }

    fn key_text(&self, start: usize, colon: usize) -> (String, Span) {
        let mut end = colon;
        while end > start && matches!(self.at(end - 1), b' ' | b'\t') {
            end -= 1;
        }
        let raw = self.t.get(start..end).unwrap_or("");
        match raw.as_bytes().first() {
            Some(b'"') | Some(b'\'') if raw.len() >= 2 => {
                let (value, _) = unquote(raw);
                (value, Span::new(start, end))
            }
            _ => (raw.to_string(), Span::new(start, end)),
        }
    }

    /// A value that starts on the current line (after `key:` or `- `, or alone): tag, flow
    /// collection, quoted or block scalar, or plain scalar. Continuation lines must be deeper
    /// than `parent`.
    fn inline(&mut self, parent: usize) -> Value {
        let start = self.pos;
        let map_value = std::mem::take(&mut self.map_value);
        // Where the value's own lines may start: deeper than `parent`, or at its column for a
        // sequence under a mapping key.
        let below = |p: &Self| {
            p.pos < p.b.len()
                && (p.col(p.pos) > parent
                    || (map_value
                        && p.col(p.pos) == parent
                        && p.peek() == b'-'
                        && is_sep(p.at(p.pos + 1))))
        };
        match self.peek() {
            b'!' => {
                let mut i = self.pos + 1;
                while !matches!(self.at(i), 0 | b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{') {
                    i += 1;
                }
                let tag = self.t.get(self.pos + 1..i).unwrap_or("").to_string();
                self.pos = i;
                self.skip_spaces();
                let value = if self.at_eol() {
                    let after = self.pos;
                    self.skip_blank();
                    if below(self) {
                        self.node(parent, false)
                    } else {
                        self.empty(after)
                    }
                } else {
                    self.inline(parent)
                };
                Value {
                    span: Span::new(start, value.span.end.max(i)),
                    kind: Kind::Tagged {
                        tag,
                        value: Box::new(value),
                    },
                }
            }
            b'[' | b'{' => self.flow(),
            b'"' | b'\'' => self.quoted(),
            b'|' | b'>' => self.block_scalar(parent),
            b'&' => {
                // An anchor: skip its name, keep the value.
                while !matches!(self.peek(), 0 | b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos += 1;
                }
                self.skip_spaces();
                if self.at_eol() {
                    self.skip_blank();
                    if below(self) {
                        return self.node(parent, false);
                    }
                    return self.empty(start);
                }
                self.inline(parent)
            }
            _ => {
                let end = self.line_content_end(self.pos);
                let end = end.max(self.pos);
                self.pos = end;
                plain(self.t, start, end)
            }
        }
    }

    fn quoted(&mut self) -> Value {
        let start = self.pos;
        let q = self.peek();
        let mut i = start + 1;
        let mut closed = false;
        while i < self.b.len() {
            let c = self.b[i];
            if c == b'\\' && q == b'"' {
                i += 2;
                continue;
            }
            if c == q {
                if q == b'\'' && self.at(i + 1) == b'\'' {
                    i += 2;
                    continue;
                }
                closed = true;
                i += 1;
                break;
            }
            if c == b'\n' && !closed {
                // Multi-line quoted scalars are rare in templates; an unterminated one ends here.
                let next_blank = self.b[i + 1..].iter().take_while(|&&b| b == b' ').count();
                if self.at(i + 1 + next_blank) == b'\n' || i + 1 + next_blank >= self.b.len() {
                    break;
                }
            }
            i += 1;
        }
        let i = i.min(self.b.len());
        self.pos = i;
        let raw = self.t.get(start..i).unwrap_or("");
        let (value, linear) = unquote(raw);
        let content_end = if closed { i - 1 } else { i };
        Value {
            span: Span::new(start, i),
            kind: Kind::Scalar(Scalar {
                value,
                content: Span::new(start + 1, content_end.max(start + 1)),
                linear,
                plain: false,
            }),
        }
    }

    /// `|` or `>` with optional chomping and indentation indicators; the lines deeper than
    /// `parent`.
    fn block_scalar(&mut self, parent: usize) -> Value {
        let start = self.pos;
        let folded = self.peek() == b'>';
        let mut keep_newline = true;
        self.pos += 1;
        while matches!(self.peek(), b'-' | b'+' | b'1'..=b'9') {
            if self.peek() == b'-' {
                keep_newline = false;
            }
            self.pos += 1;
        }
        self.skip_line();
        let body_start = self.pos;
        let mut lines: Vec<&str> = Vec::new();
        let mut indent = None;
        let mut end = body_start;
        loop {
            let line_start = self.pos;
            if line_start >= self.b.len() {
                break;
            }
            let spaces = self.b[line_start..]
                .iter()
                .take_while(|&&c| c == b' ')
                .count();
            let rest = self.at(line_start + spaces);
            if matches!(rest, b'\n' | b'\r' | 0) {
                lines.push("");
                self.skip_line();
                continue;
            }
            if spaces <= parent {
                break;
            }
            let ind = *indent.get_or_insert(spaces);
            self.skip_line();
            let mut line_end = self.pos;
            while line_end > line_start && matches!(self.at(line_end - 1), b'\n' | b'\r') {
                line_end -= 1;
            }
            end = line_end;
            lines.push(
                self.t
                    .get(line_start + ind.min(spaces)..line_end)
                    .unwrap_or(""),
            );
        }
        // Trailing blank lines belong to no one.
        while lines.last() == Some(&"") {
            lines.pop();
        }
        self.pos = end.max(body_start);
        let mut value = if folded {
            lines.join(" ")
        } else {
            lines.join("\n")
        };
        if keep_newline && !lines.is_empty() {
            value.push('\n');
        }
        let content_start = body_start + indent.unwrap_or(0);
        let linear = lines.len() <= 1 && !keep_newline;
        Value {
            span: Span::new(start, end.max(start + 1)),
            kind: Kind::Scalar(Scalar {
                value,
                content: Span::new(content_start.min(end), end.max(content_start.min(end))),
                linear,
                plain: false,
            }),
        }
    }

    /// A flow collection at `self.pos` (`[` or `{`), across lines.
    fn flow(&mut self) -> Value {
        let start = self.pos;
        let open = self.peek();
        let close = if open == b'[' { b']' } else { b'}' };
        self.pos += 1;
        if self.depth >= MAX_DEPTH {
            return self.empty(start);
        }
        self.depth += 1;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        loop {
            self.skip_blank();
            match self.peek() {
                0 => break,
                c if c == close => {
                    self.pos += 1;
                    break;
                }
                b',' => {
                    self.pos += 1;
                    continue;
                }
                b']' | b'}' => break,
                _ => {}
            }
            let before = self.pos;
            let first = self.flow_value();
            self.skip_blank();
            if self.peek() == b':' {
                self.pos += 1;
                self.skip_blank();
                let value = if matches!(self.peek(), b',' | b'}' | b']' | 0) {
                    self.empty(self.pos)
                } else {
                    self.flow_value()
                };
                let key = first.as_str().unwrap_or("").to_string();
                let entry = Entry {
                    key,
                    key_span: first.span,
                    value,
                };
                if open == b'{' {
                    entries.push(entry);
                } else {
                    items.push(Value {
                        span: Span::new(entry.key_span.start, entry.value.span.end),
                        kind: Kind::Map(vec![entry]),
                    });
                }
            } else if open == b'{' {
                entries.push(Entry {
                    key: first.as_str().unwrap_or("").to_string(),
                    key_span: first.span,
                    value: self.empty(first.span.end),
                });
            } else {
                items.push(first);
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
        self.depth -= 1;
        let span = Span::new(start, self.pos);
        Value {
            span,
            kind: if open == b'[' {
                Kind::Seq(items)
            } else {
                Kind::Map(entries)
            },
        }
    }

    /// One value inside a flow collection.
    fn flow_value(&mut self) -> Value {
        let start = self.pos;
        match self.peek() {
            b'[' | b'{' => self.flow(),
            b'"' | b'\'' => self.quoted(),
            b'!' => {
                let mut i = self.pos + 1;
                while !matches!(
                    self.at(i),
                    0 | b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b'[' | b'{'
                ) {
                    i += 1;
                }
                let tag = self.t.get(self.pos + 1..i).unwrap_or("").to_string();
                self.pos = i;
                self.skip_blank();
                let value = if matches!(self.peek(), b',' | b']' | b'}' | 0) {
                    self.empty(self.pos)
                } else {
                    self.flow_value()
                };
                Value {
                    span: Span::new(start, value.span.end.max(i)),
                    kind: Kind::Tagged {
                        tag,
                        value: Box::new(value),
                    },
                }
            }
            _ => {
                let mut i = self.pos;
                let mut end = i;
                while !matches!(
                    self.at(i),
                    0 | b'\n' | b'\r' | b',' | b']' | b'}' | b'[' | b'{'
                ) {
                    if self.at(i) == b':' && is_sep(self.at(i + 1)) {
                        break;
                    }
                    if self.at(i) == b'#' && i > start && matches!(self.at(i - 1), b' ' | b'\t') {
                        break;
                    }
                    if !matches!(self.at(i), b' ' | b'\t') {
                        end = i + 1;
                    }
                    i += 1;
                }
                self.pos = i.max(start);
                plain(self.t, start, end.max(start))
            }
        }
    }
}

/// A separator after `:` or `-`: space, tab, end of line or of text.
fn is_sep(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0)
}

fn plain(text: &str, start: usize, end: usize) -> Value {
    let raw = text.get(start..end).unwrap_or("");
    let span = Span::new(start, end);
    if raw.is_empty() || raw == "~" {
        return Value {
            span,
            kind: Kind::Null,
        };
    }
    Value {
        span,
        kind: Kind::Scalar(Scalar {
            value: raw.to_string(),
            content: span,
            linear: true,
            plain: true,
        }),
    }
}

/// The value of a quoted scalar (quotes included in `raw`), and whether it equals its content.
fn unquote(raw: &str) -> (String, bool) {
    let Some(q) = raw.chars().next() else {
        return (String::new(), true);
    };
    let inner = raw.get(1..).unwrap_or("");
    let inner = inner.strip_suffix(q).unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut linear = true;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if q == '\'' && chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
                linear = false;
            }
            '\\' if q == '"' => {
                linear = false;
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some('x') => push_hex(&mut out, &mut chars, 2),
                    Some('u') => push_hex(&mut out, &mut chars, 4),
                    Some('U') => push_hex(&mut out, &mut chars, 8),
                    Some('\n') => {
                        // An escaped line break: the lines join without a space.
                        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                            chars.next();
                        }
                    }
                    Some(other) => out.push(other),
                    None => {}
                }
            }
            '\n' | '\r' => {
                linear = false;
                while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                    chars.next();
                }
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    (out, linear)
}

fn push_hex(out: &mut String, chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize) {
    let digits: String = (0..n).filter_map(|_| chars.next()).collect();
    if let Some(c) = u32::from_str_radix(&digits, 16)
        .ok()
        .and_then(char::from_u32)
    {
        out.push(c);
    }
}
