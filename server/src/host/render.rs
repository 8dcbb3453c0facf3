//! Renders a policy held in a host tree as JSON text, with the map from that text back to the
//! host bytes.
//!
//! The rules and the IDE features run on the rendered JSON unchanged; [`SpanMap`] carries every
//! span they report back into the template. CloudFormation intrinsics are resolved as far as
//! their meaning is known offline:
//!
//! - `Ref`/`!Ref` of `AWS::Partition`, `AWS::AccountId`, `AWS::Region`, `AWS::URLSuffix` give a
//!   representative valid value; any other `Ref`, `GetAtt`, `ImportValue`, `Select`, ... is a
//!   *hole*: rendered as `${iam-ls:unknown}` (a policy-variable shape the rules already treat as
//!   "could be anything") and every finding that touches it is dropped.
//! - `Sub` and `Join`: the literal parts are kept (and map one to one onto the host text), the
//!   references are holes; `${!Literal}` is the literal `${Literal}`.
//! - `If`: in a list, both branches are items (`AWS::NoValue` dropped); elsewhere the first branch
//!   that is not `AWS::NoValue`. A mapping entry whose value is `AWS::NoValue` is left out.

use super::value::{Kind, Value};
use crate::syntax::Span;

/// The tag the Terraform reader gives strings with `${...}` interpolations or `%{...}`
/// directives (not a CloudFormation name, so no template can use it).
pub const TF_TEMPLATE: &str = "iam-ls:terraform-template";

/// The tag of strings read from a Terraform `aws_iam_policy_document` block, where `&{x}` is
/// the IAM policy variable `${x}` (and `${...}` is an interpolation, as elsewhere).
pub const TF_DOC_TEMPLATE: &str = "iam-ls:terraform-document-template";

/// The text a hole is rendered as.
pub const HOLE: &str = "${iam-ls:unknown}";

/// One piece of the rendered text and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Bytes of the rendered JSON.
    pub json: Span,
    /// Bytes of the host text.
    pub host: Span,
    /// True when the two are the same bytes (offsets inside map one to one).
    pub linear: bool,
}

/// From offsets in the rendered JSON to offsets in the host text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanMap {
    segments: Vec<Segment>,
    /// JSON ranges rendered from holes (unknown values).
    pub holes: Vec<Span>,
    /// JSON string tokens (quotes included) that contain a hole.
    pub holed_tokens: Vec<Span>,
}

impl SpanMap {
    /// The innermost segment containing `p` (`start`: `json.start <= p < json.end`; else
    /// `json.start < p <= json.end`).
    fn innermost(&self, p: usize, start: bool) -> Option<&Segment> {
        self.segments
            .iter()
            .filter(|s| {
                if start {
                    s.json.start <= p && p < s.json.end
                } else {
                    s.json.start < p && p <= s.json.end
                }
            })
            .min_by_key(|s| s.json.len())
    }

    /// The host offset of a span's start at JSON offset `p`.
    pub fn start(&self, p: usize) -> usize {
        match self.innermost(p, true) {
            Some(s) if s.linear => (s.host.start + (p - s.json.start)).min(s.host.end),
            Some(s) => s.host.start,
            None => self
                .segments
                .iter()
                .filter(|s| s.json.start >= p)
                .min_by_key(|s| s.json.start)
                .map_or(0, |s| s.host.start),
        }
    }

    /// The host offset of a span's end at JSON offset `p`.
    pub fn end(&self, p: usize) -> usize {
        match self.innermost(p, false) {
            Some(s) if s.linear => (s.host.start + (p - s.json.start)).min(s.host.end),
            Some(s) => s.host.end,
            None => self
                .segments
                .iter()
                .filter(|s| s.json.end <= p)
                .max_by_key(|s| s.json.end)
                .map_or(0, |s| s.host.end),
        }
    }

    /// The host span of a JSON span.
    pub fn span(&self, json: Span) -> Span {
        let start = self.start(json.start);
        let end = if json.is_empty() {
            start
        } else {
            self.end(json.end).max(start)
        };
        Span::new(start, end)
    }

    /// True when a JSON span can be edited in place in the host: both ends fall inside one
    /// linear segment.
    pub fn exact(&self, json: Span) -> Option<Span> {
        let s = self.segments.iter().find(|s| {
            s.linear && s.json.start <= json.start && json.end <= s.json.end && !s.json.is_empty()
        })?;
        Some(Span::new(
            s.host.start + (json.start - s.json.start),
            s.host.start + (json.end - s.json.start),
        ))
    }

