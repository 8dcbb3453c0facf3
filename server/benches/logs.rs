//! Log scanner benchmark: throughput of the blob and denial scanners on large synthetic logs,
//! and the latency of the position-local entry points.
//!
//! `cargo bench -p iam-ls --no-default-features --bench logs`
//!
//! A plain `main` (no harness): each measurement runs a few times and the best run is reported in
//! MB/s (1 MB = 10^6 bytes). It reports; it never fails on a number.

// A benchmark reports on stdout; the server's no-print rule is for the LSP transport.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use iam_ls::logs::{blobs, denial_at, denials, scan_blobs, scan_denials};

const TARGET_BYTES: usize = 64 * 1024 * 1024;

fn blob(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}

/// An application log: mostly ordinary lines, one line in `every` a denial of some shape.
fn app_log(every: usize) -> String {
    let ordinary = [
        "2026-03-07T10:00:00.123Z INFO  http request method=GET path=/api/v1/items status=200 bytes=5120 took=12ms\n",
        "2026-03-07T10:00:00.456Z DEBUG cache hit key=user:42:profile ttl=300 region=eu-central-1\n",
        "2026-03-07T10:00:00.789Z INFO  {\"msg\":\"job finished\",\"job\":\"nightly-export\",\"rows\":10231,\"ok\":true}\n",
        "2026-03-07T10:00:01.012Z WARN  slow query table=orders took=812ms plan=seq_scan authorised_by=ops\n",
    ];
    let denial_lines = [
        "2026-03-07T10:00:02Z ERROR User: arn:aws:sts::111111111111:assumed-role/app/i-0abc is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::my-bucket/config.json with an explicit deny in a service control policy: arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd\n".to_string(),
        "2026-03-07T10:00:02Z ERROR botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied\n".to_string(),
        "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::111111111111:assumed-role/app/i-0abc\"},\"eventSource\":\"kms.amazonaws.com\",\"eventName\":\"Decrypt\",\"awsRegion\":\"eu-central-1\",\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User: arn:aws:sts::111111111111:assumed-role/app/i-0abc is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-central-1:111111111111:key/k-1 because no resource-based policy allows the kms:Decrypt action\"}\n".to_string(),
        format!("2026-03-07T10:00:02Z ERROR An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: {}\n", blob(900, 7)),
    ];
    let mut out = String::with_capacity(TARGET_BYTES + 4096);
    let mut i = 0usize;
    while out.len() < TARGET_BYTES {
        if every > 0 && i % every == every - 1 {
            out.push_str(&denial_lines[(i / every) % denial_lines.len()]);
        } else {
            out.push_str(ordinary[i % ordinary.len()]);
        }
        i += 1;
    }
    out
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let v = black_box(f());
        best = best.min(start.elapsed());
        last = Some(v);
    }
    match last {
        Some(v) => (best, v),
        None => (best, f()),
    }
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

fn main() {
    println!("log scanners, best of 3 runs");
    for (label, every) in [
        ("no denials", 0usize),
        ("1 denial per 1000 lines", 1000),
        ("1 denial per 10 lines", 10),
        ("every line a denial", 1),
    ] {
        let text = app_log(every);
        let (t, n) = best_of(3, || blobs(&text).count());
        println!(
            "{label:>26}: blobs   {:>8.0} MB/s ({n} found in {:.1} MB)",
            mbps(text.len(), t),
            text.len() as f64 / 1e6
        );
        let (t, n) = best_of(3, || denials(&text).count());
        println!(
            "{label:>26}: denials {:>8.0} MB/s ({n} found)",
            mbps(text.len(), t)
        );
        // Position-local entry points, at 1000 spread positions.
        let positions: Vec<usize> = (0..1000).map(|k| k * (text.len() / 1000)).collect();
        let (t, _) = best_of(3, || {
            positions
                .iter()
                .filter(|&&p| denial_at(&text, p).is_some())
                .count()
        });
        println!(
            "{label:>26}: denial_at {:>8.1} µs per call",
            t.as_secs_f64() * 1e6 / positions.len() as f64
        );
        let (t, _) = best_of(3, || {
            positions
                .iter()
                .map(|&p| {
                    scan_denials(&text, p..p + 16 * 1024).len()
                        + scan_blobs(&text, p..p + 16 * 1024).len()
                })
                .sum::<usize>()
        });
        println!(
            "{label:>26}: 16 KiB range scan (denials + blobs) {:>8.1} µs per call",
            t.as_secs_f64() * 1e6 / positions.len() as f64
        );
    }
}
