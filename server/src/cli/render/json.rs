//! The JSON format: one document, schema version [`SCHEMA_VERSION`], described in
//! `docs/cli.md`. Field names are stable within a schema version; new fields may be added, and
//! a change to an existing field raises the version.
//!
//! The document is a tree of plain structs that borrow from the report and are serialized
//! straight to the output (no intermediate `serde_json::Value`). Object keys come out in
//! alphabetical order, as they always have: **declare every field in alphabetical order**
//! (a test checks it).

use super::super::check::{Outcome, Report};
use super::super::lines::{LineIndex, Position};
use crate::rules::{Finding, Level};
use serde::Serialize;
use std::io::{self, Write};

/// The `version` field of the document.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the report as one pretty-printed JSON document and a line break.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document::new(report))?;
    writeln!(out)
}

/// The whole document.
#[derive(Serialize)]
struct Document<'a> {
    errors: Vec<PathMessage<'a>>,
    files: Vec<File<'a>>,
    skipped: Vec<Skipped<'a>>,
    summary: Summary,
    tool: Tool,
    version: u32,
}

/// A file that could not be checked.
#[derive(Serialize)]
struct PathMessage<'a> {
    message: &'a str,
    path: &'a str,
}

/// A file checked as a policy, with its findings.
#[derive(Serialize)]
struct File<'a> {
    /// For a template: its embedded policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    embedded: Option<Vec<EmbeddedJson<'a>>>,
    findings: Vec<FindingJson<'a>>,
    kind: &'static str,
    kind_source: &'static str,
    path: &'a str,
    workspace_path: Option<&'a str>,
}

/// A policy embedded in a template.
#[derive(Serialize)]
struct EmbeddedJson<'a> {
    end: Pos,
    kind: &'static str,
    label: &'a str,
    start: Pos,
}

/// A file left out quietly.
#[derive(Serialize)]
struct Skipped<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Summary {
    by_level: ByLevel,
    errors: usize,
    exit_code: u8,
    files_checked: usize,
    files_skipped: usize,
    findings: usize,
}

#[derive(Serialize)]
struct ByLevel {
    error: usize,
    hint: usize,
    info: usize,
    warning: usize,
}

#[derive(Serialize)]
struct Tool {
    data: Data,
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Data {
    package: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    category: &'static str,
    code: &'static str,
    end: Pos,
    fixes: Vec<FixJson<'a>>,
    level: &'static str,
    message: &'a str,
    rule: &'static str,
    severity: &'static str,
    start: Pos,
    statement: Option<usize>,
    url: String,
}

#[derive(Serialize)]
struct FixJson<'a> {
    edits: Vec<EditJson<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
struct EditJson<'a> {
    end: Pos,
    start: Pos,
    text: &'a str,
}

/// A position: 1-based line and column (characters), and the byte offset.
#[derive(Serialize)]
struct Pos {
    column: usize,
    line: usize,
    offset: usize,
}

impl From<Position> for Pos {
    fn from(p: Position) -> Pos {
        Pos {
            column: p.column,
            line: p.line,
            offset: p.offset,
        }
    }
}

