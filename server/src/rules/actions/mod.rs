//! Action rules: services and actions against the catalog, wildcards, redundancy, and the broad
//! grants of `iam:PassRole` and `iam:CreateServiceLinkedRole`.
//!
//! The helpers here (wildcard matching and containment, splitting `service:action`, removing an
//! item from a list, sub-spans of a string) are shared with the resource rules.

use super::{Context, Diag, Fix, Rule};
pub(crate) use crate::catalog::{has_wildcards, wildcard_match};
use crate::policy::{Effect, Statement, Str, StrList};
use crate::syntax::Span;

pub mod broad_create_service_linked_role;
pub mod broad_pass_role;
pub mod invalid_action;
pub mod invalid_service;
pub mod redundant_action;
pub mod unsupported_action_in_policy;
pub mod wildcard_in_service_name;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &invalid_service::RULE,
    &invalid_action::RULE,
    &redundant_action::RULE,
    &wildcard_in_service_name::RULE,
    &unsupported_action_in_policy::RULE,
    &broad_pass_role::RULE,
    &broad_create_service_linked_role::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];

/// Whether every text that `inner` (a pattern with `*` and `?`) can match is also matched by
/// `outer`. Sound, not complete: `true` is always right, a few exotic inclusions answer
/// `false`. An `outer` `*` absorbs any run of `inner` (wildcards included); an `outer` `?` takes
/// one literal or `?` of `inner`; literals must be equal (ignoring ASCII case when asked).
pub(crate) fn pattern_covers(outer: &str, inner: &str, ignore_case: bool) -> bool {
    if !has_wildcards(inner) {
        return wildcard_match(outer, inner, ignore_case);
    }
    let (o, i) = (outer.as_bytes(), inner.as_bytes());
    let eq = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    // Cheap rejections: the literal text `outer` starts and ends with must be literal text of
    // `inner` at the same places.
    let lead = o.iter().take_while(|&&c| c != b'*' && c != b'?').count();
    let trail = o
        .iter()
        .rev()
        .take_while(|&&c| c != b'*' && c != b'?')
        .count();
    let literal = |c: u8| c != b'*' && c != b'?';
    if lead < o.len() {
        if i.len() < lead
            || !o[..lead]
                .iter()
                .zip(i)
                .all(|(&a, &b)| literal(b) && eq(a, b))
        {
            return false;
        }
        if i.len() < trail
            || !o[o.len() - trail..]
                .iter()
                .zip(&i[i.len() - trail..])
                .all(|(&a, &b)| literal(b) && eq(a, b))
        {
            return false;
        }
    }
    let width = i.len() + 1;
    let mut reach = vec![false; (o.len() + 1) * width];
    reach[0] = true;
    for a in 0..=o.len() {
        for b in 0..=i.len() {
            if !reach[a * width + b] {
                continue;
            }
            match o.get(a) {
                Some(b'*') => {
                    // The star ends here, or swallows one more token of `inner`.
                    reach[(a + 1) * width + b] = true;
                    if b < i.len() {
                        reach[a * width + b + 1] = true;
                    }
                }
                Some(b'?') if i.get(b).is_some_and(|&c| c != b'*') => {
                    reach[(a + 1) * width + b + 1] = true;
                }
                Some(&c)
                    if c != b'?'
                        && i.get(b)
                            .is_some_and(|&d| d != b'*' && d != b'?' && eq(c, d)) =>
                {
                    reach[(a + 1) * width + b + 1] = true;
                }
                _ => {}
            }
        }
    }
    reach[o.len() * width + i.len()]
}

/// `service:action` split at the first colon.
pub(crate) fn split_action(value: &str) -> Option<(&str, &str)> {
    // A byte loop rather than `split_once`, whose searcher costs more than these short scans.
    let at = value.bytes().position(|b| b == b':')?;
    Some((&value[..at], &value[at + 1..]))
}

/// Whether a service prefix is well formed: letters, digits and hyphens, not empty.
pub(crate) fn is_wellformed_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The span of bytes `start..end` of a string's unescaped value, when the value is written
/// without escapes (so value offsets are source offsets); otherwise the whole string's span.
pub(crate) fn value_sub_span(cx: &Context<'_>, s: &Str<'_>, start: usize, end: usize) -> Span {
    let raw = Span::new(s.content.start + start, s.content.start + end);
    let plain = s.content.len() == s.value.len()
        && cx.text.get(s.content.start..s.content.end) == Some(s.value);
    if plain && start <= end && end <= s.value.len() && s.value.is_char_boundary(start) {
        raw
    } else {
        s.span
    }
}

/// Whether `text` can stand inside a JSON string as is (no quote, backslash or control
/// character), so a fix may write it between quotes.
pub(crate) fn json_safe(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
}

/// A fix that deletes item `index` of an array value, with the comma that separates it from a
/// neighbour. `None` for a bare string or an array of one item (the element would be empty).
pub(crate) fn remove_item_fix(
    list: &StrList<'_>,
    index: usize,
    title: impl Into<String>,
) -> Option<Fix> {
    if !list.array || list.items.len() < 2 {
        return None;
    }
    let span_of = |i: usize| {
        list.items.get(i).map(|item| match item {
            Ok(s) => s.span,
            Err(inv) => inv.span,
        })
    };
    let this = span_of(index)?;
    let cut = if index > 0 {
        Span::new(span_of(index - 1)?.end, this.end)
    } else {
        Span::new(this.start, span_of(1)?.start)
    };
    Some(Fix::replace(title, cut, ""))
}

