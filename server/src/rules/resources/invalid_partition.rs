//! ## What it does
//! Flags an ARN whose partition field (the second) is not an AWS partition: `aws`, `aws-cn`,
//! `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f` or `aws-eusc`. Wildcards and
//! policy variables (`${aws:partition}`) are accepted. A near miss (`AWS`, `aws-gov`) gets a
//! quick fix.
//!
//! Whether a given service is offered in a given partition is not checked: that depends on
//! AWS's roll-out, which the catalog does not record.
//!
//! ## Why it matters
//! An ARN in a partition that does not exist matches no resource, so the statement does nothing
//! for it, and Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:amazon:s3:::my-bucket/*"}
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

use super::{PARTITIONS, split_arn};
use crate::rules::actions::{nearest, value_sub_span};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM203",
    name: "invalid-partition",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_PARTITION"],
    summary: "The partition field of an ARN is not an AWS partition.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            // `arn:aws` typed so far, or a truncated `arn:*`: nothing to say yet.
            if arn.fields().len() < 3 {
                continue;
            }
            let Some(partition) = arn.field(1) else {
                continue;
            };
            if partition.is_dynamic() || PARTITIONS.contains(&partition.text) {
                continue;
            }
            let span = value_sub_span(cx, s, partition.start, partition.end());
            let lower = partition.text.to_ascii_lowercase();
            let mut suggestions: Vec<&str> = Vec::new();
            if let Some(p) = PARTITIONS.iter().find(|p| **p == lower) {
                suggestions.push(p);
            }
            for p in nearest(partition.text, PARTITIONS.iter().copied(), 2, 2) {
                if !suggestions.contains(&p) {
                    suggestions.push(p);
                }
            }
            if partition.text == "amazon" && !suggestions.contains(&"aws") {
                suggestions.insert(0, "aws");
            }
            let hint = suggestions
                .first()
                .map(|p| format!("; did you mean `{p}`?"))
                .unwrap_or_default();
            let message = if partition.text.is_empty() {
                format!(
                    "`{}` has an empty partition field; write `aws` (or `aws-cn`, `aws-us-gov`, ...) or `*`",
                    s.value
                )
            } else {
                format!(
                    "`{}` is not an AWS partition, so this ARN matches nothing{hint}",
                    partition.text
                )
            };
            if partition.text.is_empty() {
                suggestions.push("aws");
            }
            // `span` is the field itself unless the string has escapes (then it is the whole
            // string, and no fix is offered); an empty field is shown on the whole string.
            let exact = span != s.span;
            let shown = if partition.text.is_empty() {
                s.span
            } else {
                span
            };
            let mut diag = Diag::new(shown, message).in_statement(st.index);
            if exact {
                for p in suggestions.iter().take(2) {
                    diag = diag.with_fix(Fix::replace(format!("Replace with `{p}`"), span, *p));
                }
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

    const NAME: &str = "invalid-partition";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_unknown_partitions() {
        let text = policy(
            r#"["arn:AWS:s3:::b", "arn:aws-gov:s3:::b", "arn:amazon:s3:::b", "arn::s3:::b"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_partitions_wildcards_and_variables() {
        let text = policy(
            r#"["arn:aws:s3:::b", "arn:aws-cn:s3:::b", "arn:aws-us-gov:s3:::b", "arn:aws-iso-f:s3:::b", "arn:aws-eusc:s3:::b", "arn:*:s3:::b", "arn:${aws:partition}:s3:::b", "arn:aws*:s3:::b", "arn:foo"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn fix_applies() {
        let text = policy(r#""arn:AWS:s3:::b""#);
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
