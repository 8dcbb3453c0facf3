//! Tests of the condition rules: fixtures that must trigger each rule, near misses that must
//! not, snapshots of the rendered findings, and quick fixes that remove the finding.

use crate::policy::PolicyKind;
use crate::rules::testing::{render, run, run_rule};
use crate::rules::{Fix, Level};

/// A one-statement policy with this effect, `Action` (JSON) and `Condition` (JSON object body).
fn policy(effect: &str, action: &str, condition: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\n    \"Effect\": \"{effect}\",\n    \"Action\": {action},\n    \"Resource\": \"*\",\n    \"Condition\": {condition}\n  }}]\n}}\n"
    )
}

/// Two statements in one policy: `(effect, action JSON, condition JSON)` each.
fn two(a: (&str, &str, &str), b: (&str, &str, &str)) -> String {
    let st = |(effect, action, condition): (&str, &str, &str)| {
        format!(
            "    {{\n      \"Effect\": \"{effect}\",\n      \"Action\": {action},\n      \"Resource\": \"*\",\n      \"Condition\": {condition}\n    }}"
        )
    };
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{},\n{}\n  ]\n}}\n",
        st(a),
        st(b)
    )
}

/// An Allow of `s3:GetObject` with this condition.
fn allow(condition: &str) -> String {
    policy("Allow", "\"s3:GetObject\"", condition)
}

fn count(rule: &str, text: &str) -> usize {
    run_rule(rule, text, Some(PolicyKind::Identity)).len()
}

#[track_caller]
fn fires(rule: &str, text: &str) {
    assert!(
        count(rule, text) > 0,
        "{rule} should fire on:\n{text}\nfindings: {:?}",
        run(text, Some(PolicyKind::Identity))
            .iter()
            .map(|f| (f.rule.name, &f.message))
            .collect::<Vec<_>>()
    );
}

#[track_caller]
fn silent(rule: &str, text: &str) {
    let found = run_rule(rule, text, Some(PolicyKind::Identity));
    assert!(
        found.is_empty(),
        "{rule} should not fire on:\n{text}\n{}",
        render(text, &found)
    );
}

/// Applies every quick fix of `rule` on `text` and checks that each one removes a finding of the
/// rule and keeps the JSON valid. Returns how many fixes were checked.
#[track_caller]
fn fixes_work(rule: &str, text: &str) -> usize {
    let before = run_rule(rule, text, Some(PolicyKind::Identity));
    let mut checked = 0;
    for f in &before {
        for fix in &f.fixes {
            let fixed = Fix::apply(fix, text);
            let after = run(&fixed, Some(PolicyKind::Identity));
            assert!(
                !after.iter().any(|g| g.rule.name == "json-syntax"),
                "{rule}: fix `{}` breaks the JSON:\n{fixed}",
                fix.title
            );
            let remaining = after.iter().filter(|g| g.rule.name == rule).count();
            assert!(
                remaining < before.len(),
                "{rule}: fix `{}` does not remove the finding:\n{fixed}",
                fix.title
            );
            checked += 1;
        }
    }
    checked
}

fn snapshot(rule: &str, text: &str) -> String {
    render(text, &run_rule(rule, text, Some(PolicyKind::Identity)))
}

