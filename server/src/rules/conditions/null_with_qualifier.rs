//! ## What it does
//! Flags `ForAllValues:Null` and `ForAnyValue:Null`. The set qualifiers compare each value of a
//! multi-valued key; `Null` does not compare values at all, it tests whether the key is present.
//!
//! ## Why it matters
//! With a qualifier the result no longer depends on the request the way it reads: Access
//! Analyzer describes `ForAllValues:Null` as always true and `ForAnyValue:Null` as always false.
//! Plain `Null` says what is meant: `"true"` for "the key is absent", `"false"` for "present".
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "ec2:CreateTags",
//!     "Resource": "*",
//!     "Condition": {"ForAnyValue:Null": {"aws:TagKeys": "true"}}
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
//!     "Action": "ec2:CreateTags",
//!     "Resource": "*",
//!     "Condition": {"Null": {"aws:TagKeys": "true"}}
//!   }]
//! }
//! ```

use super::operator_rename_span;
use crate::catalog::operators::{OperatorProblem, SetQualifier, operator};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM310",
    name: "null-with-qualifier",
    category: Category::Conditions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: NULL_WITH_QUALIFIER"],
    summary: "The `Null` operator with `ForAllValues:` or `ForAnyValue:`.",
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
            if op.problem() != Some(OperatorProblem::NullWithQualifier) {
                continue;
            }
            let outcome = match op.qualifier {
                Some(SetQualifier::ForAllValues) => "is treated as always true",
                _ => "is treated as always false",
            };
            let mut diag = Diag::new(
                block.operator.span,
                format!(
                    "`{name}` {outcome}: `Null` tests whether the key is present and takes no set qualifier; use plain `Null`"
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
