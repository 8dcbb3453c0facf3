//! Plain analysis results to LSP types (`to_proto`).

use super::store::DocumentView;
use crate::rules::{Finding, Fix, Level};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString,
    TextEdit, Uri, WorkspaceEdit,
};

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "iam-ls";

/// The LSP severity of a finding's level.
pub fn severity(level: Level) -> DiagnosticSeverity {
    match level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Information => DiagnosticSeverity::INFORMATION,
        Level::Hint => DiagnosticSeverity::HINT,
    }
}

/// A finding as an LSP diagnostic, its span converted in the view's position encoding. The code
/// is the rule's code; `codeDescription` links to the rule's page.
pub fn diagnostic(view: &DocumentView, finding: &Finding) -> Diagnostic {
    let href = finding.rule.url().parse().ok();
    Diagnostic {
        range: view.range(finding.span),
        severity: Some(severity(finding.level)),
        code: Some(NumberOrString::String(finding.rule.code.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        ..Diagnostic::default()
    }
}

/// A quick fix of `finding` as a code action editing `uri`.
pub fn quick_fix(view: &DocumentView, uri: &Uri, finding: &Finding, fix: &Fix) -> CodeAction {
    let edits = fix
        .edits
        .iter()
        .map(|e| TextEdit {
            range: view.range(e.span),
            new_text: e.text.clone(),
        })
        .collect();
    CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(view, finding)]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(finding.fixes.first() == Some(fix)),
        ..CodeAction::default()
    }
}
