//! ## What it does
//! Flags empty parts of a `Condition`: `"Condition": {}`, an operator with no keys
//! (`"StringEquals": {}`), and a key whose value list is empty (`"aws:SourceVpc": []`). For an
//! empty value list the message says what the condition then does, which depends on the
//! operator:
//!
//! | operator | request has no value for the key | request has a value |
//! |---|---|---|
//! | `StringEquals` (any positive operator) | no match | no match |
//! | `StringNotEquals` (any negated operator) | match | match |
//! | `StringEqualsIfExists` | match | no match |
//! | `ForAllValues:StringEquals` | match | no match |
//! | `ForAnyValue:StringEquals` | no match | no match |
//! | `ForAnyValue:StringNotEquals` | no match | match |
//!
//! So an empty list either disables the statement, or restricts nothing, or (with `IfExists`
//! and `ForAllValues:`) quietly turns the condition into "the key is absent".
//!
//! ## Why it matters
//! Empty values are nearly always a mistake: a list emptied by an edit or a template variable
//! that rendered nothing. The result is rarely what the operator's name suggests: for example
//! `ForAllValues:StringEquals` with no values is satisfied by every request that carries no
//! values at all, so an `Allow` guarded this way is open to requests without the key. Empty
//! objects restrict nothing and can simply be removed (the quick fix does so).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "ec2:CreateTags",
//!       "Resource": "*",
//!       "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": []}}
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
//!       "Action": "ec2:CreateTags",
//!       "Resource": "*",
//!       "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "project"]}}
//!     }
//!   ]
//! }
//! ```

use crate::catalog::operators::{self, KeyMissing, OperatorInfo, SetQualifier};
use crate::rules::structure::remove_fix;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM031",
    name: "empty-condition",
    category: Category::Structure,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: EMPTY_OBJECT_CONDITION",
        "Access Analyzer: EMPTY_ARRAY_CONDITION",
        "Access Analyzer: EMPTY_ARRAY_CONDITION_FORALLVALUES",
        "Access Analyzer: EMPTY_ARRAY_CONDITION_FORANYVALUE",
        "Access Analyzer: EMPTY_ARRAY_CONDITION_IFEXISTS",
    ],
    summary: "A `Condition`, an operator or a key's value list is empty.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(field) = &st.condition else { continue };
        let Some(cond) = field.ok() else { continue };
        if !cond.closed {
            continue;
        }
        if cond.blocks.is_empty() {
            out.push(
                Diag::new(
                    cond.span,
                    "`Condition` is empty, so it restricts nothing; remove it or add the conditions you meant",
                )
                .in_statement(st.index)
                .with_fix(remove_fix(cx, "Remove the empty Condition", field.span)),
            );
            continue;
        }
        for block in &cond.blocks {
            let op = block.operator.name;
            let Some(entries) = block.field.ok() else {
                continue;
            };
            if entries.is_empty() {
                if !object_closed(cx, block.field.value_span) {
                    continue;
                }
                // Removing the only operator would leave an empty Condition: remove it all.
                let fix = if cond.blocks.len() == 1 {
                    remove_fix(cx, "Remove the empty Condition", field.span)
                } else {
                    remove_fix(cx, format!("Remove the empty `{op}`"), block.field.span)
                };
                out.push(
                    Diag::new(
                        block.field.value_span,
                        format!("`{op}` has no condition keys, so it tests nothing; remove it or add keys"),
                    )
                    .in_statement(st.index)
                    .with_fix(fix),
                );
                continue;
            }
            let info = operators::operator(op);
            for entry in entries {
                let Some(list) = entry.field.ok() else {
                    continue;
                };
                if !(list.array && list.closed && list.items.is_empty()) {
                    continue;
                }
                let key = entry.key.name;
                let message = match info {
                    Some(info) if info.value_type() != operators::ValueType::Null => {
                        format!(
                            "`{key}` has no values, so this `{op}` condition {}; add values or remove the key",
                            outcome(&info, key)
                        )
                    }
                    _ => format!(
                        "`{key}` has no values, so `{op}` has nothing to compare; add values or remove the key"
                    ),
                };
                out.push(Diag::new(list.span, message).in_statement(st.index));
            }
        }
    }
}

/// What a condition with an empty value list does, from whether it matches when the request
/// lacks the key (the operator decides) and when it has values (only negated operators match:
/// no value is equal to, like, or inside an empty list).
fn outcome(info: &OperatorInfo, key: &str) -> String {
    let when_missing = info.when_key_missing() == KeyMissing::Matches;
    let when_present = info.negated();
    match (when_missing, when_present) {
        (false, false) => "never matches and the statement never applies".to_string(),
        (true, true) => "always matches and restricts nothing".to_string(),
        (true, false) => {
            let how = match info.qualifier {
                Some(SetQualifier::ForAllValues) => "`ForAllValues:` over no values",
                _ => "`IfExists`",
            };
            format!("matches only requests without `{key}` ({how} is satisfied by absence)")
        }
        (false, true) => format!("matches every request that has a `{key}` value, whatever it is"),
    }
}

/// True when the object at `span` has its closing brace (it is not still being typed).
fn object_closed(cx: &Context<'_>, span: crate::syntax::Span) -> bool {
    span.end > span.start && cx.text.as_bytes().get(span.end - 1) == Some(&b'}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "empty-condition";

    #[test]
    fn explains_each_operator_family() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {
    "StringEquals": {"aws:PrincipalOrgID": []},
    "StringNotEquals": {"aws:SourceVpc": []},
    "StringEqualsIfExists": {"aws:SourceVpce": []},
    "ForAllValues:StringEquals": {"aws:TagKeys": []},
    "ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": []},
    "ForAnyValue:StringNotEquals": {"aws:CalledVia": []},
    "Null": {"aws:TokenIssueTime": []},
    "StringEqualz": {"aws:username": []}
  }}
]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
    }

    #[test]
    fn empty_objects_are_removed_by_the_fix() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {}}},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {}, "Bool": {"aws:SecureTransport": "true"}}}
]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert_eq!(
            fixed,
            r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
]}"#
        );
    }

    #[test]
    fn filled_or_unfinished_conditions_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": ["a"]}, "Bool": {"aws:SecureTransport": "true"}}}]}"#;
        assert!(run_rule(NAME, text, None).is_empty());
        let typing = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"#;
        assert!(run_rule(NAME, typing, None).is_empty());
    }

    #[test]
    fn outcomes_follow_the_operator() {
        let o = |op: &str| outcome(&operators::operator(op).unwrap(), "k");
        assert!(o("StringEquals").starts_with("never"));
        assert!(o("ArnNotLike").starts_with("always"));
        assert!(o("StringNotEqualsIfExists").starts_with("always"));
        assert!(o("ForAllValues:StringNotEquals").starts_with("always"));
        assert!(o("StringLikeIfExists").starts_with("matches only requests without"));
        assert!(o("ForAllValues:StringLike").starts_with("matches only requests without"));
        assert!(o("ForAnyValue:StringLike").starts_with("never"));
        assert!(o("ForAnyValue:StringNotLike").starts_with("matches every request"));
    }
}
