//! Shared helpers for the end-to-end tests: spawning the real binary and speaking LSP to it.
//!
//! [`server_binary`] finds the `iam-ls` executable: the path in `IAM_LS_BIN` when set, else it
//! runs `cargo build -p iam-ls --bin iam-ls` once per test process and uses the artifact cargo
//! reports. That build uses the package's default features (the `aws` feature included), because
//! the e2e tests must exercise the binary that ships; the first run therefore compiles the AWS
//! SDK once, and later runs find it up to date in the shared target directory (it is a separate
//! artifact from the `--no-default-features` library the unit tests build, so neither evicts the
//! other). The profile follows the tests: `dev`, or `--release` when the tests are built without
//! debug assertions. Set `IAM_LS_BIN` to test a prebuilt binary without building.
//!
//! [`LspClient`] spawns it with piped stdio, frames messages with `Content-Length`, and reads on a
//! background thread so the server never blocks on a full pipe. Every wait has a deadline and
//! the child is killed when the client is dropped, so no test can hang.

pub mod aws_stub;

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Default deadline of a single wait.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Environment variable naming a prebuilt `iam-ls` binary.
pub const BIN_ENV: &str = "IAM_LS_BIN";

/// The `iam-ls` binary under test (built at most once per test process).
pub fn server_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os(BIN_ENV) {
            return PathBuf::from(path);
        }
        build_server()
    })
}

/// `cargo build -p iam-ls --message-format=json`, returning the executable it reports.
fn build_server() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "-p",
        "iam-ls",
        "--bin",
        "iam-ls",
        "--message-format=json-render-diagnostics",
    ]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    // The directory of the package under test as `cargo test` sets it when it runs the test,
    // not as it was when this library was compiled: cargo names path packages' artifacts by
    // their place in the workspace, so two clones sharing a target directory share this
    // library, and a compile-time path would build (and test) the other clone's server.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    cmd.current_dir(dir);
    cmd.stderr(Stdio::inherit());
    let output = cmd.output().expect("run cargo build for iam-ls");
    assert!(output.status.success(), "cargo build -p iam-ls failed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "iam-ls")
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported no iam-ls executable")
}

/// A fresh directory under the system temporary directory, removed on drop: the workspaces,
/// projects and repositories the tests build. Its path is unique per process and call, and
/// canonical (the server compares workspace paths after resolving links).
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory whose name contains `tag`.
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "iam-ls-e2e-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path.canonicalize().expect("canonical temp dir"))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `content` to `rel` (its parent directories created), returning the file's path.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&p, content).expect("write file");
        p
    }

    /// The `file://` URI of `rel`.
    pub fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.0.join(rel).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A URI for a test document.
pub fn file_uri(name: &str) -> String {
    format!("file:///iam-ls-e2e/{name}")
}

