//! The layers: which policy types must allow, and what an explicit deny overrides (the order is
//! in the module docs of [`super`]).

use super::condition;
use super::matching::{
    PrincipalMatch, action_matches, principal_entry_matches, resolve, resource_matches,
};
use super::policy::{EvalPolicy, EvalStatement, Names, Principals};
use super::request::{Context, PrincipalInfo, PrincipalKind, arn_account, is_account_id};
use super::{
    ConditionReport, Deciding, Decision, Evaluation, PolicyReport, PolicySet, PolicyType,
    PrincipalOutcome, Request, StatementReport,
};
use crate::policy::Effect;

/// What the evaluation of one request needs at hand.
struct Env<'r> {
    request: &'r Request,
    principal: Option<PrincipalInfo>,
    context: Context,
    depends_on: Vec<String>,
}

/// Decides `request` against `set`.
pub fn evaluate(request: &Request, set: &PolicySet) -> Evaluation {
    let principal = request.principal.as_deref().map(PrincipalInfo::parse);
    // The account stated with the request wins; else the ARN's account field when it is one
    // (some ARN formats have no account there).
    let resource_account = request.resource_account.clone().or_else(|| {
        arn_account(&request.resource)
            .filter(|a| is_account_id(a))
            .map(str::to_string)
    });
    let principal_account = principal.as_ref().and_then(|p| p.account.clone());
    let context = effective_context(request, principal.as_ref(), resource_account.as_deref());
    let mut env = Env {
        request,
        principal,
        context,
        depends_on: Vec::new(),
    };
    let mut chain = Vec::new();
    let mut policies: Vec<PolicyReport> = Vec::new();
    let mut resource_grant: Option<PrincipalMatch> = None;

    for (level, scps) in set.scp_levels.iter().enumerate() {
        for p in scps {
            policies.push(env.policy(PolicyType::Scp, Some(level), p).0);
        }
    }
    for (level, rcps) in set.rcp_levels.iter().enumerate() {
        for p in rcps {
            policies.push(env.policy(PolicyType::Rcp, Some(level), p).0);
        }
    }
    for p in &set.vpc_endpoints {
        policies.push(env.policy(PolicyType::VpcEndpoint, None, p).0);
    }
    if let Some(p) = &set.boundary {
        policies.push(env.policy(PolicyType::Boundary, None, p).0);
    }
    for p in &set.session {
        policies.push(env.policy(PolicyType::Session, None, p).0);
    }
    for p in &set.identity {
        policies.push(env.policy(PolicyType::Identity, None, p).0);
    }
    if let Some(p) = &set.resource {
        let (report, grant) = env.policy(PolicyType::Resource, None, p);
        resource_grant = grant;
        policies.push(report);
    }

    let finish = |decision, deciding, chain, policies, depends_on| Evaluation {
        decision,
        deciding,
        policies,
        depends_on,
        chain,
    };

    // 1. Explicit deny anywhere.
    let denies: Vec<Deciding> = policies
        .iter()
        .flat_map(|r| {
            r.statements
                .iter()
                .filter(|s| s.matched && s.effect == Some("Deny"))
                .map(move |s| Deciding {
                    policy_type: r.policy_type,
                    file: Some(r.file.clone()),
                    statement: Some(s.index),
                    sid: s.sid.clone(),
                })
        })
        .collect();
    if !denies.is_empty() {
        for d in &denies {
            chain.push(format!(
                "explicit deny: {} policy {}, {} denies the request",
                d.policy_type.as_str(),
                d.file.as_deref().unwrap_or("?"),
                statement_name(d.statement, d.sid.as_deref()),
            ));
        }
        chain.push("an explicit deny overrides every allow".to_string());
        return finish(
            Decision::ExplicitDeny,
            denies,
            chain,
            policies,
            env.depends_on,
        );
    }
    chain.push("no statement denies the request explicitly".to_string());

    // 2. SCP levels (RCP levels always allow through RCPFullAWSAccess).
    for (level, scps) in set.scp_levels.iter().enumerate() {
        let allowed = policies
            .iter()
            .any(|r| r.policy_type == PolicyType::Scp && r.level == Some(level) && r.allows);
        if !allowed {
            chain.push(format!(
                "SCP level {level} ({}): no statement allows the request",
                files(scps)
            ));
            let deciding = deciding_files(PolicyType::Scp, scps);
            return finish(
                Decision::ImplicitDeny,
                deciding,
                chain,
                policies,
                env.depends_on,
            );
        }
        chain.push(format!("SCP level {level}: allows"));
    }
    if !set.rcp_levels.is_empty() {
        chain.push(
            "RCP levels: RCPFullAWSAccess (always attached) allows; no customer RCP denies"
                .to_string(),
        );
    }

    let allows = |t: PolicyType| policies.iter().any(|r| r.policy_type == t && r.allows);
    let allowing = |t: PolicyType| -> Vec<Deciding> {
        policies
            .iter()
            .filter(|r| r.policy_type == t)
            .flat_map(|r| {
                r.statements
                    .iter()
                    .filter(|s| s.matched && s.effect == Some("Allow"))
                    .map(move |s| Deciding {
                        policy_type: t,
                        file: Some(r.file.clone()),
                        statement: Some(s.index),
                        sid: s.sid.clone(),
                    })
            })
            .collect()
    };

    // 3. Key policies and trust policies must allow.
    if set.resource_must_allow {
        if resource_grant.is_none() {
            chain.push(
                "the key (or trust) policy must allow the request, and no statement of it does"
                    .to_string(),
            );
            return finish(
                Decision::ImplicitDeny,
                vec![missing(PolicyType::Resource, set.resource.as_ref())],
                chain,
                policies,
                env.depends_on,
            );
        }
        chain.push("the key (or trust) policy allows the request".to_string());
    }

    // 4. VPC endpoint policies.
    for p in &set.vpc_endpoints {
        let ok = policies
            .iter()
            .any(|r| r.policy_type == PolicyType::VpcEndpoint && r.file == p.file && r.allows);
        if !ok {
            chain.push(format!(
                "VPC endpoint policy {}: no statement allows the request",
                p.file
            ));
            return finish(
                Decision::ImplicitDeny,
                vec![missing(PolicyType::VpcEndpoint, Some(p))],
                chain,
                policies,
                env.depends_on,
            );
        }
    }
    if !set.vpc_endpoints.is_empty() {
        chain.push("the VPC endpoint policy allows the request".to_string());
    }

    // 5 and 6. The principal's side and the resource's side.
    let boundary_ok = set.boundary.is_none() || allows(PolicyType::Boundary);
    let session_ok = set.session.is_empty() || allows(PolicyType::Session);
    let is_root = env
        .principal
        .as_ref()
        .is_some_and(|p| p.kind == PrincipalKind::Root);
    let identity_ok = allows(PolicyType::Identity);
    let cross_account = match (&principal_account, &resource_account) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    };
    let limits = |chain: &mut Vec<String>| -> Vec<Deciding> {
        let mut out = Vec::new();
        if !boundary_ok {
            chain.push("the permissions boundary does not allow the request".to_string());
            out.push(missing(PolicyType::Boundary, set.boundary.as_ref()));
        }
        if !session_ok {
            chain.push("the session policy does not allow the request".to_string());
            out.push(missing_all(PolicyType::Session, &set.session));
        }
        out
    };

    if !cross_account {
        match resource_grant {
            Some(PrincipalMatch::Direct) => {
                chain.push(
                    "same account: the resource-based policy names the principal itself, so it \
                     grants on its own"
                        .to_string(),
                );
                let deciding = allowing(PolicyType::Resource);
                return finish(Decision::Allowed, deciding, chain, policies, env.depends_on);
            }
            Some(PrincipalMatch::Role) if boundary_ok && session_ok => {
                chain.push(
                    "same account: the resource-based policy names the principal's role, and no \
                     boundary or session policy limits it"
                        .to_string(),
                );
                let deciding = allowing(PolicyType::Resource);
                return finish(Decision::Allowed, deciding, chain, policies, env.depends_on);
            }
            _ => {}
        }
        if is_root {
            chain.push("the account's root user has every permission in its account".to_string());
            return finish(Decision::Allowed, vec![], chain, policies, env.depends_on);
        }
        if identity_ok && boundary_ok && session_ok {
            chain.push("same account: an identity-based policy allows the request".to_string());
            let mut deciding = allowing(PolicyType::Identity);
            if set.resource_must_allow {
                deciding.extend(allowing(PolicyType::Resource));
            }
            return finish(Decision::Allowed, deciding, chain, policies, env.depends_on);
        }
        let mut deciding = Vec::new();
        if !identity_ok {
            chain.push(if set.resource.is_some() && !set.resource_must_allow {
                "no identity-based policy allows the request, and the resource-based policy \
                 does not grant it on its own"
                    .to_string()
            } else {
                "no identity-based policy allows the request".to_string()
            });
            deciding.push(missing_all(PolicyType::Identity, &set.identity));
            if let Some(p) = &set.resource
                && !set.resource_must_allow
            {
                deciding.push(missing(PolicyType::Resource, Some(p)));
            }
        }
        deciding.extend(limits(&mut chain));
        return finish(
            Decision::ImplicitDeny,
            deciding,
            chain,
            policies,
            env.depends_on,
        );
    }

    // Cross account: both sides must allow.
    let principal_side = identity_ok && boundary_ok && session_ok;
    let resource_side = resource_grant.is_some();
    if principal_side && resource_side {
        chain.push(
            "cross account: an identity-based policy and the resource-based policy both allow"
                .to_string(),
        );
        let mut deciding = allowing(PolicyType::Identity);
        deciding.extend(allowing(PolicyType::Resource));
        return finish(Decision::Allowed, deciding, chain, policies, env.depends_on);
    }
    let mut deciding = Vec::new();
    if !identity_ok {
        chain.push(
            "cross account: no identity-based policy in the principal's account allows the \
             request"
                .to_string(),
        );
        deciding.push(missing_all(PolicyType::Identity, &set.identity));
    }
    deciding.extend(limits(&mut chain));
    if !resource_side {
        chain.push(
            "cross account: the resource-based policy in the resource's account does not allow \
             the request"
                .to_string(),
        );
        deciding.push(missing(PolicyType::Resource, set.resource.as_ref()));
    }
    finish(
        Decision::ImplicitDeny,
        deciding,
        chain,
        policies,
        env.depends_on,
    )
}

