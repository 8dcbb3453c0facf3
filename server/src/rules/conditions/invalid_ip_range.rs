//! ## What it does
//! Flags a value of `IpAddress` or `NotIpAddress` that is not an IPv4 or IPv6 address or CIDR
//! range: `10.0.0.*`, `192.168.1.0/33`, `203.0.113.0-203.0.113.255`, a host name, a number.
//! (Values with policy variables are left to the variable rules.)
//!
//! ## Why it matters
//! The IP operators read each value as an address or a range in CIDR notation. A value that is
//! neither never contains the caller's address: an `IpAddress` condition on it never matches
//! and a `NotIpAddress` condition always does, so an IP allow-list or block-list silently stops
//! working.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.*", "198.51.100.0/24"]}}
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
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}
//!   }]
//! }
//! ```

use super::{has_variable, items, parse_cidr, string_content};
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM315",
    name: "invalid-ip-range",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: TYPE_MISMATCH_IP_RANGE"],
    summary: "A value of `IpAddress`/`NotIpAddress` that is not an IP address or CIDR range.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::IpAddress {
            continue;
        }
        let name = item.block.operator.name;
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            if has_variable(text) || parse_cidr(text).is_some() {
                continue;
            }
            let fix = wildcard_to_cidr(text);
            let mut message = format!(
                "`{text}` is not an IP address or CIDR range, so `{name}` can never match it; write an address such as `203.0.113.7` or a range such as `203.0.113.0/24`"
            );
            if let Some(f) = &fix {
                message.push_str(&format!(" (here `{f}`)"));
            }
            let mut diag = Diag::new(value.span(), message).in_statement(item.st.index);
            if let (Some(f), Some(span)) = (fix, string_content(cx.text, value)) {
                diag = diag.with_fix(Fix::replace(format!("Replace with `{f}`"), span, f));
            }
            out.push(diag);
        }
    }
}

/// `10.1.*` or `10.1.*.*` written as the CIDR range it was meant to be (`10.1.0.0/16`).
fn wildcard_to_cidr(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let fixed: Vec<&str> = parts.iter().copied().take_while(|p| *p != "*").collect();
    if fixed.is_empty()
        || fixed.len() == parts.len()
        || parts[fixed.len()..].iter().any(|p| *p != "*")
    {
        return None;
    }
    let mut octets: Vec<u8> = Vec::with_capacity(4);
    for p in &fixed {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        octets.push(p.parse().ok()?);
    }
    let prefix = octets.len() * 8;
    octets.resize(4, 0);
    Some(format!(
        "{}.{}.{}.{}/{prefix}",
        octets[0], octets[1], octets[2], octets[3]
    ))
}
