//! "Why was this denied, from your repository": an AccessDenied message ([`Denial`]) turned
//! into a [`DenialQuery`] and matched against the workspace's policies by
//! [`crate::eval::why`]. Shared by the log hover and `iam-ls explain`; the callers gather the
//! workspace policies (files and kinds) themselves.
//!
//! A decoded authorization message ([`DecodedMessage`]) carries the whole request: its
//! principal, action, resource and every context key with all its values. [`decoded_answer`]
//! evaluates exactly that request against the workspace and says which file and statement
//! decided, or that the workspace does not reproduce the decision (and which keys the
//! workspace's conditions test that the request did not carry). The decode command, the hover
//! on a decoded message and `iam-ls decode` show it as a "From your repository" section of the
//! summary ([`add_to_summary`]).

use crate::eval::why::{Culprit, DenialQuery, WorkspacePolicy, answer, why_denied};
use crate::eval::{Context, PolicyType};
use crate::logs::{
    self, Block, DecodedMessage, Denial, DenialReport, DenyKind, Section, Summary, Verdict,
};

/// What the message says, for the engine (None without an action).
pub fn query(d: &Denial) -> Option<DenialQuery> {
    let action = d.action.as_ref()?.text.clone();
    let policy_type = d.source.policy_type.map(|t| match t {
        logs::PolicyType::IdentityBased => PolicyType::Identity,
        logs::PolicyType::ResourceBased => PolicyType::Resource,
        logs::PolicyType::PermissionsBoundary => PolicyType::Boundary,
        logs::PolicyType::Session => PolicyType::Session,
        logs::PolicyType::ServiceControl => PolicyType::Scp,
        logs::PolicyType::ResourceControl => PolicyType::Rcp,
        logs::PolicyType::VpcEndpoint => PolicyType::VpcEndpoint,
    });
    Some(DenialQuery {
        principal: d
            .principal
            .as_ref()
            .map(|p| p.text.clone())
            .filter(|p| p.starts_with("arn:")),
        action,
        resource: d.resource.as_ref().map(|r| r.text.clone()),
        policy_type,
        explicit: match d.source.kind {
            DenyKind::Explicit => Some(true),
            DenyKind::Implicit => Some(false),
            DenyKind::Unknown => None,
        },
        context: Default::default(),
        complete_context: false,
    })
}

/// The workspace's answer for one denial: one sentence per deciding statement (empty when the
/// workspace has nothing to say).
pub fn sentences(d: &Denial, workspace: &[WorkspacePolicy]) -> Vec<String> {
    if workspace.is_empty() {
        return Vec::new();
    }
    let Some(q) = query(d) else {
        return Vec::new();
    };
    why_denied(&q, workspace)
        .iter()
        .map(|c| c.sentence(&q.action))
        .collect()
}

/// Adds the workspace's answer for `d` to its `report`: a "From your repository" section in
/// the explanation and the `from_repository` field of the JSON (nothing when the workspace has
/// nothing to say).
pub fn add_to_report(report: &mut DenialReport, d: &Denial, workspace: &[WorkspacePolicy]) {
    let found = sentences(d, workspace);
    if !found.is_empty() {
        report.explanation.sections.push(Section {
            title: "From your repository".to_string(),
            blocks: vec![Block::Bullets(found.clone())],
        });
        report.from_repository = found;
    }
}

/// The request a decoded message records, for the engine: its principal (when an ARN), action,
/// resource, and every context key with all its values, as the whole context (a key it does not
/// list was absent). `None` without an action.
pub fn decoded_query(m: &DecodedMessage) -> Option<DenialQuery> {
    let action = m.action.clone().filter(|a| !a.is_empty())?;
    let mut context = Context::new();
    for entry in &m.context {
        context.set(&entry.key, entry.values.clone());
    }
    Some(DenialQuery {
        principal: m.principal_arn.clone().filter(|p| p.starts_with("arn:")),
        action,
        resource: m.resource.clone().filter(|r| !r.is_empty()),
        policy_type: None,
        explicit: match m.verdict() {
            Verdict::ExplicitDeny => Some(true),
            Verdict::ImplicitDeny => Some(false),
            Verdict::Allowed | Verdict::Unknown => None,
        },
        context,
        complete_context: true,
    })
}

