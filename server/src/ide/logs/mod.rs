//! Hover, outline, code actions and notes for log text, encoded authorization messages and
//! decoded authorization messages.
//!
//! Everything here works on bounded neighbourhoods of an offset (the `logs` scanners look at a
//! few KiB around it), so a 100 MB log costs no more per request than a short one; outlines and
//! notes stop at fixed caps.
//!
//! - [`hover`] / [`hover_with`]: on an encoded message ([`blob_hover`]), on an AccessDenied
//!   message (its explanation), on a policy ARN ([`arns`]), or on a field of a decoded message
//!   document ([`decoded`]).
//!   With [`hover_in`], the AccessDenied hover also names the workspace statements that deny
//!   the request ([`why`], the same answer as `iam-ls explain`).
//! - [`symbols`]: the denials and encoded messages of a log, or the parts of a decoded message.
//! - [`actions`]: what can be done with the text at a range ([`LogAction`]): decode an encoded
//!   message, open a managed policy. The LSP layer turns them into commands.
//! - [`blob_notes`]: the low-key notes that mark encoded messages in any document.
//!
//! Decoding needs the session's results, which live above this layer: callers pass a
//! [`DecodedLookup`] that returns the summary of an already decoded message.

pub mod arns;
pub mod decoded;
pub mod why;

#[cfg(test)]
mod tests;

use super::{Hover, Symbol, SymbolKind};
use crate::document::{DocumentKind, Snapshot};
use crate::eval::why::WorkspacePolicy;
use crate::logs::{
    BlobCheck, Denial, DenialReport, EncodedBlob, MAX_BLOB_LEN, MIN_BARE_BLOB_LEN, Summary,
    blob_at, blobs, denial_at, denials, scan_blobs, validate_blob,
};
use crate::syntax::Span;

pub use arns::{PolicyArn, arn_at, policy_arns};

/// Most denials listed in a log's outline.
pub const MAX_DENIAL_SYMBOLS: usize = 1000;
/// Most encoded messages listed in a log's outline.
pub const MAX_BLOB_SYMBOLS: usize = 1000;
/// Most encoded messages marked with a note per document.
pub const MAX_BLOB_NOTES: usize = 100;
/// Most actions of one kind offered for one range.
pub const MAX_ACTIONS: usize = 5;

/// The title of the code action that decodes an encoded message.
pub const DECODE_TITLE: &str = "Decode authorization message (AWS STS)";
/// The title of the code action that fetches and opens a managed policy.
pub const OPEN_POLICY_TITLE: &str = "Open policy (AWS IAM)";

/// Returns the summary of an encoded message decoded earlier in this session, if any.
pub type DecodedLookup<'a> = &'a dyn Fn(&str) -> Option<Summary>;

fn nothing_decoded(_: &str) -> Option<Summary> {
    None
}

/// Hover on a log line or a decoded message at byte `offset`, without decoded results.
pub fn hover(snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    hover_with(snapshot, offset, &nothing_decoded)
}

/// Hover on a log line or a decoded message at byte `offset`; `decoded` supplies the summaries
/// of messages decoded in this session.
pub fn hover_with(snapshot: &Snapshot, offset: usize, decoded: DecodedLookup) -> Option<Hover> {
    hover_in(snapshot, offset, decoded, &[])
}

/// [`hover_with`] that also answers from the `workspace` policies: the hover on an
/// AccessDenied message gets a "From your repository" section ([`why::add_to_report`]).
pub fn hover_in(
    snapshot: &Snapshot,
    offset: usize,
    decoded: DecodedLookup,
    workspace: &[WorkspacePolicy],
) -> Option<Hover> {
    match snapshot.kind() {
        DocumentKind::DecodedMessage => decoded::hover(snapshot, offset),
        DocumentKind::Text | DocumentKind::Policy => {
            text_hover_in(snapshot.text(), offset, decoded, workspace)
        }
    }
}

