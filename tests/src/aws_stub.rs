//! A loopback stand-in for AWS STS and IAM, for tests that drive the real AWS SDK.
//!
//! It is a small hand-written HTTP/1.1 server on `127.0.0.1` (standard library only: a thread
//! per connection, so it works from synchronous and asynchronous tests alike) that speaks the
//! AWS Query protocol the two services use: a form-encoded `POST /` whose `Action` and `Version`
//! parameters name the operation, answered with XML.
//!
//! Two ways to use it:
//! - [`AwsStub::world`] with a [`StubWorld`]: a consistent fake account that knows some encoded
//!   messages and some managed policies and answers like the services do (unknown message:
//!   `InvalidAuthorizationMessageException`; unknown policy: `NoSuchEntity`; ...).
//! - [`AwsStub::start`] with any function from [`StubRequest`] to [`StubReply`] (fixed errors,
//!   a reply that never comes, ...).
//!
//! Every request is recorded ([`AwsStub::requests`]) so tests can check what the client sent:
//! the form parameters, and the access key and service of the SigV4 `Authorization` header.
//! The stub does not verify signatures. Dropping the stub stops it.
//!
//! This file is shared: the server's integration tests include it with `#[path]`, and the
//! end-to-end test crate can declare it as `pub mod aws_stub;`.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// STS's Query API version.
pub const STS_API_VERSION: &str = "2011-06-15";
/// IAM's Query API version.
pub const IAM_API_VERSION: &str = "2010-05-08";

const STS_XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
const IAM_XMLNS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// One HTTP request as the stub received it.
#[derive(Clone, Debug)]
pub struct StubRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The request target, e.g. `/`.
    pub target: String,
    /// Header names (lower-cased) and values, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8).
    pub body: String,
}

impl StubRequest {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The form parameters of the body, decoded.
    pub fn params(&self) -> Vec<(String, String)> {
        form_decode(&self.body)
    }

    /// The form parameter `name`, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The `Action` parameter.
    pub fn action(&self) -> Option<String> {
        self.param("Action")
    }

    /// The SigV4 credential scope of the `Authorization` header:
    /// `(access key id, date, region, service)`.
    pub fn credential_scope(&self) -> Option<(String, String, String, String)> {
        let auth = self.header("authorization")?;
        let start = auth.find("Credential=")? + "Credential=".len();
        let rest = &auth[start..];
        let end = rest.find([',', ' ']).unwrap_or(rest.len());
        let mut parts = rest[..end].split('/');
        let key = parts.next()?.to_owned();
        let date = parts.next()?.to_owned();
        let region = parts.next()?.to_owned();
        let service = parts.next()?.to_owned();
        Some((key, date, region, service))
    }

    /// The access key id the request was signed with.
    pub fn access_key_id(&self) -> Option<String> {
        self.credential_scope().map(|(key, _, _, _)| key)
    }

    /// The service name the request was signed for (`sts`, `iam`).
    pub fn signing_service(&self) -> Option<String> {
        self.credential_scope().map(|(_, _, _, service)| service)
    }
}

/// What the stub does with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StubReply {
    /// Answer with this status, content type and body (and `Connection: close`).
    Respond {
        /// HTTP status code.
        status: u16,
        /// `Content-Type` header value.
        content_type: String,
        /// Response body.
        body: String,
    },
    /// Keep the connection open and never answer (until the stub is dropped).
    Hang,
}

impl StubReply {
    /// A `200 text/xml` reply.
    pub fn xml(body: impl Into<String>) -> Self {
        StubReply::Respond {
            status: 200,
            content_type: "text/xml".to_owned(),
            body: body.into(),
        }
    }

