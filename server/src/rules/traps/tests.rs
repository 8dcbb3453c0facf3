//! Tests of the trap rules: fixtures that must trigger each rule (the background article's
//! examples among them), near misses that must not, snapshots of the rendered findings, and
//! quick fixes that remove the finding without adding an error.

use super::{hover_notes, subsumes, wildcard_match};
use crate::policy::{Policy, PolicyKind};
use crate::rules::Level;
use crate::rules::testing::{render, run, run_related, run_rule};
use crate::syntax::parse;

const SCP: Option<PolicyKind> = Some(PolicyKind::ServiceControl);
const IDENTITY: Option<PolicyKind> = Some(PolicyKind::Identity);
const RESOURCE: Option<PolicyKind> = Some(PolicyKind::Resource);
const KMS: Option<PolicyKind> = Some(PolicyKind::KmsKey);
const VPCE: Option<PolicyKind> = Some(PolicyKind::VpcEndpoint);

fn count(rule: &str, text: &str, kind: Option<PolicyKind>) -> usize {
    run_rule(rule, text, kind).len()
}

fn snapshot(rule: &str, text: &str, kind: Option<PolicyKind>) -> String {
    render(text, &run_rule(rule, text, kind))
}

/// Error-level findings, as `(rule, message)`.
fn errors(text: &str, kind: Option<PolicyKind>) -> Vec<(&'static str, String)> {
    run(text, kind)
        .into_iter()
        .filter(|f| f.level == Level::Error)
        .map(|f| (f.rule.name, f.message))
        .collect()
}

/// Applies every fix of every finding of `rule` (each on the original text) and checks that the
/// result has fewer findings of the rule and no error that the original did not have. Returns
/// the fixed texts, in order.
fn check_fixes(rule: &str, text: &str, kind: Option<PolicyKind>) -> Vec<String> {
    let findings = run_rule(rule, text, kind);
    assert!(!findings.is_empty(), "{rule}: fixture does not trigger");
    let before = errors(text, kind);
    let mut fixed_texts = Vec::new();
    for f in &findings {
        for fix in &f.fixes {
            let fixed = fix.apply(text);
            assert_ne!(fixed, text, "{rule}: fix `{}` changes nothing", fix.title);
            let after = run_rule(rule, &fixed, kind).len();
            assert!(
                after < findings.len(),
                "{rule}: fix `{}` leaves the finding\n{fixed}",
                fix.title
            );
            let new_errors: Vec<_> = errors(&fixed, kind)
                .into_iter()
                .filter(|e| !before.contains(e))
                .collect();
            assert!(
                new_errors.is_empty(),
                "{rule}: fix `{}` adds errors {new_errors:?}\n{fixed}",
                fix.title
            );
            fixed_texts.push(fixed);
        }
    }
    fixed_texts
}

// ---------------------------------------------------------------------------------------------
// Matching helpers

#[test]
fn glob_and_subsumption() {
    assert!(wildcard_match("s3:Get*", "s3:GetObject", true));
    assert!(wildcard_match("S3:get*", "s3:GetObject", true));
    assert!(!wildcard_match(
        "arn:aws:s3:::A*",
        "arn:aws:s3:::abc",
        false
    ));
    assert!(wildcard_match("eu-*", "eu-central-1", false));
    assert!(wildcard_match("us-east-?", "us-east-1", false));
    assert!(subsumes("s3:*", "s3:Get*", true));
    assert!(subsumes("*", "iam:PassRole", true));
    assert!(subsumes("arn:aws:s3:::b/*", "arn:aws:s3:::b/x*", false));
    assert!(!subsumes("arn:aws:s3:::b/?", "arn:aws:s3:::b/*", false));
    assert!(!subsumes("s3:Get*", "s3:*", true));
    assert!(!subsumes("iam:PassRole", "iam:Pass*", true));
    assert!(subsumes("s3:Get?bject", "s3:Get?bject", true));
}

// ---------------------------------------------------------------------------------------------
// 1. Region lock

const REGION_LOCK_ARTICLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyNonEU",
    "Effect": "Deny",
    "Action": "*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1"]}}
  }]
}"#;

#[test]
fn region_lock_blocks_global_services() {
    let out = snapshot(
        "region-lock-blocks-global-services",
        REGION_LOCK_ARTICLE,
        SCP,
    );
    assert!(
        out.contains("IAM, Organizations, STS (global endpoint)"),
        "{out}"
    );
    assert!(out.contains("served from us-east-1"), "{out}");
    assert!(out.contains("Global Accelerator"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn region_lock_with_us_east_1_still_blocks_the_us_west_2_services() {
    // The article's lock: eu-central-1 and us-east-1 open. IAM works; Global Accelerator,
    // whose API lives in us-west-2, does not.
    let text =
        REGION_LOCK_ARTICLE.replace(r#"["eu-central-1"]"#, r#"["eu-central-1", "us-east-1"]"#);
    let findings = run_rule("region-lock-blocks-global-services", &text, SCP);
    assert_eq!(findings.len(), 1);
    assert!(
        !findings[0].message.contains("IAM"),
        "{}",
        findings[0].message
    );
    assert!(findings[0].message.contains("Global Accelerator"));
    insta::assert_snapshot!(render(&text, &findings));
}

#[test]
fn region_lock_on_listed_services_names_only_those() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "Action":["ec2:*","iam:Create*","cloudfront:*"],"Resource":"*",
        "Condition":{"StringNotLike":{"aws:RequestedRegion":"eu-*"}}}]}"#;
    let findings = run_rule("region-lock-blocks-global-services", text, SCP);
    assert_eq!(findings.len(), 1);
    let m = &findings[0].message;
    assert!(
        m.contains("IAM and CloudFront (served from us-east-1)"),
        "{m}"
    );
    // Only the "allow us-east-1" fix: the Action list is not "*".
    assert_eq!(findings[0].fixes.len(), 1);
    check_fixes("region-lock-blocks-global-services", text, SCP);
}

