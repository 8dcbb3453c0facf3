//! ## What it does
//! Flags a service condition key used in a statement whose actions all belong to other services
//! and none of which supports the key, such as `s3:prefix` on `ec2:DescribeInstances` or
//! `kms:ViaService` on `dynamodb:GetItem`. Support comes from the IAM reference data (the keys
//! each action lists, directly or through its resource types).
//!
//! To stay exact the rule only looks at statements with an `Action` (not `NotAction`) whose every
//! entry names known actions, and skips `"Action": "*"`. Global keys (`aws:...` and the few
//! session keys of other prefixes) are not tied to actions and never flagged here, nor are
//! identity-provider keys such as `token.actions.githubusercontent.com:sub`. When some action of
//! the statement belongs to the key's own service but the reference data lists the key for none
//! of them, [condition-key-not-listed-for-actions](condition-key-not-listed-for-actions.md)
//! reports it instead, as a warning, since the data is less complete within a service.
//!
//! ## Why it matters
//! A request only carries the keys its action supports. For every other action the key is
//! missing, so the condition behaves as if the value were absent: `StringEquals`, `StringLike`
//! and the other matching operators are false, and the statement never applies; `StringNotEquals`,
//! `...IfExists` and the other negated forms are true, and the condition restricts nothing. Either
//! way it does not do what it says.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:DescribeInstances",
//!     "Resource": "*",
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

use super::{action_supports, is_provider_key, known_actions, list_names, split_key};
use crate::catalog::operators::{KeyMissing, operator};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    code: "IAM334",
    name: "unsupported-action-for-condition-key",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_ACTION_FOR_CONDITION_KEY"],
    summary: "A service condition key that none of the statement's actions (all of other services) supports.",
    check,
};

/// A service key none of its statement's actions supports.
pub(crate) struct KeyFinding {
    pub statement: usize,
    pub span: Span,
    pub key: String,
    /// The statement's actions.
    pub actions: Vec<&'static str>,
    /// Whether no action belongs to the key's own service.
    pub cross_service: bool,
    /// What the operator does when the key is missing, in words.
    pub consequence: String,
}

/// Every service key, in statements whose actions are all known, that none of those actions
/// supports according to the reference data.
pub(crate) fn unsupported_keys(cx: &Context<'_>) -> Vec<KeyFinding> {
    let mut findings = Vec::new();
    for st in &cx.policy.statements {
        let Some(condition) = st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        let mut actions = None;
        for (block, entry) in condition.entries() {
            let key = entry.key.name;
            let Some((prefix, _)) = split_key(key) else {
                continue;
            };
            if is_provider_key(key) || cx.catalog.service(prefix).is_none() {
                continue;
            }
            if cx.catalog.condition_key(key).is_some_and(|k| k.is_global()) {
                continue;
            }
            let Some(actions) = actions
                .get_or_insert_with(|| known_actions(cx.catalog, st))
                .as_ref()
            else {
                break;
            };
            if actions.iter().any(|a| action_supports(a, key)) {
                continue;
            }
            let cross_service = !actions
                .iter()
                .any(|a| a.service_prefix().eq_ignore_ascii_case(prefix));
            let op_name = block.operator.name;
            let consequence = match operator(op_name).map(|o| o.when_key_missing()) {
                Some(KeyMissing::DoesNotMatch) => {
                    format!("`{op_name}` is then false, so this statement never applies")
                }
                Some(KeyMissing::Matches) => {
                    format!("`{op_name}` is then true, so the condition restricts nothing")
                }
                Some(KeyMissing::TestsPresence) => "`Null` always finds the key absent".to_string(),
                None => "the condition never sees a value".to_string(),
            };
            findings.push(KeyFinding {
                statement: st.index,
                span: entry.key.span,
                key: key.to_string(),
                actions: actions.iter().map(|a| a.full_name()).collect(),
                cross_service,
                consequence,
            });
        }
    }
    findings
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for f in unsupported_keys(cx).into_iter().filter(|f| f.cross_service) {
        out.push(
            Diag::new(
                f.span,
                format!(
                    "No action of this statement ({}) supports `{}`, so requests never carry it: {}; move the condition to a statement with actions of that service, or remove it",
                    list_names(&f.actions, 3),
                    f.key,
                    f.consequence
                ),
            )
            .in_statement(f.statement),
        );
    }
}
