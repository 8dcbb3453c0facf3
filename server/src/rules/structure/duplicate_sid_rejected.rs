//! ## What it does
//! Flags a `Sid` already used by an earlier statement in a service control policy or a resource
//! control policy, and offers to number it apart (`DenyRegions` → `DenyRegions2`). In other
//! kinds of policy the same mistake is a warning (`duplicate-sid`).
//!
//! ## Why it matters
//! AWS Organizations requires the Sids of an SCP or RCP to be unique and refuses to save a
//! policy that repeats one, so the guardrail you meant to deploy never takes effect.
//!
//! ## Example
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Guard", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
//!     {"Sid": "Guard", "Effect": "Deny", "Action": "account:CloseAccount", "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "DenyLeaving", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
//!     {"Sid": "DenyClosing", "Effect": "Deny", "Action": "account:CloseAccount", "Resource": "*"}
//!   ]
//! }
//! ```

use crate::policy::PolicyKind;
use crate::rules::structure::duplicate_sid::report_duplicates;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM020",
    name: "duplicate-sid-rejected",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ServiceControl, PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &["Access Analyzer: UNIQUE_SIDS_REQUIRED"],
    summary: "Two statements of an SCP or RCP share a `Sid`, which AWS Organizations rejects.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let why = format!(
        "AWS Organizations requires unique Sids in {} and rejects this one",
        crate::rules::structure::a_kind(cx.kind)
    );
    report_duplicates(cx, out, &why);
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "duplicate-sid-rejected";

    const TEXT: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Guard", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
  {"Sid": "Guard", "Effect": "Deny", "Action": "account:CloseAccount", "Resource": "*"}
]}"#;

    #[test]
    fn flags_repeats_in_organization_policies() {
        let scp = Some(PolicyKind::ServiceControl);
        insta::assert_snapshot!(render(TEXT, &run_rule(NAME, TEXT, scp)));
        let fixed = apply_all_fixes(NAME, TEXT, scp);
        assert!(fixed.contains(r#""Sid": "Guard2""#), "{fixed}");
        assert_eq!(
            run_rule(NAME, TEXT, Some(PolicyKind::ResourceControl)).len(),
            1
        );
    }

    #[test]
    fn other_kinds_and_unique_sids_pass() {
        assert!(run_rule(NAME, TEXT, Some(PolicyKind::Identity)).is_empty());
        let unique = TEXT.replacen("Guard", "Other", 1);
        assert!(run_rule(NAME, &unique, Some(PolicyKind::ServiceControl)).is_empty());
    }
}