#[test]
fn region_lock_with_partial_not_action_names_what_is_left() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}"#;
    let findings = run_rule("region-lock-blocks-global-services", text, SCP);
    assert_eq!(findings.len(), 1);
    let m = &findings[0].message;
    assert!(m.contains("CloudFront"), "{m}");
    assert!(!m.contains("IAM,") && !m.contains("Organizations"), "{m}");
    insta::assert_snapshot!(render(text, &findings));
}

#[test]
fn region_lock_fixes_remove_the_finding() {
    let fixed = check_fixes(
        "region-lock-blocks-global-services",
        REGION_LOCK_ARTICLE,
        SCP,
    );
    assert_eq!(fixed.len(), 2);
    assert!(
        fixed[0].contains("\"NotAction\": [\"iam:*\""),
        "{}",
        fixed[0]
    );
    assert!(
        fixed[1].contains(r#"["eu-central-1", "us-east-1", "us-west-2"]"#),
        "{}",
        fixed[1]
    );
    // The NotAction form is the recommended one: no deny-not-action warning either.
    assert_eq!(
        count("deny-not-action-without-condition", &fixed[0], SCP),
        0
    );
    let partial = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "NotAction":"iam:*","Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
    let fixed = check_fixes("region-lock-blocks-global-services", partial, SCP);
    assert!(
        fixed[0].contains(r#""NotAction":["iam:*", "organizations:*""#),
        "{}",
        fixed[0]
    );
    assert!(
        fixed[1].contains(r#"["eu-west-1", "us-east-1", "us-west-2"]"#),
        "{}",
        fixed[1]
    );
}

#[test]
fn region_lock_near_misses() {
    let all_exempt = run_rule(
        "region-lock-blocks-global-services",
        REGION_LOCK_ARTICLE,
        SCP,
    )[0]
    .fixes[0]
        .apply(REGION_LOCK_ARTICLE);
    for (text, why) in [
        (
            all_exempt.as_str(),
            "a NotAction list exempting every global service",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","us-east-1","us-west-2"]}}}]}"#,
            "every home Region allowed",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringNotLike":{"aws:RequestedRegion":"us-*"}}}]}"#,
            "a pattern that keeps both US Regions open",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["ec2:*","s3:GetObject"],"Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-central-1"}}}]}"#,
            "regional services only",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-central-1"}}}]}"#,
            "an Allow",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":"ap-south-1"}}}]}"#,
            "a Deny of one Region (not a lock)",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":"${aws:PrincipalTag/region}"}}}]}"#,
            "a variable",
        ),
    ] {
        assert_eq!(
            count("region-lock-blocks-global-services", text, SCP),
            0,
            "{why}"
        );
    }
}

#[test]
fn unknown_region_code() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-centrl-1","us-east-1","eu-west-1","EU-WEST-2","eu-*"]}}}]}"#;
    let out = snapshot("unknown-region-code", text, SCP);
    assert_eq!(count("unknown-region-code", text, SCP), 1, "{out}");
    assert!(out.contains("Did you mean `eu-central-1`"), "{out}");
    insta::assert_snapshot!(out);
    let fixed = check_fixes("unknown-region-code", text, SCP);
    assert!(fixed[0].contains("\"eu-central-1\""));
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*",
        "Condition":{"StringEquals":{"aws:RequestedRegion":"mars-north-1"}}}]}"#;
    let findings = run_rule("unknown-region-code", allow, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].message.contains("this Allow never applies"));
    assert!(findings[0].fixes.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 2. NotAction

#[test]
fn deny_not_action_without_condition() {
    // The article's "deny all except" pattern.
    let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowList","Effect":"Deny",
        "NotAction":["ec2:*","s3:*","iam:*"],"Resource":"*"}]}"#;
    insta::assert_snapshot!(snapshot("deny-not-action-without-condition", text, SCP));
    assert_eq!(count("deny-not-action-without-condition", text, SCP), 1);
    // With a condition (AWS's region-lock shape) it is the recommended form.
    let with_condition = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "NotAction":["iam:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#;
    assert_eq!(
        count("deny-not-action-without-condition", with_condition, SCP),
        0
    );
    let one_resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    assert_eq!(
        count("deny-not-action-without-condition", one_resource, IDENTITY),
        0
    );
    let action = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#;
    assert_eq!(count("deny-not-action-without-condition", action, SCP), 0);
}

