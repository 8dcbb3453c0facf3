//! The typed policy model over the syntax tree, and policy kinds.
//!
//! - [`model`]: [`Policy::from_parse`] turns a [`crate::syntax::Parse`] into a [`Policy`] whose
//!   every element, key and string keeps its byte span; values of the wrong JSON type are kept as
//!   [`Invalid`] so rules can report them. Works on partial trees, never panics, borrows from the
//!   tree.
//! - [`kind`]: [`PolicyKind`] (identity, resource, SCP, RCP, permissions boundary, session, role
//!   trust, KMS key, VPC endpoint), per-kind [`KindFacts`] (can it grant, is `Principal` or
//!   `Resource` required, size quota), and [`detect_kind`], a conservative guess from content
//!   with a one-sentence [`Reason`].
//!
//! No LSP types here; everything is plain data over byte offsets.

pub mod kind;
pub mod model;

pub use kind::{
    KindFacts, PolicyKind, Presence, Reason, SizeQuota, assumed_kind_note, compact_size,
    detect_kind, is_rcp_service, org_wide_condition, rcp_services, resource_policy_quota,
};
pub use model::{
    Condition, ConditionBlock, ConditionEntry, Duplicate, Effect, Element, Field, Invalid,
    JsonType, Key, OperatorParts, Policy, Principal, PrincipalEntry, PrincipalMap, PrincipalType,
    Scalar, SetQualifier, Statement, StatementForm, Str, StrList, ValueList,
};

#[cfg(test)]
mod tests;
