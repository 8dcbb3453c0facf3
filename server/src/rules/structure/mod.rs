//! Structure rules: JSON syntax, elements, types, Version, Sid, Effect, empty elements, sizes.
//!
//! Besides the rules, this module holds small text helpers the rules of this folder (and of
//! `variables/`) share: removing a member or array item with its separating comma, inserting a
//! `Version`, numbering statements in messages.

use super::{Context, Fix, Rule};
use crate::policy::Statement;
use crate::syntax::{NodeKind, Span};

pub mod data_type_mismatch;
pub mod duplicate_sid;
pub mod duplicate_sid_rejected;
pub mod empty_condition;
pub mod empty_element;
pub mod empty_sid;
pub mod invalid_effect;
pub mod invalid_policy_element;
pub mod invalid_version;
pub mod json_syntax;
pub mod missing_action;
pub mod missing_effect;
pub mod missing_principal;
pub mod missing_resource;
pub mod missing_statement;
pub mod missing_version;
pub mod org_policy_size;
pub mod policy_size;
pub mod redundant_statement;
pub mod unsupported_element_combination;
pub mod unsupported_sid;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &json_syntax::RULE,
    &data_type_mismatch::RULE,
    &invalid_policy_element::RULE,
    &unsupported_element_combination::RULE,
    &missing_statement::RULE,
    &invalid_version::RULE,
    &missing_version::RULE,
    &invalid_effect::RULE,
    &missing_effect::RULE,
    &missing_action::RULE,
    &missing_resource::RULE,
    &missing_principal::RULE,
    &duplicate_sid_rejected::RULE,
    &duplicate_sid::RULE,
    &unsupported_sid::RULE,
    &empty_sid::RULE,
    &empty_element::RULE,
    &empty_condition::RULE,
    &policy_size::RULE,
    &org_policy_size::RULE,
    &redundant_statement::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];

/// The policy language version that supports every feature (policy variables included).
pub(crate) const CURRENT_VERSION: &str = "2012-10-17";

/// The span to delete to remove the object member or array item at `span` together with the
/// comma that separates it from its neighbour: the following comma and the white space up to the
/// next token when there is one, else the preceding comma. A lone item is removed alone.
pub(crate) fn removal_span(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    let end = span.end.min(bytes.len());
    let start = span.start.min(end);
    let mut i = end;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if bytes.get(i) == Some(&b',') {
        let mut j = i + 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        return Span::new(start, j);
    }
    let mut k = start;
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    if k > 0 && bytes[k - 1] == b',' {
        return Span::new(k - 1, end);
    }
    Span::new(start, end)
}

/// A fix that removes the member or array item at `span` (see [`removal_span`]).
pub(crate) fn remove_fix(cx: &Context<'_>, title: impl Into<String>, span: Span) -> Fix {
    Fix::replace(title, removal_span(cx.text, span), "")
}

/// A fix that adds `"Version": "2012-10-17"` as the first member of the root object, keeping the
/// layout of the members that follow. `None` when the policy has a `Version` already or the root
/// is not an object.
pub(crate) fn insert_version_fix(cx: &Context<'_>) -> Option<Fix> {
    if cx.policy.version.is_some() {
        return None;
    }
    let root = cx.policy.root?;
    let NodeKind::Object { members, .. } = &root.kind else {
        return None;
    };
    let open = root.span.start;
    if cx.text.as_bytes().get(open) != Some(&b'{') {
        return None;
    }
    let (at, insert) = match members.first() {
        Some(first) => {
            let gap = cx.text.get(open + 1..first.span.start)?;
            if !gap.chars().all(char::is_whitespace) {
                return None;
            }
            let sep = if gap.is_empty() { " " } else { gap };
            (
                first.span.start,
                format!("\"Version\": \"{CURRENT_VERSION}\",{sep}"),
            )
        }
        None => (open + 1, format!("\"Version\": \"{CURRENT_VERSION}\"")),
    };
    Some(Fix::replace(
        format!("Add \"Version\": \"{CURRENT_VERSION}\""),
        Span::new(at, at),
        insert,
    ))
}

/// The one-byte span of a container's opening bracket (where "missing element" findings point).
pub(crate) fn opening(span: Span) -> Span {
    Span::new(span.start, (span.start + 1).min(span.end.max(span.start)))
}

/// How a statement is named in messages: `statement "ReadLogs"` when it has a Sid, else
/// `statement #2` (1-based position in the `Statement` array).
pub(crate) fn statement_label(st: &Statement<'_>) -> String {
    match st.sid_str() {
        Some(sid) if !sid.is_empty() => format!("statement \"{sid}\""),
        _ => format!("statement #{}", st.index + 1),
    }
}

