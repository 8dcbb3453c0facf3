//! The open documents: the text of each URI, plus a cached analysis of the latest text.
//!
//! A document keeps its text as it was received ([`StoredText::Flat`], shared with the analysis
//! without a copy) until the first edit, which turns it into an editable [`Rope`]: opening a
//! large log costs one copy of its text, and typing in a policy costs O(log n) per edit.
//!
//! Architecture invariant: every method here is synchronous and returns without keeping any
//! lock, so handlers call them before their first `.await` and edits are applied in the order
//! the notifications arrive. Each edit bumps a store-wide [`Revision`]; a result computed from an
//! older revision is stale and must be dropped (see [`DocumentStore::is_current`]).

use super::position::{LineIndex, PositionEncoding, rope_char_index};
use crate::document::{Env, Snapshot};
use crate::groups;
use crate::rules::cache::FindingsCache;
use crate::syntax::Prior;
use dashmap::DashMap;
use ropey::Rope;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// A store-wide, strictly increasing edit counter: two different texts of a document never share
/// a revision, even across close and reopen.
pub type Revision = u64;

/// An analyzed version of a document together with what the LSP layer needs to convert offsets.
#[derive(Debug)]
pub struct DocumentView {
    /// The revision the snapshot was taken at.
    pub revision: Revision,
    /// The analysis input and result (text, kind, syntax tree).
    pub snapshot: Snapshot,
    /// Line starts of the snapshot's text, in the negotiated encoding.
    pub lines: LineIndex,
}

impl DocumentView {
    /// Analyzes `text` (parses it: call off the async executor for large texts), reusing what
    /// the previous revision's analysis left (`previous`: its parse, see
    /// [`Snapshot::edited`], and its line index, see [`LineIndex::edited`]).
    pub fn build(
        revision: Revision,
        version: i32,
        text: Arc<str>,
        encoding: PositionEncoding,
        path: Option<String>,
        env: Arc<Env>,
        previous: Previous,
    ) -> Self {
        let lines = match previous.lines {
            Some(lines) => LineIndex::edited(lines, text.clone(), encoding),
            None => LineIndex::new(text.clone(), encoding),
        };
        DocumentView {
            revision,
            snapshot: Snapshot::edited(text, version, path, env, previous.parse),
            lines,
        }
    }

    /// The document version the snapshot was taken at.
    pub fn version(&self) -> i32 {
        self.snapshot.version()
    }

    /// Byte offset of an LSP position in the snapshot's text (clamped).
    pub fn offset(&self, position: Position) -> usize {
        self.lines.offset(position)
    }

    /// LSP range of a byte span of the snapshot's text.
    pub fn range(&self, span: crate::syntax::Span) -> Range {
        self.lines.range(span)
    }
}

/// What [`DocumentStore::view_source`] hands out: a ready analysis, or the text to analyze.
#[derive(Debug)]
pub enum ViewSource {
    /// The cached analysis of the current text.
    Ready(Arc<DocumentView>),
    /// The current text, not analyzed yet: build a [`DocumentView`] from it, then offer it back
    /// with [`DocumentStore::cache_view`].
    Pending(PendingView),
}

/// What the build of a revision takes over from the previous revision's analysis, when
/// nothing else holds that analysis any more.
#[derive(Debug, Default)]
pub struct Previous {
    /// Its parse and what the parse remembered ([`Snapshot::take_prior`]).
    pub parse: Option<Prior>,
    /// Its line index, patched rather than rebuilt ([`LineIndex::edited`]).
    pub lines: Option<LineIndex>,
}

/// The current text of a document, captured for analysis.
#[derive(Debug, Clone)]
pub struct PendingView {
    pub revision: Revision,
    pub version: i32,
    /// The text: cloning it is O(1), so capturing it on the async thread is cheap; an edited
    /// (rope) text is flattened in [`PendingView::build`], off that thread.
    pub text: StoredText,
    pub encoding: PositionEncoding,
    /// The path relative to the workspace root, when the document is a file under it.
    pub path: Option<String>,
    pub env: Arc<Env>,
    /// The open documents that share a `[[groups]]` entry with this one: relative path and
    /// current text (the others are read from disk by [`PendingView::build`]).
    pub open_peers: Vec<(String, Arc<str>)>,
    /// Where concurrent builds of the same revision meet ([`PendingView::build_shared`]).
    pub shared: SharedBuild,
    /// The document's per-statement findings cache (see [`crate::rules::cache`]), so that an
    /// edit re-runs the statement rules only on the statements it changed.
    pub findings_cache: Option<Arc<FindingsCache>>,
    /// The previous revision's build, which the store let go of when this one was captured:
    /// often the last reference to that analysis. Whoever builds this view takes its parse over
    /// (see [`Snapshot::take_prior`]) and decides where the rest is freed (a large policy's
    /// analysis is tens of thousands of allocations), never the async thread that captured it.
    pub retired: Option<SharedBuild>,
}

