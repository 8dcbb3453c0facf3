//! Hover, completion, symbols and folding for IAM policies.

use super::{Completions, Hover, Symbol};
use crate::document::Snapshot;
use crate::syntax::Span;

/// Hover on a policy at byte `offset`.
pub fn hover(snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    let _ = (snapshot, offset);
    None
}

/// Completion in a policy at byte `offset`.
pub fn completion(snapshot: &Snapshot, offset: usize) -> Completions {
    let _ = (snapshot, offset);
    Completions::default()
}

/// The statements of a policy as an outline.
pub fn symbols(snapshot: &Snapshot) -> Vec<Symbol> {
    let _ = snapshot;
    Vec::new()
}

/// Multi-line objects and arrays.
pub fn folding_ranges(snapshot: &Snapshot) -> Vec<Span> {
    let _ = snapshot;
    Vec::new()
}
