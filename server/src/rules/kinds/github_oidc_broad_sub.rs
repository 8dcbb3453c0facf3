//! ## What it does
//! In a trust policy for GitHub Actions, flags a wildcard (`*` or `?`) in a value of the
//! `token.actions.githubusercontent.com:sub` condition, and says how far it reaches: every
//! repository (`repo:octo-org/*`, `*`) or every branch, tag, environment and pull request of one
//! repository (`repo:octo-org/octo-repo:*`).
//!
//! (Access Analyzer also warns when the subject names an environment rather than a branch;
//! iam-ls does not, since protected environments are GitHub's documented way to gate
//! deployments.)
//!
//! ## Why it matters
//! The `sub` claim is what ties the role to your code. A wildcard widens it to workflows you may
//! not review: any repository of the organization, or a workflow on any branch, where anyone
//! with write access can push a change that assumes the role.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {
//!       "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
//!       "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}
//!     }
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
//!     "Condition": {
//!       "StringEquals": {
//!         "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
//!         "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"
//!       }
//!     }
//!   }]
//! }
//! ```

use super::is_github_issuer;
use crate::catalog::operators::operator;
use crate::policy::{PolicyKind, Scalar};
use crate::rules::principals::{condition_entries, has_wildcards};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM609",
    name: "github-oidc-broad-sub",
    category: Category::Kinds,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED"],
    summary: "The GitHub Actions `sub` condition uses a wildcard.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for (block, entry) in condition_entries(st) {
            let is_github_sub =
                entry.key.name.rsplit_once(':').is_some_and(|(p, claim)| {
                    is_github_issuer(p) && claim.eq_ignore_ascii_case("sub")
                });
            if !is_github_sub || operator(block.operator.name).is_none_or(|op| op.negated()) {
                continue;
            }
            for v in entry.values() {
                let Scalar::String(s) = v else { continue };
                if !has_wildcards(s.value) {
                    continue;
                }
                out.push(Diag::new(s.span, message(s.value)).in_statement(st.index));
            }
        }
    }
}

fn message(v: &str) -> String {
    let repo = v
        .strip_prefix("repo:")
        .map(|rest| rest.split(':').next().unwrap_or(rest));
    match repo {
        Some(r) if !has_wildcards(r) && r.contains('/') => format!(
            "`{v}` lets a workflow on any branch, tag, environment or pull request of {r} assume this role: name the branch or environment (repo:{r}:ref:refs/heads/main)"
        ),
        _ => format!(
            "`{v}` lets workflows of more than one repository assume this role: name the repository and branch (repo:<org>/<repo>:ref:refs/heads/<branch>)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    fn count(op: &str, value: &str) -> usize {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"{op}": {{"token.actions.githubusercontent.com:sub": {value}}}}}}}]}}"#
        );
        run_rule("github-oidc-broad-sub", &text, Some(PolicyKind::RoleTrust)).len()
    }

    #[test]
    fn wildcards_only() {
        assert_eq!(
            count("StringEquals", r#""repo:o/r:ref:refs/heads/main""#),
            0
        );
        assert_eq!(count("StringEquals", r#""repo:o/r:environment:prod""#), 0);
        assert_eq!(count("StringLike", r#""repo:o/r:*""#), 1);
        assert_eq!(
            count(
                "StringLike",
                r#"["repo:o/*", "repo:o/r:ref:refs/heads/main"]"#
            ),
            1
        );
        assert_eq!(count("StringLike", r#""*""#), 1);
        assert_eq!(count("StringNotLike", r#""repo:o/r:*""#), 0);
    }

    #[test]
    fn snapshot() {
        let text = r#"{"Statement": [{
  "Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:octo-org/*", "repo:octo-org/app:*"]}}
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule("github-oidc-broad-sub", text, Some(PolicyKind::RoleTrust))
        ));
    }
}
