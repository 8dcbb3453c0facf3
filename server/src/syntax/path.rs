//! JSON paths and "what is at this offset".

#[cfg(doc)]
use super::tree::Span;
use super::tree::{Node, NodeKind, Parse};
use std::fmt;

/// One step of a [`JsonPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A member of an object, by its (unescaped) key.
    Key(String),
    /// An item of an array, by its zero-based index.
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
    ///
    /// The walk goes down by spans (binary search among members and items), so it costs
    /// O(depth × log width) and allocates only the path. An offset at the end of a token counts
    /// as on it ([`Span::touches`]); where two siblings touch the offset, the first wins. An
    /// offset in whitespace or punctuation inside an object or array (including between a key
    /// and its value) gives that container.
    pub fn locate(&self, offset: usize) -> Option<Located<'_>> {
        let root = self.root.as_ref()?;
        if !root.span.touches(offset) {
            return None;
        }
        let mut path = Vec::new();
        let mut node = root;
        loop {
            match &node.kind {
                NodeKind::Object { members, .. } => {
                    let i = members.partition_point(|m| m.span.end < offset);
                    let Some(m) = members.get(i).filter(|m| m.span.touches(offset)) else {
                        break;
                    };
                    if m.key_span.touches(offset) {
                        path.push(PathSegment::Key(m.key.to_string()));
                        return Some(Located {
                            path: JsonPath(path),
                            node: m.value.as_ref(),
                            on_key: true,
                        });
                    }
                    match &m.value {
                        Some(v) if v.span.touches(offset) => {
                            path.push(PathSegment::Key(m.key.to_string()));
                            node = v;
                        }
                        _ => break,
                    }
                }
                NodeKind::Array { items, .. } => {
                    let i = items.partition_point(|n| n.span.end < offset);
                    let Some(item) = items.get(i).filter(|n| n.span.touches(offset)) else {
                        break;
                    };
                    path.push(PathSegment::Index(i));
                    node = item;
                }
                _ => break,
            }
        }
        Some(Located {
            path: JsonPath(path),
            node: Some(node),
            on_key: false,
        })
    }
}
