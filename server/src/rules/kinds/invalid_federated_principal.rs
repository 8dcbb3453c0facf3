//! ## What it does
//! In a role trust policy, checks each `Federated` principal: it must be the ARN of an IAM
//! SAML or OIDC identity provider (`arn:aws:iam::<account>:saml-provider/<name>`,
//! `arn:aws:iam::<account>:oidc-provider/<host>`) or the host name of a built-in web identity
//! provider (`cognito-identity.amazonaws.com`, `accounts.google.com`, `graph.facebook.com`,
//! `www.amazon.com`). Flags URLs with a scheme, ARNs of roles or users, malformed provider ARNs
//! and values that are neither.
//!
//! ## Why it matters
//! IAM rejects the trust policy when a federated principal is malformed. The usual slips are
//! pasting the provider URL (`https://token.actions.githubusercontent.com`) where its ARN
//! belongs, or putting a role ARN under `Federated` instead of `AWS`.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "https://accounts.google.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {"accounts.google.com:aud": "1234567890.apps.googleusercontent.com"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "accounts.google.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {"accounts.google.com:aud": "1234567890.apps.googleusercontent.com"}}
//!   }]
//! }
//! ```

use super::{is_host, is_valid_provider_arn};
use crate::policy::{PolicyKind, PrincipalType};
use crate::rules::principals::{has_variable, has_wildcards, is_account_id, parse_arn};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM604",
    name: "invalid-federated-principal",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY"],
    summary: "A Federated principal is neither an identity provider ARN nor a web identity domain.",
    check,
};

/// The web identity providers IAM knows by host name.
const WEB_IDENTITY_HOSTS: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            for (entry, s) in principal.values() {
                if entry.kind != Some(PrincipalType::Federated)
                    || !s.terminated
                    || has_wildcards(s.value)
                    || has_variable(s.value)
                {
                    continue;
                }
                let Some((message, fixed)) = problem(s.value) else {
                    continue;
                };
                let mut diag = Diag::new(s.span, message).in_statement(st.index);
                if let Some(fixed) = fixed {
                    diag = diag.with_fix(Fix::replace(
                        format!("Replace with `{fixed}`"),
                        s.content,
                        fixed,
                    ));
                }
                out.push(diag);
            }
        }
    }
}

fn problem(v: &str) -> Option<(String, Option<String>)> {
    if is_valid_provider_arn(v) || (!v.starts_with("arn:") && is_host(v)) {
        return None;
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = v.strip_prefix(scheme) {
            let host = rest.trim_end_matches('/');
            let known = WEB_IDENTITY_HOSTS
                .iter()
                .find(|h| h.eq_ignore_ascii_case(host));
            return Some(match known {
                Some(h) => (
                    format!("Name the provider without a scheme: `{h}`, not `{v}`"),
                    Some((*h).to_string()),
                ),
                None => (
                    format!(
                        "`{v}` is a URL: an OIDC provider is named by its IAM ARN, arn:aws:iam::<account>:oidc-provider/{host}"
                    ),
                    None,
                ),
            });
        }
    }
    if let Some(arn) = parse_arn(v) {
        let kind = arn.resource.split('/').next().unwrap_or("");
        let message = match (arn.service, kind) {
            ("iam" | "sts", "role" | "user" | "root" | "assumed-role" | "federated-user") => {
                format!(
                    "`{v}` is an IAM or STS principal, not an identity provider: it belongs under \"AWS\""
                )
            }
            ("iam", "saml-provider" | "oidc-provider") if !is_account_id(arn.account) => format!(
                "The account `{}` in `{v}` is not a 12-digit account id",
                arn.account
            ),
            ("iam", "saml-provider" | "oidc-provider") if !arn.region.is_empty() => {
                let fixed = format!(
                    "arn:{}:iam::{}:{}",
                    arn.partition, arn.account, arn.resource
                );
                return Some((
                    format!(
                        "Identity provider ARNs have no region: remove `{}`",
                        arn.region
                    ),
                    is_valid_provider_arn(&fixed).then_some(fixed),
                ));
            }
            _ => format!(
                "`{v}` is not an identity provider ARN: use arn:aws:iam::<account>:saml-provider/<name> or arn:aws:iam::<account>:oidc-provider/<host>"
            ),
        };
        return Some((message, None));
    }
    Some((
        format!(
            "`{v}` is not a federated principal: use the ARN of an IAM SAML or OIDC provider, or a web identity domain such as cognito-identity.amazonaws.com"
        ),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::problem;
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    #[test]
    fn accepts_providers_and_domains() {
        for ok in [
            "arn:aws:iam::123456789012:saml-provider/Okta",
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            "arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC",
            "cognito-identity.amazonaws.com",
            "accounts.google.com",
            "www.amazon.com",
        ] {
            assert!(problem(ok).is_none(), "{ok}");
        }
    }

    #[test]
    fn flags_and_fixes() {
        for (bad, fixed) in [
            ("https://accounts.google.com", Some("accounts.google.com")),
            ("https://token.actions.githubusercontent.com", None),
            ("arn:aws:iam::123456789012:role/Admin", None),
            ("arn:aws:iam::12345:saml-provider/Okta", None),
            (
                "arn:aws:iam:us-east-1:123456789012:saml-provider/Okta",
                Some("arn:aws:iam::123456789012:saml-provider/Okta"),
            ),
            ("arn:aws:iam::123456789012:saml-provider/", None),
            ("Okta", None),
        ] {
            let text = format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{bad}"}}, "Action": "sts:AssumeRoleWithSAML"}}]}}"#
            );
            let found = run_rule(
                "invalid-federated-principal",
                &text,
                Some(PolicyKind::RoleTrust),
            );
            assert_eq!(found.len(), 1, "{bad}");
            match fixed {
                Some(f) => {
                    let fix = &found[0].fixes[0];
                    assert_eq!(fix.edits[0].text, f);
                    let after = run(&fix.apply(&text), Some(PolicyKind::RoleTrust));
                    assert!(
                        after
                            .iter()
                            .all(|x| x.rule.name != "invalid-federated-principal")
                    );
                }
                None => assert!(found[0].fixes.is_empty(), "{bad}"),
            }
        }
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{
  "Effect": "Allow",
  "Principal": {"Federated": ["https://token.actions.githubusercontent.com", "arn:aws:iam::123456789012:role/Admin"]},
  "Action": "sts:AssumeRoleWithWebIdentity"
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "invalid-federated-principal",
                text,
                Some(PolicyKind::RoleTrust)
            )
        ));
    }
}
