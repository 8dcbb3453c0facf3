//! ## What it does
//! Flags a statement that has both an element and its negation: `Action` and `NotAction`,
//! `Resource` and `NotResource`, or `Principal` and `NotPrincipal`.
//!
//! ## Why it matters
//! Each pair is mutually exclusive: a statement lists what it covers or what it excludes, never
//! both. AWS rejects the policy. The finding points at the second element of the pair; keep the
//! one that says what you mean.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Deny",
//!       "Action": "s3:*",
//!       "NotAction": "s3:GetObject",
//!       "Resource": "*"
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
//!       "Effect": "Deny",
//!       "NotAction": "s3:GetObject",
//!       "Resource": "*"
//!     }
//!   ]
//! }
//! ```

use crate::policy::Key;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM004",
    name: "unsupported-element-combination",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_ELEMENT_COMBINATION"],
    summary: "A statement has both an element and its `Not` form.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let pairs = [
            (
                st.action.as_ref().map(|f| f.key),
                st.not_action.as_ref().map(|f| f.key),
            ),
            (
                st.resource.as_ref().map(|f| f.key),
                st.not_resource.as_ref().map(|f| f.key),
            ),
            (
                st.principal.as_ref().map(|f| f.key),
                st.not_principal.as_ref().map(|f| f.key),
            ),
        ];
        for (plain, negated) in pairs {
            let (Some(plain), Some(negated)) = (plain, negated) else {
                continue;
            };
            let (first, second): (Key<'_>, Key<'_>) = if plain.span.start < negated.span.start {
                (plain, negated)
            } else {
                (negated, plain)
            };
            out.push(
                Diag::new(
                    second.span,
                    format!(
                        "A statement cannot have both `{}` and `{}`; AWS rejects the policy. Keep only the one you mean",
                        first.name, second.name
                    ),
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

    const RULE: &str = "unsupported-element-combination";

    #[test]
    fn flags_each_pair_at_its_second_element() {
        let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Principal": "*",
      "NotResource": "arn:aws:s3:::b/*",
      "Resource": "arn:aws:s3:::b",
      "Action": "s3:GetObject",
      "NotAction": "s3:PutObject"
    }
  ]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(RULE, text, Some(PolicyKind::Resource))
        ));
    }

    #[test]
    fn single_elements_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Deny", "NotAction": "s3:GetObject", "NotResource": "arn:aws:s3:::b"}
]}"#;
        assert!(run_rule(RULE, text, None).is_empty());
    }
}
