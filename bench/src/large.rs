//! A 2 MB one-line (minified) policy: outline, folding and hover (issue 15). Before the
//! fix, each outline entry's position was found by scanning the one line from its start, so
//! `documentSymbol` was quadratic (2,000 statements 3.1 s, 20,000 over 30 s in release).

use crate::editor::Launch;
use crate::lsp::{self, Error};
use crate::stats::{Samples, show};
use serde_json::{Value, json};
use std::time::Duration;

/// Timings on the minified policy.
#[derive(Debug, Default)]
pub struct Large {
    pub bytes: usize,
    pub statements: usize,
    /// `didOpen` to its diagnostics.
    pub open: Duration,
    pub symbols: Samples,
    pub folding: Samples,
    pub hovers: Samples,
}

/// A one-line policy of `statements` statements (about 113 bytes each).
pub fn minified_policy(statements: usize) -> String {
    let statements: Vec<Value> = (0..statements)
        .map(|i| {
            json!({
                "Sid": format!("S{i}"),
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": format!("arn:aws:s3:::bucket-{i}/*"),
            })
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// Opens the policy, then times `rounds` outlines, foldings and hovers (hovers on actions
/// spread over the line).
pub fn run(launch: &Launch, statements: usize, rounds: usize) -> Result<Large, Error> {
    let text = minified_policy(statements);
    let (mut server, _) = launch.start()?;
    let uri = lsp::uri("minified-2mb.json");
    let (open, _) = server.open_and_wait(&uri, "json", &text)?;
    let mut out = Large {
        bytes: text.len(),
        statements,
        open,
        ..Large::default()
    };
    let doc = json!({"textDocument": {"uri": uri}});
    let actions: Vec<usize> = text.match_indices("s3:GetObject").map(|(i, _)| i).collect();
    for round in 0..rounds {
        let (symbols, took) = server.request("textDocument/documentSymbol", doc.clone())?;
        if symbols.as_array().map_or(0, Vec::len) < statements {
            return Err(format!(
                "outline of {statements} statements: {symbols:.200}"
            ));
        }
        out.symbols.push(took);
        let (_, took) = server.request("textDocument/foldingRange", doc.clone())?;
        out.folding.push(took);
        for k in 0..10 {
            let at = actions[(round * 10 + k) * 7919 % actions.len()] + 4;
            let (hover, took) = server.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": at}}),
            )?;
            if hover.is_null() {
                return Err(format!("no hover on the action at {at}"));
            }
            out.hovers.push(took);
        }
    }
    server.shutdown()?;
    Ok(out)
}

/// The report's rows (editor table).
pub fn rows(l: &Large) -> Vec<String> {
    let label = format!(
        "{:.1} MB minified policy ({} statements, one line)",
        l.bytes as f64 / 1e6,
        l.statements
    );
    vec![
        format!(
            "| {label}: `didOpen` → diagnostics | | {} | | |",
            show(l.open)
        ),
        format!(
            "| {label}: `documentSymbol` p50 / max ({} runs) | linear | {} / {} | | |",
            l.symbols.len(),
            show(l.symbols.p50()),
            show(l.symbols.max())
        ),
        format!(
            "| {label}: `foldingRange` p50 / max | | {} / {} | | |",
            show(l.folding.p50()),
            show(l.folding.max())
        ),
        format!(
            "| {label}: hover on actions p50 / max ({}) | | {} / {} | | |",
            l.hovers.len(),
            show(l.hovers.p50()),
            show(l.hovers.max())
        ),
    ]
}

/// The raw figures.
pub fn json(l: &Large) -> Value {
    json!({
        "bytes": l.bytes,
        "statements": l.statements,
        "open_ms": l.open.as_secs_f64() * 1e3,
        "document_symbol": l.symbols.json(),
        "folding_range": l.folding.json(),
        "hover": l.hovers.json(),
    })
}
