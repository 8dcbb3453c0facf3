//! A hostile repository against the real binary (issue 15, sections 3 and 4).
//!
//! Special files: `iam-ls.toml` and `[[groups]]` members that are links to `/dev/zero` or
//! `/dev/urandom`, FIFOs, or links to a file outside the workspace must neither hang nor
//! exhaust the server or `iam-ls check`, and a file outside the workspace must never be read
//! because the repository links to it. Each is refused with a message naming it.
//!
//! Credentials: `[aws] endpoint_url` and `profile` in the repository's `iam-ls.toml` are
//! ignored with a warning; the signed request goes where the user said (the environment, the
//! settings or `--endpoint-url`) and a second loopback listener, named by the file, sees no
//! connection at all.

#![cfg(unix)]

mod support;

use iam_ls_e2e::aws_stub::{AwsStub, StubWorld};
use iam_ls_e2e::{LspClient, TempDir, server_binary};
use serde_json::{Value, json};
use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{ACCESS_KEY, SECRET_KEY, TempHome, answer, editor_capabilities, fake_blob};

/// Makes `rel` in `d` a symbolic link to `target`.
fn link(d: &TempDir, rel: &str, target: &Path) {
    let p = d.path().join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, p).expect("symlink");
}

/// Makes `rel` in `d` a FIFO (a named pipe nobody writes to).
fn fifo(d: &TempDir, rel: &str) {
    let p = d.path().join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    let status = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
    assert!(status.success());
}

/// A file outside every workspace, with a Sid that must never show up.
const SECRET_SID: &str = "OutsideSecretSid";
const OUTSIDE_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OutsideSecretSid", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}"#;
const INSIDE_SCP: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "InsideDeny", "Effect": "Deny", "Action": "iam:CreateRole", "Resource": "*"}]}"#;
const IDENTITY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Work", "Effect": "Allow", "Action": ["iam:CreateRole", "s3:GetObject"], "Resource": "*"}]}"#;
const GROUPS: &str =
    "[[groups]]\nname = \"dev\"\nidentity = [\"roles/*.json\"]\nscps = [\"scps/*.json\"]\n";

/// The hostile members, relative to the workspace, and a word of the reason each is refused.
const HOSTILE: [(&str, &str); 5] = [
    ("scps/big.json", "large"),
    ("scps/fifo.json", "FIFO"),
    ("scps/outside.json", "outside the workspace"),
    ("scps/random.json", "outside the workspace"),
    ("scps/zero.json", "outside the workspace"),
];

/// A workspace whose group has one good SCP and the four hostile members, plus the directory
/// outside it that holds the secret policy (kept alive by the caller).
fn hostile_workspace() -> (TempDir, TempDir) {
    let outside = TempDir::new("outside");
    outside.write("secret.json", OUTSIDE_POLICY);
    let ws = TempDir::new("ws");
    ws.write("iam-ls.toml", GROUPS);
    ws.write("roles/dev.json", IDENTITY);
    ws.write("scps/inside.json", INSIDE_SCP);
    link(&ws, "scps/zero.json", Path::new("/dev/zero"));
    link(&ws, "scps/random.json", Path::new("/dev/urandom"));
    link(
        &ws,
        "scps/outside.json",
        &outside.path().join("secret.json"),
    );
    fifo(&ws, "scps/fifo.json");
    // Over the 2 MiB analysis limit, and a regular file: refused by its size.
    ws.write("scps/big.json", " ".repeat(3 * 1024 * 1024));
    (ws, outside)
}

/// Spawns the server with `root` as the workspace and initializes it.
fn start_in(root: &TempDir, envs: &[(&str, &str)], options: Value) -> LspClient {
    let mut client = LspClient::spawn_aws_isolated(envs);
    let response = client.call(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.path().display()), "capabilities": editor_capabilities(),
               "initializationOptions": options}),
    );
    assert!(response.get("error").is_none(), "{response}");
    client.notify("initialized", json!({}));
    client
}

