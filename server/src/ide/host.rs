//! Hover, completion, outline and folding inside policies embedded in templates
//! (CloudFormation/SAM YAML and JSON, Terraform; see [`crate::host`]).
//!
//! Each feature runs the policy feature on the rendered JSON of the embedded policy at the
//! cursor and maps its spans back to the template through the policy's [`SpanMap`]. Completion
//! keeps only proposals whose edit replaces text inside one template scalar byte for byte and
//! whose inserted text is valid in that scalar's syntax (a YAML plain, single- or double-quoted
//! scalar, an HCL or JSON string): nothing is offered that would break the template. In YAML a
//! key being typed (no `:` yet) and an empty value (after `Key:` or `- `) are completed on a
//! copy of the text in which the line is finished, so the parser sees the key or value.

use super::{Completion, Completions, Hover, Symbol, SymbolKind, policy};
use crate::document::Snapshot;
use crate::host::render::SpanMap;
use crate::host::{Format, Host};
use crate::syntax::{NodeKind, Span};

/// Hover inside a policy embedded in a template: the policy hover of the rendered JSON at the
/// matching offset, its span mapped back (nothing on an unknown value).
pub fn hover(host: &Host, offset: usize) -> Option<Hover> {
    let policy = host.at(offset)?;
    let json = policy.map.to_json(offset)?;
    let hover = policy::hover(&policy.snapshot, json)?;
    if policy.map.touches_hole(hover.span) {
        return None;
    }
    Some(Hover {
        markdown: hover.markdown,
        span: policy.map.span(hover.span),
    })
}

/// Completion at host byte `offset`.
pub fn completion(snapshot: &Snapshot, host: &Host, offset: usize) -> Completions {
    let text = snapshot.text();
    if let Some(p) = host.at(offset) {
        let found = in_place(text, host.format, &p.snapshot, &p.map, offset, offset);
        if !found.items.is_empty() {
            return found;
        }
    }
    match host.format {
        Format::CloudFormationYaml => yaml_patched(snapshot, offset).unwrap_or_default(),
        Format::Terraform => hcl_key_patched(snapshot, offset).unwrap_or_default(),
        Format::CloudFormationJson => Completions::default(),
    }
}

/// The policy completions at host `offset` whose edits fit the host text; `limit` is the
/// largest host offset an edit may touch (the end of the original text in a patched copy).
fn in_place(
    text: &str,
    format: Format,
    rendered: &Snapshot,
    map: &SpanMap,
    offset: usize,
    limit: usize,
) -> Completions {
    let Some(json) = map.to_json(offset) else {
        return Completions::default();
    };
    let all = policy::completion(rendered, json);
    let items = all
        .items
        .into_iter()
        .filter_map(|c| {
            let span = map.exact(c.edit_span)?;
            if span.end > limit.max(offset) || map.touches_hole(c.edit_span) {
                return None;
            }
            let insert = fits(text, format, span, &c.insert)?;
            Some(Completion {
                edit_span: span,
                insert,
                ..c
            })
        })
        .collect();
    Completions {
        items,
        complete: all.complete,
    }
}

/// `insert` when it can replace `span` inside its host scalar as it is: no quote, escape or
/// line break; no flow indicator or comment in a YAML plain scalar; no interpolation in HCL.
fn fits(text: &str, format: Format, span: Span, insert: &str) -> Option<String> {
    if insert.contains(['"', '\\', '\n', '\r']) {
        return None;
    }
    let before = span
        .start
        .checked_sub(1)
        .and_then(|i| text.as_bytes().get(i));
    let quoted = matches!(before, Some(b'"' | b'\''));
    match format {
        Format::Terraform if insert.contains("${") || insert.contains("%{") => None,
        Format::CloudFormationYaml if before == Some(&b'\'') && insert.contains('\'') => None,
        Format::CloudFormationYaml if !quoted && !yaml_plain(insert) => None,
        _ => Some(insert.to_string()),
    }
}