/// The text of an open document.
#[derive(Debug, Clone)]
pub enum StoredText {
    /// As received (opened, or replaced whole), shared as is with the views built from it.
    Flat(Arc<str>),
    /// Edited: a rope, so that an edit costs O(log n); views get a flat copy.
    Rope(Rope),
}

impl StoredText {
    /// Length in bytes.
    pub fn len_bytes(&self) -> usize {
        match self {
            StoredText::Flat(text) => text.len(),
            StoredText::Rope(rope) => rope.len_bytes(),
        }
    }

    /// True when the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len_bytes() == 0
    }

    /// The text in consecutive pieces.
    pub fn chunks(&self) -> impl Iterator<Item = &str> {
        let (flat, rope) = match self {
            StoredText::Flat(text) => (Some(&**text), None),
            StoredText::Rope(rope) => (None, Some(rope.chunks())),
        };
        flat.into_iter().chain(rope.into_iter().flatten())
    }

    /// The text as one shared string: the same allocation for a flat text, a copy of a rope.
    pub fn to_shared(&self) -> Arc<str> {
        match self {
            StoredText::Flat(text) => text.clone(),
            StoredText::Rope(rope) => {
                let mut text = String::with_capacity(rope.len_bytes());
                for chunk in rope.chunks() {
                    text.push_str(chunk);
                }
                Arc::from(text)
            }
        }
    }
}

impl std::fmt::Display for StoredText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.chunks().try_for_each(|chunk| f.write_str(chunk))
    }
}

impl PendingView {
    /// The view of this revision: built here, or by a concurrent caller that started first
    /// (this one then waits for it on its blocking thread).
    pub fn build_shared(mut self) -> Arc<DocumentView> {
        let mut previous = self.retired.take().map(take_previous);
        let shared = self.shared.clone();
        let view = shared
            .get_or_init(|| Arc::new(self.build(previous.take().unwrap_or_default())))
            .clone();
        if let Some(unused) = previous {
            free_beside(unused);
        }
        view
    }

    /// Analyzes the captured text, with the other members of its policy groups, reusing what
    /// the previous revision's analysis left (`previous`).
    pub fn build(self, previous: Previous) -> DocumentView {
        let related = match &self.path {
            Some(path) => self.env.related(path, &self.open_peers),
            None => Vec::new(),
        };
        let mut view = DocumentView::build(
            self.revision,
            self.version,
            self.text.to_shared(),
            self.encoding,
            self.path,
            self.env,
            previous,
        );
        if !related.is_empty() {
            view.snapshot = view.snapshot.with_related(related);
        }
        if let Some(cache) = self.findings_cache {
            view.snapshot = view.snapshot.with_findings_cache(cache);
        }
        view
    }
}

/// The previous revision's parse and line index, for the next one, when nothing else holds
/// that revision's view any more (a request still reading it keeps it, and the next build
/// starts from scratch); the rest of that analysis is freed beside the new one.
fn take_previous(retired: SharedBuild) -> Previous {
    let view = match Arc::try_unwrap(retired) {
        Ok(lock) => lock.into_inner(),
        Err(shared) => {
            free_beside(shared);
            return Previous::default();
        }
    };
    let Some(view) = view else {
        return Previous::default();
    };
    match Arc::try_unwrap(view) {
        Ok(DocumentView {
            mut snapshot,
            lines,
            ..
        }) => {
            let parse = snapshot.take_prior();
            free_beside(snapshot);
            Previous {
                parse,
                lines: Some(lines),
            }
        }
        Err(view) => {
            free_beside(view);
            Previous::default()
        }
    }
}

/// Frees `value` on another thread of the blocking pool when there is a runtime, so that
/// freeing the previous revision's analysis runs beside the new one instead of before it; inline
/// otherwise.
fn free_beside<T: Send + 'static>(value: T) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn_blocking(move || drop(value));
        }
        Err(_) => drop(value),
    }
}

impl ViewSource {
    /// The revision this source belongs to.
    pub fn revision(&self) -> Revision {
        match self {
            ViewSource::Ready(view) => view.revision,
            ViewSource::Pending(pending) => pending.revision,
        }
    }
}

/// Why an edit could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// `didChange` for a document that is not open.
    NotOpen,
    /// A change whose range ends before it starts (rejected, not reinterpreted).
    ReversedRange,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NotOpen => f.write_str("the document is not open"),
            StoreError::ReversedRange => f.write_str("a change's range ends before it starts"),
        }
    }
}

