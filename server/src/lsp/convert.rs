//! Plain analysis results to LSP types (`to_proto`).

use super::store::DocumentView;
use crate::document::{Finding, Severity};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "iam-ls";

/// The LSP severity of a finding.
pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A finding as an LSP diagnostic, its span converted in the view's position encoding.
pub fn diagnostic(view: &DocumentView, finding: &Finding) -> Diagnostic {
    Diagnostic {
        range: view.range(finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_string())),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        ..Diagnostic::default()
    }
}
