//! ## What it does
//! Flags a `Federated` principal outside a role trust policy: in a resource policy, a KMS key
//! policy or a VPC endpoint policy.
//!
//! ## Why it matters
//! An identity provider (SAML or OIDC) is trusted only to assume a role: users who sign in
//! through it act as that role's session. Resource policies never see the provider itself, so
//! AWS rejects `Federated` there. Grant access to the role the federated users assume instead.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
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
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:role/OktaUsers"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```

use crate::policy::{PolicyKind, PrincipalType};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM505",
    name: "federated-principal-not-supported",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(&[
        PolicyKind::Resource,
        PolicyKind::KmsKey,
        PolicyKind::VpcEndpoint,
    ]),
    since: "0.1.0",
    sources: &["Access Analyzer: FEDERATED_PRINCIPAL_NOT_SUPPORTED"],
    summary: "A Federated principal outside a role trust policy.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            for entry in principal.entries() {
                if entry.kind != Some(PrincipalType::Federated) {
                    continue;
                }
                out.push(
                    Diag::new(
                        entry.key.span,
                        format!(
                            "Federated principals are accepted only in role trust policies, not in a {}: grant access to the role that the federated users assume",
                            cx.kind.title()
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
    use crate::rules::testing::{render, run_rule};

    const TEXT: &str = r#"{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": "*"
  }]
}"#;

    #[test]
    fn only_outside_trust_policies() {
        assert!(
            run_rule(
                "federated-principal-not-supported",
                TEXT,
                Some(PolicyKind::RoleTrust)
            )
            .is_empty()
        );
        assert_eq!(
            run_rule(
                "federated-principal-not-supported",
                TEXT,
                Some(PolicyKind::KmsKey)
            )
            .len(),
            1
        );
        let aws = TEXT.replace("Federated", "AWS");
        assert!(
            run_rule(
                "federated-principal-not-supported",
                &aws,
                Some(PolicyKind::Resource)
            )
            .is_empty()
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(
            TEXT,
            &run_rule(
                "federated-principal-not-supported",
                TEXT,
                Some(PolicyKind::Resource)
            )
        ));
    }
}
