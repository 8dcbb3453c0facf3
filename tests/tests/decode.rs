//! Decoding encoded authorization messages through the real server and the real AWS SDK,
//! against a loopback STS stub: the note and code action on a blob, the command with progress,
//! the opened document, the summary, the session cache, and every failure path.

mod support;

use iam_ls_e2e::aws_stub::{AwsStub, StubReply, StubWorld};
use iam_ls_e2e::{LspClient, file_uri};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::*;

const DECODE_COMMAND: &str = "iamLs.decodeAuthorizationMessage";
const DECODE_TITLE: &str = "Decode authorization message (AWS STS)";

const DECODED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyOutsideEU","effect":"DENY","principals":{"items":[{"value":"AROAEXAMPLEID"}]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"ec2:*"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"eu-central-1"},{"value":"eu-west-1"}]}}]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROAEXAMPLEID:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-west-2:123456789012:instance/*","conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"us-west-2"}]}},{"key":"ec2:InstanceType","values":{"items":[{"value":"t3.micro"}]}}]}}}"#;

/// A terminal capture with one EC2 error carrying `blob`.
fn capture(blob: &str) -> String {
    format!(
        "$ aws ec2 run-instances --image-id ami-0abc --instance-type t3.micro\n\nAn error \
         occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not \
         authorized to perform this operation. Encoded authorization failure message: {blob}\n$ \n"
    )
}

/// Opens the capture, checks the note on the blob, and returns the decode command's arguments
/// from the code action offered with the cursor on the blob.
fn open_and_get_command(client: &mut LspClient, uri: &str, text: &str, blob: &str) -> Value {
    client.open(uri, "plaintext", 1, text);
    let published = client.diagnostics(uri, 1);
    let diagnostics = published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{published}");
    assert_eq!(diagnostics[0]["code"], "encoded-authorization-message");
    assert_eq!(diagnostics[0]["severity"], 4, "a hint: low-key");
    let start = text.find(blob).expect("blob");
    assert_eq!(diagnostics[0]["range"]["start"], position(text, start));
    assert_eq!(
        diagnostics[0]["range"]["end"],
        position(text, start + blob.len())
    );

    let on_blob = code_actions(client, uri, text, start + 40, start + 40);
    let decode: Vec<&Value> = on_blob
        .iter()
        .filter(|a| a["title"] == DECODE_TITLE)
        .collect();
    assert_eq!(decode.len(), 1, "{on_blob:?}");
    assert_eq!(decode[0]["command"]["command"], DECODE_COMMAND);
    assert_eq!(decode[0]["command"]["arguments"], json!([{"blob": blob}]));
    decode[0]["command"].clone()
}

fn execute(client: &mut LspClient, command: &Value) -> Duration {
    let started = Instant::now();
    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    assert_eq!(result, Value::Null);
    started.elapsed()
}

