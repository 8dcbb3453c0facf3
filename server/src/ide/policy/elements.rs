//! The policy grammar: what each element means, which kinds accept it, and the `Version` values.

use super::markdown::guide_link;
use crate::policy::{PolicyKind, Presence};
use std::fmt::Write as _;

/// Whether a statement element may appear in a policy of `kind`: `None` when it may, else why
/// not (one short clause).
pub fn unavailable(element: &str, kind: PolicyKind) -> Option<&'static str> {
    let facts = kind.facts();
    match element {
        "Principal" | "NotPrincipal" if facts.principal == Presence::Forbidden => {
            Some("this kind of policy applies to its own principals and names none")
        }
        "NotPrincipal" if kind == PolicyKind::RoleTrust => {
            Some("trust policies must name who may assume the role")
        }
        "NotPrincipal" if kind == PolicyKind::ResourceControl => {
            Some("RCPs use `\"Principal\": \"*\"` and conditions instead")
        }
        "NotAction" if kind == PolicyKind::ResourceControl => Some("RCPs do not accept NotAction"),
        "Resource" | "NotResource" if facts.resource == Presence::Forbidden => {
            Some("the resource is the role the policy is attached to")
        }
        _ => None,
    }
}

/// Whether a statement element is required in every statement of `kind`.
fn required(element: &str, kind: PolicyKind) -> bool {
    let facts = kind.facts();
    match element {
        "Effect" => true,
        "Principal" => facts.principal == Presence::Required,
        "Resource" => facts.resource == Presence::Required,
        "Action" => true,
        _ => false,
    }
}

/// Statement elements in the order completion offers them.
pub const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Top-level elements.
pub const TOP_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

/// One line per element, for completion details.
pub fn summary(element: &str) -> &'static str {
    match element {
        "Version" => "policy language version",
        "Id" => "optional policy identifier",
        "Statement" => "one statement or an array of them",
        "Sid" => "optional statement label",
        "Effect" => "Allow or Deny",
        "Principal" => "who the statement applies to",
        "NotPrincipal" => "everyone except these principals (Deny only)",
        "Action" => "actions the statement covers",
        "NotAction" => "every action except these",
        "Resource" => "resources the statement covers",
        "NotResource" => "every resource except these",
        "Condition" => "when the statement applies",
        _ => "",
    }
}

