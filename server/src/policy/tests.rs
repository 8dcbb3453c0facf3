//! Tests for the policy model and kind detection, over inline fixtures.

use super::*;
use crate::syntax::{Parse, Span, parse};

/// The source text under `span`.
fn text(src: &str, span: Span) -> &str {
    &src[span.start..span.end]
}

fn with_policy<R>(src: &str, f: impl FnOnce(&Policy<'_>) -> R) -> R {
    let parse: Parse = parse(src);
    let policy = Policy::from_parse(&parse);
    f(&policy)
}

fn kind_of(src: &str) -> (PolicyKind, Reason) {
    with_policy(src, detect_kind)
}

// ---------------------------------------------------------------- model: top level

#[test]
fn full_policy_model_keeps_every_span() {
    let src = r#"{
  "Version": "2012-10-17",
  "Id": "Example",
  "Statement": [
    {
      "Sid": "ReadBucket",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": "arn:aws:s3:::bucket/*"
    }
  ]
}"#;
    with_policy(src, |p| {
        assert_eq!(p.version_str(), Some("2012-10-17"));
        let v = p.version.as_ref().unwrap();
        assert_eq!(text(src, v.key.span), "\"Version\"");
        assert_eq!(text(src, v.value_span), "\"2012-10-17\"");
        assert_eq!(text(src, v.ok().unwrap().content), "2012-10-17");
        assert_eq!(p.id.as_ref().unwrap().ok().unwrap().value, "Example");

        let form = p.statement.as_ref().unwrap();
        assert!(
            matches!(form.ok(), Some(StatementForm::Array { closed: true, invalid_items }) if invalid_items.is_empty())
        );
        assert!(text(src, form.value_span).starts_with('['));

        assert_eq!(p.statements.len(), 1);
        let st = &p.statements[0];
        assert_eq!(st.index, 0);
        assert!(text(src, st.span).starts_with('{') && text(src, st.span).ends_with('}'));
        assert_eq!(st.sid_str(), Some("ReadBucket"));
        assert_eq!(st.effect(), Some(Effect::Allow));
        let actions: Vec<&str> = st.actions().map(|a| text(src, a.span)).collect();
        assert_eq!(actions, ["\"s3:GetObject\"", "\"s3:ListBucket\""]);
        let action = st.action.as_ref().unwrap();
        assert!(action.ok().unwrap().array);
        assert_eq!(text(src, action.key.span), "\"Action\"");
        let res: Vec<&str> = st.resources().map(|r| r.value).collect();
        assert_eq!(res, ["arn:aws:s3:::bucket/*"]);
        assert!(!st.resource.as_ref().unwrap().ok().unwrap().array);
        assert!(p.unknown_elements.is_empty() && st.unknown_elements.is_empty());
        assert!(p.statement_at(st.span.start + 3).is_some());
        assert!(p.statement_at(0).is_none());
    });
}

#[test]
fn single_statement_object_form() {
    let src =
        r#"{"Statement": {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["a", "b"]}}"#;
    with_policy(src, |p| {
        assert!(matches!(
            p.statement.as_ref().unwrap().ok(),
            Some(StatementForm::Object)
        ));
        assert_eq!(p.statements.len(), 1);
        let st = &p.statements[0];
        assert_eq!(st.effect(), Some(Effect::Deny));
        assert_eq!(
            st.not_actions().map(|s| s.value).collect::<Vec<_>>(),
            ["iam:*"]
        );
        assert_eq!(st.not_resources().count(), 2);
        assert!(st.action.is_none() && st.resource.is_none());
        assert!(p.version.is_none());
    });
}

#[test]
fn unknown_and_duplicate_elements_are_kept() {
    let src = r#"{"Version": "2012-10-17", "version": "x", "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Effect": "Deny", "action": "s3:*", "Foo": 1}]}"#;
    with_policy(src, |p| {
        // First occurrence is modelled.
        assert_eq!(p.version_str(), Some("2012-10-17"));
        assert_eq!(p.unknown_elements.len(), 1);
        assert_eq!(p.unknown_elements[0].key.name, "version");
        assert_eq!(p.duplicate_elements.len(), 1);
        let dup = &p.duplicate_elements[0];
        assert_eq!(dup.key.name, "Version");
        assert_eq!(text(src, dup.span), "\"Version\": \"2008-10-17\"");
        assert_eq!(dup.first, p.version.as_ref().unwrap().key.span);

        let st = &p.statements[0];
        assert_eq!(st.effect(), Some(Effect::Allow));
        assert_eq!(st.duplicate_elements.len(), 1);
        assert_eq!(st.duplicate_elements[0].key.name, "Effect");
        let unknown: Vec<&str> = st.unknown_elements.iter().map(|e| e.key.name).collect();
        assert_eq!(unknown, ["action", "Foo"]);
        assert_eq!(text(src, st.unknown_elements[1].span), "\"Foo\": 1");
    });
}

#[test]
fn invalid_effect_value_is_a_string_without_an_effect() {
    with_policy(r#"{"Statement": [{"Effect": "allow"}]}"#, |p| {
        let st = &p.statements[0];
        assert_eq!(st.effect.as_ref().unwrap().ok().unwrap().value, "allow");
        assert_eq!(st.effect(), None);
    });
}

// ---------------------------------------------------------------- model: wrong types

#[test]
fn wrong_json_types_are_represented() {
    let src = r#"{"Version": 2012, "Statement": [{"Sid": true, "Effect": ["Allow"],
        "Action": 5, "Resource": {"a": 1}, "Principal": ["*"], "Condition": "x",
        "NotAction": ["ok", 7, null]}, "junk", 3]}"#;
    with_policy(src, |p| {
        let v = p.version.as_ref().unwrap().invalid().unwrap();
        assert_eq!(v.found, JsonType::Number);
        assert_eq!(text(src, v.span), "2012");

        let Some(StatementForm::Array { invalid_items, .. }) = p.statement.as_ref().unwrap().ok()
        else {
            panic!("array form expected");
        };
        let bad: Vec<(usize, JsonType)> =
            invalid_items.iter().map(|(i, v)| (*i, v.found)).collect();
        assert_eq!(bad, [(1, JsonType::String), (2, JsonType::Number)]);
        assert_eq!(p.statements.len(), 1);

        let st = &p.statements[0];
        assert_eq!(
            st.sid.as_ref().unwrap().invalid().unwrap().found,
            JsonType::Bool
        );
        assert_eq!(
            st.effect.as_ref().unwrap().invalid().unwrap().found,
            JsonType::Array
        );
        let action = st.action.as_ref().unwrap().invalid().unwrap();
        assert_eq!(
            (action.found, text(src, action.span)),
            (JsonType::Number, "5")
        );
        assert_eq!(
            st.resource.as_ref().unwrap().invalid().unwrap().found,
            JsonType::Object
        );
        assert_eq!(
            st.principal.as_ref().unwrap().invalid().unwrap().found,
            JsonType::Array
        );
        assert_eq!(
            st.condition.as_ref().unwrap().invalid().unwrap().found,
            JsonType::String
        );

        let na = st.not_action.as_ref().unwrap().ok().unwrap();
        assert_eq!(na.strings().map(|s| s.value).collect::<Vec<_>>(), ["ok"]);
        let bad: Vec<(JsonType, &str)> =
            na.invalid().map(|i| (i.found, text(src, i.span))).collect();
        assert_eq!(bad, [(JsonType::Number, "7"), (JsonType::Null, "null")]);
        assert_eq!(na.items.len(), 3, "order and count are kept");
    });
}

#[test]
fn statement_of_wrong_type_and_root_of_wrong_type() {
    with_policy(r#"{"Statement": "x"}"#, |p| {
        let inv = p.statement.as_ref().unwrap().invalid().unwrap();
        assert_eq!(inv.found, JsonType::String);
        assert!(p.statements.is_empty());
    });
    with_policy(r#"[{"Effect": "Allow"}]"#, |p| {
        assert_eq!(p.root_invalid.unwrap().found, JsonType::Array);
        assert!(p.statements.is_empty() && p.statement.is_none());
    });
    with_policy("", |p| {
        assert!(p.root.is_none() && p.root_invalid.is_none());
        assert_eq!(p.span, Span::new(0, 0));
    });
}

#[test]
fn json_type_names_and_syntax_problems() {
    assert_eq!(JsonType::Number.name(), "number");
    assert_eq!(JsonType::Bool.name(), "boolean");
    assert!(JsonType::Missing.is_syntax_problem());
    assert!(JsonType::Error.is_syntax_problem());
    assert!(!JsonType::Object.is_syntax_problem());
}

// ---------------------------------------------------------------- model: half-typed input

#[test]
fn half_typed_statement_yields_its_typed_parts() {
    let src = r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get"#;
    with_policy(src, |p| {
        assert_eq!(p.statements.len(), 1);
        let st = &p.statements[0];
        assert!(!st.closed);
        assert_eq!(st.effect(), Some(Effect::Allow));
        let actions: Vec<&Str<'_>> = st.actions().collect();
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].value, "s3:Get");
        assert!(!actions[0].terminated);
        assert_eq!(text(src, actions[0].content), "s3:Get");
        let list = st.action.as_ref().unwrap().ok().unwrap();
        assert!(list.array && !list.closed);
        assert!(matches!(
            p.statement.as_ref().unwrap().ok(),
            Some(StatementForm::Array { closed: false, .. })
        ));
    });
}

#[test]
fn missing_values_are_invalid_missing_after_the_key() {
    let src = r#"{"Statement":[{"Effect":"Deny","Resource":"#;
    with_policy(src, |p| {
        let st = &p.statements[0];
        assert_eq!(st.effect(), Some(Effect::Deny));
        let res = st.resource.as_ref().unwrap();
        let inv = res.invalid().unwrap();
        assert!(inv.found.is_syntax_problem(), "found {:?}", inv.found);
        assert!(inv.span.start >= res.key.span.end);
    });
}

#[test]
fn garbage_input_never_panics() {
    for src in [
        "{",
        "}",
        "[",
        "\"",
        "{\"Statement\"",
        "{\"Statement\":[",
        "{\"Statement\":[{",
        "{\"Statement\":[{\"Principal\":{\"AWS\":[",
        "{\"Statement\":[{\"Condition\":{\"StringEquals\":{\"k\":[",
        "{\"Statement\":{\"Condition\":{\"Bool\":",
        "nul",
        "{\"Statement\":[1,[2],{}]}",
        "{{{{",
        "{\"Statement\":[{\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"",
        "\u{feff}{\"é\":\"ü\"}",
        "{\"Statement\":[{\"Condition\":[]}]}",
    ] {
        with_policy(src, |p| {
            let _ = detect_kind(p);
        });
    }
}

// ---------------------------------------------------------------- model: principals

#[test]
fn principal_wildcard_string() {
    with_policy(
        r#"{"Statement":[{"Principal":"*","NotPrincipal":"arn:x"}]}"#,
        |p| {
            let st = &p.statements[0];
            let pr = st.principal.as_ref().unwrap().ok().unwrap();
            assert!(pr.is_wildcard_string());
            assert!(pr.entries().is_empty());
            let np = st.not_principal.as_ref().unwrap().ok().unwrap();
            assert!(matches!(np, Principal::Str(s) if s.value == "arn:x"));
            assert!(!np.is_wildcard_string());
        },
    );
}

#[test]
fn principal_all_map_forms_with_spans() {
    let src = r#"{"Statement":[{"Principal":{
        "AWS": ["arn:aws:iam::111122223333:root", "444455556666"],
        "Service": "ec2.amazonaws.com",
        "Federated": "cognito-identity.amazonaws.com",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
        "aws": "*",
        "Group": 5
    }}]}"#;
    with_policy(src, |p| {
        let pr = p.statements[0].principal.as_ref().unwrap().ok().unwrap();
        let Principal::Map(map) = pr else {
            panic!("map expected")
        };
        assert!(map.closed);
        let kinds: Vec<Option<PrincipalType>> = map.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                Some(PrincipalType::Aws),
                Some(PrincipalType::Service),
                Some(PrincipalType::Federated),
                Some(PrincipalType::CanonicalUser),
                None,
                None
            ]
        );
        let aws: Vec<&str> = map.entries[0]
            .strings()
            .map(|s| text(src, s.span))
            .collect();
        assert_eq!(
            aws,
            ["\"arn:aws:iam::111122223333:root\"", "\"444455556666\""]
        );
        assert!(map.entries[0].field.ok().unwrap().array);
        assert!(!map.entries[1].field.ok().unwrap().array);
        assert_eq!(text(src, map.entries[4].key.span), "\"aws\"");
        assert_eq!(
            map.entries[5].field.invalid().unwrap().found,
            JsonType::Number
        );
        assert!(pr.has_type(PrincipalType::Federated));
        assert!(pr.has_type(PrincipalType::Aws) && pr.has_type(PrincipalType::CanonicalUser));
        // values() walks every string under every key, known or not.
        assert_eq!(pr.values().count(), 6);
        assert_eq!(PrincipalType::from_key("AWS"), Some(PrincipalType::Aws));
        assert_eq!(PrincipalType::from_key("aws"), None);
    });
}

#[test]
fn empty_principal_object_and_array() {
    with_policy(
        r#"{"Statement":[{"Principal":{},"NotPrincipal":{"AWS":[]}}]}"#,
        |p| {
            let st = &p.statements[0];
            assert!(
                st.principal
                    .as_ref()
                    .unwrap()
                    .ok()
                    .unwrap()
                    .entries()
                    .is_empty()
            );
            let np = st.not_principal.as_ref().unwrap().ok().unwrap();
            assert!(np.entries()[0].field.ok().unwrap().is_empty());
        },
    );
}

// ---------------------------------------------------------------- model: conditions

#[test]
fn condition_forms_keep_operator_key_value_spans_and_types() {
    let src = r#"{"Statement":[{"Condition":{
        "StringEquals": {"aws:PrincipalTag/team": ["dev", "ops"], "s3:prefix": "home/"},
        "NumericLessThan": {"s3:max-keys": 10},
        "Bool": {"aws:SecureTransport": false},
        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 5, true, null]},
        "DateGreaterThan": {"aws:CurrentTime": {"x": 1}},
        "Null": 3
    }}]}"#;
    with_policy(src, |p| {
        let cond = p.statements[0].condition.as_ref().unwrap().ok().unwrap();
        assert_eq!(cond.blocks.len(), 6);
        let ops: Vec<&str> = cond.blocks.iter().map(|b| b.operator.name).collect();
        assert_eq!(
            ops,
            [
                "StringEquals",
                "NumericLessThan",
                "Bool",
                "ForAnyValue:StringLikeIfExists",
                "DateGreaterThan",
                "Null"
            ]
        );
        assert_eq!(text(src, cond.blocks[0].operator.span), "\"StringEquals\"");

        let se = cond.blocks[0].entries();
        assert_eq!(se.len(), 2);
        assert_eq!(text(src, se[0].key.span), "\"aws:PrincipalTag/team\"");
        let vals: Vec<&str> = se[0].values().iter().map(|v| text(src, v.span())).collect();
        assert_eq!(vals, ["\"dev\"", "\"ops\""]);
        assert!(se[0].field.ok().unwrap().array);
        assert!(!se[1].field.ok().unwrap().array);
        assert_eq!(se[1].values()[0].text(), Some("home/"));

        let num = &cond.blocks[1].entries()[0].values()[0];
        assert_eq!(num.json_type(), JsonType::Number);
        assert_eq!(num.text(), Some("10"));
        let b = &cond.blocks[2].entries()[0].values()[0];
        assert!(matches!(b, Scalar::Bool { value: false, .. }));
        assert_eq!(b.text(), Some("false"));

        let mixed: Vec<JsonType> = cond.blocks[3].entries()[0]
            .values()
            .iter()
            .map(|v| v.json_type())
            .collect();
        assert_eq!(
            mixed,
            [
                JsonType::String,
                JsonType::Number,
                JsonType::Bool,
                JsonType::Null
            ]
        );
        let parts = cond.blocks[3].parts();
        assert_eq!(parts.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(parts.base, "StringLike");
        assert!(parts.if_exists);

        let obj = cond.blocks[4].entries()[0].field.invalid().unwrap();
        assert_eq!(obj.found, JsonType::Object);
        let null_block = cond.blocks[5].field.invalid().unwrap();
        assert_eq!(
            (null_block.found, text(src, null_block.span)),
            (JsonType::Number, "3")
        );
        assert!(cond.blocks[5].entries().is_empty());
        assert_eq!(cond.entries().count(), 6);
    });
}

#[test]
fn condition_duplicate_keys_are_all_kept() {
    let src = r#"{"Statement":[{"Condition":{"StringEquals":{"aws:username":"a","AWS:UserName":"b"},"StringEquals":{}}}]}"#;
    with_policy(src, |p| {
        let cond = p.statements[0].condition.as_ref().unwrap().ok().unwrap();
        assert_eq!(cond.blocks.len(), 2);
        let keys: Vec<&str> = cond.blocks[0]
            .entries()
            .iter()
            .map(|e| e.key.name)
            .collect();
        assert_eq!(keys, ["aws:username", "AWS:UserName"]);
    });
}

#[test]
fn operator_parts_split() {
    let p = OperatorParts::split("StringEquals");
    assert_eq!(
        (p.qualifier, p.base, p.if_exists),
        (None, "StringEquals", false)
    );
    let p = OperatorParts::split("ForAllValues:ArnLike");
    assert_eq!(
        (p.qualifier, p.base),
        (Some(SetQualifier::ForAllValues), "ArnLike")
    );
    let p = OperatorParts::split("IfExists");
    assert_eq!((p.base, p.if_exists), ("IfExists", false));
    let p = OperatorParts::split("forallvalues:StringLike");
    assert_eq!(p.qualifier, None, "qualifiers are case-sensitive");
}

// ---------------------------------------------------------------- kinds: facts and names

#[test]
fn kind_names_round_trip_and_aliases() {
    for k in PolicyKind::ALL {
        assert_eq!(PolicyKind::from_name(k.name()), Some(k));
        assert_eq!(k.to_string(), k.name());
    }
    assert_eq!(PolicyKind::from_name("trust"), Some(PolicyKind::RoleTrust));
    assert_eq!(
        PolicyKind::from_name("Boundary"),
        Some(PolicyKind::PermissionsBoundary)
    );
    assert_eq!(
        PolicyKind::from_name("SERVICE_CONTROL_POLICY"),
        Some(PolicyKind::ServiceControl)
    );
    assert_eq!(PolicyKind::from_name("kms"), Some(PolicyKind::KmsKey));
    assert_eq!(
        PolicyKind::from_name("vpc endpoint"),
        Some(PolicyKind::VpcEndpoint)
    );
    assert_eq!(PolicyKind::from_name("scpp"), None);
    assert!(PolicyKind::accepted_names().contains("permissions-boundary"));
    for (alias, kind) in PolicyKind::aliases() {
        assert_eq!(PolicyKind::from_name(alias), Some(*kind));
    }
}

#[test]
fn kind_facts() {
    let id = PolicyKind::Identity.facts();
    assert!(id.can_grant);
    assert_eq!(id.principal, Presence::Forbidden);
    assert_eq!(id.size_quota.chars, 6_144);
    assert!(!id.size_quota.counts_whitespace);
    assert_eq!(PolicyKind::ServiceControl.facts().size_quota.chars, 5_120);
    assert!(!PolicyKind::ServiceControl.facts().can_grant);
    assert_eq!(PolicyKind::ResourceControl.facts().size_quota.chars, 5_120);
    assert_eq!(PolicyKind::RoleTrust.facts().resource, Presence::Forbidden);
    assert_eq!(PolicyKind::RoleTrust.facts().size_quota.chars, 2_048);
    assert_eq!(PolicyKind::KmsKey.facts().size_quota.chars, 32_768);
    assert_eq!(PolicyKind::VpcEndpoint.facts().size_quota.chars, 20_480);
    assert!(PolicyKind::VpcEndpoint.facts().size_quota.counts_whitespace);
    assert_eq!(PolicyKind::Session.facts().size_quota.chars, 2_048);
    assert!(!PolicyKind::PermissionsBoundary.facts().can_grant);
    assert!(PolicyKind::Resource.is_resource_like());
    assert!(!PolicyKind::Identity.is_resource_like());
    for k in PolicyKind::ALL {
        assert!(!k.facts().size_quota.source.is_empty());
    }
}

#[test]
fn no_resource_policy_quota_is_under_the_minimum() {
    let mut known = 0;
    for svc in crate::catalog::catalog().services() {
        if let Some(q) = crate::policy::resource_policy_quota(svc.prefix()) {
            known += 1;
            assert!(
                q.chars >= crate::policy::kind::MIN_RESOURCE_POLICY_QUOTA,
                "{}",
                svc.prefix()
            );
            assert!(q.source.starts_with("https://"), "{}", svc.prefix());
        }
    }
    assert!(known >= 4);
}

#[test]
fn size_measure_counts_characters_not_bytes() {
    let q = PolicyKind::Identity.facts().size_quota;
    assert_eq!(q.measure("{ \"a\" :\n\t\"é\" }"), 9);
    let scp = PolicyKind::ServiceControl.facts().size_quota;
    assert_eq!(scp.measure("{ \"a\" }"), 7);
    assert!(!q.exceeded_by(&"a".repeat(6_144)));
    assert!(q.exceeded_by(&"a".repeat(6_145)));
    assert!(!q.exceeded_by(&format!("{}{}", "a".repeat(6_144), " ".repeat(100))));
}

// ---------------------------------------------------------------- kinds: detection

#[test]
fn detect_identity() {
    let (k, r) = kind_of(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    );
    assert_eq!(k, PolicyKind::Identity);
    assert!(r.as_str().contains("no Principal"), "{r}");
}

#[test]
fn detect_region_lock_deny_file_as_scp() {
    // Only Deny, no Principal, a region lock: an SCP by content.
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"DenyLeaveOrg","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"},
        {"Sid":"DenyRegions","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
         "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1"]}}}]}"#;
    let (k, r) = kind_of(text);
    assert_eq!(k, PolicyKind::ServiceControl);
    assert!(r.as_str().contains("aws:RequestedRegion"), "{r}");
    assert_eq!(with_policy(text, crate::policy::assumed_kind_note), None);
}

#[test]
fn detect_org_wide_deny_files_as_scps() {
    let deny = |condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{condition}}}]}}"#
        )
    };
    for condition in [
        r#"{"StringNotEqualsIfExists":{"aws:ResourceOrgID":"o-abc"}}"#,
        r#"{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}"#,
        r#"{"ForAllValues:StringNotLike":{"aws:PrincipalOrgPaths":"o-abc/r-1/*"}}"#,
        r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}"#,
    ] {
        assert_eq!(
            kind_of(&deny(condition)).0,
            PolicyKind::ServiceControl,
            "{condition}"
        );
    }
    // Not organization-wide, or not negated: still an identity policy, with the note.
    for condition in [
        r#"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
        r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/alice"}}"#,
        r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#,
    ] {
        let text = deny(condition);
        assert_eq!(kind_of(&text).0, PolicyKind::Identity, "{condition}");
        let note = with_policy(&text, crate::policy::assumed_kind_note).expect("a note");
        assert!(
            note.contains("--kind scp") && note.contains("[kinds]"),
            "{note}"
        );
    }
    // An Allow beside the region lock, or a Principal: not an SCP.
    let with_allow = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#;
    assert_eq!(kind_of(with_allow).0, PolicyKind::Identity);
    assert_eq!(
        with_policy(with_allow, crate::policy::assumed_kind_note),
        None
    );
    let with_principal = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#;
    assert_eq!(kind_of(with_principal).0, PolicyKind::Resource);
}

#[test]
fn detect_empty_is_identity() {
    let (k, r) = kind_of("{}");
    assert_eq!(k, PolicyKind::Identity);
    assert!(r.as_str().contains("no statements"), "{r}");
    assert_eq!(kind_of("").0, PolicyKind::Identity);
}

#[test]
fn detect_bucket_policy_as_resource() {
    let (k, r) = kind_of(
        r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"},
        {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*",
         "Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"],
         "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
    assert!(r.as_str().contains("Principal"), "{r}");
}

#[test]
fn deny_only_bucket_policy_stays_resource() {
    // Looks like an RCP (Deny, Principal "*", s3 only) but names the bucket.
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
        "Resource":"arn:aws:s3:::bucket/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn deny_only_secret_policy_on_star_stays_resource() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue",
        "Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn detect_role_trust_for_service() {
    let (k, r) = kind_of(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    assert_eq!(k, PolicyKind::RoleTrust);
    assert!(r.as_str().contains("role trust"), "{r}");
}

#[test]
fn detect_role_trust_oidc() {
    let (k, r) = kind_of(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
                     "StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/repo:*"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::RoleTrust);
    assert!(r.as_str().contains("Federated"), "{r}");
}

#[test]
fn detect_role_trust_saml_with_tag_session() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},
        "Action":["sts:AssumeRoleWithSAML","sts:TagSession"],
        "Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::RoleTrust);
}

#[test]
fn detect_role_trust_cross_account_with_several_statements() {
    let (k, _) = kind_of(
        r#"{"Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",
         "Condition":{"StringEquals":{"sts:ExternalId":"abc"}}},
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
         "Action":["sts:TagSession","sts:SetSourceIdentity"]}]}"#,
    );
    assert_eq!(k, PolicyKind::RoleTrust);
}

#[test]
fn federated_with_other_sts_actions_is_still_trust() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},
        "Action":["sts:AssumeRoleWithWebIdentity","sts:GetCallerIdentity"]}]}"#,
    );
    assert_eq!(k, PolicyKind::RoleTrust);
}

#[test]
fn tag_session_alone_is_not_trust() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":"sts:TagSession"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn detect_kms_key_policy_with_root_statement() {
    let (k, r) = kind_of(
        r#"{"Version":"2012-10-17","Id":"key-default-1","Statement":[
        {"Sid":"Enable IAM User Permissions","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
        {"Sid":"Allow use","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},
         "Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}"#,
    );
    assert_eq!(k, PolicyKind::KmsKey);
    assert!(r.as_str().contains("kms:"), "{r}");
}

#[test]
fn kms_actions_on_a_named_resource_are_not_a_key_policy() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-central-1:111122223333:key/abc"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn detect_rcp_multi_service() {
    let (k, r) = kind_of(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny",
        "Principal":"*","Action":["s3:*","sqs:*","kms:*","secretsmanager:*","sts:AssumeRole"],
        "Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"},
        "BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::ResourceControl);
    assert!(r.as_str().contains("RCP"), "{r}");
}

#[test]
fn detect_rcp_s3_only_on_star() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
        "Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::ResourceControl);
}

#[test]
fn detect_rcp_with_full_access_allow() {
    let (k, _) = kind_of(
        r#"{"Statement":[
        {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*",
         "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::ResourceControl);
}

#[test]
fn full_access_allow_alone_is_the_default_vpc_endpoint_policy_not_an_rcp() {
    let (k, r) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
    );
    assert_eq!(k, PolicyKind::VpcEndpoint);
    assert!(r.as_str().contains("VPC endpoint"), "{r}");
}

#[test]
fn detect_vpc_endpoint_policies() {
    // Several services' actions, everyone, `{"AWS": "*"}` too.
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:GetObject","kms:Decrypt"],
        "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::VpcEndpoint);
    // One service only: a resource policy says the same.
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
    // A named principal, or a Deny, is not a VPC endpoint policy's shape.
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn detect_single_service_rcp_for_a_service_without_resource_policies() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":["cognito-idp:DeleteUserPool"],"Resource":"*"}]}"#,
    );
    assert_eq!(k, PolicyKind::ResourceControl);
    // SQS has queue policies that can say exactly this.
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*",
        "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn services_without_resource_policies_are_rcp_services() {
    for svc in crate::policy::kind::RCP_SERVICES_WITHOUT_RESOURCE_POLICIES {
        assert!(
            crate::policy::is_rcp_service(svc),
            "{svc} is not an RCP service in the catalog"
        );
    }
}

#[test]
fn rcp_shape_with_unsupported_service_is_resource() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:*","ec2:*"],"Resource":"*"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
}

#[test]
fn not_principal_only_is_resource() {
    let (k, r) = kind_of(
        r#"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    assert_eq!(k, PolicyKind::Resource);
    assert!(r.as_str().contains("NotPrincipal"), "{r}");
}

#[test]
fn half_typed_trust_policy_is_detected() {
    let (k, _) = kind_of(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"#,
    );
    assert_eq!(k, PolicyKind::RoleTrust);
}
