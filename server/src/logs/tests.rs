//! Corpus tests for the log scanners: denial messages of every shape, encoded blobs, decoded
//! messages, and snapshots of rendered explanations.

use super::*;
use crate::syntax::{Member, Node, NodeKind, Span};

// ---------------------------------------------------------------------------------------------
// Helpers.

/// A deterministic blob-like token of `len` characters from `[A-Za-z0-9_-]`.
fn fake_blob(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}

fn slice(text: &str, s: Span) -> &str {
    &text[s.start..s.end]
}

/// What a corpus entry must produce. `None` fields are not checked; `Some(None)` asserts absence.
#[derive(Default)]
struct Expect {
    principal: Option<Option<&'static str>>,
    kind: Option<PrincipalKind>,
    action: Option<Option<&'static str>>,
    resource: Option<Option<&'static str>>,
    policy_type: Option<Option<PolicyType>>,
    deny: Option<DenyKind>,
    policy_arn: Option<Option<&'static str>>,
    operation: Option<Option<&'static str>>,
    code: Option<Option<&'static str>>,
    form: Option<Form>,
    wrapper: Option<Wrapper>,
    /// The message span's text, with line breaks as written.
    span_text: Option<&'static str>,
    service: Option<&'static str>,
}

fn check(name: &str, text: &str, e: &Expect) {
    let found: Vec<Denial> = denials(text).collect();
    assert_eq!(
        found.len(),
        1,
        "{name}: expected one denial, got {found:#?}"
    );
    let d = &found[0];
    if let Some(p) = e.principal {
        assert_eq!(
            d.principal.as_ref().map(|p| p.text.as_str()),
            p,
            "{name}: principal"
        );
        if let (Some(pr), Some(want)) = (&d.principal, p)
            && let Some(span) = pr.span
        {
            assert_eq!(slice(text, span), want, "{name}: principal span");
        }
    }
    if let Some(k) = &e.kind {
        assert_eq!(
            d.principal.as_ref().map(|p| &p.kind),
            Some(k),
            "{name}: kind"
        );
    }
    if let Some(a) = e.action {
        assert_eq!(
            d.action.as_ref().map(|a| a.text.as_str()),
            a,
            "{name}: action"
        );
    }
    if let Some(r) = e.resource {
        assert_eq!(
            d.resource.as_ref().map(|r| r.text.as_str()),
            r,
            "{name}: resource"
        );
    }
    if let Some(t) = e.policy_type {
        assert_eq!(d.source.policy_type, t, "{name}: policy type");
    }
    if let Some(k) = e.deny {
        assert_eq!(d.source.kind, k, "{name}: deny kind");
    }
    if let Some(p) = e.policy_arn {
        assert_eq!(
            d.policy.as_ref().map(|p| p.arn.as_str()),
            p,
            "{name}: policy arn"
        );
        if let Some(span) = d.policy.as_ref().and_then(|p| p.span) {
            assert_eq!(Some(slice(text, span)), p, "{name}: policy span");
        }
    }
    if let Some(o) = e.operation {
        assert_eq!(d.operation.as_deref(), o, "{name}: operation");
    }
    if let Some(c) = e.code {
        assert_eq!(d.error_code.as_deref(), c, "{name}: error code");
    }
    if let Some(f) = e.form {
        assert_eq!(d.form, f, "{name}: form");
    }
    if let Some(w) = e.wrapper {
        assert_eq!(d.wrapper, w, "{name}: wrapper");
    }
    if let Some(s) = e.span_text {
        assert_eq!(slice(text, d.span), s, "{name}: span");
    }
    if let Some(s) = e.service {
        assert_eq!(d.service.as_deref(), Some(s), "{name}: service");
    }
}

const U: &str = "arn:aws:iam::111111111111:user/deploy-bot";
const SCP_ARN: &str =
    "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd";

fn modern(reason: &str, resource: Option<&str>) -> String {
    let on = resource.map_or(String::new(), |r| format!(" on resource: {r}"));
    format!("User: {U} is not authorized to perform: s3:GetObject{on} {reason}")
}

// ---------------------------------------------------------------------------------------------
// The modern shape: every policy type, implicit and explicit, with and without resource / ARN.

#[test]
fn logs_every_policy_type_implicit_because_no() {
    let cases = [
        ("identity-based policy", PolicyType::IdentityBased),
        ("resource-based policy", PolicyType::ResourceBased),
        ("permissions boundary", PolicyType::PermissionsBoundary),
        ("session policy", PolicyType::Session),
        ("service control policy", PolicyType::ServiceControl),
        ("resource control policy", PolicyType::ResourceControl),
        ("VPC endpoint policy", PolicyType::VpcEndpoint),
    ];
    for (i, (phrase, ty)) in cases.iter().enumerate() {
        let reason = format!("because no {phrase} allows the s3:GetObject action");
        // Alternate with and without a resource.
        let resource = (i % 2 == 0).then_some("arn:aws:s3:::my-bucket/config.json");
        let text = format!("2026-03-07T10:00:00Z ERROR {}\n", modern(&reason, resource));
        let d = parse_message(&text).expect("denial");
        assert_eq!(d.source.policy_type, Some(*ty), "{phrase}");
        assert_eq!(d.source.kind, DenyKind::Implicit, "{phrase}");
        assert_eq!(
            d.resource.as_ref().map(|r| r.text.as_str()),
            resource,
            "{phrase}"
        );
        assert_eq!(
            d.action.as_ref().map(|a| a.name.as_str()),
            Some("GetObject")
        );
        assert!(d.policy.is_none());
        assert!(slice(&text, d.span).starts_with("User: "));
        assert!(
            slice(&text, d.span).ends_with("s3:GetObject action"),
            "{phrase}"
        );
        assert_eq!(
            d.source.span.map(|s| slice(&text, s)),
            Some(reason.as_str()),
            "{phrase}: reason span"
        );
    }
}

#[test]
fn logs_every_policy_type_explicit_with_and_without_arn() {
    let cases: [(&str, PolicyType, &str); 7] = [
        (
            "an identity-based policy",
            PolicyType::IdentityBased,
            "arn:aws:iam::111111111111:policy/guards/DenyOutsideEU",
        ),
        (
            "a resource-based policy",
            PolicyType::ResourceBased,
            "arn:aws:s3:::my-bucket",
        ),
        (
            "a permissions boundary",
            PolicyType::PermissionsBoundary,
            "arn:aws:iam::111111111111:policy/dev-boundary",
        ),
        (
            "a session policy",
            PolicyType::Session,
            "arn:aws:iam::111111111111:policy/ci-session",
        ),
        (
            "a service control policy",
            PolicyType::ServiceControl,
            SCP_ARN,
        ),
        (
            "a resource control policy",
            PolicyType::ResourceControl,
            "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/resource_control_policy/p-rcp0001",
        ),
        (
            "a VPC endpoint policy",
            PolicyType::VpcEndpoint,
            "arn:aws:ec2:eu-central-1:111111111111:vpc-endpoint/vpce-0abc",
        ),
    ];
    for (phrase, ty, arn) in cases {
        for with_arn in [false, true] {
            let reason = if with_arn {
                format!("with an explicit deny in {phrase}: {arn}")
            } else {
                format!("with an explicit deny in {phrase}")
            };
            let text = modern(&reason, Some("arn:aws:s3:::my-bucket/a.txt"));
            let name = format!("{phrase} arn={with_arn}");
            check(
                &name,
                &text,
                &Expect {
                    principal: Some(Some(U)),
                    action: Some(Some("s3:GetObject")),
                    resource: Some(Some("arn:aws:s3:::my-bucket/a.txt")),
                    policy_type: Some(Some(ty)),
                    deny: Some(DenyKind::Explicit),
                    policy_arn: Some(with_arn.then_some(arn)),
                    ..Expect::default()
                },
            );
            let d = parse_message(&text).expect("denial");
            assert_eq!(
                slice(&text, d.span),
                text,
                "{name}: whole text is the message"
            );
        }
    }
}

