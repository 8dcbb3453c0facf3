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
    // Each count agrees with an independent scan by resource type and property (PyYAML and
    // regular expressions, see SOURCES.md): 83 policies in 39 files.
    let expected_embedded: Vec<(String, usize)> = [
        ("cfn_templates_endpoint_waitcondition_no_igw.yaml", 1),
        ("cfn_templates_log_setup_management.json", 1),
        ("cfn_templates_log_setup_management.yaml", 1),
        ("cfn_templates_neptune.yaml", 3),
        ("cfn_templates_rain_bucket_policy.yml", 1),
        ("checkov_cfn_bad_iam.yaml", 4),
        ("checkov_cfn_ecr_policy_failed.yaml", 1),
        ("checkov_cfn_ecr_policy_passed.json", 1),
        ("checkov_cfn_iam_admin_group_fail.json", 1),
        ("checkov_cfn_iam_admin_role_unknown.yaml", 2),
        ("checkov_cfn_kms_wildcard_principal_failed.yaml", 2),
        ("checkov_cfn_role_public_assume_passed_2.yml", 2),
        ("checkov_duplicate_violations_organizations_policy.tf", 1),
        ("checkov_ecr_policy.tf", 7),
        ("checkov_iam_public_actions_policy.tf", 7),
        ("checkov_kms_key_policy_is_defined.tf", 1),
        ("checkov_kms_key_wildcard_principal_fail.tf", 5),
        ("checkov_plan_with_iam_policies.tf", 4),
        ("secretsmanager_docs_cloudformation_example.yaml", 3),
        ("serverless_patterns_apigw_iam.yaml", 2),
        ("serverless_patterns_apigw_lambda_healthscribe_sam.yaml", 4),
        ("serverless_patterns_bedrock_lambda_nodejs_sam.yml", 1),
        ("serverless_patterns_cloudtrail_slack_cloudtrail.tf", 1),
        ("serverless_patterns_cognito_restapi_vpclink_network.yml", 2),
        ("serverless_patterns_eventbridge_cmk_prerequisite.yaml", 1),
        ("serverless_patterns_eventbridge_fan_in_data.tf", 2),
        ("serverless_patterns_eventbridge_sns.yaml", 1),
        ("serverless_patterns_eventbridge_sqs.tf", 1),
        ("serverless_patterns_eventbridge_sqs.yaml", 1),
        ("serverless_patterns_kinesis_firehose_s3_sam.yml", 2),
        ("serverless_patterns_lambda_ecr_integration.tf", 1),
        ("serverless_patterns_lambda_secretsmanager_abac_sam.yaml", 2),
        ("serverless_patterns_lambda_translate_iam.tf", 2),
        ("serverless_patterns_pipes_amazonmq_sam.yaml", 6),
        ("serverless_patterns_s3_sns.tf", 1),
        ("terraform_aws_iam_example_iam_group.tf", 1),
        ("terraform_aws_iam_iam_role_main.tf", 2),
        ("terraform_aws_iam_iam_user_main.tf", 1),
        ("terraform_aws_iam_read_only_policy_main.tf", 1),
    ]
    .into_iter()
    .map(|(p, n)| (p.to_string(), n))
    .collect();
    assert_eq!(embedded, expected_embedded);
    assert_eq!(embedded.iter().map(|(_, n)| n).sum::<usize>(), 83);
    // Every error, reviewed as true in SOURCES.md.
    let expected: Vec<(String, u64, String)> = [
        ("checkov_cfn_bad_iam.yaml", 9, "IAM005"),
        ("checkov_cfn_bad_iam.yaml", 13, "IAM006"),
        ("checkov_cfn_bad_iam.yaml", 14, "IAM003"),
        ("checkov_cfn_bad_iam.yaml", 15, "IAM002"),
        ("checkov_cfn_bad_iam.yaml", 20, "IAM006"),
        ("checkov_cfn_bad_iam.yaml", 22, "IAM012"),
        ("checkov_cfn_bad_iam.yaml", 23, "IAM010"),
        ("checkov_cfn_bad_iam.yaml", 24, "IAM002"),
        ("checkov_cfn_bad_iam.yaml", 24, "IAM504"),
        ("checkov_cfn_iam_admin_group_fail.json", 16, "IAM102"),
        (
            "checkov_duplicate_violations_organizations_policy.tf",
            5,
            "IAM012",
        ),
        ("checkov_ecr_policy.tf", 203, "IAM014"),
        ("checkov_iam_public_actions_policy.tf", 24, "IAM501"),
        ("checkov_iam_public_actions_policy.tf", 38, "IAM501"),
        ("checkov_kms_key_wildcard_principal_fail.tf", 22, "IAM001"),
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
