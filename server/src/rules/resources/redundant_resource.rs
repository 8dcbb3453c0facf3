//! ## What it does
//! Flags a resource that adds nothing to its statement: listed twice, or already matched by
//! another entry of the same `Resource` or `NotResource`, such as `arn:aws:s3:::b/reports/*`
//! next to `arn:aws:s3:::b/*`, or any ARN next to `*`. The quick fix removes it.
//!
//! ARNs compare case-sensitively. A wildcard in the partition, service, region or account field
//! covers that field only; in the resource part it covers anything. An entry with a policy
//! variable is only covered by a wildcard over the variable's place, or by the same text.
//!
//! ## Why it matters
//! Redundant entries make the statement longer and suggest a narrower grant than the one it
//! makes: a reader who sees `arn:aws:s3:::b/reports/*` may miss that `arn:aws:s3:::b/*` above
//! it grants the whole bucket. Policies also have size limits.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Effect": "Allow",
//!       "Action": "s3:GetObject",
//!       "Resource": ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket/reports/*"]
//!     }
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::my-bucket/*"]}
//!   ]
//! }
//! ```

use super::{Arn, split_arn};
use crate::policy::{Field, StrList};
use crate::rules::actions::{has_wildcards, pattern_covers, remove_item_fix};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM212",
    name: "redundant-resource",
    category: Category::Resources,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: REDUNDANT_RESOURCE"],
    summary: "A resource is listed twice or already covered by another in the same statement.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        for field in [&st.resource, &st.not_resource].into_iter().flatten() {
            check_list(field, st.index, out);
        }
    }
}

fn check_list(field: &Field<'_, StrList<'_>>, statement: usize, out: &mut Vec<Diag>) {
    let Some(list) = field.ok() else { return };
    let element = field.key.name;
    let items: Vec<(usize, Entry<'_>)> = list
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| item.as_ref().ok().map(|s| (i, Entry::new(s.value))))
        .collect();
    if items.len() < 2 {
        return;
    }
    let wildcards: Vec<&(usize, Entry<'_>)> = items
        .iter()
        .filter(|(_, e)| has_wildcards(e.value))
        .collect();
    let mut seen: std::collections::HashSet<&str> =
        std::collections::HashSet::with_capacity(items.len());
    for (i, entry) in &items {
        let (i, value) = (*i, entry.value);
        let Some(Ok(s)) = list.items.get(i) else {
            continue;
        };
        let message = if !seen.insert(value) {
            format!("`{value}` is listed twice in this {element}; remove the repeat")
        } else if let Some((_, by)) = wildcards.iter().find(|(j, outer)| {
            *j != i
                && outer.value != value
                && outer.covers(entry)
                // Two entries that cover each other: only the later one is redundant.
                && (*j < i || !entry.covers(outer))
        }) {
            let by = by.value;
            format!("`{value}` is already covered by `{by}` in this {element}; remove it")
        } else {
            continue;
        };
        let mut diag = Diag::new(s.span, message).in_statement(statement);
        if let Some(fix) = remove_item_fix(list, i, format!("Remove `{value}`")) {
            diag = diag.with_fix(fix);
        }
        out.push(diag);
    }
}

/// A `Resource` entry, split once for the comparisons with every other entry.
struct Entry<'a> {
    value: &'a str,
    /// The six fields, for a complete ARN. `None` also when the entry holds `${*}`, `${?}` or
    /// `${$}`: those stand for literal characters, so such entries are compared only as whole
    /// strings.
    arn: Option<Arn<'a>>,
}

impl<'a> Entry<'a> {
    fn new(value: &'a str) -> Entry<'a> {
        let literal_escape = ["${*}", "${?}", "${$}"].iter().any(|e| value.contains(e));
        let arn = split_arn(value).filter(|a| a.complete() && !literal_escape);
        Entry { value, arn }
    }

    /// Whether every resource `inner` can match is matched by this entry (sound, not complete).
    fn covers(&self, inner: &Entry<'_>) -> bool {
        if self.value == "*" {
            return true;
        }
        match (&self.arn, &inner.arn) {
            (Some(o), Some(i)) => o
                .fields()
                .iter()
                .zip(i.fields())
                .all(|(a, b)| pattern_covers(a.text, b.text, false)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Entry;
    use crate::policy::PolicyKind;
    use crate::rules::Fix;
    use crate::rules::testing::{render, run, run_rule};

    fn arn_covers(outer: &str, inner: &str) -> bool {
        Entry::new(outer).covers(&Entry::new(inner))
    }

    const NAME: &str = "redundant-resource";

    fn policy(resources: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resources}}}]}}"#
        )
    }

    #[test]
    fn flags_duplicates_and_covered_resources() {
        let text = policy(
            r#"["arn:aws:s3:::b/*", "arn:aws:s3:::b/reports/*", "arn:aws:s3:::b/*", "arn:aws:s3:::c/${aws:username}/*", "arn:aws:s3:::c/*"]"#,
        );
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        insta::assert_snapshot!(render(&text, &found));
    }

    #[test]
    fn covering_rules() {
        assert!(arn_covers("*", "arn:aws:s3:::b"));
        assert!(arn_covers("arn:aws:s3:::*", "arn:aws:s3:::b/k"));
        assert!(arn_covers("arn:*:s3:::b", "arn:aws:s3:::b"));
        assert!(!arn_covers("arn:aws:s3:::b*", "arn:aws:S3:::b"));
        assert!(!arn_covers("arn:aws:s3:::B/*", "arn:aws:s3:::b/k"));
        assert!(!arn_covers(
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::*:user/x"
        ));
        // A wildcard in the account field covers that field only.
        assert!(!arn_covers("arn:aws:iam::*", "arn:aws:iam::1:role/x"));
        assert!(!arn_covers("arn:aws:s3:::b${*}", "arn:aws:s3:::b${*}x"));
        assert!(arn_covers(
            "arn:aws:iam::*:role/${aws:username}*",
            "arn:aws:iam::1:role/${aws:username}-x"
        ));
    }

    #[test]
    fn quiet_when_entries_differ() {
        let text = policy(r#"["arn:aws:s3:::b/*", "arn:aws:s3:::c/*", "arn:aws:s3:::b"]"#);
        assert!(run_rule(NAME, &text, Some(PolicyKind::Identity)).is_empty());
    }

    #[test]
    fn star_makes_the_rest_redundant_and_removal_is_clean() {
        let text = policy(r#"["arn:aws:s3:::b/*", "*"]"#);
        let found = run_rule(NAME, &text, Some(PolicyKind::Identity));
        assert_eq!(found.len(), 1);
        let fixed = Fix::apply(&found[0].fixes[0], &text);
        assert!(fixed.contains(r#""Resource": ["*"]"#), "{fixed}");
        assert!(
            !run(&fixed, Some(PolicyKind::Identity))
                .iter()
                .any(|f| f.rule.name == NAME || f.rule.name == "json-syntax")
        );
    }
}
