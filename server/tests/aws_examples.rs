//! Truth on policies nobody here wrote (issue 17).
//!
//! 1. AWS's published example policies (`data/aws-examples/`, MIT-0, sources in its
//!    `SOURCES.md`): each is checked as the kind its repository says it is, and must also be
//!    detected as that kind from its content. Every error-level finding must be listed in
//!    `expected-errors.txt`, where each was reviewed and found true (placeholders left in the
//!    examples, a JSON comment); a listed error that no longer appears fails too, so the list
//!    stays exact.
//! 2. The known-bad cases of parliament's test suite (BSD-3: none of its files are copied; each
//!    case is a minimal policy of our own that reproduces what the named parliament check
//!    catches) must each give the expected finding.

use iam_ls::config::Config;
use iam_ls::policy::{Policy, PolicyKind, detect_kind};
use iam_ls::rules::{self, Input, Level, support};
use iam_ls::syntax::parse;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/aws-examples");

/// The examples and the kind each is (as its repository files it).
const EXAMPLES: &[(&str, PolicyKind)] = &[
    ("rcp-https-only.json", PolicyKind::ResourceControl),
    ("rcp-service-principals.json", PolicyKind::ResourceControl),
    (
        "dp-identity-perimeter-rcp.json",
        PolicyKind::ResourceControl,
    ),
    (
        "scp-service-specific-credential.json",
        PolicyKind::ServiceControl,
    ),
    ("dp-resource-perimeter-scp.json", PolicyKind::ServiceControl),
];

fn findings(text: &str, kind: PolicyKind) -> Vec<rules::Finding> {
    let parsed = parse(text);
    rules::check(&Input {
        text,
        parse: &parsed,
        kind,
        path: None,
        config: &Config::default(),
        today: support::today(),
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

#[test]
fn aws_examples_have_only_reviewed_errors() {
    let expected_text =
        std::fs::read_to_string(format!("{DIR}/expected-errors.txt")).expect("expected list");
    let mut expected: Vec<String> = expected_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let at = parts.next().expect("file:line");
            let code = parts.next().expect("code");
            assert!(parts.next().is_some(), "{l}: no review note");
            format!("{at} {code}")
        })
        .collect();
    expected.sort();
    let mut got = Vec::new();
    for &(file, kind) in EXAMPLES {
        let text = std::fs::read_to_string(format!("{DIR}/{file}")).expect(file);
        for f in findings(&text, kind) {
            if f.level == Level::Error {
                got.push(format!(
                    "{file}:{} {}",
                    line_of(&text, f.span.start),
                    f.code()
                ));
            }
        }
    }
    got.sort();
    assert_eq!(got, expected, "errors differ from the reviewed list");
}

/// Kind detection reads the RCPs as RCPs: the RCP service list comes from the data, which
/// covers DynamoDB, Cognito, CloudWatch Logs, ECR and OpenSearch Serverless as these
/// examples use them (a stale hand list read them as resource policies).
#[test]
fn aws_rcp_examples_are_detected_as_rcps() {
    for &(file, kind) in EXAMPLES {
        if kind != PolicyKind::ResourceControl {
            continue;
        }
        let text = std::fs::read_to_string(format!("{DIR}/{file}")).expect(file);
        let parsed = parse(&text);
        let (detected, why) = detect_kind(&Policy::from_parse(&parsed));
        assert_eq!(detected, kind, "{file}: {why}");
    }
}

fn policy(statement: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#)
}

/// parliament's known-bad cases, each as our own minimal policy, with the finding iam-ls gives.
#[test]
fn parliament_known_bad_cases_are_caught() {
    let cases: &[(&str, &str, &str)] = &[
        // (parliament check mirrored, statement, expected iam-ls code)
        (
            "NOTRESOURCE_WITH_ALLOW",
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}"#,
            "IAM930",
        ),
        (
            "RESOURCE_STAR (effectively *)",
            r#"{"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "arn:*:cloudtrail:*:*:trail/*"}"#,
            "IAM211",
        ),
        (
            "PERMISSIONS_MANAGEMENT_ACTIONS / service wildcard on *",
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
            "IAM932",
        ),
        (
            "MFA condition inverted (Bool aws:MultiFactorAuthPresent false in an Allow)",
            r#"{"Effect": "Allow", "Action": "iam:DeleteUser", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#,
            "IAM931",
        ),
        (
            "UNKNOWN_ACTION",
            r#"{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}"#,
            "IAM102",
        ),
        (
            "UNKNOWN_PREFIX",
            r#"{"Effect": "Allow", "Action": "s33:GetObject", "Resource": "*"}"#,
            "IAM101",
        ),
        (
            "RESOURCE_MISMATCH",
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket"}"#,
            "IAM210",
        ),
        (
            "MALFORMED (bad effect)",
            r#"{"Effect": "Allowed", "Action": "s3:GetObject", "Resource": "*"}"#,
            "IAM010",
        ),
    ];
    for (check, statement, code) in cases {
        let text = policy(statement);
        let found = findings(&text, PolicyKind::Identity);
        assert!(
            found.iter().any(|f| f.code() == *code),
            "parliament {check}: expected {code}, got {:?}",
            found
                .iter()
                .map(|f| (f.code(), &f.message))
                .collect::<Vec<_>>()
        );
    }
}

/// The data-perimeter SCP (only Deny statements, a negated `aws:ResourceOrgID` condition) is
/// detected as an SCP from its content.
#[test]
fn aws_org_wide_scp_example_is_detected_as_an_scp() {
    let file = "dp-resource-perimeter-scp.json";
    let text = std::fs::read_to_string(format!("{DIR}/{file}")).expect(file);
    let parsed = parse(&text);
    let (detected, why) = detect_kind(&Policy::from_parse(&parsed));
    assert_eq!(detected, PolicyKind::ServiceControl, "{file}: {why}");
}
