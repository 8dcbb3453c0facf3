//! The text format, for people (in the style of rustc and ruff):
//!
//! ```text
//! policies/app.json:4:17: IAM101 error: `s3:GetObjekt` is not an action of Amazon S3 ...
//!   |
//! 4 |       "Action": "s3:GetObjekt",
//!   |                 ^^^^^^^^^^^^^^ invalid-action
//!   |
//!   = fix: Replace with `s3:GetObject`
//!
//! Found 1 problem (1 error) in 1 of 3 files.
//! ```
//!
//! The first line is `path:line:column` (1-based; columns in characters) so terminals and
//! editors can jump to it. A span over several lines is underlined to the end of its first line.
//! Long lines are cut to a window around the span. Control characters are replaced. Colour
//! (ANSI) only when asked for.

use super::super::check::Report;
use super::super::lines::LineIndex;
use super::sanitize;
use crate::rules::{Finding, Level};
use crate::text::floor_char_boundary;
use std::io::{self, Write};

/// The widest source excerpt shown, in characters.
const MAX_EXCERPT: usize = 120;
/// Characters kept before the span when a long line is cut.
const LEAD: usize = 40;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, codes: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn level(&self, level: Level, s: &str) -> String {
        let codes = match level {
            Level::Error => "1;31",
            Level::Warning => "1;33",
            Level::Information => "1;34",
            Level::Hint => "1;36",
        };
        self.paint(codes, s)
    }

    fn gutter(&self, s: &str) -> String {
        self.paint("1;34", s)
    }

    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// Writes the report as text.
pub fn write(out: &mut dyn Write, report: &Report, color: bool) -> io::Result<()> {
    let style = Style { on: color };
    for (target, checked) in report.checked() {
        if checked.findings.is_empty() {
            continue;
        }
        let text = &*checked.text;
        let index = LineIndex::new(text);
        for f in &checked.findings {
            write_finding(out, &style, &sanitize(&target.display), text, &index, f)?;
        }
    }
    // Kinds taken on assumption, where the content leaves it open (see `assumed_kind_note`).
    let mut noted = false;
    for (target, checked) in report.checked() {
        if let Some(note) = &checked.kind_note {
            writeln!(out, "{}: note: {}", sanitize(&target.display), note)?;
            noted = true;
        }
    }
    if noted {
        writeln!(out)?;
    }
    write_summary(out, &style, report)
}

fn write_finding(
    out: &mut dyn Write,
    style: &Style,
    path: &str,
    text: &str,
    index: &LineIndex,
    f: &Finding,
) -> io::Result<()> {
    let start = index.position(text, f.span.start);
    let end = index.position(text, f.span.end.max(f.span.start));
    writeln!(
        out,
        "{}: {} {}: {}",
        style.bold(&format!("{path}:{}:{}", start.line, start.column)),
        style.bold(f.rule.code),
        style.level(f.level, f.level.name()),
        sanitize(&f.message)
    )?;
    let line_no = start.line.to_string();
    let pad = " ".repeat(line_no.len());
    let bar = style.gutter("|");
    let source = index.line_text(text, start.line);
    // Byte offsets in the line; the window is found from the span outwards, so a long line
    // (a minified policy) costs the window, not the line, for each finding.
    let line_start = index.line_start(start.line);
    let first = floor_char_boundary(source, start.offset - line_start);
    let last = if end.line == start.line {
        floor_char_boundary(source, (end.offset - line_start).clamp(first, source.len()))
    } else {
        source.len()
    };
    let (from, to) = window(source, first);
    let mut shown = String::new();
    let mut caret_at = 0;
    let mut caret_len = 0;
    if from > 0 {
        shown.push('…');
    }
    for (i, c) in source[from..to].char_indices() {
        let piece = match c {
            '\t' => "    ".to_string(),
            c if c.is_control() => "\u{FFFD}".to_string(),
            c => c.to_string(),
        };
        let width = piece.chars().count();
        if from + i < first {
            caret_at += width;
        } else if from + i < last {
            caret_len += width;
        }
        shown.push_str(&piece);
    }
    if to < source.len() {
        shown.push('…');
    }
    if from > 0 {
        caret_at += 1;
    }
    writeln!(out, "{pad} {bar}")?;
    writeln!(out, "{} {bar} {shown}", style.gutter(&line_no))?;
    let carets = "^".repeat(caret_len.max(1));
    writeln!(
        out,
        "{pad} {bar} {}{} {}",
        " ".repeat(caret_at),
        style.level(f.level, &carets),
        style.level(f.level, f.rule.name)
    )?;
    writeln!(out, "{pad} {bar}")?;
    for fix in &f.fixes {
        writeln!(
            out,
            "{pad} {} fix: {}",
            style.gutter("="),
            sanitize(&fix.title)
        )?;
    }
    writeln!(out)
}

