//! ## What it does
//! Flags a policy longer than the size quota of its kind: 6,144 characters for a managed
//! identity policy or permissions boundary, 2,048 for a role trust policy (the default quota)
//! and for an inline session policy, 20,480 for a resource policy (the S3 bucket policy limit,
//! used for every service) or a VPC endpoint policy, 32,768 for a KMS key policy. IAM does not
//! count white space; the VPC endpoint limit does. Service control and resource control
//! policies have their own rule, `org-policy-size`. The finding sits on the policy's first brace.
//!
//! ## Why it matters
//! AWS refuses to save a policy over its quota, usually at deployment time, long after it was
//! written. Split the policy into several, or shorten it: merge statements that share effect,
//! resources and conditions, and use wildcards where they do not widen access.
//!
//! ## Example
//! ```json kind:role-trust
//! {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:example-org/service-000:ref:refs/heads/main", "repo:example-org/service-001:ref:refs/heads/main", "repo:example-org/service-002:ref:refs/heads/main", "repo:example-org/service-003:ref:refs/heads/main", "repo:example-org/service-004:ref:refs/heads/main", "repo:example-org/service-005:ref:refs/heads/main", "repo:example-org/service-006:ref:refs/heads/main", "repo:example-org/service-007:ref:refs/heads/main", "repo:example-org/service-008:ref:refs/heads/main", "repo:example-org/service-009:ref:refs/heads/main", "repo:example-org/service-010:ref:refs/heads/main", "repo:example-org/service-011:ref:refs/heads/main", "repo:example-org/service-012:ref:refs/heads/main", "repo:example-org/service-013:ref:refs/heads/main", "repo:example-org/service-014:ref:refs/heads/main", "repo:example-org/service-015:ref:refs/heads/main", "repo:example-org/service-016:ref:refs/heads/main", "repo:example-org/service-017:ref:refs/heads/main", "repo:example-org/service-018:ref:refs/heads/main", "repo:example-org/service-019:ref:refs/heads/main", "repo:example-org/service-020:ref:refs/heads/main", "repo:example-org/service-021:ref:refs/heads/main", "repo:example-org/service-022:ref:refs/heads/main", "repo:example-org/service-023:ref:refs/heads/main", "repo:example-org/service-024:ref:refs/heads/main", "repo:example-org/service-025:ref:refs/heads/main", "repo:example-org/service-026:ref:refs/heads/main", "repo:example-org/service-027:ref:refs/heads/main", "repo:example-org/service-028:ref:refs/heads/main", "repo:example-org/service-029:ref:refs/heads/main", "repo:example-org/service-030:ref:refs/heads/main", "repo:example-org/service-031:ref:refs/heads/main", "repo:example-org/service-032:ref:refs/heads/main", "repo:example-org/service-033:ref:refs/heads/main"]}}}]}
//! ```
//!
//! ## Fix
//! ```json kind:role-trust
//! {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:example-org/service-0??:ref:refs/heads/main"]}}}]}
//! ```

