//! Terraform: the policies of `resource` blocks (written as `jsonencode({...})`, a heredoc of
//! JSON or a quoted JSON string) and of `data "aws_iam_policy_document"` blocks.
//!
//! A scanner, not a full HCL parser: it finds each top-level block by matching braces (strings,
//! heredocs and comments respected), so an unfinished block only loses itself. Inside a
//! resource it reads the policy attribute of the resource type: a heredoc body is parsed as
//! JSON ([`crate::syntax::parse`], spans shifted onto the file), a quoted string is unescaped
//! and parsed with an offset map back through the escapes, a `jsonencode` argument is read by a
//! small HCL expression reader. A `data.aws_iam_policy_document.X.json` reference gives that
//! document the attribute's kind. Policy document blocks are rendered as the JSON the provider
//! builds (repeated `principals` and `condition` blocks merged, `effect` defaulting to `Allow`).
//! References, function calls, `for` expressions and `dynamic` blocks are unknown values.

use super::value::{Entry, Kind, Scalar, Value};
use crate::policy::PolicyKind;
use crate::syntax::{self, Span};

/// A policy found in a Terraform file.
#[derive(Debug)]
pub struct Found {
    pub kind: PolicyKind,
    pub label: String,
    pub value: Value,
    /// JSON syntax errors of a heredoc or quoted JSON string (message, span in the file); none
    /// when an interpolation stands outside a JSON string (its text is known only once filled).
    pub errors: Vec<(String, Span)>,
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

/// A top-level block: its words (`resource`, type, name) and its braces.
struct Block<'a> {
    words: Vec<&'a str>,
    open: usize,
    close: usize,
}

/// Every policy of the file, in text order: the policy attributes of `resource` blocks
/// (`jsonencode`, heredoc and quoted JSON) and the `data "aws_iam_policy_document"` blocks, each
/// with the kind of the first attribute that references it (identity when none does).
pub fn policies(text: &str) -> Vec<Found> {
    let blocks = top_level_blocks(text);
    // The kind each policy document is used as, from the attributes referencing it.
    let mut used: Vec<(String, PolicyKind, String)> = Vec::new();
    let mut out: Vec<(usize, Found)> = Vec::new();
    for block in &blocks {
        if block.words.first() != Some(&"resource") {
            continue;
        }
        let (Some(ty), Some(name)) = (block.words.get(1), block.words.get(2)) else {
            continue;
        };
        let body = &text[block.open + 1..block.close.min(text.len())];
        let mut attrs: Vec<(String, PolicyKind, usize, usize)> = Vec::new();
        if let Some((attr, kind)) = policy_attribute(ty, body) {
            attrs.push((attr.to_string(), kind, block.open + 1, block.close));
        }
        if *ty == "aws_iam_role" {
            for item in body_items(text, block.open + 1, block.close) {
                if let Item::Block {
                    name: n,
                    open,
                    close,
                    ..
                } = item
                    && n == "inline_policy"
                {
                    attrs.push((
                        "inline_policy.policy".into(),
                        PolicyKind::Identity,
                        open + 1,
                        close,
                    ));
                }
            }
        }
        for (attr, kind, from, to) in attrs {
            let leaf = attr.rsplit('.').next().unwrap_or(&attr);
            let Some(vstart) = attribute_start(text, from, to, leaf) else {
                continue;
            };
            let label = format!("{ty}.{name}.{attr}");
            if let Some(doc) = document_reference(&text[vstart..]) {
                used.push((doc.to_string(), kind, label));
            } else if let Some((value, errors)) = policy_expr(text, vstart) {
                out.push((
                    vstart,
                    Found {
                        kind,
                        label,
                        value,
                        errors,
                    },
                ));
            }
        }
    }
    for block in &blocks {
        if block.words.first() != Some(&"data")
            || block.words.get(1) != Some(&"aws_iam_policy_document")
        {
            continue;
        }
        let Some(name) = block.words.get(2) else {
            continue;
        };
        let (kind, label) = match used.iter().find(|(doc, ..)| doc == name) {
            Some((_, kind, user)) => (
                *kind,
                format!("data.aws_iam_policy_document.{name} (used by {user})"),
            ),
            None => (
                PolicyKind::Identity,
                format!("data.aws_iam_policy_document.{name}"),
            ),
        };
        let value = policy_document(text, block);
        // Not referenced by a policy attribute this scanner knows (unused, used by another
        // resource type or another file): the kind its content suggests, as for a `.json` file.
        let kind = if used.iter().any(|(doc, ..)| doc == name) {
            kind
        } else {
            let json = super::render::render(&value).json;
            let parse = syntax::parse(&json);
            // Federated principals appear only in trust policies, even in a statement whose
            // actions are missing or unknown.
            if json.contains("\"Federated\": ") {
                PolicyKind::RoleTrust
            } else {
                crate::policy::detect_kind(&crate::policy::Policy::from_parse(&parse)).0
            }
        };
        out.push((
            block.open,
            Found {
                kind,
                label,
                value,
                errors: Vec::new(),
            },
        ));
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, f)| f).collect()
}

