//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, the literal escapes `${*}`,
//! `${?}`, `${$}`, and defaults (`${aws:username, 'nobody'}`).
//!
//! [`scan`] finds every `${` in a string value and reports what it is, with byte offsets into
//! that value, including the malformed forms IAM rejects (no closing brace, empty, a space in
//! the name, an unquoted default). [`resolve`] says which condition key a variable names.
//! Variables are only substituted in `Resource`/`NotResource` and condition values of a policy
//! with `"Version": "2012-10-17"`, and only single-valued keys work; checking where a
//! variable appears is for the rules.

use std::ops::Range;

use super::{KeyInfo, catalog};

/// One `${...}` occurrence found by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable<'a> {
    /// Byte range of the whole `${...}` (or of `${` to the end, when unterminated).
    pub span: Range<usize>,
    /// What it is.
    pub kind: VariableKind<'a>,
}

/// The forms a `${...}` can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableKind<'a> {
    /// `${*}`, `${?}` or `${$}`: the literal character, not a wildcard.
    Literal(char),
    /// A request-context key, possibly with a default value.
    Key {
        /// The key name as written, e.g. `aws:username`.
        name: &'a str,
        /// Byte range of the name.
        name_span: Range<usize>,
        /// The default value without its quotes (`${aws:username, 'x'}` gives `x`).
        default: Option<&'a str>,
    },
    /// Something IAM rejects.
    Invalid(VariableProblem),
}

/// Why a `${...}` is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariableProblem {
    /// `${` without a closing `}`.
    MissingBrace,
    /// `${}`.
    Empty,
    /// White space inside the name.
    SpaceInName,
    /// A default value that is not enclosed in single quotes.
    UnquotedDefault,
}

/// Finds every `${...}` in `value`, in order.
pub fn scan(value: &str) -> Vec<Variable<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = value.get(from..).and_then(|rest| rest.find("${")) {
        let start = from + found;
        let inner_start = start + 2;
        let Some(close) = value[inner_start..].find('}') else {
            out.push(Variable {
                span: start..value.len(),
                kind: VariableKind::Invalid(VariableProblem::MissingBrace),
            });
            break;
        };
        let inner_end = inner_start + close;
        let end = inner_end + 1;
        out.push(Variable {
            span: start..end,
            kind: classify(value, inner_start, inner_end),
        });
        from = end;
    }
    out
}

fn classify(value: &str, start: usize, end: usize) -> VariableKind<'_> {
    let inner = &value[start..end];
    match inner {
        "*" => return VariableKind::Literal('*'),
        "?" => return VariableKind::Literal('?'),
        "$" => return VariableKind::Literal('$'),
        "" => return VariableKind::Invalid(VariableProblem::Empty),
        _ => {}
    }
    let (name_part, default) = match inner.split_once(',') {
        Some((name, default)) => (name, Some(default)),
        None => (inner, None),
    };
    let name = name_part.trim_end();
    if name.is_empty() {
        return VariableKind::Invalid(VariableProblem::Empty);
    }
    if name.chars().any(char::is_whitespace) {
        return VariableKind::Invalid(VariableProblem::SpaceInName);
    }
    let default = match default {
        None => None,
        Some(d) => {
            let d = d.trim();
            match d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
                Some(unquoted) if d.len() >= 2 => Some(unquoted),
                _ => return VariableKind::Invalid(VariableProblem::UnquotedDefault),
            }
        }
    };
    VariableKind::Key {
        name,
        name_span: start..start + name.len(),
        default,
    }
}

/// The condition key a variable name refers to (`aws:PrincipalTag/team` resolves to the
/// `aws:PrincipalTag/${TagKey}` pattern), or `None` if the catalog knows no such key. A
/// multi-valued result ([`KeyInfo::multivalued`]) cannot be used as a variable.
pub fn resolve(name: &str) -> Option<KeyInfo> {
    catalog().condition_key(name)
}

/// Names to offer after `${`: the single-valued global keys (pattern keys with their
/// placeholder, e.g. `aws:PrincipalTag/${TagKey}`), then the literal escapes.
pub fn completion_names() -> impl Iterator<Item = &'static str> {
    catalog()
        .global_keys()
        .filter(|g| !g.is_multivalued())
        .map(|g| g.name())
        .chain(["*", "?", "$"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<VariableKind<'_>> {
        scan(s).into_iter().map(|v| v.kind).collect()
    }

    #[test]
    fn finds_keys_and_spans() {
        let s = "arn:aws:s3:::home/${aws:username}/*";
        let vars = scan(s);
        assert_eq!(vars.len(), 1);
        assert_eq!(&s[vars[0].span.clone()], "${aws:username}");
        match &vars[0].kind {
            VariableKind::Key {
                name,
                name_span,
                default,
            } => {
                assert_eq!(*name, "aws:username");
                assert_eq!(&s[name_span.clone()], "aws:username");
                assert_eq!(*default, None);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn literals_defaults_and_problems() {
        assert_eq!(
            kinds("${*}${?}${$}"),
            vec![
                VariableKind::Literal('*'),
                VariableKind::Literal('?'),
                VariableKind::Literal('$')
            ]
        );
        assert!(matches!(
            kinds("${aws:PrincipalTag/team, 'none'}")[..],
            [VariableKind::Key {
                name: "aws:PrincipalTag/team",
                default: Some("none"),
                ..
            }]
        ));
        assert!(matches!(
            kinds("${aws:username,''}")[..],
            [VariableKind::Key {
                default: Some(""),
                ..
            }]
        ));
        assert_eq!(
            kinds("${aws:username, none}"),
            vec![VariableKind::Invalid(VariableProblem::UnquotedDefault)]
        );
        assert_eq!(
            kinds("${}"),
            vec![VariableKind::Invalid(VariableProblem::Empty)]
        );
        assert_eq!(
            kinds("${aws: username}"),
            vec![VariableKind::Invalid(VariableProblem::SpaceInName)]
        );
        assert_eq!(
            kinds("a/${aws:username"),
            vec![VariableKind::Invalid(VariableProblem::MissingBrace)]
        );
        assert!(scan("no variables, $ and { alone").is_empty());
        assert_eq!(scan("${a}${b}").len(), 2);
        assert_eq!(scan("é${aws:userid}ü")[0].span, 2..15);
    }

    #[test]
    fn resolves_through_the_catalog() {
        assert_eq!(
            resolve("aws:username").map(|k| k.name),
            Some("aws:username")
        );
        assert_eq!(
            resolve("aws:PrincipalTag/team").map(|k| k.name),
            Some("aws:PrincipalTag/${TagKey}")
        );
        assert!(resolve("aws:TagKeys").is_some_and(|k| k.multivalued));
        assert!(resolve("aws:nosuchkey").is_none());
        let names: Vec<&str> = completion_names().collect();
        assert!(names.contains(&"aws:username") && names.contains(&"*"));
        assert!(!names.contains(&"aws:TagKeys"));
    }
}
