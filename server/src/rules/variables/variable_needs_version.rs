//! ## What it does
//! Flags a policy variable in a `Resource`, `NotResource` or condition value of a policy whose
//! `Version` is `2008-10-17` or missing, and offers to set `"Version": "2012-10-17"`.
//!
//! ## Why it matters
//! Variables arrived with the `2012-10-17` policy language. Under `2008-10-17` (which is also
//! what a policy without `Version` gets) `${aws:username}` is not replaced: the policy compares
//! the literal text `${aws:username}`, so a home-folder grant matches no object and a
//! `StringNotEquals` guard matches every request.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2008-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::home/${aws:username}/*"
//!     }
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::home/${aws:username}/*"
//!     }
//!   ]
//! }
//! ```

use crate::catalog::variables::{VariableKind, scan};
use crate::rules::structure::{CURRENT_VERSION, insert_version_fix};
use crate::rules::variables::{for_each_site, span_in};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM403",
    name: "variable-needs-version",
    category: Category::Variables,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: VARIABLE_UNSUPPORTED_IN_VERSION"],
    summary: "A policy variable is used in a policy without `\"Version\": \"2012-10-17\"`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let (why, fix) = match &cx.policy.version {
        None => (
            "this policy has no `Version`, so AWS applies the 2008-10-17 rules".to_string(),
            insert_version_fix(cx),
        ),
        Some(field) => match field.ok() {
            Some(v) if v.value == "2008-10-17" && v.terminated => (
                "this policy's `Version` is 2008-10-17".to_string(),
                Some(Fix::replace(
                    format!("Set Version to {CURRENT_VERSION}"),
                    v.content,
                    CURRENT_VERSION,
                )),
            ),
            // 2012-10-17, an invalid version (reported by invalid-version) or a wrong type.
            _ => return,
        },
    };
    for_each_site(cx.policy, |site| {
        let s = site.value;
        if !s.value.contains("${") {
            return;
        }
        for var in scan(s.value) {
            if matches!(var.kind, VariableKind::Invalid(_)) {
                continue;
            }
            let text = s.value.get(var.span.clone()).unwrap_or("${...}");
            let mut diag = Diag::new(
                span_in(s, &var.span),
                format!(
                    "`{text}` is read as literal text because {why}; policy variables need \"Version\": \"{CURRENT_VERSION}\""
                ),
            )
            .in_statement(site.statement);
            if let Some(fix) = &fix {
                diag = diag.with_fix(fix.clone());
            }
            out.push(diag);
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "variable-needs-version";

    #[test]
    fn flags_variables_under_the_old_or_no_version() {
        let old = r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
  "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "${*}"]}}}]}"#;
        insta::assert_snapshot!(render(old, &run_rule(NAME, old, None)));
        let fixed = apply_all_fixes(NAME, old, None);
        assert!(fixed.starts_with(r#"{"Version": "2012-10-17""#), "{fixed}");
        let none = "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/${aws:userid}/*\"}]\n}";
        insta::assert_snapshot!(render(none, &run_rule(NAME, none, None)));
        let fixed = apply_all_fixes(NAME, none, None);
        assert!(
            fixed.contains("\"Version\": \"2012-10-17\",\n  \"Statement\""),
            "{fixed}"
        );
    }

    #[test]
    fn current_or_invalid_versions_and_plain_text_pass() {
        for text in [
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#,
            r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/$home/*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*"}]}"#,
        ] {
            assert!(run_rule(NAME, text, None).is_empty(), "{text}");
        }
    }
}
