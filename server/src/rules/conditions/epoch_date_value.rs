//! ## What it does
//! Flags a date condition value written as epoch seconds (`"1767225600"` or `1767225600`) and
//! offers the same instant in ISO 8601 (`2026-01-01T00:00:00Z`) as a quick fix. A value with 13
//! or more digits is most likely epoch milliseconds, which the date operators would read as
//! seconds tens of thousands of years away; the message says so. `aws:EpochTime`, which is
//! meant to be compared with epoch seconds, is not flagged.
//!
//! ## Why it matters
//! A bare number says nothing to a reader about which instant it is, and a number with the wrong
//! unit or a digit too many or too few silently moves a deadline by years. ISO 8601 shows the
//! date and time at a glance.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"DateLessThan": {"aws:CurrentTime": "1798761600"}}
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
//!     "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}
//!   }]
//! }
//! ```

use super::items;
use crate::catalog::operators::ValueType;
use crate::policy::Scalar;
use crate::rules::support::civil_from_days;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM322",
    name: "epoch-date-value",
    category: Category::Conditions,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_DATE_VALUE"],
    summary: "A date condition value written as epoch seconds instead of an ISO 8601 date.",
    check,
};

/// Epoch values with at least this many digits are read as milliseconds.
const MILLISECOND_DIGITS: usize = 13;

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::Date || item.key().eq_ignore_ascii_case("aws:EpochTime") {
            continue;
        }
        let name = item.block.operator.name;
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            let digits = text.trim();
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(number) = digits.parse::<i64>() else {
                continue;
            };
            let millis = digits.len() >= MILLISECOND_DIGITS;
            let seconds = if millis { number / 1000 } else { number };
            let iso = iso_utc(seconds);
            let message = match (&iso, millis) {
                (Some(iso), true) => format!(
                    "`{text}` looks like epoch milliseconds, but `{name}` reads numbers as seconds; if you meant {iso}, write it as an ISO 8601 date"
                ),
                (Some(iso), false) => format!(
                    "`{text}` is epoch seconds ({iso}); write dates in ISO 8601 so the instant is readable and a wrong digit cannot move it unnoticed"
                ),
                (None, _) => format!(
                    "`{text}` is an epoch number far outside any useful date; write dates in ISO 8601, such as `2026-12-31T00:00:00Z`"
                ),
            };
            let mut diag = Diag::new(value.span(), message).in_statement(item.st.index);
            if let Some(iso) = iso {
                let span = match value {
                    Scalar::String(s) if s.terminated && s.value == text => Some(s.content),
                    Scalar::Number { span, .. } => Some(*span),
                    _ => None,
                };
                let replacement = match value {
                    Scalar::Number { .. } => format!("\"{iso}\""),
                    _ => iso.clone(),
                };
                if let Some(span) = span.filter(|s| cx.text.get(s.start..s.end) == Some(text)) {
                    diag = diag.with_fix(Fix::replace(format!("Write `{iso}`"), span, replacement));
                }
            }
            out.push(diag);
        }
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` for epoch seconds between the years 1970 and 9999.
fn iso_utc(seconds: i64) -> Option<String> {
    if !(0..=253_402_300_799).contains(&seconds) {
        return None;
    }
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    let rest = seconds.rem_euclid(86_400);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        (rest / 60) % 60,
        rest % 60
    ))
}
