//! ## What it does
//! Checks the account field of an ARN against the ARN formats the service publishes for that
//! kind of resource: it flags an account id in an ARN whose resource never carries one (S3
//! buckets and objects, Route 53 hosted zones), and an empty account where the resource always
//! has one (IAM roles, SQS queues, KMS keys). Wildcards and policy variables in the field are
//! accepted either way. As for regions, only the formats whose resource part fits the ARN's are
//! considered, and the rule stays quiet when they disagree or none fits.
//!
//! Resources that AWS itself owns are published without an account in a few services, and
//! those are accepted: Systems Manager's public documents, automation definitions and
//! parameters (`arn:aws:ssm:*::document/AWS-RunShellScript`,
//! `arn:aws:ssm:*::parameter/aws/service/...`) and Resource Explorer's service views.
//!
//! ## Why it matters
//! IAM compares every field. An account where the service writes none (or none where it writes
//! one) makes the ARN match no resource, so the statement silently does nothing, and Access
//! Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3::123456789012:my-bucket/*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
//!   ]
//! }
//! ```

use super::{FieldUse, describe_types, fitting_patterns, service_arns, split_arn};
use crate::rules::actions::value_sub_span;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM206",
    name: "arn-account-presence",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: ARN_ACCOUNT_NOT_ALLOWED",
        "Access Analyzer: MISSING_ARN_ACCOUNT",
    ],
    summary: "An ARN has an account where its service has none, or lacks one the service needs.",
    check,
};

/// AWS-owned resources published without an account id: (service, beginning of the resource
/// part). Seen in AWS's own managed policies.
const AWS_OWNED_WITHOUT_ACCOUNT: &[(&str, &str)] = &[
    ("ssm", "document/"),
    ("ssm", "automation-definition/"),
    ("ssm", "parameter/"),
    ("resource-explorer-2", "view/"),
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let (Some(service), Some(account), Some(resource)) =
                (arn.field(2), arn.field(4), arn.field(5))
            else {
                continue;
            };
            // Cheap exits first: a wildcard fits anything, and the service's formats may all
            // agree with what is there.
            let Some(info) = service_arns(service.text) else {
                continue;
            };
            let possible = if account.text.is_empty() {
                info.account != FieldUse::Never
            } else {
                !account.is_dynamic() && info.account != FieldUse::Always
            };
            if !possible {
                continue;
            }
            let fitting = fitting_patterns(service.text, resource.text);
            if fitting.is_empty() {
                continue;
            }
            if fitting.iter().all(|p| p.account.is_empty()) {
                if account.text.is_empty() {
                    continue;
                }
                let span = value_sub_span(cx, s, account.start, account.end());
                let mut diag = Diag::new(
                    span,
                    format!(
                        "This {} ARN takes no account id, so with `{}` it matches nothing; leave the account field empty",
                        describe_types(&fitting),
                        account.text
                    ),
                )
                .in_statement(st.index);
                if span != s.span {
                    diag = diag.with_fix(Fix::replace("Remove the account id", span, ""));
                }
                out.push(diag);
            } else if fitting.iter().all(|p| !p.account.is_empty())
                && account.text.is_empty()
                && !AWS_OWNED_WITHOUT_ACCOUNT
                    .iter()
                    .any(|(svc, head)| *svc == service.text && resource.text.starts_with(head))
            {
                out.push(
                    Diag::new(
                        s.span,
                        format!(
                            "This {} ARN needs an account id, so with the account field empty it matches nothing; write the 12-digit account id or `*`",
                            describe_types(&fitting)
                        ),
                    )
                    .in_statement(st.index),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "arn-account-presence";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_unexpected_and_missing_accounts() {
        let text = policy(
            r#"["arn:aws:s3::123456789012:my-bucket/*", "arn:aws:iam:::role/app", "arn:aws:kms:*::*"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_when_the_field_fits_or_is_aws_owned() {
        let text = policy(
            r#"["arn:aws:s3:::b/*", "arn:aws:s3::*:b", "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::${aws:PrincipalAccount}:role/x", "arn:aws:ssm:*::document/AWS-RunShellScript", "arn:aws:ssm:*::parameter/aws/service/*", "arn:aws:resource-explorer-2:*::view/AWSServiceView/x", "arn:aws:newsvc:::x"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn removing_the_account_fixes_it() {
        let text = policy(r#""arn:aws:s3::123456789012:my-bucket/*""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(fixed.contains(r#""arn:aws:s3:::my-bucket/*""#));
        assert!(run_rule(NAME, &fixed, Some(PolicyKind::Identity)).is_empty());
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == "json-syntax")
        );
    }

    /// Every service named by the hand list exists in the catalog, and its ARN patterns do ask
    /// for an account (else the exception would be pointless).
    #[test]
    fn listed_services_exist_in_the_catalog() {
        for (s, _) in super::AWS_OWNED_WITHOUT_ACCOUNT {
            assert!(crate::catalog::catalog().service(s).is_some(), "{s}");
        }
    }
}