/// The byte range `[from, to)` of `line` to show for a span starting at byte `first`: the whole
/// line when it has at most [`MAX_EXCERPT`] characters, else [`MAX_EXCERPT`] characters from
/// [`LEAD`] characters before the span.
fn window(line: &str, first: usize) -> (usize, usize) {
    if line.chars().nth(MAX_EXCERPT).is_none() {
        return (0, line.len());
    }
    let from = line[..first]
        .char_indices()
        .rev()
        .take(LEAD)
        .last()
        .map_or(first, |(i, _)| i);
    let to = line[from..]
        .char_indices()
        .nth(MAX_EXCERPT)
        .map_or(line.len(), |(i, _)| from + i);
    (from, to)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_summary(out: &mut dyn Write, style: &Style, report: &Report) -> io::Result<()> {
    let checked = report.checked().count();
    let with_findings = report
        .checked()
        .filter(|(_, c)| !c.findings.is_empty())
        .count();
    let total = report.findings().count();
    let files = plural(checked, "file", "files");
    if checked == 0 && !report.errors.is_empty() {
        // Not "No problems found in 0 files": nothing was looked at.
        writeln!(
            out,
            "Nothing was checked: {} could not be checked (see the errors above).",
            plural(report.errors.len(), "path", "paths")
        )?;
        return Ok(());
    }
    if total == 0 {
        writeln!(out, "No problems found in {files}.")?;
    } else {
        let mut parts = Vec::new();
        for (level, one, many) in [
            (Level::Error, "error", "errors"),
            (Level::Warning, "warning", "warnings"),
            (Level::Information, "info", "info"),
            (Level::Hint, "hint", "hints"),
        ] {
            let n = report.count(level);
            if n > 0 {
                parts.push(plural(n, one, many));
            }
        }
        let summary = format!(
            "Found {} ({}) in {with_findings} of {files}.",
            plural(total, "problem", "problems"),
            parts.join(", ")
        );
        writeln!(out, "{}", style.bold(&summary))?;
    }
    if !report.errors.is_empty() {
        writeln!(
            out,
            "{} could not be checked (see the errors above).",
            plural(report.errors.len(), "path", "paths")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole() {
        assert_eq!(window("0123456789", 3), (0, 10));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = "a".repeat(1000);
        assert_eq!(window(&line, 500), (460, 580));
        // A span at the start keeps the start.
        assert_eq!(window(&line, 0), (0, 120));
        // A span near the end stays inside the line.
        assert_eq!(window(&line, 990), (950, 1000));
        // Characters, not bytes: forty characters of two bytes before the span.
        let wide = "é".repeat(1000);
        assert_eq!(window(&wide, 1000), (920, 1160));
    }

    /// A minified policy (one line of 3 MB) with a finding every few bytes: each finding's
    /// excerpt is its window, so the report is linear in the findings (it was the findings
    /// times the line: 39 s in a debug build for these thousand, 11 s for a line of 900 KB).
    #[test]
    fn findings_on_one_long_line_show_their_windows() {
        let line = format!("{{\"Statement\": [{}]}}", ",é".repeat(1_000_000));
        let parse = crate::syntax::parse(&line);
        assert!(parse.errors.len() > 1000);
        let index = LineIndex::new(&line);
        let mut out = Vec::new();
        let started = std::time::Instant::now();
        for e in &parse.errors {
            let f = Finding {
                rule: crate::rules::find("json-syntax").expect("a rule"),
                level: Level::Error,
                span: e.span,
                message: e.message.clone(),
                statement: None,
                fixes: Vec::new(),
            };
            write_finding(&mut out, &Style { on: false }, "p.json", &line, &index, &f)
                .expect("written");
        }
        // Not a timing assertion on speed, only a guard against the quadratic behaviour.
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        let out = String::from_utf8(out).expect("UTF-8");
        // The last listed error's excerpt: cut on both sides, the caret under its comma.
        let last = out.rsplit("p.json:1:").next().expect("a finding");
        let excerpt = last.lines().nth(2).expect("the excerpt");
        assert!(
            excerpt.starts_with("1 | …") && excerpt.ends_with('…'),
            "{excerpt}"
        );
        assert_eq!(excerpt.chars().count(), "1 | ".len() + 122);
    }
}
