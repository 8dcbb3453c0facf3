//! ## What it does
//! Flags an action (in `Action` or `NotAction`) that does not exist in its service:
//! `s3:GetObjects`, `ec2:DescribeInstance`, or a wildcard that matches no action of the service,
//! such as `s3:Gett*`. Also flags an action written without the `service:` part. Where the
//! catalog knows a close name, the finding says "did you mean" and offers it as a quick fix.
//!
//! Action names are case-insensitive (`S3:getobject` is fine). Only actions of services the
//! catalog knows are checked; unknown service prefixes are the business of `invalid-service`.
//!
//! An API operation whose permission is named otherwise (`s3:ListBuckets`, `s3:HeadObject`)
//! is told the permission it needs (`s3:ListAllMyBuckets`, `s3:GetObject`) instead of the
//! nearest spelling, which would be a different permission.
//!
//! ## Why it matters
//! An action that does not exist matches no request. In an `Allow` the permission you meant to
//! grant is missing; in a `Deny` or a `NotAction` the exception you meant to make is not there.
//! Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:GetObjects", "s3:Lst*"], "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"], "Resource": "*"}
//!   ]
//! }
//! ```

use super::{edit_distance, has_wildcards, json_safe, split_action, wildcard_match};
use crate::catalog::{Service, literal_head};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM102",
    name: "invalid-action",
    category: Category::Actions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_ACTION"],
    summary: "An action does not exist in its service, or a wildcard matches none.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.actions().chain(st.not_actions()) {
            if s.value == "*" || s.value.is_empty() || !s.terminated {
                continue;
            }
            let Some((prefix, name)) = split_action(s.value) else {
                out.push(
                    Diag::new(
                        s.span,
                        format!(
                            "`{}` is not an action: actions are written `service:ActionName`, such as `s3:GetObject`",
                            s.value
                        ),
                    )
                    .in_statement(st.index),
                );
                continue;
            };
            if has_wildcards(prefix) {
                continue;
            }
            let Some(service) = cx.catalog.service(prefix) else {
                continue;
            };
            let diag = if name.is_empty() {
                Diag::new(
                    s.span,
                    format!(
                        "`{}` names no action after the colon; write an action name or `{prefix}:*`",
                        s.value
                    ),
                )
            } else if has_wildcards(name) {
                if service
                    .actions_starting_with(literal_head(name))
                    .any(|a| wildcard_match(name, a.name(), true))
                {
                    continue;
                }
                let mut diag = Diag::new(
                    s.span,
                    format!(
                        "`{}` matches no `{}` action, so it grants or denies nothing",
                        s.value,
                        service.prefix()
                    ),
                );
                for fixed in wildcard_candidates(service, name) {
                    diag = diag.with_fix(Fix::replace(
                        format!("Replace with `{fixed}`"),
                        s.content,
                        fixed,
                    ));
                }
                diag
            } else {
                if service.action(name).is_some() {
                    continue;
                }
                let suggestions: Vec<String> = cx
                    .catalog
                    .suggest_action(s.value)
                    .into_iter()
                    .map(|a| a.full_name().to_string())
                    .filter(|n| json_safe(n))
                    .take(3)
                    .collect();
                let hint = match (
                    crate::catalog::api_names::api_permissions(s.value),
                    suggestions.first(),
                ) {
                    (Some((op, perms)), _) => format!(
                        "; `{}` is the API operation, which needs the permission {}",
                        op.split_once(':').map_or(op, |(_, n)| n),
                        perms
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                    (None, Some(best)) => format!("; did you mean `{best}`?"),
                    (None, None) => String::new(),
                };
                let mut diag = Diag::new(
                    s.span,
                    format!(
                        "`{}` is not a known `{}` action, so it matches no request{hint}",
                        s.value,
                        service.prefix()
                    ),
                );
                for fixed in suggestions {
                    diag = diag.with_fix(Fix::replace(
                        format!("Replace with `{fixed}`"),
                        s.content,
                        fixed,
                    ));
                }
                diag
            };
            out.push(diag.in_statement(st.index));
        }
    }
}

/// For a `Stem*` wildcard that matches nothing, nearby stems that do: beginnings of the
/// service's action names within a small edit distance of the stem, preferring those that are
/// a prefix of what was typed (`s3:Gett*` → `s3:Get*`), then those matching more actions.
/// Other wildcard shapes get no suggestion.
fn wildcard_candidates(service: Service, name: &str) -> Vec<String> {
    let Some(stem) = name.strip_suffix('*') else {
        return Vec::new();
    };
    if stem.is_empty() || has_wildcards(stem) {
        return Vec::new();
    }
    let limit = (stem.len() / 4).clamp(1, 2);
    // (distance, not a prefix relation, -matches, head), one entry per head ignoring case.
    let mut scored: Vec<(usize, bool, isize, String)> = Vec::new();
    for len in stem.len().saturating_sub(limit).max(1)..=stem.len() + limit {
        for action in service.actions() {
            let Some(head) = action.name().get(..len) else {
                continue;
            };
            if scored.iter().any(|e| e.3.eq_ignore_ascii_case(head)) {
                continue;
            }
            let Some(d) = edit_distance(stem, head, limit) else {
                continue;
            };
            let related =
                starts_with_ignore_case(stem, head) || starts_with_ignore_case(head, stem);
            let matches = service
                .actions()
                .filter(|a| starts_with_ignore_case(a.name(), head))
                .count();
            scored.push((d, !related, -(matches as isize), head.to_string()));
        }
    }
    scored.sort();
    scored
        .into_iter()
        .map(|(_, _, _, head)| format!("{}:{head}*", service.prefix()))
        .filter(|f| json_safe(f))
        .take(3)
        .collect()
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "invalid-action";

    fn policy(actions: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Resource": "*"}}]}}"#
        )
    }

    #[test]
    fn flags_unknown_actions_and_empty_wildcards() {
        let text = policy(
            r#"["s3:GetObjects", "ec2:DescribeInstance", "s3:Gett*", "s3:", "GetObject", "iam:Frobnicate"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    /// Issue 17: an API operation name gets the permission it needs, not the nearest spelling
    /// (`s3:ListBucket` would be a different permission on a different resource).
    #[test]
    fn api_operation_names_suggest_their_permission() {
        let text = policy(r#"["s3:ListBuckets"]"#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("`s3:ListAllMyBuckets`"),
            "{}",
            found[0].message
        );
        let titles: Vec<&str> = found[0].fixes.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["Replace with `s3:ListAllMyBuckets`"]);
    }

    #[test]
    fn quiet_on_valid_names() {
        let text = policy(
            r#"["S3:getobject", "s3:Get*", "s3:*", "*", "ec2:Describe?nstances", "deeplens:Nothing", "*code*:Nothing", "s3:*Object*"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn not_action_is_checked() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:GetUsr"], "Resource": "*"}]}"#;
        let found = run_rule(NAME, text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].fixes[0].title, "Replace with `iam:GetUser`");
    }

    #[test]
    fn fixes_apply_cleanly() {
        let text = policy(r#"["s3:GetObjects", "s3:Gett*"]"#);
        let before = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(before.len(), 2);
        for f in &before {
            assert!(!f.fixes.is_empty(), "{}", f.message);
            let fixed = Fix::apply(&f.fixes[0], &text);
            let after = run(&fixed, Some(PolicyKind::Identity));
            assert_eq!(after.iter().filter(|g| g.rule.name == NAME).count(), 1);
            assert!(!after.iter().any(|g| g.rule.name == "json-syntax"));
        }
    }
}
