//! ## What it does
//! Flags `NullIfExists` (with or without a set qualifier). `Null` tests whether the key is
//! present, so it cannot take the `IfExists` suffix.
//!
//! ## Why it matters
//! AWS rejects the policy. `"Null": {"key": "true"}` already means "the key is absent" and
//! `"false"` means "the key is present"; `IfExists` has nothing to add.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "ec2:RunInstances",
//!     "Resource": "*",
//!     "Condition": {"NullIfExists": {"aws:RequestTag/project": "true"}}
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
//!     "Action": "ec2:RunInstances",
//!     "Resource": "*",
//!     "Condition": {"Null": {"aws:RequestTag/project": "true"}}
//!   }]
//! }
//! ```

use super::operator_rename_span;
use crate::catalog::operators::{OperatorProblem, operator};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM309",
    name: "null-with-if-exists",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: NULL_WITH_IF_EXISTS"],
    summary: "The `Null` operator with the `IfExists` suffix.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(condition) = st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        for block in &condition.blocks {
            let name = block.operator.name;
            let Some(op) = operator(name) else { continue };
            if op.problem() != Some(OperatorProblem::NullWithIfExists) {
                continue;
            }
            let mut diag = Diag::new(
                block.operator.span,
                format!(
                    "`{name}`: the `Null` operator cannot take `IfExists` (it already tests whether the key is present), so AWS rejects the policy; use `Null`"
                ),
            )
            .in_statement(st.index);
            if let Some(span) = operator_rename_span(cx.text, st, block, "Null") {
                diag = diag.with_fix(Fix::replace("Replace with `Null`", span, "Null"));
            }
            out.push(diag);
        }
    }
}
