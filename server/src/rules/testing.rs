//! Test helpers for rules: run the rules on a fixture and render findings for snapshots.

use super::{Finding, Input, RelatedDocument, check, check_with_related, support};
use crate::config::Config;
use crate::policy::{Policy, PolicyKind, detect_kind};
use crate::syntax::parse;

/// A fixed "today" for tests: 2026-11-28 as days since 1970-01-01.
pub const TODAY: i64 = 20_785;

/// Runs every rule on `text` as a policy of `kind` (detected from the content when `None`).
pub fn run(text: &str, kind: Option<PolicyKind>) -> Vec<Finding> {
    run_with(text, kind, &Config::default())
}

/// Like [`run`], with a configuration.
pub fn run_with(text: &str, kind: Option<PolicyKind>, config: &Config) -> Vec<Finding> {
    let parsed = parse(text);
    let kind = kind.unwrap_or_else(|| detect_kind(&Policy::from_parse(&parsed)).0);
    check(&Input {
        text,
        parse: &parsed,
        kind,
        path: None,
        config,
        today: TODAY,
    })
}

/// Like [`run`], with the other policies of the document's group as `(path, kind, text)`.
pub fn run_related(
    text: &str,
    kind: Option<PolicyKind>,
    related: &[(&str, PolicyKind, &str)],
) -> Vec<Finding> {
    let parsed = parse(text);
    let kind = kind.unwrap_or_else(|| detect_kind(&Policy::from_parse(&parsed)).0);
    let parses: Vec<_> = related.iter().map(|(_, _, t)| parse(t)).collect();
    let docs: Vec<RelatedDocument<'_>> = related
        .iter()
        .zip(&parses)
        .map(|((path, kind, text), parse)| RelatedDocument {
            path,
            kind: *kind,
            text,
            parse,
        })
        .collect();
    check_with_related(
        &Input {
            text,
            parse: &parsed,
            kind,
            path: None,
            config: &Config::default(),
            today: TODAY,
        },
        &docs,
    )
}

/// The findings of one rule (by name) on `text`.
pub fn run_rule(name: &str, text: &str, kind: Option<PolicyKind>) -> Vec<Finding> {
    run(text, kind)
        .into_iter()
        .filter(|f| f.rule.name == name)
        .collect()
}

/// `line:col code level message` per finding (1-based, columns in characters), then each fix as
/// `  fix: title` followed by the fixed text's changed lines. Stable, for insta snapshots.
pub fn render(text: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let (line, col) = line_col(text, f.span.start);
        let snippet = text.get(f.span.start..f.span.end).unwrap_or("");
        out.push_str(&format!(
            "{line}:{col} {} {} [{}] {}\n    at: {snippet}\n",
            f.rule.code,
            f.rule.name,
            f.level.name(),
            f.message
        ));
        for fix in &f.fixes {
            out.push_str(&format!("    fix: {}\n", fix.title));
            for e in &fix.edits {
                out.push_str(&format!(
                    "      {}..{} -> {}\n",
                    e.span.start, e.span.end, e.text
                ));
            }
        }
    }
    out
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Today's date as used by the tests, for messages.
pub fn today_string() -> String {
    support::format_day(TODAY)
}
