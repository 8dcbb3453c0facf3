//! Hovers on actions: one action in detail, a wildcard as counts by access level, an unknown
//! name with "did you mean"; and the expansion of a statement's actions that the key and ARN
//! hovers share.
//!
//! Speed: `*` alone matches every action (about 22,000); its counts are computed once per
//! process. Other wildcards are expanded with [`crate::catalog::Catalog::expand_into`] and
//! summarised (counts and the first few names per level). The last few expansions and summaries
//! are kept, so hovering or completing in the same statement again costs a lookup (a pattern
//! such as `*:Describe*` takes a glob match over every action, about a millisecond).

use super::markdown::{self, LIST_CAP, capped_list, code, count, plural};
pub use crate::catalog::has_wildcards;
use crate::catalog::{self, AccessLevel, Action, Service};
use crate::policy::Statement;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock, Mutex};

/// The access levels in display order.
const LEVELS: [AccessLevel; 5] = [
    AccessLevel::List,
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::PermissionsManagement,
    AccessLevel::Tagging,
];

fn level_index(level: AccessLevel) -> usize {
    match level {
        AccessLevel::List => 0,
        AccessLevel::Read => 1,
        AccessLevel::Write => 2,
        AccessLevel::PermissionsManagement => 3,
        AccessLevel::Tagging => 4,
    }
}

/// Whether `pattern` matches every action (`*`, `*:*`, `**`).
fn matches_everything(pattern: &str) -> bool {
    !pattern.is_empty()
        && pattern
            .split(':')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b == b'*'))
        && pattern.matches(':').count() <= 1
}

/// What a wildcard pattern matches, summarised.
#[derive(Debug)]
struct Summary {
    total: usize,
    services: usize,
    /// The service, when every match belongs to one.
    service: Option<Service>,
    by_level: [usize; 5],
    /// The first names per level (up to the example cap).
    examples: [Vec<&'static str>; 5],
}

const EXAMPLES: usize = 6;

fn summarise(actions: impl Iterator<Item = Action>) -> Summary {
    let mut s = Summary {
        total: 0,
        services: 0,
        service: None,
        by_level: [0; 5],
        examples: Default::default(),
    };
    let mut last_service: Option<Service> = None;
    let mut single = true;
    for a in actions {
        s.total += 1;
        let svc = a.service();
        if last_service != Some(svc) {
            s.services += 1;
            if last_service.is_some() {
                single = false;
            }
            last_service = Some(svc);
        }
        let i = level_index(a.access_level());
        s.by_level[i] += 1;
        if s.examples[i].len() < EXAMPLES {
            s.examples[i].push(a.full_name());
        }
    }
    s.service = if single { last_service } else { None };
    s
}

/// Counts for `*`, once per process.
static EVERYTHING: LazyLock<Summary> = LazyLock::new(|| summarise(catalog::catalog().actions()));

/// The last few wildcard summaries, newest last.
static RECENT: Mutex<Vec<(String, Arc<Summary>)>> = Mutex::new(Vec::new());
const RECENT_CAP: usize = 16;

/// Looks `key` up in a small most-recent cache, computing and storing it on a miss.
fn cached<T>(
    cache: &Mutex<Vec<(String, Arc<T>)>>,
    key: &str,
    compute: impl FnOnce() -> T,
) -> Arc<T> {
    let key = key.to_ascii_lowercase();
    if let Ok(recent) = cache.lock()
        && let Some((_, v)) = recent.iter().find(|(k, _)| *k == key)
    {
        return Arc::clone(v);
    }
    let value = Arc::new(compute());
    if let Ok(mut recent) = cache.lock() {
        // Another thread may have computed the same key meanwhile: keep one value per key.
        if let Some((_, v)) = recent.iter().find(|(k, _)| *k == key) {
            return Arc::clone(v);
        }
        if recent.len() >= RECENT_CAP {
            recent.remove(0);
        }
        recent.push((key, Arc::clone(&value)));
    }
    value
}

/// The last few wildcard expansions.
static EXPANSIONS: Mutex<Vec<(String, Arc<Vec<Action>>)>> = Mutex::new(Vec::new());

/// The actions a pattern with wildcards matches (cached).
fn expansion(pattern: &str) -> Arc<Vec<Action>> {
    cached(&EXPANSIONS, pattern, || catalog::catalog().expand(pattern))
}

fn summary_of(pattern: &str) -> Arc<Summary> {
    cached(&RECENT, pattern, || {
        summarise(expansion(pattern).iter().copied())
    })
}

/// The hover on an action string written in `Action` (`not` false) or `NotAction` (`not` true).
pub fn hover(written: &str, not: bool) -> String {
    let mut out = if has_wildcards(written) {
        wildcard(written)
    } else if let Some(action) = catalog::catalog().action(written) {
        one(action, written)
    } else {
        unknown(written)
    };
    if not {
        out.insert_str(
            out.find("\n\n").unwrap_or(out.len()),
            "\n\nIn `NotAction`: the statement covers every action *except* these.",
        );
    }
    markdown::catalog_footer(&mut out);
    out
}

fn one(action: Action, written: &str) -> String {
    let service = action.service();
    let mut out = format!(
        "**{}**: {} action of {}",
        code(action.full_name()),
        action.access_level(),
        markdown::escape(service.name())
    );
    let description = action.description();
    if !description.is_empty() {
        let _ = write!(
            out,
            "\n\n{}",
            markdown::escape(description.trim_end_matches('.'))
        );
        out.push('.');
    }
    if written != action.full_name() {
        let _ = write!(
            out,
            "\n\nWritten {}: action names ignore case.",
            code(written)
        );
    }
    let resources: Vec<_> = action.resource_types().collect();
    if resources.is_empty() {
        out.push_str("\n\n**Resources**: none; this action works only with `\"Resource\": \"*\"`.");
    } else {
        out.push_str("\n\n| Resource type | Required | ARN |\n|---|---|---|");
        for r in resources.iter().take(LIST_CAP) {
            let rt = r.resource_type();
            let _ = write!(
                out,
                "\n| {} | {} | {} |",
                code(rt.name()),
                if r.required() { "yes" } else { "no" },
                code(rt.arn())
            );
        }
        if resources.len() > LIST_CAP {
            let _ = write!(
                out,
                "\n\n… and {} more resource types",
                resources.len() - LIST_CAP
            );
        }
    }
    let mut keys: Vec<&'static str> = Vec::new();
    for k in action.all_condition_keys() {
        let name = k.name();
        if !keys.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            keys.push(name);
        }
    }
    keys.sort_by_key(|k| k.to_ascii_lowercase());
    if !keys.is_empty() {
        let _ = write!(
            out,
            "\n\n**Condition keys** (besides the global `aws:` keys): {}",
            capped_list(keys.iter(), keys.len(), LIST_CAP)
        );
    }
    let dependent: Vec<&str> = action.dependent_actions().collect();
    if !dependent.is_empty() {
        let _ = write!(
            out,
            "\n\n**Also needs**: {}",
            capped_list(dependent.iter(), dependent.len(), LIST_CAP)
        );
    }
    markdown::service_link(&mut out, service);
    out
}