#[test]
fn decode_end_to_end_with_progress_document_summary_and_cache() {
    let blob = fake_blob(900, 1);
    let stub = AwsStub::world(StubWorld::new().with_message(&blob, DECODED)).expect("stub");
    let home = TempHome::new();
    let mut client = start(&stub, &home, true, Value::Null);
    let init_caps = client.history()[0]["result"]["capabilities"]["executeCommandProvider"].clone();
    assert!(
        init_caps["commands"]
            .as_array()
            .is_some_and(|c| c.contains(&json!(DECODE_COMMAND))),
        "{init_caps}"
    );

    let uri = file_uri("terminal.txt");
    let text = capture(&blob);
    let command = open_and_get_command(&mut client, &uri, &text, &blob);
    // Also offered on a selection that contains the blob (the whole capture).
    let on_selection = code_actions(&mut client, &uri, &text, 0, text.len());
    assert!(
        on_selection
            .iter()
            .any(|a| a["title"] == DECODE_TITLE
                && a["command"]["arguments"] == json!([{"blob": blob}])),
        "{on_selection:?}"
    );
    assert!(
        stub.requests().is_empty(),
        "nothing is sent before the command runs"
    );

    let took = execute(&mut client, &command);
    assert!(
        took < Duration::from_secs(2),
        "executeCommand returns at once: {took:?}"
    );
    let create = answer(&mut client, "window/workDoneProgress/create", Value::Null);
    let token = create["params"]["token"].clone();
    let begin = progress(&mut client, &token, "begin");
    assert_eq!(
        begin["params"]["value"]["title"],
        "Decoding authorization message"
    );
    progress(&mut client, &token, "end");
    let show = answer(&mut client, "window/showDocument", json!({"success": true}));
    assert_eq!(show["params"]["takeFocus"], true);
    let path = uri_path(show["params"]["uri"].as_str().expect("uri"));
    let written = std::fs::read_to_string(&path).expect("the decoded file exists");
    assert!(
        written.starts_with("{\n  \"allowed\": false,\n  \"explicitDeny\": true,\n"),
        "{written}"
    );
    assert_eq!(written, iam_ls::decode::pretty_json(DECODED));
    let same: Value = serde_json::from_str(&written).expect("pure JSON");
    assert_eq!(same, serde_json::from_str::<Value>(DECODED).unwrap());
    assert_eq!(mode(&path), 0o600);
    let dir = path.parent().expect("dir").to_path_buf();
    assert_eq!(mode(&dir), 0o700);

    let summary = show_message(&mut client, 3);
    for expected in [
        "Denied explicitly by statement DenyOutsideEU",
        "the request's aws:RequestedRegion was us-west-2",
        "arn:aws:sts::123456789012:assumed-role/Dev/alice",
        "ec2:RunInstances",
        "arn:aws:ec2:us-west-2:123456789012:instance/*",
        "explicit deny",
        "ec2:InstanceType",
        "t3.micro",
    ] {
        assert!(
            summary.contains(expected),
            "missing {expected:?} in:\n{summary}"
        );
    }

    // The stub saw exactly one well-formed, signed STS call.
    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].action().as_deref(),
        Some("DecodeAuthorizationMessage")
    );
    assert_eq!(
        requests[0].param("EncodedMessage").as_deref(),
        Some(blob.as_str())
    );
    assert_eq!(requests[0].access_key_id().as_deref(), Some(ACCESS_KEY));
    assert_eq!(requests[0].signing_service().as_deref(), Some("sts"));

    // Hover on the blob: the summary, from the session cache.
    let start = text.find(&blob).unwrap();
    let h = hover(&mut client, &uri, &text, start + 10);
    assert!(
        h.contains("Denied explicitly by statement DenyOutsideEU"),
        "{h}"
    );
    assert!(h.contains("not sent again"), "{h}");

    // Running the command again opens the document without calling AWS (and without progress).
    execute(&mut client, &command);
    let again = answer(&mut client, "window/showDocument", json!({"success": true}));
    assert_eq!(again["params"]["uri"], show["params"]["uri"]);
    show_message(&mut client, 3);
    assert_eq!(stub.requests().len(), 1, "the cache answered");

    // The opened file is recognised as a decoded message and has field hovers.
    let decoded_uri = show["params"]["uri"].as_str().unwrap().to_string();
    client.open(&decoded_uri, "json", 1, &written);
    let kind = client.call_ok(
        "iamLs/documentKind",
        json!({"textDocument": {"uri": decoded_uri}}),
    );
    assert_eq!(kind["kind"], "decodedMessage");
    let field = written.find("\"explicitDeny\"").unwrap() + 3;
    let h = hover(&mut client, &decoded_uri, &written, field);
    assert!(h.contains("**explicit deny**"), "{h}");

    // Nothing secret in the log, even at trace level.
    let stderr = client.stderr();
    for secret in [
        blob.as_str(),
        SECRET_KEY,
        "DenyOutsideEU",
        "assumed-role/Dev/alice",
    ] {
        assert!(!stderr.contains(secret), "{secret:?} leaked into the log");
    }
    assert!(
        stderr.contains("decode command: done"),
        "the log is on: {stderr}"
    );

    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    assert!(
        !dir.exists(),
        "the temporary directory is removed at shutdown"
    );
}

#[test]
fn decode_on_a_selected_bare_blob() {
    let blob = fake_blob(400, 2);
    let stub = AwsStub::world(StubWorld::new().with_message(&blob, DECODED)).expect("stub");
    let home = TempHome::new();
    let mut client = start(&stub, &home, true, Value::Null);
    // A blob pasted alone into a JSON file (no marker words): no note, but a selection of it
    // (quotes included) offers the action.
    let uri = file_uri("pasted.json");
    let text = format!("{{\"note\": \"{blob}\"}}\n");
    client.open(&uri, "json", 1, &text);
    let published = client.diagnostics(&uri, 1);
    assert_eq!(published["params"]["diagnostics"], json!([]));
    let start = text.find(&blob).unwrap();
    let actions = code_actions(&mut client, &uri, &text, start - 1, start + blob.len() + 1);
    let command = actions
        .iter()
        .find(|a| a["title"] == DECODE_TITLE)
        .map(|a| a["command"].clone())
        .unwrap_or_else(|| panic!("no decode action: {actions:?}"));
    assert_eq!(command["arguments"], json!([{"blob": blob}]));
    execute(&mut client, &command);
    answer(&mut client, "window/workDoneProgress/create", Value::Null);
    let show = answer(&mut client, "window/showDocument", json!({"success": true}));
    assert!(
        show["params"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with(".json"))
    );
    assert!(show_message(&mut client, 3).contains("DenyOutsideEU"));
    assert_eq!(stub.requests().len(), 1);
    // A client that goes away without `shutdown` (the input closed) leaves no decoded message
    // behind either.
    let written = show["params"]["uri"]
        .as_str()
        .and_then(|u| u.strip_prefix("file://"))
        .map(std::path::PathBuf::from)
        .expect("a file URI");
    assert!(written.exists());
    assert_eq!(client.wait_exit().code(), Some(1));
    assert!(
        !written.exists(),
        "the temporary directory is removed when the input ends"
    );
}

