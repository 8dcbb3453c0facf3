//! ## What it does
//! Flags a Deny statement that tests `aws:ResourceTag/...`, `aws:RequestTag/...` or
//! `aws:TagKeys` with an operator that fails when the key is missing (`StringEquals`,
//! `StringLike`, `ForAnyValue:...`), while some of its actions do not support that key according
//! to the IAM reference data. With `NotAction` the statement covers almost every action, so some
//! of them never support the key.
//!
//! ## Why it matters
//! An action that does not support a tag key never carries it, so the condition is false for
//! that action and the Deny never applies to it: a guardrail such as "deny everything on
//! resources tagged `env=prod`" silently leaves those actions open. Cover them with another
//! statement, or write the condition so that a missing key also denies (for example
//! `StringNotEquals` on the tag you require, or a `Null` check).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": ["ec2:TerminateInstances", "ec2:DescribeInstances"],
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "ec2:TerminateInstances",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}
//!   }]
//! }
//! ```

use super::tag_key_unsupported_in_allow::{Unsupported, unsupported_tag_keys, which_actions};
use crate::policy::Effect;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM336",
    name: "tag-key-unsupported-in-deny",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "Access Analyzer: DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    ],
    summary: "A Deny with a tag condition key that some of its actions do not support, leaving them undenied.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for finding in unsupported_tag_keys(cx, Effect::Deny) {
        let key = finding.key;
        let message = match finding.actions {
            Unsupported::Listed { names, total } => format!(
                "{} `{key}`: requests for them never carry it, so this Deny never applies to them; deny them in another statement, or test the key so that a missing value also denies",
                which_actions(&names, total)
            ),
            Unsupported::OutsideNotAction(example) => format!(
                "This Deny covers every action except those in `NotAction`, and some of them, such as `{example}`, do not support `{key}`: requests for them never carry it, so this Deny never applies to them"
            ),
            Unsupported::Everything(example) => format!(
                "This Deny covers every action, and some of them, such as `{example}`, do not support `{key}`: requests for them never carry it, so this Deny never applies to them"
            ),
        };
        out.push(Diag::new(finding.span, message).in_statement(finding.statement));
    }
}
