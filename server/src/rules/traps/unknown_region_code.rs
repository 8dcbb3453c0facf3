//! ## What it does
//! Flags a value of `aws:RequestedRegion` that has the shape of a Region code but is not a
//! Region iam-ls knows, such as `eu-centrl-1` or `us-east-3`, and offers the nearest known code
//! when there is one. Values that cannot be Region codes at all (`EU-WEST-1`, `eu-west-1a`) are
//! reported by `invalid-region` instead; patterns and policy variables are not checked.
//!
//! ## Why it matters
//! No request names a Region that does not exist, so the value matches nothing: in a region
//! lock (a Deny with `StringNotEquals`) the Region the author meant to keep open stays denied,
//! and in an Allow the Region is never granted. A typo in an SCP's Region list can lock a whole
//! organization out of the Region it runs in. The list of Regions is data
//! (`rules/regions.rs`); a Region AWS opened after this build is reported too until the list
//! is updated.
//!
//! ## Example
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "NotAction": ["iam:*", "organizations:*", "sts:*"],
//!     "Resource": "*",
//!     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-centrl-1", "us-east-1"]}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Deny",
//!     "NotAction": ["iam:*", "organizations:*", "sts:*"],
//!     "Resource": "*",
//!     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "us-east-1"]}}
//!   }]
//! }
//! ```

use crate::catalog::operators::ValueType;
use crate::policy::{Effect, Scalar};
use crate::rules::regions;
use crate::rules::traps::{conditions, has_variable, has_wildcards};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM902",
    name: "unknown-region-code",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An `aws:RequestedRegion` value shaped like a Region code that no Region has.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for c in conditions(st) {
            if !c.key_is("aws:RequestedRegion") || c.op.value_type() != ValueType::String {
                continue;
            }
            let consequence = match (st.effect(), c.op.negated()) {
                (Some(Effect::Deny), true) => {
                    "so the Region meant to stay open is denied by this statement"
                }
                (Some(Effect::Allow), false) => "so this Allow never applies to it",
                _ => "so the condition never matches it",
            };
            for v in c.entry.values() {
                let Scalar::String(s) = v else { continue };
                let code = s.value;
                if has_wildcards(code)
                    || has_variable(code)
                    || regions::is_known(code)
                    || !regions::looks_like_region(code)
                {
                    continue;
                }
                let suggestion = regions::suggest(code);
                let hint = match suggestion {
                    Some(near) => format!(" Did you mean `{near}`?"),
                    None => String::new(),
                };
                let mut diag = Diag::new(
                    s.span,
                    format!(
                        "`{code}` is not a Region iam-ls knows: no request names it, \
                         {consequence}.{hint}"
                    ),
                )
                .in_statement(st.index);
                if let Some(near) = suggestion {
                    diag = diag.with_fix(Fix::replace(
                        format!("Replace with `{near}`"),
                        s.content,
                        near,
                    ));
                }
                out.push(diag);
            }
        }
    }
}
