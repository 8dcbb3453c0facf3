//! The editor scenarios: start-up, typing, hover, completion, memory, a large log, and the
//! managed policy corpus opened one document after another.
//!
//! Every timing is taken on the client side: from just before the request (or notification)
//! is written to the server's stdin to the moment the last byte of the answer is read from its
//! stdout. Each scenario also checks that the answers are the ones it expects (diagnostics of
//! the right version, hovers where a hover must be, completion items at an action); a wrong
//! answer is a harness error, a slow one is only a figure.

use crate::inputs::{self, Generated, Lines, LogTarget, Rng, Tok};
use crate::lsp::{self, Error, Memory, Server};
use crate::stats::Samples;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to start the server.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The `iam-ls` binary.
    pub binary: PathBuf,
    /// Where the server's stderr goes (none: discarded).
    pub stderr_log: Option<PathBuf>,
}

impl Launch {
    /// Spawns a server and initializes it; returns it and the time from the spawn to the
    /// `initialize` answer.
    pub fn start(&self) -> Result<(Server, Duration), Error> {
        let mut server = Server::spawn(
            &self.binary,
            &["lsp", "--stdio"],
            self.stderr_log.as_deref(),
        )?;
        let took = server.initialize()?;
        Ok((server, took))
    }
}

/// Start-up figures over several fresh processes.
#[derive(Debug, Default)]
pub struct Startup {
    /// Spawn to the `initialize` response.
    pub initialize: Samples,
    /// Spawn to the first diagnostics of the policy opened right after `initialized`.
    pub first_diagnostics: Samples,
    /// Memory once initialized, before any document (the run with the median RSS).
    pub after_initialize: Memory,
    /// Memory after the first diagnostics.
    pub after_first_policy: Memory,
}

/// Spawns the server `runs` times: `initialize`, `initialized`, open `policy`, wait for its
/// diagnostics, shut down.
pub fn startup(launch: &Launch, policy: &str, runs: usize) -> Result<Startup, Error> {
    let mut out = Startup::default();
    let mut idle = Vec::new();
    let mut opened = Vec::new();
    for i in 0..runs {
        let (mut server, initialized) = launch.start()?;
        let spawned = server.spawned;
        out.initialize.push(initialized);
        idle.push(lsp::memory(server.pid())?);
        let uri = lsp::uri(&format!("startup-{i}.json"));
        server.write_frame(&Server::encode_open(&uri, "json", 1, policy))?;
        let diags = server.wait_diagnostics(&uri, 1)?;
        out.first_diagnostics
            .push(diags.at.saturating_duration_since(spawned));
        opened.push(lsp::memory(server.pid())?);
        server.shutdown()?;
    }
    idle.sort_by_key(|m| m.rss_kib);
    opened.sort_by_key(|m| m.rss_kib);
    out.after_initialize = idle.get(idle.len() / 2).copied().unwrap_or_default();
    out.after_first_policy = opened.get(opened.len() / 2).copied().unwrap_or_default();
    Ok(out)
}

/// Replays typing: opens `before + after`, then inserts `typed` one character per
/// `didChange` at the cursor (which starts at the end of `before`), each time waiting for the
/// diagnostics of that exact version before the next keystroke. Returns the
/// keystroke-to-diagnostics latencies; the document ends as `before + typed + after`.
///
/// The server coalesces bursts (it analyses only the latest text when edits queue up), so
/// sending keystrokes faster than it answers would measure fewer analyses than edits. Waiting
/// for each version's diagnostics is the typist who is slower than the server: every keystroke
/// gets its own analysis and publication.
///
/// Also returns the server's CPU time (user + system) over the keystrokes, which a busy machine
/// disturbs less than the latencies.
pub fn typing(
    server: &mut Server,
    uri: &str,
    before: &str,
    typed: &str,
    after: &str,
) -> Result<(Samples, Duration), Error> {
    if !typed.is_ascii() || !before.is_ascii() {
        return Err("typing replays ASCII text only".into());
    }
    let mut initial = String::with_capacity(before.len() + after.len());
    initial.push_str(before);
    initial.push_str(after);
    server.open_and_wait(uri, "json", &initial)?;
    let (mut line, mut col) = Lines::new(before).position(before.len());
    let mut samples = Samples::new();
    let pid = server.pid().to_string();
    let cpu_before = lsp::cpu_time(&pid, false)?;
    let mut version = 1i64;
    let mut buf = [0u8; 4];
    for ch in typed.chars() {
        version += 1;
        let params = json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{
                "range": {
                    "start": {"line": line, "character": col},
                    "end": {"line": line, "character": col}
                },
                "text": ch.encode_utf8(&mut buf)
            }]
        });
        let bytes = lsp::frame(&json!({
            "jsonrpc": "2.0", "method": "textDocument/didChange", "params": params
        }));
        let start = Instant::now();
        server.write_frame(&bytes)?;
        let diags = server.wait_diagnostics(uri, version)?;
        samples.push(diags.at.saturating_duration_since(start));
        if ch == '\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
    }
    let cpu = lsp::cpu_time(&pid, false)?.saturating_sub(cpu_before);
    Ok((samples, cpu))
}

