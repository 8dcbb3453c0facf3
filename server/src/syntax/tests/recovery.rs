//! Exact trees and errors for broken and half-typed input.

use super::{render_errors, tree};
use crate::syntax::{NodeKind, parse};

/// Check the rendered tree and the rendered error list.
#[track_caller]
fn check(input: &str, shape: &str, errors: &str) {
    let p = parse(input);
    super::check_invariants(input, &p);
    let got = p.root.as_ref().map_or("<none>".into(), super::render);
    assert_eq!(got, shape, "tree of {input:?}");
    assert_eq!(render_errors(&p), errors.trim(), "errors of {input:?}");
}

#[test]
fn half_typed_policy() {
    check(
        r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:Get"#,
        "
0..1 missing '}' to close this object
13..14 missing ']' to close this array
14..15 missing '}' to close this object
41..42 missing ']' to close this array
42..49 unterminated string",
    );
}

#[test]
fn half_typed_string_stops_at_the_end_of_the_line() {
    check(
        "{\"Action\": \"s3:Get\n, \"Effect\": \"Allow\"}",
        r#"{"Action": "s3:Get, "Effect": "Allow"}"#,
        "11..18 unterminated string",
    );
    // The span of an unterminated string excludes the line break, \r included.
    let p = parse("[\"ab\r\n]");
    match &p.root.as_ref().and_then(|r| r.items()).expect("items")[0].kind {
        NodeKind::String {
            content,
            terminated,
            ..
        } => {
            assert!(!terminated);
            assert_eq!((content.start, content.end), (2, 4));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn half_typed_key() {
    check(
        r#"{"Version": "2012-10-17", "Sta"#,
        r#"{"Version": "2012-10-17", "Sta": _"#,
        "
0..1 missing '}' to close this object
26..30 unterminated string",
    );
}

#[test]
fn key_and_colon_without_value_at_the_end() {
    check(
        r#"{"Effect": "#,
        r#"{"Effect": _"#,
        "
0..1 missing '}' to close this object
1..10 missing value",
    );
}

#[test]
fn missing_value_keeps_the_next_member() {
    check(
        r#"{"Effect": , "Action": "x"}"#,
        r#"{"Effect": _, "Action": "x"}"#,
        "1..10 missing value",
    );
}

#[test]
fn missing_value_before_closing_brace() {
    check(r#"{"Effect":}"#, r#"{"Effect": _}"#, "1..10 missing value");
}

#[test]
fn missing_comma_keeps_both_members() {
    check(
        "{\"Effect\": \"Allow\"\n \"Action\": \"s3:*\"}",
        r#"{"Effect": "Allow", "Action": "s3:*"}"#,
        "20..28 expected ',' or '}'",
    );
}

#[test]
fn missing_comma_in_array() {
    check(
        r#"["a" "b" {"c":1}]"#,
        r#"["a", "b", {"c": 1}]"#,
        "
5..8 expected ',' or ']'
9..10 expected ',' or ']'",
    );
}

#[test]
fn missing_colon_keeps_the_value() {
    check(
        r#"{"Effect" "Allow"}"#,
        r#"{"Effect": "Allow"}"#,
        "1..9 expected ':' after the key",
    );
}

#[test]
fn missing_colon_and_value_before_another_key() {
    check(
        "{\"Effect\"\n\"Action\": \"x\"}",
        r#"{"Effect": _, "Action": "x"}"#,
        "1..9 expected ':' and a value after the key",
    );
}

#[test]
fn missing_closing_brace_inside_array() {
    check(
        r#"{"Statement": [{"Effect": "Allow"], "Version": "1"}"#,
        r#"{"Statement": [{"Effect": "Allow"], "Version": "1"}"#,
        "15..16 missing '}' to close this object",
    );
}

#[test]
fn missing_closing_bracket_inside_object() {
    check(
        r#"{"Action": ["a", "b"}"#,
        r#"{"Action": ["a", "b"}"#,
        "11..12 missing ']' to close this array",
    );
}

#[test]
fn missing_all_closers() {
    check(
        r#"{"a": [1, {"b": 2"#,
        r#"{"a": [1, {"b": 2"#,
        "
0..1 missing '}' to close this object
6..7 missing ']' to close this array
10..11 missing '}' to close this object",
    );
}

#[test]
fn duplicate_keys_are_kept_and_reported_on_the_later_key() {
    check(
        r#"{"Effect": "Allow", "Effect": "Deny", "Effect": "Allow"}"#,
        r#"{"Effect": "Allow", "Effect": "Deny", "Effect": "Allow"}"#,
        r#"
20..28 duplicate key "Effect"
38..46 duplicate key "Effect""#,
    );
}

#[test]
fn duplicate_keys_in_a_wide_object() {
    // More than eight members takes the sorting path.
    let mut text = String::from("{");
    for i in 0..20 {
        text.push_str(&format!("\"k{}\": {i},", i % 15));
    }
    text.push_str("\"z\": 0}");
    let p = parse(&text);
    let dups: Vec<_> = p
        .errors
        .iter()
        .filter(|e| e.message.starts_with("duplicate key"))
        .map(|e| e.message.clone())
        .collect();
    let expected: Vec<_> = (0..5).map(|i| format!("duplicate key \"k{i}\"")).collect();
    assert_eq!(dups, expected);
}

#[test]
fn trailing_commas() {
    check(
        r#"{"Action": ["a", "b",], }"#,
        r#"{"Action": ["a", "b"]}"#,
        "
20..21 trailing comma is not allowed in JSON
22..23 trailing comma is not allowed in JSON",
    );
}

#[test]
fn comments_are_skipped() {
    check(
        "{\n  // allow reads\n  \"Effect\": /* yes */ \"Allow\"\n}",
        r#"{"Effect": "Allow"}"#,
        "
4..18 comments are not allowed in JSON
31..40 comments are not allowed in JSON",
    );
}

#[test]
fn bare_words_and_single_quotes() {
    check(
        "{Effect: Allow, 'Action': 's3:*', \"Ok\": True}",
        r#"{"Effect": <error>, "Action": "s3:*", "Ok": <error>}"#,
        "
1..7 object keys must be strings in double quotes
9..14 unexpected word `Allow`: strings must be in double quotes
16..24 keys must use double quotes, not single quotes
26..32 strings must use double quotes, not single quotes
40..44 `True` is not valid JSON: did you mean `true`?",
    );
}

#[test]
fn invalid_numbers_stay_numbers() {
    check(
        "[01, +1, .5, 1., 0x1F]",
        "[01, +1, .5, 1., <error>]",
        "
1..3 invalid number: leading zeros are not allowed
5..7 invalid number: a number cannot start with '+'
9..11 invalid number: a digit is needed before '.'
13..15 invalid number: a digit is needed after '.'
17..21 invalid number `0x1F`",
    );
}

#[test]
fn escapes_with_errors() {
    check(
        r#"["a\qb", "\uD83Dx", "\u00"]"#,
        "[\"aqb\", \"\u{fffd}x\", \"\u{fffd}\"]",
        r#"
3..5 invalid escape sequence '\q'
10..16 invalid escape sequence: lone surrogate (replaced by U+FFFD)
21..25 invalid escape sequence: '\u' needs four hex digits"#,
    );
}

#[test]
fn stray_closers_and_text_after_the_value() {
    check(
        r#"]{"a": 1}} x"#,
        r#"{"a": 1}"#,
        "
0..1 unexpected ']': expected a JSON value
9..12 unexpected text after the JSON value",
    );
}

#[test]
fn byte_order_mark_is_reported_and_skipped() {
    check(
        "\u{FEFF}{\"a\": 1}",
        r#"{"a": 1}"#,
        "0..3 byte order mark is not allowed at the start of a policy",
    );
}

#[test]
fn empty_input() {
    check(
        "",
        "<none>",
        "0..0 the document is empty: expected a JSON value",
    );
    check(
        " // nothing\n",
        "<none>",
        "
1..11 comments are not allowed in JSON
12..12 the document is empty: expected a JSON value",
    );
}

#[test]
fn deep_nesting_is_skipped_without_recursion() {
    for open in ["[", r#"{"a":"#] {
        let text = open.repeat(100_000);
        let start = std::time::Instant::now();
        let p = parse(&text);
        let elapsed = start.elapsed();
        super::check_invariants(&text, &p);
        let deep: Vec<_> = p
            .errors
            .iter()
            .filter(|e| e.message == "nesting deeper than 128 levels")
            .collect();
        assert_eq!(deep.len(), 1);
        assert_eq!(deep[0].span.start, 128 * open.len());
        assert!(p.root.is_some());
        assert!(p.locate(text.len()).is_some());
        // Not a timing assertion on speed, only a guard against quadratic behaviour that would
        // take seconds.
        assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
    }
}

#[test]
fn deep_region_skips_strings_with_brackets() {
    // The skipped region ends at its own closer, not at a bracket inside a string.
    let depth = crate::syntax::MAX_DEPTH;
    let text = format!("{}[\"]]]\"]{}", "[".repeat(depth), "]".repeat(depth));
    let p = parse(&text);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    let shape = tree(&text);
    assert!(
        shape.ends_with(&format!("[<error>{}", "]".repeat(depth))),
        "{shape}"
    );
}

#[test]
fn every_prefix_of_a_policy_keeps_a_root() {
    let text = super::POLICY;
    for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
        let prefix = &text[..cut];
        let p = parse(prefix);
        super::check_invariants(prefix, &p);
        if prefix.trim().is_empty() {
            assert!(p.root.is_none());
            continue;
        }
        let root = p.root.as_ref().expect("root");
        assert!(root.members().is_some(), "prefix {cut} is not an object");
        assert!(p.locate(prefix.trim_end().len()).is_some(), "prefix {cut}");
        let complete = cut >= text.trim_end().len();
        assert_eq!(
            p.errors.is_empty(),
            complete,
            "prefix {cut}: {:?}",
            p.errors
        );
    }
}

/// About 100 KB of statements, as used for the parse-time measurement.
fn large_policy() -> (String, usize) {
    let mut s = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    let mut n = 0;
    while s.len() < 100_000 {
        if n > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            r#"    {{
      "Sid": "Stmt{n}",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "kms:Decrypt"],
      "Resource": ["arn:aws:s3:::bucket-{n}", "arn:aws:s3:::bucket-{n}/*"],
      "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "team-{n}"}}}}
    }}"#
        ));
        n += 1;
    }
    s.push_str("\n  ]\n}\n");
    (s, n)
}

