//! Rules through the real server: diagnostics carry rule codes and links, quick fixes apply,
//! and the project file (`iam-ls.toml`) turns rules off and sets policy kinds.

use iam_ls_e2e::{LspClient, TempDir};
use serde_json::{Value, json};
use std::path::Path;

const LOWERCASE_EFFECT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}
"#;

fn codes(published: &Value) -> Vec<String> {
    published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Applies LSP text edits (single line, UTF-16 = UTF-8 here: ASCII fixtures) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        ))
    });
    for e in edits {
        let line = e["range"]["start"]["line"].as_u64().unwrap() as usize;
        assert_eq!(e["range"]["end"]["line"], e["range"]["start"]["line"]);
        let s = e["range"]["start"]["character"].as_u64().unwrap() as usize;
        let t = e["range"]["end"]["character"].as_u64().unwrap() as usize;
        lines[line].replace_range(s..t, e["newText"].as_str().unwrap());
    }
    lines.join("\n")
}

#[test]
fn quick_fix_from_a_rule_applies_and_clears_the_diagnostic() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = iam_ls_e2e::file_uri("effect.json");
    client.open(&uri, "json", 1, LOWERCASE_EFFECT);
    let published = client.diagnostics(&uri, 1);
    assert_eq!(codes(&published), vec!["IAM010"], "{published}");
    let diag = &published["params"]["diagnostics"][0];
    assert_eq!(diag["severity"], 1);
    assert!(
        diag["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/invalid-effect.md")),
        "{diag}"
    );

    let actions = client.call_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let actions = actions.as_array().expect("code actions");
    // The quick fix, then "Show documentation for IAM010" (tests/tests/ship.rs runs that one).
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert_eq!(actions[0]["title"], "Replace with `Allow`");
    assert_eq!(actions[1]["title"], "Show documentation for IAM010");
    assert_eq!(actions[0]["kind"], "quickfix");
    let edits = actions[0]["edit"]["changes"][uri.as_str()]
        .as_array()
        .expect("edits for the document")
        .clone();
    let fixed = apply(LOWERCASE_EFFECT, &edits);
    assert!(fixed.contains(r#""Effect": "Allow""#), "{fixed}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri, 2);
    assert_eq!(after["params"]["diagnostics"], json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

fn workspace(config: &str) -> TempDir {
    let dir = TempDir::new("rules");
    dir.write("iam-ls.toml", config);
    dir
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn project_file_turns_rules_off_and_sets_kinds() {
    let dir =
        workspace("[rules]\n\"invalid-effect\" = \"off\"\n\n[kinds]\n\"scps/*.json\" = \"scp\"\n");
    std::fs::create_dir_all(dir.path().join("scps")).unwrap();
    let mut client = LspClient::spawn();
    client.call_ok(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(dir.path()), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));

    let uri = uri_of(&dir.path().join("effect.json"));
    client.open(&uri, "json", 1, LOWERCASE_EFFECT);
    let published = client.diagnostics(&uri, 1);
    assert_eq!(codes(&published), Vec::<String>::new(), "{published}");

    let scp = uri_of(&dir.path().join("scps/deny.json"));
    client.open(
        &scp,
        "json",
        1,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#,
    );
    let kind = client.call_ok("iamLs/documentKind", json!({"textDocument": {"uri": scp}}));
    assert_eq!(kind["policyKind"], "scp", "{kind}");
    assert!(
        kind["policyKindReason"]
            .as_str()
            .is_some_and(|r| r.contains("scps/*.json")),
        "{kind}"
    );
    let plain = client.call_ok("iamLs/documentKind", json!({"textDocument": {"uri": uri}}));
    assert_eq!(plain["policyKind"], "identity", "{plain}");

    // Settings from the editor override the file: the rule comes back as a warning.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iamLs": {"rules": {"invalid-effect": "warning"}}}}),
    );
    let again = client.wait_for("diagnostics after the settings changed", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && !m["params"]["diagnostics"]
                .as_array()
                .is_none_or(Vec::is_empty)
    });
    assert_eq!(codes(&again), vec!["IAM010"]);
    assert_eq!(again["params"]["diagnostics"][0]["severity"], 2);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// The messages of the diagnostics with `code`.
fn messages(published: &Value, code: &str) -> Vec<String> {
    published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A `[[groups]]` entry checks the identity policy against its permissions boundary: read from
/// disk, then from the open buffer as it is edited, then from disk again once it is closed.
#[test]
fn policy_groups_follow_the_other_layers_as_they_change() {
    let dir = workspace(
        "[[groups]]\nname = \"dev\"\nidentity = [\"roles/dev.json\"]\nboundary = \"boundary.json\"\n",
    );
    std::fs::create_dir_all(dir.path().join("roles")).unwrap();
    let identity = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Admin", "Effect": "Allow", "Action": ["iam:CreateRole", "s3:GetObject"], "Resource": "*"}]}"#;
    let boundary = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
    std::fs::write(dir.path().join("roles/dev.json"), identity).unwrap();
    std::fs::write(dir.path().join("boundary.json"), boundary).unwrap();
    let mut client = LspClient::spawn();
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    client.call_ok(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(dir.path()), "capabilities": capabilities}),
    );
    client.notify("initialized", json!({}));
    // The server asks to be told about JSON files changed outside the editor.
    let registration = client.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let watchers = &registration["params"]["registrations"][0];
    assert_eq!(watchers["method"], "workspace/didChangeWatchedFiles");
    assert!(
        watchers["registerOptions"]["watchers"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["globPattern"] == "**/*.json")),
        "{registration}"
    );
    client.send(&json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));

    let role = uri_of(&dir.path().join("roles/dev.json"));
    client.open(&role, "json", 1, identity);
    let published = client.diagnostics(&role, 1);
    let denied = messages(&published, "IAM918");
    assert_eq!(denied.len(), 1, "{published}");
    assert!(
        denied[0].contains("iam:CreateRole") && denied[0].contains("boundary.json"),
        "{denied:?}"
    );
    // The group, not a [kinds] glob, makes the boundary a permissions boundary.
    let bound = uri_of(&dir.path().join("boundary.json"));
    client.open(&bound, "json", 1, boundary);
    let kind = client.call_ok(
        "iamLs/documentKind",
        json!({"textDocument": {"uri": bound}}),
    );
    assert_eq!(kind["policyKind"], "permissions-boundary", "{kind}");

    // The boundary's buffer now allows IAM too: the identity policy is re-checked at once.
    client.change(
        &bound,
        2,
        json!([{"text": boundary.replace("\"s3:*\"", "[\"s3:*\", \"iam:*\"]")}]),
    );
    let cleared = client.wait_for("the role re-checked against the edited boundary", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == role.as_str()
            && messages(m, "IAM918").is_empty()
    });
    assert_eq!(cleared["params"]["version"], 1, "{cleared}");

    // Closed without saving: the file on disk counts again.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": bound}}),
    );
    client.wait_for("the role re-checked against the boundary on disk", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == role.as_str()
            && messages(m, "IAM918").len() == 1
    });

    // Changed on disk by another program: the watched-files notification re-reads it.
    std::fs::write(
        dir.path().join("boundary.json"),
        boundary.replace("\"s3:*\"", "\"*\""),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": bound, "type": 2}]}),
    );
    client.wait_for("the role re-checked against the changed file", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == role.as_str()
            && messages(m, "IAM918").is_empty()
    });
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
