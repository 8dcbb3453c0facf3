//! ## What it does
//! Flags an `Allow` statement whose principals are all service principals and whose condition
//! requires a key that service principals never carry: `aws:PrincipalOrgID`,
//! `aws:PrincipalOrgPaths` or `aws:PrincipalTag/<key>`, with an operator that fails when the key
//! is missing (no `IfExists`, not negated, not `Null`).
//!
//! ## Why it matters
//! These keys describe an IAM user or role: its organization and its tags. A request made by an
//! AWS service principal has none of them, so the condition is never met and the statement
//! never grants the service anything. The policy looks like it works and silently does not. To
//! limit a service to your organization, use `aws:SourceOrgID` or `aws:SourceOrgPaths`, which
//! describe the resource the service acts for.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "cloudfront.amazonaws.com"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-site/*",
//!     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "cloudfront.amazonaws.com"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-site/*",
//!     "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}
//!   }]
//! }
//! ```

use super::{PRINCIPAL_KINDS, condition_entries, only_service_principals, principal_values};
use crate::catalog::operators::{KeyMissing, operator};
use crate::policy::{Effect, PrincipalType};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM511",
    name: "unsupported-condition-key-for-service-principal",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(PRINCIPAL_KINDS),
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"],
    summary: "A statement for service principals requires a key they never carry (aws:PrincipalOrgID, ...).",
    check,
};

/// The replacement to suggest for a principal key, if there is one.
fn absent_for_services(key: &str) -> Option<Option<&'static str>> {
    if key.eq_ignore_ascii_case("aws:PrincipalOrgID") {
        Some(Some("aws:SourceOrgID"))
    } else if key.eq_ignore_ascii_case("aws:PrincipalOrgPaths") {
        Some(Some("aws:SourceOrgPaths"))
    } else if key
        .get(..17)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws:PrincipalTag/"))
    {
        Some(None)
    } else {
        None
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) || !only_service_principals(st) {
            continue;
        }
        let Some(service) = principal_values(st, PrincipalType::Service).next() else {
            continue;
        };
        for (block, entry) in condition_entries(st) {
            let Some(instead) = absent_for_services(entry.key.name) else {
                continue;
            };
            let Some(op) = operator(block.operator.name) else {
                continue;
            };
            if op.when_key_missing() != KeyMissing::DoesNotMatch {
                continue;
            }
            let hint = match instead {
                Some(k) => format!(": use {k}, which describes the resource the service acts for"),
                None => String::new(),
            };
            out.push(
                Diag::new(
                    entry.key.span,
                    format!(
                        "Service principals such as `{}` never carry `{}`, so this condition is never met and the statement grants them nothing{hint}",
                        service.value, entry.key.name
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    fn count(principal: &str, condition: &str) -> usize {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}]}}"#
        );
        run_rule(
            "unsupported-condition-key-for-service-principal",
            &text,
            Some(PolicyKind::Resource),
        )
        .len()
    }

    #[test]
    fn only_when_the_condition_cannot_hold() {
        let svc = r#"{"Service": "cloudfront.amazonaws.com"}"#;
        assert_eq!(
            count(svc, r#"{"StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#),
            1
        );
        assert_eq!(
            count(
                svc,
                r#"{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-1/*"}}"#
            ),
            1
        );
        assert_eq!(
            count(svc, r#"{"StringEquals": {"aws:PrincipalTag/team": "x"}}"#),
            1
        );
        assert_eq!(
            count(
                svc,
                r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}"#
            ),
            0
        );
        assert_eq!(
            count(svc, r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}"#),
            0
        );
        assert_eq!(count(svc, r#"{"Null": {"aws:PrincipalOrgID": "true"}}"#), 0);
        assert_eq!(
            count(svc, r#"{"StringEquals": {"aws:SourceOrgID": "o-1"}}"#),
            0
        );
        let mixed = r#"{"Service": "cloudfront.amazonaws.com", "AWS": "123456789012"}"#;
        assert_eq!(
            count(mixed, r#"{"StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#),
            0
        );
        assert_eq!(
            count(
                r#""*""#,
                r#"{"StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#
            ),
            0
        );
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{
  "Effect": "Allow",
  "Principal": {"Service": "delivery.logs.amazonaws.com"},
  "Action": "s3:PutObject",
  "Resource": "*",
  "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:PrincipalTag/env": "prod"}}
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "unsupported-condition-key-for-service-principal",
                text,
                Some(PolicyKind::Resource)
            )
        ));
    }
}