/// The file's top-level blocks (`resource "T" "N" { ... }`, `data ...`), in text order.
fn top_level_blocks(text: &str) -> Vec<Block<'_>> {
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
        let Some(open) = header.find('{').map(|i| pos + i) else {
            pos = skip_value(b, pos);
            continue;
        };
        let words: Vec<&str> = text[pos..open]
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_matches('"'))
            .collect();
        let close = matching(b, open);
        out.push(Block { words, open, close });
        pos = (close + 1).max(pos + 1);
    }
    out
}

/// `data.aws_iam_policy_document.NAME.json` (also `[index]` and `.minified_json`) at the start
/// of an expression: the document's name.
fn document_reference(expr: &str) -> Option<&str> {
    let rest = expr.strip_prefix("data.aws_iam_policy_document.")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let mut tail = &rest[end..];
    if tail.starts_with('[') {
        tail = &tail[tail.find(']')? + 1..];
    }
    (tail.starts_with(".json") || tail.starts_with(".minified_json")).then_some(name)
}

/// One item of a block body.
enum Item {
    /// `name = value`; the value starts at `value`.
    Attr {
        name: String,
        name_span: Span,
        value: usize,
    },
    /// `name "label"... { ... }`.
    Block {
        name: String,
        name_span: Span,
        labels: Vec<String>,
        open: usize,
        close: usize,
    },
}

/// The attributes and blocks of the body `from..to` (one level deep).
fn body_items(text: &str, from: usize, to: usize) -> Vec<Item> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = from;
    while pos < to {
        pos = skip_trivia(b, pos);
        if pos >= to {
            break;
        }
        let ident_end = pos
            + b[pos..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
                .count();
        if ident_end == pos {
            pos = skip_value(b, pos);
            continue;
        }
        let name = text[pos..ident_end].to_string();
        let name_span = Span::new(pos, ident_end);
        let after = skip_spaces(b, ident_end);
        if b.get(after) == Some(&b'=') && b.get(after + 1) != Some(&b'=') {
            let value = skip_spaces(b, after + 1);
            out.push(Item::Attr {
                name,
                name_span,
                value,
            });
            pos = skip_value(b, value);
            continue;
        }
        // A block: labels up to `{` on the same line.
        let mut labels = Vec::new();
        let mut i = after;
        while b.get(i) == Some(&b'"') {
            let end = string_end(b, i);
            labels.push(text[i + 1..end.saturating_sub(1).max(i + 1)].to_string());
            i = skip_spaces(b, end);
        }
        if b.get(i) == Some(&b'{') {
            let close = matching(b, i).min(to);
            out.push(Item::Block {
                name,
                name_span,
                labels,
                open: i,
                close,
            });
            pos = close + 1;
        } else {
            pos = skip_value(b, pos);
        }
    }
    out
}

