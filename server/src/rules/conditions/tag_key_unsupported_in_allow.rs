//! ## What it does
//! Flags an Allow statement that tests `aws:ResourceTag/...`, `aws:RequestTag/...` or
//! `aws:TagKeys` with an operator that fails when the key is missing (`StringEquals`,
//! `StringLike`, `ForAnyValue:...`), while some of its actions do not support that key according
//! to the IAM reference data. With `NotAction` the statement covers almost every action, so some
//! of them never support the key.
//!
//! ## Why it matters
//! An action that does not support a tag key never carries it, so the condition is false for
//! that action and the statement never allows it. Typical cases: `aws:ResourceTag` on `List*`
//! and `Describe*` actions, which act on no single resource, and `aws:RequestTag` on actions that
//! do not create or tag anything. Grant those actions in a statement of their own, without the
//! tag condition (or with a condition they support).
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": ["ec2:StartInstances", "ec2:DescribeInstances"],
//!     "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:ResourceTag/team": "ops"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "ec2:StartInstances",
//!       "Resource": "*",
//!       "Condition": {"StringEquals": {"aws:ResourceTag/team": "ops"}}
//!     },
//!     {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}
//!   ]
//! }
//! ```

use super::{dedup_actions, list_names, wildcard_match};
use crate::catalog::operators::{KeyMissing, operator};
use crate::catalog::{Action, Catalog};
use crate::policy::{Effect, Statement};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM335",
    name: "tag-key-unsupported-in-allow",
    category: Category::Conditions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        "Access Analyzer: ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    ],
    summary: "An Allow with a tag condition key that some of its actions do not support.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for finding in unsupported_tag_keys(cx, Effect::Allow) {
        let key = finding.key;
        let message = match finding.actions {
            Unsupported::Listed { names, total } => format!(
                "{} `{key}`: requests for them never carry it, so this statement never allows them; grant them in a statement without this condition",
                which_actions(&names, total)
            ),
            Unsupported::OutsideNotAction(example) => format!(
                "This Allow covers every action except those in `NotAction`, and some of them, such as `{example}`, do not support `{key}`: requests for them never carry it, so it never allows them"
            ),
            Unsupported::Everything(example) => format!(
                "This Allow covers every action, and some of them, such as `{example}`, do not support `{key}`: requests for them never carry it, so it never allows them"
            ),
        };
        out.push(Diag::new(finding.span, message).in_statement(finding.statement));
    }
}

/// "None of this statement's actions (`a`, `b`) supports" or "2 of this statement's 5 actions
/// (`a`, `b`) do not support", ready to be followed by the key.
pub(crate) fn which_actions(names: &[&str], total: usize) -> String {
    if names.len() == total {
        format!(
            "None of this statement's actions ({}) supports",
            list_names(names, 3)
        )
    } else if names.len() == 1 {
        format!(
            "{}, one of this statement's {total} actions, does not support",
            list_names(names, 1)
        )
    } else {
        format!(
            "{} of this statement's {total} actions ({}) do not support",
            names.len(),
            list_names(names, 3)
        )
    }
}

/// The actions of a statement that lack support for a tag key.
pub(crate) enum Unsupported {
    /// From `Action`: the unsupported action names, and how many actions the statement has.
    Listed {
        names: Vec<&'static str>,
        total: usize,
    },
    /// From `NotAction`: one action outside the list that lacks support.
    OutsideNotAction(&'static str),
    /// From `"Action": "*"`: one action that lacks support.
    Everything(&'static str),
}

/// One tag condition key some actions of its statement do not support.
pub(crate) struct TagFinding<'a> {
    pub statement: usize,
    pub span: crate::syntax::Span,
    pub key: &'a str,
    pub actions: Unsupported,
}

/// The name under which the reference data lists `key` for the actions that support it, when
/// `key` is one of the global tag keys these rules look at (`aws:ResourceTag/team` is listed as
/// `aws:ResourceTag/${TagKey}`).
fn tag_key_pattern(key: &str) -> Option<&'static str> {
    const PATTERNS: [(&str, &str); 2] = [
        ("aws:resourcetag/", "aws:ResourceTag/${TagKey}"),
        ("aws:requesttag/", "aws:RequestTag/${TagKey}"),
    ];
    if key.eq_ignore_ascii_case("aws:TagKeys") {
        return Some("aws:TagKeys");
    }
    PATTERNS.iter().find_map(|(prefix, pattern)| {
        (key.len() > prefix.len()
            && key
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix)))
        .then_some(*pattern)
    })
}

