//! ## What it does
//! Checks the form of principal values: a bare `Principal` string other than `"*"`, an `AWS`
//! value that is neither `*`, a 12-digit account id nor the ARN of an account root, IAM user,
//! IAM role, assumed-role session or federated-user session, and a `CanonicalUser` value that is
//! not a 64-digit hexadecimal id. Account ids written with dashes, ARNs missing their empty region
//! field, stray spaces, groups, identity providers and service principals under `AWS` are
//! explained, with a fix where the intent is clear.
//!
//! ## Why it matters
//! AWS rejects the whole policy when one principal is malformed ("Invalid principal in
//! policy"). The mistakes are easy to make and hard to see: `arn:aws:iam:123456789012:root` lacks
//! one colon, a group ARN looks like a user ARN, and `ec2.amazonaws.com` belongs under `Service`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam:123456789012:root"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!     "Action": "s3:GetObject",
//!     "Resource": "arn:aws:s3:::example-bucket/*"
//!   }]
//! }
//! ```

use super::{
    PRINCIPAL_KINDS, has_variable, has_wildcards, is_account_id, is_partition, key_content,
    parse_arn, unique_id,
};
use crate::policy::{Principal, PrincipalType, Statement, Str};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM501",
    name: "invalid-principal-format",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(PRINCIPAL_KINDS),
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_PRINCIPAL_FORMAT"],
    summary: "A principal value is not in a form AWS accepts.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            match principal {
                Principal::Str(s) => check_bare(cx, st, s, out),
                Principal::Map(_) => check_map(cx, st, principal, out),
            }
        }
    }
}

/// `"Principal": "..."`: only `"*"` may stand alone.
fn check_bare(cx: &Context<'_>, st: &Statement<'_>, s: &Str<'_>, out: &mut Vec<Diag>) {
    if s.value == "*" || !s.terminated || has_variable(s.value) {
        return;
    }
    let guess = guess_type(s.value);
    let mut diag = Diag::new(
        s.span,
        format!(
            "A Principal written as a plain string must be \"*\"; `{}` has to sit under a principal type such as {{\"{}\": ...}}",
            s.value,
            guess.unwrap_or(PrincipalType::Aws).key()
        ),
    )
    .in_statement(st.index);
    if let (Some(t), Some(token)) = (guess, cx.text.get(s.span.start..s.span.end)) {
        diag = diag.with_fix(Fix::replace(
            format!("Wrap in {{\"{}\": ...}}", t.key()),
            s.span,
            format!("{{\"{}\": {token}}}", t.key()),
        ));
    }
    out.push(diag);
}

/// Which principal type a bare value most likely belongs to.
fn guess_type(v: &str) -> Option<PrincipalType> {
    if is_account_id(v) || unique_id(v).is_some() {
        return Some(PrincipalType::Aws);
    }
    if let Some(arn) = parse_arn(v) {
        return match (arn.service, arn.resource.split('/').next()) {
            ("iam", Some("saml-provider" | "oidc-provider")) => Some(PrincipalType::Federated),
            ("iam" | "sts", _) => Some(PrincipalType::Aws),
            _ => None,
        };
    }
    looks_like_service(v).then_some(PrincipalType::Service)
}