    /// DecodeAuthorizationMessage success carrying `decoded_json` (XML-escaped here).
    pub fn decoded_message(decoded_json: &str) -> Self {
        Self::xml(format!(
            "<DecodeAuthorizationMessageResponse xmlns=\"{STS_XMLNS}\">\
             <DecodeAuthorizationMessageResult><DecodedMessage>{}</DecodedMessage>\
             </DecodeAuthorizationMessageResult>\
             <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
             </DecodeAuthorizationMessageResponse>",
            xml_escape(decoded_json),
            request_id()
        ))
    }

    /// GetPolicy success for the policy `arn` named `name` whose default version is `version_id`.
    pub fn policy(arn: &str, name: &str, path: &str, version_id: &str) -> Self {
        Self::xml(format!(
            "<GetPolicyResponse xmlns=\"{IAM_XMLNS}\"><GetPolicyResult><Policy>\
             <PolicyName>{}</PolicyName><DefaultVersionId>{}</DefaultVersionId>\
             <PolicyId>ANPAEXAMPLE0000000001</PolicyId><Path>{}</Path><Arn>{}</Arn>\
             <AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable>\
             <CreateDate>2024-01-02T03:04:05Z</CreateDate>\
             <UpdateDate>2024-01-02T03:04:05Z</UpdateDate>\
             </Policy></GetPolicyResult>\
             <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></GetPolicyResponse>",
            xml_escape(name),
            xml_escape(version_id),
            xml_escape(path),
            xml_escape(arn),
            request_id()
        ))
    }

    /// GetPolicyVersion success: `document_json` is URL-encoded (as IAM does), then XML-escaped.
    pub fn policy_version(version_id: &str, document_json: &str) -> Self {
        Self::xml(format!(
            "<GetPolicyVersionResponse xmlns=\"{IAM_XMLNS}\"><GetPolicyVersionResult>\
             <PolicyVersion><Document>{}</Document><VersionId>{}</VersionId>\
             <IsDefaultVersion>true</IsDefaultVersion>\
             <CreateDate>2024-01-02T03:04:05Z</CreateDate></PolicyVersion>\
             </GetPolicyVersionResult>\
             <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
             </GetPolicyVersionResponse>",
            xml_escape(&url_encode(document_json)),
            xml_escape(version_id),
            request_id()
        ))
    }

    /// A Query-protocol error in STS's namespace.
    pub fn sts_error(status: u16, code: &str, message: &str) -> Self {
        Self::error(STS_XMLNS, status, code, message)
    }

    /// A Query-protocol error in IAM's namespace.
    pub fn iam_error(status: u16, code: &str, message: &str) -> Self {
        Self::error(IAM_XMLNS, status, code, message)
    }

    fn error(xmlns: &str, status: u16, code: &str, message: &str) -> Self {
        let kind = if status >= 500 { "Receiver" } else { "Sender" };
        StubReply::Respond {
            status,
            content_type: "text/xml".to_owned(),
            body: format!(
                "<ErrorResponse xmlns=\"{xmlns}\"><Error><Type>{kind}</Type>\
                 <Code>{}</Code><Message>{}</Message></Error>\
                 <RequestId>{}</RequestId></ErrorResponse>",
                xml_escape(code),
                xml_escape(message),
                request_id()
            ),
        }
    }
}

/// A fake account for [`AwsStub::world`]: known encoded messages and managed policies.
#[derive(Clone, Debug, Default)]
pub struct StubWorld {
    messages: HashMap<String, String>,
    policies: HashMap<String, (String, String)>,
}

impl StubWorld {
    /// An account that knows nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decoding `encoded` yields `decoded_json`.
    pub fn with_message(mut self, encoded: &str, decoded_json: &str) -> Self {
        self.messages
            .insert(encoded.to_owned(), decoded_json.to_owned());
        self
    }

    /// The managed policy `arn` exists with default version `version_id` holding `document_json`.
    pub fn with_policy(mut self, arn: &str, version_id: &str, document_json: &str) -> Self {
        self.policies.insert(
            arn.to_owned(),
            (version_id.to_owned(), document_json.to_owned()),
        );
        self
    }

