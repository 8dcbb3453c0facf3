//! The tower-lsp-server backend: lifecycle, document sync, diagnostics, custom requests.
//!
//! Architecture invariant (ordering): tower-lsp-server starts handlers in arrival order but runs
//! them concurrently after their first `.await`. So every handler touches the [`DocumentStore`]
//! synchronously *before* its first `.await`, holds no store lock across an `.await`, and
//! diagnostics are published only if the document is still at the revision they were computed
//! from, and never after diagnostics of a newer revision (checked under [`Backend::published`]).
//!
//! Architecture invariant (robustness): analysis runs inside [`guard`] / [`guard_request`]
//! (`catch_unwind`); a panic answers the request with an internal error, or is logged for a
//! notification, and the server keeps serving.
//!
//! Architecture invariant (transport): [`transport::serve`] decodes every message, so a
//! malformed message is dropped (or answered) instead of ending the session.
//!
//! Adding a request (hover, code action, ...): advertise it in [`capabilities`], implement the
//! `LanguageServer` method by calling [`Backend::with_view`] first thing (it captures the text
//! synchronously), compute plain data with an `ide` function over `view.snapshot`, and convert
//! offsets with `view.offset` / `view.range`.

use super::cancel::Cancel;
use super::commands::{self, Commands};
use super::ext::{
    self, DocumentKindParams, DocumentKindResult, Fnv1a64, TextHashParams, TextHashResult,
};
use super::position::PositionEncoding;
use super::store::{DocumentStore, DocumentView, Revision, StoreError, ViewSource};
use super::{convert, transport};
use crate::config::Config;
use crate::document::{self, DocumentKind, Env};
use crate::ide;
use std::any::Any;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeActionResponse, CodeLens, CodeLensOptions, CodeLensParams,
    Command, CompletionOptions, CompletionParams, CompletionResponse, Diagnostic,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentSymbolParams,
    DocumentSymbolResponse, ExecuteCommandOptions, ExecuteCommandParams, FileSystemWatcher,
    FoldingRange, FoldingRangeParams, FoldingRangeProviderCapability, GlobPattern, Hover,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, InitializedParams,
    MessageType, OneOf, Registration, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use tower_lsp_server::{Client, LanguageServer, LspService};
use tracing::{debug, error, info, warn};

/// At most this many diagnostics are published per document (the rest would only slow the editor).
pub const MAX_DIAGNOSTICS: usize = 1000;

/// The language server state shared by all handlers.
#[derive(Debug)]
pub struct Backend {
    client: Client,
    /// Diagnostics go this way, encoded once from their typed values (see [`transport::Notices`]).
    notices: transport::Notices,
    store: DocumentStore,
    /// Last revision published per document. Held (async lock) across the staleness check and
    /// the send, so publications leave in revision order.
    published: tokio::sync::Mutex<HashMap<Uri, Revision>>,
    shutdown_requested: Arc<AtomicBool>,
    /// The editor's settings (`initializationOptions`, then `workspace/didChangeConfiguration`).
    settings: std::sync::Mutex<serde_json::Value>,
    /// The client can watch files for the server (`workspace/didChangeWatchedFiles` with
    /// dynamic registration).
    watch_files: AtomicBool,
    /// Server commands (decode, open policy) and their session state.
    commands: Commands,
}

/// The text of a panic payload, for the log.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(non-string panic payload)"
    }
}

/// Runs `f`, turning a panic into `None` (logged with `what`).
pub fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            error!(
                "{what}: internal error (panic): {}",
                panic_message(&*payload)
            );
            None
        }
    }
}

/// Runs `f` for a request, turning a panic into a JSON-RPC internal error.
pub fn guard_request<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    guard(what, f).ok_or_else(|| Error {
        code: ErrorCode::InternalError,
        message: format!("iam-ls internal error while handling {what}").into(),
        data: None,
    })
}

/// What the server can do, announced in `initialize`.
pub fn capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ":".into(), "/".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        // "Simulate a request" on each statement: listed cheaply, titled on resolve, evaluated
        // only when run (`iamLs.simulateStatement`).
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(true),
        }),
        execute_command_provider: {
            let commands = commands::command_ids();
            (!commands.is_empty()).then(|| ExecuteCommandOptions {
                commands,
                ..ExecuteCommandOptions::default()
            })
        },
        ..ServerCapabilities::default()
    }
}

