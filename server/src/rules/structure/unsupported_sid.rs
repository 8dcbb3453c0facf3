//! ## What it does
//! Flags a `Sid` with characters other than the ASCII letters `A`–`Z`, `a`–`z` and digits
//! `0`–`9` in the policies IAM itself stores (identity policies, permissions boundaries, role
//! trust policies), and offers to drop the other characters.
//!
//! Other kinds are not checked: several services accept more in their resource policies (KMS
//! key policies commonly have Sids with spaces, SNS ones with underscores), and for SCPs, RCPs,
//! session and VPC endpoint policies the accepted set is not documented precisely enough to
//! report an error.
//!
//! ## Why it matters
//! IAM rejects an identity or trust policy whose Sid has a space, a hyphen, an underscore or any
//! other symbol. Sids copied from a bucket or key policy are the usual cause.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "read-only access", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "ReadOnlyAccess", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
//!   ]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM022",
    name: "unsupported-sid",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::Only(&[
        PolicyKind::Identity,
        PolicyKind::PermissionsBoundary,
        PolicyKind::RoleTrust,
    ]),
    since: "0.1.0",
    sources: &["Access Analyzer: UNSUPPORTED_SID"],
    summary: "A `Sid` has characters other than ASCII letters and digits.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let all_sids: Vec<&str> = cx
        .policy
        .statements
        .iter()
        .filter_map(|s| s.sid_str())
        .collect();
    for st in &cx.policy.statements {
        let Some(sid) = st.sid.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        if !sid.terminated || sid.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let mut bad: Vec<String> = Vec::new();
        for c in sid.value.chars().filter(|c| !c.is_ascii_alphanumeric()) {
            let shown = match c {
                ' ' => "space".to_string(),
                c if c.is_whitespace() || c.is_control() => format!("U+{:04X}", c as u32),
                c => format!("`{c}`"),
            };
            if !bad.contains(&shown) {
                bad.push(shown);
            }
        }
        let mut diag = Diag::new(
            sid.span,
            format!(
                "Sid `{}` contains {}; IAM accepts only ASCII letters and digits in a Sid and rejects the policy",
                sid.value,
                crate::rules::support::list_words(bad.iter().take(4))
            ),
        )
        .in_statement(st.index);
        let cleaned = camel_clean(sid.value);
        if !cleaned.is_empty() && !all_sids.contains(&cleaned.as_str()) {
            diag = diag.with_fix(Fix::replace(
                format!("Rename to `{cleaned}`"),
                sid.content,
                cleaned,
            ));
        }
        out.push(diag);
    }
}

/// Drops every character outside `[A-Za-z0-9]`; a letter that followed an ASCII separator
/// (space, `-`, `_`, `.`, ...) is upper-cased, so `read-only access` becomes `ReadOnlyAccess`
/// (the first letter too when the Sid had separators).
fn camel_clean(sid: &str) -> String {
    let is_separator = |c: char| c.is_ascii() && !c.is_ascii_alphanumeric();
    let mut out = String::with_capacity(sid.len());
    let mut upper_next = sid.contains(is_separator);
    for c in sid.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper_next {
                c.to_ascii_uppercase()
            } else {
                c
            });
            upper_next = false;
        } else if is_separator(c) {
            upper_next = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "unsupported-sid";

    #[test]
    fn flags_symbols_and_spaces() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "read-only access", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Allow_List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
  {"Sid": "Grüße", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
  {"Sid": "---", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
  {"Sid": "Plain1", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert!(fixed.contains(r#""Sid": "ReadOnlyAccess""#), "{fixed}");
        assert!(fixed.contains(r#""Sid": "AllowList""#), "{fixed}");
    }

    #[test]
    fn resource_side_policies_are_not_checked() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
        assert!(run_rule(NAME, text, Some(PolicyKind::KmsKey)).is_empty());
        assert!(run_rule(NAME, text, Some(PolicyKind::Resource)).is_empty());
        assert_eq!(run_rule(NAME, text, Some(PolicyKind::RoleTrust)).len(), 1);
    }

    #[test]
    fn cleaning() {
        assert_eq!(camel_clean("read-only access"), "ReadOnlyAccess");
        assert_eq!(camel_clean("S3 Read"), "S3Read");
        assert_eq!(camel_clean("---"), "");
        assert_eq!(camel_clean("Grüße"), "Gre");
    }
}