#[test]
fn large_policy_parses_fully() {
    let (text, n) = large_policy();
    let p = parse(&text);
    assert!(
        p.errors.is_empty(),
        "{:?}",
        &p.errors[..p.errors.len().min(3)]
    );
    let root = p.root.as_ref().expect("root");
    let statements = root
        .get("Statement")
        .and_then(|m| m.value.as_ref())
        .and_then(|v| v.items())
        .expect("statements");
    assert_eq!(statements.len(), n);
    let last = statements.last().and_then(|s| s.get("Sid"));
    let expected = format!("Stmt{}", n - 1);
    assert_eq!(
        last.and_then(|m| m.value.as_ref()).and_then(|v| v.as_str()),
        Some(expected.as_str())
    );
    // A cursor in the middle finds a statement element.
    let loc = p.locate(text.len() / 2).expect("located");
    assert!(
        loc.path.to_string().starts_with("Statement["),
        "{}",
        loc.path
    );
}

#[test]
fn deep_nesting_fits_a_small_stack() {
    // Bounded recursion: 128 levels of `{"a": [` must fit well within a 1 MiB thread stack,
    // even in debug builds (LSP worker threads get 2 MiB).
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let text = r#"{"a": ["#.repeat(200);
            let p = parse(&text);
            p.locate(text.len()).map(|l| l.path.0.len())
        })
        .expect("spawn");
    assert_eq!(handle.join().expect("no stack overflow"), Some(128));
}

