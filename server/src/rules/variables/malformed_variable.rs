//! ## What it does
//! Flags a malformed policy variable in a `Resource`, `NotResource` or condition value of a
//! `2012-10-17` policy: `${` without a closing `}`, an empty `${}`, white space inside the
//! variable name (`${aws: username}`), and a default value without single quotes
//! (`${aws:username, nobody}`). The last two get a quick fix.
//!
//! ## Why it matters
//! In a `2012-10-17` policy every `${` in these places starts a variable, and AWS rejects the
//! policy when one is malformed. A literal `$` followed by `{` must be written `${$}{`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::home/${aws: username}/*"
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

use crate::catalog::variables::{Variable, VariableKind, VariableProblem, scan};
use crate::policy::Str;
use crate::rules::variables::{clip, for_each_site, maps_exactly, span_in, variables_active};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM401",
    name: "malformed-variable",
    category: Category::Variables,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: MISSING_BRACE_IN_VARIABLE",
        "Access Analyzer: MISSING_QUOTE_IN_VARIABLE",
        "Access Analyzer: UNSUPPORTED_SPACE_IN_VARIABLE",
        "Access Analyzer: EMPTY_VARIABLE",
    ],
    summary: "A `${...}` policy variable is malformed.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if !variables_active(cx.policy) {
        return;
    }
    for_each_site(cx.policy, |site| {
        let s = site.value;
        if !s.value.contains("${") {
            return;
        }
        for var in scan(s.value) {
            let VariableKind::Invalid(problem) = var.kind else {
                continue;
            };
            let text = s.value.get(var.span.clone()).unwrap_or("${");
            let shown = clip(text, 48);
            let (message, fix) = match problem {
                VariableProblem::MissingBrace => (
                    format!(
                        "`{shown}` starts a policy variable that is never closed with `}}`; AWS rejects the policy. Close it, or write `${{$}}` for a literal `$`"
                    ),
                    None,
                ),
                VariableProblem::Empty => (
                    format!(
                        "`{shown}` is an empty policy variable; AWS rejects the policy. Name a key, such as `${{aws:username}}`"
                    ),
                    None,
                ),
                VariableProblem::SpaceInName => (
                    format!(
                        "`{shown}` has white space in the variable name; AWS rejects the policy"
                    ),
                    rebuild(s, &var, text, false),
                ),
                VariableProblem::UnquotedDefault => (
                    format!(
                        "The default value in `{shown}` must be in single quotes; AWS rejects the policy otherwise"
                    ),
                    rebuild(s, &var, text, true),
                ),
            };
            let mut diag = Diag::new(span_in(s, &var.span), message).in_statement(site.statement);
            if let Some(fix) = fix {
                diag = diag.with_fix(fix);
            }
            out.push(diag);
        }
    });
}

/// The variable rewritten without white space in its name and, when `quote`, with its default
/// value in single quotes.
fn rebuild(s: &Str<'_>, var: &Variable<'_>, text: &str, quote: bool) -> Option<Fix> {
    if !maps_exactly(s) {
        return None;
    }
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let (name, default) = match inner.split_once(',') {
        Some((n, d)) => (n, Some(d)),
        None => (inner, None),
    };
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    if name.is_empty() {
        return None;
    }
    let default = match default {
        None => String::new(),
        Some(d) if quote => {
            let bare = d.trim().trim_matches('\'');
            if bare.contains(['\'', '"', '\\']) {
                return None;
            }
            format!(", '{bare}'")
        }
        Some(d) => format!(",{d}"),
    };
    let new = format!("${{{name}{default}}}");
    let title = if quote {
        format!("Quote the default: `{new}`")
    } else {
        format!("Remove the white space: `{new}`")
    };
    Some(Fix::replace(title, span_in(s, &var.span), new))
}

#[cfg(test)]
mod tests {
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "malformed-variable";

    #[test]
    fn flags_each_malformation() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow",
  "Action": "s3:GetObject",
  "Resource": ["arn:aws:s3:::a/${}/*", "arn:aws:s3:::b/${aws: username}/*", "arn:aws:s3:::c/${aws:username/*"],
  "Condition": {"StringLike": {"s3:prefix": ["${aws:username, nobody}/*", "${aws:PrincipalTag/team,'x}/*"]}}
}]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert!(fixed.contains("${aws:username}/*"), "{fixed}");
        assert!(fixed.contains("${aws:username, 'nobody'}/*"), "{fixed}");
        assert!(fixed.contains("${aws:PrincipalTag/team, 'x'}/*"), "{fixed}");
        assert_eq!(run_rule(NAME, &fixed, None).len(), 2);
    }

    #[test]
    fn well_formed_variables_and_other_versions_pass() {
        let ok = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::b/${aws:username}/${*}/${?}/${$}/*",
  "Condition": {"StringLike": {"s3:prefix": "${aws:PrincipalTag/team, 'none'}/*"}}}]}"#;
        assert!(run_rule(NAME, ok, None).is_empty());
        let old = r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${}/*"}]}"#;
        assert!(run_rule(NAME, old, None).is_empty());
        let action = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:${", "Resource": "*"}]}"#;
        assert!(run_rule(NAME, action, None).is_empty());
    }
}
