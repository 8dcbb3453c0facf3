//! ## What it does
//! Flags a `Service` principal that is not a service host name such as `ec2.amazonaws.com`: a
//! bare service name (`lambda`), a URL (`https://lambda.amazonaws.com`), an ARN, or a value with
//! spaces or other characters a host name cannot have. A bare name that is a known service
//! prefix gets a fix to `<name>.amazonaws.com`.
//!
//! The check is deliberately about shape only: regional principals
//! (`logs.us-east-1.amazonaws.com`), other partitions' domains (`amazonaws.com.cn`,
//! `c2s.ic.gov`, `sc2s.sgov.gov`, ...) and the few principals outside `amazonaws.com`
//! (`alexa-appkit.amazon.com`) are all accepted.
//!
//! ## Why it matters
//! AWS rejects a policy whose service principal is malformed, and a bare `lambda` or `ec2` is an
//! easy slip when the service prefix of actions (`lambda:InvokeFunction`) is fresh in mind.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "lambda"},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Service": "lambda.amazonaws.com"},
//!     "Action": "sts:AssumeRole"
//!   }]
//! }
//! ```

use super::{PRINCIPAL_KINDS, has_variable, has_wildcards};
use crate::policy::PrincipalType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM506",
    name: "invalid-service-principal-format",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(PRINCIPAL_KINDS),
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_SERVICE_PRINCIPAL_FORMAT"],
    summary: "A Service principal is not a service host name like `ec2.amazonaws.com`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            for entry in principal.entries() {
                if entry.kind != Some(PrincipalType::Service) {
                    continue;
                }
                for s in entry.strings() {
                    if !s.terminated || has_wildcards(s.value) || has_variable(s.value) {
                        continue;
                    }
                    let Some((message, fixed)) = problem(cx, s.value) else {
                        continue;
                    };
                    let mut diag = Diag::new(s.span, message).in_statement(st.index);
                    if let Some(fixed) = fixed {
                        diag = diag.with_fix(Fix::replace(
                            format!("Replace with `{fixed}`"),
                            s.content,
                            fixed,
                        ));
                    }
                    out.push(diag);
                }
            }
        }
    }
}

/// True for a host name: labels of letters, digits and `-`, separated by single dots, at least
/// two labels.
fn is_host(v: &str) -> bool {
    let labels: Vec<&str> = v.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn problem(cx: &Context<'_>, v: &str) -> Option<(String, Option<String>)> {
    if is_host(v) {
        return None;
    }
    let trimmed = v.trim();
    if trimmed != v && is_host(trimmed) {
        return Some((
            format!("The service principal `{v}` has spaces around it"),
            Some(trimmed.to_string()),
        ));
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = v.strip_prefix(scheme) {
            let host = rest.trim_end_matches('/');
            let fixed = is_host(host).then(|| host.to_string());
            return Some((
                format!("A service principal is a host name without a scheme: `{host}`, not `{v}`"),
                fixed,
            ));
        }
    }
    if v.starts_with("arn:") {
        return Some((
            format!(
                "`{v}` is an ARN, not a service principal: ARNs of accounts, users and roles go under \"AWS\""
            ),
            None,
        ));
    }
    if !v.is_empty()
        && !v.contains('.')
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        let fixed = cx
            .catalog
            .service(v)
            .map(|_| format!("{}.amazonaws.com", v.to_ascii_lowercase()));
        let message = match &fixed {
            Some(f) => {
                format!("`{v}` is a service name, not a service principal: did you mean `{f}`?")
            }
            None => format!(
                "`{v}` is not a service principal: they are host names such as `ec2.amazonaws.com`"
            ),
        };
        return Some((message, fixed));
    }
    Some((
        format!(
            "`{v}` is not a valid service principal: they are host names such as `ec2.amazonaws.com`"
        ),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::is_host;
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    fn policy(service: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "{service}"}}, "Action": "sts:AssumeRole"}}]}}"#
        )
    }

    #[test]
    fn host_shapes() {
        for ok in [
            "ec2.amazonaws.com",
            "logs.us-east-1.amazonaws.com",
            "elasticmapreduce.amazonaws.com.cn",
            "ec2.c2s.ic.gov",
            "ec2.sc2s.sgov.gov",
            "alexa-appkit.amazon.com",
            "delivery.logs.amazonaws.com",
        ] {
            assert!(is_host(ok), "{ok}");
            let text = policy(ok);
            assert!(
                run_rule(
                    "invalid-service-principal-format",
                    &text,
                    Some(PolicyKind::RoleTrust)
                )
                .is_empty(),
                "{ok}"
            );
        }
        for bad in [
            "ec2",
            "ec2..amazonaws.com",
            ".amazonaws.com",
            "a b.com",
            "ec2.amazonaws.com/",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
    }

    #[test]
    fn flags_and_fixes() {
        for (bad, fixed) in [
            ("lambda", Some("lambda.amazonaws.com")),
            (
                "https://lambda.amazonaws.com/",
                Some("lambda.amazonaws.com"),
            ),
            (" ec2.amazonaws.com", Some("ec2.amazonaws.com")),
            ("arn:aws:iam::123456789012:root", None),
            ("notaservice", None),
            ("ec2_amazonaws_com", None),
        ] {
            let text = policy(bad);
            let found = run_rule(
                "invalid-service-principal-format",
                &text,
                Some(PolicyKind::RoleTrust),
            );
            assert_eq!(found.len(), 1, "{bad}");
            match fixed {
                Some(f) => {
                    let fix = &found[0].fixes[0];
                    assert_eq!(fix.edits[0].text, f);
                    let after = run(&fix.apply(&text), Some(PolicyKind::RoleTrust));
                    assert!(
                        after
                            .iter()
                            .all(|x| x.rule.name != "invalid-service-principal-format"
                                && x.rule.name != "json-syntax")
                    );
                }
                None => assert!(found[0].fixes.is_empty(), "{bad}"),
            }
        }
        // Wildcards belong to unsupported-wildcard-in-principal.
        assert!(
            run_rule(
                "invalid-service-principal-format",
                &policy("*"),
                Some(PolicyKind::RoleTrust)
            )
            .is_empty()
        );
    }

    #[test]
    fn snapshot() {
        let text = r#"{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": ["ec2", "https://ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]},
    "Action": "sts:AssumeRole"
  }]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(
                "invalid-service-principal-format",
                text,
                Some(PolicyKind::RoleTrust)
            )
        ));
    }
}
