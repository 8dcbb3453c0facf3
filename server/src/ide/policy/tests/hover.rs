//! Hover snapshots: one fixture per topic, `$0` at the cursor.

use super::hover_text;
use crate::catalog;

macro_rules! hover_snapshot {
    ($name:ident, $kind:expr, $fixture:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(hover_text($fixture, $kind, false));
        }
    };
}

// Actions -------------------------------------------------------------------------------------

hover_snapshot!(
    action,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get$0Object"], "Resource": "*"}]}"#
);

hover_snapshot!(
    action_in_not_action_with_other_case,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "iam:creater$0ole", "Resource": "*"}]}"#
);

hover_snapshot!(
    action_without_resource_types,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:ListAllMy$0Buckets", "Resource": "*"}]}"#
);

hover_snapshot!(
    wildcard_in_one_service,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get$0*", "Resource": "*"}]}"#
);

hover_snapshot!(
    wildcard_everything,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "$0*", "Resource": "*"}]}"#
);

hover_snapshot!(
    wildcard_across_services,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "*:Describe$0*", "Resource": "*"}]}"#
);

hover_snapshot!(
    wildcard_matching_nothing,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Gett$0*", "Resource": "*"}]}"#
);

hover_snapshot!(
    unknown_action_did_you_mean,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObj$0ekt", "Resource": "*"}]}"#
);

hover_snapshot!(
    unknown_service,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s4:Get$0Object", "Resource": "*"}]}"#
);

// Condition keys ------------------------------------------------------------------------------

hover_snapshot!(
    global_key,
    None,
    r#"{"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
       "Condition": {"NotIpAddress": {"aws:Source$0Ip": ["192.0.2.0/24"]}}}]}"#
);

hover_snapshot!(
    service_key_with_partial_support,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*",
       "Condition": {"StringLike": {"s3:pre$0fix": ["home/*"]}}}]}"#
);

hover_snapshot!(
    tag_pattern_key,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:DescribeInstances"], "Resource": "*",
       "Condition": {"StringEquals": {"aws:ResourceTag/Env$0": "dev"}}}]}"#
);

hover_snapshot!(
    multivalued_key_without_qualifier,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
       "Condition": {"StringEquals": {"aws:Tag$0Keys": "Env"}}}]}"#
);

hover_snapshot!(
    unknown_key,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
       "Condition": {"Bool": {"aws:SecureTransp$0rt": "true"}}}]}"#
);

// Operators -----------------------------------------------------------------------------------

hover_snapshot!(
    operator_negated_if_exists,
    None,
    r#"{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
       "Condition": {"StringNotEquals$0IfExists": {"aws:RequestedRegion": "eu-west-1"}}}]}"#
);

hover_snapshot!(
    operator_for_all_values,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
       "Condition": {"ForAllValues:String$0Like": {"aws:TagKeys": ["env-*"]}}}]}"#
);

hover_snapshot!(
    operator_for_any_value,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
       "Condition": {"ForAnyValue:$0StringEquals": {"aws:TagKeys": ["env"]}}}]}"#
);

hover_snapshot!(
    operator_null_if_exists,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
       "Condition": {"Null$0IfExists": {"aws:SourceVpc": "true"}}}]}"#
);

hover_snapshot!(
    operator_unknown,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
       "Condition": {"StringEqual$0": {"aws:SourceVpc": "vpc-1"}}}]}"#
);

// Elements ------------------------------------------------------------------------------------

hover_snapshot!(
    effect_key_identity,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Eff$0ect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#
);

hover_snapshot!(
    effect_value_scp_allow,
    Some("scp"),
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Al$0low", "Action": "s3:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    effect_value_rcp_deny,
    Some("rcp"),
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "De$0ny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    effect_value_invalid,
    None,
    r#"{"Statement": [{"Effect": "al$0low", "Action": "s3:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    principal_key_in_identity_policy,
    Some("identity"),
    r#"{"Statement": [{"Effect": "Allow", "Princ$0ipal": "*", "Action": "s3:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    not_principal_key,
    Some("resource"),
    r#"{"Statement": [{"Effect": "Deny", "NotPrinc$0ipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    not_action_key,
    None,
    r#"{"Statement": [{"Effect": "Deny", "NotAct$0ion": "iam:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    not_resource_key,
    None,
    r#"{"Statement": [{"Effect": "Deny", "Action": "s3:*", "NotRes$0ource": "arn:aws:s3:::b"}]}"#
);