    /// How the fake services answer `request`.
    pub fn respond(&self, request: &StubRequest) -> StubReply {
        if request.method != "POST" || request.target != "/" {
            return StubReply::sts_error(400, "InvalidAction", "expected POST /");
        }
        if request.header("authorization").is_none() {
            return StubReply::sts_error(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            );
        }
        let action = request.action().unwrap_or_default();
        let version = request.param("Version").unwrap_or_default();
        match action.as_str() {
            "DecodeAuthorizationMessage" => {
                if version != STS_API_VERSION {
                    return StubReply::sts_error(400, "InvalidAction", "wrong STS API version");
                }
                let Some(encoded) = request.param("EncodedMessage") else {
                    return StubReply::sts_error(400, "MissingParameter", "EncodedMessage");
                };
                match self.messages.get(&encoded) {
                    Some(json) => StubReply::decoded_message(json),
                    None => StubReply::sts_error(
                        400,
                        "InvalidAuthorizationMessageException",
                        "The message is not valid",
                    ),
                }
            }
            "GetPolicy" | "GetPolicyVersion" => {
                if version != IAM_API_VERSION {
                    return StubReply::iam_error(400, "InvalidAction", "wrong IAM API version");
                }
                let arn = request.param("PolicyArn").unwrap_or_default();
                let Some((version_id, document)) = self.policies.get(&arn) else {
                    return StubReply::iam_error(
                        404,
                        "NoSuchEntity",
                        &format!("Policy {arn} does not exist or is not attachable."),
                    );
                };
                if action == "GetPolicy" {
                    let name = arn.rsplit('/').next().unwrap_or_default();
                    let path = policy_path(&arn);
                    StubReply::policy(&arn, name, &path, version_id)
                } else if request.param("VersionId").as_deref() == Some(version_id.as_str()) {
                    StubReply::policy_version(version_id, document)
                } else {
                    StubReply::iam_error(404, "NoSuchEntity", "Policy version does not exist")
                }
            }
            _ => StubReply::sts_error(400, "InvalidAction", "unknown action"),
        }
    }
}

/// `/service-role/` for `arn:aws:iam::aws:policy/service-role/Name`, `/` without a path.
fn policy_path(arn: &str) -> String {
    let resource = arn.split_once(":policy/").map(|(_, r)| r).unwrap_or("");
    match resource.rsplit_once('/') {
        Some((path, _)) => format!("/{path}/"),
        None => "/".to_owned(),
    }
}

type Responder = dyn Fn(&StubRequest) -> StubReply + Send + Sync;

