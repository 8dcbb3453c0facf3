//! ## What it does
//! Flags a statement that another statement of the same policy makes redundant, and offers to
//! remove it. Two cases are proven, nothing else is guessed:
//!
//! - **Duplicate**: the same effect, principals, actions, resources and conditions, whatever the
//!   order of list items, the letter case of action names, or the Sid.
//! - **Covered actions**: the same effect, principals, resources and conditions, and every
//!   `Action` of this statement is matched by an `Action` pattern of the other (`s3:Get*` covers
//!   `s3:GetObject` and `s3:GetObjectAcl`; `s3:*` covers `s3:Get*`).
//!
//! Statements with a value of the wrong type, an unknown or repeated element, or an unreadable
//! part are never compared. Resources, condition keys and operators are compared exactly as
//! written, so equivalent but differently written statements are not reported.
//!
//! ## Why it matters
//! A redundant statement grants or denies nothing more, but readers assume it does, reviews take
//! longer and the policy creeps toward its size limit. When the two statements were meant to
//! differ (another resource, another condition), the duplicate shows what was lost.
//!
//! ## Example
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::examplebucket/*"},
//!     {"Sid": "ReadObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": "arn:aws:s3:::examplebucket/*"}
//!   ]
//! }
//! ```
//!
//! ## Fix
//! ```json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::examplebucket/*"}
//!   ]
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::policy::{Condition, Field, Principal, Scalar, Statement, StrList};
use crate::rules::structure::{opening, remove_fix, statement_label};
use crate::rules::support::Caseless;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM050",
    name: "redundant-statement",
    category: Category::Structure,
    severity: Severity::Suggestion,
    kinds: Kinds::All,
    since: "0.1.0",
    sources: &["Access Analyzer: REDUNDANT_STATEMENT"],
    summary: "A statement repeats, or is covered by, another statement.",
    check,
};

/// Everything of a statement but its actions and Sid, in a form where equal means equivalent.
#[derive(PartialEq, Eq, Hash)]
struct Rest<'a> {
    effect: &'a str,
    principal: Option<PrincipalCanon<'a>>,
    not_principal: Option<PrincipalCanon<'a>>,
    resource: Option<Vec<&'a str>>,
    not_resource: Option<Vec<&'a str>>,
    condition: Option<ConditionCanon<'a>>,
}

#[derive(PartialEq, Eq, Hash)]
enum PrincipalCanon<'a> {
    Str(&'a str),
    Map(BTreeMap<&'a str, Vec<&'a str>>),
}

/// Operator → key → values, each value with its JSON type (`true` and `"true"` kept apart).
type ConditionCanon<'a> = BTreeMap<&'a str, BTreeMap<&'a str, BTreeSet<(u8, &'a str)>>>;

/// The actions of a statement, ready for comparison.
struct Actions<'a> {
    /// `Action` patterns, when the statement uses `Action`.
    actions: Option<Vec<Caseless<'a>>>,
    /// The patterns of `actions` with a wildcard: only these can cover another name.
    wildcards: Vec<&'a str>,
    /// `NotAction` patterns, when the statement uses `NotAction`.
    not_actions: Option<Vec<Caseless<'a>>>,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    let statements = &cx.policy.statements;
    if statements.len() < 2 {
        return;
    }
    // Group by everything but the actions: only statements in one group can cover each other.
    // This rule runs over the whole policy on every keystroke, so the work is kept to the
    // statements that can share a group: a statement whose fingerprint no other statement
    // shares cannot (equal `Rest`s have equal fingerprints), and its `Rest` is not built. The
    // others are grouped by hashing their `Rest`, in one pass (sorting cost more); groups come
    // in the order of their first statement, each in statement order, and the action sets are
    // built only for the groups' statements.
    let prints: Vec<u64> = statements.iter().map(fingerprint).collect();
    let mut seen: HashMap<u64, bool> = HashMap::with_capacity(statements.len());
    for p in &prints {
        seen.entry(*p)
            .and_modify(|shared| *shared = true)
            .or_insert(false);
    }
    let rests: Vec<Option<Rest<'_>>> = statements
        .iter()
        .zip(&prints)
        .map(|(st, p)| if seen[p] { rest(st) } else { None })
        .collect();
    let mut first_of: HashMap<&Rest<'_>, usize> = HashMap::with_capacity(statements.len());
    let mut leader: Vec<Option<usize>> = Vec::with_capacity(statements.len());
    let mut members = vec![0usize; statements.len()];
    for (i, r) in rests.iter().enumerate() {
        let first = r.as_ref().map(|r| *first_of.entry(r).or_insert(i));
        if let Some(first) = first {
            members[first] += 1;
        }
        leader.push(first);
    }
    let mut order: Vec<Vec<usize>> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; statements.len()];
    for (i, first) in leader.iter().enumerate() {
        let Some(first) = *first else { continue };
        if members[first] < 2 {
            continue;
        }
        let at = *slot[first].get_or_insert_with(|| {
            order.push(Vec::new());
            order.len() - 1
        });
        order[at].push(i);
    }
    if order.is_empty() {
        return;
    }
    let mut reported = vec![false; statements.len()];
    for group in order {
        let actions: Vec<Option<Actions<'_>>> =
            group.iter().map(|&i| actions(&statements[i])).collect();
        for a_pos in 0..group.len() {
            for b_pos in a_pos + 1..group.len() {
                let (a, b) = (group[a_pos], group[b_pos]);
                let (Some(ca), Some(cb)) = (&actions[a_pos], &actions[b_pos]) else {
                    continue;
                };
                if reported[a] || reported[b] {
                    continue;
                }
                // `b` comes after `a`: prefer reporting the later one of a duplicate pair.
                if covers(ca, cb) {
                    reported[b] = true;
                    out.push(finding(cx, &statements[b], &statements[a], ca, cb));
                } else if covers(cb, ca) {
                    reported[a] = true;
                    out.push(finding(cx, &statements[a], &statements[b], cb, ca));
                }
            }
        }
    }
}

fn finding(
    cx: &Context<'_>,
    redundant: &Statement<'_>,
    by: &Statement<'_>,
    c_by: &Actions<'_>,
    c_redundant: &Actions<'_>,
) -> Diag {
    let exact = c_by.actions == c_redundant.actions && c_by.not_actions == c_redundant.not_actions;
    let message = if exact {
        format!(
            "This statement repeats {} (same effect, principals, actions, resources and conditions), so it adds nothing; remove one of them",
            statement_label(by)
        )
    } else {
        format!(
            "Every action of this statement is already covered by {}, which has the same effect, principals, resources and conditions; this statement adds nothing",
            statement_label(by)
        )
    };
    Diag::new(opening(redundant.span), message)
        .in_statement(redundant.index)
        .with_fix(remove_fix(
            cx,
            "Remove the redundant statement",
            redundant.span,
        ))
}

/// True when every action `b` matches, `a` matches too (the rest of the two statements is
/// already known to be equal).
fn covers(a: &Actions<'_>, b: &Actions<'_>) -> bool {
    match (&a.actions, &b.actions, &a.not_actions, &b.not_actions) {
        (Some(aa), Some(ba), None, None) => ba.iter().all(|p| {
            aa.binary_search(p).is_ok() || a.wildcards.iter().any(|q| pattern_covers(q, p.0))
        }),
        (None, None, Some(an), Some(bn)) => an == bn,
        _ => false,
    }
}

/// True when every string the IAM pattern `b` matches is also matched by the pattern `a`
/// (ignoring ASCII case; `*` any run of characters, `?` one character). A sufficient test: `a`
/// must match the text of `b`, where `b`'s `*` can only be absorbed by `a`'s `*`. This is glob
/// matching with one backtracking point, so it allocates nothing.
fn pattern_covers(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        glob_covers(a.as_bytes(), b.as_bytes(), |x, y| {
            x.eq_ignore_ascii_case(&y)
        })
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        glob_covers(&a, &b, |x, y| x.eq_ignore_ascii_case(&y))
    }
}

/// The matcher behind [`pattern_covers`], over bytes or chars.
fn glob_covers<T: Copy + PartialEq + Wild>(a: &[T], b: &[T], same: impl Fn(T, T) -> bool) -> bool {
    let (mut i, mut j) = (0, 0);
    // Where the last `*` of `a` was, and the position in `b` it has absorbed up to.
    let mut star: Option<(usize, usize)> = None;
    while j < b.len() {
        if i < a.len() && a[i].is_star() {
            star = Some((i, j));
            i += 1;
        } else if i < a.len()
            && ((a[i].is_question() && !b[j].is_star())
                || (!a[i].is_question() && same(a[i], b[j])))
        {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            // Let the last `*` absorb one more character of `b` and retry.
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    a[i..].iter().all(|c| c.is_star())
}

/// The two IAM wildcards, for bytes and chars.
trait Wild {
    fn is_star(&self) -> bool;
    fn is_question(&self) -> bool;
}

impl Wild for u8 {
    fn is_star(&self) -> bool {
        *self == b'*'
    }
    fn is_question(&self) -> bool {
        *self == b'?'
    }
}

impl Wild for char {
    fn is_star(&self) -> bool {
        *self == '*'
    }
    fn is_question(&self) -> bool {
        *self == '?'
    }
}

/// The comparable form of a statement but its actions, or `None` when some part cannot be read
/// with certainty.
fn rest<'a>(st: &'a Statement<'a>) -> Option<Rest<'a>> {
    if !st.closed || !st.unknown_elements.is_empty() || !st.duplicate_elements.is_empty() {
        return None;
    }
    if st.action.is_some() == st.not_action.is_some() {
        return None;
    }
    let effect = st.effect.as_ref()?.ok()?;
    if !matches!(effect.value, "Allow" | "Deny") {
        return None;
    }
    Some(Rest {
        effect: effect.value,
        principal: opt(&st.principal, principal)?,
        not_principal: opt(&st.not_principal, principal)?,
        resource: opt(&st.resource, strings)?,
        not_resource: opt(&st.not_resource, strings)?,
        condition: opt(&st.condition, condition)?,
    })
}

/// A summary of the statement's [`rest`] that allocates nothing: two statements with equal
/// `Rest`s have equal fingerprints (sets are summarised by functions of their members that
/// ignore order and repeats; actions, Sid and unreadable parts are left out or counted the same
/// way), so only statements that share a fingerprint need their `Rest` built. In a large policy
/// almost none do.
fn fingerprint(st: &Statement<'_>) -> u64 {
    fn list(l: &Option<Field<'_, StrList<'_>>>) -> u64 {
        match l.as_ref().map(Field::ok) {
            None => 1,
            Some(None) => 2,
            Some(Some(list)) => set(list.strings().map(|s| hash(s.value))),
        }
    }
    fn principal(p: &Option<Field<'_, Principal<'_>>>) -> u64 {
        match p.as_ref().map(Field::ok) {
            None => 1,
            Some(None) => 2,
            Some(Some(Principal::Str(s))) => hash(s.value),
            Some(Some(Principal::Map(map))) => set(map.entries.iter().map(|e| {
                let values = e
                    .field
                    .ok()
                    .map_or(3, |l| set(l.strings().map(|s| hash(s.value))));
                mix(hash(e.key.name) ^ values.rotate_left(17))
            })),
        }
    }
    let condition = match st.condition.as_ref().map(Field::ok) {
        None => 1,
        Some(None) => 2,
        Some(Some(c)) => set(c.blocks.iter().map(|b| {
            let entries = set(b.entries().iter().map(|e| {
                let values = set(e.values().iter().map(|v| {
                    let tag = match v {
                        Scalar::String(_) => 0,
                        Scalar::Number { .. } => 1,
                        _ => 2,
                    };
                    hash(v.text().unwrap_or("")).wrapping_add(tag)
                }));
                mix(hash(e.key.name) ^ values.rotate_left(17))
            }));
            mix(hash(b.operator.name) ^ entries.rotate_left(29))
        })),
    };
    let effect = st
        .effect
        .as_ref()
        .and_then(Field::ok)
        .map_or(0, |e| hash(e.value));
    [
        principal(&st.principal),
        principal(&st.not_principal),
        list(&st.resource),
        list(&st.not_resource),
        condition,
    ]
    .into_iter()
    .fold(effect, |acc, part| mix(acc ^ part))
}

/// A fast hash of a string (not for anything an attacker could exploit: a collision only means
/// two statements are compared in full).
fn hash(s: &str) -> u64 {
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut h = s.len() as u64;
    // Whole words with a fixed-size copy (one load); a copy of a variable length was a call.
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = step(h, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let word = rest
            .iter()
            .rev()
            .fold(0u64, |word, &b| (word << 8) | u64::from(b));
        h = step(h, word);
    }
    mix(h)
}

/// Spreads the bits of `h` (the finaliser of SplitMix64).
fn mix(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A summary of a set of hashes that ignores their order and repeats.
fn set(hashes: impl Iterator<Item = u64>) -> u64 {
    let (mut or, mut min, mut max) = (0u64, u64::MAX, 0u64);
    for h in hashes {
        or |= h;
        min = min.min(h);
        max = max.max(h);
    }
    mix(or ^ mix(min).rotate_left(21) ^ mix(max).rotate_left(42))
}

/// The comparable form of a statement's `Action` or `NotAction`.
fn actions<'a>(st: &'a Statement<'a>) -> Option<Actions<'a>> {
    let actions = opt(&st.action, caseless)?;
    let not_actions = opt(&st.not_action, caseless)?;
    if actions.is_none() == not_actions.is_none() {
        return None;
    }
    let wildcards = actions
        .iter()
        .flatten()
        .map(|c| c.0)
        .filter(|p| p.contains(['*', '?']))
        .collect();
    Some(Actions {
        actions,
        wildcards,
        not_actions,
    })
}

/// `Some(None)` for an absent element, `Some(Some(x))` for a readable one, `None` otherwise.
fn opt<'a, T, U>(
    field: &'a Option<Field<'a, T>>,
    f: impl FnOnce(&'a T) -> Option<U>,
) -> Option<Option<U>> {
    match field {
        None => Some(None),
        Some(field) => f(field.ok()?).map(Some),
    }
}

/// The strings of a list as a set: sorted, without repeats (a sorted `Vec` compares like a
/// `BTreeSet` and costs one sort instead of a tree insertion per string). `None` unless the list
/// is closed, not empty, and only holds terminated strings.
fn strings<'a>(list: &'a StrList<'a>) -> Option<Vec<&'a str>> {
    sorted_set(list, |s| s)
}

/// [`strings`], comparing ignoring ASCII case (actions).
fn caseless<'a>(list: &'a StrList<'a>) -> Option<Vec<Caseless<'a>>> {
    sorted_set(list, Caseless)
}

fn sorted_set<'a, T: Ord>(list: &'a StrList<'a>, f: impl Fn(&'a str) -> T) -> Option<Vec<T>> {
    if !list.closed || list.invalid().next().is_some() || list.is_empty() {
        return None;
    }
    let mut set = Vec::with_capacity(list.items.len());
    for s in list.strings() {
        if !s.terminated {
            return None;
        }
        set.push(f(s.value));
    }
    set.sort_unstable();
    set.dedup();
    Some(set)
}

fn principal<'a>(p: &'a Principal<'a>) -> Option<PrincipalCanon<'a>> {
    match p {
        Principal::Str(s) => s.terminated.then_some(PrincipalCanon::Str(s.value)),
        Principal::Map(map) => {
            if !map.closed {
                return None;
            }
            let mut out = BTreeMap::new();
            for e in &map.entries {
                let values = strings(e.field.ok()?)?;
                if out.insert(e.key.name, values).is_some() {
                    return None;
                }
            }
            Some(PrincipalCanon::Map(out))
        }
    }
}

fn condition<'a>(c: &'a Condition<'a>) -> Option<ConditionCanon<'a>> {
    if !c.closed {
        return None;
    }
    let mut out: ConditionCanon<'a> = BTreeMap::new();
    for block in &c.blocks {
        let mut keys = BTreeMap::new();
        for entry in block.field.ok()? {
            let list = entry.field.ok()?;
            if !list.closed {
                return None;
            }
            let mut values = BTreeSet::new();
            for v in &list.items {
                let tag = match v {
                    Scalar::String(s) if s.terminated => 0,
                    Scalar::Number { .. } => 1,
                    Scalar::Bool { .. } => 2,
                    _ => return None,
                };
                values.insert((tag, v.text()?));
            }
            if keys.insert(entry.key.name, values).is_some() {
                return None;
            }
        }
        if out.insert(block.operator.name, keys).is_some() {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;
    use crate::rules::structure::test_support::apply_all_fixes;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "redundant-statement";

    #[test]
    fn flags_duplicates_and_covered_actions() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
  {"Sid": "B", "Effect": "Allow", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b"], "Action": ["S3:ListBucket", "s3:getobject"], "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}},
  {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*"},
  {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
  {"Effect": "Deny", "Action": "ec2:Terminate*", "Resource": "*"}
]}"#;
        insta::assert_snapshot!(render(text, &run_rule(NAME, text, None)));
        let fixed = apply_all_fixes(NAME, text, None);
        assert!(run_rule(NAME, &fixed, None).is_empty(), "{fixed}");
        assert!(fixed.contains(r#""Sid": "A""#) && !fixed.contains(r#""Sid": "B""#));
        assert!(fixed.contains(r#""ec2:*""#) && !fixed.contains("ec2:Terminate"));
    }

    #[test]
    fn anything_that_differs_is_kept() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B/*"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": true}}},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject?", "Resource": "arn:aws:s3:::b/*", "Extra": 1},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["s3:GetObject", 5], "Resource": "arn:aws:s3:::b/*"}
]}"#;
        assert!(run_rule(NAME, text, Some(PolicyKind::Resource)).is_empty());
    }

    #[test]
    fn same_not_actions_are_duplicates_but_not_subsets() {
        let dup = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"},
  {"Effect": "Deny", "NotAction": ["sts:*", "iam:*"], "Resource": "*"}
]}"#;
        assert_eq!(run_rule(NAME, dup, None).len(), 1);
        let subset = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*"},
  {"Effect": "Deny", "NotAction": ["sts:*", "iam:*"], "Resource": "*"}
]}"#;
        assert!(run_rule(NAME, subset, None).is_empty());
    }

    /// Equal `Rest`s must have equal fingerprints, or a duplicate goes unseen: the same
    /// principals, resources and conditions written in another order, with repeats, in one
    /// value or an array, still make the second statement a duplicate.
    #[test]
    fn statements_equal_in_another_order_share_a_fingerprint() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"], "Service": "s3.amazonaws.com"}, "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"], "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1", "s3:prefix": ["a", "b"]}, "Bool": {"aws:SecureTransport": "true"}}},
  {"Resource": ["arn:aws:s3:::c/*", "arn:aws:s3:::b/*", "arn:aws:s3:::c/*"], "Condition": {"Bool": {"aws:SecureTransport": ["true"]}, "StringEquals": {"s3:prefix": ["b", "a", "b"], "aws:PrincipalOrgID": ["o-1"]}}, "Principal": {"Service": ["s3.amazonaws.com"], "AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:root"]}, "Action": "s3:GetObject", "Effect": "Allow"}
]}"#;
        let parsed = crate::syntax::parse(text);
        let policy = crate::policy::Policy::from_parse(&parsed);
        let [a, b] = &policy.statements[..] else {
            panic!("two statements")
        };
        assert!(rest(a).is_some() && rest(a) == rest(b));
        assert_eq!(fingerprint(a), fingerprint(b));
        assert_eq!(run_rule(NAME, text, Some(PolicyKind::Resource)).len(), 1);
        // A different value changes it (not required, but a fingerprint that never differs
        // would save nothing).
        let other = text.replacen("\"o-1\"]", "\"o-2\"]", 1);
        let parsed = crate::syntax::parse(&other);
        let policy = crate::policy::Policy::from_parse(&parsed);
        assert_ne!(
            fingerprint(&policy.statements[0]),
            fingerprint(&policy.statements[1])
        );
    }

    #[test]
    fn pattern_coverage_is_sound() {
        assert!(pattern_covers("s3:*", "s3:get*"));
        assert!(pattern_covers("S3:Get*", "s3:getObject"));
        assert!(pattern_covers("s3:*Object*", "s3:GetObjectAcl"));
        assert!(!pattern_covers("s3:*Object", "s3:GetObjectAcl"));
        assert!(pattern_covers("ü*", "üß"));
        assert!(!pattern_covers("?", "ü*"));
        assert!(pattern_covers("*", "ec2:describe?nstances"));
        assert!(pattern_covers("s3:get?bject", "s3:getobject"));
        assert!(pattern_covers("s3:get*", "s3:get?"));
        assert!(!pattern_covers("s3:get?", "s3:get*"));
        assert!(!pattern_covers("s3:get*", "s3:*"));
        assert!(!pattern_covers("s3:getobject", "s3:getobject*"));
        assert!(pattern_covers("", ""));
        assert!(!pattern_covers("", "a"));
        assert!(pattern_covers("*", ""));
    }
}
