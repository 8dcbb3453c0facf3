//! ## What it does
//! Points out a condition on `aws:CurrentTime` or `aws:EpochTime` that only holds after a date
//! still in the future (`DateGreaterThan`, `DateGreaterThanEquals`, or the `Numeric` forms on
//! epoch seconds), counted from today's date when the policy is checked. With several values
//! the earliest one counts.
//!
//! ## Why it matters
//! Until that date the statement applies to no request: an Allow grants nothing yet, a Deny
//! blocks nothing yet. A scheduled start is often what was meant, which is why this is
//! information only; but a start date typed with the wrong year looks exactly like this, and
//! the only symptom is an AccessDenied (or a missing one) that names no date.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "AuditorsFromJanuary",
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::audit/*",
//!     "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2099-01-01T00:00:00Z"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "AuditorsFromJanuary",
//!     "Effect": "Allow",
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::audit/*",
//!     "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}
//!   }]
//! }
//! ```

use crate::policy::Effect;
use crate::rules::support::format_day;
use crate::rules::traps::time_bounds;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM917",
    name: "time-window-not-yet-active",
    category: Category::Traps,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "A time condition that starts in the future: the statement applies to no request yet.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(effect) = st.effect() else { continue };
        for b in time_bounds(st) {
            if b.ends {
                continue;
            }
            let day = b.secs.div_euclid(86_400);
            if day <= cx.today {
                continue;
            }
            let until = day - cx.today;
            let consequence = match effect {
                Effect::Allow => "this Allow grants nothing before then",
                Effect::Deny => "this Deny blocks nothing before then",
            };
            out.push(
                Diag::new(
                    b.span,
                    format!(
                        "Not active until {} (in {until} day{}): {consequence}.",
                        format_day(day),
                        if until == 1 { "" } else { "s" }
                    ),
                )
                .in_statement(st.index),
            );
        }
    }
}