    /// The JSON offset of a host offset, when it falls inside a linear segment (for hover and
    /// completion), else the start of the innermost segment holding it. Of two segments over the
    /// same host bytes (a Terraform `condition` block's `test` string stands for both the
    /// `Condition` key and the operator), the one rendered last, the deeper, wins.
    pub fn to_json(&self, host: usize) -> Option<usize> {
        let s = self
            .segments
            .iter()
            .rev()
            .filter(|s| s.host.start <= host && host <= s.host.end)
            .min_by_key(|s| (s.host.len(), !s.linear))?;
        Some(if s.linear {
            s.json.start + (host - s.host.start).min(s.json.len())
        } else {
            s.json.start
        })
    }

    /// True when the JSON span touches a hole, or is the finding of a variables rule inside a
    /// string built around a hole.
    pub fn touches_hole(&self, json: Span) -> bool {
        self.holes
            .iter()
            .any(|h| json.start < h.end && h.start < json.end.max(json.start + 1))
    }

    /// True when the JSON span lies inside a string token that holds a hole.
    pub fn inside_holed_token(&self, json: Span) -> bool {
        self.holed_tokens
            .iter()
            .any(|t| t.start <= json.start && json.end <= t.end)
    }
}

/// A policy rendered as JSON.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub json: String,
    pub map: SpanMap,
}

/// Renders `value` (the policy document) as JSON.
pub fn render(value: &Value) -> Rendered {
    let mut r = Renderer::default();
    r.value(value, 0);
    Rendered {
        json: r.out,
        map: r.map,
    }
}

#[derive(Default)]
struct Renderer {
    out: String,
    map: SpanMap,
}

/// One piece of a string built from host parts.
struct Piece {
    text: String,
    host: Span,
    linear: bool,
    hole: bool,
}

const MAX_DEPTH: usize = 96;

/// The name of an intrinsic function and its argument: `!Tag x` or `{"Fn::Tag": x}` /
/// `{"Ref": x}`.
fn intrinsic(v: &Value) -> Option<(&str, &Value)> {
    match &v.kind {
        Kind::Tagged { tag, value } => Some((tag.strip_prefix("Fn::").unwrap_or(tag), value)),
        Kind::Map(entries) if entries.len() == 1 => {
            let e = &entries[0];
            if e.key == "Ref" {
                Some(("Ref", &e.value))
            } else {
                e.key.strip_prefix("Fn::").map(|name| (name, &e.value))
            }
        }
        _ => None,
    }
}

/// True for `AWS::NoValue` (as `!Ref` or `{"Ref": ...}`).
fn is_no_value(v: &Value) -> bool {
    matches!(intrinsic(v), Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue"))
}

/// A representative valid value for a pseudo parameter.
fn pseudo(name: &str) -> Option<&'static str> {
    Some(match name {
        "AWS::Partition" => "aws",
        "AWS::AccountId" => "123456789012",
        "AWS::Region" => "us-east-1",
        "AWS::URLSuffix" => "amazonaws.com",
        _ => return None,
    })
}

/// The branches of an `If` that are values (the condition name and `AWS::NoValue` left out).
fn if_branches(arg: &Value) -> Vec<&Value> {
    arg.items()
        .map(|items| {
            items
                .iter()
                .skip(1)
                .take(2)
                .filter(|b| !is_no_value(b))
                .collect()
        })
        .unwrap_or_default()
}

impl Renderer {
    fn push_seg(&mut self, json_start: usize, host: Span, linear: bool) {
        let json = Span::new(json_start, self.out.len());
        self.map.segments.push(Segment { json, host, linear });
    }

