//! ## What it does
//! Flags a policy variable (`${aws:username}`, `${aws:PrincipalTag/team}`, ...) in `Action`,
//! `NotAction`, `Principal` or `NotPrincipal`.
//!
//! Variables in condition keys (`"aws:ResourceTag/${aws:username}"`) are not reported: AWS
//! documents variables for condition values only, but does not say that keys reject them.
//!
//! ## Why it matters
//! IAM substitutes variables only in `Resource`, `NotResource` and condition values. Elsewhere
//! the `${...}` is not replaced, and AWS rejects the policy. To tie a grant to the caller, keep
//! the action and principal fixed and put the variable in the resource or a condition.
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::111122223333:user/${aws:username}"},
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::examplebucket/*"
//!     }
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::examplebucket/${aws:username}/*"
//!     }
//!   ]
//! }
//! ```

use crate::catalog::variables::{VariableKind, scan};
use crate::policy::{Field, Principal, Str, StrList};
use crate::rules::variables::span_in;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM402",
    name: "variable-in-unsupported-element",
    category: Category::Variables,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    summary: "A policy variable is used outside `Resource`, `NotResource` and condition values.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let mut flag = |element: &str, s: &Str<'_>| {
            if !s.value.contains("${") {
                return;
            }
            for var in scan(s.value) {
                if let VariableKind::Key { .. } = var.kind {
                    let text = s.value.get(var.span.clone()).unwrap_or("${...}");
                    out.push(
                        Diag::new(
                            span_in(s, &var.span),
                            format!(
                                "`{text}` is not substituted in `{element}`: policy variables work only in `Resource`, `NotResource` and condition values, and AWS rejects the policy"
                            ),
                        )
                        .in_statement(st.index),
                    );
                }
            }
        };
        for field in [&st.action, &st.not_action].into_iter().flatten() {
            for s in list_strings(field) {
                flag(field.key.name, s);
            }
        }
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            match field.ok() {
                Some(Principal::Str(s)) => flag(field.key.name, s),
                Some(p @ Principal::Map(_)) => {
                    for (_, s) in p.values() {
                        flag(field.key.name, s);
                    }
                }
                None => {}
            }
        }
    }
}

fn list_strings<'s, 'a>(field: &'s Field<'a, StrList<'a>>) -> impl Iterator<Item = &'s Str<'a>> {
    field.ok().into_iter().flat_map(|l| l.strings())
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "variable-in-unsupported-element";

    #[test]
    fn flags_variables_in_actions_and_principals() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow",
  "Principal": {"AWS": ["arn:aws:iam::111122223333:user/${aws:username}"]},
  "Action": ["s3:${aws:PrincipalTag/action}", "s3:GetObject"],
  "Resource": "arn:aws:s3:::b/${aws:username}/*"
}, {
  "Effect": "Deny",
  "NotPrincipal": "${aws:PrincipalArn}",
  "NotAction": "${aws:RequestedAction}",
  "Resource": "*"
}]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(NAME, text, Some(PolicyKind::Resource))
        ));
    }

    #[test]
    fn resources_conditions_keys_and_literals_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow",
  "Action": ["s3:Get${*}"],
  "Resource": "arn:aws:s3:::b/${aws:username}/*",
  "Condition": {"StringEquals": {"aws:ResourceTag/${aws:username}": "${aws:username}"}}
}]}"#;
        assert!(run_rule(NAME, text, None).is_empty());
    }
}
