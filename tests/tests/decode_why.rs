//! A decoded authorization message evaluated against the workspace, through the real server,
//! the real AWS SDK (STS `DecodeAuthorizationMessage` against the loopback stub) and
//! `iam-ls decode`: the summary names the workspace file and statement that decided, with the
//! message's whole request context (every key, every value), or says that the workspace does
//! not reproduce the decision.

mod support;

use iam_ls_e2e::aws_stub::{AwsStub, StubWorld};
use iam_ls_e2e::{LspClient, TempDir};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const DECODE_COMMAND: &str = "iamLs.decodeAuthorizationMessage";

/// A denial of `ec2:RunInstances` in us-west-2 whose tag keys are `env` and `secret`: the
/// message names `NoSecretTag`, which only the second tag value triggers.
const TAGGED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"NoSecretTag","effect":"DENY","principals":{"items":[{"value":"AROAEXAMPLEID"}]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"ec2:*"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROAEXAMPLEID:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:eu-west-1:123456789012:instance/*","conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"eu-west-1"}]}},{"key":"aws:TagKeys","values":{"items":[{"value":"env"},{"value":"secret"}]}}]}}}"#;

/// The same request without the `secret` tag: nothing in the workspace denies it.
const UNTAGGED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"NoSecretTag","effect":"DENY"}]},"context":{"principal":{"id":"AROAEXAMPLEID:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:eu-west-1:123456789012:instance/*","conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"eu-west-1"}]}},{"key":"aws:TagKeys","values":{"items":[{"value":"env"}]}}]}}}"#;

const DECIDED: &str = "org/tags.json, statement NoSecretTag (scp): denies ec2:RunInstances \
                       unless ForAnyValue:StringEquals aws:TagKeys secret is false (the \
                       statement the message names)";

/// A workspace whose group puts a region lock and a tag guard (SCPs) over an identity policy.
fn workspace(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.write(
        "iam-ls.toml",
        "[[groups]]\nname = \"dev\"\nidentity = [\"roles/*.json\"]\nscps = [\"org/*.json\"]\n",
    );
    d.write(
        "org/region-lock.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}"#,
    );
    d.write(
        "org/tags.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoSecretTag","Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"secret"}}}]}"#,
    );
    d.write(
        "roles/dev.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
    );
    d
}

/// The hover at `offset` of the decoded message `text`, asked again until it contains `want`
/// (the workspace is read after `initialized`, concurrently with the first requests) or five
/// seconds have passed.
fn hover_until(client: &mut LspClient, uri: &str, text: &str, offset: usize, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let h = hover(client, uri, text, offset);
        if h.contains(want) || Instant::now() > deadline {
            return h;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn run_decode(stub: &AwsStub, home: &TempHome, dir: &Path, blob: &str) -> (i32, String) {
    let mut cmd = Command::new(iam_ls_e2e::server_binary());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .args(["decode", blob])
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", stub.url())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", &home.path)
        .env("AWS_CONFIG_FILE", home.path.join(".aws/config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path.join(".aws/credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .stdin(Stdio::null())
        .output()
        .expect("run iam-ls decode");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn decode_command_names_the_workspace_statement_that_decided() {
    let tagged = fake_blob(900, 11);
    let untagged = fake_blob(900, 12);
    let stub = AwsStub::world(
        StubWorld::new()
            .with_message(&tagged, TAGGED)
            .with_message(&untagged, UNTAGGED),
    )
    .expect("stub");
    let d = workspace("editor");
    let home = TempHome::new();
    let mut client = start_at(&stub, &home, true, Value::Null, Some(d.path()));

    // A decoded message opened from the workspace: its hover has the workspace's answer (once
    // the workspace has been read).
    let pretty = iam_ls::decode::pretty_json(TAGGED);
    d.write("notes/decoded.json", &pretty);
    let decoded_uri = d.uri("notes/decoded.json");
    client.open(&decoded_uri, "json", 1, &pretty);
    let h = hover_until(&mut client, &decoded_uri, &pretty, 0, DECIDED);
    assert!(h.contains("From your repository"), "{h}");
    assert!(h.contains(DECIDED), "{h}");

    // The decode command: STS through the real SDK, then the summary with the answer.
    let log = format!("ERROR Encoded authorization failure message: {tagged}\n");
    let log_uri = d.uri("run.log");
    client.open(&log_uri, "plaintext", 1, &log);
    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": DECODE_COMMAND, "arguments": [{"blob": tagged}]}),
    );
    assert_eq!(result, Value::Null);
    answer(&mut client, "window/workDoneProgress/create", Value::Null);
    answer(&mut client, "window/showDocument", json!({"success": true}));
    let summary = show_message(&mut client, 3);
    assert!(
        summary.to_lowercase().contains("from your repository"),
        "{summary}"
    );
    assert!(summary.contains(DECIDED), "{summary}");
    assert!(
        !summary.contains("region-lock"),
        "the region lock does not deny in eu-west-1: {summary}"
    );
    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].param("EncodedMessage").as_deref(),
        Some(tagged.as_str())
    );

    // The hover on the blob, from the session cache, has it too.
    let h = hover(&mut client, &log_uri, &log, log.find(&tagged).unwrap() + 10);
    assert!(h.contains(DECIDED), "{h}");

    // Without the `secret` tag value nothing in the workspace denies: said so, with no
    // statement named.
    client.call_ok(
        "workspace/executeCommand",
        json!({"command": DECODE_COMMAND, "arguments": [{"blob": untagged}]}),
    );
    answer(&mut client, "window/workDoneProgress/create", Value::Null);
    answer(&mut client, "window/showDocument", json!({"success": true}));
    let summary = show_message(&mut client, 3);
    assert!(
        summary.contains(
            "The workspace does not reproduce this decision: evaluated with the message's \
             principal and request context, no Deny statement of the workspace applies to \
             ec2:RunInstances on arn:aws:ec2:eu-west-1:123456789012:instance/*."
        ),
        "{summary}"
    );
    assert!(!summary.contains("org/tags.json"), "{summary}");
    assert_eq!(stub.requests().len(), 2);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn cli_decode_adds_the_workspace_answer() {
    let tagged = fake_blob(900, 21);
    let stub = AwsStub::world(StubWorld::new().with_message(&tagged, TAGGED)).expect("stub");
    let d = workspace("cli");
    let home = TempHome::new();
    let (code, out) = run_decode(&stub, &home, d.path(), &tagged);
    assert_eq!(code, 0, "{out}");
    let (json_part, summary) = out.split_once("\n\n").expect("JSON, blank line, summary");
    let printed: Value = serde_json::from_str(json_part).expect("the JSON first");
    assert_eq!(printed, serde_json::from_str::<Value>(TAGGED).unwrap());
    assert!(
        summary.to_lowercase().contains("from your repository"),
        "{summary}"
    );
    assert!(summary.contains(DECIDED), "{summary}");

    // Outside a project (no iam-ls.toml) the summary is the plain one.
    std::fs::remove_file(d.path().join("iam-ls.toml")).unwrap();
    let (code, out) = run_decode(&stub, &home, d.path(), &tagged);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.to_lowercase().contains("from your repository"),
        "{out}"
    );
    assert_eq!(stub.requests().len(), 2);
}
