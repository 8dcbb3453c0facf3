//! ## What it does
//! Flags a condition value array that mixes JSON types, such as `["true", false]` or
//! `[10, "20"]`: every value of one key must be written with the same type. (Objects, arrays or
//! `null` inside the values are a different problem, reported by the structure rules.)
//!
//! ## Why it matters
//! Access Analyzer rejects such a condition as invalid. Pick one form: IAM compares condition
//! values as text, so strings (`"true"`, `"10"`) always work.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:RunInstances",
//!     "Resource": "*",
//!     "Condition": {"NumericLessThanEquals": {"ec2:VolumeSize": [100, "200"]}}
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
//!     "Action": "ec2:RunInstances",
//!     "Resource": "*",
//!     "Condition": {"NumericLessThanEquals": {"ec2:VolumeSize": ["100", "200"]}}
//!   }]
//! }
//! ```

use super::items;
use crate::policy::{JsonType, Scalar};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM316",
    name: "mixed-condition-value-types",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_CONDITION_DATA_TYPE"],
    summary: "Condition values of one key written with different JSON types.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let scalars: Vec<&Scalar<'_>> = item
            .values()
            .iter()
            .filter(|v| !matches!(v, Scalar::Invalid(_)))
            .collect();
        let Some(first) = scalars.first() else {
            continue;
        };
        let first_type = first.json_type();
        let Some(odd) = scalars.iter().find(|v| v.json_type() != first_type) else {
            continue;
        };
        let key = item.key();
        out.push(
            Diag::new(
                odd.span(),
                format!(
                    "The values of `{key}` mix {} and {}; all values of a key must have the same JSON type, so write them all as strings (IAM compares them as text)",
                    plural(first_type),
                    plural(odd.json_type())
                ),
            )
            .in_statement(item.st.index),
        );
    }
}

fn plural(t: JsonType) -> &'static str {
    match t {
        JsonType::String => "strings",
        JsonType::Number => "numbers",
        JsonType::Bool => "booleans",
        _ => "other values",
    }
}
