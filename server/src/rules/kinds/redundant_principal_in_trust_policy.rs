//! ## What it does
//! In a role trust policy, flags an assumed-role session principal
//! (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) when the same statement, or an
//! unconditional statement allowing the same actions, already trusts the role itself
//! (`arn:aws:iam::<account>:role/<role>`).
//!
//! ## Why it matters
//! Trusting a role trusts every session of it, whatever the session name, so the session entry
//! adds nothing. It suggests a narrower trust than the policy really grants, which misleads the
//! next reader.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": [
//!       "arn:aws:iam::123456789012:role/Deployer",
//!       "arn:aws:sts::123456789012:assumed-role/Deployer/ci"
//!     ]},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": [
//!       "arn:aws:iam::123456789012:role/Deployer"
//!     ]},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```

use super::wildcard_match;
use crate::policy::{Effect, PolicyKind, PrincipalType, Statement};
use crate::rules::principals::{member_removal, parse_arn, principal_values};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM611",
    name: "redundant-principal-in-trust-policy",
    category: Category::Kinds,
    severity: Severity::Suggestion,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY"],
    summary: "An assumed-role session principal is redundant with its role, which is trusted too.",
    check,
};

/// `(partition, account, role name)` of a role ARN.
fn role_of(v: &str) -> Option<(&str, &str, &str)> {
    let arn = parse_arn(v)?;
    let path = arn.resource.strip_prefix("role/")?;
    let name = path.rsplit('/').next()?;
    (arn.service == "iam" && arn.region.is_empty() && !name.is_empty()).then_some((
        arn.partition,
        arn.account,
        name,
    ))
}

/// `(partition, account, role name)` of an assumed-role session ARN.
fn session_of(v: &str) -> Option<(&str, &str, &str)> {
    let arn = parse_arn(v)?;
    let rest = arn.resource.strip_prefix("assumed-role/")?;
    let (role, session) = rest.split_once('/')?;
    (arn.service == "sts" && !role.is_empty() && !session.is_empty()).then_some((
        arn.partition,
        arn.account,
        role,
    ))
}

/// True when `role_st` grants every action that `session_st` grants, without conditions.
fn covers(role_st: &Statement<'_>, session_st: &Statement<'_>) -> bool {
    role_st.condition.is_none()
        && role_st.not_action.is_none()
        && session_st.not_action.is_none()
        && session_st.actions().all(|a| {
            role_st
                .actions()
                .any(|r| wildcard_match(r.value, a.value, true))
        })
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let allows: Vec<&Statement<'_>> = cx
        .policy
        .statements
        .iter()
        .filter(|s| s.effect() == Some(Effect::Allow))
        .collect();
    for st in &allows {
        for s in principal_values(st, PrincipalType::Aws) {
            let Some(session) = session_of(s.value) else {
                continue;
            };
            let parent = allows.iter().find_map(|other| {
                let same = std::ptr::eq(*other, *st);
                if !same && !covers(other, st) {
                    return None;
                }
                principal_values(other, PrincipalType::Aws)
                    .find(|r| role_of(r.value) == Some(session))
            });
            let Some(role) = parent else { continue };
            let mut diag = Diag::new(
                s.span,
                format!(
                    "`{}` is redundant: the role `{}` is trusted too, which covers all of its sessions",
                    s.value, role.value
                ),
            )
            .in_statement(st.index);
            let in_array = st
                .principal
                .as_ref()
                .and_then(|f| f.ok())
                .and_then(|p| {
                    p.entries()
                        .iter()
                        .find(|e| e.strings().any(|x| std::ptr::eq(x, s)))
                })
                .and_then(|e| e.field.ok())
                .is_some_and(|l| l.array && l.items.len() > 1);
            if in_array {
                diag = diag.with_fix(Fix::replace(
                    "Remove the session principal",
                    member_removal(cx.text, s.span),
                    "",
                ));
            }
            out.push(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    #[test]
    fn same_statement_or_covering_statement() {
        let text = r#"{"Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:sts::123456789012:assumed-role/Deployer/ci", "arn:aws:iam::123456789012:role/ops/Deployer"]}, "Action": "sts:AssumeRole"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/Auditor"}, "Action": "sts:*"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::123456789012:assumed-role/Auditor/alice"}, "Action": "sts:AssumeRole"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/Reader"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::123456789012:assumed-role/Reader/bob"}, "Action": "sts:AssumeRole"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/Deployer/ci"}, "Action": "sts:AssumeRole"}
]}"#;
        let found = run_rule(
            "redundant-principal-in-trust-policy",
            text,
            Some(PolicyKind::RoleTrust),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        insta::assert_snapshot!(render(text, &found));
        let fixed = found[0].fixes[0].apply(text);
        let after = run(&fixed, Some(PolicyKind::RoleTrust));
        assert!(
            after.iter().all(|f| f.rule.name != "json-syntax"),
            "{fixed}"
        );
        assert_eq!(
            after
                .iter()
                .filter(|f| f.rule.name == "redundant-principal-in-trust-policy")
                .count(),
            1
        );
        assert!(found[1].fixes.is_empty());
    }
}
