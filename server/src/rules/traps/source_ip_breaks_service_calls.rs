//! ## What it does
//! Flags an `aws:SourceIp` restriction, `IpAddress` in an Allow or `NotIpAddress` in a Deny,
//! in a statement with no `aws:ViaAWSService` or `aws:CalledVia` condition. For the Deny form
//! the quick fix adds `"Bool": {"aws:ViaAWSService": "false"}`, so the Deny applies only to
//! requests the caller makes directly.
//!
//! ## Why it matters
//! When an AWS service calls another service for you (CloudFormation creating a bucket, Athena
//! reading S3, KMS calls made by EBS), the onward request carries the service's own address in
//! `aws:SourceIp`, not yours, so an office-network restriction denies it: the deployment fails
//! although the person who started it is in the office. Requests that go through a VPC
//! endpoint carry no `aws:SourceIp` at all (they carry `aws:VpcSourceIp`), so the same Deny
//! blocks everything a private subnet sends through an endpoint, and an Allow never applies to
//! it. `aws:ViaAWSService` is true exactly for the calls services make on your behalf;
//! `aws:SourceVpce` or `aws:VpcSourceIp` describe endpoint traffic.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OfficeOnly",
//!     "Effect": "Deny",
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OfficeOnly",
//!     "Effect": "Deny",
//!     "Action": "*",
//!     "Resource": "*",
//!     "Condition": {
//!       "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]},
//!       "Bool": {"aws:ViaAWSService": "false"}
//!     }
//!   }]
//! }
//! ```

use crate::catalog::operators::ValueType;
use crate::policy::Effect;
use crate::rules::traps::{add_condition, conditions};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM911",
    name: "source-ip-breaks-service-calls",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An aws:SourceIp restriction without an aws:ViaAWSService guard also blocks calls AWS services make for you.",
    check,
};

/// Keys that show the statement already tells service calls apart.
const SERVICE_GUARDS: &[&str] = &[
    "aws:ViaAWSService",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:PrincipalIsAWSService",
];

/// Keys that show the statement already handles VPC endpoint traffic.
const VPC_KEYS: &[&str] = &["aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp"];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let effect = st.effect();
        if effect.is_none() {
            continue;
        }
        let guarded = conditions(st).any(|c| SERVICE_GUARDS.iter().any(|k| c.key_is(k)));
        if guarded {
            continue;
        }
        let vpc_handled = conditions(st).any(|c| VPC_KEYS.iter().any(|k| c.key_is(k)));
        for c in conditions(st) {
            if !c.key_is("aws:SourceIp")
                || c.op.value_type() != ValueType::IpAddress
                || c.op.qualifier.is_some()
            {
                continue;
            }
            let deny = match (effect, c.op.negated()) {
                (Some(Effect::Deny), true) => true,
                (Some(Effect::Allow), false) => false,
                _ => continue,
            };
            let vpc = if vpc_handled || (!deny && c.op.if_exists) {
                String::new()
            } else if deny {
                ", and every request through a VPC endpoint, which carries no aws:SourceIp \
                 (only aws:VpcSourceIp)"
                    .to_string()
            } else {
                ", nor to requests through a VPC endpoint, which carry no aws:SourceIp (only \
                 aws:VpcSourceIp)"
                    .to_string()
            };
            let message = if deny {
                format!(
                    "This Deny also blocks requests AWS services make on the caller's behalf, \
                     which come from the service's address{vpc}. Add \"Bool\": \
                     {{\"aws:ViaAWSService\": \"false\"}} so it applies only to direct calls."
                )
            } else {
                format!(
                    "This Allow does not apply to requests AWS services make on the caller's \
                     behalf, which come from the service's address{vpc}: those calls are \
                     denied. Allow them in a statement with \"Bool\": \
                     {{\"aws:ViaAWSService\": \"true\"}}."
                )
            };
            let mut diag = Diag::new(c.entry.key.span, message).in_statement(st.index);
            if deny
                && let Some(edit) = add_condition(cx, st, "Bool", "aws:ViaAWSService", "\"false\"")
            {
                diag = diag.with_fix(Fix {
                    title: "Exempt calls made by AWS services (aws:ViaAWSService false)"
                        .to_string(),
                    edits: vec![edit],
                });
            }
            out.push(diag);
        }
    }
}
