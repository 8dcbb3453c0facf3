//! ## What it does
//! Flags `"Principal": "*"` (the bare string) in a role trust policy.
//!
//! ## Why it matters
//! IAM rejects the bare wildcard in a trust policy. It would let any principal in any AWS
//! account assume the role, which is rarely meant; name the accounts, roles or services that
//! should assume it. (`{"AWS": "*"}` is accepted, but it opens the role to everyone unless a
//! condition such as `aws:PrincipalOrgID` narrows it.)
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": "*",
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
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM602",
    name: "role-trust-wildcard-principal",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"],
    summary: "A role trust policy uses the bare `\"Principal\": \"*\"`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(principal) = st.principal.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        if let crate::policy::Principal::Str(s) = principal
            && s.value == "*"
        {
            out.push(
                Diag::new(
                    s.span,
                    "Role trust policies reject \"Principal\": \"*\": name the accounts, roles or services that may assume this role",
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
    fn bare_wildcard_only() {
        let text = r#"{"Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
  {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}
]}"#;
        let found = run_rule(
            "role-trust-wildcard-principal",
            text,
            Some(PolicyKind::RoleTrust),
        );
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
        assert!(
            run_rule(
                "role-trust-wildcard-principal",
                text,
                Some(PolicyKind::Resource)
            )
            .is_empty()
        );
    }
}
