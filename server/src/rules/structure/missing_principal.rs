//! ## What it does
//! Flags a statement with neither `Principal` nor `NotPrincipal` in the kinds of policy whose
//! statements must name who they apply to: resource policies, resource control policies, role
//! trust policies, KMS key policies and VPC endpoint policies.
//!
//! ## Why it matters
//! A policy attached to a resource has no implied principal: each statement must say whom it
//! allows or denies, and AWS rejects a statement that does not. (Identity policies are the
//! opposite: their principal is the identity they are attached to.)
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::examplebucket/*"
//!     }
//!   ]
//! }
//! ```

use crate::policy::{PolicyKind, Presence};
use crate::rules::structure::{a_kind, opening};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM014",
    name: "missing-principal",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::Only(&[
        PolicyKind::Resource,
        PolicyKind::ResourceControl,
        PolicyKind::RoleTrust,
        PolicyKind::KmsKey,
        PolicyKind::VpcEndpoint,
    ]),
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_PRINCIPAL"],
    summary: "A statement of a resource-attached policy names no principal.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if cx.kind.facts().principal != Presence::Required {
        return;
    }
    for st in &cx.policy.statements {
        if st.closed && !st.has_any_principal() {
            out.push(
                Diag::new(
                    opening(st.span),
                    format!(
                        "This statement has neither `Principal` nor `NotPrincipal`, which every statement of {} needs; AWS rejects it. Say whom it applies to",
                        a_kind(cx.kind)
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "missing-principal";

    #[test]
    fn kinds_agree_with_the_kind_facts() {
        for kind in PolicyKind::ALL {
            assert_eq!(
                RULE.kinds.contains(kind),
                kind.facts().principal == Presence::Required,
                "{kind}"
            );
        }
    }

    #[test]
    fn flags_statements_without_principal() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
  {"Sid": "Nobody", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(NAME, text, Some(PolicyKind::Resource))
        ));
    }

    #[test]
    fn identity_policies_are_not_checked() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        assert!(run_rule(NAME, text, Some(PolicyKind::Identity)).is_empty());
        assert!(run_rule(NAME, text, Some(PolicyKind::ServiceControl)).is_empty());
        assert_eq!(run_rule(NAME, text, Some(PolicyKind::KmsKey)).len(), 1);
    }
}
