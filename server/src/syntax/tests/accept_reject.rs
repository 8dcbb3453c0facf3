//! JSONTestSuite-style cases: `y_` must parse cleanly to the given shape, `n_` must be rejected
//! with the given message. Each expectation is also checked against `serde_json` as an oracle.

use super::{check_invariants, render};
use crate::syntax::parse;

/// (input, expected rendering of the tree).
const ACCEPT: &[(&str, &str)] = &[
    // numbers
    ("0", "0"),
    ("-0", "-0"),
    ("123", "123"),
    ("-123", "-123"),
    ("1.5", "1.5"),
    ("[0.0001]", "[0.0001]"),
    ("1e10", "1e10"),
    ("1E+2", "1E+2"),
    ("1e-2", "1e-2"),
    ("-0.0e-0", "-0.0e-0"),
    (
        "123456789012345678901234567890",
        "123456789012345678901234567890",
    ),
    ("[1.0,-2.5E3]", "[1.0, -2.5E3]"),
    // strings and escapes
    (r#""""#, r#""""#),
    (r#""abc""#, r#""abc""#),
    (r#""\"\\\/\b\f\n\r\t""#, r#""\"\\/\u{8}\u{c}\n\r\t""#),
    (r#""\u0041""#, r#""A""#),
    (r#""\u00e9\u00E9""#, r#""éé""#),
    (r#""\uD83D\uDE00""#, r#""😀""#),
    (r#""\ud83d\ude00""#, r#""😀""#),
    ("\"é日本😀\"", "\"é日本😀\""),
    (r#""\u0000""#, r#""\0""#),
    ("\"a\u{7f}b\"", "\"a\\u{7f}b\""),
    (r#""\uFFFF""#, r#""\u{ffff}""#),
    (r#""a/b*c?""#, r#""a/b*c?""#),
    // literals
    ("true", "true"),
    ("false", "false"),
    ("null", "null"),
    // structures
    ("{}", "{}"),
    ("[]", "[]"),
    ("[[]]", "[[]]"),
    ("[{}]", "[{}]"),
    (r#"{"a":{}}"#, r#"{"a": {}}"#),
    (
        r#"[1,"a",true,false,null,{},[]]"#,
        r#"[1, "a", true, false, null, {}, []]"#,
    ),
    (r#"{"a":1,"b":[2]}"#, r#"{"a": 1, "b": [2]}"#),
    (r#"{"\u0041":1}"#, r#"{"A": 1}"#),
    (r#"{"":0}"#, r#"{"": 0}"#),
    (r#"{"a":1,"A":2}"#, r#"{"a": 1, "A": 2}"#),
    (r#"{"a":1,"b":{"a":2}}"#, r#"{"a": 1, "b": {"a": 2}}"#),
    // whitespace
    (" \t\n\r[ 1 , 2 ]\n", "[1, 2]"),
    ("{ \"a\" :\n\t1\r\n}", r#"{"a": 1}"#),
    ("[\r\n]", "[]"),
    ("  \"x\"  ", r#""x""#),
    ("{\"a\":[\n  1,\n  2\n]}\n\n", r#"{"a": [1, 2]}"#),
];

/// (input, a substring of the expected error message).
const REJECT: &[(&str, &str)] = &[
    ("", "empty"),
    ("   \n ", "empty"),
    ("[1,]", "trailing comma is not allowed in JSON"),
    (r#"{"a":1,}"#, "trailing comma is not allowed in JSON"),
    ("[,1]", "missing value"),
    ("[1,,2]", "missing value"),
    ("{,}", "unexpected ','"),
    ("[1 2]", "expected ',' or ']'"),
    (r#"{"a":1 "b":2}"#, "expected ',' or '}'"),
    (r#"{"a" 1}"#, "expected ':'"),
    (r#"{"a"}"#, "expected ':'"),
    (r#"{"a":}"#, "missing value"),
    ("{:1}", "missing key"),
    ("{1:1}", "keys must be strings"),
    ("{a:1}", "keys must be strings"),
    ("{'a':1}", "double quotes"),
    ("['a']", "double quotes"),
    ("[True]", "did you mean `true`"),
    ("[FALSE]", "did you mean `false`"),
    ("[None]", "did you mean `null`"),
    ("[undefined]", "not a JSON value"),
    ("[NaN]", "not a JSON value"),
    ("[Infinity]", "not a JSON value"),
    ("[-Infinity]", "invalid number"),
    ("[Allow]", "strings must be in double quotes"),
    ("[01]", "leading zeros"),
    ("[-01]", "leading zeros"),
    ("[+1]", "'+'"),
    ("[.5]", "before '.'"),
    ("[1.]", "after '.'"),
    ("[1.e3]", "after '.'"),
    ("[1e]", "exponent"),
    ("[1e+]", "exponent"),
    ("[-]", "expected a digit"),
    ("[1-2]", "invalid number"),
    ("[0x1F]", "invalid number"),
    (r#"["\x"]"#, "invalid escape sequence"),
    (r#"["\u12"]"#, "invalid escape sequence"),
    (r#"["\u12G4"]"#, "invalid escape sequence"),
    (r#"["\uD800"]"#, "lone surrogate"),
    (r#"["\uDC00\uD800"]"#, "lone surrogate"),
    (r#"["\uD800\u0041"]"#, "lone surrogate"),
    ("[\"a\tb\"]", "control character U+0009"),
    ("[\"a\u{1}b\"]", "control character U+0001"),
    ("[\"a\nb\"]", "unterminated string"),
    ("\"abc", "unterminated string"),
    ("[", "missing ']'"),
    ("{", "missing '}'"),
    ("]", "unexpected ']'"),
    ("}", "unexpected '}'"),
    (",", "unexpected ','"),
    (":", "unexpected ':'"),
    ("[1]]", "unexpected text after the JSON value"),
    (r#"{"a":1}}"#, "unexpected text after the JSON value"),
    ("[1] x", "unexpected text after the JSON value"),
    ("1 2", "unexpected text after the JSON value"),
    ("// c\n[1]", "comments are not allowed in JSON"),
    ("[1 /* c */]", "comments are not allowed in JSON"),
    ("[1] /* c", "unterminated comment"),
    ("\u{FEFF}{}", "byte order mark"),
    (r#"{"a":1,"a":2}"#, "duplicate key \"a\""),
    ("[\"a\"\n\"b\"]", "expected ',' or ']'"),
    ("[1}", "unexpected '}'"),
    (r#"{"a":1]"#, "unexpected ']'"),
    ("[\u{a0}1]", "unexpected"),
    ("[1]\u{0}", "unexpected text after the JSON value"),
    ("[@]", "unexpected character '@'"),
    ("[/]", "unexpected character '/'"),
];

#[test]
fn accepts() {
    assert!(ACCEPT.len() >= 40);
    for (input, shape) in ACCEPT {
        let p = parse(input);
        assert!(p.errors.is_empty(), "{input:?}: {:?}", p.errors);
        let root = p.root.as_ref().expect("a root");
        assert_eq!(render(root), *shape, "shape of {input:?}");
        check_invariants(input, &p);
        assert!(
            serde_json::from_str::<serde_json::Value>(input).is_ok(),
            "oracle rejects {input:?}"
        );
    }
}

#[test]
fn rejects() {
    assert!(REJECT.len() >= 40);
    for (input, message) in REJECT {
        let p = parse(input);
        check_invariants(input, &p);
        assert!(
            p.errors.iter().any(|e| e.message.contains(message)),
            "{input:?}: expected an error containing {message:?}, got {:?}",
            p.errors
        );
        // serde_json accepts duplicate keys; everything else here is invalid JSON for it too.
        if !message.starts_with("duplicate") {
            assert!(
                serde_json::from_str::<serde_json::Value>(input).is_err(),
                "oracle accepts {input:?}"
            );
        }
    }
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    let depth = crate::syntax::MAX_DEPTH;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let p = parse(&text);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    assert!(parse(&objects).errors.is_empty());
}

#[test]
fn nesting_past_the_limit_is_one_error() {
    let depth = crate::syntax::MAX_DEPTH + 1;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let p = parse(&text);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].message, "nesting deeper than 128 levels");
    assert_eq!(p.errors[0].span.start, depth - 1);
    // The outer 128 levels are kept and closed; the innermost is an error node.
    let mut node = p.root.as_ref().expect("root");
    for _ in 0..depth - 1 {
        match &node.kind {
            crate::syntax::NodeKind::Array { items, closed } => {
                assert!(closed);
                node = &items[0];
            }
            other => panic!("expected an array, got {other:?}"),
        }
    }
    assert_eq!(node.kind, crate::syntax::NodeKind::Error);
}

#[test]
fn unescaped_values_and_spans() {
    let text = r#"{"k\n": "a\u00e9\"b"}"#;
    let p = parse(text);
    assert!(p.errors.is_empty());
    let root = p.root.expect("root");
    let m = &root.members().expect("object")[0];
    assert_eq!(m.key, "k\n");
    assert_eq!(&text[m.key_span.start..m.key_span.end], r#""k\n""#);
    let v = m.value.as_ref().expect("value");
    assert_eq!(v.as_str(), Some("aé\"b"));
    match &v.kind {
        crate::syntax::NodeKind::String { content, .. } => {
            assert_eq!(&text[content.start..content.end], r#"a\u00e9\"b"#);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn policy_parses_cleanly() {
    let p = parse(super::POLICY);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let root = p.root.expect("root");
    let st = root.get("Statement").and_then(|m| m.value.as_ref());
    assert_eq!(st.and_then(|s| s.items()).map(<[_]>::len), Some(2));
}
