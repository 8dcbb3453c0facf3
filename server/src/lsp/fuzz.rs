//! Fuzzing that stays in the test suite (stable Rust, no extra crates): random frames through
//! the transport's reader, and whole random LSP sessions through the real service in-process.
//!
//! Each harness runs for a time budget: `IAM_LS_FUZZ_SECS` seconds (default 2, so `cargo test`
//! stays fast), from a seed printed at the start (`IAM_LS_FUZZ_SEED` replays one). Documents grow
//! up to `IAM_LS_FUZZ_MAX_BYTES` (default 64 KiB; the documented maintainer run uses 2 MiB with
//! a release build, see docs/fuzzing.md), and every request must be answered within
//! `IAM_LS_FUZZ_REQUEST_SECS` seconds (default 20, generous for a debug build on a busy machine).

use super::transport::{Frame, FrameReader, MAX_MESSAGE_BYTES};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, DuplexStream};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn budget() -> Duration {
    Duration::from_secs(env_number("IAM_LS_FUZZ_SECS", 2))
}

#[allow(clippy::print_stderr)] // the seed, shown with a failure, is how it is replayed
fn seed() -> u64 {
    let seed = env_number(
        "IAM_LS_FUZZ_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    );
    eprintln!("fuzz seed {seed} (replay with IAM_LS_FUZZ_SEED={seed})");
    seed
}

/// xorshift64*: small, deterministic from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// An unusable piece of input, self-contained (it never ends inside a header, so the frame
/// after it must be read).
fn garbage(rng: &mut Rng) -> Vec<u8> {
    let templates: [&[u8]; 12] = [
        b"Content-Length: -5\r\n\r\n{}",
        b"Content-Length: five\r\n\r\n",
        b"Content-Length: 99999999999999999999999\r\n\r\n{",
        b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":",
        b"Content-Type: x\r\n\r\n{}",
        b"Content-Length: 4000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":",
        b"Content-Length: 3\r\n\r\n{}}}}}",
        b"Content-Length: 2\r\nnot a header\r\n\r\n",
        b"print",
        b"\r\n\r\n",
        b"Content-Length:",
        b"content-length: 7\r\nContent-Length: 9\r\n\r\n",
    ];
    match rng.below(4) {
        0 => {
            // Random bytes that cannot spell a header name (no 'c' or 'C').
            (0..rng.below(64))
                .map(|_| {
                    let b = rng.next() as u8;
                    if b.eq_ignore_ascii_case(&b'c') {
                        b'x'
                    } else {
                        b
                    }
                })
                .collect()
        }
        1 => {
            // A framed body that is not a JSON-RPC message.
            let bodies: [&[u8]; 5] = [b"{not json", b"[1,2]", b"\xff\xfe", b"", b"{\"id\":1.5}"];
            framed(bodies[rng.below(bodies.len())])
        }
        _ => rng.pick(&templates).to_vec(),
    }
}

async fn read_all(input: Vec<u8>, max: usize) -> Vec<Frame> {
    let (mut client, server_side) = tokio::io::duplex(4096);
    let writer = tokio::spawn(async move {
        // Written in random-sized pieces by the duplex's small buffer.
        let _ = client.write_all(&input).await;
    });
    let mut reader = FrameReader::new(server_side, max);
    let mut out = Vec::new();
    while let Some(frame) = reader.next().await {
        out.push(frame);
    }
    let _ = writer.await;
    out
}

/// Random good frames with garbage between them: every good frame is read, in order, whatever
/// came before it.
#[tokio::test(flavor = "current_thread")]
async fn transport_reads_every_good_frame_through_random_garbage() {
    let mut rng = Rng::new(seed());
    let deadline = Instant::now() + budget();
    let mut rounds = 0;
    while Instant::now() < deadline || rounds < 20 {
        rounds += 1;
        let mut input = Vec::new();
        let mut expected = Vec::new();
        let max = if rng.below(4) == 0 {
            2048
        } else {
            MAX_MESSAGE_BYTES
        };
        for id in 0..1 + rng.below(12) {
            for _ in 0..rng.below(3) {
                input.extend(garbage(&mut rng));
            }
            let padding = "x".repeat(rng.below(3000));
            let body = json!({"jsonrpc": "2.0", "id": id, "method": "m", "params": padding});
            let body = body.to_string();
            // Frames over the limit are skipped; all the others are read.
            if body.len() <= max {
                expected.push(id as i64);
            }
            input.extend(framed(body.as_bytes()));
        }
        if rng.below(2) == 0 {
            input.extend(garbage(&mut rng));
        }
        let frames = read_all(input.clone(), max).await;
        let read: Vec<i64> = frames
            .iter()
            .filter_map(|f| match f {
                Frame::Body(body) => serde_json::from_slice::<Value>(body).ok(),
                _ => None,
            })
            .filter(|m| m["method"] == "m")
            .filter_map(|m| m["id"].as_i64())
            .collect();
        assert_eq!(
            read,
            expected,
            "input: {:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

/// A one-line policy of `statements` statements.
fn policy(rng: &mut Rng, statements: usize) -> String {
    let actions = [
        "s3:GetObject",
        "iam:PassRole",
        "ec2:*",
        "s3:Get*",
        "sts:AssumeRole",
    ];
    let statements: Vec<Value> = (0..statements)
        .map(|i| {
            json!({
                "Sid": format!("S{i}"),
                "Effect": if rng.below(5) == 0 { "Deny" } else { "Allow" },
                "Action": [rng.pick(&actions), rng.pick(&actions)],
                "Resource": format!("arn:aws:s3:::bucket-{i}/*"),
            })
        })
        .collect();
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    if rng.below(3) == 0 {
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&text).unwrap_or_default())
            .unwrap_or(text)
    } else {
        text
    }
}

/// Text inserted by random edits: JSON pieces, non-ASCII, line breaks.
fn snippet(rng: &mut Rng) -> String {
    let pieces = [
        "",
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "\n",
        "\r\n",
        "é",
        "😀",
        "\"Action\": \"s3:",
        "\"Condition\": {\"StringEquals\": {",
        "${aws:username}",
        "arn:aws:iam::123456789012:role/x",
    ];
    (0..rng.below(4)).map(|_| *rng.pick(&pieces)).collect()
}

struct Session {
    to_server: DuplexStream,
    answers: tokio::sync::mpsc::UnboundedReceiver<Value>,
    next_id: i64,
}

impl Session {
    async fn send(&mut self, message: Value) {
        let bytes = framed(message.to_string().as_bytes());
        self.to_server
            .write_all(&bytes)
            .await
            .expect("the server reads");
    }

    /// Sends a request and waits (within the bound) for its answer.
    async fn call(&mut self, method: &str, params: Value, bound: Duration) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let started = Instant::now();
        loop {
            let left = bound.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, self.answers.recv()).await {
                Ok(Some(answer)) if answer["id"] == id => return answer,
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the server stopped while {method} was pending"),
                Err(_) => panic!("{method} was not answered within {bound:?}"),
            }
        }
    }
}

