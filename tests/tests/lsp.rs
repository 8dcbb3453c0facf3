//! End-to-end: the real `iam-ls` binary over stdio.

use iam_ls_e2e::{LspClient, Rng, Utf16Doc, file_uri, fnv1a64};
use serde_json::{Value, json};

/// A policy with a missing comma on a line that also holds non-ASCII and astral characters, so
/// UTF-16 and UTF-8 columns differ.
const BROKEN: &str = "{\r\n  \"Version\": \"2012-10-17\",\r\n  \"Statement\": [\r\n    {\"Condition\": {\"StringEquals\": {\"aws:username\": \"Ünï😀\"}}, \"Effect\": \"Allow\" \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::my-bucket/*\"}\r\n  ]\r\n}\r\n";

/// Position of byte `offset` in `text`, counting columns with `units` per char.
fn position_of(text: &str, offset: usize, units: fn(char) -> usize) -> Value {
    let doc = Utf16Doc {
        text: text.to_string(),
    };
    let (line, (start, _)) = doc
        .lines()
        .into_iter()
        .enumerate()
        .rfind(|(_, (start, _))| *start <= offset)
        .expect("line 0 starts at 0");
    let character: usize = text[start..offset].chars().map(units).sum();
    json!({"line": line, "character": character})
}

/// The diagnostics the server should publish for `text`: the parser's errors, converted here
/// independently of the server's conversion code.
fn expected_syntax_diagnostics(text: &str, units: fn(char) -> usize) -> Vec<Value> {
    iam_ls::syntax::parse(text)
        .errors
        .iter()
        .map(|e| {
            json!({
                "start": position_of(text, e.span.start, units),
                "end": position_of(text, e.span.end, units),
                "message": e.message,
            })
        })
        .collect()
}

fn summarize(diagnostics: &Value) -> Vec<Value> {
    diagnostics
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            assert_eq!(d["code"], "IAM001", "only JSON syntax errors expected: {d}");
            assert_eq!(d["severity"], 1);
            assert_eq!(d["source"], "iam-ls");
            json!({"start": d["range"]["start"], "end": d["range"]["end"], "message": d["message"]})
        })
        .collect()
}

fn text_hash(client: &mut LspClient, uri: &str) -> Value {
    client.call_ok("iamLs/textHash", json!({"textDocument": {"uri": uri}}))
}

