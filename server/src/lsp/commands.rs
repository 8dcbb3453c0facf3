//! Server commands and the LSP side of the log features: decoding encoded authorization
//! messages with STS, opening IAM managed policies, and the hovers, code actions and notes that
//! lead to them.
//!
//! - [`code_actions`]: the plain [`LogAction`]s of `ide::logs` as code actions that run a
//!   command (`workspace/executeCommand` with [`DECODE_COMMAND`] or [`OPEN_POLICY_COMMAND`]).
//! - [`Commands::execute`]: runs a command. The AWS call happens on a task of its own, so the
//!   request returns at once and the server keeps answering while it waits. The task shows
//!   progress (`window/workDoneProgress/create` when the client supports it, then `$/progress`
//!   begin and end), calls AWS (bounded by the configured timeout), writes the result to a file
//!   in a private temporary directory and asks the client to open it (`window/showDocument`),
//!   then shows the summary (`window/showMessage`). Every failure becomes an error message that
//!   says what to do.
//! - [`SHOW_RULE_DOCS_COMMAND`]: "Show documentation for IAMxxx", offered as a code action for
//!   every finding in the range ([`rule_doc_actions`]). It needs no network: the rule's page
//!   (the text `iam-ls rules IAMxxx` prints) is written to the private temporary directory and
//!   opened with `window/showDocument`; the command's result is `{"uri": ...}` of that file.
//! - [`hover`]: hovers that need session state: an encoded message decoded earlier shows its
//!   summary (from the session's [`DecodeCache`]), without calling AWS again.
//! - [`blob_diagnostics`]: low-key diagnostics marking encoded messages, in every document.
//!
//! Architecture invariant: nothing reaches AWS unless a person ran a command; message contents,
//! decoded documents and policies are never logged.
//!
//! Temporary files: one directory per server process under the system temporary directory,
//! created with mode 0700 (files 0600), removed at `shutdown` (or when the server ends without
//! it).

use super::convert;
use super::store::DocumentView;
use crate::decode::DecodeCache;
use crate::document::DocumentKind;
use crate::eval::why::WorkspacePolicy;
use crate::ide::logs::{BLOB_NOTE_CODE, DECODE_TITLE, LogAction, NoteLevel, OPEN_POLICY_TITLE};
use crate::ide::{self, Hover};
use crate::logs::Summary;
use crate::syntax::Span;
use serde_json::json;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    ClientCapabilities, CodeAction, CodeActionKind, CodeActionOrCommand, Command, Diagnostic,
    DiagnosticSeverity, NumberOrString,
};
use tracing::warn;

/// `workspace/executeCommand` id that decodes an encoded authorization message. Arguments:
/// `[{"blob": "<encoded message>"}]`.
pub const DECODE_COMMAND: &str = "iamLs.decodeAuthorizationMessage";

/// `workspace/executeCommand` id that fetches an IAM managed policy and opens it. Arguments:
/// `[{"arn": "<policy ARN>"}]`.
pub const OPEN_POLICY_COMMAND: &str = "iamLs.openManagedPolicy";

/// `workspace/executeCommand` id that opens a rule's documentation page from the binary
/// (offline). Arguments: `[{"code": "IAM101"}]` (a rule code or name).
pub const SHOW_RULE_DOCS_COMMAND: &str = "iamLs.showRuleDocumentation";

/// `workspace/executeCommand` id that simulates a request for one statement of a policy (the
/// "Simulate a request" code lens). Arguments: `[{"uri": "<document>", "statement": N}]`.
pub const SIMULATE_COMMAND: &str = "iamLs.simulateStatement";

/// The title of the "Simulate a request" code lens.
pub const SIMULATE_TITLE: &str = "Simulate a request";

/// The title of the code action that opens the documentation of rule `code`.
pub fn rule_doc_title(code: &str) -> String {
    format!("Show documentation for {code}")
}

