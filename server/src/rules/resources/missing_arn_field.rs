//! ## What it does
//! Flags an ARN with fewer than its six colon-separated fields
//! (`arn:partition:service:region:account:resource`), or with an empty resource part. Fields
//! that a service leaves empty still need their colons: an S3 bucket is `arn:aws:s3:::name`, not
//! `arn:aws:s3:name`. When the ARN formats the resource fits never carry a region or an
//! account, the quick fix puts the missing colons back.
//!
//! An ARN cut short by a final wildcard (`arn:aws:s3:*`) is left alone.
//!
//! ## Why it matters
//! IAM reads the fields by position. With a colon missing, the bucket name lands in the region
//! field and the ARN matches nothing; Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:my-bucket/*"}
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

use super::{fitting_patterns, split_arn};
use crate::rules::actions::json_safe;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM202",
    name: "missing-arn-field",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_ARN_FIELD"],
    summary: "An ARN has fewer than six fields or an empty resource part.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            if arn.complete() {
                if arn.field(5).is_some_and(|f| f.text.is_empty()) {
                    out.push(
                        Diag::new(
                            s.span,
                            format!(
                                "`{}` has no resource part after the last colon, so it matches nothing; name the resource or use `*`",
                                s.value
                            ),
                        )
                        .in_statement(st.index),
                    );
                }
                continue;
            }
            // `arn:aws:s3:*`: a final wildcard stands for the rest. (`arn:aws:s3:b/*` has a
            // resource part in the wrong place: that one is reported.)
            let last = arn.fields().last().map_or("", |f| f.text);
            if (last.contains('*') && !last.contains('/')) || !s.terminated {
                continue;
            }
            let mut diag = Diag::new(
                s.span,
                format!(
                    "`{}` has {} of the 6 ARN fields (arn:partition:service:region:account:resource); a field left empty still needs its colon",
                    s.value,
                    arn.fields().len()
                ),
            )
            .in_statement(st.index);
            if let Some(fixed) = restore_colons(&arn)
                && json_safe(&fixed)
            {
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

/// `arn:aws:s3:name` → `arn:aws:s3:::name`, when every ARN format of the service that the
/// resource part fits has neither region nor account.
fn restore_colons(arn: &super::Arn<'_>) -> Option<String> {
    if arn.fields().len() != 4 {
        return None;
    }
    let service = arn.field(2)?.text;
    let resource = arn.field(3)?.text;
    let fitting = fitting_patterns(service, resource);
    let global = !fitting.is_empty()
        && fitting
            .iter()
            .all(|p| p.region.is_empty() && p.account.is_empty());
    (global && !resource.is_empty()).then(|| {
        format!(
            "arn:{}:{service}:::{resource}",
            arn.field(1).map_or("aws", |f| f.text)
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "missing-arn-field";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_short_arns() {
        let text = policy(
            r#"["arn:aws:s3:my-bucket/*", "arn:aws:iam::role/admin", "arn:aws:sqs:us-east-1:123456789012:", "arn:aws"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_complete_and_truncated_wildcard_arns() {
        let text = policy(
            r#"["arn:aws:s3:::b", "arn:aws:s3:*", "arn:*", "arn:aws:iam::123456789012:role/a:b", "arn:aws:kms:*:${aws:PrincipalAccount}:key/*"]"#,
        );
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn colon_fix_applies() {
        let text = policy(r#""arn:aws:s3:my-bucket/*""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(fixed.contains("arn:aws:s3:::my-bucket/*"));
        let after = run(&fixed, Some(PolicyKind::Identity));
        let resource_findings: Vec<_> = after
            .iter()
            .filter(|f| {
                f.rule.category == crate::rules::Category::Resources || f.rule.name == "json-syntax"
            })
            .map(|f| &f.message)
            .collect();
        assert!(resource_findings.is_empty(), "{resource_findings:?}");
    }
}
