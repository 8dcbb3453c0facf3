//! The only module that knows LSP: the tower-lsp-server backend, the document store, conversions.
//!
//! - [`position`]: LSP positions ↔ offsets (UTF-16 / UTF-8), with clamping; the only place.
//! - [`store`]: open documents (flat until edited, then ropey; in a dashmap), incremental edits,
//!   cached analyses.
//! - [`server`]: the `LanguageServer` implementation and the stdio entry point.
//! - [`convert`]: plain analysis data to LSP types.
//! - [`commands`]: server commands (decode an encoded authorization message, open a managed
//!   policy) with progress, temporary files and `window/showDocument`; hovers, code actions and
//!   diagnostics of the log features.
//! - [`ext`]: custom requests (see docs/lsp-extensions.md).
//! - [`transport`]: the JSON-RPC loop: decodes each frame once, drops or answers malformed ones.
//! - [`cancel`]: cancellation tokens that stop heavy blocking work of a cancelled request.

pub mod cancel;
pub mod commands;
pub mod convert;
pub mod ext;
pub mod position;
pub mod server;
pub mod store;
pub mod transport;

#[cfg(test)]
mod fuzz;

pub use server::{Backend, build_service, run_stdio, serve};
