//! ## What it does
//! Flags an `aws:` condition key that is not a global condition key, such as `aws:SourceIP4` or
//! `aws:PrincipleTag/team`, and offers the nearest real key as a quick fix. Names are compared
//! ignoring case, as IAM does.
//!
//! `aws:ARN` is reported by [unsupported-global-condition-key](unsupported-global-condition-key.md)
//! and a tag key without a tag name (`aws:ResourceTag`) by
//! [missing-tag-key-in-condition](missing-tag-key-in-condition.md).
//!
//! ## Why it matters
//! AWS rejects a policy that names a global key that does not exist. Even where a tool lets it
//! through, a key the request never carries makes the condition behave as if the value were
//! missing: `StringEquals` never matches and `StringNotEquals` always does.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:StartInstances",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:PrincipleTag/team": "ops"}}
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
//!     "Action": "ec2:StartInstances",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}
//!   }]
//! }
//! ```

use super::missing_tag_key_in_condition::lacks_tag_name;
use super::unsupported_global_condition_key::is_aws_arn;
use super::{items, key_content, nearest, split_key};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM304",
    name: "invalid-global-condition-key",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_GLOBAL_CONDITION_KEY"],
    summary: "An `aws:` condition key that is not a global condition key.",
    check,
};

/// Global keys AWS uses in its own managed policies that the reference data does not list.
const UNLISTED_GLOBAL_KEYS: &[&str] = &["aws:PrincipalOrgMasterAccountId"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let key = item.key();
        let Some((prefix, name)) = split_key(key) else {
            continue;
        };
        if !prefix.eq_ignore_ascii_case("aws")
            || name.is_empty()
            || cx.catalog.condition_key(key).is_some()
            || is_aws_arn(key)
            || lacks_tag_name(key)
            || UNLISTED_GLOBAL_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        let near = suggestion(cx, key);
        let message = match &near {
            Some(s) => format!(
                "`{key}` is not a global condition key: did you mean `{s}`? AWS rejects a policy with an unknown `aws:` key"
            ),
            None => format!(
                "`{key}` is not a global condition key, so AWS rejects the policy; check the spelling against the list of `aws:` keys"
            ),
        };
        let mut diag = Diag::new(item.entry.key.span, message).in_statement(item.st.index);
        if let (Some(s), Some(span)) = (near, key_content(cx.text, &item.entry.key)) {
            diag = diag.with_fix(Fix::replace(format!("Replace with `{s}`"), span, s));
        }
        out.push(diag);
    }
}

/// The global key `key` most likely meant. For a key with a tag-style suffix
/// (`aws:PrincipleTag/team`) the part before the slash is compared with the pattern keys and the
/// suffix kept.
fn suggestion(cx: &Context<'_>, key: &str) -> Option<String> {
    if let Some((stem, tail)) = key.split_once('/') {
        let stems: Vec<&'static str> = cx
            .catalog
            .global_keys()
            .filter_map(|g| g.name().strip_suffix("/${TagKey}"))
            .collect();
        if let Some(s) = nearest(stem, stems.iter().copied()) {
            return Some(format!("{s}/{tail}"));
        }
    }
    let names: Vec<&'static str> = cx
        .catalog
        .global_keys()
        .map(|g| g.name())
        .filter(|n| !n.contains("${"))
        .collect();
    nearest(key, names.iter().copied()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    /// Once the data lists the key, the exception is stale and this fails.
    #[test]
    fn exceptions_still_disagree_with_the_catalog() {
        for key in super::UNLISTED_GLOBAL_KEYS {
            assert!(
                crate::catalog::catalog().global_key(key).is_none(),
                "{key}: the data lists it now; drop it from the list"
            );
        }
    }
}
