//! `iam-ls simulate` through the real binary: the decision and exit code for each policy type,
//! the JSON document's shape, the text report, `--group` from iam-ls.toml, and input errors.

use iam_ls_e2e::{TempDir, server_binary};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(server_binary())
        .arg("simulate")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run iam-ls");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, out, err) = run(dir, &all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v)
}

const USER: &str = "arn:aws:iam::111122223333:user/alice";
const OBJECT: &str = "arn:aws:s3:::bucket/key";

fn workspace() -> TempDir {
    let d = TempDir::new("ws");
    d.write(
        "id.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    d.write(
        "org/region-lock.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#,
    );
    d.write(
        "org/full.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    d.write(
        "org/ec2-only.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
    );
    d.write(
        "boundary.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}"#,
    );
    d.write(
        "bucket.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#,
    );
    d
}

#[test]
fn allowed_exits_0_and_names_the_statement() {
    let d = workspace();
    let (code, v) = json(
        d.path(),
        &[
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--principal",
            USER,
            "--identity",
            "id.json",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(v["decision"], "allowed");
    assert_eq!(v["deciding"][0]["policy_type"], "identity");
    assert_eq!(v["deciding"][0]["file"], "id.json");
    assert_eq!(v["deciding"][0]["statement"], 0);
    assert!(v["deciding"][0]["sid"].is_null());
    assert_eq!(v["depends_on"], serde_json::json!([]));
    assert_eq!(v["policies"][0]["statements"][0]["matched"], true);
}

#[test]
fn scp_explicit_deny_with_context_and_depends_on() {
    let d = workspace();
    let base = [
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--principal",
        USER,
        "--identity",
        "id.json",
        "--scp",
        "org/full.json,org/region-lock.json",
    ];
    let (code, v) = json(d.path(), &base);
    assert_eq!(code, 1);
    assert_eq!(v["decision"], "explicit-deny");
    assert_eq!(v["deciding"][0]["policy_type"], "scp");
    assert_eq!(v["deciding"][0]["sid"], "DenyOutsideEU");
    assert_eq!(v["depends_on"][0], "aws:RequestedRegion");
    let cond = &v["policies"][1]["statements"][0]["conditions"][0];
    assert_eq!(cond["key"], "aws:RequestedRegion");
    assert_eq!(cond["values"][0], "eu-west-1");
    assert!(cond["request_values"].is_null());
    assert_eq!(cond["held"], true);

    let mut eu = base.to_vec();
    eu.extend(["--context", "aws:RequestedRegion=eu-west-1"]);
    let (code, v) = json(d.path(), &eu);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["decision"], "allowed");

    // Text: the decision first, then the deciding statement and its condition.
    let (code, out, _) = run(d.path(), &base);
    assert_eq!(code, 1);
    assert!(out.starts_with("explicit-deny: s3:GetObject"), "{out}");
    assert!(out.contains("org/region-lock.json"), "{out}");
    assert!(out.contains("DenyOutsideEU"), "{out}");
    assert!(out.contains("aws:RequestedRegion"), "{out}");
}

#[test]
fn scp_levels_boundary_and_cross_account() {
    let d = workspace();
    // Second level allows only ec2.
    let (code, v) = json(
        d.path(),
        &[
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--principal",
            USER,
            "--identity",
            "id.json",
            "--scp",
            "org/full.json",
            "--scp",
            "org/ec2-only.json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(v["decision"], "implicit-deny");
    assert_eq!(v["deciding"][0]["policy_type"], "scp");
    assert_eq!(v["deciding"][0]["file"], "org/ec2-only.json");
    assert!(v["deciding"][0]["statement"].is_null());
    // The boundary does not allow GetObject.
    let (code, v) = json(
        d.path(),
        &[
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--principal",
            USER,
            "--identity",
            "id.json",
            "--boundary",
            "boundary.json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(v["deciding"][0]["policy_type"], "boundary");
    // Cross account: the bucket policy trusts the partner account, whose identity policy allows.
    let partner = "arn:aws:iam::444455556666:user/bob";
    let args = [
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--resource-account",
        "111122223333",
        "--principal",
        partner,
        "--identity",
        "id.json",
        "--resource-policy",
        "bucket.json",
    ];
    let (code, v) = json(d.path(), &args);
    assert_eq!(code, 0, "{v}");
    let types: Vec<&str> = v["deciding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["policy_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["identity", "resource"]);
    // Without the identity policy the partner is denied.
    let (code, v) = json(d.path(), &args[..8]);
    assert_eq!(code, 1);
    assert_eq!(v["deciding"][0]["policy_type"], "identity");
}

#[test]
fn group_from_the_configuration() {
    let d = workspace();
    d.write(
        "iam-ls.toml",
        "[[groups]]\nname = \"dev\"\nidentity = [\"id.json\"]\nscps = [\"org/region-lock.json\"]\n",
    );
    let args = [
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--principal",
        USER,
        "--group",
        "dev",
    ];
    let (code, v) = json(d.path(), &args);
    assert_eq!(code, 1);
    assert_eq!(v["decision"], "explicit-deny");
    assert_eq!(v["deciding"][0]["file"], "org/region-lock.json");
    let mut eu = args.to_vec();
    eu.extend(["--context", "aws:RequestedRegion=eu-west-1"]);
    // The group's SCPs have no Allow: FullAWSAccess is assumed, so the request is allowed.
    let (code, v) = json(d.path(), &eu);
    assert_eq!(code, 0, "{v}");
    let (code, _, err) = run(
        d.path(),
        &[
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--group",
            "nope",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("dev"), "{err}");
}

#[test]
fn input_errors_exit_2() {
    let d = workspace();
    d.write("broken.json", "{\"Statement\": [");
    for args in [
        vec![
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--identity",
            "missing.json",
        ],
        vec![
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--identity",
            "broken.json",
        ],
        vec![
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--context",
            "novalue",
        ],
        vec!["--action", "GetObject", "--resource", OBJECT],
        vec!["--resource", OBJECT],
    ] {
        let (code, _, err) = run(d.path(), &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.is_empty());
    }
}
