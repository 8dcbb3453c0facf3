//! ## What it does
//! Flags an `s3:prefix` condition used to keep something out: in a Deny with a matching operator
//! (`StringLike`, `StringEquals`), or in an Allow with a negated one (`StringNotLike`,
//! `StringNotEquals`).
//!
//! ## Why it matters
//! `s3:prefix` is the prefix the caller asks `ListBucket` for, not the keys that come back. A
//! Deny on `"s3:prefix": "secret/*"` stops `?prefix=secret/`, but a listing with `prefix=sec`, or
//! with no prefix at all, still returns every `secret/` key. Negative rules on the prefix are
//! bypassed by asking for less. Grant listing only for the prefixes you want (Allow with
//! `StringLike`), or deny unless the prefix is one of them (Deny with `StringNotLike`).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "s3:ListBucket",
//!     "Resource": "arn:aws:s3:::reports",
//!     "Condition": {"StringLike": {"s3:prefix": "confidential/*"}}
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
//!     "Action": "s3:ListBucket",
//!     "Resource": "arn:aws:s3:::reports",
//!     "Condition": {"StringNotLike": {"s3:prefix": ["public/", "public/*"]}}
//!   }]
//! }
//! ```

use super::items;
use crate::catalog::operators::ValueType;
use crate::policy::Effect;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM333",
    name: "s3-prefix-in-negative-context",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: S3_PREFIX_IN_NEGATIVE_CONTEXT"],
    summary: "`s3:prefix` used to exclude listings, which a shorter prefix bypasses.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() == ValueType::Null || !item.key().eq_ignore_ascii_case("s3:prefix") {
            continue;
        }
        let how = match (item.effect(), op.negated()) {
            (Some(Effect::Deny), false) => "denying listings whose prefix matches",
            (Some(Effect::Allow), true) => "allowing listings unless the prefix matches",
            _ => continue,
        };
        out.push(
            Diag::new(
                item.entry.key.span,
                format!(
                    "`s3:prefix` is the prefix the caller asks for, so {how} is bypassed by asking for a shorter prefix or none, which lists the same keys; allow only the prefixes you want instead"
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
