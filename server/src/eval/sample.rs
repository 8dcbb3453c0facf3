//! Representative requests for a statement: the concrete action, resource and principal that
//! stand for what a statement names, for asking the engine about it (the "Simulate a request"
//! code lens, IAM906).

use super::policy::{Names, Principals};
use crate::catalog::{catalog, has_wildcards, wildcard_match};
use crate::policy::PrincipalType;

/// The action a statement's `Action`/`NotAction` stands for: the first one named (a wildcard
/// becomes the first catalog action it matches, or stays as written when it matches none);
/// for `NotAction` the first catalog action it leaves out. `None` without either.
pub fn action(names: &Names) -> Option<String> {
    let all = || catalog().actions().map(|a| a.full_name());
    match names {
        Names::Any(list) => {
            let first = list.first()?;
            if !has_wildcards(first) {
                return Some(first.clone());
            }
            Some(
                all()
                    .find(|a| wildcard_match(first, a, true))
                    .map_or_else(|| first.clone(), str::to_string),
            )
        }
        Names::Not(list) => all()
            .find(|a| !list.iter().any(|p| wildcard_match(p, a, true)))
            .map(str::to_string),
        Names::Absent => None,
    }
}

/// The resource a statement's `Resource` stands for: the first one named with `*` filled in as
/// `example` and `?` as `x` (`*` alone stays); `*` for `NotResource` or no `Resource`.
pub fn resource(names: &Names) -> String {
    match names {
        Names::Any(list) => list.first().map_or_else(|| "*".to_string(), |r| fill(r)),
        _ => "*".to_string(),
    }
}

/// The caller a statement's `Principal` stands for: the first entry that names one (ARNs and
/// service names as written, wildcards filled in; an account id as its root ARN). `None` for
/// `*`, canonical users, `NotPrincipal` or no `Principal`.
pub fn principal(principals: &Principals) -> Option<String> {
    let Principals::Any(list) = principals else {
        return None;
    };
    list.iter().find_map(|(kind, value)| match kind {
        PrincipalType::Aws if value == "*" => None,
        PrincipalType::Aws if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("arn:aws:iam::{value}:root"))
        }
        PrincipalType::CanonicalUser => None,
        _ => Some(fill(value)),
    })
}

/// A pattern made concrete: `*` → `example`, `?` → `x` (`*` alone stays).
fn fill(pattern: &str) -> String {
    if pattern == "*" {
        return pattern.to_string();
    }
    pattern.replace('*', "example").replace('?', "x")
}
