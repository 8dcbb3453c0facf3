//! ## What it does
//! Flags a KMS key policy with no Allow for the key's account itself, the statement that gives
//! `kms:*` to `arn:aws:iam::ACCOUNT:root` (or to the bare account id). The quick fix adds that
//! statement, with the account id taken from the policy's own principals when they name exactly
//! one account, and a placeholder to fill in otherwise. Key policies that allow `"*"` (usually
//! narrowed with `kms:CallerAccount`) are left alone: they grant access without IAM.
//!
//! ## Why it matters
//! KMS authorizes every request against the key policy first. IAM policies count only when the
//! key policy delegates to them, and the account-root statement is that delegation: it does not
//! mean "the root user", it means "whatever IAM policies in this account allow". Without it,
//! an `kms:Decrypt` in a role's IAM policy does nothing for this key, only the principals named
//! in the key policy can use or manage it, and if they are deleted the key becomes unmanageable
//! (recovering it takes AWS Support). The AccessDenied that users see names the KMS action and
//! says nothing about the key policy.
//!
//! ## Example
//! ```json kind:kms-key
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "AppUsesKey",
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
//!     "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
//!     "Resource": "*"
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:kms-key
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {
//!       "Sid": "EnableIamPolicies",
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
//!       "Action": "kms:*",
//!       "Resource": "*"
//!     },
//!     {
//!       "Sid": "AppUsesKey",
//!       "Effect": "Allow",
//!       "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
//!       "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
//!       "Resource": "*"
//!     }
//!   ]
//! }
//! ```

use crate::policy::{Effect, PolicyKind, PrincipalType, StatementForm};
use crate::rules::traps::{all_principals, conditions};
use crate::rules::{Category, Context, Diag, Edit, Fix, Kinds, Rule, Severity};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    code: "IAM909",
    name: "kms-key-policy-without-root",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::KmsKey]),
    since: "0.1.0",
    sources: &[],
    summary: "A KMS key policy without the account-root statement: IAM policies cannot grant use of the key.",
    check,
};

/// What to write when the policy does not tell the account id.
const PLACEHOLDER: &str = "ACCOUNT_ID";

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `(partition, account)` of `arn:P:iam::ACCOUNT:root`, or of a bare account id.
fn root_account(v: &str) -> Option<(&str, &str)> {
    if is_account_id(v) {
        return Some(("aws", v));
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", account, "root"] => Some((partition, account)),
        _ => None,
    }
}

/// `(partition, account)` of any IAM or STS principal ARN.
fn principal_account(v: &str) -> Option<(&str, &str)> {
    if is_account_id(v) {
        return Some(("aws", v));
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam" | "sts", "", account, _] if is_account_id(account) => {
            Some((partition, account))
        }
        _ => None,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let policy = cx.policy;
    if policy.statements.is_empty() {
        return;
    }
    let mut accounts: Vec<(String, String)> = Vec::new();
    for st in &policy.statements {
        let Some(principal) = st.principal.as_ref().and_then(|f| f.ok()) else {
            continue;
        };
        if st.effect() == Some(Effect::Allow) {
            if all_principals(st) {
                // Everyone (normally narrowed by kms:CallerAccount): no IAM needed.
                return;
            }
            if principal
                .values()
                .any(|(e, s)| e.kind == Some(PrincipalType::Aws) && root_account(s.value).is_some())
            {
                return;
            }
        }
        for (e, s) in principal.values() {
            if e.kind != Some(PrincipalType::Aws) {
                continue;
            }
            if let Some((p, a)) = principal_account(s.value) {
                let pair = (p.to_string(), a.to_string());
                if !accounts.contains(&pair) {
                    accounts.push(pair);
                }
            }
        }
        for c in conditions(st) {
            if c.key_is("kms:CallerAccount") {
                for v in c.texts().filter(|v| is_account_id(v)) {
                    if !accounts.iter().any(|(_, a)| a == v) {
                        accounts.push(("aws".to_string(), v.to_string()));
                    }
                }
            }
        }
    }
    let Some(statement) = policy.statement.as_ref() else {
        return;
    };
    let (partition, account) = match accounts.as_slice() {
        [(p, a)] => (p.as_str(), a.as_str()),
        _ => ("aws", PLACEHOLDER),
    };
    let root = format!("arn:{partition}:iam::{account}:root");
    let mut diag = Diag::new(
        statement.key.span,
        format!(
            "No statement allows kms:* to the key's account ({root}): IAM policies in the account \
             cannot grant use of this key, and only the principals named here can use or manage \
             it. Add the account-root statement to delegate to IAM."
        ),
    );
    let stmt = format!(
        "{{\"Sid\": \"EnableIamPolicies\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"{root}\"}}, \"Action\": \"kms:*\", \"Resource\": \"*\"}}"
    );
    if let Some(edit) = insert_first_statement(cx.text, statement, &stmt) {
        let title = if account == PLACEHOLDER {
            format!("Add the account-root statement (replace {PLACEHOLDER} with the key's account)")
        } else {
            format!("Add the account-root statement for account {account}")
        };
        diag = diag.with_fix(Fix {
            title,
            edits: vec![edit],
        });
    }
    out.push(diag);
}

/// An edit inserting `stmt` as the first statement: before the first item of the array
/// (keeping its layout), or turning a single statement object into an array.
fn insert_first_statement(
    text: &str,
    field: &crate::policy::Field<'_, StatementForm>,
    stmt: &str,
) -> Option<Edit> {
    let span = field.value_span;
    match field.ok()? {
        StatementForm::Object => {
            let old = text.get(span.start..span.end)?;
            Some(Edit {
                span,
                text: format!("[{stmt}, {old}]"),
            })
        }
        StatementForm::Array { closed: true, .. } => {
            let body = text.get(span.start + 1..span.end.saturating_sub(1))?;
            let first = body.find(|c: char| !c.is_whitespace());
            match first {
                None => Some(Edit {
                    span: Span::new(span.start + 1, span.start + 1),
                    text: stmt.to_string(),
                }),
                Some(i) => {
                    let lead = &body[..i];
                    let sep = match lead.rfind('\n') {
                        Some(nl) => format!("\n{}", &lead[nl + 1..]),
                        None => " ".to_string(),
                    };
                    let at = span.start + 1 + i;
                    Some(Edit {
                        span: Span::new(at, at),
                        text: format!("{stmt},{sep}"),
                    })
                }
            }
        }
        StatementForm::Array { closed: false, .. } => None,
    }
}
