//! Differential test of the evaluation engine ([`iam_ls::eval`]) against an independent one:
//! `@cloud-copilot/iam-simulate` (npm, AGPL-3.0), installed by `npm ci` in `tests/oracle/` and run
//! out of process by `tests/oracle/driver.mjs` (JSON in, JSON out; none of its code or data is
//! in this repository).
//!
//! A seeded generator builds requests and policies over real actions and resource ARNs of the
//! catalog: identity policies, a resource policy naming users, role sessions, roles, accounts
//! or `*`, SCP and RCP levels, boundaries, session and VPC endpoint policies; Allow and Deny;
//! `NotAction`/`NotResource`; conditions over global keys with every operator family, `IfExists`
//! and set qualifiers; missing and multi-valued keys; same and cross account. All cases go to one
//! node process.
//!
//! - `IAM_LS_ORACLE_CASES` (default 2,000) sets the number of cases; the long run is
//!   `IAM_LS_ORACLE_CASES=100000 cargo test -p iam-ls-e2e --test oracle -- --nocapture`.
//! - `IAM_LS_ORACLE_SEED` changes the seed.
//! - Agreement must be at least 99.5%. Every known disagreement class is triaged in
//!   `tests/oracle/fixtures/*.json` (which side is right, per AWS's documentation);
//!   [`fixtures_hold`] checks that the engine gives the answer recorded as right.
//! - Without node or the installed package the test fails when `CI` is `true`, and says how
//!   to install it (and passes with a note) otherwise.

use iam_ls::catalog::catalog;
use iam_ls::eval::{self, Context, Decision, EvalPolicy, PolicySet, Request};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle")
}

/// splitmix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const A: &str = "111111111111";
const B: &str = "222222222222";
const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "eu-central-1"];
const TOKENS: &[&str] = &["alpha", "beta", "team-x"];

/// A global condition key, its type, the values requests carry and the values policies test.
struct Key {
    name: &'static str,
    family: Family,
    request: &'static [&'static str],
    policy: &'static [&'static str],
    multi: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Str,
    Num,
    Date,
    Bool,
    Ip,
    Arn,
}

const KEYS: &[Key] = &[
    Key {
        name: "aws:RequestedRegion",
        family: Family::Str,
        request: &["us-east-1", "eu-west-1", "EU-WEST-1"],
        policy: &["eu-west-1", "us-*", "eu-?est-1"],
        multi: false,
    },
    Key {
        name: "aws:PrincipalTag/team",
        family: Family::Str,
        request: &["red", "blue", "Red"],
        policy: &["red", "b*", "RED"],
        multi: false,
    },
    Key {
        name: "aws:TagKeys",
        family: Family::Str,
        request: &["env", "team", "owner"],
        policy: &["env", "team", "o*"],
        multi: true,
    },
    Key {
        name: "aws:SourceIp",
        family: Family::Ip,
        request: &["203.0.113.5", "198.51.100.7", "10.1.2.3"],
        policy: &["203.0.113.0/24", "10.0.0.0/8", "198.51.100.7/32"],
        multi: false,
    },
    Key {
        name: "aws:SecureTransport",
        family: Family::Bool,
        request: &["true", "false"],
        policy: &["true", "false"],
        multi: false,
    },
    Key {
        name: "aws:MultiFactorAuthAge",
        family: Family::Num,
        request: &["30", "3600", "7200"],
        policy: &["3600", "60", "86400"],
        multi: false,
    },
    Key {
        name: "aws:CurrentTime",
        family: Family::Date,
        request: &["2026-01-15T12:00:00Z", "2025-06-01T00:00:00Z"],
        policy: &[
            "2026-01-01T00:00:00Z",
            "2025-12-31T23:59:59Z",
            "2030-01-01T00:00:00Z",
        ],
        multi: false,
    },
    Key {
        name: "aws:SourceArn",
        family: Family::Arn,
        request: &[
            "arn:aws:sns:us-east-1:111111111111:topic-a",
            "arn:aws:sqs:eu-west-1:222222222222:queue-b",
        ],
        policy: &[
            "arn:aws:sns:*:111111111111:*",
            "arn:aws:sqs:eu-west-1:222222222222:queue-b",
            "arn:aws:*:*:*:topic-?",
        ],
        multi: false,
    },
];

