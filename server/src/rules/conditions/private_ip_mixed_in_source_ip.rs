//! ## What it does
//! Flags each private range (RFC 1918, loopback, link-local, IPv6 unique-local) in an
//! `IpAddress` or `NotIpAddress` condition on `aws:SourceIp` that also lists public ranges. (When
//! every value is private, [private-ip-in-source-ip](private-ip-in-source-ip.md) reports it.)
//!
//! ## Why it matters
//! `aws:SourceIp` only ever holds a public address, so the private entries never match: they
//! suggest that calls from inside the VPC are allowed (or excluded) when they are not. Requests
//! through a VPC endpoint carry their private address in `aws:VpcSourceIp` instead.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}}
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
//!     "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
//!   }]
//! }
//! ```

use super::private_ip_in_source_ip::source_ip_privacy;
use super::{array_item_removal, is_private, items, parse_cidr};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM324",
    name: "private-ip-mixed-in-source-ip",
    category: Category::Conditions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: PRIVATE_IP_ADDRESS_SUBSET",
        "Access Analyzer: PRIVATE_NOT_IP_ADDRESS_SUBSET",
    ],
    summary: "Private ranges mixed with public ones in an `aws:SourceIp` condition; they never match.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some((private, public)) = source_ip_privacy(&item) else {
            continue;
        };
        if private == 0 || public == 0 {
            continue;
        }
        let name = item.block.operator.name;
        let values = item.values();
        for (i, value) in values.iter().enumerate() {
            let Some(text) = value.text() else { continue };
            if !parse_cidr(text).is_some_and(|c| is_private(&c)) {
                continue;
            }
            let mut diag = Diag::new(
                value.span(),
                format!(
                    "`{text}` is a private or local range, and `aws:SourceIp` only holds public addresses, so this entry of `{name}` never matches; use `aws:VpcSourceIp` for addresses inside a VPC"
                ),
            )
            .in_statement(item.st.index);
            if let Some(span) = array_item_removal(values, i) {
                diag = diag.with_fix(Fix::replace(format!("Remove `{text}`"), span, ""));
            }
            out.push(diag);
        }
    }
}
