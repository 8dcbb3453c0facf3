//! Completion snapshots and checks that completions insert valid JSON.

use super::{apply, completions, render_completions};
use crate::ide::CompletionKind;

macro_rules! completion_snapshot {
    ($name:ident, $kind:expr, $fixture:expr) => {
        #[test]
        fn $name() {
            let (text, list) = completions($fixture, $kind);
            let mut out = render_completions(&text, &list, 25);
            if let Some(first) = list.items.first() {
                out.push_str(&format!("\nfirst applied:\n{}\n", apply(&text, first)));
            }
            insta::assert_snapshot!(out);
        }
    };
}

/// Applies every item and checks the result parses as JSON (`text` must be complete JSON
/// around the cursor).
fn assert_all_valid_json(fixture: &str, kind: Option<&str>) {
    let (text, list) = completions(fixture, kind);
    assert!(!list.items.is_empty(), "no completions for {fixture}");
    for item in &list.items {
        let applied = apply(&text, item);
        assert!(
            serde_json::from_str::<serde_json::Value>(&applied).is_ok(),
            "{} gives invalid JSON:\n{applied}",
            item.label
        );
    }
}

// Keys ----------------------------------------------------------------------------------------

completion_snapshot!(top_level_keys, None, r#"{"Statement": [], $0}"#);

completion_snapshot!(
    statement_keys_identity,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{$0}]}"#
);

completion_snapshot!(
    statement_keys_resource_policy,
    Some("resource"),
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", $0}]}"#
);

completion_snapshot!(
    statement_keys_trust_policy,
    Some("role-trust"),
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "$0"}]}"#
);

completion_snapshot!(
    statement_key_half_typed,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Act$0"#
);

completion_snapshot!(
    statement_key_missing_comma,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow" $0}]}"#
);

completion_snapshot!(
    principal_keys,
    Some("role-trust"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {$0}, "Action": "sts:AssumeRole"}]}"#
);

completion_snapshot!(
    condition_operators_typed,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotE$0"}}]}"#
);

completion_snapshot!(
    condition_keys_for_statement_actions,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "*", "Condition": {"StringLike": {$0}}}]}"#
);

completion_snapshot!(
    condition_keys_typed_prefix,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "*", "Condition": {"IpAddress": {"aws:Sou$0": ""}}}]}"#
);

// Values --------------------------------------------------------------------------------------

completion_snapshot!(
    version_values,
    None,
    r#"{"Version": "$0", "Statement": []}"#
);

completion_snapshot!(
    effect_values_gap,
    None,
    r#"{"Statement": [{"Effect": $0}]}"#
);

completion_snapshot!(
    effect_values_rcp,
    Some("rcp"),
    r#"{"Statement": [{"Effect": "$0", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#
);

completion_snapshot!(
    effect_bare_word,
    None,
    r#"{"Statement": [{"Effect": Al$0}]}"#
);

completion_snapshot!(
    services_empty_string,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "$0"}]}"#
);

completion_snapshot!(
    services_typed,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "dyn$0"}]}"#
);

completion_snapshot!(
    actions_of_a_service,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get$0", "Resource": "*"}]}"#
);

completion_snapshot!(
    actions_unterminated_in_array,
    None,
    "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObj$0\n}]}"
);

completion_snapshot!(
    actions_array_gap,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject" $0], "Resource": "*"}]}"#
);

completion_snapshot!(
    resource_arn_templates,
    None,
    r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "$0"}]}"#
);

completion_snapshot!(
    resource_variables,
    None,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:user$0"}]}"#
);

