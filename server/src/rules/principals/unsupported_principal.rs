//! ## What it does
//! Flags `Principal` or `NotPrincipal` in a policy that is attached to an identity: an identity
//! policy, a permissions boundary or a session policy. (SCPs and RCPs have their own rules.)
//!
//! ## Why it matters
//! These policies apply to whoever they are attached to or passed for, so there is no principal
//! to name. IAM rejects the document. A `Principal` here often means a resource or trust policy
//! was pasted into the wrong place, or the file's kind is set wrong in `iam-ls.toml`.
//!
//! ## Example
//! ```json kind:identity
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:identity
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```

use super::member_removal;
use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM504",
    name: "unsupported-principal",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(&[
        PolicyKind::Identity,
        PolicyKind::PermissionsBoundary,
        PolicyKind::Session,
    ]),
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_PRINCIPAL"],
    summary: "Principal or NotPrincipal in an identity policy, permissions boundary or session policy.",
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
                        "A {} cannot name a principal: it applies to the identity it is attached to. Remove `{name}` (or set this file's kind in iam-ls.toml if it is a resource or trust policy)",
                        cx.kind.title()
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
    fn flags_in_identity_kinds_only() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "123456789012"}, "Action": "s3:GetObject", "Resource": "*"}]}"#;
        for kind in [
            PolicyKind::Identity,
            PolicyKind::PermissionsBoundary,
            PolicyKind::Session,
        ] {
            let found = run_rule("unsupported-principal", text, Some(kind));
            assert_eq!(found.len(), 1, "{kind}");
            let fixed = found[0].fixes[0].apply(text);
            assert!(
                run(&fixed, Some(kind))
                    .iter()
                    .all(|f| f.rule.name != "unsupported-principal"
                        && f.rule.name != "json-syntax"),
                "{fixed}"
            );
        }
        for kind in [
            PolicyKind::Resource,
            PolicyKind::RoleTrust,
            PolicyKind::KmsKey,
        ] {
            assert!(run_rule("unsupported-principal", text, Some(kind)).is_empty());
        }
    }

    #[test]
    fn snapshot() {
        let text = r#"{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}
  ]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule("unsupported-principal", text, Some(PolicyKind::Session))
        ));
    }
}
