//! Logs through the real server: hover explanations of AccessDenied lines, the outline of a log,
//! opening an IAM managed policy through a loopback IAM stub, and a large log.

mod support;

use iam_ls_e2e::aws_stub::{AwsStub, StubWorld};
use iam_ls_e2e::{LspClient, file_uri};
use serde_json::{Value, json};
use std::time::Instant;
use support::*;

const SCP_ARN: &str =
    "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd";
const BOUNDARY_ARN: &str = "arn:aws:iam::123456789012:policy/boundaries/DevBoundary";
const OPEN_POLICY_TITLE: &str = "Open policy (AWS IAM)";

/// A boundary policy with one finding (a lower-case effect), so diagnostics are visible.
const BOUNDARY_DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Cap", "Effect": "allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*"}
  ]
}"#;

fn log_text() -> String {
    format!(
        "2026-03-01T09:00:00Z INFO starting deploy\n\
         2026-03-01T09:00:01Z ERROR User: arn:aws:iam::111111111111:user/deploy-bot is not \
         authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/* with \
         an explicit deny in a service control policy: {SCP_ARN}\n\
         2026-03-01T09:00:02Z ERROR User: arn:aws:sts::123456789012:assumed-role/dev/jo is not \
         authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::scratch with an \
         explicit deny in a permissions boundary: {BOUNDARY_ARN}\n\
         2026-03-01T09:00:03Z INFO done\n"
    )
}

