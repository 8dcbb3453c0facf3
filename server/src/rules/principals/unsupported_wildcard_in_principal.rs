//! ## What it does
//! Flags `*` or `?` inside a principal value where AWS does not match wildcards: anywhere in an
//! `AWS` value other than the whole value `"*"` (so `arn:aws:iam::123456789012:role/*` is
//! flagged), and in any `Service`, `Federated` or `CanonicalUser` value.
//!
//! ## Why it matters
//! The `Principal` element does not do pattern matching. AWS rejects such a policy, and the
//! intent (every role of an account, every role whose name starts with `deploy-`) needs a
//! different shape: name the account, or use `"AWS": "*"` with an `ArnLike` condition on
//! `aws:PrincipalArn`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:role/deploy-*"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*",
//!     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/deploy-*"}}
//!   }]
//! }
//! ```

use super::{PRINCIPAL_KINDS, has_wildcards, is_account_id, parse_arn};
use crate::policy::PrincipalType;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM503",
    name: "unsupported-wildcard-in-principal",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(PRINCIPAL_KINDS),
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_WILDCARD_IN_PRINCIPAL"],
    summary: "A principal value uses a wildcard where AWS accepts only exact values.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            for entry in principal.entries() {
                let Some(kind) = entry.kind else { continue };
                for s in entry.strings() {
                    if !has_wildcards(s.value) {
                        continue;
                    }
                    let message = match kind {
                        PrincipalType::Aws if s.value == "*" => continue,
                        PrincipalType::Aws => aws_message(s.value),
                        other => format!(
                            "`{}` values cannot contain wildcards: name each {} exactly (`{}` is rejected)",
                            other.key(),
                            match other {
                                PrincipalType::Service => "service principal",
                                PrincipalType::Federated => "identity provider",
                                _ => "canonical user id",
                            },
                            s.value
                        ),
                    };
                    out.push(Diag::new(s.span, message).in_statement(st.index));
                }
            }
        }
    }
}

fn aws_message(v: &str) -> String {
    match parse_arn(v) {
        Some(arn) if is_account_id(arn.account) => format!(
            "Principals do not match wildcards, so `{v}` is rejected: name the principals exactly, or name the account (`arn:{}:iam::{}:root`) and narrow it with an ArnLike condition on aws:PrincipalArn",
            arn.partition, arn.account
        ),
        _ => format!(
            "Principals do not match wildcards, so `{v}` is rejected: use \"*\" alone or exact ARNs and account ids"
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    fn findings(principal: &str) -> usize {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        );
        run_rule(
            "unsupported-wildcard-in-principal",
            &text,
            Some(PolicyKind::Resource),
        )
        .len()
    }

    #[test]
    fn flags_partial_wildcards_and_wildcards_in_other_types() {
        assert_eq!(findings(r#""*""#), 0);
        assert_eq!(findings(r#"{"AWS": "*"}"#), 0);
        assert_eq!(findings(r#"{"AWS": ["*", "123456789012"]}"#), 0);
        assert_eq!(findings(r#"{"Service": "s3.amazonaws.com"}"#), 0);
        assert_eq!(
            findings(r#"{"AWS": "arn:aws:iam::123456789012:role/*"}"#),
            1
        );
        assert_eq!(
            findings(r#"{"AWS": "arn:aws:iam::123456789012:user/bob?"}"#),
            1
        );
        assert_eq!(findings(r#"{"AWS": "arn:aws:iam::*:root"}"#), 1);
        assert_eq!(findings(r#"{"Service": "*"}"#), 1);
        assert_eq!(findings(r#"{"Service": "*.amazonaws.com"}"#), 1);
        assert_eq!(findings(r#"{"Federated": "*"}"#), 1);
        assert_eq!(findings(r#"{"CanonicalUser": "*"}"#), 1);
    }

    #[test]
    fn snapshot() {
        let text = r#"{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::123456789012:role/app/*", "arn:aws:iam::*:root"], "Service": "*"},
    "Action": "s3:GetObject",
    "Resource": "*"
  }]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "unsupported-wildcard-in-principal",
                text,
                Some(PolicyKind::Resource)
            )
        ));
    }
}
