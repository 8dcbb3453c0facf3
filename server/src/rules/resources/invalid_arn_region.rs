//! ## What it does
//! Flags an ARN whose region field is not an AWS region name: `us-east`, `useast1`,
//! `us-east-1a` (an availability zone), `US-EAST-1`, `eu-wets-1`. The nearest region names are
//! offered as quick fixes. Wildcards and policy variables are accepted (`us-*`,
//! `${aws:RequestedRegion}`).
//!
//! The region list is data (from botocore's partition files, see the source). A name with the
//! shape of a region (a known area such as `ap` or `us-gov`, a compass word, a number) is
//! accepted even when the list does not have it yet, so a region opened after this release is
//! not reported.
//!
//! ## Why it matters
//! An ARN with a region that does not exist matches no resource, so the statement silently does
//! nothing for it, and Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1a:123456789012:orders"}
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

use super::{REGIONS, patterns_for, region_shaped, split_arn};
use crate::rules::actions::{nearest, value_sub_span};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM208",
    name: "invalid-arn-region",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_ARN_REGION"],
    summary: "The region field of an ARN is not an AWS region.",
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
            // The region of a truncated ARN may still be being typed.
            if arn.fields().len() < 5 {
                continue;
            }
            let r = region.text;
            if r.is_empty() || region.is_dynamic() || REGIONS.contains(&r) || region_shaped(r) {
                continue;
            }
            if patterns_for(service.text).iter().any(|p| p.region == r) {
                continue;
            }
            let span = value_sub_span(cx, s, region.start, region.end());
            let lower = r.to_ascii_lowercase();
            let mut suggestions: Vec<&str> = Vec::new();
            if let Some(known) = REGIONS.iter().find(|k| **k == lower) {
                suggestions.push(known);
            }
            // An availability zone: the region is its name without the final letter.
            if let Some(zone_region) = lower
                .strip_suffix(|c: char| c.is_ascii_lowercase())
                .and_then(|z| REGIONS.iter().find(|k| **k == z))
                && !suggestions.contains(zone_region)
            {
                suggestions.push(zone_region);
            }
            for near in nearest(r, REGIONS.iter().copied(), 3, 3) {
                if !suggestions.contains(&near) {
                    suggestions.push(near);
                }
            }
            suggestions.truncate(3);
            let hint = suggestions
                .first()
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            let mut diag = Diag::new(
                span,
                format!("`{r}` is not an AWS region, so this ARN matches nothing{hint}"),
            )
            .in_statement(st.index);
            if span != s.span {
                for k in suggestions {
                    diag = diag.with_fix(Fix::replace(format!("Replace with `{k}`"), span, k));
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

    const NAME: &str = "invalid-arn-region";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_unknown_regions() {
        let text = policy(
            r#"["arn:aws:sqs:us-east-1a:123456789012:q", "arn:aws:sqs:US-EAST-1:123456789012:q", "arn:aws:sqs:eu-wets-1:123456789012:q", "arn:aws:sqs:useast1:123456789012:q"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_regions_shapes_and_wildcards() {
        let text = policy(
            r#"["arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sqs:ap-southeast-9:123456789012:q", "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q", "arn:aws:sqs:us-*:123456789012:q", "arn:aws:sqs:${aws:RequestedRegion}:123456789012:q", "arn:aws:s3:::b", "arn:aws:sqs:us-e"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn zone_fix_applies() {
        let text = policy(r#""arn:aws:sqs:us-east-1a:123456789012:q""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(found[0].fixes[0].title, "Replace with `us-east-1`");
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(run_rule(NAME, &fixed, Some(PolicyKind::Identity)).is_empty());
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == "json-syntax")
        );
    }
}
