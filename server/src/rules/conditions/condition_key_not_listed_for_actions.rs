//! ## What it does
//! Flags a service condition key that the IAM reference data lists for none of the statement's
//! actions, although some of them belong to the key's service: `s3:prefix` on `s3:GetObject`
//! (only the listing actions carry it), `ec2:InstanceType` on `ec2:CreateTags`. Like
//! [unsupported-action-for-condition-key](unsupported-action-for-condition-key.md) it only looks
//! at statements whose `Action` entries all name known actions, without `"*"`.
//!
//! This is a warning rather than an error because, within one service, the reference data
//! occasionally leaves a supported key out of an action's list.
//!
//! ## Why it matters
//! A request only carries the keys its action supports. For the other actions the key is
//! missing: matching operators such as `StringEquals` are then false and the statement never
//! applies, while negated ones such as `StringNotEquals` are true and the condition restricts
//! nothing.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"StringLike": {"s3:prefix": "2026/*"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:ListBucket",
//!     "Resource": "arn:aws:s3:::reports",
//!     "Condition": {"StringLike": {"s3:prefix": "2026/*"}}
//!   }]
//! }
//! ```

use super::list_names;
use super::unsupported_action_for_condition_key::unsupported_keys;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM337",
    name: "condition-key-not-listed-for-actions",
    category: Category::Conditions,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_ACTION_FOR_CONDITION_KEY"],
    summary: "A service condition key the reference data lists for none of the statement's actions.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for f in unsupported_keys(cx)
        .into_iter()
        .filter(|f| !f.cross_service)
    {
        out.push(
            Diag::new(
                f.span,
                format!(
                    "The IAM reference lists `{}` for none of this statement's actions ({}); a request for an action without the key never carries it: {}",
                    f.key,
                    list_names(&f.actions, 3),
                    f.consequence
                ),
            )
            .in_statement(f.statement),
        );
    }
}