/// The commands this build can run (the AWS ones only with the `aws` feature).
pub fn command_ids() -> Vec<String> {
    let mut ids = vec![
        SHOW_RULE_DOCS_COMMAND.to_string(),
        SIMULATE_COMMAND.to_string(),
    ];
    if cfg!(feature = "aws") {
        ids.push(DECODE_COMMAND.to_string());
        ids.push(OPEN_POLICY_COMMAND.to_string());
    }
    ids
}

/// What the client said it supports, as far as commands care.
#[derive(Debug, Default)]
struct ClientSupport {
    work_done_progress: AtomicBool,
    show_document: AtomicBool,
}

/// Session state for commands: the decoded messages, the temporary directory, the client's
/// capabilities, and (with the `aws` feature) the AWS client.
pub struct Commands {
    client: Client,
    cache: Arc<DecodeCache>,
    files: Arc<TempFiles>,
    support: Arc<ClientSupport>,
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    next_token: Arc<AtomicU64>,
    #[cfg(feature = "aws")]
    api: std::sync::OnceLock<Arc<dyn crate::aws::AwsApi>>,
}

impl fmt::Debug for Commands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Commands")
            .field("decoded", &self.cache.len())
            .field("support", &self.support)
            .finish_non_exhaustive()
    }
}

impl Commands {
    /// Commands that talk to `client`.
    pub fn new(client: Client) -> Self {
        Commands {
            client,
            cache: Arc::new(DecodeCache::new()),
            files: Arc::new(TempFiles::default()),
            support: Arc::new(ClientSupport::default()),
            next_token: Arc::new(AtomicU64::new(1)),
            #[cfg(feature = "aws")]
            api: std::sync::OnceLock::new(),
        }
    }

    /// Uses `api` instead of the real AWS client (tests).
    #[cfg(feature = "aws")]
    pub fn with_api(client: Client, api: Arc<dyn crate::aws::AwsApi>) -> Self {
        let commands = Commands::new(client);
        let _ = commands.api.set(api);
        commands
    }

    /// Records what the client supports (from `initialize`).
    pub fn set_client_capabilities(&self, caps: &ClientCapabilities) {
        let window = caps.window.as_ref();
        self.support.work_done_progress.store(
            window.and_then(|w| w.work_done_progress).unwrap_or(false),
            Ordering::Relaxed,
        );
        self.support.show_document.store(
            window
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            Ordering::Relaxed,
        );
    }

    /// The decoded messages of this session.
    pub fn cache(&self) -> &DecodeCache {
        &self.cache
    }

    /// The summary of `blob` when it was decoded in this session.
    pub fn summary(&self, blob: &str) -> Option<Summary> {
        self.cache.get(blob).map(|d| d.summary.clone())
    }

    /// Removes the temporary directory (at `shutdown`).
    pub fn cleanup(&self) {
        self.files.remove();
    }

