//! The outline (statements by Sid or index, with their effect and elements) and folding ranges.

use super::Ctx;
use crate::ide::{Symbol, SymbolKind};
use crate::policy::{Field, Statement, StrList};
use crate::syntax::{Node, NodeKind, Parse, Span};

/// The outline: `Version` and `Id` when present, then one entry per statement.
pub fn symbols(cx: &Ctx<'_>) -> Vec<Symbol> {
    let mut out = Vec::with_capacity(cx.policy.statements.len() + 2);
    for field in [&cx.policy.version, &cx.policy.id].into_iter().flatten() {
        out.push(Symbol {
            name: field.key.name.to_string(),
            detail: field.ok().map(|s| s.value.to_string()),
            kind: SymbolKind::Element,
            span: field.span,
            selection: field.key.span,
            children: Vec::new(),
        });
    }
    for st in &cx.policy.statements {
        out.push(statement_symbol(st));
    }
    out
}

fn statement_symbol(st: &Statement<'_>) -> Symbol {
    let name = match st.sid_str() {
        Some(sid) if !sid.is_empty() => sid.to_string(),
        _ => format!("Statement[{}]", st.index),
    };
    let effect = st
        .effect
        .as_ref()
        .and_then(|f| f.ok())
        .map_or("no Effect", |s| s.value);
    let actions = st.action.as_ref().or(st.not_action.as_ref());
    let detail = match actions.and_then(list_summary) {
        Some(summary) => format!("{effect} · {summary}"),
        None => effect.to_string(),
    };
    let selection = st
        .sid
        .as_ref()
        .and_then(|f| f.ok())
        .map_or(Span::new(st.span.start, st.span.start + 1), |s| s.span);
    let mut children = Vec::new();
    let mut element = |name: &str, span: Span, key: Span, detail: Option<String>| {
        children.push(Symbol {
            name: name.to_string(),
            detail,
            kind: SymbolKind::Element,
            span,
            selection: key,
            children: Vec::new(),
        });
    };
    for f in [&st.sid, &st.effect].into_iter().flatten() {
        element(
            f.key.name,
            f.span,
            f.key.span,
            f.ok().map(|s| s.value.to_string()),
        );
    }
    for f in [&st.principal, &st.not_principal].into_iter().flatten() {
        element(f.key.name, f.span, f.key.span, None);
    }
    for f in [&st.action, &st.not_action, &st.resource, &st.not_resource]
        .into_iter()
        .flatten()
    {
        element(f.key.name, f.span, f.key.span, list_summary(f));
    }
    if let Some(f) = &st.condition {
        let detail = f.ok().map(|c| {
            let ops: Vec<&str> = c.blocks.iter().map(|b| b.operator.name).take(3).collect();
            ops.join(", ")
        });
        element(f.key.name, f.span, f.key.span, detail);
    }
    children.sort_by_key(|c| c.span.start);
    Symbol {
        name,
        detail: Some(detail),
        kind: SymbolKind::Statement,
        span: st.span,
        selection,
        children,
    }
}

/// "s3:GetObject" or "s3:GetObject +2" for a string list.
fn list_summary(f: &Field<'_, StrList<'_>>) -> Option<String> {
    let list = f.ok()?;
    let mut strings = list.strings();
    let first = strings.next()?;
    let rest = strings.count();
    Some(if rest == 0 {
        first.value.to_string()
    } else {
        format!("{} +{rest}", first.value)
    })
}

/// Every object and array spanning more than one line, outermost first.
pub fn folding_ranges(text: &str, parse: &Parse) -> Vec<Span> {
    let mut out = Vec::new();
    let Some(root) = parse.root.as_ref() else {
        return out;
    };
    let mut stack: Vec<&Node> = vec![root];
    while let Some(node) = stack.pop() {
        let children: Vec<&Node> = match &node.kind {
            NodeKind::Object { members, .. } => {
                members.iter().filter_map(|m| m.value.as_ref()).collect()
            }
            NodeKind::Array { items, .. } => items.iter().collect(),
            _ => continue,
        };
        let multiline = text
            .get(node.span.start..node.span.end)
            .is_some_and(|s| s.contains('\n'));
        if !multiline {
            continue;
        }
        out.push(node.span);
        // Reverse so that the stack pops them in document order.
        stack.extend(children.into_iter().rev());
    }
    out
}
