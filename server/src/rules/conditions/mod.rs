//! Condition rules: operators, keys, value types and values.
//!
//! Besides the registry, this module holds what the rules of the folder share: a walk over every
//! condition entry with its statement and parsed operator ([`items`]), text helpers for keys and
//! values, a case-aware `*`/`?` matcher, IP range parsing, and a small edit distance for "did you
//! mean". None of it allocates when a policy has no conditions.

pub(crate) use crate::catalog::wildcard_match;
use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use super::{Context, Rule};
use crate::catalog::operators::{self, OperatorInfo, ValueType};
use crate::catalog::{self, KeyInfo};
use crate::policy::{ConditionBlock, ConditionEntry, Effect, Key, Scalar, Statement};
use crate::syntax::Span;

pub mod condition_key_not_listed_for_actions;
pub mod condition_operator_case;
pub mod condition_type_mismatch;
pub mod duplicate_condition_keys;
pub mod dynamodb_attributes_without_select;
pub mod epoch_date_value;
pub mod forallvalues_with_single_valued_key;
pub mod host_bits_in_ip_range;
pub mod invalid_condition_key_format;
pub mod invalid_condition_operator;
pub mod invalid_condition_value;
pub mod invalid_global_condition_key;
pub mod invalid_ip_range;
pub mod invalid_region;
pub mod invalid_service_condition_key;
pub mod invalid_vpc_id;
pub mod missing_paired_condition_key;
pub mod missing_qualifier;
pub mod missing_tag_key_in_condition;
pub mod mixed_condition_value_types;
pub mod multiple_boolean_values;
pub mod null_with_if_exists;
pub mod null_with_qualifier;
pub mod private_ip_in_source_ip;
pub mod private_ip_mixed_in_source_ip;
pub mod redundant_condition_value;
pub mod s3_prefix_in_negative_context;
pub mod string_like_on_arn_key;
pub mod tag_key_unsupported_in_allow;
pub mod tag_key_unsupported_in_deny;
pub mod unsupported_action_for_condition_key;
pub mod unsupported_global_condition_key;
pub mod untrustworthy_condition_key;
pub mod wildcard_only_condition_value;
pub mod wildcard_without_like_operator;

#[cfg(test)]
mod tests;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &invalid_condition_operator::RULE,
    &condition_operator_case::RULE,
    &invalid_condition_key_format::RULE,
    &invalid_global_condition_key::RULE,
    &invalid_service_condition_key::RULE,
    &unsupported_global_condition_key::RULE,
    &missing_tag_key_in_condition::RULE,
    &duplicate_condition_keys::RULE,
    &null_with_if_exists::RULE,
    &null_with_qualifier::RULE,
    &missing_qualifier::RULE,
    &forallvalues_with_single_valued_key::RULE,
    &condition_type_mismatch::RULE,
    &invalid_condition_value::RULE,
    &invalid_ip_range::RULE,
    &mixed_condition_value_types::RULE,
    &multiple_boolean_values::RULE,
    &wildcard_without_like_operator::RULE,
    &string_like_on_arn_key::RULE,
    &invalid_region::RULE,
    &invalid_vpc_id::RULE,
    &epoch_date_value::RULE,
    &private_ip_in_source_ip::RULE,
    &private_ip_mixed_in_source_ip::RULE,
    &host_bits_in_ip_range::RULE,
    &redundant_condition_value::RULE,
    &wildcard_only_condition_value::RULE,
    &untrustworthy_condition_key::RULE,
    &missing_paired_condition_key::RULE,
    &dynamodb_attributes_without_select::RULE,
    &s3_prefix_in_negative_context::RULE,
    &unsupported_action_for_condition_key::RULE,
    &condition_key_not_listed_for_actions::RULE,
    &tag_key_unsupported_in_allow::RULE,
    &tag_key_unsupported_in_deny::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[
    (
        "MISSING_ACTION_FOR_CONDITION_KEY",
        "which condition keys are only set when a companion action is also granted (and which \
         action that is) is not part of the IAM reference data, and Access Analyzer does not \
         publish its list",
    ),
    (
        "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES",
        "the services that populate aws:VpceAccount, aws:VpceOrgID and aws:VpceOrgPaths are not \
         in the IAM reference data and change as services add support",
    ),
    (
        "INVALID_KMS_KEY_VALUE",
        "which condition keys Access Analyzer treats as KMS key references, and which key \
         identifier forms each accepts (key ARN, key ID, alias), is not in the reference data",
    ),
];

/// One `"key": value` entry of a condition, with the statement and operator block around it.
#[derive(Clone, Copy)]
pub(crate) struct Item<'a> {
    /// The statement the condition belongs to.
    pub st: &'a Statement<'a>,
    /// The operator block (`"StringEquals": {...}`).
    pub block: &'a ConditionBlock<'a>,
    /// The entry (`"aws:SourceIp": [...]`).
    pub entry: &'a ConditionEntry<'a>,
    /// The operator, when it is one IAM knows (in any letter case).
    pub op: Option<OperatorInfo>,
}

