//! ## What it does
//! Flags an `Allow` statement in a resource control policy unless it is the full-access form of
//! the default `RCPFullAWSAccess` policy: `"Principal": "*"`, `"Action": "*"`, `"Resource": "*"`
//! and no `Condition`.
//!
//! ## Why it matters
//! RCPs never grant access; they only set limits, and AWS Organizations accepts `Allow` solely in
//! the default full-access statement that it attaches everywhere. Any other `Allow` is rejected.
//! Express the limit as a `Deny` with the opposite condition.
//!
//! ## Example
//! ```json kind:rcp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
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
//!       "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
//!       "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}
//!     }
//!   }]
//! }
//! ```

use crate::policy::{Effect, PolicyKind, StrList};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM614",
    name: "rcp-allow",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: RCP_SYNTAX_ERROR_ALLOW"],
    summary: "An RCP has an Allow statement other than the full-access one.",
    check,
};

fn only_star(list: Option<&StrList<'_>>) -> bool {
    list.is_some_and(|l| l.is_only_wildcard())
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        let full_access = st.condition.is_none()
            && st.not_action.is_none()
            && st.not_resource.is_none()
            && st.not_principal.is_none()
            && st
                .principal
                .as_ref()
                .and_then(|f| f.ok())
                .is_some_and(|p| p.is_wildcard_string())
            && only_star(st.action.as_ref().and_then(|f| f.ok()))
            && only_star(st.resource.as_ref().and_then(|f| f.ok()));
        if full_access {
            continue;
        }
        let Some(effect) = &st.effect else { continue };
        out.push(
            Diag::new(
                effect.value_span,
                "RCPs accept Allow only as the default full-access statement (Principal, Action and Resource \"*\", no Condition): write this limit as a Deny statement",
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
    fn full_access_is_fine() {
        let text = r#"{"Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
  {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
  {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
]}"#;
        let found = run_rule("rcp-allow", text, Some(PolicyKind::ResourceControl));
        assert_eq!(found.len(), 2);
        insta::assert_snapshot!(render(text, &found));
    }
}
