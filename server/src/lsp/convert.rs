//! Plain analysis results to LSP types (`to_proto`).

use super::store::DocumentView;
use crate::ide;
use crate::rules::{Finding, Fix, Level, Rule};
use crate::syntax::Span;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeDescription, CompletionItem, CompletionItemKind,
    CompletionList, CompletionResponse, CompletionTextEdit, Diagnostic, DiagnosticSeverity,
    DocumentSymbol, Documentation, FoldingRange, FoldingRangeKind, Hover, HoverContents,
    InsertTextFormat, MarkupContent, MarkupKind, NumberOrString, Position, Range, SymbolKind,
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

/// The parsed link to `rule`'s page: from a table made once for the registered rules (a large
/// policy publishes hundreds of diagnostics on every keystroke), parsed on the spot for any
/// other.
fn rule_page(rule: &Rule) -> Option<Cow<'static, Uri>> {
    static PAGES: OnceLock<HashMap<&'static str, Uri>> = OnceLock::new();
    let pages = PAGES.get_or_init(|| {
        crate::rules::all()
            .iter()
            .filter_map(|r| Some((r.code, r.url().parse().ok()?)))
            .collect()
    });
    match pages.get(rule.code) {
        Some(page) => Some(Cow::Borrowed(page)),
        None => rule.url().parse().ok().map(Cow::Owned),
    }
}