/// Hover for plain text: an encoded message, else an AccessDenied message, else a policy ARN.
pub fn text_hover(text: &str, offset: usize, decoded: DecodedLookup) -> Option<Hover> {
    text_hover_in(text, offset, decoded, &[])
}

fn text_hover_in(
    text: &str,
    offset: usize,
    decoded: DecodedLookup,
    workspace: &[WorkspacePolicy],
) -> Option<Hover> {
    if let Some(h) = blob_hover(text, offset, decoded) {
        return Some(h);
    }
    if let Some(d) = denial_at(text, offset) {
        return Some(denial_hover(text, &d, offset, decoded, workspace));
    }
    let (span, arn) = arn_at(text, offset)?;
    Some(Hover {
        markdown: arns::markdown(&arn),
        span,
    })
}

/// Hover on an encoded message at `offset` (with or without the marker words before it), in any
/// kind of document: what it is, how to decode it, or its summary when it was decoded already.
pub fn blob_hover(text: &str, offset: usize, decoded: DecodedLookup) -> Option<Hover> {
    let blob = blob_at(text, offset)?;
    let token = blob.text(text);
    let markdown = match decoded(&token) {
        Some(summary) => format!(
            "{}\n\n---\n\n*Decoded with AWS STS earlier in this session; the message was not sent \
             again.*",
            summary.to_markdown()
        ),
        None => undecoded_markdown(&blob),
    };
    Some(Hover {
        markdown,
        span: blob.span,
    })
}

fn undecoded_markdown(blob: &EncodedBlob) -> String {
    let len = blob.span.len();
    let mut out = format!(
        "**Encoded authorization failure message** ({} characters)\n\nAWS put the reason for \
         this denial in an encoded form. The code action **{DECODE_TITLE}** sends it to AWS STS \
         `DecodeAuthorizationMessage` with your AWS credentials (profile, region and endpoint \
         from the iam-ls settings or the usual AWS environment) and opens the decoded JSON. \
         Decoding needs `sts:DecodeAuthorizationMessage` and credentials of the account where \
         the request was denied.",
        thousands(len)
    );
    if let Some(warning) = check_warning(blob.check, len) {
        out.push_str("\n\n");
        out.push_str(&warning);
    }
    out.push_str(
        "\n\nFrom a terminal:\n\n```sh\naws sts decode-authorization-message --encoded-message \
         \"$MESSAGE\" --query DecodedMessage --output text\n```",
    );
    out
}

/// What is wrong with a blob that will not decode, in one or two sentences.
fn check_warning(check: BlobCheck, len: usize) -> Option<String> {
    match check {
        BlobCheck::Ok => None,
        BlobCheck::Ellipsis => Some(
            "It is followed by `...`, so it was shortened: STS will reject it. Copy the complete \
             message from the original output."
                .to_string(),
        ),
        BlobCheck::Short => Some(format!(
            "At {len} characters it is shorter than any real encoded message (several hundred \
             characters at least): it is probably cut off or an example."
        )),
        BlobCheck::TooLong => Some(format!(
            "It is longer than the {} characters STS accepts: two messages may have run together.",
            thousands(MAX_BLOB_LEN)
        )),
    }
}

/// The report the hover shows for the AccessDenied message at `offset`, if there is one. Its
/// line is not counted: that would cost a pass over the text before it, in a log of any size.
pub fn denial_report_at(text: &str, offset: usize) -> Option<DenialReport> {
    denial_at(text, offset).map(|d| DenialReport::new(text, &d, None))
}

