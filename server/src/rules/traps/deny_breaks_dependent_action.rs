//! ## What it does
//! Flags an allowed action that cannot succeed because another action it depends on is denied
//! by a Deny statement of the same policy: `lambda:CreateFunction` allowed while
//! `iam:PassRole` is denied, `s3:GetObject` allowed while `kms:Decrypt` is denied. The
//! dependencies come from a curated table of well-known cases (`rules/dependencies.rs`; the
//! reference data iam-ls embeds lists none) and from the catalog's dependent actions when it has
//! them. Only Deny statements on all resources are considered, with no condition or conditions
//! on the caller alone (`aws:PrincipalArn`, `aws:PrincipalTag/...`: a condition on the request
//! or the resource may treat the dependent call differently), and `"*"` or cross-service
//! wildcards in the Allow are skipped (a Deny next to a full-access Allow is a deliberate
//! carve-out, not a surprise).
//!
//! ## Why it matters
//! Many API calls are authorized twice: creating a function also checks that the caller may
//! pass the execution role to Lambda, reading an SSE-KMS object also checks `kms:Decrypt` on
//! the key. A Deny written as a service blocklist (`iam:*`, `kms:*`, `sagemaker:*`) catches
//! these second checks as well, so an action the policy visibly allows fails with
//! AccessDenied, and the error names the dependent action, not the one that was called.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Functions", "Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
//!     {"Sid": "DenyPassRole", "Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Functions", "Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
//!     {
//!       "Sid": "PassOnlyTheFunctionRole",
//!       "Effect": "Allow",
//!       "Action": "iam:PassRole",
//!       "Resource": "arn:aws:iam::123456789012:role/function-execution",
//!       "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
//!     }
//!   ]
//! }
//! ```

use std::sync::LazyLock;

use crate::catalog::{Action, Catalog};
use crate::policy::{Effect, Statement, Str};
use crate::rules::dependencies::{Dependency, dependencies_of, table_entries_matching};
use crate::rules::traps::{
    ActionScope, all_principals, all_resources, has_condition, has_wildcards, label, single_service,
};
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM905",
    name: "deny-breaks-dependent-action",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &[],
    summary: "An allowed action that fails because a Deny in the same policy covers an action it depends on.",
    check,
};

/// Whether the catalog lists any dependent action at all (the pinned data does not), so that
/// the expansion below is skipped when it cannot find anything.
static CATALOG_HAS_DEPENDENCIES: LazyLock<bool> = LazyLock::new(|| {
    crate::catalog::catalog()
        .actions()
        .any(|a| a.dependent_actions().len() > 0)
});

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let denies: Vec<(&Statement<'_>, ActionScope<'_, '_>)> = cx
        .policy
        .statements
        .iter()
        .filter(|d| {
            d.effect() == Some(Effect::Deny)
                && all_resources(d)
                && all_principals(d)
                && principal_conditions_only(d)
        })
        .filter_map(|d| ActionScope::of(d).map(|s| (d, s)))
        .collect();
    if denies.is_empty() {
        return;
    }
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for a in st.actions() {
            if has_wildcards(a.value) && !single_service(a.value) {
                continue;
            }
            let pairs = needed_by(cx.catalog, a.value);
            if pairs.is_empty() {
                continue;
            }
            for (deny, scope) in &denies {
                let hits: Vec<&(String, Dependency)> = pairs
                    .iter()
                    .filter(|(action, dep)| scope.covers(dep.needs) && !scope.covers(action))
                    .collect();
                if !hits.is_empty() {
                    out.push(diag(a, deny, &hits).in_statement(st.index));
                }
            }
        }
    }
}

/// True when the Deny's conditions (if any) only look at who is calling: then it applies to
/// the dependent call exactly as to the call itself. Conditions on the request or the resource
/// (`kms:ViaService`, `aws:ResourceTag/...`) may hold for one and not the other, so such a
/// Deny is left alone.
fn principal_conditions_only(st: &Statement<'_>) -> bool {
    let Some(field) = st.condition.as_ref() else {
        return true;
    };
    let Some(condition) = field.ok() else {
        return false;
    };
    condition.entries().all(|(_, e)| {
        let k = e.key.name;
        k.get(..13)
            .is_some_and(|p| p.eq_ignore_ascii_case("aws:Principal"))
            || ["aws:userid", "aws:username", "aws:SourceIdentity"]
                .iter()
                .any(|n| k.eq_ignore_ascii_case(n))
    })
}

/// The (action, dependency) pairs for the actions an `Action` pattern grants.
fn needed_by(catalog: &Catalog, pattern: &str) -> Vec<(String, Dependency)> {
    let mut pairs: Vec<(String, Dependency)> = table_entries_matching(pattern)
        .map(|d| (d.action.to_string(), *d))
        .collect();
    if *CATALOG_HAS_DEPENDENCIES {
        let actions: Vec<Action> = catalog.expand(pattern);
        for action in actions {
            for d in dependencies_of(catalog, action) {
                if !pairs
                    .iter()
                    .any(|(a, p)| a.eq_ignore_ascii_case(d.action) && p.needs == d.needs)
                {
                    pairs.push((d.action.to_string(), d));
                }
            }
        }
    }
    pairs
}

fn diag(a: &Str<'_>, deny: &Statement<'_>, hits: &[&(String, Dependency)]) -> Diag {
    let (first_action, first) = hits[0];
    let via = if a.value.eq_ignore_ascii_case(first_action) {
        String::new()
    } else {
        format!(" (granted here by `{}`)", a.value)
    };
    let when = if has_condition(deny) {
        " when its condition holds"
    } else {
        ""
    };
    let mut message = format!(
        "{first_action}{via} needs {} ({}), which {} denies{when}: the call fails with \
         AccessDenied although this statement allows it.",
        first.needs,
        first.when,
        label(deny)
    );
    if hits.len() > 1 {
        let rest: Vec<String> = hits[1..]
            .iter()
            .map(|(action, d)| format!("{action} needs {}", d.needs))
            .collect();
        message.push_str(&format!(
            " Also: {}.",
            crate::rules::traps::truncated_list(&rest, 3)
        ));
    }
    Diag::new(a.span, message)
}
