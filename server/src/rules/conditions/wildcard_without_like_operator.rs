//! ## What it does
//! Flags a `*` or `?` in a value of `StringEquals`, `StringNotEquals` or their `IgnoreCase`
//! forms. These operators compare text exactly, so the characters are literal. (`${*}` and
//! `${?}`, the way to write the literal characters in a pattern, are not flagged.) For
//! `StringEquals`/`StringNotEquals` alone in their block, the quick fix switches to
//! `StringLike`/`StringNotLike`.
//!
//! ## Why it matters
//! `"StringEquals": {"aws:PrincipalTag/role": "admin-*"}` only matches a tag whose value is
//! literally `admin-*`, so a statement meant for every `admin-...` role applies to none of them
//! (or, with `StringNotEquals`, to all of them).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"StringEquals": {"aws:PrincipalTag/role": "admin-*"}}
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
//!     "Condition": {"StringLike": {"aws:PrincipalTag/role": "admin-*"}}
//!   }]
//! }
//! ```

use super::{has_wildcard, items, operator_rename_span, with_base};
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM318",
    name: "wildcard-without-like-operator",
    category: Category::Conditions,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: WILDCARD_WITHOUT_LIKE_OPERATOR"],
    summary: "A `*` or `?` in a value of an exact string operator, where it is a literal character.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::String || op.wildcards() {
            continue;
        }
        let like = match op.base.name {
            "StringEquals" => Some("StringLike"),
            "StringNotEquals" => Some("StringNotLike"),
            _ => None,
        };
        let name = item.block.operator.name;
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            if !has_wildcard(text) {
                continue;
            }
            let mut message = format!(
                "`{name}` compares text exactly, so `*` and `?` in `{text}` are literal characters, not wildcards"
            );
            match (like, op.negated()) {
                (Some(l), _) => {
                    message.push_str(&format!("; use `{}` for a pattern", with_base(&op, l)))
                }
                (None, false) => message
                    .push_str("; use `StringLike` for a pattern (it compares case-sensitively)"),
                (None, true) => message
                    .push_str("; use `StringNotLike` for a pattern (it compares case-sensitively)"),
            }
            let mut diag = Diag::new(value.span(), message).in_statement(item.st.index);
            let alone = item.block.entries().len() == 1;
            if let (Some(fixed), true) = (like.map(|l| with_base(&op, l)), alone)
                && let Some(span) = operator_rename_span(cx.text, item.st, item.block, &fixed)
            {
                diag = diag.with_fix(Fix::replace(format!("Use `{fixed}`"), span, fixed));
            }
            out.push(diag);
        }
    }
}
