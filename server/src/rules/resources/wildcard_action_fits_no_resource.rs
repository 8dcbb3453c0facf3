//! ## What it does
//! Flags a wildcard action (`s3:PutBucket*`, `ec2:DescribeVpc*`) when not one of the actions it
//! matches can act on any of the statement's resources: `s3:PutBucket*` on object ARNs only
//! (`arn:aws:s3:::my-bucket/*`), or `ec2:DescribeVpc*` on an instance ARN (those actions work
//! on VPC resources or only on `"Resource": "*"`). A wildcard that fits some resources is normal and stays
//! silent (`s3:Get*` on objects matches `s3:GetObject`); this rule speaks only when the whole
//! expansion misses. Even `s3:*Bucket*` on objects fits one action,
//! `s3:ObjectOwnerOverrideToBucketOwner`, which acts on objects, so it is not flagged.
//!
//! It judges a statement only when every `Resource` is an ARN of a format the catalog knows
//! (a `*`, a `NotResource` or an unknown format leaves it silent), and only wildcards in the
//! action name of a known service (`s3:Get*`, not `s*:Get*`). An action fits a resource when one
//! of the resource types the Service Authorization Reference lists for it is a type the ARN
//! can denote, with the same allowances as `resource-mismatch` (IAM210): a type of the same name
//! in another service, a qualified type (`function version`), API Gateway's HTTP-verb actions on
//! every API Gateway path, and a generic tagging action (`TagResource`, `ec2:CreateTags`: a
//! tagging action whose name names none of its listed types) on any type of its service, since
//! the reference lists only some taggable types for those. An action that lists no resource type
//! works only on `*` and fits no ARN.
//!
//! ## Why it matters
//! IAM grants or denies an action on a resource only when the resource is of a type the action
//! works on. A wildcard whose every action misses the statement's resources adds nothing: in an
//! `Allow` the permissions it seems to give are missing (often they were meant for the bucket
//! rather than its objects, or need `"Resource": "*"`), in a `Deny` the protection is missing.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucket*"], "Resource": "arn:aws:s3:::my-bucket/*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucket*"], "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"]}
//!   ]
//! }
//! ```

