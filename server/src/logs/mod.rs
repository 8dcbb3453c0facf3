//! Reading logs: AccessDenied messages, encoded authorization messages, decoded messages.
//!
//! Pure analysis over `&str` and byte offsets; no LSP types, no network, no panics. Everything is
//! built to run on very large files: scanners use `memchr`/`memmem` anchors and bounded windows,
//! never a full parse of the log, and every entry point can be limited to a byte range.
//!
//! - [`blob`]: find `Encoded authorization failure message:` tokens ([`scan_blobs`], [`blobs`],
//!   [`blob_at`]) and check a selected token ([`validate_blob`]).
//! - [`scan`]: find AccessDenied messages of every known shape and parse them into [`Denial`]s
//!   ([`scan_denials`], [`denial_at`], [`denials`], [`parse_message`]).
//! - [`explain`]: turn a [`Denial`] into an [`Explanation`]: who, what, which policy type, and the
//!   exact commands to run next.
//! - [`report`]: one [`DenialReport`] per message, the fields `explain` and the hover show.
//! - [`decoded`]: read the JSON that STS `DecodeAuthorizationMessage` returns
//!   ([`DecodedMessage`]), summarise it ([`summarize`]) and recognise such documents
//!   ([`is_decoded_message`]).

pub mod arn;
pub mod blob;
mod cloudtrail;
pub mod decoded;
pub mod denial;
pub mod doc;
pub mod explain;
mod norm;
pub mod report;
pub mod scan;

#[cfg(test)]
mod tests;

pub use arn::{Arn, InlineOwner, PolicyKind, PolicyRef, Principal, PrincipalKind};
pub use blob::{
    BlobCheck, BlobRejection, EncodedBlob, MAX_BLOB_LEN, MIN_BARE_BLOB_LEN, blob_at, blobs,
    scan_blobs, validate_blob,
};
pub use decoded::{
    DecodedMessage, MatchedStatement, Summary, Verdict, is_decoded_message, is_decoded_value,
    summarize,
};
pub use denial::{
    Action, CloudTrailContext, Denial, DenialSource, DenyKind, Form, Hint, PolicyType, Resource,
    Wrapper, is_denial_code,
};
pub use doc::{Block, Section};
pub use explain::{Explanation, explain_denial};
pub use report::{DenialReport, DeniedBy};
pub use scan::{DenialIter, denial_at, denials, parse_message, scan_denials};
