//! "Why was this denied, from your repository" for `iam-ls explain`: each AccessDenied message
//! is matched against the policies of the workspace (the files under the directory of the
//! `iam-ls.toml` found from the current directory, with their configured or detected kinds) by
//! [`crate::eval::why`], and the statements that deny it are added to its explanation.
//!
//! Without an `iam-ls.toml` nothing is added: the workspace is the configured project, never an
//! arbitrary directory tree.

use super::{input, load_config};
use crate::eval::why::{DenialQuery, WorkspacePolicy, why_denied};
use crate::eval::{EvalPolicy, PolicyType};
use crate::logs::{self, Block, Denial, DenialReport, DenyKind, Section};
use crate::policy::{Policy, detect_kind};
use std::path::Path;

/// Most workspace files read.
const MAX_FILES: usize = 5000;

/// The workspace policies under the configuration's root (empty without a configuration).
pub fn workspace(cwd: &Path) -> Vec<WorkspacePolicy> {
    let Ok(loaded) = load_config(cwd, None) else {
        return Vec::new();
    };
    if loaded.file.is_none() {
        return Vec::new();
    }
    let root = &loaded.root;
    let collected = input::collect(root, root, &loaded.config, &[root.to_path_buf()]);
    let mut out = Vec::new();
    for t in collected.targets.into_iter().take(MAX_FILES) {
        let (Some(rel), Some(file)) = (t.rel, t.file) else {
            continue;
        };
        let Ok(text) = input::read_file(&file) else {
            continue;
        };
        let parse = crate::syntax::parse(&text);
        if !parse.errors.is_empty() {
            continue;
        }
        let model = Policy::from_parse(&parse);
        if model.statement.is_none() {
            continue;
        }
        let kind = loaded
            .config
            .group_role(&rel)
            .map(|(_, k)| k)
            .or_else(|| loaded.config.kind_for_path(&rel))
            .unwrap_or_else(|| detect_kind(&model).0);
        out.push(WorkspacePolicy {
            kind,
            policy: EvalPolicy::from_policy(rel, &model),
        });
    }
    out
}

/// What the message says, for the engine.
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
    let Some(q) = query(d) else {
        return Vec::new();
    };
    why_denied(&q, workspace)
        .iter()
        .map(|c| c.sentence(&q.action))
        .collect()
}

/// Adds the repository's answer to each report in `list` (matched to the denials of `text` by
/// their span): a "From your repository" section in the explanation and the `from_repository`
/// field of the JSON.
pub fn append(text: &str, cwd: &Path, list: &mut [DenialReport]) {
    let ws = workspace(cwd);
    if ws.is_empty() {
        return;
    }
    let denials: Vec<Denial> = logs::denials(text).collect();
    for report in list.iter_mut() {
        let Some(d) = denials.iter().find(|d| d.span == report.span) else {
            continue;
        };
        let found = sentences(d, &ws);
        if !found.is_empty() {
            report.explanation.sections.push(Section {
                title: "From your repository".to_string(),
                blocks: vec![Block::Bullets(found.clone())],
            });
            report.from_repository = found;
        }
    }
}
