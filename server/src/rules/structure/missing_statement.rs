//! ## What it does
//! Flags a policy object without a `Statement` element.
//!
//! ## Why it matters
//! The statements are the policy: a document with only `Version` (or `Id`) allows and denies
//! nothing, and AWS rejects it. A document still being typed (without its closing brace) is
//! left alone.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17"
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
//! }
//! ```

use crate::rules::structure::opening;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};
use crate::syntax::NodeKind;

pub static RULE: Rule = Rule {
    code: "IAM005",
    name: "missing-statement",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_STATEMENT"],
    summary: "The policy has no `Statement`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(root) = cx.policy.root else { return };
    if !matches!(root.kind, NodeKind::Object { closed: true, .. }) {
        return;
    }
    if cx.policy.statement.is_none() {
        out.push(Diag::new(
            opening(root.span),
            "This policy has no `Statement`, so it allows and denies nothing; AWS rejects it. Add a `Statement` array",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "missing-statement";

    #[test]
    fn flags_a_policy_without_statements() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statements\": []\n}";
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
    }

    #[test]
    fn quiet_otherwise() {
        for text in [
            r#"{"Statement": []}"#,
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
            r#"{"Version": "2012-10-17","#,
            "",
            "[]",
        ] {
            assert!(run_rule(NAME, text, None).is_empty(), "{text}");
        }
    }
}
