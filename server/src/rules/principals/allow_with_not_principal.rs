//! ## What it does
//! Flags `NotPrincipal` in an `Allow` statement of a resource, KMS key or VPC endpoint policy.
//!
//! ## Why it matters
//! `"Effect": "Allow"` with `NotPrincipal` grants the actions to every principal except the ones
//! listed: any AWS account, and anonymous callers too. That is almost never the intent, and it
//! is hard to spot because the statement reads like a list of who is allowed. Name the
//! principals to allow in `Principal` instead.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/Auditor"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:role/Reader"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```

use crate::policy::{Effect, PolicyKind};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM508",
    name: "allow-with-not-principal",
    category: Category::Principals,
    severity: Severity::SecurityWarning,
    kinds: Kinds::Only(&[
        PolicyKind::Resource,
        PolicyKind::KmsKey,
        PolicyKind::VpcEndpoint,
    ]),
    since: "0.1.0",
    sources: &["Access Analyzer: ALLOW_WITH_NOT_PRINCIPAL"],
    summary: "An Allow statement with NotPrincipal grants access to everyone not listed.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(field) = &st.not_principal else {
            continue;
        };
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        out.push(
            Diag::new(
                field.key.span,
                "Allow with NotPrincipal grants these actions to every principal except the ones listed, including other accounts and anonymous callers: name the principals to allow in Principal instead",
            )
            .in_statement(st.index),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    #[test]
    fn allow_only() {
        let text = r#"{
  "Statement": [
    {"Effect": "Allow", "NotPrincipal": {"AWS": "123456789012"}, "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "s3:GetObject", "Resource": "*"}
  ]
}"#;
        let found = run_rule("allow-with-not-principal", text, Some(PolicyKind::Resource));
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
        assert!(
            run_rule(
                "allow-with-not-principal",
                text,
                Some(PolicyKind::RoleTrust)
            )
            .is_empty()
        );
    }
}
