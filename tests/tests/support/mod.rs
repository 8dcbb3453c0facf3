//! Shared pieces of the AWS end-to-end tests: an isolated AWS environment for the server (a
//! loopback stub, test keys, empty config files), answering the server's requests to the
//! client, and text positions.

#![allow(dead_code)] // each test file uses a different subset

use iam_ls_e2e::LspClient;
use iam_ls_e2e::aws_stub::AwsStub;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// An empty home directory with empty AWS config and credentials files; removed on drop.
pub struct TempHome {
    pub path: PathBuf,
}

impl TempHome {
    pub fn new() -> TempHome {
        static N: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "iam-ls-e2e-home-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(path.join(".aws")).expect("create temp home");
        std::fs::write(path.join(".aws/config"), "").expect("write config");
        std::fs::write(path.join(".aws/credentials"), "").expect("write credentials");
        TempHome { path }
    }

    fn file(&self, name: &str) -> String {
        self.path
            .join(".aws")
            .join(name)
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The test access key id.
pub const ACCESS_KEY: &str = "AKIDTEST";
/// The test secret key.
pub const SECRET_KEY: &str = "secret";

/// Client capabilities of an editor that shows progress and opens documents on request.
pub fn editor_capabilities() -> Value {
    json!({"window": {"workDoneProgress": true, "showDocument": {"support": true}}})
}

/// Spawns the server pointed at `stub` (through `AWS_ENDPOINT_URL`), with test keys when `keys`,
/// nothing else from the environment, and initializes it with `options` as
/// `initializationOptions`.
pub fn start(stub: &AwsStub, home: &TempHome, keys: bool, options: Value) -> LspClient {
    start_at(stub, home, keys, options, None)
}

/// [`start`] with `root` as the workspace root (`rootUri`).
pub fn start_at(
    stub: &AwsStub,
    home: &TempHome,
    keys: bool,
    options: Value,
    root: Option<&Path>,
) -> LspClient {
    let url = stub.url();
    let home_dir = home.path.to_string_lossy().into_owned();
    let config = home.file("config");
    let credentials = home.file("credentials");
    let mut envs: Vec<(&str, &str)> = vec![
        ("AWS_ENDPOINT_URL", &url),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("HOME", &home_dir),
        ("AWS_CONFIG_FILE", &config),
        ("AWS_SHARED_CREDENTIALS_FILE", &credentials),
        ("RUST_LOG", "trace"),
    ];
    if keys {
        envs.push(("AWS_ACCESS_KEY_ID", ACCESS_KEY));
        envs.push(("AWS_SECRET_ACCESS_KEY", SECRET_KEY));
    }
    let mut client = LspClient::spawn_aws_isolated(&envs);
    client.call_ok(
        "initialize",
        json!({"processId": null,
               "rootUri": root.map(|r| format!("file://{}", r.display())),
               "capabilities": editor_capabilities(),
               "initializationOptions": options}),
    );
    client.notify("initialized", json!({}));
    client
}

/// Waits for the server's request `method` (a request to the client) and answers it with
/// `result`; returns the request.
pub fn answer(client: &mut LspClient, method: &str, result: Value) -> Value {
    let request = client.wait_for(&format!("request {method}"), |m| {
        m["method"] == method && m.get("id").is_some()
    });
    client.send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": result}));
    request
}

/// Waits for `$/progress` of `kind` (`begin`, `end`) with `token`.
pub fn progress(client: &mut LspClient, token: &Value, kind: &str) -> Value {
    client.notification("$/progress", |p| {
        p["token"] == *token && p["value"]["kind"] == kind
    })
}

/// Waits for `window/showMessage` of `typ` (1 error, 3 info); returns its text.
pub fn show_message(client: &mut LspClient, typ: u64) -> String {
    let m = client.notification("window/showMessage", |p| p["type"] == json!(typ));
    m["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The LSP position (UTF-16 = bytes: ASCII fixtures) of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = offset - before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

/// Hover at byte `offset`; the markdown ("" when there is no hover).
pub fn hover(client: &mut LspClient, uri: &str, text: &str, offset: usize) -> String {
    let result = client.call_ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(text, offset)}),
    );
    result["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Code actions for the byte range `start..end`.
pub fn code_actions(
    client: &mut LspClient,
    uri: &str,
    text: &str,
    start: usize,
    end: usize,
) -> Vec<Value> {
    let result = client.call_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": position(text, start), "end": position(text, end)},
               "context": {"diagnostics": []}}),
    );
    result.as_array().cloned().unwrap_or_default()
}

/// The local path of a `file://` URI.
pub fn uri_path(uri: &str) -> PathBuf {
    let path = uri.strip_prefix("file://").expect("a file URI");
    PathBuf::from(path.replace("%20", " "))
}

/// The permission bits of `path`.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// A blob-like token of `len` characters from `[A-Za-z0-9_-]`, mixed case.
pub fn fake_blob(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}
