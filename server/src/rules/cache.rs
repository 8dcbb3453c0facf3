//! The per-statement findings cache: a keystroke re-runs the statement rules only on the
//! statements it changed.
//!
//! Most rules judge one statement at a time: what they report about a statement depends on
//! that statement's text and on a few things about the whole policy (its kind, its `Version`,
//! today's date), never on the other statements. [`PER_STATEMENT`] lists those rules by code
//! (a rule not listed, such as every rule added later until someone checks it, runs over the
//! whole policy on every analysis as before). For them, a [`FindingsCache`] keeps the raw
//! findings ([`Diag`]s, before levels and silencing) of each statement of the last analysis,
//! with spans stored relative to the statement; the next analysis reuses them for every
//! statement whose text is unchanged and runs the rules only on the others.
//!
//! What a cached entry is keyed by, so that a hit returns exactly what the rules would:
//!
//! - the statement's text byte for byte (compared in full, not through a hash), the white
//!   space just before it on its line, and its position in the `Statement` array (messages
//!   number statements), unless no finding of the entry mentions that position or the
//!   statement's number ([`index_free`]): then the entry answers for the same text anywhere in
//!   the array, so that adding or removing a statement does not re-run the rules on every
//!   statement after it. Findings carry the index for silencing by `Sid`; a reused finding
//!   gets the statement's current one;
//! - the analysis environment: the policy kind, the `Version` string, today, whether
//!   `Statement` is an object or an array, and the list of statement rules that ran (the
//!   configuration turns rules off; levels and silencing are applied after the cache, on every
//!   analysis).
//!
//! Only statements whose closing brace is there are stored (an unclosed statement's extent
//! depends on what follows it). A statement rule that reports a finding the cache cannot pin
//! to one statement (it names no statement or another one, or a span or fix edit reaches
//! beyond the statement's braces) is
//! taken off the cache for as long as the environment stays the same, and runs over the whole
//! policy instead; the findings are then still the uncached ones.
//!
//! Entries of statements that are missing from an analysis are kept a while: a half-typed
//! statement (an object opened in a value, a string not yet closed) often swallows the
//! statements after it for a few keystrokes, and without their entries every one of those
//! statements would come back as a miss when the typing closes it. Kept entries answer exactly
//! like current ones (same key); the oldest go first once their text adds up to more than the
//! document's, so the cache never holds more statement text than twice the document.
//!
//! The cache is owned by whoever keeps the document (the language server's document store
//! keeps one per open document) and handed to the analysis; the analysis stays a function of
//! the snapshot, the cache only saves work. `rules/cache_tests.rs` holds it to the uncached
//! findings after random edits of the corpora.

