//! Incremental parsing: a parse of an edited text that reuses the containers the previous parse
//! built where the edit cannot have changed them, and gives exactly the tree and errors a full
//! [`super::parse`] gives.
//!
//! Why it is exact: the parser reads forward with one cursor, so parsing a value is a function
//! of the text from the value's first byte on, of its depth, of the closing brackets the
//! containers around it expect (`closers`, which decide how a stray `]` or `}` is recovered) and
//! of whether the depth error was already reported. Nothing else of the parser's state is read.
//! So when the new parse is about to parse an object or array at the same depth, under the same
//! closers and depth flag, at a place where the text it would read is the text the old parse
//! read there, the old result (node, end, errors, in the order they were reported) is the new
//! result, moved by the edit's length. Two such places exist:
//!
//! - **before the edit**: the old value and everything it looked at ([`Entry::read_end`], its
//!   farthest look-ahead plus [`SLACK`] bytes) end before the first changed byte;
//! - **after the edit**: the value starts in the unchanged tail, which it reads to the end at
//!   most, and the tail is the same bytes in both texts.
//!
//! Most values do not even depend on their depth, closers and flag: the depth is read only
//! against [`MAX_DEPTH`] (and the flag only past it), and the closers only when a stray closer
//! or an unclosed array asks whether an enclosing container expects a `}` or `]`, which the
//! value's own containers usually answer. A parse notes the lowest closer it looked at
//! ([`Entry::reach`]) and how deep it went ([`Entry::height`]); a value that looked at no
//! closer from outside and stays clear of the limit is reused at any depth, under any closers
//! ([`Entry::free`]). That is what typing needs: a half-typed statement turns the statements
//! after it into its member values, items of its unclosed array or junk where its next key
//! should be, and back, keystroke after keystroke, and they are taken over each time.
//!
//! A parse that remembers ([`parse_incremental`](super::parse_incremental)) records one
//! [`Entry`] per object and array at [`MEMO_DEPTHS`] that it parsed or reused. A reused node is
//! taken out of the previous tree, which the caller hands over with its text and memo
//! ([`Prior`]), or out of the entry itself when the previous parse dropped the value (junk where
//! a key should be). The entries of the values inside a reused one are not carried over: an
//! edit inside such a value later parses that value again, and nothing else.
//!
//! `syntax::incremental_tests` holds the equivalence with a full parse over the corpora, random
//! edits and typing replays.

use super::parser::{MAX_DEPTH, MAX_ERRORS};
use super::tree::{Node, NodeKind, Parse, Span, SyntaxError};
use std::ops::Range;
use std::sync::Arc;

/// Depths (containers around a value) at which objects and arrays are remembered: 2 is a
/// statement in `{"Statement": [...]}` or a resource in a template's `Resources`, deeper ones
/// their parts, or the statements after a half-typed value that swallowed them (an unclosed
/// array in a condition puts them at depth 6, in a template deeper). Below 2 are the document
/// and its `Statement` array, which every edit changes.
pub const MEMO_DEPTHS: std::ops::RangeInclusive<usize> = 2..=20;

/// Bytes past the farthest cursor position that the parser may peek at (the byte under the
/// cursor, the one after it for `//` and `/*`, a UTF-8 character's length).
pub const SLACK: usize = 8;

/// What the next parse needs from the previous one: its text, its tree (whose reusable
/// containers are moved out) and what it remembered.
#[derive(Debug)]
pub struct Prior {
    /// The previous text.
    pub text: Arc<str>,
    /// Its parse.
    pub parse: Parse,
    /// What that parse remembered.
    pub memo: Memo,
}

/// The containers a parse remembered, for the next one (see the module docs).
#[derive(Debug, Default)]
pub struct Memo {
    entries: Vec<Entry>,
    /// The parse's errors in the order they were reported; entries name theirs by range, so a
    /// value nested in many remembered ones does not copy its errors into each.
    errors: Vec<SyntaxError>,
    /// Containers this parse took from the previous one.
    pub reused: usize,
    /// Containers at [`MEMO_DEPTHS`] this parse parsed itself.
    pub parsed: usize,
}

