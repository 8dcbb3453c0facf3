//! ## What it does
//! Flags an action in a resource control policy whose service RCPs do not cover. RCPs apply to a
//! list of services that AWS extends over time (Amazon S3, AWS STS, AWS KMS, Amazon SQS and AWS
//! Secrets Manager at launch; DynamoDB, ECR, Cognito, CloudWatch Logs and dozens more since).
//! iam-ls takes that list from its IAM data (`rcpSupportedServices.json`), not from a list in
//! code, so it moves with each data update. `"*"` is accepted.
//!
//! ## Why it matters
//! AWS Organizations rejects an RCP that names another service's action. Limits for other
//! services belong in an SCP (for your principals) or in the resource's own policy.
//!
//! ## Example
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": ["s3:*", "ec2:*"],
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
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
//!     "Action": ["s3:*"],
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
//!   }]
//! }
//! ```

use super::wildcard_match;
use crate::policy::{PolicyKind, rcp_services};
use crate::rules::principals::has_wildcards;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM616",
    name: "rcp-unsupported-service",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_SYNTAX_ERROR_ACTION"],
    summary: "An RCP names an action of a service that RCPs do not cover.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let covered_services = rcp_services();
    for st in &cx.policy.statements {
        for a in st.actions() {
            let Some((service, _)) = a.value.split_once(':') else {
                continue;
            };
            let covered = if has_wildcards(service) {
                covered_services
                    .iter()
                    .any(|s| wildcard_match(service, s, true))
            } else {
                crate::policy::is_rcp_service(service)
            };
            if covered || service.is_empty() {
                continue;
            }
            out.push(
                Diag::new(
                    a.span,
                    format!(
                        "RCPs do not cover `{service}`, so `{}` is rejected: RCPs apply only to \
                         the {} services AWS lists as supporting them",
                        a.value,
                        covered_services.len()
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
    fn covered_services_pass() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["*", "s3:*", "STS:AssumeRole", "kms:Decrypt", "sqs:*", "secretsmanager:GetSecretValue", "s*:Get*", "ec2:RunInstances", "dynamodb:GetItem", "lambda:*"], "Resource": "*"}]}"#;
        let found = run_rule(
            "rcp-unsupported-service",
            text,
            Some(PolicyKind::ResourceControl),
        );
        assert_eq!(found.len(), 2);
        insta::assert_snapshot!(render(text, &found));
    }

    /// The list follows the data: DynamoDB joined RCPs in 2026 and AWS's own RCP examples use
    /// it, so it must never be reported (the stale hand list did).
    #[test]
    fn list_comes_from_the_catalog() {
        assert!(crate::policy::is_rcp_service("dynamodb"));
        assert!(crate::policy::is_rcp_service("S3"));
        assert!(!crate::policy::is_rcp_service("ec2"));
        let all = crate::policy::rcp_services();
        assert!(all.len() >= 10 && all.contains(&"sts"), "{all:?}");
    }
}
