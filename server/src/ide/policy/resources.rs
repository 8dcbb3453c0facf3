//! Hovers on `Resource` and `NotResource` values: the ARN's parts, the resource types it can
//! denote, and which of the statement's actions it applies to.

use super::actions::statement_actions;
use super::markdown::{self, LIST_CAP, capped_list, code, plural};
use crate::catalog::{self, Action, ResourceType, variables};
use crate::policy::Statement;
use std::fmt::Write as _;

/// How many of the statement's actions are compared with the ARN.
const ACTION_CAP: usize = 400;

/// The hover on a resource string.
pub fn hover(written: &str, not: bool, statement: Option<&Statement<'_>>) -> String {
    let mut out = body(written, statement);
    if not {
        out.insert_str(
            out.find("\n\n").unwrap_or(out.len()),
            "\n\nIn `NotResource`: the statement covers every resource *except* these.",
        );
    }
    markdown::catalog_footer(&mut out);
    out
}

fn body(written: &str, statement: Option<&Statement<'_>>) -> String {
    if written == "*" {
        let mut out = "**`*`**: every resource\n\nRequired for actions that support no resource \
                       type (such as `s3:ListAllMyBuckets`); otherwise it covers every resource \
                       of the types the actions take."
            .to_string();
        if let Some(st) = statement {
            star_section(&mut out, st);
        }
        return out;
    }
    if !written.starts_with("arn:") {
        return format!(
            "**{}**: not an ARN\n\nResources are ARNs, `arn:partition:service:region:account:\
             resource`, or `*` for every resource.",
            code(written)
        );
    }
    let parts: Vec<&str> = written.splitn(6, ':').collect();
    if parts.len() < 6 {
        return format!(
            "**{}**: incomplete ARN\n\nAn ARN has six fields separated by `:` \
             (`arn:partition:service:region:account:resource`); this one has {}.",
            code(written),
            parts.len()
        );
    }
    let cat = catalog::catalog();
    let service = cat
        .service(parts[2])
        .filter(|_| !parts[2].contains(['*', '?']));
    let mut out = match service {
        Some(svc) => format!(
            "**{}**: {} ARN",
            code(written),
            markdown::escape(svc.name())
        ),
        None => format!("**{}**: ARN", code(written)),
    };
    out.push_str("\n\n| Part | Value |\n|---|---|");
    let labels = ["Partition", "Service", "Region", "Account", "Resource"];
    for (label, value) in labels.iter().zip(&parts[1..]) {
        let shown = if value.is_empty() {
            "(empty)".to_string()
        } else {
            code(value)
        };
        let _ = write!(out, "\n| {label} | {shown} |");
    }
    let vars: Vec<&str> = variables::scan(written)
        .into_iter()
        .filter_map(|v| written.get(v.span))
        .collect();
    if !vars.is_empty() {
        let _ = write!(
            out,
            "\n\nPolicy variables: {} (filled in from the request; hover one for details).",
            capped_list(vars.iter(), vars.len(), LIST_CAP)
        );
    }
    let own_types: Vec<ResourceType> = match service {
        Some(svc) if !parts[..5].iter().any(|p| p.contains(['*', '?'])) => svc
            .resource_types()
            .filter(|rt| may_match(&parts, *rt) && cat.arn_matches(written, *rt))
            .collect(),
        _ => Vec::new(),
    };
    if !own_types.is_empty() {
        let _ = write!(
            out,
            "\n\n**Resource types it can denote**: {}",
            capped_list(
                own_types.iter().map(|rt| type_label(rt, parts[2])),
                own_types.len(),
                LIST_CAP
            )
        );
    } else if service.is_some() {
        out.push_str("\n\nIt matches none of the service's resource type ARN formats.");
    }
    if let Some(st) = statement {
        actions_section(&mut out, written, st);
    }
    if let Some(svc) = service {
        markdown::service_link(&mut out, svc);
    }
    out
}

