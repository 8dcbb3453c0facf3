//! ## What it does
//! In a role trust policy, flags an assume-role action that does not fit the statement's
//! identity providers: `sts:AssumeRoleWithWebIdentity` for a SAML provider, or
//! `sts:AssumeRoleWithSAML` for an OIDC or web identity provider. A quick fix swaps in the right
//! action.
//!
//! ## Why it matters
//! STS lets a SAML assertion in only through `AssumeRoleWithSAML` and an OIDC token only through
//! `AssumeRoleWithWebIdentity`. With the other action the statement can never match, so
//! federated sign-in fails with AccessDenied while the policy looks right.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
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
//!     "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"},
//!     "Action": "sts:AssumeRoleWithSAML",
//!     "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
//!   }]
//! }
//! ```

use super::{Provider, action_covers, provider};
use crate::policy::{Effect, PolicyKind, PrincipalType};
use crate::rules::principals::principal_values;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM605",
    name: "mismatched-action-for-principal",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: MISMATCHED_ACTION_FOR_PRINCIPAL"],
    summary: "A SAML provider with AssumeRoleWithWebIdentity, or an OIDC provider with AssumeRoleWithSAML.",
    check,
};

const SAML: &str = "sts:AssumeRoleWithSAML";
const WEB: &str = "sts:AssumeRoleWithWebIdentity";

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        let (mut saml, mut oidc, mut other) = (0, 0, 0);
        for s in principal_values(st, PrincipalType::Federated) {
            match provider(s.value) {
                Some(Provider::Saml) => saml += 1,
                Some(Provider::Oidc { .. }) => oidc += 1,
                None => other += 1,
            }
        }
        let (wrong, right, what) = match (saml, oidc, other) {
            (1.., 0, 0) => (WEB, SAML, "a SAML provider"),
            (0, 1.., 0) => (SAML, WEB, "an OIDC provider"),
            _ => continue,
        };
        let has_right = action_covers(st, right);
        for a in st.actions() {
            if !a.value.eq_ignore_ascii_case(wrong) {
                continue;
            }
            let mut diag = Diag::new(
                a.span,
                format!(
                    "`{}` never matches for {what}: STS accepts its sign-ins only through {right}",
                    a.value
                ),
            )
            .in_statement(st.index);
            if !has_right {
                diag = diag.with_fix(Fix::replace(
                    format!("Replace with `{right}`"),
                    a.content,
                    right,
                ));
            }
            out.push(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    fn policy(federated: &str, action: &str) -> String {
        format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": {federated}}}, "Action": {action}}}]}}"#
        )
    }

    #[test]
    fn pairs() {
        let saml = r#""arn:aws:iam::123456789012:saml-provider/Okta""#;
        let oidc =
            r#""arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com""#;
        let count = |f: &str, a: &str| {
            run_rule(
                "mismatched-action-for-principal",
                &policy(f, a),
                Some(PolicyKind::RoleTrust),
            )
            .len()
        };
        assert_eq!(count(saml, r#""sts:AssumeRoleWithWebIdentity""#), 1);
        assert_eq!(count(saml, r#""sts:AssumeRoleWithSAML""#), 0);
        assert_eq!(count(oidc, r#""sts:assumerolewithsaml""#), 1);
        assert_eq!(count(oidc, r#""sts:AssumeRoleWithWebIdentity""#), 0);
        assert_eq!(
            count(
                r#""cognito-identity.amazonaws.com""#,
                r#""sts:AssumeRoleWithSAML""#
            ),
            1
        );
        // Mixed providers: no judgement.
        assert_eq!(
            count(&format!("[{saml}, {oidc}]"), r#""sts:AssumeRoleWithSAML""#),
            0
        );
        // Wildcards cover both; not flagged.
        assert_eq!(count(saml, r#""sts:AssumeRole*""#), 0);
    }

    #[test]
    fn fix_applies_unless_the_right_action_is_there() {
        let saml = r#""arn:aws:iam::123456789012:saml-provider/Okta""#;
        let text = policy(
            saml,
            r#"["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]"#,
        );
        let found = run_rule(
            "mismatched-action-for-principal",
            &text,
            Some(PolicyKind::RoleTrust),
        );
        let fixed = found[0].fixes[0].apply(&text);
        assert!(
            run(&fixed, Some(PolicyKind::RoleTrust))
                .iter()
                .all(|f| f.rule.name != "mismatched-action-for-principal")
        );
        let both = policy(
            saml,
            r#"["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]"#,
        );
        let found = run_rule(
            "mismatched-action-for-principal",
            &both,
            Some(PolicyKind::RoleTrust),
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].fixes.is_empty());
        insta::assert_snapshot!(render(
            &text,
            &run_rule(
                "mismatched-action-for-principal",
                &text,
                Some(PolicyKind::RoleTrust)
            )
        ));
    }
}
