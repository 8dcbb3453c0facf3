//! ## What it does
//! Flags `ForAllValues:` on a condition key that carries at most one value per request, such as
//! `aws:PrincipalOrgID`, `aws:SourceVpc` or `aws:RequestedRegion`.
//!
//! ## Why it matters
//! `ForAllValues:` is satisfied when every value the request carries matches, and so also when
//! the request carries no value at all. On a single-valued key that makes the condition true
//! whenever the key is missing: an Allow meant for one organization also admits requests that
//! have no organization, such as anonymous ones or calls from AWS services. Without the
//! qualifier the condition requires the key to be present and to match.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": "*",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::shared-reports/*",
//!     "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
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
//!     "Principal": "*",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::shared-reports/*",
//!     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
//!   }]
//! }
//! ```

use super::{items, operator_rename_span};
use crate::catalog::operators::{SetQualifier, ValueType};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM312",
    name: "forallvalues-with-single-valued-key",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: FORALLVALUES_WITH_SINGLE_VALUED_KEY"],
    summary: "`ForAllValues:` on a single-valued key, which also matches when the key is missing.",
    check,
};

/// Keys the reference data types as single strings although requests can carry several values.
const MULTIVALUED_DESPITE_DATA: &[&str] = &["cognito-identity.amazonaws.com:amr"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.qualifier != Some(SetQualifier::ForAllValues) || op.value_type() == ValueType::Null {
            continue;
        }
        let key = item.key();
        let Some(info) = item.key_info(cx) else {
            continue;
        };
        if info.multivalued
            || MULTIVALUED_DESPITE_DATA
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        let name = item.block.operator.name;
        let plain = name.split_once(':').map_or(name, |(_, rest)| rest);
        let mut diag = Diag::new(
            item.entry.key.span,
            format!(
                "`{key}` carries at most one value, and `ForAllValues:` is also satisfied when the request has no value at all, so this condition admits requests without `{key}`; use `{plain}`"
            ),
        )
        .in_statement(item.st.index);
        // Dropping the qualifier changes every entry of the block: offer it when this is the only one.
        let alone = item.block.entries().len() == 1;
        if let Some(span) =
            operator_rename_span(cx.text, item.st, item.block, plain).filter(|_| alone)
        {
            diag = diag.with_fix(Fix::replace(format!("Use `{plain}`"), span, plain));
        }
        out.push(diag);
    }
}

#[cfg(test)]
mod tests {
    /// Once the data types the key as multi-valued, the exception is stale and this fails.
    #[test]
    fn exceptions_still_disagree_with_the_catalog() {
        for key in super::MULTIVALUED_DESPITE_DATA {
            let info = crate::catalog::catalog().condition_key(key);
            assert!(
                info.is_some_and(|k| !k.multivalued),
                "{key}: drop it from the list"
            );
        }
    }
}
