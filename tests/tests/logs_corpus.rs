//! `iam-ls explain` through the real binary over the corpus of real AccessDenied messages
//! (`server/tests/data/access-denied-corpus.json`): `--format json` prints, for every case, the
//! same records the library reads (the library's scoring is `server/tests/logs_corpus.rs`); the
//! whole corpus pasted into one log gives the same messages, none running into the next; the
//! markdown is the hover's; a bare encoded message points to `iam-ls decode`.

#![allow(clippy::print_stderr)]

use iam_ls_e2e::server_binary;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn explain(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(server_binary())
        .arg("explain")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RUST_LOG")
        .spawn()
        .expect("spawn iam-ls");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("iam-ls output");
    let _ = writer.join();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../server/tests/data/access-denied-corpus.json"
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("corpus")).expect("JSON");
    doc["cases"].as_array().expect("cases").clone()
}

fn messages(r: &Run) -> Vec<Value> {
    if r.code == Some(1) {
        return Vec::new();
    }
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("explain --format json prints JSON");
    doc["messages"].as_array().expect("messages").clone()
}

/// A message with its span and line moved by `by` bytes and `lines` lines.
fn shifted(m: &Value, by: u64, lines: u64) -> Value {
    let mut m = m.clone();
    for k in ["start", "end"] {
        let v = m["span"][k].as_u64().expect("span");
        m["span"][k] = Value::from(v + by);
    }
    let line = m["line"].as_u64().expect("line");
    m["line"] = Value::from(line + lines);
    m
}

#[test]
fn explain_json_reads_every_case_as_the_library_does_and_one_log_of_all_the_same() {
    let cases = cases();
    let mut log = String::new();
    let mut expected_in_log = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().expect("id");
        let text = case["text"].as_str().expect("text");
        let got = messages(&explain(&["--format", "json", "-"], text));
        let want: Vec<Value> = iam_ls::cli::explain::reports(text)
            .iter()
            .map(|r| r.to_json())
            .collect();
        assert_eq!(got, want, "{id}");
        // Every stated principal and action of the case is in the binary's output.
        for (i, m) in case["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .enumerate()
        {
            for field in ["principal", "action", "resource"] {
                if let Some(v) = m.get(field)
                    && !case
                        .get("unchecked")
                        .and_then(Value::as_array)
                        .is_some_and(|u| u.iter().any(|x| x == field))
                {
                    assert_eq!(got.get(i).map(|g| &g[field]), Some(v), "{id}[{i}] {field}");
                }
            }
        }
        // The case pasted after the others, a blank line between.
        if !log.is_empty() {
            log.push_str("\n\n");
        }
        let by = log.len() as u64;
        let lines = log.matches('\n').count() as u64;
        expected_in_log.extend(got.iter().map(|m| shifted(m, by, lines)));
        log.push_str(text);
    }
    let all = messages(&explain(&["--format", "json", "-"], &log));
    assert_eq!(
        all.len(),
        expected_in_log.len(),
        "messages in the whole log"
    );
    for (i, (a, e)) in all.iter().zip(&expected_in_log).enumerate() {
        assert_eq!(a, e, "message {i} of the whole log");
    }
}

#[test]
fn explain_json_schema_markdown_and_bare_blobs() {
    let msg = "An error occurred (AccessDenied) when calling the ListRoles operation: User: arn:aws:iam::123456789012:user/Matt is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/* with an explicit deny in a service control policy: arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd";
    let r = explain(&["--format", "json", msg], "");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let m = &doc["messages"][0];
    assert_eq!(m["span"]["start"], 0);
    assert_eq!(m["span"]["end"].as_u64(), Some(msg.len() as u64));
    assert_eq!(m["line"], 1);
    assert_eq!(m["principal"], "arn:aws:iam::123456789012:user/Matt");
    assert_eq!(m["action"], "iam:ListRoles");
    assert_eq!(m["resource"], "arn:aws:iam::123456789012:role/*");
    assert_eq!(m["error_code"], "AccessDenied");
    assert_eq!(m["operation"], "ListRoles");
    assert_eq!(m["denied_by"]["policy_type"], "scp");
    assert_eq!(m["denied_by"]["explicit"], true);
    assert_eq!(
        m["denied_by"]["policy_arn"],
        "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd"
    );
    assert_eq!(m["encoded_message"], Value::Null);
    assert_eq!(doc["decoded_summary"], Value::Null);

    // Unstated fields are null, not guessed.
    let r = explain(
        &[
            "--format",
            "json",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        ],
        "",
    );
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let m = &doc["messages"][0];
    assert_eq!(m["action"], "sts:AssumeRoleWithWebIdentity");
    for k in [
        "principal",
        "resource",
        "error_code",
        "operation",
        "encoded_message",
    ] {
        assert_eq!(m[k], Value::Null, "{k}");
    }
    assert_eq!(m["denied_by"]["policy_type"], Value::Null);
    assert_eq!(m["denied_by"]["explicit"], Value::Null);

    // Markdown is the hover's text; the default is plain text.
    let md = explain(&["--format", "markdown", msg], "");
    let report = iam_ls::cli::explain::reports(msg).remove(0);
    assert_eq!(md.stdout.trim_end(), report.to_markdown().trim_end());
    let text = explain(&[msg], "");
    assert_eq!(text.stdout.trim_end(), report.to_text().trim_end());

    // A bare encoded message: nothing to explain, and the way to decode it.
    let blob = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_".repeat(8);
    let r = explain(&[blob.as_str()], "");
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("iam-ls decode"), "{}", r.stderr);
}
