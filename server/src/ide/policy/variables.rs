//! Hovers on policy variables (`${aws:username}`) inside `Resource` and condition values.

use super::markdown::{self, IAM_GUIDE, code};
use crate::catalog::variables::{self, Variable, VariableKind, VariableProblem};
use std::fmt::Write as _;

/// The variable of `value` whose span holds byte `at` (an offset into `value`).
pub fn at(value: &str, at: usize) -> Option<Variable<'_>> {
    variables::scan(value)
        .into_iter()
        .find(|v| v.span.start <= at && at <= v.span.end)
}

/// The hover on `var` (found in `value`); `version` is the policy's `Version` text.
pub fn hover(value: &str, var: &Variable<'_>, version: Option<&str>) -> String {
    let written = value.get(var.span.clone()).unwrap_or("${…}");
    let mut out = match &var.kind {
        VariableKind::Literal(c) => format!(
            "**{}**: the literal character `{c}`\n\nWritten this way so that it is not read as \
             a wildcard or the start of a variable.",
            code(written)
        ),
        VariableKind::Invalid(problem) => {
            let why = match problem {
                VariableProblem::MissingBrace => "the closing `}` is missing",
                VariableProblem::Empty => "it names no key",
                VariableProblem::SpaceInName => "the key name contains white space",
                VariableProblem::UnquotedDefault => {
                    "a default value must be in single quotes: `${aws:username, 'none'}`"
                }
            };
            format!(
                "**{}**: malformed policy variable\n\nIAM rejects it: {why}.",
                code(written)
            )
        }
        VariableKind::Key { name, default, .. } => key_variable(written, name, *default),
    };
    if !matches!(var.kind, VariableKind::Invalid(_)) && version != Some("2012-10-17") {
        let shown = version.map_or("missing".to_string(), |v| format!("`{v}`"));
        let _ = write!(
            out,
            "\n\n**Not replaced here**: the policy's `Version` is {shown}; variables are only \
             filled in with `\"Version\": \"2012-10-17\"`, otherwise this is literal text."
        );
    }
    let _ = write!(
        out,
        "\n\n[Policy variables (IAM User Guide)]({IAM_GUIDE}/reference_policies_variables.html)"
    );
    markdown::catalog_footer(&mut out);
    out
}

fn key_variable(written: &str, name: &str, default: Option<&str>) -> String {
    let Some(info) = variables::resolve(name) else {
        return format!(
            "**{}**: policy variable for an unknown key\n\nThe catalog has no key {}; a \
             variable for a key that is never in the request is never filled, so the value it \
             is in matches nothing.",
            code(written),
            code(name)
        );
    };
    let mut out = format!(
        "**{}**: policy variable\n\nReplaced by the request's value of {} ({}): {}",
        code(written),
        code(name),
        info.key_type,
        markdown::escape(info.description())
    );
    if info.multivalued {
        let _ = write!(
            out,
            "\n\n**Cannot be used as a variable**: {} is multi-valued, and only single-valued \
             keys are filled in.",
            code(name)
        );
        return out;
    }
    match default {
        Some(d) => {
            let _ = write!(
                out,
                "\n\n**When the request has no value**: the default {} is used.",
                code(d)
            );
        }
        None => out.push_str(
            "\n\n**When the request has no value** (for example `aws:username` for a role \
             session): the variable cannot be filled, so the ARN or condition value it is in \
             matches nothing and the statement may not apply. Add a default \
             (`${key, 'value'}`) or use an `...IfExists` operator in conditions.",
        ),
    }
    out
}