use crate::policy::{PolicyKind, SizeQuota};
use crate::rules::structure::{opening, thousands};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM040",
    name: "policy-size",
    category: Category::Structure,
    severity: Severity::Warning,
    kinds: Kinds::AllBut(&[PolicyKind::ServiceControl, PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &[
        "Access Analyzer: POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        "Access Analyzer: POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
        "Access Analyzer: POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
    ],
    summary: "The policy is longer than its kind's size quota.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    report_size(cx, out);
}

/// Pushes a finding on the root's first character when the document is over the kind's quota.
pub(crate) fn report_size(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(root) = cx.policy.root else { return };
    let Some(body) = cx.text.get(root.span.start..root.span.end) else {
        return;
    };
    let quota = &cx.kind.facts().size_quota;
    // Cheap exits: the byte count bounds the character count, and (when white space does not
    // count) so does the count of bytes that are not ASCII white space.
    if body.len() <= quota.chars {
        return;
    }
    let (ascii_space, vertical_tabs) = count_spaces(body);
    if !quota.counts_whitespace && body.len() - ascii_space <= quota.chars {
        return;
    }
    let size = size_of(quota, body, ascii_space + vertical_tabs);
    if size <= quota.chars {
        return;
    }
    let counting = if quota.counts_whitespace {
        "white space included"
    } else {
        "not counting white space"
    };
    out.push(Diag::new(
        opening(root.span),
        format!(
            "This {} is {} characters long ({counting}), over the {}-character limit, so AWS will refuse it; split it or shorten it",
            cx.kind.title(),
            thousands(size),
            thousands(quota.chars),
        ),
    ));
}

/// The bytes of `text` that are ASCII white space (`u8::is_ascii_whitespace`), and the vertical
/// tabs, which `char::is_whitespace` also counts as white space. One pass; most bytes are
/// decided by their first comparison.
fn count_spaces(text: &str) -> (usize, usize) {
    let (mut spaces, mut vertical_tabs) = (0, 0);
    for &b in text.as_bytes() {
        if b <= b' ' {
            match b {
                b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' => spaces += 1,
                b'\x0b' => vertical_tabs += 1,
                _ => {}
            }
        }
    }
    (spaces, vertical_tabs)
}

/// `quota.measure(body)`, without decoding characters when the body is ASCII (the usual case,
/// and this runs on every keystroke in a large policy): then characters are bytes. `spaces`
/// counts the bytes `char::is_whitespace` takes for white space ([`count_spaces`]).
fn size_of(quota: &SizeQuota, body: &str, spaces: usize) -> usize {
    if !body.is_ascii() {
        quota.measure(body)
    } else if quota.counts_whitespace {
        body.len()
    } else {
        body.len() - spaces
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "policy-size";

    /// An identity policy with `n` statements of about 100 characters each.
    fn policy(n: usize, indent: &str) -> String {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{indent}{{\"Sid\": \"S{i:04}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket-{i:04}/*\"}}"
                )
            })
            .collect();
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
            statements.join(",\n")
        )
    }

    #[test]
    fn flags_an_identity_policy_over_6144_characters() {
        let text = policy(70, "");
        let f = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &f).lines().next().unwrap_or(""));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].span.start, 0);
    }

    #[test]
    fn the_ascii_count_is_the_quota_count() {
        use super::{count_spaces, size_of};
        let samples = [
            "{\"a\": 1}",
            " \t\n\r\x0b\x0c {} \x0b",
            "{\"Sid\": \"caf\u{e9}\u{2003}x\"}",
            "a\x01\x1c\x1f\x7fb",
            "",
        ];
        // Both ways of counting occur among the kinds.
        let quotas: Vec<_> = PolicyKind::ALL
            .iter()
            .map(|k| k.facts().size_quota)
            .collect();
        assert!(quotas.iter().any(|q| q.counts_whitespace));
        assert!(quotas.iter().any(|q| !q.counts_whitespace));
        for quota in &quotas {
            for body in samples {
                let (spaces, vertical_tabs) = count_spaces(body);
                let ascii_space = body.bytes().filter(|b| b.is_ascii_whitespace()).count();
                assert_eq!(spaces, ascii_space, "{body:?}");
                let size = size_of(quota, body, spaces + vertical_tabs);
                assert_eq!(size, quota.measure(body), "{body:?}");
            }
        }
    }

    #[test]
    fn white_space_does_not_count_for_iam() {
        // Under the limit without white space, far over it with.
        let small = policy(40, &" ".repeat(300));
        assert!(small.len() > 6_144 * 2);
        assert!(run_rule(NAME, &small, Some(PolicyKind::Identity)).is_empty());
        // The VPC endpoint quota counts every character.
        let wide = policy(150, &" ".repeat(50));
        assert!(run_rule(NAME, &wide, Some(PolicyKind::Resource)).is_empty());
        assert_eq!(
            run_rule(NAME, &wide, Some(PolicyKind::VpcEndpoint)).len(),
            1
        );
    }

    #[test]
    fn each_kind_uses_its_own_quota() {
        let text = policy(30, "");
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
        assert_eq!(run_rule(NAME, &text, Some(PolicyKind::RoleTrust)).len(), 1);
        assert_eq!(run_rule(NAME, &text, Some(PolicyKind::Session)).len(), 1);
        assert!(run_rule(NAME, &text, Some(PolicyKind::ServiceControl)).is_empty());
    }
}
