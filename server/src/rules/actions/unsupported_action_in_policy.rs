//! ## What it does
//! Flags, in a resource policy, an action of a service other than the one the policy belongs to:
//! `kms:*` in a bucket policy, `sqs:SendMessage` in a topic policy, `s3:GetObject` in a KMS key
//! policy.
//!
//! A resource policy does not say which resource it is attached to, so the rule only speaks when
//! the policy shows it: a KMS key policy (set by configuration), or a resource policy whose
//! resource ARNs all belong to one service. Actions that can act on those resources anyway
//! (Systems Manager actions on EC2 instances) are accepted. The action `*` and service
//! wildcards are left alone.
//!
//! ## Why it matters
//! A resource policy can only grant access to the resource it is attached to, through that
//! service's actions. Another service's action grants nothing there, and Access Analyzer
//! rejects the policy. Usually the statement was meant for an identity policy or another
//! resource's policy.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!       "Action": ["s3:GetObject", "kms:Decrypt"],
//!       "Resource": "arn:aws:s3:::my-bucket/*"
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
//!       "Action": ["s3:GetObject"],
//!       "Resource": "arn:aws:s3:::my-bucket/*"
//!     }
//!   ]
//! }
//! ```

use super::{has_wildcards, split_action};
use crate::catalog::{Action, ResourceType};
use crate::policy::PolicyKind;
use crate::rules::resources::{fitting_patterns, is_dynamic, split_arn};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM105",
    name: "unsupported-action-in-policy",
    category: Category::Actions,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::Resource, PolicyKind::KmsKey]),
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_ACTION_IN_POLICY"],
    summary: "A resource policy grants an action of another service than its own.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(own) = policy_service(cx) else {
        return;
    };
    // The resource types the policy's ARNs can denote: actions that act on one of them are
    // at home here whatever their prefix.
    let mut types: Vec<ResourceType> = Vec::new();
    for st in &cx.policy.statements {
        for s in st.resources() {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            if let (Some(service), Some(resource)) = (arn.field(2), arn.field(5)) {
                for p in fitting_patterns(service.text, resource.text) {
                    if !types.contains(&p.resource_type) {
                        types.push(p.resource_type);
                    }
                }
            }
        }
    }
    let mut expanded: Vec<Action> = Vec::new();
    for st in &cx.policy.statements {
        for a in st.actions() {
            let Some((prefix, _)) = split_action(a.value) else {
                continue;
            };
            if has_wildcards(prefix) {
                continue;
            }
            let Some(service) = cx.catalog.service(prefix) else {
                continue;
            };
            if service.prefix() == own {
                continue;
            }
            cx.catalog.expand_into(a.value, &mut expanded);
            if expanded.is_empty() {
                continue;
            }
            let acts_on_policy_resources = expanded.iter().any(|action| {
                action
                    .resource_types()
                    .any(|r| types.contains(&r.resource_type()))
            });
            if acts_on_policy_resources {
                continue;
            }
            let whose = if cx.kind == PolicyKind::KmsKey {
                "A KMS key policy".to_string()
            } else {
                format!("This `{own}` resource policy")
            };
            out.push(
                Diag::new(
                    a.span,
                    format!(
                        "{whose} cannot grant `{}` actions: `{}` has no effect here; grant it in an identity policy or in that service's resource policy",
                        service.prefix(),
                        a.value
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}

/// The service the resource policy belongs to, when the policy shows it: `kms` for a key
/// policy; otherwise the one service that every resource ARN of the policy names.
fn policy_service(cx: &Context<'_>) -> Option<&'static str> {
    if cx.kind == PolicyKind::KmsKey {
        return Some("kms");
    }
    let mut own: Option<&'static str> = None;
    for st in &cx.policy.statements {
        for s in st.resources() {
            if s.value == "*" {
                continue;
            }
            let field = split_arn(s.value)?.field(2)?;
            if is_dynamic(field.text) {
                return None;
            }
            let service = cx.catalog.service(field.text)?.prefix();
            if service != field.text {
                return None;
            }
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

    const NAME: &str = "unsupported-action-in-policy";

    fn policy(actions: &str, resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::123456789012:root"}}, "Action": {actions}, "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_actions_of_other_services() {
        let text = policy(
            r#"["s3:GetObject", "kms:*", "sqs:SendMessage"]"#,
            r#"["arn:aws:s3:::b", "arn:aws:s3:::b/*"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Resource));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn key_policies_accept_only_kms_actions() {
        let text = policy(r#"["kms:Decrypt", "s3:GetObject"]"#, r#""*""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::KmsKey));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("A KMS key policy"));
    }

    #[test]
    fn quiet_when_the_service_is_unclear_or_the_action_fits() {
        for (actions, resources) in [
            // Resources of two services.
            (
                r#"["kms:Decrypt"]"#,
                r#"["arn:aws:s3:::b/*", "arn:aws:sqs:*:*:q"]"#,
            ),
            // Only `*`.
            (r#"["kms:Decrypt"]"#, r#""*""#),
            // A wildcard service in an ARN.
            (r#"["kms:Decrypt"]"#, r#""arn:aws:*:*:*:*""#),
            // ssm actions act on EC2 instances.
            (
                r#"["ssm:SendCommand"]"#,
                r#""arn:aws:ec2:us-east-1:123456789012:instance/i-1""#,
            ),
            // Every action; service wildcards; unknown services and actions.
            (
                r#"["*", "*code*:Get*", "deeplens:Get", "sqs:Nope"]"#,
                r#""arn:aws:s3:::b""#,
            ),
        ] {
            let text = policy(actions, resources);
            let found = run_rule(NAME, &text, Some(PolicyKind::Resource));
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        let text = policy(r#""kms:*""#, r#""arn:aws:s3:::b""#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }
}
