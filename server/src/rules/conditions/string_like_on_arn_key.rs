//! ## What it does
//! Flags `StringLike` or `StringNotLike` with a wildcard pattern on an ARN-typed condition key,
//! such as `aws:SourceArn`, `aws:PrincipalArn` or `lambda:FunctionArn`. The quick fix switches to
//! `ArnLike` / `ArnNotLike` when the key is alone in its block.
//!
//! ## Why it matters
//! `StringLike` treats the ARN as one piece of text, so a `*` can run across the colons that
//! separate its partition, service, Region, account and resource. `ArnLike` compares the ARN
//! field by field, so a wildcard in the account field can only match an account. The string form
//! can therefore match ARNs the pattern was not meant for.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "sns.amazonaws.com"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:orders",
//!     "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:orders-*"}}
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
//!     "Principal": {"Service": "sns.amazonaws.com"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:orders",
//!     "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:orders-*"}}
//!   }]
//! }
//! ```

use super::{has_wildcard, is_string_like, items, operator_rename_span, with_base};
use crate::catalog::KeyType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM319",
    name: "string-like-on-arn-key",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS"],
    summary: "`StringLike` with a wildcard on an ARN key, where `ArnLike` matches field by field.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if !is_string_like(&op) {
            continue;
        }
        let Some(info) = item.key_info(cx) else {
            continue;
        };
        if info.key_type.element() != KeyType::Arn {
            continue;
        }
        if !item
            .values()
            .iter()
            .filter_map(|v| v.text())
            .any(has_wildcard)
        {
            continue;
        }
        let key = item.key();
        let name = item.block.operator.name;
        let arn_base = if op.negated() {
            "ArnNotLike"
        } else {
            "ArnLike"
        };
        let fixed = with_base(&op, arn_base);
        let mut diag = Diag::new(
            item.entry.key.span,
            format!(
                "`{name}` matches `{key}` as plain text, so a `*` can span the colon-separated fields of the ARN and match more than intended; use `{fixed}`, which matches field by field"
            ),
        )
        .in_statement(item.st.index);
        let alone = item.block.entries().len() == 1;
        if let (Some(span), true) = (
            operator_rename_span(cx.text, item.st, item.block, &fixed),
            alone,
        ) {
            diag = diag.with_fix(Fix::replace(format!("Use `{fixed}`"), span, fixed));
        }
        out.push(diag);
    }
}
