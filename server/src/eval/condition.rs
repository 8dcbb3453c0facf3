//! Condition operators as IAM evaluates them.
//!
//! One condition is an operator, a key and the policy's values. The policy's values are ORed;
//! for a key with several request values:
//!
//! - no qualifier: a plain operator holds when some request value matches some policy value; a
//!   negated one (`StringNotEquals`, `NotIpAddress`, ...) when no request value matches any
//!   (it is the plain operator's negation);
//! - `ForAnyValue:` holds when at least one request value satisfies the operator, `ForAllValues:`
//!   when every one does (so an empty or missing key satisfies `ForAllValues:`);
//! - a key the request lacks: `ForAnyValue:` does not hold, even with `IfExists` (AWS's answer,
//!   confirmed by the oracle and a re:Post thread, see docs/evaluation.md); otherwise `IfExists`
//!   holds, `Null` tests exactly that, a negated operator holds, `ForAllValues:` holds, anything
//!   else does not ([`crate::catalog::operators::OperatorInfo::when_key_missing`]).
//!
//! Values are coerced per operator family: numbers as decimals, dates as ISO 8601 or epoch
//! seconds, IP addresses and CIDR ranges (IPv4 and IPv6), ARNs field by field with wildcards,
//! booleans ignoring case. A value that does not parse as the operator's type matches nothing.

use super::matching::{Resolved, arn_like, fields6, resolve, resolved_like, tokens_match};
use super::policy::EvalCondition;
use super::request::Context;
use crate::catalog::operators::{KeyMissing, SetQualifier};
use std::net::IpAddr;

/// What one condition came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Whether it held.
    pub held: bool,
    /// Whether the request lacked the key.
    pub missing: bool,
}

/// Evaluates one condition against the request context.
pub(crate) fn evaluate(c: &EvalCondition, ctx: &Context, variables: bool) -> Outcome {
    let Some(info) = c.info else {
        return Outcome {
            held: false,
            missing: !ctx.contains(&c.key),
        };
    };
    let request = ctx.get(&c.key);
    let missing = request.is_none();
    let is_null = info.base.name == "Null";
    if is_null {
        let present = request.is_some_and(|v| !v.is_empty());
        let held = c.values.iter().any(|v| {
            if v.eq_ignore_ascii_case("true") {
                !present
            } else if v.eq_ignore_ascii_case("false") {
                present
            } else {
                false
            }
        });
        return Outcome { held, missing };
    }
    let Some(values) = request else {
        // `ForAnyValue:` has nothing to match in a missing key, `IfExists` or not (AWS answers
        // so; see docs/evaluation.md); otherwise the catalog's table.
        let held = match (info.qualifier, info.when_key_missing()) {
            (Some(SetQualifier::ForAnyValue), _) => false,
            (_, KeyMissing::Matches) => true,
            (_, KeyMissing::DoesNotMatch | KeyMissing::TestsPresence) => false,
        };
        return Outcome { held, missing };
    };
    let resolved: Vec<Resolved<'_>> = c
        .values
        .iter()
        .map(|v| resolve(v, variables, ctx))
        .collect();
    let cmp = Cmp::of(info.base.name);
    let any_policy = |v: &str| resolved.iter().any(|p| cmp.matches(p, v));
    let negated = info.base.negated;
    let held = match info.qualifier {
        None => {
            let hit = values.iter().any(|v| any_policy(v));
            hit != negated
        }
        Some(SetQualifier::ForAnyValue) => values.iter().any(|v| any_policy(v) != negated),
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| any_policy(v) != negated),
    };
    Outcome { held, missing }
}

/// The positive comparison behind an operator (negation is applied by the caller).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    StrEq,
    StrEqIgnoreCase,
    StrLike,
    Num(Order),
    Date(Order),
    Bool,
    Binary,
    Ip,
    Arn,
    Never,
}

/// Numeric and date comparisons: request value `op` policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    fn test(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Order::Eq => o == Equal,
            Order::Lt => o == Less,
            Order::Le => o != Greater,
            Order::Gt => o == Greater,
            Order::Ge => o != Less,
        }
    }
}

impl Cmp {
    fn of(base: &str) -> Cmp {
        let order = |rest: &str| match rest {
            "Equals" | "NotEquals" => Some(Order::Eq),
            "LessThan" => Some(Order::Lt),
            "LessThanEquals" => Some(Order::Le),
            "GreaterThan" => Some(Order::Gt),
            "GreaterThanEquals" => Some(Order::Ge),
            _ => None,
        };
        match base {
            "StringEquals" | "StringNotEquals" => Cmp::StrEq,
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => Cmp::StrEqIgnoreCase,
            "StringLike" | "StringNotLike" => Cmp::StrLike,
            "Bool" => Cmp::Bool,
            "BinaryEquals" => Cmp::Binary,
            "IpAddress" | "NotIpAddress" => Cmp::Ip,
            "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike" => Cmp::Arn,
            _ => {
                if let Some(rest) = base.strip_prefix("Numeric") {
                    order(rest).map_or(Cmp::Never, Cmp::Num)
                } else if let Some(rest) = base.strip_prefix("Date") {
                    order(rest).map_or(Cmp::Never, Cmp::Date)
                } else {
                    Cmp::Never
                }
            }
        }
    }

