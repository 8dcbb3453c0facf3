//! A minimal LSP client over the stdio of a spawned server, for timing from the client side.
//!
//! A reader thread parses the server's frames and stamps each with the instant its last byte was
//! read, before the JSON is decoded, so decoding on the client side does not count as server
//! time. The main thread writes requests and waits for the message it wants; requests the server
//! sends to the client (`workspace/configuration`, `window/workDoneProgress/create`, ...) are
//! answered with `null` while waiting, and other notifications are kept until someone asks.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::{Duration, Instant};

/// A harness error: the server did not answer as expected. The benchmark exits non-zero.
pub type Error = String;

/// One message from the server and when its last byte arrived.
#[derive(Debug)]
pub struct Incoming {
    /// When the frame was read completely (before JSON decoding).
    pub at: Instant,
    /// The decoded message.
    pub msg: Value,
}

/// Longest wait for any one expected message before the run is declared broken.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Notifications kept while nobody waits for them; older ones are dropped.
const MAX_PENDING: usize = 4096;

/// A running server and the client end of its stdio.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Incoming>,
    pending: VecDeque<Incoming>,
    next_id: i64,
    /// When the process was spawned.
    pub spawned: Instant,
    /// `window/showMessage` and `window/logMessage` texts of type error seen so far.
    pub errors: Vec<String>,
    timeout: Duration,
}

/// Encodes a message as an LSP frame (header and body).
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap_or_default();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

fn read_frames(stdout: impl Read, tx: std::sync::mpsc::Sender<Incoming>) {
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut line = String::new();
    loop {
        let mut length: Option<usize> = None;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let at = Instant::now();
        let msg = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if tx.send(Incoming { at, msg }).is_err() {
            return;
        }
    }
}

