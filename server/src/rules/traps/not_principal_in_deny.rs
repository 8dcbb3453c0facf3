//! ## What it does
//! Flags `NotPrincipal` in a Deny. The quick fix rewrites the statement to `"Principal": "*"`
//! with a condition on `aws:PrincipalArn` (`ArnNotEquals`, or `ArnNotLike` for patterns) that
//! holds the same principals; a role session ARN (`assumed-role/NAME/session`) becomes its
//! role's ARN, and a bare account id becomes the account's root ARN.
//!
//! ## Why it matters
//! A Deny with `NotPrincipal` denies every principal that is not listed, and a request matches
//! the list only by its exact principal. Requests made with a role come from a role session
//! (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`), not from the role ARN, so listing the role
//! does not exempt the people and services using it: the role meant to keep access is locked
//! out. Listing an account's root (`arn:aws:iam::ACCOUNT:root`) exempts only the root user, not
//! the users and roles of that account. `aws:PrincipalArn` carries the role's ARN for its
//! sessions, so a condition on it says what the author meant. (To exempt a whole account,
//! compare `aws:PrincipalAccount` instead.)
//!
//! ## Example
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OnlyTheAppRole",
//!     "Effect": "Deny",
//!     "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/app"},
//!     "Action": "s3:*",
//!     "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:resource
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "OnlyTheAppRole",
//!     "Effect": "Deny",
//!     "Principal": "*",
//!     "Action": "s3:*",
//!     "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"],
//!     "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/app"}}
//!   }]
//! }
//! ```

use crate::policy::{Effect, PolicyKind, PrincipalType, Statement};
use crate::rules::traps::{add_condition, has_wildcards, json_array, json_string};
use crate::rules::{Category, Context, Diag, Edit, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM907",
    name: "not-principal-in-deny",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[
        PolicyKind::Resource,
        PolicyKind::KmsKey,
        PolicyKind::VpcEndpoint,
    ]),
    since: "0.1.0",
    sources: &[],
    summary: "NotPrincipal in a Deny: role sessions and an account's users are not exempted by it.",
    check,
};

/// The parts of an ARN.
struct Arn<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut parts = s.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(Arn {
        partition,
        service,
        account,
        resource,
    })
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Deny) {
            continue;
        }
        let Some(field) = st.not_principal.as_ref() else {
            continue;
        };
        let Some(principal) = field.ok() else {
            continue;
        };
        let values: Vec<&str> = principal
            .values()
            .filter(|(e, _)| e.kind == Some(PrincipalType::Aws))
            .map(|(_, s)| s.value)
            .collect();
        let mut detail = String::new();
        let role = values.iter().find_map(|v| {
            let arn = parse_arn(v)?;
            let name = arn.resource.strip_prefix("role/")?;
            let name = name.rsplit('/').next().unwrap_or(name);
            let session = format!("assumed-role/{name}/");
            let listed = values.iter().any(|o| {
                parse_arn(o).is_some_and(|a| a.service == "sts" && a.resource.starts_with(&session))
            });
            (arn.service == "iam" && !listed)
                .then(|| (v.to_string(), arn.account.to_string(), name.to_string()))
        });
        if let Some((role, account, name)) = role {
            detail = format!(
                " Role `{role}` is listed but not its sessions (arn:aws:sts::{account}:assumed-role/{name}/...), \
                 and requests made with the role come from a session: the role is denied too."
            );
        } else if let Some(root) = values.iter().find(|v| {
            is_account_id(v)
                || parse_arn(v).is_some_and(|a| a.service == "iam" && a.resource == "root")
        }) {
            detail = format!(
                " Listing `{root}` exempts only that account's root user, not its users and roles."
            );
        }
        let message = format!(
            "NotPrincipal in a Deny denies every principal not listed, matched exactly.{detail} \
             Use \"Principal\": \"*\" with an ArnNotEquals condition on aws:PrincipalArn instead."
        );
        let mut diag = Diag::new(field.key.span, message).in_statement(st.index);
        if let Some(fix) = rewrite_fix(cx, st) {
            diag = diag.with_fix(fix);
        }
        out.push(diag);
    }
}

/// `NotPrincipal` → `"Principal": "*"` plus an `aws:PrincipalArn` condition with the same
/// principals. Only when every listed principal is an AWS account, user, role or session.
fn rewrite_fix(cx: &Context<'_>, st: &Statement<'_>) -> Option<Fix> {
    let field = st.not_principal.as_ref()?;
    let principal = field.ok()?;
    if st.principal.is_some() || principal.entries().is_empty() {
        return None;
    }
    let mut arns: Vec<String> = Vec::new();
    let partition = principal
        .values()
        .find_map(|(_, s)| parse_arn(s.value).map(|a| a.partition.to_string()))
        .unwrap_or_else(|| "aws".to_string());
    for entry in principal.entries() {
        if entry.kind != Some(PrincipalType::Aws) {
            return None;
        }
        entry.field.ok()?;
        for s in entry.strings() {
            let v = s.value;
            let arn = if is_account_id(v) {
                format!("arn:{partition}:iam::{v}:root")
            } else {
                let a = parse_arn(v)?;
                match a.service {
                    "iam" => v.to_string(),
                    "sts" => {
                        let rest = a.resource.strip_prefix("assumed-role/")?;
                        let (role, _session) = rest.split_once('/')?;
                        format!("arn:{}:iam::{}:role/{role}", a.partition, a.account)
                    }
                    _ => return None,
                }
            };
            if v == "*" {
                return None;
            }
            if !arns.contains(&arn) {
                arns.push(arn);
            }
        }
    }
    if arns.is_empty() {
        return None;
    }
    let operator = if arns.iter().any(|a| has_wildcards(a)) {
        "ArnNotLike"
    } else {
        "ArnNotEquals"
    };
    let value = if arns.len() == 1 {
        json_string(&arns[0])
    } else {
        json_array(&arns)
    };
    let condition = add_condition(cx, st, operator, "aws:PrincipalArn", &value)?;
    Some(Fix {
        title: format!("Use \"Principal\": \"*\" with {operator} on aws:PrincipalArn"),
        edits: vec![
            Edit {
                span: field.span,
                text: "\"Principal\": \"*\"".to_string(),
            },
            condition,
        ],
    })
}
