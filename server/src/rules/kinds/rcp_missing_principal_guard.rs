//! ## What it does
//! In a resource control policy, flags a `Deny` whose condition tests a key that only IAM
//! principals carry (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`,
//! `aws:PrincipalArn`, `aws:PrincipalTag/<key>`) with an operator that is also true when the key
//! is missing (a negated operator or `...IfExists`), when the statement lacks the usual guard
//! `"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}`.
//!
//! It fires only when the denied actions (wildcards expanded, or a `NotAction`) include one
//! that an AWS service calls on your resources under its own service principal. A Deny that
//! covers only actions no service principal calls (`s3:PutBucketPolicy`,
//! `sts:AssumeRoleWithWebIdentity`, `sts:GetSessionToken`...) cannot break an AWS service, so
//! it is left alone. The service reference data does not say which principal calls an action,
//! and forward access sessions (a service acting with your own credentials) carry your
//! principal keys anyway, so these calls are listed in the rule, each with the services that
//! make it under their own service principal and the AWS page that shows the resource or trust
//! policy granting it (each page was read for this list; the CloudTrail, Config, CloudWatch
//! Logs, SNS, EventBridge and CodeBuild ones in AWS's `awsdocs` GitHub archive of those guides,
//! which can be older than the live page):
//!
//! | Action | Called by (service principal) | Source |
//! |---|---|---|
//! | `s3:PutObject` | CloudTrail, AWS Config, log delivery (`delivery.logs`) | [CloudTrail bucket policy], [Config bucket policy], [Vended logs] |
//! | `s3:GetBucketAcl` | CloudTrail, AWS Config, log delivery check the bucket before writing | [CloudTrail bucket policy], [Config bucket policy], [Vended logs] |
//! | `s3:ListBucket` | AWS Config checks that the delivery bucket exists | [Config bucket policy] |
//! | `s3:GetObject` | CloudFront origin access control (`cloudfront.amazonaws.com`) | [CloudFront S3 origins], [re:Post OAC] |
//! | `sqs:SendMessage` | SNS subscriptions, EventBridge targets | [SNS to SQS], [EventBridge targets] |
//! | `sns:Publish` | EventBridge targets | [EventBridge targets] |
//! | `lambda:InvokeFunction` | EventBridge targets | [EventBridge targets] |
//! | `logs:CreateLogStream`, `logs:PutLogEvents` | EventBridge, log delivery | [EventBridge targets], [Vended logs] |
//! | `kms:Encrypt`, `kms:Decrypt`, `kms:ReEncryptFrom`, `kms:ReEncryptTo`, `kms:GenerateDataKey`, `kms:GenerateDataKeyWithoutPlaintext`, `kms:DescribeKey` | CloudWatch Logs (`logs.<region>.amazonaws.com`: `Encrypt*`, `Decrypt*`, `ReEncrypt*`, `GenerateDataKey*`, `Describe*`), log delivery to SSE-KMS buckets | [Logs encryption], [Vended logs] |
//! | `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability` | CodeBuild pulling a build image | [CodeBuild ECR sample] |
//! | `sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity` | IAM Roles Anywhere (all three); EKS Pod Identity (`pods.eks.amazonaws.com`: `AssumeRole`, `TagSession`, as AWS's own RCP example `sts-protect-eks-pod-identity-tags` guards) | [Roles Anywhere trust model] |
//!
//! Dropped from an earlier hand list for want of a source: `kms:CreateGrant` (no AWS page found
//! that grants it to a service principal).
//!
//! [CloudTrail bucket policy]: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
//! [Config bucket policy]: https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
//! [Vended logs]: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
//! [CloudFront S3 origins]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
//! [re:Post OAC]: https://repost.aws/knowledge-center/cloudfront-access-to-amazon-s3
//! [SNS to SQS]: https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
//! [EventBridge targets]: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
//! [Logs encryption]: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
//! [CodeBuild ECR sample]: https://docs.aws.amazon.com/codebuild/latest/userguide/sample-ecr.html
//! [Roles Anywhere trust model]: https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
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

