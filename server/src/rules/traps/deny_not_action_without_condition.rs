//! ## What it does
//! Flags a Deny with `NotAction` on all resources and without a `Condition`: the "deny
//! everything except" pattern.
//!
//! A permissions boundary that is an allow-list by design is not flagged. A boundary only ever
//! caps permissions, so denying what it does not list is its purpose; it counts as an
//! allow-list when it has at least one `Allow` statement and every action its `Allow`
//! statements grant (their `Action` entries; an `Allow` with `NotAction` never qualifies) is
//! either `*` or covered by the Deny's `NotAction` list. Then the Deny either carves the
//! allow-list out of an `Allow *`, or restates the boundary's own `Allow` list: a service AWS
//! launches next year would not be allowed by that boundary anyway. A boundary whose `Allow`
//! grants something the `NotAction` list does not spare (the Deny silently cancels it) is
//! still flagged, as are SCPs and every other kind.
//!
//! ## Why it matters
//! `NotAction` in a Deny does not list what is denied but what is spared: every other action,
//! in every service, is denied, including the actions of services AWS launches after the policy
//! was written. Without a condition that limits when the Deny applies, a service released next
//! year is denied until someone edits the list, and the resulting AccessDenied points at a
//! policy nobody thinks of as being about that service. When this is meant (an allow-list SCP),
//! keep the list in step with what teams use; when it is a guardrail, give it the condition it
//! is about (a Region, MFA, a network), which is the recommended form and is not flagged.
//!
//! ## Example
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OnlyApprovedServices",
//!     "Effect": "Deny",
//!     "NotAction": ["ec2:*", "s3:*", "iam:*", "sts:*"],
//!     "Resource": "*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "DenyUnapprovedServices",
//!     "Effect": "Deny",
//!     "Action": ["sagemaker:*", "redshift:*"],
//!     "Resource": "*"
//!   }]
//! }
//! ```

use crate::policy::{Effect, Policy, PolicyKind, StrList};
use crate::rules::traps::{all_resources, has_condition, subsumes};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM903",
    name: "deny-not-action-without-condition",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "A Deny with NotAction and no Condition: every other action, future services included, is denied.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) || has_condition(st) || !all_resources(st) {
            continue;
        }
        let Some(field) = st.not_action.as_ref() else {
            continue;
        };
        let Some(list) = field.ok() else { continue };
        if list.is_empty() || list.strings().any(|s| s.value == "*") {
            continue;
        }
        if cx.kind == PolicyKind::PermissionsBoundary && is_allow_list_boundary(cx.policy, list) {
            continue;
        }
        out.push(
            Diag::new(
                field.key.span,
                "This Deny applies to every action not listed in NotAction, in every service, \
                 with no condition: a service AWS launches next year is denied too until \
                 someone adds it here. List the denied actions with Action instead, or add the \
                 Condition the guardrail is about.",
            )
            .in_statement(st.index),
        );
    }
}

/// True when the boundary has an `Allow` and each of its `Allow` statements grants only `*`
/// or actions that `spared` (the Deny's `NotAction`) covers.
fn is_allow_list_boundary(policy: &Policy<'_>, spared: &StrList<'_>) -> bool {
    let mut allows = policy
        .statements
        .iter()
        .filter(|st| st.effect() == Some(Effect::Allow))
        .peekable();
    allows.peek().is_some()
        && allows.all(|st| {
            st.not_action.is_none()
                && st.actions().next().is_some()
                && st.actions().all(|a| {
                    a.value == "*" || spared.strings().any(|s| subsumes(s.value, a.value, true))
                })
        })
}