    /// `workspace/executeCommand`. `aws` holds the project's `[aws]` settings and `workspace`
    /// the workspace's policies (for the decoded message's "From your repository" answer), both
    /// captured when the request arrived. Returns at once: the work runs on a task of its own and reports to the
    /// user through progress, `window/showDocument` and `window/showMessage`.
    pub fn execute(
        &self,
        command: &str,
        arguments: &[serde_json::Value],
        work_done_token: Option<NumberOrString>,
        aws: &crate::config::AwsSettings,
        workspace: Arc<Vec<WorkspacePolicy>>,
    ) -> tower_lsp_server::jsonrpc::Result<Option<serde_json::Value>> {
        let arg = |name: &str| -> tower_lsp_server::jsonrpc::Result<String> {
            arguments
                .first()
                .and_then(|a| a.get(name))
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                        "{command} expects one argument object with a string `{name}`"
                    ))
                })
        };
        match command {
            DECODE_COMMAND => {
                let blob = arg("blob")?;
                self.spawn(Job::Decode { blob }, work_done_token, aws, workspace);
                Ok(None)
            }
            OPEN_POLICY_COMMAND => {
                let arn = arg("arn")?;
                self.spawn(Job::OpenPolicy { arn }, work_done_token, aws, workspace);
                Ok(None)
            }
            SHOW_RULE_DOCS_COMMAND => self.show_rule_docs(&arg("code")?),
            other => Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command `{other}`"
            ))),
        }
    }

    /// Writes the page of rule `id` (code or name) to the temporary directory and asks the
    /// client to open it; a client that cannot open documents is told where the page is.
    /// Returns `{"uri": ...}` of the file.
    fn show_rule_docs(
        &self,
        id: &str,
    ) -> tower_lsp_server::jsonrpc::Result<Option<serde_json::Value>> {
        use tower_lsp_server::jsonrpc::Error;
        use tower_lsp_server::ls_types::{MessageType, ShowDocumentParams, Uri};
        let rule = crate::rules::find(id)
            .ok_or_else(|| Error::invalid_params(format!("no rule `{id}`")))?;
        let page = crate::rules::docs::render_page(rule);
        let path = self
            .files
            .write(&["rules"], &format!("{}.md", rule.code), &page)
            .map_err(|e| {
                let mut err = Error::internal_error();
                err.message =
                    format!("cannot write the documentation of {}: {e}", rule.code).into();
                err
            })?;
        let uri = Uri::from_file_path(&path).ok_or_else(Error::internal_error)?;
        let client = self.client.clone();
        let can_show = self.support.show_document.load(Ordering::Relaxed);
        let shown_uri = uri.clone();
        let fallback = format!(
            "{} {}: {} The documentation is in {} and at {}.",
            rule.code,
            rule.name,
            rule.summary,
            path.display(),
            rule.url()
        );
        tokio::spawn(async move {
            let shown = can_show
                && matches!(
                    client
                        .show_document(ShowDocumentParams {
                            uri: shown_uri,
                            external: Some(false),
                            take_focus: Some(true),
                            selection: None,
                        })
                        .await,
                    Ok(true)
                );
            if !shown {
                client.show_message(MessageType::INFO, fallback).await;
            }
        });
        Ok(Some(json!({"uri": uri.as_str()})))
    }

    #[cfg(not(feature = "aws"))]
    fn spawn(
        &self,
        _job: Job,
        _token: Option<NumberOrString>,
        _aws: &crate::config::AwsSettings,
        _workspace: Arc<Vec<WorkspacePolicy>>,
    ) {
        let client = self.client.clone();
        tokio::spawn(async move {
            client
                .show_message(
                    tower_lsp_server::ls_types::MessageType::ERROR,
                    "This iam-ls was built without AWS support (the `aws` feature), so it cannot \
                     call AWS. Install a build with the feature on.",
                )
                .await;
        });
    }

    #[cfg(feature = "aws")]
    fn spawn(
        &self,
        job: Job,
        token: Option<NumberOrString>,
        aws: &crate::config::AwsSettings,
        workspace: Arc<Vec<WorkspacePolicy>>,
    ) {
        let client_token = token.is_some();
        let task = Task {
            client: self.client.clone(),
            cache: self.cache.clone(),
            files: self.files.clone(),
            support: self.support.clone(),
            api: self.api.get_or_init(crate::decode::default_api).clone(),
            settings: crate::decode::aws_settings(aws),
            workspace,
            token: token.unwrap_or_else(|| {
                NumberOrString::String(format!(
                    "iam-ls/aws/{}",
                    self.next_token.fetch_add(1, Ordering::Relaxed)
                ))
            }),
            client_token,
        };
        tokio::spawn(task.run(job));
    }
}

/// What a command asked for.
#[derive(Debug)]
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
enum Job {
    Decode { blob: String },
    OpenPolicy { arn: String },
}

