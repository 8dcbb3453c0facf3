//! The hover dispatcher: finds what is under the cursor and asks the topic module for its
//! markdown; then adds the trap explanations for that element ([`traps::hover_notes`]) and the
//! findings on the same token.

use super::context::{self, Scope, key};
use super::markdown::{self, code};
use super::{Ctx, actions, conditions, elements, evaluation, principals, resources, variables};
use crate::ide::Hover;
use crate::policy::{Effect, Statement, Str};
use crate::rules::traps;
use crate::syntax::{Node, PathSegment, Span};
use std::fmt::Write as _;

/// Findings shown under a hover, at most.
const FINDINGS_CAP: usize = 3;

/// The hover at `offset`, if the token there has one.
pub fn hover(cx: &Ctx<'_>, offset: usize) -> Option<Hover> {
    let root = cx.parse.root.as_ref()?;
    let loc = cx.parse.locate(offset)?;
    let path = loc.path.0.as_slice();
    let topic = if path.is_empty() {
        let on_brace =
            offset <= root.span.start + 1 && cx.text.as_bytes().get(root.span.start) == Some(&b'{');
        on_brace.then(|| {
            (
                evaluation::overview(cx),
                Span::new(root.span.start, root.span.start + 1),
            )
        })
    } else if loc.on_key {
        key_hover(cx, root, path, offset)
    } else {
        loc.node
            .and_then(|node| value_hover(cx, root, path, node, offset))
    };
    let notes = traps::hover_notes(&cx.policy, cx.kind(), offset);
    let (mut markdown, span) = match (topic, notes.first()) {
        (Some(topic), _) => topic,
        (None, Some(note)) => (String::new(), note.span),
        (None, None) => return None,
    };
    add_notes(&notes, &mut markdown);
    add_findings(cx, span, &mut markdown);
    markdown::add_data_age(&mut markdown, cx.snapshot.today());
    Some(Hover { markdown, span })
}

/// Where sections added under the topic go: before the catalog footer, if any.
fn footer_at(markdown: &str) -> usize {
    markdown
        .find("\n\n---\n*IAM reference data")
        .unwrap_or(markdown.len())
}

/// Appends the trap explanations for the hovered element (see [`traps::hover_notes`]).
fn add_notes(notes: &[traps::Note], markdown: &mut String) {
    if notes.is_empty() {
        return;
    }
    let mut section = String::new();
    for note in notes {
        if !markdown.is_empty() || !section.is_empty() {
            section.push_str("\n\n---\n");
        }
        section.push_str(note.markdown.trim_end());
    }
    let at = footer_at(markdown);
    markdown.insert_str(at, &section);
}

fn statement<'c, 'a>(cx: &'c Ctx<'a>, index: usize) -> Option<&'c Statement<'a>> {
    cx.policy.statements.iter().find(|s| s.index == index)
}

fn is_principal(k: Option<&str>) -> bool {
    matches!(k, Some("Principal" | "NotPrincipal"))
}

