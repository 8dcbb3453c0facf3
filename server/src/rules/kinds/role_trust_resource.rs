//! ## What it does
//! Flags `Resource` or `NotResource` in a role trust policy, with a fix that removes it.
//!
//! ## Why it matters
//! A trust policy is attached to the role it protects, so the resource is always that role. IAM
//! rejects a trust policy that names one. This usually comes from copying a permissions policy
//! statement into the trust relationship.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "ec2.amazonaws.com"},
//!     "Action": "sts:AssumeRole",
//!     "Resource": "*"
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
//!     "Principal": {"Service": "ec2.amazonaws.com"},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::principals::member_removal;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM603",
    name: "role-trust-resource",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"],
    summary: "A role trust policy names a Resource or NotResource.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.resource, &st.not_resource].into_iter().flatten() {
            let name = field.key.name;
            out.push(
                Diag::new(
                    field.key.span,
                    format!(
                        "Role trust policies cannot have `{name}`: the resource is always the role the policy is attached to. Remove it"
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
    fn removes_cleanly() {
        let text = r#"{"Statement": [{"Resource": "*", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "NotResource": ["arn:aws:iam::123456789012:role/x"], "Action": "sts:AssumeRole"}]}"#;
        let found = run_rule("role-trust-resource", text, Some(PolicyKind::RoleTrust));
        assert_eq!(found.len(), 2);
        insta::assert_snapshot!(render(text, &found));
        let mut fixed = text.to_string();
        // Apply the later edit first so the earlier span stays valid.
        for f in found.iter().rev() {
            fixed = f.fixes[0].apply(&fixed);
        }
        let after = run(&fixed, Some(PolicyKind::RoleTrust));
        assert!(
            after
                .iter()
                .all(|f| f.rule.name != "role-trust-resource" && f.rule.name != "json-syntax"),
            "{fixed}"
        );
        assert!(run_rule("role-trust-resource", text, Some(PolicyKind::Resource)).is_empty());
    }
}