impl<'a> Item<'a> {
    /// The condition key as written.
    pub fn key(&self) -> &'a str {
        self.entry.key.name
    }

    /// The values, in order (empty when the value had a wrong JSON type).
    pub fn values(&self) -> &'a [Scalar<'a>] {
        self.entry.values()
    }

    /// The key as the catalog resolves it (global, service, pattern or OIDC claim key).
    pub fn key_info(&self, cx: &Context<'_>) -> Option<KeyInfo> {
        cx.catalog.condition_key(self.key())
    }

    /// The statement's effect, when it is exactly `Allow` or `Deny`.
    pub fn effect(&self) -> Option<Effect> {
        self.st.effect()
    }
}

/// Every condition entry of the policy, in document order.
pub(crate) fn items<'a>(cx: &Context<'a>) -> impl Iterator<Item = Item<'a>> + 'a {
    let policy = cx.policy;
    policy.statements.iter().flat_map(|st| {
        let condition = st.condition.as_ref().and_then(|f| f.ok());
        condition.into_iter().flat_map(move |c| {
            c.blocks.iter().flat_map(move |block| {
                let op = operators::operator(block.operator.name);
                block.entries().iter().map(move |entry| Item {
                    st,
                    block,
                    entry,
                    op,
                })
            })
        })
    })
}

/// The span between the quotes of an object key, when the key is written without escapes (so
/// replacing it with new text is safe).
pub(crate) fn key_content(text: &str, key: &Key<'_>) -> Option<Span> {
    let raw = text.get(key.span.start..key.span.end)?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    (inner == key.name).then(|| Span::new(key.span.start + 1, key.span.end - 1))
}

/// The span to replace to rename `block`'s operator to `new_name`: its key's content, when no
/// other block of the statement's condition already uses that name (renaming would create a
/// duplicate JSON key).
pub(crate) fn operator_rename_span(
    text: &str,
    st: &Statement<'_>,
    block: &ConditionBlock<'_>,
    new_name: &str,
) -> Option<Span> {
    let condition = st.condition.as_ref()?.ok()?;
    let taken = condition
        .blocks
        .iter()
        .any(|b| b.operator.span != block.operator.span && b.operator.name == new_name);
    if taken {
        return None;
    }
    key_content(text, &block.operator)
}

/// The span between the quotes of a string value written without escapes.
pub(crate) fn string_content(text: &str, value: &Scalar<'_>) -> Option<Span> {
    let Scalar::String(s) = value else {
        return None;
    };
    let raw = text.get(s.content.start..s.content.end)?;
    (s.terminated && raw == s.value).then_some(s.content)
}

/// Whether `value` contains a policy variable (`${...}`).
pub(crate) fn has_variable(value: &str) -> bool {
    value.contains("${")
}

/// Whether `value` has a `*` or `?` outside policy variables (`${*}` and `${?}` are the escaped
/// literal characters, not wildcards).
pub(crate) fn has_wildcard(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => match value[i..].find('}') {
                Some(close) => i += close + 1,
                None => return false,
            },
            b'*' | b'?' => return true,
            _ => i += 1,
        }
    }
    false
}

/// Edit distance (insertions, deletions, substitutions, swaps of neighbours) ignoring ASCII
/// case, or `None` when it exceeds `limit`.
pub(crate) fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let mut d = (prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The candidate nearest to `name` within a quarter of its length (between 1 and 3 edits),
/// ignoring case; ties go to the first candidate.
pub(crate) fn nearest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 4).clamp(1, 3);
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        if let Some(d) = distance(name, c, limit)
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The operator spelt with another base, keeping its qualifier and `IfExists`
/// (`ForAnyValue:StringEqualsIfExists` with base `StringLike` gives
/// `ForAnyValue:StringLikeIfExists`).
pub(crate) fn with_base(op: &OperatorInfo, base: &str) -> String {
    let mut s = String::new();
    if let Some(q) = op.qualifier {
        s.push_str(q.as_str());
        s.push(':');
    }
    s.push_str(base);
    if op.if_exists {
        s.push_str("IfExists");
    }
    s
}

/// `prefix` and `name` of a key written `prefix:name` (split at the first colon).
pub(crate) fn split_key(key: &str) -> Option<(&str, &str)> {
    key.split_once(':')
}

/// Whether the key's prefix names an identity provider rather than a service: an OIDC provider
/// URL (`token.actions.githubusercontent.com:sub`, `oidc.eks.<region>.amazonaws.com/id/<id>:aud`)
/// contains a dot or a slash.
pub(crate) fn is_provider_key(key: &str) -> bool {
    split_key(key).is_some_and(|(prefix, _)| prefix.contains(['.', '/']))
}