/// A quick necessary test before the full (and, for services with many types, costly) ARN
/// match: when the ARN's first five fields have no wildcard, the literal start of its resource
/// field and that of one of the type's patterns must agree (one a prefix of the other).
/// Variables and wildcards end the literal part.
fn may_match(parts: &[&str], rt: ResourceType) -> bool {
    let [.., resource] = parts else {
        return true;
    };
    if parts.len() < 6 || parts[..5].iter().any(|p| p.contains(['*', '?', '$'])) {
        return true;
    }
    let literal = |s: &str| -> usize { s.find(['*', '?', '$']).unwrap_or(s.len()) };
    let ours = &resource[..literal(resource)];
    rt.arn_patterns().any(|pattern| {
        let fields: Vec<&str> = pattern.splitn(6, ':').collect();
        let [head @ .., theirs] = fields.as_slice() else {
            return true;
        };
        // A literal `*` in a published pattern matches anything, across fields too.
        if fields.len() < 6 || head.iter().any(|f| f.contains('*')) {
            return true;
        }
        let theirs = &theirs[..theirs.find("${").unwrap_or(theirs.len())];
        ours.starts_with(theirs) || theirs.starts_with(ours)
    })
}

/// The type's name, with its service when that is not the ARN's own.
fn type_label(rt: &ResourceType, arn_service: &str) -> String {
    if rt.service_prefix().eq_ignore_ascii_case(arn_service) {
        rt.name().to_string()
    } else {
        format!("{}:{}", rt.service_prefix(), rt.name())
    }
}

fn star_section(out: &mut String, st: &Statement<'_>) {
    let expanded = statement_actions(st, ACTION_CAP);
    if expanded.everything || expanded.not_action || expanded.actions.is_empty() {
        return;
    }
    let only_star: Vec<&Action> = expanded
        .actions
        .iter()
        .filter(|a| a.resource_types().len() == 0)
        .collect();
    if !only_star.is_empty() {
        let _ = write!(
            out,
            "\n\n**Needed here by**: {} (no resource types).",
            capped_list(
                only_star.iter().map(|a| a.full_name()),
                only_star.len(),
                LIST_CAP
            )
        );
    }
}

fn actions_section(out: &mut String, arn: &str, st: &Statement<'_>) {
    let expanded = statement_actions(st, ACTION_CAP);
    if expanded.not_action {
        out.push_str(
            "\n\nThe statement uses `NotAction`, so the actions it covers are open-ended.",
        );
        return;
    }
    if expanded.everything {
        out.push_str("\n\nThe statement covers every action (`*`).");
        return;
    }
    if expanded.actions.is_empty() {
        return;
    }
    let cat = catalog::catalog();
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    // (type, actions) in the order found.
    let mut matched: Vec<(ResourceType, Vec<&'static str>)> = Vec::new();
    let mut mismatched: Vec<String> = Vec::new();
    let mut star_only: Vec<&'static str> = Vec::new();
    for action in &expanded.actions {
        if action.resource_types().len() == 0 {
            star_only.push(action.full_name());
            continue;
        }
        let mut any = false;
        for r in action.resource_types() {
            let rt = r.resource_type();
            if may_match(&parts, rt) && cat.arn_matches(arn, rt) {
                any = true;
                match matched.iter_mut().find(|(t, _)| *t == rt) {
                    Some((_, names)) => names.push(action.full_name()),
                    None => matched.push((rt, vec![action.full_name()])),
                }
            }
        }
        if !any {
            let types: Vec<&str> = action
                .resource_types()
                .map(|r| r.resource_type().name())
                .collect();
            mismatched.push(format!(
                "{} (takes {})",
                code(action.full_name()),
                types.iter().map(|t| code(t)).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let checked = if expanded.truncated {
        format!(" (first {ACTION_CAP} actions checked)")
    } else {
        String::new()
    };
    if matched.is_empty() {
        let _ = write!(
            out,
            "\n\n**Applies to none** of the statement's {}{checked}.",
            plural(expanded.actions.len(), "action", "actions")
        );
    }
    for (rt, names) in matched.iter().take(LIST_CAP) {
        let _ = write!(
            out,
            "\n\n**Matches** {} for {}: {}",
            code(rt.name()),
            plural(names.len(), "action", "actions"),
            capped_list(names.iter(), names.len(), LIST_CAP)
        );
    }
    if !mismatched.is_empty() {
        let shown: Vec<&str> = mismatched
            .iter()
            .take(LIST_CAP)
            .map(String::as_str)
            .collect();
        let _ = write!(out, "\n\n**Cannot apply to**: {}", shown.join(", "));
        if mismatched.len() > LIST_CAP {
            let _ = write!(out, " … and {} more", mismatched.len() - LIST_CAP);
        }
    }
    if !star_only.is_empty() {
        let _ = write!(
            out,
            "\n\n**Need `\"Resource\": \"*\"`** (no resource types): {}",
            capped_list(star_only.iter(), star_only.len(), LIST_CAP)
        );
    }
}