fn operators(f: Family) -> &'static [&'static str] {
    match f {
        Family::Str => &[
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ],
        Family::Num => &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        Family::Date => &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
        Family::Bool => &["Bool"],
        Family::Ip => &["IpAddress", "NotIpAddress"],
        Family::Arn => &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    }
}

/// An action with one resource ARN pattern.
struct Target {
    action: &'static str,
    pattern: &'static str,
}

fn targets() -> Vec<Target> {
    let mut out = Vec::new();
    for a in catalog().actions() {
        let pattern = a
            .resource_types()
            .find(|r| r.required())
            .and_then(|r| r.resource_type().arn_patterns().next());
        // Patterns with optional parts or odd placeholders make ARNs the oracle may classify
        // differently; keep the plain ones.
        if let Some(p) = pattern
            && p.starts_with("arn:${Partition}:")
            && !p.contains('[')
        {
            out.push(Target {
                action: a.full_name(),
                pattern: p,
            });
        }
    }
    out
}

/// Fills the placeholders of an ARN pattern.
fn fill(pattern: &str, region: &str, account: &str, rng: &mut Rng) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let value: &str = match &rest[start..end] {
            "${Partition}" => "aws",
            "${Region}" => region,
            p if p.contains("Account") => account,
            _ => TOKENS[rng.below(TOKENS.len())],
        };
        out.push_str(value);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The policy type a generated policy is for (what its statements may contain).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Identity,
    Resource,
    Scp,
    Rcp,
    Vpce,
}

struct Case {
    sim: Value,
}

/// The engine's inputs for an oracle `Simulation` document (the generator's cases and the
/// fixtures use the oracle's shape, so both engines read the same text).
fn from_sim(sim: &Value) -> (Request, PolicySet) {
    let parse = |name: &Value, p: &Value| {
        EvalPolicy::parse(name.as_str().unwrap_or("policy"), &p.to_string()).expect("policy")
    };
    let named = |v: &Value| -> Vec<EvalPolicy> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|e| parse(&e["name"], &e["policy"]))
            .collect()
    };
    let levels = |v: &Value| -> Vec<Vec<EvalPolicy>> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|l| named(&l["policies"]))
            .collect()
    };
    let r = &sim["request"];
    let action = r["action"].as_str().unwrap().to_string();
    let mut context = Context::new();
    if let Some(m) = r["contextVariables"].as_object() {
        for (k, v) in m {
            let values = match v {
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .map(String::from)
                    .collect(),
                v => vec![v.as_str().unwrap_or_default().to_string()],
            };
            context.set(k, values);
        }
    }
    let set = PolicySet {
        identity: named(&sim["identityPolicies"]),
        resource: (!sim["resourcePolicy"].is_null())
            .then(|| parse(&json!("resource"), &sim["resourcePolicy"])),
        resource_must_allow: eval::resource_policy_required(
            &action,
            r["resource"]["resource"].as_str().unwrap_or_default(),
        ),
        scp_levels: levels(&sim["serviceControlPolicies"]),
        rcp_levels: levels(&sim["resourceControlPolicies"]),
        boundary: named(&sim["permissionBoundaryPolicies"]).into_iter().next(),
        session: (!sim["sessionPolicy"].is_null())
            .then(|| parse(&json!("session"), &sim["sessionPolicy"]))
            .into_iter()
            .collect(),
        vpc_endpoints: named(&sim["vpcEndpointPolicies"]),
    };
    let request = Request {
        principal: r["principal"].as_str().map(String::from),
        action,
        resource: r["resource"]["resource"].as_str().unwrap().to_string(),
        resource_account: r["resource"]["accountId"].as_str().map(String::from),
        context,
    };
    (request, set)
}

struct Generator {
    rng: Rng,
    targets: Vec<Target>,
}

impl Generator {
    fn action_value(&mut self, action: &str) -> String {
        let service = action.split(':').next().unwrap();
        let name = &action[service.len() + 1..];
        match self.rng.below(7) {
            0 => "*".to_string(),
            1 => format!("{service}:*"),
            2 => format!("{service}:{}*", &name[..name.len().min(3)]),
            3 => action.to_ascii_lowercase(),
            4 => {
                let other = self.rng.below(self.targets.len());
                self.targets[other].action.to_string()
            }
            _ => action.to_string(),
        }
    }