/// A running stub server. Dropping it stops the server.
pub struct AwsStub {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<StubRequest>>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl AwsStub {
    /// Starts a stub on `127.0.0.1` (free port) that answers with `responder`.
    pub fn start<F>(responder: F) -> io::Result<AwsStub>
    where
        F: Fn(&StubRequest) -> StubReply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let responder: Arc<Responder> = Arc::new(responder);
        let acceptor = {
            let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
            thread::Builder::new()
                .name("aws-stub-accept".to_owned())
                .spawn(move || accept_loop(listener, responder, log, stop))?
        };
        Ok(AwsStub {
            addr,
            log,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// Starts a stub that answers every request with `reply`.
    pub fn fixed(reply: StubReply) -> io::Result<AwsStub> {
        Self::start(move |_| reply.clone())
    }

    /// Starts a stub that plays the fake account `world`.
    pub fn world(world: StubWorld) -> io::Result<AwsStub> {
        Self::start(move |request| world.respond(request))
    }

    /// The stub's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL to give the SDK, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<StubRequest> {
        match self.log.lock() {
            Ok(log) => log.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Drop for AwsStub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so the loop sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(500));
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    responder: Arc<Responder>,
    log: Arc<Mutex<Vec<StubRequest>>>,
    stop: Arc<AtomicBool>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let (responder, log, stop) = (Arc::clone(&responder), Arc::clone(&log), Arc::clone(&stop));
        let _ = thread::Builder::new()
            .name("aws-stub-conn".to_owned())
            .spawn(move || serve_connection(stream, &*responder, &log, &stop));
    }
}

fn serve_connection(
    stream: TcpStream,
    responder: &Responder,
    log: &Mutex<Vec<StubRequest>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = write_half;
    // One request per connection: every reply carries `Connection: close`.
    let request = match read_request(&mut reader, &mut writer, stop) {
        Ok(Some(request)) => request,
        Ok(None) | Err(_) => return,
    };
    let reply = responder(&request);
    match log.lock() {
        Ok(mut log) => log.push(request),
        Err(poisoned) => poisoned.into_inner().push(request),
    }
    match reply {
        StubReply::Respond {
            status,
            content_type,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\n\
                 Content-Length: {}\r\nx-amzn-RequestId: {}\r\nConnection: close\r\n\r\n",
                reason(status),
                body.len(),
                request_id()
            );
            let _ = writer.write_all(head.as_bytes());
            let _ = writer.write_all(body.as_bytes());
            let _ = writer.flush();
        }
        StubReply::Hang => {
            while !stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Reads one request; `Ok(None)` when the peer closed (or the stub stopped) before a request.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    stop: &AtomicBool,
) -> io::Result<Option<StubRequest>> {
    let mut head: Vec<String> = Vec::new();
    let mut head_len = 0;
    loop {
        let line = match read_line_patiently(reader, stop) {
            Ok(line) => line,
            Err(e) if head.is_empty() && e.kind() == io::ErrorKind::UnexpectedEof => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            if head.is_empty() {
                continue; // stray blank line between requests
            }
            break;
        }
        head_len += line.len();
        if head_len > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
        head.push(trimmed.to_owned());
    }
    let mut lines = head.into_iter();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };

    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        read_chunked(reader, stop)?
    } else {
        let len: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if len > MAX_BODY {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
        }
        let mut body = vec![0; len];
        read_exact_patiently(reader, &mut body, stop)?;
        body
    };
    Ok(Some(StubRequest {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }))
}

fn read_chunked(reader: &mut BufReader<TcpStream>, stop: &AtomicBool) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let size_line = read_line_patiently(reader, stop)?;
        let size_text = size_line.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Trailers until the blank line.
            while !read_line_patiently(reader, stop)?.trim().is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        read_exact_patiently(reader, &mut body[start..], stop)?;
        read_line_patiently(reader, stop)?; // CRLF after the chunk
    }
}

fn read_line_patiently(reader: &mut BufReader<TcpStream>, stop: &AtomicBool) -> io::Result<String> {
    let mut line = String::new();
    loop {
        match reader.read_line(&mut line) {
            Ok(0) if line.is_empty() => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(0) => return Err(io::ErrorKind::InvalidData.into()), // closed mid-line
            Ok(_) if line.ends_with('\n') => return Ok(line),
            Ok(_) => continue,
            Err(e) if is_timeout(&e) && !stop.load(Ordering::SeqCst) => continue,
            Err(e) => return Err(e),
        }
    }
}

fn read_exact_patiently(
    reader: &mut BufReader<TcpStream>,
    mut buf: &mut [u8],
    stop: &AtomicBool,
) -> io::Result<()> {
    while !buf.is_empty() {
        match reader.read(buf) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => buf = &mut buf[n..],
            Err(e) if is_timeout(&e) && !stop.load(Ordering::SeqCst) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn request_id() -> String {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "00000000-0000-4000-8000-{:012x}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Escapes text for an XML element or attribute.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes every byte except RFC 3986 unreserved characters (as IAM encodes documents).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes an `application/x-www-form-urlencoded` body into name/value pairs.
pub fn form_decode(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_component(name), form_component(value))
        })
        .collect()
}

fn form_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let high = bytes.get(i + 1).copied().and_then(hex);
                let low = bytes.get(i + 2).copied().and_then(hex);
                match (high, low) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}