#[test]
fn deny_not_action_in_allow_list_boundary() {
    const BOUNDARY: Option<PolicyKind> = Some(PolicyKind::PermissionsBoundary);
    let rule = "deny-not-action-without-condition";
    // Allow everything, carve the allow-list with the Deny: an allow-list by design.
    let carve = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Deny","NotAction":["s3:*","ec2:*","cloudwatch:*"],"Resource":"*"}]}"#;
    assert_eq!(count(rule, carve, BOUNDARY), 0);
    // The Deny restates the boundary's own Allow list.
    let mirror = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObject","ec2:Describe*"],"Resource":"*"},
        {"Effect":"Deny","NotAction":["s3:*","ec2:*"],"Resource":"*"}]}"#;
    assert_eq!(count(rule, mirror, BOUNDARY), 0);
    // The same documents as SCPs or identity policies are still flagged.
    assert_eq!(count(rule, carve, SCP), 1);
    assert_eq!(count(rule, carve, IDENTITY), 1);
    // A boundary whose Allow grants what the Deny cancels is not an allow-list by design.
    let cancels = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:*","lambda:*"],"Resource":"*"},
        {"Effect":"Deny","NotAction":["s3:*"],"Resource":"*"}]}"#;
    assert_eq!(count(rule, cancels, BOUNDARY), 1);
    // A boundary with no Allow, or an Allow with NotAction, is flagged too.
    let deny_only = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","NotAction":["s3:*"],"Resource":"*"}]}"#;
    assert_eq!(count(rule, deny_only, BOUNDARY), 1);
    let not_action_allow = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
        {"Effect":"Deny","NotAction":["s3:*"],"Resource":"*"}]}"#;
    assert_eq!(count(rule, not_action_allow, BOUNDARY), 1);
}

#[test]
fn allow_not_action_all_resources() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#;
    let findings = run_rule("allow-not-action-all-resources", text, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].level, Level::Warning);
    insta::assert_snapshot!(render(text, &findings));
    // A boundary only sets a limit; a specific resource is not "everything".
    assert_eq!(
        count(
            "allow-not-action-all-resources",
            text,
            Some(PolicyKind::PermissionsBoundary)
        ),
        0
    );
    let scoped = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    assert_eq!(count("allow-not-action-all-resources", scoped, IDENTITY), 0);
}

#[test]
fn deny_wildcard_and_not_action_hovers() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","Action":"sagemaker:*","Resource":"*"},
        {"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
    let parsed = parse(text);
    let policy = Policy::from_parse(&parsed);
    let at = text.find("sagemaker:*").unwrap() + 3;
    let notes = hover_notes(&policy, PolicyKind::ServiceControl, at);
    assert_eq!(notes.len(), 1);
    let covered = crate::catalog::catalog().expand("sagemaker:*").len();
    assert!(
        notes[0]
            .markdown
            .contains(&format!("blocks {covered} actions of the current catalog")),
        "{}",
        notes[0].markdown
    );
    let at = text.find("NotAction").unwrap() + 2;
    let notes = hover_notes(&policy, PolicyKind::ServiceControl, at);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].markdown.contains("recommended shape"));
    // Nothing on an Allow.
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let parsed = parse(allow);
    let policy = Policy::from_parse(&parsed);
    assert!(hover_notes(&policy, PolicyKind::Identity, allow.find("s3:*").unwrap()).is_empty());
}

// ---------------------------------------------------------------------------------------------
// 3. Dependent actions

#[test]
fn deny_breaks_dependent_action() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Build","Effect":"Allow","Action":["lambda:CreateFunction","ec2:RunInstances","s3:GetObject"],"Resource":"*"},
        {"Sid":"DenyPassRole","Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}"#;
    let findings = run_rule("deny-breaks-dependent-action", text, IDENTITY);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(findings[0].message.starts_with(
        "lambda:CreateFunction needs iam:PassRole (to give the function its execution role), which statement \"DenyPassRole\" denies"
    ), "{}", findings[0].message);
    insta::assert_snapshot!(render(text, &findings));
}

#[test]
fn service_blocklist_breaks_wildcard_allow() {
    // A boundary that blocks every IAM action, next to an Allow of Lambda.
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["lambda:*","kms:Decrypt"],"Resource":"*"},
        {"Sid":"NoIam","Effect":"Deny","Action":["iam:*","organizations:*"],"Resource":"*",
         "Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"platform"}}}]}"#;
    let findings = run_rule("deny-breaks-dependent-action", text, IDENTITY);
    assert_eq!(findings.len(), 1);
    let m = &findings[0].message;
    assert!(m.contains("granted here by `lambda:*`"), "{m}");
    assert!(m.contains("when its condition holds"), "{m}");
    assert!(
        m.contains("Also: lambda:UpdateFunctionConfiguration needs iam:PassRole"),
        "{m}"
    );
    insta::assert_snapshot!(render(text, &findings));
}