fn wildcard(pattern: &str) -> String {
    let owned;
    let s: &Summary = if matches_everything(pattern) {
        &EVERYTHING
    } else {
        owned = summary_of(pattern);
        &owned
    };
    let mut out = format!("**{}**: ", code(pattern));
    if s.total == 0 {
        out.push_str("matches no action");
        let service_part = pattern.split_once(':').map(|(svc, _)| svc);
        match service_part.filter(|p| !has_wildcards(p)) {
            Some(prefix) => match catalog::catalog().service(prefix) {
                Some(svc) => {
                    let _ = write!(out, " of {}", markdown::escape(svc.name()));
                    markdown::service_link(&mut out, svc);
                }
                None => {
                    let _ = write!(
                        out,
                        "\n\n{} is not a service prefix in the catalog.",
                        code(prefix)
                    );
                    suggest_services(&mut out, prefix);
                }
            },
            None => out.push_str(" in the catalog"),
        }
        return out;
    }
    if matches_everything(pattern) {
        let _ = write!(
            out,
            "every action, {} in {} services",
            count(s.total),
            count(s.services)
        );
    } else if let Some(svc) = s.service {
        let _ = write!(
            out,
            "matches {} of {}",
            plural(s.total, "action", "actions"),
            markdown::escape(svc.name())
        );
    } else {
        let _ = write!(
            out,
            "matches {} in {} services",
            plural(s.total, "action", "actions"),
            count(s.services)
        );
    }
    if s.total <= LIST_ALL && !matches_everything(pattern) {
        list_all(&mut out, pattern, s.service.is_some());
        if let Some(svc) = s.service {
            markdown::service_link(&mut out, svc);
        }
        return out;
    }
    out.push_str("\n\n| Access level | Actions | Examples |\n|---|--:|---|");
    for (i, level) in LEVELS.iter().enumerate() {
        let n = s.by_level[i];
        if n == 0 {
            continue;
        }
        let names = s.examples[i].iter().map(|full| match s.service {
            Some(_) => full.split_once(':').map_or(*full, |(_, name)| name),
            None => full,
        });
        // Full names are long: show fewer when the pattern spans services.
        let shown = if s.service.is_some() { EXAMPLES } else { 4 };
        let _ = write!(
            out,
            "\n| {} | {} | {} |",
            level,
            count(n),
            capped_list(names, n, shown)
        );
    }
    if let Some(svc) = s.service {
        markdown::service_link(&mut out, svc);
    }
    out
}

/// Up to this many matched actions, the hover lists every one; beyond, counts and examples.
const LIST_ALL: usize = 300;

/// Every action `pattern` matches, one paragraph per access level (names without the prefix
/// when they all belong to one service).
fn list_all(out: &mut String, pattern: &str, one_service: bool) {
    let actions = expansion(pattern);
    for level in LEVELS {
        let names: Vec<String> = actions
            .iter()
            .filter(|a| a.access_level() == level)
            .map(|a| {
                let full = a.full_name();
                let name = if one_service {
                    full.split_once(':').map_or(full, |(_, n)| n)
                } else {
                    full
                };
                code(name)
            })
            .collect();
        if names.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n\n**{}** ({}): {}",
            level,
            count(names.len()),
            names.join(", ")
        );
    }
}

