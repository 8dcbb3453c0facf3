//! ## What it does
//! Points out an Allow conditioned on `"Bool": {"aws:MultiFactorAuthPresent": "true"}`: it
//! never applies to requests signed with long-term access keys. This is often intended; the
//! finding is information, so that the AccessDenied CLI users will meet is not a surprise.
//!
//! ## Why it matters
//! The key is present only in requests signed with temporary credentials, and true only when
//! those credentials were obtained with MFA (a console sign-in with MFA, or
//! `sts:GetSessionToken` / `sts:AssumeRole` with an MFA code). A CLI or SDK call signed with
//! the user's access keys has no such key, `Bool` does not match a missing key, and the Allow
//! does not apply: the call is implicitly denied although the same person can do it in the
//! console. CLI users need to get a session with `aws sts get-session-token --serial-number ...
//! --token-code ...` first.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:TerminateInstances",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! Keep the policy if only MFA-backed sessions should terminate instances, and have CLI users
//! get temporary credentials with MFA first. To allow a recent MFA sign-in only, the age key
//! says so explicitly:
//!
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "ec2:TerminateInstances",
//!     "Resource": "*",
//!     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::traps::conditions;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM914",
    name: "mfa-required-blocks-access-keys",
    category: Category::Traps,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An Allow that requires MFA with Bool never applies to CLI or SDK calls signed with access keys.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for c in conditions(st) {
            if c.op.if_exists
                || c.op.qualifier.is_some()
                || c.op.base.name != "Bool"
                || !c.key_is("aws:MultiFactorAuthPresent")
                || !c.texts().any(|v| v.eq_ignore_ascii_case("true"))
            {
                continue;
            }
            out.push(
                Diag::new(
                    c.entry.key.span,
                    "Requests signed with long-term access keys carry no \
                     aws:MultiFactorAuthPresent, so this Allow never applies to CLI or SDK calls \
                     made with them: users need temporary credentials obtained with MFA \
                     (sts get-session-token) first.",
                )
                .in_statement(st.index),
            );
        }
    }
}
