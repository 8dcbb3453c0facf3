//! Denial traps: mistakes that silently deny, or silently allow, with the mechanism explained.
//!
//! Each rule here names the consequence of a policy that is valid but does not do what its
//! author meant (a region lock that also locks out IAM, a Deny that misses requests signed with
//! access keys, a time window that closed months ago). Besides the registry, this module holds
//! what the rules share: IAM wildcard matching of names and of patterns against patterns,
//! condition lookups, small text edits for quick fixes, and [`hover_notes`], the explanations
//! the hover shows on policy elements that are correct but easy to misread.

use super::{Context, Edit};
pub(crate) use crate::catalog::has_wildcards;
use crate::catalog::operators::{self, OperatorInfo};
pub use crate::catalog::wildcard_match;
use crate::catalog::{self, Catalog};
use crate::policy::{
    ConditionBlock, ConditionEntry, Effect, Policy, PolicyKind, Principal, Statement, Str,
};
use crate::syntax::Span;

pub mod allow_not_action_all_resources;
pub mod allow_overridden_by_deny;
pub mod allow_when_mfa_absent;
pub mod allow_with_not_resource;
pub mod denied_by_other_layer;
pub mod deny_all_principals_without_condition;
pub mod deny_breaks_dependent_action;
pub mod deny_not_action_without_condition;
pub mod expired_time_window;
pub mod forallvalues_matches_no_values;
pub mod kms_key_policy_without_root;
pub mod mfa_deny_misses_access_keys;
pub mod mfa_if_exists_allows_access_keys;
pub mod mfa_required_blocks_access_keys;
pub mod not_principal_in_deny;
pub mod region_lock_blocks_global_services;
pub mod service_wide_access;
pub mod source_ip_breaks_service_calls;
pub mod time_window_not_yet_active;
pub mod unknown_region_code;
pub mod vpc_endpoint_policy_omits_aws_buckets;

#[cfg(test)]
mod tests;

use super::Rule;

/// The rules of this category.
pub static RULES: &[&Rule] = &[
    &region_lock_blocks_global_services::RULE,
    &unknown_region_code::RULE,
    &deny_not_action_without_condition::RULE,
    &allow_not_action_all_resources::RULE,
    &deny_breaks_dependent_action::RULE,
    &allow_overridden_by_deny::RULE,
    &not_principal_in_deny::RULE,
    &deny_all_principals_without_condition::RULE,
    &kms_key_policy_without_root::RULE,
    &vpc_endpoint_policy_omits_aws_buckets::RULE,
    &source_ip_breaks_service_calls::RULE,
    &mfa_deny_misses_access_keys::RULE,
    &mfa_if_exists_allows_access_keys::RULE,
    &mfa_required_blocks_access_keys::RULE,
    &forallvalues_matches_no_values::RULE,
    &expired_time_window::RULE,
    &time_window_not_yet_active::RULE,
    &denied_by_other_layer::RULE,
    &allow_with_not_resource::RULE,
    &allow_when_mfa_absent::RULE,
    &service_wide_access::RULE,
];

/// Access Analyzer codes of this area that no rule can decide offline, and why. The traps are
/// iam-ls's own checks: Access Analyzer has no code for them, and the codes they touch
/// (unsupported tag keys, variables without `Version`) belong to the conditions, structure
/// and variables rules.
pub static GAPS: &[(&str, &str)] = &[];

// ---------------------------------------------------------------------------------------------
// Matching

/// True when every name the pattern `specific` matches is also matched by `general` (both IAM
/// wildcard patterns). Conservative: a `*` in `specific` is only covered by a `*` in
/// `general`, a `?` by a `?` or a `*`, so the answer may be "no" for exotic pairs that do
/// cover each other, never "yes" for pairs that do not.
pub fn subsumes(general: &str, specific: &str, ignore_case: bool) -> bool {
    let (p, s) = (general.as_bytes(), specific.as_bytes());
    let one = |pc: u8, sc: u8| match (pc, sc) {
        (b'?', b'*') => false,
        (b'?', _) => true,
        (_, b'*' | b'?') => false,
        _ if ignore_case => pc.eq_ignore_ascii_case(&sc),
        _ => pc == sc,
    };
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if one(c, s[si]) => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// True when the text holds a policy variable (`${...}`).
pub(crate) fn has_variable(s: &str) -> bool {
    s.contains("${")
}

/// How a statement applies to actions: the patterns of `Action`, or of `NotAction`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ActionScope<'s, 'a> {
    /// `Action`: the listed patterns.
    Only(&'s Statement<'a>),
    /// `NotAction`: everything but the listed patterns.
    AllBut(&'s Statement<'a>),
}

