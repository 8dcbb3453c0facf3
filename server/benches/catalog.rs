//! Catalog benchmark: load time in a fresh process, lookup and expansion speed, artifact size.
//!
//! `cargo bench -p iam-ls --no-default-features --bench catalog`
//!
//! A plain `main` (no harness): it measures with `std::time::Instant` over many iterations and
//! prints median and 99th percentile per operation. It reports; it never fails on a number.
//! Load time is measured in child processes (this same executable, re-run with
//! `IAM_LS_BENCH_CHILD` set) so that every sample is a cold first access.

// A benchmark reports on stdout; the server's no-print rule is for the LSP transport.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use iam_ls::catalog::{self, ARTIFACT, catalog, format};

const CHILD_ENV: &str = "IAM_LS_BENCH_CHILD";

fn main() {
    match std::env::var(CHILD_ENV).as_deref() {
        // Child: decode the catalog once and print how long the first access took, in ns.
        Ok("load") => {
            let start = Instant::now();
            let services = catalog().services().len();
            let ready = start.elapsed();
            // Then the first description, which decodes the text block.
            let start = Instant::now();
            let text = catalog()
                .action("s3:GetObject")
                .map_or(0, |a| a.description().len());
            let described = start.elapsed();
            println!(
                "{} {} {services} {text}",
                ready.as_nanos(),
                described.as_nanos()
            );
            return;
        }
        // Child that does nothing: the cost of starting a process, for comparison.
        Ok("noop") => return,
        _ => {}
    }

    let mut rows: Vec<(String, Stats)> = Vec::new();

    let (first_access, first_description, process_with, process_without) = load_in_children(25);
    rows.push((
        "load: first catalog() in a fresh process".into(),
        first_access,
    ));
    rows.push((
        "load: then the first description (text block)".into(),
        first_description,
    ));
    rows.push((
        "load: whole process, start to exit, with catalog".into(),
        process_with,
    ));
    rows.push((
        "load: whole process, start to exit, no catalog".into(),
        process_without,
    ));

    let c = catalog();
    rows.push((
        "action(\"s3:GetObject\")".into(),
        per_call(200, 1_000, || {
            black_box(c.action(black_box("s3:GetObject")));
        }),
    ));
    let names: Vec<String> = c
        .actions()
        .step_by(c.actions().len() / 1_000 + 1)
        .map(|a| a.full_name().to_ascii_lowercase())
        .collect();
    let mut next = 0usize;
    rows.push((
        format!("action(x), {} different lowercase names", names.len()),
        per_call(200, 1_000, || {
            next = (next + 1) % names.len();
            black_box(c.action(black_box(&names[next])));
        }),
    ));
    rows.push((
        "expand(\"s3:*\")".into(),
        per_call(1_000, 1, || {
            black_box(c.expand(black_box("s3:*")));
        }),
    ));
    rows.push((
        "expand(\"s3:Get*\")".into(),
        per_call(1_000, 1, || {
            black_box(c.expand(black_box("s3:Get*")));
        }),
    ));
    rows.push((
        "expand(\"*:*Object*\")".into(),
        per_call(100, 1, || {
            black_box(c.expand(black_box("*:*Object*")));
        }),
    ));
    rows.push((
        "condition_key(\"aws:ResourceTag/Env\")".into(),
        per_call(200, 100, || {
            black_box(c.condition_key(black_box("aws:ResourceTag/Env")));
        }),
    ));
    rows.push((
        "condition_key(\"kms:EncryptionContext:x\")".into(),
        per_call(200, 100, || {
            black_box(c.condition_key(black_box("kms:EncryptionContext:x")));
        }),
    ));
    let get_object: Vec<_> = c.action("s3:GetObject").into_iter().collect();
    rows.push((
        "resource_types_for_arn(s3 object ARN, [s3:GetObject])".into(),
        per_call(200, 10, || {
            black_box(
                c.resource_types_for_arn(black_box("arn:aws:s3:::bucket/key/*"), &get_object),
            );
        }),
    ));
    rows.push((
        "suggest_action(\"s3:GetObjet\")".into(),
        per_call(200, 1, || {
            black_box(c.suggest_action(black_box("s3:GetObjet")));
        }),
    ));
    rows.push((
        "suggest_action(\"s4:GetObject\") (unknown service)".into(),
        per_call(50, 1, || {
            black_box(c.suggest_action(black_box("s4:GetObject")));
        }),
    ));

    let version = catalog::data_version();
    let (core, text) = format::header(ARTIFACT).map_or((0, 0), |h| (h.core_len, h.text_len));
    println!("iam-ls catalog benchmark — data: {version}");
    println!(
        "artifact embedded in the binary: {} bytes ({:.2} MB); decompressed: core {} bytes, \
         descriptions {} bytes",
        ARTIFACT.len(),
        ARTIFACT.len() as f64 / 1_048_576.0,
        core,
        text
    );
    println!(
        "{} services, {} actions, {} resource types, {} service key entries, {} global keys",
        c.services().len(),
        c.actions().len(),
        c.resource_types().len(),
        c.service_keys().len(),
        c.global_keys().len()
    );
    println!();
    println!(
        "{:<58} {:>12} {:>12} {:>8}",
        "operation", "median", "p99", "samples"
    );
    for (name, s) in rows {
        println!(
            "{:<58} {:>12} {:>12} {:>8}",
            name,
            human(s.median),
            human(s.p99),
            s.samples
        );
    }
}

struct Stats {
    median: Duration,
    p99: Duration,
    samples: usize,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort_unstable();
    let n = samples.len();
    let at = |q: f64| samples[((n as f64 - 1.0) * q).round() as usize];
    Stats {
        median: at(0.5),
        p99: at(0.99),
        samples: n,
    }
}

/// `samples` timings of `batch` calls each, reported per call.
fn per_call(samples: usize, batch: u32, mut f: impl FnMut()) -> Stats {
    for _ in 0..batch.min(100) {
        f();
    }
    let times = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed() / batch
        })
        .collect();
    stats(times)
}

/// Runs this executable as a child `n` times in each mode.
fn load_in_children(n: usize) -> (Stats, Stats, Stats, Stats) {
    let exe = std::env::current_exe().expect("own executable path");
    let run = |mode: &str| -> (Duration, Option<(Duration, Duration)>) {
        let start = Instant::now();
        let out = Command::new(&exe)
            .env(CHILD_ENV, mode)
            .output()
            .expect("child process runs");
        let wall = start.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut fields = stdout
            .split_whitespace()
            .map(|ns| ns.parse::<u64>().ok().map(Duration::from_nanos));
        let reported = match (fields.next().flatten(), fields.next().flatten()) {
            (Some(ready), Some(described)) => Some((ready, described)),
            _ => None,
        };
        (wall, reported)
    };
    let mut first = Vec::new();
    let mut described = Vec::new();
    let mut with = Vec::new();
    let mut without = Vec::new();
    for _ in 0..n {
        let (wall, reported) = run("load");
        with.push(wall);
        if let Some((ready, text)) = reported {
            first.push(ready);
            described.push(text);
        }
        without.push(run("noop").0);
    }
    (stats(first), stats(described), stats(with), stats(without))
}

fn human(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 1_000 {
        format!("{ns} ns")
    } else if ns < 1_000_000 {
        format!("{:.2} µs", ns as f64 / 1e3)
    } else {
        format!("{:.2} ms", ns as f64 / 1e6)
    }
}
