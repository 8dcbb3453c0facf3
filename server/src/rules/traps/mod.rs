//! Denial traps: mistakes that silently deny, or silently allow, with the mechanism explained.

use super::Rule;

/// The rules of this category.
pub static RULES: &[&Rule] = &[];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];
