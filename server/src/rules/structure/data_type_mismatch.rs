//! ## What it does
//! Flags a value of the wrong JSON type for its place: a number as `Effect`, an object as
//! `Action`, a string as `Condition`, `null` in a condition value list, a statement that is not
//! an object, a document that is not an object.
//!
//! ## Why it matters
//! The policy grammar fixes the type of every element: `Action` takes a string or a list of
//! strings, `Condition` an object of objects, and so on. AWS rejects a policy with any value of
//! another type. Values the parser could not read at all are left to `json-syntax`.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": {"s3": "GetObject"}, "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
//!   ]
//! }
//! ```

use crate::policy::{
    Condition, Field, Invalid, JsonType, Principal, Scalar, StatementForm, Str, StrList,
};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM002",
    name: "data-type-mismatch",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: DATA_TYPE_MISMATCH"],
    summary: "A policy element holds a value of the wrong JSON type.",
    check,
};

const STRING: &str = "a string";
const STRINGS: &str = "a string or an array of strings";

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let policy = cx.policy;
    if let Some(inv) = &policy.root_invalid {
        report(cx, out, None, "The policy", "an object", inv, false);
        return;
    }
    if let Some(f) = &policy.version {
        field_str(cx, out, None, f);
    }
    if let Some(f) = &policy.id {
        field_str(cx, out, None, f);
    }
    if let Some(f) = &policy.statement {
        match &f.value {
            Err(inv) => report(
                cx,
                out,
                None,
                "`Statement`",
                "an object or an array of objects",
                inv,
                false,
            ),
            Ok(StatementForm::Array { invalid_items, .. }) => {
                for (_, inv) in invalid_items {
                    report(cx, out, None, "Each statement", "an object", inv, false);
                }
            }
            Ok(StatementForm::Object) => {}
        }
    }
    for st in &policy.statements {
        let i = Some(st.index);
        if let Some(f) = &st.sid {
            field_str(cx, out, i, f);
        }
        if let Some(f) = &st.effect {
            field_str(cx, out, i, f);
        }
        for f in [&st.principal, &st.not_principal].into_iter().flatten() {
            principal(cx, out, i, f);
        }
        for f in [&st.action, &st.not_action, &st.resource, &st.not_resource]
            .into_iter()
            .flatten()
        {
            str_list(cx, out, i, &|| format!("`{}`", f.key.name), &f.value);
        }
        if let Some(f) = &st.condition {
            condition(cx, out, i, f);
        }
    }
}

/// A string element (`Version`, `Id`, `Sid`, `Effect`).
fn field_str(cx: &Context<'_>, out: &mut Vec<Diag>, st: Option<usize>, f: &Field<'_, Str<'_>>) {
    if let Err(inv) = &f.value {
        report(cx, out, st, &format!("`{}`", f.key.name), STRING, inv, true);
    }
}

/// A string-or-array-of-strings value and its items.
fn str_list(
    cx: &Context<'_>,
    out: &mut Vec<Diag>,
    st: Option<usize>,
    name: &dyn Fn() -> String,
    value: &Result<StrList<'_>, Invalid>,
) {
    match value {
        Err(inv) => report(cx, out, st, &name(), STRINGS, inv, true),
        Ok(list) => {
            for inv in list.invalid() {
                let label = format!("Each item of {}", name());
                report(cx, out, st, &label, STRING, inv, true);
            }
        }
    }
}

fn principal(
    cx: &Context<'_>,
    out: &mut Vec<Diag>,
    st: Option<usize>,
    f: &Field<'_, Principal<'_>>,
) {
    let name = f.key.name;
    match &f.value {
        Err(inv) => report(
            cx,
            out,
            st,
            &format!("`{name}`"),
            "`\"*\"` or an object such as `{\"AWS\": [...]}`",
            inv,
            false,
        ),
        Ok(p) => {
            for e in p.entries() {
                let label = || format!("the `{}` entry of `{name}`", e.key.name);
                str_list(cx, out, st, &label, &e.field.value);
            }
        }
    }
}

fn condition(
    cx: &Context<'_>,
    out: &mut Vec<Diag>,
    st: Option<usize>,
    f: &Field<'_, Condition<'_>>,
) {
    let cond = match &f.value {
        Err(inv) => {
            let expected = "an object of operators, such as `{\"StringEquals\": {...}}`";
            report(cx, out, st, "`Condition`", expected, inv, false);
            return;
        }
        Ok(c) => c,
    };
    for block in &cond.blocks {
        let op = block.operator.name;
        let entries = match &block.field.value {
            Err(inv) => {
                let expected = "an object of condition keys and values";
                report(cx, out, st, &format!("`{op}`"), expected, inv, false);
                continue;
            }
            Ok(e) => e,
        };
        for entry in entries {
            let key = entry.key.name;
            let expected = "a string, number or boolean, or an array of them";
            match &entry.field.value {
                Err(inv) => report(cx, out, st, &format!("`{key}`"), expected, inv, false),
                Ok(list) => {
                    for item in &list.items {
                        if let Scalar::Invalid(inv) = item {
                            let label = format!("Each value of `{key}`");
                            let expected = "a string, number or boolean";
                            report(cx, out, st, &label, expected, inv, false);
                        }
                    }
                }
            }
        }
    }
}