/// True when `s` can stand in a YAML plain scalar (in block or flow context) unchanged.
fn yaml_plain(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with([
            '*', '&', '!', '|', '>', '%', '@', '`', '-', '?', ':', '#', '\'',
        ])
        && !s.contains(['{', '}', '[', ']', ',', '\'', '\t'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
}

/// Completion on a copy of a YAML template in which the cursor's line is finished: a bare key
/// gets `: x` after it, an empty value (`Key:` or `- `) gets `''`.
fn yaml_patched(snapshot: &Snapshot, offset: usize) -> Option<Completions> {
    let text = snapshot.text();
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = &text[line_start..offset];
    if !text[offset..line_end].trim().is_empty() {
        return None;
    }
    let body = before.trim_start();
    let body = body
        .strip_prefix("- ")
        .map_or(body, |rest| rest.trim_start());
    let word_start = offset - body.len();
    let is_word = !body.is_empty()
        && !body.contains([' ', '\t', '"', '\'', '{', '[', '#', '!'])
        && !body.ends_with(':');
    let (patch, at, value) = if is_word {
        (": x", offset, false)
    } else if before.trim_end().ends_with(':') || before.trim() == "-" {
        let pad = if before.ends_with([' ', '\t']) {
            ""
        } else {
            " "
        };
        (if pad.is_empty() { "''" } else { " ''" }, offset, true)
    } else {
        return None;
    };
    let mut patched = String::with_capacity(text.len() + 4);
    patched.push_str(&text[..at]);
    patched.push_str(patch);
    patched.push_str(&text[at..]);
    // The offset of the completion in the copy: inside the empty quotes for a value.
    let at_patched = if value { at + patch.len() - 1 } else { at };
    if !value {
        // The key is new: finish it with its colon.
        return new_key(
            &patched,
            Format::CloudFormationYaml,
            snapshot.path(),
            word_start,
            at,
            ": ",
        );
    }
    let (snap, r) = rendered_at(&patched, snapshot.path(), at_patched)?;
    let json = r.map.to_json(at_patched)?;
    let all = policy::completion(&snap, json);
    let pad = if patch.starts_with(' ') { " " } else { "" };
    let items = all
        .items
        .into_iter()
        .filter(|c| c.edit_span.is_empty() && c.edit_span.start == json)
        .filter(|c| !c.insert.contains(['"', '\\', '\n', '\r']) && yaml_plain(&c.insert))
        .map(|c| Completion {
            edit_span: Span::new(offset, offset),
            insert: format!("{pad}{}", c.insert),
            ..c
        })
        .collect();
    Some(Completions {
        items,
        complete: all.complete,
    })
}

/// Completion of a key typed without quotes in a Terraform `jsonencode` object (`Eff` before
/// its `=`): on a copy of the text in which the key is given a value (` = "x"`), so that the
/// object parses and the key reaches the rendered policy; the element names that fit there are
/// proposed, followed by ` = `. Keys of an `aws_iam_policy_document` block are the provider's
/// attributes, not policy elements: they do not render as policy keys, so nothing is proposed.
fn hcl_key_patched(snapshot: &Snapshot, offset: usize) -> Option<Completions> {
    let text = snapshot.text();
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let word_start = text[..offset]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    if word_start == offset || !text[word_start..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    // The word starts an object element: after `{`, `,` or at the start of its line.
    let before = text[..word_start].trim_end_matches([' ', '\t']);
    if !(before.is_empty() || before.ends_with(['{', ',', '\n'])) {
        return None;
    }
    // And nothing follows it on the line but the end of the object or element.
    let after = text[offset..].trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with(['\n', '\r', '}', ','])) {
        return None;
    }
    let patch = " = \"x\"";
    let mut patched = String::with_capacity(text.len() + patch.len());
    patched.push_str(&text[..offset]);
    patched.push_str(patch);
    patched.push_str(&text[offset..]);
    new_key(
        &patched,
        Format::Terraform,
        snapshot.path(),
        word_start,
        offset,
        " = ",
    )
}

/// The innermost policy of the patched copy `text` at `at`: its rendered JSON as a snapshot of
/// its kind, and the rendering (with the span map back to `text`).
fn rendered_at(
    text: &str,
    path: Option<&str>,
    at: usize,
) -> Option<(Snapshot, crate::host::render::Rendered)> {
    let (kind, _, r) = crate::host::render_at(text, None, path, at)
        .into_iter()
        .filter(|(_, span, _)| span.touches(at))
        .min_by_key(|(_, span, _)| span.len())?;
    let snap = Snapshot::with_kind(r.json.as_str(), 0, None, Default::default(), kind);
    Some((snap, r))
}

/// Completion of the key `word_start..at` of a patched copy `text` (where the key was given a
/// value so that it parses): the element names that replace exactly that key, each followed by
/// `separator` (`: ` in YAML, ` = ` in HCL).
fn new_key(
    text: &str,
    format: Format,
    path: Option<&str>,
    word_start: usize,
    at: usize,
    separator: &str,
) -> Option<Completions> {
    let (snap, r) = rendered_at(text, path, at)?;
    let mut c = in_place(text, format, &snap, &r.map, at, at);
    c.items
        .retain(|i| i.edit_span.start >= word_start && i.edit_span.end == at);
    for i in &mut c.items {
        i.insert.push_str(separator);
    }
    Some(c)
}

/// The outline of a template: one entry per embedded policy (named by its resource and
/// property, or Terraform address), its statements (by Sid) and their elements below.
pub fn symbols(host: &Host) -> Vec<Symbol> {
    host.policies
        .iter()
        .map(|p| {
            let children = policy::symbols(&p.snapshot)
                .into_iter()
                .map(|s| mapped(&p.map, s, p.span))
                .collect();
            Symbol {
                name: short_label(&p.label),
                detail: Some(p.kind.title().to_string()),
                kind: SymbolKind::Policy,
                span: p.span,
                selection: Span::new(p.span.start, p.span.start),
                children,
            }
        })
        .collect()
}

/// `Role: Policies[0].PolicyDocument` for `Resources.Role.Properties.Policies[0].PolicyDocument`;
/// Terraform addresses as they are.
fn short_label(label: &str) -> String {
    match label.strip_prefix("Resources.") {
        Some(rest) => match rest.split_once(".Properties.") {
            Some((id, prop)) => format!("{id}: {prop}"),
            None => rest.to_string(),
        },
        None => label.to_string(),
    }
}

/// A symbol of the rendered JSON in host coordinates, kept inside `within`.
fn mapped(map: &SpanMap, s: Symbol, within: Span) -> Symbol {
    let clamp = |sp: Span, outer: Span| {
        let start = sp.start.clamp(outer.start, outer.end);
        Span::new(start, sp.end.clamp(start, outer.end))
    };
    let span = clamp(map.span(s.span), within);
    let selection = clamp(map.span(s.selection), span);
    Symbol {
        children: s
            .children
            .into_iter()
            .map(|c| mapped(map, c, span))
            .collect(),
        span,
        selection,
        ..s
    }
}

/// Folding ranges: every embedded policy, and every object and array of it, that spans more
/// than one line of the template.
pub fn folding_ranges(text: &str, host: &Host) -> Vec<Span> {
    let mut out = Vec::new();
    let multiline = |s: Span| text.get(s.start..s.end).is_some_and(|t| t.contains('\n'));
    for p in &host.policies {
        if multiline(p.span) {
            out.push(p.span);
        }
        let Some(root) = p.snapshot.parse().and_then(|parse| parse.root.as_ref()) else {
            continue;
        };
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.kind {
                NodeKind::Object { members, .. } => {
                    stack.extend(members.iter().filter_map(|m| m.value.as_ref()))
                }
                NodeKind::Array { items, .. } => stack.extend(items.iter()),
                _ => continue,
            }
            if std::ptr::eq(node, root) {
                continue;
            }
            let span = p.map.span(node.span);
            if multiline(span) {
                out.push(span);
            }
        }
    }
    out.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    out.dedup();
    out
}
