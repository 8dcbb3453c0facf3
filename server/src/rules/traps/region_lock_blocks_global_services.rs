//! ## What it does
//! Flags a Deny that locks requests to a set of Regions (a negated string operator such as
//! `StringNotEquals` on `aws:RequestedRegion`) while its actions include global services, such
//! as IAM, Organizations, CloudFront, Route 53, Support or the billing consoles, whose home
//! Region the condition leaves out, and no `NotAction` exemption covers them. The finding names
//! the services that stay blocked.
//!
//! ## Why it matters
//! A global service has one control-plane endpoint, so every request to it names that endpoint's
//! Region in `aws:RequestedRegion` whatever Region the caller works in: `us-east-1` for IAM,
//! Organizations, STS's global endpoint, CloudFront, Route 53 and billing, `us-west-2` for Global
//! Accelerator and Network Manager. A Deny that allows only `eu-central-1` therefore denies IAM
//! everywhere, and in an SCP nobody in the account, administrators included, can create a role
//! or look at a bill. Either exemption keeps the lock and the services working: list the global
//! services in a `NotAction` (the shape AWS's own region-lock example uses), or allow their
//! home Region.
//!
//! The list of global services is data (`rules/global_services.rs`, with its sources). Other
//! conditions in the same statement narrow the Deny but do not change the finding: whoever the
//! Deny still applies to loses the global services. The exception is a Deny that only covers
//! calls made through VPC endpoints (a `Null` `"false"` test, or a string operator without
//! `IfExists`, on `aws:SourceVpc` or `aws:SourceVpce`, as in AWS's "SourceVPCRegion" data
//! perimeter examples): global services are not called through a regional VPC endpoint, so it
//! never blocks them and is not flagged.
//!
//! ## Example
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "DenyOutsideEU",
//!     "Effect": "Deny",
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "DenyOutsideEU",
//!     "Effect": "Deny",
//!     "NotAction": [
//!       "iam:*", "organizations:*", "sts:*", "cloudfront:*", "route53:*", "route53domains:*",
//!       "support:*", "supportplans:*", "budgets:*", "ce:*", "cur:*", "bcm-data-exports:*",
//!       "cost-optimization-hub:*", "billing:*", "aws-portal:*", "payments:*", "invoicing:*",
//!       "tax:*", "freetier:*", "purchase-orders:*", "consolidatedbilling:*",
//!       "billingconductor:*", "savingsplans:*", "account:*", "health:*", "trustedadvisor:*",
//!       "waf:*", "shield:*", "wafv2:*", "acm:*", "ecr-public:*", "aws-marketplace:*",
//!       "aws-marketplace-management:*", "s3:ListAllMyBuckets",
//!       "s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock",
//!       "globalaccelerator:*", "networkmanager:*", "route53-recovery-control-config:*",
//!       "route53-recovery-readiness:*"
//!     ],
//!     "Resource": "*",
//!     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}}
//!   }]
//! }
//! ```

use crate::catalog::Catalog;
use crate::catalog::operators::ValueType;
use crate::policy::{Effect, Statement};
use crate::rules::global_services::{GLOBAL_SERVICES, GlobalService};
use crate::rules::traps::{
    ActionScope, CondItem, add_strings, conditions, has_variable, inner, json_array, subsumes,
    truncated_list, wildcard_match,
};
use crate::rules::{Category, Context, Diag, Edit, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM901",
    name: "region-lock-blocks-global-services",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "A Deny outside some Regions that also blocks global services (IAM, CloudFront, billing, ...).",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) {
            continue;
        }
        let Some(scope) = ActionScope::of(st) else {
            continue;
        };
        if only_through_vpc_endpoints(st) {
            continue;
        }
        for c in conditions(st) {
            if let Some(diag) = check_entry(cx, st, scope, &c) {
                out.push(diag);
            }
        }
    }
}

/// Whether the statement only applies to requests made through a VPC endpoint: it requires
/// `aws:SourceVpc` or `aws:SourceVpce` to be present (`Null` `"false"`, or a string operator
/// without `IfExists`, which fails when the key is missing).
fn only_through_vpc_endpoints(st: &Statement<'_>) -> bool {
    conditions(st).any(|c| {
        (c.key_is("aws:SourceVpc") || c.key_is("aws:SourceVpce"))
            && match c.op.value_type() {
                ValueType::Null => c.texts().all(|v| v.eq_ignore_ascii_case("false")),
                ValueType::String => !c.op.if_exists && !c.op.negated(),
                _ => false,
            }
    })
}

/// The Regions a negated `aws:RequestedRegion` entry leaves open, as a predicate; `None` when
/// the entry is not a region lock this rule can read.
fn allowed_regions<'c>(c: &'c CondItem<'_, '_>) -> Option<impl Fn(&str) -> bool + 'c> {
    if !c.key_is("aws:RequestedRegion")
        || c.op.value_type() != ValueType::String
        || !c.op.negated()
        || c.op.qualifier.is_some()
    {
        return None;
    }
    let values: Vec<&str> = c.texts().collect();
    if values.is_empty() || values.iter().any(|v| has_variable(v)) {
        return None;
    }
    let wildcards = c.op.wildcards();
    let ignore_case = c.op.base.name.ends_with("IgnoreCase");
    Some(move |region: &str| {
        values.iter().any(|v| {
            if wildcards {
                wildcard_match(v, region, ignore_case)
            } else if ignore_case {
                v.eq_ignore_ascii_case(region)
            } else {
                *v == region
            }
        })
    })
}

