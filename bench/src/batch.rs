//! Batch checking: `iam-ls check` over many policies, and the peers (parliament, cfn-lint) on
//! the same inputs, interleaved so that machine noise hits every tool alike.
//!
//! Each timing is the wall time of one process, from spawn to exit, start-up included, as a CI
//! job sees it. Every run's output is checked (iam-ls: the JSON report names every file;
//! parliament's library: the script's summary; parliament's CLI: JSON or a recorded crash;
//! cfn-lint: JSON), so a tool that silently did nothing is a harness error, not a fast figure.

use crate::lsp::Error;
use crate::stats::Samples;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The peer tools, from the virtualenv `scripts/bench-peers.sh` made.
#[derive(Clone, Debug)]
pub struct Peers {
    /// The virtualenv's `python`.
    pub python: PathBuf,
    /// The `parliament` entry point.
    pub parliament: PathBuf,
    /// The `cfn-lint` entry point.
    pub cfn_lint: PathBuf,
}

impl Peers {
    /// The tools of the virtualenv at `venv` (`bin/python`, `bin/parliament`, `bin/cfn-lint`).
    pub fn from_venv(venv: &Path) -> Result<Self, Error> {
        let bin = venv.join("bin");
        let peers = Peers {
            python: bin.join("python"),
            parliament: bin.join("parliament"),
            cfn_lint: bin.join("cfn-lint"),
        };
        for p in [&peers.python, &peers.parliament, &peers.cfn_lint] {
            if !p.exists() {
                return Err(format!(
                    "{} is missing (run scripts/bench-peers.sh)",
                    p.display()
                ));
            }
        }
        Ok(peers)
    }

    /// Versions of the peer packages, for the report.
    pub fn versions(&self) -> String {
        let out = Command::new(&self.python)
            .args([
                "-c",
                "import importlib.metadata as m; print('parliament', m.version('parliament') + ',', 'cfn-lint', m.version('cfn-lint') + ',', 'Python', __import__('platform').python_version())",
            ])
            .output();
        match out {
            Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            Err(e) => format!("unknown ({e})"),
        }
    }
}

/// parliament's library over a list of files in one process: imports parliament, analyses
/// each policy with `analyze_policy_string` (its defaults, as the CLI uses), counts findings
/// and crashes, and prints a JSON summary with its own in-process timings.
const PARLIAMENT_LIB: &str = r#"
import json, sys, time
t0 = time.perf_counter()
from parliament import analyze_policy_string
t1 = time.perf_counter()
files = [p for p in open(sys.argv[1]).read().split("\n") if p]
findings = 0
crashed = []
for path in files:
    with open(path) as f:
        text = f.read()
    try:
        findings += len(analyze_policy_string(text).findings)
    except Exception as e:
        crashed.append(path.rsplit("/", 1)[-1] + ": " + type(e).__name__)
t2 = time.perf_counter()
print(json.dumps({"files": len(files), "findings": findings, "crashes": len(crashed),
                  "crashed": crashed, "import_s": t1 - t0, "analyze_s": t2 - t1}))
"#;

/// CPU time (user + system) of every child this process has waited for so far.
pub fn children_cpu() -> Duration {
    crate::lsp::cpu_time("self", true).unwrap_or_default()
}

