//! ## What it does
//! Flags an action (in `Action` or `NotAction`) whose service prefix is not an AWS service:
//! a misspelt prefix such as `s4:GetObject` or `lamda:InvokeFunction`, or a prefix that cannot be
//! one at all (empty, or with spaces or punctuation). It offers the nearest real actions as quick
//! fixes.
//!
//! A prefix that is merely missing from iam-ls's service catalog is reported only when it is one
//! or two typing mistakes away from a known prefix. Retired services (`deeplens`, `zocalo`) and
//! services newer than the catalog still appear in real policies, and they are left alone unless
//! they look like a typo of a known service.
//!
//! ## Why it matters
//! IAM matches actions by name. An action of a service that does not exist matches no request, so
//! the permission you meant to grant (or deny) is silently missing; Access Analyzer rejects the
//! policy outright.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
//! }
//! ```

use super::{has_wildcards, is_wellformed_prefix, json_safe, split_action};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM101",
    name: "invalid-service",
    category: Category::Actions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: INVALID_SERVICE",
        "Access Analyzer: INVALID_SERVICE_IN_ACTION",
    ],
    summary: "The service prefix of an action is not an AWS service.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.actions().chain(st.not_actions()) {
            let Some((prefix, name)) = split_action(s.value) else {
                continue;
            };
            if has_wildcards(prefix) || cx.catalog.service(prefix).is_some() {
                continue;
            }
            if prefix.is_empty() {
                out.push(
                    Diag::new(
                        s.span,
                        format!(
                            "`{}` has no service prefix before the colon, so it matches no request; write it as `service:{name}`",
                            s.value
                        ),
                    )
                    .in_statement(st.index),
                );
                continue;
            }
            let services = cx.catalog.suggest_service(prefix);
            let malformed = !is_wellformed_prefix(prefix);
            if services.is_empty() && !malformed {
                // Possibly a service newer than the catalog, or a retired one: stay quiet.
                continue;
            }
            let mut diag = if let Some(best) = services.first() {
                Diag::new(
                    s.span,
                    format!(
                        "`{prefix}` is not an AWS service prefix, so `{}` matches no request; did you mean `{}`?",
                        s.value,
                        best.prefix()
                    ),
                )
            } else {
                Diag::new(
                    s.span,
                    format!(
                        "`{prefix}` cannot be a service prefix (prefixes are letters, digits and hyphens), so `{}` matches no request",
                        s.value
                    ),
                )
            };
            diag = diag.in_statement(st.index);
            for fixed in candidates(cx, prefix, name, &services) {
                diag = diag.with_fix(Fix::replace(
                    format!("Replace with `{fixed}`"),
                    s.content,
                    fixed,
                ));
            }
            out.push(diag);
        }
    }
}

/// Replacement action names, best first: the same action name under a nearby service, or else
/// the catalog's nearest actions. At most three.
fn candidates(
    cx: &Context<'_>,
    prefix: &str,
    name: &str,
    services: &[crate::catalog::Service],
) -> Vec<String> {
    fn push(out: &mut Vec<String>, text: String) {
        if out.len() < 3 && json_safe(&text) && !out.iter().any(|o| o.eq_ignore_ascii_case(&text)) {
            out.push(text);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for service in services {
        if has_wildcards(name) {
            let fixed = format!("{}:{name}", service.prefix());
            if !cx.catalog.expand(&fixed).is_empty() {
                push(&mut out, fixed);
            }
        } else if let Some(action) = service.action(name) {
            push(&mut out, action.full_name().to_string());
        }
    }
    if out.is_empty() && !has_wildcards(name) {
        for action in cx.catalog.suggest_action(&format!("{prefix}:{name}")) {
            push(&mut out, action.full_name().to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "invalid-service";

    fn policy(actions: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Resource": "*"}}]}}"#
        )
    }

    #[test]
    fn flags_near_misses_and_malformed_prefixes() {
        let text = policy(
            r#"["s4:GetObject", "lamda:InvokeFunction", "ec3:Describe*", "s3 :GetObject", ":GetObject"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_known_unknown_and_wildcard_services() {
        // Known service in any case, a retired service without near miss, wildcards.
        let text = policy(
            r#"["S3:getobject", "deeplens:ListDevices", "zocalo:*", "*", "*code*:List*", "s3"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn not_action_too() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "iamm:*", "Resource": "*"}]}"#;
        let found = run_rule(NAME, text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].fixes[0].title, "Replace with `iam:*`");
    }

    #[test]
    fn fixes_apply_cleanly() {
        let text = policy(r#"["s4:GetObject", "lamda:InvokeFunction"]"#);
        let before = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(before.len(), 2);
        for f in &before {
            let fixed = Fix::apply(&f.fixes[0], &text);
            let after = run(&fixed, Some(PolicyKind::Identity));
            let mine = after.iter().filter(|g| g.rule.name == NAME).count();
            assert_eq!(mine, 1, "{fixed}");
            assert!(!after.iter().any(|g| g.rule.name == "json-syntax"));
        }
    }
}
