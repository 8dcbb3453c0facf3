//! ## What it does
//! Flags an Allow with `NotAction` and `"Resource": "*"` in a policy that grants access
//! (identity, resource, trust and key policies; guardrails such as SCPs and permissions
//! boundaries only set limits and are not flagged).
//!
//! ## Why it matters
//! `NotAction` in an Allow grants every action that is not listed, on every resource: all
//! other actions of all services, including actions and services AWS adds later. A statement
//! meant as "everything but IAM" silently grants the next service's data-deletion API the day
//! it launches. Grant the actions needed with `Action`, or keep the `NotAction` form only where
//! a broad grant is really intended (and a permissions boundary or SCP limits it).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "EverythingButIam",
//!     "Effect": "Allow",
//!     "NotAction": ["iam:*", "organizations:*"],
//!     "Resource": "*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "Compute",
//!     "Effect": "Allow",
//!     "Action": ["ec2:*", "lambda:*", "s3:*"],
//!     "Resource": "*"
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::traps::{all_resources, has_condition};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM904",
    name: "allow-not-action-all-resources",
    category: Category::Traps,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An Allow with NotAction on all resources grants every other action, future ones included.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if !cx.kind.facts().can_grant {
        return;
    }
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) || !all_resources(st) {
            continue;
        }
        let Some(field) = st.not_action.as_ref() else {
            continue;
        };
        let Some(list) = field.ok() else { continue };
        if list.is_empty() || list.strings().any(|s| s.value == "*") {
            continue;
        }
        let when = if has_condition(st) {
            " whenever its condition holds"
        } else {
            ""
        };
        out.push(
            Diag::new(
                field.key.span,
                format!(
                    "This Allow grants every action not listed in NotAction, in every service, \
                     on every resource{when}, including actions and services AWS adds later. \
                     Grant the needed actions with Action instead."
                ),
            )
            .in_statement(st.index),
        );
    }
}
