//! The JSON format: one document, schema version [`SCHEMA_VERSION`], described in
//! `docs/cli.md`. Field names are stable within a schema version; new fields may be added, and
//! a change to an existing field raises the version.

use super::super::check::{Outcome, Report};
use super::super::lines::{LineIndex, Position};
use crate::rules::{Finding, Level};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The `version` field of the document.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the report as one pretty-printed JSON document and a line break.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let doc = document(report);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The report as a JSON value.
pub fn document(report: &Report) -> Value {
    let data = crate::catalog::data_version();
    let files: Vec<Value> = report
        .checked()
        .map(|(target, checked)| {
            let text = &*checked.text;
            let index = LineIndex::new(text);
            let findings: Vec<Value> = checked
                .findings
                .iter()
                .map(|f| finding(text, &index, f))
                .collect();
            json!({
                "path": target.display,
                "workspace_path": target.rel,
                "kind": checked.kind.kind.name(),
                "kind_source": checked.kind_source,
                "findings": findings,
            })
        })
        .collect();
    let skipped: Vec<Value> = report
        .files
        .iter()
        .filter_map(|f| match &f.outcome {
            Outcome::Skipped { reason } => {
                Some(json!({ "path": f.target.display, "reason": reason }))
            }
            _ => None,
        })
        .collect();
    let errors: Vec<Value> = report
        .errors
        .iter()
        .map(|e| json!({ "path": e.display, "message": e.message }))
        .collect();
    json!({
        "version": SCHEMA_VERSION,
        "tool": {
            "name": "iam-ls",
            "version": env!("CARGO_PKG_VERSION"),
            "data": { "package": data.package, "version": data.version },
        },
        "summary": {
            "files_checked": files.len(),
            "files_skipped": skipped.len(),
            "errors": errors.len(),
            "findings": report.findings().count(),
            "by_level": {
                "error": report.count(Level::Error),
                "warning": report.count(Level::Warning),
                "info": report.count(Level::Information),
                "hint": report.count(Level::Hint),
            },
            "exit_code": report.exit_code(),
        },
        "files": files,
        "skipped": skipped,
        "errors": errors,
    })
}

fn position(p: Position) -> Value {
    json!({ "line": p.line, "column": p.column, "offset": p.offset })
}

fn finding(text: &str, index: &LineIndex, f: &Finding) -> Value {
    let range = |start: usize, end: usize| {
        (
            position(index.position(text, start)),
            position(index.position(text, end.max(start))),
        )
    };
    let (start, end) = range(f.span.start, f.span.end);
    let fixes: Vec<Value> = f
        .fixes
        .iter()
        .map(|fix| {
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| {
                    let (start, end) = range(e.span.start, e.span.end);
                    json!({ "start": start, "end": end, "text": e.text })
                })
                .collect();
            json!({ "title": fix.title, "edits": edits })
        })
        .collect();
    json!({
        "code": f.rule.code,
        "rule": f.rule.name,
        "level": f.level.name(),
        "severity": f.rule.severity.name(),
        "category": f.rule.category.name(),
        "message": f.message,
        "url": f.rule.url(),
        "start": start,
        "end": end,
        "statement": f.statement,
        "fixes": fixes,
    })
}
