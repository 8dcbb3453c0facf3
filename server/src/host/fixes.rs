//! Quick fixes in host syntax: a rule's fix that removes one item of a JSON array (or one
//! member of an object) becomes the matching removal in the template, in the template's own
//! syntax.
//!
//! - a YAML block sequence item (`- x`, with its continuation lines) or block mapping entry:
//!   its whole lines;
//! - an item of a YAML flow list, an HCL list or a JSON template array (`[a, b]`): the item and
//!   the comma that separates it from a neighbour.
//!
//! Every translated fix is checked before it is offered: the template with the host edit applied
//! is read again, and the policy it renders must be exactly the rule's own fix applied to the
//! rendered JSON. Anything else (an item produced by `Fn::If`, a list built by an intrinsic, a
//! compact `- Key:` entry whose dash would go too) is not offered.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::Format;
use super::render::SpanMap;
use crate::rules::{Edit, Fix};
use crate::syntax::{self, Node, NodeKind, Span};

/// The host version of `fix` (one deletion in the rendered JSON of a policy: `policy` is that
/// JSON, its map and the policy's host span), or `None`.
pub fn removal(
    text: &str,
    format: Format,
    path: Option<&str>,
    policy: (&str, &SpanMap, Span),
    fix: &Fix,
) -> Option<Fix> {
    let (json, map, policy_span) = policy;
    let [edit] = fix.edits.as_slice() else {
        return None;
    };
    if !edit.text.is_empty() {
        return None;
    }
    let parse = syntax::parse(json);
    let (container, removed, member) = removed_node(json, parse.root.as_ref()?, edit.span)?;
    if map.touches_hole(removed) {
        return None;
    }
    let host_container = map.span(container);
    let host_item = map.span(removed);
    if host_item.is_empty()
        || host_item.start < host_container.start
        || host_item.end > host_container.end
    {
        return None;
    }
    let cut = match text.as_bytes().get(host_container.start) {
        Some(b'[' | b'{') => crate::rules::structure::removal_span(text, host_item),
        _ => block_lines(text, host_item, member)?,
    };
    let host_fix = Fix {
        title: fix.title.clone(),
        edits: vec![Edit {
            span: cut,
            text: String::new(),
        }],
    };
    // The check: the edited template renders the policy the rule's fix would give. Its answer
    // is remembered by the policy's own lines and the edit, so a keystroke re-checks only the
    // fixes of the policy it changed.
    let window = text
        .get(..policy_span.start)?
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let key = (
        format as u8,
        text.get(window..policy_span.end.max(cut.end))?.to_string(),
        cut.start.checked_sub(window)?,
        cut.end - window,
        edit.span.start,
        edit.span.end,
    );
    let known = cache().lock().ok().and_then(|c| c.get(&key).copied());
    let fits = match known {
        Some(fits) => fits,
        None => {
            let fits = renders_as_fixed(text, format, path, json, fix, &host_fix, cut);
            if let Ok(mut c) = cache().lock() {
                if c.len() >= CACHE_ENTRIES {
                    c.clear();
                }
                c.insert(key, fits);
            }
            fits
        }
    };
    fits.then_some(host_fix)
}

/// (format, the policy's lines, the cut in them, the rule's edit in the JSON).
type CacheKey = (u8, String, usize, usize, usize, usize);

/// At most this many answers are kept; the cache is emptied when it is full.
const CACHE_ENTRIES: usize = 4096;

fn cache() -> &'static Mutex<HashMap<CacheKey, bool>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, bool>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// True when `text` with `host_fix` applied renders, at the cut, exactly the policy `json` with
/// the rule's `fix` applied.
fn renders_as_fixed(
    text: &str,
    format: Format,
    path: Option<&str>,
    json: &str,
    fix: &Fix,
    host_fix: &Fix,
    cut: Span,
) -> bool {
    let Ok(expected) = serde_json::from_str::<serde_json::Value>(&fix.apply(json)) else {
        return false;
    };
    let edited = host_fix.apply(text);
    let parse = (format == Format::CloudFormationJson).then(|| syntax::parse(&edited));
    let Some((_, _, rendered)) = super::render_at(&edited, parse.as_ref(), path, cut.start)
        .into_iter()
        .min_by_key(|(_, span, _)| span.len())
    else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&rendered.json).is_ok_and(|got| got == expected)
}

/// The array or object holding the one item or member that `cut` removes (nothing else in the
/// cut but commas and white space): (container span, removed span, whether it is a member).
fn removed_node(json: &str, node: &Node, cut: Span) -> Option<(Span, Span, bool)> {
    if !(node.span.start <= cut.start && cut.end <= node.span.end) {
        return None;
    }
    let parts: Vec<(Span, Option<&Node>)> = match &node.kind {
        NodeKind::Array { items, .. } => items.iter().map(|n| (n.span, Some(n))).collect(),
        NodeKind::Object { members, .. } => {
            members.iter().map(|m| (m.span, m.value.as_ref())).collect()
        }
        _ => return None,
    };
    let inside: Vec<Span> = parts
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| cut.start <= s.start && s.end <= cut.end)
        .collect();
    if let [one] = inside.as_slice() {
        let rest_is_separators = json
            .get(cut.start..one.start)?
            .chars()
            .chain(json.get(one.end..cut.end)?.chars())
            .all(|c| c == ',' || c.is_whitespace());
        let member = matches!(node.kind, NodeKind::Object { .. });
        return rest_is_separators.then_some((node.span, *one, member));
    }
    if !inside.is_empty() {
        return None;
    }
    parts
        .iter()
        .filter_map(|(_, child)| *child)
        .find(|c| c.span.start <= cut.start && cut.end <= c.span.end)
        .and_then(|c| removed_node(json, c, cut))
}

/// The whole lines of a block item or entry at `item`: from the start of its line (where only
/// indentation precedes an entry, and indentation and its `- ` an item) through the end of its
/// last line.
fn block_lines(text: &str, item: Span, member: bool) -> Option<Span> {
    let line_start = text.get(..item.start)?.rfind('\n').map_or(0, |i| i + 1);
    let prefix = text
        .get(line_start..item.start)?
        .trim_start_matches([' ', '\t']);
    let fits = if member {
        prefix.is_empty()
    } else {
        prefix.trim_end() == "-" && prefix.len() > 1
    };
    if !fits {
        return None;
    }
    let end = text
        .get(item.end..)?
        .find('\n')
        .map_or(text.len(), |i| item.end + i + 1);
    // Nothing but a comment may follow the item on its last line.
    let tail = text.get(item.end..end)?.trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Span::new(line_start, end))
}