#[test]
fn invalid_condition_operator() {
    let rule = "invalid-condition-operator";
    let typo = allow(r#"{"StringEqual": {"aws:PrincipalTag/team": "a"}}"#);
    fires(rule, &typo);
    assert_eq!(fixes_work(rule, &typo), 1);
    let qualifier = allow(r#"{"ForAnyValues:StringLike": {"aws:TagKeys": "a*"}}"#);
    assert_eq!(fixes_work(rule, &qualifier), 1);
    let unknown = allow(r#"{"DateAfter": {"aws:CurrentTime": "2026-01-01"}, "": {}}"#);
    assert_eq!(count(rule, &unknown), 2);
    for ok in [
        "StringEquals",
        "ForAllValues:StringNotLikeIfExists",
        "stringequals",
        "NullIfExists",
        "ForAnyValue:Null",
        "BinaryEquals",
        "NotIpAddress",
    ] {
        silent(
            rule,
            &allow(&format!(r#"{{"{ok}": {{"aws:SourceVpc": "x"}}}}"#)),
        );
    }
    insta::assert_snapshot!([snapshot(rule, &typo), snapshot(rule, &unknown)].concat());
}

#[test]
fn condition_operator_case() {
    let rule = "condition-operator-case";
    let text = allow(r#"{"forAnyValue:stringlikeIfexists": {"aws:TagKeys": "a*"}}"#);
    fires(rule, &text);
    assert_eq!(fixes_work(rule, &text), 1);
    silent(
        rule,
        &allow(r#"{"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "a*"}}"#),
    );
    silent(rule, &allow(r#"{"StringEqualz": {"aws:TagKeys": "a*"}}"#));
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn invalid_condition_key_format() {
    let rule = "invalid-condition-key-format";
    let bare = allow(r#"{"IpAddress": {"SourceIp": "203.0.113.0/24"}}"#);
    fires(rule, &bare);
    assert_eq!(fixes_work(rule, &bare), 1);
    let dotted = allow(r#"{"StringLike": {"s3.prefix": "a/*"}}"#);
    assert_eq!(fixes_work(rule, &dotted), 1);
    let others =
        allow(r#"{"StringEquals": {":SourceVpc": "x", "aws:": "y", "no key": "z", "a b:c": "w"}}"#);
    assert_eq!(count(rule, &others), 4);
    silent(
        rule,
        &allow(r#"{"StringEquals": {"aws:SourceVpc": "x", "unknownsvc:Thing": "y"}}"#),
    );
    silent(
        rule,
        &allow(r#"{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}}"#),
    );
    insta::assert_snapshot!([snapshot(rule, &bare), snapshot(rule, &others)].concat());
}

#[test]
fn invalid_global_condition_key() {
    let rule = "invalid-global-condition-key";
    let typo = allow(r#"{"StringEquals": {"aws:PrincipleTag/team": "ops", "aws:SourceIP4": "x"}}"#);
    assert_eq!(count(rule, &typo), 2);
    assert_eq!(fixes_work(rule, &typo), 2);
    let no_near = allow(r#"{"StringEquals": {"aws:CompletelyMadeUp": "x"}}"#);
    fires(rule, &no_near);
    for ok in [
        "aws:SourceIp",
        "AWS:sourceip",
        "aws:PrincipalTag/team",
        "aws:RequestTag/a:b/c",
        "aws:PrincipalOrgMasterAccountId",
        "aws:ARN",
        "aws:ResourceTag",
        "aws:username",
        "aws:EpochTime",
    ] {
        silent(
            rule,
            &allow(&format!(r#"{{"StringEquals": {{"{ok}": "x"}}}}"#)),
        );
    }
    insta::assert_snapshot!([snapshot(rule, &typo), snapshot(rule, &no_near)].concat());
}

#[test]
fn invalid_service_condition_key() {
    let rule = "invalid-service-condition-key";
    let typo = policy(
        "Allow",
        r#""s3:ListBucket""#,
        r#"{"StringLike": {"s3:prefixes": "home/*"}}"#,
    );
    fires(rule, &typo);
    assert_eq!(fixes_work(rule, &typo), 1);
    let prefix_typo = allow(r#"{"StringEquals": {"ec22:Region": "eu-west-1"}}"#);
    fires(rule, &prefix_typo);
    assert_eq!(fixes_work(rule, &prefix_typo), 1);
    let tag_typo = allow(r#"{"StringEquals": {"ec2:ResourceTags/team": "ops"}}"#);
    assert_eq!(fixes_work(rule, &tag_typo), 1);
    let unknown_key = allow(r#"{"StringEquals": {"s3:CompletelyMadeUpKey": "x"}}"#);
    fires(rule, &unknown_key);
    for ok in [
        "s3:prefix",
        "S3:Prefix",
        "s3:ExistingObjectTag/project",
        "secretsmanager:ResourceTag/owner",
        "ssm:resourceTag/team",
        "kms:EncryptionContext:purpose",
        "saml:aud",
        "accounts.google.com:aud",
        "token.actions.githubusercontent.com:sub",
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub",
        "cognito-identity.amazonaws.com:amr",
        "www.amazon.com:app_id",
        "graph.facebook.com:id",
        "lakeformation:GlueARN",
        "brandnewservice:Thing",
        "iam:PassedToService",
    ] {
        silent(
            rule,
            &allow(&format!(r#"{{"StringEquals": {{"{ok}": "x"}}}}"#)),
        );
    }
    insta::assert_snapshot!(
        [
            snapshot(rule, &typo),
            snapshot(rule, &prefix_typo),
            snapshot(rule, &unknown_key)
        ]
        .concat()
    );
}

#[test]
fn unsupported_global_condition_key() {
    let rule = "unsupported-global-condition-key";
    let text = policy(
        "Deny",
        r#""s3:DeleteBucket""#,
        r#"{"ArnNotEquals": {"aws:arn": "arn:aws:iam::123456789012:role/admin"}}"#,
    );
    fires(rule, &text);
    assert_eq!(fixes_work(rule, &text), 2);
    silent(
        rule,
        &allow(r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/a"}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn missing_tag_key_in_condition() {
    let rule = "missing-tag-key-in-condition";
    let text = allow(
        r#"{"StringEquals": {"aws:ResourceTag": "a", "aws:RequestTag/": "b", "s3:ExistingObjectTag": "c", "ec2:ResourceTag/": "d"}}"#,
    );
    assert_eq!(count(rule, &text), 4);
    silent(
        rule,
        &allow(
            r#"{"StringEquals": {"aws:ResourceTag/x": "a", "aws:TagKeys": "b", "s3:ExistingObjectTag/k": "c"}}"#,
        ),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn duplicate_condition_keys() {
    let rule = "duplicate-condition-keys";
    let text = allow(
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d", "aws:sourcevpc": "vpc-5e6f7a8b", "AWS:SOURCEVPC": "vpc-00000000"}}"#,
    );
    assert_eq!(count(rule, &text), 2);
    // The same key in two different blocks is fine, and so is the key once.
    silent(
        rule,
        &allow(r#"{"StringEquals": {"aws:SourceVpc": "a"}, "StringLike": {"aws:sourcevpc": "b"}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn null_operators() {
    let if_exists = allow(
        r#"{"NullIfExists": {"aws:TagKeys": "true"}, "ForAllValues:NullIfExists": {"aws:TagKeys": "true"}}"#,
    );
    assert_eq!(count("null-with-if-exists", &if_exists), 2);
    assert_eq!(fixes_work("null-with-if-exists", &if_exists), 2);
    silent("null-with-qualifier", &if_exists);
    let qualifier = allow(
        r#"{"ForAnyValue:Null": {"aws:TagKeys": "true"}, "ForAllValues:Null": {"aws:TagKeys": "false"}}"#,
    );
    assert_eq!(count("null-with-qualifier", &qualifier), 2);
    assert_eq!(fixes_work("null-with-qualifier", &qualifier), 2);
    silent("null-with-if-exists", &qualifier);
    let plain = allow(r#"{"Null": {"aws:TagKeys": "true"}}"#);
    silent("null-with-if-exists", &plain);
    silent("null-with-qualifier", &plain);
    insta::assert_snapshot!(format!(
        "{}{}",
        snapshot("null-with-if-exists", &if_exists),
        snapshot("null-with-qualifier", &qualifier)
    ));
}

#[test]
fn missing_qualifier() {
    let rule = "missing-qualifier";
    let text = allow(r#"{"StringEquals": {"aws:TagKeys": ["a", "b"]}}"#);
    fires(rule, &text);
    assert_eq!(fixes_work(rule, &text), 2);
    // Two keys in the block: the operator cannot change for one of them alone.
    let shared = allow(
        r#"{"StringLike": {"aws:CalledVia": "athena.amazonaws.com", "aws:SourceVpc": "vpc-1a2b3c4d"}}"#,
    );
    fires(rule, &shared);
    assert_eq!(fixes_work(rule, &shared), 0);
    for ok in [
        r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
        r#"{"Null": {"aws:TagKeys": "true"}}"#,
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}"#,
        r#"{"StringEquals": {"events:detail-type": "x"}}"#,
        r#"{"StringEquals": {"unknownsvc:Things": "x"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn forallvalues_with_single_valued_key() {
    let rule = "forallvalues-with-single-valued-key";
    let text = allow(r#"{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#);
    fires(rule, &text);
    assert_eq!(fixes_work(rule, &text), 1);
    for ok in [
        r#"{"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}"#,
        r#"{"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
        r#"{"ForAllValues:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}"#,
        r#"{"ForAllValues:StringEquals": {"unknownsvc:Thing": "x"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn condition_type_mismatch() {
    let rule = "condition-type-mismatch";
    let text = allow(
        r#"{"StringEquals": {"aws:MultiFactorAuthPresent": "true"}, "NumericEquals": {"aws:SourceVpc": "1"}, "StringLike": {"aws:SourceIp": "10.*", "aws:CurrentTime": "2026-*"}}"#,
    );
    assert_eq!(count(rule, &text), 4);
    // Only the lone entry gets a quick fix (the operator is shared by the other block's keys).
    assert_eq!(fixes_work(rule, &text), 1);
    let date = allow(r#"{"NumericLessThan": {"aws:CurrentTime": "1"}}"#);
    silent(rule, &date);
    for ok in [
        r#"{"StringLike": {"aws:SourceArn": "arn:aws:sns:*:1:t"}}"#,
        r#"{"ArnLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/*"}}"#,
        r#"{"Null": {"aws:SourceIp": "true"}}"#,
        r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
        r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
        r#"{"StringEquals": {"unknownsvc:Thing": "x"}}"#,
        // AWS's documented pattern: IpAddress would not substitute the variable (IAM404).
        r#"{"StringNotEquals": {"aws:Ec2InstanceSourcePrivateIPv4": "${aws:VpcSourceIp}"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    // Without a variable the string operator on an IP key is still reported.
    fires(
        rule,
        &allow(r#"{"StringNotEquals": {"aws:Ec2InstanceSourcePrivateIPv4": "10.0.0.1"}}"#),
    );
    let arn_on_string = allow(r#"{"ArnLike": {"aws:PrincipalTag/team": "ops"}}"#);
    fires(rule, &arn_on_string);
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn invalid_condition_value() {
    let rule = "invalid-condition-value";
    let text = allow(
        r#"{"Bool": {"aws:SecureTransport": "yes"}, "Null": {"aws:TagKeys": "maybe"}, "NumericLessThan": {"aws:MultiFactorAuthAge": ["ten", 10, "3600"]}, "DateGreaterThan": {"aws:CurrentTime": ["tomorrow", "2026-02-30", "2026-12-31T23:59:59+0100", 1767225600]}, "BinaryEquals": {"s3:x": ["not base64!", "QUJD", "QUI="]}}"#,
    );
    // yes, maybe, ten, tomorrow, 2026-02-30 and "not base64!".
    assert_eq!(count(rule, &text), 6);
    for ok in [
        r#"{"Bool": {"aws:SecureTransport": ["True", false]}}"#,
        r#"{"NumericEquals": {"s3:max-keys": ["1", "-2.5", "1e3"]}}"#,
        r#"{"DateLessThan": {"aws:CurrentTime": ["2026", "2026-03", "2026-03-01", "2026-03-01T10:00Z", "2026-03-01T10:00:00.123Z", "2026-03-01t10:00:00-05:00", "1767225600"]}}"#,
        r#"{"DateLessThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"}}"#,
        r#"{"StringEquals": {"aws:SourceVpc": "anything"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn invalid_ip_range() {
    let rule = "invalid-ip-range";
    let text = allow(
        r#"{"NotIpAddress": {"aws:SourceIp": ["203.0.113.*", "10.1.*.*", "192.168.1.0/33", "example.com", "1.2.3", 42, "2001:db8::/129"]}}"#,
    );
    assert_eq!(count(rule, &text), 7);
    assert_eq!(fixes_work(rule, &text), 2);
    silent(
        rule,
        &allow(
            r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "203.0.113.7", "010.0.0.1/8", "2001:DB8::/32", "::1", "::ffff:10.0.0.1", "${aws:SourceIp}"]}}"#,
        ),
    );
    // Not an IP operator: not this rule's business.
    silent(
        rule,
        &allow(r#"{"StringLike": {"aws:SourceIp": "203.0.113.*"}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn mixed_condition_value_types() {
    let rule = "mixed-condition-value-types";
    let text = allow(
        r#"{"NumericLessThan": {"s3:max-keys": [100, "200"]}, "Bool": {"aws:SecureTransport": ["true", false]}}"#,
    );
    assert_eq!(count(rule, &text), 2);
    silent(
        rule,
        &allow(
            r#"{"NumericLessThan": {"s3:max-keys": [100, 200]}, "StringEquals": {"aws:SourceVpc": ["a", "b"]}}"#,
        ),
    );
    silent(
        rule,
        &allow(r#"{"StringEquals": {"aws:SourceVpc": ["a", null]}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn multiple_boolean_values() {
    let rule = "multiple-boolean-values";
    let text = allow(
        r#"{"Bool": {"aws:SecureTransport": ["true", "false"], "aws:MultiFactorAuthPresent": [true, true]}}"#,
    );
    assert_eq!(count(rule, &text), 2);
    silent(
        rule,
        &allow(r#"{"Bool": {"aws:SecureTransport": ["true"]}}"#),
    );
    silent(
        rule,
        &allow(r#"{"BoolIfExists": {"aws:SecureTransport": "false"}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn wildcard_without_like_operator() {
    let rule = "wildcard-without-like-operator";
    let text = allow(r#"{"StringEquals": {"aws:PrincipalTag/role": "admin-*"}}"#);
    fires(rule, &text);
    assert_eq!(fixes_work(rule, &text), 1);
    let ignore_case =
        allow(r#"{"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/role": "admin-?"}}"#);
    fires(rule, &ignore_case);
    assert_eq!(fixes_work(rule, &ignore_case), 0);
    for ok in [
        r#"{"StringLike": {"aws:PrincipalTag/role": "admin-*"}}"#,
        r#"{"StringEquals": {"aws:PrincipalTag/role": "admin-${*}"}}"#,
        r#"{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:1:t"}}"#,
        r#"{"StringEquals": {"aws:PrincipalTag/role": "admin"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!([snapshot(rule, &text), snapshot(rule, &ignore_case)].concat());
}

#[test]
fn string_like_on_arn_key() {
    let rule = "string-like-on-arn-key";
    let text = allow(
        r#"{"ForAnyValue:StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}"#,
    );
    fires(rule, &text);
    assert_eq!(fixes_work(rule, &text), 1);
    for ok in [
        r#"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/admin"}}"#,
        r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}"#,
        r#"{"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}"#,
        r#"{"StringLike": {"aws:PrincipalTag/a": "arn:*"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn invalid_region() {
    let rule = "invalid-region";
    let text = policy(
        "Deny",
        r#""*""#,
        r#"{"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "EU-CENTRAL-1", "us-east", "eu-west-1a", "Ireland", "us_east_2"]}}"#,
    );
    assert_eq!(count(rule, &text), 5);
    assert_eq!(fixes_work(rule, &text), 4);
    for ok in [
        r#"{"StringEquals": {"aws:RequestedRegion": ["us-east-1", "ap-southeast-9", "us-gov-west-1"]}}"#,
        r#"{"StringEqualsIgnoreCase": {"aws:RequestedRegion": "EU-WEST-1"}}"#,
        r#"{"StringLike": {"aws:RequestedRegion": ["eu-*", "US-*"]}}"#,
        r#"{"StringEquals": {"aws:RequestedRegion": "${aws:PrincipalTag/region}"}}"#,
        r#"{"StringEquals": {"ec2:Region": "Ireland"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn invalid_vpc_id() {
    let rule = "invalid-vpc-id";
    let text = allow(
        r#"{"StringEquals": {"aws:SourceVpc": ["my-vpc", "vpc-1a2b", "vpc-1A2B3C4D", "vpc-*"], "aws:SourceVpce": ["vpc-1a2b3c4d", "vpce-0a1b2c3d4e5f6789"]}}"#,
    );
    assert_eq!(count(rule, &text), 6);
    for ok in [
        r#"{"StringEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d", "vpc-0a1b2c3d4e5f67890"]}}"#,
        r#"{"StringLike": {"aws:SourceVpce": ["vpce-*", "vpce-0a1b????", "*"]}}"#,
        r#"{"StringEqualsIgnoreCase": {"aws:SourceVpc": "VPC-1A2B3C4D"}}"#,
        r#"{"StringEquals": {"aws:SourceVpc": "${aws:PrincipalTag/vpc}"}}"#,
        r#"{"StringEquals": {"aws:SourceVpcArn": "arn:aws:ec2:us-east-1:1:vpc/vpc-1a2b3c4d"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    let bad_pattern = allow(r#"{"StringLike": {"aws:SourceVpc": ["vpce-*", "vpc-*-x"]}}"#);
    assert_eq!(count(rule, &bad_pattern), 2);
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn vpc_id_patterns() {
    use super::invalid_vpc_id::can_match_id;
    assert!(can_match_id("vpc-1a2b3c4d", "vpc-", false));
    assert!(can_match_id("vpc-0a1b2c3d4e5f67890", "vpc-", false));
    assert!(!can_match_id("vpc-0a1b2c3d4e5f6789", "vpc-", false));
    assert!(can_match_id("*", "vpc-", true));
    assert!(can_match_id("vpc-????????", "vpc-", true));
    assert!(!can_match_id("vpc-?????????", "vpc-", true));
    assert!(can_match_id("v*", "vpc-", true));
    assert!(!can_match_id("vpc-*g", "vpc-", true));
    assert!(!can_match_id("vpc-*", "vpc-", false));
}

#[test]
fn epoch_date_value() {
    let rule = "epoch-date-value";
    let text = allow(
        r#"{"DateLessThan": {"aws:CurrentTime": ["1798761600", 1767225600, "1798761600000"]}, "DateGreaterThan": {"aws:EpochTime": "1767225600"}}"#,
    );
    assert_eq!(count(rule, &text), 3);
    assert_eq!(fixes_work(rule, &text), 3);
    let fixed = Fix::apply(&run_rule(rule, &text, None)[1].fixes[0], &text);
    assert!(fixed.contains(r#""2026-01-01T00:00:00Z""#), "{fixed}");
    silent(
        rule,
        &allow(r#"{"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn private_ip_in_source_ip() {
    let only =
        allow(r#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/16", "192.168.1.7", "fd00::/8"]}}"#);
    fires("private-ip-in-source-ip", &only);
    silent("private-ip-mixed-in-source-ip", &only);
    let not = allow(r#"{"NotIpAddress": {"aws:SourceIp": "172.16.0.0/12"}}"#);
    fires("private-ip-in-source-ip", &not);
    let mixed = allow(
        r#"{"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8", "127.0.0.1"]}}"#,
    );
    silent("private-ip-in-source-ip", &mixed);
    assert_eq!(count("private-ip-mixed-in-source-ip", &mixed), 2);
    assert_eq!(fixes_work("private-ip-mixed-in-source-ip", &mixed), 2);
    for ok in [
        // Straddles private and public space: not private.
        r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
        r#"{"IpAddress": {"aws:SourceIp": "172.0.0.0/8"}}"#,
        // The VPC key is meant for private addresses.
        r#"{"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}"#,
        // Unreadable values make the outcome unknown.
        r#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "bogus"]}}"#,
    ] {
        silent("private-ip-in-source-ip", &allow(ok));
        silent("private-ip-mixed-in-source-ip", &allow(ok));
    }
    insta::assert_snapshot!(format!(
        "{}{}{}",
        snapshot("private-ip-in-source-ip", &only),
        snapshot("private-ip-in-source-ip", &not),
        snapshot("private-ip-mixed-in-source-ip", &mixed)
    ));
}

#[test]
fn host_bits_in_ip_range() {
    let rule = "host-bits-in-ip-range";
    let text = allow(
        r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.77/24", "2001:db8::1/32", "10.0.0.0/8", "198.51.100.7"]}}"#,
    );
    assert_eq!(count(rule, &text), 2);
    assert_eq!(fixes_work(rule, &text), 2);
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn cidr_parsing() {
    use super::{is_private, parse_cidr};
    let c = parse_cidr("203.0.113.77/24").expect("parses");
    assert!(c.has_host_bits());
    assert_eq!(c.network_text(), "203.0.113.0/24");
    assert_eq!(
        parse_cidr("0.0.0.0/0").map(|c| c.network_text()).as_deref(),
        Some("0.0.0.0/0")
    );
    assert_eq!(
        parse_cidr("::/0").map(|c| c.network_text()).as_deref(),
        Some("::/0")
    );
    assert!(parse_cidr("1.2.3.4/33").is_none());
    assert!(parse_cidr("1.2.3.256").is_none());
    assert!(parse_cidr("1.2.3.4/").is_none());
    assert!(parse_cidr("1.2.3.4/-1").is_none());
    assert!(parse_cidr("2001:db8::/129").is_none());
    assert!(parse_cidr("").is_none());
    assert!(is_private(&parse_cidr("10.1.2.3").expect("parses")));
    assert!(is_private(&parse_cidr("172.31.0.0/16").expect("parses")));
    assert!(!is_private(&parse_cidr("172.32.0.0/16").expect("parses")));
    assert!(!is_private(&parse_cidr("8.8.8.8").expect("parses")));
}

#[test]
fn redundant_condition_value() {
    let rule = "redundant-condition-value";
    let text = allow(
        r#"{"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600", "1200"]}, "NumericGreaterThanEquals": {"s3:max-keys": [5, 10]}, "StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2", "vpc-1"]}, "StringLike": {"s3:prefix": ["logs/*", "logs/app", "other"]}, "StringNotLikeIfExists": {"aws:PrincipalTag/x": ["a?c", "*"]}}"#,
    );
    assert_eq!(count(rule, &text), 6);
    assert_eq!(fixes_work(rule, &text), 6);
    for ok in [
        r#"{"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}"#,
        r#"{"NumericEquals": {"s3:max-keys": ["5", "10"]}}"#,
        r#"{"StringEquals": {"aws:SourceVpc": ["a*", "ab"]}}"#,
        r#"{"StringLike": {"aws:PrincipalTag/x": ["Logs/*", "logs/app"]}}"#,
        r#"{"StringLike": {"aws:PrincipalTag/x": ["${aws:username}/*", "bob/x"]}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    let ignore_case =
        allow(r#"{"StringEqualsIgnoreCase": {"aws:PrincipalTag/x": ["Ops", "ops"]}}"#);
    fires(rule, &ignore_case);
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn wildcard_only_condition_value() {
    use super::wildcard_only_condition_value::{Outcome, outcome};
    use crate::catalog::operators::operator;
    let o = |name: &str| outcome(&operator(name).expect("operator"));
    assert_eq!(o("StringLike"), Outcome::NullFalse);
    assert_eq!(o("ForAnyValue:StringLike"), Outcome::NullFalse);
    assert_eq!(o("StringLikeIfExists"), Outcome::Always);
    assert_eq!(o("ForAllValues:StringLike"), Outcome::Always);
    assert_eq!(o("ForAnyValue:StringLikeIfExists"), Outcome::Always);
    assert_eq!(o("StringNotLike"), Outcome::NullTrue);
    assert_eq!(o("StringNotLikeIfExists"), Outcome::NullTrue);
    assert_eq!(o("ForAllValues:StringNotLike"), Outcome::NullTrue);
    assert_eq!(o("ForAnyValue:StringNotLikeIfExists"), Outcome::NullTrue);
    assert_eq!(o("ForAnyValue:StringNotLike"), Outcome::Never);

    let rule = "wildcard-only-condition-value";
    let text = allow(
        r#"{"StringLike": {"aws:ResourceTag/team": "*"}, "StringNotLike": {"aws:PrincipalTag/x": ["a", "**"]}, "StringLikeIfExists": {"aws:RequestTag/y": "*"}, "ForAnyValue:StringNotLike": {"aws:TagKeys": "*"}}"#,
    );
    assert_eq!(count(rule, &text), 4);
    for ok in [
        r#"{"StringLike": {"aws:ResourceTag/team": "a*"}}"#,
        r#"{"StringEquals": {"aws:ResourceTag/team": "*"}}"#,
        r#"{"StringLike": {"aws:TagKeys": "*"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn untrustworthy_condition_key() {
    let rule = "untrustworthy-condition-key";
    let text = two(
        (
            "Allow",
            r#""s3:GetObject""#,
            r#"{"StringLike": {"aws:Referer": "https://example.com/*"}}"#,
        ),
        (
            "Deny",
            r#""s3:*""#,
            r#"{"StringNotLike": {"aws:useragent": "MyApp/*"}}"#,
        ),
    );
    assert_eq!(count(rule, &text), 2);
    silent(
        rule,
        &allow(r#"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn missing_paired_condition_key() {
    let rule = "missing-paired-condition-key";
    let text = allow(
        r#"{"IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24", "aws:Ec2InstanceSourcePrivateIPv4": "10.0.1.5"}}"#,
    );
    assert_eq!(count(rule, &text), 2);
    for ok in [
        r#"{"IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24"}, "StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
        r#"{"IpAddress": {"aws:Ec2InstanceSourcePrivateIPv4": "10.0.1.5"}, "StringEquals": {"aws:ec2instancesourcevpc": "vpc-1a2b3c4d"}}"#,
        r#"{"Null": {"aws:VpcSourceIp": "false"}}"#,
    ] {
        silent(rule, &allow(ok));
    }
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn dynamodb_attributes_without_select() {
    let rule = "dynamodb-attributes-without-select";
    let text = policy(
        "Allow",
        r#"["dynamodb:GetItem", "dynamodb:Query"]"#,
        r#"{"ForAllValues:StringEquals": {"dynamodb:Attributes": ["Id", "Name"]}}"#,
    );
    fires(rule, &text);
    silent(
        rule,
        &policy(
            "Allow",
            r#""dynamodb:Query""#,
            r#"{"ForAllValues:StringEquals": {"dynamodb:Attributes": ["Id"]}, "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}"#,
        ),
    );
    silent(
        rule,
        &policy(
            "Deny",
            r#""dynamodb:Query""#,
            r#"{"ForAnyValue:StringEquals": {"dynamodb:Attributes": ["Secret"]}}"#,
        ),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn s3_prefix_in_negative_context() {
    let rule = "s3-prefix-in-negative-context";
    let text = two(
        (
            "Deny",
            r#""s3:ListBucket""#,
            r#"{"StringLike": {"s3:prefix": "confidential/*"}}"#,
        ),
        (
            "Allow",
            r#""s3:ListBucket""#,
            r#"{"StringNotLike": {"s3:prefix": "confidential/*"}}"#,
        ),
    );
    assert_eq!(count(rule, &text), 2);
    silent(
        rule,
        &policy(
            "Deny",
            r#""s3:ListBucket""#,
            r#"{"StringNotLike": {"s3:prefix": "public/*"}}"#,
        ),
    );
    silent(
        rule,
        &policy(
            "Allow",
            r#""s3:ListBucket""#,
            r#"{"StringLike": {"s3:prefix": "public/*"}}"#,
        ),
    );
    silent(
        rule,
        &policy(
            "Deny",
            r#""s3:ListBucket""#,
            r#"{"Null": {"s3:prefix": "true"}}"#,
        ),
    );
    insta::assert_snapshot!(snapshot(rule, &text));
}

#[test]
fn unsupported_action_for_condition_key() {
    let cross = "unsupported-action-for-condition-key";
    let same = "condition-key-not-listed-for-actions";
    let other_service = policy(
        "Allow",
        r#"["ec2:DescribeInstances", "ec2:DescribeVolumes"]"#,
        r#"{"StringLike": {"s3:prefix": "2026/*"}, "StringNotEquals": {"s3:x-amz-acl": "public-read"}}"#,
    );
    assert_eq!(count(cross, &other_service), 2);
    silent(same, &other_service);
    let same_service = allow(r#"{"StringLike": {"s3:prefix": "2026/*"}}"#);
    silent(cross, &same_service);
    fires(same, &same_service);
    for ok in [
        // One action supports it.
        policy(
            "Allow",
            r#"["s3:GetObject", "s3:ListBucket"]"#,
            r#"{"StringLike": {"s3:prefix": "a/*"}}"#,
        ),
        // Resource-type keys and keys written with a literal placeholder in the data.
        policy(
            "Allow",
            r#""s3:GetObject""#,
            r#"{"StringEquals": {"s3:ExistingObjectTag/k": "v"}}"#,
        ),
        policy(
            "Allow",
            r#""secretsmanager:GetSecretValue""#,
            r#"{"StringEquals": {"secretsmanager:ResourceTag/k": "v"}}"#,
        ),
        // Global keys are never checked here.
        policy(
            "Allow",
            r#""ec2:DescribeInstances""#,
            r#"{"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d", "ec2:SourceInstanceArn": "arn:aws:ec2:*:*:instance/*"}}"#,
        ),
        // Unknown actions, NotAction and "*" are not decidable.
        policy(
            "Allow",
            r#"["ec2:DescribeInstances", "ec2:NoSuchAction"]"#,
            r#"{"StringLike": {"s3:prefix": "a"}}"#,
        ),
        policy("Allow", r#""*""#, r#"{"StringLike": {"s3:prefix": "a"}}"#),
        // Identity-provider keys.
        policy(
            "Allow",
            r#""sts:AssumeRoleWithWebIdentity""#,
            r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}}"#,
        ),
    ] {
        silent(cross, &ok);
        silent(same, &ok);
    }
    let not_action = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"s3:prefix\":\"a\"}}}]}";
    silent(cross, not_action);
    silent(same, not_action);
    insta::assert_snapshot!(format!(
        "{}{}",
        snapshot(cross, &other_service),
        snapshot(same, &same_service)
    ));
}

#[test]
fn tag_key_unsupported() {
    let allow_rule = "tag-key-unsupported-in-allow";
    let deny_rule = "tag-key-unsupported-in-deny";
    let allow_text = policy(
        "Allow",
        r#"["ec2:StartInstances", "ec2:DescribeInstances"]"#,
        r#"{"StringEquals": {"aws:ResourceTag/team": "ops"}}"#,
    );
    fires(allow_rule, &allow_text);
    silent(deny_rule, &allow_text);
    let deny_text = policy(
        "Deny",
        r#"["ec2:TerminateInstances", "ec2:DescribeInstances"]"#,
        r#"{"StringEquals": {"aws:ResourceTag/env": "prod"}}"#,
    );
    fires(deny_rule, &deny_text);
    silent(allow_rule, &deny_text);
    let deny_not_action = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"iam:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:ResourceTag/env\":\"prod\"}}}]}";
    fires(deny_rule, deny_not_action);
    let deny_everything = policy(
        "Deny",
        r#""*""#,
        r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}"#,
    );
    fires(deny_rule, &deny_everything);
    for ok in [
        // Every action supports the key.
        policy(
            "Allow",
            r#"["ec2:StartInstances", "ec2:StopInstances"]"#,
            r#"{"StringEquals": {"aws:ResourceTag/team": "ops"}}"#,
        ),
        // A missing key makes the condition true: nothing is left out.
        policy(
            "Deny",
            r#"["ec2:TerminateInstances", "ec2:DescribeInstances"]"#,
            r#"{"StringNotEquals": {"aws:ResourceTag/env": "dev"}}"#,
        ),
        policy(
            "Allow",
            r#"["ec2:StartInstances", "ec2:DescribeInstances"]"#,
            r#"{"StringEqualsIfExists": {"aws:ResourceTag/team": "ops"}}"#,
        ),
        // Not a tag key.
        policy(
            "Allow",
            r#""ec2:DescribeInstances""#,
            r#"{"StringEquals": {"aws:PrincipalTag/team": "ops"}}"#,
        ),
    ] {
        silent(allow_rule, &ok);
        silent(deny_rule, &ok);
    }
    insta::assert_snapshot!(format!(
        "{}{}{}",
        snapshot(allow_rule, &allow_text),
        snapshot(deny_rule, &deny_text),
        snapshot(deny_rule, deny_not_action)
    ));
}

#[test]
fn helpers() {
    use super::{distance, has_wildcard, nearest, wildcard_match};
    assert!(wildcard_match("a*c", "abbbc", false));
    assert!(wildcard_match("a?c", "abc", false));
    assert!(!wildcard_match("a?c", "ac", false));
    assert!(wildcard_match("*", "", false));
    assert!(!wildcard_match("A*", "abc", false));
    assert!(wildcard_match("A*", "abc", true));
    assert!(wildcard_match("*/*/x", "a/b/c/x", false));
    assert!(has_wildcard("a*"));
    assert!(!has_wildcard("a${*}b${?}"));
    assert!(has_wildcard("${aws:username}*"));
    assert!(!has_wildcard("${unterminated*"));
    assert_eq!(distance("StringEqual", "StringEquals", 3), Some(1));
    assert_eq!(distance("abc", "xyz", 2), None);
    assert_eq!(nearest("Bol", ["Bool", "Null"]), Some("Bool"));
    assert_eq!(nearest("Zzzzzzzz", ["Bool", "Null"]), None);
}

#[test]
fn no_findings_on_clean_conditions() {
    // A policy full of correct conditions gives no finding from this category at all.
    let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListOwnPrefix",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::reports",
      "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/", "home/${aws:username}/*"]}}
    },
    {
      "Sid": "TaggedInstances",
      "Effect": "Allow",
      "Action": ["ec2:StartInstances", "ec2:StopInstances"],
      "Resource": "*",
      "Condition": {
        "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}
      }
    },
    {
      "Sid": "Guardrail",
      "Effect": "Deny",
      "NotAction": ["iam:*", "sts:*"],
      "Resource": "*",
      "Condition": {
        "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
        "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
        "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
        "Null": {"aws:SourceVpc": "true"}
      }
    }
  ]
}"#;
    let findings: Vec<_> = run(text, Some(PolicyKind::Identity))
        .into_iter()
        .filter(|f| f.rule.category == crate::rules::Category::Conditions)
        .collect();
    assert!(findings.is_empty(), "{}", render(text, &findings));
}

#[test]
fn severities_match_levels() {
    // Error rules show as errors, suggestions as information, unless configured otherwise.
    let text = allow(
        r#"{"StringEqual": {"aws:SourceVpc": "vpc-1a2b3c4d"}, "IpAddress": {"aws:SourceIp": "203.0.113.77/24"}}"#,
    );
    let found = run(&text, Some(PolicyKind::Identity));
    let level = |name: &str| found.iter().find(|f| f.rule.name == name).map(|f| f.level);
    assert_eq!(level("invalid-condition-operator"), Some(Level::Error));
    assert_eq!(level("host-bits-in-ip-range"), Some(Level::Information));
}

#[test]
fn partial_and_odd_input_does_not_panic() {
    let samples = [
        r#"{"Statement":[{"Condition":{"#,
        r#"{"Statement":[{"Condition":{"StringEquals":"#,
        r#"{"Statement":[{"Condition":{"StringEquals":{"aws:SourceIp":["#,
        r#"{"Statement":[{"Condition":{"IpAddress":{"aws:SourceIp":["1.2.3.4/","é/ü", "::/"]}}}]}"#,
        r#"{"Statement":[{"Condition":{"DateLessThan":{"aws:CurrentTime":["2026-01-01T10:00+1é:00", "9999999999999999999999", "-5"]}}}]}"#,
        r#"{"Statement":[{"Action":"s3:*","Condition":{"StringLike":{"é:ü":"*","":"","aws:":""}}}]}"#,
        r#"{"Statement":[{"Effect":"Deny","NotAction":["*"],"Condition":{"StringEquals":{"aws:RequestTag/":"x","aws:TagKeys":[]}}}]}"#,
        r#"{"Statement":{"Condition":{"NumericLessThan":{"s3:max-keys":[1,2,"x",null,{}]}}}}"#,
        r#"{"Statement":[{"Condition":[]},{"Condition":{"Bool":[]}},{"Condition":{"Bool":{"aws:SecureTransport":{}}}}]}"#,
    ];
    for s in samples {
        let _ = run(s, None);
        for kind in [
            PolicyKind::Identity,
            PolicyKind::ServiceControl,
            PolicyKind::Resource,
        ] {
            let _ = run(s, Some(kind));
        }
    }
}
