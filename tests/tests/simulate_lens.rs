//! The "Simulate a request" code lens through the real server: one lens per statement of a
//! policy (no command until resolved), resolving gives the `iamLs.simulateStatement` command,
//! and running it decides a representative request with the evaluation engine, against the
//! policy's group from `iam-ls.toml`, shown with `window/showMessage` and returned.

use iam_ls_e2e::{LspClient, TempDir};
use serde_json::{Value, json};

use std::time::{Duration, Instant};

const IDENTITY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
    {"Sid": "RunInstances", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}
  ]
}
"#;

const BOUNDARY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

fn start(root: &std::path::Path) -> LspClient {
    let mut client = LspClient::spawn();
    let init = client.call_ok(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    assert_eq!(
        init["capabilities"]["codeLensProvider"],
        json!({"resolveProvider": true}),
        "{init}"
    );
    assert!(
        init["capabilities"]["executeCommandProvider"]["commands"]
            .as_array()
            .is_some_and(|c| c.contains(&json!("iamLs.simulateStatement"))),
        "{init}"
    );
    client.notify("initialized", json!({}));
    client
}

fn lenses(client: &mut LspClient, uri: &str) -> Vec<Value> {
    client
        .call_ok(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Resolves `lens` and runs its command; returns the command's result and the message shown.
fn run(client: &mut LspClient, lens: &Value) -> (Value, String) {
    let resolved = client.call_ok("codeLens/resolve", lens.clone());
    let command = &resolved["command"];
    assert_eq!(command["title"], "Simulate a request", "{resolved}");
    assert_eq!(command["command"], "iamLs.simulateStatement");
    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    let shown = client.notification("window/showMessage", |p| p["type"] == 3);
    (
        result,
        shown["params"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[test]
fn simulate_lens_decides_a_request_for_each_statement_with_the_group() {
    let d = TempDir::new("group");
    d.write(
        "iam-ls.toml",
        "[[groups]]\nname = \"dev\"\nidentity = [\"roles/app.json\"]\nboundary = \"boundary.json\"\n",
    );
    d.write("roles/app.json", IDENTITY);
    d.write("boundary.json", BOUNDARY);
    let mut client = start(d.path());
    let uri = d.uri("roles/app.json");
    client.open(&uri, "json", 1, IDENTITY);

    let found = lenses(&mut client, &uri);
    assert_eq!(found.len(), 2, "{found:?}");
    // Each lens sits at the start of its statement and has no command until resolved.
    for (lens, sid) in found.iter().zip(["ReadReports", "RunInstances"]) {
        let line = IDENTITY.lines().position(|l| l.contains(sid)).unwrap();
        assert_eq!(lens["range"]["start"]["line"], line, "{lens}");
        assert!(lens.get("command").is_none_or(Value::is_null), "{lens}");
    }

    let (result, shown) = run(&mut client, &found[0]);
    assert_eq!(result["decision"], "allowed", "{result}");
    assert_eq!(result["action"], "s3:GetObject");
    assert_eq!(result["resource"], "arn:aws:s3:::reports/example");
    assert!(
        shown.starts_with(
            "Simulated request. Allowed: s3:GetObject on arn:aws:s3:::reports/example."
        ),
        "{shown}"
    );
    assert!(shown.contains("statement ReadReports"), "{shown}");

    // The group's boundary allows only S3 (read once the configuration is loaded, after
    // `initialized`): ec2:RunInstances is implicitly denied by it.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (result, shown) = loop {
        let (result, shown) = run(&mut client, &found[1]);
        if result["decision"] != "allowed" || Instant::now() > deadline {
            break (result, shown);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(result["decision"], "implicit-deny", "{result}");
    assert_eq!(result["action"], "ec2:RunInstances");
    assert_eq!(
        result["deciding"],
        json!([{"policy_type": "boundary", "file": "boundary.json", "statement": null, "sid": null}]),
        "{result}"
    );
    assert!(
        shown.contains("not allowed by the boundary policy boundary.json"),
        "{shown}"
    );

    // A bad statement number is an error, not a crash.
    let err = client.call(
        "workspace/executeCommand",
        json!({"command": "iamLs.simulateStatement", "arguments": [{"uri": uri, "statement": 9}]}),
    );
    assert!(err.get("error").is_some(), "{err}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn no_lenses_outside_policies() {
    let d = TempDir::new("log");
    let mut client = start(d.path());
    let uri = d.uri("deploy.log");
    client.open(&uri, "plaintext", 1, "INFO nothing to see here\n");
    assert!(lenses(&mut client, &uri).is_empty());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
