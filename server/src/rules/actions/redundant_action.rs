//! ## What it does
//! Flags an action that adds nothing to its statement: listed twice (names compare ignoring
//! case), or already matched by a wildcard in the same `Action` or `NotAction`, such as
//! `s3:GetObject` next to `s3:Get*`. The quick fix removes it.
//!
//! The check is on the patterns themselves, not on today's list of actions: `s3:GetObject*` is
//! redundant next to `s3:Get*` because every name the first can match, the second matches too.
//!
//! ## Why it matters
//! Redundant entries make a statement longer and harder to review, and they hide what it really
//! grants: a reader who sees `s3:GetObject` may not notice that `s3:*` further down grants every
//! S3 action. Policies also have size limits that duplicates eat into.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*"}
//!   ]
//! }
//! ```

use super::{has_wildcards, pattern_covers, remove_item_fix, split_action};
use crate::policy::{Field, StrList};
use crate::rules::support::Caseless;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};
use std::collections::{HashMap, HashSet};

pub static RULE: Rule = Rule {
    code: "IAM103",
    name: "redundant-action",
    category: Category::Actions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: REDUNDANT_ACTION"],
    summary: "An action is listed twice or already covered by a wildcard in the same statement.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.action, &st.not_action].into_iter().flatten() {
            check_list(field, st.index, out);
        }
    }
}

fn check_list(field: &Field<'_, StrList<'_>>, statement: usize, out: &mut Vec<Diag>) {
    let Some(list) = field.ok() else { return };
    let element = field.key.name;
    let items: Vec<(usize, &str)> = list
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| item.as_ref().ok().map(|s| (i, s.value)))
        .collect();
    if items.len() < 2 {
        return;
    }
    // Wildcards by the service they belong to (lowercase), and those with a wildcard in the
    // service part, which may cover anything.
    let mut by_service: HashMap<Caseless<'_>, Vec<(usize, &str)>> = HashMap::new();
    let mut any_service: Vec<(usize, &str)> = Vec::new();
    for &(i, v) in &items {
        if !has_wildcards(v) {
            continue;
        }
        match split_action(v) {
            Some((prefix, _)) if !has_wildcards(prefix) => {
                by_service.entry(Caseless(prefix)).or_default().push((i, v))
            }
            _ => any_service.push((i, v)),
        }
    }
    let mut seen: HashSet<Caseless<'_>> = HashSet::with_capacity(items.len());
    for &(i, value) in &items {
        let Some(Ok(s)) = list.items.get(i) else {
            continue;
        };
        let name = Caseless(value);
        let prefix = Caseless(split_action(value).map_or("", |(p, _)| p));
        let same_service = by_service.get(&prefix).map_or(&[][..], Vec::as_slice);
        let covering = same_service
            .iter()
            .chain(&any_service)
            .find(|&&(j, outer)| {
                j != i
                && !outer.eq_ignore_ascii_case(value)
                && pattern_covers(outer, value, true)
                // Two patterns that cover each other: only the later one is redundant.
                && (j < i || !pattern_covers(value, outer, true))
            });
        let message = if seen.contains(&name) {
            format!("`{value}` is listed twice in this {element}; remove the repeat")
        } else if let Some((_, by)) = covering {
            seen.insert(name);
            format!("`{value}` is already covered by `{by}` in this {element}; remove it")
        } else {
            seen.insert(name);
            continue;
        };
        let mut diag = Diag::new(s.span, message).in_statement(statement);
        if let Some(fix) = remove_item_fix(list, i, format!("Remove `{value}`")) {
            diag = diag.with_fix(fix);
        }
        out.push(diag);
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    const NAME: &str = "redundant-action";

    fn policy(actions: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Resource": "*"}}]}}"#
        )
    }

    #[test]
    fn flags_duplicates_and_covered_actions() {
        let text = policy(
            r#"["s3:GetObject", "S3:getobject", "s3:Get*", "s3:GetObject*", "*", "ec2:Describe?nstances"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn quiet_when_nothing_overlaps() {
        let text = policy(r#"["s3:GetObject", "s3:PutObject", "s3:List*", "ec2:Get*", "s3:G*x"]"#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
        // A wildcard does not cover a broader one.
        let text = policy(r#"["s3:Get*", "s3:G*"]"#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("`s3:Get*` is already covered by `s3:G*`")
        );
    }

    #[test]
    fn not_action_lists_are_checked() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "iam:PassRole"], "Resource": "*"}]}"#;
        let found = run_rule(NAME, text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("NotAction"));
    }

    #[test]
    fn removing_fixes_leave_valid_json() {
        for text in [
            policy(r#"["s3:GetObject", "s3:Get*"]"#),
            policy(r#"["s3:Get*", "s3:GetObject"]"#),
            policy(r#"["s3:Get*", "s3:GetObject", "s3:PutObject"]"#),
        ] {
            let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
            assert_eq!(found.len(), 1, "{text}");
            let fixed = Fix::apply(&found[0].fixes[0], &text);
            let after = run(&fixed, Some(PolicyKind::Identity));
            assert!(
                !after
                    .iter()
                    .any(|g| g.rule.name == NAME || g.rule.name == "json-syntax"),
                "{fixed}"
            );
        }
    }
}
