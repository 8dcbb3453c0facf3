//! ## What it does
//! Flags a value of `aws:SourceVpc` that cannot be a VPC ID and a value of `aws:SourceVpce` that
//! cannot be a VPC endpoint ID. The IDs are `vpc-` or `vpce-` followed by 8 or 17 lowercase
//! hexadecimal digits (`vpc-1a2b3c4d`, `vpce-0a1b2c3d4e5f67890`). With `StringLike` a pattern is
//! accepted when it can match some valid ID (`vpce-*`); values with policy variables are not
//! checked.
//!
//! ## Why it matters
//! These keys hold IDs, not names, ARNs or CIDR ranges. A value like `my-vpc`,
//! `arn:aws:ec2:...:vpc/vpc-1a2b3c4d` or `vpce-1a2b` never matches, so a "only from my VPC"
//! condition locks everyone out (Allow) or stops protecting anything (Deny with
//! `StringNotEquals`).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
//!     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-reports-endpoint"}}
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
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
//!     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}
//!   }]
//! }
//! ```

use super::{has_variable, ignores_case, items};
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM321",
    name: "invalid-vpc-id",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: INVALID_VPC_FORMAT",
        "Access Analyzer: INVALID_VPCE_FORMAT",
    ],
    summary: "An `aws:SourceVpc` or `aws:SourceVpce` value that is not a VPC or endpoint ID.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::String {
            continue;
        }
        let key = item.key();
        let (prefix, what, example) = if key.eq_ignore_ascii_case("aws:SourceVpc") {
            ("vpc-", "VPC ID", "vpc-1a2b3c4d")
        } else if key.eq_ignore_ascii_case("aws:SourceVpce") {
            ("vpce-", "VPC endpoint ID", "vpce-0a1b2c3d4e5f67890")
        } else {
            continue;
        };
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            if has_variable(text) {
                continue;
            }
            let compared = if ignores_case(&op) {
                text.to_ascii_lowercase()
            } else {
                text.to_string()
            };
            if can_match_id(&compared, prefix, op.wildcards()) {
                continue;
            }
            out.push(
                Diag::new(
                    value.span(),
                    format!(
                        "`{text}` is not a {what}, so `{key}` never equals it: write `{prefix}` followed by 8 or 17 lowercase hex digits, such as `{example}`"
                    ),
                )
                .in_statement(item.st.index),
            );
        }
    }
}

/// Whether `pattern` (with `*`/`?` as wildcards when `wildcards`) matches at least one ID made
/// of `prefix` and 8 or 17 lowercase hexadecimal digits.
pub(crate) fn can_match_id(pattern: &str, prefix: &str, wildcards: bool) -> bool {
    let prefix: Vec<char> = prefix.chars().collect();
    let plen = prefix.len();
    let states = plen + 18;
    // A state is how much of an ID has been read: `i < plen` prefix characters, or the prefix
    // and `s - plen` hex digits.
    let step = |s: usize, c: Option<char>| -> Option<usize> {
        if s < plen {
            (c.is_none() || c == Some(prefix[s])).then_some(s + 1)
        } else {
            let digits = s - plen;
            let hex = c.is_none_or(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
            (digits < 17 && hex).then_some(s + 1)
        }
    };
    let mut current = vec![false; states];
    current[0] = true;
    for c in pattern.chars() {
        let mut next = vec![false; states];
        for s in (0..states).filter(|&s| current[s]) {
            match c {
                '*' if wildcards => {
                    for t in next.iter_mut().skip(s) {
                        *t = true;
                    }
                }
                '?' if wildcards => {
                    if let Some(t) = step(s, None) {
                        next[t] = true;
                    }
                }
                c => {
                    if let Some(t) = step(s, Some(c)) {
                        next[t] = true;
                    }
                }
            }
        }
        if !next.contains(&true) {
            return false;
        }
        current = next;
    }
    current[plen + 8] || current[plen + 17]
}
