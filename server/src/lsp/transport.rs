//! The JSON-RPC transport: reads frames from the client, decodes each one once, hands the
//! messages to the tower-lsp-server service and writes its answers (and its requests to the
//! client) back.
//!
//! It replaces tower-lsp-server's own `Server` loop for two reasons:
//! - **Robustness.** tower-lsp-server's reader ends the whole session on the first frame it cannot
//!   decode (tokio-util's `FramedRead` stops after a decoder error), so one garbled message from a
//!   client, a proxy or a stray `print` in an extension would kill the server. Here a frame whose
//!   body is not a JSON-RPC request, notification or response is dropped with a warning; when it
//!   carries a usable `id` it is replaced by a request to [`INVALID_MESSAGE`], which the server
//!   answers with an "invalid request" error, so the client is not left waiting; a body that is
//!   not JSON gets a parse error and an unusable id an invalid request, both with `id: null`.
//!   [`FrameReader`] finds the next `Content-Length` header wherever it starts, so no unusable
//!   frame (bad length, missing header, body shorter or longer than declared, stray bytes with no
//!   newline, a declared length of 10^12) can swallow the frames after it. A header cannot hide
//!   inside a valid JSON body (its value must end the line, which no JSON string can), so a
//!   complete header found inside a declared body means that body was cut short.
//! - **Cost.** After one validating pass over its envelope that copies nothing large, a body is
//!   decoded straight from the bytes read into the types the service takes (tower-lsp-server's
//!   codec copies the bytes into a buffer of its own, decodes them into serde's intermediate
//!   `Content` tree and copies the strings again from there). A `textDocument/didOpen` carries a
//!   whole file, possibly a 100 MB log: its text is unescaped in place, in the buffer the frame
//!   was read into, and that buffer becomes the `String` the handler receives (see
//!   `decode_did_open`), so the text is never held twice while the message is decoded.
//!
//! The rest mirrors tower-lsp-server's `Server::serve`: messages reach the service in arrival
//! order (handlers start in that order, see the ordering invariant in `server.rs`), at most
//! [`MAX_CONCURRENCY`] handlers start at once, input stops after `exit`, and responses of the
//! client go back to the service's pending requests. One difference: a handler holds its slot
//! only until its first `.await` ([`detach_after_first_poll`]), then finishes on a task of its
//! own, so long requests never make a small document's hover wait.

use futures::channel::mpsc;
use futures::{FutureExt, SinkExt, Stream, StreamExt, TryFutureExt, future, stream};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::Semaphore;
use tower_lsp_server::ClientSocket;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_service::Service;
use tracing::{error, warn};

/// Internal method that answers a malformed message carrying an id with an error.
pub const INVALID_MESSAGE: &str = "iamLs/invalidMessage";

/// Longest header line accepted; longer lines are garbage and skipped.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Largest message accepted (larger ones are skipped unread).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// Requests handled at the same time (as tower-lsp-server's default).
pub const MAX_CONCURRENCY: usize = 4;

/// Requests accepted ahead of the ones running before the reader waits.
const MESSAGE_QUEUE_SIZE: usize = 100;

const DID_OPEN: &str = "textDocument/didOpen";

/// Serves `service` over `input`/`output` until `exit` or the end of input (see the module
/// docs). `to_client` is the service's channels to the client (from `LspService::build` and
/// [`notices`]).
pub async fn serve<I, O, S>(input: I, output: O, mut service: S, to_client: ToClient)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
    S: Service<Request, Response = Option<Response>>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    S::Future: Send + 'static,
{
    let ToClient { socket, notices } = to_client;
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, client_abort) = stream::abortable(client_requests);
    // The backend holds the sender as long as the service lives, so this stream ends only when
    // aborted, with the client's requests.
    let (notices, notices_abort) = stream::abortable(notices.0);
    let (mut responses_tx, responses_rx) = mpsc::channel::<Outgoing>(0);
    let (mut tasks_tx, tasks_rx) = mpsc::channel(MESSAGE_QUEUE_SIZE);

    let process_tasks = tasks_rx
        .buffer_unordered(MAX_CONCURRENCY)
        .filter_map(future::ready)
        .map(|response| Ok(Outgoing::Response(response)))
        .forward(responses_tx.clone());

    let write_output = write_messages(
        output,
        stream::select(
            stream::select(responses_rx, client_requests.map(Outgoing::Request)),
            notices.map(Outgoing::Encoded),
        ),
    );

    let mut direct_tx = responses_tx.clone();
    let detached = Arc::new(Semaphore::new(MAX_DETACHED));
    // Dropped when input ends: handlers still running then are abandoned (after `exit` nobody
    // waits for them, and one waiting on the client would otherwise keep the output open).
    let (stop_detached, stopped) = futures::channel::oneshot::channel::<()>();
    let stopped = stopped.shared();
    let read_input = async {
        let mut reader = FrameReader::new(input, max_message_bytes());
        while let Some(frame) = reader.next().await {
            let body = match frame {
                Frame::Body(body) => body,
                Frame::Broken => {
                    // Cut short by the next header: not JSON, answered as JSON-RPC says.
                    let error = Response::from_error(Id::Null, Error::parse_error());
                    if direct_tx.send(Outgoing::Response(error)).await.is_err() {
                        break;
                    }
                    continue;
                }
                Frame::Oversized { length, head } => {
                    for message in oversized_notices(length, &head) {
                        if direct_tx.send(message).await.is_err() {
                            break;
                        }
                    }
                    continue;
                }
            };
            let length = body.len();
            let request = match decode(body) {
                Incoming::Request(request) => request,
                Incoming::Response(response) => {
                    if client_responses.send(response).await.is_err() {
                        break; // the service has exited
                    }
                    continue;
                }
                Incoming::NotJson => {
                    warn!("answered a message of {length} bytes that is not JSON");
                    let error = Response::from_error(Id::Null, Error::parse_error());
                    if direct_tx.send(Outgoing::Response(error)).await.is_err() {
                        break;
                    }
                    continue;
                }
                Incoming::Invalid(id) => {
                    warn!("answered a malformed message of {length} bytes");
                    let Some(id) = id else {
                        let error = Response::from_error(Id::Null, Error::invalid_request());
                        if direct_tx.send(Outgoing::Response(error)).await.is_err() {
                            break;
                        }
                        continue;
                    };
                    Request::build(INVALID_MESSAGE).id(id).finish()
                }
            };
            if let Err(err) = future::poll_fn(|cx| service.poll_ready(cx)).await {
                let err: Box<dyn std::error::Error + Send + Sync> = err.into();
                error!("the language service stopped: {err}");
                break;
            }
            // The server must stop reading after `exit` (some clients keep stdin open).
            let exit = request.method() == "exit";
            let id = request.id().cloned();
            let task = service
                .call(request)
                .unwrap_or_else(|err| {
                    let err: Box<dyn std::error::Error + Send + Sync> = err.into();
                    error!("request failed: {err}");
                    None
                })
                .map(move |response| match (response, id) {
                    // tower-lsp-server does not answer requests to unknown `$/` methods; a
                    // request (it has an id) must be answered.
                    (None, Some(id)) => Some(Response::from_error(id, Error::method_not_found())),
                    (response, _) => response,
                });
            let task = detach_after_first_poll(
                task,
                responses_tx.clone(),
                detached.clone(),
                stopped.clone(),
            );
            if tasks_tx.send(task).await.is_err() || exit {
                break;
            }
        }
        tasks_tx.disconnect();
        responses_tx.disconnect();
        direct_tx.disconnect();
        drop(stop_detached);
        client_abort.abort();
        notices_abort.abort();
    };

    futures::join!(process_tasks.map(|_| ()), write_output, read_input);
}

