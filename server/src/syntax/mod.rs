//! Error-tolerant JSON parser for IAM policy documents.
//!
//! [`parse`] never fails and never panics: it returns a [`Parse`] holding the best tree it could
//! build (objects, arrays and open strings of half-typed input included) plus every error found.
//! Every node carries its byte [`Span`] in the source text. [`Parse::locate`] answers "what is at
//! byte offset N" with the node and its JSON path, for hover and completion.
//!
//! How non-JSON input is handled (unterminated strings end at the end of their line, a leading
//! byte order mark is reported and skipped, comments are reported and skipped, ...) is listed on
//! [`parse`].

mod incremental;
mod parser;
mod path;
mod tree;

#[cfg(test)]
mod tests;

pub use incremental::{Memo, Prior, common_ends};
pub use parser::{MAX_DEPTH, MAX_ERRORS, parse, parse_incremental};
pub use path::{JsonPath, Located, PathSegment};
pub use tree::{Member, Node, NodeKind, Parse, Span, SyntaxError};

#[cfg(test)]
mod incremental_tests;
