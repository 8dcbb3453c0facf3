//! ## What it does
//! Flags `Principal` or `NotPrincipal` in a service control policy, with a fix that removes it.
//!
//! ## Why it matters
//! An SCP applies to every IAM user and role in the accounts it is attached to; it has no
//! principal of its own, and AWS Organizations rejects an SCP that names one. To exempt some
//! roles, use a condition such as `ArnNotLike` on `aws:PrincipalArn`.
//!
//! ## Example
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": "organizations:LeaveOrganization",
//!     "Resource": "*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "organizations:LeaveOrganization",
//!     "Resource": "*"
//!   }]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::principals::member_removal;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM612",
    name: "scp-principal",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ServiceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: SCP_SYNTAX_ERROR_PRINCIPAL"],
    summary: "An SCP names a Principal or NotPrincipal.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let name = field.key.name;
            out.push(
                Diag::new(
                    field.key.span,
                    format!(
                        "SCPs cannot name a principal: they apply to every user and role in the accounts they are attached to. Remove `{name}` and exempt principals with a condition on aws:PrincipalArn if needed"
                    ),
                )
                .in_statement(st.index)
                .with_fix(Fix::replace(
                    format!("Remove `{name}`"),
                    member_removal(cx.text, field.span),
                    "",
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    #[test]
    fn scps_only() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/Admin"}}]}"#;
        let found = run_rule("scp-principal", text, Some(PolicyKind::ServiceControl));
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
        let fixed = found[0].fixes[0].apply(text);
        assert!(
            run(&fixed, Some(PolicyKind::ServiceControl))
                .iter()
                .all(|f| f.rule.name != "scp-principal" && f.rule.name != "json-syntax")
        );
        assert!(run_rule("scp-principal", text, Some(PolicyKind::Resource)).is_empty());
    }
}
