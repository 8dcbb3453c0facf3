//! ## What it does
//! Points out an Allow whose condition uses `ForAllValues:` on a multi-valued key such as
//! `aws:TagKeys`, when nothing else in the statement requires the key to have values (a
//! `"Null": {key: "false"}` check or a `ForAnyValue:` test of the same key). The quick fix adds
//! the `Null` check. Statements whose actions always send values for the key are left alone:
//! tag keys on tagging actions (`TagResource`, `CreateTags` require at least one tag) and
//! `kms:GrantOperations` on `kms:CreateGrant`.
//!
//! ## Why it matters
//! `ForAllValues:` asks whether every value in the request is in the list, and that is true of
//! a request that has no values at all. `ForAllValues:StringEquals` on `aws:TagKeys` with
//! `["team", "env"]` allows tagging only with those keys, as intended, but also allows the call
//! with no tags: a `CreateVolume` without any tag, which an ABAC policy then cannot match.
//! That is fine when the aim is only to limit which keys may be used; when the aim is to
//! require tags, add `"Null": {"aws:TagKeys": "false"}` (the key must be present) or test a
//! specific tag with `aws:RequestTag/KEY`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": ["ec2:CreateVolume", "ec2:CreateTags"],
//!     "Resource": "*",
//!     "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": ["ec2:CreateVolume", "ec2:CreateTags"],
//!     "Resource": "*",
//!     "Condition": {
//!       "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
//!       "Null": {"aws:TagKeys": "false"}
//!     }
//!   }]
//! }
//! ```

use crate::catalog::AccessLevel;
use crate::catalog::operators::{SetQualifier, ValueType};
use crate::policy::{Effect, Statement};
use crate::rules::traps::{add_condition, conditions};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM915",
    name: "forallvalues-matches-no-values",
    category: Category::Traps,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "ForAllValues on a multi-valued key in an Allow is also true when the request has no values.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for c in conditions(st) {
            if c.op.qualifier != Some(SetQualifier::ForAllValues)
                || c.op.if_exists
                || c.op.value_type() == ValueType::Null
            {
                continue;
            }
            let key = c.entry.key.name;
            if !cx.catalog.condition_key(key).is_some_and(|k| k.multivalued) {
                continue;
            }
            if values_always_sent(cx, st, key) {
                continue;
            }
            let required = conditions(st).any(|o| {
                o.entry.key.name.eq_ignore_ascii_case(key)
                    && ((o.op.value_type() == ValueType::Null
                        && o.texts().any(|v| v.eq_ignore_ascii_case("false")))
                        || o.op.qualifier == Some(SetQualifier::ForAnyValue))
            });
            if required {
                continue;
            }
            let mut diag = Diag::new(
                c.entry.key.span,
                format!(
                    "ForAllValues is also true when the request has no {key} at all, so this \
                     Allow also grants requests that carry none. Add \"Null\": \
                     {{\"{key}\": \"false\"}} if at least one value is required."
                ),
            )
            .in_statement(st.index);
            if let Some(edit) = add_condition(cx, st, "Null", key, "\"false\"") {
                diag = diag.with_fix(Fix {
                    title: format!("Require at least one value (Null {key} false)"),
                    edits: vec![edit],
                });
            }
            out.push(diag);
        }
    }
}

/// True when every action of the statement always sends values for the key, so that the empty
/// case cannot happen: tag keys on tagging actions (`TagResource`, `CreateTags`, ...), which
/// require at least one tag, and the operations list of `kms:CreateGrant`.
fn values_always_sent(cx: &Context<'_>, st: &Statement<'_>, key: &str) -> bool {
    let tag_keys = key.eq_ignore_ascii_case("aws:TagKeys");
    let grant_ops = key.eq_ignore_ascii_case("kms:GrantOperations");
    if !tag_keys && !grant_ops {
        return false;
    }
    let mut any = false;
    for a in st.actions() {
        let actions = cx.catalog.expand(a.value);
        if actions.is_empty() {
            return false;
        }
        for action in actions {
            any = true;
            let sent = if tag_keys {
                action.access_level() == AccessLevel::Tagging
            } else {
                action.full_name() == "kms:CreateGrant"
            };
            if !sent {
                return false;
            }
        }
    }
    any
}