impl<'s, 'a> ActionScope<'s, 'a> {
    /// The statement's scope; `None` when it has neither a well-typed `Action` nor `NotAction`.
    pub(crate) fn of(st: &'s Statement<'a>) -> Option<ActionScope<'s, 'a>> {
        if st.action.as_ref().is_some_and(|f| f.ok().is_some()) {
            Some(ActionScope::Only(st))
        } else if st.not_action.as_ref().is_some_and(|f| f.ok().is_some()) {
            Some(ActionScope::AllBut(st))
        } else {
            None
        }
    }

    /// Whether the statement applies to the action named `name`.
    pub(crate) fn covers(&self, name: &str) -> bool {
        match self {
            ActionScope::Only(st) => st.actions().any(|p| wildcard_match(p.value, name, true)),
            ActionScope::AllBut(st) => !st
                .not_actions()
                .any(|p| wildcard_match(p.value, name, true)),
        }
    }

    /// Whether the statement applies to every action the pattern `pattern` matches, now and in
    /// the future. For `Action` the answer is textual (a pattern that subsumes it) or, for a
    /// pattern within one service, by expanding it over the catalog.
    pub(crate) fn covers_pattern(&self, catalog: &Catalog, pattern: &str) -> bool {
        match self {
            ActionScope::Only(st) => {
                if st.actions().any(|p| subsumes(p.value, pattern, true)) {
                    return true;
                }
                if !single_service(pattern) || !has_wildcards(pattern) {
                    return false;
                }
                let expanded = catalog.expand(pattern);
                !expanded.is_empty() && expanded.iter().all(|a| self.covers(a.full_name()))
            }
            ActionScope::AllBut(st) => {
                // Denied unless some NotAction pattern can match a name the pattern matches.
                !st.not_actions().any(|p| overlaps(p.value, pattern))
            }
        }
    }
}

/// True when the pattern names one service (no wildcard before the colon).
pub(crate) fn single_service(pattern: &str) -> bool {
    pattern
        .split_once(':')
        .is_some_and(|(service, _)| !service.is_empty() && !has_wildcards(service))
}

/// Whether two action patterns can match a common name (conservatively true when unsure).
fn overlaps(a: &str, b: &str) -> bool {
    if !has_wildcards(a) {
        return wildcard_match(b, a, true);
    }
    if !has_wildcards(b) {
        return wildcard_match(a, b, true);
    }
    let service = |p: &str| p.split_once(':').map(|(s, _)| s.to_string());
    match (service(a), service(b)) {
        (Some(sa), Some(sb)) if !has_wildcards(&sa) && !has_wildcards(&sb) => {
            if !sa.eq_ignore_ascii_case(&sb) {
                return false;
            }
            let all = catalog::catalog().expand(a);
            all.is_empty() || all.iter().any(|x| wildcard_match(b, x.full_name(), true))
        }
        _ => true,
    }
}

/// True when the statement's `Resource` covers every resource (`"*"` among its values).
pub(crate) fn all_resources(st: &Statement<'_>) -> bool {
    st.resources().any(|r| r.value == "*")
}

