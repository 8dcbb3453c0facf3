//! The evaluation engine's speed (issue 18): one request decided against every AWS managed policy
//! of the committed corpus attached as identity policies, and statement evaluations per second.
//!
//! The engine has no protocol to drive, so this is the one scenario that links the `iam_ls`
//! library (built without the AWS feature) and times `eval::evaluate` in process, on one thread.
//! The oracle (`@cloud-copilot/iam-simulate`, installed in `tests/oracle/` by `npm ci`) is timed
//! out of process through `tests/oracle/driver.mjs`: one node process answering K copies of the
//! requests, minus one answering none (node's start-up), divided by K. When node or the package is
//! missing the report says "not installed".

use crate::stats::Samples;
use iam_ls::eval::{Context, Decision, EvalPolicy, PolicySet, Request, evaluate};
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The principal of every request.
const PRINCIPAL: &str = "arn:aws:sts::111122223333:assumed-role/app/session";
/// The account of the resources.
const ACCOUNT: &str = "111122223333";

/// The requests, cycled: `(action, resource)`.
const REQUESTS: &[(&str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::bucket/key"),
    (
        "ec2:RunInstances",
        "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
    ),
    ("iam:PassRole", "arn:aws:iam::111122223333:role/app"),
    (
        "dynamodb:GetItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
    ),
];

/// The context keys of every request.
const CONTEXT: &[(&str, &str)] = &[
    ("aws:RequestedRegion", "eu-west-1"),
    ("aws:SourceIp", "203.0.113.7"),
    ("aws:PrincipalTag/team", "red"),
];

/// What the scenario measured.
pub struct Figures {
    /// Policies parsed from the corpus (those the engine could read).
    pub policies: usize,
    /// Their statements.
    pub statements: usize,
    /// One `evaluate` call each.
    pub latency: Samples,
    /// The same calls by request (in the order of `REQUESTS`).
    pub by_request: Vec<Samples>,
    /// Statement reports produced per second of evaluation.
    pub statements_per_second: f64,
    /// The decision for each request.
    pub decisions: Vec<Decision>,
    /// The oracle's figures, or why there are none.
    pub oracle: Result<Oracle, String>,
}

/// The oracle's time per request, out of process.
pub struct Oracle {
    /// Mean time per request after node's start-up, over `requests` requests.
    pub per_request: Duration,
    /// Node's start-up and the driver's import (an empty batch).
    pub startup: Duration,
    /// Requests timed.
    pub requests: usize,
    /// How many of the oracle's decisions equal iam-ls's (per request of `REQUESTS`).
    pub agreeing: usize,
    /// Requests the oracle refused.
    pub refused: usize,
    /// The oracle's answer to each of `REQUESTS` (a decision, or the start of its refusal).
    pub answers: Vec<String>,
}

fn request(action: &str, resource: &str) -> Request {
    let mut context = Context::new();
    for (k, v) in CONTEXT {
        context.insert(k, *v);
    }
    Request {
        principal: Some(PRINCIPAL.into()),
        action: action.into(),
        resource: resource.into(),
        resource_account: Some(ACCOUNT.into()),
        context,
    }
}

/// Runs the scenario for about `budget` of evaluation; `with_oracle` also times the oracle.
pub fn run(
    records: &[(&str, &str)],
    budget: Duration,
    with_oracle: bool,
) -> Result<Figures, String> {
    let policies: Vec<EvalPolicy> = records
        .iter()
        .filter_map(|(name, doc)| EvalPolicy::parse(*name, doc).ok())
        .collect();
    if policies.is_empty() {
        return Err("no policy of the corpus could be read by the engine".into());
    }
    let statements = policies.iter().map(|p| p.statements.len()).sum();
    let set = PolicySet {
        identity: policies,
        ..PolicySet::default()
    };
    let requests: Vec<Request> = REQUESTS.iter().map(|(a, r)| request(a, r)).collect();
    let decisions: Vec<Decision> = requests
        .iter()
        .map(|r| evaluate(r, &set).decision)
        .collect();
    let mut latency = Samples::new();
    let mut by_request = vec![Samples::new(); requests.len()];
    let mut evaluated = 0usize;
    let mut busy = Duration::ZERO;
    while busy < budget {
        for (r, samples) in requests.iter().zip(&mut by_request) {
            let t = Instant::now();
            let e = std::hint::black_box(evaluate(r, &set));
            let took = t.elapsed();
            busy += took;
            latency.push(took);
            samples.push(took);
            evaluated += e.policies.iter().map(|p| p.statements.len()).sum::<usize>();
        }
    }
    let oracle = if with_oracle {
        oracle(records, &decisions)
    } else {
        Err("not run (quick mode)".into())
    };
    Ok(Figures {
        policies: set.identity.len(),
        statements,
        latency,
        by_request,
        statements_per_second: evaluated as f64 / busy.as_secs_f64(),
        decisions,
        oracle,
    })
}

/// Where the oracle is installed.
fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("tests")
        .join("oracle")
}

