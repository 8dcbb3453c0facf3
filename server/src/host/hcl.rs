//! Terraform: the policies of `resource` blocks, written as `jsonencode({...})` or as a heredoc
//! of JSON.
//!
//! A scanner, not a full HCL parser: it finds each top-level `resource "TYPE" "NAME" { ... }`
//! block by matching braces (strings, heredocs and comments respected), so an unfinished block
//! only loses itself. Inside a block it reads the policy attribute of the resource type:
//! a heredoc body is parsed as JSON ([`crate::syntax::parse`], spans shifted onto the file), a
//! `jsonencode` argument by a small HCL expression reader. References, function calls, `for`
//! expressions and quoted JSON strings are not read: the first three are unknown values inside a
//! policy, the last is skipped (its escapes would need an offset map). `data
//! "aws_iam_policy_document"` blocks are not understood yet.

use super::value::{Entry, Kind, Scalar, Value};
use crate::policy::PolicyKind;
use crate::syntax::{self, Span};

/// A policy found in a Terraform file.
#[derive(Debug)]
pub struct Found {
    pub kind: PolicyKind,
    pub label: String,
    pub value: Value,
}

/// The policy attribute of a resource type and the kind it holds.
fn policy_attribute(ty: &str, body: &str) -> Option<(&'static str, PolicyKind)> {
    Some(match ty {
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => ("policy", PolicyKind::Identity),
        "aws_iam_role" => ("assume_role_policy", PolicyKind::RoleTrust),
        "aws_s3_bucket_policy"
        | "aws_sqs_queue_policy"
        | "aws_sns_topic_policy"
        | "aws_ecr_repository_policy"
        | "aws_secretsmanager_secret_policy" => ("policy", PolicyKind::Resource),
        "aws_kms_key" => ("policy", PolicyKind::KmsKey),
        "aws_vpc_endpoint" => ("policy", PolicyKind::VpcEndpoint),
        "aws_organizations_policy" => (
            "content",
            if body.contains("RESOURCE_CONTROL_POLICY") {
                PolicyKind::ResourceControl
            } else if body.contains("SERVICE_CONTROL_POLICY") || !body.contains("type") {
                PolicyKind::ServiceControl
            } else {
                return None;
            },
        ),
        _ => return None,
    })
}

/// Every policy of the file's `resource` blocks, in text order.
pub fn policies(text: &str) -> Vec<Found> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        pos = skip_trivia(b, pos);
        if pos >= b.len() {
            break;
        }
        let line_end = memchr_nl(b, pos);
        let header = &text[pos..line_end];
        let open = header.find('{').map(|i| pos + i);
        let words: Vec<&str> = header
            .split(|c: char| c.is_whitespace() || c == '{')
            .filter(|w| !w.is_empty())
            .collect();
        let Some(open) = open else {
            pos = skip_value(b, pos);
            continue;
        };
        let close = matching(b, open);
        if words.first() == Some(&"resource")
            && let (Some(ty), Some(name)) = (words.get(1), words.get(2))
        {
            let ty = ty.trim_matches('"');
            let name = name.trim_matches('"');
            let body = &text[open + 1..close.min(text.len())];
            if let Some((attr, kind)) = policy_attribute(ty, body)
                && let Some(value) = attribute(text, open + 1, close, attr)
            {
                out.push(Found {
                    kind,
                    label: format!("{ty}.{name}.{attr}"),
                    value,
                });
            }
        }
        pos = (close + 1).max(pos + 1);
    }
    out
}

fn memchr_nl(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| from + i)
}