/// True when the statement applies to every principal: no principal element at all (identity
/// and organization policies), or `Principal` `"*"` / `{"AWS": "*"}`.
pub(crate) fn all_principals(st: &Statement<'_>) -> bool {
    if st.not_principal.is_some() {
        return false;
    }
    match st.principal.as_ref() {
        None => true,
        Some(f) => match f.ok() {
            Some(p @ Principal::Str(_)) => p.is_wildcard_string(),
            Some(p @ Principal::Map(_)) => p
                .values()
                .any(|(e, s)| e.kind == Some(crate::policy::PrincipalType::Aws) && s.value == "*"),
            None => false,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Conditions

/// One condition entry of a statement, with its operator parsed.
pub(crate) struct CondItem<'s, 'a> {
    pub block: &'s ConditionBlock<'a>,
    pub entry: &'s ConditionEntry<'a>,
    pub op: OperatorInfo,
}

impl CondItem<'_, '_> {
    /// True when the entry's key is `name` (ignoring case, as IAM does).
    pub(crate) fn key_is(&self, name: &str) -> bool {
        self.entry.key.name.eq_ignore_ascii_case(name)
    }

    /// The string values (numbers and booleans as their text).
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> + '_ {
        self.entry.values().iter().filter_map(|v| v.text())
    }
}

/// Every condition entry of the statement whose operator is a known one.
pub(crate) fn conditions<'s, 'a>(
    st: &'s Statement<'a>,
) -> impl Iterator<Item = CondItem<'s, 'a>> + 's {
    st.condition
        .as_ref()
        .and_then(|f| f.ok())
        .into_iter()
        .flat_map(|c| c.entries())
        .filter_map(|(block, entry)| {
            operators::operator(block.operator.name).map(|op| CondItem { block, entry, op })
        })
}

/// A time limit of a statement: a condition on the current time that holds only before
/// (`ends`) or only after a point in time.
pub(crate) struct TimeBound {
    /// Seconds since 1970-01-01 UTC: the latest end, or the earliest start, among the values.
    pub secs: i64,
    /// The value that sets it.
    pub span: Span,
    /// True for `...LessThan...` (the window ends), false for `...GreaterThan...`.
    pub ends: bool,
}

/// The time limits of a statement, from `Date*` and `Numeric*` comparisons of
/// `aws:CurrentTime` / `aws:EpochTime`. Entries with a value that is not a date are skipped.
pub(crate) fn time_bounds(st: &Statement<'_>) -> Vec<TimeBound> {
    let mut out = Vec::new();
    for c in conditions(st) {
        if !(c.key_is("aws:CurrentTime") || c.key_is("aws:EpochTime")) || c.op.qualifier.is_some() {
            continue;
        }
        let ends = match c.op.base.name {
            "DateLessThan" | "DateLessThanEquals" | "NumericLessThan" | "NumericLessThanEquals" => {
                true
            }
            "DateGreaterThan"
            | "DateGreaterThanEquals"
            | "NumericGreaterThan"
            | "NumericGreaterThanEquals" => false,
            _ => continue,
        };
        let mut best: Option<(i64, Span)> = None;
        let mut readable = true;
        for v in c.entry.values() {
            let Some(secs) = v.text().and_then(super::support::parse_instant) else {
                readable = false;
                break;
            };
            let better = match best {
                None => true,
                Some((b, _)) => (ends && secs > b) || (!ends && secs < b),
            };
            if better {
                best = Some((secs, v.span()));
            }
        }
        if let (true, Some((secs, span))) = (readable, best) {
            out.push(TimeBound { secs, span, ends });
        }
    }
    out
}

/// True when the statement has a `Condition` element with at least one entry.
pub(crate) fn has_condition(st: &Statement<'_>) -> bool {
    st.condition
        .as_ref()
        .is_some_and(|f| f.ok().is_none_or(|c| c.entries().next().is_some()))
}

// ---------------------------------------------------------------------------------------------
// Messages

/// How a statement is named in messages: `statement "DenyAll"` or `statement #2`.
pub(crate) fn label(st: &Statement<'_>) -> String {
    match st.sid_str() {
        Some(sid) if !sid.is_empty() => format!("statement \"{sid}\""),
        _ => format!("statement #{}", st.index + 1),
    }
}

/// The first `max` items joined as words, with "and N more" when there are more.
pub(crate) fn truncated_list(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return super::support::list_words(items);
    }
    format!("{} and {} more", items[..max].join(", "), items.len() - max)
}

// ---------------------------------------------------------------------------------------------
// Text edits for quick fixes

