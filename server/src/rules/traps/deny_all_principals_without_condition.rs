//! ## What it does
//! Flags a Deny in a resource-based policy (bucket, key, queue, VPC endpoint policy, RCP) that
//! applies to every principal (`"Principal": "*"`), has no `Condition`, and covers broad actions:
//! `*`, a whole service (`s3:*`), or everything outside a `NotAction` list.
//!
//! ## Why it matters
//! With no condition to exempt anyone, the Deny applies to every caller: the application,
//! the account's administrators, the root user and AWS services acting for them. An explicit
//! Deny wins over every Allow, so nobody can use the resource, and when the actions include the
//! ones that manage the policy itself (`s3:PutBucketPolicy`, `kms:PutKeyPolicy`), possibly
//! nobody can repair it either: a KMS key in this state needs AWS Support. Such a statement is
//! usually meant to keep everyone *else* out and lacks the condition that names the exceptions
//! (`aws:PrincipalArn`, `aws:PrincipalOrgID`, `aws:SourceVpce`, ...).
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "LockDown",
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": ["arn:aws:s3:::payroll", "arn:aws:s3:::payroll/*"]
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "LockDown",
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": ["arn:aws:s3:::payroll", "arn:aws:s3:::payroll/*"],
//!     "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/payroll-admin"}}
//!   }]
//! }
//! ```

use crate::policy::{Effect, PolicyKind};
use crate::rules::traps::{all_principals, has_condition, has_wildcards};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM908",
    name: "deny-all-principals-without-condition",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[
        PolicyKind::Resource,
        PolicyKind::KmsKey,
        PolicyKind::VpcEndpoint,
        PolicyKind::ResourceControl,
    ]),
    since: "0.1.0",
    sources: &[],
    summary: "A resource policy Deny on every principal, without a condition, over broad actions: locks everyone out.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny)
            || st.principal.is_none()
            || !all_principals(st)
            || has_condition(st)
        {
            continue;
        }
        let broad = if let Some(f) = st.not_action.as_ref().filter(|f| f.ok().is_some()) {
            Some((f.key.span, "every action outside NotAction".to_string()))
        } else {
            st.actions()
                .find(|a| {
                    let v = a.value;
                    v.bytes().all(|b| b == b'*')
                        || v.split_once(':').is_some_and(|(svc, rest)| {
                            !has_wildcards(svc) && !svc.is_empty() && rest == "*"
                        })
                })
                .map(|a| (a.span, format!("`{}`", a.value)))
        };
        let Some((span, what)) = broad else { continue };
        out.push(
            Diag::new(
                span,
                format!(
                    "This Deny applies {what} to every principal, with no condition: \
                     administrators, the root user and AWS services are locked out as well, \
                     perhaps even from fixing this policy. Add a condition naming who keeps \
                     access (for example aws:PrincipalArn)."
                ),
            )
            .in_statement(st.index),
        );
    }
}
