//! Editor-feature benchmark: hover and completion on a 10 KB policy, at many positions.
//!
//! `cargo bench -p iam-ls --no-default-features --bench ide`
//!
//! A plain `main` (no harness). It builds a realistic identity policy of about 10 KB (statements
//! with actions, wildcards, ARNs with variables, conditions), takes one snapshot of it (findings
//! computed once, as the server does for diagnostics), then times `ide::hover` and
//! `ide::completion` at every 5th byte offset, three times each, and prints p50/p95/p99/max per
//! call (over all calls, and over each position's best run), plus a few named positions (a
//! cross-service wildcard, a tag key, an ARN, the service list, an action list, the condition
//! keys of a statement). It reports; it never fails on a number.

// A benchmark reports on stdout; the server's no-print rule is for the LSP transport.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use iam_ls::document::Snapshot;
use iam_ls::ide;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:Get*",
    "ec2:Describe*",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "iam:PassRole",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "sqs:SendMessage",
    "logs:PutLogEvents",
    "lambda:InvokeFunction",
    "secretsmanager:GetSecretValue",
];

/// About 10 KB of policy text, one statement per line.
fn policy() -> String {
    let mut statements = Vec::new();
    let mut i = 0usize;
    let mut size = 0;
    while size < 10_000 {
        let a1 = ACTIONS[i % ACTIONS.len()];
        let a2 = ACTIONS[(i * 7 + 3) % ACTIONS.len()];
        let a3 = ACTIONS[(i * 5 + 1) % ACTIONS.len()];
        let st = match i % 4 {
            0 => format!(
                r#"    {{"Sid": "Data{i}", "Effect": "Allow", "Action": ["{a1}", "{a2}", "{a3}"], "Resource": ["arn:aws:s3:::bucket-{i}/home/${{aws:username}}/*", "arn:aws:s3:::bucket-{i}"], "Condition": {{"StringEquals": {{"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceTag/Team": "t{i}"}}, "Bool": {{"aws:SecureTransport": "true"}}}}}}"#
            ),
            1 => format!(
                r#"    {{"Sid": "Compute{i}", "Effect": "Allow", "Action": ["{a1}", "{a2}"], "Resource": "arn:aws:ec2:eu-west-1:111122223333:instance/*", "Condition": {{"StringLike": {{"ec2:ResourceTag/Env": ["dev-*", "test-*"]}}, "IpAddress": {{"aws:SourceIp": ["192.0.2.0/24"]}}}}}}"#
            ),
            2 => format!(
                r#"    {{"Sid": "Deny{i}", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {{"StringNotEqualsIfExists": {{"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}}}}"#
            ),
            _ => format!(
                r#"    {{"Sid": "Misc{i}", "Effect": "Allow", "Action": ["{a1}", "*:Describe*", "{a3}"], "Resource": "*", "Condition": {{"ForAnyValue:StringEquals": {{"aws:TagKeys": ["env", "team"]}}}}}}"#
            ),
        };
        size += st.len() + 2;
        statements.push(st);
        i += 1;
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

/// p50, p95, p99 and max of `samples` (sorted in place).
fn percentiles(samples: &mut [Duration]) -> [Duration; 4] {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i.min(samples.len() - 1)]
    };
    [at(0.50), at(0.95), at(0.99), at(1.0)]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn row(name: &str, samples: &mut [Duration], extra: &str) {
    let [p50, p95, p99, max] = percentiles(samples);
    println!(
        "{:<46} {:>7} {:>11} {:>11} {:>11} {:>11}  {extra}",
        name,
        samples.len(),
        micros(p50),
        micros(p95),
        micros(p99),
        micros(max)
    );
}

fn main() {
    let text = policy();
    let snap = Snapshot::new(text.clone(), 1);
    // What the server has done before any hover: diagnostics (findings), and the catalog's
    // descriptions decoded by a first hover.
    let findings = snap.findings().len();
    let _ = ide::hover(&snap, text.find("s3:GetObject").unwrap_or(0) + 2);

    let offsets: Vec<usize> = (0..text.len())
        .step_by(5)
        .filter(|o| text.is_char_boundary(*o))
        .collect();

    println!(
        "iam-ls ide benchmark — policy of {} bytes, {} statements, {findings} findings, {} positions × 3 rounds",
        text.len(),
        text.matches("\"Sid\"").count(),
        offsets.len()
    );
    println!(
        "{:<46} {:>7} {:>11} {:>11} {:>11} {:>11}",
        "operation", "calls", "p50", "p95", "p99", "max"
    );

    // Each position is measured three times. "all calls" is every sample; "best of 3" keeps
    // each position's fastest run, which filters out the scheduler noise of a shared machine.
    let mut hover_all = Vec::with_capacity(offsets.len() * 3);
    let mut hover_best = Vec::with_capacity(offsets.len());
    let mut answered = 0usize;
    for &o in &offsets {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let h = black_box(ide::hover(&snap, black_box(o)));
            let took = start.elapsed();
            hover_all.push(took);
            best = best.min(took);
            answered += usize::from(h.is_some());
        }
        hover_best.push(best);
    }
    let note = format!(
        "{} of {} positions have a hover",
        answered / 3,
        offsets.len()
    );
    row("hover, every 5th offset (all calls)", &mut hover_all, &note);
    row("hover, every 5th offset (best of 3)", &mut hover_best, "");

    let mut completion_all = Vec::with_capacity(offsets.len() * 3);
    let mut completion_best = Vec::with_capacity(offsets.len());
    let mut max_items = 0usize;
    let mut lists = 0usize;
    for &o in &offsets {
        let mut best = Duration::MAX;
        for round in 0..3 {
            let start = Instant::now();
            let list = black_box(ide::completion(&snap, black_box(o)));
            let took = start.elapsed();
            completion_all.push(took);
            best = best.min(took);
            if round == 0 {
                max_items = max_items.max(list.items.len());
                lists += usize::from(!list.items.is_empty());
            }
        }
        completion_best.push(best);
    }
    let note = format!("{lists} non-empty lists, at most {max_items} items");
    row(
        "completion, every 5th offset (all calls)",
        &mut completion_all,
        &note,
    );
    row(
        "completion, every 5th offset (best of 3)",
        &mut completion_best,
        "",
    );

    // Named positions, 200 calls each.
    let named: [(&str, &str, usize, bool); 6] = [
        ("hover on \"*:Describe*\"", "*:Describe*", 3, true),
        (
            "hover on \"aws:ResourceTag/Team\"",
            "aws:ResourceTag/Team",
            5,
            true,
        ),
        (
            "hover on an ARN with a variable",
            "arn:aws:s3:::bucket-0/",
            5,
            true,
        ),
        (
            "completion of condition keys (operator block)",
            "{\"aws:PrincipalOrgID\"",
            2,
            false,
        ),
        (
            "completion of actions after \"s3:Get\"",
            "s3:GetObject",
            6,
            false,
        ),
        (
            "completion of services at \"\" ",
            "\"Action\": [\"",
            12,
            false,
        ),
    ];
    for (name, needle, delta, is_hover) in named {
        let Some(at) = text.find(needle).map(|i| i + delta) else {
            continue;
        };
        let mut samples = Vec::with_capacity(200);
        let mut items = 0;
        for _ in 0..200 {
            let start = Instant::now();
            if is_hover {
                black_box(ide::hover(&snap, black_box(at)));
            } else {
                items = black_box(ide::completion(&snap, black_box(at))).items.len();
            }
            samples.push(start.elapsed());
        }
        let extra = if is_hover {
            String::new()
        } else {
            format!("{items} items")
        };
        row(name, &mut samples, &extra);
    }

    // The service list on an empty Action string, in a small document of its own.
    let doc =
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"\"}]}";
    let small = Snapshot::new(doc, 1);
    let at = doc.find("\"\"").map_or(0, |i| i + 1);
    let mut samples = Vec::with_capacity(200);
    let mut items = 0;
    for _ in 0..200 {
        let start = Instant::now();
        items = black_box(ide::completion(&small, black_box(at)))
            .items
            .len();
        samples.push(start.elapsed());
    }
    row(
        "completion of services (empty Action string)",
        &mut samples,
        &format!("{items} items"),
    );
}