/// One running command, with everything it needs (no borrow of the backend).
#[cfg(feature = "aws")]
struct Task {
    client: Client,
    cache: Arc<DecodeCache>,
    files: Arc<TempFiles>,
    support: Arc<ClientSupport>,
    api: Arc<dyn crate::aws::AwsApi>,
    settings: crate::aws::AwsSettings,
    /// The workspace's policies, for the decoded message's "From your repository" answer.
    workspace: Arc<Vec<WorkspacePolicy>>,
    token: NumberOrString,
    /// True when the token came with the request (the client created it).
    client_token: bool,
}

#[cfg(feature = "aws")]
mod run {
    use super::*;
    use crate::aws::AwsError;
    use crate::decode::{self, Decoded};
    use std::time::Duration;
    use tracing::debug;

    /// How long the client may take to answer `window/workDoneProgress/create` before the command
    /// goes on without progress.
    const CLIENT_CREATE_TIMEOUT: Duration = Duration::from_secs(5);
    /// How long the client may take to answer `window/showDocument`.
    const CLIENT_SHOW_TIMEOUT: Duration = Duration::from_secs(10);
    /// Added to the AWS timeout for the outer safety limit (the AWS layer enforces its own).
    const GRACE: Duration = Duration::from_secs(5);

    use tower_lsp_server::ls_types::{MessageType, ShowDocumentParams, Uri};
    use tower_lsp_server::{NotCancellable, OngoingProgress, Unbounded};

    impl Task {
        pub(super) async fn run(self, job: Job) {
            match job {
                Job::Decode { blob } => self.decode(blob).await,
                Job::OpenPolicy { arn } => self.open_policy(arn).await,
            }
        }

        async fn decode(self, blob: String) {
            debug!("decode command: started");
            let cached = self.cache.get(&blob);
            let outcome = match cached {
                Some(decoded) => Ok(decoded),
                None => {
                    let progress = self
                        .begin_progress(
                            "Decoding authorization message",
                            "Calling AWS STS DecodeAuthorizationMessage",
                        )
                        .await;
                    let result = self
                        .bounded(decode::decode(
                            &*self.api,
                            &self.settings,
                            &blob,
                            &self.cache,
                        ))
                        .await
                        .map(|o| o.decoded);
                    if let Some(p) = progress {
                        p.finish_with_message(if result.is_ok() { "Decoded" } else { "Failed" })
                            .await;
                    }
                    result
                }
            };
            match outcome {
                Ok(decoded) => self.show_decoded(&blob, &decoded).await,
                Err(err) => {
                    debug!(kind = err.kind(), "decode command: failed");
                    self.client
                        .show_message(
                            MessageType::ERROR,
                            format!("iam-ls could not decode the authorization message. {err}"),
                        )
                        .await;
                }
            }
        }

        async fn show_decoded(&self, blob: &str, decoded: &Decoded) {
            let name = format!(
                "decoded-authorization-message-{}.json",
                &decode::blob_id(blob)[..8]
            );
            let written = self.files.write(&[], &name, &decoded.pretty_json);
            let opened = match &written {
                Ok(path) => self.show_document(path).await,
                Err(err) => {
                    warn!("cannot write the decoded message to a temporary file: {err}");
                    false
                }
            };
            let mut summary = decoded.summary.clone();
            if let Some(m) = &decoded.message {
                crate::ide::logs::why::add_to_summary(&mut summary, m, &self.workspace);
            }
            let mut text = summary.to_text();
            if !opened {
                match &written {
                    Ok(path) => {
                        text.push_str(&format!("\n\nThe decoded JSON is in {}.", path.display()))
                    }
                    Err(_) => {
                        text.push_str("\n\nDecoded JSON:\n");
                        text.push_str(&decoded.pretty_json);
                    }
                }
            }
            self.client.show_message(MessageType::INFO, text).await;
            debug!("decode command: done");
        }

