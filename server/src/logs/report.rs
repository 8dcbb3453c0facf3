//! One plain record per AccessDenied message: the fields a person reads in it, its place in the
//! text, and its explanation. `iam-ls explain` (text, markdown and JSON) and the log hover are all
//! rendered from a [`DenialReport`], so they cannot disagree; a later section (for example what a
//! repository's own policies say about the request) is added here once and shows everywhere.

use super::denial::{Denial, DenyKind, PolicyType};
use super::explain::{Explanation, explain_denial};
use crate::syntax::Span;

/// Which policy denied the request, as far as the message says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeniedBy {
    /// `scp`, `rcp`, `identity`, `resource`, `boundary`, `session` or `vpc-endpoint`.
    pub policy_type: Option<&'static str>,
    /// `Some(true)` for an explicit Deny, `Some(false)` when nothing allowed, `None` when unsaid.
    pub explicit: Option<bool>,
    /// The denying policy's ARN, when the message names it.
    pub policy_arn: Option<String>,
}

/// The fields of one message (each `None` when the message does not state it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenialReport {
    /// The message's bytes in the text.
    pub span: Span,
    /// 1-based line of the message's first byte; `None` where counting it would cost a pass over
    /// the text before the message (the hover of a 100 MB log does not count).
    pub line: Option<usize>,
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub error_code: Option<String>,
    pub operation: Option<String>,
    pub denied_by: DeniedBy,
    /// The encoded authorization message inside this one (joined when the log wrapped it).
    pub encoded_message: Option<String>,
    /// The explanation shown under the fields.
    pub explanation: Explanation,
    /// What the workspace's policies say about this denial (filled by `iam-ls explain` when the
    /// folder has an `iam-ls.toml`; one sentence per deciding statement).
    pub from_repository: Vec<String>,
}

impl DenialReport {
    /// The report of `d`, found in `text` at 1-based `line` (when counted).
    pub fn new(text: &str, d: &Denial, line: Option<usize>) -> DenialReport {
        DenialReport {
            span: d.span,
            line,
            principal: d.principal.as_ref().map(|p| p.text.clone()),
            action: d.action.as_ref().map(|a| a.text.clone()),
            resource: d.resource.as_ref().map(|r| r.text.clone()),
            error_code: d.error_code.clone(),
            operation: d.operation.clone(),
            denied_by: DeniedBy {
                policy_type: d.source.policy_type.map(PolicyType::code),
                explicit: match d.source.kind {
                    DenyKind::Explicit => Some(true),
                    DenyKind::Implicit => Some(false),
                    DenyKind::Unknown => None,
                },
                policy_arn: d.policy.as_ref().map(|p| p.arn.clone()),
            },
            encoded_message: d.encoded.as_ref().map(|b| b.joined_text(text)),
            explanation: explain_denial(d),
            from_repository: Vec::new(),
        }
    }

    /// The report of `d`, counting its line in `text` (a pass over the text before it).
    pub fn locate(text: &str, d: &Denial) -> DenialReport {
        DenialReport::new(text, d, Some(line_of(text, d.span.start)))
    }

    /// Markdown for a hover.
    pub fn to_markdown(&self) -> String {
        self.explanation.to_markdown()
    }

    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        self.explanation.to_text()
    }

    /// The JSON object `iam-ls explain --format json` prints for this message.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "span": { "start": self.span.start, "end": self.span.end },
            "line": self.line,
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "error_code": self.error_code,
            "operation": self.operation,
            "denied_by": {
                "policy_type": self.denied_by.policy_type,
                "explicit": self.denied_by.explicit,
                "policy_arn": self.denied_by.policy_arn,
            },
            "encoded_message": self.encoded_message,
            "from_repository": self.from_repository,
        })
    }
}

/// 1-based line of byte `offset` (counts newlines with `memchr`, so it stays fast on big logs).
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
}
