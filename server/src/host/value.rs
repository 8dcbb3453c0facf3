//! The host document tree: what the template parsers build, with byte spans in the host file.
//!
//! One tree type for YAML and JSON templates (and Terraform objects): mappings, sequences,
//! scalars and tagged values (`!Ref X`). The extraction ([`super::cfn`]) walks it to find the
//! policies; the renderer ([`super::render`]) turns a policy's subtree into JSON text.

use crate::syntax::{Node, NodeKind, Span};

/// One value with its span in the host text.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// The whole value (quotes included for a quoted scalar).
    pub span: Span,
    pub kind: Kind,
}

/// What a [`Value`] is.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A mapping (YAML block or flow mapping, JSON or HCL object).
    Map(Vec<Entry>),
    /// A sequence (YAML list, JSON or HCL array).
    Seq(Vec<Value>),
    /// A scalar.
    Scalar(Scalar),
    /// A YAML tag applied to a value (`!Ref Bucket`, `!Sub "..."`); the tag without its `!`.
    Tagged { tag: String, value: Box<Value> },
    /// Nothing (a key without a value).
    Null,
    /// A value that is unknown by construction (a Terraform reference or function call).
    Opaque,
}

/// `key: value` in a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

/// A scalar's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The value, unescaped.
    pub value: String,
    /// Between the quotes (the whole scalar when it is not quoted).
    pub content: Span,
    /// True when `value` is exactly the host bytes at `content` (no escapes, no folding), so
    /// offsets inside the value map one to one onto the host text.
    pub linear: bool,
    /// True for an unquoted YAML scalar (which can mean a number, a boolean or null).
    pub plain: bool,
}

impl Value {
    /// The entries, when this is a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(e) => Some(e),
            _ => None,
        }
    }

    /// The value of the first entry named `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The scalar text, when this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    /// The items, when this is a sequence.
    pub fn items(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The host tree of a JSON syntax tree (a JSON template, or JSON text inside a host string
    /// whose bytes start at `shift` in the host text and map one to one onto it).
    pub fn from_json(node: &Node, shift: usize) -> Value {
        Value::from_json_mapped(node, &|o| o + shift)
    }

    /// The host tree of a JSON syntax tree whose offsets `map` turns into host offsets (JSON
    /// text unescaped from a host string). A string is linear only when its host bytes are as
    /// long as its value (nothing escaped in between).
    pub fn from_json_mapped(node: &Node, map: &dyn Fn(usize) -> usize) -> Value {
        let at = |s: Span| Span::new(map(s.start), map(s.end));
        let kind = match &node.kind {
            NodeKind::Object { members, .. } => Kind::Map(
                members
                    .iter()
                    .map(|m| Entry {
                        key: m.key.to_string(),
                        key_span: at(m.key_span),
                        value: match &m.value {
                            Some(v) => Value::from_json_mapped(v, map),
                            None => Value {
                                span: Span::new(at(m.key_span).end, at(m.key_span).end),
                                kind: Kind::Null,
                            },
                        },
                    })
                    .collect(),
            ),
            NodeKind::Array { items, .. } => Kind::Seq(
                items
                    .iter()
                    .map(|v| Value::from_json_mapped(v, map))
                    .collect(),
            ),
            NodeKind::String { value, content, .. } => Kind::Scalar(Scalar {
                value: value.to_string(),
                content: at(*content),
                linear: content.len() == value.len() && at(*content).len() == value.len(),
                plain: false,
            }),
            NodeKind::Number(n) => Kind::Scalar(Scalar {
                value: n.clone(),
                content: at(node.span),
                linear: true,
                plain: true,
            }),
            NodeKind::Bool(b) => Kind::Scalar(Scalar {
                value: b.to_string(),
                content: at(node.span),
                linear: true,
                plain: true,
            }),
            NodeKind::Null | NodeKind::Error => Kind::Null,
        };
        Value {
            span: at(node.span),
            kind,
        }
    }
}