/// Waits for a warning `window/showMessage` containing `needle`; returns its text.
fn warning_with(client: &mut LspClient, needle: &str) -> String {
    let m = client.notification("window/showMessage", |p| {
        p["type"] == json!(2) && p["message"].as_str().is_some_and(|s| s.contains(needle))
    });
    m["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The server's peak resident memory, in KiB (`VmHWM`).
fn peak_rss_kib(client: &LspClient) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", client.pid())).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// `shutdown` must be answered promptly (the server is not stuck on a file).
fn shutdown_promptly(client: LspClient) {
    let started = Instant::now();
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

const MAX_RSS_KIB: u64 = 256 * 1024;

#[test]
fn server_refuses_a_configuration_linked_to_dev_zero() {
    let ws = TempDir::new("cfg-zero");
    link(&ws, "iam-ls.toml", Path::new("/dev/zero"));
    let mut client = start_in(&ws, &[], Value::Null);
    let message = warning_with(&mut client, "iam-ls.toml");
    assert!(message.contains("not read"), "{message}");
    // Still serving: a request on a document is answered.
    client.open(&ws.uri("a.json"), "json", 1, "{\"Statement\": []}");
    client.diagnostics(&ws.uri("a.json"), 1);
    assert!(
        peak_rss_kib(&client) < MAX_RSS_KIB,
        "{} KiB",
        peak_rss_kib(&client)
    );
    shutdown_promptly(client);
}

#[test]
fn server_refuses_a_configuration_that_is_a_fifo() {
    let ws = TempDir::new("cfg-fifo");
    fifo(&ws, "iam-ls.toml");
    let mut client = start_in(&ws, &[], Value::Null);
    let message = warning_with(&mut client, "iam-ls.toml");
    assert!(message.contains("not a regular file (a FIFO)"), "{message}");
    shutdown_promptly(client);
}

#[test]
fn server_leaves_hostile_group_members_out_and_says_so() {
    let (ws, _outside) = hostile_workspace();
    let mut client = start_in(&ws, &[], Value::Null);
    for (member, why) in HOSTILE {
        let message = warning_with(&mut client, member);
        assert!(message.contains(why), "{member}: {message}");
    }
    let role = ws.uri("roles/dev.json");
    client.open(&role, "json", 1, IDENTITY);
    let published = client.diagnostics(&role, 1);
    let text = published.to_string();
    // The group works: the SCP inside the workspace is read...
    assert!(
        text.contains("IAM918") && text.contains("scps/inside.json"),
        "{published}"
    );
    // ...and the file outside it never is.
    assert!(!text.contains(SECRET_SID), "{published}");
    assert!(!text.contains("outside.json"), "{published}");
    assert!(
        peak_rss_kib(&client) < MAX_RSS_KIB,
        "{} KiB",
        peak_rss_kib(&client)
    );
    shutdown_promptly(client);
}

// ------------------------------------------------------------------------------- the CLI

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `iam-ls args` in `dir` with no `AWS_*` from the test's environment plus `envs`, stdin
/// from `stdin` (or empty); killed after 20 s (a hang fails the test instead of stalling it).
fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)], stdin: Option<&Path>) -> Run {
    let mut cmd = Command::new(server_binary());
    cmd.args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RUST_LOG");
    cmd.stdin(match stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).expect("stdin file")),
        None => Stdio::null(),
    });
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn iam-ls");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("iam-ls {args:?} did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: out_reader.join().expect("stdout"),
        stderr: err_reader.join().expect("stderr"),
    }
}

#[test]
fn check_refuses_a_special_configuration_file() {
    let ws = TempDir::new("check-cfg");
    ws.write("a.json", IDENTITY);
    link(&ws, "iam-ls.toml", Path::new("/dev/zero"));
    let r = run(ws.path(), &["check", "a.json"], &[], None);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("iam-ls.toml"), "{r:?}");
    std::fs::remove_file(ws.path().join("iam-ls.toml")).expect("rm");
    fifo(&ws, "iam-ls.toml");
    let r = run(ws.path(), &["check", "a.json"], &[], None);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr
            .contains("iam-ls.toml: not a regular file (a FIFO)"),
        "{r:?}"
    );
    // Named with --config (the user's choice, so it may be anywhere): still a regular file.
    let r = run(
        ws.path(),
        &["check", "--config", "/dev/zero", "a.json"],
        &[],
        None,
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("not a regular file (a character device)"),
        "{r:?}"
    );
}

#[test]
fn check_reads_no_hostile_group_member() {
    let (ws, _outside) = hostile_workspace();
    let r = run(ws.path(), &["check", "roles/dev.json"], &[], None);
    assert!(
        r.stdout.contains("InsideDeny") || r.stdout.contains("scps/inside.json"),
        "{r:?}"
    );
    assert!(!r.stdout.contains(SECRET_SID), "{r:?}");
    for (member, why) in HOSTILE {
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains(member))
            .unwrap_or_else(|| panic!("no note for {member}: {r:?}"));
        assert!(line.starts_with("iam-ls: note: skipped "), "{line}");
        assert!(line.contains(why), "{line}");
    }
    assert_ne!(r.code, Some(2), "notes do not fail the run: {r:?}");
}

