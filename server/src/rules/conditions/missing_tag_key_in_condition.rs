//! ## What it does
//! Flags a tag condition key without the tag's name: `aws:ResourceTag`, `aws:RequestTag/`,
//! `aws:PrincipalTag`, `s3:ExistingObjectTag`, `ec2:ResourceTag`, ... These keys only exist with
//! a tag name after the slash, as in `aws:ResourceTag/project`.
//!
//! ## Why it matters
//! AWS rejects the policy: the key names no tag, so there is nothing to compare the values with.
//! To test which tag names a request carries, use `aws:TagKeys`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:StopInstances",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:ResourceTag": "project-a"}}
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
//!     "Action": "ec2:StopInstances",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:ResourceTag/project": "project-a"}}
//!   }]
//! }
//! ```

use super::{items, key_is_documented, slash_pattern_stems};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM307",
    name: "missing-tag-key-in-condition",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_TAG_KEY_IN_CONDITION"],
    summary: "A tag condition key without the tag name (`aws:ResourceTag` instead of `aws:ResourceTag/name`).",
    check,
};

/// Whether `key` is the stem of a tag-style pattern key (`aws:ResourceTag`, with or without a
/// trailing slash) and not a key in its own right.
pub(crate) fn lacks_tag_name(key: &str) -> bool {
    let stem = key.strip_suffix('/').unwrap_or(key);
    slash_pattern_stems()
        .iter()
        .any(|s| s.eq_ignore_ascii_case(stem))
        && !key_is_documented(key)
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let key = item.key();
        if !lacks_tag_name(key) {
            continue;
        }
        let stem = key.strip_suffix('/').unwrap_or(key);
        out.push(
            Diag::new(
                item.entry.key.span,
                format!(
                    "`{key}` names no tag, so AWS rejects the policy: add the tag's name, as in `{stem}/project`, or use `aws:TagKeys` to test which tag names a request carries"
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
