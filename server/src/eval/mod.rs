//! The evaluation engine: AWS's decision on one request, given the policies in play.
//!
//! Pure: no LSP, no files, no network. [`evaluate`] takes a [`Request`] (principal, action,
//! resource, request context) and a [`PolicySet`] (identity policies, one resource-based policy,
//! SCP and RCP levels from the organization root down, permissions boundary, session policy, VPC
//! endpoint policies) and returns an [`Evaluation`]: the [`Decision`], the deciding statements,
//! a per-policy report of which statements matched and why (each condition with its key, the
//! values on both sides, and whether it held), the keys the decision depends on that the request
//! did not carry, and the reasoning chain in words.
//!
//! The order is the IAM User Guide's "Policy evaluation logic" (see docs/evaluation.md):
//!
//! 1. An explicit `Deny` that applies, in any policy of any type, decides.
//! 2. Every SCP level must have an applicable `Allow` (SCPs apply to the principal's account).
//!    RCP levels always allow through the AWS-attached `RCPFullAWSAccess`, so only their denies
//!    count.
//! 3. A key policy (KMS) or role trust policy must allow; IAM policies count only when it
//!    delegates to the account.
//! 4. Every VPC endpoint policy must allow.
//! 5. Same account: a resource-based policy that names the principal itself (user, role
//!    session, federated user, `*`) grants on its own; one that names the role grants unless
//!    the boundary or session policy does not allow; one that names the account leaves it to the
//!    identity policies. Otherwise an identity-policy `Allow` is needed, and the boundary and
//!    session policy must allow too.
//! 6. Cross account: both the identity side (identity ∩ boundary ∩ session) and the resource
//!    policy must allow.
//!
//! Modules: [`policy`] (the owned policy form), [`request`] (request and context), [`sample`]
//! (a representative request for a statement),
//! `matching` (actions, ARNs, principals, variables), `condition` (operators), `decide` (the
//! layers).

mod condition;
mod decide;
mod matching;
pub mod policy;
pub mod request;
pub mod sample;
pub mod why;

pub use decide::evaluate;
pub use matching::PrincipalMatch;
pub use policy::{EvalCondition, EvalPolicy, EvalStatement, Names, Principals};
pub use request::{Context, PrincipalInfo, PrincipalKind, Request};

use serde::Serialize;

/// The kinds of policy the engine evaluates (the names used in reports and on the command
/// line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyType {
    /// Identity-based policies (managed or inline).
    Identity,
    /// The resource-based policy (bucket policy, key policy, trust policy, ...).
    Resource,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// The permissions boundary.
    Boundary,
    /// The session policy.
    Session,
    /// A VPC endpoint policy.
    VpcEndpoint,
}

impl PolicyType {
    /// The name used in reports: `identity`, `resource`, `scp`, `rcp`, `boundary`, `session`,
    /// `vpc-endpoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::VpcEndpoint => "vpc-endpoint",
        }
    }

    /// Whether statements of this type name principals (`Principal`/`NotPrincipal`).
    pub fn has_principals(self) -> bool {
        matches!(
            self,
            PolicyType::Resource | PolicyType::Rcp | PolicyType::VpcEndpoint
        )
    }
}

/// Every policy in play for one request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    /// Identity-based policies attached to the principal (and its groups).
    pub identity: Vec<EvalPolicy>,
    /// The resource's resource-based policy.
    pub resource: Option<EvalPolicy>,
    /// True when the resource policy must allow whatever the identity policies say: KMS key
    /// policies and role trust policies.
    pub resource_must_allow: bool,
    /// SCP levels, organization root first; each level must allow.
    pub scp_levels: Vec<Vec<EvalPolicy>>,
    /// RCP levels, root first, customer RCPs only (`RCPFullAWSAccess` is implied).
    pub rcp_levels: Vec<Vec<EvalPolicy>>,
    /// The permissions boundary.
    pub boundary: Option<EvalPolicy>,
    /// The session policies, read together (one of them must allow): usually one.
    pub session: Vec<EvalPolicy>,
    /// The VPC endpoint policies the request passes through.
    pub vpc_endpoints: Vec<EvalPolicy>,
}

