//! Hover and outline for a decoded authorization message document (the JSON STS
//! `DecodeAuthorizationMessage` returns, opened from a file, pasted, or opened by the decode
//! command).
//!
//! A hover on a field says what the field means and what its value says; a hover anywhere else
//! (the braces, the root) gives the whole summary. Every field hover starts with the summary's
//! one-sentence headline, so the answer is always in view.

use super::super::{Hover, Symbol, SymbolKind};
use crate::document::Snapshot;
use crate::logs::doc::code;
use crate::logs::{DecodedMessage, Summary, summarize};
use crate::syntax::{JsonPath, Node, PathSegment, Span};

/// Hover at byte `offset` of a decoded message document.
pub fn hover(snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    let parse = snapshot.parse()?;
    let root = parse.root.as_ref()?;
    let located = parse.locate(offset)?;
    let message = DecodedMessage::parse(snapshot.text())?;
    let mut summary = summarize(&message);
    super::why::add_to_summary(&mut summary, &message, &snapshot.env().workspace);
    let span = target_span(root, &located.path, located.on_key)
        .or_else(|| located.node.map(|n| n.span))
        .unwrap_or(root.span);
    let steps = simplify(&located.path);
    let body = field_text(&steps, &message, &summary);
    let markdown = match body {
        Some(text) => format!("**{}**\n\n---\n\n{text}", summary.headline.trim()),
        None => summary.to_markdown(),
    };
    Some(Hover { markdown, span })
}

/// The span to highlight: the whole member for a key, the value node otherwise.
fn target_span(root: &Node, path: &JsonPath, on_key: bool) -> Option<Span> {
    let mut node = root;
    let mut last_member = None;
    for seg in &path.0 {
        match seg {
            PathSegment::Key(k) => {
                let m = node.get(k)?;
                last_member = Some(m.span);
                node = m.value.as_ref()?;
            }
            PathSegment::Index(i) => {
                node = node.items()?.get(*i)?;
                last_member = None;
            }
        }
    }
    if on_key { last_member } else { Some(node.span) }
}

/// A step of a path with the `{"items": [...]}` and `{"value": ...}` wrappers removed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn simplify(path: &JsonPath) -> Vec<Step<'_>> {
    path.0
        .iter()
        .filter_map(|s| match s {
            PathSegment::Key(k) if k == "items" || k == "value" => None,
            PathSegment::Key(k) => Some(Step::Key(k)),
            PathSegment::Index(i) => Some(Step::Index(*i)),
        })
        .collect()
}