/// Skips spaces, newlines and comments (`#`, `//`, `/* */`).
fn skip_trivia(b: &[u8], mut pos: usize) -> usize {
    loop {
        match b.get(pos) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
            Some(b'#') => pos = memchr_nl(b, pos),
            Some(b'/') if b.get(pos + 1) == Some(&b'/') => pos = memchr_nl(b, pos),
            Some(b'/') if b.get(pos + 1) == Some(&b'*') => {
                pos = find(b, pos + 2, b"*/").map_or(b.len(), |i| i + 2)
            }
            _ => return pos,
        }
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The end of a quoted string starting at `pos` (just past its closing quote, or the line end).
fn string_end(b: &[u8], pos: usize) -> usize {
    let mut i = pos + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// A heredoc starting at `pos` (`<<EOF` or `<<-EOF`): (body start, body end, end of the closing
/// marker line).
fn heredoc(b: &[u8], pos: usize) -> Option<(usize, usize, usize)> {
    let mut i = pos + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        i += 1;
    }
    let marker = &b[start..i];
    if marker.is_empty() {
        return None;
    }
    let body = memchr_nl(b, i) + 1;
    let mut line = body;
    while line < b.len() {
        let end = memchr_nl(b, line);
        let trimmed = b[line..end].trim_ascii();
        if trimmed == marker {
            return Some((body.min(b.len()), line, end));
        }
        line = end + 1;
    }
    Some((body.min(b.len()), b.len(), b.len()))
}

/// The offset of the brace that closes the one at `open` (the end of text when none does).
fn matching(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = string_end(b, i);
                continue;
            }
            b'#' => i = memchr_nl(b, i),
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => {
                i = skip_trivia(b, i);
                continue;
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                if let Some((_, _, end)) = heredoc(b, i) {
                    i = end;
                    continue;
                }
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Skips one value (to the end of the line, or past its brackets).
fn skip_value(b: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while i < b.len() && b[i] != b'\n' {
        match b[i] {
            b'{' | b'[' | b'(' => i = matching(b, i),
            b'"' => {
                i = string_end(b, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    i.max(pos + 1)
}

/// The value of attribute `name` at depth one of the block body `from..to`.
fn attribute(text: &str, from: usize, to: usize, name: &str) -> Option<Value> {
    let b = text.as_bytes();
    let mut pos = from;
    while pos < to {
        pos = skip_trivia(b, pos);
        if pos >= to {
            return None;
        }
        let ident_end = pos
            + b[pos..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
                .count();
        let after = skip_spaces(b, ident_end);
        if ident_end > pos && b.get(after) == Some(&b'=') && b.get(after + 1) != Some(&b'=') {
            let vstart = skip_spaces(b, after + 1);
            if &text[pos..ident_end] == name {
                return policy_expr(text, vstart);
            }
            pos = skip_value(b, vstart);
        } else {
            pos = skip_value(b, pos);
        }
    }
    None
}

fn skip_spaces(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t')) {
        pos += 1;
    }
    pos
}

/// A policy expression: a heredoc of JSON or `jsonencode(...)`.
fn policy_expr(text: &str, pos: usize) -> Option<Value> {
    let b = text.as_bytes();
    if b[pos..].starts_with(b"<<") {
        let (start, end, _) = heredoc(b, pos)?;
        let body = &text[start..end];
        let parse = syntax::parse(body);
        let root = Value::from_json(parse.root.as_ref()?, start);
        return Some(templated(root));
    }
    if b[pos..].starts_with(b"jsonencode(") {
        let mut r = Reader {
            t: text,
            b,
            pos: pos + "jsonencode(".len(),
            depth: 0,
        };
        r.trivia();
        return Some(r.value());
    }
    None
}

/// Marks every string of a heredoc as a Terraform template (`${...}` holes, `$${` literal).
fn templated(v: Value) -> Value {
    let kind = match v.kind {
        Kind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|e| Entry {
                    value: templated(e.value),
                    ..e
                })
                .collect(),
        ),
        Kind::Seq(items) => Kind::Seq(items.into_iter().map(templated).collect()),
        Kind::Scalar(s) if s.value.contains("${") || s.value.contains("%{") => {
            return Value {
                span: v.span,
                kind: Kind::Tagged {
                    tag: super::render::TF_TEMPLATE.to_string(),
                    value: Box::new(Value {
                        span: v.span,
                        kind: Kind::Scalar(s),
                    }),
                },
            };
        }
        other => other,
    };
    Value { span: v.span, kind }
}

/// Reads an HCL expression as a host value.
struct Reader<'a> {
    t: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Reader<'_> {
    fn trivia(&mut self) {
        self.pos = skip_trivia(self.b, self.pos);
    }

    fn peek(&self) -> u8 {
        self.b.get(self.pos).copied().unwrap_or(0)
    }

    fn value(&mut self) -> Value {
        let start = self.pos;
        if self.depth > 64 {
            return self.opaque(start);
        }
        match self.peek() {
            b'{' | b'[' => {
                let open = self.peek();
                let close = if open == b'{' { b'}' } else { b']' };
                let end = matching(self.b, self.pos);
                // `for` expressions are unknown.
                let inner = skip_trivia(self.b, self.pos + 1);
                if self.b[inner..].starts_with(b"for ") {
                    self.pos = (end + 1).min(self.b.len());
                    return Value {
                        span: Span::new(start, self.pos),
                        kind: Kind::Opaque,
                    };
                }
                self.pos += 1;
                self.depth += 1;
                let mut items = Vec::new();
                let mut entries = Vec::new();
                loop {
                    self.trivia();
                    let c = self.peek();
                    if c == close {
                        self.pos += 1;
                        break;
                    }
                    if c == 0 || self.pos >= end {
                        self.pos = self.pos.max(end);
                        break;
                    }
                    if c == b',' {
                        self.pos += 1;
                        continue;
                    }
                    let before = self.pos;
                    if open == b'{' {
                        let key = self.key();
                        self.trivia();
                        if matches!(self.peek(), b'=' | b':') {
                            self.pos += 1;
                            self.trivia();
                            let value = self.value();
                            entries.push(Entry {
                                key: key.0,
                                key_span: key.1,
                                value,
                            });
                        }
                    } else {
                        items.push(self.value());
                    }
                    if self.pos == before {
                        self.pos = skip_value(self.b, self.pos);
                    }
                }
                self.depth -= 1;
                Value {
                    span: Span::new(start, self.pos),
                    kind: if open == b'{' {
                        Kind::Map(entries)
                    } else {
                        Kind::Seq(items)
                    },
                }
            }
            b'"' => {
                let end = string_end(self.b, self.pos);
                self.pos = end;
                let closed = end > start + 1 && self.b[end - 1] == b'"';
                let content = Span::new(start + 1, if closed { end - 1 } else { end });
                let raw = &self.t[content.start..content.end];
                let (value, linear) = unescape(raw);
                let scalar = Value {
                    span: Span::new(start, end),
                    kind: Kind::Scalar(Scalar {
                        value,
                        content,
                        linear,
                        plain: false,
                    }),
                };
                templated(scalar)
            }
            _ => {
                // A number, a boolean, null, or an expression (reference, call): to the next
                // delimiter at depth zero.
                let mut i = self.pos;
                while i < self.b.len() && !matches!(self.b[i], b',' | b'\n' | b'}' | b']') {
                    match self.b[i] {
                        b'(' | b'[' | b'{' => i = matching(self.b, i),
                        b'"' => {
                            i = string_end(self.b, i);
                            continue;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                let i = i.min(self.b.len()).max(self.pos + 1).min(self.b.len());
                let word = self.t[self.pos..i].trim();
                let end = self.pos + self.t[self.pos..i].trim_end().len();
                self.pos = i;
                let literal = matches!(word, "true" | "false" | "null")
                    || (!word.is_empty() && word.bytes().all(|c| c.is_ascii_digit()));
                if literal {
                    Value {
                        span: Span::new(start, end),
                        kind: Kind::Scalar(Scalar {
                            value: word.to_string(),
                            content: Span::new(start, end),
                            linear: true,
                            plain: true,
                        }),
                    }
                } else {
                    Value {
                        span: Span::new(start, end),
                        kind: Kind::Opaque,
                    }
                }
            }
        }
    }

    fn opaque(&mut self, start: usize) -> Value {
        self.pos = skip_value(self.b, self.pos);
        Value {
            span: Span::new(start, self.pos),
            kind: Kind::Opaque,
        }
    }

    /// An object key: an identifier or a quoted string.
    fn key(&mut self) -> (String, Span) {
        let start = self.pos;
        if self.peek() == b'"' {
            let end = string_end(self.b, self.pos);
            self.pos = end;
            let inner = self.t[start + 1..end.saturating_sub(1).max(start + 1)].to_string();
            return (unescape(&inner).0, Span::new(start, end));
        }
        while self
            .b
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b':'))
        {
            self.pos += 1;
        }
        (
            self.t[start..self.pos].to_string(),
            Span::new(start, self.pos),
        )
    }
}

/// The value of an HCL quoted string's content, and whether it equals the content.
fn unescape(raw: &str) -> (String, bool) {
    if !raw.contains('\\') {
        return (raw.to_string(), true);
    }
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    (out, false)
}
