//! Editor features as plain data: hover, completion, document symbols, folding ranges.
//!
//! Everything here works on a [`Snapshot`] and byte offsets and returns plain structs (markdown,
//! byte spans); `lsp/` converts them to protocol types. Policies are handled by [`policy`],
//! policies embedded in templates by [`host`](mod@host), decoded authorization messages and log
//! text by [`logs`].

pub mod host;
pub mod logs;
pub mod policy;
pub mod simulate;

use crate::document::{DocumentKind, Snapshot};
use crate::syntax::Span;

/// A hover answer: markdown, and the span it is about (highlighted by the editor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// What a completion item is, for the editor's icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A policy element name (`Effect`, `Action`, ...).
    Element,
    /// A literal value (`Allow`, `2012-10-17`, `true`, a region).
    Value,
    /// A service prefix.
    Service,
    /// An action.
    Action,
    /// A condition operator.
    Operator,
    /// A condition key.
    ConditionKey,
    /// An ARN template or principal.
    Reference,
}

/// One completion proposal. `edit_span` is the text it replaces; `insert` is the replacement,
/// which may be a snippet (`$1` placeholders) when `snippet` is true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label (access level, type, ...).
    pub detail: Option<String>,
    /// Markdown shown when the item is selected.
    pub documentation: Option<String>,
    pub edit_span: Span,
    pub insert: String,
    pub snippet: bool,
    /// Sorts before items with a larger rank.
    pub rank: u32,
}

/// The completion list; `complete` is false when the list was capped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<Completion>,
    pub complete: bool,
}

/// What a document symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A policy embedded in a template.
    Policy,
    /// A policy statement.
    Statement,
    /// A policy element inside a statement.
    Element,
    /// An AccessDenied message in a log.
    Denial,
    /// An encoded authorization failure message.
    EncodedMessage,
}

/// An outline entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole extent.
    pub span: Span,
    /// What to select when jumping to it.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// Hover at byte `offset`.
pub fn hover(snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    if let Some(host) = snapshot.host() {
        return host::hover(host, offset);
    }
    match snapshot.kind() {
        DocumentKind::Policy => policy::hover(snapshot, offset),
        DocumentKind::DecodedMessage | DocumentKind::Text => logs::hover(snapshot, offset),
    }
}

/// Completion at byte `offset`.
pub fn completion(snapshot: &Snapshot, offset: usize) -> Completions {
    if let Some(h) = snapshot.host() {
        return host::completion(snapshot, h, offset);
    }
    match snapshot.kind() {
        DocumentKind::Policy => policy::completion(snapshot, offset),
        _ => Completions::default(),
    }
}

/// The document's outline.
pub fn symbols(snapshot: &Snapshot) -> Vec<Symbol> {
    if let Some(h) = snapshot.host() {
        return host::symbols(h);
    }
    match snapshot.kind() {
        DocumentKind::Policy => policy::symbols(snapshot),
        DocumentKind::DecodedMessage | DocumentKind::Text => logs::symbols(snapshot),
    }
}

/// Foldable regions (objects and arrays spanning several lines), as byte spans.
pub fn folding_ranges(snapshot: &Snapshot) -> Vec<Span> {
    if let Some(h) = snapshot.host() {
        return host::folding_ranges(snapshot.text(), h);
    }
    match snapshot.kind() {
        DocumentKind::Policy => policy::folding_ranges(snapshot),
        _ => Vec::new(),
    }
}