use super::{Context, Diag, Rule};
use crate::policy::{Policy, PolicyKind, Statement, StatementForm};
use crate::syntax::Span;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The rules whose findings about a statement depend only on that statement (and on the kind,
/// `Version`, today and the catalog). Each was read for what it looks at: its loop over
/// `cx.policy.statements` (or `conditions::items`, `variables::for_each_site`,
/// `actions::broad_grants`) considers one statement at a time and nothing outside it. Rules
/// that compare statements (duplicate Sids, redundant statements, allow overridden by deny,
/// denies breaking dependent actions, allow-list boundaries, the policy's service), that look
/// at the whole document (syntax, elements, Version, size, KMS root statement), the
/// configuration or the group members are not listed.
pub const PER_STATEMENT: &[&str] = &[
    "IAM004", "IAM010", "IAM011", "IAM012", "IAM013", "IAM014", "IAM023", "IAM030", "IAM031",
    "IAM101", "IAM102", "IAM103", "IAM104", "IAM106", "IAM107", "IAM201", "IAM202", "IAM203",
    "IAM204", "IAM205", "IAM206", "IAM207", "IAM208", "IAM209", "IAM210", "IAM211", "IAM212",
    "IAM214", "IAM301", "IAM302", "IAM303", "IAM304", "IAM305", "IAM306", "IAM307", "IAM308",
    "IAM309", "IAM310", "IAM311", "IAM312", "IAM313", "IAM314", "IAM315", "IAM316", "IAM317",
    "IAM318", "IAM319", "IAM320", "IAM321", "IAM322", "IAM323", "IAM324", "IAM325", "IAM326",
    "IAM327", "IAM330", "IAM331", "IAM332", "IAM333", "IAM334", "IAM335", "IAM336", "IAM337",
    "IAM401", "IAM402", "IAM404", "IAM405", "IAM501", "IAM502", "IAM503", "IAM504", "IAM505",
    "IAM506", "IAM507", "IAM508", "IAM509", "IAM510", "IAM511", "IAM601", "IAM602", "IAM603",
    "IAM604", "IAM605", "IAM606", "IAM607", "IAM608", "IAM609", "IAM610", "IAM611", "IAM612",
    "IAM613", "IAM614", "IAM615", "IAM616", "IAM617", "IAM618", "IAM619", "IAM901", "IAM902",
    "IAM904", "IAM907", "IAM908", "IAM911", "IAM912", "IAM913", "IAM914", "IAM915", "IAM916",
    "IAM917", "IAM930", "IAM931", "IAM932",
];

/// True when `rule` is one of the [`PER_STATEMENT`] rules.
pub fn is_per_statement(rule: &Rule) -> bool {
    PER_STATEMENT.contains(&rule.code)
}

/// Findings of the statement rules, per statement, from the last analysis of a document.
/// Shared between threads; see the module documentation for what it may and may not do.
#[derive(Debug, Default)]
pub struct FindingsCache {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    env: Option<CacheEnv>,
    /// Codes of the statement rules that reported outside their statement under this
    /// environment: they run over the whole policy.
    demoted: Vec<&'static str>,
    /// By statement index, the statements of the last analysis.
    entries: ByIndex,
    /// Entries of earlier analyses that the last one did not use, with the index they were
    /// made at, oldest first; their texts add up to at most the last document's length.
    kept: Vec<(usize, Arc<Entry>)>,
    /// Statements answered from the cache and statements analysed, in the last analysis.
    reused: usize,
    analysed: usize,
}

/// Everything besides the statement that the statement rules' findings depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CacheEnv {
    kind: PolicyKind,
    version: Option<String>,
    today: i64,
    object_form: bool,
    rules: Vec<&'static str>,
}

/// One statement's findings, spans relative to the statement's first byte.
#[derive(Debug)]
struct Entry {
    lead: Box<str>,
    text: Box<str>,
    /// (position of the rule in the list the cache was asked to run, finding).
    diags: Vec<(usize, Diag)>,
    /// No finding's text mentions the statement's index or number ([`index_free`]): the
    /// entry also answers for the same text at another position in the array.
    index_free: bool,
}

/// Entries by the index of their statement in the `Statement` array (a slot per index, so a
/// look-up costs no hashing).
type ByIndex = Vec<Option<Arc<Entry>>>;

/// Entries (current and kept) by the length of their statement's text, each with the index it
/// was made at.
type ByLength<'a> = HashMap<usize, Vec<(usize, &'a Arc<Entry>)>>;

/// What [`FindingsCache::check`] gives back.
pub(crate) struct Outcome {
    /// (position of the rule in `rules`, finding with absolute spans).
    pub diags: Vec<(usize, Diag)>,
    /// Positions of the rules the cache did not answer for: run them over the whole policy.
    pub whole: Vec<usize>,
}

/// What comes just before `span`: the blanks before it and the character before those (a line
/// break, `[` or `,`), so that a statement moved to another column or line is not a hit.
fn lead(text: &str, span: Span) -> &str {
    let before = text.get(..span.start).unwrap_or("");
    let start = before
        .rfind(|c: char| !matches!(c, ' ' | '\t'))
        .unwrap_or(0);
    &before[start..]
}

fn shift(diag: &Diag, by: isize) -> Diag {
    let at = |s: Span| {
        Span::new(
            s.start.wrapping_add_signed(by),
            s.end.wrapping_add_signed(by),
        )
    };
    let mut out = diag.clone();
    out.span = at(out.span);
    for fix in &mut out.fixes {
        for edit in &mut fix.edits {
            edit.span = at(edit.span);
        }
    }
    out
}