fn unknown(written: &str) -> String {
    let cat = catalog::catalog();
    let Some((prefix, _)) = written.split_once(':') else {
        return format!(
            "**{}**: not an action\n\nActions are written `service:Action`, such as \
             `s3:GetObject`, or `*` for every action.",
            code(written)
        );
    };
    match cat.service(prefix) {
        None => {
            let mut out = format!(
                "**{}**: unknown service\n\n{} is not a service prefix in the catalog (new \
                 services can take a few days to reach it).",
                code(written),
                code(prefix)
            );
            suggest_actions_or_services(&mut out, written, prefix);
            out
        }
        Some(svc) => {
            let mut out = format!(
                "**{}**: not an action of {}",
                code(written),
                markdown::escape(svc.name())
            );
            let near = cat.suggest_action(written);
            if !near.is_empty() {
                let _ = write!(
                    out,
                    "\n\nDid you mean {}?",
                    capped_list(near.iter().map(|a| a.full_name()), near.len(), 5)
                );
            }
            markdown::service_link(&mut out, svc);
            out
        }
    }
}

fn suggest_actions_or_services(out: &mut String, written: &str, prefix: &str) {
    let near = catalog::catalog().suggest_action(written);
    if near.is_empty() {
        suggest_services(out, prefix);
    } else {
        let _ = write!(
            out,
            "\n\nDid you mean {}?",
            capped_list(near.iter().map(|a| a.full_name()), near.len(), 5)
        );
    }
}

fn suggest_services(out: &mut String, prefix: &str) {
    let near = catalog::catalog().suggest_service(prefix);
    if !near.is_empty() {
        let _ = write!(
            out,
            "\n\nDid you mean {}?",
            capped_list(near.iter().map(|s| s.prefix()), near.len(), 5)
        );
    }
}

/// A statement's actions, expanded (for the key and ARN hovers).
pub struct StatementActions {
    /// The distinct actions, in the order found (at most the cap).
    pub actions: Vec<Action>,
    /// True when an item is `*` (every action), so lists would be meaningless.
    pub everything: bool,
    /// True when the expansion stopped at the cap.
    pub truncated: bool,
    /// True when the statement uses `NotAction` instead of `Action`.
    pub not_action: bool,
}

/// Expands the statement's `Action` items (up to `cap` distinct actions).
pub fn statement_actions(st: &Statement<'_>, cap: usize) -> StatementActions {
    let mut out = StatementActions {
        actions: Vec::new(),
        everything: false,
        truncated: false,
        not_action: st.action.is_none() && st.not_action.is_some(),
    };
    let mut seen = std::collections::HashSet::new();
    let mut add = |out: &mut StatementActions, action: Action| {
        if out.actions.len() >= cap {
            out.truncated = true;
        } else if seen.insert(action.full_name()) {
            out.actions.push(action);
        }
    };
    for a in st.actions() {
        if matches_everything(a.value) {
            out.everything = true;
        } else if has_wildcards(a.value) {
            for action in expansion(a.value).iter() {
                add(&mut out, *action);
            }
        } else if let Some(action) = catalog::catalog().action(a.value) {
            add(&mut out, action);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_patterns() {
        for p in ["*", "*:*", "**"] {
            assert!(matches_everything(p), "{p}");
        }
        for p in ["s3:*", "*:Get*", "", ":", "*:*:*"] {
            assert!(!matches_everything(p), "{p}");
        }
    }

    /// Issue 17: `s3:Get*` lists every matched action, grouped by access level, not six.
    #[test]
    fn wildcard_hover_lists_every_match_up_to_the_cap() {
        let matched = catalog::catalog().expand("s3:Get*");
        assert!(matched.len() > 6 && matched.len() <= LIST_ALL);
        let text = wildcard("s3:Get*");
        for a in matched.iter() {
            let name = a.full_name().split_once(':').map_or("", |(_, n)| n);
            assert!(
                text.contains(&format!("`{name}`")),
                "{name} missing:\n{text}"
            );
        }
        assert!(text.contains("**Read** ("), "{text}");
        // Beyond the cap: counts and examples.
        let big = wildcard("ec2:*");
        assert!(
            big.contains("| Access level | Actions | Examples |"),
            "{big}"
        );
    }

    #[test]
    fn summaries_count_by_level() {
        let s = summary_of("s3:Get*");
        assert!(s.total > 20);
        assert_eq!(s.services, 1);
        assert_eq!(s.service.map(|x| x.prefix()), Some("s3"));
        assert_eq!(s.by_level.iter().sum::<usize>(), s.total);
        // Cached: the same allocation comes back.
        assert!(Arc::ptr_eq(&s, &summary_of("S3:GET*")));
        let all = &*EVERYTHING;
        assert_eq!(all.total, catalog::catalog().actions().len());
        assert!(all.services > 400);
        assert!(all.service.is_none());
    }
}
