//! No offset of any fixture (or any prefix of it, as if being typed) panics, and every result
//! stays inside the text on character boundaries.

use super::snapshot;
use crate::ide::policy::{completion, folding_ranges, hover, symbols};

const FIXTURES: &[&str] = &[
    r#"{"Version": "2012-10-17", "Id": "x", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*", "*:Describe*", "*", "nope", "s4:X"], "Resource": ["arn:aws:s3:::b/${aws:username}/*", "*", "arn:aws", "x"], "Condition": {"StringEquals": {"aws:ResourceTag/Env": "dev", "s3:prefix": ["a", 1, true, null]}, "ForAllValues:StringLike": {"aws:TagKeys": "x"}, "NullIfExists": {"aws:SourceVpc": "true"}, "Bogus": {"k": "v"}}}]}"#,
    r#"{"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": ["111122223333", "arn:aws:iam::1:role/r", "AIDAEXAMPLEEXAMPLE1"], "Service": "s3.amazonaws.com", "Federated": "accounts.google.com", "CanonicalUser": "abc", "Odd": 1}, "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:role/x"}}"#,
    "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:Get\u{e9}t\u{1F600}\", \"Resource\": \"arn:aws:s3:::\u{fc}/\\\"q\\\"\"}]}",
    "{\n  \"Version\": \"2012-10-17\",\r\n  \"Statement\": [\n    {\"Effect\": \"Allow\" \"Action\": , \"Resource\": [\"a\" \"b\"], \"Condition\": {\"Bool\": {\"aws:SecureTransport\": tr}}},\n    ,{}\n  ]\n",
];

fn check(text: &str, kind: Option<&str>) {
    let snap = snapshot(text, kind);
    for offset in 0..=text.len() {
        if let Some(h) = hover(&snap, offset) {
            assert!(h.span.end <= text.len() && h.span.start <= h.span.end);
            assert!(text.is_char_boundary(h.span.start) && text.is_char_boundary(h.span.end));
            assert!(
                h.span.touches(offset),
                "hover span {:?} at {offset}",
                h.span
            );
            assert!(!h.markdown.is_empty());
        }
        let list = completion(&snap, offset);
        assert!(list.items.len() <= crate::ide::policy::completion::MAX_ITEMS);
        for c in &list.items {
            let s = c.edit_span;
            assert!(
                s.start <= s.end && s.end <= text.len(),
                "{s:?} in {} bytes",
                text.len()
            );
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert!(s.start <= offset, "edit starts after the cursor");
        }
    }
    let _ = symbols(&snap);
    for s in folding_ranges(&snap) {
        assert!(s.end <= text.len());
    }
}

#[test]
fn every_offset_of_every_fixture() {
    for (i, fixture) in FIXTURES.iter().enumerate() {
        let kind = if i == 1 { Some("resource") } else { None };
        check(fixture, kind);
    }
}

#[test]
fn every_prefix_as_if_typed() {
    // Each prefix of the first fixture, cursor at the end (and one before).
    let text = FIXTURES[0];
    let mut cut = 0;
    while cut < text.len() {
        cut += 1;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        let prefix = &text[..cut];
        let snap = snapshot(prefix, None);
        for offset in [cut.saturating_sub(1), cut] {
            let _ = hover(&snap, offset);
            let list = completion(&snap, offset);
            for c in &list.items {
                assert!(c.edit_span.end <= prefix.len());
            }
        }
    }
}
