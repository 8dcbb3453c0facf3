//! ## What it does
//! Flags a statement with neither `Resource` nor `NotResource`, in the kinds of policy that
//! require one (every kind but role trust policies, whose resource is the role itself).
//!
//! In a generic resource policy, statements whose actions are Amazon ECR's (`ecr:`,
//! `ecr-public:`) or the bare `*` are left alone: repository policies name no resource, the
//! repository they are attached to is implied.
//!
//! ## Why it matters
//! Without a resource the statement applies to nothing, and AWS rejects the policy. Write
//! `"Resource": "*"` only when you mean every resource.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
//!   ]
//! }
//! ```

use crate::policy::{PolicyKind, Presence, Statement};
use crate::rules::structure::{a_kind, opening};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM013",
    name: "missing-resource",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::AllBut(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_RESOURCE"],
    summary: "A statement has neither `Resource` nor `NotResource`.",
    check,
};

/// Services whose resource policies leave the resource implicit.
const IMPLICIT_RESOURCE_SERVICES: &[&str] = &["ecr", "ecr-public"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if cx.kind.facts().resource != Presence::Required {
        return;
    }
    for st in &cx.policy.statements {
        if !st.closed || st.resource.is_some() || st.not_resource.is_some() {
            continue;
        }
        if cx.kind == PolicyKind::Resource && implicit_resource(st) {
            continue;
        }
        out.push(
            Diag::new(
                opening(st.span),
                format!(
                    "This statement has neither `Resource` nor `NotResource`, which {} requires; AWS rejects it. Name the resources it covers",
                    a_kind(cx.kind)
                ),
            )
            .in_statement(st.index),
        );
    }
}

/// True when some action is `*` or belongs to a service whose policies name no resource.
fn implicit_resource(st: &Statement<'_>) -> bool {
    st.actions().any(|a| {
        a.value == "*"
            || a.value.split_once(':').is_some_and(|(svc, _)| {
                IMPLICIT_RESOURCE_SERVICES
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(svc))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "missing-resource";

    #[test]
    fn kinds_agree_with_the_kind_facts() {
        for kind in PolicyKind::ALL {
            assert_eq!(
                RULE.kinds.contains(kind),
                kind.facts().resource == Presence::Required,
                "{kind}"
            );
        }
    }

    #[test]
    fn flags_statements_without_resources() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "NoResource", "Effect": "Allow", "Action": "s3:GetObject"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "NotAction": "s3:GetObject", "NotResource": "arn:aws:s3:::b"}
]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(NAME, text, Some(PolicyKind::Identity))
        ));
        let scp =
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*"}]}"#;
        assert_eq!(
            run_rule(NAME, scp, Some(PolicyKind::ServiceControl)).len(),
            1
        );
    }

    #[test]
    fn trust_policies_and_ecr_repository_policies_pass() {
        let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(run_rule(NAME, trust, Some(PolicyKind::RoleTrust)).is_empty());
        let ecr = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}"#;
        assert!(run_rule(NAME, ecr, Some(PolicyKind::Resource)).is_empty());
        // The same statement in a bucket policy shape is still an error.
        let bucket = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}"#;
        assert_eq!(run_rule(NAME, bucket, Some(PolicyKind::Resource)).len(), 1);
    }

    /// Every service named by the hand list exists in the catalog.
    #[test]
    fn listed_services_exist_in_the_catalog() {
        for s in super::IMPLICIT_RESOURCE_SERVICES {
            assert!(crate::catalog::catalog().service(s).is_some(), "{s}");
        }
    }
}