#[test]
fn log_hover_explains_an_scp_explicit_deny() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("deploy.log");
    let text = log_text();
    client.open(&uri, "log", 1, &text);
    let published = client.diagnostics(&uri, 1);
    assert_eq!(
        published["params"]["diagnostics"],
        json!([]),
        "no notes without blobs"
    );
    for needle in ["deploy-bot", "iam:ListRoles", "explicit deny in a service"] {
        let h = hover(&mut client, &uri, &text, text.find(needle).unwrap() + 1);
        assert!(h.contains("service control policy"), "{needle}: {h}");
        assert!(
            h.contains("aws organizations describe-policy --policy-id p-2kgnabcd"),
            "{needle}: {h}"
        );
    }
    // On the SCP ARN itself: who can read it.
    let h = hover(&mut client, &uri, &text, text.find("p-2kgnabcd").unwrap());
    assert!(h.contains("management account `987654321098`"), "{h}");
    // A line without a denial: no hover.
    let none = client.call_ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 25}}),
    );
    assert_eq!(none, Value::Null);
    // No fetch is offered for an SCP.
    let scp_line = text.find("deploy-bot").unwrap();
    let actions = code_actions(&mut client, &uri, &text, scp_line, scp_line);
    assert!(
        actions.iter().all(|a| a["title"] != OPEN_POLICY_TITLE),
        "{actions:?}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn log_outline_lists_denials() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("outline.log");
    let blob = fake_blob(300, 5);
    let text = format!(
        "{}Encoded authorization failure message: {blob}\n",
        log_text()
    );
    client.open(&uri, "log", 1, &text);
    let symbols = client.call_ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols = symbols.as_array().expect("symbols");
    let names: Vec<&str> = symbols.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "iam:ListRoles denied (explicit deny, SCP)",
            "s3:DeleteBucket denied (explicit deny, boundary)",
            "Encoded authorization message"
        ]
    );
    assert!(
        symbols[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("user/deploy-bot")),
        "{}",
        symbols[0]
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn log_opens_a_managed_policy_through_iam() {
    let stub = AwsStub::world(StubWorld::new().with_policy(BOUNDARY_ARN, "v3", BOUNDARY_DOC))
        .expect("stub");
    let home = TempHome::new();
    let mut client = start(&stub, &home, true, Value::Null);
    let uri = file_uri("boundary.log");
    let text = log_text();
    client.open(&uri, "log", 1, &text);
    let line = text.find("assumed-role/dev/jo").unwrap();
    let actions = code_actions(&mut client, &uri, &text, line, line);
    let open: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"] == OPEN_POLICY_TITLE)
        .collect();
    assert_eq!(open.len(), 1, "{actions:?}");
    let command = open[0]["command"].clone();
    assert_eq!(command["arguments"], json!([{"arn": BOUNDARY_ARN}]));
    // Hover on the ARN names the action.
    let h = hover(&mut client, &uri, &text, text.find("DevBoundary").unwrap());
    assert!(h.contains(OPEN_POLICY_TITLE), "{h}");

    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    assert_eq!(result, Value::Null);
    let create = answer(&mut client, "window/workDoneProgress/create", Value::Null);
    let token = create["params"]["token"].clone();
    let begin = progress(&mut client, &token, "begin");
    assert_eq!(begin["params"]["value"]["title"], "Fetching managed policy");
    progress(&mut client, &token, "end");
    let show = answer(&mut client, "window/showDocument", json!({"success": true}));
    let policy_uri = show["params"]["uri"].as_str().expect("uri").to_string();
    let path = uri_path(&policy_uri);
    assert!(
        path.ends_with("policies/123456789012/DevBoundary.json"),
        "{path:?}"
    );
    let written = std::fs::read_to_string(&path).expect("policy file");
    assert_eq!(written, format!("{BOUNDARY_DOC}\n"));
    assert_eq!(mode(&path), 0o600);
    let info = show_message(&mut client, 3);
    assert!(info.contains(BOUNDARY_ARN) && info.contains("v3"), "{info}");

    let requests = stub.requests();
    let actions: Vec<String> = requests.iter().filter_map(|r| r.action()).collect();
    assert_eq!(actions, ["GetPolicy", "GetPolicyVersion"]);
    assert_eq!(requests[1].param("VersionId").as_deref(), Some("v3"));
    assert!(
        requests
            .iter()
            .all(|r| r.signing_service().as_deref() == Some("iam"))
    );

    // The editor opens the file: the server analyses it as a policy.
    client.open(&policy_uri, "json", 1, &written);
    let published = client.diagnostics(&policy_uri, 1);
    let codes: Vec<&str> = published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"IAM010"), "{published}");
    let kind = client.call_ok(
        "iamLs/documentKind",
        json!({"textDocument": {"uri": policy_uri}}),
    );
    assert_eq!(kind["kind"], "policy");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn log_unknown_managed_policy_is_a_clear_error() {
    let stub = AwsStub::world(StubWorld::new()).expect("stub");
    let home = TempHome::new();
    let mut client = start(&stub, &home, true, Value::Null);
    client.call_ok(
        "workspace/executeCommand",
        json!({"command": "iamLs.openManagedPolicy", "arguments": [{"arn": BOUNDARY_ARN}]}),
    );
    answer(&mut client, "window/workDoneProgress/create", Value::Null);
    let message = show_message(&mut client, 1);
    assert!(message.contains("has no managed policy"), "{message}");
    // A malformed command is refused as a request error.
    let bad = client.call(
        "workspace/executeCommand",
        json!({"command": "iamLs.openManagedPolicy", "arguments": []}),
    );
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Opens a large log (size from `IAM_LS_LARGE_LOG_MB`, default 8) and hovers near its start and
/// end, reporting wall-clock times and the server's CPU time (measurements, not asserted: this is
/// not a timed test). Denial lines sit among ordinary lines, one in a thousand.
#[test]
fn log_large_file_open_and_hover() {
    let mb: usize = std::env::var("IAM_LS_LARGE_LOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let denial = "2026-03-01T09:00:01Z ERROR User: arn:aws:iam::111111111111:user/deploy-bot is \
                  not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bkt/key \
                  because no identity-based policy allows the s3:GetObject action\n";
    let ordinary = "2026-03-01T09:00:00Z INFO GET /health 200 0.4ms request-id=0f8e9d7c\n";
    let mut text = String::with_capacity(mb * 1024 * 1024 + 4096);
    let mut n = 0usize;
    while text.len() < mb * 1024 * 1024 {
        text.push_str(if n % 1000 == 999 { denial } else { ordinary });
        n += 1;
    }
    text.push_str(denial);
    let first = position(&text, text.find("s3:GetObject").unwrap());
    let last = position(&text, text.rfind("s3:GetObject on").unwrap());
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("large.log");
    let hover_at = |client: &mut LspClient, at: &Value| {
        let started = Instant::now();
        let cpu = client.cpu_time();
        let h = client.call_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        );
        let took = started.elapsed();
        let cpu = client.cpu_time().zip(cpu).map(|(b, a)| b.saturating_sub(a));
        let markdown = h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(markdown.contains("identity-based"), "{markdown}");
        (took, cpu)
    };

    let cpu_before = client.cpu_time();
    let started = Instant::now();
    client.open(&uri, "log", 1, &text);
    let sent = started.elapsed();
    let published = client.diagnostics(&uri, 1);
    let open_time = started.elapsed();
    let open_cpu = client
        .cpu_time()
        .zip(cpu_before)
        .map(|(b, a)| b.saturating_sub(a));
    assert_eq!(published["params"]["diagnostics"], json!([]));
    let (hover_first, hover_first_cpu) = hover_at(&mut client, &first);
    let (hover_last, hover_last_cpu) = hover_at(&mut client, &last);
    let started = Instant::now();
    let symbols = client.call_ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols_time = started.elapsed();
    let count = symbols.as_array().map_or(0, Vec::len);
    assert_eq!(count, (n / 1000 + 1).min(1000));
    let peak = std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string());
    eprintln!(
        "large log {mb} MB: didOpen written after {sent:?}, diagnostics after {open_time:?} \
         (server CPU {open_cpu:?}); hover near start {hover_first:?} (CPU {hover_first_cpu:?}), \
         at end {hover_last:?} (CPU {hover_last_cpu:?}); outline of {count} denials \
         {symbols_time:?}; server peak memory {peak}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