/// The span inside a quoted token (a key or string with its quotes).
pub(crate) fn inner(span: Span) -> Span {
    if span.end >= span.start + 2 {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

/// The indentation to use for a new member or item of the container at `span`: a newline and
/// the indentation of the container's first entry when the container is laid out over several
/// lines, `None` when it is on one line.
fn layout(text: &str, span: Span) -> Option<String> {
    let body = text.get(span.start + 1..span.end.saturating_sub(1))?;
    let first = body.find(|c: char| !c.is_whitespace())?;
    let lead = &body[..first];
    let nl = lead.rfind('\n')?;
    Some(format!("\n{}", &lead[nl + 1..]))
}

/// An edit adding `entry` (a member `"k": v` or an array item) at the end of the closed object
/// or array at `span`, with a separating comma when it is not empty, following its layout.
/// `None` when the container is not closed.
pub(crate) fn append_entry(text: &str, span: Span, entry: &str) -> Option<Edit> {
    let bytes = text.as_bytes();
    if span.end < span.start + 2 || !matches!(bytes.get(span.end - 1), Some(b'}' | b']')) {
        return None;
    }
    let mut at = span.end - 1;
    while at > span.start + 1 && bytes[at - 1].is_ascii_whitespace() {
        at -= 1;
    }
    let empty = at == span.start + 1;
    let sep = layout(text, span).unwrap_or_else(|| " ".to_string());
    let insert = if empty {
        entry.to_string()
    } else {
        format!(",{sep}{entry}")
    };
    Some(Edit {
        span: Span::new(at, at),
        text: insert,
    })
}

/// An edit adding string items to a value that is one string or an array of strings: appended
/// to the array, or the string turned into an array holding it and the new items.
pub(crate) fn add_strings(text: &str, span: Span, array: bool, items: &[String]) -> Option<Edit> {
    let quoted: Vec<String> = items.iter().map(|i| json_string(i)).collect();
    if array {
        append_entry(text, span, &quoted.join(", "))
    } else {
        let old = text.get(span.start..span.end)?;
        Some(Edit {
            span,
            text: format!("[{old}, {}]", quoted.join(", ")),
        })
    }
}

/// A JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON array of strings on one line.
pub(crate) fn json_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| json_string(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// An edit that adds `"Operator": {"key": value}` to the statement's `Condition` (merging into
/// an existing block of the same operator), or adds a `Condition` element holding it.
pub(crate) fn add_condition(
    cx: &Context<'_>,
    st: &Statement<'_>,
    operator: &str,
    key: &str,
    value_json: &str,
) -> Option<Edit> {
    let entry = format!("{}: {value_json}", json_string(key));
    match st.condition.as_ref() {
        Some(field) => {
            let cond = field.ok()?;
            if !cond.closed {
                return None;
            }
            match cond.blocks.iter().find(|b| b.operator.name == operator) {
                Some(block) => {
                    if block
                        .entries()
                        .iter()
                        .any(|e| e.key.name.eq_ignore_ascii_case(key))
                    {
                        return None;
                    }
                    block.field.ok()?;
                    append_entry(cx.text, block.field.value_span, &entry)
                }
                None => append_entry(
                    cx.text,
                    cond.span,
                    &format!("{}: {{{entry}}}", json_string(operator)),
                ),
            }
        }
        None => append_entry(
            cx.text,
            st.span,
            &format!("\"Condition\": {{{}: {{{entry}}}}}", json_string(operator)),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Hover

/// An explanation of a policy element that is correct but easy to misread, for the hover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The element the note is about (contains the hovered offset).
    pub span: Span,
    /// Markdown.
    pub markdown: String,
}

/// The trap explanations for the element at byte `offset` of a policy of `kind`: how many
/// actions a Deny wildcard covers, what a Deny with `NotAction` and a condition does, that KMS
/// actions in an identity policy also need the key policy, what a restriction in a VPC endpoint
/// policy does to every other request, and what an ABAC tag comparison requires.
pub fn hover_notes(policy: &Policy<'_>, kind: PolicyKind, offset: usize) -> Vec<Note> {
    let catalog = catalog::catalog();
    let mut out = Vec::new();
    let Some(st) = policy.statement_at(offset) else {
        return out;
    };
    let effect = st.effect();
    // Deny wildcards: how many actions they cover.
    if effect == Some(Effect::Deny) {
        for a in st.actions().filter(|a| a.span.touches(offset)) {
            if has_wildcards(a.value) {
                out.push(Note {
                    span: a.span,
                    markdown: deny_wildcard_note(catalog, a),
                });
            }
        }
        if let Some(f) = st.not_action.as_ref().filter(|f| f.span.touches(offset))
            && has_condition(st)
        {
            out.push(Note {
                span: f.key.span,
                markdown: "**Deny with `NotAction` and a condition.** This statement denies \
                    every action except the ones listed, in every service (services AWS \
                    launches later included), whenever its condition holds. With a condition \
                    this is the recommended shape for guardrails such as region locks: the \
                    listed actions are the exemptions."
                    .to_string(),
            });
        }
    }
    // KMS actions in identity policies.
    if kind == PolicyKind::Identity && effect == Some(Effect::Allow) {
        for a in st.actions().filter(|a| a.span.touches(offset)) {
            if a.value
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("kms:"))
            {
                out.push(Note {
                    span: a.span,
                    markdown: "**KMS needs the key policy too.** An identity policy can only \
                        grant use of a KMS key when the key's own policy lets it: either the key \
                        policy names this principal, or it has the statement that allows \
                        `kms:*` to the account root (`arn:aws:iam::ACCOUNT:root`), which \
                        delegates to IAM policies. Without either, this Allow has no effect on \
                        that key."
                        .to_string(),
                });
            }
        }
    }
    // VPC endpoint policies: restrictions fail every other request.
    if kind == PolicyKind::VpcEndpoint {
        let restricted = |f: &Option<crate::policy::Field<'_, crate::policy::StrList<'_>>>| {
            f.as_ref()
                .and_then(|f| f.ok().map(|l| (f, l)))
                .filter(|(f, l)| f.span.touches(offset) && !l.is_only_wildcard())
                .map(|(f, _)| f.key.span)
        };
        if let Some(span) = restricted(&st.resource) {
            out.push(Note {
                span,
                markdown: VPCE_RESOURCE_NOTE.to_string(),
            });
        }
        if let Some(f) = st.principal.as_ref().filter(|f| f.span.touches(offset))
            && !all_principals(st)
        {
            out.push(Note {
                span: f.key.span,
                markdown: VPCE_PRINCIPAL_NOTE.to_string(),
            });
        }
    }
    // ABAC: a resource tag compared with a principal tag.
    for c in conditions(st).filter(|c| c.entry.field.span.touches(offset)) {
        let key = c.entry.key.name;
        let tag_key = key.len() > 16
            && key
                .get(..16)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:ResourceTag/"));
        if tag_key
            && c.texts().any(|v| {
                v.get(..19)
                    .is_some_and(|p| p.eq_ignore_ascii_case("${aws:PrincipalTag/"))
            })
        {
            out.push(Note {
                span: c.entry.key.span,
                markdown: "**Attribute-based access control.** The condition holds only when \
                    the resource carries this tag *and* the calling principal carries the \
                    principal tag, with equal values. A resource or principal missing the tag \
                    never matches: in an Allow the request is implicitly denied, in a Deny with \
                    a negated operator it is denied."
                    .to_string(),
            });
        }
    }
    out
}

const VPCE_RESOURCE_NOTE: &str = "**Restriction in a VPC endpoint policy.** Requests through \
    this endpoint are allowed only for the resources listed here. Every other request that \
    goes through the endpoint (other buckets, tables or queues, and resources AWS services \
    use on your behalf, such as package repositories or container image layers) fails with a \
    plain AccessDenied that does not mention the endpoint.";

const VPCE_PRINCIPAL_NOTE: &str = "**Principal restriction in a VPC endpoint policy.** Only \
    the principals listed here can make requests through this endpoint. Requests from any other \
    principal in the VPC (other roles, AWS services acting for you) fail with a plain \
    AccessDenied that does not mention the endpoint.";

fn deny_wildcard_note(catalog: &Catalog, a: &Str<'_>) -> String {
    let covered = catalog.expand(a.value).len();
    format!(
        "**`{}` in a Deny blocks {covered} action{} of the current catalog**, and every \
         matching action AWS adds later. No Allow in any policy can bring them back: an \
         explicit deny ends the evaluation.",
        a.value,
        if covered == 1 { "" } else { "s" }
    )
}