/// Runs a command to completion, timing it; stdin from `input` (a file) or empty.
fn run(cmd: &mut Command, input: Option<&Path>) -> Result<(Output, Timing), Error> {
    let stdin = match input {
        Some(path) => {
            Stdio::from(std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => Stdio::null(),
    };
    let cpu_before = children_cpu();
    let start = Instant::now();
    let out = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let wall = start.elapsed();
    let cpu = children_cpu().saturating_sub(cpu_before);
    Ok((out, Timing { wall, cpu }))
}

/// Wall time and CPU time (user + system, 10 ms resolution) of one process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timing {
    /// Spawn to exit.
    pub wall: Duration,
    /// CPU time the process used, which a busy machine disturbs much less than wall time.
    pub cpu: Duration,
}

/// Wall and CPU samples of repeated runs.
#[derive(Clone, Debug, Default)]
pub struct Runs {
    /// Wall times.
    pub wall: Samples,
    /// CPU times.
    pub cpu: Samples,
}

impl Runs {
    /// Adds one run.
    pub fn push(&mut self, t: Timing) {
        self.wall.push(t.wall);
        self.cpu.push(t.cpu);
    }

    /// How many runs.
    pub fn len(&self) -> usize {
        self.wall.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.wall.is_empty()
    }

    /// Both sets as JSON.
    pub fn json(&self) -> Value {
        serde_json::json!({"wall": self.wall.json(), "cpu": self.cpu.json()})
    }
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join("\n")
}

/// One `iam-ls check --format json` run over `paths`; checks the exit status (0 or 1) and
/// that the report counts `expected` checked files. Returns the time and the number of
/// findings.
pub fn iam_ls_check(
    binary: &Path,
    paths: &[PathBuf],
    expected: usize,
) -> Result<(Timing, u64), Error> {
    let mut cmd = Command::new(binary);
    cmd.args(["check", "--format", "json", "--color", "never", "--"])
        .args(paths);
    let (out, took) = run(&mut cmd, None)?;
    let code = out.status.code();
    if !matches!(code, Some(0 | 1)) {
        return Err(format!(
            "iam-ls check exited with {:?}: {}",
            code,
            tail(&out.stderr)
        ));
    }
    let report: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("iam-ls check printed no JSON report: {e}"))?;
    let checked = report["summary"]["files_checked"].as_u64();
    if checked != Some(expected as u64) {
        return Err(format!(
            "iam-ls check reported {checked:?} files checked, expected {expected} (skipped: {}, errors: {})",
            report["summary"]["files_skipped"], report["summary"]["errors"]
        ));
    }
    Ok((took, report["summary"]["findings"].as_u64().unwrap_or(0)))
}

/// What parliament's library run reported.
#[derive(Clone, Debug, Default)]
pub struct LibRun {
    /// Wall and CPU time of the process.
    pub time: Timing,
    /// Time spent importing parliament (inside the process).
    pub import: Duration,
    /// Time spent analysing (inside the process).
    pub analyze: Duration,
    /// Findings in all.
    pub findings: u64,
    /// Policies on which it raised an exception.
    pub crashes: u64,
    /// Their file names and the exception's type.
    pub crashed: Vec<String>,
}

/// parliament's library over `list` (a file with one path per line) in one process.
pub fn parliament_lib(peers: &Peers, list: &Path, expected: usize) -> Result<LibRun, Error> {
    let mut cmd = Command::new(&peers.python);
    cmd.arg("-c").arg(PARLIAMENT_LIB).arg(list);
    let (out, time) = run(&mut cmd, None)?;
    if !out.status.success() {
        return Err(format!(
            "parliament (library) failed: {}",
            tail(&out.stderr)
        ));
    }
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("parliament (library) printed no summary: {e}"))?;
    if v["files"].as_u64() != Some(expected as u64) {
        return Err(format!(
            "parliament (library) saw {} files, expected {expected}",
            v["files"]
        ));
    }
    let secs = |k: &str| Duration::from_secs_f64(v[k].as_f64().unwrap_or(0.0).max(0.0));
    Ok(LibRun {
        time,
        import: secs("import_s"),
        analyze: secs("analyze_s"),
        findings: v["findings"].as_u64().unwrap_or(0),
        crashes: v["crashes"].as_u64().unwrap_or(0),
        crashed: v["crashed"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Outcome of one peer CLI run on one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CliOutcome {
    /// It ran and printed its report.
    Ran,
    /// It crashed (a Python traceback) on this input.
    Crashed,
}

/// `parliament --json < file`: the way CI users run it (its `--file` wants a terminal).
pub fn parliament_cli(peers: &Peers, file: &Path) -> Result<(Timing, CliOutcome), Error> {
    let mut cmd = Command::new(&peers.parliament);
    cmd.arg("--json");
    let (out, took) = run(&mut cmd, Some(file))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("Traceback") {
        return Ok((took, CliOutcome::Crashed));
    }
    // One JSON object per finding, one per line; no output means no findings.
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if !line.trim().is_empty() && serde_json::from_str::<Value>(line).is_err() {
            return Err(format!(
                "parliament printed something other than JSON on {}: {line}",
                file.display()
            ));
        }
    }
    Ok((took, CliOutcome::Ran))
}

/// `cfn-lint --format json` over templates (one process for all of them).
pub fn cfn_lint(peers: &Peers, templates: &[PathBuf]) -> Result<(Timing, u64), Error> {
    let mut cmd = Command::new(&peers.cfn_lint);
    cmd.args(["--format", "json", "--"]).args(templates);
    let (out, took) = run(&mut cmd, None)?;
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "cfn-lint (exit {:?}) printed no JSON: {e}: {}",
            out.status.code(),
            tail(&out.stderr)
        )
    })?;
    Ok((took, v.as_array().map_or(0, |a| a.len() as u64)))
}

