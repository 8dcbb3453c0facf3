//! ## What it does
//! In a resource control policy, flags a `Deny` whose condition tests `aws:SourceOrgID`,
//! `aws:SourceOrgPaths`, `aws:SourceAccount` or `aws:SourceArn` with an operator that is also true
//! when the key is missing, when the statement has no `"Null": {"aws:SourceAccount": "false"}`
//! (or the same on `aws:SourceArn`).
//!
//! ## Why it matters
//! Not every call from an AWS service is made on behalf of a resource: a service can also act on
//! its own, and then it sends no `aws:Source*` key. Without the null check, the confused-deputy
//! Deny blocks those calls as well. The check limits the Deny to calls that do say whose
//! resource they serve.
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
//!       "Bool": {"aws:PrincipalIsAWSService": "true"}
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

use super::{SERVICE_SOURCE_KEYS, absent_key_matches};
use crate::policy::{Effect, PolicyKind, Statement};
use crate::rules::principals::condition_entries;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM619",
    name: "rcp-missing-source-null-check",
    category: Category::Kinds,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK"],
    summary: "An RCP Deny on aws:Source* keys lacks the Null check on aws:SourceAccount.",
    check,
};

/// `"Null": {"aws:SourceAccount" | "aws:SourceArn": "false"}`.
fn has_null_check(st: &Statement<'_>) -> bool {
    condition_entries(st).any(|(block, entry)| {
        block.operator.name.eq_ignore_ascii_case("Null")
            && ["aws:SourceAccount", "aws:SourceArn"]
                .iter()
                .any(|k| entry.key.name.eq_ignore_ascii_case(k))
            && entry
                .values()
                .iter()
                .any(|v| v.text().is_some_and(|t| t.eq_ignore_ascii_case("false")))
    })
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) || has_null_check(st) {
            continue;
        }
        if let Some(entry) = absent_key_matches(st, SERVICE_SOURCE_KEYS).next() {
            out.push(
                Diag::new(
                    entry.key.span,
                    "Service calls made on the service's own behalf carry no aws:Source* keys, so this Deny blocks them too: add \"Null\": {\"aws:SourceAccount\": \"false\"}",
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
            "rcp-missing-source-null-check",
            &text,
            Some(PolicyKind::ResourceControl),
        )
        .len()
    }

    #[test]
    fn null_check_silences_it() {
        assert_eq!(
            count(
                r#"{"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1", "aws:SourceAccount": "123456789012"}}"#
            ),
            1
        );
        assert_eq!(
            count(
                r#"{"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}, "Null": {"aws:SourceAccount": "false"}}"#
            ),
            0
        );
        assert_eq!(
            count(
                r#"{"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}, "Null": {"aws:SourceArn": false}}"#
            ),
            0
        );
        assert_eq!(count(r#"{"StringEquals": {"aws:SourceOrgID": "o-1"}}"#), 0);
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
  "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"}, "Bool": {"aws:PrincipalIsAWSService": "true"}}}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "rcp-missing-source-null-check",
                text,
                Some(PolicyKind::ResourceControl)
            )
        ));
    }
}
