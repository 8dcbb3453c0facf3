//! SARIF 2.1.0 output, shaped for GitHub code scanning.
//!
//! One run. `tool.driver.rules` lists the rules that have results (id = code, name, short and full description,
//! `help` with the rule's documentation as text and markdown, `helpUri` to its page, the default
//! level, and tags; rules of severity `security-warning` carry the `security` tag and a
//! `security-severity` score so GitHub files them as security alerts). Each result has the rule
//! id and index, the configured level (`error`, `warning`, or `note` for info and hint), the
//! message, one location (artifact URI relative to `%SRCROOT%`, the current directory, and a
//! region with 1-based lines and character columns: `columnKind` is `unicodeCodePoints`), and
//! the rule's quick fixes as SARIF fixes. Files that could not be checked are
//! `toolExecutionNotifications` of the invocation.

use super::super::check::Report;
use super::super::lines::LineIndex;
use super::super::{PROJECT_URL, input};
use crate::rules::{self, Finding, Level, Rule, Severity};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
/// The schema URI put in `$schema`.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `security-severity` score of `security-warning` rules (GitHub: 7.0 to 8.9 is "high").
pub const SECURITY_SEVERITY: &str = "7.5";

/// Writes the report as a SARIF log and a line break.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

/// The SARIF level of a finding level.
pub fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Information | Level::Hint => "note",
    }
}

/// The report as a SARIF log.
pub fn document(report: &Report) -> Value {
    // The rules that have results, in code order (`ruleIndex` points into this list).
    let used: Vec<&Rule> = rules::all()
        .iter()
        .copied()
        .filter(|r| report.findings().any(|f| f.rule.code == r.code))
        .collect();
    let rules_json: Vec<Value> = used.iter().map(|r| rule(r)).collect();
    let mut results = Vec::new();
    for (target, checked) in report.checked() {
        let text = &*checked.text;
        let index = LineIndex::new(text);
        let artifact = artifact_location(&target.display);
        for f in &checked.findings {
            results.push(result(text, &index, &artifact, &used, f));
        }
    }
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.display, e.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&e.display)
                    }
                }],
            })
        })
        .collect();
    let data = crate::catalog::data_version();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iam-ls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": PROJECT_URL,
                    "rules": rules_json,
                    "properties": {
                        "iamData": format!("{} {}", data.package, data.version),
                    },
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "uri": directory_uri(&report.cwd) }
            },
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "exitCode": report.exit_code(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn rule(r: &Rule) -> Value {
    let doc = r.doc();
    let what = rules::docs::section(doc, "What it does")
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| r.summary.to_string());
    let mut tags = vec![r.category.name().to_string()];
    let mut properties = serde_json::Map::new();
    if r.severity == Severity::SecurityWarning {
        tags.insert(0, "security".to_string());
        properties.insert("security-severity".into(), json!(SECURITY_SEVERITY));
    }
    properties.insert("tags".into(), json!(tags));
    properties.insert("precision".into(), json!("high"));
    properties.insert(
        "problem.severity".into(),
        json!(match r.severity {
            Severity::Error => "error",
            Severity::SecurityWarning | Severity::Warning => "warning",
            Severity::Suggestion => "recommendation",
        }),
    );
    let help_text = if doc.is_empty() {
        format!("{}\n\nDocumentation: {}", r.summary, r.url())
    } else {
        format!("{}\n\nDocumentation: {}", doc.trim_end(), r.url())
    };
    let help_markdown = if doc.is_empty() {
        format!("{}\n\n[Documentation]({})", r.summary, r.url())
    } else {
        format!("{}\n\n[Documentation]({})", doc.trim_end(), r.url())
    };
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": what },
        "help": { "text": help_text, "markdown": help_markdown },
        "helpUri": r.url(),
        "defaultConfiguration": { "level": sarif_level(r.severity.default_level()) },
        "properties": properties,
    })
}

fn region(text: &str, index: &LineIndex, start: usize, end: usize) -> Value {
    let s = index.position(text, start);
    let e = index.position(text, end.max(start));
    json!({
        "startLine": s.line,
        "startColumn": s.column,
        "endLine": e.line,
        "endColumn": e.column,
    })
}

fn result(text: &str, index: &LineIndex, artifact: &Value, used: &[&Rule], f: &Finding) -> Value {
    let rule_index = used.iter().position(|r| r.code == f.rule.code);
    let fixes: Vec<Value> = f
        .fixes
        .iter()
        .map(|fix| {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| {
                    json!({
                        "deletedRegion": region(text, index, e.span.start, e.span.end),
                        "insertedContent": { "text": e.text },
                    })
                })
                .collect();
            json!({
                "description": { "text": fix.title },
                "artifactChanges": [{
                    "artifactLocation": artifact,
                    "replacements": replacements,
                }],
            })
        })
        .collect();
    let mut out = json!({
        "ruleId": f.rule.code,
        "level": sarif_level(f.level),
        "message": { "text": f.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": region(text, index, f.span.start, f.span.end),
            }
        }],
    });
    if let Some(map) = out.as_object_mut() {
        if let Some(i) = rule_index {
            map.insert("ruleIndex".into(), json!(i));
        }
        if !fixes.is_empty() {
            map.insert("fixes".into(), json!(fixes));
        }
    }
    out
}

/// The artifact location of a shown path: relative to `%SRCROOT%` (the current directory) when
/// it is, else an absolute `file:` URI.
fn artifact_location(display: &str) -> Value {
    let path = Path::new(display);
    if path.is_absolute() {
        json!({ "uri": file_uri(path) })
    } else {
        json!({ "uri": encode_path(display), "uriBaseId": "%SRCROOT%" })
    }
}

/// `file://` URI of a directory, with the trailing slash SARIF requires for base URIs.
fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn file_uri(path: &Path) -> String {
    let abs = input::absolute(Path::new("/"), path);
    let s = abs.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    format!("file://{}", encode_path(&s))
}

/// Percent-encodes a path for a URI: unreserved characters and `/` stay, everything else is
/// `%XX` per UTF-8 byte.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("a b/ü.json"), "a%20b/%C3%BC.json");
        assert_eq!(encode_path("<stdin>"), "%3Cstdin%3E");
        assert_eq!(
            directory_uri(Path::new("/work/my repo")),
            "file:///work/my%20repo/"
        );
    }

    #[test]
    fn levels_map_to_sarif_levels() {
        assert_eq!(sarif_level(Level::Error), "error");
        assert_eq!(sarif_level(Level::Warning), "warning");
        assert_eq!(sarif_level(Level::Information), "note");
        assert_eq!(sarif_level(Level::Hint), "note");
    }
}
