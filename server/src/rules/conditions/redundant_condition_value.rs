//! ## What it does
//! Flags condition values that add nothing to their key's list, with a quick fix that removes
//! them:
//!
//! - with `NumericLessThan(Equals)` every value but the greatest, and with
//!   `NumericGreaterThan(Equals)` every value but the least: a request value below 3600 is also
//!   below 2700-or-3600;
//! - a value listed twice (ignoring case under the `IgnoreCase` operators);
//! - under `StringLike`/`StringNotLike`, a plain value that another pattern of the list already
//!   matches (`"logs/app"` next to `"logs/*"`), or any pattern next to `"*"`.
//!
//! ## Why it matters
//! The values of one key are alternatives, so a value covered by another one never changes the
//! result. It does make the condition harder to read and suggests a restriction that is not
//! there.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "iam:*",
//!     "Resource": "*",
//!     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}}
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
//!     "Action": "iam:*",
//!     "Resource": "*",
//!     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ["3600"]}}
//!   }]
//! }
//! ```

use super::invalid_condition_value::is_number;
use super::{
    Item, array_item_removal, has_variable, has_wildcard, ignores_case, is_string_like, items,
    wildcard_match,
};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM326",
    name: "redundant-condition-value",
    category: Category::Conditions,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: REDUNDANT_CONDITION_VALUE_NUM"],
    summary: "A condition value already covered by another value of the same key.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for item in items(cx) {
        let Some(op) = item.op else { continue };
        let values = item.values();
        if values.len() < 2 {
            continue;
        }
        let texts: Vec<Option<&str>> = values.iter().map(|v| v.text()).collect();
        let mut reported = vec![false; values.len()];
        let mut report = |i: usize, message: String, out: &mut Vec<Diag>| {
            if std::mem::replace(&mut reported[i], true) {
                return;
            }
            let mut diag = Diag::new(values[i].span(), message).in_statement(item.st.index);
            if let Some(span) = array_item_removal(values, i) {
                let shown = texts[i].unwrap_or("value");
                diag = diag.with_fix(Fix::replace(format!("Remove `{shown}`"), span, ""));
            }
            out.push(diag);
        };

        if let Some(keep_greatest) = numeric_direction(op.base.name) {
            numeric(&item, &texts, keep_greatest, &mut |i, m| report(i, m, out));
        }

        let ignore_case = ignores_case(&op);
        for (i, t) in texts.iter().enumerate() {
            let Some(t) = t else { continue };
            let earlier = texts[..i].iter().flatten().any(|e| {
                if ignore_case {
                    e.eq_ignore_ascii_case(t)
                } else {
                    e == t
                }
            });
            if earlier {
                report(
                    i,
                    format!(
                        "`{t}` is listed twice for `{}`; the repeat has no effect",
                        item.key()
                    ),
                    out,
                );
            }
        }

        if is_string_like(&op) {
            for (i, t) in texts.iter().enumerate() {
                let Some(t) = t else { continue };
                if has_variable(t) {
                    continue;
                }
                let cover = texts.iter().enumerate().find_map(|(j, p)| {
                    let p = (*p)?;
                    let covers = j != i
                        && p != *t
                        && !has_variable(p)
                        && if has_wildcard(t) {
                            !p.is_empty() && p.chars().all(|c| c == '*')
                        } else {
                            has_wildcard(p) && wildcard_match(p, t, ignore_case)
                        };
                    covers.then_some(p)
                });
                if let Some(p) = cover {
                    report(
                        i,
                        format!(
                            "`{t}` is already matched by the pattern `{p}` in the same list, so it has no effect"
                        ),
                        out,
                    );
                }
            }
        }
    }
}

/// For the numeric comparisons: whether the greatest value is the one that counts (`LessThan`)
/// or the least (`GreaterThan`).
fn numeric_direction(base: &str) -> Option<bool> {
    match base {
        "NumericLessThan" | "NumericLessThanEquals" => Some(true),
        "NumericGreaterThan" | "NumericGreaterThanEquals" => Some(false),
        _ => None,
    }
}

fn numeric(
    item: &Item<'_>,
    texts: &[Option<&str>],
    keep_greatest: bool,
    report: &mut dyn FnMut(usize, String),
) {
    let mut numbers = Vec::with_capacity(texts.len());
    for t in texts {
        let Some(t) = t.filter(|t| !has_variable(t) && is_number(t)) else {
            return;
        };
        let Ok(n) = t.trim().parse::<f64>() else {
            return;
        };
        numbers.push(n);
    }
    let best = numbers.iter().enumerate().fold(0, |best, (i, &n)| {
        let better = if keep_greatest {
            n > numbers[best]
        } else {
            n < numbers[best]
        };
        if better { i } else { best }
    });
    let (kept, which) = (
        texts[best].unwrap_or(""),
        if keep_greatest { "greatest" } else { "least" },
    );
    let name = item.block.operator.name;
    for (i, t) in texts.iter().enumerate() {
        if i == best || numbers[i] == numbers[best] {
            continue;
        }
        let t = t.unwrap_or("");
        report(
            i,
            format!(
                "`{t}` is redundant: `{name}` with several values only depends on the {which} one, `{kept}`"
            ),
        );
    }
}