/// One remembered object or array.
#[derive(Debug)]
pub(super) struct Entry {
    /// Its first byte.
    pub start: usize,
    /// Where the cursor was after it.
    pub end: usize,
    /// A bound on the bytes the parser read while on it (its farthest look-ahead plus
    /// [`SLACK`]).
    pub read_end: usize,
    /// Depth, closers and depth flag when it started.
    pub key: Key,
    /// The errors reported while parsing it: a range of the parse's errors in the order they
    /// were reported ([`Memo`]).
    pub errors: Range<usize>,
    /// The lowest index of the closers stack that its parse looked at (`usize::MAX` when it
    /// looked at none). At or above its depth, only closers it pushed itself were read, and
    /// the result holds under any closers around it ([`Entry::free`]).
    pub reach: usize,
    /// How many levels below its own it entered (0 when it holds no object or array).
    pub height: usize,
    /// The node, when the parse dropped it (a value where a key should be): it is not in the
    /// tree, and a later parse that keeps the value takes it from here.
    pub held: Option<Node>,
}

impl Entry {
    /// Whether the result holds at another depth, under other closers and either depth flag:
    /// the parse read no closer from outside the value and entered no container deep enough
    /// for the depth limit (which is where the depth and the flag are read).
    fn free(&self) -> bool {
        let depth = self.key.depth();
        self.key != Key::NEVER && self.reach >= depth && depth + self.height < MAX_DEPTH
    }
}

/// The parser state a value's parse depends on besides the text: depth, the closers of the
/// containers around it (one per level, `}` or `]`, one bit each) and whether the depth error
/// was already reported. Bit 0 is the flag, bits 1 to 7 the depth, bits 8 on the closers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key(u32);

impl Key {
    /// The key of an entry that no look-up matches.
    const NEVER: Key = Key(u32::MAX);

    /// The key of a value about to be parsed at `depth` under `closers`.
    pub fn new(depth: usize, closers: &[u8], deep_reported: bool) -> Key {
        debug_assert!(closers.len() == depth && depth <= *MEMO_DEPTHS.end());
        let mut packed = u32::from(deep_reported) | (depth as u32) << 1;
        for (i, &c) in closers.iter().enumerate() {
            packed |= u32::from(c == b'}') << (8 + i);
        }
        Key(packed)
    }

    /// Whether the depth error had been reported when the value started.
    pub fn deep_reported(self) -> bool {
        self.0 & 1 == 1
    }

    /// The depth the value started at.
    pub fn depth(self) -> usize {
        (self.0 as usize >> 1) & 0x7f
    }
}

/// The incremental part of a parser's state.
pub(super) struct State {
    /// This parse's entries, in order of their start (an entry is pushed when its value starts).
    out: Vec<Entry>,
    prior: Option<Previous>,
    reused: usize,
    parsed: usize,
}

/// The previous parse, as the new one walks through it.
struct Previous {
    entries: Vec<Entry>,
    /// Its errors in the order they were reported.
    errors: Vec<SyntaxError>,
    /// Entries before this one start before every place looked up since (look-ups move
    /// forward, like the cursor).
    cursor: usize,
    root: Option<Node>,
    /// Length of the common prefix of the two texts.
    prefix: usize,
    /// Where the common tail starts in the new text.
    new_tail: usize,
    /// New length minus old length.
    delta: isize,
}

impl State {
    /// A state that records entries, reusing those of `prior` (whose text became `text`).
    pub fn new(text: &str, prior: Option<Prior>) -> State {
        let prior = prior.map(
            |Prior {
                 text: old,
                 parse,
                 memo,
             }| {
                let (prefix, suffix) = common_ends(old.as_bytes(), text.as_bytes());
                Previous {
                    entries: memo.entries,
                    errors: memo.errors,
                    cursor: 0,
                    root: parse.root,
                    prefix,
                    new_tail: text.len() - suffix,
                    delta: text.len() as isize - old.len() as isize,
                }
            },
        );
        State {
            out: Vec::new(),
            prior,
            reused: 0,
            parsed: 0,
        }
    }

    /// The memo of the finished parse.
    pub fn finish(self, errors: Vec<SyntaxError>) -> Memo {
        Memo {
            entries: self.out,
            errors,
            reused: self.reused,
            parsed: self.parsed,
        }
    }

