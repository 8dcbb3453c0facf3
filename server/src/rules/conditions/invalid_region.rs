//! ## What it does
//! Flags a value of `aws:RequestedRegion` that cannot be a Region code: `US-EAST-1` (codes are
//! lowercase and the string operators compare case-sensitively), `us-east` (no number),
//! `eu-west-1a` (an Availability Zone), `Ireland` or `us_east_1`. The nearest Region code is
//! offered as a quick fix.
//!
//! AWS opens new Regions regularly, so a value that has the shape of a Region code
//! (`xx-word-N`) is never reported, even when this build does not know it yet. Patterns with `*`
//! or `?` and values with policy variables are not checked.
//!
//! ## Why it matters
//! No request ever names such a Region, so a Region allow-list with the value allows nothing in
//! it, and a Region deny-list (`StringNotEquals`, the usual form in SCPs) denies the Region you
//! meant to keep open.
//!
//! ## Example
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "NotAction": ["iam:*", "sts:*", "organizations:*"],
//!     "Resource": "*",
//!     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "EU-CENTRAL-1"]}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "NotAction": ["iam:*", "sts:*", "organizations:*"],
//!     "Resource": "*",
//!     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}
//!   }]
//! }
//! ```

use super::{has_variable, has_wildcard, ignores_case, items, string_content};
use crate::catalog::operators::ValueType;
use crate::rules::regions;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM320",
    name: "invalid-region",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_REGION"],
    summary: "An `aws:RequestedRegion` value that cannot be a Region code.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::String
            || !item.key().eq_ignore_ascii_case("aws:RequestedRegion")
        {
            continue;
        }
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            if has_variable(text) || has_wildcard(text) {
                continue;
            }
            let as_compared = if ignores_case(&op) {
                text.to_ascii_lowercase()
            } else {
                text.to_string()
            };
            if regions::is_known(&as_compared) || regions::looks_like_region(&as_compared) {
                continue;
            }
            let near = regions::suggest(text);
            let mut message = format!(
                "`{text}` is not a Region code, so no request ever matches it; Region codes look like `us-east-1`"
            );
            if let Some(n) = near {
                message.push_str(&format!(": did you mean `{n}`?"));
            }
            let mut diag = Diag::new(value.span(), message).in_statement(item.st.index);
            if let (Some(n), Some(span)) = (near, string_content(cx.text, value)) {
                diag = diag.with_fix(Fix::replace(format!("Replace with `{n}`"), span, n));
            }
            out.push(diag);
        }
    }
}
