//! "Why was this denied, from your repository" in the editor, through the real server: the
//! hover on an AccessDenied line of a log, in a workspace with an `iam-ls.toml`, names the
//! workspace file and statement that deny the request and the value the request would need
//! (the same answer as `iam-ls explain`, see `why.rs`).

mod support;

use iam_ls_e2e::{LspClient, TempDir};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

const LOG: &str = "2026-03-01T09:00:00Z INFO starting\n\
    2026-03-01T09:00:01Z ERROR User: arn:aws:iam::111122223333:user/alice is not authorized \
    to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key with an explicit deny in a \
    service control policy\n\
    2026-03-01T09:00:02Z INFO done\n";

/// A workspace whose group puts a region-lock SCP over an identity policy and a boundary.
fn region_lock_workspace(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
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
    d
}

fn start(root: &Path) -> LspClient {
    let mut client = LspClient::spawn();
    client.call_ok(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client
}

/// The hover at `needle`, asked again until it contains `want` (the configuration is loaded
/// after `initialized`, concurrently with the first requests) or five seconds have passed.
fn hover_until(client: &mut LspClient, uri: &str, needle: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let h = hover(client, uri, LOG, LOG.find(needle).unwrap() + 1);
        if h.contains(want) || Instant::now() > deadline {
            return h;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn log_hover_names_the_workspace_statement_that_denies() {
    let d = region_lock_workspace("scp");
    d.write("logs/deploy.log", LOG);
    let mut client = start(d.path());
    let uri = d.uri("logs/deploy.log");
    client.open(&uri, "log", 1, LOG);
    let h = hover_until(&mut client, &uri, "s3:GetObject", "From your repository");
    // The usual explanation is still there.
    assert!(h.contains("service control policy"), "{h}");
    assert!(h.contains("From your repository"), "{h}");
    assert!(
        h.contains(
            "org/region-lock.json, statement DenyOutsideEU (scp): denies s3:GetObject unless \
             aws:RequestedRegion is eu-west-1"
        ),
        "{h}"
    );
    // The same answer on another part of the message.
    let h = hover(&mut client, &uri, LOG, LOG.find("user/alice").unwrap());
    assert!(h.contains("statement DenyOutsideEU"), "{h}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn log_hover_without_a_project_file_adds_nothing() {
    let d = region_lock_workspace("nofile");
    std::fs::remove_file(d.path().join("iam-ls.toml")).unwrap();
    d.write("logs/deploy.log", LOG);
    let mut client = start(d.path());
    let uri = d.uri("logs/deploy.log");
    client.open(&uri, "log", 1, LOG);
    // Wait until the server has answered the open (its diagnostics), then hover.
    let _ = client.diagnostics(&uri, 1);
    let h = hover(
        &mut client,
        &uri,
        LOG,
        LOG.find("s3:GetObject").unwrap() + 1,
    );
    assert!(h.contains("service control policy"), "{h}");
    assert!(!h.contains("From your repository"), "{h}");
    assert!(!h.contains("region-lock"), "{h}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn log_hover_follows_a_saved_workspace_policy() {
    let d = region_lock_workspace("save");
    d.write("logs/deploy.log", LOG);
    let mut client = start(d.path());
    let uri = d.uri("logs/deploy.log");
    client.open(&uri, "log", 1, LOG);
    let h = hover_until(&mut client, &uri, "s3:GetObject", "eu-west-1");
    assert!(h.contains("aws:RequestedRegion is eu-west-1"), "{h}");
    // The SCP is edited and saved: the hover reads the new region.
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideFrankfurt","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-central-1"}}}]}"#;
    d.write("org/region-lock.json", scp);
    let scp_uri = d.uri("org/region-lock.json");
    client.open(&scp_uri, "json", 1, scp);
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": scp_uri}}),
    );
    let h = hover_until(&mut client, &uri, "s3:GetObject", "DenyOutsideFrankfurt");
    assert!(
        h.contains("statement DenyOutsideFrankfurt (scp): denies s3:GetObject unless aws:RequestedRegion is eu-central-1"),
        "{h}"
    );
    assert!(!h.contains("DenyOutsideEU"), "{h}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
