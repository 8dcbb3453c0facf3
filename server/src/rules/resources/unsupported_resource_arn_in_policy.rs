//! ## What it does
//! Flags, in a resource policy, an ARN of a service other than the one the policy belongs to:
//! an SQS queue ARN in a policy whose actions are all `s3:` and whose other resources are S3
//! buckets, or any ARN that is not a KMS key in a KMS key policy.
//!
//! A resource policy does not say which resource it is attached to, so the rule only speaks when
//! the policy shows it: a KMS key policy (set by configuration), or a resource policy whose
//! actions all belong to one service and which names at least one resource of that service.
//! ARNs that the service's own resource types can denote (Systems Manager's EC2 instances) are
//! accepted.
//!
//! ## Why it matters
//! A resource policy governs the resource it is attached to. An ARN of another service can
//! never be that resource: the statement does nothing for it, and Access Analyzer rejects the
//! policy. Usually a statement was copied from another policy.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!       "Action": "s3:GetObject",
//!       "Resource": ["arn:aws:s3:::my-bucket/*", "arn:aws:sqs:us-east-1:123456789012:orders"]
//!     }
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
//!       "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!       "Action": "s3:GetObject",
//!       "Resource": ["arn:aws:s3:::my-bucket/*"]
//!     }
//!   ]
//! }
//! ```

use super::{fitting_patterns, split_arn};
use crate::policy::{Policy, PolicyKind};
use crate::rules::actions::{has_wildcards, split_action};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM213",
    name: "unsupported-resource-arn-in-policy",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::Resource, PolicyKind::KmsKey]),
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_RESOURCE_ARN_IN_POLICY"],
    summary: "A resource policy names an ARN of another service than its own.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(own) = policy_service(cx) else {
        return;
    };
    for st in &cx.policy.statements {
        for s in st.resources() {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let Some(service) = arn.field(2) else {
                continue;
            };
            if service.is_dynamic() || service.text == own || arn.fields().len() < 3 {
                continue;
            }
            // An ARN the policy's service has a resource type for (ssm's EC2 instances).
            if let Some(resource) = arn.field(5)
                && fitting_patterns(service.text, resource.text)
                    .iter()
                    .any(|p| p.resource_type.service_prefix() == own)
            {
                continue;
            }
            let whose = if cx.kind == PolicyKind::KmsKey {
                "A KMS key policy".to_string()
            } else {
                format!("This `{own}` resource policy")
            };
            out.push(
                Diag::new(
                    s.span,
                    format!(
                        "{whose} governs its own resource, so an ARN of `{}` here matches nothing; remove it or move it to that service's policy",
                        service.text
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}

/// The service the resource policy belongs to, when the policy shows it: `kms` for a key
/// policy; otherwise the one service all actions belong to, if some resource ARN has it too.
fn policy_service(cx: &Context<'_>) -> Option<&'static str> {
    if cx.kind == PolicyKind::KmsKey {
        return Some("kms");
    }
    let own = single_action_service(cx, cx.policy)?;
    let named = cx.policy.statements.iter().any(|st| {
        st.resources().any(|s| {
            split_arn(s.value)
                .and_then(|a| a.field(2))
                .is_some_and(|f| f.text == own)
        })
    });
    named.then_some(own)
}

/// The one catalog service that every `Action` entry of the policy names (the action `*` and
/// service wildcards make it unknown).
fn single_action_service(cx: &Context<'_>, policy: &Policy<'_>) -> Option<&'static str> {
    let mut own: Option<&'static str> = None;
    for st in &policy.statements {
        for a in st.actions() {
            let (prefix, _) = split_action(a.value)?;
            if has_wildcards(prefix) {
                return None;
            }
            let service = cx.catalog.service(prefix)?.prefix();
            match own {
                Some(o) if o != service => return None,
                _ => own = Some(service),
            }
        }
    }
    own
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "unsupported-resource-arn-in-policy";

    fn policy(actions: &str, resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::123456789012:root"}}, "Action": {actions}, "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_arns_of_other_services() {
        let text = policy(
            r#"["s3:GetObject", "s3:PutObject"]"#,
            r#"["arn:aws:s3:::b/*", "arn:aws:sqs:us-east-1:123456789012:q"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Resource));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn key_policies_accept_only_kms() {
        let text = policy(r#""kms:Decrypt""#, r#"["*", "arn:aws:s3:::b"]"#);
        assert_eq!(run_rule(NAME, &text, Some(PolicyKind::KmsKey)).len(), 1);
        let text = policy(
            r#""kms:Decrypt""#,
            r#"["*", "arn:aws:kms:us-east-1:123456789012:key/abc"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::KmsKey)).is_empty());
    }

    #[test]
    fn quiet_when_the_service_is_unclear() {
        for (actions, resources) in [
            // Actions of two services.
            (
                r#"["s3:GetObject", "sqs:SendMessage"]"#,
                r#"["arn:aws:s3:::b/*", "arn:aws:sqs:*:*:q"]"#,
            ),
            // No resource of the actions' service.
            (r#""s3:GetObject""#, r#""arn:aws:sqs:*:*:q""#),
            // The action `*`.
            (r#""*""#, r#"["arn:aws:s3:::b/*", "arn:aws:sqs:*:*:q"]"#),
            // An EC2 instance is a resource type of ssm.
            (
                r#""ssm:SendCommand""#,
                r#"["arn:aws:ssm:*:*:document/d", "arn:aws:ec2:*:*:instance/*"]"#,
            ),
        ] {
            let text = policy(actions, resources);
            let found = run_rule(NAME, &text, Some(PolicyKind::Resource));
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        // Identity policies are out of scope.
        let text = policy(
            r#""s3:GetObject""#,
            r#"["arn:aws:s3:::b/*", "arn:aws:sqs:*:*:q"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }
}