/// A message to the client.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Outgoing {
    Response(Response),
    Request(Request),
    /// A notification the server encoded itself ([`Notices`]): the body, written as it is.
    #[serde(skip_serializing)]
    Encoded(Vec<u8>),
}

/// The server's ways to the client: tower-lsp-server's socket (its `Client`'s requests and
/// notifications, and the client's responses to them) and the [`Notices`] the server encodes
/// itself.
pub struct ToClient {
    pub socket: ClientSocket,
    pub notices: NoticesReceiver,
}

/// Sends notifications the server encodes itself, straight into the output beside the
/// `Client`'s messages. `Client::send_notification` turns its parameters into a
/// `serde_json::Value` (one allocation per string and a `BTreeMap` per object) that is then
/// encoded again: for the few hundred diagnostics a keystroke in a large policy publishes, that
/// tree cost more than the encoding itself. Here the body is encoded once, on the thread that
/// computed it (the diagnostics by `convert::publish_diagnostics_body`).
///
/// The `Client` drops notifications before `initialize` has succeeded; the server publishes
/// nothing before then anyway (tower-lsp-server hands it no document notification until then),
/// and after `exit` the transport stops writing them.
#[derive(Clone, Debug)]
pub struct Notices(mpsc::UnboundedSender<Vec<u8>>);

/// The transport's end of [`Notices`].
pub struct NoticesReceiver(mpsc::UnboundedReceiver<Vec<u8>>);

/// A connected pair of [`Notices`] and its receiver.
pub fn notices() -> (Notices, NoticesReceiver) {
    let (tx, rx) = mpsc::unbounded();
    (Notices(tx), NoticesReceiver(rx))
}

impl Notices {
    /// Queues an encoded JSON-RPC notification; messages queued by one task leave in the order
    /// it queued them. Dropped when the transport has stopped.
    pub fn send(&self, body: Vec<u8>) {
        let _ = self.0.unbounded_send(body);
    }
}

/// Messages handed to the service but detached from the [`MAX_CONCURRENCY`] slots (see
/// [`detach_after_first_poll`]) at the same time, before the reader waits.
const MAX_DETACHED: usize = 256;

