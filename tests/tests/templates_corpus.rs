//! Real templates from public repositories (tests/corpus/templates, see its SOURCES.md) through
//! `iam-ls check`: every embedded policy is found, and the errors are exactly the reviewed ones.

use iam_ls_e2e::server_binary;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[test]
fn corpus_templates_give_exactly_the_reviewed_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/templates");
    let out = Command::new(server_binary())
        .args(["check", "--format", "json", "--severity", "error", "."])
        .current_dir(&dir)
        .output()
        .expect("run iam-ls check");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let mut embedded = Vec::new();
    let mut errors = Vec::new();
    for file in report["files"].as_array().expect("files") {
        let path = file["path"].as_str().expect("path").to_string();
        assert_eq!(file["kind_source"], "template", "{path}");
        embedded.push((
            path.clone(),
            file["embedded"].as_array().map_or(0, Vec::len),
        ));
        for f in file["findings"].as_array().expect("findings") {
            errors.push((
                path.clone(),
                f["start"]["line"].as_u64().expect("line"),
                f["code"].as_str().expect("code").to_string(),
            ));
        }
    }
    embedded.sort();
    errors.sort();
    // Counted by hand: five `aws_kms_key` policies; seven policy documents; two trust policies
    // and two inline policies.
    assert_eq!(
        embedded,
        vec![
            ("checkov_iam_public_actions_policy.tf".to_string(), 7),
            ("checkov_kms_key_wildcard_principal_fail.tf".to_string(), 5),
            (
                "serverless_patterns_apigw_lambda_healthscribe_sam.yaml".to_string(),
                4
            ),
        ]
    );
    let expected: Vec<(String, u64, String)> = [
        ("checkov_iam_public_actions_policy.tf", 24, "IAM501"),
        ("checkov_iam_public_actions_policy.tf", 38, "IAM501"),
        ("checkov_kms_key_wildcard_principal_fail.tf", 36, "IAM002"),
        ("checkov_kms_key_wildcard_principal_fail.tf", 70, "IAM002"),
        (
            "serverless_patterns_apigw_lambda_healthscribe_sam.yaml",
            94,
            "IAM205",
        ),
    ]
    .into_iter()
    .map(|(p, l, c)| (p.to_string(), l, c.to_string()))
    .collect();
    assert_eq!(errors, expected);
    assert_eq!(out.status.code(), Some(1), "errors fail the run");
}
