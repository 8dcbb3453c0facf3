//! `iam-ls check` over the AWS managed policy corpus: the whole command, as a user runs it.
//!
//! `cargo bench -p iam-ls --bench cli_check`
//!
//! Extracts `tests/data/managed-policies.txt.lz4` (every AWS managed policy, one `### Name`
//! record each; see `scripts/gen-corpus.sh`) into a temporary directory as one `.json` file per
//! policy, then runs the release `iam-ls` binary (`check --fail-on never DIR`) several times in
//! each output format and reports the best and the median wall time, per run and per file. The
//! process start, the catalog load, the directory walk, reading, analysis and rendering are all
//! included. It reports; it never fails on a number. `IAM_LS_BENCH_RUNS` sets the number of
//! timed runs per format (default 7, after one warm-up run).

// A benchmark reports on stdout; the server's no-print rule is for the LSP transport.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const CORPUS: &str = "tests/data/managed-policies.txt.lz4";

/// Splits the corpus text into `(name, document)` records.
fn records(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for chunk in text.split("### ").skip(1) {
        if let Some((name, doc)) = chunk.split_once('\n') {
            out.push((name.trim(), doc));
        }
    }
    out
}

/// A file name for a policy name (they are ASCII letters, digits, `-`, `_` and `.`; anything
/// else becomes `_`).
fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn extract(corpus: &Path, dir: &Path) -> Result<(usize, usize), String> {
    let bytes = std::fs::read(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let text = lz4_flex::block::decompress_size_prepended(&bytes)
        .map_err(|e| format!("{}: not an LZ4 block: {e}", corpus.display()))?;
    let text = String::from_utf8(text).map_err(|e| format!("corpus is not UTF-8: {e}"))?;
    let recs = records(&text);
    let mut total = 0;
    for (name, doc) in &recs {
        std::fs::write(dir.join(file_name(name)), doc).map_err(|e| e.to_string())?;
        total += doc.len();
    }
    Ok((recs.len(), total))
}

/// Runs the binary once; returns the wall time and stdout.
fn run(bin: &Path, dir: &Path, format: &str) -> Result<(Duration, Vec<u8>), String> {
    let start = Instant::now();
    let out = Command::new(bin)
        .args([
            "check",
            "--fail-on",
            "never",
            "--no-progress",
            "--format",
            format,
        ])
        .arg(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let took = start.elapsed();
    if !out.status.success() {
        return Err(format!(
            "iam-ls check exited with {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((took, out.stdout))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join(CORPUS);
    if !corpus.is_file() {
        eprintln!(
            "cli_check: {} is missing; scripts/gen-corpus.sh writes it",
            corpus.display()
        );
        return ExitCode::FAILURE;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_iam-ls"));
    let runs: usize = std::env::var("IAM_LS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(7);
    let dir =
        TempDir(std::env::temp_dir().join(format!("iam-ls-bench-cli-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    if let Err(e) = std::fs::create_dir_all(&dir.0) {
        eprintln!("cli_check: {e}");
        return ExitCode::FAILURE;
    }
    let (files, bytes) = match extract(&corpus, &dir.0) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cli_check: {e}");
            return ExitCode::FAILURE;
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("iam-ls check over the AWS managed policy corpus");
    println!(
        "{files} files, {:.1} MB of JSON; binary {}; {threads} hardware threads; best and median of {runs} runs after a warm-up",
        bytes as f64 / 1e6,
        bin.display()
    );
    println!();
    println!(
        "{:<8} {:>10} {:>10} {:>14} {:>10} {:>10}",
        "format", "best ms", "median ms", "per file µs", "files/s", "findings"
    );
    for format in ["text", "json", "sarif"] {
        let mut times = Vec::with_capacity(runs);
        let mut findings = None;
        for i in 0..=runs {
            match run(&bin, &dir.0, format) {
                Ok((took, stdout)) => {
                    if i > 0 {
                        times.push(took);
                    }
                    if format == "json" && findings.is_none() {
                        findings = serde_json::from_slice::<serde_json::Value>(&stdout)
                            .ok()
                            .and_then(|v| v["summary"]["findings"].as_u64());
                    }
                }
                Err(e) => {
                    eprintln!("cli_check: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        times.sort();
        let best = times[0];
        let median = times[times.len() / 2];
        println!(
            "{:<8} {:>10.0} {:>10.0} {:>14.0} {:>10.0} {:>10}",
            format,
            ms(best),
            ms(median),
            best.as_secs_f64() * 1e6 / files as f64,
            files as f64 / best.as_secs_f64(),
            findings.map_or_else(|| "-".to_string(), |n| n.to_string())
        );
    }
    ExitCode::SUCCESS
}