/// Whether the reference data lists the tag key `pattern` (as named by [`tag_key_pattern`]) for
/// `action`, directly or through its resource types. A plain name comparison, much cheaper than
/// matching the key against every pattern the action lists.
fn lists_tag_key(action: &Action, pattern: &str) -> bool {
    action
        .all_condition_keys()
        .any(|k| k.name().eq_ignore_ascii_case(pattern))
}

/// Every tag key, in statements with effect `effect`, whose operator fails when the key is
/// missing and that some of the statement's actions do not support.
pub(crate) fn unsupported_tag_keys<'a>(cx: &Context<'a>, effect: Effect) -> Vec<TagFinding<'a>> {
    let mut findings = Vec::new();
    // Expansions of the action patterns seen so far: statements often repeat them.
    let mut expanded: Vec<(&str, Vec<Action>)> = Vec::new();
    for st in &cx.policy.statements {
        if st.effect() != Some(effect) {
            continue;
        }
        let Some(condition) = st.condition.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        let mut actions: Option<Option<Vec<Action>>> = None;
        for (block, entry) in condition.entries() {
            let key = entry.key.name;
            let Some(pattern) = tag_key_pattern(key) else {
                continue;
            };
            if operator(block.operator.name).map(|o| o.when_key_missing())
                != Some(KeyMissing::DoesNotMatch)
            {
                continue;
            }
            let every_action = st.actions().any(|a| a.value == "*");
            let unsupported = if st.not_action.is_some() {
                outside_not_action(cx.catalog, st, pattern).map(Unsupported::OutsideNotAction)
            } else if every_action {
                outside_not_action(cx.catalog, st, pattern).map(Unsupported::Everything)
            } else {
                let Some(list) =
                    actions.get_or_insert_with(|| statement_actions(cx.catalog, st, &mut expanded))
                else {
                    continue;
                };
                let names: Vec<&'static str> = list
                    .iter()
                    .filter(|a| !lists_tag_key(a, pattern))
                    .map(|a| a.full_name())
                    .collect();
                (!names.is_empty()).then_some(Unsupported::Listed {
                    names,
                    total: list.len(),
                })
            };
            if let Some(actions) = unsupported {
                findings.push(TagFinding {
                    statement: st.index,
                    span: entry.key.span,
                    key,
                    actions,
                });
            }
        }
    }
    findings
}

/// The known actions of the statement's `Action` (unknown names are skipped); `None` when there
/// is no `Action` or it matches no known action.
fn statement_actions<'a>(
    catalog: &Catalog,
    st: &Statement<'a>,
    expanded: &mut Vec<(&'a str, Vec<Action>)>,
) -> Option<Vec<Action>> {
    let mut all = Vec::new();
    for a in st.actions() {
        match expanded.iter().find(|(p, _)| *p == a.value) {
            Some((_, actions)) => all.extend_from_slice(actions),
            None => {
                let actions = catalog.expand(a.value);
                all.extend_from_slice(&actions);
                expanded.push((a.value, actions));
            }
        }
    }
    dedup_actions(&mut all);
    (!all.is_empty()).then_some(all)
}

/// A catalog action that the statement's `NotAction` does not exclude and for which the reference
/// data does not list the tag key `pattern`, if any.
fn outside_not_action(
    catalog: &Catalog,
    st: &Statement<'_>,
    pattern: &str,
) -> Option<&'static str> {
    let excluded: Vec<&str> = st.not_actions().map(|s| s.value).collect();
    catalog
        .actions()
        .find(|a| {
            !excluded
                .iter()
                .any(|p| wildcard_match(p, a.full_name(), true))
                && !lists_tag_key(a, pattern)
        })
        .map(|a| a.full_name())
}
