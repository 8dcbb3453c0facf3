//! ## What it does
//! Flags a wildcard (`*` or `?`) in the service part of an action, such as `*code*:List*` or
//! `s?s:*`, or in the service field of a resource ARN, such as `arn:aws:*:*:*:key/*`. The action
//! `*` on its own (every action) and wildcards in the action name (`s3:Get*`) are not flagged.
//!
//! ## Why it matters
//! A service wildcard reaches services you may not have in mind: `*code*:List*` covers
//! CodeBuild, CodeCommit, CodeDeploy, CodePipeline and more, and every service AWS adds later
//! whose prefix happens to fit. Naming the services keeps the grant to what you reviewed.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "*code*:List*", "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["codebuild:List*", "codecommit:List*"], "Resource": "*"}
//!   ]
//! }
//! ```

use super::{has_wildcards, split_action, value_sub_span, wildcard_match};
use crate::rules::resources::split_arn;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM104",
    name: "wildcard-in-service-name",
    category: Category::Actions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: WILDCARD_IN_SERVICE_NAME"],
    summary: "A wildcard in the service part of an action or ARN reaches unintended services.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for s in st.actions().chain(st.not_actions()) {
            let Some((prefix, _)) = split_action(s.value) else {
                continue;
            };
            if !has_wildcards(prefix) {
                continue;
            }
            let span = value_sub_span(cx, s, 0, prefix.len());
            let message = format!(
                "The service part `{prefix}` of `{}` is a wildcard: {}; name the services you mean",
                s.value,
                reach(cx, prefix)
            );
            out.push(Diag::new(span, message).in_statement(st.index));
        }
        for s in st.resources().chain(st.not_resources()) {
            let Some(arn) = split_arn(s.value) else {
                continue;
            };
            let Some(service) = arn.field(2) else {
                continue;
            };
            // A truncated ARN whose service field is the final wildcard (`arn:aws:*`) says
            // nothing about services in particular; only a complete header is flagged.
            if arn.fields().len() < 6 || !has_wildcards(service.text) || service.text.contains("${")
            {
                continue;
            }
            let span = value_sub_span(cx, s, service.start, service.end());
            let message = format!(
                "The service field `{}` of this ARN is a wildcard: {}; name the service",
                service.text,
                reach(cx, service.text)
            );
            out.push(Diag::new(span, message).in_statement(st.index));
        }
    }
}

/// "it matches every service" / "it matches 9 services today (a, b, c, ...) and any added
/// later".
fn reach(cx: &Context<'_>, prefix: &str) -> String {
    if prefix.bytes().all(|b| b == b'*') {
        return "it matches every service".to_string();
    }
    let matched: Vec<&str> = cx
        .catalog
        .services()
        .map(|s| s.prefix())
        .filter(|p| wildcard_match(prefix, p, true))
        .collect();
    match matched.len() {
        0 => "it matches no service today, but may match one added later".to_string(),
        1 => format!(
            "it matches only `{}` today, and any service added later that fits",
            matched[0]
        ),
        n => {
            let shown: Vec<String> = matched.iter().take(4).map(|p| format!("`{p}`")).collect();
            let more = if n > 4 { ", ..." } else { "" };
            format!(
                "it matches {n} services today ({}{more}) and any added later that fit",
                shown.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "wildcard-in-service-name";

    #[test]
    fn flags_service_wildcards_in_actions_and_arns() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["*code*:List*", "s?s:Get*", "*:Describe*"], "Resource": ["arn:aws:*:us-east-1:123456789012:key/*", "arn:aws:s3*:::b"]}]}"#;
        let found = run_rule(NAME, text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(text, &found));
    }

    #[test]
    fn quiet_on_plain_services() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["*", "s3:*", "ec2:Describe*", "GetObject"], "Resource": ["*", "arn:aws:s3:::b/*", "arn:*", "arn:aws:*", "arn:${aws:partition}:s3:::b"]}]}"#;
        assert!(run_rule(NAME, text, Some(PolicyKind::Identity)).is_empty());
    }
}