impl std::error::Error for StoreError {}

#[derive(Debug)]
struct Document {
    text: StoredText,
    version: i32,
    language_id: String,
    revision: Revision,
    view: Option<Arc<DocumentView>>,
    /// The analysis of `revision` being built, shared by every request and diagnostics run
    /// that asks for it meanwhile (one build of a large document, not one per request).
    building: Option<(Revision, SharedBuild)>,
    /// The statement rules' findings of the last analysis, for the next one to reuse; it
    /// lives and dies with the open document.
    findings_cache: Arc<FindingsCache>,
}

/// A view built once by whichever caller gets there first; the others wait for it.
pub type SharedBuild = Arc<OnceLock<Arc<DocumentView>>>;

/// The open documents, keyed by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: DashMap<Uri, Document>,
    next_revision: AtomicU64,
    utf8: AtomicU8,
    env: RwLock<Arc<Env>>,
    /// Whether the workspace configuration has been loaded once (see [`Self::env_ready`]).
    env_ready: AtomicBool,
    root: RwLock<Option<PathBuf>>,
}

impl DocumentStore {
    /// An empty store using UTF-16 positions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the position encoding negotiated in `initialize`.
    pub fn set_encoding(&self, encoding: PositionEncoding) {
        let flag = u8::from(encoding == PositionEncoding::Utf8);
        self.utf8.store(flag, Ordering::Relaxed);
    }