    fn value(&mut self, v: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.out.push_str("null");
            return;
        }
        if let Some((name, arg)) = intrinsic(v) {
            match name {
                "If" => {
                    let branches = if_branches(arg);
                    match branches.first() {
                        Some(b) => self.value(b, depth + 1),
                        None => self.string(v.span, vec![hole(v.span)]),
                    }
                }
                _ => {
                    let pieces = self.pieces(v, depth);
                    self.string(v.span, pieces);
                }
            }
            return;
        }
        match &v.kind {
            Kind::Map(entries) => {
                let start = self.out.len();
                self.out.push('{');
                self.push_seg(start, Span::new(v.span.start, v.span.start), false);
                let mut first = true;
                for e in entries {
                    if is_no_value(&e.value) {
                        continue;
                    }
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    let k = self.out.len();
                    self.out.push('"');
                    let c = self.out.len();
                    let escaped = escape_into(&mut self.out, &e.key);
                    // A quoted key's span is its key and two quotes (when nothing was escaped).
                    let content_host = if e.key_span.len() == e.key.len() + 2 {
                        Span::new(e.key_span.start + 1, e.key_span.end - 1)
                    } else {
                        e.key_span
                    };
                    let linear = !escaped && content_host.len() == e.key.len();
                    self.push_seg(c, content_host, linear);
                    self.out.push('"');
                    self.push_seg(k, e.key_span, false);
                    self.out.push_str(": ");
                    self.value(&e.value, depth + 1);
                }
                let end = self.out.len();
                self.out.push('}');
                self.push_seg(end, Span::new(v.span.end, v.span.end), false);
                self.push_seg(start, v.span, false);
            }
            Kind::Seq(items) => {
                let start = self.out.len();
                self.out.push('[');
                let mut first = true;
                for item in items {
                    let branches = match intrinsic(item) {
                        Some(("If", arg)) => if_branches(arg),
                        _ if is_no_value(item) => Vec::new(),
                        _ => vec![item],
                    };
                    for b in branches {
                        if !first {
                            self.out.push_str(", ");
                        }
                        first = false;
                        self.value(b, depth + 1);
                    }
                }
                self.out.push(']');
                self.push_seg(start, v.span, false);
            }
            Kind::Scalar(s) if s.plain && is_json_literal(&s.value) => {
                let start = self.out.len();
                self.out.push_str(&s.value);
                self.push_seg(start, s.content, true);
            }
            Kind::Null => {
                let start = self.out.len();
                self.out.push_str("null");
                self.push_seg(start, v.span, false);
            }
            _ => {
                let pieces = self.pieces(v, depth);
                self.string(v.span, pieces);
            }
        }
    }

    /// The parts of a string-valued host value.
    fn pieces(&self, v: &Value, depth: usize) -> Vec<Piece> {
        if depth > MAX_DEPTH {
            return vec![hole(v.span)];
        }
        match (intrinsic(v), &v.kind) {
            (Some(("Ref", arg)), _) => match arg.as_str().and_then(pseudo) {
                Some(text) => vec![Piece {
                    text: text.to_string(),
                    host: v.span,
                    linear: false,
                    hole: false,
                }],
                None => vec![hole(v.span)],
            },
            (Some(("Sub", arg)), _) => {
                let template = match &arg.kind {
                    Kind::Seq(items) => items.first(),
                    _ => Some(arg),
                };
                match template.map(|t| &t.kind) {
                    Some(Kind::Scalar(s)) => sub_pieces(&s.value, s.content, s.linear),
                    _ => vec![hole(v.span)],
                }
            }
            (Some(("Join", arg)), _) => {
                let items = arg.items().unwrap_or_default();
                let (Some(delim), Some(list)) = (
                    items.first().and_then(Value::as_str),
                    items.get(1).and_then(Value::items),
                ) else {
                    return vec![hole(v.span)];
                };
                let mut out = Vec::new();
                for (i, part) in list.iter().enumerate() {
                    if i > 0 && !delim.is_empty() {
                        out.push(Piece {
                            text: delim.to_string(),
                            host: Span::new(part.span.start, part.span.start),
                            linear: false,
                            hole: false,
                        });
                    }
                    out.extend(self.pieces(part, depth + 1));
                }
                out
            }
            (Some((tag @ (TF_TEMPLATE | TF_DOC_TEMPLATE), arg)), _) => match &arg.kind {
                Kind::Scalar(s) => tf_pieces(&s.value, s.content, s.linear, tag == TF_DOC_TEMPLATE),
                _ => vec![hole(v.span)],
            },
            (Some(("If", arg)), _) => match if_branches(arg).first() {
                Some(b) => self.pieces(b, depth + 1),
                None => vec![hole(v.span)],
            },
            (Some(_), _) => vec![hole(v.span)],
            (None, Kind::Scalar(s)) => vec![Piece {
                text: s.value.clone(),
                host: s.content,
                linear: s.linear,
                hole: false,
            }],
            (None, _) => vec![hole(v.span)],
        }
    }

    /// Writes one JSON string token made of `pieces`; the token maps to `whole`.
    fn string(&mut self, whole: Span, pieces: Vec<Piece>) {
        let start = self.out.len();
        self.out.push('"');
        let mut holed = false;
        for p in pieces {
            let at = self.out.len();
            let escaped = escape_into(&mut self.out, &p.text);
            let linear = p.linear && !escaped && p.host.len() == p.text.len();
            self.push_seg(at, p.host, linear);
            if p.hole {
                holed = true;
                self.map.holes.push(Span::new(at, self.out.len()));
            }
        }
        self.out.push('"');
        self.push_seg(start, whole, false);
        if holed {
            self.map.holed_tokens.push(Span::new(start, self.out.len()));
        }
    }
}

