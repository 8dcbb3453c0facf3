//! ## What it does
//! Flags an Allow conditioned on `"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}`.
//! The quick fix replaces `BoolIfExists` with `Bool` when the block holds only this key.
//!
//! ## Why it matters
//! `IfExists` makes the condition true whenever the key is missing from the request, and
//! requests signed with long-term access keys never carry `aws:MultiFactorAuthPresent`. So this
//! Allow grants everything it lists to anyone holding the user's access keys, without MFA: the
//! condition only has teeth in the console. With `Bool`, only requests made with MFA-backed
//! temporary credentials match (CLI users then call `sts:GetSessionToken` with their MFA code).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "AdminWithMfa",
//!     "Effect": "Allow",
//!     "Action": "ec2:TerminateInstances",
//!     "Resource": "*",
//!     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "AdminWithMfa",
//!     "Effect": "Allow",
//!     "Action": "ec2:TerminateInstances",
//!     "Resource": "*",
//!     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::traps::{conditions, inner};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM913",
    name: "mfa-if-exists-allows-access-keys",
    category: Category::Traps,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An Allow on BoolIfExists aws:MultiFactorAuthPresent true: long-term access keys get in without MFA.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for c in conditions(st) {
            if !c.op.if_exists
                || c.op.qualifier.is_some()
                || c.op.base.name != "Bool"
                || !c.key_is("aws:MultiFactorAuthPresent")
                || !c.texts().any(|v| v.eq_ignore_ascii_case("true"))
            {
                continue;
            }
            let mut diag = Diag::new(
                c.block.operator.span,
                "BoolIfExists also matches requests without aws:MultiFactorAuthPresent, and \
                 requests signed with long-term access keys never carry it: this Allow grants \
                 them without MFA. Use Bool to require MFA.",
            )
            .in_statement(st.index);
            if c.block.entries().len() == 1 {
                diag = diag.with_fix(Fix::replace(
                    "Replace with `Bool`",
                    inner(c.block.operator.span),
                    "Bool",
                ));
            }
            out.push(diag);
        }
    }
}
