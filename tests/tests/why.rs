//! "Why was this denied, from your repository" through the real binary: `iam-ls explain` on an
//! AccessDenied message, run inside a workspace with an `iam-ls.toml`, names the workspace file
//! and statement that deny the request and the value the request would need.

use iam_ls_e2e::{TempDir, server_binary};

use std::process::Command;

fn explain(dir: &std::path::Path, message: &str) -> (i32, String) {
    let out = Command::new(server_binary())
        .args(["explain", message])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn explain_names_the_workspace_statement_that_denies() {
    let d = TempDir::new("why");
    d.write(
        "iam-ls.toml",
        "[[groups]]\nname = \"dev\"\nidentity = [\"roles/*.json\"]\nscps = [\"org/*.json\"]\nboundary = \"boundary.json\"\n",
    );
    d.write(
        "org/region-lock.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#,
    );
    d.write(
        "roles/app.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    d.write(
        "boundary.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    let scp = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: \
               s3:GetObject on resource: arn:aws:s3:::bucket/key with an explicit deny in a \
               service control policy";
    let (code, out) = explain(d.path(), scp);
    assert_eq!(code, 0);
    assert!(out.contains("FROM YOUR REPOSITORY"), "{out}");
    assert!(
        out.contains(
            "org/region-lock.json, statement DenyOutsideEU (scp): denies s3:GetObject unless \
             aws:RequestedRegion is eu-west-1"
        ),
        "{out}"
    );
    // The JSON report carries the same sentences.
    let out = Command::new(server_binary())
        .args(["explain", "--format", "json", scp])
        .current_dir(d.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from = &doc["messages"][0]["from_repository"];
    assert_eq!(
        from[0].as_str(),
        Some(
            "org/region-lock.json, statement DenyOutsideEU (scp): denies s3:GetObject unless \
             aws:RequestedRegion is eu-west-1"
        ),
        "{doc}"
    );
    // An implicit deny in the boundary names the boundary file.
    let boundary = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: \
                    ec2:RunInstances on resource: arn:aws:ec2:eu-west-1:111122223333:instance/* \
                    because no permissions boundary allows the ec2:RunInstances action";
    let (_, out) = explain(d.path(), boundary);
    assert!(
        out.contains("boundary.json (boundary): does not allow ec2:RunInstances"),
        "{out}"
    );
    // Outside a configured workspace nothing is added.
    let empty = TempDir::new("why-empty");
    let (_, out) = explain(empty.path(), scp);
    assert!(!out.contains("FROM YOUR REPOSITORY"), "{out}");
}

/// A decoded authorization message (offline, as `aws sts decode-authorization-message` prints
/// it) given to `explain` is evaluated with its whole context against the workspace.
#[test]
fn explain_evaluates_a_decoded_message_against_the_workspace() {
    let d = TempDir::new("why-decoded");
    d.write(
        "iam-ls.toml",
        "[[groups]]\nname = \"dev\"\nscps = [\"org/*.json\"]\n",
    );
    d.write(
        "org/region-lock.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}"#,
    );
    let decoded = |region: &str| {
        let inner = format!(
            r#"{{"allowed":false,"explicitDeny":true,"matchedStatements":{{"items":[{{"statementId":"DenyOutsideEU","effect":"DENY"}}]}},"context":{{"principal":{{"id":"AROAEXAMPLE:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"}},"action":"s3:GetObject","resource":"arn:aws:s3:::bucket/key","conditions":{{"items":[{{"key":"aws:RequestedRegion","values":{{"items":[{{"value":"{region}"}}]}}}}]}}}}}}"#
        );
        // The CLI's `{"DecodedMessage": "..."}` form.
        serde_json::json!({ "DecodedMessage": inner }).to_string()
    };
    let (code, out) = explain(d.path(), &decoded("us-west-2"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("FROM YOUR REPOSITORY"), "{out}");
    assert!(
        out.contains(
            "org/region-lock.json, statement DenyOutsideEU (scp): denies s3:GetObject unless \
             aws:RequestedRegion is one of eu-west-1, eu-central-1 (the statement the message \
             names)"
        ),
        "{out}"
    );
    // Had the request been made in eu-west-1, the workspace would not deny it: said so.
    let (_, out) = explain(d.path(), &decoded("eu-west-1"));
    assert!(
        out.contains("The workspace does not reproduce this decision"),
        "{out}"
    );
    assert!(!out.contains("region-lock.json, statement"), "{out}");
}