/// Wraps each policy in a CloudFormation template (one `AWS::IAM::ManagedPolicy` whose
/// `PolicyDocument` is the policy text, byte for byte) under `dir`, so cfn-lint checks it.
pub fn wrap_templates(files: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        let policy = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let path = dir.join(format!("t{i:05}.json"));
        let mut file =
            std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        write!(
            file,
            "{{\n\"AWSTemplateFormatVersion\": \"2010-09-09\",\n\"Resources\": {{\n\"Policy\": {{\n\"Type\": \"AWS::IAM::ManagedPolicy\",\n\"Properties\": {{\n\"PolicyDocument\": {}\n}}\n}}\n}}\n}}\n",
            policy.trim()
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        out.push(path);
    }
    Ok(out)
}

/// Writes the paths, one per line, to `list`.
pub fn write_list(files: &[PathBuf], list: &Path) -> Result<(), Error> {
    let text: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    std::fs::write(list, text).map_err(|e| format!("{}: {e}", list.display()))
}

/// Per-file runs over a sample: each tool as one process per file, interleaved file by file.
#[derive(Debug, Default)]
pub struct PerFile {
    /// Files in the sample.
    pub files: usize,
    /// `iam-ls check FILE`.
    pub iam_ls: Runs,
    /// `parliament --json < FILE`.
    pub parliament: Runs,
    /// Files parliament crashed on.
    pub parliament_crashes: usize,
    /// `cfn-lint TEMPLATE` (the file wrapped in a template), on every few files only.
    pub cfn_lint: Runs,
}

/// Runs every tool once per file of `sample` (with its template), interleaved; cfn-lint, which
/// takes seconds per process, only on every `cfn_every`-th file.
pub fn per_file(
    binary: &Path,
    peers: Option<&Peers>,
    sample: &[(PathBuf, PathBuf)],
    cfn_every: usize,
) -> Result<PerFile, Error> {
    let mut out = PerFile {
        files: sample.len(),
        ..PerFile::default()
    };
    for (i, (file, template)) in sample.iter().enumerate() {
        let (t, _) = iam_ls_check(binary, std::slice::from_ref(file), 1)?;
        out.iam_ls.push(t);
        if let Some(peers) = peers {
            let (t, outcome) = parliament_cli(peers, file)?;
            out.parliament.push(t);
            if outcome == CliOutcome::Crashed {
                out.parliament_crashes += 1;
            }
            if i % cfn_every.max(1) == 0 {
                let (t, _) = cfn_lint(peers, std::slice::from_ref(template))?;
                out.cfn_lint.push(t);
            }
        }
    }
    Ok(out)
}

/// Whole-corpus runs, one process per tool, interleaved round by round.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Policies.
    pub files: usize,
    /// Bytes of policy text.
    pub bytes: u64,
    /// `iam-ls check DIR`.
    pub iam_ls: Runs,
    /// iam-ls findings (last run).
    pub iam_ls_findings: u64,
    /// parliament's library, one process.
    pub parliament: Runs,
    /// The last library run's details.
    pub parliament_last: LibRun,
    /// cfn-lint over all templates, one process.
    pub cfn_lint: Runs,
    /// cfn-lint findings (last run).
    pub cfn_lint_findings: u64,
}

/// `rounds` rounds of: `iam-ls check DIR` (the folder holding `files`), parliament's library
/// over `files` (listed in `list`), cfn-lint over `templates` (every `cfn_every`-th round only,
/// as it is slow; never when zero).
#[allow(clippy::too_many_arguments)]
pub fn corpus(
    binary: &Path,
    peers: Option<&Peers>,
    dir: &Path,
    files: &[PathBuf],
    templates: &[PathBuf],
    list: &Path,
    rounds: usize,
    cfn_every: usize,
) -> Result<Corpus, Error> {
    let mut out = Corpus {
        files: files.len(),
        bytes: files
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum(),
        ..Corpus::default()
    };
    for round in 0..rounds {
        let (t, findings) = iam_ls_check(binary, &[dir.to_path_buf()], files.len())?;
        out.iam_ls.push(t);
        out.iam_ls_findings = findings;
        if let Some(peers) = peers {
            let lib = parliament_lib(peers, list, files.len())?;
            out.parliament.push(lib.time);
            out.parliament_last = lib;
            if cfn_every > 0 && round % cfn_every == 0 {
                let (t, findings) = cfn_lint(peers, templates)?;
                out.cfn_lint.push(t);
                out.cfn_lint_findings = findings;
            }
        }
    }
    Ok(out)
}