fn key_hover(
    cx: &Ctx<'_>,
    root: &Node,
    path: &[PathSegment],
    offset: usize,
) -> Option<(String, Span)> {
    let member = context::key_member(root, path, offset)?;
    let span = member.key_span;
    let kind = cx.kind();
    let text = match context::scope(root, path, true) {
        Scope::Top { key, rest: [] } => elements::doc(key, true, kind)?,
        Scope::Statement { index, rest } => {
            let st = statement(cx, index);
            match rest {
                [PathSegment::Key(e)] => {
                    let mut out = elements::doc(e, false, kind)?;
                    if e == "Effect" {
                        // The evaluation goes before the trailing link.
                        let link = out.rfind("\n\n[").unwrap_or(out.len());
                        let tail = out.split_off(link);
                        evaluation::effect_section(&mut out, kind, st);
                        out.push_str(&tail);
                    }
                    out
                }
                [p, PathSegment::Key(t)] if is_principal(key(Some(p))) => principals::type_hover(t),
                [c, PathSegment::Key(op)] if key(Some(c)) == Some("Condition") => {
                    conditions::operator_hover(op)
                }
                [c, PathSegment::Key(op), PathSegment::Key(k)]
                    if key(Some(c)) == Some("Condition") =>
                {
                    conditions::key_hover(k, op, st)
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((text, span))
}

fn value_hover(
    cx: &Ctx<'_>,
    root: &Node,
    path: &[PathSegment],
    node: &Node,
    offset: usize,
) -> Option<(String, Span)> {
    let s = Str::from_node(node).ok()?;
    let kind = cx.kind();
    let text = match context::scope(root, path, false) {
        Scope::Top {
            key: "Version",
            rest: [],
        } => elements::version_value(s.value),
        Scope::Statement { index, rest } => {
            let st = statement(cx, index);
            let element = key(rest.first());
            // A value path is the element's keys, then an array index when the value is a list
            // (`Action[2]`): the shape decides, so `{"Action": {"x": "y"}}` gets no hover.
            let depth = match rest.last() {
                Some(PathSegment::Index(_)) => rest.len() - 1,
                _ => rest.len(),
            };
            let keys_only = rest[..depth]
                .iter()
                .all(|s| matches!(s, PathSegment::Key(_)));
            if !keys_only {
                return None;
            }
            match (element, depth) {
                (Some("Effect"), 1) if depth == rest.len() => effect_value(s.value, kind, st),
                (Some("Sid"), 1) if depth == rest.len() => format!(
                    "**Sid** {}\n\nThe statement's label, for people and tools; iam-ls names \
                     the statement by it in the outline and silences findings by it.",
                    code(s.value)
                ),
                (Some(a @ ("Action" | "NotAction")), 1) => {
                    actions::hover(s.value, a == "NotAction")
                }
                (Some(r @ ("Resource" | "NotResource")), 1) => {
                    if let Some(var) = variable_at(cx, &s, offset) {
                        return Some(var);
                    }
                    resources::hover(s.value, r == "NotResource", st)
                }
                (p, 1) if is_principal(p) && depth == rest.len() => principals::bare_hover(s.value),
                (p, 2) if is_principal(p) => {
                    let t = key(rest.get(1))?;
                    principals::value_hover(t, s.value)
                }
                (Some("Condition"), 3) => {
                    if let Some(var) = variable_at(cx, &s, offset) {
                        return Some(var);
                    }
                    let k = key(rest.get(2))?;
                    if conditions::is_region_key(k) {
                        conditions::region_hover(s.value)?
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((text, s.span))
}

fn effect_value(
    value: &str,
    kind: crate::policy::PolicyKind,
    st: Option<&Statement<'_>>,
) -> String {
    let mut out = match Effect::parse(value) {
        Some(Effect::Allow) => "**`Allow`**: lifts the default (implicit) deny for the requests \
                                this statement matches"
            .to_string(),
        Some(Effect::Deny) => "**`Deny`**: an explicit deny for the requests this statement \
                               matches; it wins over any Allow"
            .to_string(),
        None => {
            return format!(
                "**{}**: not an effect\n\n`Effect` is exactly `Allow` or `Deny` \
                 (case-sensitive).",
                code(value)
            );
        }
    };
    evaluation::effect_section(&mut out, kind, st);
    out
}

/// The hover on a `${...}` under the cursor in `s`, when the string has no escapes (so offsets
/// in the value and in the source agree).
fn variable_at(cx: &Ctx<'_>, s: &Str<'_>, offset: usize) -> Option<(String, Span)> {
    if cx.slice(s.content) != s.value || offset < s.content.start {
        return None;
    }
    let var = variables::at(s.value, offset - s.content.start)?;
    let span = Span::new(
        s.content.start + var.span.start,
        s.content.start + var.span.end,
    );
    Some((
        variables::hover(s.value, &var, cx.policy.version_str()),
        span,
    ))
}

/// Appends the findings whose span overlaps `span` (before the catalog footer, if any).
fn add_findings(cx: &Ctx<'_>, span: Span, markdown: &mut String) {
    let mut notes = String::new();
    let mut shown = 0;
    for f in cx.snapshot.findings() {
        let overlaps = f.span.start < span.end && span.start < f.span.end
            || (f.span.is_empty() && span.touches(f.span.start));
        if !overlaps || f.rule.code == "IAM001" {
            continue;
        }
        if shown == FINDINGS_CAP {
            notes.push_str("\n\n… and more findings (see Problems)");
            break;
        }
        let _ = write!(
            notes,
            "\n\n**{}** {}: {}",
            f.rule.code,
            f.rule.name,
            markdown::escape(f.rule.summary)
        );
        shown += 1;
    }
    if notes.is_empty() {
        return;
    }
    let at = footer_at(markdown);
    markdown.insert_str(at, &format!("\n\n---\n**Findings here**{notes}"));
}
