//! ## What it does
//! Flags an Allow statement that limits DynamoDB attributes with `dynamodb:Attributes` but has
//! no condition on `dynamodb:Select`.
//!
//! ## Why it matters
//! `dynamodb:Attributes` lists the attribute names a request asks for. A `Query` or `Scan` that
//! asks for no names but sets `Select` to `ALL_ATTRIBUTES` (or leaves the projection out) carries
//! no names at all, and `ForAllValues:` is satisfied by an empty set, so the request passes and
//! returns every attribute. Requiring `"dynamodb:Select": "SPECIFIC_ATTRIBUTES"` closes that gap.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": ["dynamodb:GetItem", "dynamodb:Query"],
//!     "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Customers",
//!     "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["CustomerId", "Name"]}}
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
//!     "Action": ["dynamodb:GetItem", "dynamodb:Query"],
//!     "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Customers",
//!     "Condition": {
//!       "ForAllValues:StringEquals": {"dynamodb:Attributes": ["CustomerId", "Name"]},
//!       "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
//!     }
//!   }]
//! }
//! ```

use super::items;
use crate::catalog::operators::ValueType;
use crate::policy::Effect;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM332",
    name: "dynamodb-attributes-without-select",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: DYNAMODB_ATTRIBUTES_WITHOUT_SELECT"],
    summary: "`dynamodb:Attributes` in an Allow without a `dynamodb:Select` condition.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if item.effect() != Some(Effect::Allow)
            || op.value_type() == ValueType::Null
            || !item.key().eq_ignore_ascii_case("dynamodb:Attributes")
        {
            continue;
        }
        let Some(condition) = item.st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        if condition
            .entries()
            .any(|(_, e)| e.key.name.eq_ignore_ascii_case("dynamodb:Select"))
        {
            continue;
        }
        out.push(
            Diag::new(
                item.entry.key.span,
                format!(
                    "`{}` only limits the attribute names a request lists; a query that lists none and selects all attributes still passes, so also require `\"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"`",
                    item.key()
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
