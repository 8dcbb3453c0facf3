//! `iam-ls-bench`: spawns the release `iam-ls` server over stdio, replays scripted editor
//! sessions and times every answer on the client side; runs `iam-ls check` and the peer
//! linters (parliament, cfn-lint) on the same inputs, interleaved. Prints a Markdown report
//! (the tables of docs/benchmarks.md) and optionally the raw figures as JSON.
//!
//! A benchmark reports; it does not judge. The exit status is non-zero only for a harness
//! error: the server did not answer, answered with an error, or gave an answer the scenario
//! does not expect (diagnostics of another version, no hover on an action, no completion
//! items, a check report that misses files). Slow figures never fail it.
//!
//! `--quick` runs every scenario with small counts, no peers and a 5 MB log, in seconds: it
//! keeps the harness working (scripts/test can call it).

mod batch;
mod corpus;
mod editor;
mod eval;
mod inputs;
mod large;
mod lsp;
mod size;
mod stats;
mod templates;

use batch::Peers;
use editor::Launch;
use serde_json::{Value, json};
use stats::{Samples, ms, show, show_kib};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: iam-ls-bench [options]

  --server PATH       the iam-ls binary (default: the one beside this program, else
                      $CARGO_TARGET_DIR/release/iam-ls or ./target/release/iam-ls)
  --quick             small counts, no peers, 5 MB log: runs in seconds, checks the harness
  --corpus PATH       policies for the CLI and corpus scenarios: a folder of *.json files, or the
                      committed managed-policies.txt.lz4 (the default, when it exists)
  --no-corpus         generated policies only
  --venv DIR          virtualenv with parliament and cfn-lint (scripts/bench-peers.sh); none: no peers
  --only LIST         comma-separated sections: startup,typing,hover,memory,corpus,cli,large,template,
                      eval
  --rounds N          interleaved rounds of the whole-corpus CLI runs (default 5, quick 1)
  --sample N          files in the per-file CLI sample (default 100, quick 5)
  --log-mb N          size of the log in MB (default 100, quick 5)
  --json FILE         also write the raw figures as JSON
  --write-inputs DIR  write the inputs (generated policies and logs, the extracted corpus) and exit
  --stderr-log FILE   keep the server's stderr (default: discarded)
  --size PATH         only check that the binary at PATH is under the 25 MB size budget
                      (exit 1 when over; see docs/benchmarks.md)
";

/// The `iam-ls` beside this executable (cargo builds both into the same folder), else the
/// release build under `$CARGO_TARGET_DIR` or `./target`.
fn default_server() -> PathBuf {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("iam-ls")));
    match beside {
        Some(path) if path.is_file() => path,
        _ => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target"))
            .join("release")
            .join("iam-ls"),
    }
}

/// Parsed command line.
#[derive(Debug)]
struct Options {
    server: PathBuf,
    quick: bool,
    corpus: Option<PathBuf>,
    no_corpus: bool,
    venv: Option<PathBuf>,
    only: Option<Vec<String>>,
    rounds: usize,
    sample: usize,
    log_mb: usize,
    json: Option<PathBuf>,
    write_inputs: Option<PathBuf>,
    stderr_log: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = Options {
            server: default_server(),
            quick: false,
            corpus: None,
            no_corpus: false,
            venv: None,
            only: None,
            rounds: 0,
            sample: usize::MAX,
            log_mb: 0,
            json: None,
            write_inputs: None,
            stderr_log: None,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            let number = |s: String, name: &str| {
                s.parse::<usize>()
                    .map_err(|_| format!("{name}: not a number: {s}"))
            };
            match arg.as_str() {
                "--server" => o.server = value(arg)?.into(),
                "--quick" => o.quick = true,
                "--corpus" => o.corpus = Some(value(arg)?.into()),
                "--no-corpus" => o.no_corpus = true,
                "--venv" => o.venv = Some(value(arg)?.into()),
                "--only" => {
                    o.only = Some(value(arg)?.split(',').map(str::to_string).collect());
                }
                "--rounds" => o.rounds = number(value(arg)?, arg)?,
                "--sample" => o.sample = number(value(arg)?, arg)?,
                "--log-mb" => o.log_mb = number(value(arg)?, arg)?,
                "--json" => o.json = Some(value(arg)?.into()),
                "--write-inputs" => o.write_inputs = Some(value(arg)?.into()),
                "--stderr-log" => o.stderr_log = Some(value(arg)?.into()),
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument: {other}")),
            }
        }
        if o.rounds == 0 {
            o.rounds = if o.quick { 1 } else { 5 };
        }
        if o.sample == usize::MAX {
            o.sample = if o.quick { 5 } else { 100 };
        }
        if o.log_mb == 0 {
            o.log_mb = if o.quick { 5 } else { 100 };
        }
        if o.quick {
            o.venv = None;
        }
        if o.no_corpus {
            o.corpus = None;
        } else if o.corpus.is_none() {
            let committed = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(corpus::COMMITTED);
            o.corpus = committed.is_file().then_some(committed);
        }
        Ok(o)
    }

    fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    }
}

