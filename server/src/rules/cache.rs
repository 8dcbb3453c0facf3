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
//! - the statement's position in the `Statement` array (messages number statements, and
//!   findings carry the index for silencing by `Sid`), its text byte for byte (compared in
//!   full, not through a hash), and the white space just before it on its line;
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
//! The cache is owned by whoever keeps the document (the language server's document store
//! keeps one per open document) and handed to the analysis; the analysis stays a function of
//! the snapshot, the cache only saves work. It holds the entries of the statements of the last
//! analysis and nothing else, so its size follows the document's. `server/tests/findings_cache.rs`
//! holds it to the uncached findings after random edits of the corpora.

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
    /// By statement index.
    entries: HashMap<usize, Arc<Entry>>,
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
}

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
        let (old, mut demoted) = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.env.as_ref() == Some(&env) {
                (state.entries.clone(), state.demoted.clone())
            } else {
                (HashMap::new(), Vec::new())
            }
        };
        let text = cx.text;
        // Hits and misses, in statement order.
        let mut hits: Vec<(usize, Arc<Entry>)> = Vec::new();
        let mut misses: Vec<usize> = Vec::new();
        for (pos, st) in policy.statements.iter().enumerate() {
            let body = text.get(st.span.start..st.span.end);
            let hit = old
                .get(&st.index)
                .filter(|e| st.closed && body == Some(&*e.text) && *e.lead == *lead(text, st.span));
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
        let mut entries: HashMap<usize, Arc<Entry>> =
            HashMap::with_capacity(policy.statements.len());
        for (pos, entry) in &hits {
            let st = &policy.statements[*pos];
            for (slot, d) in &entry.diags {
                if live(*slot) {
                    out.diags.push((*slot, shift(d, st.span.start as isize)));
                }
            }
            entries.insert(st.index, entry.clone());
        }
        for (m, found) in fresh.into_iter().enumerate() {
            let st = &policy.statements[misses[m]];
            let found: Vec<(usize, Diag)> = found.into_iter().filter(|(s, _)| live(*s)).collect();
            if st.closed
                && let Some(body) = text.get(st.span.start..st.span.end)
            {
                let relative = found
                    .iter()
                    .map(|(s, d)| (*s, shift(d, -(st.span.start as isize))))
                    .collect();
                entries.insert(
                    st.index,
                    Arc::new(Entry {
                        lead: lead(text, st.span).into(),
                        text: body.into(),
                        diags: relative,
                    }),
                );
            }
            out.diags.extend(found);
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = State {
            env: Some(env),
            demoted,
            entries,
            reused: hits.len(),
            analysed: misses.len(),
        };
        out
    }
}