#[test]
fn broken_policy_is_diagnosed_then_fixed_then_closed() {
    let mut client = LspClient::spawn();
    let init = client.initialize(json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(init["serverInfo"]["name"], "iam-ls");

    let uri = file_uri("broken.json");
    client.open(&uri, "json", 1, BROKEN);
    let published = client.diagnostics(&uri, 1);
    let got = summarize(&published["params"]["diagnostics"]);
    let expected = expected_syntax_diagnostics(BROKEN, char::len_utf16);
    assert!(!expected.is_empty(), "the fixture must be broken");
    assert_eq!(got, expected);
    // The error sits on line 3, after the astral character: UTF-16 columns.
    assert_eq!(got[0]["start"]["line"], 3);

    // Insert the missing comma just after `"Allow"` (a UTF-16 position on line 3).
    let line3 = BROKEN.split("\r\n").nth(3).expect("line 3");
    let at = line3.find("\"Allow\"").expect("Allow") + "\"Allow\"".len();
    let character: usize = line3[..at].chars().map(char::len_utf16).sum();
    client.change(
        &uri,
        2,
        json!([{"range": {"start": {"line": 3, "character": character}, "end": {"line": 3, "character": character}}, "text": ","}]),
    );
    let fixed = client.diagnostics(&uri, 2);
    assert_eq!(fixed["params"]["diagnostics"], json!([]));
    let fixed_text = BROKEN.replacen("\"Allow\" ", "\"Allow\", ", 1);
    let hash = text_hash(&mut client, &uri);
    assert_eq!(hash["fnv1a64"], fnv1a64(&fixed_text));
    assert_eq!(hash["version"], 2);
    let kind = client.call_ok("iamLs/documentKind", json!({"textDocument": {"uri": uri}}));
    assert_eq!(kind["version"], 2);
    assert_eq!(kind["kind"], "policy");
    assert_eq!(kind["parsed"], true);
    assert_eq!(kind["policyKind"], "identity");

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p.get("version").is_none_or(Value::is_null)
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert_eq!(text_hash(&mut client, &uri), Value::Null);

    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let mut client = LspClient::spawn_with(&["lsp", "--stdio"], &[]);
    let init = client.initialize(json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = file_uri("utf8.json");
    client.open(&uri, "json", 7, BROKEN);
    let published = client.diagnostics(&uri, 7);
    assert_eq!(
        summarize(&published["params"]["diagnostics"]),
        expected_syntax_diagnostics(BROKEN, char::len_utf8)
    );
    // A UTF-8 edit: replace the 4-byte emoji (found by byte column) with "x".
    let line3 = BROKEN.split("\r\n").nth(3).expect("line 3");
    let col = line3.find('😀').expect("emoji");
    client.change(
        &uri,
        8,
        json!([{"range": {"start": {"line": 3, "character": col}, "end": {"line": 3, "character": col + 4}}, "text": "x"}]),
    );
    client.diagnostics(&uri, 8);
    let hash = text_hash(&mut client, &uri);
    assert_eq!(hash["fnv1a64"], fnv1a64(&BROKEN.replacen('😀', "x", 1)));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn text_documents_are_not_diagnosed_as_policies() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("package.json");
    // Broken JSON that is not a policy: no findings.
    client.open(&uri, "json", 1, "{\"name\": \"x\" \"version\": 1");
    let published = client.diagnostics(&uri, 1);
    assert_eq!(published["params"]["diagnostics"], json!([]));
    let kind = client.call_ok("iamLs/documentKind", json!({"textDocument": {"uri": uri}}));
    assert_eq!(kind["kind"], "text");
    let log = file_uri("denied.log");
    client.open(
        &log,
        "log",
        1,
        "AccessDenied: User: arn:aws:iam::1:user/x is not authorized",
    );
    let kind = client.call_ok("iamLs/documentKind", json!({"textDocument": {"uri": log}}));
    assert_eq!(kind, json!({"version": 1, "kind": "text", "parsed": false}));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Random text pieces for edits: line breaks of all kinds, multi-byte and astral characters.
const PIECES: &[&str] = &[
    "a",
    "Allow",
    "\"",
    ",",
    "{",
    "}",
    "[",
    "]",
    " ",
    "é",
    "中",
    "😀",
    "𝄞",
    "\n",
    "\r\n",
    "\r",
    "\"Statement\": [",
    "\"s3:*\"",
];

#[test]
fn pipelined_burst_of_edits_keeps_order() {
    const EDITS: i32 = 500;
    let mut rng = Rng::new(0x1a2b_3c4d);
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("burst.json");
    let mut doc = Utf16Doc {
        text: BROKEN.to_string(),
    };
    client.open(&uri, "json", 0, &doc.text);

    // Written back to back, never waiting for an answer.
    let mut checks = Vec::new();
    for version in 1..=EDITS {
        let mut changes = Vec::new();
        for _ in 0..=rng.below(2) {
            let (start, a) = doc.random_position(&mut rng);
            let (end, b) = doc.random_position(&mut rng);
            let ((start, a), (end, b)) = if a <= b {
                ((start, a), (end, b))
            } else {
                ((end, b), (start, a))
            };
            // Keep the document between roughly 100 and 400 bytes.
            let text = if rng.below(3) == 0 {
                String::new()
            } else {
                (0..=rng.below(3)).map(|_| *rng.pick(PIECES)).collect()
            };
            let max_delete = if doc.text.len() > 400 { 60 } else { 6 };
            let (b, end) = if b - a > max_delete {
                (a, start.clone())
            } else {
                (b, end)
            };
            doc.replace(a, b, &text);
            changes.push(json!({"range": {"start": start, "end": end}, "text": text}));
        }
        client.change(&uri, version, Value::Array(changes));
        if version % 25 == 0 {
            let id = client.request("iamLs/textHash", json!({"textDocument": {"uri": uri}}));
            checks.push((id, version, fnv1a64(&doc.text), doc.text.len()));
        }
    }

    for (id, version, hash, length) in checks {
        let response = client.response(id);
        let result = &response["result"];
        assert_eq!(result["version"], version, "{response}");
        assert_eq!(result["length"], length, "at version {version}");
        assert_eq!(result["fnv1a64"], hash.as_str(), "at version {version}");
    }
    // The last edit's diagnostics arrive, and nothing older arrives after something newer.
    client.diagnostics(&uri, EDITS);
    let versions: Vec<i64> = client
        .history()
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["version"].as_i64().expect("versioned"))
        .collect();
    let disorder = versions.windows(2).find(|w| w[0] >= w[1]);
    assert_eq!(
        disorder,
        None,
        "diagnostics out of order ({} published)",
        versions.len()
    );
    assert_eq!(versions.last(), Some(&i64::from(EDITS)));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn survives_panics_and_malformed_input() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("robust.json");
    let mut doc = Utf16Doc {
        text: "{\"Statement\": []}\n😀".to_string(),
    };
    client.open(&uri, "json", 1, &doc.text);

    // A panic inside a request: internal error, then business as usual.
    let response = client.call("iamLs/testPanic", Value::Null);
    assert_eq!(response["error"]["code"], -32603, "{response}");
    assert_eq!(text_hash(&mut client, &uri)["fnv1a64"], fnv1a64(&doc.text));

    // Bad params, unknown method.
    let response = client.call("iamLs/textHash", json!(42));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.call("iamLs/noSuchRequest", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");

    // Frames that are not JSON-RPC, and garbage between frames: dropped, the session goes on.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    client.send_raw(b"stray output\r\nContent-Length: 5\r\n\r\n[1,2]");
    // A malformed message with an id gets an "invalid request" answer instead of silence.
    client.send(&json!({"id": 99, "method": 5}));
    let response = client.response(99);
    assert_eq!(response["error"]["code"], -32600, "{response}");
    // Notifications with bad params, or for unknown documents, are ignored.
    client.notify("textDocument/didChange", json!({"textDocument": 5}));
    client.change(&file_uri("never-opened.json"), 3, json!([{"text": "x"}]));

    // Positions far out of range are clamped: inside the surrogate pair -> before it; a line
    // past the end -> end of document.
    client.change(
        &uri,
        2,
        json!([
            {"range": {"start": {"line": 1, "character": 1}, "end": {"line": 1, "character": 1}}, "text": "<"},
            {"range": {"start": {"line": 4_000_000_000u32, "character": 0}, "end": {"line": 4_000_000_000u32, "character": 4_000_000_000u32}}, "text": ">"},
            {"range": {"start": {"line": 0, "character": 4_000_000_000u32}, "end": {"line": 0, "character": 4_000_000_000u32}}, "text": "!"}
        ]),
    );
    doc.text = "{\"Statement\": []}!\n<😀>".to_string();
    let hash = text_hash(&mut client, &uri);
    assert_eq!(hash["fnv1a64"], fnv1a64(&doc.text), "{hash}");
    assert_eq!(hash["version"], 2);
    client.diagnostics(&uri, 2);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_status() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn version_flag_and_bad_arguments() {
    let bin = iam_ls_e2e::server_binary();
    let out = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .expect("run iam-ls --version");
    assert!(out.status.success());
    // First line: the version; the next names the embedded IAM data (tests/cli.rs checks it).
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some(format!("iam-ls {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    let out = std::process::Command::new(bin)
        .arg("--bogus")
        .output()
        .expect("run iam-ls --bogus");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
