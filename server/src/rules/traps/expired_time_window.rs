//! ## What it does
//! Flags a condition on `aws:CurrentTime` or `aws:EpochTime` that only holds before a date
//! that has passed (`DateLessThan`, `DateLessThanEquals`, or the `Numeric` forms on epoch
//! seconds), counted from today's date when the policy is checked. With several values the
//! latest one counts.
//!
//! ## Why it matters
//! Time-boxed access is a common way to grant something temporarily, and nothing removes the
//! statement when the time is up: the policy still reads as if it granted access, but every
//! request is now implicitly denied (for an Allow) or no longer blocked (for a Deny that was
//! meant to protect something until a date). The AccessDenied names the action, not the
//! expired date. Remove the statement, or move the date if the access is still needed.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "ContractorAccess",
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::handover/*",
//!     "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-03-01T00:00:00Z"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "ContractorAccess",
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::handover/*",
//!     "Condition": {"DateLessThan": {"aws:CurrentTime": "2099-03-01T00:00:00Z"}}
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::support::format_day;
use crate::rules::traps::time_bounds;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM916",
    name: "expired-time-window",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "A time condition that ended in the past: the statement no longer applies to any request.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(effect) = st.effect() else { continue };
        for b in time_bounds(st) {
            if !b.ends {
                continue;
            }
            let day = b.secs.div_euclid(86_400);
            if day >= cx.today {
                continue;
            }
            let ago = cx.today - day;
            let consequence = match effect {
                Effect::Allow => "this Allow no longer grants anything",
                Effect::Deny => "this Deny no longer protects anything",
            };
            out.push(
                Diag::new(
                    b.span,
                    format!(
                        "Expired on {}, {ago} day{} ago: {consequence}. Remove the statement, \
                         or move the date if it is still needed.",
                        format_day(day),
                        if ago == 1 { "" } else { "s" }
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}