/// One node process answering `sims`; its wall time and answers.
fn run_driver(dir: &Path, sims: &Value) -> Result<(Duration, Vec<Value>), String> {
    let input = serde_json::to_vec(sims).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = Command::new("node")
        .arg("driver.mjs")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("not installed (node: {e})"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    // Written from a thread: node answers only after reading everything, but a large input could
    // fill the pipe while we would be waiting on its output.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let took = started.elapsed();
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "the oracle failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
        ));
    }
    let answers: Vec<Value> =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("the oracle's answer: {e}"))?;
    Ok((took, answers))
}

fn oracle_name(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "Allowed",
        Decision::ExplicitDeny => "ExplicitlyDenied",
        Decision::ImplicitDeny => "ImplicitlyDenied",
    }
}

/// The oracle's time per request against the same policies (those that are JSON).
fn oracle(records: &[(&str, &str)], ours: &[Decision]) -> Result<Oracle, String> {
    let dir = oracle_dir();
    if !dir
        .join("node_modules/@cloud-copilot/iam-simulate")
        .is_dir()
    {
        return Err("not installed (run `npm ci` in tests/oracle)".into());
    }
    let identity: Vec<Value> = records
        .iter()
        .filter_map(|(name, doc)| {
            serde_json::from_str::<Value>(doc)
                .ok()
                .map(|p| json!({"name": name, "policy": p}))
        })
        .collect();
    let context: serde_json::Map<String, Value> = CONTEXT
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let sims: Vec<Value> = REQUESTS
        .iter()
        .map(|(action, resource)| {
            json!({
                "request": {
                    "principal": PRINCIPAL,
                    "action": action,
                    "resource": {"resource": resource, "accountId": ACCOUNT},
                    "contextVariables": context,
                },
                "identityPolicies": identity,
                "serviceControlPolicies": [],
                "resourceControlPolicies": [],
                "resourcePolicy": null,
                "permissionBoundaryPolicies": [],
                "vpcEndpointPolicies": [],
            })
        })
        .collect();
    const COPIES: usize = 5;
    let batch: Vec<Value> = (0..COPIES).flat_map(|_| sims.iter().cloned()).collect();
    let mut startup = Duration::MAX;
    for _ in 0..3 {
        startup = startup.min(run_driver(&dir, &json!([]))?.0);
    }
    let mut best = Duration::MAX;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let (took, a) = run_driver(&dir, &json!(batch))?;
        best = best.min(took);
        answers = a;
    }
    let refused = answers.iter().filter(|a| a.get("error").is_some()).count();
    let agreeing = ours
        .iter()
        .zip(&answers)
        .filter(|(d, a)| a["decision"] == oracle_name(**d))
        .count();
    Ok(Oracle {
        per_request: best.saturating_sub(startup) / batch.len() as u32,
        startup,
        requests: batch.len(),
        agreeing,
        refused,
        answers: answers
            .iter()
            .take(REQUESTS.len())
            .map(|a| match a["decision"].as_str() {
                Some(d) => d.to_string(),
                None => format!(
                    "refused: {}",
                    a["error"]
                        .as_str()
                        .unwrap_or("?")
                        .chars()
                        .take(120)
                        .collect::<String>()
                ),
            })
            .collect(),
    })
}

