//! Unit tests of the engine: the seven places a denial comes from (SCP, permissions boundary,
//! resource policy, KMS key policy, VPC endpoint policy, session policy, condition keys), the
//! cross-layer rules, every operator family, variables and unknown context.

use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/alice";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const OTHER_USER: &str = "arn:aws:iam::444455556666:user/bob";
const OBJECT: &str = "arn:aws:s3:::bucket/key.txt";

fn pol(file: &str, statements: &str) -> EvalPolicy {
    EvalPolicy::parse(
        file,
        &format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#),
    )
    .unwrap()
}

fn allow(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#)
}

fn req(principal: &str, action: &str, resource: &str) -> Request {
    Request {
        principal: Some(principal.to_string()),
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: Some("111122223333".to_string()),
        context: Context::new(),
    }
}

fn with(mut r: Request, key: &str, values: &[&str]) -> Request {
    for v in values {
        r.context.insert(key, *v);
    }
    r
}

fn identity(statements: &str) -> PolicySet {
    PolicySet {
        identity: vec![pol("id.json", statements)],
        ..PolicySet::default()
    }
}

fn decide(r: &Request, set: &PolicySet) -> Decision {
    evaluate(r, set).decision
}

#[test]
fn identity_allow_and_implicit_deny() {
    let set = identity(&allow("s3:Get*", "arn:aws:s3:::bucket/*"));
    let e = evaluate(&req(USER, "s3:GetObject", OBJECT), &set);
    assert_eq!(e.decision, Decision::Allowed);
    assert_eq!(e.deciding[0].file.as_deref(), Some("id.json"));
    assert_eq!(e.deciding[0].statement, Some(0));
    let e = evaluate(&req(USER, "s3:PutObject", OBJECT), &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Identity);
    assert_eq!(e.deciding[0].statement, None);
    // Actions ignore case; ARNs do not.
    assert_eq!(
        decide(&req(USER, "S3:getobject", OBJECT), &set),
        Decision::Allowed
    );
    assert_eq!(
        decide(&req(USER, "s3:GetObject", "arn:aws:s3:::Bucket/k"), &set),
        Decision::ImplicitDeny
    );
}

#[test]
fn explicit_deny_wins_and_names_the_statement() {
    let set = identity(&format!(
        r#"{},{{"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}}"#,
        allow("s3:*", "*")
    ));
    let e = evaluate(&req(USER, "s3:DeleteObject", OBJECT), &set);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding.len(), 1);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("NoDelete"));
    assert_eq!(e.deciding[0].statement, Some(1));
}

#[test]
fn not_action_and_not_resource() {
    let set =
        identity(r#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}"#);
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &set),
        Decision::Allowed
    );
    assert_eq!(
        decide(&req(USER, "iam:GetUser", USER), &set),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&req(USER, "s3:GetObject", "arn:aws:s3:::secret/x"), &set),
        Decision::ImplicitDeny
    );
}

#[test]
fn arn_fields_match_separately_and_the_last_keeps_colons() {
    let set = identity(&allow(
        "logs:PutLogEvents",
        "arn:aws:logs:*:111122223333:log-group:app*",
    ));
    let stream = "arn:aws:logs:eu-west-1:111122223333:log-group:app-1:log-stream:s";
    assert_eq!(
        decide(&req(USER, "logs:PutLogEvents", stream), &set),
        Decision::Allowed
    );
    // A wildcard in the region field does not swallow the account field.
    let set = identity(&allow("logs:PutLogEvents", "arn:aws:logs:*:log-group:app*"));
    assert_eq!(
        decide(&req(USER, "logs:PutLogEvents", stream), &set),
        Decision::ImplicitDeny
    );
}

// 1. SCPs: each level must allow; a deny anywhere wins.
#[test]
fn scp_levels_each_must_allow() {
    let mut set = identity(&allow("*", "*"));
    let full = pol("FullAWSAccess", &allow("*", "*"));
    let only_s3 = pol("ou-s3-only.json", &allow("s3:*", "*"));
    set.scp_levels = vec![vec![full.clone()], vec![only_s3]];
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &set),
        Decision::Allowed
    );
    let e = evaluate(&req(USER, "ec2:RunInstances", "*"), &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Scp);
    assert_eq!(e.deciding[0].file.as_deref(), Some("ou-s3-only.json"));
    // An explicit deny in an SCP.
    set.scp_levels = vec![vec![
        full,
        pol(
            "region-lock.json",
            r#"{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
        ),
    ]];
    let r = with(
        req(USER, "s3:GetObject", OBJECT),
        "aws:RequestedRegion",
        &["us-east-1"],
    );
    let e = evaluate(&r, &set);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("DenyOutsideEU"));
    let r = with(
        req(USER, "s3:GetObject", OBJECT),
        "aws:RequestedRegion",
        &["eu-west-1"],
    );
    assert_eq!(decide(&r, &set), Decision::Allowed);
    // Unknown region: denied (StringNotEquals holds on a missing key), and it depends on it.
    let e = evaluate(&req(USER, "s3:GetObject", OBJECT), &set);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.depends_on, vec!["aws:RequestedRegion".to_string()]);
}

