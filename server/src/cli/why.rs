//! "Why was this denied, from your repository" for `iam-ls explain`: each AccessDenied message
//! is matched against the policies of the workspace (the files under the directory of the
//! `iam-ls.toml` found from the current directory, with their configured or detected kinds) by
//! [`crate::eval::why`], and the statements that deny it are added to its explanation.
//!
//! A decoded authorization message given to `explain` is evaluated against the workspace too
//! ([`decoded_summary`]).
//!
//! Without an `iam-ls.toml` nothing is added: the workspace is the configured project, never an
//! arbitrary directory tree.

use super::{input, load_config};
use crate::config::Config;
use crate::eval::EvalPolicy;
use crate::eval::why::WorkspacePolicy;
use crate::ide::logs::why::{add_to_report, add_to_summary};
use crate::logs::{self, DecodedMessage, Denial, DenialReport};
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
    workspace_at(&loaded.root, &loaded.config)
}

/// The policies of the workspace at `root` under `config`: every policy file [`input::collect`]
/// finds there (read through [`crate::fs_guard`], at most [`MAX_FILES`]), with the kind its
/// `[[groups]]` role or configured glob gives it, else the detected kind. Files that do not
/// parse or have no statements are left out. Also used by the language server for the log
/// hover.
pub fn workspace_at(root: &Path, config: &Config) -> Vec<WorkspacePolicy> {
    let collected = input::collect(root, root, config, &[root.to_path_buf()]);
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
        let kind = config
            .group_role(&rel)
            .map(|(_, k)| k)
            .or_else(|| config.kind_for_path(&rel))
            .unwrap_or_else(|| detect_kind(&model).0);
        out.push(WorkspacePolicy {
            kind,
            policy: EvalPolicy::from_policy(rel, &model),
        });
    }
    out
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
        add_to_report(report, d, &ws);
    }
}

/// The summary of the decoded authorization message `text` with the workspace's answer ("From
/// your repository", [`crate::ide::logs::why::decoded_answer`]); `None` when `text` is not a
/// decoded message or there is no configured workspace.
pub fn decoded_summary(text: &str, cwd: &Path) -> Option<String> {
    let m = DecodedMessage::parse_strict(text.trim())?;
    let ws = workspace(cwd);
    if ws.is_empty() {
        return None;
    }
    let mut summary = logs::summarize(&m);
    add_to_summary(&mut summary, &m, &ws);
    Some(summary.to_text())
}
