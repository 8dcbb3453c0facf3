//! ## What it does
//! Flags an operator whose type does not fit the condition key's type: `NumericEquals` on a
//! string key, `StringEquals` on a date key like `aws:CurrentTime`, `StringLike` on an IP key
//! like `aws:SourceIp`, `Bool` on a string key. Key types come from the IAM reference data.
//! `Null` fits every key; string operators are accepted on ARN keys (AWS allows them, though the
//! `Arn` operators fit better, see
//! [string-like-on-arn-key](string-like-on-arn-key.md)), and ARN operators on string keys whose
//! values are all ARNs (such as encryption-context keys holding an ARN); numeric operators are
//! accepted on date keys, which also take epoch seconds. When the key is alone in its block and the operator has
//! a counterpart of the right type, the quick fix switches to it.
//!
//! A string operator comparing a policy variable (`${...}`) with a numeric, date, IP or binary
//! key is not reported: those operators do not substitute variables
//! ([variable-with-unsupported-operator](variable-with-unsupported-operator.md) rejects them), so
//! a string operator is the only way to write AWS's documented patterns such as
//! `StringNotEquals {"aws:Ec2InstanceSourcePrivateIPv4": "${aws:VpcSourceIp}"}`.
//!
//! ## Why it matters
//! The operator decides how the values are read. A string comparison on a date compares text,
//! not points in time; an IP operator on a string key cannot match. The condition then allows or
//! denies something else than it says.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "iam:DeleteUser",
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:MultiFactorAuthPresent": "true"}}
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
//!     "Action": "iam:DeleteUser",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
//!   }]
//! }
//! ```

use super::{items, operator_rename_span, with_base};
use crate::catalog::KeyType;
use crate::catalog::operators::{OperatorInfo, ValueType, base_operator};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM313",
    name: "condition-type-mismatch",
    category: Category::Conditions,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: TYPE_MISMATCH"],
    summary: "A condition operator whose type does not fit the key's type.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        let Some(info) = item.key_info(cx) else {
            continue;
        };
        if op.value_type().fits(info.key_type)
            || arn_operator_on_arn_text(&item, &op, info.key_type)
            || variable_needs_string_operator(&item, &op, info.key_type)
        {
            continue;
        }
        let key = item.key();
        let name = item.block.operator.name;
        let element = info.key_type.element();
        let target = counterpart(&op, element);
        let mut message = format!(
            "`{name}` does not fit `{key}`, which holds {}: use {}",
            describe(element),
            family(element)
        );
        if let Some(t) = target.filter(|t| !family(element).contains(&format!("`{t}`"))) {
            message.push_str(&format!(" (here `{}`)", with_base(&op, t)));
        }
        let mut diag = Diag::new(item.entry.key.span, message).in_statement(item.st.index);
        let alone = item.block.entries().len() == 1;
        if let (Some(fixed), true) = (target.map(|t| with_base(&op, t)), alone)
            && let Some(span) = operator_rename_span(cx.text, item.st, item.block, &fixed)
        {
            diag = diag.with_fix(Fix::replace(format!("Use `{fixed}`"), span, fixed));
        }
        out.push(diag);
    }
}

/// An ARN operator on a string key whose values are all ARNs (or patterns of ARNs): AWS's own
/// policies compare encryption-context and tag values holding ARNs this way, and it works.
fn arn_operator_on_arn_text(item: &super::Item<'_>, op: &OperatorInfo, key_type: KeyType) -> bool {
    op.value_type() == ValueType::Arn
        && key_type.element() == KeyType::String
        && item.values().iter().all(|v| {
            v.text()
                .is_some_and(|t| t.starts_with("arn:") || t.starts_with("${") || t == "*")
        })
}

/// A string operator comparing a policy variable with a key whose own operators do not
/// substitute variables: the right-typed operator would be rejected by IAM404, so the string
/// operator stays (a rule never suggests what another rule rejects).
fn variable_needs_string_operator(
    item: &super::Item<'_>,
    op: &OperatorInfo,
    key_type: KeyType,
) -> bool {
    op.value_type() == ValueType::String
        && matches!(
            key_type.element(),
            KeyType::Numeric | KeyType::Date | KeyType::IpAddress | KeyType::Binary
        )
        && item
            .values()
            .iter()
            .any(|v| v.text().is_some_and(|t| t.contains("${")))
}

fn describe(t: KeyType) -> &'static str {
    match t {
        KeyType::Arn => "ARNs",
        KeyType::Bool => "true or false",
        KeyType::Numeric => "numbers",
        KeyType::Date => "dates and times",
        KeyType::IpAddress => "IP addresses",
        KeyType::Binary => "binary (base64) values",
        _ => "strings",
    }
}

fn family(t: KeyType) -> &'static str {
    match t {
        KeyType::Arn => "the ARN operators (`ArnEquals`, `ArnLike`, ...)",
        KeyType::Bool => "`Bool`",
        KeyType::Numeric => "the numeric operators (`NumericEquals`, `NumericLessThan`, ...)",
        KeyType::Date => "the date operators (`DateGreaterThan`, `DateLessThan`, ...)",
        KeyType::IpAddress => "`IpAddress` or `NotIpAddress`",
        KeyType::Binary => "`BinaryEquals`",
        _ => "the string operators (`StringEquals`, `StringLike`, ...)",
    }
}

/// The base operator of the key's type that does what `op` does, if there is one
/// (`NumericLessThan` has no string counterpart).
fn counterpart(op: &OperatorInfo, target: KeyType) -> Option<&'static str> {
    let base = op.base.name;
    let shape = ["String", "Numeric", "Date", "Arn", "Binary"]
        .iter()
        .find_map(|f| base.strip_prefix(f))
        .or(match base {
            "Bool" | "IpAddress" => Some("Equals"),
            "NotIpAddress" => Some("NotEquals"),
            _ => None,
        })?;
    let shape = shape.strip_suffix("IgnoreCase").unwrap_or(shape);
    let name = match target {
        KeyType::String => format!("String{shape}"),
        KeyType::Arn => format!("Arn{shape}"),
        KeyType::Numeric => format!("Numeric{shape}"),
        KeyType::Date => format!("Date{shape}"),
        KeyType::Bool if shape == "Equals" => "Bool".to_string(),
        KeyType::IpAddress if shape == "Equals" => "IpAddress".to_string(),
        KeyType::IpAddress if shape == "NotEquals" => "NotIpAddress".to_string(),
        KeyType::Binary if shape == "Equals" => "BinaryEquals".to_string(),
        _ => return None,
    };
    base_operator(&name).map(|b| b.name)
}