// 2. Permissions boundary limits identity policies.
#[test]
fn boundary_limits_identity_allows() {
    let mut set = identity(&allow("*", "*"));
    set.boundary = Some(pol("boundary.json", &allow("s3:*", "*")));
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &set),
        Decision::Allowed
    );
    let e = evaluate(&req(USER, "iam:CreateUser", "*"), &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Boundary);
}

// 3. Resource policies: a deny wins; same-account grants depend on the principal named.
#[test]
fn resource_policy_deny_and_same_account_grants() {
    let deny = PolicySet {
        identity: vec![pol("id.json", &allow("s3:*", "*"))],
        resource: Some(pol(
            "bucket.json",
            r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"}"#,
        )),
        ..PolicySet::default()
    };
    let e = evaluate(&req(USER, "s3:GetObject", OBJECT), &deny);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Resource);

    let grant = |principal: &str| PolicySet {
        resource: Some(pol(
            "bucket.json",
            &format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}}"#
            ),
        )),
        boundary: Some(pol("boundary.json", &allow("ec2:*", "*"))),
        ..PolicySet::default()
    };
    // The user named itself: grants alone, even past the boundary's implicit deny.
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &grant(USER)),
        Decision::Allowed
    );
    // The role named, a session asks: the boundary still limits.
    let by_role = grant("arn:aws:iam::111122223333:role/app");
    let e = evaluate(&req(SESSION, "s3:GetObject", OBJECT), &by_role);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert!(
        e.deciding
            .iter()
            .any(|d| d.policy_type == PolicyType::Boundary)
    );
    let mut no_boundary = by_role.clone();
    no_boundary.boundary = None;
    assert_eq!(
        decide(&req(SESSION, "s3:GetObject", OBJECT), &no_boundary),
        Decision::Allowed
    );
    // The session named itself: not limited by the boundary.
    assert_eq!(
        decide(&req(SESSION, "s3:GetObject", OBJECT), &grant(SESSION)),
        Decision::Allowed
    );
    // The account named: identity policies must allow.
    let mut by_account = grant("arn:aws:iam::111122223333:root");
    by_account.boundary = None;
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &by_account),
        Decision::ImplicitDeny
    );
    by_account.identity = vec![pol("id.json", &allow("s3:GetObject", "*"))];
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &by_account),
        Decision::Allowed
    );
}

#[test]
fn cross_account_needs_both_sides() {
    let bucket = pol(
        "bucket.json",
        &format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{OTHER_USER}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}}"#
        ),
    );
    let mut set = PolicySet {
        resource: Some(bucket),
        ..PolicySet::default()
    };
    let r = req(OTHER_USER, "s3:GetObject", OBJECT);
    let e = evaluate(&r, &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Identity);
    set.identity = vec![pol("id.json", &allow("s3:GetObject", "*"))];
    assert_eq!(decide(&r, &set), Decision::Allowed);
    set.resource = None;
    let e = evaluate(&r, &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Resource);
}

// 4. KMS: the key policy must allow; IAM counts only through the account delegation.
#[test]
fn kms_key_policy_must_allow() {
    let key = "arn:aws:kms:eu-west-1:111122223333:key/1234";
    let mut set = identity(&allow("kms:*", "*"));
    set.resource_must_allow = true;
    set.resource = Some(pol(
        "key.json",
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"kms:*","Resource":"*"}"#,
    ));
    let e = evaluate(&req(USER, "kms:Decrypt", key), &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Resource);
    set.resource = Some(pol(
        "key.json",
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#,
    ));
    assert_eq!(
        decide(&req(USER, "kms:Decrypt", key), &set),
        Decision::Allowed
    );
    set.identity.clear();
    assert_eq!(
        decide(&req(USER, "kms:Decrypt", key), &set),
        Decision::ImplicitDeny
    );
}