#[test]
fn logs_implicit_deny_in_wording() {
    for (phrase, ty) in [
        ("a permissions boundary", PolicyType::PermissionsBoundary),
        ("a service control policy", PolicyType::ServiceControl),
        ("an identity-based policy", PolicyType::IdentityBased),
        ("a resource control policy", PolicyType::ResourceControl),
    ] {
        let text = format!(
            "User: arn:aws:iam::111111111111:role/dev-role is not authorized to perform: s3:DeleteBucket with an implicit deny in {phrase}"
        );
        check(
            phrase,
            &text,
            &Expect {
                kind: Some(PrincipalKind::IamRole {
                    name: "dev-role".into(),
                    path: "/".into(),
                }),
                action: Some(Some("s3:DeleteBucket")),
                resource: Some(None),
                policy_type: Some(Some(ty)),
                deny: Some(DenyKind::Implicit),
                policy_arn: Some(None),
                ..Expect::default()
            },
        );
    }
}

#[test]
fn logs_principal_kinds() {
    let cases: Vec<(&str, PrincipalKind)> = vec![
        (
            "arn:aws:sts::123456789012:assumed-role/Dev/alice",
            PrincipalKind::AssumedRole {
                role_name: "Dev".into(),
                session_name: "alice".into(),
            },
        ),
        (
            "arn:aws:sts::123456789012:federated-user/bob",
            PrincipalKind::FederatedUser { name: "bob".into() },
        ),
        ("arn:aws:iam::123456789012:root", PrincipalKind::Root),
        ("anonymous", PrincipalKind::Anonymous),
        (
            "cloudtrail.amazonaws.com",
            PrincipalKind::Service {
                name: "cloudtrail.amazonaws.com".into(),
            },
        ),
        (
            "arn:aws-cn:iam::123456789012:user/ops/zhang",
            PrincipalKind::IamUser {
                name: "zhang".into(),
                path: "/ops/".into(),
            },
        ),
    ];
    for (p, kind) in cases {
        let text = format!(
            "User: {p} is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::logs/x because no identity-based policy allows the s3:PutObject action"
        );
        check(
            p,
            &text,
            &Expect {
                principal: Some(Some(p)),
                kind: Some(kind),
                ..Expect::default()
            },
        );
    }
}

#[test]
fn logs_no_reason_and_policy_kinds() {
    // The pre-2021 shape: no reason at all.
    let text = "User: arn:aws:iam::111111111111:role/app-role is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::my-bucket/config.json";
    check(
        "no reason",
        text,
        &Expect {
            deny: Some(DenyKind::Unknown),
            policy_type: Some(None),
            resource: Some(Some("arn:aws:s3:::my-bucket/config.json")),
            span_text: Some(text),
            ..Expect::default()
        },
    );
    // AWS managed and inline policy ARNs.
    let text = modern(
        "with an explicit deny in an identity-based policy: arn:aws:iam::aws:policy/AWSDenyAll",
        None,
    );
    let d = parse_message(&text).expect("denial");
    assert_eq!(
        d.policy.map(|p| p.kind),
        Some(PolicyKind::AwsManaged {
            name: "AWSDenyAll".into(),
            path: "/".into()
        })
    );
    let text = modern(
        "with an explicit deny in an identity-based policy: arn:aws:iam::111111111111:user/deploy-bot.",
        None,
    );
    let d = parse_message(&text).expect("denial");
    let p = d.policy.expect("policy");
    assert_eq!(
        p.arn, "arn:aws:iam::111111111111:user/deploy-bot",
        "trailing dot dropped"
    );
    assert!(matches!(
        p.kind,
        PolicyKind::Inline {
            owner: InlineOwner::User,
            ..
        }
    ));
}

// ---------------------------------------------------------------------------------------------
// Wrapped lines (the log's own wrapping) and JSON strings.

#[test]
fn logs_wrapped_over_lines_before_and_after_2026() {
    let before = "User: arn:aws:iam::123456789012:user/deploy-bot is not authorized\nto perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/*\nwith an explicit deny in a service control policy\n";
    check(
        "before",
        before,
        &Expect {
            principal: Some(Some("arn:aws:iam::123456789012:user/deploy-bot")),
            action: Some(Some("iam:ListRoles")),
            resource: Some(Some("arn:aws:iam::123456789012:role/*")),
            policy_type: Some(Some(PolicyType::ServiceControl)),
            deny: Some(DenyKind::Explicit),
            policy_arn: Some(None),
            span_text: Some(before.trim_end()),
            ..Expect::default()
        },
    );
    let after = format!(
        "User: arn:aws:iam::123456789012:user/deploy-bot is not authorized\nto perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/*\nwith an explicit deny in a service control policy:\n{SCP_ARN}\nnext line of the log\n"
    );
    let d = parse_message(&after).expect("denial");
    let p = d.policy.expect("policy ARN on the next line");
    assert_eq!(p.arn, SCP_ARN);
    assert_eq!(p.organizations_policy_id(), Some("p-2kgnabcd"));
    assert_eq!(p.org_id(), Some("o-qv5af4abcd"));
    assert!(slice(&after, d.span).ends_with("p-2kgnabcd"));
    // Indented continuation lines (a pretty-printer's wrapping).
    let indented = "ERROR  User: arn:aws:sts::111111111111:assumed-role/ci/build-42\n        is not authorized to perform: ecr:PutImage\n        on resource: arn:aws:ecr:eu-west-1:111111111111:repository/app\n        because no resource-based policy allows the ecr:PutImage action\n";
    check(
        "indented",
        indented,
        &Expect {
            action: Some(Some("ecr:PutImage")),
            resource: Some(Some("arn:aws:ecr:eu-west-1:111111111111:repository/app")),
            policy_type: Some(Some(PolicyType::ResourceBased)),
            deny: Some(DenyKind::Implicit),
            ..Expect::default()
        },
    );
}