fn hole(span: Span) -> Piece {
    Piece {
        text: HOLE.to_string(),
        host: span,
        linear: false,
        hole: true,
    }
}

/// The pieces of a `Sub` template whose text starts at host offset `content.start` (offsets map
/// one to one when `linear`).
fn sub_pieces(template: &str, content: Span, linear: bool) -> Vec<Piece> {
    let at = |i: usize, j: usize| {
        if linear {
            Span::new(content.start + i, content.start + j)
        } else {
            content
        }
    };
    let mut out = Vec::new();
    let mut lit_start = 0;
    let mut i = 0;
    let bytes = template.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'$'
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(close) = template[i..].find('}')
        {
            let close = i + close;
            if lit_start < i {
                out.push(Piece {
                    text: template[lit_start..i].to_string(),
                    host: at(lit_start, i),
                    linear,
                    hole: false,
                });
            }
            let name = &template[i + 2..close];
            let host = at(i, close + 1);
            if let Some(lit) = name.strip_prefix('!') {
                out.push(Piece {
                    text: format!("${{{lit}}}"),
                    host,
                    linear: false,
                    hole: false,
                });
            } else if let Some(text) = pseudo(name.trim()) {
                out.push(Piece {
                    text: text.to_string(),
                    host,
                    linear: false,
                    hole: false,
                });
            } else {
                out.push(hole(host));
            }
            i = close + 1;
            lit_start = i;
            continue;
        }
        i += 1;
    }
    if lit_start < bytes.len() || out.is_empty() {
        out.push(Piece {
            text: template[lit_start..].to_string(),
            host: at(lit_start, bytes.len()),
            linear,
            hole: false,
        });
    }
    out
}

/// The pieces of a Terraform string: `${...}` and `%{...}` are holes, `$${` and `%%{` the
/// literal `${` and `%{`; in a policy document block (`amp`), `&{` is the literal `${`.
fn tf_pieces(template: &str, content: Span, linear: bool, amp: bool) -> Vec<Piece> {
    let at = |i: usize, j: usize| {
        if linear {
            Span::new(content.start + i, content.start + j)
        } else {
            content
        }
    };
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut lit_start = 0;
    let mut lit_linear = linear;
    let bytes = template.as_bytes();
    let mut i = 0;
    let flush = |out: &mut Vec<Piece>, lit: &mut String, from: usize, to: usize, lin: bool| {
        if !lit.is_empty() {
            out.push(Piece {
                text: std::mem::take(lit),
                host: at(from, to),
                linear: lin,
                hole: false,
            });
        }
    };
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'$' | b'%')
            && bytes.get(i + 1) == Some(&c)
            && bytes.get(i + 2) == Some(&b'{')
        {
            lit.push(c as char);
            lit.push('{');
            lit_linear = false;
            i += 3;
            continue;
        }
        if amp && c == b'&' && bytes.get(i + 1) == Some(&b'{') {
            lit.push_str("${");
            lit_linear = false;
            i += 2;
            continue;
        }
        if matches!(c, b'$' | b'%')
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(close) = template[i..].find('}')
        {
            flush(&mut out, &mut lit, lit_start, i, lit_linear);
            let close = i + close;
            out.push(hole(at(i, close + 1)));
            i = close + 1;
            lit_start = i;
            lit_linear = linear;
            continue;
        }
        let ch = template[i..].chars().next().unwrap_or(' ');
        lit.push(ch);
        i += ch.len_utf8().max(1);
    }
    flush(&mut out, &mut lit, lit_start, bytes.len(), lit_linear);
    if out.is_empty() {
        out.push(Piece {
            text: String::new(),
            host: at(0, 0),
            linear,
            hole: false,
        });
    }
    out
}

/// True for plain YAML scalars that mean a JSON number, boolean or null.
fn is_json_literal(s: &str) -> bool {
    if matches!(s, "true" | "false" | "null") {
        return true;
    }
    let b = s.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    !digits.is_empty()
        && digits[0].is_ascii_digit()
        && (digits[0] != b'0' || digits.len() == 1)
        && digits.iter().all(|c| c.is_ascii_digit())
}

/// Appends `s` as JSON string content; true when anything had to be escaped.
fn escape_into(out: &mut String, s: &str) -> bool {
    let mut escaped = false;
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => {
                out.push(c);
                continue;
            }
        }
        escaped = true;
    }
    escaped
}
