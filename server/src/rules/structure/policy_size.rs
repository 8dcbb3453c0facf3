//! ## What it does
//! Flags a policy longer than the size quota of its kind, counted the way AWS counts for that
//! quota. The finding sits on the policy's first brace and names the quota.
//!
//! | Kind | Quota | White space | Source |
//! |---|---|---|---|
//! | identity (customer managed policy) | 6,144 | not counted | [IAM and AWS STS quotas] |
//! | permissions boundary (a managed policy) | 6,144 | not counted | [IAM and AWS STS quotas] |
//! | role trust policy | 2,048 (default; can be raised) | not counted (assumed) | [IAM and AWS STS quotas] |
//! | session policy (inline) | 2,048 | not counted (assumed) | [IAM and AWS STS quotas] |
//! | SCP, RCP | 5,120 | see below | [Quotas for AWS Organizations] |
//! | KMS key policy | 32,768 (32 KB) | not counted (assumed) | [KMS key policy format] |
//! | VPC endpoint policy | 20,480 | counted | [AWS PrivateLink quotas] |
//! | S3 bucket policy | 20,480 (20 KB) | not counted (assumed) | [S3 bucket policies] |
//! | SQS queue policy | 8,192 bytes | not counted (assumed) | [SQS policy quotas] |
//! | SNS topic policy | 30,720 (30 KB) | not counted (assumed) | [SNS policy quotas] |
//! | DynamoDB resource policy | 20,480 (20 KB) | counted | [DynamoDB PutResourcePolicy] |
//!
//! IAM says it does not count white space for the managed and inline policy quotas. Where a page
//! does not say, white space is not counted ("assumed"): counting fewer characters can only miss
//! an overrun, never invent one. A resource policy gets the quota of the service its resource
//! ARNs name; when they name several services, or one whose documentation gives no figure (no
//! figure was found for ECR, Secrets Manager or Lambda, among others), the rule stays silent
//! rather than guess.
//!
//! AWS managed policies are not held to the managed policy quota (many are far longer), but a
//! customer managed copy of one is; iam-ls cannot tell them apart from the text, so it measures
//! every identity policy against the quota. A folder of AWS managed policies kept for reference
//! is silenced by path in `iam-ls.toml`: `[[ignore]]` with `rule = "policy-size"` and
//! `path = "aws-managed/*.json"`. The inline policies of a user, group or role share
//! one total per entity (2,048, 5,120 and 10,240 characters) that a single file cannot show.
//!
//! For an SCP or RCP, AWS Organizations' console removes the white space outside strings before
//! counting, while the SDK and the CLI count the text as sent. This rule warns when the policy is
//! over 5,120 characters only as written (the API would refuse it, the console would not);
//! `org-policy-size` (IAM041) reports an error when it is over even compacted.
//!
//! [IAM and AWS STS quotas]: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
//! [Quotas for AWS Organizations]: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
//! [KMS key policy format]: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
//! [AWS PrivateLink quotas]: https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html
//! [S3 bucket policies]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html
//! [SQS policy quotas]: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
//! [SNS policy quotas]: https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html
//! [DynamoDB PutResourcePolicy]: https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/dynamodb/aws.sdk.kotlin.services.dynamodb.model/-put-resource-policy-request/policy.html
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

use crate::policy::kind::MIN_RESOURCE_POLICY_QUOTA;
use crate::policy::{PolicyKind, SizeQuota, compact_size, resource_policy_quota};
use crate::rules::structure::{opening, thousands};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM040",
    name: "policy-size",
    category: Category::Structure,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        "Access Analyzer: POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
        "Access Analyzer: POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
    ],
    summary: "The policy is longer than its kind's size quota (an SCP or RCP: as written).",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(root) = cx.policy.root else { return };
    let Some(body) = cx.text.get(root.span.start..root.span.end) else {
        return;
    };
    let quota = match cx.kind {
        PolicyKind::ServiceControl | PolicyKind::ResourceControl => {
            report_org_as_written(cx, body, root.span, out);
            return;
        }
        // Within every service's quota: no need to read the ARNs.
        PolicyKind::Resource if body.len() <= MIN_RESOURCE_POLICY_QUOTA => return,
        PolicyKind::Resource => match resource_service_quota(cx) {
            Some(quota) => quota,
            None => return,
        },
        kind => kind.facts().size_quota,
    };
    // Cheap exits: the byte count bounds the character count, and (when white space does not
    // count) so does the count of bytes that are not ASCII white space.
    if body.len() <= quota.chars {
        return;
    }
    let (ascii_space, vertical_tabs) = count_spaces(body);
    if !quota.counts_whitespace && body.len() - ascii_space <= quota.chars {
        return;
    }
    let size = size_of(&quota, body, ascii_space + vertical_tabs);
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
            "This {} is {} characters long ({counting}), over the {}-character quota of {}, so AWS will refuse it; split it or shorten it",
            cx.kind.title(),
            thousands(size),
            thousands(quota.chars),
            quota.what,
        ),
    ));
}