/// The request's context with the keys AWS derives from the principal and resource added when
/// the request does not state them: `aws:PrincipalArn`, `aws:PrincipalAccount`,
/// `aws:username` (users), `aws:ResourceAccount`.
fn effective_context(
    request: &Request,
    principal: Option<&PrincipalInfo>,
    resource_account: Option<&str>,
) -> Context {
    let mut ctx = request.context.clone();
    if let Some(p) = principal
        && p.partition.is_some()
    {
        if !ctx.contains("aws:PrincipalArn") {
            ctx.insert("aws:PrincipalArn", p.principal_arn());
        }
        if let Some(a) = &p.account
            && !ctx.contains("aws:PrincipalAccount")
        {
            ctx.insert("aws:PrincipalAccount", a.clone());
        }
        if let Some(u) = p.user_name()
            && !ctx.contains("aws:username")
        {
            ctx.insert("aws:username", u.to_string());
        }
    }
    if let Some(a) = resource_account
        && !ctx.contains("aws:ResourceAccount")
    {
        ctx.insert("aws:ResourceAccount", a.to_string());
    }
    ctx
}

impl Env<'_> {
    /// Evaluates every statement of one policy; also returns the strongest principal match of
    /// its applicable `Allow` statements (resource-based policies).
    fn policy(
        &mut self,
        policy_type: PolicyType,
        level: Option<usize>,
        p: &EvalPolicy,
    ) -> (PolicyReport, Option<PrincipalMatch>) {
        let mut statements = Vec::with_capacity(p.statements.len());
        let (mut allows, mut denies) = (false, false);
        let mut grant = None;
        for st in &p.statements {
            let r = self.statement(policy_type, p.variables, st);
            if r.matched {
                match st.effect {
                    Some(Effect::Allow) => {
                        allows = true;
                        let m = match r.principal {
                            Some(PrincipalOutcome::Matched(m)) => m,
                            _ => PrincipalMatch::Direct,
                        };
                        grant = grant.max(Some(m));
                    }
                    Some(Effect::Deny) => denies = true,
                    None => {}
                }
            }
            statements.push(r);
        }
        (
            PolicyReport {
                policy_type,
                file: p.file.clone(),
                level,
                allows,
                denies,
                statements,
            },
            grant,
        )
    }

    fn statement(
        &mut self,
        policy_type: PolicyType,
        variables: bool,
        st: &EvalStatement,
    ) -> StatementReport {
        let mut r = StatementReport {
            index: st.index,
            sid: st.sid.clone(),
            effect: st.effect.map(|e| match e {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            }),
            matched: false,
            action: false,
            resource: None,
            principal: None,
            conditions: Vec::new(),
        };
        let action = &self.request.action;
        r.action = match &st.action {
            Names::Any(list) => list.iter().any(|a| action_matches(a, action)),
            Names::Not(list) => !list.iter().any(|a| action_matches(a, action)),
            Names::Absent => false,
        };
        if !r.action || st.effect.is_none() {
            return r;
        }
        let resource = &self.request.resource;
        let res_match =
            |v: &String| resource_matches(&resolve(v, variables, &self.context), resource);
        let resource_ok = match &st.resource {
            Names::Any(list) => list.iter().any(res_match),
            Names::Not(list) => !list.iter().any(res_match),
            // Resource-based policies may leave Resource out (it is the resource itself).
            Names::Absent => policy_type == PolicyType::Resource,
        };
        r.resource = Some(resource_ok);
        if !resource_ok {
            return r;
        }
        if policy_type.has_principals() {
            let principal = self.principal.as_ref();
            let outcome = match &st.principal {
                Principals::Any(list) => list
                    .iter()
                    .filter_map(|(k, v)| principal_entry_matches(*k, v, principal))
                    .max()
                    .map_or(PrincipalOutcome::NotMatched, PrincipalOutcome::Matched),
                Principals::Not(list) => {
                    if list
                        .iter()
                        .any(|(k, v)| principal_entry_matches(*k, v, principal).is_some())
                    {
                        PrincipalOutcome::NotMatched
                    } else {
                        PrincipalOutcome::Matched(PrincipalMatch::Direct)
                    }
                }
                // A VPC endpoint policy statement without Principal applies to everyone.
                Principals::Absent if policy_type == PolicyType::VpcEndpoint => {
                    PrincipalOutcome::Matched(PrincipalMatch::Direct)
                }
                Principals::Absent => PrincipalOutcome::NotMatched,
            };
            r.principal = Some(outcome);
            if outcome == PrincipalOutcome::NotMatched {
                return r;
            }
        }
        let mut all = true;
        for c in &st.conditions {
            let out = condition::evaluate(c, &self.context, variables);
            if out.missing
                && !self
                    .depends_on
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(&c.key))
            {
                self.depends_on.push(c.key.clone());
            }
            all &= out.held;
            r.conditions.push(ConditionReport {
                operator: c.operator.clone(),
                key: c.key.clone(),
                values: c
                    .values
                    .iter()
                    .map(|v| resolve(v, variables, &self.context).text())
                    .collect(),
                request_values: self.context.get(&c.key).map(<[String]>::to_vec),
                held: out.held,
            });
        }
        r.matched = all;
        r
    }
}

fn statement_name(index: Option<usize>, sid: Option<&str>) -> String {
    match (index, sid) {
        (_, Some(s)) => format!("statement {s}"),
        (Some(i), None) => format!("statement #{i}"),
        (None, None) => "a statement".to_string(),
    }
}

fn files(ps: &[EvalPolicy]) -> String {
    ps.iter()
        .map(|p| p.file.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn deciding_files(t: PolicyType, ps: &[EvalPolicy]) -> Vec<Deciding> {
    if ps.is_empty() {
        return vec![missing(t, None)];
    }
    ps.iter().map(|p| missing(t, Some(p))).collect()
}

fn missing(t: PolicyType, p: Option<&EvalPolicy>) -> Deciding {
    Deciding {
        policy_type: t,
        file: p.map(|p| p.file.clone()),
        statement: None,
        sid: None,
    }
}

fn missing_all(t: PolicyType, ps: &[EvalPolicy]) -> Deciding {
    Deciding {
        policy_type: t,
        file: (ps.len() == 1).then(|| ps[0].file.clone()),
        statement: None,
        sid: None,
    }
}