/// Every lowercase key prefix (namespace) the catalog documents a key under, plus every service
/// prefix: `s3`, `saml`, `cognito-identity-auth`, ... Built once from the embedded catalog.
pub(crate) fn known_namespaces() -> &'static HashSet<String> {
    static NAMESPACES: LazyLock<HashSet<String>> = LazyLock::new(|| {
        let c = catalog::catalog();
        let mut set: HashSet<String> = c
            .services()
            .map(|s| s.prefix().to_ascii_lowercase())
            .collect();
        for k in c.service_keys() {
            if let Some((prefix, _)) = split_key(k.name())
                && !prefix.contains("${")
            {
                set.insert(prefix.to_ascii_lowercase());
            }
        }
        set
    });
    &NAMESPACES
}

/// The text of each key pattern that ends in `/${...}` (a tag-style key), before the slash:
/// `aws:ResourceTag`, `aws:PrincipalTag`, `s3:ExistingObjectTag`, ... Built once.
pub(crate) fn slash_pattern_stems() -> &'static [String] {
    static STEMS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let c = catalog::catalog();
        let names = c
            .global_keys()
            .map(|g| g.name())
            .chain(c.service_keys().map(|k| k.name()));
        let mut stems: Vec<String> = names
            .filter_map(|n| {
                if let Some(stem) = LOOSE_PLACEHOLDERS
                    .iter()
                    .find_map(|ph| n.strip_suffix(ph)?.strip_suffix('/'))
                {
                    return Some(stem.to_string());
                }
                let (stem, tail) = n.rsplit_once("/${")?;
                (tail.ends_with('}') && !tail.contains('/') && !stem.contains("${"))
                    .then(|| stem.to_string())
            })
            .collect();
        stems.sort_by_key(|s| s.to_ascii_lowercase());
        stems.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        stems
    });
    &STEMS
}

/// Placeholders the reference data writes literally, instead of `${...}`, for the tag part of a
/// few keys (`s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`).
const LOOSE_PLACEHOLDERS: &[&str] = &["<key>", "tag-key"];

/// Whether the documented key name `documented`, written with a literal placeholder such as
/// `s3:ExistingObjectTag/<key>`, stands for `key` (`s3:ExistingObjectTag/project`).
pub(crate) fn loose_pattern_matches(documented: &str, key: &str) -> bool {
    LOOSE_PLACEHOLDERS.iter().any(|ph| {
        documented.strip_suffix(ph).is_some_and(|stem| {
            stem.ends_with('/')
                && key.len() > stem.len()
                && key
                    .get(..stem.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(stem))
        })
    })
}

/// Whether the reference data defines `key`: resolved by the catalog, or matched by one of the
/// few key names written with a literal placeholder.
pub(crate) fn key_is_documented(key: &str) -> bool {
    static LOOSE: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        catalog::catalog()
            .service_keys()
            .map(|k| k.name())
            .filter(|n| LOOSE_PLACEHOLDERS.iter().any(|ph| n.ends_with(ph)))
            .collect()
    });
    catalog::catalog().condition_key(key).is_some()
        || LOOSE.iter().any(|d| loose_pattern_matches(d, key))
}

/// Whether the reference data lists `key` for `action` (directly or through its resource
/// types), including keys written with a literal placeholder. Global keys are not considered.
pub(crate) fn action_supports(action: &catalog::Action, key: &str) -> bool {
    // `Action::documents_key` and the loose placeholders, in one pass over the keys.
    action.all_condition_keys().any(|k| {
        let name = k.name();
        name.eq_ignore_ascii_case(key)
            || catalog::key_pattern_matches(name, key)
            || loose_pattern_matches(name, key)
    })
}

/// The actions of a statement's `Action`, when every entry names at least one known action and
/// none is the bare `*`; `None` otherwise (unknown names, `NotAction`, no `Action`).
pub(crate) fn known_actions(
    catalog: &catalog::Catalog,
    st: &Statement<'_>,
) -> Option<Vec<catalog::Action>> {
    let list = st.action.as_ref()?.ok()?;
    if st.not_action.is_some() || list.items.is_empty() || list.invalid().next().is_some() {
        return None;
    }
    let mut all = Vec::new();
    let mut one = Vec::new();
    for s in list.strings() {
        if s.value == "*" {
            return None;
        }
        catalog.expand_into(s.value, &mut one);
        if one.is_empty() {
            return None;
        }
        all.append(&mut one);
    }
    dedup_actions(&mut all);
    Some(all)
}

/// Removes repeated actions (several patterns can match the same one). Orders by the address of
/// the action's name, which is unique per action and much cheaper to compare than the text.
pub(crate) fn dedup_actions(actions: &mut Vec<catalog::Action>) {
    actions.sort_unstable_by_key(|a| a.full_name().as_ptr() as usize);
    actions.dedup_by_key(|a| a.full_name().as_ptr() as usize);
}

