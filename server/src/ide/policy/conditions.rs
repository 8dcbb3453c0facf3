//! Hovers in `Condition`: operators (with their behaviour table) and keys (type, scope, which of
//! the statement's actions support them, what a request without the key does).

use super::actions::statement_actions;
use super::markdown::{self, IAM_GUIDE, LIST_CAP, capped_list, code, count, plural};
use crate::catalog::operators::{self, KeyMissing, OperatorInfo, OperatorProblem, ValueType};
use crate::catalog::{self, Action, KeyInfo, KeyScope, KeyType};
use crate::policy::{Effect, Statement};
use std::fmt::Write as _;

/// How many of the statement's actions are checked for key support.
const ACTION_CAP: usize = 400;

/// Plural noun for what an operator compares.
pub fn value_type_name(v: ValueType) -> &'static str {
    match v {
        ValueType::String => "strings",
        ValueType::Numeric => "numbers",
        ValueType::Date => "dates and times",
        ValueType::Bool => "booleans (`\"true\"`/`\"false\"`)",
        ValueType::Binary => "base64-encoded binary values",
        ValueType::IpAddress => "IP addresses and CIDR ranges",
        ValueType::Arn => "ARNs",
        ValueType::Null => "the presence of the key",
    }
}

/// One sentence: what a condition does when the request lacks the key, for a statement with
/// `effect`.
pub fn missing_outcome(op: &OperatorInfo, effect: Option<Effect>) -> String {
    let stmt = match effect {
        Some(Effect::Allow) => "this Allow",
        Some(Effect::Deny) => "this Deny",
        None => "the statement",
    };
    match op.when_key_missing() {
        KeyMissing::Matches => {
            let why = if op.if_exists {
                "`IfExists` makes a missing key match"
            } else if op.qualifier == Some(operators::SetQualifier::ForAllValues) {
                "`ForAllValues:` is true on an empty set"
            } else {
                "a negated operator holds when nothing matches"
            };
            format!(
                "the condition is **true** ({why}), so {stmt} still applies if the rest \
                 matches."
            )
        }
        KeyMissing::DoesNotMatch => {
            let why = if op.qualifier == Some(operators::SetQualifier::ForAnyValue) {
                "`ForAnyValue:` is false on an empty set"
            } else {
                "there is nothing to compare"
            };
            format!("the condition is **false** ({why}), so {stmt} does not apply.")
        }
        KeyMissing::TestsPresence => {
            "`Null` tests exactly that: `\"true\"` matches a missing key, `\"false\"` a present \
             one."
                .to_string()
        }
    }
}

/// The hover on an operator key.
pub fn operator_hover(written: &str) -> String {
    let Some(op) = operators::operator(written) else {
        let mut out = format!("**{}**: not a condition operator", code(written));
        let near = nearest_operators(written);
        if !near.is_empty() {
            let _ = write!(
                out,
                "\n\nDid you mean {}?",
                capped_list(near.iter(), near.len(), 3)
            );
        }
        operators_link(&mut out);
        return out;
    };
    let mut out = format!(
        "**{}**: condition operator\n\n{}",
        code(written),
        markdown::escape(op.base.description)
    );
    if !op.exact_case {
        let _ = write!(
            out,
            "\n\nWritten {}; the documented spelling is {}.",
            code(written),
            code(&op.canonical_name())
        );
    }
    out.push_str("\n\n| | |\n|---|---|");
    let _ = write!(out, "\n| Compares | {} |", value_type_name(op.value_type()));
    let _ = write!(
        out,
        "\n| Negated | {} |",
        if op.negated() {
            "yes: true when the request value matches none of the values"
        } else {
            "no"
        }
    );
    let _ = write!(
        out,
        "\n| Wildcards `*` `?` | {} |",
        if op.wildcards() {
            "yes"
        } else {
            "no: compared literally"
        }
    );
    let _ = write!(
        out,
        "\n| `IfExists` | {} |",
        if op.if_exists {
            "yes: a key missing from the request makes the condition true"
        } else {
            "no"
        }
    );
    let qualifier = match op.qualifier {
        Some(operators::SetQualifier::ForAllValues) => {
            "`ForAllValues:`: every value in the request must match; true on an empty set"
        }
        Some(operators::SetQualifier::ForAnyValue) => {
            "`ForAnyValue:`: at least one value in the request must match; false on an empty set"
        }
        None => "none (for single-valued keys)",
    };
    let _ = write!(out, "\n| Set qualifier | {qualifier} |");
    let missing = match op.when_key_missing() {
        KeyMissing::Matches => "**true**",
        KeyMissing::DoesNotMatch => "**false**",
        KeyMissing::TestsPresence => "what `Null` tests: `\"true\"` matches",
    };
    let _ = write!(out, "\n| Key missing from the request | {missing} |");
    match op.problem() {
        Some(OperatorProblem::NullWithIfExists) => {
            out.push_str("\n\n**Problem**: `Null` cannot take `IfExists`; IAM rejects it.")
        }
        Some(OperatorProblem::NullWithQualifier) => out.push_str(
            "\n\n**Problem**: a set qualifier on `Null` makes the result independent of the \
             values.",
        ),
        None => {}
    }
    operators_link(&mut out);
    out
}