/// Issue 17: an unclosed `Action` array must not swallow the next member: it ends at the
/// `"Resource":` key, and the comma before it separates the object's members.
#[test]
fn unclosed_array_ends_at_the_next_key() {
    check(
        r#"{"Action": ["s3:GetObject", "Resource": "*"}"#,
        r#"{"Action": ["s3:GetObject", "Resource": "*"}"#,
        "11..12 missing ']' to close this array",
    );
    let p = parse(r#"{"Action": ["s3:GetObject", "Resource": "*"}"#);
    let root = p.root.expect("root");
    let action = root
        .get("Action")
        .and_then(|m| m.value.as_ref())
        .expect("action");
    assert_eq!(action.items().map(<[_]>::len), Some(1));
    assert!(root.get("Resource").is_some());
    // Nested arrays end together; a top-level array (no enclosing object) is left alone.
    let p = parse(r#"{"A": [["x", "B": 1}"#);
    let root = p.root.expect("root");
    assert!(root.get("B").is_some());
}

/// A flood of errors (one per stray comma) lists the first `MAX_ERRORS` and counts the rest in
/// one more error at the first of them; the tree is still built over the whole text.
#[test]
fn errors_past_the_cap_are_counted_in_one() {
    use crate::syntax::MAX_ERRORS;
    let commas = 5000;
    let text = format!("[{}]", ",".repeat(commas));
    let p = parse(&text);
    super::check_invariants(&text, &p);
    assert_eq!(p.errors.len(), MAX_ERRORS + 1);
    // The listed ones are on the first commas, in order; the count sits on the next comma.
    for (i, e) in p.errors[..MAX_ERRORS].iter().enumerate() {
        assert_eq!(e.span.start, 1 + i, "{e:?}");
    }
    let count = &p.errors[MAX_ERRORS];
    assert_eq!(count.span.start, 1 + MAX_ERRORS);
    assert_eq!(
        count.message,
        format!(
            "{} more syntax errors from here on are not listed (a document lists its first {MAX_ERRORS})",
            commas - MAX_ERRORS
        )
    );
    assert_eq!(p.root.as_ref().map(|r| r.span.end), Some(text.len()));
}

/// Past the cap, errors that a look-ahead reports and takes back (bare words in an array inside
/// an object are tried as keys first) are not counted: the count is what the errors would be.
#[test]
fn errors_taken_back_past_the_cap_are_not_counted() {
    use crate::syntax::MAX_ERRORS;
    let text = |commas: usize| format!("{{\"a\": [{} x, y, z /* c */, w]}}", ",".repeat(commas));
    // Under the cap: every error is listed.
    let few = parse(&text(10)).errors.len();
    assert!(few > 10 && few < MAX_ERRORS, "{few}");
    // A thousand more commas, a thousand more errors: all but the first thousand counted.
    let p = parse(&text(10 + MAX_ERRORS));
    assert_eq!(p.errors.len(), MAX_ERRORS + 1);
    let count = p
        .errors
        .iter()
        .find(|e| e.message.contains("more syntax errors"))
        .expect("the count");
    assert!(
        count.message.starts_with(&format!("{} more ", few)),
        "{} errors under the cap; {}",
        few,
        count.message
    );
}
