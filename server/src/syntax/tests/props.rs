//! Property tests: no panics on any input, span invariants, locate on partial trees, and
//! agreement with `serde_json` on valid JSON.

use super::check_invariants;
use crate::syntax::{Node, NodeKind, parse};
use proptest::prelude::*;
use serde_json::Value;

/// Our tree as a `serde_json::Value` (numbers re-read by serde_json from their source text).
fn to_value(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Object { members, .. } => {
            let mut map = serde_json::Map::new();
            for m in members {
                let v = m.value.as_ref().map_or(Value::Null, to_value);
                // serde_json keeps the last duplicate; so do we here.
                map.insert(m.key.to_string(), v);
            }
            Value::Object(map)
        }
        NodeKind::Array { items, .. } => Value::Array(items.iter().map(to_value).collect()),
        NodeKind::String { value, .. } => Value::String(value.to_string()),
        NodeKind::Number(n) => serde_json::from_str(n).unwrap_or(Value::Null),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Null | NodeKind::Error => Value::Null,
    }
}

/// Arbitrary JSON values (strings include escapes-worthy characters and non-ASCII).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Binary fractions with short decimal forms: they read back exactly.
        (-1_000_000i64..1_000_000).prop_map(|n| Value::from(n as f64 / 64.0)),
        "[a-z\"\\\\/\\n\\t\\u{0}-\\u{1f}é日😀 ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z:*/]{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON-ish token soup: mostly invalid, sometimes valid.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(","),
        Just(":"),
        Just(" "),
        Just("\n"),
        Just("\"a\""),
        Just("\"Effect\""),
        Just("\"b"),
        Just("\"\\u00e9\""),
        Just("\"\\ud800\""),
        Just("\"\\"),
        Just("'x'"),
        Just("1"),
        Just("-0.5e3"),
        Just("01"),
        Just("true"),
        Just("nul"),
        Just("// c\n"),
        Just("/*"),
        Just("*/"),
        Just("é"),
        Just("\u{FEFF}"),
    ];
    prop::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        let p = parse(&text);
        check_invariants(&text, &p);
        for offset in 0..=text.len() {
            let _ = p.locate(offset);
        }
    }

    #[test]
    fn token_soup_never_panics_and_agrees_with_serde(text in token_soup()) {
        let p = parse(&text);
        check_invariants(&text, &p);
        for offset in 0..=text.len() {
            let _ = p.locate(offset);
        }
        let oracle = serde_json::from_str::<Value>(&text);
        let dup = p.errors.iter().any(|e| e.message.starts_with("duplicate key"));
        // JSON's grammar puts no limit on a number's size; serde_json refuses one beyond f64
        // (`-0.5e3011`). We keep such numbers as written, so that is not a disagreement.
        let out_of_range = oracle
            .as_ref()
            .is_err_and(|e| e.to_string().starts_with("number out of range"));
        if p.errors.is_empty() && !out_of_range {
            prop_assert!(oracle.is_ok(), "we accept {:?}, serde_json does not", text);
        }
        if let Ok(v) = oracle {
            prop_assert!(
                p.errors.iter().all(|e| e.message.starts_with("duplicate key")),
                "serde_json accepts {:?}, we report {:?}", text, p.errors
            );
            if !dup {
                prop_assert_eq!(to_value(p.root.as_ref().expect("root")), v);
            }
        }
    }

    #[test]
    fn valid_json_round_trips(v in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&v)
        } else {
            serde_json::to_string(&v)
        }
        .expect("serializable");
        let p = parse(&text);
        prop_assert!(p.errors.is_empty(), "{:?} on {:?}", p.errors, text);
        check_invariants(&text, &p);
        prop_assert_eq!(to_value(p.root.as_ref().expect("root")), v);
    }

    #[test]
    fn truncated_policies_keep_a_root(cut in 0usize..=super::POLICY.len()) {
        let text = super::POLICY;
        let mut cut = cut;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let prefix = &text[..cut];
        let p = parse(prefix);
        check_invariants(prefix, &p);
        if !prefix.trim().is_empty() {
            prop_assert!(p.root.is_some());
            let is_object = matches!(p.root.as_ref().map(|r| &r.kind), Some(NodeKind::Object { .. }));
            prop_assert!(is_object, "root of {:?} is not an object", prefix);
            // The end of the text is always inside the root (unclosed unless complete).
            prop_assert!(p.locate(prefix.trim_end().len()).is_some());
        }
        if cut < text.trim_end().len() {
            prop_assert!(!p.errors.is_empty());
        }
    }

    #[test]
    fn truncated_generated_json_never_panics(v in json_value(), frac in 0.0f64..1.0) {
        let text = serde_json::to_string_pretty(&v).expect("serializable");
        let mut cut = (text.len() as f64 * frac) as usize;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let prefix = &text[..cut];
        let p = parse(prefix);
        check_invariants(prefix, &p);
        for offset in 0..=prefix.len() {
            let _ = p.locate(offset);
        }
    }
}
