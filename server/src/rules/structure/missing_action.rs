//! ## What it does
//! Flags a statement with neither `Action` nor `NotAction`.
//!
//! ## Why it matters
//! A statement applies to the actions it lists (or to all but those it excludes); without
//! either it says nothing, and AWS rejects the policy. Statements still being typed (without
//! their closing brace) are left alone.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Resource": "arn:aws:s3:::examplebucket/*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}
//!   ]
//! }
//! ```

use crate::rules::structure::opening;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM012",
    name: "missing-action",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_ACTION"],
    summary: "A statement has neither `Action` nor `NotAction`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.closed && st.action.is_none() && st.not_action.is_none() {
            out.push(
                Diag::new(
                    opening(st.span),
                    "This statement has neither `Action` nor `NotAction`; AWS rejects it. List the actions it covers",
                )
                .in_statement(st.index),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{render, run_rule};

    const RULE: &str = "missing-action";

    #[test]
    fn flags_statements_without_actions() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "NoAction", "Effect": "Allow", "Resource": "*"},
  {"Effect": "Allow", "Action": [], "Resource": "*"},
  {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}
]}"#;
        insta::assert_snapshot!(render(text, &run_rule(RULE, text, None)));
    }

    #[test]
    fn quiet_while_typing() {
        let typing = r#"{"Statement": [{"Effect": "Allow", "Resource": "*""#;
        assert!(run_rule(RULE, typing, None).is_empty());
    }
}
