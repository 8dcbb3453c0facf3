//! ## What it does
//! Flags a condition value that cannot be read the way its operator reads values:
//!
//! - `Bool` and `Null` take `true` or `false` (`"yes"`, `"1"` are not booleans);
//! - the numeric operators take numbers (`"ten"`, `"10s"` are not);
//! - the date operators take ISO 8601 dates and times (`2026-12-31`, `2026-12-31T23:59:59Z`) or
//!   epoch seconds (`"tomorrow"`, `"31/12/2026"` are neither);
//! - `BinaryEquals` takes base64 text.
//!
//! Values that contain a policy variable are left to the variable rules. IP values are checked by
//! [invalid-ip-range](invalid-ip-range.md).
//!
//! ## Why it matters
//! A value the operator cannot read never compares equal, less or greater: the condition does not
//! do what it says, and depending on the operator the statement never applies or always does.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"DateLessThan": {"aws:CurrentTime": "31/12/2026"}}
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
//!     "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-12-31T00:00:00Z"}}
//!   }]
//! }
//! ```

use super::{has_variable, items};
use crate::catalog::operators::ValueType;
use crate::policy::Scalar;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM314",
    name: "invalid-condition-value",
    category: Category::Conditions,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: TYPE_MISMATCH_BOOLEAN",
        "Access Analyzer: TYPE_MISMATCH_DATE",
        "Access Analyzer: TYPE_MISMATCH_NUMBER",
        "Access Analyzer: TYPE_MISMATCH_STRING",
    ],
    summary: "A condition value its operator cannot read (not a boolean, number, date or base64).",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        let name = item.block.operator.name;
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            if has_variable(text) {
                continue;
            }
            let problem = match op.value_type() {
                ValueType::Bool if !is_bool(text) => format!(
                    "`{text}` is not a boolean: `{name}` compares with `true` or `false`, so this value never matches"
                ),
                ValueType::Null if !is_bool(text) => format!(
                    "`{text}` is not a boolean: `Null` takes `true` (the key is absent) or `false` (the key is present)"
                ),
                ValueType::Numeric
                    if !matches!(value, Scalar::Number { .. }) && !is_number(text) =>
                {
                    format!(
                        "`{text}` is not a number, so `{name}` cannot compare with it and the condition never matches as intended"
                    )
                }
                ValueType::Date if !matches!(value, Scalar::Number { .. }) && !is_date(text) => {
                    format!(
                        "`{text}` is not a date: `{name}` reads ISO 8601 dates and times such as `2026-12-31` or `2026-12-31T23:59:59Z` (or epoch seconds)"
                    )
                }
                ValueType::Binary if !is_base64(text) => format!(
                    "`{text}` is not base64: `BinaryEquals` compares base64-encoded bytes, so this value never matches"
                ),
                _ => continue,
            };
            out.push(Diag::new(value.span(), problem).in_statement(item.st.index));
        }
    }
}

/// `true` or `false`, in any letter case.
pub(crate) fn is_bool(text: &str) -> bool {
    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

/// A decimal number: optional sign, digits with an optional fraction, optional exponent.
pub(crate) fn is_number(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(at) => (&t[..at], Some(&t[at + 1..])),
        None => (t, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Epoch seconds (digits), or an ISO 8601 / W3C date-time: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// optionally `Thh:mm[:ss[.fff]]` and a zone (`Z`, `+hh:mm`, `+hhmm`, `+hh`).
pub(crate) fn is_date(text: &str) -> bool {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let b = t.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = t.get(from..from + len)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let Some(year) = num(0, 4) else { return false };
    if b.len() == 4 {
        return true;
    }
    let Some(month) = (b.get(4) == Some(&b'-')).then(|| num(5, 2)).flatten() else {
        return false;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    if b.len() == 7 {
        return true;
    }
    let Some(day) = (b.get(7) == Some(&b'-')).then(|| num(8, 2)).flatten() else {
        return false;
    };
    if day < 1 || day > days_in_month(year, month) {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return false;
    }
    let (Some(hour), Some(minute)) = (num(11, 2), num(14, 2)) else {
        return false;
    };
    if b.get(13) != Some(&b':') || hour > 24 || minute > 59 {
        return false;
    }
    let mut i = 16;
    if b.get(i) == Some(&b':') {
        match num(17, 2) {
            Some(s) if s <= 60 => i = 19,
            _ => return false,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    let zone = &t[i..];
    match zone.as_bytes().first() {
        None => true,
        Some(b'Z' | b'z') => zone.len() == 1,
        Some(b'+' | b'-') => {
            let z = &zone[1..];
            if !z.is_ascii() {
                return false;
            }
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
            match z.len() {
                2 => digits(z),
                4 => digits(z),
                5 => z.as_bytes()[2] == b':' && digits(&z[..2]) && digits(&z[3..]),
                _ => false,
            }
        }
        _ => false,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Standard base64: letters, digits, `+` and `/`, with `=` padding only at the end and the whole
/// length a multiple of four when padded.
pub(crate) fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    !body.is_empty()
        && padding <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && (padding == 0 || text.len().is_multiple_of(4))
}
