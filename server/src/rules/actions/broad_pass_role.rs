//! ## What it does
//! Warns when an identity policy allows `iam:PassRole` on every role: the action is granted
//! directly, through a wildcard (`iam:*`, `iam:Pass*`, `*`) or through a `NotAction` that does
//! not exclude it, with `Resource: "*"` or with `NotResource`. A statement that limits the
//! grant with the `iam:PassedToService` condition key is not flagged.
//!
//! ## Why it matters
//! Passing a role to a service (an EC2 instance, a Lambda function, a CloudFormation stack) lets
//! that service act with the role's permissions. Whoever may pass any role can hand themselves
//! the most powerful role in the account by launching something with it: a classic path to
//! privilege escalation.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["ec2:RunInstances", "iam:PassRole"], "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
//!     {
//!       "Effect": "Allow",
//!       "Action": "iam:PassRole",
//!       "Resource": "arn:aws:iam::123456789012:role/app-instance-role",
//!       "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
//!     }
//!   ]
//! }
//! ```

use super::{Reach, Spread, broad_grants};
use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM106",
    name: "broad-pass-role",
    category: Category::Actions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::Only(&[PolicyKind::Identity]),
    since: "0.1.0",
    sources: &[
        "Access Analyzer: PASS_ROLE_WITH_NOT_RESOURCE",
        "Access Analyzer: PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "Access Analyzer: PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "Access Analyzer: PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "Access Analyzer: PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "Access Analyzer: PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    ],
    summary: "`iam:PassRole` is allowed on every role.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    broad_grants(cx, "iam:PassRole", "iam:PassedToService", message, out);
}

fn message(reach: Reach, spread: Spread, text: &str) -> String {
    let how = match reach {
        Reach::Direct(_) => "`iam:PassRole`".to_string(),
        Reach::Wildcard(_) => format!("`{text}` includes `iam:PassRole`, which"),
        Reach::NotAction(_) => "This NotAction does not exclude `iam:PassRole`, which".to_string(),
    };
    let scope = match spread {
        Spread::Star => "on Resource `*`",
        Spread::NotResource => "with NotResource",
    };
    let verb = if matches!(reach, Reach::Direct(_)) {
        "lets"
    } else {
        "here lets"
    };
    format!(
        "{how} {scope} {verb} the holder pass any role to a service and act with that role's permissions; list the roles it may pass, or limit it with the `iam:PassedToService` condition"
    )
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "broad-pass-role";

    fn statement(body: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", {body}}}]}}"#)
    }

    #[test]
    fn flags_the_six_shapes() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
  {"Effect": "Allow", "Action": "iam:Pass*", "Resource": "*"},
  {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
  {"Effect": "Allow", "Action": "iam:passrole", "NotResource": "arn:aws:iam::123456789012:role/admin"},
  {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::b"},
  {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"}
]}"#;
        let found = run_rule(NAME, text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 6);
        insta::assert_snapshot!(render(text, &found));
    }

    #[test]
    fn quiet_on_scoped_grants() {
        for body in [
            r#""Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app""#,
            r#""Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}"#,
            r#""Action": "iam:Get*", "Resource": "*""#,
            r#""NotAction": "iam:*", "Resource": "*""#,
            r#""Action": "iam:PassRole", "NotResource": "*""#,
        ] {
            let text = statement(body);
            assert!(
                run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty(),
                "{text}"
            );
        }
        let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}]}"#;
        assert!(run_rule(NAME, deny, Some(PolicyKind::Identity)).is_empty());
        let text = statement(r#""Action": "iam:PassRole", "Resource": "*""#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::ServiceControl)).is_empty());
    }
}
