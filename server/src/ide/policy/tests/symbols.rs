//! Outline and folding.

use super::snapshot;
use crate::ide::Symbol;

fn render(text: &str, symbols: &[Symbol], depth: usize, out: &mut String) {
    for s in symbols {
        out.push_str(&format!(
            "{}{} [{:?}]{} @ {:?}\n",
            "  ".repeat(depth),
            s.name,
            s.kind,
            s.detail
                .as_ref()
                .map(|d| format!(" · {d}"))
                .unwrap_or_default(),
            &text[s.selection.start..s.selection.end]
        ));
        assert!(
            s.span.start <= s.selection.start && s.selection.end <= s.span.end,
            "selection inside the span"
        );
        render(text, &s.children, depth + 1, out);
    }
}

#[test]
fn outline_names_statements_by_sid_or_index() {
    let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
    {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
}"#;
    let snap = snapshot(text, None);
    let symbols = crate::ide::policy::symbols(&snap);
    let mut out = String::new();
    render(text, &symbols, 0, &mut out);
    insta::assert_snapshot!(out);
}

#[test]
fn folding_covers_multiline_containers_only() {
    let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"a:b\"]},\n    {\n      \"Effect\": \"Deny\"\n    }\n  ]\n}";
    let snap = snapshot(text, None);
    let spans = crate::ide::policy::folding_ranges(&snap);
    let shown: Vec<String> = spans
        .iter()
        .map(|s| {
            let t = &text[s.start..s.end];
            format!("{}..{} {}", s.start, s.end, t.lines().next().unwrap_or(""))
        })
        .collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(shown[0].starts_with("0.."));
    assert!(shown[1].contains('['));
    assert!(shown[2].ends_with('{'));
}

#[test]
fn half_typed_outline() {
    let text = "{\"Statement\": [{\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"s3:Get";
    let snap = snapshot(text, None);
    let symbols = crate::ide::policy::symbols(&snap);
    assert_eq!(symbols.len(), 1);
    assert_eq!(symbols[0].name, "A");
    assert_eq!(symbols[0].detail.as_deref(), Some("Allow · s3:Get"));
}