hover_snapshot!(
    sid_key,
    None,
    r#"{"Statement": [{"S$0id": "ReadOnly", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#
);

hover_snapshot!(
    version_key,
    None,
    r#"{"Vers$0ion": "2012-10-17", "Statement": []}"#
);

hover_snapshot!(
    version_value_old,
    None,
    r#"{"Version": "2008-10$0-17", "Statement": []}"#
);

hover_snapshot!(
    condition_key_element,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Cond$0ition": {}}]}"#
);

// Resources -----------------------------------------------------------------------------------

hover_snapshot!(
    resource_arn_with_actions,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:ListAllMyBuckets"],
       "Resource": "arn:aws:s3:::my-$0bucket/*"}]}"#
);

hover_snapshot!(
    resource_star,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListAllMyBuckets"], "Resource": "$0*"}]}"#
);

hover_snapshot!(
    resource_not_an_arn,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "my-$0bucket"}]}"#
);

hover_snapshot!(
    resource_iam_role,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/$0app-*"}]}"#
);

// Variables -----------------------------------------------------------------------------------

hover_snapshot!(
    variable_in_resource,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:user$0name}/*"}]}"#
);

hover_snapshot!(
    variable_with_default_in_old_version,
    None,
    r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username, 'no$0body'}/*"}]}"#
);

hover_snapshot!(
    variable_multivalued_in_condition,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
       "Condition": {"StringEquals": {"s3:prefix": "${aws:Tag$0Keys}"}}}]}"#
);

// Principals ----------------------------------------------------------------------------------

hover_snapshot!(
    principal_service_value,
    Some("role-trust"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazon$0aws.com"}, "Action": "sts:AssumeRole"}]}"#
);

hover_snapshot!(
    principal_account_value,
    Some("resource"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["1111$022223333"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#
);

hover_snapshot!(
    principal_role_value,
    Some("resource"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/$0app"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#
);

hover_snapshot!(
    principal_star,
    Some("resource"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": "$0*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#
);

hover_snapshot!(
    principal_type_federated,
    Some("role-trust"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {"Feder$0ated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}"#
);

hover_snapshot!(
    principal_oidc_value,
    Some("role-trust"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.$0actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}"#
);

// Condition values ----------------------------------------------------------------------------

hover_snapshot!(
    region_value,
    None,
    r#"{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
       "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-$0west-1"]}}}]}"#
);

// Evaluation: the first brace -----------------------------------------------------------------

hover_snapshot!(
    first_brace_detected_identity,
    None,
    "$0{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}, {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": \"*\"}]}"
);

hover_snapshot!(
    first_brace_configured_scp,
    Some("scp"),
    "{$0 \"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}"
);

hover_snapshot!(
    first_brace_vpc_endpoint,
    Some("vpc-endpoint"),
    "$0{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}"
);

// Half-typed documents ------------------------------------------------------------------------

hover_snapshot!(
    half_typed_action,
    None,
    "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:PutOb$0ject\""
);

hover_snapshot!(
    half_typed_condition_key,
    None,
    "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\",\n \"Condition\": {\"StringEquals\": {\"aws:Principal$0OrgID\": "
);

// Assertions beyond snapshots -----------------------------------------------------------------

#[test]
fn scp_allow_says_it_grants_nothing() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Al$0low", "Action": "s3:*", "Resource": "*"}]}"#,
        Some("scp"),
        false,
    );
    assert!(
        h.contains("An Allow in an SCP grants nothing by itself"),
        "{h}"
    );
    assert!(h.contains("← **this policy**"));
}

#[test]
fn everything_counts_every_action() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Allow", "Action": "*$0", "Resource": "*"}]}"#,
        None,
        false,
    );
    let total = catalog::catalog().actions().len();
    assert!(
        h.contains(&super::super::markdown::count(total)),
        "the total {total} is in {h}"
    );
    // Counted, not listed: the hover stays small.
    assert!(h.len() < 4_000, "{} bytes", h.len());
}

#[test]
fn catalog_hovers_carry_the_data_date() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject$0", "Resource": "*"}]}"#,
        None,
        false,
    );
    assert!(h.contains(catalog::data_version().date()), "{h}");
    assert!(h.contains("list_amazons3.html"));
    // With its age on the snapshot's day.
    let date = catalog::data_version().date();
    let day = crate::rules::support::parse_instant(date).unwrap() / 86_400;
    let mut footer = format!("\n\n---\n*IAM reference data x y, {date}*");
    crate::ide::policy::markdown::add_data_age(&mut footer, day + 100);
    assert!(
        footer.ends_with(&format!(", {date}, 100 days old*")),
        "{footer}"
    );
    let mut footer = format!("\n\n---\n*IAM reference data x y, {date}*");
    crate::ide::policy::markdown::add_data_age(&mut footer, day + 1);
    assert!(
        footer.ends_with(&format!(", {date}, 1 day old*")),
        "{footer}"
    );
    // The hover itself carries it (the snapshot helper strips it, since it changes daily).
    let text = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let snap = super::snapshot(text, None);
    let raw = crate::ide::policy::hover(&snap, text.find("GetObject").unwrap()).unwrap();
    let age = snap.today() - day;
    assert!(
        raw.markdown.contains(&format!(", {date}, {age} days old*")),
        "{}",
        raw.markdown
    );
}

#[test]
fn findings_on_the_token_are_noted() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "al$0low", "Action": "s3:*", "Resource": "*"}]}"#,
        None,
        true,
    );
    assert!(h.contains("**Findings here**"), "{h}");
    assert!(h.contains("IAM010"), "{h}");
}

#[test]
fn no_hover_on_punctuation_or_whitespace() {
    for fixture in [
        r#"{"Statement": [{"Effect": "Allow",$0 "Action": "s3:*", "Resource": "*"}]}"#,
        r#"{"Statement": [$0 {"Effect": "Allow"}]}"#,
        r#"{"Statement": [{"Effect": "Allow"} $0]}"#,
        // Wrong shapes: an object where a list of strings belongs.
        r#"{"Statement": [{"Effect": "Allow", "Action": {"x": "s3:Get$0Object"}}]}"#,
        r#"{"Statement": [{"Effect": ["Al$0low"]}]}"#,
    ] {
        assert_eq!(hover_text(fixture, None, false), "(no hover)", "{fixture}");
    }
}

// Trap explanations ----------------------------------------------------------------------------

#[test]
fn deny_wildcards_say_what_they_block() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Deny", "Action": "sagemaker:*$0", "Resource": "*"}]}"#,
        None,
        false,
    );
    let covered = catalog::catalog().expand("sagemaker:*").len();
    assert!(covered > 12, "{covered}");
    // The action hover lists them by access level (truncated); the note says what the Deny
    // does to all of them.
    assert!(h.contains("| Access level | Actions | Examples |"), "{h}");
    assert!(
        h.contains(&format!("in a Deny blocks {covered} actions")),
        "{h}"
    );
    // The same wildcard in an Allow has the action hover only.
    let allow = hover_text(
        r#"{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*$0", "Resource": "*"}]}"#,
        None,
        false,
    );
    assert!(!allow.contains("in a Deny blocks"), "{allow}");
}

#[test]
fn kms_actions_in_identity_policies_need_the_key_policy() {
    let fixture =
        r#"{"Statement": [{"Effect": "Allow", "Action": "kms:Decr$0ypt", "Resource": "*"}]}"#;
    let h = hover_text(fixture, Some("identity"), false);
    assert!(h.contains("**KMS needs the key policy too.**"), "{h}");
    // The action's own hover is still there, above the note.
    let action = h.find("Decrypt").expect("the action hover");
    assert!(action < h.find("KMS needs").expect("the note"), "{h}");
    // A key policy is where that permission lives: no note there.
    let key = hover_text(fixture, Some("kms-key"), false);
    assert!(!key.contains("KMS needs the key policy"), "{key}");
}

#[test]
fn deny_not_action_with_a_condition_is_explained() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Deny", "NotAction": ["iam:*$0"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}"#,
        Some("scp"),
        false,
    );
    assert!(
        h.contains("**Deny with `NotAction` and a condition.**"),
        "{h}"
    );
}

#[test]
fn vpc_endpoint_restrictions_and_abac_are_explained() {
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::my-bucket/*$0"}]}"#,
        Some("vpc-endpoint"),
        false,
    );
    assert!(h.contains("Restriction in a VPC endpoint policy"), "{h}");
    let h = hover_text(
        r#"{"Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team$0": "${aws:PrincipalTag/team}"}}}]}"#,
        None,
        false,
    );
    assert!(h.contains("**Attribute-based access control.**"), "{h}");
}
