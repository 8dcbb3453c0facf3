//! `iam-ls check` over the AWS managed policy corpus: the whole command, as a user runs it.
//!
//! `cargo bench -p iam-ls --bench cli_check`
//!
//! Extracts `tests/data/managed-policies.txt.lz4` (every AWS managed policy, one `### Name`
//! record each; see `scripts/gen-corpus.sh`) into a temporary directory as one `.json` file per
//! policy, then runs the release `iam-ls` binary (`check --fail-on never DIR`) several times in
//! each output format and reports the best and the median wall time, per run and per file. The
//! process start, the catalog load, the directory walk, reading, analysis and rendering are all
//! included. Besides the wall time it reports the CPU time of the child (user + system, from
//! `/proc/self/stat` on Linux), which a busy machine disturbs much less. It reports; it never
//! fails on a number. `IAM_LS_BENCH_RUNS` sets the number of timed runs per format (default 7,
//! after one warm-up run).

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

/// CPU time (user + system) of the waited-for children of this process, in clock ticks
/// (`cutime` + `cstime` of `/proc/self/stat`); `None` off Linux.
fn children_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `cutime` and `cstime` are fields 16 and 17 of the line; `rest` starts at field 3.
    let cutime: u64 = fields.get(13)?.parse().ok()?;
    let cstime: u64 = fields.get(14)?.parse().ok()?;
    Some(cutime + cstime)
}

/// Clock ticks per second (`getconf CLK_TCK`, else the usual 100).
fn ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .filter(|&t| t > 0.0)
        .unwrap_or(100.0)
}

/// One run: wall time, child CPU time (when known) and stdout.
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
    stdout: Vec<u8>,
}

/// Runs the binary once.
fn run(bin: &Path, dir: &Path, format: &str, tick: f64) -> Result<Sample, String> {
    let cpu_before = children_cpu_ticks();
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
    let wall = start.elapsed();
    let cpu = match (cpu_before, children_cpu_ticks()) {
        (Some(a), Some(b)) => Some(Duration::from_secs_f64(b.saturating_sub(a) as f64 / tick)),
        _ => None,
    };
    if !out.status.success() {
        return Err(format!(
            "iam-ls check exited with {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(Sample {
        wall,
        cpu,
        stdout: out.stdout,
    })
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    v.sort();
    v.get(v.len() / 2).copied()
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
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string());
    let tick = ticks_per_second();
    println!("iam-ls check over the AWS managed policy corpus");
    println!(
        "{files} files, {:.1} MB of JSON; binary {}; {threads} hardware threads, load average {load}; {runs} runs per format after a warm-up",
        bytes as f64 / 1e6,
        bin.display()
    );
    println!();
    println!(
        "{:<8} {:>9} {:>11} {:>12} {:>15} {:>9}",
        "format", "wall best", "wall median", "CPU median", "CPU per file", "findings"
    );
    for format in ["text", "json", "sarif"] {
        let mut walls = Vec::with_capacity(runs);
        let mut cpus = Vec::with_capacity(runs);
        let mut findings = None;
        for i in 0..=runs {
            match run(&bin, &dir.0, format, tick) {
                Ok(sample) => {
                    if i > 0 {
                        walls.push(sample.wall);
                        cpus.extend(sample.cpu);
                    }
                    if format == "json" && findings.is_none() {
                        findings = serde_json::from_slice::<serde_json::Value>(&sample.stdout)
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
        let best = walls.iter().min().copied().unwrap_or_default();
        let wall_median = median(walls).unwrap_or_default();
        let cpu_median = median(cpus);
        println!(
            "{:<8} {:>6.0} ms {:>8.0} ms {:>9} {:>15} {:>9}",
            format,
            ms(best),
            ms(wall_median),
            cpu_median.map_or_else(|| "-".to_string(), |c| format!("{:.0} ms", ms(c))),
            cpu_median.map_or_else(
                || "-".to_string(),
                |c| format!("{:.0} µs", c.as_secs_f64() * 1e6 / files as f64)
            ),
            findings.map_or_else(|| "-".to_string(), |n| n.to_string())
        );
    }
    ExitCode::SUCCESS
}
