//! Rule documentation: the doc comments embedded by `build.rs`, their sections, and the
//! generated pages under `docs/rules/` (`cargo test -p iam-ls rules::tests::docs_are_current`
//! checks them; `IAM_LS_UPDATE_DOCS=1` rewrites them).

use super::{Rule, all};
use std::fmt::Write as _;

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// Where the generated rule pages are published: the `docs/rules/` folder of the repository
/// named in the workspace's Cargo.toml (`repository`, the one place the URL is set).
pub const DOCS_BASE_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules");

/// The command that regenerates `docs/rules/` (the pages' footer, the stale-docs test and the
/// README all say this one).
pub const REGENERATE_COMMAND: &str =
    "IAM_LS_UPDATE_DOCS=1 cargo test -p iam-ls --no-default-features docs_are_current";

/// The sections every rule doc has, in order.
pub const SECTIONS: &[&str] = &["What it does", "Why it matters", "Example", "Fix"];

/// The doc comment of the rule named `name`.
pub fn doc_for(name: &str) -> Option<&'static str> {
    RULE_DOCS.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// The body of section `## title` of a doc (up to the next `## ` heading).
pub fn section<'d>(doc: &'d str, title: &str) -> Option<&'d str> {
    let mut start = None;
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let heading = line.trim_end().strip_prefix("## ");
        match (start, heading) {
            (None, Some(h)) if h == title => start = Some(offset + line.len()),
            (Some(s), Some(_)) => return Some(&doc[s..offset]),
            _ => {}
        }
        offset += line.len();
    }
    start.map(|s| &doc[s..])
}

/// A fenced code block: its info string (`json kind:scp`) and its code. Attributes are written
/// `key:value`, not `key=value`: rustdoc reads the info strings of doc comments too and warns
/// about `=` (`rustdoc::invalid_codeblock_attributes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock<'d> {
    pub info: &'d str,
    pub code: String,
}

impl CodeBlock<'_> {
    /// The value of `key:value` in the info string.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.info
            .split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix(':'))
    }
}

/// The fenced code blocks of a piece of markdown.
pub fn code_blocks(markdown: &str) -> Vec<CodeBlock<'_>> {
    let mut blocks = Vec::new();
    let mut current: Option<(&str, String)> = None;
    for line in markdown.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut current, fence) {
            (None, Some(info)) => current = Some((info.trim(), String::new())),
            (Some(_), Some(_)) => {
                let (info, code) = current.take().unwrap_or_default();
                blocks.push(CodeBlock { info, code });
            }
            (Some((_, code)), None) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The generated page of one rule (`docs/rules/<name>.md`).
pub fn render_page(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({})\n", rule.name, rule.code);
    let _ = writeln!(out, "{}\n", rule.summary);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Code | `{}` |", rule.code);
    let _ = writeln!(out, "| Category | {} |", rule.category.name());
    let _ = writeln!(out, "| Default severity | {} |", rule.severity.name());
    let _ = writeln!(out, "| Policy kinds | {} |", rule.kinds.describe());
    let _ = writeln!(out, "| Since | {} |", rule.since);
    if !rule.sources.is_empty() {
        let _ = writeln!(out, "| Corresponds to | {} |", rule.sources.join("; "));
    }
    out.push('\n');
    out.push_str(rule.doc().trim_end());
    out.push('\n');
    let _ = writeln!(
        out,
        "\n---\nGenerated from the rule's doc comment by `{REGENERATE_COMMAND}`. \
         Turn the rule off or change its level in `iam-ls.toml` under `[rules]`."
    );
    out
}

/// The generated index (`docs/rules/README.md`): every rule, then every Access Analyzer code
/// with the rule that covers it or why it cannot be checked offline.
pub fn render_index() -> String {
    let mut out = String::from("# Rules\n\n");
    out.push_str(
        "Every check iam-ls runs, by code. Each page says what the rule does, why it matters, an \
         example that triggers it and the fix. Configure rules in `iam-ls.toml`:\n\n\
         ```toml\n[rules]\n\"deny-not-action-without-condition\" = \"off\"      # or error | warning | info | hint\n```\n\n",
    );
    out.push_str("| Code | Name | Category | Severity | Policy kinds | Summary |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for rule in all() {
        let _ = writeln!(
            out,
            "| {} | [{}]({}.md) | {} | {} | {} | {} |",
            rule.code,
            rule.name,
            rule.name,
            rule.category.name(),
            rule.severity.name(),
            rule.kinds.describe(),
            rule.summary
        );
    }
    out.push_str("\n## Access Analyzer checks\n\n");
    out.push_str(
        "AWS IAM Access Analyzer's policy validation reports 153 finding codes. This table maps \
         each one to the iam-ls rule that checks it offline, or says why it cannot be decided from \
         the policy text and the reference data alone.\n\n",
    );
    out.push_str("| Access Analyzer code | Severity | iam-ls |\n|---|---|---|\n");
    for entry in super::access_analyzer::CODES {
        let covered: Vec<String> = all()
            .iter()
            .filter(|r| r.access_analyzer_codes().any(|c| c == entry.code))
            .map(|r| format!("[{}]({}.md) ({})", r.name, r.name, r.code))
            .collect();
        let cell = if covered.is_empty() {
            format!(
                "not checkable offline: {}",
                super::access_analyzer::offline_gap(entry.code).unwrap_or("?")
            )
        } else {
            covered.join(", ")
        };
        let _ = writeln!(out, "| {} | {} | {} |", entry.code, entry.severity, cell);
    }
    out
}