#[test]
fn deny_breaks_dependent_action_near_misses() {
    for (text, why) in [
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}"#,
            "a full-access Allow with a deliberate carve-out",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"},
            {"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/admin"}]}"#,
            "a Deny on one role only",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"},
            {"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
            "an action without dependencies",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"},
            {"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
            "a Deny that also denies the action itself (another rule's case)",
        ),
    ] {
        assert_eq!(
            count("deny-breaks-dependent-action", text, IDENTITY),
            0,
            "{why}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Allow overridden by Deny

#[test]
fn allow_overridden_by_deny() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::reports/*"},
        {"Sid":"Tag","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*"},
        {"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
    let findings = run_rule("allow-overridden-by-deny", text, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].message.contains("statement \"NoS3\""));
    insta::assert_snapshot!(render(text, &findings));
    // Covered through expansion: every iam:Get* action is in the NotAction complement.
    let not_action = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iam:Get*","Resource":"*"},
        {"Sid":"OnlyEc2","Effect":"Deny","NotAction":"ec2:*","Resource":"*"}]}"#;
    assert_eq!(count("allow-overridden-by-deny", not_action, IDENTITY), 1);
}

#[test]
fn allow_overridden_by_deny_near_misses() {
    for (text, why) in [
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
            "a conditional Deny",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#,
            "a Deny of part of the actions",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
            "a Deny on other resources",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/secret/*"}]}"#,
            "a Deny on a part of the resources",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"},
            {"Effect":"Deny","NotAction":"iam:GetUser","Resource":"*"}]}"#,
            "a NotAction Deny that spares one of the actions",
        ),
    ] {
        assert_eq!(
            count("allow-overridden-by-deny", text, IDENTITY),
            0,
            "{why}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. NotPrincipal, Deny on everyone

const NOT_PRINCIPAL: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OnlyApp",
      "Effect": "Deny",
      "NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:role/app", "123456789012"]},
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]
    }
  ]
}"#;

#[test]
fn not_principal_in_deny() {
    let findings = run_rule("not-principal-in-deny", NOT_PRINCIPAL, RESOURCE);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].message.contains("assumed-role/app/"));
    insta::assert_snapshot!(render(NOT_PRINCIPAL, &findings));
    let fixed = check_fixes("not-principal-in-deny", NOT_PRINCIPAL, RESOURCE);
    insta::assert_snapshot!("not_principal_fixed", fixed[0]);
    // The rewrite does not lock everyone out.
    assert_eq!(
        count("deny-all-principals-without-condition", &fixed[0], RESOURCE),
        0
    );
}

#[test]
fn not_principal_fix_merges_into_an_existing_condition() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "NotPrincipal":{"AWS":["arn:aws:iam::123456789012:role/ops","arn:aws:sts::123456789012:assumed-role/ops/alice"]},
        "Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let findings = run_rule("not-principal-in-deny", text, RESOURCE);
    assert_eq!(findings.len(), 1);
    // Both role and session are listed: the message is the generic one.
    assert!(
        !findings[0].message.contains("sessions"),
        "{}",
        findings[0].message
    );
    let fixed = check_fixes("not-principal-in-deny", text, RESOURCE);
    assert!(
        fixed[0].contains(r#""Bool":{"aws:SecureTransport":"false"}, "ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ops"}"#),
        "{}",
        fixed[0]
    );
    // A service principal cannot become an aws:PrincipalArn: no fix.
    let service = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "NotPrincipal":{"Service":"logs.amazonaws.com"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#;
    let findings = run_rule("not-principal-in-deny", service, RESOURCE);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].fixes.is_empty());
    // An Allow with NotPrincipal is another rule's.
    let allow = NOT_PRINCIPAL.replace("\"Deny\"", "\"Allow\"");
    assert_eq!(count("not-principal-in-deny", &allow, RESOURCE), 0);
}

#[test]
fn deny_all_principals_without_condition() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"LockDown","Effect":"Deny","Principal":"*",
        "Action":"s3:*","Resource":["arn:aws:s3:::payroll","arn:aws:s3:::payroll/*"]}]}"#;
    insta::assert_snapshot!(snapshot(
        "deny-all-principals-without-condition",
        text,
        RESOURCE
    ));
    assert_eq!(
        count("deny-all-principals-without-condition", text, RESOURCE),
        1
    );
    for (near, why) in [
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
            "Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
            "the usual TLS guard",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket",
            "Resource":"arn:aws:s3:::b"}]}"#,
            "one narrow action",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/x"},
            "Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#,
            "one principal",
        ),
    ] {
        assert_eq!(
            count("deny-all-principals-without-condition", near, RESOURCE),
            0,
            "{why}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 7. KMS

const KEY_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AppUsesKey",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111111111111:role/app-role"},
      "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
      "Resource": "*"
    }
  ]
}"#;

#[test]
fn kms_key_policy_without_root() {
    let findings = run_rule("kms-key-policy-without-root", KEY_POLICY, KMS);
    assert_eq!(findings.len(), 1);
    insta::assert_snapshot!(render(KEY_POLICY, &findings));
    let fixed = check_fixes("kms-key-policy-without-root", KEY_POLICY, KMS);
    insta::assert_snapshot!("kms_key_policy_fixed", fixed[0]);
}

#[test]
fn kms_key_policy_placeholder_when_the_account_is_unknown() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:Encrypt","Resource":"*"}}"#;
    let findings = run_rule("kms-key-policy-without-root", text, KMS);
    assert_eq!(findings.len(), 1);
    let fix = &findings[0].fixes[0];
    assert!(fix.title.contains("replace ACCOUNT_ID"), "{}", fix.title);
    let fixed = fix.apply(text);
    assert!(
        fixed.starts_with(r#"{"Version":"2012-10-17","Statement":[{"Sid": "EnableIamPolicies""#),
        "{fixed}"
    );
    assert!(fixed.contains("arn:aws:iam::ACCOUNT_ID:root"));
    assert_eq!(count("kms-key-policy-without-root", &fixed, KMS), 0);
}

#[test]
fn kms_key_policy_near_misses() {
    // The article's delegation statement.
    let with_root = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
    assert_eq!(count("kms-key-policy-without-root", with_root, KMS), 0);
    let bare_id = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:*","Resource":"*"}]}"#;
    assert_eq!(count("kms-key-policy-without-root", bare_id, KMS), 0);
    let caller_account = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt"],"Resource":"*",
         "Condition":{"StringEquals":{"kms:CallerAccount":"111111111111"}}}]}"#;
    assert_eq!(count("kms-key-policy-without-root", caller_account, KMS), 0);
    // Not a key policy.
    assert_eq!(
        count("kms-key-policy-without-root", KEY_POLICY, RESOURCE),
        0
    );
}

#[test]
fn kms_hover_in_identity_policies() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","s3:GetObject"],"Resource":"*"}]}"#;
    let parsed = parse(text);
    let policy = Policy::from_parse(&parsed);
    let notes = hover_notes(
        &policy,
        PolicyKind::Identity,
        text.find("kms:Decrypt").unwrap() + 1,
    );
    assert_eq!(notes.len(), 1);
    assert!(notes[0].markdown.contains("key policy"));
    assert!(
        hover_notes(
            &policy,
            PolicyKind::Identity,
            text.find("s3:GetObject").unwrap() + 1
        )
        .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// 8. VPC endpoint policies

#[test]
fn vpc_endpoint_policy_misses_configured_resources() {
    let config = crate::config::Config::from_toml_str(
        "[vpc_endpoint]\nrequired_resources = [\"arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*\", \"arn:aws:s3:::b/reports/*\"]\n",
    )
    .expect("valid configuration");
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
        "Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]}]}"#;
    let found: Vec<crate::rules::Finding> = crate::rules::testing::run_with(text, VPCE, &config)
        .into_iter()
        .filter(|f| f.rule.name == "vpc-endpoint-policy-omits-aws-buckets")
        .collect();
    // `b/reports/*` is covered by `b/*`; the ECR bucket is not, and is named.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("`arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*` must be reachable"),
        "{}",
        found[0].message
    );
    // The fix adds it, and then nothing is missing, and the policy stays valid.
    let fixed = found[0].fixes[0].apply(text);
    let after = crate::rules::testing::run_with(&fixed, VPCE, &config);
    assert!(
        after
            .iter()
            .all(|f| f.rule.name != "vpc-endpoint-policy-omits-aws-buckets"
                && f.level != Level::Error),
        "{fixed}: {after:#?}"
    );
    // Configured, the list replaces the guess: a policy that allows everything is fine, and
    // the built-in AWS bucket names no longer matter.
    let everything = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    assert!(
        crate::rules::testing::run_with(everything, VPCE, &config)
            .iter()
            .all(|f| f.rule.name != "vpc-endpoint-policy-omits-aws-buckets")
    );
}

#[test]
fn vpc_endpoint_policy_omits_aws_buckets() {
    // The article's case: three team buckets allowed, anything else through the endpoint fails.
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
        "Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*","arn:aws:s3:::c/*"]}]}"#;
    let findings = run_rule("vpc-endpoint-policy-omits-aws-buckets", text, VPCE);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].level, Level::Information);
    insta::assert_snapshot!(render(text, &findings));
    let with_ecr = text.replace(
        r#""arn:aws:s3:::c/*"]"#,
        r#""arn:aws:s3:::c/*","arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"]"#,
    );
    assert_eq!(
        count("vpc-endpoint-policy-omits-aws-buckets", &with_ecr, VPCE),
        0
    );
    let everything = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(
        count("vpc-endpoint-policy-omits-aws-buckets", everything, VPCE),
        0
    );
    assert_eq!(
        count("vpc-endpoint-policy-omits-aws-buckets", text, RESOURCE),
        0
    );
    let parsed = parse(text);
    let policy = Policy::from_parse(&parsed);
    let notes = hover_notes(
        &policy,
        PolicyKind::VpcEndpoint,
        text.find("\"Resource\"").unwrap() + 2,
    );
    assert_eq!(notes.len(), 1);
    assert!(notes[0].markdown.contains("plain AccessDenied"));
}

// ---------------------------------------------------------------------------------------------
// 9. aws:SourceIp

const SOURCE_IP_ARTICLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OfficeOnly",
      "Effect": "Deny",
      "Action": "*",
      "Resource": "*",
      "Condition": {
        "NotIpAddress": {
          "aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]
        }
      }
    }
  ]
}"#;

#[test]
fn source_ip_breaks_service_calls() {
    let findings = run_rule(
        "source-ip-breaks-service-calls",
        SOURCE_IP_ARTICLE,
        IDENTITY,
    );
    assert_eq!(findings.len(), 1);
    insta::assert_snapshot!(render(SOURCE_IP_ARTICLE, &findings));
    let fixed = check_fixes(
        "source-ip-breaks-service-calls",
        SOURCE_IP_ARTICLE,
        IDENTITY,
    );
    insta::assert_snapshot!("source_ip_fixed", fixed[0]);
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
        "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#;
    let findings = run_rule("source-ip-breaks-service-calls", allow, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert!(findings[0].fixes.is_empty());
    insta::assert_snapshot!(render(allow, &findings));
}

#[test]
fn source_ip_near_misses() {
    let guarded = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
        "Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"},"Bool":{"aws:ViaAWSService":"false"}}}]}"#;
    assert_eq!(
        count("source-ip-breaks-service-calls", guarded, IDENTITY),
        0
    );
    let deny_inside = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
        "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#;
    assert_eq!(
        count("source-ip-breaks-service-calls", deny_inside, IDENTITY),
        0
    );
    let other_key = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
        "Condition":{"NotIpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}}}]}"#;
    assert_eq!(
        count("source-ip-breaks-service-calls", other_key, IDENTITY),
        0
    );
}

// ---------------------------------------------------------------------------------------------
// 10. MFA

#[test]
fn mfa_traps() {
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*",
        "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
    let findings = run_rule("mfa-deny-misses-access-keys", deny, IDENTITY);
    assert_eq!(findings.len(), 1);
    insta::assert_snapshot!(render(deny, &findings));
    let fixed = check_fixes("mfa-deny-misses-access-keys", deny, IDENTITY);
    assert!(fixed[0].contains(r#""BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}"#));

    let age = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*",
        "Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"},"Null":{"aws:TokenIssueTime":"false"}}}]}"#;
    assert_eq!(count("mfa-deny-misses-access-keys", age, IDENTITY), 1);
    check_fixes("mfa-deny-misses-access-keys", age, IDENTITY);

    // The article's condition, in an Allow: access keys get in without MFA.
    let allow_if_exists = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*",
        "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
    let findings = run_rule(
        "mfa-if-exists-allows-access-keys",
        allow_if_exists,
        IDENTITY,
    );
    assert_eq!(findings.len(), 1);
    insta::assert_snapshot!(render(allow_if_exists, &findings));
    check_fixes(
        "mfa-if-exists-allows-access-keys",
        allow_if_exists,
        IDENTITY,
    );

    let allow_bool = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*",
        "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
    let findings = run_rule("mfa-required-blocks-access-keys", allow_bool, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].level, Level::Information);
    insta::assert_snapshot!(render(allow_bool, &findings));

    // Near misses: the correct Deny, and each rule on the other's shape.
    let correct = deny.replace("\"Bool\"", "\"BoolIfExists\"");
    assert_eq!(count("mfa-deny-misses-access-keys", &correct, IDENTITY), 0);
    assert_eq!(
        count("mfa-deny-misses-access-keys", allow_bool, IDENTITY),
        0
    );
    assert_eq!(
        count("mfa-if-exists-allows-access-keys", allow_bool, IDENTITY),
        0
    );
    assert_eq!(
        count("mfa-required-blocks-access-keys", allow_if_exists, IDENTITY),
        0
    );
    let null_check = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
        "Condition":{"Null":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
    assert_eq!(
        count("mfa-deny-misses-access-keys", null_check, IDENTITY),
        0
    );
}

// ---------------------------------------------------------------------------------------------
// 11. ABAC

#[test]
fn forallvalues_matches_no_values() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateVolume","Resource":"*",
        "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}]}"#;
    let findings = run_rule("forallvalues-matches-no-values", text, IDENTITY);
    assert_eq!(findings.len(), 1);
    insta::assert_snapshot!(render(text, &findings));
    let fixed = check_fixes("forallvalues-matches-no-values", text, IDENTITY);
    assert!(
        fixed[0].contains(r#""Null": {"aws:TagKeys": "false"}"#),
        "{}",
        fixed[0]
    );
    for (near, why) in [
        (text.replace("ForAllValues", "ForAnyValue"), "ForAnyValue"),
        (text.replace("\"Allow\"", "\"Deny\""), "a Deny"),
        (
            text.replace(
                r#"["team","env"]}}"#,
                r#"["team","env"]},"Null":{"aws:TagKeys":"false"}}"#,
            ),
            "with the Null check",
        ),
    ] {
        assert_eq!(
            count("forallvalues-matches-no-values", &near, IDENTITY),
            0,
            "{why}"
        );
    }
}

#[test]
fn abac_hover() {
    // The article's tag comparison.
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*",
        "Condition":{"StringEquals":{"aws:ResourceTag/Environment":"${aws:PrincipalTag/Environment}"}}}]}"#;
    let parsed = parse(text);
    let policy = Policy::from_parse(&parsed);
    let notes = hover_notes(
        &policy,
        PolicyKind::Identity,
        text.find("aws:ResourceTag").unwrap() + 2,
    );
    assert_eq!(notes.len(), 1);
    assert!(notes[0].markdown.contains("*and* the calling principal"));
    let plain = text.replace("${aws:PrincipalTag/Environment}", "prod");
    let parsed = parse(&plain);
    let policy = Policy::from_parse(&parsed);
    assert!(
        hover_notes(
            &policy,
            PolicyKind::Identity,
            plain.find("aws:ResourceTag").unwrap() + 2
        )
        .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// 12. Time windows (today is 2026-11-28 in tests)

#[test]
fn expired_time_window() {
    // The article's window.
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
        "Condition":{"DateLessThan":{"aws:CurrentTime":"2026-03-01T00:00:00Z"}}}]}"#;
    let findings = run_rule("expired-time-window", allow, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].message.starts_with(
            "Expired on 2026-03-01, 272 days ago: this Allow no longer grants anything"
        ),
        "{}",
        findings[0].message
    );
    insta::assert_snapshot!(render(allow, &findings));
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",
        "Condition":{"NumericLessThanEquals":{"aws:EpochTime":[1700000000, 1750000000]}}}]}"#;
    let findings = run_rule("expired-time-window", deny, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].message.contains("2025-06-15"),
        "{}",
        findings[0].message
    );
    assert!(findings[0].message.contains("this Deny no longer protects"));
    for (near, why) in [
        (allow.replace("2026-03-01", "2027-03-01"), "a future expiry"),
        (allow.replace("2026-03-01", "2026-11-28"), "expiring today"),
        (
            allow.replace("DateLessThan", "DateGreaterThan"),
            "a start in the past",
        ),
        (allow.replace("2026-03-01T00:00:00Z", "soon"), "not a date"),
        (
            allow.replace(
                r#""2026-03-01T00:00:00Z""#,
                r#"["2026-03-01T00:00:00Z","2027-01-01T00:00:00Z"]"#,
            ),
            "a later value keeps it open",
        ),
    ] {
        assert_eq!(count("expired-time-window", &near, IDENTITY), 0, "{why}");
    }
}

#[test]
fn time_window_not_yet_active() {
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
        "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}]}"#;
    let findings = run_rule("time-window-not-yet-active", allow, IDENTITY);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "Not active until 2027-01-01 (in 34 days): this Allow grants nothing before then."
    );
    insta::assert_snapshot!(render(allow, &findings));
    let tomorrow = allow.replace("2027-01-01", "2026-11-29");
    assert!(
        run_rule("time-window-not-yet-active", &tomorrow, IDENTITY)[0]
            .message
            .contains("(in 1 day)")
    );
    for (near, why) in [
        (
            allow.replace("2027-01-01", "2026-01-01"),
            "a start in the past",
        ),
        (allow.replace("2027-01-01", "2026-11-28"), "starting today"),
        (
            allow.replace("DateGreaterThan", "DateLessThan"),
            "an end in the future",
        ),
    ] {
        assert_eq!(
            count("time-window-not-yet-active", &near, IDENTITY),
            0,
            "{why}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Robustness

#[test]
fn traps_never_panic_on_partial_policies() {
    let text = REGION_LOCK_ARTICLE.to_string() + NOT_PRINCIPAL + KEY_POLICY + SOURCE_IP_ARTICLE;
    let mut cut = 0;
    while cut <= text.len() {
        if text.is_char_boundary(cut) {
            let prefix = &text[..cut];
            for kind in [SCP, RESOURCE, KMS, VPCE, IDENTITY] {
                let _ = run(prefix, kind);
            }
            let parsed = parse(prefix);
            let policy = Policy::from_parse(&parsed);
            let _ = hover_notes(&policy, PolicyKind::VpcEndpoint, cut / 2);
        }
        cut += 7;
    }
}

// ---------------------------------------------------------------------------------------------
// Docs

/// The framework checks every rule's doc; this repeats it for the traps alone, so that a
/// failure elsewhere cannot hide one here, and also applies the example's quick fixes.
#[test]
fn doc_examples_trigger_and_fixes_do_not() {
    use crate::rules::docs::{code_blocks, section};
    for rule in super::RULES {
        let doc = rule.doc();
        let kind_of = |b: &crate::rules::docs::CodeBlock<'_>| {
            b.attr("kind")
                .map(|k| PolicyKind::from_name(k).expect("known kind"))
        };
        let with_related = |blocks: &[crate::rules::docs::CodeBlock<'_>]| {
            let related: Vec<(&str, PolicyKind, &str)> = blocks[1..]
                .iter()
                .filter_map(|b| Some((b.attr("path")?, kind_of(b)?, b.code.as_str())))
                .collect();
            run_related(&blocks[0].code, kind_of(&blocks[0]), &related)
        };
        let blocks = code_blocks(section(doc, "Example").unwrap_or_default());
        let example = &blocks[0];
        let kind = kind_of(example);
        let found: Vec<_> = with_related(&blocks)
            .into_iter()
            .filter(|f| f.rule.name == rule.name)
            .collect();
        assert!(!found.is_empty(), "{}: example does not trigger", rule.name);
        let fixed = code_blocks(section(doc, "Fix").unwrap_or_default());
        let after: Vec<_> = with_related(&fixed)
            .into_iter()
            .filter(|f| f.rule.name == rule.name || f.level == Level::Error)
            .map(|f| (f.rule.name, f.message))
            .collect();
        assert!(
            after.is_empty(),
            "{}: fixed doc policy still has {after:?}",
            rule.name
        );
        if found.iter().any(|f| !f.fixes.is_empty()) {
            check_fixes(rule.name, &example.code, kind);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Layers across files

const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn layered(text: &str, related: &[(&str, PolicyKind, &str)]) -> Vec<crate::rules::Finding> {
    run_related(text, IDENTITY, related)
        .into_iter()
        .filter(|f| f.rule.name == "denied-by-other-layer")
        .collect()
}

#[test]
fn boundary_implicit_and_explicit_denies() {
    // The article's set-up: an admin role whose boundary blocks IAM, Organizations and Account.
    let boundary_deny = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"NoIdentityAdmin","Effect":"Deny","Action":["iam:*","organizations:*","account:*"],"Resource":"*"}]}"#;
    let findings = layered(
        ADMIN,
        &[(
            "boundary.json",
            PolicyKind::PermissionsBoundary,
            boundary_deny,
        )],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].message.starts_with(
        "What `*` grants in account:*, iam:* and organizations:* is explicitly denied by the permissions boundary boundary.json statement \"NoIdentityAdmin\""
    ), "{}", findings[0].message);
    insta::assert_snapshot!(render(ADMIN, &findings));

    let identity = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateRole","s3:*","ec2:RunInstances"],"Resource":"*"}]}"#;
    let boundary_allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","ec2:*"],"Resource":"*"}]}"#;
    let findings = layered(
        identity,
        &[(
            "boundary.json",
            PolicyKind::PermissionsBoundary,
            boundary_allow,
        )],
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "`iam:CreateRole` is implicitly denied by the permissions boundary boundary.json (it allows no iam:* action)."
    );
    assert!(
        findings[1].message.contains("actions `s3:*` grants"),
        "{}",
        findings[1].message
    );
    insta::assert_snapshot!(render(identity, &findings));
}

#[test]
fn scp_denies_with_conditions_and_scp_levels() {
    let identity = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}"#;
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyNonEU","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-central-1"}}}]}"#;
    let findings = layered(
        identity,
        &[("deny-regions.json", PolicyKind::ServiceControl, scp)],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "`ec2:RunInstances` is explicitly denied by SCP deny-regions.json statement \"DenyNonEU\" when aws:RequestedRegion is not eu-central-1."
    );
    // A deny-only SCP relies on FullAWSAccess: no implicit deny. An allow-list SCP next to it
    // is read together with it.
    let allow_list = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"}]}"#;
    let findings = layered(
        identity,
        &[
            ("deny-regions.json", PolicyKind::ServiceControl, scp),
            ("allow-list.json", PolicyKind::ServiceControl, allow_list),
        ],
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(
        findings[1].message,
        "`ec2:RunInstances` is implicitly denied by the SCPs deny-regions.json and allow-list.json (it allows no ec2:* action)."
    );
    let full_access =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let findings = layered(
        identity,
        &[
            ("allow-list.json", PolicyKind::ServiceControl, allow_list),
            ("full.json", PolicyKind::ServiceControl, full_access),
        ],
    );
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn session_policy_and_other_identity_policies() {
    let identity = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}"#;
    let session = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let other = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoWrites","Effect":"Deny","Action":"s3:Put*","Resource":"arn:aws:s3:::prod-*"}]}"#;
    let findings = layered(
        identity,
        &[
            ("session.json", PolicyKind::Session, session),
            ("guard.json", PolicyKind::Identity, other),
        ],
    );
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`s3:PutObject` is implicitly denied by the session policy session.json (no Allow statement in it covers this action).",
            "`s3:PutObject` is explicitly denied by identity policy guard.json statement \"NoWrites\" for arn:aws:s3:::prod-*.",
        ]
    );
    // A boundary that allows only under a condition: "may be".
    let boundary = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Tagged","Effect":"Allow","Action":"s3:*","Resource":"*",
        "Condition":{"StringEquals":{"aws:ResourceTag/team":"data"}}}]}"#;
    let findings = layered(
        identity,
        &[("b.json", PolicyKind::PermissionsBoundary, boundary)],
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "`s3:GetObject` may be implicitly denied by the permissions boundary b.json: only statement \"Tagged\" allows it when aws:ResourceTag/team is data."
    );
    insta::assert_snapshot!(render(identity, &findings));
}

#[test]
fn layers_near_misses() {
    // No group, a boundary that allows everything, a Deny of other actions, an identity Deny.
    assert!(layered(ADMIN, &[]).is_empty());
    let open =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    assert!(layered(ADMIN, &[("b.json", PolicyKind::PermissionsBoundary, open)]).is_empty());
    let identity = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
        {"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#;
    let unrelated = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#;
    assert!(
        layered(
            identity,
            &[("scp.json", PolicyKind::ServiceControl, unrelated)]
        )
        .is_empty()
    );
    // Only identity policies are judged.
    let findings: Vec<_> = run_related(
        open,
        Some(PolicyKind::PermissionsBoundary),
        &[("x.json", PolicyKind::ServiceControl, unrelated)],
    )
    .into_iter()
    .filter(|f| f.rule.name == "denied-by-other-layer")
    .collect();
    assert!(findings.is_empty());
}

/// Issue 17: a "SourceVPCRegion" Deny only covers calls through VPC endpoints, which global
/// services are not called through, so it blocks none of them; with `IfExists` only, or a
/// negated operator, the key may be missing and the lock still applies everywhere.
#[test]
fn region_lock_through_vpc_endpoints_only_is_not_flagged() {
    let rule = "region-lock-blocks-global-services";
    let lock = |extra: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{{"StringNotEquals":{{"aws:RequestedRegion":"eu-central-1"}}{extra}}}}}]}}"#
        )
    };
    for quiet in [
        r#","Null":{"aws:SourceVpc":"false"}"#,
        r#","StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}"#,
    ] {
        assert!(run_rule(rule, &lock(quiet), SCP).is_empty(), "{quiet}");
    }
    for still in [
        "",
        r#","StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-1a2b3c4d"}"#,
        r#","Null":{"aws:SourceVpc":"true"}"#,
    ] {
        assert_eq!(run_rule(rule, &lock(still), SCP).len(), 1, "{still}");
    }
}