/// Host names of AWS service principals (`ec2.amazonaws.com`, `…amazonaws.com.cn`, ...).
fn looks_like_service(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    !lower.contains([':', '/', ' '])
        && [
            ".amazonaws.com",
            ".amazonaws.com.cn",
            ".c2s.ic.gov",
            ".sc2s.sgov.gov",
        ]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

fn check_map(cx: &Context<'_>, st: &Statement<'_>, principal: &Principal<'_>, out: &mut Vec<Diag>) {
    for entry in principal.entries() {
        let single = entry.field.ok().is_some_and(|l| l.items.len() == 1);
        for s in entry.strings() {
            if !s.terminated || has_variable(s.value) || s.value == "*" {
                continue;
            }
            match entry.kind {
                Some(PrincipalType::Aws) => {
                    if let Some(problem) = aws_problem(s.value) {
                        let mut diag = Diag::new(s.span, problem.message).in_statement(st.index);
                        if let Some(fixed) = problem.replacement {
                            diag = diag.with_fix(Fix::replace(
                                format!("Replace with `{fixed}`"),
                                s.content,
                                fixed,
                            ));
                        }
                        if problem.is_service
                            && single
                            && let Some(key) = key_content(cx.text, &entry.key)
                        {
                            diag = diag.with_fix(Fix::replace(
                                "Move it under \"Service\"",
                                key,
                                "Service",
                            ));
                        }
                        out.push(diag);
                    }
                }
                Some(PrincipalType::CanonicalUser) if !is_canonical_id(s.value) => {
                    out.push(
                        Diag::new(
                            s.span,
                            format!(
                                "`{}` is not an S3 canonical user id: those are 64 hexadecimal digits",
                                s.value
                            ),
                        )
                        .in_statement(st.index),
                    );
                }
                _ => {}
            }
        }
    }
}

/// 64 hexadecimal digits; wildcards are left to unsupported-wildcard-in-principal.
fn is_canonical_id(v: &str) -> bool {
    has_wildcards(v) || (v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What is wrong with an `AWS` principal value.
struct Problem {
    message: String,
    /// A corrected value, when the intent is clear.
    replacement: Option<String>,
    /// The value is a service principal (offer to move it under `Service`).
    is_service: bool,
}

fn problem(message: String) -> Option<Problem> {
    Some(Problem {
        message,
        replacement: None,
        is_service: false,
    })
}

fn aws_problem(v: &str) -> Option<Problem> {
    if is_account_id(v) || unique_id(v).is_some() || has_wildcards(v) {
        return None;
    }
    let trimmed = v.trim();
    if trimmed != v && !trimmed.is_empty() && aws_problem(trimmed).is_none() {
        return Some(Problem {
            message: format!("`{v}` has spaces around it, so AWS does not read it as a principal"),
            replacement: Some(trimmed.to_string()),
            is_service: false,
        });
    }
    let digits: String = v.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if digits != v && is_account_id(&digits) {
        return Some(Problem {
            message: format!(
                "Account ids are written as 12 digits without separators: `{digits}`, not `{v}`"
            ),
            replacement: Some(digits),
            is_service: false,
        });
    }
    if looks_like_service(v) {
        return Some(Problem {
            message: format!(
                "`{v}` is a service principal: it belongs under \"Service\", not \"AWS\""
            ),
            replacement: None,
            is_service: true,
        });
    }
    let Some(arn) = parse_arn(v) else {
        if v.starts_with("arn:") {
            let fixed = insert_empty_region(v);
            let message = format!(
                "`{v}` is missing ARN fields: a principal ARN reads arn:aws:iam::<account>:<type>/<name>, with an empty region between the two colons"
            );
            return Some(Problem {
                message,
                replacement: fixed,
                is_service: false,
            });
        }
        return problem(format!(
            "`{v}` is not a valid AWS principal: use \"*\", a 12-digit account id, or the ARN of an account, user, role or session"
        ));
    };
    arn_problem(
        v,
        arn.partition,
        arn.service,
        arn.region,
        arn.account,
        arn.resource,
    )
}

/// `arn:aws:iam:123456789012:root` → `arn:aws:iam::123456789012:root`, when that gives a valid
/// principal.
fn insert_empty_region(v: &str) -> Option<String> {
    let fields: Vec<&str> = v.splitn(5, ':').collect();
    if fields.len() != 5 || !matches!(fields[2], "iam" | "sts") {
        return None;
    }
    let fixed = format!(
        "{}:{}:{}::{}:{}",
        fields[0], fields[1], fields[2], fields[3], fields[4]
    );
    aws_problem(&fixed).is_none().then_some(fixed)
}

fn arn_problem(
    v: &str,
    partition: &str,
    service: &str,
    region: &str,
    account: &str,
    resource: &str,
) -> Option<Problem> {
    if !is_partition(partition) {
        return problem(format!(
            "`{partition}` is not an AWS partition (aws, aws-cn, aws-us-gov, ...) in `{v}`"
        ));
    }
    if service != "iam" && service != "sts" {
        return problem(format!(
            "`{v}` is a `{service}` resource ARN, not a principal: principals are accounts, IAM users and roles, and STS sessions"
        ));
    }
    if !region.is_empty() {
        return Some(Problem {
            message: format!(
                "{} ARNs have no region: remove `{region}` from `{v}`",
                service.to_ascii_uppercase()
            ),
            replacement: Some(format!("arn:{partition}:{service}::{account}:{resource}")),
            is_service: false,
        });
    }
    let (kind, name) = resource.split_once('/').unwrap_or((resource, ""));
    let cloudfront_oai =
        account == "cloudfront" && resource.starts_with("user/CloudFront Origin Access Identity ");
    if !is_account_id(account) && !cloudfront_oai {
        return problem(format!(
            "The account `{account}` in `{v}` is not a 12-digit account id"
        ));
    }
    let ok = match (service, kind) {
        ("iam", "root") => name.is_empty() && !resource.contains('/'),
        ("iam", "user" | "role") => name.rsplit('/').next().is_some_and(|n| !n.is_empty()),
        ("sts", "assumed-role") => {
            let mut parts = name.split('/');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(r), Some(s), None) if !r.is_empty() && !s.is_empty()
            )
        }
        ("sts", "federated-user") => !name.is_empty() && !name.contains('/'),
        _ => false,
    };
    if ok {
        return None;
    }
    let message = match (service, kind) {
        ("iam", "group") => format!(
            "`{v}` names an IAM group, and groups cannot be principals: name its users or roles instead"
        ),
        ("iam", "saml-provider" | "oidc-provider") => format!(
            "`{v}` is an identity provider: it goes under \"Federated\" in a role trust policy, not under \"AWS\""
        ),
        ("iam", "assumed-role" | "federated-user") => {
            format!("Session ARNs belong to STS: write `arn:{partition}:sts::{account}:{resource}`")
        }
        ("sts", "role" | "user" | "root") => format!(
            "Users, roles and account roots are IAM ARNs: write `arn:{partition}:iam::{account}:{resource}`"
        ),
        ("sts", "assumed-role") => format!(
            "`{v}` is not a session ARN: it reads arn:{partition}:sts::<account>:assumed-role/<role name>/<session name>"
        ),
        _ => format!(
            "`{v}` is not a principal ARN: use :root, :user/<name>, :role/<name>, or an STS session"
        ),
    };
    let replacement = match (service, kind) {
        ("iam", "assumed-role" | "federated-user") => {
            Some(format!("arn:{partition}:sts::{account}:{resource}"))
        }
        ("sts", "role" | "user" | "root") => {
            Some(format!("arn:{partition}:iam::{account}:{resource}"))
        }
        _ => None,
    }
    .filter(|fixed| aws_problem(fixed).is_none());
    Some(Problem {
        message,
        replacement,
        is_service: false,
    })
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    fn policy(principal: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        )
    }

    fn findings(principal: &str) -> Vec<crate::rules::Finding> {
        run_rule(
            "invalid-principal-format",
            &policy(principal),
            Some(PolicyKind::Resource),
        )
    }

    #[test]
    fn accepts_valid_forms() {
        for p in [
            r#""*""#,
            r#"{"AWS": "*"}"#,
            r#"{"AWS": "123456789012"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:root"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:user/division/Bob"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:role/service-role/my-role"}"#,
            r#"{"AWS": "arn:aws-cn:iam::123456789012:role/x"}"#,
            r#"{"AWS": "arn:aws:sts::123456789012:assumed-role/Admin/alice"}"#,
            r#"{"AWS": "arn:aws:sts::123456789012:federated-user/Bob"}"#,
            r#"{"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE"}"#,
            r#"{"AWS": "AROA1234567890EXAMPLE"}"#,
            r#"{"AWS": ["123456789012", "arn:aws:iam::111122223333:root"]}"#,
            r#"{"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
            r#"{"Service": "ec2.amazonaws.com"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:role/*"}"#,
            r#"{"AWS": "arn:aws:iam::${aws:PrincipalAccount}:root"}"#,
        ] {
            assert!(findings(p).is_empty(), "{p}: {:?}", findings(p));
        }
    }

    #[test]
    fn flags_malformed_values() {
        for p in [
            r#""arn:aws:iam::123456789012:root""#,
            r#""ec2.amazonaws.com""#,
            r#""Bob""#,
            r#"{"AWS": "arn:aws:iam:123456789012:root"}"#,
            r#"{"AWS": "1234-5678-9012"}"#,
            r#"{"AWS": "12345678901"}"#,
            r#"{"AWS": "arn:aws:iam::12345678901:root"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:group/Admins"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:saml-provider/Okta"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:assumed-role/R/s"}"#,
            r#"{"AWS": "arn:aws:sts::123456789012:role/R"}"#,
            r#"{"AWS": "arn:aws:sts::123456789012:assumed-role/R"}"#,
            r#"{"AWS": "arn:aws:iam:us-east-1:123456789012:root"}"#,
            r#"{"AWS": "arn:aws:s3:::bucket"}"#,
            r#"{"AWS": "arn:azure:iam::123456789012:root"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:role/"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:root "}"#,
            r#"{"AWS": "ec2.amazonaws.com"}"#,
            r#"{"AWS": "Bob"}"#,
            r#"{"CanonicalUser": "abc"}"#,
        ] {
            assert_eq!(findings(p).len(), 1, "{p}");
        }
    }

    #[test]
    fn not_checked_in_identity_policies() {
        let text = policy(r#"{"AWS": "Bob"}"#);
        assert!(
            run_rule(
                "invalid-principal-format",
                &text,
                Some(PolicyKind::Identity)
            )
            .is_empty()
        );
    }

    #[test]
    fn fixes_apply_and_clear_the_finding() {
        for p in [
            r#""arn:aws:iam::123456789012:root""#,
            r#""ec2.amazonaws.com""#,
            r#"{"AWS": "arn:aws:iam:123456789012:root"}"#,
            r#"{"AWS": "1234-5678-9012"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:assumed-role/R/s"}"#,
            r#"{"AWS": "arn:aws:sts::123456789012:role/R"}"#,
            r#"{"AWS": "arn:aws:iam:us-east-1:123456789012:root"}"#,
            r#"{"AWS": "arn:aws:iam::123456789012:root "}"#,
            r#"{"AWS": "ec2.amazonaws.com"}"#,
        ] {
            let text = policy(p);
            let found = findings(p);
            let fix = found[0]
                .fixes
                .first()
                .unwrap_or_else(|| panic!("{p}: no fix"));
            let fixed = fix.apply(&text);
            let after = crate::rules::testing::run(&fixed, Some(PolicyKind::Resource));
            assert!(
                after
                    .iter()
                    .all(|f| f.rule.name != "invalid-principal-format"
                        && f.rule.name != "json-syntax"),
                "{p} -> {fixed}"
            );
        }
    }

    #[test]
    fn snapshot() {
        let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "arn:aws:iam::123456789012:root", "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": ["1234-5678-9012", "arn:aws:iam::123456789012:group/Admins", "ec2.amazonaws.com"]}, "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": "ec2.amazonaws.com", "CanonicalUser": "abc"}, "Action": "s3:GetObject", "Resource": "*"}
  ]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule("invalid-principal-format", text, Some(PolicyKind::Resource))
        ));
    }
}
