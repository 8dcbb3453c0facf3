//! Policy ARNs in text: finding them near an offset, and what can be done with each.
//!
//! IAM managed policies (`arn:aws:iam::aws:policy/...`, `arn:aws:iam::ACCOUNT:policy/...`) can
//! be fetched with IAM `GetPolicy` + `GetPolicyVersion` by anyone allowed to; Organizations
//! policies (SCPs, RCPs) only from the management account or a delegated administrator, so for
//! those iam-ls shows the command instead of fetching.

use crate::logs::doc::{code, shell_quote};
use crate::logs::{PolicyKind, PolicyRef};
use crate::syntax::Span;
use memchr::memmem;
use std::ops::Range;

/// How far around a range the line it sits on is looked for, each way.
const LINE_REACH: usize = 4096;
/// Longest ARN considered.
const MAX_ARN_LEN: usize = 2048;

/// A policy ARN found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyArn {
    /// Where the ARN is (its text is `arn.arn`).
    pub span: Span,
    pub arn: PolicyRef,
}

impl PolicyArn {
    /// Wraps a classified policy reference (its span may be unknown).
    pub fn from_ref(arn: PolicyRef) -> PolicyArn {
        PolicyArn {
            span: arn.span.unwrap_or_default(),
            arn,
        }
    }

    /// True for IAM managed policies, which `GetPolicy` + `GetPolicyVersion` can read.
    pub fn is_fetchable(&self) -> bool {
        matches!(
            self.arn.kind,
            PolicyKind::AwsManaged { .. } | PolicyKind::CustomerManaged { .. }
        )
    }

    /// The last part of the ARN (the policy name, or the Organizations policy id).
    pub fn name(&self) -> &str {
        self.arn.arn.rsplit('/').next().unwrap_or(&self.arn.arn)
    }
}

/// The bytes an ARN is made of here: letters, digits and `:/_+=,.@-*`.
fn is_arn_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b':' | b'/' | b'_' | b'+' | b'=' | b',' | b'.' | b'@' | b'-' | b'*'
        )
}

/// The lines that `start..end` touches, looking at most [`LINE_REACH`] bytes beyond the range
/// each way (a cursor in a huge single-line file gets a bounded window).
pub fn line_window(text: &str, start: usize, end: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let start = start.min(bytes.len());
    let end = end.min(bytes.len()).max(start);
    let lo_limit = start.saturating_sub(LINE_REACH);
    let lo = memchr::memrchr(b'\n', &bytes[lo_limit..start]).map_or(lo_limit, |i| lo_limit + i + 1);
    let hi_limit = (end + LINE_REACH).min(bytes.len());
    let hi = memchr::memchr(b'\n', &bytes[end..hi_limit]).map_or(hi_limit, |i| end + i);
    lo..hi
}

/// Every policy ARN (IAM managed policies and Organizations policies) that starts inside
/// `window`, in order.
pub fn policy_arns(text: &str, window: Range<usize>) -> Vec<PolicyArn> {
    let bytes = text.as_bytes();
    let lo = window.start.min(bytes.len());
    let hi = window.end.min(bytes.len()).max(lo);
    let mut out = Vec::new();
    let mut pos = lo;
    while pos < hi {
        let Some(found) = memmem::find(&bytes[pos..hi], b"arn:") else {
            break;
        };
        let start = pos + found;
        pos = start + 4;
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut end = start;
        while end < bytes.len() && end - start < MAX_ARN_LEN && is_arn_byte(bytes[end]) {
            end += 1;
        }
        while end > start && matches!(bytes[end - 1], b'.' | b',' | b':') {
            end -= 1;
        }
        pos = pos.max(end);
        let Some(arn_text) = text.get(start..end) else {
            continue;
        };
        let span = Span::new(start, end);
        let arn = PolicyRef::classify(arn_text, Some(span));
        if matches!(
            arn.kind,
            PolicyKind::AwsManaged { .. }
                | PolicyKind::CustomerManaged { .. }
                | PolicyKind::ServiceControlPolicy { .. }
                | PolicyKind::ResourceControlPolicy { .. }
                | PolicyKind::OtherOrganizationsPolicy { .. }
        ) {
            out.push(PolicyArn { span, arn });
        }
    }
    out
}

/// The policy ARN at byte `offset`, if there is one.
pub fn arn_at(text: &str, offset: usize) -> Option<(Span, PolicyArn)> {
    let window = line_window(text, offset, offset);
    policy_arns(text, window)
        .into_iter()
        .find(|a| a.span.touches(offset))
        .map(|a| (a.span, a))
}

/// Hover text for a policy ARN: what it is and how to read it.
pub fn markdown(arn: &PolicyArn) -> String {
    let mut what = arn.arn.describe();
    if let Some(first) = what.get(..1) {
        what = format!(
            "{}{}",
            first.to_ascii_uppercase(),
            what.get(1..).unwrap_or("")
        );
    }
    if !what.ends_with('.') {
        what.push('.');
    }
    let mut out = format!("**{}**\n\n{}", code(&arn.arn.arn), what);
    match &arn.arn.kind {
        PolicyKind::AwsManaged { .. } | PolicyKind::CustomerManaged { .. } => {
            out.push_str(&format!(
                "\n\nThe code action **{}** fetches its default version with IAM `GetPolicy` and \
                 `GetPolicyVersion` (your AWS credentials; needs `iam:GetPolicy` and \
                 `iam:GetPolicyVersion` on it) and opens it for analysis.",
                super::OPEN_POLICY_TITLE
            ));
            if let PolicyKind::CustomerManaged { account_id, .. } = &arn.arn.kind {
                out.push_str(&format!(
                    " A customer managed policy can only be read with credentials of its \
                     account, {}.",
                    code(account_id)
                ));
            }
            out.push_str(&format!(
                "\n\nFrom a terminal:\n\n```sh\naws iam get-policy-version --policy-arn {} \
                 --version-id \"$(aws iam get-policy --policy-arn {} --query \
                 Policy.DefaultVersionId --output text)\"\n```",
                shell_quote(&arn.arn.arn),
                shell_quote(&arn.arn.arn)
            ));
        }
        PolicyKind::ServiceControlPolicy { policy_id, .. }
        | PolicyKind::ResourceControlPolicy { policy_id, .. }
        | PolicyKind::OtherOrganizationsPolicy { policy_id, .. } => {
            let account = arn
                .arn
                .account
                .as_deref()
                .filter(|a| *a != "aws")
                .map(|a| format!(" {}", code(a)))
                .unwrap_or_default();
            out.push_str(&format!(
                "\n\nOnly the organization's management account{account}, or an account it made \
                 a delegated administrator for AWS Organizations, can read this policy, so \
                 iam-ls does not fetch it. There, run:\n\n```sh\naws organizations \
                 describe-policy --policy-id {} --query Policy.Content --output \
                 text\n```",
                shell_quote(policy_id)
            ));
        }
        _ => {}
    }
    out
}
