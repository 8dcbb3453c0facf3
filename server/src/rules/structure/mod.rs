//! Structure rules: JSON syntax, elements, types, Version, Sid, Effect, empty elements, sizes.

use super::Rule;

pub mod invalid_effect;
pub mod json_syntax;

/// The rules of this category.
pub static RULES: &[&Rule] = &[&json_syntax::RULE, &invalid_effect::RULE];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];
