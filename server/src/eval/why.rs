//! "Why was this denied, from your repository": given what an AccessDenied message says
//! (principal, action, resource, the policy type it blames, explicit or implicit) and the
//! workspace's policies with their kinds, name the files and statements that deny it and the
//! condition values the request would need.
//!
//! Each workspace policy of the blamed type (every type when the message names none) is
//! evaluated on its own against the request. An explicit deny is a `Deny` statement whose action,
//! resource and principal match and whose conditions hold, or cannot be told because the
//! message does not carry their keys (then the statement "may" deny, depending on those keys).
//! An implicit deny is a policy of the blamed type with no `Allow` that applies. Pure: the
//! caller loads the files and reads the message.

use super::{
    Context, Decision, EvalPolicy, PolicySet, PolicyType, PrincipalOutcome, Request,
    StatementReport, evaluate,
};
use crate::catalog::operators;
use crate::policy::PolicyKind;

/// What the message says.
#[derive(Clone, Debug, Default)]
pub struct DenialQuery {
    /// The principal's ARN, when the message names it.
    pub principal: Option<String>,
    /// The action.
    pub action: String,
    /// The resource ARN (`*` when the message names none).
    pub resource: Option<String>,
    /// The policy type the message blames.
    pub policy_type: Option<PolicyType>,
    /// `Some(true)` explicit deny, `Some(false)` implicit, `None` not said.
    pub explicit: Option<bool>,
    /// Request context, when known (a decoded authorization message carries it).
    pub context: Context,
    /// True when `context` is the request's whole context (a decoded authorization message):
    /// a key it does not carry was absent from the request, so a `Deny` whose conditions fail
    /// for want of it does not deny (it is not a "may deny").
    pub complete_context: bool,
}

/// One policy of the workspace.
#[derive(Clone, Debug)]
pub struct WorkspacePolicy {
    /// Its kind (configured or detected).
    pub kind: PolicyKind,
    /// The policy (its `file` is the path shown).
    pub policy: EvalPolicy,
}

#[cfg(test)]
impl WorkspacePolicy {
    /// The policy `text` as the workspace file `file` of `kind` (tests; panics on bad JSON).
    pub(crate) fn parsed(kind: PolicyKind, file: &str, text: &str) -> WorkspacePolicy {
        WorkspacePolicy {
            kind,
            policy: EvalPolicy::parse(file, text).expect("a policy"),
        }
    }
}

/// A statement (or policy) of the workspace that denies the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Culprit {
    /// The policy type.
    pub policy_type: PolicyType,
    /// The file.
    pub file: String,
    /// The denying statement (`None`: the policy allows nothing that applies).
    pub statement: Option<usize>,
    /// Its `Sid`.
    pub sid: Option<String>,
    /// True when it denies for certain with what the message says; false when it depends on
    /// keys the message does not carry.
    pub certain: bool,
    /// What the request would need, one phrase per condition ("aws:RequestedRegion is
    /// eu-west-1").
    pub unless: Vec<String>,
}

impl Culprit {
    /// One line: `org/region-lock.json, statement DenyOutsideEU: denies s3:GetObject unless
    /// aws:RequestedRegion is eu-west-1`.
    pub fn sentence(&self, action: &str) -> String {
        let place = match (&self.sid, self.statement) {
            (Some(sid), _) => format!("{}, statement {sid}", self.file),
            (None, Some(i)) => format!("{}, statement #{i}", self.file),
            (None, None) => self.file.clone(),
        };
        let verb = match (self.statement, self.certain) {
            (None, _) => format!("does not allow {action}"),
            (Some(_), true) => format!("denies {action}"),
            (Some(_), false) => format!("may deny {action}"),
        };
        if self.unless.is_empty() {
            format!("{place} ({}): {verb}", self.policy_type.as_str())
        } else {
            format!(
                "{place} ({}): {verb} unless {}",
                self.policy_type.as_str(),
                self.unless.join(" and ")
            )
        }
    }
}

/// The engine's policy type for a policy kind.
pub fn policy_type_of(kind: PolicyKind) -> PolicyType {
    match kind {
        PolicyKind::Identity => PolicyType::Identity,
        PolicyKind::Resource | PolicyKind::RoleTrust | PolicyKind::KmsKey => PolicyType::Resource,
        PolicyKind::ServiceControl => PolicyType::Scp,
        PolicyKind::ResourceControl => PolicyType::Rcp,
        PolicyKind::PermissionsBoundary => PolicyType::Boundary,
        PolicyKind::Session => PolicyType::Session,
        PolicyKind::VpcEndpoint => PolicyType::VpcEndpoint,
    }
}

