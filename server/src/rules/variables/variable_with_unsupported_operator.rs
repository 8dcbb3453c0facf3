//! ## What it does
//! Flags a policy variable in the value of a condition whose operator cannot take one: the
//! `Numeric`, `Date`, `BinaryEquals`, `IpAddress`/`NotIpAddress` and `Null` operators (with or
//! without `IfExists` and set qualifiers).
//!
//! String and ARN operators substitute variables. `Bool` is not reported: AWS's documentation
//! contradicts itself about it, so iam-ls stays silent rather than risk a false error.
//!
//! ## Why it matters
//! Only string and ARN comparisons substitute variables. With the other operators the
//! `${...}` is not replaced, and AWS rejects the policy. Compare against a fixed value, or use
//! a string operator on a key that holds text.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Deny",
//!       "Action": "*",
//!       "Resource": "*",
//!       "Condition": {"DateLessThan": {"aws:TokenIssueTime": "${aws:CurrentTime}"}}
//!     }
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Deny",
//!       "Action": "*",
//!       "Resource": "*",
//!       "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}}
//!     }
//!   ]
//! }
//! ```

use crate::catalog::operators::{self, ValueType};
use crate::catalog::variables::{VariableKind, scan};
use crate::rules::variables::{for_each_site, span_in, variables_active};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM404",
    name: "variable-with-unsupported-operator",
    category: Category::Variables,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_VARIABLE_FOR_OPERATOR"],
    summary: "A policy variable is compared with an operator that does not substitute variables.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if !variables_active(cx.policy) {
        return;
    }
    for_each_site(cx.policy, |site| {
        let Some(op) = site.operator else { return };
        let s = site.value;
        if !s.value.contains("${") {
            return;
        }
        let Some(info) = operators::operator(op.name) else {
            return;
        };
        if matches!(
            info.value_type(),
            ValueType::String | ValueType::Arn | ValueType::Bool
        ) {
            return;
        }
        for var in scan(s.value) {
            if let VariableKind::Key { .. } = var.kind {
                let text = s.value.get(var.span.clone()).unwrap_or("${...}");
                out.push(
                    Diag::new(
                        span_in(s, &var.span),
                        format!(
                            "`{text}` is not substituted here: policy variables work with string and ARN operators, not with `{}`, and AWS rejects the policy. Use a fixed value or a string operator",
                            op.name
                        ),
                    )
                    .in_statement(site.statement),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "variable-with-unsupported-operator";

    #[test]
    fn flags_variables_with_non_string_operators() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
  "NumericLessThan": {"aws:MultiFactorAuthAge": "${aws:PrincipalTag/maxage}"},
  "DateGreaterThanIfExists": {"aws:TokenIssueTime": ["${aws:CurrentTime}"]},
  "IpAddress": {"aws:SourceIp": "${aws:PrincipalTag/cidr}"},
  "ForAnyValue:NumericEquals": {"s3:max-keys": "${aws:PrincipalTag/n}"},
  "Null": {"aws:TokenIssueTime": "${aws:PrincipalTag/flag}"},
  "BinaryEquals": {"aws:x": "${aws:PrincipalTag/blob}"}
}}]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
    }

    #[test]
    fn string_arn_and_bool_operators_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
  "StringEquals": {"aws:ResourceTag/owner": "${aws:username}"},
  "StringLikeIfExists": {"s3:prefix": "${aws:username}/*"},
  "ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:PrincipalTag/bucket}"},
  "ForAllValues:ArnEquals": {"aws:x": "arn:aws:iam::${aws:PrincipalAccount}:root"},
  "Bool": {"aws:SecureTransport": "${aws:PrincipalTag/tls}"},
  "NumericLessThan": {"s3:max-keys": "10"},
  "NumericEquals": {"s3:max-keys": "${*}"}
}}]}"#;
        assert!(run_rule(NAME, text, None).is_empty());
        let old = text
            .replace("2012-10-17", "2008-10-17")
            .replace("StringEquals", "NumericEquals");
        assert!(run_rule(NAME, &old, None).is_empty());
    }
}