// 5. VPC endpoint policies limit requests through the endpoint.
#[test]
fn vpc_endpoint_policy_limits() {
    let mut set = identity(&allow("s3:*", "*"));
    set.vpc_endpoints = vec![pol(
        "vpce.json",
        r#"{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bucket/*"]}"#,
    )];
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &set),
        Decision::Allowed
    );
    let e = evaluate(&req(USER, "s3:GetObject", "arn:aws:s3:::fourth/x"), &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::VpcEndpoint);
}

// 6. Session policies limit the role's permissions.
#[test]
fn session_policy_limits() {
    let mut set = identity(&allow("*", "*"));
    set.session = vec![pol("session.json", &allow("s3:GetObject", "*"))];
    assert_eq!(
        decide(&req(SESSION, "s3:GetObject", OBJECT), &set),
        Decision::Allowed
    );
    let e = evaluate(&req(SESSION, "s3:PutObject", OBJECT), &set);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.deciding[0].policy_type, PolicyType::Session);
}

// 7. Condition keys: a NotIpAddress deny and its report.
#[test]
fn condition_keys_and_reports() {
    let set = identity(&format!(
        r#"{},{{"Sid":"OfficeOnly","Effect":"Deny","Action":"*","Resource":"*","Condition":{{"NotIpAddress":{{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}}}}"#,
        allow("*", "*")
    ));
    let r = with(
        req(USER, "s3:GetObject", OBJECT),
        "aws:SourceIp",
        &["198.51.100.7"],
    );
    let e = evaluate(&r, &set);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    let c = &e.policies[0].statements[1].conditions[0];
    assert_eq!(c.key, "aws:SourceIp");
    assert_eq!(c.request_values, Some(vec!["198.51.100.7".to_string()]));
    assert!(c.held);
    for ip in ["203.0.113.9", "2001:db8::1"] {
        let r = with(req(USER, "s3:GetObject", OBJECT), "aws:SourceIp", &[ip]);
        assert_eq!(decide(&r, &set), Decision::Allowed, "{ip}");
    }
}

#[test]
fn rcp_denies_and_full_access_is_implied() {
    let mut set = identity(&allow("s3:*", "*"));
    set.rcp_levels = vec![vec![pol(
        "tls.json",
        r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}"#,
    )]];
    let r = req(USER, "s3:GetObject", OBJECT);
    assert_eq!(decide(&r, &set), Decision::ExplicitDeny);
    let r = with(r, "aws:SecureTransport", &["true"]);
    assert_eq!(decide(&r, &set), Decision::Allowed);
}

fn cond(op: &str, key: &str, values: &str) -> PolicySet {
    identity(&format!(
        r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{{"{op}":{{"{key}":{values}}}}}}}"#
    ))
}

fn holds(op: &str, values: &str, request: &[&str]) -> bool {
    let r = with(req(USER, "s3:GetObject", OBJECT), "k:k", request);
    decide(&r, &cond(op, "k:k", values)) == Decision::Allowed
}

