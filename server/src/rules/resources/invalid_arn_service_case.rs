//! ## What it does
//! Flags an ARN whose service field (the third) has capital letters, such as `arn:aws:S3:::b`
//! or `arn:aws:IAM::123456789012:role/x`. The quick fix writes it in lowercase.
//!
//! ## Why it matters
//! Action names ignore case, but ARNs do not: IAM compares them character by character, and
//! every service writes its ARNs with a lowercase prefix. An ARN with `S3` matches no bucket,
//! and Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:S3:::my-bucket/*"}
//!   ]
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

use super::split_arn;
use crate::rules::actions::value_sub_span;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM204",
    name: "invalid-arn-service-case",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_ARN_SERVICE_CASE"],
    summary: "The service field of an ARN has capital letters.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(service) = split_arn(s.value).and_then(|a| a.field(2)) else {
                continue;
            };
            if !has_capitals_outside_variables(service.text) {
                continue;
            }
            let span = value_sub_span(cx, s, service.start, service.end());
            let lower = service.text.to_ascii_lowercase();
            let mut diag = Diag::new(
                span,
                format!(
                    "The service field `{}` must be lowercase (`{lower}`): ARNs are case-sensitive, so this one matches nothing",
                    service.text
                ),
            )
            .in_statement(st.index);
            if span != s.span && !service.text.contains("${") {
                diag = diag.with_fix(Fix::replace(
                    format!("Write `{lower}`"),
                    span,
                    lower.clone(),
                ));
            }
            out.push(diag);
        }
    }
}

/// Capital letters in `text` outside `${...}` variables.
fn has_capitals_outside_variables(text: &str) -> bool {
    let mut rest = text;
    loop {
        match rest.find("${") {
            Some(open) => {
                if rest[..open].bytes().any(|b| b.is_ascii_uppercase()) {
                    return true;
                }
                match rest[open..].find('}') {
                    Some(close) => rest = &rest[open + close + 1..],
                    None => return false,
                }
            }
            None => return rest.bytes().any(|b| b.is_ascii_uppercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_capitals_outside_variables;
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "invalid-arn-service-case";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_capitals() {
        let text = policy(r#"["arn:aws:S3:::b", "arn:aws:IAM::123456789012:role/x"]"#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_lowercase_and_variables() {
        let text = policy(
            r#"["arn:aws:s3:::B", "arn:aws:${Svc}:::b", "arn:aws:s3-object-lambda:*:*:accesspoint/X"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
        assert!(has_capitals_outside_variables("a${x}B"));
        assert!(!has_capitals_outside_variables("a${X}b"));
    }

    #[test]
    fn fix_applies() {
        let text = policy(r#""arn:aws:S3:::b""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
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
