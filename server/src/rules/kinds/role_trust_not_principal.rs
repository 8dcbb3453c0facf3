//! ## What it does
//! Flags `NotPrincipal` in a role trust policy.
//!
//! ## Why it matters
//! A trust policy says who may assume the role, and IAM accepts only a positive list there: it
//! rejects `NotPrincipal`. (In an `Allow` it would also mean "everyone except", which is never
//! what a trust policy should say.) Name the principals in `Principal`; to exclude someone, add
//! a `Deny` statement with `Principal` and a condition.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/intern"},
//!     "Action": "sts:AssumeRole"
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
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:role/Deployer"},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM601",
    name: "role-trust-not-principal",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL"],
    summary: "A role trust policy uses NotPrincipal.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if let Some(field) = &st.not_principal {
            out.push(
                Diag::new(
                    field.key.span,
                    "Role trust policies do not accept NotPrincipal: list who may assume the role in Principal (and exclude principals with a Deny statement if needed)",
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

    #[test]
    fn trust_policies_only() {
        let text = r#"{"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}"#;
        let found = run_rule(
            "role-trust-not-principal",
            text,
            Some(PolicyKind::RoleTrust),
        );
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
        assert!(run_rule("role-trust-not-principal", text, Some(PolicyKind::Resource)).is_empty());
        let ok = text.replace("NotPrincipal", "Principal");
        assert!(run_rule("role-trust-not-principal", &ok, Some(PolicyKind::RoleTrust)).is_empty());
    }
}
