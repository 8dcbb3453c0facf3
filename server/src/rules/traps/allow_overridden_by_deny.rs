//! ## What it does
//! Flags an Allow statement that never takes effect because a Deny of the same policy, with no
//! condition, covers every action, resource (and principal) it names. Coverage is decided from
//! the patterns (`s3:*` covers `s3:Get*`) and, for wildcards within one service, by expanding
//! them over the catalog; when in doubt the rule stays silent.
//!
//! ## Why it matters
//! An explicit Deny beats any Allow, wherever the two statements are and whatever the Allow's
//! conditions say. An Allow that is entirely inside an unconditional Deny is dead text: it
//! suggests access that no request ever gets, and the AccessDenied that follows names the
//! action, not the statement that cancelled it. Usually the Deny is broader than meant (it
//! needs a condition or narrower actions), or the Allow is left over and can go.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
//!     {"Sid": "NoS3", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
//!     {"Sid": "NoS3Deletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
//!   ]
//! }
//! ```

use crate::catalog::Catalog;
use crate::policy::{Effect, Statement};
use crate::rules::traps::{
    ActionScope, all_principals, all_resources, has_condition, label, subsumes,
};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM906",
    name: "allow-overridden-by-deny",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An Allow whose actions and resources an unconditional Deny of the same policy fully covers.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let denies: Vec<(&Statement<'_>, ActionScope<'_, '_>)> = cx
        .policy
        .statements
        .iter()
        .filter(|d| d.effect() == Some(Effect::Deny) && !has_condition(d))
        .filter_map(|d| ActionScope::of(d).map(|s| (d, s)))
        .collect();
    if denies.is_empty() {
        return;
    }
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        let Some(effect) = st.effect.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        let Some((deny, _)) = denies.iter().find(|(d, scope)| {
            actions_covered(cx.catalog, st, *scope)
                && resources_covered(st, d)
                && principals_covered(cx.text, st, d)
        }) else {
            continue;
        };
        out.push(
            Diag::new(
                effect.span,
                format!(
                    "This Allow never takes effect: {} denies every action and resource it \
                     names, with no condition, and an explicit Deny always wins over an Allow.",
                    label(deny)
                ),
            )
            .in_statement(st.index),
        );
    }
}

fn actions_covered(catalog: &Catalog, allow: &Statement<'_>, deny: ActionScope<'_, '_>) -> bool {
    match ActionScope::of(allow) {
        Some(ActionScope::Only(st)) => {
            let mut any = false;
            for a in st.actions() {
                any = true;
                if !deny.covers_pattern(catalog, a.value) {
                    return false;
                }
            }
            any
        }
        Some(ActionScope::AllBut(_)) => {
            matches!(deny, ActionScope::Only(d) if d.actions().any(|p| p.value.bytes().all(|b| b == b'*')))
        }
        None => false,
    }
}

fn resources_covered(allow: &Statement<'_>, deny: &Statement<'_>) -> bool {
    let none = |s: &Statement<'_>| s.resource.is_none() && s.not_resource.is_none();
    if none(allow) && none(deny) {
        // Trust policies: neither statement names resources.
        return true;
    }
    if all_resources(deny) {
        return true;
    }
    if allow.not_resource.is_some() || deny.not_resource.is_some() {
        return false;
    }
    let mut any = false;
    for r in allow.resources() {
        any = true;
        if !deny.resources().any(|d| subsumes(d.value, r.value, false)) {
            return false;
        }
    }
    any
}

fn principals_covered(text: &str, allow: &Statement<'_>, deny: &Statement<'_>) -> bool {
    if all_principals(deny) {
        return true;
    }
    match (allow.principal.as_ref(), deny.principal.as_ref()) {
        (Some(a), Some(d)) if allow.not_principal.is_none() && deny.not_principal.is_none() => {
            text.get(a.value_span.start..a.value_span.end)
                == text.get(d.value_span.start..d.value_span.end)
        }
        _ => false,
    }
}