#[test]
fn check_walks_past_special_files_and_links_out_of_the_folder() {
    let (ws, _outside) = hostile_workspace();
    // No configuration: only the walk decides.
    std::fs::remove_file(ws.path().join("iam-ls.toml")).expect("rm");
    let r = run(ws.path(), &["check", "scps"], &[], None);
    assert_ne!(r.code, Some(2), "{r:?}");
    assert!(!r.stdout.contains(SECRET_SID), "{r:?}");
    assert!(!r.stdout.contains("outside.json"), "{r:?}");
    for (member, why) in HOSTILE {
        let note = r
            .stderr
            .lines()
            .find(|l| l.contains(member))
            .unwrap_or_else(|| panic!("no note for {member}: {r:?}"));
        assert!(note.starts_with("iam-ls: note: skipped "), "{note}");
        assert!(note.contains(why), "{note}");
    }
}

#[test]
fn check_refuses_named_special_files_but_reads_named_outside_files() {
    let (ws, outside) = hostile_workspace();
    for (file, what) in [
        ("scps/fifo.json", "a FIFO"),
        ("scps/zero.json", "a character device"),
        ("scps/random.json", "a character device"),
    ] {
        let r = run(ws.path(), &["check", file], &[], None);
        assert_eq!(r.code, Some(2), "{file}: {r:?}");
        assert!(
            r.stderr.contains(&format!(
                "iam-ls: error: {file}: not a regular file ({what})"
            )),
            "{r:?}"
        );
    }
    // A file the user names may be anywhere.
    let secret = outside.path().join("secret.json");
    let r = run(
        ws.path(),
        &["check", secret.to_str().expect("utf-8")],
        &[],
        None,
    );
    assert_ne!(r.code, Some(2), "{r:?}");
    // stdin is read with the same cap: an endless stdin is refused, not swallowed.
    let r = run(
        ws.path(),
        &["check", "-"],
        &[],
        Some(Path::new("/dev/zero")),
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("too large"), "{r:?}");
}

// ------------------------------------------------------------------------------- credentials

/// A listener that must never be contacted: `connections()` counts what it accepted.
struct Trap(TcpListener);

impl Trap {
    fn new() -> Trap {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.set_nonblocking(true).expect("nonblocking");
        Trap(l)
    }

    fn url(&self) -> String {
        format!("http://{}", self.0.local_addr().expect("addr"))
    }

    fn connections(&self) -> usize {
        let mut n = 0;
        while self.0.accept().is_ok() {
            n += 1;
        }
        n
    }
}

const DECODED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyOutsideEU","effect":"DENY","principals":{"items":[]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"ec2:*"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROAEXAMPLEID:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-west-2:123456789012:instance/*","conditions":{"items":[]}}}"#;

/// AWS environment for the user: test keys, the `stub` as AWS_ENDPOINT_URL, empty AWS files.
fn user_env(stub: &AwsStub, home: &TempHome) -> Vec<(String, String)> {
    let file = |n: &str| home.path.join(".aws").join(n).display().to_string();
    vec![
        ("AWS_ENDPOINT_URL".into(), stub.url()),
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_ACCESS_KEY_ID".into(), ACCESS_KEY.into()),
        ("AWS_SECRET_ACCESS_KEY".into(), SECRET_KEY.into()),
        ("HOME".into(), home.path.display().to_string()),
        ("AWS_CONFIG_FILE".into(), file("config")),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), file("credentials")),
    ]
}

