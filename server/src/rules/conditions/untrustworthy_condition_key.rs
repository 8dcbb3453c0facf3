//! ## What it does
//! Flags conditions on `aws:Referer` and `aws:UserAgent`. Both keys are copied from HTTP headers
//! that the caller writes, so they say what the client claims, not who or where it is.
//!
//! ## Why it matters
//! Anyone can send any `Referer` or `User-Agent` header with a plain HTTP client. An Allow that
//! depends on these keys admits whoever sends the expected text, and a Deny that depends on them
//! is avoided by sending something else. They are fine for steering well-behaved clients (such as
//! keeping other websites from embedding your images) but must not stand in for authentication:
//! use principals, `aws:SourceVpce`, `aws:SourceIp` or signed requests for that.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": "*",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::private-reports/*",
//!     "Condition": {"StringLike": {"aws:Referer": "https://intranet.example.com/*"}}
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
//!     "Principal": "*",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::private-reports/*",
//!     "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}
//!   }]
//! }
//! ```

use super::items;
use crate::policy::Effect;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM330",
    name: "untrustworthy-condition-key",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: UNTRUSTWORTHY_CONDITION_KEY"],
    summary: "A condition on `aws:Referer` or `aws:UserAgent`, which the caller can set freely.",
    check,
};

/// Keys whose value comes from a request header the caller writes.
const CALLER_SET_KEYS: &[(&str, &str)] =
    &[("aws:Referer", "Referer"), ("aws:UserAgent", "User-Agent")];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let key = item.key();
        let Some((_, header)) = CALLER_SET_KEYS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        else {
            continue;
        };
        let consequence = match item.effect() {
            Some(Effect::Deny) => "a caller avoids this Deny by sending a different value",
            _ => "anyone who sends the expected value passes this condition",
        };
        out.push(
            Diag::new(
                item.entry.key.span,
                format!(
                    "`{key}` is copied from the {header} header, which the caller writes: {consequence}; do not rely on it for access control"
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