/// The workspace's answer to a [`DenialQuery`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WhyAnswer {
    /// The statements and policies that deny the request.
    pub culprits: Vec<Culprit>,
    /// Condition keys that workspace statements applying to the request tested and the request
    /// does not carry (the engine's `depends_on`, over every policy evaluated), sorted.
    pub depends_on: Vec<String>,
}

/// The workspace statements and policies that deny the request described by `q`.
pub fn why_denied(q: &DenialQuery, workspace: &[WorkspacePolicy]) -> Vec<Culprit> {
    answer(q, workspace).culprits
}

/// [`why_denied`] with the keys the answer depends on.
pub fn answer(q: &DenialQuery, workspace: &[WorkspacePolicy]) -> WhyAnswer {
    let request = Request {
        principal: q.principal.clone(),
        action: q.action.clone(),
        resource: q.resource.clone().unwrap_or_else(|| "*".to_string()),
        resource_account: None,
        context: q.context.clone(),
    };
    let mut out = Vec::new();
    let mut depends_on: Vec<String> = Vec::new();
    for w in workspace {
        let t = policy_type_of(w.kind);
        if q.policy_type.is_some_and(|blamed| blamed != t) {
            continue;
        }
        let set = alone(t, w);
        let e = evaluate(&request, &set);
        for k in &e.depends_on {
            if !depends_on.iter().any(|d| d.eq_ignore_ascii_case(k)) {
                depends_on.push(k.clone());
            }
        }
        let Some(report) = e.policies.iter().find(|p| p.policy_type == t) else {
            continue;
        };
        if q.explicit != Some(false) {
            for s in &report.statements {
                if s.effect != Some("Deny") {
                    continue;
                }
                if let Some(certain) = may_apply(s, q.complete_context) {
                    out.push(Culprit {
                        policy_type: t,
                        file: w.policy.file.clone(),
                        statement: Some(s.index),
                        sid: s.sid.clone(),
                        certain,
                        unless: s
                            .conditions
                            .iter()
                            .filter_map(|c| unless(&c.operator, &c.key, &c.values))
                            .collect(),
                    });
                }
            }
        }
        let limits = matches!(
            t,
            PolicyType::Scp | PolicyType::Boundary | PolicyType::Session | PolicyType::VpcEndpoint
        );
        // An SCP of denies only stands on FullAWSAccess: it takes nothing away implicitly.
        let deny_only_scp = t == PolicyType::Scp && !w.policy.has_allow();
        if q.explicit == Some(false)
            && (q.policy_type == Some(t) || limits)
            && !deny_only_scp
            && !report.allows
            && e.decision != Decision::Allowed
        {
            out.push(Culprit {
                policy_type: t,
                file: w.policy.file.clone(),
                statement: None,
                sid: None,
                certain: true,
                unless: Vec::new(),
            });
        }
    }
    depends_on.sort();
    WhyAnswer {
        culprits: out,
        depends_on,
    }
}

/// A policy set with only `w` in its slot. An SCP without any `Allow` stands beside the
/// `FullAWSAccess` AWS attaches by default (a file of denies is not an allow-list).
fn alone(t: PolicyType, w: &WorkspacePolicy) -> PolicySet {
    let p = w.policy.clone();
    let mut set = PolicySet::default();
    match t {
        PolicyType::Identity => set.identity.push(p),
        PolicyType::Resource => set.resource = Some(p),
        PolicyType::Scp if !p.has_allow() => {
            set.scp_levels
                .push(vec![p, EvalPolicy::full_access("FullAWSAccess")]);
        }
        PolicyType::Scp => set.scp_levels.push(vec![p]),
        PolicyType::Rcp => set.rcp_levels.push(vec![p]),
        PolicyType::Boundary => set.boundary = Some(p),
        PolicyType::Session => set.session.push(p),
        PolicyType::VpcEndpoint => set.vpc_endpoints.push(p),
    }
    set
}

/// `Some(true)` when the statement applies, `Some(false)` when it applies unless a condition on
/// a key the request lacks says otherwise, `None` when it does not apply. With a `complete`
/// context a missing key is absent for certain: only a statement that applies counts.
fn may_apply(s: &StatementReport, complete: bool) -> Option<bool> {
    if s.matched {
        return Some(true);
    }
    if complete
        || !s.action
        || s.resource != Some(true)
        || s.principal == Some(PrincipalOutcome::NotMatched)
    {
        return None;
    }
    s.conditions
        .iter()
        .all(|c| c.held || c.request_values.is_none())
        .then_some(false)
}

