//! ## What it does
//! Flags `NotAction` in a resource control policy.
//!
//! ## Why it matters
//! RCPs only cover a fixed set of services, and AWS Organizations requires each statement to list
//! the actions it limits; it rejects `NotAction`. List the actions to deny in `Action` (a service
//! wildcard such as `s3:*` is accepted).
//!
//! ## Example
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "NotAction": "s3:GetObject",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
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
//!     "Action": ["s3:PutObject", "s3:DeleteObject"],
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
//!   }]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM615",
    name: "rcp-not-action",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_SYNTAX_ERROR_NOTACTION"],
    summary: "An RCP uses NotAction.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if let Some(field) = &st.not_action {
            out.push(
                Diag::new(
                    field.key.span,
                    "RCPs do not accept NotAction: list the actions to limit in Action",
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
    fn rcp_only() {
        let text = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}]}"#;
        let found = run_rule("rcp-not-action", text, Some(PolicyKind::ResourceControl));
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
        assert!(run_rule("rcp-not-action", text, Some(PolicyKind::Resource)).is_empty());
    }
}
