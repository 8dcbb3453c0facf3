//! "Why was this denied, from your repository" through the real binary: `iam-ls explain` on an
//! AccessDenied message, run inside a workspace with an `iam-ls.toml`, names the workspace file
//! and statement that deny the request and the value the request would need.

use iam_ls_e2e::server_binary;
use std::path::PathBuf;
use std::process::Command;

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!("iam-ls-why-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

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
    let d = TempDir::new();
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
    let (code, out) = explain(&d.0, scp);
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
        .current_dir(&d.0)
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
    let (_, out) = explain(&d.0, boundary);
    assert!(
        out.contains("boundary.json (boundary): does not allow ec2:RunInstances"),
        "{out}"
    );
    // Outside a configured workspace nothing is added.
    let empty =
        TempDir(std::env::temp_dir().join(format!("iam-ls-why-empty-{}", std::process::id())));
    std::fs::create_dir_all(&empty.0).unwrap();
    let (_, out) = explain(&empty.0, scp);
    assert!(!out.contains("FROM YOUR REPOSITORY"), "{out}");
}
