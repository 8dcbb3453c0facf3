//! ## What it does
//! Flags an ARN whose account field is neither a 12-digit AWS account id, nor a wildcard or a
//! policy variable, nor `aws`: `1234-5678-9012`, `12345678901` (11 digits), `my-account`. Dashes
//! and spaces copied from the console are removed by the quick fix.
//!
//! `aws` is accepted in any service: AWS-owned resources use it (`arn:aws:iam::aws:policy/...`,
//! SageMaker's public hub, CloudFormation transforms, IAM Identity Center application
//! providers). So are literal account values that a service's published ARN formats name.
//!
//! ## Why it matters
//! An ARN with a malformed account matches no resource, so the statement silently does nothing
//! for it, and Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:1234-5678-9012:orders"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:orders"}
//!   ]
//! }
//! ```

use super::{patterns_for, split_arn};
use crate::rules::actions::value_sub_span;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM207",
    name: "invalid-arn-account",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_ARN_ACCOUNT"],
    summary: "The account field of an ARN is not a 12-digit account id.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let (Some(service), Some(account)) = (arn.field(2), arn.field(4)) else {
                continue;
            };
            // The account field of a truncated ARN may still be being typed.
            if !arn.complete() {
                continue;
            }
            let a = account.text;
            if a.is_empty() || account.is_dynamic() || is_account_id(a) || a == "aws" {
                continue;
            }
            if patterns_for(service.text).iter().any(|p| p.account == a) {
                continue;
            }
            let span = value_sub_span(cx, s, account.start, account.end());
            let digits: String = a.chars().filter(|c| *c != '-' && *c != ' ').collect();
            let count = a.chars().filter(char::is_ascii_digit).count();
            let detail = if a.bytes().all(|b| b.is_ascii_digit()) {
                format!("it has {count} digits")
            } else {
                "it must be 12 digits".to_string()
            };
            let mut diag = Diag::new(
                span,
                format!(
                    "`{a}` is not an AWS account id ({detail}), so this ARN matches nothing; write the 12-digit id, or `*`"
                ),
            )
            .in_statement(st.index);
            if span != s.span && is_account_id(&digits) {
                diag = diag.with_fix(Fix::replace(format!("Write `{digits}`"), span, digits));
            }
            out.push(diag);
        }
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "invalid-arn-account";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_malformed_accounts() {
        let text = policy(
            r#"["arn:aws:sqs:us-east-1:1234-5678-9012:q", "arn:aws:iam::12345678901:role/x", "arn:aws:iam::prod:role/x"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_ids_wildcards_variables_and_aws() {
        let text = policy(
            r#"["arn:aws:iam::123456789012:role/x", "arn:aws:iam::*:role/x", "arn:aws:iam::12345678901?:role/x", "arn:aws:iam::${aws:PrincipalAccount}:role/x", "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:sagemaker:*:aws:hub/SageMakerPublicHub", "arn:aws:s3:::b", "arn:aws:iam::12"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn dash_fix_applies() {
        let text = policy(r#""arn:aws:sqs:us-east-1:1234-5678-9012:q""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(fixed.contains(":123456789012:q"));
        assert!(run_rule(NAME, &fixed, Some(PolicyKind::Identity)).is_empty());
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == "json-syntax")
        );
    }
}
