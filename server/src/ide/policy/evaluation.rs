//! Where a policy of each kind sits in AWS's evaluation chain, and what its statements can do.
//!
//! The order follows the IAM User Guide's policy evaluation logic ("How AWS enforcement code
//! logic evaluates requests to allow or deny access"): an explicit `Deny` in any applicable
//! policy ends evaluation; then resource control policies and service control policies must each
//! allow the request; then a resource-based policy may allow it (within one account, depending on
//! the principal, that can be enough); otherwise identity-based policies must allow it, and a
//! permissions boundary and a session policy, when present, must allow it as well. VPC endpoint
//! policies apply only to requests sent through an endpoint, beside this chain. The wording here
//! is ours; the facts were checked against that documentation.

use super::Ctx;
use super::markdown::{code, guide_link};
use crate::policy::{Effect, PolicyKind, Statement};
use std::fmt::Write as _;

/// One step of the chain.
struct Step {
    title: &'static str,
    /// Whether an `Allow` at this step grants (true) or only lets the request pass (false).
    grants: bool,
    /// The role of a step that does not grant, in a word or two ("limits", "always wins").
    label: &'static str,
    /// What this step does to a request.
    rule: &'static str,
}

const CHAIN: [Step; 7] = [
    Step {
        title: "Explicit `Deny` in any policy",
        grants: false,
        label: "always wins",
        rule: "a matching Deny anywhere denies the request, whatever allows it elsewhere",
    },
    Step {
        title: "Resource control policies (RCPs)",
        grants: false,
        label: "limit",
        rule: "must allow the request (the default RCPFullAWSAccess allows everything)",
    },
    Step {
        title: "Service control policies (SCPs)",
        grants: false,
        label: "limit",
        rule: "must allow the request (the default FullAWSAccess allows everything)",
    },
    Step {
        title: "Resource-based policies",
        grants: true,
        label: "",
        rule: "an Allow can decide on its own for some principals in the same account",
    },
    Step {
        title: "Identity-based policies",
        grants: true,
        label: "",
        rule: "must allow the request, unless a resource policy in the same account already \
               did; across accounts both must",
    },
    Step {
        title: "Permissions boundary",
        grants: false,
        label: "limits",
        rule: "when the user or role has one, it must allow the request too",
    },
    Step {
        title: "Session policy",
        grants: false,
        label: "limits",
        rule: "when the session was created with one, it must allow the request too",
    },
];

/// The step of the chain a kind belongs to; `None` for VPC endpoint policies (network path).
fn step_of(kind: PolicyKind) -> Option<usize> {
    match kind {
        PolicyKind::ResourceControl => Some(1),
        PolicyKind::ServiceControl => Some(2),
        PolicyKind::Resource | PolicyKind::RoleTrust | PolicyKind::KmsKey => Some(3),
        PolicyKind::Identity => Some(4),
        PolicyKind::PermissionsBoundary => Some(5),
        PolicyKind::Session => Some(6),
        PolicyKind::VpcEndpoint => None,
    }
}