/// Pushes one finding unless the parser has already reported the value. `quotable`: a number or
/// boolean found where a string belongs gets a fix that quotes it.
fn report(
    cx: &Context<'_>,
    out: &mut Vec<Diag>,
    st: Option<usize>,
    what: &str,
    expected: &str,
    inv: &Invalid,
    quotable: bool,
) {
    if inv.found.is_syntax_problem() {
        return;
    }
    let found = match inv.found {
        JsonType::Object => "an object",
        JsonType::Array => "an array",
        JsonType::Number => "a number",
        JsonType::Bool => "a boolean",
        JsonType::Null => "null",
        JsonType::String => "a string",
        JsonType::Error | JsonType::Missing => return,
    };
    let mut what = what.to_string();
    if let Some(first) = what.get(..1) {
        let upper = first.to_ascii_uppercase();
        what.replace_range(..1, &upper);
    }
    let mut diag = Diag::new(
        inv.span,
        format!(
            "{what} must be {expected}, not {found}; AWS rejects a policy with a value of the wrong type"
        ),
    );
    if let Some(i) = st {
        diag = diag.in_statement(i);
    }
    if quotable
        && matches!(inv.found, JsonType::Number | JsonType::Bool)
        && let Some(raw) = cx.text.get(inv.span.start..inv.span.end)
    {
        diag = diag.with_fix(Fix::replace(
            format!("Quote it: \"{raw}\""),
            inv.span,
            format!("\"{raw}\""),
        ));
    }
    out.push(diag);
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const RULE: &str = "data-type-mismatch";

    #[test]
    fn flags_every_element_of_the_wrong_type() {
        let text = r#"{
  "Version": 2012,
  "Id": ["x"],
  "Statement": [
    "not a statement",
    {
      "Sid": 1,
      "Effect": true,
      "Action": ["s3:GetObject", 5, null],
      "NotResource": {"arn": "x"},
      "Principal": ["*"],
      "Condition": {
        "StringEquals": "aws:username",
        "Bool": {"aws:SecureTransport": {"value": true}},
        "StringLike": {"s3:prefix": ["a", null, ["b"]]}
      }
    },
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {"AWS": 123456789012, "Service": ["ec2.amazonaws.com", false]},
      "Condition": "none"
    }
  ]
}"#;
        insta::assert_snapshot!(render(
            text,
            &run_rule(RULE, text, Some(PolicyKind::Resource))
        ));
    }

    #[test]
    fn flags_a_document_and_a_statement_element_that_are_not_objects() {
        let text = r#"["Version", "2012-10-17"]"#;
        insta::assert_snapshot!(render(text, &run_rule(RULE, text, None)));
        let text = r#"{"Version": "2012-10-17", "Statement": "Allow everything"}"#;
        insta::assert_snapshot!(render(text, &run_rule(RULE, text, None)));
    }

    #[test]
    fn accepts_every_valid_shape() {
        let text = r#"{
  "Version": "2012-10-17",
  "Id": "p1",
  "Statement": {
    "Sid": "A",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ec2.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": ["arn:aws:s3:::b/*"],
    "Condition": {
      "Bool": {"aws:SecureTransport": true},
      "NumericLessThan": {"s3:max-keys": 10},
      "StringEquals": {"aws:username": ["a", "b"]}
    }
  }
}"#;
        assert!(run_rule(RULE, text, Some(PolicyKind::Resource)).is_empty());
        let star = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
        assert!(run_rule(RULE, star, Some(PolicyKind::Resource)).is_empty());
    }

    #[test]
    fn leaves_unreadable_values_to_json_syntax() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": , "Action": bogus, "Resource": "*"}]}"#;
        assert!(run_rule(RULE, text, None).is_empty());
    }

    #[test]
    fn quoting_fix_applies_cleanly() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Sid": 12, "Effect": "Allow", "Action": ["s3:GetObject", true], "Resource": "*"}]}"#;
        let fixed = apply_all_fixes(RULE, text, None);
        assert!(fixed.contains(r#""Sid": "12""#), "{fixed}");
        assert!(fixed.contains(r#""true""#), "{fixed}");
        assert!(run_rule(RULE, &fixed, None).is_empty());
    }
}