impl Backend {
    fn new(
        client: Client,
        notices: transport::Notices,
        shutdown_requested: Arc<AtomicBool>,
    ) -> Self {
        Backend {
            commands: Commands::new(client.clone()),
            client,
            notices,
            store: DocumentStore::new(),
            published: tokio::sync::Mutex::new(HashMap::new()),
            shutdown_requested,
            settings: std::sync::Mutex::new(serde_json::Value::Null),
            watch_files: AtomicBool::new(false),
        }
    }

    /// The document store.
    pub fn store(&self) -> &DocumentStore {
        &self.store
    }

    /// The analysis of `uri` as of now (`None` when not open, or when analysis panicked).
    ///
    /// Call it before any other `.await` of a handler: the text is captured synchronously on the
    /// first poll, so the request sees exactly the edits that arrived before it. Analysis of
    /// uncached text runs on the blocking pool.
    pub async fn with_view<R>(
        &self,
        what: &'static str,
        uri: &Uri,
        f: impl FnOnce(&DocumentView) -> R,
    ) -> Result<Option<R>> {
        let Some(source) = self.store.view_source(uri) else {
            return Ok(None);
        };
        let view = match source {
            ViewSource::Ready(view) => view,
            ViewSource::Pending(pending) => {
                let built =
                    tokio::task::spawn_blocking(move || guard(what, || pending.build_shared()))
                        .await
                        .ok()
                        .flatten();
                let Some(built) = built else {
                    return Err(Error::internal_error());
                };
                self.store.cache_view(uri, built)
            }
        };
        guard_request(what, || f(&view)).map(Some)
    }