#[test]
fn string_operators() {
    assert!(holds("StringEquals", r#"["a","b"]"#, &["b"]));
    assert!(!holds("StringEquals", r#""a*""#, &["ab"]));
    assert!(holds("StringLike", r#""a*""#, &["ab"]));
    assert!(holds("StringLike", r#""a?c""#, &["abc"]));
    assert!(!holds("StringLike", r#""A*""#, &["ab"]));
    assert!(holds("StringEqualsIgnoreCase", r#""ABC""#, &["abc"]));
    assert!(holds("StringNotEquals", r#""a""#, &["b"]));
    assert!(!holds("StringNotLike", r#"["x","a*"]"#, &["ab"]));
    assert!(!holds("StringNotEqualsIgnoreCase", r#""A""#, &["a"]));
}

#[test]
fn numeric_date_bool_binary_arn_operators() {
    assert!(holds("NumericLessThan", "10", &["9.5"]));
    assert!(!holds("NumericLessThan", "10", &["10"]));
    assert!(holds("NumericLessThanEquals", r#""10""#, &["10"]));
    assert!(holds("NumericGreaterThanEquals", "3", &["3"]));
    assert!(holds("NumericNotEquals", "3", &["4"]));
    assert!(!holds("NumericEquals", "3", &["three"]));
    assert!(holds(
        "DateLessThan",
        r#""2030-01-01T00:00:00Z""#,
        &["2029-12-31T23:59:59Z"]
    ));
    assert!(holds("DateGreaterThan", r#""2020-01-01""#, &["1700000000"]));
    assert!(holds(
        "DateEquals",
        r#""2024-05-01T12:00:00+02:00""#,
        &["2024-05-01T10:00:00Z"]
    ));
    assert!(!holds("DateLessThan", r#""2020-01-01""#, &["not a date"]));
    assert!(holds("Bool", "true", &["true"]));
    assert!(!holds("Bool", r#""true""#, &["false"]));
    assert!(holds("BinaryEquals", r#""QmluYXJ5""#, &["QmluYXJ5"]));
    assert!(holds(
        "ArnLike",
        r#""arn:aws:iam::*:role/admin-*""#,
        &["arn:aws:iam::111122223333:role/admin-x"]
    ));
    assert!(holds(
        "ArnEquals",
        r#""arn:aws:iam::111122223333:role/*""#,
        &["arn:aws:iam::111122223333:role/x"]
    ));
    assert!(!holds(
        "ArnLike",
        r#""arn:aws:iam::*:role/*""#,
        &["not-an-arn"]
    ));
    assert!(holds(
        "ArnNotLike",
        r#""arn:aws:iam::*:role/a""#,
        &["arn:aws:iam::1:role/b"]
    ));
}

#[test]
fn missing_keys_if_exists_and_null() {
    let r = req(USER, "s3:GetObject", OBJECT);
    let d = |op: &str, v: &str| decide(&r, &cond(op, "k:k", v));
    assert_eq!(d("StringEquals", r#""a""#), Decision::ImplicitDeny);
    assert_eq!(d("StringEqualsIfExists", r#""a""#), Decision::Allowed);
    assert_eq!(d("StringNotEquals", r#""a""#), Decision::Allowed);
    assert_eq!(d("ForAllValues:StringEquals", r#""a""#), Decision::Allowed);
    assert_eq!(
        d("ForAnyValue:StringEquals", r#""a""#),
        Decision::ImplicitDeny
    );
    assert_eq!(d("Null", "true"), Decision::Allowed);
    assert_eq!(d("Null", "false"), Decision::ImplicitDeny);
    assert!(holds("Null", "false", &["x"]));
    assert!(!holds("Null", "true", &["x"]));
    assert!(!holds("StringEqualsIfExists", r#""a""#, &["b"]));
    let e = evaluate(&r, &cond("StringEquals", "k:k", r#""a""#));
    assert_eq!(e.depends_on, vec!["k:k".to_string()]);
}

#[test]
fn set_qualifiers_over_multi_valued_keys() {
    let v = r#"["a","b"]"#;
    assert!(holds("ForAllValues:StringEquals", v, &["a", "b"]));
    assert!(!holds("ForAllValues:StringEquals", v, &["a", "c"]));
    assert!(holds("ForAnyValue:StringEquals", v, &["c", "a"]));
    assert!(!holds("ForAnyValue:StringEquals", v, &["c", "d"]));
    assert!(holds("ForAnyValue:StringNotEquals", v, &["a", "c"]));
    assert!(!holds("ForAllValues:StringNotEquals", v, &["a", "c"]));
    assert!(holds("ForAllValues:StringNotEquals", v, &["c", "d"]));
    // No qualifier: any value for a plain operator, none for a negated one.
    assert!(holds("StringEquals", v, &["c", "a"]));
    assert!(!holds("StringNotEquals", v, &["c", "a"]));
    // Several keys and several operators are ANDed.
    let set = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k:a":"1","k:b":"2"},"Bool":{"k:c":"true"}}}"#,
    );
    let r = with(
        with(req(USER, "s3:GetObject", OBJECT), "k:a", &["1"]),
        "K:B",
        &["2"],
    );
    assert_eq!(decide(&r, &set), Decision::ImplicitDeny);
    assert_eq!(decide(&with(r, "k:c", &["true"]), &set), Decision::Allowed);
}

#[test]
fn policy_variables_and_escapes() {
    let set = identity(&allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/${aws:username}/*",
    ));
    assert_eq!(
        decide(
            &req(USER, "s3:GetObject", "arn:aws:s3:::bucket/home/alice/f"),
            &set
        ),
        Decision::Allowed
    );
    assert_eq!(
        decide(
            &req(USER, "s3:GetObject", "arn:aws:s3:::bucket/home/bob/f"),
            &set
        ),
        Decision::ImplicitDeny
    );
    // A role session has no aws:username: the value matches nothing.
    assert_eq!(
        decide(
            &req(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/home/alice/f"),
            &set
        ),
        Decision::ImplicitDeny
    );
    // ${*} is a literal star.
    let set = identity(&allow("s3:GetObject", "arn:aws:s3:::bucket/${*}"));
    assert_eq!(
        decide(&req(USER, "s3:GetObject", "arn:aws:s3:::bucket/*"), &set),
        Decision::Allowed
    );
    assert_eq!(
        decide(&req(USER, "s3:GetObject", "arn:aws:s3:::bucket/x"), &set),
        Decision::ImplicitDeny
    );
    // Tags in conditions; a default value.
    let set = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'none'}"}}}"#,
    );
    let r = with(
        req(USER, "s3:GetObject", OBJECT),
        "aws:ResourceTag/team",
        &["none"],
    );
    assert_eq!(decide(&r, &set), Decision::Allowed);
    let r = with(r, "aws:PrincipalTag/team", &["red"]);
    assert_eq!(decide(&r, &set), Decision::ImplicitDeny);
    // Version 2008-10-17: no substitution.
    let old = PolicySet {
        identity: vec![
            EvalPolicy::parse(
                "old.json",
                r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username}"}}"#,
            )
            .unwrap(),
        ],
        ..PolicySet::default()
    };
    assert_eq!(
        decide(&req(USER, "s3:GetObject", "arn:aws:s3:::b/alice"), &old),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &req(USER, "s3:GetObject", "arn:aws:s3:::b/${aws:username}"),
            &old
        ),
        Decision::Allowed
    );
}

#[test]
fn principals_and_not_principal() {
    let bucket = |p: &str| PolicySet {
        resource: Some(pol(
            "b.json",
            &format!(
                r#"{{"Effect":"Allow",{p},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}}"#
            ),
        )),
        ..PolicySet::default()
    };
    let r = req(USER, "s3:GetObject", OBJECT);
    assert_eq!(decide(&r, &bucket(r#""Principal":"*""#)), Decision::Allowed);
    assert_eq!(
        decide(
            &r,
            &bucket(r#""Principal":{"AWS":"arn:aws:iam::111122223333:user/carol"}"#)
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &r,
            &bucket(r#""NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/carol"}"#)
        ),
        Decision::Allowed
    );
    assert_eq!(
        decide(
            &r,
            &bucket(&format!(r#""NotPrincipal":{{"AWS":"{USER}"}}"#))
        ),
        Decision::ImplicitDeny
    );
    let svc = Request {
        principal: Some("cloudtrail.amazonaws.com".to_string()),
        ..r.clone()
    };
    assert_eq!(
        decide(
            &svc,
            &bucket(r#""Principal":{"Service":"cloudtrail.amazonaws.com"}"#)
        ),
        Decision::Allowed
    );
}

#[test]
fn derived_context_keys() {
    let set = identity(
        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"},"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}"#,
    );
    assert_eq!(
        decide(&req(SESSION, "s3:GetObject", OBJECT), &set),
        Decision::Allowed
    );
    assert_eq!(
        decide(&req(USER, "s3:GetObject", OBJECT), &set),
        Decision::ImplicitDeny
    );
}

#[test]
fn dates_parse_as_aws_writes_them() {
    use super::condition::date_millis;
    assert_eq!(date_millis("1970-01-01"), Some(0));
    assert_eq!(date_millis("1970-01-02T00:00:00Z"), Some(86_400_000));
    assert_eq!(date_millis("1970-01-01T00:00:01.250Z"), Some(1250));
    assert_eq!(date_millis("1970-01-01T01:00:00+01:00"), Some(0));
    assert_eq!(date_millis("86400"), Some(86_400_000));
    assert_eq!(date_millis("2024-13-01"), None);
    assert_eq!(date_millis("yesterday"), None);
}

#[test]
fn which_resources_need_their_own_policy() {
    let key = "arn:aws:kms:eu-west-1:111122223333:key/1234";
    assert!(resource_policy_required("kms:Decrypt", key));
    assert!(!resource_policy_required(
        "kms:CreateAlias",
        "arn:aws:kms:eu-west-1:111122223333:alias/a"
    ));
    assert!(resource_policy_required(
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/app"
    ));
    assert!(!resource_policy_required("s3:GetObject", OBJECT));
}