impl Figures {
    /// The raw figures.
    pub fn json(&self) -> Value {
        json!({
            "policies": self.policies,
            "statements": self.statements,
            "latency": self.latency.json(),
            "by_request": REQUESTS
                .iter()
                .zip(&self.by_request)
                .zip(&self.decisions)
                .map(|(((a, r), s), d)| json!({"action": a, "resource": r, "decision": d.as_str(), "latency": s.json()}))
                .collect::<Vec<_>>(),
            "statement_evaluations_per_second": self.statements_per_second.round(),
            "decisions": self.decisions.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
            "oracle": match &self.oracle {
                Ok(o) => json!({
                    "per_request_ms": o.per_request.as_secs_f64() * 1e3,
                    "startup_ms": o.startup.as_secs_f64() * 1e3,
                    "requests": o.requests,
                    "agreeing": o.agreeing,
                    "refused": o.refused,
                    "answers": o.answers,
                }),
                Err(why) => json!(why),
            },
        })
    }
}

/// Reads the corpus at `lz4` (the committed `managed-policies.txt.lz4`) and runs the scenario:
/// the Markdown table and the raw figures.
pub fn section(lz4: &Path, quick: bool) -> Result<(String, Value), String> {
    let bytes = std::fs::read(lz4).map_err(|e| format!("{}: {e}", lz4.display()))?;
    let text = crate::corpus::decompress_size_prepended(&bytes)
        .map_err(|e| format!("{}: {e}", lz4.display()))?;
    let text = String::from_utf8(text).map_err(|e| format!("{}: not UTF-8: {e}", lz4.display()))?;
    let records = crate::corpus::records(&text);
    let budget = Duration::from_millis(if quick { 300 } else { 5000 });
    let f = run(&records, budget, !quick)?;
    Ok((f.markdown(), f.json()))
}

impl Figures {
    /// The rows of docs/benchmarks.md's engine table.
    pub fn markdown(&self) -> String {
        use crate::stats::show;
        let p99 = self.latency.percentile(99.0);
        let oracle = match &self.oracle {
            Ok(o) => format!(
                "{} per request ({} requests in one node process, after {} of start-up; {} of {} decisions as iam-ls's, {} refused)",
                show(o.per_request),
                o.requests,
                show(o.startup),
                o.agreeing,
                self.decisions.len(),
                o.refused
            ),
            Err(why) => why.clone(),
        };
        let mut md = String::new();
        md.push_str("| Evaluation engine | Target | iam-ls (in process, one thread) | Oracle: iam-simulate (out of process) |\n");
        md.push_str("| --- | --- | --- | --- |\n");
        md.push_str(&format!(
            "| One request against {} managed policies ({} statements) as identity policies, p50 / p95 / p99 over {} requests | < 5 ms: {} | {} / {} / {} | {} |\n",
            self.policies,
            self.statements,
            self.latency.len(),
            if p99 <= Duration::from_millis(5) { "met (p99)" } else if self.latency.p50() <= Duration::from_millis(5) { "met (p50)" } else { "**missed**" },
            show(self.latency.p50()),
            show(self.latency.percentile(95.0)),
            show(p99),
            oracle,
        ));
        for (i, (((action, resource), samples), decision)) in REQUESTS
            .iter()
            .zip(&self.by_request)
            .zip(&self.decisions)
            .enumerate()
        {
            let theirs = match &self.oracle {
                Ok(o) => o.answers.get(i).cloned().unwrap_or_default(),
                Err(_) => String::new(),
            };
            md.push_str(&format!(
                "| … `{action}` on `{resource}` ({}), p50 / p99 | | {} / {} | {theirs} |\n",
                decision.as_str(),
                show(samples.p50()),
                show(samples.percentile(99.0)),
            ));
        }
        md.push_str(&format!(
            "| Statement evaluations per second | > 1,000,000: {} | {:.2} M/s | |\n\n",
            if self.statements_per_second >= 1e6 {
                "met"
            } else {
                "**missed**"
            },
            self.statements_per_second / 1e6,
        ));
        md
    }
}
