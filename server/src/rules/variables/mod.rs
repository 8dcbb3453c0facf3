//! Policy variable rules: `${...}` syntax, where variables may appear, Version.
//!
//! IAM substitutes policy variables only in `Resource`, `NotResource` and condition values, and
//! only in a policy with `"Version": "2012-10-17"`. The helpers here walk those places
//! ([`for_each_site`]) and map a variable found by [`crate::catalog::variables::scan`] back to
//! the source text ([`span_in`]).

use std::ops::Range;

use super::Rule;
use crate::policy::{Key, Policy, Scalar, Str};
use crate::syntax::Span;

pub mod malformed_variable;
pub mod unknown_variable;
pub mod variable_in_unsupported_element;
pub mod variable_needs_version;
pub mod variable_with_unsupported_operator;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &malformed_variable::RULE,
    &variable_in_unsupported_element::RULE,
    &variable_needs_version::RULE,
    &variable_with_unsupported_operator::RULE,
    &unknown_variable::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[
    (
        "VARIABLE_USAGE_TOO_PERMISSIVE",
        "the check depends on a list of \"sensitive\" condition keys and on placement rules for \
         `${aws:userid}` that AWS has not published; AWS documents only part of the related \
         limits (at least six characters next to a wildcard, no wildcards with keys that hold \
         system-generated identifiers such as aws:PrincipalAccount, for VPC endpoint policies), \
         not enough to report an error without false positives",
    ),
    (
        "WILDCARD_USAGE_TOO_PERMISSIVE",
        "like VARIABLE_USAGE_TOO_PERMISSIVE, it depends on an unpublished list of sensitive keys \
         and on thresholds AWS documents only partly (VPC endpoint policies: six characters next \
         to a wildcard, an ARN account field that is an account id or a wildcard but not both)",
    ),
];

/// True when the policy's `Version` makes IAM substitute variables (`2012-10-17`).
pub(crate) fn variables_active(policy: &Policy<'_>) -> bool {
    policy.version_str() == Some("2012-10-17")
}

/// A string value where IAM substitutes policy variables.
pub(crate) struct Site<'s, 'a> {
    /// The statement's index.
    pub statement: usize,
    /// The string.
    pub value: &'s Str<'a>,
    /// The condition operator, for a condition value; `None` for `Resource`/`NotResource`.
    pub operator: Option<&'s Key<'a>>,
}

/// Calls `f` for every `Resource`/`NotResource` string and every string condition value.
pub(crate) fn for_each_site<'s, 'a>(policy: &'s Policy<'a>, mut f: impl FnMut(Site<'s, 'a>)) {
    for st in &policy.statements {
        for value in st.resources().chain(st.not_resources()) {
            f(Site {
                statement: st.index,
                value,
                operator: None,
            });
        }
        let Some(cond) = st.condition.as_ref().and_then(|c| c.ok()) else {
            continue;
        };
        for (block, entry) in cond.entries() {
            for v in entry.values() {
                if let Scalar::String(value) = v {
                    f(Site {
                        statement: st.index,
                        value,
                        operator: Some(&block.operator),
                    });
                }
            }
        }
    }
}

/// The source span of the bytes `range` of the string's unescaped value. When the string has
/// escapes, the value's offsets do not map to the source, and the whole string is used.
pub(crate) fn span_in(s: &Str<'_>, range: &Range<usize>) -> Span {
    if s.content.len() == s.value.len() && range.start <= range.end && range.end <= s.value.len() {
        Span::new(s.content.start + range.start, s.content.start + range.end)
    } else {
        s.span
    }
}

/// True when `span_in` maps exactly (the string has no escapes), so edits inside it are safe.
pub(crate) fn maps_exactly(s: &Str<'_>) -> bool {
    s.content.len() == s.value.len()
}

/// At most `max` characters of `text`, with `…` when cut (for messages).
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn sites_are_resources_and_condition_strings() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "${a}", "Resource": ["r1", "r2"], "NotResource": "r3", "Condition": {"StringEquals": {"k": ["v1", 5, true]}, "Bool": {"b": "v2"}}}]}"#;
        let p = parse(text);
        let policy = Policy::from_parse(&p);
        let mut seen = Vec::new();
        for_each_site(&policy, |s| {
            seen.push((s.value.value, s.operator.map(|o| o.name)));
        });
        assert_eq!(
            seen,
            vec![
                ("r1", None),
                ("r2", None),
                ("r3", None),
                ("v1", Some("StringEquals")),
                ("v2", Some("Bool")),
            ]
        );
        assert!(variables_active(&policy));
    }

    #[test]
    fn spans_map_only_without_escapes() {
        let text = r#"["a${x}", "\u0041${x}"]"#;
        let p = parse(text);
        let items = p.root.as_ref().and_then(|r| r.items()).unwrap();
        let plain = Str::from_node(&items[0]).unwrap();
        let escaped = Str::from_node(&items[1]).unwrap();
        let sp = span_in(&plain, &(1..5));
        assert_eq!(&text[sp.start..sp.end], "${x}");
        assert_eq!(span_in(&escaped, &(1..5)), escaped.span);
        assert!(maps_exactly(&plain) && !maps_exactly(&escaped));
        assert_eq!(span_in(&plain, &(3..99)), plain.span);
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
    }
}