/// The policy of a `data "aws_iam_policy_document"` block, as the host tree of the JSON the
/// provider would produce: `Version` (default `2012-10-17`), `Id`, and one statement per
/// `statement` block. A `dynamic` block, or documents merged in from elsewhere
/// (`source_policy_documents`, `override_policy_documents`), add an unknown statement.
fn policy_document(text: &str, block: &Block<'_>) -> Value {
    let header = Span::new(block.open, block.open + 1);
    let whole = Span::new(block.open, (block.close + 1).min(text.len()));
    let mut version = None;
    let mut id = None;
    let mut statements = Vec::new();
    for item in body_items(text, block.open + 1, block.close) {
        match item {
            Item::Attr {
                name,
                name_span,
                value,
            } => match name.as_str() {
                "version" => version = Some((name_span, doc_value(text, value))),
                "policy_id" => id = Some((name_span, doc_value(text, value))),
                "source_policy_documents"
                | "override_policy_documents"
                | "source_json"
                | "override_json" => statements.push(Value {
                    span: name_span,
                    kind: Kind::Opaque,
                }),
                _ => {}
            },
            Item::Block {
                name,
                name_span,
                open,
                close,
                ..
            } => match name.as_str() {
                "statement" => statements.push(statement(text, name_span, open, close)),
                "dynamic" => statements.push(Value {
                    span: Span::new(name_span.start, (close + 1).min(text.len())),
                    kind: Kind::Opaque,
                }),
                _ => {}
            },
        }
    }
    let mut entries = vec![match version {
        Some((key_span, value)) => entry("Version", key_span, value),
        None => entry("Version", header, synthetic("2012-10-17", header)),
    }];
    if let Some((key_span, value)) = id {
        entries.push(entry("Id", key_span, value));
    }
    let span = statements.first().map_or(header, |s| {
        Span::new(
            s.span.start,
            statements.last().map_or(s.span.end, |l| l.span.end),
        )
    });
    entries.push(entry(
        "Statement",
        span,
        Value {
            span,
            kind: Kind::Seq(statements),
        },
    ));
    Value {
        span: whole,
        kind: Kind::Map(entries),
    }
}

fn entry(key: &str, key_span: Span, value: Value) -> Entry {
    Entry {
        key: key.to_string(),
        key_span,
        value,
    }
}

/// A value the provider supplies (a default): its text, shown at `span`.
fn synthetic(text: &str, span: Span) -> Value {
    Value {
        span,
        kind: Kind::Scalar(Scalar {
            value: text.to_string(),
            content: span,
            linear: false,
            plain: false,
        }),
    }
}

/// An expression inside a policy document block (`&{x}` is the policy variable `${x}`).
fn doc_value(text: &str, pos: usize) -> Value {
    let mut r = Reader {
        t: text,
        b: text.as_bytes(),
        pos,
        depth: 0,
        doc: true,
    };
    r.value()
}

