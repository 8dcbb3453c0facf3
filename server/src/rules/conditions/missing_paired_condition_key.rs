//! ## What it does
//! Flags a statement that tests a private address without saying which network it belongs to:
//!
//! - `aws:VpcSourceIp` without `aws:SourceVpc`, `aws:SourceVpce` or `aws:SourceVpcArn`;
//! - `aws:Ec2InstanceSourcePrivateIPv4` without `aws:Ec2InstanceSourceVpc`.
//!
//! Conditions that only test presence with `Null` are not flagged.
//!
//! ## Why it matters
//! Private addresses are reused: `10.0.1.0/24` exists in countless VPCs, including other
//! accounts' VPCs that reach your resources through their own endpoints. A condition on the
//! address alone matches requests from all of them; together with the VPC or endpoint key it
//! matches only yours.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": "*",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24"}}
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
//!     "Principal": "*",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {
//!       "IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24"},
//!       "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}
//!     }
//!   }]
//! }
//! ```

use super::items;
use crate::catalog::operators::ValueType;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM331",
    name: "missing-paired-condition-key",
    category: Category::Conditions,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: MISSING_PAIRED_CONDITION_KEYS"],
    summary: "A private-address condition key without the key that names the network.",
    check,
};

/// A key and the keys of which at least one should accompany it in the same statement.
const PAIRS: &[(&str, &[&str])] = &[
    (
        "aws:VpcSourceIp",
        &["aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn"],
    ),
    (
        "aws:Ec2InstanceSourcePrivateIPv4",
        &["aws:Ec2InstanceSourceVpc"],
    ),
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        if op.value_type() == ValueType::Null {
            continue;
        }
        let key = item.key();
        let Some((_, partners)) = PAIRS.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) else {
            continue;
        };
        let Some(condition) = item.st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        let paired = condition
            .entries()
            .any(|(_, e)| partners.iter().any(|p| p.eq_ignore_ascii_case(e.key.name)));
        if paired {
            continue;
        }
        let names: Vec<String> = partners.iter().map(|p| format!("`{p}`")).collect();
        out.push(
            Diag::new(
                item.entry.key.span,
                format!(
                    "`{key}` is a private address, and the same addresses exist in other networks, including other accounts' VPCs; add {} to this statement so the condition only matches your network",
                    crate::rules::support::list_words(names).replace(" and ", " or ")
                ),
            )
            .in_statement(item.st.index),
        );
    }
}
