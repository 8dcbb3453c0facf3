//! Rules that belong to one policy kind: role trust policies (NotPrincipal, Resource, wildcard
//! principal, federated providers, OIDC and GitHub conditions, Roles Anywhere), SCPs and RCPs.
//!
//! Helpers shared by these rules live here: IAM wildcard matching of actions, identity provider
//! classification of `Federated` values, and condition lookups for the RCP guard keys.

use super::Rule;
use super::principals::{condition_entries, has_variable, is_account_id, is_partition, parse_arn};
use crate::catalog::operators::{KeyMissing, operator};
pub(crate) use crate::catalog::wildcard_match;
use crate::policy::{Statement, StrList};

pub mod audience_claim_for_any_value;
pub mod github_oidc_broad_sub;
pub mod github_oidc_missing_sub;
pub mod invalid_federated_principal;
pub mod mismatched_action_for_principal;
pub mod oidc_principal_without_condition;
pub mod rcp_allow;
pub mod rcp_missing_principal_guard;
pub mod rcp_missing_service_guard;
pub mod rcp_missing_source_null_check;
pub mod rcp_not_action;
pub mod rcp_principal;
pub mod rcp_unsupported_service;
pub mod redundant_principal_in_trust_policy;
pub mod role_trust_not_principal;
pub mod role_trust_resource;
pub mod role_trust_wildcard_principal;
pub mod roles_anywhere_missing_actions;
pub mod scp_principal;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &role_trust_not_principal::RULE,
    &role_trust_wildcard_principal::RULE,
    &role_trust_resource::RULE,
    &invalid_federated_principal::RULE,
    &mismatched_action_for_principal::RULE,
    &roles_anywhere_missing_actions::RULE,
    &oidc_principal_without_condition::RULE,
    &github_oidc_missing_sub::RULE,
    &github_oidc_broad_sub::RULE,
    &audience_claim_for_any_value::RULE,
    &redundant_principal_in_trust_policy::RULE,
    &scp_principal::RULE,
    &rcp_principal::RULE,
    &rcp_allow::RULE,
    &rcp_not_action::RULE,
    &rcp_unsupported_service::RULE,
    &rcp_missing_principal_guard::RULE,
    &rcp_missing_service_guard::RULE,
    &rcp_missing_source_null_check::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[
    (
        "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
        "since September 2025 SCPs accept wildcards anywhere in an action in the commercial and \
         GovCloud partitions; whether the other partitions do is not published in the data \
         iam-ls has, and an SCP's partition is rarely visible in its text, so a finding would \
         mostly be wrong",
    ),
    (
        "IRRELEVANT_CONDITION_KEY_IN_POLICY",
        "whether a key is irrelevant depends on which service's resource holds the policy (a \
         bucket, a queue, a key); iam-ls only knows \"resource policy\", and VPC endpoint \
         policies, which look the same, use the resource-owner keys legitimately",
    ),
    (
        "CONFIRM_AUDIENCE_CLAIM_TYPE",
        "Access Analyzer attaches this reminder to every OIDC `aud` condition: whether a \
         provider sends the audience as one string or as a list is not in the reference data, \
         so there is nothing to decide offline (set qualifiers on `aud` are covered by \
         audience-claim-for-any-value and the conditions rules)",
    ),
];

/// True when the statement's `Action` covers `action` (through a wildcard or exactly).
pub(crate) fn action_covers(st: &Statement<'_>, action: &str) -> bool {
    st.actions().any(|a| wildcard_match(a.value, action, true))
}

/// The `Action` list, when it is well-typed.
pub(crate) fn action_list<'s, 'a>(st: &'s Statement<'a>) -> Option<&'s StrList<'a>> {
    st.action.as_ref().and_then(|f| f.ok())
}

/// What a `Federated` value names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provider<'a> {
    /// A SAML provider ARN.
    Saml,
    /// An OIDC provider: its ARN (`issuer` is the part after `oidc-provider/`) or a built-in
    /// web identity domain (`accounts.google.com`, `cognito-identity.amazonaws.com`, ...).
    Oidc { issuer: &'a str },
}

