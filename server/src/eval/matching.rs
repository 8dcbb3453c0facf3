//! Matching the request against `Action`, `Resource` and `Principal` values, with policy
//! variables.
//!
//! - Actions compare ignoring case, with `*` and `?` wildcards ([`crate::catalog::wildcard_match`]).
//! - Resources compare as ARNs: `*` matches everything; otherwise both sides are split at their
//!   first five colons into the six ARN fields, and each field matches case-sensitively with
//!   wildcards (the last field keeps its colons, so `log-group:*` covers
//!   `log-group:g:log-stream:s`). Text that is not a six-field ARN is matched whole.
//! - Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${key, 'default'}`) are
//!   substituted from the request context when the policy's `Version` is `2012-10-17`; `${*}`,
//!   `${?}` and `${$}` are the literal characters. A variable whose key the request lacks (and
//!   that has no default), or whose key holds several values, leaves nothing to match: the value
//!   matches no request. Substituted text is literal (a `*` in a tag value is not a wildcard).

use super::request::{Context, PrincipalInfo, PrincipalKind, is_account_id};
use crate::catalog::variables::{self, VariableKind};
use crate::catalog::wildcard_match;
use crate::policy::PrincipalType;

/// One piece of a pattern after substitution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A character that must be there.
    Lit(char),
    /// `*`
    Star,
    /// `?`
    One,
}

/// A policy value after variable substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved<'v> {
    /// No variable: the value as written.
    Plain(&'v str),
    /// Variables substituted; literal characters and wildcards kept apart.
    Tokens(Vec<Tok>),
    /// A variable had no single value: matches nothing. Holds the key.
    Unresolved(String),
}

impl Resolved<'_> {
    /// The value as text (wildcards as `*`/`?`), for reports; `None` when unresolved.
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Resolved::Plain(s) => Some((*s).to_string()),
            Resolved::Tokens(t) => Some(
                t.iter()
                    .map(|t| match t {
                        Tok::Lit(c) => *c,
                        Tok::Star => '*',
                        Tok::One => '?',
                    })
                    .collect(),
            ),
            Resolved::Unresolved(_) => None,
        }
    }
}

/// Substitutes the variables of `value` (when `enabled`).
pub(crate) fn resolve<'v>(value: &'v str, enabled: bool, ctx: &Context) -> Resolved<'v> {
    if !enabled || !value.contains("${") {
        return Resolved::Plain(value);
    }
    let found = variables::scan(value);
    let mut out = Vec::with_capacity(value.len());
    let mut at = 0;
    let push_pattern = |out: &mut Vec<Tok>, s: &str| {
        out.extend(s.chars().map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        }))
    };
    for v in found {
        push_pattern(&mut out, &value[at..v.span.start]);
        match v.kind {
            VariableKind::Literal(c) => out.push(Tok::Lit(c)),
            VariableKind::Key { name, default, .. } => match (ctx.get(name), default) {
                (Some([one]), _) => out.extend(one.chars().map(Tok::Lit)),
                (None, Some(d)) => out.extend(d.chars().map(Tok::Lit)),
                _ => return Resolved::Unresolved(name.to_string()),
            },
            // Malformed: IAM rejects the policy; nothing can match.
            VariableKind::Invalid(_) => return Resolved::Unresolved(value.to_string()),
        }
        at = v.span.end;
    }
    push_pattern(&mut out, &value[at..]);
    Resolved::Tokens(out)
}

