//! ## What it does
//! In a role trust policy, flags a statement that trusts IAM Roles Anywhere
//! (`rolesanywhere.amazonaws.com`) without allowing all three actions the service needs:
//! `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`. A quick fix adds the missing
//! ones.
//!
//! ## Why it matters
//! Roles Anywhere sets the source identity and session tags from the client certificate on
//! every session it creates. If the trust policy does not allow all three actions, creating a
//! session fails, and the error names none of this.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "rolesanywhere.amazonaws.com"},
//!     "Action": "sts:AssumeRole",
//!     "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a1b2c3"}}
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
//!     "Principal": {"Service": "rolesanywhere.amazonaws.com"},
//!     "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
//!     "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a1b2c3"}}
//!   }]
//! }
//! ```

use super::{action_covers, action_list};
use crate::policy::{Effect, PolicyKind, PrincipalType};
use crate::rules::principals::principal_values;
use crate::rules::support::list_words;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM606",
    name: "roles-anywhere-missing-actions",
    category: Category::Kinds,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::RoleTrust]),
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY"],
    summary: "A trust policy for IAM Roles Anywhere lacks sts:AssumeRole, sts:SetSourceIdentity or sts:TagSession.",
    check,
};

const REQUIRED: [&str; 3] = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) || st.not_action.is_some() {
            continue;
        }
        let Some(service) = principal_values(st, PrincipalType::Service)
            .find(|s| s.value.eq_ignore_ascii_case("rolesanywhere.amazonaws.com"))
        else {
            continue;
        };
        let Some(list) = action_list(st) else {
            continue;
        };
        if list.invalid().next().is_some() {
            continue;
        }
        let missing: Vec<&str> = REQUIRED
            .into_iter()
            .filter(|a| !action_covers(st, a))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let mut diag = Diag::new(
            list.span,
            format!(
                "IAM Roles Anywhere (`{}`) needs {} in this statement, or creating a session fails",
                service.value,
                list_words(missing.iter().map(|a| format!("`{a}`")))
            ),
        )
        .in_statement(st.index);
        let mut items: Vec<String> = list
            .strings()
            .filter_map(|s| cx.text.get(s.span.start..s.span.end).map(str::to_string))
            .collect();
        items.extend(missing.iter().map(|a| format!("\"{a}\"")));
        diag = diag.with_fix(Fix::replace(
            format!(
                "Add {}",
                list_words(missing.iter().map(|a| format!("`{a}`")))
            ),
            list.span,
            format!("[{}]", items.join(", ")),
        ));
        out.push(diag);
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    fn policy(action: &str) -> String {
        format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "rolesanywhere.amazonaws.com"}}, "Action": {action}}}]}}"#
        )
    }

    #[test]
    fn needs_all_three() {
        for ok in [
            r#"["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]"#,
            r#""sts:*""#,
            r#"["sts:AssumeRole", "sts:*Session", "sts:SetSourceIdentity"]"#,
        ] {
            assert!(
                run_rule(
                    "roles-anywhere-missing-actions",
                    &policy(ok),
                    Some(PolicyKind::RoleTrust)
                )
                .is_empty(),
                "{ok}"
            );
        }
        let text = policy(r#"["sts:AssumeRole", "sts:TagSession"]"#);
        let found = run_rule(
            "roles-anywhere-missing-actions",
            &text,
            Some(PolicyKind::RoleTrust),
        );
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(&text, &found));
        let fixed = found[0].fixes[0].apply(&text);
        assert!(
            run(&fixed, Some(PolicyKind::RoleTrust))
                .iter()
                .all(|f| f.rule.name != "roles-anywhere-missing-actions"
                    && f.rule.name != "json-syntax"),
            "{fixed}"
        );
    }

    #[test]
    fn other_services_are_ignored() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(
            run_rule(
                "roles-anywhere-missing-actions",
                text,
                Some(PolicyKind::RoleTrust)
            )
            .is_empty()
        );
    }
}
