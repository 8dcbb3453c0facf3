//! Hover, completion and outline tests on inline fixtures: `$0` marks the cursor. Results are
//! rendered as text and checked with insta snapshots (`snapshots/`), plus property checks that
//! no offset of any fixture panics and that completions insert valid JSON.

mod completion;
mod hover;
mod robustness;
mod symbols;

use crate::config::Config;
use crate::document::{Env, Snapshot};
use crate::ide::{Completion, Completions};
use std::sync::Arc;

/// The cursor marker in fixtures.
pub const CURSOR: &str = "$0";

/// `fixture` without its cursor marker, and the marker's byte offset.
pub fn split(fixture: &str) -> (String, usize) {
    let offset = fixture.find(CURSOR).expect("fixture has a $0 cursor");
    (fixture.replacen(CURSOR, "", 1), offset)
}

/// A snapshot of `text`, analysed as `kind` (a kind name as in `iam-ls.toml`) or detected.
pub fn snapshot(text: &str, kind: Option<&str>) -> Snapshot {
    match kind {
        None => Snapshot::new(text.to_string(), 1),
        Some(kind) => {
            let config = Config::from_toml_str(&format!("[kinds]\n\"policy.json\" = \"{kind}\"\n"))
                .expect("valid test configuration");
            Snapshot::with_env(
                text.to_string(),
                1,
                Some("policy.json".to_string()),
                Arc::new(Env::new(config)),
            )
        }
    }
}

/// The hover at the cursor, rendered: the hovered text, then the markdown. Findings notes are
/// left out (they depend on the rule set, which grows independently); `with_findings` keeps
/// them.
pub fn hover_text(fixture: &str, kind: Option<&str>, with_findings: bool) -> String {
    let (text, offset) = split(fixture);
    let snap = snapshot(&text, kind);
    match super::hover(&snap, offset) {
        None => "(no hover)".to_string(),
        Some(h) => {
            let mut md = h.markdown.clone();
            if !with_findings && let Some(start) = md.find("\n\n---\n**Findings here**") {
                let end = md[start + 1..]
                    .find("\n\n---\n*IAM reference data")
                    .map_or(md.len(), |i| start + 1 + i);
                md.replace_range(start..end, "");
            }
            // The data's age changes every day; snapshots show the footer without it (the
            // age itself is tested in hover::catalog_hovers_carry_the_data_date).
            if let Some(at) = md.find("\n\n---\n*IAM reference data")
                && let Some(cut) = md[at..].rfind(", ").map(|i| at + i)
                && md[cut..].ends_with(" old*")
            {
                md.replace_range(cut..md.len() - 1, "");
            }
            format!("hovered: {}\n\n{md}", &text[h.span.start..h.span.end])
        }
    }
}

/// The completions at the cursor.
pub fn completions(fixture: &str, kind: Option<&str>) -> (String, Completions) {
    let (text, offset) = split(fixture);
    let snap = snapshot(&text, kind);
    let list = super::completion(&snap, offset);
    (text, list)
}

/// The first `n` completions rendered one per line (`label · detail => insert`), with the
/// replaced text and whether the list is complete.
pub fn render_completions(text: &str, list: &Completions, n: usize) -> String {
    let mut out = format!(
        "{} items{}\n",
        list.items.len(),
        if list.complete { "" } else { " (incomplete)" }
    );
    if let Some(first) = list.items.first() {
        out.push_str(&format!(
            "replaces: {:?}\n",
            &text[first.edit_span.start..first.edit_span.end]
        ));
    }
    for c in list.items.iter().take(n) {
        out.push_str(&format!(
            "{} [{:?} r{}]{} => {:?}\n",
            c.label,
            c.kind,
            c.rank,
            c.detail
                .as_ref()
                .map(|d| format!(" · {d}"))
                .unwrap_or_default(),
            c.insert
        ));
    }
    out
}

/// `text` with `item` applied, its snippet syntax expanded to the default text.
pub fn apply(text: &str, item: &Completion) -> String {
    let insert = if item.snippet {
        expand_snippet(&item.insert)
    } else {
        item.insert.clone()
    };
    let mut out = text.to_string();
    out.replace_range(item.edit_span.start..item.edit_span.end, &insert);
    out
}

/// A snippet with every tab stop replaced by its default (`${1:x}` → `x`, `${1|a,b|}` → `a`,
/// `$1` → ``) and escapes removed.
pub fn expand_snippet(snippet: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = snippet.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let mut j = i + 2;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let mut depth = 1;
                let mut k = j;
                while k < chars.len() {
                    match chars[k] {
                        '\\' => k += 1,
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    k += 1;
                }
                let body: String = chars[j..k.min(chars.len())].iter().collect();
                if let Some(default) = body.strip_prefix(':') {
                    out.push_str(&expand_snippet(default));
                } else if let Some(choices) = body.strip_prefix('|') {
                    out.push_str(choices.split([',', '|']).next().unwrap_or(""));
                }
                i = k + 1;
            }
            '$' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[test]
fn snippets_expand_to_their_defaults() {
    assert_eq!(expand_snippet("\"${1|Allow,Deny|}\""), "\"Allow\"");
    assert_eq!(
        expand_snippet("arn:${1:aws}:s3:::${2:b}/$3x"),
        "arn:aws:s3:::b/x"
    );
    assert_eq!(expand_snippet("a\\$b\\}"), "a$b}");
    assert_eq!(expand_snippet("{\"$1\": \"$2\"}$0"), "{\"\": \"\"}");
}
