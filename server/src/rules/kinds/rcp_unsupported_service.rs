//! ## What it does
//! Flags an action in a resource control policy whose service RCPs do not cover. RCPs apply to a
//! fixed list of services (Amazon S3, AWS STS, AWS KMS, Amazon SQS, AWS Secrets Manager, and
//! since 2025 Amazon ECR, OpenSearch Serverless, Amazon Cognito and CloudWatch Logs); iam-ls
//! keeps that list in `policy::RCP_SERVICES`. `"*"` is accepted.
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
//!     "Action": ["s3:*", "dynamodb:*"],
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
use crate::policy::{PolicyKind, RCP_SERVICES};
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
    for st in &cx.policy.statements {
        for a in st.actions() {
            let Some((service, _)) = a.value.split_once(':') else {
                continue;
            };
            let covered = if has_wildcards(service) {
                RCP_SERVICES
                    .iter()
                    .any(|s| wildcard_match(service, s, true))
            } else {
                RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
            };
            if covered || service.is_empty() {
                continue;
            }
            out.push(
                Diag::new(
                    a.span,
                    format!(
                        "RCPs do not cover `{service}`, so `{}` is rejected: RCPs apply only to {}",
                        a.value,
                        RCP_SERVICES.join(", ")
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
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["*", "s3:*", "STS:AssumeRole", "kms:Decrypt", "sqs:*", "secretsmanager:GetSecretValue", "s*:Get*", "ec2:RunInstances", "dynamodb:*"], "Resource": "*"}]}"#;
        let found = run_rule(
            "rcp-unsupported-service",
            text,
            Some(PolicyKind::ResourceControl),
        );
        assert_eq!(found.len(), 2);
        insta::assert_snapshot!(render(text, &found));
    }
}
