//! `Parse::locate` at a cursor marked `$0` in the input.

use crate::syntax::{NodeKind, parse};

/// Locate at the `$0` marker: (path, on_key, rendering of the node or `-` when none).
/// `None` when locate gives nothing.
fn at(marked: &str) -> Option<(String, bool, String)> {
    let offset = marked.find("$0").expect("a $0 marker");
    let text = marked.replacen("$0", "", 1);
    let p = parse(&text);
    let loc = p.locate(offset)?;
    let node = loc.node.map_or("-".into(), super::render);
    Some((loc.path.to_string(), loc.on_key, node))
}

#[track_caller]
fn check(marked: &str, path: &str, on_key: bool, node: &str) {
    assert_eq!(
        at(marked),
        Some((path.to_string(), on_key, node.to_string())),
        "at {marked:?}"
    );
}

#[test]
fn inside_a_half_typed_string() {
    check(
        r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get$0"#,
        "Statement[0].Action[0]",
        false,
        r#""s3:Get"#,
    );
    check(
        r#"{"Statement":[{"Effect":"Allow","Action":["s3:G$0et"#,
        "Statement[0].Action[0]",
        false,
        r#""s3:Get"#,
    );
}

#[test]
fn on_keys() {
    check(r#"{"Sta$0tement": []}"#, "Statement", true, "[]");
    check(r#"{$0"Effect": "Allow"}"#, "Effect", true, r#""Allow""#);
    check(r#"{"Effect"$0: "Allow"}"#, "Effect", true, r#""Allow""#);
    check(r#"{"Eff$0"#, "Eff", true, "-");
    check(
        r#"{"Statement": [{"Effect": "Allow", "Act$0ion": ["x"]}]}"#,
        "Statement[0].Action",
        true,
        r#"["x"]"#,
    );
}

#[test]
fn on_values() {
    check(r#"{"Effect": "Al$0low"}"#, "Effect", false, r#""Allow""#);
    check(r#"{"Effect": "Allow"$0}"#, "Effect", false, r#""Allow""#);
    check(r#"{"a": [1, {"b": tr$0ue}]}"#, "a[1].b", false, "true");
    check(r#"{"a": 12$0, "b": 2}"#, "a", false, "12");
    check(r#"[[1,2],[3,$04]]"#, "[1][1]", false, "4");
    check(r#"{"a": Fo$0o}"#, "a", false, "<error>");
}

#[test]
fn in_whitespace_gives_the_container() {
    check(r#"{"Statement": [ $0 ]}"#, "Statement", false, "[]");
    check(r#"{ $0 "a": 1}"#, "", false, r#"{"a": 1}"#);
    check(r#"{"a": 1, $0 "b": 2}"#, "", false, r#"{"a": 1, "b": 2}"#);
    check(r#"{"a":$0 1}"#, "", false, r#"{"a": 1}"#);
    check(r#"{"Effect": $0}"#, "", false, r#"{"Effect": _}"#);
    check(
        r#"{"Statement": [{"Effect": "Allow",$0"#,
        "Statement[0]",
        false,
        r#"{"Effect": "Allow""#,
    );
}

#[test]
fn at_the_edges_of_the_root() {
    check(r#"$0{"a": 1}"#, "", false, r#"{"a": 1}"#);
    check(r#"{"a": 1}$0"#, "", false, r#"{"a": 1}"#);
    assert_eq!(at(r#"{"a": 1} $0"#), None);
    assert_eq!(at(r#" $0 {"a": 1}"#), None);
    assert_eq!(at("$0"), None);
    assert_eq!(at("  $0  "), None);
}

#[test]
fn past_the_end_of_the_text() {
    let p = parse("[1]");
    assert!(p.locate(3).is_some());
    assert!(p.locate(4).is_none());
    assert!(p.locate(usize::MAX).is_none());
}

#[test]
fn path_display_and_segments() {
    let text = r#"{"Statement": [{"Condition": {"StringEquals": {"aws:SourceVpc": "v"}}}]}"#;
    let p = parse(text);
    let offset = text.find("\"v\"").expect("value") + 1;
    let loc = p.locate(offset).expect("located");
    assert_eq!(
        loc.path.to_string(),
        "Statement[0].Condition.StringEquals.aws:SourceVpc"
    );
    assert_eq!(loc.path.0.len(), 5);
    assert!(matches!(
        loc.node.map(|n| &n.kind),
        Some(NodeKind::String { .. })
    ));
}

#[test]
fn every_offset_of_a_policy_locates_consistently() {
    let text = super::POLICY;
    let p = parse(text);
    let root = p.root.as_ref().expect("root");
    for offset in 0..=text.len() + 1 {
        match p.locate(offset) {
            None => assert!(!root.span.touches(offset)),
            Some(loc) => {
                if let Some(node) = loc.node
                    && !loc.on_key
                {
                    assert!(node.span.touches(offset), "offset {offset}");
                }
                if loc.on_key {
                    assert!(!loc.path.0.is_empty());
                }
            }
        }
    }
}

#[test]
fn offsets_are_bytes_after_multibyte_text() {
    check(
        r#"{"Descrição": "日本語", "Action": "s3:Ge$0t"}"#,
        "Action",
        false,
        r#""s3:Get""#,
    );
    check(r#"{"日$0本": 1}"#, "日本", true, "1");
}

#[test]
fn crlf_documents() {
    check(
        "{\r\n  \"Statement\": [\r\n    {\"Effect\": \"Al$0\r\n",
        "Statement[0].Effect",
        false,
        r#""Al"#,
    );
}