/// The kind's title with its indefinite article: "an identity policy", "a KMS key policy".
pub(crate) fn a_kind(kind: crate::policy::PolicyKind) -> String {
    let title = kind.title();
    let article = if title.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {title}")
}

/// `6144` as `6,144`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers for the tests of this folder and of `variables/`.

    use crate::policy::PolicyKind;
    use crate::rules::testing::run;

    /// Applies the first fix of the rule's first fixable finding, again and again, checking each
    /// time that the rule reports one finding fewer and that the JSON stays valid. Returns the
    /// text after all fixes.
    pub(crate) fn apply_all_fixes(rule: &str, text: &str, kind: Option<PolicyKind>) -> String {
        let mut text = text.to_string();
        for _ in 0..50 {
            let findings: Vec<_> = run(&text, kind)
                .into_iter()
                .filter(|f| f.rule.name == rule)
                .collect();
            let Some(fix) = findings.iter().find_map(|f| f.fixes.first()) else {
                return text;
            };
            let fixed = fix.apply(&text);
            let after = run(&fixed, kind);
            let syntax: Vec<_> = after
                .iter()
                .filter(|f| f.rule.name == "json-syntax")
                .map(|f| f.message.clone())
                .collect();
            assert!(
                syntax.is_empty(),
                "{rule}: fix `{}` breaks the JSON: {syntax:?}\n{fixed}",
                fix.title
            );
            let remaining = after.iter().filter(|f| f.rule.name == rule).count();
            assert!(
                remaining < findings.len(),
                "{rule}: fix `{}` did not remove its finding\n{fixed}",
                fix.title
            );
            text = fixed;
        }
        panic!("{rule}: fixes do not converge");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_takes_one_comma() {
        let t = r#"{"a": 1, "b": 2, "c": 3}"#;
        let b = Span::new(9, 15);
        assert_eq!(&t[b.start..b.end], r#""b": 2"#);
        let r = removal_span(t, b);
        let mut s = t.to_string();
        s.replace_range(r.start..r.end, "");
        assert_eq!(s, r#"{"a": 1, "c": 3}"#);
        let c = Span::new(17, 23);
        let r = removal_span(t, c);
        let mut s = t.to_string();
        s.replace_range(r.start..r.end, "");
        assert_eq!(s, r#"{"a": 1, "b": 2}"#);
        let lone = r#"{"a": 1}"#;
        assert_eq!(removal_span(lone, Span::new(1, 7)), Span::new(1, 7));
        // Out-of-range spans are clamped, never panic.
        let _ = removal_span(lone, Span::new(5, 500));
    }

    /// A policy that exercises every rule of this folder and of `variables/`.
    const BUSY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "read-only", "Effect": "Allow", "Actions": ["s3:Get*"], "Action": [], "NotAction": "s3:Put*",
     "Resource": ["arn:aws:s3:::b/${aws:usrname}/*", "arn:aws:s3:::c/${aws: username}", "x/${aws:username, y}", "é/${"],
     "Principal": {"AWS": [], "Service": [5]},
     "Condition": {"StringEquals": {}, "NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/n}"},
                   "ForAllValues:StringEquals": {"aws:TagKeys": []}, "Bool": {"aws:SecureTransport": null}}},
    {"Sid": "read-only", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:usrname}/*"},
    {"Sid": "", "Effect": "Deny", "Action": "${aws:username}", "NotPrincipal": {}, "Condition": {}},
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:usrname}/*", "Sid": "read-only"},
    7
  ],
  "Extra": true
}"#;

    #[test]
    fn every_prefix_and_kind_is_safe() {
        use crate::policy::PolicyKind;
        use crate::rules::testing::run;
        let mut ends: Vec<usize> = BUSY.char_indices().map(|(i, _)| i).collect();
        ends.push(BUSY.len());
        for end in ends {
            let prefix = &BUSY[..end];
            for f in run(prefix, None) {
                assert!(f.span.start <= f.span.end && f.span.end <= prefix.len());
                assert!(
                    prefix.is_char_boundary(f.span.start) && prefix.is_char_boundary(f.span.end)
                );
                for fix in &f.fixes {
                    let _ = fix.apply(prefix);
                }
            }
        }
        for kind in PolicyKind::ALL {
            assert!(!run(BUSY, Some(kind)).is_empty());
            let old = BUSY.replace("2012-10-17", "2008-10-17");
            let _ = run(&old, Some(kind));
        }
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