/// Checks the server's copy of the text against ours with the `iamLs/textHash` extension
/// (length in bytes); catches a replay that went wrong.
pub fn check_text(server: &mut Server, uri: &str, expected: &str) -> Result<(), Error> {
    let (result, _) = server.request("iamLs/textHash", json!({"textDocument": {"uri": uri}}))?;
    let length = result["length"].as_u64();
    if length != Some(expected.len() as u64) {
        return Err(format!(
            "after the replay the server holds {length:?} bytes of {uri}, expected {}",
            expected.len()
        ));
    }
    Ok(())
}

/// Hover timings and how many answers were empty, per kind of string.
#[derive(Debug, Default)]
pub struct Hovers {
    /// Request to response.
    pub samples: Samples,
    /// Per kind of string: (hovers, empty answers).
    pub by_kind: BTreeMap<Tok, (usize, usize)>,
}

/// Kinds of string on which a hover must answer (others may legitimately be silent).
pub const HOVER_EXPECTED: &[Tok] = &[Tok::Action, Tok::ConditionKey, Tok::Operator, Tok::Effect];

/// `n` hovers at random offsets inside random recorded strings of `doc` (opened as `uri`).
/// An empty answer on an action, condition key, operator or Effect value is a harness error.
pub fn hovers(
    server: &mut Server,
    uri: &str,
    doc: &Generated,
    n: usize,
    seed: u64,
) -> Result<Hovers, Error> {
    let lines = Lines::new(&doc.text);
    let mut rng = Rng::new(seed);
    let mut out = Hovers::default();
    for _ in 0..n {
        let token = *rng.pick(&doc.tokens);
        let offset = token.start + rng.below(token.end - token.start);
        let (line, character) = lines.position(offset);
        let (result, took) = server.request(
            "textDocument/hover",
            json!({
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character}
            }),
        )?;
        out.samples.push(took);
        let empty = result.is_null()
            || result["contents"].is_null()
            || result["contents"]["value"].as_str() == Some("");
        let entry = out.by_kind.entry(token.tok).or_default();
        entry.0 += 1;
        if empty {
            entry.1 += 1;
            if HOVER_EXPECTED.contains(&token.tok) {
                return Err(format!(
                    "no hover on {} `{}` at {line}:{character}",
                    token.tok.name(),
                    &doc.text[token.start..token.end]
                ));
            }
        }
    }
    Ok(out)
}

/// Completion timings and sizes.
#[derive(Debug, Default)]
pub struct Completions {
    /// Request to response.
    pub samples: Samples,
    /// Items per answer (median is reported).
    pub items: Vec<usize>,
}

/// `n` completions at actions and condition keys of `doc`: the cursor goes inside the string,
/// after its service prefix and colon plus a few characters (`"s3:Ge|tObject"`), as when the
/// name is being typed. An answer without items is a harness error.
pub fn completions(
    server: &mut Server,
    uri: &str,
    doc: &Generated,
    n: usize,
    seed: u64,
) -> Result<Completions, Error> {
    let lines = Lines::new(&doc.text);
    let targets: Vec<_> = doc
        .tokens
        .iter()
        .filter(|t| matches!(t.tok, Tok::Action | Tok::ConditionKey))
        .filter(|t| doc.text[t.start..t.end].contains(':'))
        .collect();
    if targets.is_empty() {
        return Err("no action or condition key to complete".into());
    }
    let mut rng = Rng::new(seed);
    let mut out = Completions::default();
    for _ in 0..n {
        let t = *rng.pick(&targets);
        let content = &doc.text[t.start..t.end];
        let colon = content.find(':').unwrap_or(0) + 1;
        let rest = content.len() - colon;
        let offset = t.start + colon + rng.below(rest.min(4) + 1);
        let (line, character) = lines.position(offset);
        let (result, took) = server.request(
            "textDocument/completion",
            json!({
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character}
            }),
        )?;
        out.samples.push(took);
        let items = match &result {
            Value::Array(items) => items.len(),
            Value::Object(list) => list
                .get("items")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
            _ => 0,
        };
        if items == 0 {
            return Err(format!(
                "no completion items in `{content}` at {line}:{character} (offset {} of the string)",
                offset - t.start
            ));
        }
        out.items.push(items);
    }
    Ok(out)
}

