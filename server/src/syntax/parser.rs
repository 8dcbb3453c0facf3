//! The hand-written recursive-descent parser with recovery.

use super::tree::Parse;

/// Deepest nesting of arrays and objects that is parsed; deeper input gets an error.
pub const MAX_DEPTH: usize = 128;

/// Parse `text` as JSON, tolerating errors. Never panics.
pub fn parse(text: &str) -> Parse {
    let _ = text;
    todo!("implemented by the syntax work")
}