/// Runs the decode command against `stub` and returns the error message shown, after checking
/// that progress ended and that the server still answers a hover at once.
fn decode_failure(stub: &AwsStub, keys: bool, options: Value) -> (String, LspClient) {
    let blob = fake_blob(700, 3);
    let home = TempHome::new();
    let mut client = start(stub, &home, keys, options);
    let uri = file_uri("err.log");
    let text = capture(&blob);
    let command = open_and_get_command(&mut client, &uri, &text, &blob);
    execute(&mut client, &command);
    let create = answer(&mut client, "window/workDoneProgress/create", Value::Null);
    let token = create["params"]["token"].clone();
    progress(&mut client, &token, "begin");
    // While the call is outstanding the server keeps answering.
    let started = Instant::now();
    let h = hover(
        &mut client,
        &uri,
        &text,
        text.find("not authorized").unwrap(),
    );
    assert!(h.contains("RunInstances"), "{h}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "hover waited for AWS"
    );
    progress(&mut client, &token, "end");
    let message = show_message(&mut client, 1);
    // And after the failure too.
    let h = hover(&mut client, &uri, &text, text.find(&blob).unwrap());
    assert!(h.contains("Encoded authorization failure message"), "{h}");
    assert!(!client.stderr().contains(&blob));
    drop(home);
    (message, client)
}

#[test]
fn decode_failure_invalid_message() {
    let stub = AwsStub::world(StubWorld::new()).expect("stub");
    let (message, client) = decode_failure(&stub, true, Value::Null);
    assert!(
        message.contains("STS could not decode this message"),
        "{message}"
    );
    assert!(
        message.contains("InvalidAuthorizationMessageException"),
        "{message}"
    );
    assert_eq!(stub.requests().len(), 1);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn decode_failure_access_denied() {
    let stub = AwsStub::fixed(StubReply::sts_error(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: \
         sts:DecodeAuthorizationMessage",
    ))
    .expect("stub");
    let (message, client) = decode_failure(&stub, true, Value::Null);
    assert!(
        message.contains("not allowed to call sts:DecodeAuthorizationMessage"),
        "{message}"
    );
    assert!(
        message.contains("\"Action\": \"sts:DecodeAuthorizationMessage\""),
        "{message}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn decode_failure_http_500() {
    let stub =
        AwsStub::fixed(StubReply::sts_error(500, "InternalFailure", "stub failure")).expect("stub");
    let (message, client) = decode_failure(&stub, true, Value::Null);
    assert!(message.contains("HTTP 500"), "{message}");
    assert!(message.contains("Try again"), "{message}");
    assert!(!stub.requests().is_empty());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn decode_failure_timeout_from_settings() {
    let stub = AwsStub::fixed(StubReply::Hang).expect("stub");
    let started = Instant::now();
    let (message, client) = decode_failure(
        &stub,
        true,
        json!({"iamLs": {"aws": {"timeoutSeconds": 2}}}),
    );
    assert!(message.contains("did not finish within 2 s"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn decode_failure_no_credentials() {
    let stub = AwsStub::world(StubWorld::new()).expect("stub");
    let (message, client) = decode_failure(&stub, false, Value::Null);
    assert!(message.contains("No usable AWS credentials"), "{message}");
    assert!(message.contains("AWS_ACCESS_KEY_ID"), "{message}");
    assert!(stub.requests().is_empty(), "nothing was sent unsigned");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn decode_endpoint_from_the_settings() {
    // The endpoint comes from the editor settings instead of AWS_ENDPOINT_URL: the environment
    // names a dead port, the settings the stub.
    let blob = fake_blob(500, 4);
    let stub = AwsStub::world(StubWorld::new().with_message(&blob, DECODED)).expect("stub");
    let dead = AwsStub::fixed(StubReply::Hang).expect("stub");
    let home = TempHome::new();
    let mut client = start(
        &dead,
        &home,
        true,
        json!({"iamLs": {"aws": {"endpointUrl": stub.url(), "timeoutSeconds": 5}}}),
    );
    let uri = file_uri("settings.log");
    let text = capture(&blob);
    let command = open_and_get_command(&mut client, &uri, &text, &blob);
    execute(&mut client, &command);
    answer(&mut client, "window/workDoneProgress/create", Value::Null);
    answer(&mut client, "window/showDocument", json!({"success": true}));
    assert!(show_message(&mut client, 3).contains("DenyOutsideEU"));
    assert_eq!(stub.requests().len(), 1);
    assert!(dead.requests().is_empty());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
