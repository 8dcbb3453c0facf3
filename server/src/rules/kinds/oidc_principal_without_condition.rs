//! ## What it does
//! In a role trust policy, flags an `Allow` statement that trusts an OIDC or web identity
//! provider (an `oidc-provider/...` ARN, `cognito-identity.amazonaws.com`,
//! `accounts.google.com`, ...) without any condition on that provider's claims
//! (`<provider>:aud`, `<provider>:sub`, ...). GitHub Actions has its own, stricter rule
//! (github-oidc-missing-sub).
//!
//! Any provider-specific claim key counts as the guard: Google's `accounts.google.com:sub`,
//! `:aud` and `:oaud`, CircleCI's `oidc.circleci.com/org/<ID>:sub` and `:aud`, an Oracle Cloud
//! Infrastructure (OCI) identity domain's `<domain host>:sub`, and so on. Keys are
//! `<issuer>:<claim>`, as the IAM User Guide's "Available keys for AWS OIDC federation" section
//! describes them, so the rule accepts any claim of the trusted issuer rather than a list of
//! claim names. STS's February 2026 update (validation of provider-specific claims from Google,
//! GitHub, CircleCI and OCI, announced at
//! <https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/>)
//! adds claims of that same form. The individual OCI and Google claim names were not verified
//! against AWS's pages (the search tool returned third-party summaries only), which is why no
//! list of them is kept.
//!
//! ## Why it matters
//! The provider signs tokens for every application and user it serves, not only yours. Without
//! a condition on the audience or subject, anyone who can get a token from the same provider (any
//! EKS workload on that cluster, any app on Google, any Cognito identity pool) can assume the
//! role.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
//!     "Action": "sts:AssumeRoleWithWebIdentity"
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
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {
//!       "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:payments:api",
//!       "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"
//!     }}
//!   }]
//! }
//! ```

use super::{is_claim_of, is_github_issuer, oidc_issuers};
use crate::policy::{Effect, PolicyKind};
use crate::rules::principals::condition_entries;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM607",
    name: "oidc-principal-without-condition",
    category: Category::Kinds,
    severity: Severity::SecurityWarning,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL"],
    summary: "An OIDC provider is trusted without a condition on its claims.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for (s, issuer) in oidc_issuers(st) {
            if is_github_issuer(issuer)
                || condition_entries(st).any(|(_, e)| is_claim_of(e.key.name, issuer))
            {
                continue;
            }
            out.push(
                Diag::new(
                    s.span,
                    format!(
                        "Anyone with a token from `{issuer}` can assume this role: add a condition on its claims, such as `{issuer}:aud` or `{issuer}:sub`"
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

    fn count(federated: &str, condition: &str) -> usize {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{federated}"}}, "Action": "sts:AssumeRoleWithWebIdentity"{condition}}}]}}"#
        );
        run_rule(
            "oidc-principal-without-condition",
            &text,
            Some(PolicyKind::RoleTrust),
        )
        .len()
    }

    #[test]
    fn provider_claims_silence_it() {
        assert_eq!(count("cognito-identity.amazonaws.com", ""), 1);
        assert_eq!(
            count(
                "cognito-identity.amazonaws.com",
                r#", "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:abc"}}"#
            ),
            0
        );
        assert_eq!(
            count(
                "accounts.google.com",
                r#", "Condition": {"StringEquals": {"aws:SourceIp": "1.2.3.4"}}"#
            ),
            1
        );
        // GitHub is left to github-oidc-missing-sub; SAML is not OIDC.
        assert_eq!(
            count(
                "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
                ""
            ),
            0
        );
        assert_eq!(count("arn:aws:iam::123456789012:saml-provider/Okta", ""), 0);
    }

    #[test]
    fn google_and_circleci_claim_keys_are_guards() {
        assert_eq!(
            count(
                "accounts.google.com",
                r#", "Condition": {"StringEquals": {"accounts.google.com:oaud": "x"}}"#
            ),
            0
        );
        let circleci = "arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/abc";
        assert_eq!(count(circleci, ""), 1);
        assert_eq!(
            count(
                circleci,
                r#", "Condition": {"StringEquals": {"oidc.circleci.com/org/abc:sub": "org/abc/project/p/user/u"}}"#
            ),
            0
        );
    }

    #[test]
    fn oci_identity_domain_claim_keys_are_guards() {
        let oci = "arn:aws:iam::123456789012:oidc-provider/idcs-0123456789abcdef.identity.oraclecloud.com";
        assert_eq!(count(oci, ""), 1);
        assert_eq!(
            count(
                oci,
                r#", "Condition": {"StringEquals": {"idcs-0123456789abcdef.identity.oraclecloud.com:sub": "ocid1.instance.oc1..example"}}"#
            ),
            0
        );
        // A claim of another issuer is no guard for this one.
        assert_eq!(
            count(
                oci,
                r#", "Condition": {"StringEquals": {"idcs-ffff.identity.oraclecloud.com:sub": "x"}}"#
            ),
            1
        );
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
  "Action": "sts:AssumeRoleWithWebIdentity"
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "oidc-principal-without-condition",
                text,
                Some(PolicyKind::RoleTrust)
            )
        ));
    }
}