    /// The previous parse's result for an object or array starting at `pos` (new text) at
    /// `depth` with `key`, when it is known to be the new one: the same key, or any key when
    /// the entry is [free](Entry::free) and the depth limit stays out of reach. The node is
    /// taken from the previous tree or entry; when the caller drops it (`keep` false) the
    /// caller gets a placeholder and the new entry holds the node. The value's errors are
    /// appended to `errors` (the new parse's, in the order reported). Returns the node and the
    /// entry recorded for the next parse (where the value ends, what it read).
    pub fn reuse(
        &mut self,
        pos: usize,
        depth: usize,
        key: Key,
        keep: bool,
        errors: &mut Vec<SyntaxError>,
    ) -> Option<(Node, &Entry)> {
        let prior = self.prior.as_mut()?;
        let (old, delta) = if pos >= prior.new_tail {
            (pos.checked_add_signed(-prior.delta)?, prior.delta)
        } else if pos < prior.prefix {
            (pos, 0)
        } else {
            return None;
        };
        prior.cursor += first_at_or_after(&prior.entries[prior.cursor..], old);
        let entry = prior.entries.get_mut(prior.cursor)?;
        let same = entry.key == key;
        if entry.start != old || !(same || entry.free() && depth + entry.height < MAX_DEPTH) {
            return None;
        }
        // Before the edit, the value must not have looked at the changed bytes.
        if delta == 0 && pos < prior.prefix && entry.read_end > prior.prefix {
            return None;
        }
        let reported = prior.errors.get(entry.errors.clone())?;
        // Its errors must all be listed again; past the cap a fresh parse counts them instead.
        if errors.len() + reported.len() > MAX_ERRORS {
            return None;
        }
        let old_depth = entry.key.depth();
        let mut node = match entry.held.take() {
            Some(node) => Some(node),
            None => prior
                .root
                .as_mut()
                .and_then(|root| take(root, old_depth, entry.start, entry.end)),
        };
        if keep && node.is_none() {
            return None;
        }
        if let (Some(node), true) = (&mut node, delta != 0) {
            shift_node(node, delta);
        }
        let (node, held) = if keep {
            (node?, None)
        } else {
            let span = shift(Span::new(entry.start, entry.end), delta);
            let placeholder = Node {
                span,
                kind: NodeKind::Null,
            };
            (placeholder, node)
        };
        let first_error = errors.len();
        errors.extend(reported.iter().map(|error| SyntaxError {
            span: shift(error.span, delta),
            message: error.message.clone(),
        }));
        let end = entry.end.wrapping_add_signed(delta);
        let read_end = entry.read_end.wrapping_add_signed(delta);
        // A free entry read closers of its own only, which move with its depth.
        let reach = match entry.reach {
            reach if same || reach == usize::MAX => reach,
            reach => reach - old_depth + depth,
        };
        self.out.push(Entry {
            start: pos,
            end,
            read_end,
            key,
            errors: first_error..errors.len(),
            reach,
            height: entry.height,
            held,
        });
        self.reused += 1;
        Some((node, self.out.last()?))
    }

    /// Starts the entry of a value parsed here; returns its index for [`State::end`].
    pub fn begin(&mut self, pos: usize, key: Key) -> usize {
        self.parsed += 1;
        self.out.push(Entry {
            start: pos,
            end: pos,
            read_end: usize::MAX,
            key,
            errors: 0..0,
            reach: 0,
            height: 0,
            held: None,
        });
        self.out.len() - 1
    }

    /// Completes entry `slot` (started by [`State::begin`]) with what its parse did. A value
    /// whose parse changed the depth flag is not reusable (the flag belongs to the whole
    /// document): its entry gets a key no look-up has.
    pub fn end(&mut self, slot: usize, mut entry: Entry, reusable: bool) {
        if !reusable {
            entry.key = Key::NEVER;
        }
        self.out[slot] = entry;
    }
}

/// The index of the first of `entries` (sorted by start) that starts at or after `pos`. Look-ups
/// move forward through the entries about one at a time, so the search gallops from the front
/// (a few comparisons of nearby entries) rather than bisecting the whole rest.
fn first_at_or_after(entries: &[Entry], pos: usize) -> usize {
    let mut bound = 1;
    while bound < entries.len() && entries[bound - 1].start < pos {
        bound *= 2;
    }
    let low = bound / 2;
    let high = bound.min(entries.len());
    low + entries[low..high].partition_point(|e| e.start < pos)
}