/// Memory and log figures from one server.
#[derive(Debug, Default)]
pub struct MemoryAndLog {
    /// After `initialize`.
    pub idle: Memory,
    /// After opening the policies (all still open).
    pub after_policies: Memory,
    /// How many policies were opened.
    pub policies: usize,
    /// Size of the log in bytes.
    pub log_bytes: usize,
    /// `didOpen` of the log to its diagnostics.
    pub log_open: Duration,
    /// The server's CPU time (user + system) over that interval.
    pub log_open_cpu: Duration,
    /// After opening the log.
    pub after_log: Memory,
    /// The first hover on the log (middle of the file).
    pub first_hover: Duration,
    /// Hovers on AccessDenied lines around the middle.
    pub hovers: Samples,
    /// Hovers on ordinary lines around the middle (expected empty).
    pub plain_hovers: Samples,
}

/// Opens `policies` one after another (each waits for its diagnostics; all stay open), reads
/// the memory, then opens a log of `log_bytes` and hovers in its middle `hovers` times.
pub fn memory_and_log(
    launch: &Launch,
    policies: &[(String, String)],
    log_bytes: usize,
    hovers: usize,
) -> Result<MemoryAndLog, Error> {
    let (mut server, _) = launch.start()?;
    let pid = server.pid();
    let mut out = MemoryAndLog {
        idle: lsp::memory(pid)?,
        ..MemoryAndLog::default()
    };
    for (name, text) in policies {
        server.open_and_wait(&lsp::uri(name), "json", text)?;
    }
    out.policies = policies.len();
    out.after_policies = lsp::memory(pid)?;

    let (log, targets) = inputs::log(log_bytes, 11);
    out.log_bytes = log.len();
    let uri = lsp::uri("app.log");
    let frame = Server::encode_open(&uri, "log", 1, &log);
    let cpu_before = lsp::cpu_time(&pid.to_string(), false)?;
    let start = Instant::now();
    server.write_frame(&frame)?;
    drop(frame);
    let diags = server.wait_diagnostics(&uri, 1)?;
    out.log_open = diags.at.saturating_duration_since(start);
    out.log_open_cpu = lsp::cpu_time(&pid.to_string(), false)?.saturating_sub(cpu_before);
    out.after_log = lsp::memory(pid)?;

    let lines = Lines::new(&log);
    let middle = log.len() / 2;
    let mut near: Vec<LogTarget> = targets.clone();
    near.sort_by_key(|t| t.offset.abs_diff(middle));
    let denials: Vec<LogTarget> = near
        .iter()
        .filter(|t| t.denial)
        .take(hovers)
        .copied()
        .collect();
    let plain: Vec<LogTarget> = near
        .iter()
        .filter(|t| !t.denial)
        .take(hovers / 10 + 1)
        .copied()
        .collect();
    for (i, target) in denials.iter().chain(plain.iter()).enumerate() {
        let (line, character) = lines.position(target.offset);
        let (result, took) = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )?;
        if i == 0 {
            out.first_hover = took;
        }
        if target.denial {
            if result.is_null() {
                return Err(format!(
                    "no hover on the AccessDenied line {line} of the log"
                ));
            }
            out.hovers.push(took);
        } else {
            out.plain_hovers.push(took);
        }
    }
    server.shutdown()?;
    Ok(out)
}

/// The managed policy corpus opened one document after another in one server.
#[derive(Debug, Default)]
pub struct CorpusOpen {
    /// Policies opened.
    pub policies: usize,
    /// Wall time from the first `didOpen` to the last diagnostics.
    pub total: Duration,
    /// Per document, `didOpen` to diagnostics.
    pub per_policy: Samples,
    /// Diagnostics by LSP severity (1 error .. 4 hint).
    pub by_severity: [usize; 5],
    /// Memory at the end (all documents still open).
    pub memory: Memory,
}

/// Opens every file of `files` (each waits for its diagnostics; all stay open).
pub fn corpus_open(launch: &Launch, files: &[PathBuf]) -> Result<CorpusOpen, Error> {
    let texts = read_all(files)?;
    let (mut server, _) = launch.start()?;
    let mut out = CorpusOpen::default();
    let start = Instant::now();
    for (i, text) in texts.iter().enumerate() {
        let uri = lsp::uri(&format!("corpus/{i}.json"));
        let bytes = Server::encode_open(&uri, "json", 1, text);
        let sent = Instant::now();
        server.write_frame(&bytes)?;
        let diags = server.wait_diagnostics(&uri, 1)?;
        out.per_policy
            .push(diags.at.saturating_duration_since(sent));
        for d in diags.msg["params"]["diagnostics"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let severity = d["severity"].as_u64().unwrap_or(1).clamp(1, 4) as usize;
            out.by_severity[severity] += 1;
        }
    }
    out.total = start.elapsed();
    out.policies = texts.len();
    out.memory = lsp::memory(server.pid())?;
    server.shutdown()?;
    Ok(out)
}

/// Reads files as UTF-8 text.
pub fn read_all(files: &[PathBuf]) -> Result<Vec<String>, Error> {
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display())))
        .collect()
}

/// The `.json` files under `dir` (recursively), sorted by path.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
