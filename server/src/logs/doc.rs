//! A tiny document model shared by explanations and summaries, rendered as Markdown (hovers,
//! previews) or plain text (the CLI).
//!
//! Text in [`Block::Text`] and [`Block::Bullets`] may hold inline code written with backticks;
//! values taken from a log are always put in code spans (see [`code`]) so that characters such as
//! `*` or `_` in an ARN are never read as Markdown.

use std::fmt::Write as _;

/// One titled part of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A label and a value (shown as code when `code` is true).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub code: bool,
}

/// A numbered step with optional shell commands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub commands: Vec<String>,
}

/// The content of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Text(String),
    /// Label/value pairs.
    Facts(Vec<Fact>),
    /// An unordered list.
    Bullets(Vec<String>),
    /// A numbered list of steps, each with commands to run.
    Steps(Vec<Step>),
}

impl Fact {
    /// A fact shown as code.
    pub fn code(label: &str, value: &str) -> Fact {
        Fact {
            label: label.to_string(),
            value: value.to_string(),
            code: true,
        }
    }
    /// A fact shown as words.
    pub fn words(label: &str, value: &str) -> Fact {
        Fact {
            label: label.to_string(),
            value: value.to_string(),
            code: false,
        }
    }
}

/// An inline code span that is safe whatever `s` holds (backticks included).
pub fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with(' ') || s.ends_with(' ') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Renders a headline and sections as Markdown.
pub(crate) fn render_markdown(headline: &str, sections: &[Section]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**{}**", headline.trim());
    for section in sections {
        let _ = write!(out, "\n#### {}\n", section.title);
        for block in &section.blocks {
            out.push('\n');
            match block {
                Block::Text(t) => {
                    let _ = writeln!(out, "{t}");
                }
                Block::Facts(facts) => {
                    for f in facts {
                        let v = if f.code {
                            code(&f.value)
                        } else {
                            f.value.clone()
                        };
                        let _ = writeln!(out, "- {}: {v}", f.label);
                    }
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {item}");
                    }
                }
                Block::Steps(steps) => {
                    for (i, step) in steps.iter().enumerate() {
                        if i > 0 {
                            out.push('\n');
                        }
                        let _ = writeln!(out, "{}. {}", i + 1, step.text);
                        if !step.commands.is_empty() {
                            let _ = writeln!(out, "\n   ```sh");
                            for c in &step.commands {
                                let _ = writeln!(out, "   {c}");
                            }
                            let _ = writeln!(out, "   ```");
                        }
                    }
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Renders a headline and sections as plain text for a terminal (code spans lose their
/// backticks).
pub(crate) fn render_text(headline: &str, sections: &[Section]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", plain(headline.trim()));
    for section in sections {
        let _ = write!(out, "\n{}\n", section.title.to_uppercase());
        for (i, block) in section.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match block {
                Block::Text(t) => {
                    for line in wrap(&plain(t), 96) {
                        let _ = writeln!(out, "  {line}");
                    }
                }
                Block::Facts(facts) => {
                    let width = facts.iter().map(|f| f.label.len()).max().unwrap_or(0) + 1;
                    for f in facts {
                        let label = format!("{}:", f.label);
                        let value = if f.code {
                            f.value.clone()
                        } else {
                            plain(&f.value)
                        };
                        let _ = writeln!(out, "  {label:width$}  {value}");
                    }
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "  - {}", plain(item));
                    }
                }
                Block::Steps(steps) => {
                    for (i, step) in steps.iter().enumerate() {
                        let _ = writeln!(out, "  {}. {}", i + 1, plain(&step.text));
                        for c in &step.commands {
                            let _ = writeln!(out, "       $ {c}");
                        }
                    }
                }
            }
        }
    }
    out
}

/// Removes the backticks of inline code spans (a run of N backticks closed by a run of exactly N),
/// leaving any other backtick as it is.
fn plain(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < b.len() && b[i] == b'`' {
            i += 1;
        }
        let n = i - run_start;
        // Find the closing run of exactly n backticks.
        let mut j = i;
        let mut close = None;
        while j < b.len() {
            if b[j] == b'`' {
                let k = j;
                while j < b.len() && b[j] == b'`' {
                    j += 1;
                }
                if j - k == n {
                    close = Some(k);
                    break;
                }
            } else {
                j += 1;
            }
        }
        if let Some(k) = close {
            out.push_str(&s[copied..run_start]);
            let inner = &s[i..k];
            let inner =
                if n > 1 || (inner.starts_with(' ') && inner.ends_with(' ') && inner.len() > 1) {
                    inner
                        .strip_prefix(' ')
                        .and_then(|x| x.strip_suffix(' '))
                        .unwrap_or(inner)
                } else {
                    inner
                };
            out.push_str(inner);
            i = k + n;
            copied = i;
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Quotes a value for a POSIX shell command line when it holds anything but plain characters.
/// Values come from logs: they must never be able to run anything when pasted.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b':' | b'@' | b'=' | b',' | b'+'
                )
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a*b"), "`a*b`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn plain_text_drops_code_fences_only() {
        assert_eq!(plain("run `aws s3 ls` now"), "run aws s3 ls now");
        assert_eq!(plain("`` a`b `` and `c`"), "a`b and c");
        assert_eq!(plain("a lone ` stays"), "a lone ` stays");
        assert_eq!(plain("é `ü` ö"), "é ü ö");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("arn:aws:s3:::b/k"), "arn:aws:s3:::b/k");
        assert_eq!(shell_quote("arn:aws:s3:::b/*"), "'arn:aws:s3:::b/*'");
        assert_eq!(shell_quote("a'b; rm -rf /"), r"'a'\''b; rm -rf /'");
        assert_eq!(shell_quote(""), "''");
    }
}