        async fn open_policy(self, arn: String) {
            debug!("open policy command: started");
            let progress = self
                .begin_progress(
                    "Fetching managed policy",
                    "Calling AWS IAM GetPolicy and GetPolicyVersion",
                )
                .await;
            let result = self
                .bounded(decode::fetch_policy(&*self.api, &self.settings, &arn))
                .await;
            if let Some(p) = progress {
                p.finish_with_message(if result.is_ok() { "Fetched" } else { "Failed" })
                    .await;
            }
            let policy = match result {
                Ok(policy) => policy,
                Err(err) => {
                    debug!(kind = err.kind(), "open policy command: failed");
                    self.client
                        .show_message(
                            MessageType::ERROR,
                            format!("iam-ls could not fetch the policy {arn}. {err}"),
                        )
                        .await;
                    return;
                }
            };
            let account = crate::logs::Arn::parse(&policy.arn)
                .map(|a| a.account)
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "unknown-account".to_string());
            let name = policy.name.clone().unwrap_or_else(|| {
                policy
                    .arn
                    .rsplit('/')
                    .next()
                    .unwrap_or("policy")
                    .to_string()
            });
            let file = format!("{}.json", file_component(&name));
            let written = self.files.write(
                &["policies", &file_component(&account)],
                &file,
                &policy.document_json,
            );
            let opened = match &written {
                Ok(path) => self.show_document(path).await,
                Err(err) => {
                    warn!("cannot write the policy to a temporary file: {err}");
                    false
                }
            };
            let mut text = format!(
                "Opened {} (default version {}).",
                policy.arn, policy.version_id
            );
            if !opened {
                match &written {
                    Ok(path) => {
                        text = format!(
                            "Fetched {} (default version {}) into {}.",
                            policy.arn,
                            policy.version_id,
                            path.display()
                        )
                    }
                    Err(_) => {
                        text.push_str("\n\n");
                        text.push_str(&policy.document_json);
                    }
                }
            }
            self.client.show_message(MessageType::INFO, text).await;
            debug!("open policy command: done");
        }

        /// Runs an AWS call under the configured timeout plus a margin (the AWS layer has its
        /// own limit; this one only guards against a call that ignores it).
        async fn bounded<T>(
            &self,
            call: impl Future<Output = Result<T, AwsError>>,
        ) -> Result<T, AwsError> {
            let limit = self.settings.timeout;
            match tokio::time::timeout(limit + GRACE, call).await {
                Ok(result) => result,
                Err(_) => Err(AwsError::Timeout { after: limit }),
            }
        }

        /// Starts a progress report: with the client's token when the request carried one, else
        /// with a token created through `window/workDoneProgress/create` when the client
        /// supports it. `None` when there is no way to show progress.
        async fn begin_progress(
            &self,
            title: &str,
            message: &str,
        ) -> Option<OngoingProgress<Unbounded, NotCancellable>> {
            if !self.client_token {
                if !self.support.work_done_progress.load(Ordering::Relaxed) {
                    return None;
                }
                let created = tokio::time::timeout(
                    CLIENT_CREATE_TIMEOUT,
                    self.client.create_work_done_progress(self.token.clone()),
                )
                .await;
                if !matches!(created, Ok(Ok(()))) {
                    debug!("the client did not create a progress token; going on without");
                    return None;
                }
            }
            Some(
                self.client
                    .progress(self.token.clone(), title)
                    .with_message(message)
                    .begin()
                    .await,
            )
        }

        /// Asks the client to open `path`; false when it cannot or does not.
        async fn show_document(&self, path: &Path) -> bool {
            if !self.support.show_document.load(Ordering::Relaxed) {
                return false;
            }
            let Some(uri) = Uri::from_file_path(path) else {
                return false;
            };
            let shown = tokio::time::timeout(
                CLIENT_SHOW_TIMEOUT,
                self.client.show_document(ShowDocumentParams {
                    uri,
                    external: Some(false),
                    take_focus: Some(true),
                    selection: None,
                }),
            )
            .await;
            matches!(shown, Ok(Ok(true)))
        }
    }
}

