//! ## What it does
//! In a role trust policy, flags an `Allow` statement that trusts the GitHub Actions OIDC
//! provider (`token.actions.githubusercontent.com`) without a condition on the `sub` claim
//! (`token.actions.githubusercontent.com:sub`), which names the repository and branch or
//! environment the workflow runs for. A condition on one of the provider-specific claims that
//! also pin the repository (`repository`, `repository_id`, `repository_owner_id`,
//! `job_workflow_ref`, `enterprise_id`, which STS evaluates since 2026) counts as well; one on
//! `environment`, `ref`, `workflow` or `actor` alone does not, as any repository can match it.
//!
//! It is an error: AWS now refuses to create such trust policies, and a check that passes CI
//! by default would let one through.
//!
//! ## Why it matters
//! GitHub issues tokens to workflows in every repository on github.com. A condition on `aud`
//! alone is the same for all of them, so without `sub` any GitHub user's workflow can assume the
//! role. This is one of the most common ways AWS accounts get taken over from CI.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
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
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {
//!       "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
//!       "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"
//!     }}
//!   }]
//! }
//! ```

use super::{is_github_issuer, oidc_issuers};
use crate::policy::{Effect, PolicyKind};
use crate::rules::principals::condition_entries;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM608",
    name: "github-oidc-missing-sub",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_GITHUB_REPO_CONDITION_KEY"],
    summary: "GitHub Actions OIDC is trusted without a condition on the `sub` claim.",
    check,
};

/// Claims that pin the repository (or its owner) and so guard the trust: `sub`, and the
/// provider-specific claim keys STS evaluates since 2026 (listed in the IAM data under `sts`).
/// `environment`, `ref`, `workflow` and `actor` alone do not: any repository can name an
/// environment `prod` or a workflow `deploy`.
const REPOSITORY_CLAIMS: &[&str] = &[
    "sub",
    "repository",
    "repository_id",
    "repository_owner_id",
    "job_workflow_ref",
    "enterprise_id",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for (s, issuer) in oidc_issuers(st) {
            if !is_github_issuer(issuer) {
                continue;
            }
            let has_sub = condition_entries(st).any(|(_, e)| {
                e.key.name.rsplit_once(':').is_some_and(|(p, claim)| {
                    p.eq_ignore_ascii_case(issuer)
                        && REPOSITORY_CLAIMS
                            .iter()
                            .any(|c| claim.eq_ignore_ascii_case(c))
                })
            });
            if has_sub {
                continue;
            }
            out.push(
                Diag::new(
                    s.span,
                    format!(
                        "Any GitHub repository's workflow can assume this role: add a condition on `{issuer}:sub` naming your repository and branch or environment (repo:<org>/<repo>:ref:refs/heads/<branch>)"
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
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}}, "Action": "sts:AssumeRoleWithWebIdentity"{condition}}}]}}"#
        );
        run_rule(
            "github-oidc-missing-sub",
            &text,
            Some(PolicyKind::RoleTrust),
        )
        .len()
    }

    #[test]
    fn sub_is_required() {
        assert_eq!(count(""), 1);
        assert_eq!(
            count(
                r#", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#
            ),
            1
        );
        assert_eq!(
            count(
                r#", "Condition": {"StringLike": {"Token.Actions.GithubUserContent.com:SUB": "repo:o/r:*"}}"#
            ),
            0
        );
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule("github-oidc-missing-sub", text, Some(PolicyKind::RoleTrust))
        ));
    }

    /// The provider-specific claim keys that pin the repository count as the guard; claims
    /// any repository can satisfy (environment) do not. Every accepted claim is a key the IAM
    /// data lists, so a rename in the data fails here.
    #[test]
    fn repository_claims_guard_too() {
        for claim in super::REPOSITORY_CLAIMS {
            let key = format!("token.actions.githubusercontent.com:{claim}");
            assert!(
                crate::catalog::catalog().condition_key(&key).is_some(),
                "{key}"
            );
            let cond = format!(r#", "Condition": {{"StringEquals": {{"{key}": "x"}}}}"#);
            assert_eq!(count(&cond), 0, "{claim}");
        }
        assert_eq!(
            count(
                r#", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:environment": "prod"}}"#
            ),
            1
        );
    }
}
