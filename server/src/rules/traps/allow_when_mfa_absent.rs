//! ## What it does
//! Flags an Allow whose condition is `Bool` (or `BoolIfExists`) `aws:MultiFactorAuthPresent`
//! `"false"`: a grant that applies exactly when the caller did not sign in with MFA.
//!
//! ## Why it matters
//! The pattern comes from the documented Deny ("deny unless MFA is present"). Turned into an
//! Allow it does the opposite: it grants the actions to sessions without MFA (and, with
//! `BoolIfExists`, to long-term access keys, which never carry the key), while a session with
//! MFA gets nothing from it. Require MFA with `Bool` `"true"` in the Allow, or keep `"false"`
//! in a Deny.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "iam:DeleteUser",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
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
//!     "Action": "iam:DeleteUser",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::traps::conditions;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM931",
    name: "allow-when-mfa-absent",
    category: Category::Traps,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.2.0",
    sources: &[],
    summary: "An Allow on aws:MultiFactorAuthPresent false grants exactly the sessions without MFA.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for c in conditions(st) {
            if c.op.qualifier.is_some()
                || c.op.base.name != "Bool"
                || !c.key_is("aws:MultiFactorAuthPresent")
                || !c.texts().any(|v| v.eq_ignore_ascii_case("false"))
            {
                continue;
            }
            out.push(
                Diag::new(
                    c.entry.key.span,
                    "This Allow applies only when the caller has not used MFA, so it grants the \
                     actions without MFA and nothing more with it. Use \"true\" to require MFA, \
                     or make the statement a Deny.",
                )
                .in_statement(st.index),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::run_rule;

    const NAME: &str = "allow-when-mfa-absent";

    fn one(effect: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn flags_allow_on_mfa_false_only() {
        for bad in [
            r#"{"Bool": {"aws:MultiFactorAuthPresent": "false"}}"#,
            r#"{"BoolIfExists": {"aws:multifactorauthpresent": false}}"#,
        ] {
            let text = one("Allow", bad);
            assert_eq!(
                run_rule(NAME, &text, Some(PolicyKind::Identity)).len(),
                1,
                "{bad}"
            );
        }
        for ok in [
            one(
                "Deny",
                r#"{"Bool": {"aws:MultiFactorAuthPresent": "false"}}"#,
            ),
            one(
                "Allow",
                r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#,
            ),
            one(
                "Allow",
                r#"{"Null": {"aws:MultiFactorAuthPresent": "false"}}"#,
            ),
        ] {
            assert!(
                run_rule(NAME, &ok, Some(PolicyKind::Identity)).is_empty(),
                "{ok}"
            );
        }
    }
}
