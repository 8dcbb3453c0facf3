//! ## What it does
//! Flags a `Resource` or `NotResource` value that is neither `*` nor an ARN starting with
//! `arn:`: a bare bucket name, a name copied from the console, `ARN:aws:...` in capitals. For a
//! prefix that only differs in case, the quick fix writes `arn:`.
//!
//! Values that begin with a wildcard or a policy variable are left alone: they may well expand
//! to an ARN.
//!
//! ## Why it matters
//! IAM compares resources as ARNs. A value that is not one matches no resource, so the
//! statement grants or denies nothing for it, and Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket/*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
//!   ]
//! }
//! ```

use crate::rules::actions::value_sub_span;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM201",
    name: "invalid-arn-prefix",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_ARN_PREFIX"],
    summary: "A resource is neither `*` nor an ARN starting with `arn:`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let v = s.value;
            if v == "*" || v.starts_with("arn:") || !s.terminated {
                continue;
            }
            if v.starts_with(['*', '?']) || v.starts_with("${") {
                continue;
            }
            let mut diag = Diag::new(
                s.span,
                if v.is_empty() {
                    "An empty resource matches nothing: write `*` or an ARN (`arn:partition:service:region:account:resource`)".to_string()
                } else {
                    format!(
                        "`{v}` is not an ARN, so it matches no resource: write `*` or an ARN starting with `arn:` (`arn:partition:service:region:account:resource`)"
                    )
                },
            )
            .in_statement(st.index);
            if v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("arn:")) {
                diag = diag.with_fix(Fix::replace(
                    "Write the prefix as `arn:`",
                    value_sub_span(cx, s, 0, 4),
                    "arn:",
                ));
            }
            out.push(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "invalid-arn-prefix";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_values_that_are_not_arns() {
        let text = policy(r#"["my-bucket/*", "ARN:aws:s3:::b", "", "s3:::b"]"#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_arns_wildcards_and_variables() {
        let text = policy(r#"["*", "arn:aws:s3:::b", "*bucket*", "${aws:ResourceArn}", "?"]"#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn case_fix_applies() {
        let text = policy(r#""Arn:aws:s3:::b""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(fixed.contains(r#""arn:aws:s3:::b""#));
        assert!(run_rule(NAME, &fixed, Some(PolicyKind::Identity)).is_empty());
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == "json-syntax")
        );
    }
}