/// Whether the operator compares strings and treats `*`/`?` as wildcards (`StringLike`,
/// `StringNotLike`, with any qualifier or `IfExists`).
pub(crate) fn is_string_like(op: &OperatorInfo) -> bool {
    op.value_type() == ValueType::String && op.wildcards()
}

/// Whether the operator ignores letter case in its values.
pub(crate) fn ignores_case(op: &OperatorInfo) -> bool {
    op.base.name.ends_with("IgnoreCase")
}

/// The span that removes item `index` of an array value together with one separating comma,
/// keeping the JSON valid; `None` when it is the only item.
pub(crate) fn array_item_removal(items: &[Scalar<'_>], index: usize) -> Option<Span> {
    let item = items.get(index)?.span();
    if index > 0 {
        let prev = items.get(index - 1)?.span();
        Some(Span::new(prev.end, item.end))
    } else {
        let next = items.get(1)?.span();
        Some(Span::new(item.start, next.start))
    }
}

/// An IPv4 or IPv6 range as written in an IP condition (`203.0.113.0/24`, `2001:db8::/32`, or a
/// single address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    /// The address bits, IPv4 in the low 32 bits.
    pub bits: u128,
    /// Whether this is an IPv4 range.
    pub v4: bool,
    /// The prefix length (32 or 128 for a single address).
    pub prefix: u8,
}

impl Cidr {
    fn width(&self) -> u8 {
        if self.v4 { 32 } else { 128 }
    }

    fn host_mask(&self) -> u128 {
        let host = u32::from(self.width() - self.prefix);
        if host >= 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        }
    }

    /// The first address of the range.
    pub fn first(&self) -> u128 {
        self.bits & !self.host_mask()
    }

    /// The last address of the range.
    pub fn last(&self) -> u128 {
        self.bits | self.host_mask()
    }

    /// Whether the address has bits set after the prefix (they are ignored).
    pub fn has_host_bits(&self) -> bool {
        self.bits & self.host_mask() != 0
    }

    /// Whether every address of `self` lies in `outer`.
    pub fn within(&self, outer: &Cidr) -> bool {
        self.v4 == outer.v4
            && self.prefix >= outer.prefix
            && outer.first() <= self.first()
            && self.last() <= outer.last()
    }

    /// The range written canonically with its host bits cleared (`10.1.2.0/24`).
    pub fn network_text(&self) -> String {
        let first = self.first();
        if self.v4 {
            format!("{}/{}", Ipv4Addr::from(first as u32), self.prefix)
        } else {
            format!("{}/{}", Ipv6Addr::from(first), self.prefix)
        }
    }
}

/// Parses an IP condition value: an IPv4 or IPv6 address, optionally with `/prefix`. IPv4
/// octets may carry leading zeros (read as decimal). `None` for anything else.
pub(crate) fn parse_cidr(text: &str) -> Option<Cidr> {
    let text = text.trim();
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (a, Some(p.parse::<u8>().ok()?))
        }
        None => (text, None),
    };
    if let Some(v4) = parse_ipv4(addr) {
        let prefix = prefix.unwrap_or(32);
        return (prefix <= 32).then_some(Cidr {
            bits: u128::from(u32::from(v4)),
            v4: true,
            prefix,
        });
    }
    let v6: Ipv6Addr = addr.parse().ok()?;
    let prefix = prefix.unwrap_or(128);
    (prefix <= 128).then_some(Cidr {
        bits: u128::from(v6),
        v4: false,
        prefix,
    })
}

fn parse_ipv4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then(|| Ipv4Addr::from(octets))
}

/// Address ranges that never reach AWS as a request's public source address: RFC 1918 private
/// networks, loopback and link-local, for IPv4 and IPv6 (unique local `fc00::/7`).
pub(crate) fn private_ranges() -> &'static [Cidr] {
    static RANGES: LazyLock<Vec<Cidr>> = LazyLock::new(|| {
        [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "fc00::/7",
            "fe80::/10",
            "::1/128",
        ]
        .iter()
        .filter_map(|r| parse_cidr(r))
        .collect()
    });
    &RANGES
}

/// Whether every address of `range` is private (see [`private_ranges`]).
pub(crate) fn is_private(range: &Cidr) -> bool {
    private_ranges().iter().any(|p| range.within(p))
}

/// Lists up to `max` names as `` `a`, `b` and `c` ``, then "and N more".
pub(crate) fn list_names<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(max)
        .map(|n| format!("`{}`", n.as_ref()))
        .collect();
    let rest = names.len().saturating_sub(max);
    if rest > 0 {
        format!("{} and {rest} more", shown.join(", "))
    } else {
        super::support::list_words(shown)
    }
}
