//! iam-ls: a language server for AWS IAM policies.
//!
//! The layers, from the bottom up (dependencies point downward only):
//! `syntax` → `catalog` → `policy` → `eval` → `rules` → `logs` → `ide` → `aws` → `lsp` / `cli`.
//! See ARCHITECTURE.md for the code map and the invariants.

#[cfg(feature = "aws")]
pub mod aws;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod decode;
pub mod document;
pub mod eval;
pub mod fs_guard;
pub mod groups;
pub mod host;
pub mod ide;
pub mod logging;
pub mod logs;
pub mod lsp;
pub mod policy;
pub mod rules;
pub mod syntax;
#[cfg(test)]
mod test_support;
pub mod text;