/// Edit distance (insertions, deletions, substitutions) ignoring ASCII case, or `None` when
/// it exceeds `limit`.
pub(crate) fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let same = a[i - 1].eq_ignore_ascii_case(&b[j - 1]);
            cur[j] = (prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(prev[j - 1] + usize::from(!same));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The candidates nearest to `text` within `limit` edits, nearest first, at most `max`.
pub(crate) fn nearest<'c>(
    text: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    limit: usize,
    max: usize,
) -> Vec<&'c str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| edit_distance(text, c, limit).map(|d| (d, c)))
        .filter(|&(d, _)| d > 0)
        .collect();
    scored.sort();
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// How a statement reaches one action (for the broad-grant rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Named exactly in `Action`, at this span.
    Direct(Span),
    /// Covered by a wildcard in `Action` (the item's span and text).
    Wildcard(Span),
    /// `NotAction` does not exclude it (the `NotAction` key's span).
    NotAction(Span),
}

/// How an `Allow` statement reaches `action` (`iam:PassRole`), if it does.
pub(crate) fn reach_of(st: &Statement<'_>, action: &str) -> Option<Reach> {
    if let Some(list) = st.action.as_ref().and_then(|f| f.ok()) {
        let mut wildcard = None;
        for s in list.strings() {
            if s.value.eq_ignore_ascii_case(action) {
                return Some(Reach::Direct(s.span));
            }
            if wildcard.is_none() && has_wildcards(s.value) && wildcard_match(s.value, action, true)
            {
                wildcard = Some(Reach::Wildcard(s.span));
            }
        }
        return wildcard;
    }
    let field = st.not_action.as_ref()?;
    let list = field.ok()?;
    let excluded = list
        .strings()
        .any(|s| wildcard_match(s.value, action, true));
    (!excluded && !list.is_empty()).then_some(Reach::NotAction(field.key.span))
}

/// How an `Allow` statement spreads over resources, for the broad-grant rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spread {
    /// `Resource` lists `"*"`.
    Star,
    /// `NotResource`: everything but the listed resources.
    NotResource,
}

/// Whether the statement applies to every resource (`"*"`) or uses `NotResource`.
pub(crate) fn spread_of(st: &Statement<'_>) -> Option<Spread> {
    if st.resources().any(|s| s.value == "*") {
        return Some(Spread::Star);
    }
    let list = st.not_resource.as_ref()?.ok()?;
    // `NotResource: "*"` excludes everything: the statement allows nothing.
    (!list.is_empty() && !list.strings().any(|s| s.value == "*")).then_some(Spread::NotResource)
}

/// Whether the statement's `Condition` tests `key` (any operator), ignoring case.
pub(crate) fn conditions_on(st: &Statement<'_>, key: &str) -> bool {
    st.condition.as_ref().and_then(|f| f.ok()).is_some_and(|c| {
        c.entries()
            .any(|(_, e)| e.key.name.eq_ignore_ascii_case(key))
    })
}

/// The shared check of the two broad-grant rules: every identity-policy `Allow` statement that
/// reaches `action` on `"*"` or through `NotResource`, without a condition on `scoping_key`.
pub(crate) fn broad_grants(
    cx: &Context<'_>,
    action: &str,
    scoping_key: &str,
    message: fn(Reach, Spread, &str) -> String,
    out: &mut Vec<Diag>,
) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) || conditions_on(st, scoping_key) {
            continue;
        }
        let (Some(reach), Some(spread)) = (reach_of(st, action), spread_of(st)) else {
            continue;
        };
        let (span, text) = match reach {
            Reach::Direct(span) | Reach::Wildcard(span) | Reach::NotAction(span) => {
                (span, cx.text.get(span.start..span.end).unwrap_or(""))
            }
        };
        let text = text.trim_matches('"');
        out.push(Diag::new(span, message(reach, spread, text)).in_statement(st.index));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        assert!(wildcard_match("iam:Pass*", "iam:PassRole", true));
        assert!(wildcard_match("*", "iam:PassRole", true));
        assert!(wildcard_match("IAM:passrole", "iam:PassRole", true));
        assert!(!wildcard_match("IAM:passrole", "iam:PassRole", false));
        assert!(wildcard_match("iam:?assRole", "iam:PassRole", true));
        assert!(!wildcard_match("iam:Pass", "iam:PassRole", true));
        assert!(!wildcard_match("s3:*", "iam:PassRole", true));
        assert!(wildcard_match("*:*", "iam:PassRole", true));
    }

    #[test]
    fn covering() {
        assert!(pattern_covers("s3:*", "s3:GetObject", true));
        assert!(pattern_covers("s3:*", "s3:Get*", true));
        assert!(pattern_covers("s3:Get*", "S3:GETOBJECT*", true));
        assert!(!pattern_covers("s3:Get*", "s3:*", true));
        assert!(!pattern_covers("s3:Get*", "s3:G*", true));
        assert!(pattern_covers("*", "anything:*", true));
        assert!(pattern_covers("s3:Get?bject", "s3:GetObject", true));
        assert!(pattern_covers("s3:Get?bject", "s3:Get?bject", true));
        assert!(!pattern_covers("s3:Get?bject", "s3:Get*bject", true));
        assert!(pattern_covers("s3:*Object*", "s3:GetObjectAcl", true));
        assert!(!pattern_covers("a/B", "a/b", false));
        assert!(pattern_covers("a/*", "a/b/*/c?", false));
        assert!(!pattern_covers("", "x", true));
        assert!(pattern_covers("", "", true));
    }

    #[test]
    fn prefixes() {
        assert!(is_wellformed_prefix("s3"));
        assert!(is_wellformed_prefix("resource-explorer-2"));
        assert!(!is_wellformed_prefix(""));
        assert!(!is_wellformed_prefix("s3 "));
        assert!(!is_wellformed_prefix("s3.x"));
    }
}
