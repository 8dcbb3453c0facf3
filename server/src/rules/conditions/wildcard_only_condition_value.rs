//! ## What it does
//! Flags a `StringLike` or `StringNotLike` condition whose values include the bare pattern `*`.
//! Such a condition no longer tests the value, only whether the key is there, and the rule says
//! which of four things it boils down to:
//!
//! | Operator | Key present | Key absent | Same as |
//! |---|---|---|---|
//! | `StringLike`, `ForAnyValue:StringLike` | true | false | `"Null": {"key": "false"}` |
//! | `StringLikeIfExists`, `ForAllValues:StringLike(IfExists)`, `ForAnyValue:StringLikeIfExists` | true | true | nothing: always true |
//! | `StringNotLike(IfExists)`, `ForAllValues:StringNotLike(IfExists)`, `ForAnyValue:StringNotLikeIfExists` | false | true | `"Null": {"key": "true"}` |
//! | `ForAnyValue:StringNotLike` | false | false | nothing: never true, the statement never applies |
//!
//! ("Key present" means the request carries at least one value for the key.)
//!
//! ## Why it matters
//! A `*` pattern reads like a restriction but is not one. Writing the presence test with `Null`
//! says what the condition does; an always-true entry can be removed; and a never-true one makes
//! the whole statement dead, which is almost certainly a mistake.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:StartInstances",
//!     "Resource": "*",
//!     "Condition": {"StringLike": {"aws:ResourceTag/team": "*"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:StartInstances",
//!     "Resource": "*",
//!     "Condition": {"Null": {"aws:ResourceTag/team": "false"}}
//!   }]
//! }
//! ```

use super::{is_string_like, items};
use crate::catalog::operators::{OperatorInfo, SetQualifier};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM327",
    name: "wildcard-only-condition-value",
    category: Category::Conditions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: EQUIVALENT_TO_NULL_FALSE",
        "Access Analyzer: EQUIVALENT_TO_NULL_TRUE",
        "Access Analyzer: REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION",
        "Access Analyzer: REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION",
    ],
    summary: "A `StringLike`/`StringNotLike` condition on `*`, which only tests whether the key is present.",
    check,
};

/// What a condition whose values include `*` boils down to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// True exactly when the key is present: `Null` with `false`.
    NullFalse,
    /// True exactly when the key is absent: `Null` with `true`.
    NullTrue,
    /// Always true.
    Always,
    /// Never true.
    Never,
}

/// The outcome of a `*` pattern under `op` (a `StringLike`/`StringNotLike` operator).
pub(crate) fn outcome(op: &OperatorInfo) -> Outcome {
    let with_key = !op.negated();
    let without_key = match op.qualifier {
        _ if op.if_exists => true,
        Some(SetQualifier::ForAllValues) => true,
        Some(SetQualifier::ForAnyValue) => false,
        None => op.negated(),
    };
    match (with_key, without_key) {
        (true, false) => Outcome::NullFalse,
        (false, true) => Outcome::NullTrue,
        (true, true) => Outcome::Always,
        (false, false) => Outcome::Never,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if !is_string_like(&op) {
            continue;
        }
        let Some(star) = item.values().iter().find(|v| {
            v.text()
                .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c == '*'))
        }) else {
            continue;
        };
        // Without a qualifier a multi-valued key has no defined set semantics; that is
        // missing-qualifier's finding, not this one.
        if op.qualifier.is_none() && item.key_info(cx).is_some_and(|k| k.multivalued) {
            continue;
        }
        let key = item.key();
        let name = item.block.operator.name;
        let message = match outcome(&op) {
            Outcome::NullFalse => format!(
                "`{name}` with `*` only tests that `{key}` is present; say so with `\"Null\": {{\"{key}\": \"false\"}}`"
            ),
            Outcome::NullTrue => format!(
                "`{name}` with `*` only tests that `{key}` is absent; say so with `\"Null\": {{\"{key}\": \"true\"}}`"
            ),
            Outcome::Always => format!(
                "`{name}` with `*` is true whether or not `{key}` is present, so this entry restricts nothing and can be removed"
            ),
            Outcome::Never => format!(
                "`{name}` with `*` is never true (no value can fail to match `*`, and a missing key fails `ForAnyValue:`), so this statement never applies"
            ),
        };
        out.push(Diag::new(star.span(), message).in_statement(item.st.index));
    }
}
