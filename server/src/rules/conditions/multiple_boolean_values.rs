//! ## What it does
//! Flags a `Bool` condition on a single-valued key that lists more than one value, such as
//! `"aws:SecureTransport": ["true", "false"]`.
//!
//! ## Why it matters
//! A boolean key has one value per request, so a list of booleans is either redundant
//! (`["true", "true"]`) or matches every request that has the key (`["true", "false"]`), which is
//! rarely what was meant. Access Analyzer reports it as invalid. Keep the single value you mean.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "s3:*",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": ["false", "False"]}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "s3:*",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
//!   }]
//! }
//! ```

use super::items;
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM317",
    name: "multiple-boolean-values",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_CONDITION_MULTIPLE_BOOLEAN"],
    summary: "A `Bool` condition on a single-valued key with more than one value.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::Bool || op.qualifier.is_some() {
            continue;
        }
        let values = item.values();
        if values.len() < 2 {
            continue;
        }
        if item.key_info(cx).is_some_and(|k| k.multivalued) {
            continue;
        }
        let key = item.key();
        let texts: Vec<String> = values
            .iter()
            .filter_map(|v| v.text())
            .map(str::to_ascii_lowercase)
            .collect();
        let both = texts.iter().any(|t| t == "true") && texts.iter().any(|t| t == "false");
        let consequence = if both {
            "listing both `true` and `false` matches every request that has the key"
        } else {
            "the repeated value adds nothing"
        };
        out.push(
            Diag::new(
                item.entry.field.value_span,
                format!(
                    "`{key}` has one boolean value per request, so give `Bool` a single value: {consequence}"
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