/// Random documents (up to `IAM_LS_FUZZ_MAX_BYTES`), random edits, random requests at random
/// positions, garbage and cancellations in between: the server answers every request within
/// the bound and never stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_answer_every_request_in_bounded_time() {
    let mut rng = Rng::new(seed());
    let max_bytes = env_number("IAM_LS_FUZZ_MAX_BYTES", 64 * 1024) as usize;
    let bound = Duration::from_secs(env_number("IAM_LS_FUZZ_REQUEST_SECS", 20));
    let deadline = Instant::now() + budget();
    let (service, to_client, _) = super::server::build_service(false);
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(super::transport::serve(
        server_in, server_out, service, to_client,
    ));
    let (tx, answers) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = FrameReader::new(from_server, MAX_MESSAGE_BYTES);
        while let Some(frame) = reader.next().await {
            if let Frame::Body(body) = frame
                && let Ok(message) = serde_json::from_slice::<Value>(&body)
                && message.get("method").is_none()
                && tx.send(message).is_err()
            {
                break;
            }
        }
    });
    let mut session = Session {
        to_server,
        answers,
        next_id: 1,
    };
    let init = session
        .call("initialize", json!({"capabilities": {}}), bound)
        .await;
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    session
        .send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        .await;
    let uris = [
        "file:///fuzz/a.json",
        "file:///fuzz/b.json",
        "file:///fuzz/c.log",
    ];
    let mut versions = [0i32; 3];
    let mut lines = [1u32; 3];
    let mut requests = 0;
    while Instant::now() < deadline || requests < 5 {
        let doc = rng.below(uris.len());
        let uri = uris[doc];
        let columns = if rng.below(2) == 0 {
            80
        } else {
            max_bytes + 10
        };
        let position =
            json!({"line": rng.below(lines[doc] as usize + 2), "character": rng.below(columns)});
        match rng.below(10) {
            0 => {
                // (Re)open with a random document, sometimes as large as allowed.
                let statements = if rng.below(8) == 0 {
                    max_bytes / 113
                } else {
                    rng.below(60)
                };
                let mut text = policy(&mut rng, statements);
                if doc == 2 {
                    text = format!(
                        "2024-01-01 AccessDenied: {}\n{}",
                        snippet(&mut rng),
                        &text[..text.len().min(200)]
                    );
                }
                text.truncate(super::position::floor_char_boundary(&text, max_bytes));
                versions[doc] += 1;
                lines[doc] = text.lines().count() as u32 + 1;
                session
                    .send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "json", "version": versions[doc], "text": text}}}))
                    .await;
            }
            1 | 2 => {
                let start = json!({"line": rng.below(lines[doc] as usize + 1), "character": rng.below(200)});
                let end = if rng.below(6) == 0 {
                    position.clone()
                } else {
                    start.clone()
                };
                versions[doc] += 1;
                session
                    .send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": versions[doc]}, "contentChanges": [{"range": {"start": start, "end": end}, "text": snippet(&mut rng)}]}}))
                    .await;
                lines[doc] += 1;
            }
            3 => {
                let bytes = garbage(&mut rng);
                session
                    .to_server
                    .write_all(&bytes)
                    .await
                    .expect("the server reads");
            }
            4 => {
                // A request cancelled at once: answered (result or RequestCancelled) all the same.
                let id = session.next_id;
                session.send(json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}})).await;
                let answer = session
                    .call(
                        "textDocument/documentSymbol",
                        json!({"textDocument": {"uri": uri}}),
                        bound,
                    )
                    .await;
                assert!(
                    answer.get("result").is_some() || answer.get("error").is_some(),
                    "{answer}"
                );
                requests += 1;
            }
            _ => {
                let methods = [
                    "textDocument/hover",
                    "textDocument/completion",
                    "textDocument/documentSymbol",
                    "textDocument/foldingRange",
                    "textDocument/codeAction",
                    "iamLs/documentKind",
                    "iamLs/textHash",
                ];
                let method = *rng.pick(&methods);
                let params = json!({
                    "textDocument": {"uri": uri},
                    "position": position,
                    "range": {"start": position, "end": position},
                    "context": {"diagnostics": []},
                });
                let answer = session.call(method, params, bound).await;
                let code = answer["error"]["code"].as_i64();
                assert!(
                    !matches!(code, Some(-32603)),
                    "{method} failed inside the server: {answer}"
                );
                requests += 1;
            }
        }
    }
    let answer = session.call("shutdown", Value::Null, bound).await;
    assert!(answer.get("error").is_none(), "{answer}");
    session
        .send(json!({"jsonrpc": "2.0", "method": "exit"}))
        .await;
    tokio::time::timeout(bound, server)
        .await
        .expect("the server ends after exit")
        .expect("no panic");
}
