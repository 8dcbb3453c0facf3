//! ## What it does
//! Flags a policy without a `Version` element and offers to add `"Version": "2012-10-17"`.
//!
//! ## Why it matters
//! Without `Version`, AWS reads the policy with the rules of the old `2008-10-17` language. The
//! policy is accepted, but policy variables such as `${aws:username}` are not substituted: they
//! are compared as the literal text `${aws:username}`, so a statement that looks scoped to the
//! caller matches nothing (or, under a negated operator, everything).
//!
//! ## Example
//! ```json
//! {
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::home/${aws:username}/*"
//!     }
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::home/${aws:username}/*"
//!     }
//!   ]
//! }
//! ```

use crate::rules::structure::{insert_version_fix, opening};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};
use crate::syntax::NodeKind;

pub static RULE: Rule = Rule {
    code: "IAM007",
    name: "missing-version",
    category: Category::Structure,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_VERSION"],
    summary: "The policy has no `Version`, so policy variables are read as plain text.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(root) = cx.policy.root else { return };
    if !matches!(root.kind, NodeKind::Object { .. }) || cx.policy.version.is_some() {
        return;
    }
    let mut diag = Diag::new(
        opening(root.span),
        "This policy has no `Version`, so AWS applies the 2008-10-17 rules, where `${...}` policy variables are plain text; add \"Version\": \"2012-10-17\"",
    );
    if let Some(fix) = insert_version_fix(cx) {
        diag = diag.with_fix(fix);
    }
    out.push(diag);
}

#[cfg(test)]
mod tests {
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "missing-version";

    #[test]
    fn flags_and_inserts_the_version() {
        let text = "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}";
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert_eq!(
            fixed,
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}"
        );
        let compact = r#"{"Statement": []}"#;
        assert_eq!(
            apply_all_fixes(NAME, compact, None),
            r#"{"Version": "2012-10-17", "Statement": []}"#
        );
        assert_eq!(
            apply_all_fixes(NAME, "{}", None),
            r#"{"Version": "2012-10-17"}"#
        );
    }

    #[test]
    fn quiet_with_any_version_or_no_object() {
        for text in [
            r#"{"Version": "2012-10-17", "Statement": []}"#,
            r#"{"Version": "2008-10-17", "Statement": []}"#,
            r#"{"Version": 5, "Statement": []}"#,
            "[]",
            "",
        ] {
            assert!(run_rule(NAME, text, None).is_empty(), "{text}");
        }
    }
}
