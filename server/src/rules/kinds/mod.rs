//! Rules that belong to one policy kind (role trust, SCP, RCP, KMS key, ...), sizes and broad grants.

use super::Rule;

/// The rules of this category.
pub static RULES: &[&Rule] = &[];

/// Access Analyzer codes of this area that no rule can decide offline, and why.
pub static GAPS: &[(&str, &str)] = &[];
