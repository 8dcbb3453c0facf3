//! "Why was this denied, from your repository": an AccessDenied message ([`Denial`]) turned
//! into a [`DenialQuery`] and matched against the workspace's policies by
//! [`crate::eval::why`]. Shared by the log hover and `iam-ls explain`; the callers gather the
//! workspace policies (files and kinds) themselves.

use crate::eval::PolicyType;
use crate::eval::why::{DenialQuery, WorkspacePolicy, why_denied};
use crate::logs::{self, Block, Denial, DenialReport, DenyKind, Section};

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