/// Policies of the corpus used in quick mode.
const QUICK_CORPUS: usize = 40;

/// Counts per mode.
struct Counts {
    startups: usize,
    typed_10k: usize,
    typed_100k: usize,
    hovers: usize,
    completions: usize,
    policies: usize,
    log_hovers: usize,
    corpus_open: usize,
    single_rounds: usize,
}

impl Counts {
    fn new(quick: bool) -> Self {
        if quick {
            Counts {
                startups: 3,
                typed_10k: 200,
                typed_100k: 40,
                hovers: 100,
                completions: 100,
                policies: 10,
                log_hovers: 20,
                corpus_open: 50,
                single_rounds: 1,
            }
        } else {
            Counts {
                startups: 20,
                typed_10k: usize::MAX,
                typed_100k: 3000,
                hovers: 1000,
                completions: 1000,
                policies: 100,
                log_hovers: 100,
                corpus_open: usize::MAX,
                single_rounds: 10,
            }
        }
    }
}

/// The generated inputs.
struct Inputs {
    small: inputs::Generated,
    large: inputs::Generated,
}

fn make_inputs() -> Inputs {
    Inputs {
        small: inputs::policy(10 * 1024, 10),
        large: inputs::policy(100 * 1024, 100),
    }
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("iam-ls-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn progress(msg: &str) {
    eprintln!("[iam-ls-bench] {msg}");
}

/// A line about the machine and its load, from /proc.
fn machine() -> Value {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib: u64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
    json!({
        "cpu": model,
        "cpus": cpus,
        "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0).round(),
        "kernel": kernel,
    })
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// p50 / p95 / p99 as text.
fn pcts(s: &Samples) -> String {
    format!(
        "{} / {} / {}",
        show(s.p50()),
        show(s.percentile(95.0)),
        show(s.percentile(99.0))
    )
}

/// "met" or "missed" for a target.
fn verdict(measured: Duration, target: Duration) -> &'static str {
    if measured <= target {
        "met"
    } else {
        "**missed**"
    }
}

/// `a / b` as a ratio for the report.
fn ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        return "-".into();
    }
    let r = a.as_secs_f64() / b.as_secs_f64();
    if r < 0.01 {
        format!("{r:.4} (1/{:.0})", 1.0 / r)
    } else if r < 1.0 {
        format!("{r:.3} (1/{:.1})", 1.0 / r)
    } else {
        format!("{r:.2}")
    }
}

/// Median wall time and median CPU time: `1.20 s (0.40 s CPU)`.
fn wall_cpu(r: &batch::Runs) -> String {
    format!("{} ({} CPU)", show(r.wall.p50()), show(r.cpu.p50()))
}

/// Ratios of the medians, wall and CPU: `0.031 (CPU 0.025)`.
fn ratios(ours: &batch::Runs, theirs: &batch::Runs) -> String {
    if theirs.is_empty() {
        return "-".into();
    }
    format!(
        "{} (CPU {})",
        ratio(ours.wall.p50(), theirs.wall.p50()),
        ratio(ours.cpu.p50(), theirs.cpu.p50())
    )
}

/// The verdict on "at least `times` faster" (median wall times) when `judge`, else nothing.
fn speedup_verdict(ours: &batch::Runs, theirs: &batch::Runs, times: f64, judge: bool) -> String {
    if !judge || theirs.is_empty() {
        return String::new();
    }
    let met = ours.wall.p50().as_secs_f64() * times <= theirs.wall.p50().as_secs_f64();
    format!(
        "; target over {times:.0}× faster: {}",
        if met { "met" } else { "**missed**" }
    )
}

