//! ## What it does
//! Flags a condition operator written with letter case other than the documented one, such as
//! `stringEquals` or `ForAnyValue:StringLikeIfexists`, and offers the documented spelling.
//!
//! ## Why it matters
//! AWS documents every operator in one spelling (`StringEquals`, `ForAnyValue:`, `IfExists`) and
//! all of its examples, AWS managed policies and most tools use exactly that. A different
//! capitalisation is at best surprising to reviewers and to tools that compare operator names
//! exactly; spelling it the documented way removes the doubt. (Operators that are not
//! operators in any case are reported by
//! [invalid-condition-operator](invalid-condition-operator.md).)
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "s3:*",
//!     "Resource": "*",
//!     "Condition": {"bool": {"aws:SecureTransport": "false"}}
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
//!     "Action": "s3:*",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:SecureTransport": "false"}}
//!   }]
//! }
//! ```

use super::operator_rename_span;
use crate::catalog::operators::operator;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM302",
    name: "condition-operator-case",
    category: Category::Conditions,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "A condition operator spelt with letter case other than the documented one.",
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
            if op.exact_case {
                continue;
            }
            let canonical = op.canonical_name();
            let mut diag = Diag::new(
                block.operator.span,
                format!(
                    "`{name}` is documented as `{canonical}`: write operators the way AWS documents them so that every reader and tool takes them the same way"
                ),
            )
            .in_statement(st.index);
            if let Some(span) = operator_rename_span(cx.text, st, block, &canonical) {
                diag = diag.with_fix(Fix::replace(
                    format!("Write `{canonical}`"),
                    span,
                    canonical,
                ));
            }
            out.push(diag);
        }
    }
}