fn field_text(steps: &[Step], m: &DecodedMessage, summary: &Summary) -> Option<String> {
    use Step::{Index, Key};
    let text = match steps {
        [Key("allowed"), ..] => format!(
            "`allowed`: whether AWS let the request through. Here: {}.",
            match m.allowed {
                Some(true) => "**allowed**".to_string(),
                Some(false) => "**denied**".to_string(),
                None => "not stated".to_string(),
            }
        ),
        [Key("explicitDeny"), ..] => format!(
            "`explicitDeny`: true when a statement with `\"Effect\": \"Deny\"` matched (an \
             explicit deny, which no Allow can outweigh); false when nothing allowed the request \
             (an implicit deny, fixed by adding an Allow). Here: {}.",
            match m.explicit_deny {
                Some(true) => "**explicit deny**",
                Some(false) => "**implicit deny**",
                None => "not stated",
            }
        ),
        [Key("matchedStatements")] => {
            format!(
                "`matchedStatements`: the policy statements that matched the request ({}).",
                m.matched_statements.len()
            )
        }
        [Key("matchedStatements"), Index(i), rest @ ..] => {
            let line = &summary.statements.get(*i)?.line;
            let part = match rest {
                [Key("statementId"), ..] => {
                    "`statementId`: the statement's `Sid` (or an id AWS gave it)."
                }
                [Key("effect"), ..] => "`effect`: what the statement does when it matches.",
                [Key("principals"), ..] => {
                    "`principals`: the principals the statement names (often unique ids such as \
                     `AROA...` for a role)."
                }
                [Key("principalGroups"), ..] => "`principalGroups`: groups the statement names.",
                [Key("actions"), ..] => "`actions`: the actions the statement covers.",
                [Key("resources"), ..] => "`resources`: the resources the statement covers.",
                [Key("conditions"), ..] => {
                    "`conditions`: the statement's conditions; compare them with the request \
                     context values below."
                }
                _ => "A policy statement that matched the request.",
            };
            format!("{part}\n\nMatched statement {}: {line}", i + 1)
        }
        [Key("failures"), ..] => {
            if m.failures.is_empty() {
                "`failures`: problems AWS met while evaluating the policies. None here.".to_string()
            } else {
                format!(
                    "`failures`: problems AWS met while evaluating the policies: {}.",
                    m.failures
                        .iter()
                        .map(|f| code(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
        [Key("context"), Key("principal"), ..] => {
            let mut t = "`context.principal`: who made the request.".to_string();
            if let Some(arn) = &m.principal_arn {
                t.push_str(&format!(" ARN {}.", code(arn)));
            }
            if let Some(id) = &m.principal_id {
                t.push_str(&format!(
                    " Unique id {} (for a role session: the role's id, then the session name).",
                    code(id)
                ));
            }
            t
        }
        [Key("context"), Key("action"), ..] => format!(
            "`context.action`: the action that was requested{}.",
            m.action
                .as_deref()
                .map(|a| format!(", {}", code(a)))
                .unwrap_or_default()
        ),
        [Key("context"), Key("resource"), ..] => format!(
            "`context.resource`: the resource the request was about{}.",
            m.resource
                .as_deref()
                .map(|r| format!(", {}", code(r)))
                .unwrap_or_default()
        ),
        [Key("context"), Key("conditions"), Index(i), ..] => {
            let entry = m.context.get(*i)?;
            let used = m.matched_statements.iter().any(|s| {
                s.conditions.iter().any(|c| {
                    c.key
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case(&entry.key))
                })
            });
            let values = if entry.values.is_empty() {
                "no value".to_string()
            } else {
                entry
                    .values
                    .iter()
                    .map(|v| code(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut t = format!(
                "Request context: {} was {values} when the request was evaluated.",
                code(&entry.key)
            );
            if used {
                t.push_str(" A matched statement has a condition on this key.");
            }
            t
        }
        [Key("context"), ..] => {
            "`context`: the request as AWS evaluated it: principal, action, resource, and the \
             condition key values."
                .to_string()
        }
        _ => return None,
    };
    Some(text)
}

/// The outline of a decoded message: the outcome, each matched statement, the request context.
pub fn symbols(snapshot: &Snapshot) -> Vec<Symbol> {
    let Some(root) = snapshot.parse().and_then(|p| p.root.as_ref()) else {
        return Vec::new();
    };
    let message = DecodedMessage::parse(snapshot.text()).unwrap_or_default();
    let summary = summarize(&message);
    let mut out = Vec::new();
    if let Some(m) = root.get("allowed") {
        out.push(Symbol {
            name: "Outcome".to_string(),
            detail: Some(summary.headline.clone()),
            kind: SymbolKind::Element,
            span: m.span,
            selection: m.key_span,
            children: Vec::new(),
        });
    }
    if let Some(m) = root.get("matchedStatements") {
        let items = m
            .value
            .as_ref()
            .and_then(|v| v.get("items").and_then(|i| i.value.as_ref()).or(Some(v)))
            .and_then(Node::items)
            .unwrap_or(&[]);
        let children = items
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let s = message.matched_statements.get(i);
                Symbol {
                    name: s
                        .and_then(|s| s.statement_id.clone())
                        .filter(|id| !id.is_empty())
                        .unwrap_or_else(|| format!("Statement {}", i + 1)),
                    detail: s.and_then(|s| s.effect.clone()),
                    kind: SymbolKind::Statement,
                    span: node.span,
                    selection: node.span,
                    children: Vec::new(),
                }
            })
            .collect();
        out.push(Symbol {
            name: "Matched statements".to_string(),
            detail: Some(message.matched_statements.len().to_string()),
            kind: SymbolKind::Element,
            span: m.span,
            selection: m.key_span,
            children,
        });
    }
    if let Some(m) = root.get("context") {
        out.push(Symbol {
            name: "Request context".to_string(),
            detail: message.action.clone(),
            kind: SymbolKind::Element,
            span: m.span,
            selection: m.key_span,
            children: Vec::new(),
        });
    }
    out
}
