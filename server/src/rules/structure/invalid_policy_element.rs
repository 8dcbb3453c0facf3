//! ## What it does
//! Flags a key that is not a policy element: at the top level anything but `Version`, `Id` and
//! `Statement`; in a statement anything but `Sid`, `Effect`, `Principal`, `NotPrincipal`,
//! `Action`, `NotAction`, `Resource`, `NotResource` and `Condition`. Near misses get a "did you
//! mean" and a quick fix: a wrong case (`effect`), a plural (`Actions`, `Resources`), a typo
//! (`Condtion`). A statement element written at the top level, or the reverse, is named as
//! such.
//!
//! ## Why it matters
//! Element names are case-sensitive and the list is closed: AWS rejects a policy with any other
//! key. A misspelt `Condition` is the dangerous case in tools that ignore unknown keys, because
//! the statement then reads as if it had no condition at all.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Actions": ["s3:GetObject"], "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
//!   ]
//! }
//! ```

use crate::policy::{Element, Statement};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    code: "IAM003",
    name: "invalid-policy-element",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_POLICY_ELEMENT"],
    summary: "A key is not a policy or statement element.",
    check,
};

/// The elements of the policy object.
const TOP: &[&str] = &["Version", "Id", "Statement"];

/// The elements of a statement.
const STATEMENT: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let policy = cx.policy;
    let top_present = |name: &str| match name {
        "Version" => policy.version.is_some(),
        "Id" => policy.id.is_some(),
        "Statement" => policy.statement.is_some(),
        _ => false,
    };
    for el in &policy.unknown_elements {
        out.push(diagnose(cx, el, TOP, STATEMENT, "the policy", top_present));
    }
    for st in &policy.statements {
        for el in &st.unknown_elements {
            let present = |name: &str| statement_has(st, name);
            out.push(
                diagnose(cx, el, STATEMENT, TOP, "a statement", present).in_statement(st.index),
            );
        }
    }
}

fn statement_has(st: &Statement<'_>, name: &str) -> bool {
    match name {
        "Sid" => st.sid.is_some(),
        "Effect" => st.effect.is_some(),
        "Principal" => st.principal.is_some(),
        "NotPrincipal" => st.not_principal.is_some(),
        "Action" => st.action.is_some(),
        "NotAction" => st.not_action.is_some(),
        "Resource" => st.resource.is_some(),
        "NotResource" => st.not_resource.is_some(),
        "Condition" => st.condition.is_some(),
        _ => false,
    }
}

/// What is known about an unknown key: the element it was probably meant to be.
enum Guess {
    /// A near miss of an element of this level.
    Here(&'static str),
    /// Exactly (up to case) an element of the other level.
    OtherLevel(&'static str),
    /// Nothing close.
    Nothing,
}

fn diagnose(
    cx: &Context<'_>,
    el: &Element<'_>,
    here: &'static [&'static str],
    other: &'static [&'static str],
    place: &str,
    present: impl Fn(&str) -> bool,
) -> Diag {
    let key = el.key.name;
    match guess(key, here, other) {
        Guess::Here(name) => {
            let mut d = Diag::new(
                el.key.span,
                format!(
                    "`{key}` is not an element of {place}; did you mean `{name}`? Element names are case-sensitive and AWS rejects unknown ones"
                ),
            );
            if !present(name)
                && let Some(content) = key_content(cx.text, el.key.span)
            {
                d = d.with_fix(Fix::replace(format!("Rename to `{name}`"), content, name));
            }
            d
        }
        Guess::OtherLevel(name) => {
            let (belongs, level) = if here == TOP {
                ("inside a statement", "the policy")
            } else {
                ("at the top level of the policy", "a statement")
            };
            Diag::new(
                el.key.span,
                format!(
                    "`{key}` belongs {belongs}, not in {level}; move `{name}` there (AWS rejects unknown elements)"
                ),
            )
        }
        Guess::Nothing => Diag::new(
            el.key.span,
            format!(
                "`{key}` is not an element of {place} (allowed: {}); AWS rejects unknown elements, so remove or rename it",
                here.join(", ")
            ),
        ),
    }
}

