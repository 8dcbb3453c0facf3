//! ## What it does
//! Flags an `Allow` statement of a resource policy or KMS key policy that grants access to a
//! service principal (`"Service": "sns.amazonaws.com"`) without a condition on
//! `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths` (the older
//! `aws:SourceOwner`, and in key policies `kms:CallerAccount` or a `kms:EncryptionContext:` key,
//! also count as a restriction).
//!
//! Role trust policies are not checked: the trust policies AWS itself writes for service roles
//! carry no such condition, and several services do not send these keys when assuming a role.
//!
//! ## Why it matters
//! A service principal acts for every AWS customer. Without a condition saying on whose behalf,
//! anyone can point the service at your resource from their own account (a topic, a trail, a
//! log delivery) and the service will use the access you granted it: the "confused deputy"
//! problem. Naming your own resource or account in the condition closes it.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "s3.amazonaws.com"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:uploads"
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
//!     "Principal": {"Service": "s3.amazonaws.com"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:uploads",
//!     "Condition": {
//!       "ArnEquals": {"aws:SourceArn": "arn:aws:s3:::example-uploads"},
//!       "StringEquals": {"aws:SourceAccount": "123456789012"}
//!     }
//!   }]
//! }
//! ```

use super::{condition_entries, has_variable, has_wildcards, principal_values};
use crate::policy::{Effect, PolicyKind, PrincipalType, Statement};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM509",
    name: "restrict-access-to-service-principal",
    category: Category::Principals,
    severity: Severity::SecurityWarning,
    kinds: Kinds::Only(&[PolicyKind::Resource, PolicyKind::KmsKey]),
    since: "0.1.0",
    sources: &["Access Analyzer: RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL"],
    summary: "A service principal is allowed without an aws:SourceArn/SourceAccount/SourceOrgID/SourceOrgPaths condition.",
    check,
};

/// Keys that say on whose behalf a service acts.
pub(crate) const SOURCE_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
];

/// True when the statement's condition pins down the resource, account or organization the
/// service acts for.
fn restricted(st: &Statement<'_>) -> bool {
    condition_entries(st).any(|(_, e)| {
        let k = e.key.name;
        SOURCE_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s))
            || k.eq_ignore_ascii_case("kms:CallerAccount")
            || k.get(..21)
                .is_some_and(|p| p.eq_ignore_ascii_case("kms:EncryptionContext"))
    })
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) || restricted(st) {
            continue;
        }
        for s in principal_values(st, PrincipalType::Service) {
            if !s.terminated
                || s.value.is_empty()
                || has_wildcards(s.value)
                || has_variable(s.value)
            {
                continue;
            }
            out.push(
                Diag::new(
                    s.span,
                    format!(
                        "`{}` acts for every AWS customer: without a condition on aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths, another account can make it use this access (confused deputy). Add one naming your resource or account",
                        s.value
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

    fn count(condition: &str, kind: PolicyKind) -> usize {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "logs.amazonaws.com"}}, "Action": "kms:Decrypt", "Resource": "*"{condition}}}]}}"#
        );
        run_rule("restrict-access-to-service-principal", &text, Some(kind)).len()
    }

    #[test]
    fn source_conditions_silence_it() {
        assert_eq!(count("", PolicyKind::Resource), 1);
        assert_eq!(count("", PolicyKind::KmsKey), 1);
        assert_eq!(count("", PolicyKind::RoleTrust), 0);
        for c in [
            r#", "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}}"#,
            r#", "Condition": {"ArnLike": {"aws:sourcearn": "arn:aws:s3:::b"}}"#,
            r#", "Condition": {"StringEquals": {"aws:SourceOrgID": "o-abc"}}"#,
            r#", "Condition": {"ForAnyValue:StringLike": {"aws:SourceOrgPaths": "o-a/r-b/*"}}"#,
            r#", "Condition": {"StringEquals": {"aws:SourceOwner": "123456789012"}}"#,
            r#", "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*:123456789012:*"}}"#,
            r#", "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}"#,
        ] {
            assert_eq!(count(c, PolicyKind::KmsKey), 0, "{c}");
        }
        assert_eq!(
            count(
                r#", "Condition": {"StringEquals": {"aws:SourceIp": "1.2.3.4"}}"#,
                PolicyKind::Resource
            ),
            1
        );
    }

    #[test]
    fn deny_and_other_principals_are_quiet() {
        let text = r#"{"Statement": [
  {"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"},
  {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sqs:SendMessage", "Resource": "*"}
]}"#;
        assert!(
            run_rule(
                "restrict-access-to-service-principal",
                text,
                Some(PolicyKind::Resource)
            )
            .is_empty()
        );
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{
  "Effect": "Allow",
  "Principal": {"Service": ["cloudtrail.amazonaws.com", "config.amazonaws.com"]},
  "Action": "s3:PutObject",
  "Resource": "arn:aws:s3:::trail-bucket/*"
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "restrict-access-to-service-principal",
                text,
                Some(PolicyKind::Resource)
            )
        ));
    }
}