/// Classifies a `Federated` value; `None` when it is neither a provider ARN nor a host name.
pub(crate) fn provider(value: &str) -> Option<Provider<'_>> {
    if let Some(arn) = parse_arn(value) {
        if arn.service != "iam" {
            return None;
        }
        if arn.resource.starts_with("saml-provider/") {
            return Some(Provider::Saml);
        }
        return arn
            .resource
            .strip_prefix("oidc-provider/")
            .filter(|i| !i.is_empty())
            .map(|issuer| Provider::Oidc { issuer });
    }
    is_host(value).then_some(Provider::Oidc { issuer: value })
}

/// A well-formed provider ARN: known partition, no region, a 12-digit account, a name.
pub(crate) fn is_valid_provider_arn(value: &str) -> bool {
    parse_arn(value).is_some_and(|arn| {
        is_partition(arn.partition)
            && arn.service == "iam"
            && arn.region.is_empty()
            && is_account_id(arn.account)
            && arn.resource.split_once('/').is_some_and(|(kind, name)| {
                matches!(kind, "saml-provider" | "oidc-provider") && !name.is_empty()
            })
    })
}

/// A DNS host name: dot-separated labels of letters, digits and `-`.
pub(crate) fn is_host(v: &str) -> bool {
    let mut labels = 0;
    for l in v.split('.') {
        if l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

/// The GitHub Actions token issuer (`token.actions.githubusercontent.com`, or the same host with
/// an enterprise's custom path).
pub(crate) fn is_github_issuer(issuer: &str) -> bool {
    let lower = issuer.to_ascii_lowercase();
    lower == "token.actions.githubusercontent.com"
        || lower.starts_with("token.actions.githubusercontent.com/")
}

/// The `(provider value, issuer)` pairs of the statement's `Federated` OIDC principals.
pub(crate) fn oidc_issuers<'s, 'a>(
    st: &'s Statement<'a>,
) -> impl Iterator<Item = (&'s crate::policy::Str<'a>, &'a str)> + 's {
    super::principals::principal_values(st, crate::policy::PrincipalType::Federated).filter_map(
        |s| match provider(s.value) {
            Some(Provider::Oidc { issuer }) if !has_variable(s.value) => Some((s, issuer)),
            _ => None,
        },
    )
}

/// True when a condition key names a claim of `issuer` (`<issuer>:<claim>`, case ignored).
pub(crate) fn is_claim_of(key: &str, issuer: &str) -> bool {
    key.len() > issuer.len() + 1
        && key
            .get(..issuer.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(issuer))
        && key.as_bytes().get(issuer.len()) == Some(&b':')
}

/// True when the statement has `Bool`/`BoolIfExists` `aws:PrincipalIsAWSService` equal to
/// `value` (`"true"` or `"false"`).
pub(crate) fn has_service_guard(st: &Statement<'_>, value: &str) -> bool {
    condition_entries(st).any(|(block, entry)| {
        let parts = block.parts();
        parts.qualifier.is_none()
            && parts.base.eq_ignore_ascii_case("Bool")
            && entry
                .key
                .name
                .eq_ignore_ascii_case("aws:PrincipalIsAWSService")
            && entry
                .values()
                .iter()
                .any(|v| v.text().is_some_and(|t| t.eq_ignore_ascii_case(value)))
    })
}

/// The `aws:Source*` keys that describe the resource a service acts for.
pub(crate) const SERVICE_SOURCE_KEYS: &[&str] = &[
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
];

/// The condition entries of a statement whose key is one of `keys` (or starts with one that
/// ends in `/`) and whose operator is satisfied when the key is absent from the request: the
/// entries that would also catch requests that do not carry the key.
pub(crate) fn absent_key_matches<'s, 'a>(
    st: &'s Statement<'a>,
    keys: &'s [&'s str],
) -> impl Iterator<Item = &'s crate::policy::ConditionEntry<'a>> + 's {
    condition_entries(st).filter_map(move |(block, entry)| {
        let name = entry.key.name;
        let listed = keys.iter().any(|k| {
            if k.ends_with('/') {
                name.get(..k.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(k))
            } else {
                name.eq_ignore_ascii_case(k)
            }
        });
        let op = operator(block.operator.name)?;
        (listed && op.when_key_missing() == KeyMissing::Matches).then_some(entry)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match(
            "sts:AssumeRole*",
            "sts:AssumeRoleWithSAML",
            true
        ));
        assert!(wildcard_match("STS:assumerole", "sts:AssumeRole", true));
        assert!(wildcard_match("*", "sts:TagSession", true));
        assert!(wildcard_match("sts:*Session", "sts:TagSession", true));
        assert!(wildcard_match("sts:?agSession", "sts:TagSession", true));
        assert!(!wildcard_match(
            "sts:AssumeRole",
            "sts:AssumeRoleWithSAML",
            true
        ));
        assert!(!wildcard_match("s3:*", "sts:TagSession", true));
        assert!(wildcard_match("a*b*c", "aXbYbZc", true));
        assert!(!wildcard_match("a*b*c", "aXbYbZ", true));
    }

    #[test]
    fn providers() {
        assert_eq!(
            provider("arn:aws:iam::123456789012:saml-provider/Okta"),
            Some(Provider::Saml)
        );
        assert_eq!(
            provider("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
            Some(Provider::Oidc {
                issuer: "token.actions.githubusercontent.com"
            })
        );
        assert_eq!(
            provider("cognito-identity.amazonaws.com"),
            Some(Provider::Oidc {
                issuer: "cognito-identity.amazonaws.com"
            })
        );
        assert_eq!(provider("https://accounts.google.com"), None);
        assert_eq!(provider("arn:aws:iam::123456789012:role/x"), None);
        assert!(is_valid_provider_arn(
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
        ));
        assert!(!is_valid_provider_arn("arn:aws:iam::123:saml-provider/x"));
        assert!(is_github_issuer(
            "token.actions.githubusercontent.com/octo-org"
        ));
        assert!(is_claim_of(
            "token.actions.githubusercontent.com:sub",
            "token.actions.githubusercontent.com"
        ));
        assert!(!is_claim_of(
            "token.actions.githubusercontent.com",
            "token.actions.githubusercontent.com"
        ));
    }
}

/// Realistic policies written the way AWS documents them: none may trigger a principal or
/// kind rule (false positives are worse than misses).
#[cfg(test)]
mod clean_policies {
    use crate::policy::PolicyKind;
    use crate::rules::Category;
    use crate::rules::testing::run;

    const CASES: &[(PolicyKind, &str)] = &[
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "Unique-Id-1234"}}}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:environment:prod"}}}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:my-sa", "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"}}}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/ExampleOrgSSOProvider"}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"], "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/TA_ID"}}}]}"#,
        ),
        (
            PolicyKind::RoleTrust,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}"#,
        ),
        (
            PolicyKind::Resource,
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket", "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-2:111111111111:trail/trailName"}}}, {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/AWSLogs/111111111111/*", "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": "arn:aws:cloudtrail:us-east-2:111111111111:trail/trailName"}}}]}"#,
        ),
        (
            PolicyKind::Resource,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:user/Alice", "arn:aws:iam::111122223333:role/service-role/App", "444455556666"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, {"Effect": "Allow", "Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
        ),
        (
            PolicyKind::KmsKey,
            r#"{"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}, {"Effect": "Allow", "Principal": {"Service": "logs.us-west-2.amazonaws.com"}, "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*", "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:*"}}}]}"#,
        ),
        (
            PolicyKind::ResourceControl,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#,
        ),
        (
            PolicyKind::ResourceControl,
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole", "sts:DecodeAuthorizationMessage", "sts:GetAccessKeyInfo", "sts:GetFederationToken", "sts:GetServiceBearerToken", "sts:GetSessionToken", "sts:SetContext"], "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceTag/dp:exclude:identity": "true"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}, {"Sid": "EnforceConfusedDeputyProtection", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"], "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5", "aws:ResourceTag/dp:exclude:confused-deputy": "true"}, "Null": {"aws:SourceAccount": "false"}, "Bool": {"aws:PrincipalIsAWSService": "true"}}}]}"#,
        ),
        (
            PolicyKind::ServiceControl,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:*Object", "ec2:*"], "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}]}"#,
        ),
    ];

    #[test]
    fn documented_policies_raise_nothing() {
        for (kind, text) in CASES {
            let found: Vec<_> = run(text, Some(*kind))
                .into_iter()
                .filter(|f| matches!(f.rule.category, Category::Principals | Category::Kinds))
                .map(|f| (f.rule.name, f.message))
                .collect();
            assert!(found.is_empty(), "{kind}: {found:?}\n{text}");
        }
    }
}
