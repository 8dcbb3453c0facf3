//! The incremental parse against the full one: on real policies and templates, a large
//! policy typed back statement by statement, and small random texts, each carried through a
//! series of edits with the previous parse handed on as an editor's document would, the tree
//! and the errors are exactly [`parse`]'s at every step. The typing replay also holds that the
//! reuse happens (a keystroke parses a handful of containers, not the document).

use super::{Prior, parse, parse_incremental};
use crate::test_support::{Rng, boundary, managed_policies};
use crate::text::floor_char_boundary;
use std::path::Path;
use std::sync::Arc;

/// Pieces an edit types: everything the parser's recovery turns on (brackets, quotes,
/// separators, comments, escapes, bare words, line breaks).
const TYPED: &[&str] = &[
    "a",
    "\"",
    "'",
    ",",
    "{",
    "}",
    "[",
    "]",
    ":",
    " ",
    "\n",
    "\r",
    "/",
    "//",
    "/*",
    "*/",
    "\\",
    "\\u",
    "\\uD83D",
    "\\uDE00",
    "é",
    "true",
    "tru",
    "1",
    "-",
    "\"Sid\": ",
    "\"k\":",
    "{\"a\": [",
    "]}",
    "\t",
    "\u{1}",
];

/// One random edit: a piece typed, a few bytes deleted, or a range copied elsewhere.
fn edit(text: &str, rng: &mut Rng) -> String {
    let mut out = text.to_string();
    match rng.below(6) {
        0..=2 => {
            let at = boundary(text, rng);
            out.insert_str(at, TYPED[rng.below(TYPED.len())]);
        }
        3 | 4 => {
            let start = boundary(text, rng);
            let end = floor_char_boundary(text, start + 1 + rng.below(12));
            out.replace_range(start..end.max(start), "");
        }
        _ => {
            let a = boundary(text, rng);
            let b = boundary(text, rng);
            let (s, e) = (a.min(b), a.max(b));
            let piece = text[s..e.min(s + 200)].to_string();
            let at = boundary(&out, rng);
            out.insert_str(at, &piece);
        }
    }
    out
}

/// Parses `texts` in order, each incrementally from the previous one, and checks each result
/// against a full parse. Returns how many containers were reused and parsed over the series,
/// and the most that one parse after the first parsed.
fn check_chain<'a>(name: &str, texts: impl IntoIterator<Item = &'a str>) -> (usize, usize, usize) {
    let mut prior: Option<Prior> = None;
    let (mut reused, mut parsed, mut most) = (0, 0, 0);
    for (step, text) in texts.into_iter().enumerate() {
        let (incremental, memo) = parse_incremental(text, prior.take());
        let full = parse(text);
        if incremental != full {
            let shown: String = text.chars().take(2000).collect();
            panic!(
                "{name}, step {step}: the incremental parse differs from the full one\n{shown}\n\
                 --- full errors {:#?}\n--- incremental errors {:#?}",
                full.errors, incremental.errors
            );
        }
        reused += memo.reused;
        parsed += memo.parsed;
        if step > 0 {
            most = most.max(memo.parsed);
        }
        prior = Some(Prior {
            text: Arc::from(text),
            parse: incremental,
            memo,
        });
    }
    (reused, parsed, most)
}

/// `text` and `edits` random edits of it, with now and then an undo to an earlier text.
fn check_series(name: &str, text: &str, edits: usize, seed: u64) -> (usize, usize, usize) {
    let mut rng = Rng(seed | 1);
    let mut texts = vec![text.to_string()];
    for step in 1..=edits {
        let next = if step % 5 == 0 {
            texts[rng.below(texts.len())].clone()
        } else {
            edit(texts.last().expect("a text"), &mut rng)
        };
        texts.push(next);
    }
    check_chain(name, texts.iter().map(String::as_str))
}

/// The statements of many managed policies in one policy of about 100 KB.
fn large_policy() -> (String, Vec<(usize, usize)>) {
    let mut statements = Vec::new();
    for (_, text) in managed_policies().iter().step_by(7) {
        let parsed = parse(text);
        let Some(items) = parsed
            .root
            .as_ref()
            .and_then(|r| r.get("Statement"))
            .and_then(|m| m.value.as_ref())
            .and_then(|v| v.items())
        else {
            continue;
        };
        for item in items {
            statements.push(text[item.span.start..item.span.end].to_string());
        }
        if statements.iter().map(String::len).sum::<usize>() > 100_000 {
            break;
        }
    }
    let head = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    ";
    let mut text = head.to_string();
    let mut spans = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        if i > 0 {
            text.push_str(",\n    ");
        }
        spans.push((text.len(), text.len() + s.len()));
        text.push_str(s);
    }
    text.push_str("\n  ]\n}\n");
    (text, spans)
}

#[test]
fn managed_policies_parse_the_same_incrementally() {
    for (i, (name, text)) in managed_policies().iter().enumerate() {
        let edits = if i % 8 == 0 { 12 } else { 3 };
        check_series(name, text, edits, i as u64 + 5);
    }
}

#[test]
fn aws_examples_and_templates_parse_the_same_incrementally() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for dir in ["tests/data/aws-examples", "../tests/corpus/templates"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            check_series(&path.display().to_string(), &text, 10, seen + 3);
            seen += 1;
        }
    }
    assert!(seen >= 90, "only {seen} files");
}

