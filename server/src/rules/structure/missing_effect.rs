//! ## What it does
//! Flags a statement without an `Effect`.
//!
//! ## Why it matters
//! Every statement must say whether it allows or denies; there is no default. AWS rejects a
//! policy with a statement that has no `Effect`. Statements still being typed (without their
//! closing brace) are left alone.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}]
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
    code: "IAM011",
    name: "missing-effect",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_EFFECT"],
    summary: "A statement has no `Effect`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.closed && st.effect.is_none() {
            out.push(
                Diag::new(
                    opening(st.span),
                    "This statement has no `Effect`; AWS rejects it. Add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
                )
                .in_statement(st.index),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{render, run_rule};

    const RULE: &str = "missing-effect";

    #[test]
    fn flags_statements_without_effect() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "One", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {}
]}"#;
        insta::assert_snapshot!(render(text, &run_rule(RULE, text, None)));
    }

    #[test]
    fn quiet_on_present_or_unfinished_effect() {
        let wrong_type = r#"{"Statement": [{"Effect": 1, "Action": "*", "Resource": "*"}]}"#;
        assert!(run_rule(RULE, wrong_type, None).is_empty());
        let typing = r#"{"Statement": [{"Action": "*", "Resource": "*""#;
        assert!(run_rule(RULE, typing, None).is_empty());
    }
}