/// What a policy of this kind is for, in a few sentences.
pub fn role(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Identity => {
            "An identity policy **grants**: its Allow statements give the user, group or role it \
             is attached to the listed permissions, as long as no Deny applies and every RCP, \
             SCP, permissions boundary and session policy in play allows the request too. For a \
             resource in another account, that account's resource policy must allow it as well."
        }
        PolicyKind::Resource => {
            "A resource policy **grants**: it says who may act on the resource it is attached to. \
             In the same account, depending on the principal it names, its Allow can be the \
             deciding one even when the caller's identity policy, permissions boundary or session \
             policy has no matching Allow. A caller from another account also needs an Allow in \
             its own identity policy."
        }
        PolicyKind::RoleTrust => {
            "A role trust policy is the resource policy of an IAM role and **grants** one thing: \
             who may assume the role (`sts:AssumeRole`, `…WithSAML`, `…WithWebIdentity`) and set \
             session tags or a source identity. A caller from another account also needs its own \
             identity policy to allow assuming the role. What the role may do afterwards comes \
             from its permission policies, not from this one."
        }
        PolicyKind::KmsKey => {
            "A key policy is the resource policy of a KMS key and its primary control: nobody, \
             not even the account's root user, can use the key unless the key policy allows it, \
             either directly or by allowing the account (`arn:aws:iam::111122223333:root`), which \
             lets that account's IAM policies grant access to the key."
        }
        PolicyKind::ServiceControl => {
            "An SCP **only limits**: it sets the maximum permissions of the IAM users and roles \
             (root users included) in the member accounts under it, and never grants anything. \
             It does not apply to the organization's management account or to service-linked \
             roles."
        }
        PolicyKind::ResourceControl => {
            "An RCP **only limits**: it sets the maximum permissions on resources in the member \
             accounts under it, whoever calls, principals outside the organization included, \
             and never grants anything. It covers only the services that support RCPs and does \
             not apply to resources in the management account. Custom RCPs are written as Deny \
             statements; Allow is reserved for the default RCPFullAWSAccess."
        }
        PolicyKind::PermissionsBoundary => {
            "A permissions boundary **only limits**: the user or role it is set on can do only \
             what both its identity policies and the boundary allow; the boundary never grants by \
             itself. In the same account, depending on the principal it names, a resource policy \
             can still allow what the boundary does not."
        }
        PolicyKind::Session => {
            "A session policy **only limits**: passed when a role is assumed or a federated \
             session starts, it leaves the session only what both the role's (or user's) identity \
             policies and the session policy allow. In the same account, depending on the \
             principal it names, a resource policy can still allow what the session policy does \
             not."
        }
        PolicyKind::VpcEndpoint => {
            "A VPC endpoint policy **only limits**, and only requests sent through this endpoint: \
             they must be allowed here in addition to everything the other policies require. It \
             grants nothing. An endpoint without a custom policy allows full access."
        }
    }
}

/// What one statement with `effect` means in a policy of `kind`.
pub fn statement_meaning(kind: PolicyKind, effect: Effect) -> &'static str {
    match (effect, kind) {
        (Effect::Deny, PolicyKind::ServiceControl) => {
            "This Deny blocks the matching requests for every principal in the accounts under \
             the SCP, root users included, whatever any other policy allows."
        }
        (Effect::Deny, PolicyKind::ResourceControl) => {
            "This Deny blocks the matching requests to resources in the accounts under the RCP, \
             whoever makes them, whatever any other policy allows."
        }
        (Effect::Deny, PolicyKind::VpcEndpoint) => {
            "This Deny blocks the matching requests sent through this endpoint, whatever any other \
             policy allows."
        }
        (Effect::Deny, _) => {
            "This Deny wins over every Allow, in this or any other policy, for the requests it \
             matches."
        }
        (Effect::Allow, PolicyKind::Identity) => {
            "This Allow grants the listed actions to whoever has this policy attached, within \
             the limits of any SCP, RCP, permissions boundary or session policy."
        }
        (Effect::Allow, PolicyKind::Resource) => {
            "This Allow grants the listed principals the actions on this resource; principals \
             from another account also need an Allow in their own identity policy."
        }
        (Effect::Allow, PolicyKind::RoleTrust) => {
            "This Allow lets the listed principals assume the role; callers from another account \
             also need an identity policy Allow for the assume-role action."
        }
        (Effect::Allow, PolicyKind::KmsKey) => {
            "This Allow grants the listed principals the key operations; when it names an account \
             root (`:root`), it hands the decision to that account's IAM policies instead."
        }
        (Effect::Allow, PolicyKind::ServiceControl) => {
            "An Allow in an SCP grants nothing by itself: it sets the maximum for the accounts \
             under it, and the principal still needs an identity policy (or resource policy) \
             Allow."
        }
        (Effect::Allow, PolicyKind::ResourceControl) => {
            "An Allow in an RCP grants nothing, and AWS accepts it only in the default \
             RCPFullAWSAccess policy: write custom RCP statements as Deny."
        }
        (Effect::Allow, PolicyKind::PermissionsBoundary) => {
            "An Allow in a permissions boundary grants nothing by itself: it marks the most that \
             the identity policies of this user or role can grant; they still need an identity \
             policy Allow."
        }
        (Effect::Allow, PolicyKind::Session) => {
            "An Allow in a session policy grants nothing by itself: the session keeps only what \
             both this policy and the identity policies of the role or user allow."
        }
        (Effect::Allow, PolicyKind::VpcEndpoint) => {
            "An Allow here only lets matching requests through the endpoint; they still need an \
             Allow from an identity or resource policy."
        }
    }
}