    fn resource_value(&mut self, arn: &str, pattern: &str, account: &str) -> String {
        match self.rng.below(6) {
            0 => "*".to_string(),
            1 => format!("{}*", &arn[..arn.len().saturating_sub(3)]),
            2 => {
                let region = *self.rng.pick(REGIONS);
                fill(pattern, region, account, &mut self.rng)
            }
            3 => {
                let fields: Vec<&str> = arn.splitn(6, ':').collect();
                if fields.len() == 6 {
                    format!("arn:aws:{}:*:*:{}", fields[2], fields[5])
                } else {
                    arn.to_string()
                }
            }
            _ => arn.to_string(),
        }
    }

    fn condition(&mut self) -> Value {
        let key = self.rng.pick(KEYS);
        let mut op = self.rng.pick(operators(key.family)).to_string();
        if key.multi {
            op = format!(
                "{}:{op}",
                if self.rng.chance(50) {
                    "ForAllValues"
                } else {
                    "ForAnyValue"
                }
            );
        }
        if self.rng.chance(20) {
            op.push_str("IfExists");
        }
        let n = 1 + self.rng.below(2);
        let values: Vec<&str> = (0..n).map(|_| *self.rng.pick(key.policy)).collect();
        let v = if n == 1 {
            json!(values[0])
        } else {
            json!(values)
        };
        json!({ op: { key.name: v } })
    }

    fn statement(&mut self, t: &Target, arn: &str, res_account: &str, kind: Kind) -> Value {
        let mut st = serde_json::Map::new();
        let allow = kind != Kind::Rcp && self.rng.chance(70);
        st.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
        let mut actions: Vec<String> = (0..1 + self.rng.below(2))
            .map(|_| self.action_value(t.action))
            .collect();
        if kind == Kind::Rcp {
            // RCPs may not use "*" alone, nor NotAction.
            for a in &mut actions {
                if a == "*" {
                    *a = t.action.to_string();
                }
            }
        }
        let key = if kind != Kind::Rcp && self.rng.chance(12) {
            "NotAction"
        } else {
            "Action"
        };
        st.insert(key.into(), json!(actions));
        let resources: Vec<String> = (0..1 + self.rng.below(2))
            .map(|_| self.resource_value(arn, t.pattern, res_account))
            .collect();
        let key = if self.rng.chance(10) {
            "NotResource"
        } else {
            "Resource"
        };
        st.insert(key.into(), json!(resources));
        if kind == Kind::Rcp {
            st.insert("Principal".into(), json!("*"));
        }
        if kind == Kind::Vpce {
            st.insert("Principal".into(), json!("*"));
        }
        if kind == Kind::Resource {
            let choices = [
                json!("*"),
                json!({"AWS": format!("arn:aws:iam::{A}:user/alice")}),
                json!({"AWS": format!("arn:aws:sts::{A}:assumed-role/app/s1")}),
                json!({"AWS": format!("arn:aws:iam::{A}:role/app")}),
                json!({"AWS": format!("arn:aws:iam::{A}:root")}),
                json!({"AWS": A}),
                json!({"AWS": format!("arn:aws:iam::{B}:user/bob")}),
                json!({"AWS": [format!("arn:aws:iam::{B}:root"), format!("arn:aws:iam::{A}:user/alice")]}),
            ];
            let p = self.rng.pick(&choices).clone();
            st.insert("Principal".into(), p);
        }
        if self.rng.chance(45) {
            let mut c = serde_json::Map::new();
            for _ in 0..1 + self.rng.below(2) {
                if let Value::Object(m) = self.condition() {
                    for (op, kv) in m {
                        let entry = c.entry(op).or_insert_with(|| json!({}));
                        if let (Value::Object(e), Value::Object(kv)) = (entry, kv) {
                            e.extend(kv);
                        }
                    }
                }
            }
            st.insert("Condition".into(), Value::Object(c));
        }
        Value::Object(st)
    }

    fn policy(&mut self, t: &Target, arn: &str, acct: &str, kind: Kind) -> Value {
        let n = 1 + self.rng.below(3);
        let sts: Vec<Value> = (0..n).map(|_| self.statement(t, arn, acct, kind)).collect();
        json!({"Version": "2012-10-17", "Statement": sts})
    }