fn run(o: &Options) -> Result<(String, Value), String> {
    let counts = Counts::new(o.quick);
    let launch = Launch {
        binary: o.server.clone(),
        stderr_log: o.stderr_log.clone(),
    };
    if !o.server.exists() {
        return Err(format!(
            "{} not found: build it with `cargo build --release -p iam-ls` or pass --server",
            o.server.display()
        ));
    }
    let scratch = Scratch::new()?;
    let data = make_inputs();
    let mut raw = json!({
        "mode": if o.quick { "quick" } else { "full" },
        "server": o.server.display().to_string(),
        "machine": machine(),
        "load_before": loadavg(),
    });
    let mut md = String::new();
    let mut editor_rows: Vec<String> = Vec::new();
    let mut memory_rows: Vec<String> = Vec::new();

    if o.wants("startup") {
        progress("start-up");
        let s = editor::startup(&launch, &data.small.text, counts.startups)?;
        raw["startup"] = json!({
            "runs": counts.startups,
            "initialize": s.initialize.json(),
            "first_diagnostics": s.first_diagnostics.json(),
            "after_initialize_kib": {"rss": s.after_initialize.rss_kib, "hwm": s.after_initialize.hwm_kib},
            "after_first_policy_kib": {"rss": s.after_first_policy.rss_kib, "hwm": s.after_first_policy.hwm_kib},
        });
        editor_rows.push(format!(
            "| Spawn → `initialize` response (p50, max of {}) | | {} (max {}) | | |",
            counts.startups,
            show(s.initialize.p50()),
            show(s.initialize.max())
        ));
        editor_rows.push(format!(
            "| Spawn → first diagnostics of a 10 KB policy (p50, max) | < 50 ms: {} | {} (max {}) | about 420 ms | {} |",
            verdict(s.first_diagnostics.p50(), Duration::from_millis(50)),
            show(s.first_diagnostics.p50()),
            show(s.first_diagnostics.max()),
            ratio(s.first_diagnostics.p50(), Duration::from_millis(420)),
        ));
        let rss = s.after_first_policy.rss_kib.max(s.after_initialize.rss_kib);
        memory_rows.push(format!(
            "| After start-up (initialized, no document) | < 40 MB: {} | {} | {} | |",
            if rss * 1024 < 40_000_000 {
                "met"
            } else {
                "**missed**"
            },
            show_kib(s.after_initialize.rss_kib),
            show_kib(s.after_initialize.hwm_kib)
        ));
        memory_rows.push(format!(
            "| After start-up and the first 10 KB policy | < 40 MB: {} | {} | {} | about 112 MB (peak) |",
            if s.after_first_policy.hwm_kib * 1024 < 40_000_000 { "met" } else { "**missed**" },
            show_kib(s.after_first_policy.rss_kib),
            show_kib(s.after_first_policy.hwm_kib)
        ));
    }

    if o.wants("typing") || o.wants("hover") {
        let (mut server, _) = launch.start()?;
        let text = &data.small.text;
        let uri = lsp::uri("policy-10k.json");
        if o.wants("typing") {
            let k = counts.typed_10k.min(text.len());
            progress(&format!("typing {k} keystrokes into the 10 KB policy"));
            let split = text.len() - k;
            let (s, cpu) = editor::typing(&mut server, &uri, &text[..split], &text[split..], "")?;
            editor::check_text(&mut server, &uri, text)?;
            raw["typing_10k"] = json!({"bytes": text.len(), "statements": data.small.statement_starts.len() - 1, "keystrokes": k, "latency": s.json(), "server_cpu_ms": ms(cpu)});
            editor_rows.push(format!(
                "| Keystroke → diagnostics, 10 KB policy ({} statements, {} keystrokes), p50 / p95 / p99 (server CPU per keystroke) | p99 < 5 ms: {} | {} ({}) | 67 / - / 132 ms | p99 {} |",
                data.small.statement_starts.len() - 1,
                k,
                verdict(s.percentile(99.0), Duration::from_millis(5)),
                pcts(&s),
                show(cpu / k.max(1) as u32),
                ratio(s.percentile(99.0), Duration::from_millis(132)),
            ));
        } else {
            server.open_and_wait(&uri, "json", text)?;
        }
        if o.wants("hover") {
            progress(&format!(
                "{} hovers, {} completions",
                counts.hovers, counts.completions
            ));
            let h = editor::hovers(&mut server, &uri, &data.small, counts.hovers, 1)?;
            let c = editor::completions(&mut server, &uri, &data.small, counts.completions, 2)?;
            let by_kind: serde_json::Map<String, Value> = h
                .by_kind
                .iter()
                .map(|(k, (n, empty))| (k.name().to_string(), json!({"hovers": n, "empty": empty})))
                .collect();
            let mut items = c.items.clone();
            items.sort_unstable();
            let median_items = items.get(items.len() / 2).copied().unwrap_or(0);
            raw["hover"] = json!({"latency": h.samples.json(), "by_kind": by_kind});
            raw["completion"] = json!({"latency": c.samples.json(), "median_items": median_items});
            editor_rows.push(format!(
                "| Hover, {} at random strings of the 10 KB policy, p50 / p95 / p99 | p50 < 0.5 ms: {} | {} | p50 0.64 ms | p50 {} |",
                h.samples.len(),
                verdict(h.samples.p50(), Duration::from_micros(500)),
                pcts(&h.samples),
                ratio(h.samples.p50(), Duration::from_micros(640)),
            ));
            editor_rows.push(format!(
                "| Completion, {} at actions and condition keys, p50 / p95 / p99 (median {} items) | p50 < 2 ms: {} | {} | | |",
                c.samples.len(),
                median_items,
                verdict(c.samples.p50(), Duration::from_millis(2)),
                pcts(&c.samples),
            ));
        }
        server.shutdown()?;

        if o.wants("typing") {
            let g = &data.large;
            // A block of whole statements from the middle, at least `typed_100k` bytes (or a
            // shorter slice of one in quick mode), typed back into place.
            let mid = g.statement_starts.len() / 2;
            let start = g.statement_starts[mid];
            let mut end = start + counts.typed_100k.min(g.text.len() - start);
            if !o.quick {
                end = g.statement_starts[mid..]
                    .iter()
                    .copied()
                    .find(|&s| s >= start + counts.typed_100k)
                    .unwrap_or(end);
            }
            progress(&format!(
                "typing {} keystrokes into the middle of the 100 KB policy",
                end - start
            ));
            let (mut server, _) = launch.start()?;
            let uri = lsp::uri("policy-100k.json");
            let (s, cpu) = editor::typing(
                &mut server,
                &uri,
                &g.text[..start],
                &g.text[start..end],
                &g.text[end..],
            )?;
            editor::check_text(&mut server, &uri, &g.text)?;
            server.shutdown()?;
            raw["typing_100k"] = json!({"bytes": g.text.len(), "statements": g.statement_starts.len() - 1, "keystrokes": end - start, "latency": s.json(), "server_cpu_ms": ms(cpu)});
            editor_rows.push(format!(
                "| Keystroke → diagnostics, 100 KB policy ({} statements; {} keystrokes in the middle), p50 / p95 / p99 (server CPU per keystroke) | p99 < 2 ms: {} | {} ({}) | | |",
                g.statement_starts.len() - 1,
                end - start,
                verdict(s.percentile(99.0), Duration::from_millis(2)),
                pcts(&s),
                show(cpu / (end - start).max(1) as u32),
            ));
        }
    }

    if o.wants("template") {
        let (text, at) = templates::template(3000);
        let typed = templates::TYPED;
        progress(&format!(
            "typing {} keystrokes into a {}-line CloudFormation template",
            typed.len(),
            text.lines().count()
        ));
        let (mut server, _) = launch.start()?;
        let (s, cpu) = templates::typing(&mut server, &text, at, typed)?;
        server.shutdown()?;
        raw["typing_template"] = json!({"bytes": text.len(), "lines": text.lines().count(), "keystrokes": typed.len(), "latency": s.json(), "server_cpu_ms": ms(cpu)});
        editor_rows.push(format!(
            "| Keystroke → diagnostics, {}-line CloudFormation template ({} keystrokes in one policy), p50 / p95 / p99 (server CPU per keystroke) | p99 < 5 ms: {} | {} ({}) | | |",
            text.lines().count(),
            typed.len(),
            verdict(s.percentile(99.0), Duration::from_millis(5)),
            pcts(&s),
            show(cpu / typed.len() as u32),
        ));
    }

    // The evaluation engine against the committed managed policies (bench/src/eval.rs).
    let mut eval_md = String::new();
    if o.wants("eval") {
        // Needs the corpus as the committed .lz4 (the default); a folder or none: skipped.
        if let Some(lz4) = o.corpus.as_ref().filter(|p| p.is_file()) {
            progress("evaluation engine: one request against every managed policy");
            let (table, figures) = eval::section(lz4, o.quick)?;
            eval_md = table;
            raw["eval"] = figures;
        }
    }

    // The corpus as a folder of .json files (extracted into the scratch folder when given as
    // the committed .lz4); in quick mode, an evenly spread subset of it.
    let corpus_dir: Option<PathBuf> = match &o.corpus {
        Some(path) if path.is_file() => {
            let dir = scratch.0.join("corpus");
            progress(&format!("extracting {}", path.display()));
            corpus::extract(path, &dir)?;
            Some(dir)
        }
        Some(dir) => Some(dir.clone()),
        None => None,
    };
    let corpus_dir = match (corpus_dir, o.quick) {
        (Some(dir), true) => {
            let files = editor::json_files(&dir)?;
            let subset = scratch.0.join("corpus-quick");
            std::fs::create_dir_all(&subset).map_err(|e| format!("{}: {e}", subset.display()))?;
            for f in files
                .iter()
                .step_by((files.len() / QUICK_CORPUS).max(1))
                .take(QUICK_CORPUS)
            {
                let to = subset.join(f.file_name().unwrap_or_default());
                std::fs::copy(f, &to).map_err(|e| format!("{}: {e}", to.display()))?;
            }
            Some(subset)
        }
        (dir, _) => dir,
    };
    let corpus_files = match &corpus_dir {
        Some(dir) => {
            let files = editor::json_files(dir)?;
            if files.is_empty() {
                return Err(format!("no .json files under {}", dir.display()));
            }
            Some(files)
        }
        None => None,
    };

    if o.wants("memory") {
        // Policies to open: spread over the corpus when there is one, else generated.
        let policies: Vec<(String, String)> = match &corpus_files {
            Some(files) => {
                let step = (files.len() / counts.policies).max(1);
                let picked: Vec<PathBuf> = files
                    .iter()
                    .step_by(step)
                    .take(counts.policies)
                    .cloned()
                    .collect();
                editor::read_all(&picked)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| (format!("open/{i}.json"), t))
                    .collect()
            }
            None => (0..counts.policies)
                .map(|i| {
                    (
                        format!("open/{i}.json"),
                        inputs::policy(500 + 97 * i, i as u64).text,
                    )
                })
                .collect(),
        };
        let mb = o.log_mb * 1_000_000;
        progress(&format!(
            "memory: {} policies, then a {} MB log",
            policies.len(),
            o.log_mb
        ));
        let m = editor::memory_and_log(&launch, &policies, mb, counts.log_hovers)?;
        raw["memory_and_log"] = json!({
            "idle_kib": {"rss": m.idle.rss_kib, "hwm": m.idle.hwm_kib},
            "policies": m.policies,
            "after_policies_kib": {"rss": m.after_policies.rss_kib, "hwm": m.after_policies.hwm_kib},
            "log_bytes": m.log_bytes,
            "log_open_ms": ms(m.log_open),
            "log_open_server_cpu_ms": ms(m.log_open_cpu),
            "after_log_kib": {"rss": m.after_log.rss_kib, "hwm": m.after_log.hwm_kib},
            "first_hover_ms": ms(m.first_hover),
            "denial_hovers": m.hovers.json(),
            "plain_hovers": m.plain_hovers.json(),
        });
        memory_rows.push(format!(
            "| After opening {} policies ({}) | | {} | {} | |",
            m.policies,
            if corpus_files.is_some() {
                "spread over the managed policy corpus"
            } else {
                "generated"
            },
            show_kib(m.after_policies.rss_kib),
            show_kib(m.after_policies.hwm_kib)
        ));
        memory_rows.push(format!(
            "| After also opening the {:.0} MB log | | {} | {} | |",
            m.log_bytes as f64 / 1e6,
            show_kib(m.after_log.rss_kib),
            show_kib(m.after_log.hwm_kib)
        ));
        let label = format!("{:.0} MB log", m.log_bytes as f64 / 1e6);
        let big = o.log_mb >= 100;
        editor_rows.push(format!(
            "| {label}: `didOpen` → diagnostics (server CPU meanwhile) | < 1 s{} | {} ({} CPU) | | |",
            if big {
                format!(": {}", verdict(m.log_open, Duration::from_secs(1)))
            } else {
                " (for 100 MB)".into()
            },
            show(m.log_open),
            show(m.log_open_cpu)
        ));
        editor_rows.push(format!(
            "| {label}: hover on AccessDenied lines in the middle, first / p50 / p99 ({}; judged on p50) | < 5 ms{} | {} / {} / {} | | |",
            m.hovers.len(),
            if big { format!(": {}", verdict(m.hovers.p50(), Duration::from_millis(5))) } else { String::new() },
            show(m.first_hover),
            show(m.hovers.p50()),
            show(m.hovers.percentile(99.0))
        ));
    }

    if o.wants("large") {
        // About 2 MB (quick: 200 KB), under the 2 MiB parse limit.
        let statements = if o.quick { 1_800 } else { 18_000 };
        progress(&format!("a minified policy of {statements} statements"));
        let l = large::run(&launch, statements, if o.quick { 2 } else { 5 })?;
        raw["large_minified"] = large::json(&l);
        editor_rows.extend(large::rows(&l));
    }

    if o.wants("corpus")
        && let Some(files) = &corpus_files
    {
        let n = counts.corpus_open.min(files.len());
        progress(&format!("opening {n} corpus policies one after another"));
        let c = editor::corpus_open(&launch, &files[..n])?;
        raw["corpus_open"] = json!({
            "policies": c.policies,
            "total_ms": ms(c.total),
            "per_policy": c.per_policy.json(),
            "diagnostics_by_severity": {"error": c.by_severity[1], "warning": c.by_severity[2], "information": c.by_severity[3], "hint": c.by_severity[4]},
            "rss_kib": c.memory.rss_kib,
            "hwm_kib": c.memory.hwm_kib,
        });
        editor_rows.push(format!(
            "| {} managed policies opened one after another (each waits for its diagnostics; p50 / p99 per policy) | | {} ({} / {}) | 85 s | {} |",
            c.policies,
            show(c.total),
            show(c.per_policy.p50()),
            show(c.per_policy.percentile(99.0)),
            if c.policies == 1594 { ratio(c.total, Duration::from_secs(85)) } else { "-".into() },
        ));
        memory_rows.push(format!(
            "| After opening all {} corpus policies (all open) | | {} | {} | |",
            c.policies,
            show_kib(c.memory.rss_kib),
            show_kib(c.memory.hwm_kib)
        ));
    }

    let mut cli_md = String::new();
    if o.wants("cli") {
        let peers = match &o.venv {
            Some(v) => Some(Peers::from_venv(v)?),
            None => None,
        };
        if let Some(p) = &peers {
            raw["peers"] = json!(p.versions());
        }
        // The inputs: the corpus (or, without one, generated policies in a scratch folder).
        let generated = scratch.0.join("generated");
        let dir = corpus_dir.clone().unwrap_or_else(|| generated.clone());
        let files: Vec<PathBuf> = match &corpus_files {
            Some(f) => f.clone(),
            None => {
                std::fs::create_dir_all(&generated).map_err(|e| e.to_string())?;
                (0..20)
                    .map(|i| {
                        let p = generated.join(format!("p{i:02}.json"));
                        write(&p, &inputs::policy(400 + 300 * i, 1000 + i as u64).text).map(|()| p)
                    })
                    .collect::<Result<_, _>>()?
            }
        };
        let templates = if peers.is_some() {
            progress("wrapping the policies in CloudFormation templates for cfn-lint");
            batch::wrap_templates(&files, &scratch.0.join("templates"))?
        } else {
            files.clone()
        };
        let list = scratch.0.join("files.txt");
        batch::write_list(&files, &list)?;
        let corpus_name = match (corpus_files.is_some(), o.quick) {
            (true, false) => "managed policy corpus",
            (true, true) => "managed policy corpus, quick subset",
            (false, _) => "generated policies",
        };
        let full_corpus = corpus_files.is_some() && !o.quick;
        progress(&format!(
            "{corpus_name}: {} files, {} interleaved rounds",
            files.len(),
            o.rounds
        ));
        // cfn-lint takes minutes over the corpus: once, in the first round.
        let c = batch::corpus(
            &o.server,
            peers.as_ref(),
            &dir,
            &files,
            &templates,
            &list,
            o.rounds,
            o.rounds,
        )?;
        let per_second = |d: Duration| c.files as f64 / d.as_secs_f64().max(1e-9);
        raw["cli_corpus"] = json!({
            "files": c.files, "bytes": c.bytes, "rounds": o.rounds,
            "iam_ls": c.iam_ls.json(), "iam_ls_findings": c.iam_ls_findings,
            "iam_ls_policies_per_second": per_second(c.iam_ls.wall.p50()),
            "parliament_lib": c.parliament.json(),
            "parliament_lib_import_ms": ms(c.parliament_last.import),
            "parliament_lib_analyze_ms": ms(c.parliament_last.analyze),
            "parliament_lib_findings": c.parliament_last.findings,
            "parliament_lib_crashes": c.parliament_last.crashes,
            "parliament_lib_crashed": c.parliament_last.crashed,
            "cfn_lint": c.cfn_lint.json(), "cfn_lint_findings": c.cfn_lint_findings,
        });
        let _ = writeln!(
            cli_md,
            "| Input | iam-ls: wall (CPU) | Peer | Peer: wall (CPU) | iam-ls / peer: wall (CPU) |"
        );
        let _ = writeln!(cli_md, "| --- | --- | --- | --- | --- |");
        let iam = c.iam_ls.wall.p50();
        let target = if full_corpus {
            format!(
                "; target < 0.5 s: {}",
                verdict(iam, Duration::from_millis(500))
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            cli_md,
            "| {corpus_name} ({} files, {:.1} MB), `iam-ls check DIR`, one process, median of {} | {}{target}; {:.0} policies/s; {} findings | {} | {} | {}{} |",
            c.files,
            c.bytes as f64 / 1e6,
            c.iam_ls.len(),
            wall_cpu(&c.iam_ls),
            per_second(iam),
            c.iam_ls_findings,
            if peers.is_some() {
                "parliament, library, one process"
            } else {
                "(no peers)"
            },
            if c.parliament.is_empty() {
                "-".into()
            } else {
                format!(
                    "{}; in-process {} import + {} analysis; {} findings, {} crashes",
                    wall_cpu(&c.parliament),
                    show(c.parliament_last.import),
                    show(c.parliament_last.analyze),
                    c.parliament_last.findings,
                    c.parliament_last.crashes
                )
            },
            ratios(&c.iam_ls, &c.parliament),
            speedup_verdict(&c.iam_ls, &c.parliament, 10.0, full_corpus),
        );
        if !c.cfn_lint.is_empty() {
            let _ = writeln!(
                cli_md,
                "| same policies, each wrapped in a template | | cfn-lint, one process over all templates, {} run | {}; {} findings | {} |",
                c.cfn_lint.len(),
                wall_cpu(&c.cfn_lint),
                c.cfn_lint_findings,
                ratios(&c.iam_ls, &c.cfn_lint),
            );
        }

        // One process per file, over an evenly spread sample.
        let n = o.sample.min(files.len());
        if let Some(step) = files.len().checked_div(n) {
            let sample: Vec<(PathBuf, PathBuf)> = (0..n)
                .map(|i| (files[i * step].clone(), templates[i * step].clone()))
                .collect();
            progress(&format!("one process per file over {n} files"));
            let p = batch::per_file(&o.server, peers.as_ref(), &sample, 5)?;
            raw["cli_per_file"] = json!({
                "files": p.files,
                "iam_ls": p.iam_ls.json(),
                "parliament_cli": p.parliament.json(),
                "parliament_cli_crashes": p.parliament_crashes,
                "cfn_lint": p.cfn_lint.json(),
            });
            // The sum over the whole corpus at the sample's mean rate.
            let whole = |s: &Samples| {
                Duration::from_secs_f64(
                    s.total().as_secs_f64() / s.len().max(1) as f64 * files.len() as f64,
                )
            };
            let _ = writeln!(
                cli_md,
                "| one process per file, {n} files spread over the {corpus_name}, p50 per file | {} | {} | {} | {} |",
                wall_cpu(&p.iam_ls),
                if peers.is_some() {
                    "`parliament --json < file`"
                } else {
                    "(no peers)"
                },
                if p.parliament.is_empty() {
                    "-".into()
                } else {
                    format!(
                        "{}; {} crashes",
                        wall_cpu(&p.parliament),
                        p.parliament_crashes
                    )
                },
                ratios(&p.iam_ls, &p.parliament),
            );
            if !p.cfn_lint.is_empty() {
                let _ = writeln!(
                    cli_md,
                    "| same, wrapped in templates, every 5th file ({} runs) | | `cfn-lint template.json` | {} | {} |",
                    p.cfn_lint.len(),
                    wall_cpu(&p.cfn_lint),
                    ratios(&p.iam_ls, &p.cfn_lint),
                );
            }
            if !p.parliament.is_empty() {
                let mut theirs = batch::Runs::default();
                theirs.push(batch::Timing {
                    wall: whole(&p.parliament.wall),
                    cpu: whole(&p.parliament.cpu),
                });
                let _ = writeln!(
                    cli_md,
                    "| the {corpus_name}: iam-ls in one process vs parliament's CLI once per file (its sum at the sample's mean rate) | {} | `parliament --json < file` × {} | {} | {}{} |",
                    wall_cpu(&c.iam_ls),
                    files.len(),
                    wall_cpu(&theirs),
                    ratios(&c.iam_ls, &theirs),
                    speedup_verdict(&c.iam_ls, &theirs, 1000.0, full_corpus),
                );
            }
        }

        // The two generated policies as single files.
        let single = [("10 KB", &data.small), ("100 KB", &data.large)];
        let mut singles = serde_json::Map::new();
        for (label, g) in single {
            let tag = label.replace(' ', "");
            let path = scratch.0.join(format!("policy-{tag}.json"));
            write(&path, &g.text)?;
            let template = batch::wrap_templates(
                std::slice::from_ref(&path),
                &scratch.0.join(format!("t-{tag}")),
            )?;
            let list = scratch.0.join(format!("list-{tag}.txt"));
            batch::write_list(std::slice::from_ref(&path), &list)?;
            let (mut iam, mut parl_cli, mut parl_lib, mut cfn) = (
                batch::Runs::default(),
                batch::Runs::default(),
                batch::Runs::default(),
                batch::Runs::default(),
            );
            for _ in 0..counts.single_rounds {
                iam.push(batch::iam_ls_check(&o.server, std::slice::from_ref(&path), 1)?.0);
                if let Some(peers) = &peers {
                    parl_cli.push(batch::parliament_cli(peers, &path)?.0);
                    parl_lib.push(batch::parliament_lib(peers, &list, 1)?.time);
                    cfn.push(batch::cfn_lint(peers, &template)?.0);
                }
            }
            singles.insert(
                label.into(),
                json!({"iam_ls": iam.json(), "parliament_cli": parl_cli.json(), "parliament_lib": parl_lib.json(), "cfn_lint": cfn.json()}),
            );
            let statements = g.statement_starts.len() - 1;
            for (peer, s) in [
                ("`parliament --json < file`", &parl_cli),
                ("parliament, library, one process", &parl_lib),
                ("cfn-lint, wrapped in a template", &cfn),
            ] {
                if s.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    cli_md,
                    "| the generated {label} policy ({statements} statements), `iam-ls check FILE`, median of {} | {} | {peer} | {} | {} |",
                    iam.len(),
                    wall_cpu(&iam),
                    wall_cpu(s),
                    ratios(&iam, s),
                );
            }
            if peers.is_none() {
                let _ = writeln!(
                    cli_md,
                    "| the generated {label} policy ({statements} statements), median of {} | {} | (no peers) | - | - |",
                    iam.len(),
                    wall_cpu(&iam)
                );
            }
        }
        raw["cli_single"] = Value::Object(singles);
    }

    raw["load_after"] = json!(loadavg());
    let _ = writeln!(
        md,
        "Mode: {}. Server: `{}`. Load average (1/5/15 min) before: {}, after: {}. Machine: {}.\n",
        raw["mode"].as_str().unwrap_or(""),
        raw["server"].as_str().unwrap_or(""),
        raw["load_before"].as_str().unwrap_or(""),
        raw["load_after"].as_str().unwrap_or(""),
        describe_machine(&raw["machine"]),
    );
    if let Some(p) = raw.get("peers").and_then(Value::as_str) {
        let _ = writeln!(md, "Peers: {p}.\n");
    }
    if !editor_rows.is_empty() {
        let _ = writeln!(
            md,
            "| Editor scenario | Target | iam-ls | TypeScript server (quoted) | iam-ls / TS |"
        );
        let _ = writeln!(md, "| --- | --- | --- | --- | --- |");
        for r in &editor_rows {
            let _ = writeln!(md, "{r}");
        }
        md.push('\n');
    }
    if !memory_rows.is_empty() {
        let _ = writeln!(
            md,
            "| Server memory | Target | VmRSS | VmHWM (peak) | TypeScript server (quoted) |"
        );
        let _ = writeln!(md, "| --- | --- | --- | --- | --- |");
        for r in &memory_rows {
            let _ = writeln!(md, "{r}");
        }
        md.push('\n');
    }
    if !cli_md.is_empty() {
        md.push_str(&cli_md);
    }
    md.push_str(&eval_md);
    Ok((md, raw))
}

