//! ## What it does
//! Flags a `Sid` already used by an earlier statement of the same policy, and offers to number
//! it apart (`ReadOnly` → `ReadOnly2`). Service control policies and resource control policies
//! have their own rule, `duplicate-sid-rejected`, because AWS Organizations refuses them.
//!
//! ## Why it matters
//! A Sid is how people, logs, reviews and tools (iam-ls's own silencing by Sid among them) refer
//! to one statement. Two statements with the same Sid make every such reference ambiguous, and
//! some services reject the policy outright.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
//!     {"Sid": "ListBuckets", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
//!   ]
//! }
//! ```

use std::collections::HashMap;

use crate::policy::{PolicyKind, Str};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM021",
    name: "duplicate-sid",
    category: Category::Structure,
    severity: Severity::Warning,
    kinds: Kinds::AllBut(&[PolicyKind::ServiceControl, PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: UNIQUE_SIDS_RECOMMENDED"],
    summary: "Two statements share a `Sid`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    report_duplicates(
        cx,
        out,
        "Sids should be unique so that each names one statement",
    );
}

/// Reports every repeated Sid after its first use, with `why` appended to the message and a fix
/// that appends the smallest number making it unique.
pub(crate) fn report_duplicates(cx: &Context<'_>, out: &mut Vec<Diag>, why: &str) {
    let sids: Vec<(usize, &Str<'_>)> = cx
        .policy
        .statements
        .iter()
        .filter_map(|st| {
            let s = st.sid.as_ref()?.ok()?;
            (s.terminated && !s.value.is_empty()).then_some((st.index, s))
        })
        .collect();
    if sids.len() < 2 {
        return;
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(sids.len());
    for (pos, (index, sid)) in sids.iter().enumerate() {
        let Some(&earlier) = first.get(sid.value) else {
            first.insert(sid.value, pos);
            continue;
        };
        let (earlier_index, _) = sids[earlier];
        let earlier_label = format!("statement #{}", earlier_index + 1);
        let mut diag = Diag::new(
            sid.span,
            format!(
                "Sid `{}` is already used by {earlier_label}; {why}",
                sid.value
            ),
        )
        .in_statement(*index);
        if let Some(new) = unique_name(sid.value, &sids) {
            diag = diag.with_fix(Fix::replace(format!("Rename to `{new}`"), sid.content, new));
        }
        out.push(diag);
    }
}

/// `base2`, `base3`, ...: the first not used by any Sid of the policy (only for Sids that can be
/// written back without escaping).
fn unique_name(base: &str, sids: &[(usize, &Str<'_>)]) -> Option<String> {
    if base.contains(['"', '\\']) || base.chars().any(char::is_control) {
        return None;
    }
    (2..1000)
        .map(|n| format!("{base}{n}"))
        .find(|cand| sids.iter().all(|(_, s)| s.value != cand))
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "duplicate-sid";

    const TEXT: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Read2", "Effect": "Allow", "Action": "s3:GetObjectTagging", "Resource": "*"},
  {"Sid": "read", "Effect": "Allow", "Action": "s3:GetBucketTagging", "Resource": "*"},
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
  {"Sid": "", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
  {"Sid": "", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
]}"#;

    #[test]
    fn flags_repeats_after_the_first() {
        insta::assert_snapshot!(render(TEXT, &run_rule(NAME, TEXT, None)));
    }

    #[test]
    fn renaming_makes_them_unique() {
        let fixed = apply_all_fixes(NAME, TEXT, None);
        assert!(run_rule(NAME, &fixed, None).is_empty(), "{fixed}");
        assert!(fixed.contains(r#""Sid": "Read3""#), "{fixed}");
    }

    #[test]
    fn organization_policies_use_the_other_rule() {
        assert!(run_rule(NAME, TEXT, Some(PolicyKind::ServiceControl)).is_empty());
        assert!(run_rule(NAME, TEXT, Some(PolicyKind::ResourceControl)).is_empty());
        assert_eq!(run_rule(NAME, TEXT, Some(PolicyKind::Resource)).len(), 2);
    }
}
