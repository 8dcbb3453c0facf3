//! The per-statement findings cache ([`super::cache`]) against the uncached analysis: on the
//! rule docs' examples and fixes, the AWS managed policy corpus, the AWS examples corpus, the
//! policies embedded in the template corpus and a large policy built from the managed ones,
//! each document and a series of random edits of it (the cache carried from edit to edit, as
//! the editor's document store does) give byte-identical findings with and without the cache:
//! rule, level, span, message, statement and every fix.

use super::cache::FindingsCache;
use super::docs::{code_blocks, section};
use super::testing::TODAY;
use super::{Finding, Input, all, check_cached, check_model};
use crate::config::Config;
use crate::document::{Env, Snapshot};
use crate::policy::{Policy, PolicyKind, detect_kind};
use crate::syntax::parse;
use crate::test_support::{Rng, boundary, managed_policies};
use crate::text::floor_char_boundary;
use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;

/// Every field of every finding, one line each.
fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{} {:?} {:?} {:?} {:?} {:?}",
            f.rule.code, f.level, f.span, f.statement, f.message, f.fixes
        );
    }
    out
}

/// The uncached and the cached findings of `text` (as `kind`, or the detected kind).
fn both(text: &str, kind: Option<PolicyKind>, cache: &FindingsCache) -> (String, String) {
    let parsed = parse(text);
    let policy = Policy::from_parse(&parsed);
    let kind = kind.unwrap_or_else(|| detect_kind(&policy).0);
    let config = Config::default();
    let input = Input {
        text,
        parse: &parsed,
        kind,
        path: None,
        config: &config,
        today: TODAY,
    };
    let plain = render(&check_model(&input, &policy, &[]));
    let cached = render(&check_cached(&input, &policy, &[], Some(cache)));
    (plain, cached)
}

/// The statements' spans.
fn statement_spans(text: &str) -> Vec<(usize, usize)> {
    let parsed = parse(text);
    Policy::from_parse(&parsed)
        .statements
        .iter()
        .map(|s| (s.span.start, s.span.end))
        .collect()
}

/// One random edit of the kinds typing and refactoring make: a character typed or deleted, a
/// few bytes deleted, a statement duplicated, removed or swapped with another, a line indented.
fn edit(text: &str, rng: &mut Rng) -> String {
    const TYPED: &[&str] = &[
        "a", "\"", ",", "{", "}", "[", "]", ":", "*", " ", "\n", "s3:", "Get", "$", "é",
    ];
    let mut out = text.to_string();
    let spans = statement_spans(text);
    match rng.below(8) {
        0 | 1 => {
            let at = boundary(text, rng);
            out.insert_str(at, TYPED[rng.below(TYPED.len())]);
        }
        2 => {
            let start = boundary(text, rng);
            let end = floor_char_boundary(text, start + 1 + rng.below(8));
            out.replace_range(start..end.max(start), "");
        }
        3 if !spans.is_empty() => {
            let (s, e) = spans[rng.below(spans.len())];
            let copy = format!(",\n    {}", &text[s..e]);
            out.insert_str(e, &copy);
        }
        4 if !spans.is_empty() => {
            let (s, e) = spans[rng.below(spans.len())];
            out.replace_range(s..e, "");
        }
        5 if spans.len() >= 2 => {
            let i = rng.below(spans.len() - 1);
            let (a, b) = (spans[i], spans[i + 1]);
            out = format!(
                "{}{}{}{}{}",
                &text[..a.0],
                &text[b.0..b.1],
                &text[a.1..b.0],
                &text[a.0..a.1],
                &text[b.1..]
            );
        }
        6 => {
            let at = boundary(text, rng);
            let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
            out.insert_str(line, "  ");
        }
        _ => {
            // Retype a character inside a statement: the common keystroke.
            if let Some(&(s, e)) = spans.get(rng.below(spans.len().max(1))) {
                let at = floor_char_boundary(text, s + rng.below(e - s + 1));
                out.insert(at, 'x');
            }
        }
    }
    out
}

/// `text` and `edits` random edits of it, each compared cached against uncached with one cache
/// carried through; the cache must also have reused something.
fn check_series(name: &str, text: &str, kind: Option<PolicyKind>, edits: usize, seed: u64) {
    let cache = FindingsCache::new();
    let mut rng = Rng(seed | 1);
    let mut current = text.to_string();
    let mut history: Vec<String> = Vec::new();
    for step in 0..=edits {
        if step > 0 {
            history.push(current.clone());
            // Now and then an undo back to an earlier text: the kept entries of statements that
            // an edit broke or removed answer again.
            current = if step % 4 == 0 {
                history[rng.below(history.len())].clone()
            } else {
                edit(&current, &mut rng)
            };
        }
        let (plain, cached) = both(&current, kind, &cache);
        assert!(
            plain == cached,
            "{name}, edit {step}: cached findings differ\n--- uncached\n{plain}\n--- cached\n{cached}"
        );
        assert!(
            cache.demoted().is_empty(),
            "{name} {step} demoted {:?}",
            cache.demoted()
        );
    }
}

#[test]
fn doc_examples_and_fixes_give_the_same_findings_cached() {
    for (i, r) in all().iter().enumerate() {
        let doc = r.doc();
        for title in ["Example", "Fix"] {
            for block in code_blocks(section(doc, title).unwrap_or_default()) {
                let kind = block.attr("kind").and_then(PolicyKind::from_name);
                check_series(r.name, &block.code, kind, 12, 0x9e37 + i as u64);
            }
        }
    }
}