fn describe_machine(m: &Value) -> String {
    format!(
        "{} × {}, {} GiB, Linux {}",
        m["cpus"],
        m["cpu"].as_str().unwrap_or("?"),
        m["memory_gib"],
        m["kernel"].as_str().unwrap_or("?")
    )
}

fn write_inputs(dir: &Path, corpus: Option<&Path>) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if let Some(lz4) = corpus.filter(|p| p.is_file()) {
        corpus::extract(lz4, &dir.join("corpus"))?;
    }
    let i = make_inputs();
    write(&dir.join("policy-10k.json"), &i.small.text)?;
    write(&dir.join("policy-100k.json"), &i.large.text)?;
    write(&dir.join("app-5mb.log"), &inputs::log(5_000_000, 11).0)?;
    write(&dir.join("app-100mb.log"), &inputs::log(100_000_000, 11).0)?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = size::run_if_requested(&args) {
        return code;
    }
    let options = match Options::parse(&args) {
        Ok(o) => o,
        Err(msg) => {
            if msg.is_empty() {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprint!("iam-ls-bench: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &options.write_inputs {
        return match write_inputs(dir, options.corpus.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("iam-ls-bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let started = Instant::now();
    match run(&options) {
        Ok((md, raw)) => {
            print!("{md}");
            if let Some(path) = &options.json
                && let Err(e) =
                    std::fs::write(path, serde_json::to_string_pretty(&raw).unwrap_or_default())
            {
                eprintln!("iam-ls-bench: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            progress(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("iam-ls-bench: harness error: {e}");
            ExitCode::FAILURE
        }
    }
}
