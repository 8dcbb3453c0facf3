//! ## What it does
//! Flags `"Sid": ""` and offers to remove it.
//!
//! ## Why it matters
//! A Sid is optional; an empty one names nothing and only looks like an identifier that was
//! meant to be filled in. Give the statement a real Sid or remove the element.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
//! }
//! ```

use crate::rules::structure::remove_fix;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM023",
    name: "empty-sid",
    category: Category::Structure,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: EMPTY_SID_VALUE"],
    summary: "A `Sid` is the empty string.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(field) = &st.sid else { continue };
        let Some(sid) = field.ok() else { continue };
        if sid.terminated && sid.value.is_empty() {
            out.push(
                Diag::new(
                    sid.span,
                    "The Sid is empty, so it identifies nothing; name the statement or remove the Sid",
                )
                .in_statement(st.index)
                .with_fix(remove_fix(cx, "Remove the empty Sid", field.span)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "empty-sid";

    #[test]
    fn flags_and_removes_empty_sids() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    },\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": \"*\", \"Sid\": \"\"}\n  ]\n}";
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert_eq!(
            fixed,
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    },\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": \"*\"}\n  ]\n}"
        );
    }

    #[test]
    fn real_or_missing_sids_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Sid": " ", "Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
        assert!(run_rule(NAME, text, None).is_empty());
    }
}
