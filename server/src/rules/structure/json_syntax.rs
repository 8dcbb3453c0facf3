//! ## What it does
//! Reports text that is not valid JSON: a missing comma, brace or quote, a trailing comma, a
//! comment, a duplicate key, a bare word. A document lists its first 1,000 syntax errors; one
//! more error, at the first of the others, says how many follow.
//!
//! ## Why it matters
//! AWS parses a policy as strict JSON and rejects the whole document on the first error, so none
//! of it takes effect. iam-ls keeps analysing what it could read, so the other findings still
//! show while you type; this rule tells you what AWS will refuse.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
//!   ]
//! }
//! ```

use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM001",
    name: "json-syntax",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: JSON_SYNTAX_ERROR"],
    summary: "The document is not valid JSON.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    out.extend(
        cx.parse
            .errors
            .iter()
            .map(|e| Diag::new(e.span, e.message.clone())),
    );
}
