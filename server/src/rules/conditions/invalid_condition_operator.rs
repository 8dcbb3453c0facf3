//! ## What it does
//! Flags a condition operator IAM does not know, such as `StringEqual`, `ForAnyValues:StringLike`
//! or `DateAfter`, and offers the nearest real operator as a quick fix.
//!
//! An operator is a base operator (`StringEquals`, `NumericLessThan`, `Bool`, `IpAddress`,
//! `ArnLike`, `Null`, ...), optionally prefixed by `ForAllValues:` or `ForAnyValue:` and
//! optionally suffixed by `IfExists`. Spellings that differ only in letter case are left to
//! [condition-operator-case](condition-operator-case.md).
//!
//! ## Why it matters
//! AWS refuses to save a policy with an unknown operator. In a long condition block a missing `s`
//! or an extra one is easy to overlook.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"StringEqual": {"aws:PrincipalTag/team": "finance"}}
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
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"StringEquals": {"aws:PrincipalTag/team": "finance"}}
//!   }]
//! }
//! ```

use std::sync::LazyLock;

use super::{nearest, operator_rename_span};
use crate::catalog::operators::{all_operator_names, operator};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM301",
    name: "invalid-condition-operator",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_CONDITION_OPERATOR"],
    summary: "A condition operator that IAM does not know.",
    check,
};

/// Every operator spelling worth suggesting.
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| all_operator_names().collect());

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(condition) = st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        for block in &condition.blocks {
            let name = block.operator.name;
            if operator(name).is_some() {
                continue;
            }
            let near = nearest(name, NAMES.iter().map(String::as_str));
            let message = match near {
                _ if name.is_empty() => "An empty name is not a condition operator, so AWS rejects the policy; use one such as `StringEquals`, `StringLike`, `ArnLike`, `Bool`, `IpAddress` or `Null`".to_string(),
                Some(n) => format!(
                    "`{name}` is not a condition operator: did you mean `{n}`? AWS rejects a policy with an unknown operator"
                ),
                None => format!(
                    "`{name}` is not a condition operator, so AWS rejects the policy; use one such as `StringEquals`, `StringLike`, `ArnLike`, `NumericLessThan`, `DateGreaterThan`, `Bool`, `IpAddress` or `Null`, optionally with `ForAnyValue:`/`ForAllValues:` or `IfExists`"
                ),
            };
            let mut diag = Diag::new(block.operator.span, message).in_statement(st.index);
            if let Some(n) = near
                && let Some(span) = operator_rename_span(cx.text, st, block, n)
            {
                diag = diag.with_fix(Fix::replace(format!("Replace with `{n}`"), span, n));
            }
            out.push(diag);
        }
    }
}