completion_snapshot!(
    principal_value_forms,
    Some("role-trust"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": $0, "Action": "sts:AssumeRole"}]}"#
);

completion_snapshot!(
    service_principals,
    Some("role-trust"),
    r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec$0"}, "Action": "sts:AssumeRole"}]}"#
);

completion_snapshot!(
    bool_values,
    None,
    r#"{"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "$0"}}}]}"#
);

completion_snapshot!(
    region_values,
    None,
    r#"{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-$0"]}}}]}"#
);

completion_snapshot!(
    new_statement_in_array,
    Some("resource"),
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"} $0]}"#
);

// Checks --------------------------------------------------------------------------------------

#[test]
fn completions_insert_valid_json() {
    for (fixture, kind) in [
        (r#"{"Version": "2012-10-17", "Statement": [{$0}]}"#, None),
        (
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow" $0}]}"#,
            None,
        ),
        (
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "$0"}]}"#,
            None,
        ),
        (
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "$0": "x"}]}"#,
            None,
        ),
        (r#"{"Statement": [{"Effect": $0}]}"#, None),
        (r#"{"Statement": [{"Effect": "$0"}]}"#, None),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get$0"}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": [$0 "s3:GetObject"]}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject" $0]}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "$0"}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "$0"}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Condition": {$0}}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Condition": {"StringEquals": {$0}}}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Condition": {"Bool": {"aws:SecureTransport": $0}}}]}"#,
            None,
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Principal": $0, "Action": "sts:AssumeRole"}]}"#,
            Some("role-trust"),
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Principal": {$0}, "Action": "sts:AssumeRole"}]}"#,
            Some("role-trust"),
        ),
        (
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"} $0]}"#,
            Some("resource"),
        ),
        (r#"{"Statement": [], $0}"#, None),
        (r#"{"Version": $0, "Statement": []}"#, None),
    ] {
        assert_all_valid_json(fixture, kind);
    }
}

#[test]
fn no_duplicate_quotes_when_one_was_typed() {
    // The user typed the opening quote: the item must not add another.
    let (text, list) = completions(
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetOb$0"#,
        None,
    );
    let item = list
        .items
        .iter()
        .find(|c| c.label == "s3:GetObject")
        .expect("s3:GetObject offered");
    let applied = apply(&text, item);
    assert!(
        applied.ends_with("\"Action\": \"s3:GetObject\""),
        "{applied}"
    );
}

#[test]
fn lists_are_capped_and_ranked() {
    for fixture in [
        r#"{"Statement": [{"Effect": "Allow", "Action": "$0"}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": "ec2:$0"}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {$0}}}]}"#,
    ] {
        let (_, list) = completions(fixture, None);
        assert!(list.items.len() <= super::super::completion::MAX_ITEMS);
        assert!(!list.items.is_empty());
        assert!(
            list.items.windows(2).all(|w| w[0].rank <= w[1].rank),
            "sorted by rank"
        );
    }
    // The service list puts common services first and is marked incomplete (capped).
    let (_, list) = completions(
        r#"{"Statement": [{"Effect": "Allow", "Action": "$0"}]}"#,
        None,
    );
    assert!(!list.complete);
    let labels: Vec<&str> = list
        .items
        .iter()
        .take(12)
        .map(|c| c.label.as_str())
        .collect();
    assert!(
        labels.contains(&"s3") && labels.contains(&"iam"),
        "{labels:?}"
    );
}

#[test]
fn supported_condition_keys_come_first() {
    let (_, list) = completions(
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {$0}}}]}"#,
        None,
    );
    // A global key that s3:ListBucket does not document itself.
    let first_global = list
        .items
        .iter()
        .position(|c| c.label == "aws:CalledVia")
        .expect("global keys offered");
    let prefix = list
        .items
        .iter()
        .position(|c| c.label == "s3:prefix")
        .expect("s3:prefix offered");
    assert!(prefix < first_global, "s3:prefix ranks before global keys");
    assert!(
        list.items
            .iter()
            .all(|c| c.kind == CompletionKind::ConditionKey)
    );
}

#[test]
fn elements_follow_the_policy_kind() {
    let labels = |kind: Option<&str>| -> Vec<String> {
        let (_, list) = completions(r#"{"Statement": [{$0}]}"#, kind);
        list.items.into_iter().map(|c| c.label).collect()
    };
    let identity = labels(None);
    assert!(!identity.contains(&"Principal".to_string()), "{identity:?}");
    assert!(identity.contains(&"Resource".to_string()));
    let trust = labels(Some("role-trust"));
    assert!(trust.contains(&"Principal".to_string()));
    assert!(!trust.contains(&"Resource".to_string()), "{trust:?}");
    assert!(!trust.contains(&"NotPrincipal".to_string()));
    let scp = labels(Some("scp"));
    assert!(!scp.contains(&"Principal".to_string()));
    // Elements already present are not offered again, nor their twins.
    let (_, list) = completions(r#"{"Statement": [{"Action": "s3:*", $0}]}"#, None);
    assert!(
        list.items
            .iter()
            .all(|c| c.label != "Action" && c.label != "NotAction")
    );
}
