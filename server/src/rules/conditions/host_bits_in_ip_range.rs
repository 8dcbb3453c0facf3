//! ## What it does
//! Flags a CIDR range in an IP condition whose address has bits set after the prefix, such as
//! `203.0.113.77/24` or `2001:db8::1/32`, and offers the range's network address
//! (`203.0.113.0/24`) as a quick fix.
//!
//! ## Why it matters
//! Only the first bits of the address, as many as the prefix length, take part in the match; the
//! rest is ignored. `203.0.113.77/24` therefore matches all of `203.0.113.0` to `203.0.113.255`,
//! which is rarely what someone who wrote a single host address meant. Write either the network
//! address with its prefix, or the host address alone (`/32`).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.77/24"}}
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
//!     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
//!   }]
//! }
//! ```

use super::{has_variable, items, parse_cidr, string_content};
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM325",
    name: "host-bits-in-ip-range",
    category: Category::Conditions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: IMPROVE_IP_RANGE"],
    summary: "A CIDR range with bits set after the prefix, which are ignored.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() != ValueType::IpAddress {
            continue;
        }
        for value in item.values() {
            let Some(text) = value.text() else { continue };
            if has_variable(text) || !text.contains('/') {
                continue;
            }
            let Some(range) = parse_cidr(text) else {
                continue;
            };
            if !range.has_host_bits() {
                continue;
            }
            let network = range.network_text();
            let mut diag = Diag::new(
                value.span(),
                format!(
                    "`{text}` has bits set after the /{} prefix; they are ignored, so this is the range `{network}`: write that, or the address alone for a single host",
                    range.prefix
                ),
            )
            .in_statement(item.st.index);
            if let Some(span) = string_content(cx.text, value) {
                diag = diag.with_fix(Fix::replace(format!("Write `{network}`"), span, network));
            }
            out.push(diag);
        }
    }
}
