//! ## What it does
//! Flags a Deny meant to enforce MFA that does not apply to requests signed with long-term
//! access keys: `"Bool": {"aws:MultiFactorAuthPresent": "false"}`, or a `NumericGreaterThan`
//! on `aws:MultiFactorAuthAge`, without `IfExists`. The quick fix adds `IfExists` to the
//! operator when the block holds only this key.
//!
//! ## Why it matters
//! `aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge` are only in the request when it
//! is signed with temporary credentials. A request signed with a user's long-term access keys
//! (the usual CLI and SDK set-up) has no such key at all, and a `Bool` or `Numeric` operator
//! evaluates to false for a missing key, so the Deny does not apply: exactly the requests the
//! MFA guard was written for get through. `BoolIfExists` (or `NumericGreaterThanIfExists`)
//! treats a missing key as a match, so the Deny also covers them.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "DenyWithoutMfa",
//!     "Effect": "Deny",
//!     "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
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
//!     "Sid": "DenyWithoutMfa",
//!     "Effect": "Deny",
//!     "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
//!     "Resource": "*",
//!     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::traps::{conditions, inner};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM912",
    name: "mfa-deny-misses-access-keys",
    category: Category::Traps,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An MFA Deny without IfExists: requests signed with long-term access keys are not denied.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) {
            continue;
        }
        for c in conditions(st) {
            if c.op.if_exists || c.op.qualifier.is_some() {
                continue;
            }
            let base = c.op.base.name;
            let present = base == "Bool"
                && c.key_is("aws:MultiFactorAuthPresent")
                && c.texts().any(|v| v.eq_ignore_ascii_case("false"));
            let age = base == "NumericGreaterThan" || base == "NumericGreaterThanEquals";
            let age = age && c.key_is("aws:MultiFactorAuthAge");
            if !present && !age {
                continue;
            }
            let fixed = format!("{base}IfExists");
            let mut diag = Diag::new(
                c.block.operator.span,
                format!(
                    "Requests signed with long-term access keys carry no {}, and {base} does not \
                     match a missing key: this Deny lets them through without MFA. Use {fixed}.",
                    c.entry.key.name
                ),
            )
            .in_statement(st.index);
            if c.block.entries().len() == 1 {
                diag = diag.with_fix(Fix::replace(
                    format!("Replace with `{fixed}`"),
                    inner(c.block.operator.span),
                    fixed,
                ));
            }
            out.push(diag);
        }
    }
}
