//! Principal rules: Principal and NotPrincipal forms, keys, values, and service principals.
//!
//! The helpers here (ARN splitting, account ids, unique ids, condition lookups, deleting a
//! member) are shared with the kind-specific rules in `rules/kinds/`.

use super::Rule;
pub(crate) use crate::catalog::has_wildcards;
use crate::policy::{
    ConditionBlock, ConditionEntry, Key, PolicyKind, PrincipalType, Statement, Str,
};
use crate::syntax::Span;

pub mod allow_with_not_principal;
pub mod federated_principal_not_supported;
pub mod invalid_principal_format;
pub mod invalid_principal_key;
pub mod invalid_service_principal_format;
pub mod principal_unique_id;
pub mod recommended_condition_key_for_service_principal;
pub mod restrict_access_to_service_principal;
pub mod unsupported_condition_key_for_service_principal;
pub mod unsupported_principal;
pub mod unsupported_wildcard_in_principal;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &invalid_principal_format::RULE,
    &invalid_principal_key::RULE,
    &unsupported_wildcard_in_principal::RULE,
    &unsupported_principal::RULE,
    &federated_principal_not_supported::RULE,
    &invalid_service_principal_format::RULE,
    &principal_unique_id::RULE,
    &allow_with_not_principal::RULE,
    &restrict_access_to_service_principal::RULE,
    &recommended_condition_key_for_service_principal::RULE,
    &unsupported_condition_key_for_service_principal::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];

/// The kinds whose statements name principals and where the principal value rules apply
/// (RCPs have their own, stricter rule: only `"*"`).
pub(crate) const PRINCIPAL_KINDS: &[PolicyKind] = &[
    PolicyKind::Resource,
    PolicyKind::RoleTrust,
    PolicyKind::KmsKey,
    PolicyKind::VpcEndpoint,
];

/// An ARN split into its six fields (the resource keeps any further `:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Splits `arn:partition:service:region:account:resource`; `None` when it does not start with
/// `arn:` or has fewer than six fields.
pub(crate) fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut parts = s.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    Some(Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// True for the partitions AWS names `aws` and `aws-<something>` (`aws-cn`, `aws-us-gov`,
/// `aws-iso-b`, ...).
pub(crate) fn is_partition(p: &str) -> bool {
    p == "aws"
        || p.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Exactly twelve ASCII digits.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// What an IAM unique id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UniqueId {
    /// `AROA...`
    Role,
    /// `AIDA...`
    User,
}

/// Recognises the unique id of a role (`AROA`) or user (`AIDA`): the prefix, then at least
/// twelve upper-case letters or digits.
pub(crate) fn unique_id(s: &str) -> Option<UniqueId> {
    let kind = if s.starts_with("AROA") {
        UniqueId::Role
    } else if s.starts_with("AIDA") {
        UniqueId::User
    } else {
        return None;
    };
    let rest = &s[4..];
    (rest.len() >= 12
        && rest.len() <= 124
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
    .then_some(kind)
}

/// True when the text holds a policy variable (`${`): other rules report variables where they
/// do not belong, so principal rules stay quiet about such values.
pub(crate) fn has_variable(s: &str) -> bool {
    s.contains("${")
}

/// The span between a key's quotes, when the key is written plainly (no escapes), so a fix can
/// replace it.
pub(crate) fn key_content(text: &str, key: &Key<'_>) -> Option<Span> {
    let raw = text.get(key.span.start..key.span.end)?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    (inner == key.name).then(|| Span::new(key.span.start + 1, key.span.end - 1))
}

/// The span to delete to remove the object member `member` together with the comma that
/// separates it from its neighbour (the one before it, else the one after it), so the object
/// stays valid JSON.
pub(crate) fn member_removal(text: &str, member: Span) -> Span {
    let bytes = text.as_bytes();
    let mut before = member.start;
    while before > 0 && bytes.get(before - 1).is_some_and(u8::is_ascii_whitespace) {
        before -= 1;
    }
    if before > 0 && bytes.get(before - 1) == Some(&b',') {
        return Span::new(before - 1, member.end);
    }
    let mut after = member.end;
    while bytes.get(after).is_some_and(u8::is_ascii_whitespace) {
        after += 1;
    }
    if bytes.get(after) == Some(&b',') {
        after += 1;
        while bytes.get(after).is_some_and(u8::is_ascii_whitespace) {
            after += 1;
        }
        return Span::new(member.start, after);
    }
    member
}

/// Every `(block, entry)` of a statement's condition.
pub(crate) fn condition_entries<'s, 'a>(
    st: &'s Statement<'a>,
) -> impl Iterator<Item = (&'s ConditionBlock<'a>, &'s ConditionEntry<'a>)> + 's {
    st.condition
        .as_ref()
        .and_then(|f| f.ok())
        .into_iter()
        .flat_map(|c| c.entries())
}

/// The string values of the statement's `Principal` under `t`.
pub(crate) fn principal_values<'s, 'a>(
    st: &'s Statement<'a>,
    t: PrincipalType,
) -> impl Iterator<Item = &'s Str<'a>> + 's {
    st.principal
        .as_ref()
        .and_then(|f| f.ok())
        .into_iter()
        .flat_map(|p| p.entries().iter())
        .filter(move |e| e.kind == Some(t))
        .flat_map(|e| e.strings())
}