/// The lengths of the longest common prefix and of the longest common suffix of `a` and `b`
/// that do not overlap it: an edit that turned `a` into `b` changed at most the bytes between
/// them. Also used by the language server's line index to patch the previous revision's one.
pub fn common_ends(a: &[u8], b: &[u8]) -> (usize, usize) {
    let n = a.len().min(b.len());
    let mut prefix = 0;
    // Whole blocks first: the comparison of a block compiles to a few wide loads.
    while prefix + 32 <= n && a[prefix..prefix + 32] == b[prefix..prefix + 32] {
        prefix += 32;
    }
    while prefix < n && a[prefix] == b[prefix] {
        prefix += 1;
    }
    let room = n - prefix;
    let mut suffix = 0;
    while suffix + 32 <= room
        && a[a.len() - suffix - 32..a.len() - suffix] == b[b.len() - suffix - 32..b.len() - suffix]
    {
        suffix += 32;
    }
    while suffix < room && a[a.len() - suffix - 1] == b[b.len() - suffix - 1] {
        suffix += 1;
    }
    (prefix, suffix)
}

/// Moves the object or array spanning `start..end` at `depth` out of `root`, leaving a
/// placeholder with the same span (so later look-ups still find their way by position).
fn take(root: &mut Node, depth: usize, start: usize, end: usize) -> Option<Node> {
    let mut node = root;
    for _ in 0..depth {
        node = child_at(node, start)?;
    }
    let found = node.span == Span::new(start, end)
        && matches!(node.kind, NodeKind::Object { .. } | NodeKind::Array { .. });
    let placeholder = Node {
        span: node.span,
        kind: NodeKind::Null,
    };
    found.then(|| std::mem::replace(node, placeholder))
}

/// The child of `node` whose span holds `pos`.
fn child_at(node: &mut Node, pos: usize) -> Option<&mut Node> {
    let holds = |n: &Node| n.span.start <= pos && pos < n.span.end;
    match &mut node.kind {
        NodeKind::Object { members, .. } => {
            let i = members
                .partition_point(|m| m.span.start <= pos)
                .checked_sub(1)?;
            members[i].value.as_mut().filter(|v| holds(v))
        }
        NodeKind::Array { items, .. } => {
            let i = items
                .partition_point(|n| n.span.start <= pos)
                .checked_sub(1)?;
            Some(&mut items[i]).filter(|n| holds(n))
        }
        _ => None,
    }
}

fn shift(span: Span, delta: isize) -> Span {
    Span::new(
        span.start.wrapping_add_signed(delta),
        span.end.wrapping_add_signed(delta),
    )
}

/// Moves every span of `node` by `delta` bytes.
fn shift_node(node: &mut Node, delta: isize) {
    node.span = shift(node.span, delta);
    match &mut node.kind {
        NodeKind::Object { members, .. } => {
            for member in members {
                member.key_span = shift(member.key_span, delta);
                member.span = shift(member.span, delta);
                if let Some(value) = &mut member.value {
                    shift_node(value, delta);
                }
            }
        }
        NodeKind::Array { items, .. } => {
            for item in items {
                shift_node(item, delta);
            }
        }
        NodeKind::String { content, .. } => *content = shift(*content, delta),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, Key, common_ends, first_at_or_after};

    #[test]
    fn the_first_entry_at_or_after_a_place_is_found_from_any_distance() {
        let entries: Vec<Entry> = [3, 5, 5, 9, 12, 12, 12, 20, 31, 40, 41]
            .iter()
            .map(|&start| Entry {
                start,
                end: start,
                read_end: start,
                key: Key::NEVER,
                errors: 0..0,
                reach: 0,
                height: 0,
                held: None,
            })
            .collect();
        for pos in 0..45 {
            for from in 0..=entries.len() {
                let want = entries[from..].partition_point(|e| e.start < pos);
                assert_eq!(
                    first_at_or_after(&entries[from..], pos),
                    want,
                    "{pos} {from}"
                );
            }
        }
    }

    #[test]
    fn common_ends_do_not_overlap() {
        let long = "x".repeat(100);
        let cases: &[(&str, &str, (usize, usize))] = &[
            ("abc", "abc", (3, 0)),
            ("abc", "abXc", (2, 1)),
            ("aaaa", "aaa", (3, 0)),
            ("", "abc", (0, 0)),
            ("abcdef", "abef", (2, 2)),
        ];
        for &(a, b, want) in cases {
            assert_eq!(common_ends(a.as_bytes(), b.as_bytes()), want, "{a:?} {b:?}");
        }
        let a = format!("{long}1{long}");
        let b = format!("{long}22{long}");
        assert_eq!(common_ends(a.as_bytes(), b.as_bytes()), (100, 100));
    }
}
