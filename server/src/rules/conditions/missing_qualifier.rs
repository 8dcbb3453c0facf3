//! ## What it does
//! Flags a multi-valued condition key, such as `aws:TagKeys`, `aws:CalledVia` or
//! `aws:PrincipalOrgPaths`, used with an operator that has neither `ForAllValues:` nor
//! `ForAnyValue:`. `Null` needs no qualifier and is not flagged. When the key is alone in its
//! operator block, two quick fixes add either qualifier; choose the one that says what you mean.
//!
//! ## Why it matters
//! A request can carry several values for such a key (several tag names, several services in a
//! call chain). The qualifier says how they are compared with the policy's values:
//! `ForAnyValue:` is satisfied when at least one request value matches, `ForAllValues:` when every
//! one does. Without it the comparison is not defined for a set, and Access Analyzer reports the
//! policy as invalid.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:CreateTags",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:TagKeys": ["project", "owner"]}}
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
//!     "Action": "ec2:CreateTags",
//!     "Resource": "*",
//!     "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["project", "owner"]}}
//!   }]
//! }
//! ```

use super::{items, operator_rename_span};
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM311",
    name: "missing-qualifier",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_QUALIFIER"],
    summary: "A multi-valued condition key without `ForAllValues:` or `ForAnyValue:`.",
    check,
};

/// Keys the reference data types as multi-valued that AWS's own managed policies compare without
/// a qualifier.
const SINGLE_IN_PRACTICE: &[&str] = &["events:detail-type"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.qualifier.is_some() || op.value_type() == ValueType::Null {
            continue;
        }
        let Some(info) = item.key_info(cx) else {
            continue;
        };
        let key = item.key();
        if !info.multivalued
            || SINGLE_IN_PRACTICE
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        let name = item.block.operator.name;
        let mut diag = Diag::new(
            item.entry.key.span,
            format!(
                "`{key}` can carry several values in one request, so `{name}` needs a set qualifier: `ForAnyValue:{name}` (at least one value must match) or `ForAllValues:{name}` (every value must match)"
            ),
        )
        .in_statement(item.st.index);
        // Changing the operator changes every entry of the block: offer it when this is the only one.
        let alone = item.block.entries().len() == 1;
        for (q, meaning) in [
            ("ForAllValues", "every value must match"),
            ("ForAnyValue", "at least one value must match"),
        ] {
            let fixed = format!("{q}:{name}");
            if let Some(span) =
                operator_rename_span(cx.text, item.st, item.block, &fixed).filter(|_| alone)
            {
                diag = diag.with_fix(Fix::replace(
                    format!("Use `{fixed}` ({meaning})"),
                    span,
                    fixed,
                ));
            }
        }
        out.push(diag);
    }
}

#[cfg(test)]
mod tests {
    /// A hand exception must say something the data does not: once the data types a key as
    /// single-valued, its entry here is stale and this test fails.
    #[test]
    fn exceptions_still_disagree_with_the_catalog() {
        for key in super::SINGLE_IN_PRACTICE {
            let info = crate::catalog::catalog().condition_key(key);
            assert!(
                info.is_some_and(|k| k.multivalued),
                "{key}: drop it from the list"
            );
        }
    }
}
