//! ## What it does
//! In a resource control policy, flags a `Principal` other than `"*"` (a quick fix replaces it)
//! and any `NotPrincipal`.
//!
//! ## Why it matters
//! An RCP applies to every request against the resources it covers, so AWS Organizations accepts
//! only the wildcard principal. Limit who is affected with conditions instead, for example
//! `aws:PrincipalOrgID` or `aws:PrincipalAccount`.
//!
//! ## Example
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
//!     "Action": "s3:*",
//!     "Resource": "*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": "*",
//!     "Condition": {
//!       "StringEquals": {"aws:PrincipalAccount": "111122223333"}
//!     }
//!   }]
//! }
//! ```

use crate::policy::{PolicyKind, Principal, PrincipalType};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM613",
    name: "rcp-principal",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_SYNTAX_ERROR_PRINCIPAL"],
    summary: "An RCP has a Principal other than \"*\", or a NotPrincipal.",
    check,
};

/// `"*"` or `{"AWS": "*"}` (the two spellings of everyone).
fn is_everyone(p: &Principal<'_>) -> bool {
    match p {
        Principal::Str(s) => s.value == "*",
        Principal::Map(m) => {
            m.entries.len() == 1
                && m.entries[0].kind == Some(PrincipalType::Aws)
                && m.entries[0]
                    .field
                    .ok()
                    .is_some_and(|l| l.is_only_wildcard())
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if let Some(field) = &st.not_principal {
            out.push(
                Diag::new(
                    field.key.span,
                    "RCPs do not accept NotPrincipal: use \"Principal\": \"*\" and a condition on aws:PrincipalArn or aws:PrincipalAccount",
                )
                .in_statement(st.index),
            );
        }
        let Some(field) = &st.principal else { continue };
        let Some(principal) = field.ok() else {
            continue;
        };
        if is_everyone(principal) {
            continue;
        }
        out.push(
            Diag::new(
                field.value_span,
                "RCPs accept only \"Principal\": \"*\": narrow the statement with conditions such as aws:PrincipalOrgID or aws:PrincipalAccount",
            )
            .in_statement(st.index)
            .with_fix(Fix::replace("Replace with \"*\"", field.value_span, "\"*\"")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    #[test]
    fn wildcard_only() {
        let text = r#"{"Statement": [
  {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
  {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"},
  {"Effect": "Deny", "Principal": {"AWS": "123456789012"}, "Action": "s3:*", "Resource": "*"},
  {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "s3:*", "Resource": "*"}
]}"#;
        let found = run_rule("rcp-principal", text, Some(PolicyKind::ResourceControl));
        assert_eq!(found.len(), 2);
        insta::assert_snapshot!(render(text, &found));
        let fixed = found[0].fixes[0].apply(text);
        assert_eq!(
            run(&fixed, Some(PolicyKind::ResourceControl))
                .iter()
                .filter(|f| f.rule.name == "rcp-principal" || f.rule.name == "json-syntax")
                .count(),
            1
        );
    }
}
