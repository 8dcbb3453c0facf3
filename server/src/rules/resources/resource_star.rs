//! ## What it does
//! Suggests naming resources when an identity policy allows, on `Resource: "*"`, actions that
//! can be limited to specific resources: `s3:GetObject` on `*` reads every object in every
//! bucket the account can reach, where `arn:aws:s3:::my-bucket/*` was probably meant.
//!
//! It stays quiet for actions that only work on `*` (many `List*` and `Describe*` actions), for
//! action wildcards (`s3:Get*`, `*`), for `Deny` statements, and in every kind of policy other
//! than identity policies. It is a suggestion: broad grants are sometimes what you want.
//!
//! ## Why it matters
//! `*` grants the action on every resource of the account, today's and tomorrow's. Naming the
//! resources is the simplest way to follow least privilege, and it limits what a leaked
//! credential can do.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
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

use crate::policy::{Effect, PolicyKind};
use crate::rules::actions::has_wildcards;
use crate::rules::support::list_words;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM211",
    name: "resource-star",
    category: Category::Resources,
    severity: Severity::Suggestion,
    kinds: Kinds::Only(&[PolicyKind::Identity]),
    since: "0.1.0",
    sources: &["parliament: RESOURCE_STAR"],
    summary: "`Resource: \"*\"` on actions that can be limited to specific resources.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        let Some(star) = st.resources().find(|s| s.value == "*") else {
            continue;
        };
        // Up to four names: three to show, and whether there are others.
        let mut names: Vec<&'static str> = Vec::new();
        for a in st.actions() {
            if has_wildcards(a.value) {
                continue;
            }
            if let Some(action) = cx.catalog.action(a.value)
                && action.resource_types().len() > 0
                && !names.contains(&action.full_name())
            {
                names.push(action.full_name());
                if names.len() > 3 {
                    break;
                }
            }
        }
        if names.is_empty() {
            continue;
        }
        let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
        let listed = if names.len() > 3 {
            format!("{} and others", shown.join(", "))
        } else {
            list_words(&shown)
        };
        let (pronoun, needs) = if names.len() == 1 {
            ("it", "needs")
        } else {
            ("they", "need")
        };
        out.push(
            Diag::new(
                star.span,
                format!(
                    "`*` grants {listed} on every resource; {pronoun} can be limited to specific ARNs, so name the resources {pronoun} {needs} if you can"
                ),
            )
            .in_statement(st.index),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "resource-star";

    fn statement(effect: &str, actions: &str, resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Action": {actions}, "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn suggests_naming_resources() {
        let text = statement(
            "Allow",
            r#"["s3:GetObject", "s3:PutObject", "S3:getobject", "sqs:SendMessage", "iam:PassRole", "s3:ListAllMyBuckets"]"#,
            r#""*""#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_when_star_is_the_only_option_or_not_an_allow() {
        for text in [
            statement(
                "Allow",
                r#"["s3:ListAllMyBuckets", "ec2:DescribeInstances"]"#,
                r#""*""#,
            ),
            statement("Allow", r#"["s3:Get*", "*"]"#, r#""*""#),
            statement("Deny", r#""s3:GetObject""#, r#""*""#),
            statement("Allow", r#""s3:GetObject""#, r#""arn:aws:s3:::b/*""#),
        ] {
            assert!(
                run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty(),
                "{text}"
            );
        }
        let text = statement("Allow", r#""s3:GetObject""#, r#""*""#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::ServiceControl)).is_empty());
        assert_eq!(run_rule(NAME, &text, Some(PolicyKind::Identity)).len(), 1);
    }
}
