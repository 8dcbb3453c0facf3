//! ## What it does
//! Flags the `ForAnyValue:` qualifier on an identity provider's audience claim
//! (`<provider>:aud`, for example `accounts.google.com:aud` or
//! `token.actions.githubusercontent.com:aud`), with a fix that removes the qualifier.
//!
//! ## Why it matters
//! STS puts a single audience in the request, and `ForAnyValue:` is meant for keys that carry a
//! set of values. On a single value it adds nothing with a positive operator, and with a negated
//! one (`ForAnyValue:StringNotEquals`) it turns "the audience is not X" into "some value is not
//! X", which is easy to get wrong. A plain `StringEquals` says what is meant.
//!
//! ## Example
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "accounts.google.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"ForAnyValue:StringEquals": {"accounts.google.com:aud": "1234567890.apps.googleusercontent.com"}}
//!   }]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:role-trust
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "accounts.google.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {"accounts.google.com:aud": "1234567890.apps.googleusercontent.com"}}
//!   }]
//! }
//! ```

use crate::policy::SetQualifier;
use crate::rules::principals::{condition_entries, key_content};
use crate::rules::{Category, Context, Diag, Fix, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM610",
    name: "audience-claim-for-any-value",
    category: Category::Kinds,
    severity: Severity::SecurityWarning,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE"],
    summary: "`ForAnyValue:` on an identity provider's single-valued `aud` claim.",
    check,
};

/// `<host>:aud`, where the part before the claim is a provider host (it has a dot).
fn is_audience_key(key: &str) -> bool {
    key.rsplit_once(':').is_some_and(|(provider, claim)| {
        claim.eq_ignore_ascii_case("aud") && provider.contains('.')
    })
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    for st in &cx.policy.statements {
        let blocks = st
            .condition
            .as_ref()
            .and_then(|f| f.ok())
            .map(|c| c.blocks.as_slice())
            .unwrap_or(&[]);
        for (block, entry) in condition_entries(st) {
            let parts = block.parts();
            if parts.qualifier != Some(SetQualifier::ForAnyValue)
                || !is_audience_key(entry.key.name)
            {
                continue;
            }
            let plain = block
                .operator
                .name
                .split_once(':')
                .map_or(block.operator.name, |(_, rest)| rest);
            let mut diag = Diag::new(
                block.operator.span,
                format!(
                    "`{}` is a single value, so ForAnyValue: does not belong on it (and with a negated operator it checks something else than it seems): use `{plain}`",
                    entry.key.name
                ),
            )
            .in_statement(st.index);
            let alone =
                block.entries().len() == 1 && !blocks.iter().any(|b| b.operator.name == plain);
            if let (true, Some(span)) = (alone, key_content(cx.text, &block.operator)) {
                diag = diag.with_fix(Fix::replace(format!("Use `{plain}`"), span, plain));
            }
            out.push(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_audience_key;
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run, run_rule};

    #[test]
    fn audience_keys() {
        assert!(is_audience_key("token.actions.githubusercontent.com:aud"));
        assert!(is_audience_key(
            "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud"
        ));
        assert!(!is_audience_key("saml:aud2"));
        assert!(!is_audience_key("aws:aud"));
    }

    #[test]
    fn flags_and_fixes() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}, "ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}"#;
        let found = run_rule(
            "audience-claim-for-any-value",
            text,
            Some(PolicyKind::RoleTrust),
        );
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(render(text, &found));
        let fixed = found[0].fixes[0].apply(text);
        assert!(
            run(&fixed, Some(PolicyKind::RoleTrust))
                .iter()
                .all(|f| f.rule.name != "audience-claim-for-any-value"
                    && f.rule.name != "json-syntax")
        );
    }
}
