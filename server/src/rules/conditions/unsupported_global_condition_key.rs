//! ## What it does
//! Flags the condition key `aws:ARN`. It is not among the global condition keys a request
//! carries; use `aws:PrincipalArn` to test who is calling, or `aws:SourceArn` to test which
//! resource a service is acting for. Both are offered as quick fixes.
//!
//! ## Why it matters
//! Access Analyzer reports `aws:ARN` as unsupported (and as deprecated in favour of the two keys
//! above). A condition on a key the request does not carry behaves as if the value were missing:
//! `ArnEquals` never matches, so an Allow grants nothing, and `ArnNotEquals` always matches, so a
//! Deny hits everyone.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "s3:DeleteBucket",
//!     "Resource": "*",
//!     "Condition": {"ArnNotEquals": {"aws:ARN": "arn:aws:iam::123456789012:role/admin"}}
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
//!     "Action": "s3:DeleteBucket",
//!     "Resource": "*",
//!     "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/admin"}}
//!   }]
//! }
//! ```

use super::{items, key_content};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM306",
    name: "unsupported-global-condition-key",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: UNSUPPORTED_GLOBAL_CONDITION_KEY",
        "Access Analyzer: DEPRECATED_GLOBAL_CONDITION_KEY",
    ],
    summary: "`aws:ARN` is not a supported condition key; use `aws:PrincipalArn` or `aws:SourceArn`.",
    check,
};

/// Whether `key` is `aws:ARN` (in any case).
pub(crate) fn is_aws_arn(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:ARN")
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let key = item.key();
        if !is_aws_arn(key) {
            continue;
        }
        let mut diag = Diag::new(
            item.entry.key.span,
            format!(
                "`{key}` is not a supported condition key, so the condition acts as if the value were missing; use `aws:PrincipalArn` for the caller's ARN or `aws:SourceArn` for the resource a service acts for"
            ),
        )
        .in_statement(item.st.index);
        if let Some(span) = key_content(cx.text, &item.entry.key) {
            for replacement in ["aws:PrincipalArn", "aws:SourceArn"] {
                diag = diag.with_fix(Fix::replace(
                    format!("Replace with `{replacement}`"),
                    span,
                    replacement,
                ));
            }
        }
        out.push(diag);
    }
}