impl<'a> Document<'a> {
    fn new(report: &'a Report) -> Document<'a> {
        let data = crate::catalog::data_version();
        let files: Vec<File<'a>> = report
            .checked()
            .map(|(target, checked)| {
                let text = &*checked.text;
                let index = LineIndex::new(text);
                File {
                    embedded: checked.embedded.as_ref().map(|list| {
                        list.iter()
                            .map(|(label, kind, span)| EmbeddedJson {
                                end: Pos::from(index.position(text, span.end)),
                                kind: kind.name(),
                                label,
                                start: Pos::from(index.position(text, span.start)),
                            })
                            .collect()
                    }),
                    findings: checked
                        .findings
                        .iter()
                        .map(|f| finding(text, &index, f))
                        .collect(),
                    kind: checked.kind.kind.name(),
                    kind_source: checked.kind_source,
                    path: &target.display,
                    workspace_path: target.rel.as_deref(),
                }
            })
            .collect();
        let skipped: Vec<Skipped<'a>> = report
            .files
            .iter()
            .filter_map(|f| match &f.outcome {
                Outcome::Skipped { reason, .. } => Some(Skipped {
                    path: &f.target.display,
                    reason,
                }),
                _ => None,
            })
            .collect();
        let errors: Vec<PathMessage<'a>> = report
            .errors
            .iter()
            .map(|e| PathMessage {
                message: &e.message,
                path: &e.display,
            })
            .collect();
        Document {
            summary: Summary {
                by_level: ByLevel {
                    error: report.count(Level::Error),
                    hint: report.count(Level::Hint),
                    info: report.count(Level::Information),
                    warning: report.count(Level::Warning),
                },
                errors: errors.len(),
                exit_code: report.exit_code(),
                files_checked: files.len(),
                files_skipped: skipped.len(),
                findings: report.findings().count(),
            },
            tool: Tool {
                data: Data {
                    package: data.package,
                    version: data.version,
                },
                name: "iam-ls",
                version: env!("CARGO_PKG_VERSION"),
            },
            version: SCHEMA_VERSION,
            errors,
            files,
            skipped,
        }
    }
}

fn finding<'a>(text: &str, index: &LineIndex, f: &'a Finding) -> FindingJson<'a> {
    let range = |start: usize, end: usize| {
        (
            Pos::from(index.position(text, start)),
            Pos::from(index.position(text, end.max(start))),
        )
    };
    let (start, end) = range(f.span.start, f.span.end);
    let fixes = f
        .fixes
        .iter()
        .map(|fix| FixJson {
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let (start, end) = range(e.span.start, e.span.end);
                    EditJson {
                        end,
                        start,
                        text: &e.text,
                    }
                })
                .collect(),
            title: &fix.title,
        })
        .collect();
    FindingJson {
        category: f.rule.category.name(),
        code: f.rule.code,
        end,
        fixes,
        level: f.level.name(),
        message: &f.message,
        rule: f.rule.name,
        severity: f.rule.severity.name(),
        start,
        statement: f.statement,
        url: f.rule.url(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{Args, Io, run_with};
    use clap::Parser;

    /// `iam-ls check --format json` over a policy on stdin and a missing file.
    fn check_json(policy: &str) -> String {
        let args = [
            "iam-ls",
            "check",
            "--format",
            "json",
            "-",
            "no-such-file.json",
        ];
        let command = Args::try_parse_from(args)
            .expect("arguments")
            .command
            .expect("a subcommand");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut stdin = policy.as_bytes();
        let mut io = Io {
            out: &mut out,
            err: &mut err,
            stdin: &mut stdin,
            out_is_terminal: false,
            err_is_terminal: false,
            stdin_is_terminal: false,
            today: crate::rules::testing::TODAY,
            no_color: false,
            cwd: std::env::temp_dir(),
        };
        run_with(command, &mut io, || {
            Err(std::io::Error::other("no runtime"))
        });
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn keys_are_in_alphabetical_order_at_every_level() {
        let policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"allow\",\n \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}";
        let out = check_json(policy);
        // A `Value` keeps its keys sorted: printing it again gives the same text only if every
        // object was written in that order.
        let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let again = serde_json::to_string_pretty(&doc).expect("printable") + "\n";
        assert_eq!(out, again);
        // Every kind of object is there: a finding with a fix and its edit, an error.
        let finding = &doc["files"][0]["findings"][0];
        assert_eq!(finding["code"], "IAM010");
        assert_eq!(finding["start"]["line"], 1);
        assert_eq!(finding["statement"], 0);
        assert_eq!(finding["fixes"][0]["edits"][0]["text"], "Allow");
        assert_eq!(doc["files"][0]["workspace_path"], serde_json::Value::Null);
        assert_eq!(doc["errors"][0]["path"], "no-such-file.json");
        assert_eq!(doc["summary"]["errors"], 1);
        assert_eq!(doc["summary"]["by_level"]["error"], 1);
        assert_eq!(doc["tool"]["name"], "iam-ls");
        assert_eq!(doc["version"], 1);
    }
}