fn denial_hover(
    text: &str,
    d: &Denial,
    offset: usize,
    decoded: DecodedLookup,
    workspace: &[WorkspacePolicy],
) -> Hover {
    let mut markdown = String::new();
    if let Some(policy) = &d.policy
        && policy.span.is_some_and(|s| s.touches(offset))
    {
        let arn = PolicyArn::from_ref(policy.clone());
        markdown.push_str(&arns::markdown(&arn));
        markdown.push_str("\n\n---\n\n");
    }
    let mut report = DenialReport::new(text, d, None);
    why::add_to_report(&mut report, d, workspace);
    markdown.push_str(&report.to_markdown());
    if let Some(blob) = &d.encoded
        && let Some(summary) = decoded(&blob.text(text))
    {
        markdown.push_str("\n\n#### Decoded authorization message\n\n");
        markdown.push_str(&summary.to_markdown());
    }
    Hover {
        markdown,
        span: d.span,
    }
}

/// `1234` → `1,234`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The outline: for a log, its denials (capped at [`MAX_DENIAL_SYMBOLS`]) with their encoded
/// messages as children, and the other encoded messages (capped at [`MAX_BLOB_SYMBOLS`]); for a
/// decoded message, its parts.
pub fn symbols(snapshot: &Snapshot) -> Vec<Symbol> {
    match snapshot.kind() {
        DocumentKind::DecodedMessage => decoded::symbols(snapshot),
        _ => log_symbols(snapshot.text()),
    }
}

/// The denials and encoded messages of `text`, in text order.
pub fn log_symbols(text: &str) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = Vec::new();
    let mut nested: Vec<Span> = Vec::new();
    for d in denials(text).take(MAX_DENIAL_SYMBOLS) {
        let mut children = Vec::new();
        if let Some(blob) = &d.encoded {
            nested.push(blob.span);
            children.push(blob_symbol(blob));
        }
        let selection = d
            .action
            .as_ref()
            .and_then(|a| a.span)
            .filter(|s| s.start >= d.span.start && s.end <= d.span.end)
            .unwrap_or(d.span);
        out.push(Symbol {
            name: d.label(),
            detail: denial_detail(&d),
            kind: SymbolKind::Denial,
            span: d.span,
            selection,
            children,
        });
    }
    for blob in blobs(text).take(MAX_BLOB_SYMBOLS) {
        if nested.contains(&blob.span) {
            continue;
        }
        out.push(blob_symbol(&blob));
    }
    out.sort_by_key(|s| (s.span.start, s.span.end));
    out
}

fn denial_detail(d: &Denial) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(p) = &d.principal {
        parts.push(p.text.clone());
    }
    if let Some(t) = d.source.policy_type {
        parts.push(t.label().to_string());
    } else if let Some(other) = &d.source.other_type {
        parts.push(other.clone());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn blob_symbol(blob: &EncodedBlob) -> Symbol {
    let mut detail = format!("{} characters", thousands(blob.span.len()));
    match blob.check {
        BlobCheck::Ok => {}
        BlobCheck::Ellipsis => detail.push_str(", shortened"),
        BlobCheck::Short => detail.push_str(", too short"),
        BlobCheck::TooLong => detail.push_str(", too long"),
    }
    Symbol {
        name: "Encoded authorization message".to_string(),
        detail: Some(detail),
        kind: SymbolKind::EncodedMessage,
        span: Span::new(
            blob.marker.map_or(blob.span.start, |m| m.start),
            blob.span.end,
        ),
        selection: blob.span,
        children: Vec::new(),
    }
}

/// Something the person can ask for at a range; the LSP layer offers each as a code action that
/// runs a server command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogAction {
    /// Decode this encoded message with STS `DecodeAuthorizationMessage`.
    DecodeBlob {
        /// The encoded message (no quotes or spacing).
        blob: String,
        /// Where it is.
        span: Span,
    },
    /// Fetch the default version of this IAM managed policy and open it.
    OpenPolicy {
        /// The policy ARN.
        arn: String,
        /// Where it is.
        span: Span,
        /// The policy's name (the last part of the ARN).
        name: String,
    },
}

