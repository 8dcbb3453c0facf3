//! JSON paths and "what is at this offset".

use super::tree::{Node, Parse};
use std::fmt;

/// One step of a [`JsonPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// The path from the root to a node, shown as `Statement[0].Action[1]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct JsonPath(pub Vec<PathSegment>);

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSegment::Key(k) if i == 0 => write!(f, "{k}")?,
                PathSegment::Key(k) => write!(f, ".{k}")?,
                PathSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// The answer to [`Parse::locate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Located<'a> {
    /// Path to the innermost node at the offset. When the offset is on a key, the path ends with
    /// that key and `on_key` is true.
    pub path: JsonPath,
    /// The innermost value node containing the offset (for a key: the member's value, if any).
    pub node: Option<&'a Node>,
    /// True when the offset is on an object key rather than a value.
    pub on_key: bool,
}

impl Parse {
    /// What is at byte `offset`: the innermost node and its path. `None` when the offset is outside
    /// the root value.
    pub fn locate(&self, offset: usize) -> Option<Located<'_>> {
        let _ = offset;
        todo!("implemented by the syntax work")
    }
}
