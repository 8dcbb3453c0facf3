//! ## What it does
//! Flags a condition key that appears twice in the same operator block, spelt with different
//! letter case, such as `aws:SourceVpc` and `aws:sourcevpc` under one `StringEquals`.
//!
//! ## Why it matters
//! Condition key names ignore case, so both entries name the same key, but JSON sees two
//! different members. AWS rejects the policy; and a reader cannot tell which of the two value
//! lists was meant. Merge the values into one entry.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::reports/*",
//!     "Condition": {"StringEquals": {
//!       "aws:SourceVpc": "vpc-1a2b3c4d",
//!       "aws:sourcevpc": "vpc-5e6f7a8b"
//!     }}
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
//!     "Condition": {"StringEquals": {
//!       "aws:SourceVpc": ["vpc-1a2b3c4d", "vpc-5e6f7a8b"]
//!     }}
//!   }]
//! }
//! ```

use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM308",
    name: "duplicate-condition-keys",
    category: Category::Conditions,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: DUPLICATE_KEYS_WITH_DIFFERENT_CASE"],
    summary: "The same condition key twice in one operator block, spelt with different case.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(condition) = st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        for block in &condition.blocks {
            let entries = block.entries();
            for (i, entry) in entries.iter().enumerate() {
                let name = entry.key.name;
                let Some(first) = entries[..i]
                    .iter()
                    .find(|e| e.key.name.eq_ignore_ascii_case(name) && e.key.name != name)
                else {
                    continue;
                };
                // Report each spelling once: skip if an earlier entry already has this exact one.
                if entries[..i].iter().any(|e| e.key.name == name) {
                    continue;
                }
                out.push(
                    Diag::new(
                        entry.key.span,
                        format!(
                            "`{name}` repeats `{}` in the same `{}` block with different letter case; key names ignore case, so AWS rejects the policy: merge the values into one entry",
                            first.key.name, block.operator.name
                        ),
                    )
                    .in_statement(st.index),
                );
            }
        }
    }
}