fn as_refs(envs: &[(String, String)]) -> Vec<(&str, &str)> {
    envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A repository's `iam-ls.toml` naming `trap` as the endpoint and a profile of its choosing.
fn repository_choosing_the_endpoint(trap: &Trap) -> TempDir {
    let ws = TempDir::new("endpoint");
    ws.write(
        "iam-ls.toml",
        format!(
            "[aws]\nendpoint_url = \"{}\"\nprofile = \"attacker\"\ntimeout_seconds = 5\n",
            trap.url()
        ),
    );
    ws
}

#[test]
fn server_ignores_the_repositorys_endpoint_and_profile() {
    let blob = fake_blob(600, 7);
    let stub = AwsStub::world(StubWorld::new().with_message(&blob, DECODED)).expect("stub");
    let trap = Trap::new();
    let ws = repository_choosing_the_endpoint(&trap);
    let home = TempHome::new();
    let envs = user_env(&stub, &home);
    let mut client = start_in(&ws, &as_refs(&envs), Value::Null);
    // A visible warning, and a diagnostic on each key in iam-ls.toml.
    let message = warning_with(&mut client, "aws.endpoint_url");
    assert!(message.contains("is ignored in iam-ls.toml"), "{message}");
    warning_with(&mut client, "aws.profile");
    let published = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == ws.uri("iam-ls.toml")
    });
    let diagnostics = published["params"]["diagnostics"].as_array().expect("list");
    assert_eq!(diagnostics.len(), 2, "{published}");
    assert_eq!(diagnostics[0]["severity"], 2);
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 1, "character": 0})
    );
    assert_eq!(
        diagnostics[0]["range"]["end"],
        json!({"line": 1, "character": 12})
    );
    assert_eq!(diagnostics[1]["range"]["start"]["line"], 2);

    // The decode goes to the user's endpoint, signed with the user's keys (the repository's
    // profile does not exist: had it been used, the call would fail).
    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": "iamLs.decodeAuthorizationMessage", "arguments": [{"blob": blob}]}),
    );
    assert_eq!(result, Value::Null);
    answer(&mut client, "window/workDoneProgress/create", Value::Null);
    answer(&mut client, "window/showDocument", json!({"success": true}));
    let summary = client.notification("window/showMessage", |p| p["type"] == json!(3));
    assert!(summary.to_string().contains("DenyOutsideEU"), "{summary}");
    assert_eq!(stub.requests().len(), 1);
    assert_eq!(
        stub.requests()[0].access_key_id().as_deref(),
        Some(ACCESS_KEY)
    );
    assert_eq!(
        trap.connections(),
        0,
        "the repository's endpoint was contacted"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn cli_decode_ignores_the_repositorys_endpoint_and_takes_the_flag() {
    let blob = fake_blob(600, 8);
    let stub = AwsStub::world(StubWorld::new().with_message(&blob, DECODED)).expect("stub");
    let trap = Trap::new();
    let ws = repository_choosing_the_endpoint(&trap);
    let home = TempHome::new();
    let mut envs = user_env(&stub, &home);
    // The endpoint from the environment...
    let r = run(ws.path(), &["decode", &blob], &as_refs(&envs), None);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("DenyOutsideEU"), "{r:?}");
    assert!(
        r.stderr
            .contains("iam-ls: warning: iam-ls.toml:2:1: `aws.endpoint_url` is ignored"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("iam-ls.toml:3:1: `aws.profile` is ignored"),
        "{r:?}"
    );
    // ...or from --endpoint-url.
    envs.retain(|(k, _)| k != "AWS_ENDPOINT_URL");
    let r = run(
        ws.path(),
        &["decode", "--endpoint-url", &stub.url(), &blob],
        &as_refs(&envs),
        None,
    );
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(stub.requests().len(), 2);
    assert_eq!(
        trap.connections(),
        0,
        "the repository's endpoint was contacted"
    );
}

#[test]
fn plain_http_endpoints_only_for_loopback_hosts() {
    let stub = AwsStub::world(StubWorld::new()).expect("stub");
    let ws = TempDir::new("http");
    let home = TempHome::new();
    let mut envs = user_env(&stub, &home);
    let blob = fake_blob(600, 9);
    // The flag: a usage error.
    let r = run(
        ws.path(),
        &["decode", "--endpoint-url", "http://sts.example.test", &blob],
        &as_refs(&envs),
        None,
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("only for a loopback host"), "{r:?}");
    // The environment: refused before anything is sent (192.0.2.1 is TEST-NET, never routed).
    for (k, v) in envs.iter_mut() {
        if k == "AWS_ENDPOINT_URL" {
            *v = "http://192.0.2.1:80".into();
        }
    }
    let started = Instant::now();
    let r = run(ws.path(), &["decode", &blob], &as_refs(&envs), None);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr.contains("refused to call AWS: AWS_ENDPOINT_URL"),
        "{r:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no connection attempt"
    );
    assert!(stub.requests().is_empty());
}
