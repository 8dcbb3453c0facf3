//! ## What it does
//! Flags an Allow of a whole service (`s3:*`, `ec2:*`) on every resource (`"Resource": "*"`) in
//! a policy that grants access (guardrails such as SCPs and permissions boundaries only set
//! limits and are not flagged). The message says how many actions that is and how many of them
//! write or manage permissions, from the IAM reference data.
//!
//! ## Why it matters
//! `s3:*` on `*` is not "access to my bucket": it is every S3 action on every bucket in the
//! account, deleting buckets and rewriting their policies included, and every action AWS adds
//! to the service later. Grant the actions the workload calls, on the resources it uses.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": ["s3:GetObject", "s3:PutObject"],
//!     "Resource": "arn:aws:s3:::my-bucket/*"
//!   }]
//! }
//! ```

use crate::catalog::AccessLevel;
use crate::policy::Effect;
use crate::rules::traps::all_resources;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM932",
    name: "service-wide-access",
    category: Category::Traps,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.2.0",
    sources: &[],
    summary: "An Allow of every action of a service on every resource.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if !cx.kind.facts().can_grant {
        return;
    }
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) || !all_resources(st) {
            continue;
        }
        for a in st.actions() {
            let Some((prefix, "*")) = a.value.split_once(':') else {
                continue;
            };
            let Some(service) = cx.catalog.service(prefix) else {
                continue;
            };
            let total = service.actions().len();
            let count = |level: AccessLevel| {
                service
                    .actions()
                    .filter(|x| x.access_level() == level)
                    .count()
            };
            let (write, perms) = (
                count(AccessLevel::Write),
                count(AccessLevel::PermissionsManagement),
            );
            out.push(
                Diag::new(
                    a.span,
                    format!(
                        "`{}` on every resource grants all {total} actions of {} ({write} write, \
                         {perms} permissions management) on every resource in the account, and \
                         every action the service adds later; grant the actions needed on the \
                         resources used",
                        a.value,
                        service.name()
                    ),
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

    const NAME: &str = "service-wide-access";

    fn one(action: &str, resource: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}]}}"#
        )
    }

    #[test]
    fn flags_a_whole_service_on_every_resource() {
        let found = run_rule(NAME, &one("s3:*", "*"), Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        let s3 = crate::catalog::catalog().service("s3").expect("s3");
        assert!(
            found[0]
                .message
                .contains(&format!("all {} actions", s3.actions().len())),
            "{}",
            found[0].message
        );
        for ok in [
            one("s3:Get*", "*"),
            one("s3:*", "arn:aws:s3:::b/*"),
            one("nosuchservice:*", "*"),
        ] {
            assert!(
                run_rule(NAME, &ok, Some(PolicyKind::Identity)).is_empty(),
                "{ok}"
            );
        }
        assert!(run_rule(NAME, &one("s3:*", "*"), Some(PolicyKind::ServiceControl)).is_empty());
    }
}