/// True when no finding of `diags`, made for the statement at `index`, mentions that index or
/// the statement's number (`index + 1`) as a number of its own in its message, a fix title or
/// a fix's text: then the findings of the same statement text at another index are these
/// with that index. (A rule that numbers its statement writes one of the two; a mention of
/// the same digits for another reason only makes the entry positional, never wrong.)
fn index_free(diags: &[(usize, Diag)], index: usize) -> bool {
    let numbers = [index.to_string(), (index + 1).to_string()];
    let mentions = |text: &str| numbers.iter().any(|n| mentions_number(text, n));
    diags.iter().all(|(_, d)| {
        !mentions(&d.message)
            && d.fixes
                .iter()
                .all(|f| !mentions(&f.title) && f.edits.iter().all(|e| !mentions(&e.text)))
    })
}

/// True when the decimal `digits` occur in `text` with no digit just before or after them.
fn mentions_number(text: &str, digits: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(digits).any(|(at, _)| {
        let before = at
            .checked_sub(1)
            .and_then(|i| bytes.get(i))
            .is_some_and(u8::is_ascii_digit);
        let after = bytes.get(at + digits.len()).is_some_and(u8::is_ascii_digit);
        !before && !after
    })
}

/// The entries to keep besides `entries` (this analysis's): the earlier kept ones and those of
/// the last analysis's `old` ones whose statement is missing from this analysis (no statement
/// at their index: swallowed by a half-typed one, or removed), oldest first, the oldest
/// dropped until their texts add up to at most `budget` bytes. The earlier texts of a
/// statement that is still there (the one being typed in, which changes at every keystroke)
/// are not kept: they would push out the entries worth keeping.
fn keep(
    old: ByIndex,
    kept: Vec<(usize, Arc<Entry>)>,
    entries: &ByIndex,
    present: &[usize],
    budget: usize,
) -> Vec<(usize, Arc<Entry>)> {
    // In statement order, so that eviction is the same every run.
    let old: Vec<(usize, Arc<Entry>)> = old
        .into_iter()
        .enumerate()
        .filter_map(|(index, e)| Some((index, e?)))
        .filter(|(index, _)| present.binary_search(index).is_err())
        .collect();
    // Most keystrokes have nothing to keep: then the set of the entries in use is not built.
    if kept.is_empty() && old.is_empty() {
        return Vec::new();
    }
    let used: std::collections::HashSet<*const Entry> =
        entries.iter().flatten().map(Arc::as_ptr).collect();
    let mut out: Vec<(usize, Arc<Entry>)> = kept
        .into_iter()
        .chain(old)
        .filter(|(_, e)| !used.contains(&Arc::as_ptr(e)))
        .collect();
    let mut total: usize = out.iter().map(|(_, e)| e.text.len()).sum();
    let mut first = 0;
    while total > budget && first < out.len() {
        total -= out[first].1.text.len();
        first += 1;
    }
    out.drain(..first);
    out
}

/// True when `diag` names `st` as its statement and lies within it, fixes included.
fn belongs_to(diag: &Diag, st: &Statement<'_>) -> bool {
    let inside = |s: Span| s.start >= st.span.start && s.end <= st.span.end && s.start <= s.end;
    diag.statement == Some(st.index)
        && inside(diag.span)
        && diag
            .fixes
            .iter()
            .flat_map(|f| &f.edits)
            .all(|e| inside(e.span))
}

