//! `iam-ls explain`: the log hover's explanation of an AccessDenied message, as text.
//!
//! The argument is one message (quoted, or as several words that are joined with spaces); `-`
//! reads a whole log from stdin and explains every message in it, in order. A decoded
//! authorization message (the JSON `iam-ls decode` prints) is summarised instead, and in a
//! workspace with an `iam-ls.toml` evaluated against its policies ("From your repository"). When nothing
//! is found, the exit status is 1 and stderr says so (and points to `iam-ls decode` when the
//! text holds an encoded message).
//!
//! Every message becomes one [`DenialReport`] (the same record the log hover renders);
//! `--format` picks text, markdown or JSON (`{"messages": [...]}`, schema in docs/cli.md).

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ExplainArgs, ExplainFormat, Io};
use crate::logs::{self, DecodedMessage, DenialReport};
use std::io::Read;

/// The most read from stdin (logs are scanned, not parsed, so this is generous).
pub const MAX_STDIN_BYTES: u64 = 256 * 1024 * 1024;

/// What `explain` found in its input.
#[derive(Debug, PartialEq, Eq)]
pub enum Explained {
    /// One report per denial, in order.
    Denials(Vec<DenialReport>),
    /// The summary of a decoded authorization message.
    Decoded(String),
    /// Nothing to explain; `has_blob` when the text holds an encoded message.
    Nothing {
        /// Whether the text holds an encoded authorization message.
        has_blob: bool,
    },
}

/// Every AccessDenied message in `text`, in order, as the reports `explain` prints.
pub fn reports(text: &str) -> Vec<DenialReport> {
    let mut line = 1;
    let mut counted_to = 0;
    logs::denials(text)
        .map(|d| {
            let at = d.span.start.min(text.len());
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to.min(at)..at]).count();
            counted_to = counted_to.max(at);
            DenialReport::new(text, &d, Some(line))
        })
        .collect()
}

/// Explains `text`: a decoded message's summary, else every denial in it.
pub fn explain_text(text: &str) -> Explained {
    let trimmed = text.trim();
    if (trimmed.starts_with('{') || trimmed.starts_with('"'))
        && let Some(m) = DecodedMessage::parse_strict(trimmed)
    {
        return Explained::Decoded(logs::summarize(&m).to_text());
    }
    let found = reports(text);
    if found.is_empty() {
        Explained::Nothing {
            has_blob: logs::blobs(text).next().is_some(),
        }
    } else {
        Explained::Denials(found)
    }
}

/// Runs `explain`; returns the exit status.
pub fn run(args: &ExplainArgs, io: &mut Io<'_>) -> u8 {
    let from_stdin = args.message.len() == 1 && args.message[0] == "-";
    let text = if from_stdin {
        let mut bytes = Vec::new();
        if let Err(e) = (&mut *io.stdin)
            .take(MAX_STDIN_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            io.error(format!("cannot read stdin: {e}"));
            return EXIT_ERROR;
        }
        if bytes.len() as u64 > MAX_STDIN_BYTES {
            io.error(format!(
                "stdin is larger than {}; pass the part of the log that holds the message",
                super::input::human_size(MAX_STDIN_BYTES)
            ));
            return EXIT_ERROR;
        }
        // A log may hold stray bytes; they cannot be part of a message anyway.
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        args.message.join(" ")
    };
    let explained = match explain_text(&text) {
        Explained::Decoded(summary) => {
            Explained::Decoded(super::why::decoded_summary(&text, &io.cwd).unwrap_or(summary))
        }
        other => other,
    };
    let result = match explained {
        Explained::Decoded(summary) if args.format == ExplainFormat::Json => writeln!(
            io.out,
            "{}",
            serde_json::json!({ "messages": [], "decoded_summary": summary.trim_end() })
        ),
        Explained::Decoded(summary) => writeln!(io.out, "{}", summary.trim_end()),
        Explained::Denials(mut list) if args.format == ExplainFormat::Json => {
            super::why::append(&text, &io.cwd, &mut list);
            let messages: Vec<serde_json::Value> = list.iter().map(DenialReport::to_json).collect();
            let doc = serde_json::json!({ "messages": messages, "decoded_summary": null });
            writeln!(
                io.out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
        Explained::Denials(mut list) => {
            super::why::append(&text, &io.cwd, &mut list);
            let many = list.len() > 1;
            let mut r = Ok(());
            for (i, e) in list.iter().enumerate() {
                if i > 0 {
                    r = r.and_then(|_| writeln!(io.out));
                }
                if many {
                    r = r.and_then(|_| writeln!(io.out, "[{} of {}]", i + 1, list.len()));
                }
                let body = match args.format {
                    ExplainFormat::Markdown => e.to_markdown(),
                    _ => e.to_text(),
                };
                r = r.and_then(|_| writeln!(io.out, "{}", body.trim_end()));
            }
            r
        }
        Explained::Nothing { has_blob } => {
            let hint = if has_blob || logs::validate_blob(&text).is_ok() {
                "; it holds an encoded authorization message: run `iam-ls decode` to decode it"
            } else {
                ""
            };
            let source = if from_stdin {
                "the input"
            } else {
                "the argument"
            };
            io.error(format!("no AccessDenied message found in {source}{hint}"));
            return EXIT_FINDINGS;
        }
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            io.error(format!("cannot write the output: {e}"));
            EXIT_ERROR
        }
    }
}