/// The workspace's answer for a decoded message, one sentence a line: the workspace statements
/// that decide the denial, marking the one the message names, or why the workspace does not
/// reproduce it. Empty for an allowed request, a message without an action, or an empty
/// workspace.
pub fn decoded_answer(m: &DecodedMessage, workspace: &[WorkspacePolicy]) -> Vec<String> {
    if workspace.is_empty() || m.verdict() == Verdict::Allowed {
        return Vec::new();
    }
    let Some(q) = decoded_query(m) else {
        return Vec::new();
    };
    let found = answer(&q, workspace);
    let named: Vec<&str> = m
        .matched_statements
        .iter()
        .filter(|s| q.explicit == Some(true) && s.is_deny())
        .filter_map(|s| s.statement_id.as_deref())
        .collect();
    let is_named = |c: &Culprit| c.sid.as_deref().is_some_and(|sid| named.contains(&sid));
    let mut out: Vec<String> = found
        .culprits
        .iter()
        .map(|c| {
            let line = c.sentence(&q.action);
            if is_named(c) {
                format!("{line} (the statement the message names)")
            } else {
                line
            }
        })
        .collect();
    let on = q
        .resource
        .as_deref()
        .map(|r| format!(" on {r}"))
        .unwrap_or_default();
    if found.culprits.is_empty() {
        let what = match q.explicit {
            Some(false) => "no SCP, permissions boundary, session or VPC endpoint policy of the \
                            workspace leaves it without an Allow"
                .to_string(),
            _ => "no Deny statement of the workspace applies".to_string(),
        };
        out.push(format!(
            "The workspace does not reproduce this decision: evaluated with the message's \
             principal and request context, {what} to {}{on}.",
            q.action
        ));
    } else if !named.is_empty() && !found.culprits.iter().any(is_named) {
        out.push(format!(
            "The message names {}, which no workspace policy has as a statement deciding this \
             request.",
            named
                .iter()
                .map(|n| format!("statement {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if found.culprits.is_empty() && !found.depends_on.is_empty() {
        out.push(format!(
            "Workspace conditions on the request test {}, which the message's context does \
             not carry (taken as absent, as AWS did).",
            found.depends_on.join(", ")
        ));
    }
    out
}

/// Adds the workspace's answer for a decoded message to its summary, as a "From your
/// repository" section (nothing when the workspace has nothing to say).
pub fn add_to_summary(summary: &mut Summary, m: &DecodedMessage, workspace: &[WorkspacePolicy]) {
    let found = decoded_answer(m, workspace);
    if !found.is_empty() {
        summary.sections.push(Section {
            title: "From your repository".to_string(),
            blocks: vec![Block::Bullets(found)],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;

    fn ws(kind: PolicyKind, file: &str, text: &str) -> WorkspacePolicy {
        WorkspacePolicy::parsed(kind, file, text)
    }

    /// A decoded message denying `ec2:RunInstances` for a role session, with `context` as its
    /// `context.conditions.items`.
    fn message(explicit: bool, sid: &str, context: &str) -> DecodedMessage {
        DecodedMessage::parse(&format!(
            r#"{{"allowed":false,"explicitDeny":{explicit},"matchedStatements":{{"items":[{{"statementId":"{sid}","effect":"DENY"}}]}},"context":{{"principal":{{"id":"AROAEXAMPLE:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"}},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-west-2:123456789012:instance/*","conditions":{{"items":[{context}]}}}}}}"#
        ))
        .unwrap()
    }

    fn region(r: &str) -> String {
        format!(r#"{{"key":"aws:RequestedRegion","values":{{"items":[{{"value":"{r}"}}]}}}}"#)
    }

    fn workspace() -> Vec<WorkspacePolicy> {
        vec![
            ws(
                PolicyKind::ServiceControl,
                "org/region-lock.json",
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}"#,
            ),
            ws(
                PolicyKind::ServiceControl,
                "org/tags.json",
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoSecretTag","Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"secret"}}}]}"#,
            ),
        ]
    }

    #[test]
    fn decoded_query_carries_every_key_and_value() {
        let m = message(
            true,
            "X",
            &format!(
                r#"{},{{"key":"aws:TagKeys","values":{{"items":[{{"value":"env"}},{{"value":"secret"}}]}}}}"#,
                region("us-west-2")
            ),
        );
        let q = decoded_query(&m).unwrap();
        assert_eq!(q.action, "ec2:RunInstances");
        assert_eq!(
            q.principal.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/Dev/alice")
        );
        assert_eq!(q.explicit, Some(true));
        assert!(q.complete_context);
        assert_eq!(q.context.get("aws:RequestedRegion").unwrap(), ["us-west-2"]);
        assert_eq!(q.context.get("aws:tagkeys").unwrap(), ["env", "secret"]);
    }

    #[test]
    fn decoded_answer_names_the_deciding_statement() {
        let m = message(true, "DenyOutsideEU", &region("us-west-2"));
        let lines = decoded_answer(&m, &workspace());
        assert_eq!(
            lines,
            [
                "org/region-lock.json, statement DenyOutsideEU (scp): denies ec2:RunInstances \
                 unless aws:RequestedRegion is one of eu-west-1, eu-central-1 (the statement the \
                 message names)"
            ]
        );
        // The second tag value decides: only a request with every value reproduces it.
        let m = message(
            true,
            "NoSecretTag",
            &format!(
                r#"{},{{"key":"aws:TagKeys","values":{{"items":[{{"value":"env"}},{{"value":"secret"}}]}}}}"#,
                region("eu-west-1")
            ),
        );
        let lines = decoded_answer(&m, &workspace());
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("org/tags.json, statement NoSecretTag (scp): denies")
                && lines[0].ends_with("(the statement the message names)"),
            "{lines:?}"
        );
    }

    #[test]
    fn decoded_implicit_deny_names_the_limiting_policy() {
        let mut w = workspace();
        w.push(ws(
            PolicyKind::PermissionsBoundary,
            "boundary.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ));
        let m = message(false, "none", &region("eu-west-1"));
        assert_eq!(
            decoded_answer(&m, &w),
            ["boundary.json (boundary): does not allow ec2:RunInstances"]
        );
        // With a boundary that allows it, nothing in the workspace explains the implicit deny.
        w.pop();
        let lines = decoded_answer(&m, &w);
        assert!(
            lines[0].contains("no SCP, permissions boundary, session or VPC endpoint policy"),
            "{lines:?}"
        );
    }

    #[test]
    fn decoded_answer_says_when_the_workspace_does_not_reproduce_it() {
        // In eu-west-1 without tags nothing in the workspace denies; the absent key is absent
        // (a decoded context is complete), not a "may deny".
        let m = message(true, "DenyOutsideEU", &region("eu-west-1"));
        let lines = decoded_answer(&m, &workspace());
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("The workspace does not reproduce this decision")
                && lines[0].contains("no Deny statement of the workspace applies to ec2:RunInstances on arn:aws:ec2:us-west-2:123456789012:instance/*"),
            "{lines:?}"
        );
        assert!(lines[1].contains("aws:TagKeys"), "{lines:?}");
        // A statement that denies but is not the one the message names.
        let m = message(true, "SomethingElse", &region("us-west-2"));
        let lines = decoded_answer(&m, &workspace());
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(!lines[0].contains("the statement the message names"));
        assert_eq!(
            lines[1],
            "The message names statement SomethingElse, which no workspace policy has as a \
             statement deciding this request."
        );
        // Nothing for an empty workspace or an allowed request.
        assert!(decoded_answer(&m, &[]).is_empty());
        let mut allowed = m.clone();
        allowed.allowed = Some(true);
        assert!(decoded_answer(&allowed, &workspace()).is_empty());
    }
}