/// FNV-1a 64 of `text`'s UTF-8 bytes as 16 hex digits (what `iamLs/textHash` returns).
pub fn fnv1a64(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A client talking LSP to a spawned `iam-ls`.
pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages received but not consumed by a wait yet, in arrival order.
    backlog: VecDeque<Value>,
    /// Every message received, in arrival order.
    history: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl LspClient {
    /// Spawns `iam-ls` (no arguments) with test hooks enabled.
    pub fn spawn() -> Self {
        Self::spawn_with(&[], &[("IAM_LS_TEST_HOOKS", "1")])
    }

    /// Spawns `iam-ls` with `args` and extra environment variables.
    pub fn spawn_with(args: &[&str], envs: &[(&str, &str)]) -> Self {
        Self::spawn_command(Command::new(server_binary()), args, envs)
    }

    /// Spawns `iam-ls` with `envs` and no `AWS_*` variable inherited from the test's own
    /// environment, so a developer's profile, keys or endpoint can never reach the server under
    /// test (AWS tests pass everything they need in `envs`).
    pub fn spawn_aws_isolated(envs: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(server_binary());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(name);
            }
        }
        Self::spawn_command(cmd, &[], envs)
    }

    fn spawn_command(mut cmd: Command, args: &[&str], envs: &[(&str, &str)]) -> Self {
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn iam-ls");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if let Ok(mut log) = sink.lock() {
                    log.push_str(&line);
                }
                line.clear();
            }
        });
        LspClient {
            stdin: child.stdin.take(),
            child,
            incoming,
            backlog: VecDeque::new(),
            history: Vec::new(),
            stderr: log,
            next_id: 1,
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system) the server process used so far, from `/proc` (Linux only;
    /// `None` elsewhere). Resolution: one clock tick, usually 10 ms.
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name (which is in parentheses and may hold spaces).
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some(Duration::from_millis((utime + stime) * 10))
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Every message received so far, in arrival order.
    pub fn history(&self) -> &[Value] {
        &self.history
    }

    /// Writes raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to iam-ls");
        stdin.flush().expect("flush to iam-ls");
    }

    /// Sends one JSON-RPC message with `Content-Length` framing.
    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).expect("serialize");
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    /// Sends a request without waiting; returns its id.
    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response message (with `result` or `error`).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.request(method, params);
        self.response(id)
    }

    /// Sends a request and returns its `result`, failing on an error response.
    pub fn call_ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response to request {id}"), |msg| {
            msg.get("method").is_none() && msg["id"] == json!(id)
        })
    }

    /// Waits for a notification `method` whose params satisfy `pred`.
    pub fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(&format!("notification {method}"), |msg| {
            msg["method"] == method && msg.get("id").is_none() && pred(&msg["params"])
        })
    }

    /// Waits (at most [`TIMEOUT`]) for the first unconsumed message matching `pred`; earlier
    /// non-matching messages stay in the backlog for later waits.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).expect("index in range");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(msg) => {
                    self.history.push(msg.clone());
                    if pred(&msg) {
                        return msg;
                    }
                    self.backlog.push_back(msg);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; stderr:\n{}", self.stderr())
                }
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "iam-ls closed its output while waiting for {what}; stderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// Collects every message that arrives within `quiet` of the previous one.
    pub fn drain(&mut self, quiet: Duration) {
        while let Ok(msg) = self.incoming.recv_timeout(quiet) {
            self.history.push(msg.clone());
            self.backlog.push_back(msg);
        }
    }

    /// `initialize` with `capabilities`, then `initialized`; returns the initialize result.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.call_ok(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `textDocument/didOpen`.
    pub fn open(&mut self, uri: &str, language_id: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language_id, "version": version, "text": text}}),
        );
    }

    /// `textDocument/didChange` with the given content changes.
    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// Waits for `publishDiagnostics` for `uri` with exactly `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Value {
        self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == json!(version)
        })
    }

    /// `shutdown`, `exit`, then waits (with a deadline) for the process to end.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let response = self.call("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "shutdown: {response}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Closes stdin and waits (with a deadline) for the process to end.
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.stdin.take();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.try_wait().expect("poll iam-ls") {
                Some(status) => return status,
                None if Instant::now() >= deadline => {
                    panic!("iam-ls did not exit in time; stderr:\n{}", self.stderr())
                }
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        self.stdin.take();
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- iam-ls stderr ---\n{}", self.stderr());
        }
    }
}

/// Reads one `Content-Length`-framed message; `None` at end of stream or on a broken frame.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A small deterministic PRNG (xorshift64*), so the tests need no extra crates and failures
/// reproduce from the seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Client-side model of a document addressed by UTF-16 positions (lines end at `\n`, `\r\n`,
/// `\r`), for generating valid edits and predicting the server's text.
#[derive(Debug, Clone, Default)]
pub struct Utf16Doc {
    pub text: String,
}

impl Utf16Doc {
    /// `(content_start, content_end)` byte ranges of each line.
    pub fn lines(&self) -> Vec<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut lines = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            let brk = match (bytes[i], bytes.get(i + 1)) {
                (b'\r', Some(b'\n')) => 2,
                (b'\r' | b'\n', _) => 1,
                _ => 0,
            };
            if brk > 0 {
                lines.push((start, i));
                i += brk;
                start = i;
            } else {
                i += 1;
            }
        }
        lines.push((start, bytes.len()));
        lines
    }

    /// A random valid position (never inside a surrogate pair) and its byte offset.
    pub fn random_position(&self, rng: &mut Rng) -> (Value, usize) {
        let lines = self.lines();
        let line = rng.below(lines.len());
        let (start, end) = lines[line];
        let content = &self.text[start..end];
        let mut boundaries = vec![(0usize, start)];
        let mut units = 0;
        for (offset, ch) in content.char_indices() {
            units += ch.len_utf16();
            boundaries.push((units, start + offset + ch.len_utf8()));
        }
        let (character, offset) = *rng.pick(&boundaries);
        (json!({"line": line, "character": character}), offset)
    }

    /// Applies a replacement of bytes `a..b` (in either order) by `text`.
    pub fn replace(&mut self, a: usize, b: usize, text: &str) {
        let (a, b) = (a.min(b), a.max(b));
        self.text.replace_range(a..b, text);
    }
}
