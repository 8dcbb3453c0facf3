//! ## What it does
//! In a resource control policy, flags a `Deny` whose condition tests a key that only IAM
//! principals carry (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`,
//! `aws:PrincipalArn`, `aws:PrincipalTag/<key>`) with an operator that is also true when the key
//! is missing (a negated operator or `...IfExists`), when the statement lacks the usual guard
//! `"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}`.
//!
//! ## Why it matters
//! AWS services that call your resources on your behalf (CloudTrail writing to a bucket, a
//! service decrypting with your key) carry none of these keys. Without the guard, "deny unless
//! the caller is in my organization" denies those services too, and features break across every
//! account the RCP is attached to.
//!
//! ## Example
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": ["s3:*", "sqs:*"],
//!     "Resource": "*",
//!     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": ["s3:*", "sqs:*"],
//!     "Resource": "*",
//!     "Condition": {
//!       "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
//!       "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}
//!     }
//!   }]
//! }
//! ```

use super::{absent_key_matches, has_service_guard};
use crate::policy::{Effect, PolicyKind};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM617",
    name: "rcp-missing-principal-guard",
    category: Category::Kinds,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY"],
    summary: "An RCP Deny on principal keys also denies AWS services: it lacks BoolIfExists aws:PrincipalIsAWSService false.",
    check,
};

const PRINCIPAL_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalTag/",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) || has_service_guard(st, "false") {
            continue;
        }
        for entry in absent_key_matches(st, PRINCIPAL_KEYS) {
            out.push(
                Diag::new(
                    entry.key.span,
                    format!(
                        "AWS services acting on your behalf carry no `{}`, so this Deny blocks them too: add \"BoolIfExists\": {{\"aws:PrincipalIsAWSService\": \"false\"}}",
                        entry.key.name
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

    fn count(condition: &str) -> usize {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {condition}}}]}}"#
        );
        run_rule(
            "rcp-missing-principal-guard",
            &text,
            Some(PolicyKind::ResourceControl),
        )
        .len()
    }

    #[test]
    fn guard_or_positive_operator_silences_it() {
        assert_eq!(
            count(r#"{"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}"#),
            1
        );
        assert_eq!(
            count(r#"{"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}}"#),
            1
        );
        assert_eq!(
            count(r#"{"StringNotEquals": {"aws:PrincipalTag/team": "x"}}"#),
            1
        );
        assert_eq!(
            count(
                r#"{"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}"#
            ),
            0
        );
        assert_eq!(
            count(
                r#"{"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}, "Bool": {"aws:PrincipalIsAWSService": false}}"#
            ),
            0
        );
        assert_eq!(
            count(r#"{"StringEquals": {"aws:PrincipalAccount": "123456789012"}}"#),
            0
        );
        assert_eq!(count(r#"{"Bool": {"aws:SecureTransport": "false"}}"#), 0);
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
  "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "rcp-missing-principal-guard",
                text,
                Some(PolicyKind::ResourceControl)
            )
        ));
    }
}
