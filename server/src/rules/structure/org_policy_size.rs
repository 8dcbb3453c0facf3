//! ## What it does
//! Flags a service control policy or resource control policy longer than 5,120 characters even
//! once the white space outside strings is removed: AWS Organizations refuses it however it is
//! saved. The finding sits on the policy's first brace.
//!
//! Organizations' quota page
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>)
//! gives 5,120 characters for both SCPs and RCPs and says how they are counted: the console
//! removes the white space between JSON elements and outside quotation marks before it counts,
//! while the SDK and the CLI save and count the policy exactly as sent. A policy over the quota
//! only as written (indented JSON that fits once compacted) is therefore not an error here:
//! `policy-size` (IAM040) warns about it, since deploying it through the API as written fails.
//! Older versions of the page gave the SCP quota as 5,120 bytes; the current one says
//! characters, which is what is counted here (the two differ only for non-ASCII text).
//!
//! ## Why it matters
//! Organizations refuses to save an SCP or RCP over the limit, so the guardrail is never
//! deployed. When even the compacted text is too long, minifying does not help: merge
//! statements, use wildcards where they do not widen what is denied, or split the policy (an
//! account or OU can have several attached).
//!
//! ## Example
//! ```json kind:scp
//! {"Version": "2012-10-17", "Statement": [{"Sid": "DenyOutsideApprovedRegions", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}, "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/platform/team-000-deployment-automation", "arn:aws:iam::*:role/platform/team-001-deployment-automation", "arn:aws:iam::*:role/platform/team-002-deployment-automation", "arn:aws:iam::*:role/platform/team-003-deployment-automation", "arn:aws:iam::*:role/platform/team-004-deployment-automation", "arn:aws:iam::*:role/platform/team-005-deployment-automation", "arn:aws:iam::*:role/platform/team-006-deployment-automation", "arn:aws:iam::*:role/platform/team-007-deployment-automation", "arn:aws:iam::*:role/platform/team-008-deployment-automation", "arn:aws:iam::*:role/platform/team-009-deployment-automation", "arn:aws:iam::*:role/platform/team-010-deployment-automation", "arn:aws:iam::*:role/platform/team-011-deployment-automation", "arn:aws:iam::*:role/platform/team-012-deployment-automation", "arn:aws:iam::*:role/platform/team-013-deployment-automation", "arn:aws:iam::*:role/platform/team-014-deployment-automation", "arn:aws:iam::*:role/platform/team-015-deployment-automation", "arn:aws:iam::*:role/platform/team-016-deployment-automation", "arn:aws:iam::*:role/platform/team-017-deployment-automation", "arn:aws:iam::*:role/platform/team-018-deployment-automation", "arn:aws:iam::*:role/platform/team-019-deployment-automation", "arn:aws:iam::*:role/platform/team-020-deployment-automation", "arn:aws:iam::*:role/platform/team-021-deployment-automation", "arn:aws:iam::*:role/platform/team-022-deployment-automation", "arn:aws:iam::*:role/platform/team-023-deployment-automation", "arn:aws:iam::*:role/platform/team-024-deployment-automation", "arn:aws:iam::*:role/platform/team-025-deployment-automation", "arn:aws:iam::*:role/platform/team-026-deployment-automation", "arn:aws:iam::*:role/platform/team-027-deployment-automation", "arn:aws:iam::*:role/platform/team-028-deployment-automation", "arn:aws:iam::*:role/platform/team-029-deployment-automation", "arn:aws:iam::*:role/platform/team-030-deployment-automation", "arn:aws:iam::*:role/platform/team-031-deployment-automation", "arn:aws:iam::*:role/platform/team-032-deployment-automation", "arn:aws:iam::*:role/platform/team-033-deployment-automation", "arn:aws:iam::*:role/platform/team-034-deployment-automation", "arn:aws:iam::*:role/platform/team-035-deployment-automation", "arn:aws:iam::*:role/platform/team-036-deployment-automation", "arn:aws:iam::*:role/platform/team-037-deployment-automation", "arn:aws:iam::*:role/platform/team-038-deployment-automation", "arn:aws:iam::*:role/platform/team-039-deployment-automation", "arn:aws:iam::*:role/platform/team-040-deployment-automation", "arn:aws:iam::*:role/platform/team-041-deployment-automation", "arn:aws:iam::*:role/platform/team-042-deployment-automation", "arn:aws:iam::*:role/platform/team-043-deployment-automation", "arn:aws:iam::*:role/platform/team-044-deployment-automation", "arn:aws:iam::*:role/platform/team-045-deployment-automation", "arn:aws:iam::*:role/platform/team-046-deployment-automation", "arn:aws:iam::*:role/platform/team-047-deployment-automation", "arn:aws:iam::*:role/platform/team-048-deployment-automation", "arn:aws:iam::*:role/platform/team-049-deployment-automation", "arn:aws:iam::*:role/platform/team-050-deployment-automation", "arn:aws:iam::*:role/platform/team-051-deployment-automation", "arn:aws:iam::*:role/platform/team-052-deployment-automation", "arn:aws:iam::*:role/platform/team-053-deployment-automation", "arn:aws:iam::*:role/platform/team-054-deployment-automation", "arn:aws:iam::*:role/platform/team-055-deployment-automation", "arn:aws:iam::*:role/platform/team-056-deployment-automation", "arn:aws:iam::*:role/platform/team-057-deployment-automation", "arn:aws:iam::*:role/platform/team-058-deployment-automation", "arn:aws:iam::*:role/platform/team-059-deployment-automation", "arn:aws:iam::*:role/platform/team-060-deployment-automation", "arn:aws:iam::*:role/platform/team-061-deployment-automation", "arn:aws:iam::*:role/platform/team-062-deployment-automation", "arn:aws:iam::*:role/platform/team-063-deployment-automation", "arn:aws:iam::*:role/platform/team-064-deployment-automation", "arn:aws:iam::*:role/platform/team-065-deployment-automation", "arn:aws:iam::*:role/platform/team-066-deployment-automation", "arn:aws:iam::*:role/platform/team-067-deployment-automation", "arn:aws:iam::*:role/platform/team-068-deployment-automation", "arn:aws:iam::*:role/platform/team-069-deployment-automation", "arn:aws:iam::*:role/platform/team-070-deployment-automation", "arn:aws:iam::*:role/platform/team-071-deployment-automation", "arn:aws:iam::*:role/platform/team-072-deployment-automation", "arn:aws:iam::*:role/platform/team-073-deployment-automation", "arn:aws:iam::*:role/platform/team-074-deployment-automation", "arn:aws:iam::*:role/platform/team-075-deployment-automation", "arn:aws:iam::*:role/platform/team-076-deployment-automation", "arn:aws:iam::*:role/platform/team-077-deployment-automation", "arn:aws:iam::*:role/platform/team-078-deployment-automation", "arn:aws:iam::*:role/platform/team-079-deployment-automation", "arn:aws:iam::*:role/platform/team-080-deployment-automation", "arn:aws:iam::*:role/platform/team-081-deployment-automation", "arn:aws:iam::*:role/platform/team-082-deployment-automation", "arn:aws:iam::*:role/platform/team-083-deployment-automation", "arn:aws:iam::*:role/platform/team-084-deployment-automation", "arn:aws:iam::*:role/platform/team-085-deployment-automation", "arn:aws:iam::*:role/platform/team-086-deployment-automation", "arn:aws:iam::*:role/platform/team-087-deployment-automation", "arn:aws:iam::*:role/platform/team-088-deployment-automation", "arn:aws:iam::*:role/platform/team-089-deployment-automation", "arn:aws:iam::*:role/platform/team-090-deployment-automation", "arn:aws:iam::*:role/platform/team-091-deployment-automation", "arn:aws:iam::*:role/platform/team-092-deployment-automation", "arn:aws:iam::*:role/platform/team-093-deployment-automation", "arn:aws:iam::*:role/platform/team-094-deployment-automation", "arn:aws:iam::*:role/platform/team-095-deployment-automation", "arn:aws:iam::*:role/platform/team-096-deployment-automation", "arn:aws:iam::*:role/platform/team-097-deployment-automation", "arn:aws:iam::*:role/platform/team-098-deployment-automation", "arn:aws:iam::*:role/platform/team-099-deployment-automation"]}}}]}
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {"Version":"2012-10-17","Statement":[{"Sid":"DenyLeavingTheOrganization","Effect":"Deny","Action":["organizations:LeaveOrganization","account:CloseAccount"],"Resource":"*"},{"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]}}}]}
//! ```

use crate::policy::{PolicyKind, compact_size};
use crate::rules::structure::{opening, thousands};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM041",
    name: "org-policy-size",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ServiceControl, PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &[
        "Access Analyzer: POLICY_SIZE_EXCEEDS_SCP_QUOTA",
        "Access Analyzer: POLICY_SIZE_EXCEEDS_RCP_QUOTA",
    ],
    summary: "An SCP or RCP is longer than 5,120 characters even without the white space outside strings.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let Some(root) = cx.policy.root else { return };
    let Some(body) = cx.text.get(root.span.start..root.span.end) else {
        return;
    };
    let quota = cx.kind.facts().size_quota;
    // The byte count bounds the character count.
    if body.len() <= quota.chars {
        return;
    }
    let compact = compact_size(body);
    if compact <= quota.chars {
        return;
    }
    out.push(Diag::new(
        opening(root.span),
        format!(
            "This {} is {} characters long even without the white space outside strings, over the {}-character quota of {}, so AWS Organizations will refuse it however it is saved; split it or shorten it",
            cx.kind.title(),
            thousands(compact),
            thousands(quota.chars),
            quota.what,
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "org-policy-size";

    fn scp(n: usize, indent: &str) -> String {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{indent}{{\"Sid\": \"D{i:03}\", \"Effect\": \"Deny\", \"Action\": \"ec2:RunInstances\", \"Resource\": \"arn:aws:ec2:*:*:instance/{i:03}\"}}"
                )
            })
            .collect();
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
            statements.join(",\n")
        )
    }

    #[test]
    fn over_the_quota_even_compacted() {
        let long = scp(60, "");
        assert!(iam_ls_compact(&long) > 5_120);
        let f = run_rule(NAME, &long, Some(PolicyKind::ServiceControl));
        insta::assert_snapshot!(render(&long, &f).lines().next().unwrap_or(""));
        assert_eq!(f.len(), 1);
        assert_eq!(
            run_rule(NAME, &long, Some(PolicyKind::ResourceControl)).len(),
            1
        );
        assert!(run_rule(NAME, &long, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn white_space_outside_strings_is_not_an_error() {
        // 40 statements: about 4,400 characters compacted, far more indented.
        let compact = scp(40, "");
        assert!(compact.len() < 5_120);
        assert!(run_rule(NAME, &compact, Some(PolicyKind::ServiceControl)).is_empty());
        let indented = scp(40, &" ".repeat(40));
        assert!(indented.len() > 5_120);
        assert!(run_rule(NAME, &indented, Some(PolicyKind::ServiceControl)).is_empty());
        // ... but the API would refuse it as written: policy-size warns.
        let warned = run_rule("policy-size", &indented, Some(PolicyKind::ServiceControl));
        assert_eq!(warned.len(), 1);
        assert!(
            warned[0].message.contains("as written"),
            "{}",
            warned[0].message
        );
        assert!(run_rule("policy-size", &compact, Some(PolicyKind::ServiceControl)).is_empty());
        // Over the quota compacted: the error only, not the warning too.
        let long = scp(60, "  ");
        assert!(run_rule("policy-size", &long, Some(PolicyKind::ResourceControl)).is_empty());
        assert_eq!(
            run_rule(NAME, &long, Some(PolicyKind::ResourceControl)).len(),
            1
        );
    }

    #[test]
    fn white_space_inside_strings_counts() {
        // A Sid padded with spaces: the console keeps them, so they count.
        let padded = format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"{}\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}",
            " ".repeat(5_100)
        );
        assert_eq!(
            run_rule(NAME, &padded, Some(PolicyKind::ServiceControl)).len(),
            1
        );
    }

    fn iam_ls_compact(text: &str) -> usize {
        crate::policy::compact_size(text)
    }
}
