//! ## What it does
//! Flags a resource ARN that none of the statement's actions can act on, such as an S3 object
//! ARN in a statement that only allows `dynamodb:GetItem`, or a bucket ARN (`arn:aws:s3:::b`)
//! given to `s3:GetObject`, which acts on objects (`arn:aws:s3:::b/*`).
//!
//! The rule only speaks when it can be sure: every action of the statement must be known to the
//! catalog and accept specific resources, and the ARN must fit a resource format the catalog
//! knows. Statements with `NotAction`, with the action `*`, or with a wildcard in a service
//! prefix are skipped, and so is any statement with an action that only works on `*`. Where
//! the service reference is known to be incomplete it gives the benefit of the doubt: a tagging
//! action counts as acting on every resource type of its service, and a resource type counts
//! as the same as a type of the same name in another service (services that were renamed, such
//! as `codestar-connections` and `codeconnections`, keep their type names).
//!
//! The resource forms services accept beyond their listed types are modelled too: an ARN that
//! ends in `:*` also names the resource itself with any qualifier (`function:NAME:*` for a Lambda
//! function's versions and aliases, `log-group:NAME:*` as CloudWatch Logs writes log-group ARNs);
//! a qualified type (`function alias`, `function version`) counts as the type it qualifies; and
//! API Gateway's HTTP-verb actions (`apigateway:GET`, `POST`, ...) act on every API Gateway path,
//! the V2 paths (`/apis`, `/apis/ID/...`) included, which the reference lists under other types.
//!
//! ## Why it matters
//! IAM grants an action on a resource only when the resource is of a type the action works on.
//! A mismatched ARN therefore grants nothing, and the permission you meant to give (often to the
//! objects rather than the bucket) is missing; in a `Deny`, the protection is missing.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
//!   ]
//! }
//! ```