/// True when the statement's `Principal` is an object whose every entry is `Service` (and
/// there is at least one service principal).
pub(crate) fn only_service_principals(st: &Statement<'_>) -> bool {
    let Some(p) = st.principal.as_ref().and_then(|f| f.ok()) else {
        return false;
    };
    let entries = p.entries();
    !entries.is_empty()
        && entries
            .iter()
            .all(|e| e.kind == Some(PrincipalType::Service))
        && entries.iter().any(|e| e.strings().next().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_split_into_fields() {
        let a = parse_arn("arn:aws:iam::123456789012:role/a/b").unwrap();
        assert_eq!(
            (a.partition, a.service, a.region, a.account, a.resource),
            ("aws", "iam", "", "123456789012", "role/a/b")
        );
        assert!(parse_arn("arn:aws:iam::123456789012").is_none());
        assert!(parse_arn("urn:aws:iam::1:root").is_none());
        assert_eq!(
            parse_arn("arn:aws:s3:::b/k:x").map(|a| a.resource),
            Some("b/k:x")
        );
    }

    #[test]
    fn partitions_accounts_and_unique_ids() {
        for p in ["aws", "aws-cn", "aws-us-gov", "aws-iso-b", "aws-eusc"] {
            assert!(is_partition(p), "{p}");
        }
        for p in ["", "aws-", "AWS", "azure", "aws_cn"] {
            assert!(!is_partition(p), "{p}");
        }
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("1234567890ab"));
        assert_eq!(unique_id("AROA1234567890EXAMPLE"), Some(UniqueId::Role));
        assert_eq!(unique_id("AIDACKCEVSQ6C2EXAMPLE"), Some(UniqueId::User));
        assert_eq!(unique_id("AROA"), None);
        assert_eq!(unique_id("AROAabcdefghijklmnop"), None);
        assert_eq!(unique_id("AKIAIOSFODNN7EXAMPLE"), None);
    }

    #[test]
    fn member_removal_takes_one_comma() {
        let text = r#"{"a": 1, "b": 2, "c": 3}"#;
        let b = text.find("\"b\"").unwrap();
        let out = |s: Span| format!("{}{}", &text[..s.start], &text[s.end..]);
        assert_eq!(
            out(member_removal(text, Span::new(b, b + 6))),
            r#"{"a": 1, "c": 3}"#
        );
        let a = text.find("\"a\"").unwrap();
        assert_eq!(
            out(member_removal(text, Span::new(a, a + 6))),
            r#"{"b": 2, "c": 3}"#
        );
        let only = r#"{"a": 1}"#;
        assert_eq!(member_removal(only, Span::new(1, 7)), Span::new(1, 7));
    }
}
