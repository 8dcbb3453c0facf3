//! "Simulate a request" on a statement: a representative request for the statement, decided by
//! the evaluation engine ([`crate::eval`]) against the policy in its kind's place and the other
//! members of its `[[groups]]` entry, with the decision and its explanation in words.
//!
//! The request: the statement's first action (a wildcard becomes the first catalog action it
//! matches; `NotAction` the first catalog action it leaves out), its first resource (wildcards
//! filled in: `*` becomes `example`, `?` becomes `x`; `*` alone and no `Resource` stay `*`),
//! the first principal it names (resource-based policies), and no condition keys: the keys its
//! conditions test are listed as what the decision depends on. A policy that can only limit
//! (SCP, RCP, boundary, session, VPC endpoint) is evaluated beside an identity policy that
//! allows everything when its group gives none, so the answer is about this policy.
//!
//! [`lenses`] is cheap (statement spans only); the evaluation runs only in [`simulate`].

use crate::document::{DocumentKind, Snapshot};
use crate::eval::why::policy_type_of;
use crate::eval::{
    Decision, EvalPolicy, Evaluation, PolicySet, PolicyType, Request, evaluate,
    resource_policy_required, sample,
};
use crate::policy::{Policy, PolicyKind};
use crate::syntax::Span;

/// A place for a lens: one statement of the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLens {
    /// The statement's index in `Statement`.
    pub statement: usize,
    /// The statement object's span.
    pub span: Span,
}

/// One lens per statement of a policy document (none for other documents or templates).
pub fn lenses(snapshot: &Snapshot) -> Vec<StatementLens> {
    if snapshot.kind() != DocumentKind::Policy || snapshot.host().is_some() {
        return Vec::new();
    }
    let Some(parse) = snapshot.parse() else {
        return Vec::new();
    };
    Policy::from_parse(parse)
        .statements
        .iter()
        .map(|s| StatementLens {
            statement: s.index,
            span: s.span,
        })
        .collect()
}

/// A simulated request and the engine's answer.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// The request decided.
    pub request: Request,
    /// The engine's answer.
    pub evaluation: Evaluation,
    /// The decision and the explanation in plain text, a line each.
    pub text: String,
}

/// Simulates a representative request for statement `index` of the policy in `snapshot`. `Err`
/// says why there is nothing to simulate (not a policy, no such statement, no action).
pub fn simulate(snapshot: &Snapshot, index: usize) -> Result<Simulation, String> {
    if snapshot.kind() != DocumentKind::Policy {
        return Err("this document is not an IAM policy".to_string());
    }
    let parse = snapshot.parse().ok_or("the policy does not parse")?;
    let model = Policy::from_parse(parse);
    let file = snapshot.path().unwrap_or("this policy").to_string();
    let policy = EvalPolicy::from_policy(file.clone(), &model);
    let st = policy
        .statements
        .iter()
        .find(|s| s.index == index)
        .ok_or_else(|| format!("there is no statement #{index}"))?;
    let kind = snapshot
        .policy_kind()
        .map(|k| k.kind)
        .unwrap_or(PolicyKind::Identity);
    let action = sample::action(&st.action).ok_or("the statement names no action to simulate")?;
    let resource = sample::resource(&st.resource);
    let principal = sample::principal(&st.principal);
    let request = Request {
        principal,
        action,
        resource,
        resource_account: None,
        context: Default::default(),
    };

    let mut set = PolicySet::default();
    let own = policy_type_of(kind);
    put(&mut set, own, policy);
    for group in snapshot.related().iter().take(1) {
        for m in group {
            let p = EvalPolicy::from_policy(m.path.clone(), &Policy::from_parse(&m.parse));
            put(&mut set, policy_type_of(m.kind), p);
        }
    }
    let mut notes = Vec::new();
    if own != PolicyType::Identity && own != PolicyType::Resource && set.identity.is_empty() {
        set.identity.push(EvalPolicy::full_access(
            "an identity policy that allows everything",
        ));
        notes.push(
            "assumed: an identity policy that allows everything (this policy only limits)"
                .to_string(),
        );
    }
    if let Some(level) = set.scp_levels.first_mut()
        && !level.iter().any(EvalPolicy::has_allow)
    {
        level.push(EvalPolicy::full_access("FullAWSAccess"));
        notes.push(
            "assumed: FullAWSAccess, which AWS attaches to every organization level, next to \
             SCPs that only deny"
                .to_string(),
        );
    }
    set.resource_must_allow = matches!(kind, PolicyKind::KmsKey | PolicyKind::RoleTrust)
        || resource_policy_required(&request.action, &request.resource);
    let evaluation = evaluate(&request, &set);
    let text = describe(&request, &evaluation, &notes);
    Ok(Simulation {
        request,
        evaluation,
        text,
    })
}