/// The chain as a numbered list, with this kind's step marked.
pub fn chain(out: &mut String, kind: PolicyKind) {
    let here = step_of(kind);
    out.push_str("\n\n**Evaluation order**\n");
    for (i, step) in CHAIN.iter().enumerate() {
        let mark = if here == Some(i) {
            " ← **this policy**"
        } else {
            ""
        };
        let _ = write!(
            out,
            "\n{}. {} ({}): {}{mark}",
            i + 1,
            step.title,
            if step.grants { "can grant" } else { step.label },
            step.rule
        );
    }
    let mark = if here.is_none() {
        " ← **this policy**"
    } else {
        ""
    };
    let _ = write!(
        out,
        "\n\nOn the network path: VPC endpoint policies (limit) must also allow requests sent \
         through an endpoint.{mark}"
    );
}

/// The hover on the policy's first brace: the kind assumed and why, and the chain.
pub fn overview(cx: &Ctx<'_>) -> String {
    let kind = cx.kind();
    let mut out = String::new();
    let title = capitalised(kind.title());
    let _ = write!(out, "**{title}**");
    match cx.kind_info {
        Some(info) if info.configured => {
            let _ = write!(out, " (configured)\n\nSet by configuration: {}.", info.why);
        }
        Some(info) => {
            let _ = write!(
                out,
                " (assumed)\n\nThis document {}.",
                info.why.trim_end_matches('.')
            );
            if let Some(note) = crate::policy::assumed_kind_note(&cx.policy) {
                let _ = write!(out, " {note}");
            }
        }
        None => out.push_str(" (assumed)"),
    }
    let _ = write!(out, "\n\n{}", role(kind));
    chain(&mut out, kind);
    let statements = &cx.policy.statements;
    let allows = statements
        .iter()
        .filter(|s| s.effect() == Some(Effect::Allow))
        .count();
    let denies = statements
        .iter()
        .filter(|s| s.effect() == Some(Effect::Deny))
        .count();
    if !statements.is_empty() {
        let _ = write!(
            out,
            "\n\nThis policy has {} ({allows} Allow, {denies} Deny).",
            super::markdown::plural(statements.len(), "statement", "statements")
        );
    }
    guide_link(
        &mut out,
        "Policy evaluation logic (IAM User Guide)",
        "reference_policies_evaluation-logic",
    );
    out
}

/// The evaluation part of an `Effect` hover for `statement`.
pub fn effect_section(out: &mut String, kind: PolicyKind, statement: Option<&Statement<'_>>) {
    let effect = statement.and_then(|s| s.effect());
    let _ = write!(
        out,
        "\n\n**In {}**: {}",
        with_article(kind.title()),
        role(kind)
    );
    if let Some(effect) = effect {
        let _ = write!(
            out,
            "\n\n**This statement**: {}",
            statement_meaning(kind, effect)
        );
        if let Some(st) = statement {
            if effect == Effect::Allow && st.not_principal.is_some() {
                let _ = write!(
                    out,
                    " {} is only supported with Deny.",
                    code("NotPrincipal")
                );
            }
            if effect == Effect::Allow && st.not_action.is_some() {
                out.push_str(
                    " With `NotAction`, it covers every action of every service except those \
                     listed.",
                );
            }
        }
    }
    chain(out, kind);
}

/// "an identity policy", "a KMS key policy".
pub fn with_article(title: &str) -> String {
    let vowel = title.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {title}", if vowel { "an" } else { "a" })
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_place_and_meanings() {
        for kind in PolicyKind::ALL {
            assert_eq!(
                step_of(kind).map(|i| CHAIN[i].grants),
                match kind {
                    PolicyKind::VpcEndpoint => None,
                    k => Some(k.facts().can_grant),
                },
                "{kind}: the chain and the kind facts must agree on granting"
            );
            assert!(!role(kind).is_empty());
            for effect in [Effect::Allow, Effect::Deny] {
                assert!(statement_meaning(kind, effect).ends_with('.'));
            }
        }
    }

    #[test]
    fn chain_marks_the_kind() {
        let mut out = String::new();
        chain(&mut out, PolicyKind::ServiceControl);
        assert!(out.contains("3. Service control policies (SCPs) (limit): must allow the request (the default FullAWSAccess allows everything) ← **this policy**"));
        assert_eq!(out.matches("this policy").count(), 1);
        let mut out = String::new();
        chain(&mut out, PolicyKind::VpcEndpoint);
        assert!(out.contains("through an endpoint. ← **this policy**"));
        assert_eq!(capitalised("identity policy"), "Identity policy");
        assert_eq!(with_article("identity policy"), "an identity policy");
        assert_eq!(with_article("KMS key policy"), "a KMS key policy");
    }
}
