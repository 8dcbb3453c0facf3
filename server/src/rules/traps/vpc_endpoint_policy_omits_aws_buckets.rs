//! ## What it does
//! In a VPC endpoint policy, flags an Allow that limits S3 reads (`s3:GetObject`) to specific
//! buckets when no statement lets requests reach the buckets AWS itself serves software from:
//! the Amazon Linux package repositories, ECR's image layer buckets
//! (`prod-REGION-starport-layer-bucket`) and the SSM Agent and patching buckets. A policy that
//! names any of them is taken as having made the choice, and is not flagged.
//!
//! When the project lists what requests through its endpoints must reach, the guess gives way
//! to the list: every listed ARN that no Allow of the policy lets through is flagged by name,
//! with a fix that adds it to the statement's `Resource`.
//!
//! ```toml
//! [vpc_endpoint]
//! required_resources = [
//!   "arn:aws:s3:::prod-eu-central-1-starport-layer-bucket/*",
//!   "arn:aws:s3:::al2023-repos-eu-central-1-de612dc2/*",
//! ]
//! ```
//!
//! ## Why it matters
//! An endpoint policy applies to every request that goes through the endpoint, whoever makes
//! it. With an S3 gateway endpoint in a private subnet, `yum`/`dnf` updates, container image
//! pulls from ECR and SSM Agent downloads all read from AWS-owned buckets through that same
//! endpoint, so a policy that allows only the team's own buckets breaks them, and the failure
//! is a plain AccessDenied (or a package manager timeout) with nothing pointing at the
//! endpoint. The fix depends on what runs behind the endpoint, so the finding is a reminder:
//! allow the AWS buckets your workloads use (for example
//! `arn:aws:s3:::prod-eu-central-1-starport-layer-bucket/*` for ECR).
//!
//! ## Example
//! ```json kind:vpc-endpoint
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OnlyOurBuckets",
//!     "Effect": "Allow",
//!     "Principal": "*",
//!     "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
//!     "Resource": ["arn:aws:s3:::team-data", "arn:aws:s3:::team-data/*"]
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:vpc-endpoint
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Sid": "OnlyOurBuckets",
//!       "Effect": "Allow",
//!       "Principal": "*",
//!       "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
//!       "Resource": ["arn:aws:s3:::team-data", "arn:aws:s3:::team-data/*"]
//!     },
//!     {
//!       "Sid": "EcrImageLayers",
//!       "Effect": "Allow",
//!       "Principal": "*",
//!       "Action": "s3:GetObject",
//!       "Resource": "arn:aws:s3:::prod-eu-central-1-starport-layer-bucket/*"
//!     }
//!   ]
//! }
//! ```

use crate::policy::{Effect, PolicyKind, Statement};
use crate::rules::traps::{add_strings, all_resources, subsumes, wildcard_match};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM910",
    name: "vpc-endpoint-policy-omits-aws-buckets",
    category: Category::Traps,
    severity: Severity::Suggestion,
    kinds: Kinds::Only(&[PolicyKind::VpcEndpoint]),
    since: "0.1.0",
    sources: &[],
    summary: "A VPC endpoint policy limiting S3 to some buckets, without the AWS-owned buckets instances read through it.",
    check,
};

/// Parts of the names of AWS-owned buckets that instances read through an S3 endpoint.
const AWS_BUCKET_MARKERS: &[&str] = &[
    "amazonlinux",
    "al2023-repos-",
    "starport-layer-bucket",
    "aws-ssm-",
    "amazon-ssm-",
    "aws-patch-manager-",
    "aws-windows-downloads-",
    "patch-baseline-snapshot-",
];

/// Sample ARNs of such buckets, for statements that allow them through a pattern.
const AWS_BUCKET_SAMPLES: &[&str] = &[
    "arn:aws:s3:::al2023-repos-eu-central-1-de612dc2/core/mirrors",
    "arn:aws:s3:::prod-eu-central-1-starport-layer-bucket/layer",
    "arn:aws:s3:::aws-ssm-eu-central-1/amazon-ssm-agent",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let required = cx.config.vpc_endpoint_resources();
    if !required.is_empty() {
        check_required(cx, required, out);
        return;
    }
    let mut restricting = None;
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow)
            || !st
                .actions()
                .any(|a| wildcard_match(a.value, "s3:GetObject", true))
        {
            continue;
        }
        if all_resources(st) || st.not_resource.is_some() {
            return;
        }
        let names_aws_bucket = st.resources().any(|r| {
            AWS_BUCKET_MARKERS.iter().any(|m| r.value.contains(m))
                || AWS_BUCKET_SAMPLES
                    .iter()
                    .any(|s| wildcard_match(r.value, s, false))
        });
        if names_aws_bucket {
            return;
        }
        if restricting.is_none()
            && let Some(f) = st.resource.as_ref().filter(|f| f.ok().is_some())
        {
            restricting = Some((st.index, f.key.span));
        }
    }
    let Some((index, span)) = restricting else {
        return;
    };
    out.push(
        Diag::new(
            span,
            "Through this endpoint, S3 reads reach only the buckets listed: AWS-owned buckets \
             that instances behind it also read (Amazon Linux repositories, ECR image layers, \
             SSM Agent files) fail with a plain AccessDenied. Allow the ones your workloads use.",
        )
        .in_statement(index),
    );
}

/// True when the Allow `st` lets requests for `arn` (a pattern) through, as far as its
/// resources say. `NotResource` counts as letting it through (not guessed).
fn lets_through(st: &Statement<'_>, arn: &str) -> bool {
    all_resources(st)
        || st.not_resource.is_some()
        || st.resources().any(|r| subsumes(r.value, arn, false))
}

/// The configured resources that no Allow lets through, each flagged on the first Allow that
/// restricts resources, with a fix adding it there.
fn check_required(cx: &Context<'_>, required: &[String], out: &mut Vec<Diag>) {
    let allows: Vec<&Statement<'_>> = cx
        .policy
        .statements
        .iter()
        .filter(|st| st.effect() == Some(Effect::Allow))
        .collect();
    let Some(restricting) = allows
        .iter()
        .find(|st| !all_resources(st) && st.not_resource.is_none())
    else {
        return;
    };
    let Some(field) = restricting.resource.as_ref() else {
        return;
    };
    for arn in required {
        if allows.iter().any(|st| lets_through(st, arn)) {
            continue;
        }
        let mut diag = Diag::new(
            field.key.span,
            format!(
                "`{arn}` must be reachable through the VPC endpoints (`[vpc_endpoint]` in \
                 iam-ls.toml), but no statement of this policy allows it: those requests fail \
                 with a plain AccessDenied."
            ),
        )
        .in_statement(restricting.index);
        if let Some(list) = field.ok()
            && let Some(edit) =
                add_strings(cx.text, list.span, list.array, std::slice::from_ref(arn))
        {
            diag = diag.with_fix(Fix {
                title: format!("Allow `{arn}` in this statement"),
                edits: vec![edit],
            });
        }
        out.push(diag);
    }
}
