//! ## What it does
//! In a resource control policy, flags a `Deny` whose condition tests a key that describes the
//! resource an AWS service acts for (`aws:SourceOrgID`, `aws:SourceOrgPaths`,
//! `aws:SourceAccount`, `aws:SourceArn`) with an operator that is also true when the key is
//! missing, when the statement lacks the guard
//! `"Bool": {"aws:PrincipalIsAWSService": "true"}`.
//!
//! ## Why it matters
//! Requests from your own IAM users and roles carry none of these keys. Without the guard, a
//! confused-deputy rule such as "deny unless the source is in my organization" also denies every
//! human and application caller of the resource.
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
//!     "Condition": {
//!       "StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
//!       "Null": {"aws:SourceAccount": "false"}
//!     }
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
//!       "StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},
//!       "Null": {"aws:SourceAccount": "false"},
//!       "Bool": {"aws:PrincipalIsAWSService": "true"}
//!     }
//!   }]
//! }
//! ```

use super::{SERVICE_SOURCE_KEYS, absent_key_matches, has_service_guard};
use crate::policy::{Effect, PolicyKind};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM618",
    name: "rcp-missing-service-guard",
    category: Category::Kinds,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY"],
    summary: "An RCP Deny on aws:Source* keys also denies IAM principals: it lacks Bool aws:PrincipalIsAWSService true.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) || has_service_guard(st, "true") {
            continue;
        }
        for entry in absent_key_matches(st, SERVICE_SOURCE_KEYS) {
            out.push(
                Diag::new(
                    entry.key.span,
                    format!(
                        "Your own users and roles carry no `{}`, so this Deny blocks them too: add \"Bool\": {{\"aws:PrincipalIsAWSService\": \"true\"}} to limit it to AWS services",
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
            "rcp-missing-service-guard",
            &text,
            Some(PolicyKind::ResourceControl),
        )
        .len()
    }

    #[test]
    fn guard_silences_it() {
        assert_eq!(
            count(r#"{"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}}"#),
            1
        );
        assert_eq!(
            count(r#"{"StringNotEquals": {"aws:SourceAccount": "123456789012"}}"#),
            1
        );
        assert_eq!(
            count(
                r#"{"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}, "Bool": {"aws:PrincipalIsAWSService": "true"}}"#
            ),
            0
        );
        // A Null test on the key is not a use of its value.
        assert_eq!(count(r#"{"Null": {"aws:SourceAccount": "false"}}"#), 0);
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
  "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}}}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "rcp-missing-service-guard",
                text,
                Some(PolicyKind::ResourceControl)
            )
        ));
    }
}