/// The span between a key's quotes, when the key is a plain quoted string in the text.
fn key_content(text: &str, span: Span) -> Option<Span> {
    let bytes = text.as_bytes();
    if span.len() >= 2
        && bytes.get(span.start) == Some(&b'"')
        && bytes.get(span.end - 1) == Some(&b'"')
    {
        Some(Span::new(span.start + 1, span.end - 1))
    } else {
        None
    }
}

fn guess(key: &str, here: &'static [&'static str], other: &'static [&'static str]) -> Guess {
    let trimmed = key.trim();
    if let Some(name) = here.iter().find(|n| n.eq_ignore_ascii_case(trimmed)) {
        return Guess::Here(name);
    }
    if let Some(name) = other.iter().find(|n| n.eq_ignore_ascii_case(trimmed)) {
        return Guess::OtherLevel(name);
    }
    // Plurals and a trailing "s": `Actions`, `Resources`, `Statements`.
    if let Some(singular) = trimmed
        .strip_suffix('s')
        .or_else(|| trimmed.strip_suffix('S'))
        && let Some(name) = here.iter().find(|n| n.eq_ignore_ascii_case(singular))
    {
        return Guess::Here(name);
    }
    // Typos: the single nearest element within a small edit distance.
    let limit = if trimmed.chars().count() >= 6 { 2 } else { 1 };
    let mut best: Option<(usize, &'static str)> = None;
    let mut tie = false;
    for name in here {
        let d = distance(trimmed, name);
        if d <= limit {
            match best {
                Some((bd, _)) if d > bd => {}
                Some((bd, _)) if d == bd => tie = true,
                _ => {
                    best = Some((d, name));
                    tie = false;
                }
            }
        }
    }
    match best {
        Some((_, name)) if !tie => Guess::Here(name),
        _ => Guess::Nothing,
    }
}

/// Edit distance (insertions, deletions, substitutions, swaps of neighbours), ignoring ASCII
/// case. Keys are short, so the full table is cheap.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const RULE: &str = "invalid-policy-element";

    #[test]
    fn suggests_the_element_meant() {
        let text = r#"{
  "version": "2012-10-17",
  "Statements": [],
  "Statement": [
    {
      "effect": "Allow",
      "Actions": ["s3:GetObject"],
      "Resources": "*",
      "Condtion": {"Bool": {"aws:SecureTransport": "true"}},
      "NotActoin": "s3:PutObject",
      "Version": "2012-10-17",
      "Comment": "read only"
    }
  ],
  "Effect": "Deny",
  "Description": "x"
}"#;
        insta::assert_snapshot!(render(text, &run_rule(RULE, text, None)));
    }

    #[test]
    fn no_fix_when_the_right_name_is_already_there() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Actions": "s3:PutObject", "Resource": "*"}]}"#;
        let f = run_rule(RULE, text, None);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("did you mean `Action`"));
        assert!(f[0].fixes.is_empty());
    }

    #[test]
    fn known_elements_are_not_flagged() {
        let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": [{"Sid": "A", "Effect": "Allow", "NotPrincipal": {"AWS": "*"}, "NotAction": "s3:*", "NotResource": "*", "Condition": {}}]}"#;
        assert!(run_rule(RULE, text, None).is_empty());
    }

    #[test]
    fn fixes_apply_cleanly() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"effect": "Allow", "Actions": "s3:GetObject", "Resources": "*", "Condtion": {"Bool": {"aws:SecureTransport": "true"}}}]}"#;
        let fixed = apply_all_fixes(RULE, text, None);
        assert!(run_rule(RULE, &fixed, None).is_empty(), "{fixed}");
        assert!(fixed.contains(r#""Condition": {"#), "{fixed}");
    }

    #[test]
    fn guesses() {
        assert!(matches!(
            guess("ACTION", STATEMENT, TOP),
            Guess::Here("Action")
        ));
        assert!(matches!(
            guess("Princpal", STATEMENT, TOP),
            Guess::Here("Principal")
        ));
        assert!(matches!(
            guess("Id", STATEMENT, TOP),
            Guess::OtherLevel("Id")
        ));
        assert!(matches!(guess("Foo", STATEMENT, TOP), Guess::Nothing));
        assert!(matches!(guess("", STATEMENT, TOP), Guess::Nothing));
        assert!(matches!(guess("Sids", STATEMENT, TOP), Guess::Here("Sid")));
        assert_eq!(distance("Condtion", "Condition"), 1);
        assert_eq!(distance("NotActoin", "NotAction"), 1);
    }
}