/// A file name part made of `[A-Za-z0-9+=,.@_-]` only (IAM names use no other characters),
/// never `.` or `..`, at most 100 characters.
fn file_component(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with('.') {
        out.insert(0, '_');
    }
    out
}

/// The server's private temporary directory, created on first use.
#[derive(Debug, Default)]
pub struct TempFiles {
    dir: Mutex<Option<PathBuf>>,
}

impl TempFiles {
    /// The directory, created on first call (mode 0700 on Unix).
    pub fn dir(&self) -> io::Result<PathBuf> {
        let mut slot = self
            .dir
            .lock()
            .map_err(|_| io::Error::other("temporary directory lock poisoned"))?;
        if let Some(dir) = slot.as_ref()
            && dir.is_dir()
        {
            return Ok(dir.clone());
        }
        let dir = create_private_dir(&std::env::temp_dir())?;
        *slot = Some(dir.clone());
        Ok(dir)
    }

    /// Writes `contents` to `<dir>/<sub...>/<name>` (subdirectories 0700, file 0600 on Unix),
    /// replacing an earlier file of that name; returns the path.
    pub fn write(&self, sub: &[&str], name: &str, contents: &str) -> io::Result<PathBuf> {
        let mut path = self.dir()?;
        for part in sub {
            path.push(file_component(part));
            if !path.is_dir() {
                private_dir_builder().create(&path)?;
            }
        }
        path.push(file_component(name));
        write_private_file(&path, contents)?;
        Ok(path)
    }

    /// Deletes the directory and everything in it.
    pub fn remove(&self) {
        if let Ok(mut slot) = self.dir.lock()
            && let Some(dir) = slot.take()
            && let Err(err) = std::fs::remove_dir_all(&dir)
            && err.kind() != io::ErrorKind::NotFound
        {
            warn!("cannot remove the temporary directory: {err}");
        }
    }
}

/// The directory also goes when the server ends without `shutdown` (the client closed the
/// input or sent `exit` first): the last holder is dropped when the service stops.
impl Drop for TempFiles {
    fn drop(&mut self) {
        self.remove();
    }
}

fn private_dir_builder() -> std::fs::DirBuilder {
    #[allow(unused_mut)]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
}

/// Creates a new directory only this user can enter, under `base`, with a name nobody could
/// have guessed and claimed first (creation fails on an existing name, and is retried).
fn create_private_dir(base: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut last = io::Error::other("no attempt made");
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in format!("{}-{nanos}-{n}", std::process::id()).bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let dir = base.join(format!("iam-ls-{}-{hash:016x}", std::process::id()));
        match private_dir_builder().create(&dir) {
            Ok(()) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
                }
                return Ok(dir);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last = err,
            Err(err) => return Err(err),
        }
    }
    Err(last)
}

fn write_private_file(path: &Path, contents: &str) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents.as_bytes())?;
    file.flush()
}

/// Hover that may use the session's decoded messages: an encoded message in any document; for
/// logs and decoded messages the `ide::logs` hover (with decoded summaries); for policies the
/// policy hover.
pub fn hover(commands: &Commands, view: &DocumentView, offset: usize) -> Option<Hover> {
    let snapshot = &view.snapshot;
    let workspace = &snapshot.env().workspace;
    // A message decoded earlier: its summary with the workspace's answer.
    let lookup = |blob: &str| {
        commands.cache.get(blob).map(|d| {
            let mut summary = d.summary.clone();
            if let Some(m) = &d.message {
                ide::logs::why::add_to_summary(&mut summary, m, workspace);
            }
            summary
        })
    };
    match snapshot.kind() {
        DocumentKind::Policy => ide::logs::blob_hover(snapshot.text(), offset, &lookup)
            .or_else(|| ide::hover(snapshot, offset)),
        DocumentKind::Text | DocumentKind::DecodedMessage => {
            ide::logs::hover_in(snapshot, offset, &lookup, &snapshot.env().workspace)
        }
    }
}

