//! ## What it does
//! Flags an `IpAddress` or `NotIpAddress` condition on `aws:SourceIp` whose values are all
//! private ranges: RFC 1918 (`10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`), loopback,
//! link-local, or IPv6 unique-local (`fc00::/7`) addresses.
//!
//! ## Why it matters
//! `aws:SourceIp` is the public address a request comes from. Requests from inside a VPC reach
//! AWS either through a NAT or internet gateway (with a public address) or through a VPC
//! endpoint (where `aws:SourceIp` is not set at all; `aws:VpcSourceIp` holds the private
//! address). A private range therefore never matches: `IpAddress` never applies and
//! `NotIpAddress` always does. To restrict by private address, use `aws:VpcSourceIp` together
//! with `aws:SourceVpc` or `aws:SourceVpce`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}
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
//!     "Condition": {
//!       "IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"},
//!       "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}
//!     }
//!   }]
//! }
//! ```

use super::{Item, has_variable, is_private, items, parse_cidr};
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM323",
    name: "private-ip-in-source-ip",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: PRIVATE_IP_ADDRESS",
        "Access Analyzer: PRIVATE_NOT_IP_ADDRESS",
    ],
    summary: "`aws:SourceIp` compared only with private addresses, which it never holds.",
    check,
};

/// How many of an `aws:SourceIp` entry's values are private and how many are not, or `None`
/// when the entry is not an IP condition on `aws:SourceIp` or a value cannot be read.
pub(crate) fn source_ip_privacy(item: &Item<'_>) -> Option<(usize, usize)> {
    let op = item.op?;
    if op.value_type() != ValueType::IpAddress || !item.key().eq_ignore_ascii_case("aws:SourceIp") {
        return None;
    }
    let (mut private, mut public) = (0, 0);
    for value in item.values() {
        let text = value.text()?;
        if has_variable(text) {
            return None;
        }
        if is_private(&parse_cidr(text)?) {
            private += 1;
        } else {
            public += 1;
        }
    }
    Some((private, public))
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some((private, 0)) = source_ip_privacy(&item) else {
            continue;
        };
        if private == 0 {
            continue;
        }
        let Some(op) = item.op else { continue };
        let name = item.block.operator.name;
        let outcome = if op.negated() {
            "is always true and has no effect"
        } else {
            "never matches, and the statement never applies"
        };
        out.push(
            Diag::new(
                item.entry.key.span,
                format!(
                    "`aws:SourceIp` holds the public address a request comes from, never a private or local one, so this `{name}` test of private ranges {outcome}; for addresses inside a VPC use `aws:VpcSourceIp` with `aws:SourceVpc` or `aws:SourceVpce`"
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
