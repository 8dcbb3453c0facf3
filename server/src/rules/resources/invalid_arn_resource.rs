//! ## What it does
//! Flags an ARN whose resource part starts with a resource type its service does not have, when
//! that word is a near miss of one it does: `arn:aws:iam::123456789012:rol/admin` (`role`),
//! `arn:aws:sagemaker:us-east-1:123456789012:endpointconfig/x` (`endpoint-config`). The quick
//! fix respells it.
//!
//! The catalog's ARN formats are not complete (some resource types are missing, some shapes
//! differ from what services accept), so the rule only reports what is very likely a typo: a
//! resource part that fits none of the service's formats, whose first word is not one of the
//! service's resource types but is one or two letters away from one. Unknown words with no near
//! miss, words that differ from a known one only in case, known words in an unusual shape,
//! services whose ARNs start with a name (S3 buckets, SQS queues), wildcards and policy
//! variables are all left alone.
//!
//! ## Why it matters
//! An ARN that no resource can have matches nothing: the statement silently grants or denies
//! nothing for it, and Access Analyzer rejects the policy.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:rol/app"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app"}
//!   ]
//! }
//! ```

use super::{fitting_patterns, is_dynamic, service_arns, split_arn, type_word};
use crate::rules::actions::{nearest, value_sub_span};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM209",
    name: "invalid-arn-resource",
    category: Category::Resources,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_ARN_RESOURCE"],
    summary: "The resource part of an ARN fits none of its service's ARN formats.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let (Some(service), Some(resource)) = (arn.field(2), arn.field(5)) else {
                continue;
            };
            if resource.text.is_empty() || service.is_dynamic() {
                continue;
            }
            let Some(info) = service_arns(service.text) else {
                continue;
            };
            // A format that starts with a name (`${BucketName}`) accepts any first word.
            if info.starts_with_name {
                continue;
            }
            let patterns = &info.patterns;
            let word_end = resource
                .text
                .find(['/', ':'])
                .unwrap_or(resource.text.len());
            let word = &resource.text[..word_end];
            if word.is_empty() || is_dynamic(word) {
                continue;
            }
            let known = &info.words;
            if known.binary_search(&word).is_ok() {
                // A known resource type in an unusual shape: the catalog's formats are not
                // complete enough to call that an error.
                continue;
            }
            // A word that differs only in case is left alone: AWS's own policies write
            // `statemachine` for `stateMachine`, and whether every service compares this part
            // case-sensitively is not something the catalog records.
            if known.iter().any(|k| k.eq_ignore_ascii_case(word)) {
                continue;
            }
            let mut near = nearest(word, known.iter().copied(), 2, 2);
            near.truncate(2);
            let Some(best) = near.first() else {
                // An unknown word with no near miss may be a type the catalog lacks.
                continue;
            };
            if !fitting_patterns(service.text, resource.text).is_empty() {
                continue;
            }
            let example = patterns
                .iter()
                .find(|p| type_word(p.resource) == *best)
                .map_or(*best, |p| p.resource);
            let mut diag = Diag::new(
                value_sub_span(cx, s, resource.start, resource.start + word_end),
                format!(
                    "`{word}` is not a resource type of `{}`, so this ARN matches nothing; did you mean `{best}` (`{example}`)?",
                    service.text
                ),
            )
            .in_statement(st.index);
            let word_span = value_sub_span(cx, s, resource.start, resource.start + word_end);
            if word_span != s.span {
                for w in &near {
                    let candidate = format!("{w}{}", &resource.text[word_end..]);
                    if !fitting_patterns(service.text, &candidate).is_empty() {
                        diag = diag.with_fix(Fix::replace(
                            format!("Replace `{word}` with `{w}`"),
                            word_span,
                            *w,
                        ));
                    }
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

    const NAME: &str = "invalid-arn-resource";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_unknown_resource_parts() {
        let text = policy(
            r#"["arn:aws:iam::123456789012:rol/app", "arn:aws:logs:*:*:loggroup:x", "arn:aws:lambda:us-east-1:123456789012:func/f"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_on_fitting_or_unknowable_resources() {
        let text = policy(
            r#"["arn:aws:iam::123456789012:role/team/app", "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:s3:::b/a/b/c", "arn:aws:s3:::*", "arn:aws:sqs:*:*:*", "arn:aws:iam::*:${aws:username}", "arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:newsvc:*:*:anything", "arn:aws:*:*:*:whatever", "arn:aws:ec2:*:*:instance/*", "arn:aws:sqs:us-east-1:123456789012:queue/orders", "arn:aws:backup:*:*:recovery-point:*", "arn:aws:cloudformation:*:*:stack/name", "arn:aws:lambda:*:*:func/f", "arn:aws:states:*:*:statemachine:x"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn respelling_fix_applies() {
        let text = policy(r#""arn:aws:iam::123456789012:rol/app""#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(found[0].fixes[0].title, "Replace `rol` with `role`");
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(run_rule(NAME, &fixed, Some(PolicyKind::Identity)).is_empty());
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == "json-syntax")
        );
    }
}