/// Small texts made of the pieces the recovery turns on, edited many times: the places where
/// a look-ahead crosses into an edit are found here first.
#[test]
fn random_small_texts_parse_the_same_incrementally() {
    let mut rng = Rng(0x5eed);
    let shapes = [
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:Get\", \"s3:Put\"]}, {\"Sid\": \"B\", \"Condition\": {\"Bool\": {\"aws:x\": \"true\"}}}]}",
        "{\"Resources\": {\"A\": {\"Type\": \"T\", \"Properties\": {\"P\": [1, 2]}}, \"B\": {\"Type\": \"U\"}}}",
        "[[[1, [2]], {\"a\": {\"b\": [\"c\"]}}], [[3]]]",
        "{\"Statement\": [{\"Action\": [\"a\", \"b\"\n \"Resource\": \"*\"}, {\"x\": 1}]}",
    ];
    for round in 0..400 {
        let mut text = shapes[round % shapes.len()].to_string();
        for _ in 0..rng.below(4) {
            text = edit(&text, &mut rng);
        }
        check_series(&format!("round {round}"), &text, 25, round as u64 + 1);
    }
}

/// Nesting past the depth limit on either side of an edit.
#[test]
fn deep_nesting_parses_the_same_incrementally() {
    let deep = format!("{}1{}", "[".repeat(140), "]".repeat(140));
    let text =
        format!("{{\"Statement\": [{{\"a\": [{deep}]}}, {{\"b\": 2}}, {{\"c\": [{deep}]}}]}}");
    check_series("deep", &text, 40, 77);
}

/// The editor's 100 KB case: statements typed back one character at a time in the middle of
/// a large policy (the same replay as `iam-ls-bench`'s typing scenario). Every keystroke's
/// parse is the full one, and every keystroke parses a few containers: the statement being
/// typed and its members, not the hundreds after it, which the half-typed statement turns into
/// its member values, array items or junk and back (taken over at their new depth).
#[test]
fn typing_into_a_large_policy_parses_the_same_and_reuses_the_rest() {
    let (text, spans) = large_policy();
    assert!(
        text.len() > 100_000 && spans.len() > 200,
        "{} bytes",
        text.len()
    );
    let mid = spans.len() / 2;
    let (start, end) = (spans[mid].0, spans[mid + 2].0);
    let mut texts = Vec::new();
    for cut in start..=end {
        if text.is_char_boundary(cut) {
            texts.push(format!("{}{}", &text[..cut], &text[end..]));
        }
    }
    let keystrokes = texts.len();
    let (reused, parsed, most) = check_chain("typing", texts.iter().map(String::as_str));
    assert!(
        most <= 8 && reused > 100 * keystrokes,
        "{keystrokes} keystrokes parsed {parsed} containers (at most {most} in one) and \
         reused {reused}"
    );
}

/// The same value after edits that move it between depths, kept and dropped: a statement
/// after a half-typed one becomes its member value, an item of its unclosed array or junk
/// where its next key should be, and back. Values that read no closer from outside and stay
/// clear of the depth limit are taken over at the new depth; the others (stray closers, deep
/// nesting that crosses the limit at one of the depths) are parsed again, and every parse is
/// the full one.
#[test]
fn values_moved_between_depths_parse_the_same() {
    let deep = format!("{{\"a\": {}1{}}}", "[".repeat(124), "]".repeat(124));
    let values = [
        "{\"Sid\": \"A\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Condition\": {\"Bool\": {\"aws:x\": \"true\"}}}".to_string(),
        "{\"a\": 1 ], \"b\": [2 } ]}".to_string(),
        "[{\"a\": [1, }, \"k\": 2], 3]".to_string(),
        "{\"a\": [\"x\",\n \"Resource\": \"*\"}".to_string(),
        deep,
    ];
    let prefixes = [
        "{\"Statement\": [",
        "{\"Statement\": [{",
        "{\"Statement\": [{\"Action\": [",
        "{\"Statement\": [{\"k\": ",
        "{\"Statement\": [{\"Condition\": {\"Bool\": {\"k\": [",
        "{\"Statement\": [\"",
    ];
    let tail = ", {\"Sid\": \"B\", \"Resource\": [\"*\"]}]}";
    let order = [0, 1, 2, 0, 3, 1, 4, 2, 5, 0, 4, 3, 2, 1, 0];
    // Also after a member nested past the limit, which reports the depth error first.
    let too_deep = format!("{{\"Deep\": {}{}, ", "[".repeat(130), "]".repeat(130));
    let mut free_reused = 0;
    for lead in ["{", too_deep.as_str()] {
        for (v, value) in values.iter().enumerate() {
            let texts: Vec<String> = order
                .iter()
                .map(|&p| format!("{lead}{}{value}{tail}", &prefixes[p][1..]))
                .collect();
            let (reused, _, _) =
                check_chain(&format!("value {v}"), texts.iter().map(String::as_str));
            if v == 0 {
                free_reused += reused;
            }
        }
    }
    // The plain statement and the one after it are taken over on most moves.
    assert!(free_reused >= 40, "reused {free_reused}");
}

/// Documents with about as many syntax errors as are listed, and with many more: edits move
/// the cap across statements, and a statement whose errors no longer all fit under it is parsed
/// again (it counts them) rather than taken over with its list.
#[test]
fn documents_past_the_error_cap_parse_the_same_incrementally() {
    use super::MAX_ERRORS;
    // Three errors per statement: a missing value, a stray comma, a missing comma.
    let statement = "{\"a\": , , \"b\": [1 2]}";
    for (count, seed) in [
        (MAX_ERRORS / 3 - 2, 5),
        (MAX_ERRORS / 3 + 1, 9),
        (MAX_ERRORS, 13),
    ] {
        let text = format!(
            "{{\"Statement\": [\n{}\n]}}",
            vec![statement; count].join(",\n")
        );
        let full = parse(&text);
        assert_eq!(
            full.errors.len(),
            (3 * count).min(MAX_ERRORS + 1),
            "{count} statements"
        );
        check_series(&format!("{count} statements"), &text, 60, seed);
    }
}
