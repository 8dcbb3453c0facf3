//! ## What it does
//! Checks the region field of an ARN against the ARN formats the service publishes for that
//! kind of resource: it flags a region in an ARN whose resource never carries one (S3 buckets
//! and objects, IAM roles, CloudFront distributions), and an empty region where the resource
//! always has one (SQS queues, Lambda functions). Wildcards and policy variables in the field
//! are accepted either way.
//!
//! The formats considered are those whose resource part fits the ARN's: `arn:aws:s3:::b` is a
//! bucket (no region), `arn:aws:s3:us-east-1:123456789012:accesspoint/ap` an access point (with
//! one). When the fitting formats disagree, or none fits, the rule stays quiet.
//!
//! ## Why it matters
//! IAM compares every field. A region where the service writes none (or none where it writes
//! one) makes the ARN match no resource at all, so the statement silently does nothing, and
//! Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam:us-east-1:123456789012:role/app"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::123456789012:role/app"}
//!   ]
//! }
//! ```

use super::{FieldUse, describe_types, fitting_patterns, service_arns, split_arn};
use crate::rules::actions::value_sub_span;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM205",
    name: "arn-region-presence",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: ARN_REGION_NOT_ALLOWED",
        "Access Analyzer: MISSING_ARN_REGION",
    ],
    summary: "An ARN has a region where its service has none, or lacks one the service needs.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let (Some(service), Some(region)) = (arn.field(2), arn.field(3)) else {
                continue;
            };
            let Some(resource) = arn.field(5) else {
                continue;
            };
            // Cheap exits first: a wildcard fits anything, and the service's formats may all
            // agree with what is there.
            let Some(info) = service_arns(service.text) else {
                continue;
            };
            let possible = if region.text.is_empty() {
                info.region != FieldUse::Never
            } else {
                !region.is_dynamic() && info.region != FieldUse::Always
            };
            if !possible {
                continue;
            }
            let fitting = fitting_patterns(service.text, resource.text);
            if fitting.is_empty() {
                continue;
            }
            if fitting.iter().all(|p| p.region.is_empty()) {
                if region.text.is_empty() {
                    continue;
                }
                let span = value_sub_span(cx, s, region.start, region.end());
                let mut diag = Diag::new(
                    span,
                    format!(
                        "This {} ARN takes no region, so with `{}` it matches nothing; leave the region field empty",
                        describe_types(&fitting),
                        region.text,
                    ),
                )
                .in_statement(st.index);
                if span != s.span {
                    diag = diag.with_fix(Fix::replace("Remove the region", span, ""));
                }
                out.push(diag);
            } else if fitting.iter().all(|p| !p.region.is_empty()) && region.text.is_empty() {
                out.push(
                    Diag::new(
                        s.span,
                        format!(
                            "This {} ARN needs a region, so with the region field empty it matches nothing; write the region or `*`",
                            describe_types(&fitting)
                        ),
                    )
                    .in_statement(st.index),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "arn-region-presence";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_unexpected_and_missing_regions() {
        let text = policy(
            r#"["arn:aws:iam:us-east-1:123456789012:role/app", "arn:aws:sqs::123456789012:queue", "arn:aws:lambda::123456789012:function:f"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_when_the_field_fits_or_is_dynamic() {
        let text = policy(
            r#"["arn:aws:iam::123456789012:role/app", "arn:aws:iam:*:123456789012:role/app", "arn:aws:sqs:*:123456789012:q", "arn:aws:sqs:${aws:RequestedRegion}:123456789012:q", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap", "arn:aws:newservice::123:thing", "arn:aws:iam:us-east-1"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn removing_the_region_fixes_it() {
        let text = policy(r#""arn:aws:iam:us-east-1:123456789012:role/app""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(fixed.contains(r#""arn:aws:iam::123456789012:role/app""#));
        assert!(run_rule(NAME, &fixed, Some(PolicyKind::Identity)).is_empty());
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == "json-syntax")
        );
    }
}