impl FindingsCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The statement rules that reported outside their statement under the current
    /// environment and so run over the whole policy (see the module documentation).
    pub fn demoted(&self) -> Vec<&'static str> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.demoted.clone()
    }

    /// How many statements the last analysis took from the cache, and how many it analysed.
    pub fn last_run(&self) -> (usize, usize) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (state.reused, state.analysed)
    }

    /// Runs `rules` (all [`PER_STATEMENT`] rules that apply) over `cx`'s statements, reusing the
    /// findings of unchanged statements, and remembers this analysis's statements for the next.
    pub(crate) fn check(&self, cx: &Context<'_>, rules: &[&'static Rule]) -> Outcome {
        let policy = cx.policy;
        let env = CacheEnv {
            kind: cx.kind,
            version: policy.version_str().map(str::to_string),
            today: cx.today,
            object_form: matches!(
                policy
                    .statement
                    .as_ref()
                    .and_then(|f| f.value.as_ref().ok()),
                Some(StatementForm::Object)
            ),
            rules: rules.iter().map(|r| r.code).collect(),
        };
        // The entries are taken, not copied: an analysis running meanwhile on the same cache
        // only finds it empty and does the work itself.
        let (old, kept, mut demoted) = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.env.as_ref() == Some(&env) {
                (
                    std::mem::take(&mut state.entries),
                    std::mem::take(&mut state.kept),
                    state.demoted.clone(),
                )
            } else {
                (Vec::new(), Vec::new(), Vec::new())
            }
        };
        let text = cx.text;
        // Hits and misses, in statement order. A statement is looked up at its index first,
        // then among all the entries, current and kept, with its text's length: one made at
        // the same index, or one that does not depend on its index (when a statement before it
        // was added or removed).
        let mut hits: Vec<(usize, Arc<Entry>)> = Vec::new();
        let mut misses: Vec<usize> = Vec::new();
        let mut by_len: Option<ByLength<'_>> = None;
        for (pos, st) in policy.statements.iter().enumerate() {
            let body = text.get(st.span.start..st.span.end);
            let lead_now = lead(text, st.span);
            let fits = |e: &Arc<Entry>| st.closed && body == Some(&*e.text) && *e.lead == *lead_now;
            let at_index = old.get(st.index).and_then(Option::as_ref);
            let hit = at_index.filter(|e| fits(e)).or_else(|| {
                let body = body.filter(|_| st.closed)?;
                let by_len = by_len.get_or_insert_with(|| {
                    let mut map: ByLength<'_> = HashMap::new();
                    let all = old.iter().enumerate();
                    let all = all.filter_map(|(i, e)| Some((i, e.as_ref()?)));
                    for (index, e) in all.chain(kept.iter().map(|(i, e)| (*i, e))) {
                        map.entry(e.text.len()).or_default().push((index, e));
                    }
                    map
                });
                by_len
                    .get(&body.len())?
                    .iter()
                    .find(|(index, e)| (e.index_free || *index == st.index) && fits(e))
                    .map(|(_, e)| *e)
            });
            match hit {
                Some(e) => hits.push((pos, e.clone())),
                None => misses.push(pos),
            }
        }
        let active: Vec<usize> = (0..rules.len())
            .filter(|&i| !demoted.contains(&rules[i].code))
            .collect();
        // Findings of the misses, per miss.
        let mut fresh: Vec<Vec<(usize, Diag)>> = vec![Vec::new(); misses.len()];
        if !misses.is_empty() {
            let subset;
            let sub_policy = if misses.len() == policy.statements.len() {
                policy
            } else {
                subset = Policy {
                    span: policy.span,
                    root: policy.root,
                    root_invalid: policy.root_invalid,
                    version: policy.version.clone(),
                    id: policy.id.clone(),
                    statement: policy.statement.clone(),
                    statements: misses
                        .iter()
                        .map(|&p| policy.statements[p].clone())
                        .collect(),
                    unknown_elements: policy.unknown_elements.clone(),
                    duplicate_elements: policy.duplicate_elements.clone(),
                };
                &subset
            };
            let sub = Context {
                policy: sub_policy,
                ..*cx
            };
            let mut diags = Vec::new();
            for &slot in &active {
                diags.clear();
                (rules[slot].check)(&sub, &mut diags);
                let mut placed: Vec<(usize, Diag)> = Vec::with_capacity(diags.len());
                let mut stray = false;
                for d in diags.drain(..) {
                    let owner = d.statement.and_then(|index| {
                        let m = misses
                            .binary_search_by_key(&index, |&p| policy.statements[p].index)
                            .ok()?;
                        belongs_to(&d, &policy.statements[misses[m]]).then_some(m)
                    });
                    match owner {
                        Some(m) => placed.push((m, d)),
                        None => {
                            stray = true;
                            break;
                        }
                    }
                }
                if stray {
                    demoted.push(rules[slot].code);
                    continue;
                }
                for (m, d) in placed {
                    fresh[m].push((slot, d));
                }
            }
        }
        let live = |slot: usize| !demoted.contains(&rules[slot].code);
        let mut out = Outcome {
            diags: Vec::new(),
            whole: (0..rules.len()).filter(|&s| !live(s)).collect(),
        };
        let slots = policy.statements.last().map_or(0, |st| st.index + 1);
        let mut entries: ByIndex = vec![None; slots];
        for (pos, entry) in &hits {
            let st = &policy.statements[*pos];
            for (slot, d) in &entry.diags {
                if live(*slot) {
                    let mut d = shift(d, st.span.start as isize);
                    // Every finding of an entry was made in its statement (`belongs_to`).
                    d.statement = Some(st.index);
                    out.diags.push((*slot, d));
                }
            }
            entries[st.index] = Some(entry.clone());
        }
        for (m, found) in fresh.into_iter().enumerate() {
            let st = &policy.statements[misses[m]];
            let found: Vec<(usize, Diag)> = found.into_iter().filter(|(s, _)| live(*s)).collect();
            if st.closed
                && let Some(body) = text.get(st.span.start..st.span.end)
            {
                let relative: Vec<(usize, Diag)> = found
                    .iter()
                    .map(|(s, d)| (*s, shift(d, -(st.span.start as isize))))
                    .collect();
                entries[st.index] = Some(Arc::new(Entry {
                    lead: lead(text, st.span).into(),
                    text: body.into(),
                    index_free: index_free(&relative, st.index),
                    diags: relative,
                }));
            }
            out.diags.extend(found);
        }
        let present: Vec<usize> = policy.statements.iter().map(|st| st.index).collect();
        let kept = keep(old, kept, &entries, &present, text.len());
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = State {
            env: Some(env),
            demoted,
            entries,
            kept,
            reused: hits.len(),
            analysed: misses.len(),
        };
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Diag, index_free, mentions_number};
    use crate::rules::Fix;
    use crate::syntax::Span;

    #[test]
    fn a_number_counts_only_on_its_own() {
        assert!(mentions_number("statement #4 repeats it", "4"));
        assert!(mentions_number("4", "4"));
        assert!(mentions_number("Statement[12].Action", "12"));
        assert!(!mentions_number("over 5,120 characters", "12"));
        assert!(!mentions_number("statement #41", "4"));
        assert!(!mentions_number("arn:aws:s3:::bucket-0123", "12"));
        assert!(mentions_number("s3:GetObject", "3"));
    }

    #[test]
    fn entries_that_number_their_statement_stay_in_place() {
        let diag = |message: &str| Diag::new(Span::new(0, 1), message).in_statement(3);
        // Index 3 is statement #4.
        assert!(!index_free(&[(0, diag("statement #4 allows it"))], 3));
        assert!(!index_free(&[(0, diag("Statement[3] allows it"))], 3));
        assert!(index_free(&[(0, diag("statement #40 allows it"))], 3));
        assert!(index_free(&[(0, diag("unknown action s3:GetObjct"))], 100));
        let fixed = diag("typo").with_fix(Fix::replace("Use statement 4", Span::new(0, 1), "x"));
        assert!(!index_free(&[(0, fixed)], 3));
        // Digits next to letters count too (conservative: the entry only stays in place).
        let edited = diag("typo").with_fix(Fix::replace("Rename", Span::new(0, 1), "S4"));
        assert!(!index_free(&[(0, edited)], 3));
        let edited = diag("typo").with_fix(Fix::replace("Rename", Span::new(0, 1), "S40"));
        assert!(index_free(&[(0, edited)], 3));
        let edited = diag("typo").with_fix(Fix::replace("Rename", Span::new(0, 1), "Sid 4"));
        assert!(!index_free(&[(0, edited)], 3));
    }
}