/// What a request needs for one condition of a Deny statement not to hold.
fn unless(operator: &str, key: &str, values: &[Option<String>]) -> Option<String> {
    let info = operators::operator(operator)?;
    let vals: Vec<&str> = values.iter().filter_map(|v| v.as_deref()).collect();
    let list = if vals.len() == 1 {
        vals[0].to_string()
    } else {
        format!("one of {}", vals.join(", "))
    };
    if info.base.name == "Null" {
        return Some(match vals.first() {
            Some(v) if v.eq_ignore_ascii_case("true") => format!("{key} is present"),
            _ => format!("{key} is absent"),
        });
    }
    Some(if info.base.negated {
        let verb = if info.wildcards() { "matches" } else { "is" };
        format!("{key} {verb} {list}")
    } else {
        format!("{operator} {key} {list} is false")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(kind: PolicyKind, file: &str, text: &str) -> WorkspacePolicy {
        WorkspacePolicy::parsed(kind, file, text)
    }

    fn workspace() -> Vec<WorkspacePolicy> {
        vec![
            ws(
                PolicyKind::ServiceControl,
                "org/region-lock.json",
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#,
            ),
            ws(
                PolicyKind::ServiceControl,
                "org/no-iam.json",
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
            ),
            ws(
                PolicyKind::Identity,
                "roles/app.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
            ),
            ws(
                PolicyKind::PermissionsBoundary,
                "boundary.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            ),
        ]
    }

    #[test]
    fn names_the_scp_statement_and_the_value_it_needs() {
        let q = DenialQuery {
            principal: Some("arn:aws:iam::111122223333:user/alice".into()),
            action: "s3:GetObject".into(),
            resource: Some("arn:aws:s3:::bucket/key".into()),
            policy_type: Some(PolicyType::Scp),
            explicit: Some(true),
            context: Context::new(),
            complete_context: false,
        };
        let found = why_denied(&q, &workspace());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].sentence("s3:GetObject"),
            "org/region-lock.json, statement DenyOutsideEU (scp): denies s3:GetObject unless \
             aws:RequestedRegion is eu-west-1"
        );
        // With the region known to be eu-west-1, the SCP does not deny.
        let mut q2 = q.clone();
        q2.context.insert("aws:RequestedRegion", "eu-west-1");
        assert!(why_denied(&q2, &workspace()).is_empty());
        // iam: both SCPs.
        let q3 = DenialQuery {
            action: "iam:CreateUser".into(),
            ..q
        };
        let files: Vec<String> = why_denied(&q3, &workspace())
            .into_iter()
            .map(|c| c.file)
            .collect();
        assert_eq!(files, ["org/region-lock.json", "org/no-iam.json"]);
    }

    #[test]
    fn implicit_deny_in_a_boundary() {
        let q = DenialQuery {
            principal: None,
            action: "ec2:RunInstances".into(),
            resource: None,
            policy_type: Some(PolicyType::Boundary),
            explicit: Some(false),
            context: Context::new(),
            complete_context: false,
        };
        let found = why_denied(&q, &workspace());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].sentence("ec2:RunInstances"),
            "boundary.json (boundary): does not allow ec2:RunInstances"
        );
    }

    #[test]
    fn an_scp_of_denies_only_is_no_implicit_deny() {
        // "No service control policy allows": the deny-only SCPs stand on FullAWSAccess; an
        // allow-list SCP without the action is the one to name.
        let mut w = workspace();
        let q = DenialQuery {
            principal: None,
            action: "ec2:RunInstances".into(),
            resource: None,
            policy_type: Some(PolicyType::Scp),
            explicit: Some(false),
            context: Context::new(),
            complete_context: false,
        };
        assert!(why_denied(&q, &w).is_empty());
        w.push(ws(
            PolicyKind::ServiceControl,
            "org/allow-list.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ));
        let found = why_denied(&q, &w);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].sentence("ec2:RunInstances"),
            "org/allow-list.json (scp): does not allow ec2:RunInstances"
        );
    }

    #[test]
    fn a_deny_that_depends_on_an_unknown_key_may_deny() {
        let w = vec![ws(
            PolicyKind::Resource,
            "bucket.json",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        )];
        let q = DenialQuery {
            principal: Some("arn:aws:iam::111122223333:user/alice".into()),
            action: "s3:PutObject".into(),
            resource: Some("arn:aws:s3:::bucket/k".into()),
            policy_type: None,
            explicit: Some(true),
            context: Context::new(),
            complete_context: false,
        };
        let found = why_denied(&q, &w);
        assert_eq!(found.len(), 1);
        assert!(!found[0].certain);
        assert_eq!(
            found[0].sentence("s3:PutObject"),
            "bucket.json, statement TLS (resource): may deny s3:PutObject unless Bool \
             aws:SecureTransport false is false"
        );
    }
}