use super::{PatternInfo, StrictProbe, describe_types, fitting_patterns, split_arn};
use crate::catalog::{AccessLevel, Action, ResourceType, literal_head};
use crate::policy::Str;
use crate::rules::actions::{has_wildcards, split_action, wildcard_match};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM210",
    name: "resource-mismatch",
    category: Category::Resources,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["parliament: RESOURCE_MISMATCH"],
    summary: "No action of the statement can act on this resource.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        // The statement's ARNs with a known format, and the resource types each can denote.
        // Most statements name none (`*`): nothing to judge, and no actions to look up.
        let mut arns: Vec<Candidate<'_, '_>> = Vec::new();
        for s in st.resources() {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let (Some(service), Some(resource)) = (arn.field(2), arn.field(5)) else {
                continue;
            };
            if service.is_dynamic() {
                continue;
            }
            // Leniently first (cheap); the finer reading comes below, only where it matters.
            let fitting = fitting_patterns(service.text, resource.text);
            if !fitting.is_empty() {
                let used = vec![false; fitting.len()];
                arns.push(Candidate {
                    s,
                    service: service.text,
                    resource: resource.text,
                    fitting,
                    used,
                });
            }
        }
        if arns.is_empty() || !mark_used(cx, st, &mut arns) {
            continue;
        }
        for c in &arns {
            // Used by some action if a used format fits under the catalog's finer reading (a
            // bucket ARN is not an object ARN); a mismatch if some other format does.
            let probe = StrictProbe::new(c.service, c.resource);
            let fits = |k: &usize| c.fitting[*k].fits_strictly(&probe);
            let (used, unused): (Vec<usize>, Vec<usize>) =
                (0..c.fitting.len()).partition(|&k| c.used[k]);
            if used.iter().any(fits) || !unused.iter().any(fits) {
                continue;
            }
            // `NAME:*` also names the resource itself with any qualifier (a Lambda function's
            // versions and aliases, a log group as CloudWatch Logs writes its ARN).
            if let Some(bare) = c.resource.strip_suffix(":*") {
                let bare_probe = StrictProbe::new(c.service, bare);
                let lenient = fitting_patterns(c.service, bare);
                if used.iter().any(|&k| {
                    lenient.iter().any(|p| std::ptr::eq(*p, c.fitting[k]))
                        && c.fitting[k].fits_strictly(&bare_probe)
                }) {
                    continue;
                }
            }
            let (s, fitting) = (c.s, &c.fitting);
            let names: Vec<String> = st
                .actions()
                .take(3)
                .map(|a| format!("`{}`", a.value))
                .collect();
            let more = st.actions().count().saturating_sub(3);
            let actions = if more > 0 {
                format!("{}, and {more} more", names.join(", "))
            } else {
                names.join(", ")
            };
            out.push(
                Diag::new(
                    s.span,
                    format!(
                        "No action of this statement ({actions}) acts on this resource ({}), so it grants or denies nothing here; name the resources these actions use",
                        describe_types(fitting)
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}

/// Whether resource type `t` is a qualified form of `base` (`function alias` and `function
/// version` of `function`).
fn qualifies(t: &str, base: &str) -> bool {
    t.len() > base.len()
        && t.as_bytes()[base.len()] == b' '
        && t[..base.len()].eq_ignore_ascii_case(base)
}

/// Whether an action that acts on type `rt` acts on type `t` by name: the same name (a renamed
/// service's copy, `codestar-connections` / `codeconnections`) or a qualified form of it.
pub(super) fn same_named(t: ResourceType, rt: ResourceType) -> bool {
    t.name().eq_ignore_ascii_case(rt.name()) || qualifies(t.name(), rt.name())
}

/// API Gateway's management actions are HTTP verbs over every path of the service, the V2
/// paths (`/apis`) included; the reference lists only the REST API types for them.
pub(super) fn any_apigateway_path(action: Action) -> bool {
    action.service_prefix().eq_ignore_ascii_case("apigateway")
        && matches!(
            action.name().to_ascii_uppercase().as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
        )
}

/// A statement ARN, the formats it may fit (leniently), and which of them some action uses.
struct Candidate<'s, 'a> {
    s: &'s Str<'a>,
    service: &'a str,
    resource: &'a str,
    fitting: Vec<&'static PatternInfo>,
    used: Vec<bool>,
}

/// Marks the formats of the statement's ARNs that some action acts on. Returns false when the rule cannot
/// judge the statement (see the module docs): `NotAction`, an unknown action, the action `*`,
/// a service wildcard, a named action that only takes `*`, or a wildcard whose actions all do.
fn mark_used(
    cx: &Context<'_>,
    st: &crate::policy::Statement<'_>,
    arns: &mut [Candidate<'_, '_>],
) -> bool {
    let Some(list) = st.action.as_ref().and_then(|f| f.ok()) else {
        return false;
    };
    let mark = |action: Action, arns: &mut [Candidate<'_, '_>]| {
        let mut typed = false;
        // The service reference lists only some taggable types for many tagging actions;
        // in practice they tag the service's resources broadly.
        let tagging = action.access_level() == AccessLevel::Tagging;
        let any_path = any_apigateway_path(action);
        for r in action.resource_types() {
            typed = true;
            let rt = r.resource_type();
            for c in arns.iter_mut() {
                for (k, p) in c.fitting.iter().enumerate() {
                    let t = p.resource_type;
                    // The same type, a type of the same name in a renamed service
                    // (`codestar-connections` / `codeconnections`), or any type of the
                    // service for a tagging action.
                    if t == rt
                        || same_named(t, rt)
                        || ((tagging || any_path) && t.service_prefix() == action.service_prefix())
                    {
                        c.used[k] = true;
                    }
                }
            }
        }
        typed
    };
    let mut any = false;
    for a in list.strings() {
        let Some((prefix, name)) = split_action(a.value) else {
            return false;
        };
        if has_wildcards(prefix) {
            return false;
        }
        let Some(service) = cx.catalog.service(prefix) else {
            return false;
        };
        if !has_wildcards(name) {
            let Some(action) = service.action(name) else {
                return false;
            };
            if !mark(action, arns) {
                return false;
            }
        } else {
            let (mut matched, mut typed) = (false, false);
            for action in service
                .actions_starting_with(literal_head(name))
                .filter(|x| wildcard_match(name, x.name(), true))
            {
                matched = true;
                typed |= mark(action, arns);
                if typed && arns.iter().all(|c| c.used.iter().all(|u| *u)) {
                    break;
                }
            }
            if !matched || !typed {
                return false;
            }
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "resource-mismatch";

    fn statement(actions: &str, resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_resources_no_action_uses() {
        let text = statement(
            r#"["s3:GetObject", "s3:PutObject"]"#,
            r#"["arn:aws:s3:::my-bucket", "arn:aws:dynamodb:us-east-1:123456789012:table/t", "arn:aws:s3:::my-bucket/*"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn wildcard_actions_are_judged_by_what_they_expand_to() {
        let text = statement(
            r#""s3:*""#,
            r#""arn:aws:dynamodb:us-east-1:123456789012:table/t""#,
        );
        assert_eq!(run_rule(NAME, &text, Some(PolicyKind::Identity)).len(), 1);
        let text = statement(r#""s3:*""#, r#"["arn:aws:s3:::b", "arn:aws:s3:::b/*"]"#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn quiet_when_unsure() {
        for (actions, resources) in [
            // An action that only takes `*`.
            (
                r#"["s3:ListAllMyBuckets", "s3:GetObject"]"#,
                r#""arn:aws:s3:::b""#,
            ),
            // Every action, or a service wildcard.
            (r#""*""#, r#""arn:aws:s3:::b""#),
            (r#""*code*:Get*""#, r#""arn:aws:s3:::b""#),
            // An unknown action or service.
            (r#"["s3:GetObjects"]"#, r#""arn:aws:dynamodb:*:*:table/t""#),
            (r#"["deeplens:Get"]"#, r#""arn:aws:dynamodb:*:*:table/t""#),
            // An ARN of no known format, a wildcard ARN, `*`.
            (
                r#""s3:GetObject""#,
                r#"["arn:aws:newsvc:*:*:x", "arn:aws:*:*:*:*", "*", "arn:*"]"#,
            ),
            // ssm's instance type is an EC2 ARN.
            (r#""ssm:SendCommand""#, r#""arn:aws:ec2:*:*:instance/*""#),
            // Variables stand for anything.
            (r#""s3:GetObject""#, r#""arn:aws:s3:::b/${aws:username}/*""#),
        ] {
            let text = statement(actions, resources);
            let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }

    /// Resource forms the services accept beyond their listed types (issue 17): API Gateway V2
    /// paths for the HTTP-verb actions, `:*` qualifiers on Lambda functions and log groups.
    #[test]
    fn accepted_resource_forms_are_not_mismatches() {
        for (action, arn) in [
            ("apigateway:GET", "arn:aws:apigateway:*::/apis"),
            (
                "apigateway:DELETE",
                "arn:aws:apigateway:us-east-1::/apis/abc/routes/*",
            ),
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:f:*",
            ),
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:f:prod",
            ),
            (
                "logs:FilterLogEvents",
                "arn:aws:logs:us-east-1:123456789012:log-group:g:*",
            ),
        ] {
            let text = statement(&format!("\"{action}\""), &format!("\"{arn}\""));
            let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
            assert!(found.is_empty(), "{action} on {arn}: {found:?}");
        }
        // Still a mismatch: a log-group action on a bucket, a function action on a layer.
        for (action, arn) in [
            ("logs:FilterLogEvents", "arn:aws:s3:::b/*"),
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:layer:l:*",
            ),
        ] {
            let text = statement(&format!("\"{action}\""), &format!("\"{arn}\""));
            assert_eq!(
                run_rule(NAME, &text, Some(PolicyKind::Identity)).len(),
                1,
                "{action} on {arn}"
            );
        }
    }
}