use super::resource_mismatch::{any_apigateway_path, same_named};
use super::{PatternInfo, StrictProbe, describe_types, fitting_patterns, split_arn};
use crate::catalog::{AccessLevel, Action, ResourceType, literal_head};
use crate::rules::actions::{has_wildcards, split_action, wildcard_match};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM214",
    name: "wildcard-action-fits-no-resource",
    category: Category::Resources,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "No action a wildcard matches can act on the statement's resources.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(types) = statement_types(st) else {
            continue;
        };
        let Some(list) = st.action.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        for a in list.strings() {
            let Some((prefix, name)) = split_action(a.value) else {
                continue;
            };
            if has_wildcards(prefix) || !has_wildcards(name) {
                continue;
            }
            let Some(service) = cx.catalog.service(prefix) else {
                continue;
            };
            let mut matched = 0usize;
            let mut examples: Vec<&str> = Vec::new();
            let mut fits = false;
            for action in service
                .actions_starting_with(literal_head(name))
                .filter(|x| wildcard_match(name, x.name(), true))
            {
                matched += 1;
                if examples.len() < 3 {
                    examples.push(action.name());
                }
                if action_fits(action, &types.types) {
                    fits = true;
                    break;
                }
            }
            if fits || matched == 0 {
                continue;
            }
            let listed: Vec<String> = examples
                .iter()
                .map(|n| format!("`{}:{n}`", service.prefix()))
                .collect();
            let more = if matched > examples.len() {
                format!(", and {} more", matched - examples.len())
            } else {
                String::new()
            };
            out.push(
                Diag::new(
                    a.span,
                    format!(
                        "None of the {matched} actions `{}` matches ({}{more}) acts on this statement's resources ({}), so it grants or denies nothing here; add the resources these actions use or drop it",
                        a.value,
                        listed.join(", "),
                        types.described,
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}

/// The resource types a statement's resources can denote, when every resource is an ARN of a
/// known format; `None` when the rule cannot judge the statement.
struct StatementTypes {
    /// Each type, and whether a type of the same name also counts (see [`strict_fits`]).
    types: Vec<(ResourceType, bool)>,
    described: String,
}

fn statement_types(st: &crate::policy::Statement<'_>) -> Option<StatementTypes> {
    let field = st.resource.as_ref()?;
    let list = field.ok()?;
    if list.invalid().next().is_some() {
        return None;
    }
    let mut types: Vec<(ResourceType, bool)> = Vec::new();
    let mut described: Vec<String> = Vec::new();
    let mut any = false;
    for s in list.strings() {
        let arn = split_arn(s.value)?;
        let (service, resource) = (arn.field(2)?, arn.field(5)?);
        if service.is_dynamic() {
            return None;
        }
        let fitting = strict_fits(service.text, resource.text);
        if fitting.is_empty() {
            return None;
        }
        any = true;
        let patterns: Vec<&PatternInfo> = fitting.iter().map(|(p, _)| *p).collect();
        let text = describe_types(&patterns);
        if !described.contains(&text) {
            described.push(text);
        }
        for (p, by_name) in fitting {
            if !types.contains(&(p.resource_type, by_name)) {
                types.push((p.resource_type, by_name));
            }
        }
    }
    any.then(|| StatementTypes {
        types,
        described: described.join("; "),
    })
}

/// The formats an ARN's resource part fits under the catalog's finer reading (a bucket ARN is
/// not an object ARN), and for `NAME:*` also those of `NAME` (any qualifier), each with whether
/// its type may also match by name. Another service's type for the same ARNs (ssm's `bucket`
/// for S3's bucket ARNs, arc-zonal-shift's load balancer types) matches only itself when the
/// ARN's own service has a type that fits: its pattern is not read as finely, and matching it by
/// name would take an S3 object for ssm's bucket.
fn strict_fits(service: &str, resource: &str) -> Vec<(&'static PatternInfo, bool)> {
    let all = strict_fits_any_service(service, resource);
    let own = |p: &PatternInfo| {
        p.resource_type
            .service_prefix()
            .eq_ignore_ascii_case(service)
    };
    let has_own = all.iter().any(|p| own(p));
    all.into_iter().map(|p| (p, !has_own || own(p))).collect()
}

fn strict_fits_any_service(service: &str, resource: &str) -> Vec<&'static PatternInfo> {
    let probe = StrictProbe::new(service, resource);
    let mut out: Vec<&'static PatternInfo> = fitting_patterns(service, resource)
        .into_iter()
        .filter(|p| p.fits_strictly(&probe))
        .collect();
    if let Some(bare) = resource.strip_suffix(":*") {
        let bare_probe = StrictProbe::new(service, bare);
        for p in fitting_patterns(service, bare) {
            if p.fits_strictly(&bare_probe) && !out.iter().any(|q| std::ptr::eq(*q, p)) {
                out.push(p);
            }
        }
    }
    out
}

/// Whether `action` can act on a resource of one of `types`.
fn action_fits(action: Action, types: &[(ResourceType, bool)]) -> bool {
    let generic_tagging = action.access_level() == AccessLevel::Tagging && {
        let name = action.name().to_ascii_lowercase();
        !action.resource_types().any(|r| {
            let t: String = r
                .resource_type()
                .name()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            !t.is_empty() && name.contains(&t)
        })
    };
    if (generic_tagging || any_apigateway_path(action))
        && action.resource_types().len() > 0
        && types
            .iter()
            .any(|(t, _)| t.service_prefix() == action.service_prefix())
    {
        return true;
    }
    action.resource_types().any(|r| {
        let rt = r.resource_type();
        types
            .iter()
            .any(|&(t, by_name)| t == rt || (by_name && same_named(t, rt)))
    })
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "wildcard-action-fits-no-resource";

    fn statement(actions: &str, resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Resource": {resources}}}]}}"#
        )
    }

    fn count(actions: &str, resources: &str) -> usize {
        run_rule(
            NAME,
            &statement(actions, resources),
            Some(PolicyKind::Identity),
        )
        .len()
    }

    #[test]
    fn flags_a_wildcard_that_fits_none_of_the_resources() {
        let text = statement(
            r#"["s3:GetObject", "s3:PutBucket*"]"#,
            r#""arn:aws:s3:::b/*""#,
        );
        let f = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &f));
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].span.start..f[0].span.end], "\"s3:PutBucket*\"");
        // Of another type, or only on `*`.
        assert_eq!(
            count(
                r#""ec2:DescribeVpc*""#,
                r#""arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0""#
            ),
            1
        );
    }

    #[test]
    fn partial_fits_are_silent() {
        assert_eq!(count(r#""s3:Get*""#, r#""arn:aws:s3:::b/*""#), 0);
        // One of the actions `s3:*Bucket*` matches acts on objects.
        assert_eq!(count(r#""s3:*Bucket*""#, r#""arn:aws:s3:::b/*""#), 0);
        assert_eq!(count(r#""s3:*""#, r#""arn:aws:s3:::b/*""#), 0);
        assert_eq!(
            count(
                r#""s3:PutBucket*""#,
                r#"["arn:aws:s3:::b", "arn:aws:s3:::b/*"]"#
            ),
            0
        );
        // Another service's type for these ARNs: zonal shifts act on load balancers.
        assert_eq!(
            count(
                r#""arc-zonal-shift:*""#,
                r#""arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/0123456789abcdef""#
            ),
            0
        );
        // Generic tagging actions tag any of their service's types.
        assert_eq!(
            count(
                r#""ec2:*Tags""#,
                r#""arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0""#
            ),
            0
        );
        // A Lambda function's versions and aliases.
        assert_eq!(
            count(
                r#""lambda:Invoke*""#,
                r#""arn:aws:lambda:us-east-1:111122223333:function:f:*""#
            ),
            0
        );
    }

    #[test]
    fn cannot_judge_stays_silent() {
        // `*` among the resources, an unknown format, a named action, a service wildcard.
        assert_eq!(
            count(r#""s3:PutBucket*""#, r#"["arn:aws:s3:::b/*", "*"]"#),
            0
        );
        assert_eq!(count(r#""ec2:Describe*""#, r#""arn:aws:nosuch:::x""#), 0);
        assert_eq!(count(r#""s3:GetBucketPolicy""#, r#""arn:aws:s3:::b/*""#), 0);
        assert_eq!(count(r#""s*:PutBucket*""#, r#""arn:aws:s3:::b/*""#), 0);
        let not_resource = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutBucket*", "NotResource": "arn:aws:s3:::b/*"}]}"#;
        assert!(run_rule(NAME, not_resource, Some(PolicyKind::Identity)).is_empty());
    }
}
