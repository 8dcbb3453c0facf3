//! ## What it does
//! Flags a policy variable that names no request key IAM knows, such as `${aws:usrname}`, with a
//! "did you mean" and a quick fix when the catalog has a near miss. Names are checked in
//! `Resource`, `NotResource` and condition values of a `2012-10-17` policy.
//!
//! To avoid false alarms, a name is reported only when it cannot be a key the catalog lacks:
//! an `aws:` name (the global keys are all known), a name without a `prefix:` (no request key
//! looks like that), or a name under a known service prefix that is a near miss of one of that
//! service's keys. Identity-provider keys (`${accounts.google.com:sub}`,
//! `${cognito-identity.amazonaws.com:sub}`) and unknown prefixes are left alone.
//!
//! ## Why it matters
//! A variable whose key is not in the request has no value, and a statement that uses it does
//! not match: a typo in `${aws:username}` quietly takes away everyone's access to their home
//! folder (or, in a `Deny` with a negated operator, denies everyone).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::home/${aws:usrname}/*"
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
use crate::rules::variables::{for_each_site, maps_exactly, span_in, variables_active};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM405",
    name: "unknown-variable",
    category: Category::Variables,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "A policy variable names a request key that does not exist.",
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
            let VariableKind::Key {
                name, name_span, ..
            } = var.kind
            else {
                continue;
            };
            if cx.catalog.condition_key(name).is_some() {
                continue;
            }
            let suggestion = suggest(cx, name);
            let report = match name.split_once(':') {
                None => true,
                Some((prefix, _)) if prefix.eq_ignore_ascii_case("aws") => true,
                Some((prefix, _)) => cx.catalog.service(prefix).is_some() && suggestion.is_some(),
            };
            if !report {
                continue;
            }
            let message = match &suggestion {
                Some(better) => format!(
                    "`{name}` is not a request key, so `${{{name}}}` has no value and the statement does not match; did you mean `{better}`?"
                ),
                None => format!(
                    "`{name}` is not a request key, so `${{{name}}}` has no value and the statement does not match; check the spelling of the key"
                ),
            };
            let mut diag = Diag::new(span_in(s, &var.span), message).in_statement(site.statement);
            if let Some(better) = &suggestion
                && maps_exactly(s)
            {
                diag = diag.with_fix(Fix::replace(
                    format!("Replace with `{better}`"),
                    span_in(s, &name_span),
                    better.clone(),
                ));
            }
            out.push(diag);
        }
    });
}

/// The nearest known key to `name`, written out (no `${...}` placeholder left). For a tag-style
/// name (`aws:PrincipalTg/team`) the part before the `/` is matched against the pattern keys and
/// the tag name is kept (`aws:PrincipalTag/team`).
fn suggest(cx: &Context<'_>, name: &str) -> Option<String> {
    let plain = cx
        .catalog
        .suggest_key(name)
        .into_iter()
        .map(|k| k.name)
        .find(|n| !n.contains("${"));
    if plain.is_some() {
        return plain.map(str::to_string);
    }
    let (head, tail) = name.split_once('/')?;
    if tail.is_empty() {
        return None;
    }
    cx.catalog
        .suggest_key(&format!("{head}/${{TagKey}}"))
        .into_iter()
        .find_map(|k| {
            let (pattern_head, placeholder) = k.name.split_once('/')?;
            (placeholder.starts_with("${") && placeholder.ends_with('}'))
                .then(|| format!("{pattern_head}/{tail}"))
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "unknown-variable";

    #[test]
    fn flags_misspelt_keys() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
  "Resource": ["arn:aws:s3:::b/${aws:usrname}/*", "arn:aws:s3:::b/${username}/*", "arn:aws:s3:::b/${aws:nosuchthing}/*"],
  "Condition": {"StringEquals": {"s3:prefix": "${aws:PrincipalTg/team}"}}}]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert!(fixed.contains("${aws:username}"), "{fixed}");
        assert!(fixed.contains("${aws:PrincipalTag/team}"), "{fixed}");
    }

    #[test]
    fn known_and_undecidable_names_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
  "Resource": [
    "arn:aws:s3:::b/${aws:username}/${aws:userid}/${AWS:PrincipalAccount}/*",
    "arn:aws:s3:::b/${aws:PrincipalTag/eks:eks-cluster-name}/*",
    "arn:aws:s3:::b/${aws:PrincipalOrgId}/${aws:ResourceOrgID}/*",
    "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/${accounts.google.com:sub}/*",
    "arn:aws:s3:::b/${www.amazon.com:user_id}/${graph.facebook.com:id}/*",
    "arn:aws:s3:::b/${sagemaker:DomainId}/${ec2:SourceInstanceARN}/*",
    "arn:aws:s3:::b/${*}/${aws:username, 'none'}/*"
  ]}]}"#;
        let f = run_rule(NAME, text, None);
        assert!(
            f.is_empty(),
            "{:?}",
            f.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        let old = r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:usrname}/*"}]}"#;
        assert!(run_rule(NAME, old, None).is_empty());
    }
}