#[test]
fn managed_policies_give_the_same_findings_cached() {
    for (i, (name, text)) in managed_policies().iter().enumerate() {
        // Every policy once and after two edits; every 16th through a longer series.
        let edits = if i % 16 == 0 { 12 } else { 2 };
        check_series(name, text, Some(PolicyKind::Identity), edits, i as u64 + 7);
    }
}

#[test]
fn aws_examples_give_the_same_findings_cached() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws-examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("aws-examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let name = path.display().to_string();
        check_series(&name, &text, None, 10, seen + 3);
        seen += 1;
    }
    assert!(seen >= 50, "only {seen} examples");
}

#[test]
fn template_policies_give_the_same_findings_cached() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/templates");
    let mut policies = 0;
    for entry in std::fs::read_dir(&dir).expect("template corpus") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let snapshot =
            Snapshot::with_env(text, 1, Some(name.to_string()), Arc::new(Env::default()));
        let Some(host) = snapshot.host() else {
            continue;
        };
        for (i, p) in host.policies.iter().enumerate() {
            let label = format!("{name} {}", p.label);
            check_series(&label, p.snapshot.text(), Some(p.kind), 6, i as u64 + 11);
            policies += 1;
        }
    }
    assert!(policies >= 10, "only {policies} embedded policies");
}

/// The statements of many managed policies in one large policy (the editor's 100 KB case),
/// edited forty times: most statements hit, the edited ones miss.
#[test]
fn a_large_policy_gives_the_same_findings_cached_and_reuses_statements() {
    let corpus = managed_policies();
    let mut statements = Vec::new();
    for (_, text) in corpus.iter().step_by(9) {
        let parsed = parse(text);
        for s in Policy::from_parse(&parsed).statements {
            statements.push(text[s.span.start..s.span.end].to_string());
        }
        if statements.len() >= 300 {
            break;
        }
    }
    let text = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {}\n  ]\n}}\n",
        statements.join(",\n    ")
    );
    check_series("large", &text, Some(PolicyKind::Identity), 40, 99);

    // Typing inside one statement: the cache answers for the others (their findings are
    // shifted by the typed bytes), and no statement rule had to leave the cache.
    let cache = FindingsCache::new();
    let (plain, cached) = both(&text, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    let spans = statement_spans(&text);
    let (s, _) = spans[spans.len() / 2];
    let mut typed = text.clone();
    typed.insert(s + 1, ' ');
    let (plain, cached) = both(&typed, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    assert!(!plain.is_empty());
    assert_eq!(cache.last_run(), (spans.len() - 1, 1));
    assert_eq!(cache.demoted(), Vec::<&str>::new());

    // A statement added before all the others moves every statement to the next index: the
    // entries whose findings do not mention their position answer at the new one.
    let first = spans[0].0;
    let mut added = typed.clone();
    added.insert_str(
        first,
        "{\"Sid\": \"Added\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObjct\", \"Resource\": \"*\"},\n    ",
    );
    let (plain, cached) = both(&added, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    let (reused, analysed) = cache.last_run();
    assert_eq!(reused + analysed, spans.len() + 1);
    assert!(
        analysed <= spans.len() / 10,
        "{analysed} of {} statements analysed after a statement was added before them",
        spans.len() + 1
    );
}

/// A half-typed statement swallows the statements after it (an object opened in a value, a
/// string not yet closed): they are missing
/// from that analysis, and when the typing closes it again their kept entries answer.
#[test]
fn statements_swallowed_by_a_half_typed_one_come_back_from_the_cache() {
    let statement = |i: usize| {
        format!(
            "{{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObjct\", \"Resource\": \"arn:aws:s3:::b{i}/*\"}}"
        )
    };
    let statements: Vec<String> = (0..40).map(statement).collect();
    let text = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {}\n  ]\n}}\n",
        statements.join(",\n    ")
    );
    let cache = FindingsCache::new();
    let (plain, cached) = both(&text, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    let spans = statement_spans(&text);
    assert_eq!(spans.len(), 40);
    // An unclosed `{` typed at the start of statement 10's Action value.
    let at = text[spans[10].0..].find("\"s3:").expect("action") + spans[10].0;
    let mut broken = text.clone();
    broken.insert(at, '{');
    let (plain, cached) = both(&broken, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    let seen = statement_spans(&broken).len();
    assert!(
        seen < 40,
        "the open brace swallowed nothing ({seen} statements)"
    );
    // The brace deleted again: the statements after it answer from the cache; the edited one
    // is analysed (the earlier texts of a statement still there are not kept).
    let (plain, cached) = both(&text, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    assert_eq!(cache.last_run(), (39, 1));

    // The kept entries are bounded by the document's size: after a short document, the
    // large one is analysed afresh.
    let short = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {}\n  ]\n}}\n",
        statement(0)
    );
    let (plain, cached) = both(&short, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    let (plain, cached) = both(&text, Some(PolicyKind::Identity), &cache);
    assert_eq!(plain, cached);
    let (reused, analysed) = cache.last_run();
    assert!(reused <= 2, "{reused} reused after a short document");
    assert_eq!(reused + analysed, 40);
}
