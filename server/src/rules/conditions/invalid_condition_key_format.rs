//! ## What it does
//! Flags a condition key that is not written `prefix:name`: no colon at all (`SourceIp`), nothing
//! before the colon (`:SourceIp`), nothing after it (`aws:`), or a prefix with spaces. When the
//! text is a global key without its `aws:` prefix, the quick fix adds it.
//!
//! ## Why it matters
//! Every condition key has a service (or `aws`) prefix and a name. AWS rejects a policy whose
//! key has another shape, so nothing in it takes effect.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"NotIpAddress": {"SourceIp": "203.0.113.0/24"}}
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
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
//!   }]
//! }
//! ```

use super::{items, key_content, split_key};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM303",
    name: "invalid-condition-key-format",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_CONDITION_KEY_FORMAT"],
    summary: "A condition key that is not written `prefix:name`.",
    check,
};

/// Whether `key` has the `prefix:name` shape.
pub(crate) fn well_formed(key: &str) -> bool {
    match split_key(key) {
        Some((prefix, name)) => {
            !prefix.is_empty() && !name.is_empty() && !prefix.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let key = item.key();
        if well_formed(key) {
            continue;
        }
        let suggestion = suggestion(cx, key);
        let mut message = format!(
            "`{key}` is not a condition key: keys are written `prefix:name` (such as `aws:SourceIp` or `s3:prefix`), and AWS rejects the policy otherwise"
        );
        if let Some(s) = &suggestion {
            message.push_str(&format!("; did you mean `{s}`?"));
        }
        let mut diag = Diag::new(item.entry.key.span, message).in_statement(item.st.index);
        if let (Some(s), Some(span)) = (suggestion, key_content(cx.text, &item.entry.key)) {
            diag = diag.with_fix(Fix::replace(format!("Replace with `{s}`"), span, s));
        }
        out.push(diag);
    }
}

/// A well-formed key the text probably meant: a global key without `aws:`, or a key whose colon
/// was typed as a dot.
fn suggestion(cx: &Context<'_>, key: &str) -> Option<String> {
    let trimmed = key.trim();
    if trimmed.is_empty() {
        return None;
    }
    let bare = trimmed.trim_start_matches(':');
    let mut candidates = vec![format!("aws:{bare}")];
    if let Some((prefix, name)) = trimmed.split_once('.') {
        candidates.push(format!("{prefix}:{name}"));
    }
    candidates.into_iter().find_map(|c| {
        let info = cx.catalog.condition_key(&c)?;
        let canonical = if info.via_pattern {
            c.clone()
        } else {
            info.name.to_string()
        };
        well_formed(&canonical).then_some(canonical)
    })
}