impl LogAction {
    /// The span the action is about.
    pub fn span(&self) -> Span {
        match self {
            LogAction::DecodeBlob { span, .. } | LogAction::OpenPolicy { span, .. } => *span,
        }
    }
}

/// The actions for the range `range` of `text` (any kind of document): decode every encoded
/// message the range touches, or the bare encoded message the range selects; open every IAM
/// managed policy named on the lines the range touches. At most [`MAX_ACTIONS`] of each kind.
pub fn actions(text: &str, range: Span) -> Vec<LogAction> {
    let len = text.len();
    let start = range.start.min(len);
    let end = range.end.min(len).max(start);
    let mut out: Vec<LogAction> = Vec::new();
    let push_blob = |out: &mut Vec<LogAction>, span: Span| {
        let already = out
            .iter()
            .any(|a| matches!(a, LogAction::DecodeBlob { span: s, .. } if *s == span));
        let count = out
            .iter()
            .filter(|a| matches!(a, LogAction::DecodeBlob { .. }))
            .count();
        if !already
            && count < MAX_ACTIONS
            && let Some(token) = text.get(span.start..span.end)
        {
            out.push(LogAction::DecodeBlob {
                blob: token.to_string(),
                span,
            });
        }
    };
    // A selection that is a bare encoded message.
    if end > start
        && end - start <= MAX_BLOB_LEN + 64
        && let Some(selected) = text.get(start..end)
        && let Ok(inner) = validate_blob(selected)
    {
        push_blob(&mut out, Span::new(start + inner.start, start + inner.end));
    }
    // Encoded messages after the marker words that the range touches.
    for blob in scan_blobs(text, start..end) {
        if blob.check != BlobCheck::TooLong {
            push_blob(&mut out, blob.span);
        }
    }
    // A cursor on a bare encoded message.
    if start == end
        && let Some(blob) = blob_at(text, start)
        && blob.span.len() >= MIN_BARE_BLOB_LEN
        && blob.check != BlobCheck::TooLong
    {
        push_blob(&mut out, blob.span);
    }
    let mut policies = 0;
    for found in policy_arns(text, arns::line_window(text, start, end)) {
        if policies >= MAX_ACTIONS {
            break;
        }
        if !found.is_fetchable() {
            continue;
        }
        let duplicate = out
            .iter()
            .any(|a| matches!(a, LogAction::OpenPolicy { arn, .. } if *arn == found.arn.arn));
        if duplicate {
            continue;
        }
        policies += 1;
        out.push(LogAction::OpenPolicy {
            name: found.name().to_string(),
            arn: found.arn.arn.clone(),
            span: found.span,
        });
    }
    out
}

/// How loud a [`BlobNote`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteLevel {
    /// A blob that looks complete: a hint that it can be decoded.
    Hint,
    /// A blob that looks cut short or too long: decoding will fail.
    Information,
}

/// A low-key diagnostic marking an encoded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobNote {
    /// The encoded message.
    pub span: Span,
    pub level: NoteLevel,
    pub message: String,
}

/// The code of [`BlobNote`] diagnostics.
pub const BLOB_NOTE_CODE: &str = "encoded-authorization-message";

/// Notes for the encoded messages (after the marker words) in `text`, at most
/// [`MAX_BLOB_NOTES`].
pub fn blob_notes(text: &str) -> Vec<BlobNote> {
    blobs(text)
        .take(MAX_BLOB_NOTES)
        .map(|blob| {
            let len = blob.span.len();
            match check_warning(blob.check, len) {
                None => BlobNote {
                    span: blob.span,
                    level: NoteLevel::Hint,
                    message: format!(
                        "Encoded authorization failure message ({} characters): the code action \
                         \"{DECODE_TITLE}\" decodes it.",
                        thousands(len)
                    ),
                },
                Some(warning) => BlobNote {
                    span: blob.span,
                    level: NoteLevel::Information,
                    message: format!("Encoded authorization failure message: {warning}"),
                },
            }
        })
        .collect()
}
