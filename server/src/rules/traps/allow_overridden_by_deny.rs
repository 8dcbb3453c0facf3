//! ## What it does
//! Flags an Allow statement that never takes effect because a Deny of the same policy, with no
//! condition, covers every action, resource (and principal) it names. Coverage is decided from
//! the patterns (`s3:*` covers `s3:Get*`) and, for wildcards within one service, by expanding
//! them over the catalog; when in doubt the rule stays silent.
//!
//! ## Why it matters
//! An explicit Deny beats any Allow, wherever the two statements are and whatever the Allow's
//! conditions say. An Allow that is entirely inside an unconditional Deny is dead text: it
//! suggests access that no request ever gets, and the AccessDenied that follows names the
//! action, not the statement that cancelled it. Usually the Deny is broader than meant (it
//! needs a condition or narrower actions), or the Allow is left over and can go.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
//!     {"Sid": "NoS3", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
//!     {"Sid": "NoS3Deletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
//!   ]
//! }
//! ```

use crate::catalog::Catalog;
use crate::eval::why::policy_type_of;
use crate::eval::{Decision, EvalPolicy, PolicySet, PolicyType, Request, evaluate, sample};
use crate::policy::{Effect, Statement};
use crate::rules::traps::{
    ActionScope, all_principals, all_resources, has_condition, label, subsumes,
};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM906",
    name: "allow-overridden-by-deny",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An Allow whose actions and resources an unconditional Deny of the same policy fully covers.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let denies: Vec<(&Statement<'_>, ActionScope<'_, '_>)> = cx
        .policy
        .statements
        .iter()
        .filter(|d| d.effect() == Some(Effect::Deny) && !has_condition(d))
        .filter_map(|d| ActionScope::of(d).map(|s| (d, s)))
        .collect();
    if denies.is_empty() {
        return;
    }
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        let Some(effect) = st.effect.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        let Some((deny, _)) = denies.iter().find(|(d, scope)| {
            actions_covered(cx.catalog, st, *scope)
                && resources_covered(st, d)
                && principals_covered(cx.text, st, d)
                && engine_overrides(cx, st.index, d.index)
        }) else {
            continue;
        };
        out.push(
            Diag::new(
                effect.span,
                format!(
                    "This Allow never takes effect: {} denies every action and resource it \
                     names, with no condition, and an explicit Deny always wins over an Allow.",
                    label(deny)
                ),
            )
            .in_statement(st.index),
        );
    }
}

fn actions_covered(catalog: &Catalog, allow: &Statement<'_>, deny: ActionScope<'_, '_>) -> bool {
    match ActionScope::of(allow) {
        Some(ActionScope::Only(st)) => {
            let mut any = false;
            for a in st.actions() {
                any = true;
                if !deny.covers_pattern(catalog, a.value) {
                    return false;
                }
            }
            any
        }
        Some(ActionScope::AllBut(_)) => {
            matches!(deny, ActionScope::Only(d) if d.actions().any(|p| p.value.bytes().all(|b| b == b'*')))
        }
        None => false,
    }
}

fn resources_covered(allow: &Statement<'_>, deny: &Statement<'_>) -> bool {
    let none = |s: &Statement<'_>| s.resource.is_none() && s.not_resource.is_none();
    if none(allow) && none(deny) {
        // Trust policies: neither statement names resources.
        return true;
    }
    if all_resources(deny) {
        return true;
    }
    if allow.not_resource.is_some() || deny.not_resource.is_some() {
        return false;
    }
    let mut any = false;
    for r in allow.resources() {
        any = true;
        if !deny.resources().any(|d| subsumes(d.value, r.value, false)) {
            return false;
        }
    }
    any
}

fn principals_covered(text: &str, allow: &Statement<'_>, deny: &Statement<'_>) -> bool {
    if all_principals(deny) {
        return true;
    }
    match (allow.principal.as_ref(), deny.principal.as_ref()) {
        (Some(a), Some(d)) if allow.not_principal.is_none() && deny.not_principal.is_none() => {
            text.get(a.value_span.start..a.value_span.end)
                == text.get(d.value_span.start..d.value_span.end)
        }
        _ => false,
    }
}

/// The evaluation engine's word on the pair: on the request the Allow stands for (its first
/// action and resource, its principal), evaluated against the Allow and the Deny together in
/// the policy's place, the Deny decides with an explicit deny. The coverage checks above say
/// the Deny matches every request the Allow does (a question about patterns, which the engine,
/// deciding one request, does not answer); the engine says what happens on such a request.
/// Policy variables are compared as written (both statements name the same text).
fn engine_overrides(cx: &Context<'_>, allow: usize, deny: usize) -> bool {
    let mut policy = EvalPolicy::from_policy("policy", cx.policy);
    policy.variables = false;
    policy
        .statements
        .retain(|s| s.index == allow || s.index == deny);
    let Some(a) = policy.statements.iter().find(|s| s.index == allow) else {
        return false;
    };
    let Some(action) = sample::action(&a.action) else {
        return false;
    };
    let request = Request {
        principal: sample::principal(&a.principal),
        action,
        resource: sample::resource(&a.resource),
        ..Request::default()
    };
    let t = policy_type_of(cx.kind);
    let mut set = PolicySet::default();
    match t {
        PolicyType::Identity => set.identity.push(policy),
        PolicyType::Resource => set.resource = Some(policy),
        PolicyType::Scp => set.scp_levels.push(vec![policy]),
        PolicyType::Rcp => set.rcp_levels.push(vec![policy]),
        PolicyType::Boundary => set.boundary = Some(policy),
        PolicyType::Session => set.session.push(policy),
        PolicyType::VpcEndpoint => set.vpc_endpoints.push(policy),
    }
    let e = evaluate(&request, &set);
    e.decision == Decision::ExplicitDeny
        && e.deciding
            .iter()
            .any(|d| d.policy_type == t && d.statement == Some(deny))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::policy::{Policy, PolicyKind};

    /// `engine_overrides` for statements `allow` and `deny` of `text` as a `kind` policy.
    fn overrides(text: &str, kind: PolicyKind, allow: usize, deny: usize) -> bool {
        let parse = crate::syntax::parse(text);
        let policy = Policy::from_parse(&parse);
        let config = Config::default();
        let cx = Context {
            text,
            parse: &parse,
            policy: &policy,
            kind,
            catalog: crate::catalog::catalog(),
            today: 0,
            related: &[],
            config: &config,
        };
        engine_overrides(&cx, allow, deny)
    }

    #[test]
    fn the_engine_decides_whether_the_deny_wins() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"},
            {"Effect":"Deny","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
            {"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#;
        assert!(overrides(text, PolicyKind::Identity, 0, 1));
        // A condition the request does not meet, another service: the Allow stands.
        assert!(!overrides(text, PolicyKind::Identity, 0, 2));
        assert!(!overrides(text, PolicyKind::Identity, 0, 3));
        // Trust policies: no Resource, a service principal against `*`.
        let trust = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":"*","Action":"sts:*"},
            {"Effect":"Deny","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:*"}]}"#;
        assert!(overrides(trust, PolicyKind::RoleTrust, 0, 1));
        assert!(!overrides(trust, PolicyKind::RoleTrust, 0, 2));
    }
}