#[test]
fn logs_messages_inside_json_strings() {
    let line = format!(
        r#"{{"level":"error","ts":1741341600,"msg":"User: {U} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::my-bucket/k with an explicit deny in a service control policy: {SCP_ARN}","caller":"app/main.go:42"}}"#
    );
    check(
        "json",
        &line,
        &Expect {
            principal: Some(Some(U)),
            policy_arn: Some(Some(SCP_ARN)),
            policy_type: Some(Some(PolicyType::ServiceControl)),
            ..Expect::default()
        },
    );
    let d = parse_message(&line).expect("denial");
    assert!(
        slice(&line, d.span).ends_with("p-2kgnabcd"),
        "stops at the closing quote"
    );

    // Escaped newlines and quotes, inside a string inside a string.
    let nested = r#"{"log":"{\"error\":\"upload failed:\\nUser: arn:aws:sts::111111111111:assumed-role/app/i-0abc is not authorized to perform: s3:PutObject on resource: \\\"arn:aws:s3:::uploads/a b.txt\\\" because no identity-based policy allows the s3:PutObject action\\n  at upload()\"}"}"#;
    check(
        "nested",
        nested,
        &Expect {
            principal: Some(Some("arn:aws:sts::111111111111:assumed-role/app/i-0abc")),
            action: Some(Some("s3:PutObject")),
            policy_type: Some(Some(PolicyType::IdentityBased)),
            deny: Some(DenyKind::Implicit),
            ..Expect::default()
        },
    );
    // Escaped slashes (some JSON writers escape `/`).
    let slashes = r#"{"message":"User: arn:aws:iam::111111111111:user\/ops\/bot is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:eu-west-1:111111111111:q because no VPC endpoint policy allows the sqs:SendMessage action"}"#;
    let d = parse_message(slashes).expect("denial");
    assert_eq!(
        d.principal.as_ref().map(|p| p.kind.clone()),
        Some(PrincipalKind::IamUser {
            name: "bot".into(),
            path: "/ops/".into()
        })
    );
    assert_eq!(
        d.principal.and_then(|p| p.span).map(|s| slice(slashes, s)),
        Some(r"arn:aws:iam::111111111111:user\/ops\/bot"),
        "the span covers the escaped source text"
    );
    assert_eq!(d.source.policy_type, Some(PolicyType::VpcEndpoint));
}

// ---------------------------------------------------------------------------------------------
// CLI and SDK shapes.

#[test]
fn logs_cli_and_sdk_shapes() {
    let t = "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied";
    check(
        "cli bare",
        t,
        &Expect {
            operation: Some(Some("GetObject")),
            code: Some(Some("AccessDenied")),
            form: Some(Form::AccessDenied),
            wrapper: Some(Wrapper::Cli),
            deny: Some(DenyKind::Unknown),
            span_text: Some(t),
            principal: Some(None),
            ..Expect::default()
        },
    );
    let t = "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::111111111111:assumed-role/ci/gh-run is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/deploy\n";
    check(
        "cli assume role",
        t,
        &Expect {
            operation: Some(Some("AssumeRole")),
            action: Some(Some("sts:AssumeRole")),
            resource: Some(Some("arn:aws:iam::222222222222:role/deploy")),
            wrapper: Some(Wrapper::Cli),
            form: Some(Form::NotAuthorized),
            span_text: Some(
                t.trim_end()
                    .trim_start_matches("botocore.exceptions.ClientError: "),
            ),
            ..Expect::default()
        },
    );
    let t = "An error occurred (AccessDeniedException) when calling the Decrypt operation:\nThe cipherbase is not authorized to perform: kms:Decrypt on the resource: arn:aws:kms:eu-central-1:111111111111:key/abc-123\n";
    check(
        "cli kms",
        t,
        &Expect {
            operation: Some(Some("Decrypt")),
            code: Some(Some("AccessDeniedException")),
            action: Some(Some("kms:Decrypt")),
            resource: Some(Some("arn:aws:kms:eu-central-1:111111111111:key/abc-123")),
            principal: Some(None),
            service: Some("kms"),
            ..Expect::default()
        },
    );
    let t = "An error occurred (403) when calling the HeadObject operation: Forbidden";
    check(
        "cli 403",
        t,
        &Expect {
            operation: Some(Some("HeadObject")),
            code: Some(Some("403")),
            form: Some(Form::Forbidden),
            span_text: Some(t),
            ..Expect::default()
        },
    );
    let t = "An error occurred (AccessDenied) when calling the ListBuckets operation (reached max retries: 4): Access Denied";
    check(
        "cli retries",
        t,
        &Expect {
            operation: Some(Some("ListBuckets")),
            form: Some(Form::AccessDenied),
            span_text: Some(t),
            ..Expect::default()
        },
    );
    let t = "AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/lambda-exec/fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:111111111111:table/orders because no identity-based policy allows the dynamodb:PutItem action";
    check(
        "js exception",
        t,
        &Expect {
            wrapper: Some(Wrapper::ExceptionName),
            code: Some(Some("AccessDeniedException")),
            action: Some(Some("dynamodb:PutItem")),
            policy_type: Some(Some(PolicyType::IdentityBased)),
            span_text: Some(t),
            ..Expect::default()
        },
    );
    let t = "operation error S3: GetObject, https response error StatusCode: 403, RequestID: 8XYZ, HostID: abc=, api error AccessDenied: Access Denied";
    check(
        "go sdk",
        t,
        &Expect {
            wrapper: Some(Wrapper::GoSdk),
            operation: Some(Some("GetObject")),
            code: Some(Some("AccessDenied")),
            form: Some(Form::AccessDenied),
            service: Some("s3"),
            span_text: Some(t),
            ..Expect::default()
        },
    );
    let t = "software.amazon.awssdk.services.s3.model.S3Exception: Access Denied (Service: S3, Status Code: 403, Request ID: XYZ, Extended Request ID: abc)";
    check(
        "java v2",
        t,
        &Expect {
            form: Some(Form::AccessDenied),
            service: Some("s3"),
            span_text: Some(&t[t.find("Access Denied").unwrap_or(0)..]),
            ..Expect::default()
        },
    );
    let t = "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 1; S3 Extended Request ID: 2; Proxy: null), S3 Extended Request ID: 2";
    check(
        "java v1",
        t,
        &Expect {
            form: Some(Form::AccessDenied),
            code: Some(Some("AccessDenied")),
            service: Some("s3"),
            ..Expect::default()
        },
    );
    let t = "2026-03-07 10:00:00 WARN fetch failed: Access Denied\n";
    check(
        "bare s3",
        t,
        &Expect {
            form: Some(Form::AccessDenied),
            wrapper: Some(Wrapper::None),
            span_text: Some("Access Denied"),
            ..Expect::default()
        },
    );
    let t = "ec2 call failed code=Client.UnauthorizedOperation status=403\n";
    check(
        "code only",
        t,
        &Expect {
            form: Some(Form::ErrorCodeOnly),
            code: Some(Some("Client.UnauthorizedOperation")),
            span_text: Some("Client.UnauthorizedOperation"),
            ..Expect::default()
        },
    );
    let t = "ERROR UnauthorizedOperation: You are not authorized to perform this operation.\n";
    check(
        "unauthorized operation",
        t,
        &Expect {
            form: Some(Form::NotAuthorizedOperation),
            code: Some(Some("UnauthorizedOperation")),
            wrapper: Some(Wrapper::ExceptionName),
            span_text: Some(
                "UnauthorizedOperation: You are not authorized to perform this operation.",
            ),
            ..Expect::default()
        },
    );
}

