//! A guard in front of tower-lsp-server's reader: only well-formed JSON-RPC messages get through.
//!
//! tower-lsp-server ends the whole session on the first frame it cannot decode (tokio-util's
//! `FramedRead` stops after a decoder error). So one garbled message from a client, a proxy or a
//! stray `print` in an extension would kill the server. [`sanitize`] reads the raw input, re-frames
//! every message with a plain `Content-Length` header, and drops (with a warning) each frame whose
//! body is not a JSON-RPC request, notification or response. A dropped message that carries a
//! usable `id` is replaced by a request to [`INVALID_MESSAGE`], which the server answers with an
//! "invalid request" error, so the client is not left waiting.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};
use tracing::warn;

/// Internal method that answers a malformed message carrying an id with an error.
pub const INVALID_MESSAGE: &str = "iamLs/invalidMessage";

/// Longest header line accepted; longer lines are garbage and skipped.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Largest message accepted (larger ones are skipped unread).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// Returns a reader yielding only well-formed frames read from `input` (see the module docs).
/// Spawns the filtering task on the current tokio runtime.
pub fn sanitize<R>(input: R) -> impl AsyncRead + Unpin
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let (reader, writer) = tokio::io::duplex(64 * 1024);
    tokio::spawn(pump(input, writer));
    reader
}

/// What to forward for a frame body.
#[derive(Debug, PartialEq)]
enum Verdict {
    Forward,
    /// Not decodable; answer the id (if any) with an error.
    Reject(Option<Value>),
}

/// The fields tower-lsp-server looks at, read without copying `params` (which can hold a whole
/// document): one validating pass over the body.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    jsonrpc: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    method: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    params: Option<serde::de::IgnoredAny>,
}

fn judge(body: &[u8]) -> Verdict {
    let Ok(text) = std::str::from_utf8(body) else {
        return Verdict::Reject(None);
    };
    // Requests and notifications (the large messages) in one pass that copies nothing big;
    // responses (small) are checked against tower-lsp's own type.
    if let Ok(envelope) = serde_json::from_str::<Envelope<'_>>(text) {
        let id_ok = envelope
            .id
            .as_ref()
            .is_none_or(|id| id.is_null() || id.is_string() || id.is_i64());
        let _ = envelope.params;
        if envelope.jsonrpc == "2.0" && envelope.method.is_some() && id_ok {
            return Verdict::Forward;
        }
    }
    if serde_json::from_str::<Response>(text).is_ok()
        || serde_json::from_str::<Request>(text).is_ok()
    {
        return Verdict::Forward;
    }
    let id = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .filter(|id| id.is_number() || id.is_string());
    Verdict::Reject(id)
}

/// Copies well-formed frames from `input` to `output` until end of input.
async fn pump<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let Some(length) = read_headers(&mut reader).await else {
            return; // end of input (or read error): closing `output` ends the session
        };
        let Some(length) = length else {
            warn!("dropped a message without a Content-Length header");
            continue;
        };
        if length > MAX_MESSAGE_BYTES {
            warn!("dropped a message of {length} bytes (limit {MAX_MESSAGE_BYTES})");
            let mut skip = (&mut reader).take(length as u64);
            if tokio::io::copy(&mut skip, &mut tokio::io::sink())
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let forwarded = match judge(&body) {
            Verdict::Forward => body,
            Verdict::Reject(id) => {
                warn!("dropped an undecodable message of {length} bytes");
                let Some(id) = id else { continue };
                let substitute = json!({"jsonrpc": "2.0", "id": id, "method": INVALID_MESSAGE});
                substitute.to_string().into_bytes()
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", forwarded.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&forwarded).await.is_err()
        {
            return; // the server stopped reading (after `exit`)
        }
    }
}

/// Reads one header block. `None` at end of input; `Some(None)` when the block had no usable
/// `Content-Length`. Lines that are not headers are skipped, which resynchronizes after garbage.
async fn read_headers<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<Option<usize>> {
    let mut length = None;
    let mut in_block = false;
    loop {
        let mut line = Vec::new();
        let mut limited = (&mut *reader).take(MAX_HEADER_LINE as u64);
        let n = limited.read_until(b'\n', &mut line).await.ok()?;
        if n == 0 {
            return None;
        }
        if line.last() != Some(&b'\n') && n == MAX_HEADER_LINE {
            // An overlong line: skip the rest of it.
            let mut rest = Vec::new();
            reader.read_until(b'\n', &mut rest).await.ok()?;
            continue;
        }
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            if in_block {
                return Some(length);
            }
            continue;
        }
        let Ok(text) = std::str::from_utf8(trimmed) else {
            continue;
        };
        let Some((name, value)) = text.split_once(':') else {
            continue;
        };
        in_block = true;
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn filter(input: &[u8]) -> String {
        let (mut client, server_side) = tokio::io::duplex(1024);
        let (mut out_read, out_write) = tokio::io::duplex(1 << 20);
        let input = input.to_vec();
        let writer = tokio::spawn(async move {
            client.write_all(&input).await.expect("write");
            drop(client);
        });
        pump(server_side, out_write).await;
        writer.await.expect("writer");
        let mut out = String::new();
        out_read.read_to_string(&mut out).await.expect("read");
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test(flavor = "current_thread")]
    async fn forwards_good_frames_and_drops_bad_ones() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let response = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        let input = [
            frame(good),
            frame("{not json"),
            frame("[1,2]"),
            "garbage line\r\n".to_string(),
            frame(r#"{"id":7,"method":5}"#),
            "content-length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}".to_string(),
            frame(response),
        ]
        .concat();
        let out = filter(input.as_bytes()).await;
        let invalid = json!({"jsonrpc": "2.0", "id": 7, "method": INVALID_MESSAGE}).to_string();
        assert_eq!(
            out,
            [frame(good), frame(&invalid), frame(response)].concat()
        );
    }

    #[test]
    fn judges_like_tower_lsp() {
        assert_eq!(
            judge(br#"{"jsonrpc":"2.0","id":"a","method":"x"}"#),
            Verdict::Forward
        );
        assert_eq!(
            judge(br#"{"jsonrpc":"1.0","method":"x"}"#),
            Verdict::Reject(None)
        );
        assert_eq!(
            judge(br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
            Verdict::Reject(Some(json!(1)))
        );
        assert_eq!(judge(b"\xff\xfe"), Verdict::Reject(None));
    }
}
