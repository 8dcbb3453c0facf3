//! ## What it does
//! Flags a key inside `Principal` or `NotPrincipal` that is not one of the four principal types:
//! `AWS`, `Service`, `Federated` and `CanonicalUser`. The keys are case-sensitive; a key that
//! differs only in case or by a typo (`aws`, `service`, `Services`) gets a quick fix.
//!
//! ## Why it matters
//! AWS rejects the policy when a principal key is unknown, and the slip is easy to miss because
//! `"aws"` reads the same as `"AWS"` at a glance.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"aws": "arn:aws:iam::123456789012:root"},
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:queue"
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
//!     "Action": "sqs:SendMessage",
//!     "Resource": "arn:aws:sqs:us-east-1:123456789012:queue"
//!   }]
//! }
//! ```

use super::{PRINCIPAL_KINDS, key_content};
use crate::policy::PrincipalType;
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM502",
    name: "invalid-principal-key",
    category: Category::Principals,
    severity: Severity::Error,
    kinds: Kinds::Only(PRINCIPAL_KINDS),
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_PRINCIPAL_KEY"],
    summary: "A principal key is not AWS, Service, Federated or CanonicalUser.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.principal, &st.not_principal].into_iter().flatten() {
            let Some(principal) = field.ok() else {
                continue;
            };
            for entry in principal.entries() {
                if entry.kind.is_some() {
                    continue;
                }
                let name = entry.key.name;
                let near = nearest(name);
                let message = match near {
                    Some(t) => format!(
                        "`{name}` is not a principal type: did you mean `{}`? The keys are case-sensitive: AWS, Service, Federated or CanonicalUser",
                        t.key()
                    ),
                    None => format!(
                        "`{name}` is not a principal type: use AWS, Service, Federated or CanonicalUser"
                    ),
                };
                let mut diag = Diag::new(entry.key.span, message).in_statement(st.index);
                if let (Some(t), Some(span)) = (near, key_content(cx.text, &entry.key)) {
                    diag = diag.with_fix(Fix::replace(
                        format!("Replace with `{}`", t.key()),
                        span,
                        t.key(),
                    ));
                }
                out.push(diag);
            }
        }
    }
}

/// The principal type whose key is within two edits of `name` (ignoring case and surrounding
/// spaces), when exactly one is.
fn nearest(name: &str) -> Option<PrincipalType> {
    let lower = name.trim().to_ascii_lowercase();
    let mut found = PrincipalType::ALL
        .into_iter()
        .filter(|t| distance(&lower, &t.key().to_ascii_lowercase()) <= 2);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Levenshtein distance over bytes (the keys are ASCII).
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    fn policy(principal: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        )
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest("aws"), Some(PrincipalType::Aws));
        assert_eq!(nearest("service"), Some(PrincipalType::Service));
        assert_eq!(nearest("Services"), Some(PrincipalType::Service));
        assert_eq!(nearest("federated"), Some(PrincipalType::Federated));
        assert_eq!(nearest("canonicalUser"), Some(PrincipalType::CanonicalUser));
        assert_eq!(nearest(" AWS "), Some(PrincipalType::Aws));
        assert_eq!(nearest("User"), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn valid_keys_pass_and_fixes_apply() {
        let ok = policy(
            r#"{"AWS": "*", "Service": "s3.amazonaws.com", "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
        );
        assert!(run_rule("invalid-principal-key", &ok, Some(PolicyKind::Resource)).is_empty());
        for key in ["aws", "service", "Federated ", "canonicaluser"] {
            let text = policy(&format!(r#"{{"{key}": "*"}}"#));
            let found = run_rule("invalid-principal-key", &text, Some(PolicyKind::Resource));
            assert_eq!(found.len(), 1, "{key}");
            let fixed = found[0].fixes[0].apply(&text);
            assert!(
                run(&fixed, Some(PolicyKind::Resource))
                    .iter()
                    .all(|f| f.rule.name != "invalid-principal-key"
                        && f.rule.name != "json-syntax"),
                "{fixed}"
            );
        }
    }

    #[test]
    fn snapshot() {
        let text = r#"{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"aws": "123456789012", "User": "bob"},
    "NotPrincipal": {"Services": "s3.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": "*"
  }]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule("invalid-principal-key", text, Some(PolicyKind::Resource))
        ));
    }
}
