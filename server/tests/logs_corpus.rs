//! The corpus of real AccessDenied messages (`tests/data/access-denied-corpus.json`, sources in
//! `tests/data/README.md`) read by `iam-ls explain` and by the log hover.
//!
//! Every stated field of every message is compared with what a person reads in it. A field read
//! differently, or read where the message states nothing, is *wrong* and fails the test; a stated
//! field left empty is *missed*, and at most 5% of the stated fields may be missed. The hover is
//! asked at several places of each message (the start of its line, the middle of that line, the
//! principal, the resource, the action, its last line) and must show the same fields.

// The score and every miss go to stderr (`cargo test -- --nocapture` shows them).
#![allow(clippy::print_stderr)]

use iam_ls::cli::explain;
use iam_ls::ide::logs::denial_report_at;
use iam_ls::logs::DenialReport;
use serde_json::Value;

const FIELDS: [&str; 8] = [
    "principal",
    "action",
    "resource",
    "error_code",
    "operation",
    "policy_type",
    "explicit",
    "policy_arn",
];

fn corpus() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/access-denied-corpus.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("corpus file")).expect("corpus JSON")
}

/// A report's fields as JSON values, keyed like the corpus.
fn fields(r: &DenialReport) -> Vec<(&'static str, Value)> {
    let s = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
    vec![
        ("principal", s(&r.principal)),
        ("action", s(&r.action)),
        ("resource", s(&r.resource)),
        ("error_code", s(&r.error_code)),
        ("operation", s(&r.operation)),
        (
            "policy_type",
            r.denied_by
                .policy_type
                .map_or(Value::Null, |t| Value::String(t.to_string())),
        ),
        (
            "explicit",
            r.denied_by.explicit.map_or(Value::Null, Value::Bool),
        ),
        ("policy_arn", s(&r.denied_by.policy_arn)),
        ("encoded_message", s(&r.encoded_message)),
    ]
}

#[derive(Default)]
struct Score {
    stated: usize,
    right: usize,
    wrong: Vec<String>,
    missed: Vec<String>,
}

impl Score {
    fn compare(
        &mut self,
        what: &str,
        expected: &Value,
        unchecked: &[&str],
        got: Option<&DenialReport>,
    ) {
        let got_fields = got.map(fields).unwrap_or_default();
        for (name, value) in got_fields.iter().chain(
            FIELDS
                .iter()
                .chain(["encoded_message"].iter())
                .filter(|f| got.is_none() && !unchecked.contains(f))
                .map(|f| (*f, Value::Null))
                .collect::<Vec<_>>()
                .iter(),
        ) {
            if unchecked.contains(name) {
                continue;
            }
            let want = expected.get(*name).cloned().unwrap_or(Value::Null);
            if !want.is_null() {
                self.stated += 1;
            }
            match (&want, value) {
                (w, g) if w == g => {
                    if !w.is_null() {
                        self.right += 1
                    }
                }
                (w, Value::Null) => self
                    .missed
                    .push(format!("{what}: {name} missed (want {w})")),
                (w, g) => self
                    .wrong
                    .push(format!("{what}: {name} read {g}, want {w}")),
            }
        }
    }
}

/// Byte positions to hover for one message: the start and the middle of the line the message
/// starts on, the principal, the resource, the action and the start of the message's last line.
/// The line start is left out when another message ends on the same line before this one.
fn hover_points(text: &str, r: &DenialReport, previous_end: usize) -> Vec<(String, usize)> {
    let start = r.span.start;
    let end = r.span.end.max(start + 1).min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i)
        .min(end.max(start));
    let mut points = vec![("middle of first line".to_string(), (start + line_end) / 2)];
    if previous_end <= line_start {
        points.push(("line start".to_string(), line_start));
    }
    for (name, v) in [
        ("principal", &r.principal),
        ("resource", &r.resource),
        ("action", &r.action),
    ] {
        if let Some(v) = v
            && let Some(i) = text[start..end].find(v.as_str())
        {
            points.push((name.to_string(), start + i + v.len() / 2));
        }
    }
    if let Some(i) = text[start..end.saturating_sub(1).max(start)].rfind('\n') {
        points.push(("last line".to_string(), start + i + 1));
    }
    points
}

#[test]
fn real_access_denied_messages_are_read_right_by_explain_and_the_hover() {
    let corpus = corpus();
    let cases = corpus["cases"].as_array().expect("cases");
    assert!(cases.len() >= 100, "the corpus holds {} cases", cases.len());
    let mut explain_score = Score::default();
    let mut hover_score = Score::default();
    let mut messages = 0;
    for case in cases {
        let id = case["id"].as_str().expect("id");
        assert!(
            case["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://")),
            "{id}: source"
        );
        let text = case["text"].as_str().expect("text");
        let expected = case["messages"].as_array().expect("messages");
        let unchecked: Vec<&str> = case
            .get("unchecked")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let found = explain::reports(text);
        messages += expected.len();
        if found.len() > expected.len() && !unchecked.contains(&"count") {
            explain_score.wrong.push(format!(
                "explain {id}: {} messages found, the text holds {}: {:?}",
                found.len(),
                expected.len(),
                found
                    .iter()
                    .map(|r| (&r.error_code, &r.action))
                    .collect::<Vec<_>>()
            ));
        }
        for (i, want) in expected.iter().enumerate() {
            let what = format!("{id}[{i}]");
            let got = found.get(i);
            explain_score.compare(&format!("explain {what}"), want, &unchecked, got);
            let Some(r) = got else { continue };
            let previous_end = if i > 0 { found[i - 1].span.end } else { 0 };
            for (place, at) in hover_points(text, r, previous_end) {
                let h = denial_report_at(text, at);
                let label = format!("hover {what} at {place} ({at})");
                if h.as_ref().is_some_and(|h| h.span != r.span) {
                    hover_score
                        .wrong
                        .push(format!("{label}: explains another message"));
                    continue;
                }
                hover_score.compare(&label, want, &unchecked, h.as_ref());
            }
        }
    }
    for (name, s) in [("explain", &explain_score), ("hover", &hover_score)] {
        let pct = 100.0 * s.right as f64 / s.stated.max(1) as f64;
        eprintln!(
            "{name}: {messages} messages, {}/{} stated fields right ({pct:.1}%), {} wrong, {} missed",
            s.right,
            s.stated,
            s.wrong.len(),
            s.missed.len()
        );
        for m in &s.missed {
            eprintln!("  {m}");
        }
        for w in &s.wrong {
            eprintln!("  WRONG {w}");
        }
    }
    for (name, s) in [("explain", &explain_score), ("hover", &hover_score)] {
        assert!(
            s.wrong.is_empty(),
            "{name}: {} fields read wrong",
            s.wrong.len()
        );
        assert!(
            s.right * 100 >= s.stated * 95,
            "{name}: only {}/{} stated fields read right",
            s.right,
            s.stated
        );
    }
}
