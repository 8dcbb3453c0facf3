//! ## What it does
//! Flags an empty list or object where a statement names what it covers: `"Action": []`,
//! `"Resource": []`, a principal type with no values (`{"AWS": []}`) and `"Principal": {}`, and
//! their `Not` forms.
//!
//! ## Why it matters
//! An empty list matches nothing, so the effect is easy to misread:
//!
//! - `"Action": []`, `"Resource": []`, `"Principal": {}`: the statement covers nothing and never
//!   applies. A `Deny` written this way protects nothing.
//! - `"NotAction": []`, `"NotResource": []`, `"NotPrincipal": {}`: nothing is excluded, so the
//!   statement covers every action, resource or principal: the opposite of what an empty list
//!   suggests.
//! - `{"AWS": []}` inside `Principal`: that principal type names nobody; if no other type is
//!   listed, the statement never applies.
//!
//! Usually the values were lost in an edit or a template rendered an empty variable.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Deny", "Action": [], "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Deny", "Action": ["s3:DeleteBucket"], "Resource": "*"}]
//! }
//! ```

use crate::policy::{Field, Principal, StrList};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM030",
    name: "empty-element",
    category: Category::Structure,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[
        "Access Analyzer: EMPTY_ARRAY_ACTION",
        "Access Analyzer: EMPTY_ARRAY_RESOURCE",
        "Access Analyzer: EMPTY_ARRAY_PRINCIPAL",
        "Access Analyzer: EMPTY_OBJECT_PRINCIPAL",
    ],
    summary: "`Action`, `Resource` or `Principal` (or a `Not` form) is empty.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let lists = [
            (&st.action, "action", false),
            (&st.not_action, "action", true),
            (&st.resource, "resource", false),
            (&st.not_resource, "resource", true),
        ];
        for (field, noun, negated) in lists {
            if let Some(list) = empty_list(field) {
                let name = field.as_ref().map_or("", |f| f.key.name);
                let message = if negated {
                    format!(
                        "`{name}` is an empty list, so it excludes nothing and the statement covers every {noun}; list what to exclude, or use `{}` if every {noun} is meant",
                        name.trim_start_matches("Not")
                    )
                } else {
                    format!(
                        "`{name}` is an empty list, so the statement covers no {noun} and never applies; add {noun}s or remove the statement"
                    )
                };
                out.push(Diag::new(list.span, message).in_statement(st.index));
            }
        }
        for (field, negated) in [(&st.principal, false), (&st.not_principal, true)] {
            let Some(f) = field else { continue };
            let Some(Principal::Map(map)) = f.ok() else {
                continue;
            };
            let name = f.key.name;
            if map.closed && map.entries.is_empty() {
                let message = if negated {
                    format!(
                        "`{name}` is an empty object, so it excludes nobody and the statement applies to every principal; name the principals to exclude"
                    )
                } else {
                    format!(
                        "`{name}` is an empty object, so the statement applies to nobody and never takes effect; name the principals"
                    )
                };
                out.push(Diag::new(map.span, message).in_statement(st.index));
                continue;
            }
            for e in &map.entries {
                let Some(list) = e.field.ok() else { continue };
                if list.array && list.closed && list.is_empty() {
                    let effect = if negated {
                        "excludes no principal of that type"
                    } else if map.entries.len() == 1 {
                        "names nobody, so the statement never applies"
                    } else {
                        "names nobody"
                    };
                    out.push(
                        Diag::new(
                            list.span,
                            format!(
                                "The `{}` list of `{name}` is empty and {effect}; add principals or remove the entry",
                                e.key.name
                            ),
                        )
                        .in_statement(st.index),
                    );
                }
            }
        }
    }
}

/// The list, when the field holds a complete `[]`.
fn empty_list<'s, 'a>(field: &'s Option<Field<'a, StrList<'a>>>) -> Option<&'s StrList<'a>> {
    let list = field.as_ref()?.ok()?;
    (list.array && list.closed && list.is_empty()).then_some(list)
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "empty-element";

    #[test]
    fn flags_empty_lists_and_objects() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {}, "Action": [], "Resource": []},
  {"Effect": "Deny", "NotPrincipal": {}, "NotAction": [], "NotResource": []},
  {"Effect": "Allow", "Principal": {"AWS": []}, "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Principal": {"AWS": [], "Service": "ec2.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "*"}
]}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(NAME, text, Some(PolicyKind::Resource))
        ));
    }

    #[test]
    fn non_empty_and_unfinished_values_pass() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": ["s3:GetObject"], "Resource": ["*"]},
  {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
]}"#;
        assert!(run_rule(NAME, text, Some(PolicyKind::Resource)).is_empty());
        let typing = r#"{"Statement": [{"Effect": "Allow", "Action": ["#;
        assert!(run_rule(NAME, typing, None).is_empty());
    }
}