    fn case(&mut self) -> Case {
        let ti = self.rng.below(self.targets.len());
        let t = Target {
            action: self.targets[ti].action,
            pattern: self.targets[ti].pattern,
        };
        let res_account = if self.rng.chance(70) { A } else { B };
        let region = *self.rng.pick(REGIONS);
        let arn = fill(t.pattern, region, res_account, &mut self.rng);
        let principal = if self.rng.chance(50) {
            format!("arn:aws:iam::{A}:user/alice")
        } else {
            format!("arn:aws:sts::{A}:assumed-role/app/s1")
        };
        let n_id = self.rng.below(3);
        let identity: Vec<Value> = (0..n_id)
            .map(|_| self.policy(&t, &arn, res_account, Kind::Identity))
            .collect();
        let resource = self
            .rng
            .chance(50)
            .then(|| self.policy(&t, &arn, res_account, Kind::Resource));
        let scps: Vec<Vec<Value>> = (0..self.rng.below(3))
            .map(|_| {
                let mut level = vec![json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})];
                if self.rng.chance(50) {
                    level[0] = self.policy(&t, &arn, res_account, Kind::Scp);
                }
                if self.rng.chance(30) {
                    level.push(self.policy(&t, &arn, res_account, Kind::Scp));
                }
                level
            })
            .collect();
        let rcps: Vec<Vec<Value>> = (0..self.rng.below(2))
            .map(|_| vec![self.policy(&t, &arn, res_account, Kind::Rcp)])
            .collect();
        let boundary = self
            .rng
            .chance(25)
            .then(|| self.policy(&t, &arn, res_account, Kind::Identity));
        let vpce = self
            .rng
            .chance(15)
            .then(|| self.policy(&t, &arn, res_account, Kind::Vpce));
        // Context.
        let mut context = Context::new();
        let mut ctx_json = serde_json::Map::new();
        for key in KEYS {
            if self.rng.chance(55) {
                let n = if key.multi { 1 + self.rng.below(3) } else { 1 };
                let values: Vec<String> = (0..n)
                    .map(|_| self.rng.pick(key.request).to_string())
                    .collect();
                context.set(key.name, values.clone());
                ctx_json.insert(
                    key.name.into(),
                    if key.multi {
                        json!(values)
                    } else {
                        json!(values[0])
                    },
                );
            }
        }
        let named =
            |kind: &str, i: usize, p: &Value| json!({"name": format!("{kind}{i}"), "policy": p});
        let sim = json!({
            "request": {
                "principal": principal,
                "action": t.action,
                "resource": {"resource": arn, "accountId": res_account},
                "contextVariables": ctx_json,
            },
            "identityPolicies": identity.iter().enumerate().map(|(i, p)| named("identity", i, p)).collect::<Vec<_>>(),
            "serviceControlPolicies": scps.iter().enumerate().map(|(l, ps)| json!({
                "orgIdentifier": format!("level{l}"),
                "policies": ps.iter().enumerate().map(|(i, p)| named("scp", i, p)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "resourceControlPolicies": rcps.iter().enumerate().map(|(l, ps)| json!({
                "orgIdentifier": format!("level{l}"),
                "policies": ps.iter().enumerate().map(|(i, p)| named("rcp", i, p)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "resourcePolicy": resource,
            "permissionBoundaryPolicies": boundary.iter().map(|p| named("boundary", 0, p)).collect::<Vec<_>>(),
            "vpcEndpointPolicies": vpce.iter().map(|p| named("vpce", 0, p)).collect::<Vec<_>>(),
        });
        Case { sim }
    }
}

fn oracle_name(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "Allowed",
        Decision::ExplicitDeny => "ExplicitlyDenied",
        Decision::ImplicitDeny => "ImplicitlyDenied",
    }
}

/// Runs the oracle over `sims` in one node process; `Err` says why it could not run.
fn run_oracle(sims: &[&Value]) -> Result<Vec<Value>, String> {
    let dir = oracle_dir();
    if !dir
        .join("node_modules/@cloud-copilot/iam-simulate")
        .is_dir()
    {
        return Err(format!(
            "the oracle is not installed: run `npm ci` in {}",
            dir.display()
        ));
    }
    let mut child = Command::new("node")
        .arg("driver.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let input = serde_json::to_vec(sims).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().unwrap().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "the oracle failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("the oracle's answer: {e}"))
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn agrees_with_the_oracle() {
    let n = env_number("IAM_LS_ORACLE_CASES", 2000) as usize;
    let seed = env_number("IAM_LS_ORACLE_SEED", 18);
    let mut g = Generator {
        rng: Rng(seed),
        targets: targets(),
    };
    assert!(g.targets.len() > 1000, "catalog actions with resources");
    // Batches bound the memory of long runs; the default run is one batch, one node process.
    const BATCH: usize = 5000;
    let (mut compared, mut agreed, mut refused) = (0usize, 0usize, 0usize);
    let mut shown = 0;
    let mut by_pair = std::collections::BTreeMap::<String, usize>::new();
    let (mut oracle_time, mut our_time) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < n {
        let size = BATCH.min(n - done);
        done += size;
        let cases: Vec<Case> = (0..size).map(|_| g.case()).collect();
        let sims: Vec<&Value> = cases.iter().map(|c| &c.sim).collect();
        let started = Instant::now();
        let answers = match run_oracle(&sims) {
            Ok(a) => a,
            Err(why) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{why}");
                }
                eprintln!("oracle test not run: {why}");
                return;
            }
        };
        oracle_time += started.elapsed();
        assert_eq!(answers.len(), cases.len());
        let inputs: Vec<(Request, PolicySet)> = cases.iter().map(|c| from_sim(&c.sim)).collect();
        let started = Instant::now();
        let ours: Vec<Decision> = inputs
            .iter()
            .map(|(r, s)| eval::evaluate(r, s).decision)
            .collect();
        our_time += started.elapsed();
        for ((c, ours), answer) in cases.iter().zip(&ours).zip(&answers) {
            let Some(theirs) = answer["decision"].as_str() else {
                refused += 1;
                if refused <= 3 || std::env::var_os("IAM_LS_ORACLE_SHOW").is_some() {
                    eprintln!("oracle refused: {}", answer["error"]);
                }
                continue;
            };
            compared += 1;
            if oracle_name(*ours) == theirs {
                agreed += 1;
            } else {
                *by_pair
                    .entry(format!("ours {} / oracle {theirs}", oracle_name(*ours)))
                    .or_default() += 1;
                if shown < 5 || std::env::var_os("IAM_LS_ORACLE_SHOW").is_some() {
                    shown += 1;
                    eprintln!(
                        "DISAGREEMENT ours={} oracle={theirs}\n{}",
                        oracle_name(*ours),
                        serde_json::to_string(&c.sim).unwrap()
                    );
                }
            }
        }
    }
    let rate = agreed as f64 / compared.max(1) as f64;
    eprintln!(
        "oracle: {agreed}/{compared} agree ({:.2}%), {refused} refused by the oracle; \
         oracle {:.2?}, iam-ls {:.2?} (evaluation only); {by_pair:?}",
        rate * 100.0,
        oracle_time,
        our_time
    );
    assert!(compared >= n * 9 / 10, "the oracle refused too many cases");
    assert!(
        rate >= 0.995,
        "agreement {:.2}% is below 99.5%",
        rate * 100.0
    );
}

/// The triaged disagreements: the engine gives the answer recorded as right (no node needed).
#[test]
fn fixtures_hold() {
    let dir = oracle_dir().join("fixtures");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/oracle/fixtures") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for key in ["title", "right", "why", "source", "iam_ls", "oracle"] {
            assert!(f[key].is_string(), "{}: {key}", path.display());
        }
        let (request, set) = from_sim(&f["simulation"]);
        let ours = oracle_name(eval::evaluate(&request, &set).decision);
        let expected = match f["right"].as_str().unwrap() {
            "iam-ls" => f["iam_ls"].as_str().unwrap(),
            "oracle" => f["oracle"].as_str().unwrap(),
            other => panic!(
                "{}: right must be iam-ls or oracle, not {other}",
                path.display()
            ),
        };
        assert_eq!(ours, expected, "{}", path.display());
        n += 1;
    }
    assert!(n > 0, "no fixtures in {}", dir.display());
}
