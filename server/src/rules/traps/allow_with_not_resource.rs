//! ## What it does
//! Flags an Allow statement that uses `NotResource`, in a policy that grants access (identity,
//! resource, trust and key policies; guardrails such as SCPs and permissions boundaries only
//! set limits and are not flagged). `"NotResource": "*"` matches nothing and is left to other
//! rules.
//!
//! ## Why it matters
//! `NotResource` in an Allow grants its actions on every resource except the listed ones: on
//! every other bucket, table or key in the account, in every Region, and on every resource
//! created later. It is almost always meant as a Deny ("everything but these"), or the
//! resources to grant should be listed with `Resource`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "NotResource": "arn:aws:s3:::payroll/*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*"
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM930",
    name: "allow-with-not-resource",
    category: Category::Traps,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.2.0",
    sources: &["parliament: NOTRESOURCE_WITH_ALLOW"],
    summary: "An Allow with NotResource grants its actions on every resource but the listed ones.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if !cx.kind.facts().can_grant {
        return;
    }
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        let Some(field) = st.not_resource.as_ref() else {
            continue;
        };
        let Some(list) = field.ok() else { continue };
        if list.is_empty() || list.strings().any(|s| s.value == "*") {
            continue;
        }
        out.push(
            Diag::new(
                field.key.span,
                "This Allow grants its actions on every resource except the ones listed in \
                 NotResource, including resources created later. List the resources to grant \
                 with Resource, or make the statement a Deny.",
            )
            .in_statement(st.index),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::run_rule;

    const NAME: &str = "allow-with-not-resource";

    fn one(effect: &str, resource: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Action": "s3:GetObject", {resource}}}]}}"#
        )
    }

    #[test]
    fn flags_allow_with_not_resource_only() {
        let bad = one("Allow", r#""NotResource": "arn:aws:s3:::payroll/*""#);
        assert_eq!(run_rule(NAME, &bad, Some(PolicyKind::Identity)).len(), 1);
        for ok in [
            one("Deny", r#""NotResource": "arn:aws:s3:::payroll/*""#),
            one("Allow", r#""Resource": "arn:aws:s3:::payroll/*""#),
            one("Allow", r#""NotResource": "*""#),
        ] {
            assert!(
                run_rule(NAME, &ok, Some(PolicyKind::Identity)).is_empty(),
                "{ok}"
            );
        }
        // A guardrail only limits: not flagged in an SCP.
        assert!(run_rule(NAME, &bad, Some(PolicyKind::ServiceControl)).is_empty());
    }
}
