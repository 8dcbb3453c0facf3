//! ## What it does
//! Suggests naming resources when an identity policy allows, on `Resource: "*"`, actions that
//! can be limited to specific resources: `s3:GetObject` on `*` reads every object in every
//! bucket the account can reach, where `arn:aws:s3:::my-bucket/*` was probably meant.
//!
//! An ARN with every field a wildcard (`arn:*:cloudtrail:*:*:trail/*`, `arn:aws:s3:::*`:
//! every trail or bucket in every Region and account) is effectively `*` and is treated the
//! same way.
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
        let Some(star) = st
            .resources()
            .find(|s| s.value == "*" || effectively_star(s.value))
        else {
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
                    "{} grants {listed} on every resource; {pronoun} can be limited to specific ARNs, so name the resources {pronoun} {needs} if you can",
                    lead(star.value)
                ),
            )
            .in_statement(st.index),
        );
    }
}

/// The resource as the message names it: `*`, or an ARN that is `*` in effect.
fn lead(value: &str) -> String {
    if value == "*" {
        "`*`".to_string()
    } else {
        format!("`{value}` (every resource of its type in every Region and account, in effect `*`)")
    }
}

/// An ARN whose partition, Region and account are wildcards or absent and whose resource part
/// is `*` or a type word followed by `/*` or `:*`: it names every resource of the type.
fn effectively_star(value: &str) -> bool {
    let fields: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = fields[..] else {
        return false;
    };
    let any = |f: &str| f == "*" || f.is_empty();
    // A literal word the service's own ARN formats start their resource part with
    // (`trail/` for CloudTrail), not a name (`b/*` is the objects of bucket `b`).
    let type_word = |t: &str| {
        let Some(svc) = crate::catalog::catalog().service(service) else {
            return false;
        };
        !t.is_empty()
            && svc.resource_types().any(|rt| {
                rt.arn_patterns().any(|p| {
                    let res = p.splitn(6, ':').nth(5).unwrap_or("");
                    res.strip_prefix(t)
                        .is_some_and(|rest| rest.starts_with('/') || rest.starts_with(':'))
                })
            })
    };
    arn == "arn"
        && (partition == "*" || partition.starts_with("aws"))
        && any(region)
        && any(account)
        && (resource == "*"
            || resource
                .strip_suffix("/*")
                .or_else(|| resource.strip_suffix(":*"))
                .is_some_and(type_word))
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

    /// Issue 17: an ARN that is `*` in effect (parliament's RESOURCE_STAR reads it so).
    #[test]
    fn effectively_star_arns_count_as_star() {
        for arn in [
            "arn:*:cloudtrail:*:*:trail/*",
            "arn:aws:s3:::*",
            "arn:aws:logs:*:*:*",
        ] {
            let text = statement(
                "Allow",
                r#""cloudtrail:StopLogging""#,
                &format!("\"{arn}\""),
            );
            let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
            assert_eq!(found.len(), 1, "{arn}");
            assert!(
                found[0].message.contains("in effect `*`"),
                "{}",
                found[0].message
            );
        }
        for arn in [
            "arn:aws:cloudtrail:us-east-1:*:trail/*",
            "arn:*:cloudtrail:*:123456789012:trail/*",
            "arn:*:cloudtrail:*:*:trail/main",
        ] {
            let text = statement(
                "Allow",
                r#""cloudtrail:StopLogging""#,
                &format!("\"{arn}\""),
            );
            assert!(
                run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty(),
                "{arn}"
            );
        }
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