#[test]
fn logs_kms_and_api_gateway_shapes() {
    let t = "User: arn:aws:sts::111122223333:assumed-role/reader/s1 is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access";
    let d = parse_message(t).expect("denial");
    assert_eq!(d.action.map(|a| a.text), Some("kms:Decrypt".into()));
    assert!(d.resource.is_none());
    assert!(d.hints.contains(&Hint::KmsCiphertext));
    assert_eq!(d.source.kind, DenyKind::Unknown);
    assert!(
        d.source
            .free_text
            .as_deref()
            .is_some_and(|f| f.starts_with("the resource does not exist"))
    );
    assert_eq!(slice(t, d.span), t);

    let t = r#"{"message":"User: anonymous is not authorized to access this resource"}"#;
    let d = parse_message(t).expect("denial");
    assert_eq!(d.form, Form::NotAuthorizedToAccess);
    assert_eq!(d.principal.map(|p| p.kind), Some(PrincipalKind::Anonymous));
    assert_eq!(
        slice(t, d.span),
        "User: anonymous is not authorized to access this resource"
    );
}

#[test]
fn logs_ec2_message_with_reason_and_blob() {
    let blob = fake_blob(620, 7);
    let t = format!(
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/dev/alice is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-west-2:111111111111:instance/* with an explicit deny in a service control policy. Encoded authorization failure message: {blob}\n"
    );
    let d = parse_message(&t).expect("denial");
    assert_eq!(d.form, Form::NotAuthorizedOperation);
    assert_eq!(d.operation.as_deref(), Some("RunInstances"));
    assert_eq!(d.source.policy_type, Some(PolicyType::ServiceControl));
    assert_eq!(d.source.kind, DenyKind::Explicit);
    let b = d.encoded.expect("blob");
    assert_eq!(slice(&t, b.span), blob);
    assert_eq!(b.check, BlobCheck::Ok);
    assert_eq!(d.span.end, b.span.end, "the message runs to the blob's end");
    assert!(d.hints.contains(&Hint::EncodedMessage));

    let t = format!(
        "An error occurred (UnauthorizedOperation) when calling the StartInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: {blob}"
    );
    let d = parse_message(&t).expect("denial");
    assert_eq!(d.form, Form::NotAuthorizedOperation);
    assert!(d.principal.is_none());
    assert_eq!(d.encoded.map(|b| slice(&t, b.span).len()), Some(620));
    assert_eq!(d.span, Span::new(0, t.len()));
}

// ---------------------------------------------------------------------------------------------
// CloudTrail.

fn ct_event(code: &str, message: &str, extra: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"AssumedRole","arn":"arn:aws:sts::111111111111:assumed-role/app/i-0abc","accountId":"111111111111"}},"eventTime":"2026-03-07T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-central-1","sourceIPAddress":"10.0.1.5","requestParameters":{{"bucketName":"my-bucket","key":"config.json"}},"errorCode":"{code}","errorMessage":"{message}"{extra},"recipientAccountId":"111111111111"}}"#
    )
}

#[test]
fn logs_cloudtrail_one_event_per_line() {
    let e1 = ct_event(
        "AccessDenied",
        "Access Denied",
        r#","vpcEndpointId":"vpce-0123abcd""#,
    );
    let e2 = ct_event(
        "AccessDenied",
        "User: arn:aws:sts::111111111111:assumed-role/app/i-0abc is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::my-bucket/config.json with an explicit deny in a resource-based policy",
        "",
    );
    let ok =
        r#"{"eventVersion":"1.09","eventName":"ListBuckets","eventSource":"s3.amazonaws.com"}"#;
    let other_error = ct_event("NoSuchKey", "The specified key does not exist.", "");
    let text = format!("{e1}\n{ok}\n{e2}\n{other_error}\n");
    let found: Vec<Denial> = denials(&text).collect();
    assert_eq!(found.len(), 2, "{found:#?}");

    let d = &found[0];
    assert_eq!(d.wrapper, Wrapper::CloudTrail);
    assert_eq!(d.form, Form::AccessDenied);
    assert_eq!(d.error_code.as_deref(), Some("AccessDenied"));
    assert_eq!(d.operation.as_deref(), Some("GetObject"));
    assert_eq!(
        d.action.as_ref().map(|a| a.text.as_str()),
        Some("s3:GetObject")
    );
    assert!(
        d.action.as_ref().is_some_and(|a| a.span.is_none()),
        "derived"
    );
    assert_eq!(
        d.resource.as_ref().map(|r| r.text.as_str()),
        Some("arn:aws:s3:::my-bucket/config.json")
    );
    assert_eq!(
        d.principal.as_ref().map(|p| p.kind.clone()),
        Some(PrincipalKind::AssumedRole {
            role_name: "app".into(),
            session_name: "i-0abc".into()
        })
    );
    assert!(d.hints.contains(&Hint::ViaVpcEndpoint {
        id: "vpce-0123abcd".into()
    }));
    assert_eq!(
        slice(&text, d.span),
        r#""errorCode":"AccessDenied","errorMessage":"Access Denied""#
    );
    assert_eq!(d.event_span.map(|s| slice(&text, s)), Some(e1.as_str()));
    let ct = d.cloudtrail.as_ref().expect("context");
    assert_eq!(ct.aws_region.as_deref(), Some("eu-central-1"));
    assert_eq!(ct.source_ip.as_deref(), Some("10.0.1.5"));

    let d = &found[1];
    assert_eq!(d.source.policy_type, Some(PolicyType::ResourceBased));
    assert_eq!(d.source.kind, DenyKind::Explicit);
    assert!(
        d.action.as_ref().is_some_and(|a| a.span.is_some()),
        "from the message"
    );
    let pspan = d.principal.as_ref().and_then(|p| p.span).expect("span");
    assert_eq!(
        slice(&text, pspan),
        "arn:aws:sts::111111111111:assumed-role/app/i-0abc"
    );
}

#[test]
fn logs_cloudtrail_records_pretty_and_minified() {
    let pretty = r#"{
  "Records": [
    {
      "eventVersion": "1.09",
      "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111111111111:user/alice", "accountId": "111111111111"},
      "eventTime": "2026-03-07T10:00:00Z",
      "eventSource": "ec2.amazonaws.com",
      "eventName": "RunInstances",
      "awsRegion": "us-west-2",
      "errorCode": "Client.UnauthorizedOperation",
      "errorMessage": "You are not authorized to perform this operation. User: arn:aws:iam::111111111111:user/alice is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-west-2:111111111111:instance/* with an explicit deny in a service control policy",
      "requestParameters": {"instanceType": "t3.micro"}
    },
    {
      "eventVersion": "1.09",
      "eventSource": "iam.amazonaws.com",
      "eventName": "ListRoles",
      "requestParameters": {"policy": "{\"Statement\":[{\"Effect\":\"Deny\"}]}"}
    },
    {
      "eventVersion": "1.09",
      "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/reader/s"},
      "eventSource": "kms.amazonaws.com",
      "eventName": "Decrypt",
      "errorMessage": "User: arn:aws:sts::111111111111:assumed-role/reader/s is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-west-2:111111111111:key/k-1 because no resource-based policy allows the kms:Decrypt action",
      "errorCode": "AccessDenied"
    }
  ]
}"#;
    let found: Vec<Denial> = denials(pretty).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0].error_code.as_deref(),
        Some("Client.UnauthorizedOperation")
    );
    assert_eq!(found[0].operation.as_deref(), Some("RunInstances"));
    assert_eq!(
        found[0].source.policy_type,
        Some(PolicyType::ServiceControl)
    );
    assert_eq!(found[0].form, Form::NotAuthorizedOperation);
    assert!(slice(pretty, found[0].span).starts_with("\"errorCode\""));
    assert!(slice(pretty, found[0].span).ends_with("control policy\""));
    // Swapped member order: the span still covers both members.
    assert!(slice(pretty, found[1].span).starts_with("\"errorMessage\""));
    assert!(slice(pretty, found[1].span).ends_with("\"AccessDenied\""));
    assert_eq!(found[1].source.policy_type, Some(PolicyType::ResourceBased));
    assert_eq!(found[1].source.kind, DenyKind::Implicit);

    let minified: String = pretty.lines().map(str::trim).collect();
    let found_min: Vec<Denial> = denials(&minified).collect();
    assert_eq!(found_min.len(), 2);
    assert_eq!(found_min[0].operation.as_deref(), Some("RunInstances"));
    assert_eq!(
        found_min[1].action.as_ref().map(|a| a.text.as_str()),
        Some("kms:Decrypt")
    );
    // denial_at anywhere in the second event finds it.
    let at = minified.find("kms.amazonaws.com").unwrap_or(0);
    let d = denial_at(&minified, at).expect("inside the event");
    assert_eq!(d.operation.as_deref(), Some("Decrypt"));
}

#[test]
fn logs_cloudtrail_encoded_message() {
    let blob = fake_blob(900, 3);
    let e = format!(
        r#"{{"eventVersion":"1.09","eventSource":"ec2.amazonaws.com","eventName":"CreateVolume","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/bob"}},"errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation. Encoded authorization failure message: {blob}"}}"#
    );
    let d = parse_message(&e).expect("denial");
    assert_eq!(d.wrapper, Wrapper::CloudTrail);
    assert_eq!(
        d.principal.map(|p| p.text),
        Some("arn:aws:iam::111111111111:user/bob".into())
    );
    assert_eq!(d.encoded.map(|b| slice(&e, b.span).to_string()), Some(blob));
}

// ---------------------------------------------------------------------------------------------
// Negatives, several per file, ranges, positions.

#[test]
fn logs_no_false_positives() {
    for t in [
        "bash: /etc/shadow: Permission denied",
        "mysql: access denied for user 'root'@'localhost'",
        "the request was denied by the proxy",
        "You are authorized to proceed.",
        "Unauthorized",
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.",
        "is not authorized to",
        "User: x is not authorized to perform: nonsense",
        r#"{"errorCode":"ThrottlingException","errorMessage":"Rate exceeded"}"#,
        "",
    ] {
        let found: Vec<Denial> = denials(t).collect();
        assert!(found.is_empty(), "{t:?} gave {found:#?}");
    }
}

fn mixed_log() -> String {
    let mut log = String::new();
    log.push_str("2026-03-07T10:00:00Z INFO starting\n");
    log.push_str("2026-03-07T10:00:01Z ERROR An error occurred (AccessDenied) when calling the GetObject operation: Access Denied\n");
    log.push_str("2026-03-07T10:00:02Z INFO retrying\n");
    log.push_str(&format!(
        "2026-03-07T10:00:03Z ERROR {}\n",
        modern(
            "with an explicit deny in a service control policy",
            Some("arn:aws:s3:::my-bucket/a")
        )
    ));
    log.push_str(&format!(
        "{}\n",
        ct_event("AccessDenied", "Access Denied", "")
    ));
    log.push_str("2026-03-07T10:00:05Z INFO done\n");
    log
}

#[test]
fn logs_several_per_file_in_order_without_overlap() {
    let log = mixed_log();
    let found: Vec<Denial> = denials(&log).collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].wrapper, Wrapper::Cli);
    assert_eq!(
        found[1].source.policy_type,
        Some(PolicyType::ServiceControl)
    );
    assert_eq!(found[2].wrapper, Wrapper::CloudTrail);
    for pair in found.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start, "ordered, disjoint");
    }
    assert_eq!(
        found.iter().map(Denial::label).collect::<Vec<_>>(),
        vec![
            "GetObject denied",
            "s3:GetObject denied (explicit deny, SCP)",
            "s3:GetObject denied",
        ]
    );
}

#[test]
fn logs_scan_range_and_denial_at() {
    let log = mixed_log();
    let second = log.find("User: ").unwrap_or(0);
    let line_end = second + log[second..].find('\n').unwrap_or(0);
    let in_range = scan_denials(&log, second + 10..second + 20);
    assert_eq!(in_range.len(), 1);
    assert_eq!(in_range[0].span.start, second);
    assert_eq!(in_range[0].span.end, line_end);
    let d = denial_at(&log, second + 30).expect("at");
    assert_eq!(d.span.start, second);
    assert_eq!(denial_at(&log, 5), None, "on the INFO line");
    // The end of a message still counts (cursor after the last character).
    assert!(denial_at(&log, line_end).is_some());
    assert!(scan_denials(&log, 0..0).is_empty());
    assert_eq!(scan_denials(&log, 0..log.len()).len(), 3);
    // Out-of-range input is clamped, never panics.
    assert!(scan_denials(&log, log.len() + 10..log.len() + 20).is_empty());
    assert!(denial_at(&log, usize::MAX).is_none());
}

#[test]
fn logs_denial_at_in_a_large_file_is_local() {
    let filler = "2026-03-07T10:00:00Z INFO nothing to see here, all requests authorised\n";
    let mut big = filler.repeat(60_000);
    let pos = big.len();
    big.push_str(&modern(
        "because no permissions boundary allows the s3:GetObject action",
        None,
    ));
    big.push('\n');
    big.push_str(&filler.repeat(60_000));
    let d = denial_at(&big, pos + 40).expect("found");
    assert_eq!(d.span.start, pos);
    assert_eq!(d.source.policy_type, Some(PolicyType::PermissionsBoundary));
    assert_eq!(denials(&big).count(), 1);
}

#[test]
fn logs_multibyte_text_and_odd_input_do_not_panic() {
    let inputs = [
        "é User: ünïcödé is not authorized to perform: s3:GetObject 🚀".to_string(),
        "\\\\\\\"authorized\\u00e9enied\\ud83d".to_string(),
        "\"\"\"authorized\"\"\"enied\"\"\"".to_string(),
        "{\"errorCode\":\"AccessDenied\"".to_string(),
        "{\"errorCode\":\"AccessDenied\",\"errorMessage\":\"Access Denied".to_string(),
        "User: ".repeat(1000) + "is not authorized to perform: s3:GetObject",
        "authorized".repeat(5000),
        "An error occurred (".repeat(500) + "AccessDenied",
        "€".repeat(3000) + "Access Denied" + &"€".repeat(3000),
    ];
    for t in &inputs {
        let all: Vec<Denial> = denials(t).collect();
        for d in &all {
            assert!(d.span.start <= d.span.end && d.span.end <= t.len());
            assert!(t.is_char_boundary(d.span.start) && t.is_char_boundary(d.span.end));
            let _ = explain_denial(d).to_markdown();
        }
        for off in [0, 1, 2, t.len() / 2, t.len()] {
            let _ = denial_at(t, off);
            let _ = scan_denials(t, off..off + 7);
        }
    }
    let d = parse_message(&inputs[0]).expect("denial");
    let p = d.principal.expect("the word after User: is the principal");
    assert_eq!(
        (p.text.as_str(), p.kind),
        ("ünïcödé", PrincipalKind::Unknown)
    );
    assert_eq!(p.span.map(|s| slice(&inputs[0], s)), Some("ünïcödé"));
}

#[test]
fn logs_hostile_repetitions_give_exact_results() {
    // Each would make a naive scanner quadratic; the results must still be exact.
    let n = 20_000;
    let unclosed = "{\"errorCode\":\"AccessDenied\",".repeat(n);
    let found: Vec<Denial> = denials(&unclosed).collect();
    assert_eq!(found.len(), n, "one code-only denial per fragment");
    assert!(found.iter().all(|d| d.form == Form::ErrorCodeOnly));

    let nested = format!(
        "{{\"a\":[{}]}}",
        "{\"errorCode\":\"AccessDenied\",\"errorMessage\":\"Access Denied\"},".repeat(n)
    );
    let found: Vec<Denial> = denials(&nested).collect();
    assert_eq!(found.len(), n);
    assert!(found.iter().all(|d| d.wrapper == Wrapper::CloudTrail));

    for spam in [
        "xx authorized yy ".repeat(n),
        "a is not authorized to ".repeat(n),
        "\\\"\\n\\u0041authorized\\\\enied".repeat(n),
        "User: ".repeat(n),
    ] {
        assert_eq!(denials(&spam).count(), 0);
        assert_eq!(blobs(&spam).count(), 0);
    }
    let cli = "An error occurred (AccessDenied) when calling the ".repeat(n);
    assert_eq!(
        denials(&cli).count(),
        n,
        "each opening is a code-only denial"
    );
}

// ---------------------------------------------------------------------------------------------
// Encoded blobs.

#[test]
fn logs_blobs_in_every_setting() {
    let b1 = fake_blob(480, 1);
    let b2 = fake_blob(1200, 2);
    let b3 = fake_blob(333, 3);
    let b4 = fake_blob(250, 4);
    let text = format!(
        "line one ... Encoded authorization failure message: {b1}\n\
         {{\"errorMessage\":\"You are not authorized to perform this operation. Encoded authorization failure message: {b2}\"}}\n\
         msg='ENCODED   AUTHORIZATION\n failure message:\n  \"{b3}\"'\n\
         {{\"log\":\"... Encoded authorization failure message:\\n\\\"{b4}\\\"\"}}\n"
    );
    let found: Vec<EncodedBlob> = blobs(&text).collect();
    let tokens: Vec<String> = found.iter().map(|b| b.joined_text(&text)).collect();
    assert_eq!(
        tokens,
        vec![b1.as_str(), b2.as_str(), b3.as_str(), b4.as_str()]
    );
    assert!(
        found
            .iter()
            .all(|b| b.check == BlobCheck::Ok && b.marker.is_some())
    );
    let m = found[2].marker.expect("marker");
    assert!(slice(&text, m).starts_with("ENCODED"));
    assert!(slice(&text, m).ends_with("message"));
    // Range scan near the third blob only.
    let third = text.find(&b3).unwrap_or(0);
    let near = scan_blobs(&text, third + 100..third + 101);
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].text(&text), b3);
    // blob_at with the marker, and bare.
    assert_eq!(
        blob_at(&text, third + 5).map(|b| b.marker.is_some()),
        Some(true)
    );
    let bare = format!("token {b1} end");
    let at = blob_at(&bare, 20).expect("bare blob");
    assert_eq!((at.marker, at.joined_text(&bare)), (None, b1.clone()));
    assert_eq!(blob_at(&bare, 2), None, "on a short word");
}

#[test]
fn logs_blob_checks_and_rejections() {
    let t = format!(
        "Encoded authorization failure message: {}...",
        fake_blob(150, 9)
    );
    assert_eq!(blobs(&t).next().map(|b| b.check), Some(BlobCheck::Ellipsis));
    let t = "Encoded authorization failure message: eTDFi1nQHZWuYb4Fz5f4k5LEXAMPLE";
    assert_eq!(blobs(t).next().map(|b| b.check), Some(BlobCheck::Short));
    let t = "Encoded authorization failure message: EXAMPLE";
    assert_eq!(blobs(t).count(), 0, "placeholders are not blobs");
    let t = format!(
        "Encoded authorization failure message: {}",
        fake_blob(12_000, 5)
    );
    assert_eq!(blobs(&t).next().map(|b| b.check), Some(BlobCheck::TooLong));
    let t = "encoded authorizationfailure message: abcdefghijk";
    assert_eq!(blobs(t).count(), 0, "words must be separated");

    let good = fake_blob(300, 11);
    assert_eq!(
        validate_blob(&format!("  \"{good}\"\n")),
        Ok(Span::new(3, 303))
    );
    assert_eq!(validate_blob("   "), Err(BlobRejection::Empty));
    assert_eq!(
        validate_blob(&fake_blob(60, 1)),
        Err(BlobRejection::TooShort { len: 60 })
    );
    assert_eq!(
        validate_blob(&format!("{good} x")),
        Err(BlobRejection::BadCharacter { offset: 300 })
    );
    let hex = "0123456789abcdef".repeat(8);
    assert_eq!(validate_blob(&hex), Err(BlobRejection::NotMixedCase));
    assert_eq!(
        validate_blob(&fake_blob(10_241, 2)),
        Err(BlobRejection::TooLong { len: 10_241 })
    );
    assert!(!format!("{}", BlobRejection::NotMixedCase).is_empty());
}

#[test]
fn logs_large_text_without_blobs_or_denials() {
    // ~50 MB of log lines that mention neither marker; run the scanners over all of it.
    let line = "2026-03-07T10:00:00.000Z INFO request id=7f3a9c2e path=/api/v1/items status=200 bytes=5120 authorization=Bearer-redacted zone=eu\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len());
    assert!(text.len() > 49 * 1024 * 1024);
    let started = std::time::Instant::now();
    assert_eq!(blobs(&text).count(), 0);
    let blob_time = started.elapsed();
    let started = std::time::Instant::now();
    assert_eq!(denials(&text).count(), 0);
    let denial_time = started.elapsed();
    tracing::info!(?blob_time, ?denial_time, "scanned {} bytes", text.len());
}

// ---------------------------------------------------------------------------------------------
// Decoded messages.

const DECODED_EXPLICIT: &str = r#"{"allowed":false,"explicitDeny":true,
 "matchedStatements":{"items":[{"statementId":"DenyNonEU","effect":"DENY",
   "principals":{"items":[{"value":"AROAEXAMPLE"}]},"principalGroups":{"items":[]},
   "actions":{"items":[{"value":"ec2:*"}]},"resources":{"items":[{"value":"*"}]},
   "conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"eu-central-1"},{"value":"eu-west-1"}]}}]}}]},
 "failures":{"items":[]},
 "context":{"principal":{"id":"AROAEXAMPLE:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},
   "action":"ec2:RunInstances","resource":"arn:aws:ec2:us-west-2:123456789012:instance/*",
   "conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"us-west-2"}]}},
                          {"key":"ec2:InstanceType","values":{"items":[{"value":"t3.micro"}]}}]}}}"#;

#[test]
fn logs_decoded_explicit_deny() {
    let m = DecodedMessage::parse(DECODED_EXPLICIT).expect("decoded");
    assert_eq!(m.verdict(), Verdict::ExplicitDeny);
    assert_eq!(m.matched_statements.len(), 1);
    assert_eq!(
        m.matched_statements[0].conditions[0].values,
        vec!["eu-central-1", "eu-west-1"]
    );
    assert_eq!(
        m.context_values("AWS:RequestedRegion"),
        Some(&["us-west-2".to_string()][..])
    );
    let s = summarize(&m);
    assert_eq!(
        s.headline,
        "Denied explicitly by statement DenyNonEU; the request's aws:RequestedRegion was us-west-2."
    );
    assert_eq!(s.statements.len(), 1);
    assert!(s.statements[0].decided);
    let md = s.to_markdown();
    assert!(md.contains("`ec2:InstanceType`") || md.contains("ec2:InstanceType: `t3.micro`"));
    assert!(s.to_text().contains("us-west-2"));
}

#[test]
fn logs_decoded_implicit_and_several_statements() {
    let implicit = r#"{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},
      "context":{"principal":{"arn":"arn:aws:iam::1:user/u"},"action":"s3:PutObject","resource":"arn:aws:s3:::b/k","conditions":{"items":[]}}}"#;
    let s = summarize(&DecodedMessage::parse(implicit).expect("decoded"));
    assert_eq!(s.verdict, Verdict::ImplicitDeny);
    assert_eq!(
        s.headline,
        "Denied implicitly: no statement allowed the request."
    );
    assert!(s.to_markdown().contains("Nothing allowed the request"));

    let several = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[
        {"statementId":"AllowAll","effect":"ALLOW","actions":{"items":[{"value":"*"}]}},
        {"statementId":"RequireMFA","effect":"DENY","conditions":{"items":[{"key":"aws:MultiFactorAuthPresent","values":{"items":[{"value":"false"}]}}]}},
        {"effect":"DENY","conditions":{"items":[{"key":"aws:SourceIp"}]}}]},
      "context":{"action":"iam:DeleteUser","conditions":{"items":[{"key":"aws:SourceIp","values":{"items":[{"value":"203.0.113.9"}]}}]}}}"#;
    let s = summarize(&DecodedMessage::parse(several).expect("decoded"));
    assert_eq!(
        s.headline,
        "Denied explicitly by statements RequireMFA; the request had no value for aws:MultiFactorAuthPresent and the request's aws:SourceIp was 203.0.113.9."
    );
    assert_eq!(
        s.statements.iter().map(|st| st.decided).collect::<Vec<_>>(),
        vec![false, true, true]
    );
    assert!(s.statements[2].line.starts_with("(no statement id) Deny"));

    let allow_but_denied = r#"{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[{"statementId":"S3Read","effect":"ALLOW"}]}}"#;
    let s = summarize(&DecodedMessage::parse(allow_but_denied).expect("decoded"));
    assert!(s.to_markdown().contains("yet the request was still denied"));
    assert!(s.to_markdown().contains("no context values"));
}

#[test]
fn logs_decoded_tolerates_missing_fields_and_wrappers() {
    let s = summarize(&DecodedMessage::parse("{}").expect("object"));
    assert_eq!(s.verdict, Verdict::Unknown);
    assert!(DecodedMessage::parse("[1,2]").is_none());
    assert!(DecodedMessage::parse("not json").is_none());
    let allowed = r#"{"allowed":true,"matchedStatements":[{"statementId":"Ok","effect":"Allow","actions":["s3:GetObject"]}]}"#;
    let s = summarize(&DecodedMessage::parse(allowed).expect("decoded"));
    assert_eq!(s.headline, "The request was allowed by statement Ok.");
    // The CLI's JSON output wraps the document in a string; STS's XML escapes it.
    let wrapped = serde_json::json!({ "DecodedMessage": DECODED_EXPLICIT }).to_string();
    assert_eq!(
        DecodedMessage::parse(&wrapped).map(|m| m.verdict()),
        Some(Verdict::ExplicitDeny)
    );
    let as_string = serde_json::Value::String(DECODED_EXPLICIT.to_string()).to_string();
    assert!(DecodedMessage::parse(&as_string).is_some());
    let xml = DECODED_EXPLICIT.replace('"', "&quot;");
    assert_eq!(
        DecodedMessage::parse(&xml).map(|m| m.matched_statements.len()),
        Some(1)
    );
}

fn obj(members: Vec<(&str, Node)>) -> Node {
    let members = members
        .into_iter()
        .map(|(k, v)| Member {
            key: k.into(),
            key_span: Span::default(),
            value: Some(v),
            span: Span::default(),
        })
        .collect();
    Node {
        span: Span::default(),
        kind: NodeKind::Object {
            members,
            closed: true,
        },
    }
}

fn leaf(kind: NodeKind) -> Node {
    Node {
        span: Span::default(),
        kind,
    }
}

#[test]
fn logs_decoded_detector() {
    let v: serde_json::Value = serde_json::from_str(DECODED_EXPLICIT).unwrap_or_default();
    assert!(is_decoded_value(&v));
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [], "context": {}});
    assert!(!is_decoded_value(&policy));
    assert!(!is_decoded_value(&serde_json::json!({"allowed": false})));
    assert!(!is_decoded_value(&serde_json::json!([1])));

    let root = obj(vec![
        ("allowed", leaf(NodeKind::Bool(false))),
        ("explicitDeny", leaf(NodeKind::Bool(true))),
        ("context", obj(vec![])),
    ]);
    assert!(is_decoded_message(&root));
    let policy = obj(vec![
        ("Version", leaf(NodeKind::Null)),
        ("Statement", leaf(NodeKind::Null)),
        ("allowed", leaf(NodeKind::Null)),
        ("failures", leaf(NodeKind::Null)),
    ]);
    assert!(!is_decoded_message(&policy));
    assert!(!is_decoded_message(&leaf(NodeKind::Null)));
}

// ---------------------------------------------------------------------------------------------
// Snapshots of explanations.

fn explain_text(t: &str) -> String {
    explain_denial(&parse_message(t).expect("denial")).to_markdown()
}

#[test]
fn logs_snapshot_scp_with_arn() {
    insta::assert_snapshot!(explain_text(&format!(
        "User: arn:aws:iam::111111111111:user/deploy-bot is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/* with an explicit deny in a service control policy: {SCP_ARN}"
    )));
}

#[test]
fn logs_snapshot_boundary_implicit() {
    insta::assert_snapshot!(explain_text(
        "User: arn:aws:sts::111111111111:assumed-role/dev-role/jo is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::scratch with an implicit deny in a permissions boundary"
    ));
}

#[test]
fn logs_snapshot_bare_cli_access_denied() {
    insta::assert_snapshot!(explain_text(
        "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied"
    ));
}

#[test]
fn logs_snapshot_cloudtrail_via_vpc_endpoint() {
    insta::assert_snapshot!(explain_text(&ct_event(
        "AccessDenied",
        "Access Denied",
        r#","vpcEndpointId":"vpce-0123abcd""#
    )));
}

#[test]
fn logs_snapshot_decoded_summary() {
    let m = DecodedMessage::parse(DECODED_EXPLICIT).expect("decoded");
    insta::assert_snapshot!(summarize(&m).to_markdown());
}

#[test]
fn logs_explain_text_rendering() {
    let e = explain_denial(
        &parse_message(&modern(
            "because no session policy allows the s3:GetObject action",
            Some("arn:aws:s3:::b/k"),
        ))
        .expect("denial"),
    );
    let text = e.to_text();
    assert!(text.starts_with("s3:GetObject was denied: no session policy allows it"));
    assert!(text.contains("WHAT TO CHECK NEXT"));
    assert!(text.contains("$ aws sts get-caller-identity"));
    assert!(text.contains("AttributeValue=AssumeRole"));
    assert!(!text.contains("**"), "no markdown in text output");
}

// ---------------------------------------------------------------------------------------------
// Shapes from issue 16 that the corpus of real messages does not hold.

fn one(text: &str) -> Denial {
    let found: Vec<Denial> = denials(text).collect();
    assert_eq!(found.len(), 1, "{text:?} gave {found:#?}");
    found.into_iter().next().expect("one denial")
}

#[test]
fn logs_two_word_and_unnamed_resources_keep_their_reason() {
    let d = one(
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:PassRole on resource: role XPTO with an explicit deny in an identity-based policy",
    );
    assert_eq!(d.resource.map(|r| r.text).as_deref(), Some("role XPTO"));
    assert_eq!(d.source.kind, DenyKind::Explicit);
    assert_eq!(d.source.policy_type, Some(PolicyType::IdentityBased));

    let d = one(
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:GetUser on resource: user alice because no identity-based policy allows the iam:GetUser action",
    );
    assert_eq!(d.resource.map(|r| r.text).as_deref(), Some("user alice"));
    assert_eq!(d.source.kind, DenyKind::Implicit);

    let d = one(
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:GetPolicy on resource: policy arn:aws:iam::111122223333:policy/Ops with an explicit deny",
    );
    assert_eq!(
        d.resource.map(|r| r.text).as_deref(),
        Some("policy arn:aws:iam::111122223333:policy/Ops")
    );
    assert_eq!(d.source.kind, DenyKind::Explicit);
    assert_eq!(d.source.policy_type, None);

    let d = one(
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: sqs:SendMessage on this resource because no resource-based policy allows the sqs:SendMessage action",
    );
    assert_eq!(d.resource, None);
    assert_eq!(d.source.policy_type, Some(PolicyType::ResourceBased));
    assert_eq!(d.source.kind, DenyKind::Implicit);
}

#[test]
fn logs_quoted_s3_resource_in_raw_text() {
    let d = one(
        r#"User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:CreateBucket on resource: "arn:aws:s3:::iam-demo-bucket-111122223333" because no identity-based policy allows the s3:CreateBucket action"#,
    );
    assert_eq!(
        d.resource.map(|r| r.text).as_deref(),
        Some("arn:aws:s3:::iam-demo-bucket-111122223333")
    );
    assert_eq!(d.source.policy_type, Some(PolicyType::IdentityBased));
}

#[test]
fn logs_a_message_ends_at_a_blank_line_or_a_new_record() {
    // The free text of an odd message must not swallow the next message.
    let log = "2024-01-01T00:00:00Z ERROR AccessDenied: the gateway refused it\n\
               2024-01-01T00:00:01Z ERROR User: arn:aws:iam::111122223333:user/b is not authorized to perform: s3:GetObject\n";
    let found: Vec<Denial> = denials(log).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0]
            .detail
            .as_deref()
            .is_some_and(|t| !t.contains("User:")),
        "{:?}",
        found[0].detail
    );
    assert_eq!(
        found[1].action.as_ref().map(|a| a.text.as_str()),
        Some("s3:GetObject")
    );

    let log = "User: arn:aws:iam::111122223333:user/a is not authorized to perform: s3:GetObject with an explicit deny in a service control policy:\n\n\
               arn:aws:organizations::111122223333:policy/o-x/service_control_policy/p-1 is a policy we saw last week\n";
    let d = one(log);
    assert_eq!(d.policy, None, "the policy ARN is past a blank line");
    assert_eq!(d.source.policy_type, Some(PolicyType::ServiceControl));
}

#[test]
fn logs_hard_wrapped_blob_is_joined_for_decoding() {
    let blob: String = (0..300)
        .map(|i| (b'A' + (i % 26) as u8 + if i % 3 == 0 { 32 } else { 0 }) as char)
        .collect();
    let one_line = format!(
        "UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure message: {blob}"
    );
    let wrapped: Vec<String> = one_line
        .as_bytes()
        .chunks(80)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let text = format!("{}\nstatus code: 403\n", wrapped.join("\n"));
    let found: Vec<EncodedBlob> = blobs(&text).collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].joined_text(&text), blob);
    let d = one(&text);
    assert_eq!(
        d.encoded.map(|b| b.joined_text(&text)).as_deref(),
        Some(blob.as_str())
    );
    // A blob that ends a short line is not joined with the next line's words.
    let text = format!(
        "Encoded authorization failure message: {}\nstatus code: 403",
        &blob[..120]
    );
    let found: Vec<EncodedBlob> = blobs(&text).collect();
    assert_eq!(found[0].joined_text(&text), &blob[..120]);
}

#[test]
fn logs_code_and_message_on_separate_lines_are_one_message() {
    // A CloudTrail event copied from the console, one field per line.
    let d = one(
        "errorCode: AccessDenied\nerrorMessage: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:ListBucket because no identity-based policy allows the s3:ListBucket action\nrequestParameters: null",
    );
    assert_eq!(d.error_code.as_deref(), Some("AccessDenied"));
    assert_eq!(d.action.map(|a| a.text).as_deref(), Some("s3:ListBucket"));
    // boto2's XML body.
    let d = one(
        "<Error>\n  <Code>AccessDenied</Code>\n  <Message>User: arn:aws:iam::111122223333:user/bob is not authorized to perform: sqs:SendMessage</Message>\n</Error>",
    );
    assert_eq!(d.error_code.as_deref(), Some("AccessDenied"));
    assert_eq!(d.action.map(|a| a.text).as_deref(), Some("sqs:SendMessage"));
    // A code alone on its line, then a blank line, then another log's message: two messages.
    let found: Vec<Denial> = denials(
        "AccessDenied\n\nUser: arn:aws:iam::111122223333:user/bob is not authorized to perform: sqs:SendMessage",
    )
    .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
}
