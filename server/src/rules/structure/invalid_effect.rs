//! ## What it does
//! Flags an `Effect` whose value is not exactly `Allow` or `Deny`.
//!
//! ## Why it matters
//! The value is case-sensitive: `allow`, `ALLOW` or `Permit` make AWS reject the policy. In an
//! editor the typo is easy to miss because the statement otherwise reads correctly.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
//! }
//! ```

use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM010",
    name: "invalid-effect",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: INVALID_EFFECT"],
    summary: "`Effect` must be exactly `Allow` or `Deny`.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let Some(field) = &st.effect else { continue };
        let Some(value) = field.ok() else { continue };
        if !value.terminated || matches!(value.value, "Allow" | "Deny") {
            continue;
        }
        let mut diag = Diag::new(
            value.span,
            format!(
                "`{}` is not a valid Effect: AWS accepts only `Allow` or `Deny` (case-sensitive) and rejects the policy otherwise",
                value.value
            ),
        )
        .in_statement(st.index);
        for fixed in ["Allow", "Deny"] {
            if value.value.eq_ignore_ascii_case(fixed) {
                diag = diag.with_fix(Fix::replace(
                    format!("Replace with `{fixed}`"),
                    value.content,
                    fixed,
                ));
            }
        }
        out.push(diag);
    }
}