use super::{absent_key_matches, action_covers, has_service_guard};
use crate::policy::{Effect, PolicyKind, Statement};
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

/// Actions that AWS services call on customer resources under their own service principal
/// (the table in the doc comment says which services, with an AWS page for each).
const SERVICE_PRINCIPAL_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:GetBucketAcl",
    "s3:ListBucket",
    "s3:GetObject",
    "sqs:SendMessage",
    "sns:Publish",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:DescribeKey",
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
    "lambda:InvokeFunction",
];

/// The first action of [`SERVICE_PRINCIPAL_ACTIONS`] the statement denies. A `NotAction`
/// (which RCPs reject anyway) is taken to deny them all.
fn service_called_action(st: &Statement<'_>) -> Option<&'static str> {
    if st.not_actions().next().is_some() {
        return Some(SERVICE_PRINCIPAL_ACTIONS[0]);
    }
    SERVICE_PRINCIPAL_ACTIONS
        .iter()
        .copied()
        .find(|a| action_covers(st, a))
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) || has_service_guard(st, "false") {
            continue;
        }
        let Some(called) = service_called_action(st) else {
            continue;
        };
        for entry in absent_key_matches(st, PRINCIPAL_KEYS) {
            out.push(
                Diag::new(
                    entry.key.span,
                    format!(
                        "AWS services acting on your behalf (calling `{called}`, for one) carry no `{}`, so this Deny blocks them too: add \"BoolIfExists\": {{\"aws:PrincipalIsAWSService\": \"false\"}}",
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

    fn count_actions(actions: &str) -> usize {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Deny", "Principal": "*", "Action": {actions}, "Resource": "*", "Condition": {{"StringNotEqualsIfExists": {{"aws:PrincipalOrgID": "o-1"}}}}}}]}}"#
        );
        run_rule(
            "rcp-missing-principal-guard",
            &text,
            Some(PolicyKind::ResourceControl),
        )
        .len()
    }

    #[test]
    fn only_actions_service_principals_call() {
        // True positives: CloudTrail writes objects, SNS sends to queues, services assume roles.
        assert_eq!(count_actions(r#""s3:PutObject""#), 1);
        assert_eq!(count_actions(r#""s3:Put*""#), 1);
        assert_eq!(count_actions(r#"["sqs:*"]"#), 1);
        assert_eq!(count_actions(r#""sts:AssumeRole""#), 1);
        assert_eq!(count_actions(r#""kms:GenerateDataKey*""#), 1);
        // The noisy cases: no AWS service principal calls these on your resources.
        assert_eq!(
            count_actions(r#"["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]"#),
            0
        );
        assert_eq!(
            count_actions(
                r#"["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:GetSessionToken"]"#
            ),
            0
        );
        assert_eq!(count_actions(r#""secretsmanager:PutResourcePolicy""#), 0);
        assert_eq!(count_actions(r#""kms:PutKeyPolicy""#), 0);
    }

    #[test]
    fn every_listed_action_has_a_source_in_the_doc() {
        let doc = super::RULE.doc();
        for a in super::SERVICE_PRINCIPAL_ACTIONS {
            let row = doc
                .lines()
                .find(|l| l.starts_with("| ") && l.contains(&format!("`{a}`")))
                .unwrap_or_else(|| panic!("{a} has no row in the doc's table"));
            let source = row.rsplit(" | ").next().unwrap_or("");
            assert!(source.contains("]"), "{a}: no source in {row:?}");
        }
    }

    #[test]
    fn every_listed_action_is_in_the_catalog() {
        let catalog = crate::catalog::catalog();
        for a in super::SERVICE_PRINCIPAL_ACTIONS {
            assert!(catalog.action(a).is_some(), "{a} is not an action");
        }
    }

    #[test]
    fn names_the_service_call() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}}}]}"#;
        let f = run_rule(
            "rcp-missing-principal-guard",
            text,
            Some(PolicyKind::ResourceControl),
        );
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("`sqs:SendMessage`"),
            "{}",
            f[0].message
        );
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