/// Whether the resource's own policy must allow `action` on `resource` whatever the identity
/// policies say: KMS keys (the key policy; aliases have none) and roles assumed with
/// `sts:AssumeRole*` (the trust policy).
pub fn resource_policy_required(action: &str, resource: &str) -> bool {
    let action = action.to_ascii_lowercase();
    let field = |i: usize| resource.split(':').nth(i).unwrap_or("");
    (action.starts_with("kms:") && field(2) == "kms" && field(5).starts_with("key/"))
        || (action.starts_with("sts:assumerole")
            && field(2) == "iam"
            && field(5).starts_with("role/"))
}

/// AWS's three outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Allowed.
    Allowed,
    /// An applicable `Deny` statement.
    ExplicitDeny,
    /// Nothing (or not every required layer) allowed.
    ImplicitDeny,
}

impl Decision {
    /// `allowed`, `explicit-deny`, `implicit-deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::ImplicitDeny => "implicit-deny",
        }
    }
}

/// A deciding statement (or, for an implicit deny, a policy that did not allow; then
/// `statement` is `None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deciding {
    /// The policy type.
    pub policy_type: PolicyType,
    /// The policy's file, `None` when the layer had no policy at all.
    pub file: Option<String>,
    /// The statement's index.
    pub statement: Option<usize>,
    /// The statement's `Sid`.
    pub sid: Option<String>,
}

/// One policy's part in the evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyReport {
    /// The type.
    pub policy_type: PolicyType,
    /// The file.
    pub file: String,
    /// For SCPs and RCPs: the level (0 = organization root).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    /// Whether an `Allow` statement applies.
    pub allows: bool,
    /// Whether a `Deny` statement applies.
    pub denies: bool,
    /// Every statement.
    pub statements: Vec<StatementReport>,
}

/// One statement's match.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementReport {
    /// Index in the policy.
    pub index: usize,
    /// `Sid`.
    pub sid: Option<String>,
    /// `Allow` / `Deny` (`null` when invalid).
    pub effect: Option<&'static str>,
    /// Whether the statement applies to the request.
    pub matched: bool,
    /// Whether `Action`/`NotAction` matched.
    pub action: bool,
    /// Whether `Resource`/`NotResource` matched (`null` when not reached).
    pub resource: Option<bool>,
    /// How `Principal`/`NotPrincipal` named the principal (`null` when not tested or not
    /// reached; `false` when it did not).
    pub principal: Option<PrincipalOutcome>,
    /// The conditions, when action, resource and principal matched.
    pub conditions: Vec<ConditionReport>,
}

/// The principal test of one statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalOutcome {
    /// Matched, this strongly.
    Matched(PrincipalMatch),
    /// Not matched.
    NotMatched,
}

/// One condition's evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionReport {
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The policy's values after variable substitution (`null` items: a variable with no
    /// value).
    pub values: Vec<Option<String>>,
    /// The request's values, `null` when the request does not carry the key.
    pub request_values: Option<Vec<String>>,
    /// Whether it held.
    pub held: bool,
}

/// The engine's answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// The deciding statements (explicit deny: the denies; allowed: the allows that granted;
    /// implicit deny: the policy types that did not allow).
    pub deciding: Vec<Deciding>,
    /// Every policy's report, in evaluation order.
    pub policies: Vec<PolicyReport>,
    /// Keys a condition of an applicable statement tested that the request does not carry: the
    /// decision may change when they are given.
    pub depends_on: Vec<String>,
    /// The reasoning, one step a line, as a person reads it.
    pub chain: Vec<String>,
}

#[cfg(test)]
mod tests;