/// The hover on an element's key. `top` is true for keys of the policy object.
pub fn doc(element: &str, top: bool, kind: PolicyKind) -> Option<String> {
    let (headline, body, page) = match (element, top) {
        ("Version", true) => (
            "Policy language version",
            "Use `2012-10-17`, the current version: only there are policy variables such as \
             `${aws:username}` replaced by request values. `2008-10-17` is the old version, and a \
             policy without `Version` is read as `2008-10-17`: in both, `${...}` is plain text.",
            "reference_policies_elements_version",
        ),
        ("Id", true) => (
            "Policy identifier",
            "An optional label for the whole policy. Some services (SNS, SQS) suggest a UUID \
             here; it plays no part in evaluation.",
            "reference_policies_elements_id",
        ),
        ("Statement", true) => (
            "The statements",
            "One statement object or an array of them. Each statement is evaluated on its own: \
             the policy allows a request when some `Allow` statement matches it and no `Deny` \
             statement (here or in any other policy) matches it.",
            "reference_policies_elements_statement",
        ),
        ("Sid", false) => (
            "Statement ID",
            "An optional label for the statement, for people and tools. IAM identity policies \
             accept only ASCII letters and digits; some resource policies allow more. iam-ls uses \
             it to name the statement in the outline and to silence findings by Sid.",
            "reference_policies_elements_sid",
        ),
        ("Effect", false) => (
            "Allow or Deny",
            "`Allow` or `Deny`, spelled exactly so. Every request starts denied (an implicit \
             deny); an `Allow` that matches lifts it, and an explicit `Deny` that matches wins \
             over any `Allow` in any policy.",
            "reference_policies_elements_effect",
        ),
        ("Principal", false) => (
            "Who the statement applies to",
            "Forms:\n\
             - `\"*\"` (or `{\"AWS\": \"*\"}`): anyone, anonymous callers included; narrow it with \
             conditions.\n\
             - `{\"AWS\": ...}`: an account ID or `arn:aws:iam::<account>:root` (the account, \
             whose IAM policies then decide), a role or user ARN, an assumed-role session ARN.\n\
             - `{\"Service\": \"<name>.amazonaws.com\"}`: an AWS service acting itself.\n\
             - `{\"Federated\": ...}`: a SAML or OIDC provider ARN, or a web identity provider \
             such as `cognito-identity.amazonaws.com`.\n\
             - `{\"CanonicalUser\": ...}`: an S3 canonical user ID.\n\n\
             Each value may be a string or an array; a statement matches a caller named by any \
             of them.",
            "reference_policies_elements_principal",
        ),
        ("NotPrincipal", false) => (
            "Everyone except these principals",
            "Matches every caller not listed. Only supported with `\"Effect\": \"Deny\"`. A \
             Deny with NotPrincipal also denies any caller that has a permissions boundary, \
             whatever is listed. AWS recommends `\"Principal\": \"*\"` with an `ArnNotEquals` \
             condition on `aws:PrincipalArn` instead.",
            "reference_policies_elements_notprincipal",
        ),
        ("Action", false) => (
            "Actions the statement covers",
            "`service:Action` names (case-insensitive), a string or an array. `*` matches any \
             run of characters and `?` one character: `s3:Get*`, `ec2:Describe*`, `*`.",
            "reference_policies_elements_action",
        ),
        ("NotAction", false) => (
            "Every action except these",
            "The statement covers every action of every service except the ones listed. With \
             `Allow` that grants far more than it seems (new services included); with `Deny` it \
             denies everything but the list, a common guardrail in SCPs and boundaries.",
            "reference_policies_elements_notaction",
        ),
        ("Resource", false) => (
            "Resources the statement covers",
            "ARNs, a string or an array; `*` means every resource. ARNs are case-sensitive; `*` \
             and `?` are wildcards, and with `Version` `2012-10-17` policy variables \
             (`${aws:username}`) are filled in from the request. An action that supports no \
             resource type needs `*`.",
            "reference_policies_elements_resource",
        ),
        ("NotResource", false) => (
            "Every resource except these",
            "The statement covers every resource except the ARNs listed, resources of other \
             services included. With `Allow` that easily grants more than intended; it is mostly \
             used with `Deny`.",
            "reference_policies_elements_notresource",
        ),
        ("Condition", false) => (
            "When the statement applies",
            "`{\"Operator\": {\"key\": value-or-values}}`. Every operator block and every key \
             in it must match (AND); the values listed for one key match when any of them does \
             (OR). With a negated operator (`StringNotEquals`, ...) the request value must match \
             none of them. When the request does not carry a key, the outcome depends on the \
             operator: hover one for its table.",
            "reference_policies_elements_condition",
        ),
        _ => return None,
    };
    let mut out = format!("**`{element}`**: {headline}\n\n{body}");
    if !top {
        if let Some(why) = unavailable(element, kind) {
            let _ = write!(
                out,
                "\n\n**Not allowed in {}**: {why}.",
                super::evaluation::with_article(kind.title())
            );
        } else if required(element, kind) {
            let _ = write!(
                out,
                "\n\nRequired in every statement of {}.",
                super::evaluation::with_article(kind.title())
            );
        }
    }
    guide_link(&mut out, "IAM User Guide", page);
    Some(out)
}

/// The hover on a `Version` value.
pub fn version_value(value: &str) -> String {
    match value {
        "2012-10-17" => "**`2012-10-17`**: the current policy language\n\nPolicy variables \
                         (`${aws:username}`, `${aws:PrincipalTag/team}`) are replaced by request \
                         values in `Resource` and condition values."
            .to_string(),
        "2008-10-17" => "**`2008-10-17`**: the old policy language\n\nPolicy variables are not \
                         supported: `${aws:username}` is compared as the literal text. Use \
                         `2012-10-17` unless a service requires the old version."
            .to_string(),
        other => format!(
            "**{}** is not a policy language version\n\nThe versions are `2012-10-17` \
             (current) and `2008-10-17`.",
            super::markdown::code(other)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_follows_the_kind() {
        assert!(unavailable("Principal", PolicyKind::Identity).is_some());
        assert!(unavailable("Principal", PolicyKind::Resource).is_none());
        assert!(unavailable("NotPrincipal", PolicyKind::RoleTrust).is_some());
        assert!(unavailable("Resource", PolicyKind::RoleTrust).is_some());
        assert!(unavailable("NotAction", PolicyKind::ResourceControl).is_some());
        assert!(unavailable("NotAction", PolicyKind::ServiceControl).is_none());
        for e in STATEMENT_ELEMENTS {
            assert!(doc(e, false, PolicyKind::Identity).is_some(), "{e}");
            assert!(!summary(e).is_empty());
        }
        for e in TOP_ELEMENTS {
            assert!(doc(e, true, PolicyKind::Identity).is_some(), "{e}");
        }
        assert!(doc("Effect", true, PolicyKind::Identity).is_none());
    }
}