/// The size limit of a message: [`MAX_MESSAGE_BYTES`], or less when `IAM_LS_MAX_MESSAGE_BYTES`
/// says so (tests use it to reach the limit without sending 256 MB).
fn max_message_bytes() -> usize {
    std::env::var("IAM_LS_MAX_MESSAGE_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(MAX_MESSAGE_BYTES, |v| v.min(MAX_MESSAGE_BYTES))
}

/// Polls a handler once, in arrival order (so it captures the store before later messages,
/// see the ordering invariant in `server.rs`), then lets it finish on a task of its own, which
/// sends its response. A slot of the [`MAX_CONCURRENCY`] therefore only covers a handler's
/// synchronous start: a long request (a large document's outline) or a notification waiting
/// for a large document's diagnostics never makes a small document's hover wait.
async fn detach_after_first_poll<F, S>(
    task: F,
    mut out: mpsc::Sender<Outgoing>,
    detached: Arc<Semaphore>,
    stopped: S,
) -> Option<Response>
where
    F: Future<Output = Option<Response>> + Send + 'static,
    S: Future + Send + Unpin + 'static,
    S::Output: Send,
{
    let mut task = Box::pin(task);
    if let std::task::Poll::Ready(response) = futures::poll!(task.as_mut()) {
        return response;
    }
    let Ok(permit) = detached.acquire_owned().await else {
        return task.await;
    };
    tokio::spawn(async move {
        if let future::Either::Left((Some(response), _)) = future::select(task, stopped).await {
            let _ = out.send(Outgoing::Response(response)).await;
        }
        drop(permit);
    });
    None
}

/// What the user is told about a message over the size limit: when it is a `didOpen` whose
/// document can be named from the first bytes of its body, a message and a diagnostic on that
/// document (the server will not analyse it); otherwise nothing beyond the log.
fn oversized_notices(length: usize, head: &[u8]) -> Vec<Outgoing> {
    let limit = max_message_bytes();
    let mut out = Vec::new();
    let is_open = memchr::memmem::find(head, DID_OPEN.as_bytes()).is_some();
    let uri = is_open
        .then(|| json_string_after(head, b"\"uri\""))
        .flatten();
    let Some(uri) = uri else {
        return out;
    };
    let message = format!(
        "iam-ls: {uri} is not analysed: its didOpen message is {length} bytes, over the limit of {limit} bytes"
    );
    out.push(Outgoing::Request(
        Request::build("window/showMessage")
            .params(serde_json::json!({"type": 2, "message": message}))
            .finish(),
    ));
    out.push(Outgoing::Request(
        Request::build("textDocument/publishDiagnostics")
            .params(serde_json::json!({
                "uri": uri,
                "diagnostics": [{
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                    "severity": 2,
                    "source": "iam-ls",
                    "message": format!("Not analysed: the document is {length} bytes, over the limit of {limit} bytes."),
                }],
            }))
            .finish(),
    ));
    out
}

/// The JSON string value after the first `key` (a quoted member name) in `bytes`.
fn json_string_after(bytes: &[u8], key: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(bytes, key)? + key.len();
    let rest = bytes.get(at..)?;
    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest.get(colon) != Some(&b':') {
        return None;
    }
    let rest = rest.get(colon + 1..)?;
    let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<String>();
    values.next()?.ok()
}

/// Writes each message as one frame, until `messages` ends or the output fails (the client went
/// away).
async fn write_messages<O: AsyncWrite>(output: O, messages: impl Stream<Item = Outgoing>) {
    tokio::pin!(output);
    tokio::pin!(messages);
    while let Some(message) = messages.next().await {
        let encoded = match message {
            Outgoing::Encoded(body) => Ok(body),
            message => serde_json::to_vec(&message),
        };
        let body = match encoded {
            Ok(body) => body,
            Err(err) => {
                error!("cannot encode an outgoing message: {err}");
                continue;
            }
        };
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

/// What the reader found next in the input.
#[derive(Debug, PartialEq)]
pub(super) enum Frame {
    /// A body of exactly the declared length.
    Body(Vec<u8>),
    /// A frame cut short: the next `Content-Length` header started inside its declared body.
    Broken,
    /// A frame declared larger than the limit: its declared length and the first bytes of its
    /// body (to name the document of a `didOpen`). The rest of the body is skipped by searching
    /// for the next header, so a declared length of 10^12 swallows nothing that follows.
    Oversized { length: usize, head: Vec<u8> },
}

/// Bytes of an oversized body kept to name its document.
const OVERSIZED_HEAD: usize = 4096;

/// The header name every frame starts with, in the spellings recognised anywhere in the input.
const HEADER_SPELLINGS: [&[u8]; 3] = [b"Content-Length", b"content-length", b"CONTENT-LENGTH"];
const HEADER_NAME_LEN: usize = 14;

/// Position of the first `Content-Length` (in one of [`HEADER_SPELLINGS`]) in `bytes`.
fn find_header_name(bytes: &[u8]) -> Option<usize> {
    HEADER_SPELLINGS
        .iter()
        .filter_map(|name| memchr::memmem::find(bytes, name))
        .min()
}

/// A header block that starts with `Content-Length` at the start of `bytes`.
#[derive(Debug, PartialEq)]
enum Block {
    /// The block is complete: the declared length (`usize::MAX` when it overflows) and the
    /// number of bytes up to and including the blank line.
    Complete { length: usize, end: usize },
    /// More input is needed to decide.
    Incomplete,
    /// Not a usable header (negative or non-numeric length, a line that is not a header, a
    /// second `Content-Length`, an overlong block).
    Invalid,
}

/// Reads the header block at the start of `bytes` (which starts with the header name). Strict,
/// so that no valid JSON body can contain a complete block: the value is digits and the line
/// ends right after it, which a JSON string (no raw line breaks) cannot hold.
fn parse_block(bytes: &[u8]) -> Block {
    let limit = bytes.len().min(MAX_HEADER_LINE);
    let at = |i: usize| bytes.get(i).copied();
    let mut i = HEADER_NAME_LEN;
    while matches!(at(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match at(i) {
        Some(b':') => i += 1,
        Some(_) => return Block::Invalid,
        None => return Block::Incomplete,
    }
    while matches!(at(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let digits = i;
    let mut length: usize = 0;
    while let Some(d @ b'0'..=b'9') = at(i) {
        length = length
            .checked_mul(10)
            .and_then(|l| l.checked_add(usize::from(d - b'0')))
            .unwrap_or(usize::MAX);
        i += 1;
    }
    if at(i).is_none() {
        return Block::Incomplete;
    }
    if i == digits {
        return Block::Invalid;
    }
    while matches!(at(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    // The end of the Content-Length line, then other header lines up to a blank line.
    let mut line_start = i;
    loop {
        if line_start > MAX_HEADER_LINE {
            return Block::Invalid;
        }
        let Some(newline) = bytes
            .get(line_start..limit)
            .and_then(|rest| memchr::memchr(b'\n', rest))
        else {
            return if bytes.len() >= MAX_HEADER_LINE {
                Block::Invalid
            } else {
                Block::Incomplete
            };
        };
        let line = &bytes[line_start..line_start + newline];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let end = line_start + newline + 1;
        if line_start == i {
            // Rest of the Content-Length line: nothing may follow the number.
            if !line.is_empty() {
                return Block::Invalid;
            }
        } else if line.is_empty() {
            return Block::Complete { length, end };
        } else if !line.contains(&b':') || find_header_name(line).is_some() {
            return Block::Invalid;
        }
        line_start = end;
    }
}

/// Where the next usable header block of `bytes` is, or how much of `bytes` can be dropped
/// while waiting for more input.
#[derive(Debug, PartialEq)]
enum Search {
    Found {
        start: usize,
        length: usize,
        end: usize,
    },
    /// Nothing usable before `keep_from`; keep the bytes from there (a header may be arriving).
    NeedMore { keep_from: usize },
}

fn find_block(bytes: &[u8]) -> Search {
    let mut from = 0;
    loop {
        let Some(found) = bytes.get(from..).and_then(find_header_name) else {
            let keep_from = bytes.len().saturating_sub(HEADER_NAME_LEN - 1).max(from);
            return Search::NeedMore { keep_from };
        };
        let start = from + found;
        match parse_block(&bytes[start..]) {
            Block::Complete { length, end } => {
                return Search::Found {
                    start,
                    length,
                    end: start + end,
                };
            }
            Block::Incomplete => return Search::NeedMore { keep_from: start },
            Block::Invalid => from = start + 1,
        }
    }
}

/// Splits the client's byte stream into frames. Whatever cannot be used (stray bytes, a header
/// block without a usable `Content-Length`, a body shorter or longer than declared, an
/// oversized frame) is skipped by searching for the next `Content-Length` header wherever it
/// starts, so the conversation always resumes at the next well-formed frame.
pub(super) struct FrameReader<R> {
    input: R,
    /// Bytes read and not consumed yet.
    buf: Vec<u8>,
    /// Largest body accepted.
    max_body: usize,
}

/// A header block inside a body being read (see [`FrameReader::header_in`]).
enum Inside {
    Nothing,
    Complete(usize),
    Incomplete,
}

/// Bytes asked of the input per read.
const READ_CHUNK: usize = 64 * 1024;

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub(super) fn new(input: R, max_body: usize) -> Self {
        FrameReader {
            input,
            buf: Vec::new(),
            max_body,
        }
    }

    /// Reads more input into the buffer; false at the end of input (or on a read error).
    async fn fill(&mut self) -> bool {
        let len = self.buf.len();
        self.buf.resize(len + READ_CHUNK, 0);
        let read = self.input.read(&mut self.buf[len..]).await;
        match read {
            Ok(n) if n > 0 => {
                self.buf.truncate(len + n);
                true
            }
            _ => {
                self.buf.truncate(len);
                false
            }
        }
    }

    /// The next frame; `None` at the end of input.
    pub(super) async fn next(&mut self) -> Option<Frame> {
        let length = loop {
            match find_block(&self.buf) {
                Search::Found { start, length, end } => {
                    if start > 0 {
                        warn!("skipped {start} bytes that were not a message header");
                    }
                    self.buf.drain(..end);
                    break length;
                }
                Search::NeedMore { keep_from } => {
                    if keep_from > 0 {
                        self.buf.drain(..keep_from);
                    }
                    if !self.fill().await {
                        return None;
                    }
                }
            }
        };
        if length > self.max_body {
            warn!(
                "dropped a message of {length} bytes (limit {}); looking for the next header",
                self.max_body
            );
            let head = self.skip_oversized(length).await;
            return Some(Frame::Oversized { length, head });
        }
        // Read the body, watching for a header inside it (a body shorter than declared).
        self.buf.reserve(length.saturating_sub(self.buf.len()));
        let mut scanned = 0;
        loop {
            let inside = self.header_in(scanned, length);
            match inside {
                Inside::Complete(at) => {
                    warn!("a message ended {at} bytes into its declared {length}; resynchronizing");
                    self.buf.drain(..at);
                    return Some(Frame::Broken);
                }
                // Whether the body is cut short depends on bytes still to come.
                Inside::Incomplete => {}
                Inside::Nothing if self.buf.len() >= length => {
                    let rest = self.buf.split_off(length);
                    return Some(Frame::Body(std::mem::replace(&mut self.buf, rest)));
                }
                Inside::Nothing => scanned = self.buf.len().min(length),
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Skips the body of an oversized frame: `length` bytes, or fewer when a header starts
    /// inside them (so a declared 10^12 swallows nothing). Returns the first and the last
    /// [`OVERSIZED_HEAD`] bytes skipped, where a `didOpen`'s document is named (before or after
    /// its text, depending on the client's member order).
    async fn skip_oversized(&mut self, length: usize) -> Vec<u8> {
        let mut head = Vec::new();
        let mut tail = std::collections::VecDeque::new();
        let mut record = |bytes: &[u8]| {
            let room = OVERSIZED_HEAD.saturating_sub(head.len());
            head.extend_from_slice(&bytes[..room.min(bytes.len())]);
            let keep = &bytes[bytes.len().saturating_sub(OVERSIZED_HEAD)..];
            tail.extend(keep.iter().copied());
            let excess = tail.len().saturating_sub(OVERSIZED_HEAD);
            tail.drain(..excess);
        };
        let mut remaining = length;
        while remaining > 0 {
            let take = remaining.min(self.buf.len());
            let inside = self.header_in(0, take);
            let consumed = match inside {
                Inside::Complete(at) => {
                    record(&self.buf[..at]);
                    self.buf.drain(..at);
                    break;
                }
                Inside::Incomplete => 0,
                // Keep a possible header's first bytes for the next look.
                Inside::Nothing if take == remaining => take,
                Inside::Nothing => take.saturating_sub(HEADER_NAME_LEN),
            };
            record(&self.buf[..consumed]);
            self.buf.drain(..consumed);
            remaining -= consumed;
            if remaining > 0 && !self.fill().await {
                break;
            }
        }
        head.push(b' ');
        head.extend(tail);
        head
    }

    /// A header block that begins in `from..limit` of the buffer (`from` is moved back so a
    /// header split across reads is found). A valid JSON body never holds a complete one.
    fn header_in(&self, from: usize, limit: usize) -> Inside {
        let mut at = from.saturating_sub(HEADER_NAME_LEN);
        let end = limit.saturating_add(HEADER_NAME_LEN).min(self.buf.len());
        loop {
            let Some(found) = self.buf.get(at..end).and_then(find_header_name) else {
                // The buffer may end in the first bytes of a header name that starts inside
                // the body ("...Content-L" with the rest still to come): wait for them. No valid
                // JSON body ends in such a prefix (it would be a bare word or an open string).
                if end == self.buf.len() && self.ends_in_header_prefix(at, limit) {
                    return Inside::Incomplete;
                }
                return Inside::Nothing;
            };
            let found = at + found;
            if found >= limit {
                return Inside::Nothing;
            }
            match parse_block(&self.buf[found..]) {
                Block::Complete { .. } => return Inside::Complete(found),
                Block::Incomplete => return Inside::Incomplete,
                Block::Invalid => at = found + 1,
            }
        }
    }
}

impl<R> FrameReader<R> {
    /// Whether the buffer ends in a proper prefix of a header name that starts in
    /// `from..limit`.
    fn ends_in_header_prefix(&self, from: usize, limit: usize) -> bool {
        let len = self.buf.len();
        (1..HEADER_NAME_LEN).any(|k| {
            let start = len.saturating_sub(k);
            len >= k
                && start >= from
                && start < limit
                && HEADER_SPELLINGS
                    .iter()
                    .any(|name| name.starts_with(&self.buf[start..]))
        })
    }
}

/// A decoded frame body.
#[derive(Debug, PartialEq)]
enum Incoming {
    Request(Request),
    Response(Response),
    /// Not JSON at all (or not UTF-8): answered with a parse error.
    NotJson,
    /// JSON, but not a JSON-RPC message (or with an id no response can carry: 1.5, true, an
    /// object, beyond i64); the id to answer, when one could be read.
    Invalid(Option<Id>),
}

/// The members that decide how to decode a body, read in one validating pass that copies
/// nothing large (`params`, `result` and `error` stay borrowed, unparsed).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default, borrow)]
    jsonrpc: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    method: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    params: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    error: Option<&'a RawValue>,
}

/// `Some` whenever the member is there, `null` included (a plain `Option` reads `null` as absent).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Decodes a frame body the way tower-lsp-server would (a response when it decodes as one,
/// else a request or notification), or says why not.
fn decode(body: Vec<u8>) -> Incoming {
    let open = {
        let Ok(text) = std::str::from_utf8(&body) else {
            return Incoming::NotJson;
        };
        let envelope = match serde_json::from_str::<Envelope<'_>>(text) {
            Ok(envelope) => envelope,
            Err(err) if err.is_syntax() || err.is_eof() => return Incoming::NotJson,
            Err(_) => return Incoming::Invalid(invalid_id(text)),
        };
        match plan_did_open(&envelope, &body) {
            Some(open) => open,
            None => {
                let response = envelope.result.is_some() || envelope.error.is_some();
                return decode_text(text, response);
            }
        }
    };
    match decode_did_open(body, open) {
        Ok(request) => Incoming::Request(request),
        // Not a text serde_json decodes (a lone surrogate escape): as any other request.
        Err(body) => match std::str::from_utf8(&body) {
            Ok(text) => decode_text(text, false),
            Err(_) => Incoming::NotJson,
        },
    }
}

/// Decodes a body with serde_json: as a response first when it has a `result` or an `error`
/// (a response cannot decode without one).
fn decode_text(text: &str, response: bool) -> Incoming {
    if response && let Ok(response) = serde_json::from_str::<Response>(text) {
        return Incoming::Response(response);
    }
    match serde_json::from_str::<Request>(text) {
        Ok(request) => Incoming::Request(request),
        Err(_) => Incoming::Invalid(invalid_id(text)),
    }
}

/// The id of a malformed message, when it has one a response can carry.
fn invalid_id(text: &str) -> Option<Id> {
    let value = serde_json::from_str::<Value>(text).ok()?;
    let id = value.get("id")?;
    if id.is_null() {
        return None;
    }
    serde_json::from_value(id.clone()).ok()
}

/// The parameters of `textDocument/didOpen`, with the text left as its JSON token.
#[derive(Deserialize)]
struct OpenParams<'a> {
    #[serde(rename = "textDocument", borrow)]
    text_document: OpenDocument<'a>,
}

#[derive(Deserialize)]
struct OpenDocument<'a> {
    uri: Value,
    #[serde(rename = "languageId")]
    language_id: Value,
    version: Value,
    #[serde(borrow)]
    text: &'a RawValue,
}

/// What [`decode_did_open`] needs: the small members, and where the text's token is in the body.
#[derive(Debug)]
struct OpenPlan {
    uri: Value,
    language_id: Value,
    version: Value,
    token: Range<usize>,
}

/// Plans the fast path for a well-formed `didOpen` notification (no id), else `None`.
fn plan_did_open(envelope: &Envelope<'_>, body: &[u8]) -> Option<OpenPlan> {
    if envelope.method.as_deref() != Some(DID_OPEN)
        || envelope.jsonrpc.as_deref() != Some("2.0")
        || envelope.id.is_some()
    {
        return None;
    }
    let params = serde_json::from_str::<OpenParams<'_>>(envelope.params?.get()).ok()?;
    let doc = params.text_document;
    let token = doc.text.get();
    // The token borrows from `body`: its offset there is the distance between the two pointers.
    let start = (token.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let token = start..start.checked_add(token.len())?;
    let quoted = |i: usize| body.get(i) == Some(&b'"');
    (token.len() >= 2 && quoted(token.start) && quoted(token.end - 1)).then_some(OpenPlan {
        uri: doc.uri,
        language_id: doc.language_id,
        version: doc.version,
        token,
    })
}

/// Builds the `didOpen` request with the text unescaped in place in `body`, which becomes the
/// text's `String` (no second copy). Gives `body` back, untouched, when the text is not a string
/// serde_json would decode (a lone surrogate escape).
fn decode_did_open(mut body: Vec<u8>, open: OpenPlan) -> Result<Request, Vec<u8>> {
    let Some(length) = unescaped_length(&body, open.token.clone()) else {
        return Err(body);
    };
    unescape_in_place(&mut body, open.token, length);
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        // Cannot happen: segments are copied whole between ASCII escapes of a valid UTF-8 body.
        Err(err) => {
            error!("didOpen text is not UTF-8 after unescaping");
            return Err(err.into_bytes());
        }
    };
    let mut document = Map::new();
    document.insert("uri".into(), open.uri);
    document.insert("languageId".into(), open.language_id);
    document.insert("version".into(), open.version);
    document.insert("text".into(), Value::String(text));
    let mut params = Map::new();
    params.insert("textDocument".into(), Value::Object(document));
    Ok(Request::build(DID_OPEN)
        .params(Value::Object(params))
        .finish())
}

/// One escape sequence at the start of `s` (which starts with `\`): the character and the bytes
/// it takes. `None` for what serde_json rejects in a string: an unknown escape, bad hex digits, a
/// lone or reversed surrogate.
fn escape(s: &[u8]) -> Option<(char, usize)> {
    let simple = |c: char| Some((c, 2));
    match *s.get(1)? {
        b'"' => simple('"'),
        b'\\' => simple('\\'),
        b'/' => simple('/'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'u' => {
            let hex = |range: Range<usize>| {
                let digits = std::str::from_utf8(s.get(range)?).ok()?;
                if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                u32::from_str_radix(digits, 16).ok()
            };
            let first = hex(2..6)?;
            match first {
                0xD800..=0xDBFF => {
                    if s.get(6..8)? != b"\\u" {
                        return None;
                    }
                    let second = hex(8..12)?;
                    if !(0xDC00..=0xDFFF).contains(&second) {
                        return None;
                    }
                    let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    Some((char::from_u32(c)?, 12))
                }
                _ => Some((char::from_u32(first)?, 6)),
            }
        }
        _ => None,
    }
}

/// Byte length of the string the JSON string token `body[token]` (quotes included) stands for,
/// or `None` when serde_json would not decode it as a `String`. Reads, never writes: the body is
/// only changed once it is known to decode.
fn unescaped_length(body: &[u8], token: Range<usize>) -> Option<usize> {
    let content = body.get(token.start + 1..token.end.checked_sub(1)?)?;
    let mut length = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', content.get(at..)?) {
        let (ch, taken) = escape(content.get(at + found..)?)?;
        length += found + ch.len_utf8();
        at += found + taken;
    }
    Some(length + content.len() - at)
}

/// Replaces `body` by the string the JSON string token `body[token]` stands for, which
/// [`unescaped_length`] found to be `length` bytes long. Each escape is at least as long as the
/// character it stands for, so writing from the front never overtakes reading.
fn unescape_in_place(body: &mut Vec<u8>, token: Range<usize>, length: usize) {
    let end = token.end - 1;
    let mut read = token.start + 1;
    let mut write = 0;
    while read < end {
        let next = body
            .get(read..end)
            .and_then(|rest| memchr::memchr(b'\\', rest))
            .map_or(end, |i| read + i);
        body.copy_within(read..next, write);
        write += next - read;
        read = next;
        if read == end {
            break;
        }
        let Some((ch, taken)) = body.get(read..end).and_then(escape) else {
            break; // unreachable: `unescaped_length` checked every escape
        };
        let mut utf8 = [0; 4];
        let bytes = ch.encode_utf8(&mut utf8).as_bytes();
        if let Some(slot) = body.get_mut(write..write + bytes.len()) {
            slot.copy_from_slice(bytes);
        }
        write += bytes.len();
        read += taken;
    }
    debug_assert_eq!(write, length);
    body.truncate(write);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// What the reader makes of one frame.
    #[derive(Debug, PartialEq)]
    enum Got {
        Message(Incoming),
        Broken,
        Oversized(usize),
    }

    /// Reads and decodes every frame of `input` as the reader does, with a body limit of `max`.
    async fn frames_with(input: &[u8], max: usize) -> Vec<Got> {
        let (mut client, server_side) = tokio::io::duplex(1024);
        let input = input.to_vec();
        let writer = tokio::spawn(async move {
            client.write_all(&input).await.expect("write");
            drop(client);
        });
        let mut reader = FrameReader::new(server_side, max);
        let mut out = Vec::new();
        while let Some(frame) = reader.next().await {
            out.push(match frame {
                Frame::Body(body) => Got::Message(decode(body)),
                Frame::Broken => Got::Broken,
                Frame::Oversized { length, .. } => Got::Oversized(length),
            });
        }
        writer.await.expect("writer");
        out
    }

    async fn frames(input: &[u8]) -> Vec<Got> {
        frames_with(input, MAX_MESSAGE_BYTES).await
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn request(body: &str) -> Incoming {
        Incoming::Request(serde_json::from_str(body).expect("a request"))
    }

    fn got(body: &str) -> Got {
        Got::Message(request(body))
    }

    /// An input that arrives in the given pieces, one per read.
    struct Pieces(std::collections::VecDeque<Vec<u8>>);

    impl tokio::io::AsyncRead for Pieces {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            if let Some(mut piece) = self.0.pop_front() {
                let n = piece.len().min(buf.remaining());
                buf.put_slice(&piece[..n]);
                if n < piece.len() {
                    self.0.push_front(piece.split_off(n));
                }
            }
            std::task::Poll::Ready(Ok(()))
        }
    }

    /// A header that declares a body and gets none, read when the next header's name has only
    /// partly arrived: the body must not take those first bytes (the fuzzer found this).
    #[tokio::test(flavor = "current_thread")]
    async fn a_header_name_split_at_the_end_of_a_short_body_is_kept() {
        let good = r#"{"jsonrpc":"2.0","id":7,"method":"m"}"#;
        let next = frame(good);
        let first = format!("Content-Length: 9\r\n\r\n{}", &next[..9]);
        let pieces = Pieces([first.into_bytes(), next.as_bytes()[9..].to_vec()].into());
        let mut reader = FrameReader::new(pieces, MAX_MESSAGE_BYTES);
        let mut read = Vec::new();
        while let Some(frame) = reader.next().await {
            read.push(frame);
        }
        assert_eq!(
            read,
            vec![Frame::Broken, Frame::Body(good.as_bytes().to_vec())]
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn decodes_good_frames_and_flags_bad_ones() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let response = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        let input = [
            frame(good),
            frame("{not json"),
            frame("[1,2]"),
            "garbage line\r\n".to_string(),
            frame(r#"{"id":7,"method":5}"#),
            "content-length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}".to_string(),
            "X-Nothing: 1\r\n\r\n".to_string(),
            frame(response),
        ]
        .concat();
        let out = frames(input.as_bytes()).await;
        assert_eq!(
            out,
            vec![
                got(good),
                Got::Message(Incoming::NotJson),
                Got::Message(Incoming::Invalid(None)),
                Got::Message(Incoming::Invalid(Some(Id::Number(7)))),
                Got::Message(Incoming::Invalid(None)),
                Got::Message(Incoming::Response(
                    serde_json::from_str(response).expect("a response")
                )),
            ]
        );
    }

    /// Each unusable frame of the issue, followed by a good one: the good one is always read.
    #[tokio::test(flavor = "current_thread")]
    async fn resynchronizes_after_every_unusable_frame() {
        let good = |id: i64| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#);
        let bad: Vec<(&str, String, Vec<Got>)> = vec![
            (
                "negative length",
                "Content-Length: -5\r\n\r\n{}".into(),
                vec![],
            ),
            (
                "not a number",
                "Content-Length: five\r\n\r\n".into(),
                vec![],
            ),
            (
                "beyond 2^64",
                "Content-Length: 99999999999999999999999\r\n\r\n{".into(),
                vec![Got::Oversized(usize::MAX)],
            ),
            (
                "10^12",
                "Content-Length: 1000000000000\r\n\r\n{\"a\":".into(),
                vec![Got::Oversized(1_000_000_000_000)],
            ),
            (
                "no Content-Length",
                "Content-Type: x\r\n\r\n{}".into(),
                vec![],
            ),
            (
                "shorter than declared",
                "Content-Length: 400\r\n\r\n{\"jsonrpc\":\"2.0\"}".into(),
                vec![Got::Broken],
            ),
            (
                "longer than declared",
                "Content-Length: 3\r\n\r\n{}}}}".into(),
                vec![Got::Message(Incoming::NotJson)],
            ),
            ("stray print, no newline", "print".into(), vec![]),
            (
                "header line that is not a header",
                "Content-Length: 5\r\nno colon\r\n\r\n".into(),
                vec![],
            ),
        ];
        for (what, garbage, mut expected) in bad {
            let input = [frame(&good(1)), garbage, frame(&good(2)), frame(&good(3))].concat();
            let mut want = vec![got(&good(1))];
            want.append(&mut expected);
            want.extend([got(&good(2)), got(&good(3))]);
            assert_eq!(frames(input.as_bytes()).await, want, "{what}");
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn oversized_did_open_is_named_and_skipped() {
        let open = did_open("0123456789".repeat(20).as_str());
        let input = [
            frame(&open),
            frame(r#"{"jsonrpc":"2.0","id":2,"method":"x"}"#),
        ]
        .concat();
        let out = frames_with(input.as_bytes(), 100).await;
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0], Got::Oversized(open.len()));
        let notices = oversized_notices(open.len(), open.as_bytes());
        let text = serde_json::to_string(&notices.iter().collect::<Vec<_>>()).expect("json");
        assert!(text.contains("window/showMessage"), "{text}");
        assert!(text.contains("textDocument/publishDiagnostics"), "{text}");
        assert!(text.contains("file:///a.log"), "{text}");
        assert!(oversized_notices(10, b"{}").is_empty());
    }

    #[test]
    fn decodes_like_tower_lsp() {
        let decoded = |body: &str| decode(body.as_bytes().to_vec());
        for body in [
            r#"{"jsonrpc":"2.0","id":"a","method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1,{"a":"\u00e9"}]}"#,
            // tower-lsp-server reads a message without a method as a request to "".
            r#"{"jsonrpc":"2.0","id":1}"#,
        ] {
            assert_eq!(decoded(body), request(body), "{body}");
        }
        let error = r#"{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}"#;
        assert_eq!(
            decoded(error),
            Incoming::Response(serde_json::from_str(error).expect("a response"))
        );
        assert_eq!(
            decoded(r#"{"jsonrpc":"1.0","method":"x"}"#),
            Incoming::Invalid(None)
        );
        assert_eq!(
            decoded(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
            Incoming::Invalid(Some(Id::Number(1)))
        );
        assert_eq!(
            decoded(r#"{"jsonrpc":"1.0","id":"z","method":"x"}"#),
            Incoming::Invalid(Some(Id::String("z".into())))
        );
        // An id no response can carry is answered with `id: null`.
        for id in ["1.5", "true", "{}", "[1]", "9223372036854775808"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#);
            assert_eq!(decoded(&body), Incoming::Invalid(None), "{body}");
        }
        assert_eq!(decode(b"\xff\xfe".to_vec()), Incoming::NotJson);
        assert_eq!(decode(Vec::new()), Incoming::NotJson);
    }

    /// Reads frames until the response to `id` (skipping notifications and server requests).
    async fn answer<R: AsyncRead + Unpin>(reader: &mut FrameReader<R>, id: i64) -> Value {
        loop {
            let Some(Frame::Body(body)) = reader.next().await else {
                panic!("a frame from the server")
            };
            let message: Value = serde_json::from_slice(&body).expect("JSON from the server");
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
        }
    }

    async fn send(to_server: &mut tokio::io::DuplexStream, body: String) {
        let bytes = frame(&body).into_bytes();
        to_server.write_all(&bytes).await.expect("write");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn serves_a_session_through_garbage() {
        let (service, to_client, shutdown) = super::super::server::build_service(false);
        let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, from_server) = tokio::io::duplex(1 << 16);
        let text = "2024-01-01 \"AccessDenied\"\r\n\tline two é 😀\n";
        let client = async move {
            let mut from_server = FrameReader::new(from_server, MAX_MESSAGE_BYTES);
            send(&mut to_server, json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}).to_string()).await;
            let init = answer(&mut from_server, 1).await;
            assert!(init["result"]["capabilities"].is_object(), "{init}");
            send(
                &mut to_server,
                json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}).to_string(),
            )
            .await;
            send(&mut to_server, did_open(text)).await;
            send(
                &mut to_server,
                "stray output\r\n".to_string() + &frame("{not json"),
            )
            .await;
            send(&mut to_server, r#"{"id":7,"method":5}"#.to_string()).await;
            let invalid = answer(&mut from_server, 7).await;
            assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
            send(&mut to_server, json!({"jsonrpc": "2.0", "id": 8, "method": super::super::ext::TEXT_HASH, "params": {"textDocument": {"uri": "file:///a.log"}}}).to_string()).await;
            let hash = answer(&mut from_server, 8).await;
            let mut expected = super::super::ext::Fnv1a64::default();
            expected.write(text.as_bytes());
            assert_eq!(hash["result"]["length"], text.len(), "{hash}");
            assert_eq!(hash["result"]["fnv1a64"], expected.hex(), "{hash}");
            assert_eq!(hash["result"]["version"], 3, "{hash}");
            send(
                &mut to_server,
                json!({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}).to_string(),
            )
            .await;
            answer(&mut from_server, 9).await;
            // `exit` ends the session although the input stays open.
            send(
                &mut to_server,
                json!({"jsonrpc": "2.0", "method": "exit"}).to_string(),
            )
            .await;
            to_server
        };
        let ((), _input) = tokio::join!(serve(server_in, server_out, service, to_client), client);
        assert!(shutdown.load(std::sync::atomic::Ordering::SeqCst));
    }

    fn did_open(text: &str) -> String {
        json!({
            "jsonrpc": "2.0",
            "method": DID_OPEN,
            "params": {"textDocument": {"uri": "file:///a.log", "languageId": "log", "version": 3, "text": text}}
        })
        .to_string()
    }

    #[test]
    fn did_open_text_is_unescaped_in_place_like_serde_json() {
        let text = "line \"one\"\r\n\ttab\\slash/ é 😀 \u{0} \u{1f} end";
        let body = did_open(text);
        assert!(plan_did_open_of(&body).is_some(), "fast path taken");
        assert_eq!(decode(body.clone().into_bytes()), request(&body));
        // Escapes serde_json never writes but decodes.
        let body = did_open("x").replace(r#""x""#, r#""\u00e9\/\ud83d\ude00\b\f\u0041""#);
        assert!(plan_did_open_of(&body).is_some(), "fast path taken");
        let Incoming::Request(decoded) = decode(body.clone().into_bytes()) else {
            panic!("a request")
        };
        assert_eq!(
            decoded.params().expect("params")["textDocument"]["text"],
            "é/😀\u{8}\u{c}A"
        );
        assert_eq!(Incoming::Request(decoded), request(&body));
    }

    #[test]
    fn did_open_with_a_lone_surrogate_is_invalid_like_in_serde_json() {
        for escaped in [
            r"\ud800",
            r"\ud800x",
            r"\ud800\u0041",
            r"\udc00",
            r"\ud83d\ud83d",
        ] {
            let body = did_open("x").replace(r#""x""#, &format!(r#""{escaped}""#));
            assert!(serde_json::from_str::<Request>(&body).is_err(), "{escaped}");
            assert_eq!(
                decode(body.into_bytes()),
                Incoming::Invalid(None),
                "{escaped}"
            );
        }
    }

    #[test]
    fn other_did_open_shapes_decode_as_usual() {
        for body in [
            // With an id: a request, which tower-lsp-server answers.
            r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":"a\nb"}}}"#,
            // Text of the wrong type, or missing: the handler reports bad params.
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"x","version":1,"text":5}}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a"}}}"#,
        ] {
            assert!(plan_did_open_of(body).is_none(), "{body}");
            assert_eq!(decode(body.as_bytes().to_vec()), request(body), "{body}");
        }
    }

    fn plan_did_open_of(body: &str) -> Option<OpenPlan> {
        let envelope = serde_json::from_str::<Envelope<'_>>(body).ok()?;
        plan_did_open(&envelope, body.as_bytes())
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(vec!["\n", "\r\n", "\"", "\\", "/", "\t", "\u{0}", "\u{7f}", "😀", "\u{2028}"])
                .prop_map(String::from),
            1 => "[a-z ]{0,40}",
        ]
    }

    /// A JSON string token for `text`, with escapes chosen by `styles` (`\u` for any character,
    /// `\/`, or the plain character when JSON allows it).
    fn escaped(text: &str, styles: &[u8]) -> String {
        let mut out = String::from("\"");
        for (i, ch) in text.chars().enumerate() {
            let style = styles.get(i % styles.len().max(1)).copied().unwrap_or(0) % 4;
            let mut units = [0u16; 2];
            match (style, ch) {
                (0, _) => {
                    for unit in ch.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04X}"));
                    }
                }
                (1, '/') => out.push_str("\\/"),
                (_, '"' | '\\' | '\u{0}'..='\u{1f}') => {
                    let json = serde_json::to_string(&ch.to_string()).expect("json");
                    out.push_str(&json[1..json.len() - 1]);
                }
                _ => out.push(ch),
            }
        }
        out.push('"');
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn in_place_unescaping_matches_serde_json(
            pieces in prop::collection::vec(piece(), 0..30),
            styles in prop::collection::vec(any::<u8>(), 1..8),
        ) {
            let text: String = pieces.concat();
            let token = escaped(&text, &styles);
            let decoded = serde_json::from_str::<String>(&token).ok();
            prop_assert_eq!(decoded.as_deref(), Some(text.as_str()));
            let body = did_open("x").replace(r#""x""#, &token);
            prop_assert!(plan_did_open_of(&body).is_some());
            prop_assert_eq!(decode(body.clone().into_bytes()), request(&body));
        }
    }
}
