//! ## What it does
//! Flags a service condition key that does not exist:
//!
//! - a key the service does not document, such as `s3:prefixes` or `ec2:InstanceTypes`
//!   (compared ignoring case, as IAM does), with the nearest documented key as a quick fix;
//! - a key whose prefix is not a service at all but is one typo away from a service that has
//!   the key, such as `ec22:Region` for `ec2:Region`.
//!
//! Keys of a prefix the reference data does not know and that is not a near miss (a new service,
//! an internal one) are left alone, as are identity-provider keys written with the provider's
//! address, such as `token.actions.githubusercontent.com:sub` or
//! `cognito-identity.amazonaws.com:amr`.
//!
//! ## Why it matters
//! AWS rejects a policy with a key the service does not define. Even where such a key slips
//! through, no request ever carries it, so `StringEquals` on it never matches and
//! `StringNotEquals` always does: the condition silently does something else than intended.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:ListBucket",
//!     "Resource": "arn:aws:s3:::reports",
//!     "Condition": {"StringLike": {"s3:prefixes": "home/${aws:username}/*"}}
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
//!     "Action": "s3:ListBucket",
//!     "Resource": "arn:aws:s3:::reports",
//!     "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
//!   }]
//! }
//! ```

use super::{
    is_provider_key, items, key_content, key_is_documented, known_namespaces, nearest, split_key,
};
use crate::catalog::KeyScope;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM305",
    name: "invalid-service-condition-key",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: INVALID_SERVICE_CONDITION_KEY",
        "Access Analyzer: INVALID_SERVICE",
    ],
    summary: "A service condition key that the service does not define.",
    check,
};

/// Service keys AWS uses in its own managed policies that the reference data does not list.
const UNLISTED_KEYS: &[&str] = &["lakeformation:GlueARN"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let key = item.key();
        let Some((prefix, name)) = split_key(key) else {
            continue;
        };
        if prefix.is_empty()
            || name.is_empty()
            || prefix.eq_ignore_ascii_case("aws")
            || is_provider_key(key)
            || key_is_documented(key)
            || UNLISTED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        let namespaces = known_namespaces();
        let lower = prefix.to_ascii_lowercase();
        let (message, fix) = if namespaces.contains(&lower) {
            let near = near_key(cx, key, prefix);
            let message = match &near {
                Some(n) => format!(
                    "`{key}` is not a condition key of `{prefix}`: did you mean `{n}`? AWS rejects a policy with a key the service does not define"
                ),
                None => format!(
                    "`{key}` is not a condition key of `{prefix}`, so AWS rejects the policy; check the service's list of condition keys"
                ),
            };
            (message, near)
        } else {
            // An unknown prefix is only reported when a near-miss prefix has exactly this key.
            let Some(fixed) = near_prefix(cx, prefix, name) else {
                continue;
            };
            (
                format!(
                    "`{prefix}` is not a service prefix: did you mean `{fixed}`? AWS rejects a policy with a key of an unknown service"
                ),
                Some(fixed),
            )
        };
        let mut diag = Diag::new(item.entry.key.span, message).in_statement(item.st.index);
        if let (Some(f), Some(span)) = (fix, key_content(cx.text, &item.entry.key)) {
            diag = diag.with_fix(Fix::replace(format!("Replace with `{f}`"), span, f));
        }
        out.push(diag);
    }
}

/// The documented key of the same prefix nearest to `key` (pattern keys compared by their text
/// before the placeholder, keeping what the policy wrote after it).
fn near_key(cx: &Context<'_>, key: &str, prefix: &str) -> Option<String> {
    let same_prefix = |n: &str| {
        split_key(n).is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix)) && !n.starts_with("aws:")
    };
    let suggestions = cx.catalog.suggest_key(key);
    if let Some(s) = suggestions
        .iter()
        .find(|s| matches!(s.scope, KeyScope::Service { .. }) && same_prefix(s.name))
        .filter(|s| !s.name.contains("${"))
    {
        return Some(s.name.to_string());
    }
    // Pattern keys: `s3:ExistingObjectTags/x` against `s3:ExistingObjectTag/${TagKey}`.
    let (stem, tail) = key.split_once('/')?;
    let stems: Vec<&'static str> = cx
        .catalog
        .service_keys()
        .filter_map(|k| k.name().split_once("/${").map(|(s, _)| s))
        .filter(|s| same_prefix(s))
        .collect();
    nearest(stem, stems.iter().copied()).map(|s| format!("{s}/{tail}"))
}

/// A known prefix one typo away from `prefix` under which `prefix:name` is a documented key.
fn near_prefix(cx: &Context<'_>, prefix: &str, name: &str) -> Option<String> {
    let limit = if prefix.len() <= 3 { 1 } else { 2 };
    let mut best: Option<(usize, String)> = None;
    for ns in known_namespaces() {
        let Some(d) = super::distance(prefix, ns, limit) else {
            continue;
        };
        let candidate = format!("{ns}:{name}");
        let Some(info) = cx.catalog.condition_key(&candidate) else {
            continue;
        };
        let fixed = if info.via_pattern {
            candidate
        } else {
            info.name.to_string()
        };
        if best
            .as_ref()
            .is_none_or(|(bd, b)| d < *bd || (d == *bd && fixed < *b))
        {
            best = Some((d, fixed));
        }
    }
    best.map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    /// Once the data lists the key, the exception is stale and this fails; its service must
    /// exist.
    #[test]
    fn exceptions_still_disagree_with_the_catalog() {
        let cat = crate::catalog::catalog();
        for key in super::UNLISTED_KEYS {
            assert!(
                cat.condition_key(key).is_none(),
                "{key}: the data lists it now"
            );
            let service = key.split(':').next().unwrap_or_default();
            assert!(cat.service(service).is_some(), "{key}: unknown service");
        }
    }
}