    /// Like [`Backend::with_view`], but `f` runs on the blocking pool with a [`Cancel`] token that
    /// turns true when the request is cancelled (`$/cancelRequest`) or dropped; `f` checks it and
    /// returns `None` to stop. For work that grows with the document (outline, folding).
    pub async fn with_view_blocking<R: Send + 'static>(
        &self,
        what: &'static str,
        uri: &Uri,
        f: impl FnOnce(&DocumentView, &Cancel) -> Option<R> + Send + 'static,
    ) -> Result<Option<R>> {
        let Some(source) = self.store.view_source(uri) else {
            return Ok(None);
        };
        let cancel = Cancel::default();
        let armed = cancel.on_drop();
        let work = tokio::task::spawn_blocking(move || {
            let built = match source {
                ViewSource::Ready(view) => (view, false),
                ViewSource::Pending(pending) => (guard(what, || pending.build_shared())?, true),
            };
            let result = guard(what, || f(&built.0, &cancel));
            Some((built, result))
        });
        let done = work.await.ok().flatten();
        armed.disarm();
        let Some(((view, fresh), result)) = done else {
            return Err(Error::internal_error());
        };
        if fresh {
            self.store.cache_view(uri, view);
        }
        match result {
            Some(Some(value)) => Ok(Some(value)),
            Some(None) => Err(Error::request_cancelled()),
            None => Err(Error {
                code: ErrorCode::InternalError,
                message: format!("iam-ls internal error while handling {what}").into(),
                data: None,
            }),
        }
    }

    /// Computes and publishes diagnostics for the text at `revision`, unless a newer edit
    /// supersedes it (that edit's handler publishes instead).
    async fn refresh_diagnostics(&self, uri: Uri, revision: Revision) {
        // Let edits already queued behind this one land first: bursts analyze the last text only.
        tokio::task::yield_now().await;
        if !self.store.is_current(&uri, revision) {
            debug!("skipping diagnostics of superseded revision {revision}");
            return;
        }
        if !self.store.env_ready() {
            debug!("diagnostics wait for the workspace configuration");
            return;
        }
        let Some(source) = self.store.view_source(&uri) else {
            return;
        };
        let uri_for_task = uri.clone();
        let computed = tokio::task::spawn_blocking(move || {
            guard("diagnostics", || {
                let view = match source {
                    ViewSource::Ready(view) => view,
                    ViewSource::Pending(pending) => pending.build_shared(),
                };
                // Encoded here, off the thread that reads and writes the messages.
                let body = convert::publish_diagnostics_body(
                    &uri_for_task,
                    document::diagnostics(&view.snapshot)
                        .iter()
                        .take(MAX_DIAGNOSTICS)
                        .map(|finding| (view.range(finding.span), finding)),
                    &commands::blob_diagnostics(&view),
                    Some(view.version()),
                );
                (view, body)
            })
        })
        .await;
        let (view, body) = match computed {
            Ok(Some(result)) => result,
            Ok(None) => return,
            Err(err) => {
                error!("diagnostics task failed: {err}");
                return;
            }
        };
        let view = self.store.cache_view(&uri, view);
        self.publish(uri, &view, body).await;
    }

    /// Refreshes the diagnostics of several documents (group peers of an edited document, or
    /// every open document after a configuration change).
    async fn refresh_all(&self, documents: Vec<(Uri, Revision)>) {
        for (uri, revision) in documents {
            self.refresh_diagnostics(uri, revision).await;
        }
    }

    /// Publishes the diagnostics computed from `view` (`body`, from
    /// [`convert::publish_diagnostics_body`]) if it is still current and newer than what was last
    /// published for `uri`.
    async fn publish(&self, uri: Uri, view: &DocumentView, body: Option<Vec<u8>>) {
        let mut published = self.published.lock().await;
        if !self.store.is_current(&uri, view.revision) {
            debug!("dropping stale diagnostics (revision {})", view.revision);
            return;
        }
        if published
            .get(&uri)
            .is_some_and(|&last| last >= view.revision)
        {
            return;
        }
        published.insert(uri, view.revision);
        if let Some(body) = body {
            self.notices.send(body);
        }
    }

    /// Loads `iam-ls.toml` from the workspace root and puts the editor settings on top, then
    /// re-analyses every open document. Problems in either are shown to the user; entries of
    /// the file that only the user may set (`[aws] profile`, `endpoint_url`) are ignored, shown,
    /// and published as warnings on the file; policy-group members that are not read (special
    /// files, links out of the workspace) are shown.
    async fn reload_config(&self) {
        let root = self.store.root();
        let mut has_file = false;
        let (mut env, mut problems, warnings) = {
            let mut problems = Vec::new();
            // A FIFO or a device here is refused by fs_guard without blocking this thread.
            let mut config = match &root {
                Some(root) => match Config::load(root) {
                    Ok(c) => {
                        has_file = c.is_some();
                        c.unwrap_or_default()
                    }
                    Err(e) => {
                        problems.push(e.to_string());
                        Config::default()
                    }
                },
                None => Config::default(),
            };
            let warnings = config.warnings().to_vec();
            let settings = self.settings.lock().map(|s| s.clone()).unwrap_or_default();
            if !settings.is_null() {
                problems.extend(config.merge(&settings).iter().map(|e| e.to_string()));
            }
            problems.extend(
                crate::rules::unknown_rule_errors(&config)
                    .iter()
                    .map(|e| e.to_string()),
            );
            (Env::new(config), problems, warnings)
        };
        if let Some(root) = root.clone()
            && env.config.groups().next().is_some()
        {
            // The files the policy groups name, for the cross-file traps (a directory walk).
            let config = env.config.clone();
            let scanned = tokio::task::spawn_blocking(move || Env::for_root(config, root)).await;
            match scanned {
                Ok(scanned) => env = scanned,
                Err(err) => error!("scanning for policy group files failed: {err}"),
            }
        }
        if let Some(root) = root.clone()
            && has_file
        {
            // The workspace's policies for the log hover's "From your repository" answer,
            // read once here (the same walk as `iam-ls explain`), not on every hover.
            let config = env.config.clone();
            let read =
                tokio::task::spawn_blocking(move || crate::cli::why::workspace_at(&root, &config))
                    .await;
            match read {
                Ok(ws) => env.workspace = Arc::new(ws),
                Err(err) => error!("reading the workspace policies failed: {err}"),
            }
        }
        problems.extend(
            env.group_refused
                .iter()
                .map(|(path, why)| format!("policy group member {path} is left out: {why}")),
        );
        problems.extend(warnings.iter().map(|w| w.to_string()));
        for p in problems {
            self.client
                .show_message(MessageType::WARNING, format!("iam-ls configuration: {p}"))
                .await;
        }
        if let Some(uri) = root
            .as_ref()
            .and_then(|r| Uri::from_file_path(r.join(crate::config::FILE_NAME)))
        {
            let diagnostics: Vec<Diagnostic> =
                warnings.iter().map(convert::config_warning).collect();
            if let Some(body) =
                convert::publish_diagnostics_body(&uri, std::iter::empty(), &diagnostics, None)
            {
                self.notices.send(body);
            }
        }
        let open = self.store.set_env(env);
        self.refresh_all(open).await;
    }

    /// `textDocument/codeAction`: the quick fixes of the findings that touch the range, then
    /// the log actions (decode an encoded message, open a managed policy), then "Show
    /// documentation for IAMxxx" for each rule among those findings.
    async fn quick_fixes(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.with_view("codeAction", &params.text_document.uri, |view| {
            let start = view.offset(params.range.start);
            let end = view.offset(params.range.end);
            let mut actions: CodeActionResponse = Vec::new();
            let mut documented = Vec::new();
            for finding in document::diagnostics(&view.snapshot) {
                if finding.span.start > end || finding.span.end < start {
                    continue;
                }
                documented.push(finding.code());
                for fix in &finding.fixes {
                    actions.push(CodeActionOrCommand::CodeAction(convert::quick_fix(
                        view, &uri, finding, fix,
                    )));
                }
            }
            actions.extend(commands::code_actions(
                view,
                crate::syntax::Span::new(start.min(end), start.max(end)),
            ));
            actions.extend(commands::rule_doc_actions(documented));
            actions
        })
        .await
    }

    /// `iamLs/textHash`: length and FNV-1a hash of the server's copy of the text.
    async fn text_hash(&self, params: TextHashParams) -> Result<Option<TextHashResult>> {
        guard_request(ext::TEXT_HASH, || {
            self.store
                .with_text(&params.text_document.uri, |text, version| {
                    let mut hash = Fnv1a64::default();
                    for chunk in text.chunks() {
                        hash.write(chunk.as_bytes());
                    }
                    TextHashResult {
                        version,
                        length: text.len_bytes(),
                        fnv1a64: hash.hex(),
                    }
                })
        })
    }

    /// `iamLs/documentKind`: how the server classified a document.
    async fn document_kind(
        &self,
        params: DocumentKindParams,
    ) -> Result<Option<DocumentKindResult>> {
        self.with_view(ext::DOCUMENT_KIND, &params.text_document.uri, |view| {
            DocumentKindResult {
                version: view.version(),
                kind: match view.snapshot.kind() {
                    DocumentKind::Policy => "policy",
                    DocumentKind::DecodedMessage => "decodedMessage",
                    DocumentKind::Text => "text",
                }
                .to_string(),
                parsed: view.snapshot.parse().is_some(),
                policy_kind: view
                    .snapshot
                    .policy_kind()
                    .map(|k| k.kind.name().to_string()),
                policy_kind_reason: view.snapshot.policy_kind().map(|k| k.why.clone()),
            }
        })
        .await
    }

    /// Stands in for a malformed message that carried an id (see [`transport`]): answers it with
    /// an "invalid request" error.
    async fn invalid_message(&self) -> Result<()> {
        Err(Error {
            code: ErrorCode::InvalidRequest,
            message: "malformed JSON-RPC message".into(),
            data: None,
        })
    }

    /// `iamLs.simulateStatement` with `[{"uri": ..., "statement": N}]`: evaluates a
    /// representative request for the statement ([`crate::ide::simulate`]), shows the decision
    /// and its explanation (`window/showMessage`, info) and returns them as
    /// `{"decision", "action", "resource", "principal", "deciding", "dependsOn", "text"}`.
    async fn simulate_statement(
        &self,
        arguments: &[serde_json::Value],
    ) -> Result<Option<serde_json::Value>> {
        let arg = arguments.first();
        let uri = arg
            .and_then(|a| a.get("uri"))
            .and_then(serde_json::Value::as_str)
            .and_then(|u| u.parse::<Uri>().ok());
        let statement = arg
            .and_then(|a| a.get("statement"))
            .and_then(serde_json::Value::as_u64);
        let (Some(uri), Some(statement)) = (uri, statement) else {
            return Err(Error::invalid_params(format!(
                "{} expects one argument object with a string `uri` and a number `statement`",
                commands::SIMULATE_COMMAND
            )));
        };
        let simulated = self
            .with_view("simulate", &uri, |view| {
                crate::ide::simulate::simulate(&view.snapshot, statement as usize)
            })
            .await?;
        let simulated = simulated
            .ok_or_else(|| Error::invalid_params("the document is not open"))?
            .map_err(Error::invalid_params)?;
        let e = &simulated.evaluation;
        let result = serde_json::json!({
            "decision": e.decision,
            "action": simulated.request.action,
            "resource": simulated.request.resource,
            "principal": simulated.request.principal,
            "deciding": e.deciding,
            "dependsOn": e.depends_on,
            "text": simulated.text,
        });
        let client = self.client.clone();
        let text = format!("Simulated request. {}", simulated.text);
        tokio::spawn(async move {
            client.show_message(MessageType::INFO, text).await;
        });
        Ok(Some(result))
    }

    /// `iamLs/testPanic` (test builds of the environment only): panics inside the guard.
    async fn test_panic(&self) -> Result<()> {
        guard_request(ext::TEST_PANIC, || {
            panic!("deliberate panic requested through {}", ext::TEST_PANIC)
        })
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref());
        let encoding = PositionEncoding::negotiate(offered);
        self.store.set_encoding(encoding);
        #[allow(deprecated)] // root_uri: older clients send only that
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        self.store.set_root(root);
        self.commands.set_client_capabilities(&params.capabilities);
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watch_files.store(watch, Ordering::Relaxed);
        if let Some(options) = params.initialization_options
            && let Ok(mut settings) = self.settings.lock()
        {
            *settings = options;
        }
        info!("initialize: position encoding {encoding:?}");
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "iam-ls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        debug!("client initialized");
        if self.watch_files.load(Ordering::Relaxed) {
            // On a task of its own: the client answers the registration in its own time.
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.register_capability(vec![file_watchers()]).await {
                    warn!("the client refused to watch files: {err}");
                }
            });
        }
        self.reload_config().await;
    }

    /// Files changed outside the editor: the project file, or a policy-group member that is not
    /// open (an open one is read from its buffer). Either reloads the configuration, which
    /// re-reads the group members and re-checks every open document.
    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let relevant = params.changes.iter().any(|change| {
            if self.store.version(&change.uri).is_some() {
                return false;
            }
            let Some(path) = self.store.relative_path(&change.uri) else {
                return false;
            };
            path == crate::config::FILE_NAME || self.store.env().config.group_role(&path).is_some()
        });
        if relevant {
            debug!("watched files changed: reloading the configuration and policy groups");
            self.reload_config().await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if let Ok(mut settings) = self.settings.lock() {
            *settings = params.settings;
        }
        self.reload_config().await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let is_config = params
            .text_document
            .uri
            .path()
            .as_str()
            .ends_with(&format!("/{}", crate::config::FILE_NAME));
        // A saved workspace policy changes the log hover's "From your repository" answer,
        // which reads the policies once per configuration load.
        let in_workspace = || {
            self.store
                .relative_path(&params.text_document.uri)
                .is_some_and(|path| {
                    let env = self.store.env();
                    env.workspace.iter().any(|w| w.policy.file == path)
                })
        };
        if is_config || in_workspace() {
            self.reload_config().await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.with_view("hover", &p.text_document.uri, |view| {
            commands::hover(&self.commands, view, view.offset(p.position))
                .map(|h| convert::hover(view, &h))
        })
        .await
        .map(Option::flatten)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.with_view("completion", &p.text_document.uri, |view| {
            convert::completion(
                view,
                &ide::completion(&view.snapshot, view.offset(p.position)),
            )
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_view_blocking(
            "documentSymbol",
            &params.text_document.uri,
            |view, cancel| {
                let symbols = ide::symbols(&view.snapshot);
                let mut converted = Vec::with_capacity(symbols.len());
                for symbol in &symbols {
                    if cancel.is_cancelled() {
                        return None;
                    }
                    converted.push(convert::symbol(view, symbol));
                }
                Some(DocumentSymbolResponse::Nested(converted))
            },
        )
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_view_blocking("foldingRange", &params.text_document.uri, |view, cancel| {
            let spans = ide::folding_ranges(&view.snapshot);
            let mut ranges = Vec::new();
            for span in spans {
                if cancel.is_cancelled() {
                    return None;
                }
                ranges.extend(convert::folding_range(view, span));
            }
            Some(ranges)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.quick_fixes(params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let key = uri.as_str().to_string();
        self.with_view("codeLens", &uri, |view| {
            crate::ide::simulate::lenses(&view.snapshot)
                .into_iter()
                .map(|l| CodeLens {
                    range: view.range(crate::syntax::Span {
                        start: l.span.start,
                        end: l.span.start,
                    }),
                    command: None,
                    data: Some(serde_json::json!({"uri": key, "statement": l.statement})),
                })
                .collect()
        })
        .await
    }

    async fn code_lens_resolve(&self, mut lens: CodeLens) -> Result<CodeLens> {
        let data = lens.data.take().unwrap_or_default();
        lens.command = Some(Command {
            title: commands::SIMULATE_TITLE.to_string(),
            command: commands::SIMULATE_COMMAND.to_string(),
            arguments: Some(vec![data]),
        });
        Ok(lens)
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command == commands::SIMULATE_COMMAND {
            return self.simulate_statement(&params.arguments).await;
        }
        // Settings as of the request's arrival; the work itself runs on a task of its own.
        let env = self.store.env();
        let aws = env.config.aws();
        self.commands.execute(
            &params.command,
            &params.arguments,
            params.work_done_progress_params.work_done_token,
            &aws,
            env.workspace.clone(),
        )
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        self.commands.cleanup();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        // `move`: the received text is freed as soon as the store has its copy.
        let revision = guard("didOpen", move || {
            self.store
                .open(doc.uri, doc.version, doc.language_id, &doc.text)
        });
        let peers = self.store.invalidate_group_peers(&uri);
        if let Some(revision) = revision {
            self.refresh_diagnostics(uri, revision).await;
        }
        self.refresh_all(peers).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let applied = guard("didChange", || {
            self.store
                .apply_changes(&uri, version, &params.content_changes)
        });
        match applied {
            Some(Ok(revision)) => {
                let peers = self.store.invalidate_group_peers(&uri);
                self.refresh_diagnostics(uri, revision).await;
                self.refresh_all(peers).await;
            }
            Some(Err(err)) => {
                error!("didChange ignored: {err}");
                if matches!(err, StoreError::ReversedRange) {
                    self.client
                        .show_message(
                            MessageType::ERROR,
                            format!("iam-ls ignored an edit: {err}; the document is unchanged, reopen it to resynchronize"),
                        )
                        .await;
                }
            }
            None => {}
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.store.close(&uri);
        // Its group peers now read the file on disk instead of the buffer.
        let peers = self.store.invalidate_group_peers(&uri);
        {
            let mut published = self.published.lock().await;
            published.remove(&uri);
            if let Some(body) =
                convert::publish_diagnostics_body(&uri, std::iter::empty(), &[], None)
            {
                self.notices.send(body);
            }
        }
        self.refresh_all(peers).await;
    }
}

/// What the server asks the client to watch: the project file and JSON files (policy-group
/// members edited outside the editor).
fn file_watchers() -> Registration {
    let watchers = ["**/iam-ls.toml", "**/*.json"]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
    Registration {
        id: "iam-ls-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
            watchers,
        })
        .ok(),
    }
}

/// Builds the LSP service; `test_hooks` registers the test-only requests.
/// The flag turns true when the client sent `shutdown`.
pub fn build_service(
    test_hooks: bool,
) -> (LspService<Backend>, transport::ToClient, Arc<AtomicBool>) {
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (notices, notices_rx) = transport::notices();
    let mut builder = LspService::build(move |client| Backend::new(client, notices, flag))
        .custom_method(ext::TEXT_HASH, Backend::text_hash)
        .custom_method(ext::DOCUMENT_KIND, Backend::document_kind)
        .custom_method(transport::INVALID_MESSAGE, Backend::invalid_message);
    if test_hooks {
        builder = builder.custom_method(ext::TEST_PANIC, Backend::test_panic);
    }
    let (service, socket) = builder.finish();
    let to_client = transport::ToClient {
        socket,
        notices: notices_rx,
    };
    (service, to_client, shutdown)
}

/// Serves LSP over `input`/`output` until `exit` (or end of input). Malformed messages are
/// dropped or answered ([`transport::serve`]). Returns true when the client asked for
/// `shutdown` first (the process should then exit with status 0, else 1).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite,
{
    let test_hooks = std::env::var(ext::TEST_HOOKS_ENV).is_ok_and(|v| v == "1");
    let (service, to_client, shutdown) = build_service(test_hooks);
    transport::serve(input, output, service, to_client).await;
    shutdown.load(Ordering::SeqCst)
}

/// Serves LSP on stdin/stdout. See [`serve`].
pub async fn run_stdio() -> bool {
    serve(tokio::io::stdin(), tokio::io::stdout()).await
}
