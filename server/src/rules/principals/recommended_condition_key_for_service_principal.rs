//! ## What it does
//! In a statement that grants access to a service principal, flags a condition on
//! `aws:Referer` or `aws:SourceOwner` and recommends `aws:SourceArn`, `aws:SourceAccount`,
//! `aws:SourceOrgID` or `aws:SourceOrgPaths` instead.
//!
//! ## Why it matters
//! `aws:Referer` is an HTTP header that any caller can set, so it restricts nothing; old
//! CloudFront and S3 examples used it before origin access control existed. `aws:SourceOwner`
//! is an older key that only some services send. The `aws:Source*` keys are set by AWS from the
//! resource the service acts for, on every service that supports them.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "sns.amazonaws.com"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:orders",
//!     "Condition": {"StringEquals": {"aws:SourceOwner": "123456789012"}}
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
//!     "Principal": {"Service": "sns.amazonaws.com"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:orders",
//!     "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}
//!   }]
//! }
//! ```

use super::{condition_entries, principal_values};
use crate::policy::{PolicyKind, PrincipalType};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM510",
    name: "recommended-condition-key-for-service-principal",
    category: Category::Principals,
    severity: Severity::Suggestion,
    kinds: Kinds::Only(&[PolicyKind::Resource, PolicyKind::KmsKey]),
    since: "0.1.0",
    sources: &["Access Analyzer: RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL"],
    summary: "A service principal is restricted with aws:Referer or aws:SourceOwner instead of the aws:Source* keys.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(service) = principal_values(st, PrincipalType::Service).next() else {
            continue;
        };
        for (_, entry) in condition_entries(st) {
            let key = entry.key.name;
            let why = if key.eq_ignore_ascii_case("aws:Referer") {
                "is an HTTP header any caller can set"
            } else if key.eq_ignore_ascii_case("aws:SourceOwner") {
                "is an older key that only some services send"
            } else {
                continue;
            };
            out.push(
                Diag::new(
                    entry.key.span,
                    format!(
                        "`{key}` {why}: to say on whose behalf `{}` may act, use aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths",
                        service.value
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

    #[test]
    fn referer_with_service_principal() {
        let text = r#"{"Statement": [
  {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*",
   "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}},
  {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*",
   "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}}
]}"#;
        let found = run_rule(
            "recommended-condition-key-for-service-principal",
            text,
            Some(PolicyKind::Resource),
        );
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
    }
}