/// A finding as an LSP diagnostic, its span converted in the view's position encoding. The code
/// is the rule's code; `codeDescription` links to the rule's page.
pub fn diagnostic(view: &DocumentView, finding: &Finding) -> Diagnostic {
    let href = rule_page(finding.rule).map(Cow::into_owned);
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

/// The body of the `textDocument/publishDiagnostics` notification for `findings` (each with
/// its range; as [`diagnostic`] converts them) followed by `extra`, written out directly: a
/// large policy publishes hundreds of findings on every keystroke, and building an LSP
/// [`Diagnostic`] for each (four strings, a parsed link) only to serialise and drop it cost
/// more than writing it. The JSON is the one serialising the [`Diagnostic`]s would give (a test
/// holds the two equal). Every publication of the server is made here.
pub fn publish_diagnostics_body<'a>(
    uri: &Uri,
    findings: impl Iterator<Item = (Range, &'a Finding)>,
    extra: &[Diagnostic],
    version: Option<i32>,
) -> Option<Vec<u8>> {
    use std::io::Write;
    fn position(out: &mut Vec<u8>, p: Position) {
        let _ = write!(out, r#"{{"line":{},"character":{}}}"#, p.line, p.character);
    }
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    out.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    serde_json::to_writer(&mut out, uri).ok()?;
    out.extend_from_slice(br#","diagnostics":["#);
    let mut first = true;
    for (range, finding) in findings {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(br#"{"range":{"start":"#);
        position(&mut out, range.start);
        out.extend_from_slice(br#","end":"#);
        position(&mut out, range.end);
        out.extend_from_slice(br#"},"severity":"#);
        serde_json::to_writer(&mut out, &severity(finding.level)).ok()?;
        out.extend_from_slice(br#","code":"#);
        serde_json::to_writer(&mut out, finding.rule.code).ok()?;
        if let Some(href) = rule_page(finding.rule) {
            out.extend_from_slice(br#","codeDescription":{"href":"#);
            serde_json::to_writer(&mut out, &*href).ok()?;
            out.push(b'}');
        }
        out.extend_from_slice(br#","source":"#);
        serde_json::to_writer(&mut out, SOURCE).ok()?;
        out.extend_from_slice(br#","message":"#);
        serde_json::to_writer(&mut out, &finding.message).ok()?;
        out.push(b'}');
    }
    for d in extra {
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut out, d).ok()?;
    }
    out.push(b']');
    if let Some(version) = version {
        let _ = write!(out, r#","version":{version}"#);
    }
    out.extend_from_slice(b"}}");
    Some(out)
}

/// A warning about `iam-ls.toml` (a key it may not set) as a diagnostic on that key. The
/// location's line and column are 1-based characters; keys are short and on one line, so the
/// range spans the key's bytes as characters.
pub fn config_warning(warning: &crate::config::ConfigError) -> Diagnostic {
    let range = match &warning.location {
        Some(crate::config::Location::File { line, column, span }) => {
            let line = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
            let start = u32::try_from(column.saturating_sub(1)).unwrap_or(u32::MAX);
            let len = u32::try_from(span.len()).unwrap_or(0);
            Range::new(
                Position::new(line, start),
                Position::new(line, start.saturating_add(len)),
            )
        }
        _ => Range::default(),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::WARNING),
        source: Some(SOURCE.to_string()),
        message: warning.message.clone(),
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

/// A hover as LSP markdown over the hovered span.
pub fn hover(view: &DocumentView, hover: &ide::Hover) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown.clone(),
        }),
        range: Some(view.range(hover.span)),
    }
}

fn completion_kind(kind: ide::CompletionKind) -> CompletionItemKind {
    match kind {
        ide::CompletionKind::Element => CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value => CompletionItemKind::VALUE,
        ide::CompletionKind::Service => CompletionItemKind::MODULE,
        ide::CompletionKind::Action => CompletionItemKind::FUNCTION,
        ide::CompletionKind::Operator => CompletionItemKind::OPERATOR,
        ide::CompletionKind::ConditionKey => CompletionItemKind::FIELD,
        ide::CompletionKind::Reference => CompletionItemKind::REFERENCE,
    }
}

/// A completion list; items sort by rank, then label.
pub fn completion(view: &DocumentView, list: &ide::Completions) -> CompletionResponse {
    let items = list
        .items
        .iter()
        .map(|c| {
            let range = view.range(c.edit_span);
            CompletionItem {
                label: c.label.clone(),
                kind: Some(completion_kind(c.kind)),
                detail: c.detail.clone(),
                documentation: c.documentation.as_ref().map(|d| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: d.clone(),
                    })
                }),
                sort_text: Some(format!("{:08}{}", c.rank, c.label)),
                filter_text: Some(c.label.clone()),
                insert_text_format: Some(if c.snippet {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: c.insert.clone(),
                })),
                ..CompletionItem::default()
            }
        })
        .collect();
    CompletionResponse::List(CompletionList {
        is_incomplete: !list.complete,
        items,
    })
}

/// An outline entry and its children.
#[allow(deprecated)] // DocumentSymbol::deprecated must be set
pub fn symbol(view: &DocumentView, symbol: &ide::Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: match symbol.kind {
            ide::SymbolKind::Policy => SymbolKind::MODULE,
            ide::SymbolKind::Statement => SymbolKind::OBJECT,
            ide::SymbolKind::Element => SymbolKind::FIELD,
            ide::SymbolKind::Denial => SymbolKind::EVENT,
            ide::SymbolKind::EncodedMessage => SymbolKind::STRING,
        },
        tags: None,
        deprecated: None,
        range: view.range(symbol.span),
        selection_range: view.range(symbol.selection),
        children: Some(
            symbol
                .children
                .iter()
                .map(|c| self::symbol(view, c))
                .collect(),
        ),
    }
}

/// A folding range over whole lines; `None` when the span fits on one line.
pub fn folding_range(view: &DocumentView, span: Span) -> Option<FoldingRange> {
    let range = view.range(span);
    (range.end.line > range.start.line).then(|| FoldingRange {
        start_line: range.start.line,
        end_line: range.end.line,
        kind: Some(FoldingRangeKind::Region),
        ..FoldingRange::default()
    })
}

#[cfg(test)]
mod tests {
    use super::{diagnostic, publish_diagnostics_body};
    use crate::document::{self, Env};
    use crate::lsp::position::PositionEncoding;
    use crate::lsp::store::DocumentView;
    use std::sync::Arc;
    use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
    use tower_lsp_server::ls_types::{
        Diagnostic, DiagnosticSeverity, Position, PublishDiagnosticsParams, Range, Uri,
    };

    /// The directly written body is the JSON that serialising [`diagnostic`]s gives, on a
    /// policy with findings of every level, quotes and non-ASCII text in messages, UTF-16
    /// columns, an extra diagnostic after them, and with and without a version.
    #[test]
    fn the_written_body_is_the_serialised_one() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Sid\": \"é\\\"q\", \"Effect\": \"Alow\", \"Action\": [\"s3:GetObjct\", \"s3:GetObjct\"], \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"false\"}}},\n  {\"Effect\": \"Allow\", \"NotAction\": \"iam:*\", \"Resource\": \"arn:aws:s3:::b\", \"Principal\": \"*\"}\n]}";
        let view = DocumentView::build(
            1,
            7,
            Arc::from(text),
            PositionEncoding::Utf16,
            Some("policy.json".to_string()),
            Arc::new(Env::default()),
            crate::lsp::store::Previous::default(),
        );
        let findings = document::diagnostics(&view.snapshot);
        assert!(findings.len() >= 4, "{} findings", findings.len());
        let levels: std::collections::BTreeSet<_> =
            findings.iter().map(|f| format!("{:?}", f.level)).collect();
        assert!(levels.len() >= 2, "{levels:?}");
        let extra = vec![Diagnostic {
            range: Range::new(Position::new(0, 1), Position::new(0, 2)),
            severity: Some(DiagnosticSeverity::INFORMATION),
            source: Some("iam-ls".to_string()),
            message: "an extra \"note\"".to_string(),
            ..Diagnostic::default()
        }];
        let uri: Uri = "file:///tmp/a%20b/policy.json".parse().expect("uri");
        for version in [Some(7), None] {
            let mut all: Vec<Diagnostic> = findings.iter().map(|f| diagnostic(&view, f)).collect();
            all.extend(extra.iter().cloned());
            let params = PublishDiagnosticsParams::new(uri.clone(), all, version);
            let expected = serde_json::json!({
                "jsonrpc": "2.0",
                "method": PublishDiagnostics::METHOD,
                "params": params,
            });
            let ranged = findings.iter().map(|f| (view.range(f.span), f));
            let written = publish_diagnostics_body(&uri, ranged, &extra, version).expect("body");
            let written: serde_json::Value = serde_json::from_slice(&written).expect("json");
            assert_eq!(written, expected);
        }
    }
}
