//! The syntax tree: plain data with byte spans.
//!
//! Keys and strings are [`CompactString`]s: text of up to 24 bytes (almost every key, action,
//! condition key and value of a policy) lives inside the node, so building and dropping the
//! tree of a large policy on every keystroke does not allocate for each of them.

pub use compact_str::CompactString;

/// A half-open byte range `start..end` in the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// True when `offset` lies in `start..=end` (the end is included so that a cursor just after
    /// the last character of a token still counts as "on" it, as editors expect).
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True for a zero-length span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One JSON value in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The whole value: for strings the quotes are included; for an unterminated object or array
    /// the span runs to where parsing of it stopped.
    pub span: Span,
    /// What the value is.
    pub kind: NodeKind,
}

/// The kind of a [`Node`], with its contents.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `{...}`; `closed` is false when the closing brace is missing.
    Object { members: Vec<Member>, closed: bool },
    /// `[...]`; `closed` is false when the closing bracket is missing.
    Array { items: Vec<Node>, closed: bool },
    /// A string. `value` is the unescaped content; `content` is the span between the quotes
    /// (up to the end of input or line when `terminated` is false).
    String {
        value: CompactString,
        content: Span,
        terminated: bool,
    },
    /// A number, as written in the source.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// Something that is not a JSON value (a bare word, a stray character, a missing value).
    Error,
}

/// `"key": value` inside an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The unescaped key text.
    pub key: CompactString,
    /// The key's span, quotes included.
    pub key_span: Span,
    /// The value; `None` when it is missing (`{"Effect":}` or `{"Effect"`).
    pub value: Option<Node>,
    /// From the key's first byte to the value's last (or the key's end when there is no value).
    pub span: Span,
}

/// A syntax error: what is wrong, where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where: as tight as possible (the offending token, or the opening bracket of an
    /// unclosed container).
    pub span: Span,
    /// What is wrong, in one lowercase sentence without a final period.
    pub message: String,
}

/// The result of [`super::parse`]: a tree (absent only for empty or all-whitespace input) and errors.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Parse {
    /// The root value; `None` only for input with no value at all.
    pub root: Option<Node>,
    /// Every syntax error, sorted by start offset.
    pub errors: Vec<SyntaxError>,
}

impl Node {
    /// The string value, when this is a string node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String { value, .. } => Some(value),
            _ => None,
        }
    }
    /// The members, when this is an object.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object { members, .. } => Some(members),
            _ => None,
        }
    }
    /// The items, when this is an array.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array { items, .. } => Some(items),
            _ => None,
        }
    }
    /// The first member named `key` (exact, case-sensitive, as IAM element names are).
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().find(|m| m.key == key)
    }
}