/// Puts `p` in the slot of `t` (SCPs and RCPs as one level each).
fn put(set: &mut PolicySet, t: PolicyType, p: EvalPolicy) {
    match t {
        PolicyType::Identity => set.identity.push(p),
        PolicyType::Resource => set.resource = Some(p),
        PolicyType::Scp => match set.scp_levels.first_mut() {
            Some(level) => level.push(p),
            None => set.scp_levels.push(vec![p]),
        },
        PolicyType::Rcp => match set.rcp_levels.first_mut() {
            Some(level) => level.push(p),
            None => set.rcp_levels.push(vec![p]),
        },
        PolicyType::Boundary => set.boundary = Some(p),
        PolicyType::Session => set.session.push(p),
        PolicyType::VpcEndpoint => set.vpc_endpoints.push(p),
    }
}

/// The decision first, then the request, the deciding statements, the chain and what the
/// decision depends on.
fn describe(request: &Request, e: &Evaluation, notes: &[String]) -> String {
    let mut out = Vec::new();
    let decision = match e.decision {
        Decision::Allowed => "Allowed",
        Decision::ExplicitDeny => "Denied explicitly",
        Decision::ImplicitDeny => "Denied implicitly (nothing lets it through)",
    };
    out.push(format!(
        "{decision}: {} on {}{}.",
        request.action,
        request.resource,
        request
            .principal
            .as_deref()
            .map(|p| format!(" by {p}"))
            .unwrap_or_default()
    ));
    for d in &e.deciding {
        let place = match (d.statement, &d.sid) {
            (Some(_), Some(sid)) => format!(", statement {sid}"),
            (Some(i), None) => format!(", statement #{i}"),
            (None, _) => String::new(),
        };
        let verb = match (e.decision, d.statement) {
            (Decision::Allowed, _) => "allowed by",
            (Decision::ExplicitDeny, _) => "denied by",
            (_, _) => "not allowed by",
        };
        out.push(format!(
            "{verb} the {} policy {}{place}",
            d.policy_type.as_str(),
            d.file.as_deref().unwrap_or("(none given)")
        ));
    }
    for step in &e.chain {
        out.push(format!("- {step}"));
    }
    if !e.depends_on.is_empty() {
        out.push(format!(
            "Depends on {} (not given, taken as absent).",
            e.depends_on.join(", ")
        ));
    }
    out.extend(notes.iter().cloned());
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::document::Env;
    use std::sync::Arc;

    fn snapshot(text: &str, kind: PolicyKind) -> Snapshot {
        let env = Arc::new(Env::new(Config::default()));
        Snapshot::with_kind(text, 1, Some("policy.json".into()), env, kind)
    }

    #[test]
    fn simulates_the_first_action_and_resource_of_a_statement() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::reports/*"},
            {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret*"}]}"#;
        let s = snapshot(text, PolicyKind::Identity);
        assert_eq!(
            lenses(&s).iter().map(|l| l.statement).collect::<Vec<_>>(),
            [0, 1]
        );
        let sim = simulate(&s, 0).unwrap();
        assert!(sim.request.action.starts_with("s3:Get"), "{sim:?}");
        assert_eq!(sim.request.resource, "arn:aws:s3:::reports/example");
        assert_eq!(sim.evaluation.decision, Decision::Allowed);
        assert!(sim.text.starts_with("Allowed: s3:Get"), "{}", sim.text);
        let sim = simulate(&s, 1).unwrap();
        assert_eq!(sim.request.resource, "arn:aws:s3:::reports/secretexample");
        assert_eq!(sim.evaluation.decision, Decision::ExplicitDeny);
        assert!(
            sim.text.contains("denied by the identity policy") && sim.text.contains("NoSecrets"),
            "{}",
            sim.text
        );
        assert!(simulate(&s, 7).is_err());
    }

    #[test]
    fn a_limiting_policy_is_simulated_beside_an_identity_policy_that_allows_everything() {
        let scp = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"DenyOutsideEU","Effect":"Deny","NotAction":"iam:*","Resource":"*",
             "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
        let s = snapshot(scp, PolicyKind::ServiceControl);
        let sim = simulate(&s, 0).unwrap();
        assert!(!sim.request.action.to_ascii_lowercase().starts_with("iam:"));
        assert_eq!(sim.evaluation.decision, Decision::ExplicitDeny);
        assert_eq!(sim.evaluation.depends_on, ["aws:RequestedRegion"]);
        assert!(
            sim.text.contains("Depends on aws:RequestedRegion"),
            "{}",
            sim.text
        );
        assert!(
            sim.text.contains("assumed: an identity policy"),
            "{}",
            sim.text
        );
        assert!(sim.text.contains("assumed: FullAWSAccess"), "{}", sim.text);
        // In eu-west-1 the Deny does not apply, and FullAWSAccess lets the request through.
        let mut request = sim.request.clone();
        request.context.insert("aws:RequestedRegion", "eu-west-1");
        let mut set = PolicySet::default();
        let p = EvalPolicy::parse("scp.json", scp).unwrap();
        set.scp_levels
            .push(vec![p, EvalPolicy::full_access("FullAWSAccess")]);
        set.identity.push(EvalPolicy::full_access("all"));
        assert_eq!(evaluate(&request, &set).decision, Decision::Allowed);
    }
}