/// Whether `text` matches the token pattern (case-sensitive unless `ignore_case`).
pub(crate) fn tokens_match(pattern: &[Tok], text: &str, ignore_case: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match pattern.get(pi) {
            Some(Tok::Star) => {
                star = Some((pi + 1, ti));
                pi += 1;
            }
            Some(Tok::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::Lit(c)) if eq(*c, t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((after, from)) => {
                    pi = after;
                    ti = from + 1;
                    star = Some((after, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[pi..].iter().all(|t| *t == Tok::Star)
}

/// Whether a resolved value matches `text` as a wildcard pattern.
pub(crate) fn resolved_like(r: &Resolved<'_>, text: &str, ignore_case: bool) -> bool {
    match r {
        Resolved::Plain(p) => wildcard_match(p, text, ignore_case),
        Resolved::Tokens(t) => tokens_match(t, text, ignore_case),
        Resolved::Unresolved(_) => false,
    }
}

/// Whether the action pattern matches the request's action.
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || wildcard_match(pattern, action, true)
}

/// Whether a `Resource` value (after substitution) matches the request's resource ARN.
pub(crate) fn resource_matches(pattern: &Resolved<'_>, arn: &str) -> bool {
    match pattern {
        Resolved::Plain("*") => true,
        Resolved::Plain(p) => arn_like(p, arn),
        Resolved::Tokens(t) => arn_like_tokens(t, arn),
        Resolved::Unresolved(_) => false,
    }
}

/// ARN comparison field by field with wildcards (see the module docs); text that is not a
/// six-field ARN on either side is matched whole.
pub(crate) fn arn_like(pattern: &str, arn: &str) -> bool {
    match (fields6(pattern), fields6(arn)) {
        (Some(p), Some(a)) => p.iter().zip(&a).all(|(p, a)| wildcard_match(p, a, false)),
        _ => wildcard_match(pattern, arn, false),
    }
}

/// The six fields of an ARN-shaped text (split at its first five colons).
pub(crate) fn fields6(s: &str) -> Option<[&str; 6]> {
    let mut out = [""; 6];
    let mut it = s.splitn(6, ':');
    for slot in &mut out {
        *slot = it.next()?;
    }
    Some(out)
}

fn arn_like_tokens(pattern: &[Tok], arn: &str) -> bool {
    // Split the token list at its first five literal colons.
    let mut fields: Vec<&[Tok]> = Vec::with_capacity(6);
    let mut start = 0;
    for (i, t) in pattern.iter().enumerate() {
        if fields.len() == 5 {
            break;
        }
        if *t == Tok::Lit(':') {
            fields.push(&pattern[start..i]);
            start = i + 1;
        }
    }
    fields.push(&pattern[start..]);
    let av: Vec<&str> = arn.splitn(6, ':').collect();
    if fields.len() != 6 || av.len() != 6 {
        return tokens_match(pattern, arn, false);
    }
    fields
        .iter()
        .zip(&av)
        .all(|(p, a)| tokens_match(p, a, false))
}

/// How strongly a `Principal` entry names the request's principal; what a same-account
/// resource-based policy can grant on its own depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalMatch {
    /// The account (`111122223333` or `arn:aws:iam::111122223333:root`): the account delegates
    /// to its own identity policies, which must also allow.
    Account,
    /// The role's ARN, for a session of that role: grants, but the session's boundary and
    /// session policy still limit it.
    Role,
    /// The principal itself (user, role session, federated user, service) or `*`.
    Direct,
}

/// How the entry `(kind, value)` of a `Principal` names `principal`, if it does.
pub(crate) fn principal_entry_matches(
    kind: PrincipalType,
    value: &str,
    principal: Option<&PrincipalInfo>,
) -> Option<PrincipalMatch> {
    if value == "*" && kind == PrincipalType::Aws {
        return Some(PrincipalMatch::Direct);
    }
    let p = principal?;
    match kind {
        PrincipalType::Aws => {
            if is_account_id(value) {
                return (p.account.as_deref() == Some(value)).then_some(PrincipalMatch::Account);
            }
            if value == p.arn {
                return Some(match p.kind {
                    PrincipalKind::Root => PrincipalMatch::Account,
                    PrincipalKind::Role { .. } => PrincipalMatch::Role,
                    _ => PrincipalMatch::Direct,
                });
            }
            let fields: Vec<&str> = value.splitn(6, ':').collect();
            if fields.len() != 6 || fields[0] != "arn" || fields[2] != "iam" {
                return None;
            }
            let same_account = p.account.as_deref() == Some(fields[4]);
            if fields[5] == "root" {
                return same_account.then_some(PrincipalMatch::Account);
            }
            if let Some(role_path) = fields[5].strip_prefix("role/") {
                let name = role_path.rsplit('/').next().unwrap_or(role_path);
                return match &p.kind {
                    PrincipalKind::RoleSession { role } | PrincipalKind::Role { name: role }
                        if same_account && role == name =>
                    {
                        Some(PrincipalMatch::Role)
                    }
                    _ => None,
                };
            }
            None
        }
        PrincipalType::Service => {
            (p.kind == PrincipalKind::Service && value == p.arn).then_some(PrincipalMatch::Direct)
        }
        PrincipalType::Federated | PrincipalType::CanonicalUser => {
            (value == p.arn).then_some(PrincipalMatch::Direct)
        }
    }
}
