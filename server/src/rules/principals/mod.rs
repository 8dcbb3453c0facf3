//! Principal rules: Principal and NotPrincipal forms, keys, values.

use super::Rule;

/// The rules of this category.
pub static RULES: &[&Rule] = &[];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];