impl Server {
    /// Spawns `binary` (with `args`) with piped stdin/stdout; stderr goes to `stderr_log` when
    /// given, else is discarded.
    pub fn spawn(binary: &Path, args: &[&str], stderr_log: Option<&Path>) -> Result<Self, Error> {
        let stderr = match stderr_log {
            Some(path) => Stdio::from(
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
            ),
            None => Stdio::null(),
        };
        let spawned = Instant::now();
        let mut child = Command::new(binary)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot spawn {}: {e}", binary.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = channel();
        thread::spawn(move || read_frames(stdout, tx));
        Ok(Server {
            child,
            stdin,
            rx,
            pending: VecDeque::new(),
            next_id: 1,
            spawned,
            errors: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The process id (for `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes an already encoded frame.
    pub fn write_frame(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.stdin
            .write_all(bytes)
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("writing to the server: {e}"))
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) -> Result<(), Error> {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.write_frame(&frame(&msg))
    }

    /// Encodes a request with a fresh id; returns the id and the frame, so a caller can start
    /// its clock after encoding.
    pub fn encode_request(&mut self, method: &str, params: Value) -> (i64, Vec<u8>) {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        (id, frame(&msg))
    }

    /// Sends a request and waits for its result. Returns the result and the time from just
    /// before writing to the arrival of the response. A JSON-RPC error is a harness error.
    pub fn request(&mut self, method: &str, params: Value) -> Result<(Value, Duration), Error> {
        let (id, bytes) = self.encode_request(method, params);
        let start = Instant::now();
        self.write_frame(&bytes)?;
        let reply = self.wait_response(id)?;
        let took = reply.at.saturating_duration_since(start);
        let result = result_of(method, reply.msg)?;
        Ok((result, took))
    }

    /// Waits for the response to request `id`.
    pub fn wait_response(&mut self, id: i64) -> Result<Incoming, Error> {
        self.wait_for(&format!("the response to request {id}"), |m| {
            m.get("id").and_then(Value::as_i64) == Some(id) && m.get("method").is_none()
        })
    }

    /// Waits for `textDocument/publishDiagnostics` of `uri` at `version`.
    pub fn wait_diagnostics(&mut self, uri: &str, version: i64) -> Result<Incoming, Error> {
        self.wait_for(&format!("diagnostics of {uri} version {version}"), |m| {
            m.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics")
                && m["params"]["uri"].as_str() == Some(uri)
                && m["params"]["version"].as_i64() == Some(version)
        })
    }

    /// Waits for the first message `wanted` accepts (looking first at the kept notifications).
    pub fn wait_for(
        &mut self,
        what: &str,
        wanted: impl Fn(&Value) -> bool,
    ) -> Result<Incoming, Error> {
        if let Some(i) = self.pending.iter().position(|m| wanted(&m.msg))
            && let Some(found) = self.pending.remove(i)
        {
            return Ok(found);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let incoming = match self.rx.recv_timeout(left) {
                Ok(incoming) => incoming,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "timed out after {:?} waiting for {what}",
                        self.timeout
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the server closed its output while waiting for {what}"
                    ));
                }
            };
            if wanted(&incoming.msg) {
                return Ok(incoming);
            }
            self.keep(incoming)?;
        }
    }

    /// Handles a message nobody is waiting for: answers server requests, notes errors, keeps
    /// notifications.
    fn keep(&mut self, incoming: Incoming) -> Result<(), Error> {
        let msg = &incoming.msg;
        let method = msg.get("method").and_then(Value::as_str);
        match (method, msg.get("id")) {
            (Some(method), Some(id)) => {
                // A request from the server: answer it so it never waits on us.
                let result = if method == "workspace/configuration" {
                    let n = msg["params"]["items"].as_array().map_or(0, Vec::len);
                    Value::Array(vec![Value::Null; n])
                } else {
                    Value::Null
                };
                let reply = json!({"jsonrpc": "2.0", "id": id.clone(), "result": result});
                self.write_frame(&frame(&reply))?;
            }
            (Some("window/showMessage" | "window/logMessage"), None) => {
                if msg["params"]["type"].as_i64() == Some(1) {
                    let text = msg["params"]["message"].as_str().unwrap_or("").to_string();
                    self.errors.push(text);
                }
            }
            (Some(_), None) => {
                if self.pending.len() >= MAX_PENDING {
                    self.pending.pop_front();
                }
                self.pending.push_back(incoming);
            }
            (None, _) => {
                // A response nobody waits for (an earlier timed-out request): drop it.
            }
        }
        Ok(())
    }

    /// `initialize` with a client that offers UTF-16 positions only (as VS Code does) and no
    /// workspace folder, then `initialized`; returns the time from the spawn to the response.
    pub fn initialize(&mut self) -> Result<Duration, Error> {
        let params = json!({
            "processId": std::process::id(),
            "rootUri": null,
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "textDocument": {
                    "synchronization": {"didSave": true},
                    "publishDiagnostics": {"versionSupport": true},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "completion": {"completionItem": {"snippetSupport": false}}
                }
            }
        });
        let (id, bytes) = self.encode_request("initialize", params);
        self.write_frame(&bytes)?;
        let reply = self.wait_response(id)?;
        let since_spawn = reply.at.saturating_duration_since(self.spawned);
        result_of("initialize", reply.msg)?;
        self.notify("initialized", json!({}))?;
        Ok(since_spawn)
    }

    /// Encodes `textDocument/didOpen` (the caller may time the write separately).
    pub fn encode_open(uri: &str, language_id: &str, version: i64, text: &str) -> Vec<u8> {
        frame(&json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {
                "uri": uri, "languageId": language_id, "version": version, "text": text
            }}
        }))
    }

    /// Opens a document and waits for its diagnostics; returns the time from the write to them
    /// and the number of diagnostics.
    pub fn open_and_wait(
        &mut self,
        uri: &str,
        language_id: &str,
        text: &str,
    ) -> Result<(Duration, usize), Error> {
        let bytes = Self::encode_open(uri, language_id, 1, text);
        let start = Instant::now();
        self.write_frame(&bytes)?;
        let diags = self.wait_diagnostics(uri, 1)?;
        let n = diags.msg["params"]["diagnostics"]
            .as_array()
            .map_or(0, Vec::len);
        Ok((diags.at.saturating_duration_since(start), n))
    }

    /// `shutdown` then `exit`; waits (bounded) for the process to end, killing it otherwise.
    /// Returns the exit status as text for the report when it was not a clean 0.
    pub fn shutdown(mut self) -> Result<(), Error> {
        let result = self
            .request("shutdown", Value::Null)
            .and_then(|_| self.notify("exit", Value::Null));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    result?;
                    return if status.success() {
                        Ok(())
                    } else {
                        Err(format!("the server exited with {status} after shutdown"))
                    };
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    result?;
                    return Err("the server did not exit after shutdown + exit".into());
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A server left behind by a harness error must not outlive the benchmark.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `result` of a response, or a harness error when it carries an `error`.
fn result_of(method: &str, msg: Value) -> Result<Value, Error> {
    if let Some(err) = msg.get("error") {
        return Err(format!("{method} failed: {err}"));
    }
    Ok(msg.get("result").cloned().unwrap_or(Value::Null))
}

/// Memory figures of a process from `/proc/<pid>/status`, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// Resident set size now.
    pub rss_kib: u64,
    /// Peak resident set size so far ("high water mark").
    pub hwm_kib: u64,
}

/// Reads `VmRSS` and `VmHWM` of `pid`.
pub fn memory(pid: u32) -> Result<Memory, Error> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Ok(Memory {
        rss_kib: field("VmRSS:").ok_or("no VmRSS")?,
        hwm_kib: field("VmHWM:").ok_or("no VmHWM")?,
    })
}

/// Clock ticks per second of the CPU times in `/proc/*/stat` (`USER_HZ`, 100 on Linux).
const USER_HZ: f64 = 100.0;

/// User + system CPU time of a process from `/proc/<pid>/stat`: its own when `children` is
/// false, else that of its children already waited for (fields `cutime` + `cstime`). The
/// resolution is one clock tick (10 ms); take differences over many operations.
pub fn cpu_time(pid: &str, children: bool) -> Result<Duration, Error> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or("malformed stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    let at = |n: usize| -> Result<f64, Error> {
        fields
            .get(n - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| format!("{path}: no field {n}"))
    };
    let ticks = if children {
        at(16)? + at(17)?
    } else {
        at(14)? + at(15)?
    };
    Ok(Duration::from_secs_f64(ticks / USER_HZ))
}

/// A `file://` URI for a made-up path (the server never reads it).
pub fn uri(name: &str) -> String {
    format!("file:///bench/{name}")
}