    /// Whether request value `v` matches policy value `p` under the positive comparison.
    fn matches(self, p: &Resolved<'_>, v: &str) -> bool {
        let Some(text) = (match p {
            Resolved::Unresolved(_) => None,
            Resolved::Plain(s) => Some(std::borrow::Cow::Borrowed(*s)),
            Resolved::Tokens(_) => p.text().map(std::borrow::Cow::Owned),
        }) else {
            return false;
        };
        match self {
            Cmp::StrEq => literal(p, &text) == v,
            Cmp::StrEqIgnoreCase => literal(p, &text).to_lowercase() == v.to_lowercase(),
            Cmp::StrLike => resolved_like(p, v, false),
            Cmp::Num(o) => match (number(v), number(&text)) {
                (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(|c| o.test(c)),
                _ => false,
            },
            Cmp::Date(o) => match (date_millis(v), date_millis(&text)) {
                (Some(a), Some(b)) => o.test(a.cmp(&b)),
                _ => false,
            },
            Cmp::Bool => text.eq_ignore_ascii_case(v),
            Cmp::Binary => text == v,
            Cmp::Ip => ip_in(v, &text),
            Cmp::Arn => match p {
                Resolved::Tokens(t) => arn_tokens(t, v),
                _ => arn_like(&text, v) && fields6(v).is_some() && fields6(&text).is_some(),
            },
            Cmp::Never => false,
        }
    }
}

/// The text an equality operator compares: wildcards in the value are literal characters.
fn literal(p: &Resolved<'_>, text: &str) -> String {
    match p {
        Resolved::Tokens(_) => p.text().unwrap_or_default(),
        _ => text.to_string(),
    }
}

fn arn_tokens(t: &[super::matching::Tok], v: &str) -> bool {
    fields6(v).is_some() && tokens_match(t, v, false)
}

/// A decimal number (integers and fractions, as IAM's numeric operators take).
fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.contains(['e', 'E']) || s.starts_with('+') {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Milliseconds since the epoch of an ISO 8601 date/time (`2024-01-31`, `2024-01-31T10:00Z`,
/// `2024-01-31T10:00:00.5+02:00`) or of epoch seconds.
pub(crate) fn date_millis(s: &str) -> Option<i128> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i128>().ok().map(|n| n * 1000);
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (month, day) = (num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) as i128 * 86_400_000;
    let mut i = 10;
    if i == b.len() {
        return Some(ms);
    }
    if b[i] != b'T' && b[i] != b't' && b[i] != b' ' {
        return None;
    }
    i += 1;
    let hour = num(i, 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let minute = num(i + 3, 2)?;
    i += 5;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1, 2)?;
        i += 3;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    ms += ((hour * 3600 + minute * 60 + second) * 1000) as i128;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &s[start..i];
        if frac.is_empty() {
            return None;
        }
        let first3: String = frac.chars().chain("000".chars()).take(3).collect();
        ms += first3.parse::<i128>().ok()?;
    }
    match b.get(i) {
        None => Some(ms),
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(ms),
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &s[i + 1..];
            let (h, m) = match rest.len() {
                5 if rest.as_bytes()[2] == b':' => (rest.get(0..2)?, rest.get(3..5)?),
                4 => (rest.get(0..2)?, rest.get(2..4)?),
                2 => (rest, "00"),
                _ => return None,
            };
            let offset = (h.parse::<i128>().ok()? * 60 + m.parse::<i128>().ok()?) * 60_000;
            Some(if sign == b'+' {
                ms - offset
            } else {
                ms + offset
            })
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether address `v` lies in the range `cidr` (a CIDR block or a single address).
pub(crate) fn ip_in(v: &str, cidr: &str) -> bool {
    let Some(addr) = parse_ip(v.trim()) else {
        return false;
    };
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((a, b)) => match (parse_ip(a), b.parse::<u32>()) {
            (Some(a), Ok(b)) => (a, b),
            _ => return false,
        },
        None => match parse_ip(cidr.trim()) {
            Some(a) => (a, if a.is_ipv4() { 32 } else { 128 }),
            None => return false,
        },
    };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse().ok()
}