fn operators_link(out: &mut String) {
    let _ = write!(
        out,
        "\n\n[Condition operators (IAM User Guide)]({IAM_GUIDE}/reference_policies_elements_condition_operators.html)"
    );
}

/// Operator spellings close to `written` (case-insensitive edit distance up to 3).
fn nearest_operators(written: &str) -> Vec<String> {
    let lower = written.to_ascii_lowercase();
    let mut scored: Vec<(usize, String)> = operators::all_operator_names()
        .filter_map(|name| {
            let d = edit_distance(&lower, &name.to_ascii_lowercase());
            (d <= 3).then_some((d, name))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Levenshtein distance over bytes.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// `(placeholder, filled text)` for a key written against a single-placeholder pattern
/// (`aws:ResourceTag/Env` against `aws:ResourceTag/${TagKey}` gives `("TagKey", "Env")`).
pub fn pattern_fill<'w>(pattern: &str, written: &'w str) -> Option<(String, &'w str)> {
    let open = pattern.find("${")?;
    let close = open + pattern[open..].find('}')?;
    let suffix = &pattern[close + 1..];
    if suffix.contains("${") {
        return None;
    }
    let name = pattern.get(open + 2..close)?.to_string();
    let end = written.len().checked_sub(suffix.len())?;
    let filled = written.get(open..end)?;
    (!filled.is_empty()).then_some((name, filled))
}

fn scope_text(info: &KeyInfo) -> String {
    match info.scope {
        KeyScope::Global { category } => format!("global condition key ({category})"),
        KeyScope::Service { prefix } => {
            let name = catalog::catalog()
                .service(prefix)
                .map_or(prefix, |s| s.name());
            format!("condition key of {}", markdown::escape(name))
        }
    }
}

/// Whether support for a global key is decided per action (tag keys services list per action)
/// rather than being available to every action.
fn per_action_global(info: &KeyInfo) -> bool {
    matches!(info.scope, KeyScope::Global { category } if category == "resource" || category == "request")
        && (info.name.contains("Tag") || info.name.eq_ignore_ascii_case("aws:TagKeys"))
}

/// The hover on a condition key. `operator` is the block it sits in; `statement` its statement.
pub fn key_hover(written: &str, operator: &str, statement: Option<&Statement<'_>>) -> String {
    let cat = catalog::catalog();
    let Some(info) = cat.condition_key(written) else {
        return unknown_key(written);
    };
    let shape = if info.multivalued {
        "multi-valued"
    } else {
        "single-valued"
    };
    let mut out = format!(
        "**{}**: {} · {} · {shape}",
        code(written),
        scope_text(&info),
        info.key_type
    );
    let description = info.description();
    if !description.is_empty() {
        let _ = write!(out, "\n\n{}", markdown::escape(description));
    }
    if info.via_pattern {
        match pattern_fill(info.name, written) {
            Some((placeholder, filled)) => {
                let _ = write!(
                    out,
                    "\n\nPattern key {} with `{placeholder}` = {}.",
                    code(info.name),
                    code(filled)
                );
            }
            None => {
                let _ = write!(out, "\n\nPattern key {}.", code(info.name));
            }
        }
    }
    let op = operators::operator(operator);
    if let Some(op) = &op {
        let fits = op.value_type().fits(info.key_type);
        if !fits {
            let _ = write!(
                out,
                "\n\n**Operator mismatch**: {} compares {}, but this key holds {} values.",
                code(operator),
                value_type_name(op.value_type()),
                info.key_type.element()
            );
        }
        if info.multivalued && op.qualifier.is_none() && op.value_type() != ValueType::Null {
            out.push_str(
                "\n\n**Multi-valued**: AWS expects `ForAllValues:` or `ForAnyValue:` with this \
                 key, to say whether every value in the request or at least one must match.",
            );
        } else if !info.multivalued && op.qualifier == Some(operators::SetQualifier::ForAllValues) {
            out.push_str(
                "\n\n**Single-valued**: `ForAllValues:` is meant for multi-valued keys; here a \
                 request without the key matches.",
            );
        }
    }
    if let Some(st) = statement {
        support_section(&mut out, &info, written, st);
    }
    if let Some(op) = &op {
        let _ = write!(
            out,
            "\n\n**When the request has no {}**: with {}, {}",
            code(written),
            code(operator),
            missing_outcome(op, statement.and_then(|s| s.effect()))
        );
    }
    match info.scope {
        KeyScope::Service { prefix } => {
            if let Some(svc) = cat.service(prefix) {
                markdown::service_link(&mut out, svc);
            }
        }
        KeyScope::Global { .. } => {
            let _ = write!(
                out,
                "\n\n[Global condition keys (IAM User Guide)]({IAM_GUIDE}/reference_policies_condition-keys.html)"
            );
        }
    }
    markdown::catalog_footer(&mut out);
    out
}

fn support_section(out: &mut String, info: &KeyInfo, written: &str, st: &Statement<'_>) {
    if info.is_global() && !per_action_global(info) {
        out.push_str(
            "\n\n**Actions**: a global key is in the request context of any action whenever it \
             applies to the request.",
        );
        return;
    }
    let expanded = statement_actions(st, ACTION_CAP);
    if expanded.not_action {
        out.push_str(
            "\n\n**Actions**: the statement uses `NotAction`; only the actions it covers that \
             document this key see it.",
        );
        return;
    }
    if expanded.everything {
        out.push_str(
            "\n\n**Actions**: the statement covers every action (`*`); only actions that \
             document this key see it, for all others it is absent.",
        );
        return;
    }
    if expanded.actions.is_empty() {
        return;
    }
    let (supported, unsupported): (Vec<&Action>, Vec<&Action>) = expanded
        .actions
        .iter()
        .partition(|a| a.documents_key(written));
    let more = if expanded.truncated {
        format!(" (first {ACTION_CAP} actions checked)")
    } else {
        String::new()
    };
    let total = expanded.actions.len();
    if unsupported.is_empty() {
        if total == 1 {
            out.push_str("\n\n**Actions**: supported by the statement's action.");
        } else {
            let _ = write!(
                out,
                "\n\n**Actions**: supported by all {} of the statement's actions{more}.",
                count(total)
            );
        }
        return;
    }
    if supported.is_empty() {
        let _ = write!(
            out,
            "\n\n**Actions**: the statement's {} {} not support this key{more}: for them it is \
             always absent, as described below.",
            plural(total, "action", "actions"),
            if total == 1 { "does" } else { "do" }
        );
    } else {
        let _ = write!(
            out,
            "\n\n**Actions**: supported by {} of {}{more}: {}",
            supported.len(),
            total,
            capped_list(
                supported.iter().map(|a| a.full_name()),
                supported.len(),
                LIST_CAP
            )
        );
        let _ = write!(
            out,
            "\n\nNot supported by {}: for these the key is always absent, as described below.",
            capped_list(
                unsupported.iter().map(|a| a.full_name()),
                unsupported.len(),
                LIST_CAP
            )
        );
    }
}

fn unknown_key(written: &str) -> String {
    let cat = catalog::catalog();
    let mut out = format!("**{}**: unknown condition key", code(written));
    let prefix = written.split_once(':').map(|(p, _)| p);
    match prefix {
        Some(p) if !p.eq_ignore_ascii_case("aws") && cat.service(p).is_none() => {
            let _ = write!(
                out,
                "\n\n{} is not a service prefix in the catalog, so its keys cannot be checked.",
                code(p)
            );
        }
        Some(_) => {
            let near = cat.suggest_key(written);
            if near.is_empty() {
                out.push_str("\n\nThe catalog has no key of this name.");
            } else {
                let _ = write!(
                    out,
                    "\n\nDid you mean {}?",
                    capped_list(near.iter().map(|k| k.name), near.len(), 5)
                );
            }
        }
        None => out.push_str(
            "\n\nCondition keys are written `prefix:name`, such as `aws:SourceIp` or \
             `s3:prefix`.",
        ),
    }
    markdown::catalog_footer(&mut out);
    out
}

/// The hover on a condition value that is a Region code (for Region keys).
pub fn region_hover(value: &str) -> Option<String> {
    let region = crate::rules::regions::find(value)?;
    Some(format!(
        "**{}**: AWS Region, {} (partition `{}`)",
        code(region.code),
        markdown::escape(region.location),
        region.partition
    ))
}

/// Whether values of this key are Region codes.
pub fn is_region_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:RequestedRegion")
        || catalog::catalog().condition_key(key).is_some_and(|k| {
            k.key_type.element() == KeyType::String && key.to_ascii_lowercase().ends_with("region")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_keys_are_filled() {
        assert_eq!(
            pattern_fill("aws:ResourceTag/${TagKey}", "aws:ResourceTag/Env"),
            Some(("TagKey".to_string(), "Env"))
        );
        assert_eq!(
            pattern_fill(
                "kms:EncryptionContext:${EncryptionContextKey}",
                "kms:EncryptionContext:purpose"
            ),
            Some(("EncryptionContextKey".to_string(), "purpose"))
        );
        assert_eq!(
            pattern_fill("aws:ResourceTag/${TagKey}", "aws:ResourceTag/"),
            None
        );
        assert_eq!(pattern_fill("aws:SourceIp", "aws:SourceIp"), None);
        assert_eq!(pattern_fill("a${x}b${y}", "a1b2"), None);
    }

    #[test]
    fn nearest_operator_spellings() {
        assert_eq!(nearest_operators("StringEqual")[0], "StringEquals");
        assert!(nearest_operators("Zzzzzzzzzzzzzz").is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn region_keys() {
        assert!(is_region_key("aws:RequestedRegion"));
        assert!(is_region_key("AWS:requestedregion"));
        assert!(!is_region_key("aws:SourceIp"));
        assert!(region_hover("eu-west-1").is_some_and(|h| h.contains("Ireland")));
        assert!(region_hover("mars-1").is_none());
    }
}
