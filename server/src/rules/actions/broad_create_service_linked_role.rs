//! ## What it does
//! Warns when an identity policy allows `iam:CreateServiceLinkedRole` for every service: the
//! action is granted directly, through a wildcard (`iam:*`, `iam:Create*`, `*`) or through a
//! `NotAction` that does not exclude it, with `Resource: "*"` or with `NotResource`. A statement
//! that names the services with the `iam:AWSServiceName` condition key is not flagged.
//!
//! ## Why it matters
//! A service-linked role gives an AWS service the permissions it needs in your account. Being
//! able to create one for any service lets the holder switch on integrations (and the access
//! that comes with them) that nobody reviewed. Grant it for the services you use.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}
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
//!       "Effect": "Allow",
//!       "Action": "iam:CreateServiceLinkedRole",
//!       "Resource": "*",
//!       "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}
//!     }
//!   ]
//! }
//! ```

use super::{Reach, Spread, broad_grants};
use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM107",
    name: "broad-create-service-linked-role",
    category: Category::Actions,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::Identity]),
    since: "0.1.0",
    sources: &[
        "Access Analyzer: CREATE_SLR_WITH_NOT_RESOURCE",
        "Access Analyzer: CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "Access Analyzer: CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "Access Analyzer: CREATE_SLR_WITH_STAR_IN_RESOURCE",
        "Access Analyzer: CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "Access Analyzer: CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    ],
    summary: "`iam:CreateServiceLinkedRole` is allowed for every service.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    broad_grants(
        cx,
        "iam:CreateServiceLinkedRole",
        "iam:AWSServiceName",
        message,
        out,
    );
}

fn message(reach: Reach, spread: Spread, text: &str) -> String {
    let how = match reach {
        Reach::Direct(_) => "`iam:CreateServiceLinkedRole`".to_string(),
        Reach::Wildcard(_) => format!("`{text}` includes `iam:CreateServiceLinkedRole`, which"),
        Reach::NotAction(_) => {
            "This NotAction does not exclude `iam:CreateServiceLinkedRole`, which".to_string()
        }
    };
    let scope = match spread {
        Spread::Star => "on Resource `*`",
        Spread::NotResource => "with NotResource",
    };
    format!(
        "{how} {scope} lets the holder create a service-linked role for any service; name the services with the `iam:AWSServiceName` condition or the role ARNs"
    )
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "broad-create-service-linked-role";

    #[test]
    fn flags_the_six_shapes() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"},
  {"Effect": "Allow", "Action": "iam:Create*", "Resource": "*"},
  {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
  {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "NotResource": "arn:aws:iam::*:role/aws-service-role/x"},
  {"Effect": "Allow", "Action": "iam:*", "NotResource": "arn:aws:s3:::b"},
  {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"}
]}"#;
        let found = run_rule(NAME, text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 6);
        insta::assert_snapshot!(render(text, &found));
    }

    #[test]
    fn quiet_on_scoped_grants() {
        for body in [
            r#""Action": "iam:CreateServiceLinkedRole", "Resource": "arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/*""#,
            r#""Action": "iam:CreateServiceLinkedRole", "Resource": "*", "Condition": {"StringLike": {"iam:AWSServiceName": "ec2*"}}"#,
            r#""Action": "iam:Get*", "Resource": "*""#,
            r#""NotAction": "iam:Create*", "Resource": "*""#,
        ] {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", {body}}}]}}"#
            );
            assert!(
                run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty(),
                "{text}"
            );
        }
    }
}