    /// The position encoding in use.
    pub fn encoding(&self) -> PositionEncoding {
        if self.utf8.load(Ordering::Relaxed) == 1 {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }

    fn bump(&self) -> Revision {
        self.next_revision.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Opens (or re-opens, replacing) a document. The text is copied once, into the shared
    /// allocation the analysis reads too, and kept flat until the first edit.
    pub fn open(&self, uri: Uri, version: i32, language_id: String, text: &str) -> Revision {
        let text = StoredText::Flat(Arc::from(text));
        let revision = self.bump();
        self.docs.insert(
            uri,
            Document {
                text,
                version,
                language_id,
                revision,
                view: None,
                building: None,
                findings_cache: Arc::default(),
            },
        );
        revision
    }

    /// Applies `changes` in order and sets the version. A change without a range replaces the
    /// whole text; ranges are clamped to the document (see [`super::position`]); a range that
    /// ends before it starts rejects the whole notification ([`StoreError::ReversedRange`], the
    /// document unchanged) rather than being guessed at. Never panics.
    pub fn apply_changes(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
    ) -> Result<Revision, StoreError> {
        let encoding = self.encoding();
        // Checked before anything changes: a reversed range rejects the whole notification.
        let reversed =
            |r: &Range| (r.end.line, r.end.character) < (r.start.line, r.start.character);
        if changes
            .iter()
            .any(|c| c.range.as_ref().is_some_and(reversed))
        {
            return Err(StoreError::ReversedRange);
        }
        let revision = self.bump();
        let mut doc = self.docs.get_mut(uri).ok_or(StoreError::NotOpen)?;
        for change in changes {
            apply_change(&mut doc.text, change, encoding);
        }
        doc.version = version;
        doc.revision = revision;
        doc.view = None;
        Ok(revision)
    }

    /// Closes a document; true when it was open.
    pub fn close(&self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    /// True when `uri` is open and its text is still the one of `revision`.
    pub fn is_current(&self, uri: &Uri, revision: Revision) -> bool {
        self.docs.get(uri).is_some_and(|d| d.revision == revision)
    }

    /// The current version, when open.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs.get(uri).map(|d| d.version)
    }

    /// The language id given at open, when open.
    pub fn language_id(&self, uri: &Uri) -> Option<String> {
        self.docs.get(uri).map(|d| d.language_id.clone())
    }

    /// The current text, when open.
    pub fn text(&self, uri: &Uri) -> Option<String> {
        self.docs.get(uri).map(|d| d.text.to_string())
    }

    /// Runs `f` on the current text and version, when open (the lock is held only during `f`,
    /// which must not block).
    pub fn with_text<R>(&self, uri: &Uri, f: impl FnOnce(&StoredText, i32) -> R) -> Option<R> {
        self.docs.get(uri).map(|d| f(&d.text, d.version))
    }

    /// The cached analysis of the current text, or the current text to analyze.
    pub fn view_source(&self, uri: &Uri) -> Option<ViewSource> {
        let mut pending = {
            let mut doc = self.docs.get_mut(uri)?;
            if let Some(view) = &doc.view {
                return Some(ViewSource::Ready(view.clone()));
            }
            let revision = doc.revision;
            let mut retired = None;
            let shared = match &doc.building {
                Some((built_for, shared)) if *built_for == revision => shared.clone(),
                _ => {
                    let shared = SharedBuild::default();
                    retired = doc
                        .building
                        .replace((revision, shared.clone()))
                        .map(|(_, old)| old);
                    shared
                }
            };
            PendingView {
                shared,
                revision: doc.revision,
                version: doc.version,
                text: doc.text.clone(),
                encoding: self.encoding(),
                path: self.relative_path(uri),
                env: self.env(),
                open_peers: Vec::new(),
                findings_cache: Some(doc.findings_cache.clone()),
                retired,
            }
        };
        if let Some(path) = &pending.path
            && pending.env.config.group_role(path).is_some()
        {
            pending.open_peers = self.open_peers(uri, path, &pending.env);
        }
        Some(ViewSource::Pending(pending))
    }

    /// The relative paths and texts of the open documents other than `uri` that share a group
    /// with `path`.
    fn open_peers(&self, uri: &Uri, path: &str, env: &Env) -> Vec<(String, Arc<str>)> {
        let mut out = Vec::new();
        for doc in self.docs.iter() {
            if doc.key() == uri {
                continue;
            }
            let Some(other) = self.relative_path(doc.key()) else {
                continue;
            };
            if groups::share_a_group(&env.config, path, &other) {
                let text = match &doc.view {
                    Some(view) => view.snapshot.shared_text().clone(),
                    None => doc.text.to_shared(),
                };
                out.push((other, text));
            }
        }
        out
    }

    /// After `uri` was opened, edited or closed: drops the cached analyses of the open
    /// documents that share a `[[groups]]` entry with it (their cross-file findings read its
    /// text) and gives them new revisions. Returns them, to re-publish their diagnostics.
    pub fn invalidate_group_peers(&self, uri: &Uri) -> Vec<(Uri, Revision)> {
        let env = self.env();
        let Some(path) = self.relative_path(uri) else {
            return Vec::new();
        };
        if env.config.group_role(&path).is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for mut doc in self.docs.iter_mut() {
            if doc.key() == uri {
                continue;
            }
            let shares = self
                .relative_path(doc.key())
                .is_some_and(|other| groups::share_a_group(&env.config, &path, &other));
            if shares {
                doc.view = None;
                doc.revision = self.bump();
                out.push((doc.key().clone(), doc.revision));
            }
        }
        out
    }

    /// The analysis environment new views are built with.
    pub fn env(&self) -> Arc<Env> {
        self.env.read().map(|e| e.clone()).unwrap_or_default()
    }

    /// Replaces the analysis environment and drops every cached view, so the next request or
    /// diagnostics run re-analyzes with it. Returns the open documents' URIs and revisions.
    pub fn set_env(&self, env: Env) -> Vec<(Uri, Revision)> {
        if let Ok(mut slot) = self.env.write() {
            *slot = Arc::new(env);
        }
        // Set before the documents are listed: a document opened while they are listed is
        // either in the list or sees the flag set (and the new environment) when it checks.
        self.env_ready.store(true, Ordering::SeqCst);
        let mut open = Vec::new();
        for mut doc in self.docs.iter_mut() {
            doc.view = None;
            doc.revision = self.bump();
            open.push((doc.key().clone(), doc.revision));
        }
        open
    }

    /// Whether the workspace configuration has been loaded (the first [`Self::set_env`]).
    /// Until then a document's findings could be computed as the wrong policy kind (a
    /// configured permissions boundary analysed as an identity policy), so none are published:
    /// the first load re-checks every document open by then.
    pub fn env_ready(&self) -> bool {
        self.env_ready.load(Ordering::SeqCst)
    }

    /// Sets the workspace root (paths in the configuration are relative to it).
    pub fn set_root(&self, root: Option<PathBuf>) {
        if let Ok(mut slot) = self.root.write() {
            *slot = root;
        }
    }

    /// The workspace root.
    pub fn root(&self) -> Option<PathBuf> {
        self.root.read().ok().and_then(|r| r.clone())
    }

    /// The path of `uri` relative to the workspace root, with `/` separators; `None` for
    /// documents that are not files under the root.
    pub fn relative_path(&self, uri: &Uri) -> Option<String> {
        let root = self.root()?;
        let path = uri.to_file_path()?;
        let rel = path.strip_prefix(&root).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// Caches `view` when it is still the analysis of the current text; returns it shared.
    pub fn cache_view(&self, uri: &Uri, view: Arc<DocumentView>) -> Arc<DocumentView> {
        if let Some(mut doc) = self.docs.get_mut(uri)
            && doc.revision == view.revision
            && doc.view.is_none()
        {
            doc.view = Some(view.clone());
        }
        view
    }

    /// Number of open documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when no document is open.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// Applies one content change to `text`, clamping its range. A change without a range replaces
/// the text (kept flat); any other edits a rope (made from the flat text on the first edit).
pub fn apply_change(
    text: &mut StoredText,
    change: &TextDocumentContentChangeEvent,
    encoding: PositionEncoding,
) {
    let Some(range) = change.range else {
        *text = StoredText::Flat(Arc::from(change.text.as_str()));
        return;
    };
    let mut rope = match std::mem::replace(text, StoredText::Flat(Arc::default())) {
        StoredText::Flat(flat) => Rope::from_str(&flat),
        StoredText::Rope(rope) => rope,
    };
    edit_rope(&mut rope, range, &change.text, encoding);
    *text = StoredText::Rope(rope);
}

/// Replaces `range` (clamped) of `rope` by `new_text`.
fn edit_rope(rope: &mut Rope, range: Range, new_text: &str, encoding: PositionEncoding) {
    let a = rope_char_index(rope, range.start, encoding);
    let b = rope_char_index(rope, range.end, encoding);
    let (start, end) = if a <= b { (a, b) } else { (b, a) };
    if start < end && rope.try_remove(start..end).is_err() {
        tracing::error!("edit range {start}..{end} out of bounds after clamping; ignored");
        return;
    }
    if !new_text.is_empty() && rope.try_insert(start, new_text).is_err() {
        tracing::error!("insert at {start} out of bounds after clamping; ignored");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn uri() -> Uri {
        "file:///tmp/policy.json".parse().expect("valid uri")
    }

    fn edit(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: text.to_string(),
        }
    }

    fn full(text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn applies_several_changes_in_order() {
        let store = DocumentStore::new();
        store.open(uri(), 1, "json".into(), "{\n}\n");
        let rev = store
            .apply_changes(
                &uri(),
                2,
                &[
                    edit(1, 0, 1, 0, "  \"a\": 1\n"),
                    edit(1, 7, 1, 8, "2"),
                    edit(0, 1, 0, 1, " "),
                ],
            )
            .expect("open");
        assert_eq!(store.text(&uri()).as_deref(), Some("{ \n  \"a\": 2\n}\n"));
        assert_eq!(store.version(&uri()), Some(2));
        assert!(store.is_current(&uri(), rev));
        store
            .apply_changes(&uri(), 3, &[full("x"), edit(0, 1, 0, 1, "y")])
            .expect("open");
        assert_eq!(store.text(&uri()).as_deref(), Some("xy"));
        assert!(!store.is_current(&uri(), rev));
    }

    #[test]
    fn clamps_out_of_range_and_never_panics() {
        let store = DocumentStore::new();
        store.open(uri(), 1, "json".into(), "ab😀\r\ncd");
        store
            .apply_changes(&uri(), 2, &[edit(u32::MAX, 0, u32::MAX, u32::MAX, "!")])
            .expect("open");
        assert_eq!(store.text(&uri()).as_deref(), Some("ab😀\r\ncd!"));
        // Inside the surrogate pair: floors to the emoji's start; past the line: before CRLF.
        store
            .apply_changes(&uri(), 3, &[edit(0, 3, 0, 99, "|")])
            .expect("open");
        assert_eq!(store.text(&uri()).as_deref(), Some("ab|\r\ncd!"));
        // A reversed range is rejected with the whole notification; nothing changes.
        let rejected =
            store.apply_changes(&uri(), 4, &[edit(0, 0, 0, 1, "z"), edit(1, 1, 0, 1, "")]);
        assert!(matches!(rejected, Err(StoreError::ReversedRange)));
        assert_eq!(store.text(&uri()).as_deref(), Some("ab|\r\ncd!"));
        assert_eq!(store.version(&uri()), Some(3));
    }

    #[test]
    fn utf8_positions_when_negotiated() {
        let store = DocumentStore::new();
        store.set_encoding(PositionEncoding::Utf8);
        store.open(uri(), 1, "json".into(), "é😀x");
        store
            .apply_changes(&uri(), 2, &[edit(0, 6, 0, 7, "y"), edit(0, 1, 0, 1, "-")])
            .expect("open");
        assert_eq!(store.text(&uri()).as_deref(), Some("-é😀y"));
    }

    #[test]
    fn unknown_documents_and_close() {
        let store = DocumentStore::new();
        assert_eq!(
            store.apply_changes(&uri(), 1, &[full("x")]),
            Err(StoreError::NotOpen)
        );
        let rev = store.open(uri(), 1, "json".into(), "x");
        assert!(store.is_current(&uri(), rev));
        assert!(store.close(&uri()));
        assert!(!store.close(&uri()));
        assert!(!store.is_current(&uri(), rev));
        assert!(store.view_source(&uri()).is_none());
        // Reopening gives a new revision even with the same version.
        let rev2 = store.open(uri(), 1, "json".into(), "x");
        assert!(rev2 > rev);
    }

    #[test]
    fn views_are_cached_only_for_the_current_revision() {
        let store = DocumentStore::new();
        store.open(uri(), 1, "plaintext".into(), "AccessDenied");
        let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
            panic!("expected pending")
        };
        let stale = pending.clone();
        store
            .apply_changes(&uri(), 2, &[full("log line")])
            .expect("open");
        store.cache_view(&uri(), Arc::new(stale.build(Previous::default())));
        assert!(matches!(
            store.view_source(&uri()),
            Some(ViewSource::Pending(_))
        ));
        let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
            panic!("expected pending")
        };
        assert_eq!(pending.text.to_string(), "log line");
        store.cache_view(&uri(), Arc::new(pending.build(Previous::default())));
        let Some(ViewSource::Ready(view)) = store.view_source(&uri()) else {
            panic!("expected ready")
        };
        assert_eq!(view.version(), 2);
        assert_eq!(view.snapshot.text(), "log line");
    }

    /// Each open document keeps its findings cache across edits: typing in one statement
    /// re-analyses that statement only, with the findings of a fresh analysis.
    #[test]
    fn edits_reuse_the_documents_findings_of_untouched_statements() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [\n\
            {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"},\n\
            {\"Effect\": \"Allow\", \"Action\": \"ec2:Foo\", \"Resource\": \"*\"}\n]}";
        let store = DocumentStore::new();
        store.open(uri(), 1, "json".into(), text);
        let view = |store: &DocumentStore| {
            let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
                panic!("expected pending")
            };
            let cache = pending
                .findings_cache
                .clone()
                .expect("a cache per document");
            let view = store.cache_view(&uri(), Arc::new(pending.build(Previous::default())));
            let found: Vec<_> = view
                .snapshot
                .findings()
                .iter()
                .map(|f| (f.rule.code, f.span, f.message.clone()))
                .collect();
            (found, cache.last_run())
        };
        let (first, run) = view(&store);
        assert_eq!(run, (0, 2), "the first analysis analyses both statements");
        assert!(
            first.iter().any(|(code, ..)| *code == "IAM102"),
            "{first:?}"
        );
        // Type a space inside the first statement (line 1, after its brace).
        store
            .apply_changes(&uri(), 2, &[edit(1, 1, 1, 1, " ")])
            .expect("open");
        let (second, run) = view(&store);
        assert_eq!(run, (1, 1), "the second statement comes from the cache");
        let fresh = Snapshot::new(store.text(&uri()).expect("open"), 2);
        let fresh: Vec<_> = fresh
            .findings()
            .iter()
            .map(|f| (f.rule.code, f.span, f.message.clone()))
            .collect();
        assert_eq!(second, fresh);
    }

    /// An edit's analysis takes the previous revision's parse over when nothing else holds
    /// that revision's view: the statements the edit did not touch are reused, and the tree is
    /// a full parse's. While a request still holds the view, the parse starts from scratch.
    #[test]
    fn edits_take_the_previous_parse_over_when_nothing_else_holds_it() {
        let statements: Vec<String> = (0..30)
            .map(|i| format!("{{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\"], \"Resource\": \"*\"}}"))
            .collect();
        let text = format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
            statements.join(",\n")
        );
        let store = DocumentStore::new();
        store.open(uri(), 1, "json".into(), &text);
        // Builds the current revision and holds its tree to a full parse of its text.
        let build = |store: &DocumentStore| {
            let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
                panic!("expected pending")
            };
            let view = store.cache_view(&uri(), pending.build_shared());
            let current = store.text(&uri()).expect("open");
            assert_eq!(view.snapshot.parse(), Some(&crate::syntax::parse(&current)));
            let fresh = LineIndex::new(Arc::from(current.as_str()), PositionEncoding::Utf16);
            assert_eq!(view.lines, fresh);
            view
        };
        let memo = |view: &DocumentView| {
            let memo = view
                .snapshot
                .parse_memo()
                .expect("an edited document keeps a memo");
            (memo.reused, memo.parsed)
        };
        let first = build(&store);
        assert_eq!(memo(&first).0, 0);
        drop(first);
        // Line 11 is the tenth statement: type inside its Sid.
        store
            .apply_changes(&uri(), 2, &[edit(10, 10, 10, 10, "x")])
            .expect("open");
        let second = build(&store);
        let (reused, parsed) = memo(&second);
        assert!(
            reused >= 29 && parsed <= 3,
            "reused {reused}, parsed {parsed}"
        );

        // A request still reading the second view: the third parse cannot take it over.
        let held = second;
        store
            .apply_changes(&uri(), 3, &[edit(12, 10, 12, 10, "y")])
            .expect("open");
        let third = build(&store);
        assert_eq!(memo(&third).0, 0);
        drop(held);
        drop(third);

        // Line breaks typed and removed: the line index taken over is patched to the new text.
        store
            .apply_changes(&uri(), 4, &[edit(5, 1, 5, 1, "\r\n\n")])
            .expect("open");
        assert!(memo(&build(&store)).0 >= 29);
        store
            .apply_changes(&uri(), 5, &[edit(5, 1, 7, 0, "")])
            .expect("open");
        assert!(memo(&build(&store)).0 >= 29);
    }

    #[test]
    fn group_peers_see_each_others_buffers_and_are_invalidated() {
        let store = DocumentStore::new();
        store.set_root(Some(PathBuf::from("/ws")));
        let config = crate::config::Config::from_toml_str(
            "[[groups]]\nname = \"dev\"\nidentity = [\"roles/*.json\"]\nboundary = \"boundary.json\"\n",
        )
        .expect("valid configuration");
        store.set_env(Env::new(config));
        let file = |p: &str| -> Uri { format!("file:///ws/{p}").parse().expect("a URI") };
        let (role, boundary, other) = (
            file("roles/a.json"),
            file("boundary.json"),
            file("other.json"),
        );
        store.open(role.clone(), 1, "json".into(), "{}");
        store.open(other.clone(), 1, "json".into(), "{}");
        store.open(boundary.clone(), 1, "json".into(), "{\"Statement\": []}");
        let Some(ViewSource::Pending(pending)) = store.view_source(&role) else {
            panic!("expected pending")
        };
        assert_eq!(pending.path.as_deref(), Some("roles/a.json"));
        assert_eq!(
            pending.open_peers,
            vec![(
                "boundary.json".to_string(),
                Arc::from("{\"Statement\": []}")
            )]
        );
        store.cache_view(&role, Arc::new(pending.build(Previous::default())));
        let other_revision = store.docs.get(&other).map(|d| d.revision);
        // Editing the boundary drops the role's analysis, not the unrelated file's.
        store
            .apply_changes(&boundary, 2, &[full("{\"Statement\": [{}]}")])
            .expect("open");
        let peers = store.invalidate_group_peers(&boundary);
        assert_eq!(peers.len(), 1);
        assert_eq!(peers[0].0, role);
        assert!(store.is_current(&role, peers[0].1));
        assert_eq!(store.docs.get(&other).map(|d| d.revision), other_revision);
        let Some(ViewSource::Pending(pending)) = store.view_source(&role) else {
            panic!("expected pending after the peer changed")
        };
        assert_eq!(&*pending.open_peers[0].1, "{\"Statement\": [{}]}");
        // Files in no group invalidate nothing.
        assert!(store.invalidate_group_peers(&other).is_empty());
    }

    #[test]
    fn opened_text_is_shared_with_views_until_the_first_edit() {
        let store = DocumentStore::new();
        store.open(uri(), 1, "plaintext".into(), "a\nb");
        let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
            panic!("expected pending")
        };
        let StoredText::Flat(stored) = &pending.text else {
            panic!("a new document is kept flat")
        };
        let view = pending.clone().build(Previous::default());
        assert!(Arc::ptr_eq(stored, view.snapshot.shared_text()), "no copy");
        store
            .apply_changes(&uri(), 2, &[edit(1, 0, 1, 0, "x")])
            .expect("open");
        let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
            panic!("expected pending")
        };
        assert!(
            matches!(pending.text, StoredText::Rope(_)),
            "edited: a rope"
        );
        assert_eq!(pending.build(Previous::default()).snapshot.text(), "a\nxb");
        // Replaced whole: flat again.
        store
            .apply_changes(&uri(), 3, &[full("new")])
            .expect("open");
        let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
            panic!("expected pending")
        };
        assert!(matches!(pending.text, StoredText::Flat(_)));
        assert_eq!(pending.text.len_bytes(), 3);
        assert_eq!(pending.text.to_string(), "new");
    }

    // ---- Property test: the store against a naive `String` model. ----

    /// Where `(line, character)` falls in `text`, computed naively with the same clamping rules.
    fn model_offset(text: &str, line: u32, character: u32, enc: PositionEncoding) -> usize {
        // Split into (content_start, content_end) per line.
        let mut lines = Vec::new();
        let bytes = text.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                lines.push((start, i));
                i += 2;
                start = i;
            } else if bytes[i] == b'\n' || bytes[i] == b'\r' {
                lines.push((start, i));
                i += 1;
                start = i;
            } else {
                i += 1;
            }
        }
        lines.push((start, text.len()));
        let Some(&(start, end)) = lines.get(line as usize) else {
            return text.len();
        };
        let mut units = 0u64;
        for (offset, ch) in text[start..end].char_indices() {
            let width = match enc {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
            } as u64;
            if units + width > u64::from(character) {
                return start + offset;
            }
            units += width;
        }
        end
    }

    fn model_apply(
        text: &mut String,
        change: &TextDocumentContentChangeEvent,
        enc: PositionEncoding,
    ) {
        match change.range {
            None => *text = change.text.clone(),
            Some(r) => {
                let a = model_offset(text, r.start.line, r.start.character, enc);
                let b = model_offset(text, r.end.line, r.end.character, enc);
                let (a, b) = (a.min(b), a.max(b));
                text.replace_range(a..b, &change.text);
            }
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a", "{", "\"", " ", "é", "中", "😀", "𝄞", "\n", "\r", "\r\n", "\n\r", "ab",
        ])
    }

    fn text_strategy(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 0..max).prop_map(|p| p.concat())
    }

    fn coordinate() -> impl Strategy<Value = u32> {
        prop_oneof![8 => 0u32..12, 1 => Just(u32::MAX), 1 => 12u32..100_000]
    }

    fn change_strategy() -> impl Strategy<Value = TextDocumentContentChangeEvent> {
        prop_oneof![
            12 => (coordinate(), coordinate(), coordinate(), coordinate(), text_strategy(6))
                .prop_map(|(sl, sc, el, ec, t)| edit(sl % 7, sc, el % 7, ec, &t)),
            2 => (coordinate(), coordinate(), coordinate(), coordinate(), text_strategy(4))
                .prop_map(|(sl, sc, el, ec, t)| edit(sl, sc, el, ec, &t)),
            1 => text_strategy(10).prop_map(|t| full(&t)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn store_matches_string_model(
            initial in text_strategy(20),
            utf8 in any::<bool>(),
            batches in prop::collection::vec(prop::collection::vec(change_strategy(), 1..4), 1..25),
        ) {
            let enc = if utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
            let store = DocumentStore::new();
            store.set_encoding(enc);
            store.open(uri(), 0, "json".into(), &initial);
            let mut model = initial.clone();
            for (i, batch) in batches.iter().enumerate() {
                let version = i32::try_from(i).unwrap_or(i32::MAX) + 1;
                let reversed = batch.iter().any(|c| {
                    c.range.is_some_and(|r| (r.end.line, r.end.character) < (r.start.line, r.start.character))
                });
                if reversed {
                    // Rejected as a whole: nothing changes.
                    let result = store.apply_changes(&uri(), version, batch);
                    prop_assert!(matches!(result, Err(StoreError::ReversedRange)));
                    prop_assert_eq!(store.text(&uri()).expect("open"), model.clone());
                    continue;
                }
                for change in batch {
                    model_apply(&mut model, change, enc);
                }
                store.apply_changes(&uri(), version, batch).expect("open");
                let text = store.text(&uri()).expect("open");
                prop_assert_eq!(&text, &model);
                prop_assert_eq!(store.version(&uri()), Some(version));
                // What analysis reads, flat or flattened from the rope, is the same text.
                let Some(ViewSource::Pending(pending)) = store.view_source(&uri()) else {
                    panic!("not analyzed yet")
                };
                prop_assert_eq!(&*pending.text.to_shared(), model.as_str());
                prop_assert_eq!(pending.text.len_bytes(), model.len());
            }
            // The immutable index and the rope agree with the model on every position too.
            let index = LineIndex::new(Arc::from(model.as_str()), enc);
            let rope = Rope::from_str(&model);
            prop_assert_eq!(index.line_count(), rope.len_lines());
            for line in 0..(index.line_count() as u32 + 1) {
                for character in 0..8 {
                    let expected = model_offset(&model, line, character, enc);
                    let pos = Position::new(line, character);
                    prop_assert_eq!(index.offset(pos), expected);
                    prop_assert_eq!(rope.char_to_byte(rope_char_index(&rope, pos, enc)), expected);
                }
            }
        }
    }
}