/// The quota of a resource policy whose resource ARNs all name one service with a documented
/// quota; `None` when they name several, none, or one without a documented figure.
fn resource_service_quota(cx: &Context<'_>) -> Option<SizeQuota> {
    let mut service: Option<&str> = None;
    for st in &cx.policy.statements {
        for r in st.resources() {
            let Some(rest) = r.value.strip_prefix("arn:") else {
                continue;
            };
            let Some(s) = rest.split(':').nth(1) else {
                continue;
            };
            match service {
                None => service = Some(s),
                Some(seen) if seen == s => {}
                Some(_) => return None,
            }
        }
    }
    resource_policy_quota(service?)
}

/// An SCP or RCP over 5,120 characters as written but not once the white space outside
/// strings is gone: the API and CLI refuse it, the console accepts it. (Over the quota even
/// compacted, `org-policy-size` reports it as an error.)
fn report_org_as_written(
    cx: &Context<'_>,
    body: &str,
    root: crate::syntax::Span,
    out: &mut Vec<Diag>,
) {
    let quota = cx.kind.facts().size_quota;
    if body.len() <= quota.chars {
        return;
    }
    let as_written = if body.is_ascii() {
        body.len()
    } else {
        body.chars().count()
    };
    let compact = compact_size(body);
    if as_written <= quota.chars || compact > quota.chars {
        return;
    }
    out.push(Diag::new(
        opening(root),
        format!(
            "This {} is {} characters long as written, over the {}-character quota of {}: the Organizations API and CLI count it as sent and will refuse it (the console removes the white space outside strings first, leaving {}); remove that white space before deploying it",
            cx.kind.title(),
            thousands(as_written),
            thousands(quota.chars),
            quota.what,
            thousands(compact),
        ),
    ));
}

/// The bytes of `text` that are ASCII white space (`u8::is_ascii_whitespace`), and the vertical
/// tabs, which `char::is_whitespace` also counts as white space. One pass without branches,
/// counting into byte-wide counters a block at a time so that the compiler can compare many
/// bytes per instruction (this runs over the whole policy on every keystroke; the branching
/// loop it replaces was about 5% of a keystroke in a 100 KB policy).
fn count_spaces(text: &str) -> (usize, usize) {
    // At most 255 bytes per block, so a byte-wide counter cannot overflow.
    const BLOCK: usize = 255;
    let (mut spaces, mut vertical_tabs) = (0, 0);
    for block in text.as_bytes().chunks(BLOCK) {
        let (mut s, mut v) = (0u8, 0u8);
        for &b in block {
            s += u8::from(matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'));
            v += u8::from(b == b'\x0b');
        }
        spaces += usize::from(s);
        vertical_tabs += usize::from(v);
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
        // Longer than the counting blocks, white space on both sides of their edges, and a
        // block made only of white space (the byte-wide counters' largest value).
        let long = [
            " \t\n\r\x0b\x0c {\"k\": \"v\"}\x0b".repeat(40),
            " ".repeat(255 * 3 + 7),
            format!("{}\x0b{}", "\n".repeat(254), "x ".repeat(300)),
        ];
        let samples = samples
            .iter()
            .copied()
            .chain(long.iter().map(String::as_str));
        // Both ways of counting occur among the kinds.
        let quotas: Vec<_> = PolicyKind::ALL
            .iter()
            .map(|k| k.facts().size_quota)
            .collect();
        assert!(quotas.iter().any(|q| q.counts_whitespace));
        assert!(quotas.iter().any(|q| !q.counts_whitespace));
        for quota in &quotas {
            for body in samples.clone() {
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

    /// A resource policy on `arn` with `n` statements.
    fn resource_policy(n: usize, arn: &str) -> String {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{{\"Sid\": \"S{i:04}\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::111122223333:role/reader-{i:04}\"}}, \"Action\": \"*\", \"Resource\": \"{arn}\"}}"
                )
            })
            .collect();
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
            statements.join(",")
        )
    }

    #[test]
    fn a_resource_policy_gets_its_services_quota() {
        // About 13,000 characters: over SQS's 8,192, under S3's 20,480 and SNS's 30,720.
        let sqs = resource_policy(90, "arn:aws:sqs:eu-west-1:111122223333:queue");
        let f = run_rule(NAME, &sqs, Some(PolicyKind::Resource));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("SQS queue policy"),
            "{}",
            f[0].message
        );
        let s3 = resource_policy(90, "arn:aws:s3:::bucket/*");
        assert!(run_rule(NAME, &s3, Some(PolicyKind::Resource)).is_empty());
        let sns = resource_policy(90, "arn:aws:sns:eu-west-1:111122223333:topic");
        assert!(run_rule(NAME, &sns, Some(PolicyKind::Resource)).is_empty());
        // A service without a documented figure, or several services: no guess.
        let ecr = resource_policy(400, "arn:aws:ecr:eu-west-1:111122223333:repository/r");
        assert!(run_rule(NAME, &ecr, Some(PolicyKind::Resource)).is_empty());
        let mixed = format!(
            "{}{}",
            &sqs[..sqs.len() - 2],
            ",{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"arn:aws:s3:::b\"}]}"
        );
        assert!(run_rule(NAME, &mixed, Some(PolicyKind::Resource)).is_empty());
    }

    #[test]
    fn the_message_names_the_quota_and_the_counting() {
        let text = policy(70, "");
        let f = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert!(
            f[0].message.contains("customer managed policy"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("not counting white space"),
            "{}",
            f[0].message
        );
    }
}
