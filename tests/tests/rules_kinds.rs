//! Issue 17, kind detection through the real binary: a region-lock Deny file is checked as an
//! SCP, and an all-Deny file whose kind is only assumed gets a note saying how to set it.

use iam_ls_e2e::server_binary;
use std::process::Command;

fn check(name: &str, text: &str, format: &str) -> String {
    let dir = std::env::temp_dir().join(format!("iam-ls-rules-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write policy");
    let out = Command::new(server_binary())
        .args(["check", "--format", format])
        .arg(&path)
        .output()
        .expect("run iam-ls check");
    let _ = std::fs::remove_file(&path);
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn region_lock_file_is_checked_as_an_scp_and_assumed_kinds_are_noted() {
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
    let json = check("scp.json", scp, "json");
    assert!(
        json.contains(r#""kind":"scp""#) || json.contains(r#""kind": "scp""#),
        "{json}"
    );
    assert!(!check("scp.json", scp, "text").contains("note: The kind is assumed"));

    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
    let text = check("deny.json", deny, "text");
    assert!(
        text.contains("deny.json: note: The kind is assumed"),
        "{text}"
    );
    assert!(
        text.contains("--kind scp") && text.contains("[kinds]"),
        "{text}"
    );
}
