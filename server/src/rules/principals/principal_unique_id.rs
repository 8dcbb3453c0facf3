//! ## What it does
//! Flags an `AWS` principal that is an IAM unique id instead of an ARN: `AROA…` (a role) or
//! `AIDA…` (a user).
//!
//! ## Why it matters
//! IAM stores a principal by its unique id and shows the ARN while the user or role exists. When
//! the user or role is deleted, the policy shows the bare id instead, and the statement grants
//! nothing: recreating a role with the same name gives it a new id, which this policy does not
//! trust. A unique id in a policy is almost always the trace of a deleted principal. Replace it
//! with the ARN of the principal you mean (and save the policy again after recreating a role).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "AROA1234567890EXAMPLE"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:role/ReportReader"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```

use super::{PRINCIPAL_KINDS, UniqueId, unique_id};
use crate::policy::PrincipalType;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM507",
    name: "principal-unique-id",
    category: Category::Principals,
    severity: Severity::Warning,
    kinds: Kinds::Only(PRINCIPAL_KINDS),
    since: "0.1.0",
    sources: &[
        "Access Analyzer: INVALID_ROLE_REFERENCE",
        "Access Analyzer: INVALID_USER_REFERENCE",
    ],
    summary: "A principal is a role or user unique id (AROA…, AIDA…), usually a deleted principal.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            for (entry, s) in principal.values() {
                if entry.kind != Some(PrincipalType::Aws) {
                    continue;
                }
                let Some(kind) = unique_id(s.value) else {
                    continue;
                };
                let what = match kind {
                    UniqueId::Role => "role",
                    UniqueId::User => "user",
                };
                out.push(
                    Diag::new(
                        s.span,
                        format!(
                            "`{}` is the unique id of an IAM {what}, which IAM shows in place of the ARN once the {what} is deleted; this entry matches no one. Use the {what}'s ARN",
                            s.value
                        ),
                    )
                    .in_statement(st.index),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    #[test]
    fn roles_and_users_only() {
        let text = r#"{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": ["AROA1234567890EXAMPLE", "AIDACKCEVSQ6C2EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "123456789012"]},
    "Action": "s3:GetObject",
    "Resource": "*"
  }]
}"#;
        let found = run_rule("principal-unique-id", text, Some(PolicyKind::Resource));
        assert_eq!(found.len(), 2);
        insta::assert_snapshot!(render(text, &found));
    }
}