fn check_entry(
    cx: &Context<'_>,
    st: &Statement<'_>,
    scope: ActionScope<'_, '_>,
    c: &CondItem<'_, '_>,
) -> Option<Diag> {
    let allowed = allowed_regions(c)?;
    let blocked: Vec<&'static GlobalService> = GLOBAL_SERVICES
        .iter()
        .filter(|g| !allowed(g.region) && denies_service(cx.catalog, scope, g))
        .collect();
    if blocked.is_empty() {
        return None;
    }
    let mut regions: Vec<&str> = Vec::new();
    for g in &blocked {
        if !regions.contains(&g.region) {
            regions.push(g.region);
        }
    }
    let groups: Vec<String> = regions
        .iter()
        .map(|r| {
            let names: Vec<String> = blocked
                .iter()
                .filter(|g| g.region == *r)
                .map(|g| g.label())
                .collect();
            format!("{} (served from {r})", truncated_list(&names, 5))
        })
        .collect();
    let message = format!(
        "This Deny also blocks {}: requests to a global service always name its home Region, \
         which this condition leaves out, so they are denied whatever Region the caller works \
         in. Exempt them with NotAction or allow {}.",
        groups.join(" and "),
        crate::rules::support::list_words(&regions)
    );
    let mut diag = Diag::new(c.entry.key.span, message).in_statement(st.index);
    if let Some(fix) = exemption_fix(cx, st, &blocked) {
        diag = diag.with_fix(fix);
    }
    if let Some(list) = c.entry.field.ok() {
        let items: Vec<String> = regions.iter().map(|r| r.to_string()).collect();
        if let Some(edit) = add_strings(cx.text, list.span, list.array, &items) {
            diag = diag.with_fix(Fix {
                title: format!(
                    "Allow {} too (this also opens every regional service there)",
                    crate::rules::support::list_words(&regions)
                ),
                edits: vec![edit],
            });
        }
    }
    Some(diag)
}

/// Whether the statement's Deny reaches the service (any of its actions).
fn denies_service(catalog: &Catalog, scope: ActionScope<'_, '_>, g: &GlobalService) -> bool {
    match scope {
        ActionScope::Only(st) => st.actions().any(|p| pattern_reaches(catalog, p.value, g)),
        ActionScope::AllBut(st) => !exempted(catalog, st, g),
    }
}

/// Whether an `Action` pattern matches at least one action of the service.
fn pattern_reaches(catalog: &Catalog, pattern: &str, g: &GlobalService) -> bool {
    if !g.actions.is_empty() {
        return g.actions.iter().any(|a| wildcard_match(pattern, a, true));
    }
    let Some((service, _)) = pattern.split_once(':') else {
        return pattern.bytes().all(|b| b == b'*') && !pattern.is_empty();
    };
    if !wildcard_match(service, g.prefix, true) {
        return false;
    }
    if subsumes(pattern, &format!("{}:*", g.prefix), true) {
        return true;
    }
    match catalog.service(g.prefix) {
        Some(s) => s
            .actions()
            .any(|a| wildcard_match(pattern, a.full_name(), true)),
        None => false,
    }
}

/// Whether the `NotAction` list exempts every action of the service.
fn exempted(catalog: &Catalog, st: &Statement<'_>, g: &GlobalService) -> bool {
    let patterns: Vec<&str> = st.not_actions().map(|p| p.value).collect();
    let covered = |name: &str| patterns.iter().any(|p| wildcard_match(p, name, true));
    if !g.actions.is_empty() {
        return g.actions.iter().all(|a| covered(a));
    }
    let whole = format!("{}:*", g.prefix);
    if patterns.iter().any(|p| subsumes(p, &whole, true)) {
        return true;
    }
    match catalog.service(g.prefix) {
        Some(s) => s.actions().all(|a| covered(a.full_name())),
        None => false,
    }
}

/// `Action: "*"` becomes a `NotAction` list of the blocked services; an existing `NotAction`
/// list gets them added.
fn exemption_fix(cx: &Context<'_>, st: &Statement<'_>, blocked: &[&GlobalService]) -> Option<Fix> {
    let patterns: Vec<String> = blocked
        .iter()
        .flat_map(|g| g.exemption_patterns())
        .collect();
    if let Some(field) = st.action.as_ref() {
        let list = field.ok()?;
        if !list.is_only_wildcard() || st.not_action.is_some() {
            return None;
        }
        return Some(Fix {
            title: "Exempt the global services: turn `Action: \"*\"` into a NotAction list"
                .to_string(),
            edits: vec![
                Edit {
                    span: inner(field.key.span),
                    text: "NotAction".to_string(),
                },
                Edit {
                    span: field.value_span,
                    text: json_array(&patterns),
                },
            ],
        });
    }
    let field = st.not_action.as_ref()?;
    let list = field.ok()?;
    let edit = add_strings(cx.text, list.span, list.array, &patterns)?;
    Some(Fix {
        title: "Add the blocked global services to the NotAction exemptions".to_string(),
        edits: vec![edit],
    })
}
