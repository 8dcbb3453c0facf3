//! Hover, completion, symbols and folding for IAM policies.
//!
//! The four public functions are the entry points (called through [`crate::ide`]); everything
//! else is private to this module:
//!
//! - [`context`]: where a byte offset sits in a policy (which element, which statement, key or
//!   value), from [`crate::syntax::Parse::locate`] and, for half-typed text, a look at the
//!   bytes around the cursor.
//! - [`hover`](mod@hover) dispatches to the topic modules: [`actions`] (actions and wildcards),
//!   [`conditions`] (operators and keys), [`resources`] (ARNs), [`principals`],
//!   [`variables`] (`${...}`), [`elements`] (the policy grammar) and [`evaluation`] (where the
//!   policy's kind sits in AWS's evaluation chain).
//! - [`completion`](mod@completion): context-aware proposals that insert valid JSON.
//! - [`symbols`](mod@symbols): the outline and folding ranges.
//! - [`markdown`]: the few formatting helpers every hover shares (code spans, capped lists,
//!   links to the Service Authorization Reference, the catalog footer).
//!
//! Everything works on the snapshot's existing syntax tree; the typed [`Policy`] model is
//! rebuilt per request (one walk over the tree, microseconds on a 10 KB policy). Hovers cap
//! every list and never build strings proportional to the catalog: `*` expands to 22,000
//! actions, which are counted, not listed.

mod actions;
mod completion;
mod conditions;
mod context;
mod elements;
mod evaluation;
mod hover;
mod markdown;
mod principals;
mod resources;
mod symbols;
mod variables;

#[cfg(test)]
mod tests;

use super::{Completions, Hover, Symbol};
use crate::document::{ResolvedKind, Snapshot};
use crate::policy::{Policy, PolicyKind};
use crate::syntax::{Parse, Span};

/// Hover on a policy at byte `offset`.
pub fn hover(snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    let cx = Ctx::new(snapshot)?;
    hover::hover(&cx, offset)
}

/// Completion in a policy at byte `offset`.
pub fn completion(snapshot: &Snapshot, offset: usize) -> Completions {
    match Ctx::new(snapshot) {
        Some(cx) => completion::complete(&cx, offset),
        None => Completions::default(),
    }
}

/// The statements of a policy as an outline.
pub fn symbols(snapshot: &Snapshot) -> Vec<Symbol> {
    match Ctx::new(snapshot) {
        Some(cx) => symbols::symbols(&cx),
        None => Vec::new(),
    }
}

/// Multi-line objects and arrays.
pub fn folding_ranges(snapshot: &Snapshot) -> Vec<Span> {
    match snapshot.parse() {
        Some(parse) => symbols::folding_ranges(snapshot.text(), parse),
        None => Vec::new(),
    }
}

/// What every request needs: the text, the tree, the typed model and the policy kind.
pub(crate) struct Ctx<'a> {
    /// The snapshot (for findings).
    pub snapshot: &'a Snapshot,
    /// The whole text; spans index into it.
    pub text: &'a str,
    /// The syntax tree.
    pub parse: &'a Parse,
    /// The typed model over the tree.
    pub policy: Policy<'a>,
    /// The kind the policy is analysed as, and why (absent only for non-policies).
    pub kind_info: Option<&'a ResolvedKind>,
}

impl<'a> Ctx<'a> {
    fn new(snapshot: &'a Snapshot) -> Option<Ctx<'a>> {
        let parse = snapshot.parse()?;
        Some(Ctx {
            snapshot,
            text: snapshot.text(),
            parse,
            policy: Policy::from_parse(parse),
            kind_info: snapshot.policy_kind(),
        })
    }

    /// The policy kind (identity when unknown, as detection would say).
    pub fn kind(&self) -> PolicyKind {
        self.kind_info.map_or(PolicyKind::Identity, |k| k.kind)
    }

    /// The source text of `span`, or "" when the span is not on character boundaries.
    pub fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}