/// The code actions of the log features for `range` (byte offsets) of `view`: each runs a
/// command. None without the `aws` feature.
pub fn code_actions(view: &DocumentView, range: Span) -> Vec<CodeActionOrCommand> {
    if !cfg!(feature = "aws") {
        return Vec::new();
    }
    let actions = ide::logs::actions(view.snapshot.text(), range);
    let policies = actions
        .iter()
        .filter(|a| matches!(a, LogAction::OpenPolicy { .. }))
        .count();
    actions
        .into_iter()
        .map(|action| {
            let (title, command, argument) = match &action {
                LogAction::DecodeBlob { blob, .. } => (
                    DECODE_TITLE.to_string(),
                    DECODE_COMMAND,
                    json!({"blob": blob}),
                ),
                LogAction::OpenPolicy { arn, name, .. } => (
                    if policies > 1 {
                        format!("{OPEN_POLICY_TITLE}: {name}")
                    } else {
                        OPEN_POLICY_TITLE.to_string()
                    },
                    OPEN_POLICY_COMMAND,
                    json!({"arn": arn}),
                ),
            };
            CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                command: Some(Command {
                    title,
                    command: command.to_string(),
                    arguments: Some(vec![argument]),
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// "Show documentation for IAMxxx" code actions, one per rule in `codes` (first occurrence
/// order, no repeats). They come after the quick fixes, which stay first in the menu.
pub fn rule_doc_actions<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<CodeActionOrCommand> {
    let mut seen: Vec<&str> = Vec::new();
    for code in codes {
        if !seen.contains(&code) {
            seen.push(code);
        }
    }
    seen.into_iter()
        .map(|code| {
            let title = rule_doc_title(code);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                command: Some(Command {
                    title,
                    command: SHOW_RULE_DOCS_COMMAND.to_string(),
                    arguments: Some(vec![json!({"code": code})]),
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// Low-key diagnostics for the encoded messages in `view` (any kind of document), at most
/// [`ide::logs::MAX_BLOB_NOTES`].
pub fn blob_diagnostics(view: &DocumentView) -> Vec<Diagnostic> {
    ide::logs::blob_notes(view.snapshot.text())
        .into_iter()
        .map(|note| Diagnostic {
            range: view.range(note.span),
            severity: Some(match note.level {
                NoteLevel::Hint => DiagnosticSeverity::HINT,
                NoteLevel::Information => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(BLOB_NOTE_CODE.to_string())),
            source: Some(convert::SOURCE.to_string()),
            message: note.message,
            ..Diagnostic::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_file_component_is_a_safe_name() {
        assert_eq!(file_component("ReadOnlyAccess"), "ReadOnlyAccess");
        assert_eq!(file_component("../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_component(".."), "_..");
        assert_eq!(file_component(""), "_");
        assert_eq!(file_component("a b/c"), "a_b_c");
        assert_eq!(file_component(&"x".repeat(300)).len(), 100);
    }

    #[test]
    fn commands_temp_files_are_private_and_removed() {
        let files = TempFiles::default();
        let path = files
            .write(&["policies", "123456789012"], "P.json", "{}\n")
            .expect("write");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}\n");
        let dir = files.dir().unwrap();
        assert!(path.starts_with(&dir));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        // Rewriting replaces the content.
        let again = files
            .write(&["policies", "123456789012"], "P.json", "{\"a\": 1}\n")
            .unwrap();
        assert_eq!(again, path);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\": 1}\n");
        files.remove();
        assert!(!dir.exists());
        // A second directory has another name.
        let other = TempFiles::default();
        let d2 = other.dir().unwrap();
        assert_ne!(d2, dir);
        other.remove();
    }
}