/// One `statement { ... }` block as a statement object.
fn statement(text: &str, name_span: Span, open: usize, close: usize) -> Value {
    let mut entries = Vec::new();
    let mut effect = None;
    // (JSON key, type or operator, its span, the value to merge, the block's name span)
    let mut principals: Vec<(&'static str, Vec<(Value, Value)>)> = Vec::new();
    let mut conditions: Vec<(Value, Vec<(Value, Value)>)> = Vec::new();
    for item in body_items(text, open + 1, close) {
        match item {
            Item::Attr {
                name,
                name_span,
                value,
            } => {
                let key = match name.as_str() {
                    "sid" => "Sid",
                    "effect" => {
                        effect = Some(entry("Effect", name_span, doc_value(text, value)));
                        continue;
                    }
                    "actions" => "Action",
                    "not_actions" => "NotAction",
                    "resources" => "Resource",
                    "not_resources" => "NotResource",
                    _ => continue,
                };
                entries.push(entry(key, name_span, doc_value(text, value)));
            }
            Item::Block {
                name,
                name_span: block_name,
                labels,
                open,
                close,
            } => {
                let inner = body_items(text, open + 1, close);
                let attr = |want: &str| {
                    inner.iter().find_map(|i| match i {
                        Item::Attr { name, value, .. } if name == want => {
                            Some(doc_value(text, *value))
                        }
                        _ => None,
                    })
                };
                let whole = Span::new(block_name.start, (close + 1).min(text.len()));
                match name.as_str() {
                    "principals" | "not_principals" => {
                        let key = if name == "principals" {
                            "Principal"
                        } else {
                            "NotPrincipal"
                        };
                        let ty = attr("type").unwrap_or_else(|| opaque(whole));
                        let ids = attr("identifiers").unwrap_or_else(|| opaque(whole));
                        match principals.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, list)) => list.push((ty, ids)),
                            None => principals.push((key, vec![(ty, ids)])),
                        }
                    }
                    "condition" => {
                        let test = attr("test").unwrap_or_else(|| opaque(whole));
                        let variable = attr("variable").unwrap_or_else(|| opaque(whole));
                        let values = attr("values").unwrap_or_else(|| opaque(whole));
                        let same = conditions
                            .iter_mut()
                            .find(|(t, _)| t.as_str().is_some() && t.as_str() == test.as_str());
                        match same {
                            Some((_, list)) => list.push((variable, values)),
                            None => conditions.push((test, vec![(variable, values)])),
                        }
                    }
                    // `dynamic "principals"` or `dynamic "condition"`: an unknown element.
                    "dynamic" => {
                        let key = match labels.first().map(String::as_str) {
                            Some("principals") => "Principal",
                            Some("not_principals") => "NotPrincipal",
                            _ => "Condition",
                        };
                        if !entries.iter().any(|e: &Entry| e.key == key) {
                            entries.push(entry(key, block_name, opaque(whole)));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let effect =
        effect.unwrap_or_else(|| entry("Effect", name_span, synthetic("Allow", name_span)));
    entries.insert(0, effect);
    for (key, list) in principals {
        // A `dynamic` block of the same element made it unknown as a whole.
        if entries.iter().any(|e| e.key == key) {
            continue;
        }
        let value = principal(list);
        let span = value.span;
        entries.push(entry(key, span, value));
    }
    if !conditions.is_empty() && !entries.iter().any(|e| e.key == "Condition") {
        let span = Span::new(
            conditions[0].0.span.start,
            conditions.last().map_or(0, |c| c.0.span.end),
        );
        let ops = conditions
            .into_iter()
            .map(|(test, vars)| keyed(test, merge_values(vars)))
            .collect();
        entries.push(entry(
            "Condition",
            span,
            Value {
                span,
                kind: Kind::Map(ops),
            },
        ));
    }
    Value {
        span: Span::new(name_span.start, (close + 1).min(text.len())),
        kind: Kind::Map(entries),
    }
}

fn opaque(span: Span) -> Value {
    Value {
        span,
        kind: Kind::Opaque,
    }
}

/// A mapping entry whose key is the string value `key` (its span the key's span); an unknown
/// key (a reference) becomes an entry named by the hole text, so it is never checked.
fn keyed(key: Value, value: Value) -> Entry {
    let name = scalar_text(&key).unwrap_or_else(|| super::render::HOLE.to_string());
    Entry {
        key: name,
        key_span: key.span,
        value,
    }
}

/// The text of a plain string value (no interpolation).
fn scalar_text(v: &Value) -> Option<String> {
    match &v.kind {
        Kind::Scalar(s) => Some(s.value.clone()),
        Kind::Tagged { value, .. } if !value.as_str()?.contains("${") => {
            Some(value.as_str()?.replace("&{", "${"))
        }
        _ => None,
    }
}

/// `principals` blocks merged: one mapping from type to identifiers (several blocks of one type
/// concatenate their lists); `type = "*"` is the principal `"*"`.
fn principal(list: Vec<(Value, Value)>) -> Value {
    let span = Span::new(
        list[0].0.span.start.min(list[0].1.span.start),
        list.iter()
            .map(|(t, i)| t.span.end.max(i.span.end))
            .max()
            .unwrap_or(0),
    );
    if list.len() == 1 && scalar_text(&list[0].0).as_deref() == Some("*") {
        let (ty, _) = list.into_iter().next().unwrap_or_else(|| unreachable!());
        return synthetic("*", ty.span);
    }
    let mut entries: Vec<Entry> = Vec::new();
    for (ty, ids) in list {
        let name = scalar_text(&ty);
        match entries
            .iter_mut()
            .find(|e| name.is_some() && Some(&e.key) == name.as_ref())
        {
            Some(e) => e.value = concat(std::mem::replace(&mut e.value, opaque(span)), ids),
            None => entries.push(keyed(ty, ids)),
        }
    }
    Value {
        span,
        kind: Kind::Map(entries),
    }
}

/// Condition variables of one operator merged: variable to values (repeated variables
/// concatenate their values).
fn merge_values(vars: Vec<(Value, Value)>) -> Value {
    let span = Span::new(
        vars[0].0.span.start,
        vars.iter()
            .map(|(v, x)| v.span.end.max(x.span.end))
            .max()
            .unwrap_or(0),
    );
    let mut entries: Vec<Entry> = Vec::new();
    for (var, values) in vars {
        let name = scalar_text(&var);
        match entries
            .iter_mut()
            .find(|e| name.is_some() && Some(&e.key) == name.as_ref())
        {
            Some(e) => e.value = concat(std::mem::replace(&mut e.value, opaque(span)), values),
            None => entries.push(keyed(var, values)),
        }
    }
    Value {
        span,
        kind: Kind::Map(entries),
    }
}

/// Two lists as one (a value that is not a list counts as a list of itself).
fn concat(a: Value, b: Value) -> Value {
    let span = Span::new(a.span.start.min(b.span.start), a.span.end.max(b.span.end));
    let items = |v: Value| match v.kind {
        Kind::Seq(items) => items,
        _ => vec![v],
    };
    let mut all = items(a);
    all.extend(items(b));
    Value {
        span,
        kind: Kind::Seq(all),
    }
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
            b'<' if b.get(i + 1) == Some(&b'<') => {
                if let Some((_, _, end)) = heredoc(b, i) {
                    return end.max(pos + 1);
                }
            }
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

/// Where the value of attribute `name` starts, at depth one of the block body `from..to`.
fn attribute_start(text: &str, from: usize, to: usize, name: &str) -> Option<usize> {
    body_items(text, from, to)
        .into_iter()
        .find_map(|i| match i {
            Item::Attr { name: n, value, .. } if n == name => Some(value),
            _ => None,
        })
}

fn skip_spaces(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t')) {
        pos += 1;
    }
    pos
}

/// JSON syntax errors of JSON text `json`, mapped to file offsets by `at`; none when an
/// interpolation stands outside its strings.
fn syntax_errors(
    json: &str,
    parse: &syntax::Parse,
    at: &dyn Fn(usize) -> usize,
) -> Vec<(String, Span)> {
    if super::json_string::interpolation_outside_strings(json) {
        return Vec::new();
    }
    parse
        .errors
        .iter()
        .map(|e| {
            (
                e.message.clone(),
                Span::new(at(e.span.start), at(e.span.end)),
            )
        })
        .collect()
}

/// A policy expression: a heredoc of JSON or `jsonencode(...)`, with the JSON syntax errors of
/// a heredoc or quoted string.
fn policy_expr(text: &str, pos: usize) -> Option<(Value, Vec<(String, Span)>)> {
    let b = text.as_bytes();
    if b[pos..].starts_with(b"<<") {
        let (start, end, _) = heredoc(b, pos)?;
        let body = &text[start..end];
        let parse = syntax::parse(body);
        let root = Value::from_json(parse.root.as_ref()?, start);
        let errors = syntax_errors(body, &parse, &|o| o + start);
        return Some((templated(root, false), errors));
    }
    if b.get(pos) == Some(&b'"') {
        return quoted_json(text, pos);
    }
    if b[pos..].starts_with(b"jsonencode(") {
        let mut r = Reader {
            t: text,
            b,
            pos: pos + "jsonencode(".len(),
            depth: 0,
            doc: false,
        };
        r.trivia();
        return Some((r.value(), Vec::new()));
    }
    None
}

/// A quoted string holding JSON (`"{\"Version\": ...}"`): unescaped, parsed, and its spans
/// mapped back through the escapes. `None` when it does not hold a JSON object.
fn quoted_json(text: &str, pos: usize) -> Option<(Value, Vec<(String, Span)>)> {
    let b = text.as_bytes();
    let end = string_end(b, pos);
    if end <= pos + 1 || b[end - 1] != b'"' {
        return None;
    }
    let raw = &text[pos + 1..end - 1];
    // The unescaped text, and for each of its bytes (and its end) the host offset.
    let mut json = String::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(raw.len() + 1);
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = pos + 1 + i;
        let out = if c == '\\' {
            match chars.next() {
                Some((_, 'n')) => '\n',
                Some((_, 't')) => '\t',
                Some((_, 'r')) => '\r',
                Some((_, other)) => other,
                None => break,
            }
        } else {
            c
        };
        for _ in 0..out.len_utf8() {
            offsets.push(at);
        }
        json.push(out);
    }
    offsets.push(end - 1);
    if !json.trim_start().starts_with('{') {
        return None;
    }
    let parse = syntax::parse(&json);
    let at = |o: usize| offsets.get(o).copied().unwrap_or(end - 1);
    let root = Value::from_json_mapped(parse.root.as_ref()?, &at);
    let errors = syntax_errors(&json, &parse, &at);
    Some((templated(root, false), errors))
}

/// Marks every string of a heredoc or an HCL expression as a Terraform template (`${...}`
/// holes, `$${` literal; in a policy document block, `doc`, `&{` is a policy variable).
fn templated(v: Value, doc: bool) -> Value {
    let kind = match v.kind {
        Kind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|e| Entry {
                    value: templated(e.value, doc),
                    ..e
                })
                .collect(),
        ),
        Kind::Seq(items) => Kind::Seq(items.into_iter().map(|i| templated(i, doc)).collect()),
        Kind::Scalar(s)
            if s.value.contains("${")
                || s.value.contains("%{")
                || (doc && s.value.contains("&{")) =>
        {
            return Value {
                span: v.span,
                kind: Kind::Tagged {
                    tag: if doc {
                        super::render::TF_DOC_TEMPLATE
                    } else {
                        super::render::TF_TEMPLATE
                    }
                    .to_string(),
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
    /// Inside a policy document block (see [`templated`]).
    doc: bool,
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
                templated(scalar, self.doc)
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
                // Every value of a policy document block is a string (`123` is `"123"`).
                if literal && !(self.doc && word != "null") {
                    Value {
                        span: Span::new(start, end),
                        kind: Kind::Scalar(Scalar {
                            value: word.to_string(),
                            content: Span::new(start, end),
                            linear: true,
                            plain: true,
                        }),
                    }
                } else if literal && word != "null" {
                    Value {
                        span: Span::new(start, end),
                        kind: Kind::Scalar(Scalar {
                            value: word.to_string(),
                            content: Span::new(start, end),
                            linear: true,
                            plain: false,
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
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
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
