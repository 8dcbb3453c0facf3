//! ## What it does
//! Flags a `Version` that is not one of the two policy language versions, `2012-10-17` and
//! `2008-10-17`, and offers to replace it: with `2012-10-17`, or with the valid version it
//! differs from only by surrounding spaces.
//!
//! ## Why it matters
//! `Version` names the grammar the policy is written in, not the date you wrote it. Any other
//! value makes AWS reject the policy. Use `2012-10-17`: the older version lacks policy
//! variables.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-18",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
//! }
//! ```

use crate::rules::structure::CURRENT_VERSION;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM006",
    name: "invalid-version",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_VERSION"],
    summary: "`Version` is neither `2012-10-17` nor `2008-10-17`.",
    check,
};

/// The versions IAM accepts.
const VERSIONS: &[&str] = &[CURRENT_VERSION, "2008-10-17"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(v) = cx.policy.version.as_ref().and_then(|f| f.ok()) else {
        return;
    };
    if !v.terminated || VERSIONS.contains(&v.value) {
        return;
    }
    let target = VERSIONS
        .iter()
        .copied()
        .find(|ok| *ok == v.value.trim())
        .unwrap_or(CURRENT_VERSION);
    let hint = if near_miss(v.value) {
        format!("did you mean `{target}`? ")
    } else {
        String::new()
    };
    out.push(
        Diag::new(
            v.span,
            format!(
                "`{}` is not a policy language version; {hint}AWS accepts only `2012-10-17` (current) and `2008-10-17` and rejects the policy otherwise",
                v.value
            ),
        )
        .with_fix(Fix::replace(
            format!("Replace with `{target}`"),
            v.content,
            target,
        )),
    );
}

/// A typo of a valid version: its digits regrouped (`2012/10/17`, `17-10-2012`), stray spaces,
/// or a few characters off.
fn near_miss(value: &str) -> bool {
    let t = value.trim();
    if VERSIONS.contains(&t) {
        return true;
    }
    let mut groups: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    groups.sort_unstable();
    if groups == ["10", "17", "2012"] || groups == ["10", "17", "2008"] {
        return true;
    }
    VERSIONS.iter().any(|ok| differing_chars(t, ok) <= 2)
}

/// Positions at which two strings of the same length differ (`usize::MAX` when lengths differ).
fn differing_chars(a: &str, b: &str) -> usize {
    if a.chars().count() != b.chars().count() {
        return usize::MAX;
    }
    a.chars().zip(b.chars()).filter(|(x, y)| x != y).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "invalid-version";

    #[test]
    fn flags_invalid_versions_with_a_fix() {
        for v in [
            "2012-10-18",
            "2012/10/17",
            " 2008-10-17",
            "2024-05-01",
            "latest",
        ] {
            let text = format!(
                r#"{{"Version": "{v}", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}"#
            );
            let f = run_rule(NAME, &text, None);
            assert_eq!(f.len(), 1, "{v}");
            let fixed = apply_all_fixes(NAME, &text, None);
            assert!(run_rule(NAME, &fixed, None).is_empty());
        }
        let text = r#"{"Version": "2012-10-18", "Statement": []}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let text = r#"{"Version": "v1", "Statement": []}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
    }

    #[test]
    fn valid_or_missing_versions_pass() {
        for text in [
            r#"{"Version": "2012-10-17", "Statement": []}"#,
            r#"{"Version": "2008-10-17", "Statement": []}"#,
            r#"{"Statement": []}"#,
            r#"{"Version": 2012, "Statement": []}"#,
            r#"{"Version": "2012-10-1"#,
        ] {
            assert!(run_rule(NAME, text, None).is_empty(), "{text}");
        }
    }

    #[test]
    fn near_misses() {
        assert!(near_miss("2012-10-18"));
        assert!(near_miss("17/10/2012"));
        assert!(near_miss("2012-10-17 "));
        assert!(!near_miss("2024-05-01"));
        assert!(!near_miss("1"));
    }
}
