//! The typed policy model: [`Policy`], [`Statement`] and the element types, built over the syntax
//! tree without re-parsing.
//!
//! Everything borrows from the tree (`Policy<'a>` holds `&'a str` slices of the tree's strings), so
//! building the model costs one walk and a handful of small vectors.
//!
//! Conventions that every rule can rely on:
//!
//! - Every element keeps the span of its key ([`Key::span`]), of the whole member
//!   ([`Field::span`]) and of its value ([`Field::value_span`]); every individual string keeps its
//!   own span ([`Str::span`], quotes included, and [`Str::content`], between the quotes).
//! - A value of the wrong JSON type is never dropped: it is kept as an [`Invalid`] holding its span
//!   and the [`JsonType`] found, so rules can report a type mismatch. A member without a value
//!   (`"Effect":` at the end of input) is an [`Invalid`] of type [`JsonType::Missing`]; values the
//!   parser could not read are [`JsonType::Error`]. Both are already reported by the syntax layer,
//!   see [`JsonType::is_syntax_problem`].
//! - Partial trees give partial models: a statement that is still being typed yields the parts
//!   that are there.
//! - Duplicate keys: the first occurrence is the one modelled (as [`crate::syntax::Node::get`]
//!   does); later ones are listed in `duplicate_elements` for a rule to flag. AWS does not document
//!   which one it would use, so a duplicate is worth a finding either way.
//! - Element names are matched exactly (IAM element names are case-sensitive); a key that differs
//!   only in case lands in `unknown_elements`, where a rule can suggest the right spelling.

use crate::syntax::{Member, Node, NodeKind, Parse, Span};

/// The JSON type of a value, as named in type-mismatch findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// `5`, `-1.5e3`
    Number,
    /// `true`, `false`
    Bool,
    /// `null`
    Null,
    /// Text the parser could not read as a JSON value (already a syntax error).
    Error,
    /// No value at all after a key (already a syntax error).
    Missing,
}

impl JsonType {
    /// The type of `node`.
    pub fn of(node: &Node) -> JsonType {
        match node.kind {
            NodeKind::Object { .. } => JsonType::Object,
            NodeKind::Array { .. } => JsonType::Array,
            NodeKind::String { .. } => JsonType::String,
            NodeKind::Number(_) => JsonType::Number,
            NodeKind::Bool(_) => JsonType::Bool,
            NodeKind::Null => JsonType::Null,
            NodeKind::Error => JsonType::Error,
        }
    }

    /// A short lowercase name for messages: "object", "array", "string", "number", "boolean",
    /// "null", "invalid value", "missing value".
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Bool => "boolean",
            JsonType::Null => "null",
            JsonType::Error => "invalid value",
            JsonType::Missing => "missing value",
        }
    }

    /// True for [`JsonType::Error`] and [`JsonType::Missing`]: the parser has already reported
    /// these, so a type-mismatch rule should stay quiet about them.
    pub fn is_syntax_problem(self) -> bool {
        matches!(self, JsonType::Error | JsonType::Missing)
    }
}

/// A value whose JSON type is wrong for the place it stands in (for example `"Action": 5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The span of the offending value (empty, just after the key, for a missing value).
    pub span: Span,
    /// What was found there.
    pub found: JsonType,
}

impl Invalid {
    fn of(node: &Node) -> Invalid {
        Invalid {
            span: node.span,
            found: JsonType::of(node),
        }
    }

    fn missing(member: &Member) -> Invalid {
        let end = member.key_span.end;
        Invalid {
            span: Span::new(end, end),
            found: JsonType::Missing,
        }
    }
}

/// A string value with its spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Str<'a> {
    /// The unescaped text.
    pub value: &'a str,
    /// The whole token, quotes included.
    pub span: Span,
    /// Between the quotes (to the end of what was typed when the string is unterminated).
    pub content: Span,
    /// False when the closing quote is missing.
    pub terminated: bool,
}

impl<'a> Str<'a> {
    /// The string held by `node`, or an [`Invalid`] naming the type found instead.
    pub fn from_node(node: &'a Node) -> Result<Str<'a>, Invalid> {
        match &node.kind {
            NodeKind::String {
                value,
                content,
                terminated,
            } => Ok(Str {
                value,
                span: node.span,
                content: *content,
                terminated: *terminated,
            }),
            _ => Err(Invalid::of(node)),
        }
    }
}

/// An object key with its span (quotes included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key<'a> {
    /// The unescaped key text.
    pub name: &'a str,
    /// The key's span, quotes included.
    pub span: Span,
}

impl<'a> Key<'a> {
    fn of(member: &'a Member) -> Key<'a> {
        Key {
            name: &member.key,
            span: member.key_span,
        }
    }
}

/// One policy element, `"Key": value`, with its typed value or the [`Invalid`] found instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Field<'a, T> {
    /// The key.
    pub key: Key<'a>,
    /// From the key's first byte to the value's last.
    pub span: Span,
    /// The value's span (empty, just after the key, when the value is missing).
    pub value_span: Span,
    /// The typed value, or what was found instead.
    pub value: Result<T, Invalid>,
}

impl<'a, T> Field<'a, T> {
    fn build(member: &'a Member, f: impl FnOnce(&'a Node) -> Result<T, Invalid>) -> Self {
        let (value_span, value) = match &member.value {
            Some(node) => (node.span, f(node)),
            None => {
                let inv = Invalid::missing(member);
                (inv.span, Err(inv))
            }
        };
        Field {
            key: Key::of(member),
            span: member.span,
            value_span,
            value,
        }
    }

    /// The typed value, when the JSON type was right.
    pub fn ok(&self) -> Option<&T> {
        self.value.as_ref().ok()
    }

    /// The wrong-typed value, when there is one.
    pub fn invalid(&self) -> Option<&Invalid> {
        self.value.as_ref().err()
    }
}

/// A key that is not a known element at its level (kept so a rule can report it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    /// The key.
    pub key: Key<'a>,
    /// The whole member.
    pub span: Span,
}

/// A repeated element: a second (third, ...) occurrence of a key already seen in the same object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duplicate<'a> {
    /// The repeated key.
    pub key: Key<'a>,
    /// The whole repeated member.
    pub span: Span,
    /// The key span of the first occurrence, the one the model uses.
    pub first: Span,
}

/// A value that is one string or an array of strings (`Action`, `Resource`, principal values).
#[derive(Clone, Debug, PartialEq)]
pub struct StrList<'a> {
    /// The whole value.
    pub span: Span,
    /// True when written as an array (`["a"]`), false for a bare string (`"a"`).
    pub array: bool,
    /// False when the array's closing bracket is missing (always true for a bare string).
    pub closed: bool,
    /// Every item in order; items that are not strings are kept as [`Invalid`].
    pub items: Vec<Result<Str<'a>, Invalid>>,
}

impl<'a> StrList<'a> {
    /// A string or an array (of anything); any other JSON type is an [`Invalid`].
    pub fn from_node(node: &'a Node) -> Result<StrList<'a>, Invalid> {
        match &node.kind {
            NodeKind::String { .. } => Ok(StrList {
                span: node.span,
                array: false,
                closed: true,
                items: vec![Str::from_node(node)],
            }),
            NodeKind::Array { items, closed } => Ok(StrList {
                span: node.span,
                array: true,
                closed: *closed,
                items: items.iter().map(Str::from_node).collect(),
            }),
            _ => Err(Invalid::of(node)),
        }
    }

    /// The string items, in order.
    pub fn strings(&self) -> impl Iterator<Item = &Str<'a>> + '_ {
        self.items.iter().filter_map(|i| i.as_ref().ok())
    }

    /// The items that are not strings, in order.
    pub fn invalid(&self) -> impl Iterator<Item = &Invalid> + '_ {
        self.items.iter().filter_map(|i| i.as_ref().err())
    }

    /// True for an empty array `[]`.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// True when the value is exactly `"*"` or an array whose only items are `"*"` strings.
    pub fn is_only_wildcard(&self) -> bool {
        !self.items.is_empty()
            && self
                .items
                .iter()
                .all(|i| matches!(i, Ok(s) if s.value == "*"))
    }
}

/// `"Effect"`'s two valid values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`
    Allow,
    /// `"Deny"`
    Deny,
}

impl Effect {
    /// Exact, case-sensitive match of `"Allow"` or `"Deny"`.
    pub fn parse(s: &str) -> Option<Effect> {
        match s {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            _ => None,
        }
    }
}

/// The four principal types a `Principal` object may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    /// `"AWS"`: accounts, users, roles, sessions, or `"*"`.
    Aws,
    /// `"Service"`: service principals such as `ec2.amazonaws.com`.
    Service,
    /// `"Federated"`: OIDC or SAML identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalType {
    /// Every principal type.
    pub const ALL: [PrincipalType; 4] = [
        PrincipalType::Aws,
        PrincipalType::Service,
        PrincipalType::Federated,
        PrincipalType::CanonicalUser,
    ];

    /// The key as written in a policy.
    pub fn key(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }

    /// Exact, case-sensitive lookup of a principal key.
    pub fn from_key(key: &str) -> Option<PrincipalType> {
        PrincipalType::ALL.into_iter().find(|t| t.key() == key)
    }
}

/// The value of `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal<'a> {
    /// A bare string: `"*"` is valid, anything else is a format error for a rule to report.
    Str(Str<'a>),
    /// `{"AWS": ..., "Service": ..., ...}`.
    Map(PrincipalMap<'a>),
}

impl<'a> Principal<'a> {
    fn from_node(node: &'a Node) -> Result<Principal<'a>, Invalid> {
        match &node.kind {
            NodeKind::String { .. } => Str::from_node(node).map(Principal::Str),
            NodeKind::Object { members, closed } => Ok(Principal::Map(PrincipalMap {
                span: node.span,
                closed: *closed,
                entries: members
                    .iter()
                    .map(|m| PrincipalEntry {
                        key: Key::of(m),
                        kind: PrincipalType::from_key(&m.key),
                        field: Field::build(m, StrList::from_node),
                    })
                    .collect(),
            })),
            _ => Err(Invalid::of(node)),
        }
    }

    /// True for the bare string `"*"` (not for `{"AWS": "*"}`).
    pub fn is_wildcard_string(&self) -> bool {
        matches!(self, Principal::Str(s) if s.value == "*")
    }

    /// The entries, when this is an object.
    pub fn entries(&self) -> &[PrincipalEntry<'a>] {
        match self {
            Principal::Map(m) => &m.entries,
            Principal::Str(_) => &[],
        }
    }

    /// Every string value under a known or unknown principal key, with its entry.
    pub fn values(&self) -> impl Iterator<Item = (&PrincipalEntry<'a>, &Str<'a>)> + '_ {
        self.entries()
            .iter()
            .flat_map(|e| e.strings().map(move |s| (e, s)))
    }

    /// True when some entry is of type `t`.
    pub fn has_type(&self, t: PrincipalType) -> bool {
        self.entries().iter().any(|e| e.kind == Some(t))
    }
}

/// `Principal` written as an object.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalMap<'a> {
    /// The whole object.
    pub span: Span,
    /// False when the closing brace is missing.
    pub closed: bool,
    /// Every key in order, known or not, duplicates included.
    pub entries: Vec<PrincipalEntry<'a>>,
}

/// One `"Type": value(s)` entry of a principal object.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalEntry<'a> {
    /// The key as written.
    pub key: Key<'a>,
    /// The principal type, `None` for an unknown key (for a rule to flag).
    pub kind: Option<PrincipalType>,
    /// The key, value span and values (a string or an array of strings).
    pub field: Field<'a, StrList<'a>>,
}

impl<'a> PrincipalEntry<'a> {
    /// The string values of this entry.
    pub fn strings(&self) -> impl Iterator<Item = &Str<'a>> + '_ {
        self.field.ok().into_iter().flat_map(|l| l.strings())
    }
}

/// The value of `Condition`: `{operator: {key: value | [values]}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition<'a> {
    /// The whole object.
    pub span: Span,
    /// False when the closing brace is missing.
    pub closed: bool,
    /// Every operator block in order, duplicates included.
    pub blocks: Vec<ConditionBlock<'a>>,
}

impl<'a> Condition<'a> {
    fn from_node(node: &'a Node) -> Result<Condition<'a>, Invalid> {
        match &node.kind {
            NodeKind::Object { members, closed } => Ok(Condition {
                span: node.span,
                closed: *closed,
                blocks: members
                    .iter()
                    .map(|m| ConditionBlock {
                        operator: Key::of(m),
                        field: Field::build(m, condition_entries),
                    })
                    .collect(),
            }),
            _ => Err(Invalid::of(node)),
        }
    }

    /// Every `(block, entry)` pair, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&ConditionBlock<'a>, &ConditionEntry<'a>)> + '_ {
        self.blocks
            .iter()
            .flat_map(|b| b.entries().iter().map(move |e| (b, e)))
    }
}

fn condition_entries<'a>(node: &'a Node) -> Result<Vec<ConditionEntry<'a>>, Invalid> {
    match &node.kind {
        NodeKind::Object { members, .. } => Ok(members
            .iter()
            .map(|m| ConditionEntry {
                key: Key::of(m),
                field: Field::build(m, ValueList::from_node),
            })
            .collect()),
        _ => Err(Invalid::of(node)),
    }
}

/// One operator of a condition, e.g. `"StringEquals": {...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionBlock<'a> {
    /// The operator as written (its span is the key's).
    pub operator: Key<'a>,
    /// The key, value span and the key/value entries (or the [`Invalid`] found instead of an
    /// object).
    pub field: Field<'a, Vec<ConditionEntry<'a>>>,
}

impl<'a> ConditionBlock<'a> {
    /// The entries, empty when the value was not an object.
    pub fn entries(&self) -> &[ConditionEntry<'a>] {
        self.field.ok().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The operator split into its parts (qualifier, base name, `IfExists`).
    pub fn parts(&self) -> OperatorParts<'a> {
        OperatorParts::split(self.operator.name)
    }
}

/// A condition operator taken apart: `ForAnyValue:StringLikeIfExists` gives qualifier
/// [`SetQualifier::ForAnyValue`], base `StringLike`, `if_exists` true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperatorParts<'a> {
    /// `ForAllValues:` / `ForAnyValue:` prefix, if any.
    pub qualifier: Option<SetQualifier>,
    /// The operator without qualifier and `IfExists` suffix.
    pub base: &'a str,
    /// True when the operator ends in `IfExists`.
    pub if_exists: bool,
}

/// The set-operator prefixes of condition operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`
    ForAllValues,
    /// `ForAnyValue:`
    ForAnyValue,
}

impl<'a> OperatorParts<'a> {
    /// Split an operator name (exact case, as IAM expects).
    pub fn split(op: &'a str) -> OperatorParts<'a> {
        let (qualifier, rest) = if let Some(r) = op.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = op.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, op)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) if !b.is_empty() => (b, true),
            _ => (rest, false),
        };
        OperatorParts {
            qualifier,
            base,
            if_exists,
        }
    }
}

/// One `"key": value | [values]` entry of a condition block.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionEntry<'a> {
    /// The condition key as written.
    pub key: Key<'a>,
    /// The key, value span and values.
    pub field: Field<'a, ValueList<'a>>,
}

impl<'a> ConditionEntry<'a> {
    /// The values, empty when the value had a wrong type.
    pub fn values(&self) -> &[Scalar<'a>] {
        self.field.ok().map(|l| l.items.as_slice()).unwrap_or(&[])
    }
}

/// Condition values: one scalar or an array of scalars, each keeping its JSON type.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueList<'a> {
    /// The whole value.
    pub span: Span,
    /// True when written as an array.
    pub array: bool,
    /// False when the array's closing bracket is missing.
    pub closed: bool,
    /// The values in order.
    pub items: Vec<Scalar<'a>>,
}

impl<'a> ValueList<'a> {
    /// A scalar or an array; an object (or anything unreadable) at the top is an [`Invalid`].
    /// `null` is accepted here as a scalar (it shows up as [`Scalar::Invalid`]), so a rule sees
    /// its span.
    pub fn from_node(node: &'a Node) -> Result<ValueList<'a>, Invalid> {
        match &node.kind {
            NodeKind::Array { items, closed } => Ok(ValueList {
                span: node.span,
                array: true,
                closed: *closed,
                items: items.iter().map(Scalar::from_node).collect(),
            }),
            NodeKind::Object { .. } | NodeKind::Error => Err(Invalid::of(node)),
            _ => Ok(ValueList {
                span: node.span,
                array: false,
                closed: true,
                items: vec![Scalar::from_node(node)],
            }),
        }
    }
}

/// One condition value, keeping its JSON type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// A string.
    String(Str<'a>),
    /// A number, as written.
    Number {
        /// The source text of the number.
        text: &'a str,
        /// Its span.
        span: Span,
    },
    /// `true` or `false`.
    Bool {
        /// The value.
        value: bool,
        /// Its span.
        span: Span,
    },
    /// Anything else (`null`, an object or array inside the value array, unreadable text).
    Invalid(Invalid),
}

impl<'a> Scalar<'a> {
    fn from_node(node: &'a Node) -> Scalar<'a> {
        match &node.kind {
            NodeKind::String { .. } => match Str::from_node(node) {
                Ok(s) => Scalar::String(s),
                Err(i) => Scalar::Invalid(i),
            },
            NodeKind::Number(text) => Scalar::Number {
                text,
                span: node.span,
            },
            NodeKind::Bool(value) => Scalar::Bool {
                value: *value,
                span: node.span,
            },
            _ => Scalar::Invalid(Invalid::of(node)),
        }
    }

    /// The value's span.
    pub fn span(&self) -> Span {
        match self {
            Scalar::String(s) => s.span,
            Scalar::Number { span, .. } | Scalar::Bool { span, .. } => *span,
            Scalar::Invalid(i) => i.span,
        }
    }

    /// The value's JSON type.
    pub fn json_type(&self) -> JsonType {
        match self {
            Scalar::String(_) => JsonType::String,
            Scalar::Number { .. } => JsonType::Number,
            Scalar::Bool { .. } => JsonType::Bool,
            Scalar::Invalid(i) => i.found,
        }
    }

    /// The value as IAM compares it: string content, number text, or `true`/`false`.
    pub fn text(&self) -> Option<&'a str> {
        match self {
            Scalar::String(s) => Some(s.value),
            Scalar::Number { text, .. } => Some(text),
            Scalar::Bool { value: true, .. } => Some("true"),
            Scalar::Bool { value: false, .. } => Some("false"),
            Scalar::Invalid(_) => None,
        }
    }
}

/// The shape of the `Statement` element.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementForm {
    /// A single statement object: `"Statement": {...}`.
    Object,
    /// An array: `"Statement": [{...}, ...]`.
    Array {
        /// False when the closing bracket is missing.
        closed: bool,
        /// Items that are not objects, with their index in the array.
        invalid_items: Vec<(usize, Invalid)>,
    },
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement<'a> {
    /// Position in the `Statement` array (0 for the object form). Items that are not objects
    /// keep their index, so indexes can have gaps.
    pub index: usize,
    /// The statement object's span.
    pub span: Span,
    /// False when the closing brace is missing.
    pub closed: bool,
    /// `Sid`
    pub sid: Option<Field<'a, Str<'a>>>,
    /// `Effect` (the value is any string; see [`Statement::effect`]).
    pub effect: Option<Field<'a, Str<'a>>>,
    /// `Principal`
    pub principal: Option<Field<'a, Principal<'a>>>,
    /// `NotPrincipal`
    pub not_principal: Option<Field<'a, Principal<'a>>>,
    /// `Action`
    pub action: Option<Field<'a, StrList<'a>>>,
    /// `NotAction`
    pub not_action: Option<Field<'a, StrList<'a>>>,
    /// `Resource`
    pub resource: Option<Field<'a, StrList<'a>>>,
    /// `NotResource`
    pub not_resource: Option<Field<'a, StrList<'a>>>,
    /// `Condition`
    pub condition: Option<Field<'a, Condition<'a>>>,
    /// Keys that are not statement elements.
    pub unknown_elements: Vec<Element<'a>>,
    /// Repeated statement elements.
    pub duplicate_elements: Vec<Duplicate<'a>>,
}

impl<'a> Statement<'a> {
    fn from_members(index: usize, span: Span, closed: bool, members: &'a [Member]) -> Self {
        let mut st = Statement {
            index,
            span,
            closed,
            sid: None,
            effect: None,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
            unknown_elements: Vec::new(),
            duplicate_elements: Vec::new(),
        };
        for m in members {
            let first = match m.key.as_str() {
                "Sid" => set(&mut st.sid, m, Str::from_node),
                "Effect" => set(&mut st.effect, m, Str::from_node),
                "Principal" => set(&mut st.principal, m, Principal::from_node),
                "NotPrincipal" => set(&mut st.not_principal, m, Principal::from_node),
                "Action" => set(&mut st.action, m, StrList::from_node),
                "NotAction" => set(&mut st.not_action, m, StrList::from_node),
                "Resource" => set(&mut st.resource, m, StrList::from_node),
                "NotResource" => set(&mut st.not_resource, m, StrList::from_node),
                "Condition" => set(&mut st.condition, m, Condition::from_node),
                _ => {
                    st.unknown_elements.push(Element {
                        key: Key::of(m),
                        span: m.span,
                    });
                    None
                }
            };
            if let Some(first) = first {
                st.duplicate_elements.push(Duplicate {
                    key: Key::of(m),
                    span: m.span,
                    first,
                });
            }
        }
        st
    }

    /// The effect, when `Effect` is exactly `"Allow"` or `"Deny"`.
    pub fn effect(&self) -> Option<Effect> {
        self.effect
            .as_ref()
            .and_then(|f| f.ok())
            .and_then(|s| Effect::parse(s.value))
    }

    /// The `Sid` text, when it is a string.
    pub fn sid_str(&self) -> Option<&'a str> {
        self.sid.as_ref().and_then(|f| f.ok()).map(|s| s.value)
    }

    /// True when the statement has `Principal` or `NotPrincipal` (whatever its value).
    pub fn has_any_principal(&self) -> bool {
        self.principal.is_some() || self.not_principal.is_some()
    }

    /// The string values of `Action`.
    pub fn actions(&self) -> impl Iterator<Item = &Str<'a>> + '_ {
        list_strings(&self.action)
    }

    /// The string values of `NotAction`.
    pub fn not_actions(&self) -> impl Iterator<Item = &Str<'a>> + '_ {
        list_strings(&self.not_action)
    }

    /// The string values of `Resource`.
    pub fn resources(&self) -> impl Iterator<Item = &Str<'a>> + '_ {
        list_strings(&self.resource)
    }

    /// The string values of `NotResource`.
    pub fn not_resources(&self) -> impl Iterator<Item = &Str<'a>> + '_ {
        list_strings(&self.not_resource)
    }
}

fn list_strings<'s, 'a>(
    f: &'s Option<Field<'a, StrList<'a>>>,
) -> impl Iterator<Item = &'s Str<'a>> + 's {
    f.as_ref()
        .and_then(|f| f.ok())
        .into_iter()
        .flat_map(|l| l.strings())
}

/// Fill `slot` from `m` unless it is already filled; returns the first key span on a repeat.
fn set<'a, T>(
    slot: &mut Option<Field<'a, T>>,
    m: &'a Member,
    f: impl FnOnce(&'a Node) -> Result<T, Invalid>,
) -> Option<Span> {
    match slot {
        Some(existing) => Some(existing.key.span),
        None => {
            *slot = Some(Field::build(m, f));
            None
        }
    }
}

/// A whole policy document.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Policy<'a> {
    /// The root value's span (empty at 0 for an empty document).
    pub span: Span,
    /// The root, when the document is not empty.
    pub root: Option<&'a Node>,
    /// Set when the root is not an object (e.g. the document is `[]` or `"x"`).
    pub root_invalid: Option<Invalid>,
    /// `Version`
    pub version: Option<Field<'a, Str<'a>>>,
    /// `Id`
    pub id: Option<Field<'a, Str<'a>>>,
    /// `Statement`, with its form (object or array) and its value span.
    pub statement: Option<Field<'a, StatementForm>>,
    /// The statements that are objects, in order.
    pub statements: Vec<Statement<'a>>,
    /// Top-level keys that are not policy elements.
    pub unknown_elements: Vec<Element<'a>>,
    /// Repeated top-level elements.
    pub duplicate_elements: Vec<Duplicate<'a>>,
}

impl<'a> Policy<'a> {
    /// The model of a parsed document.
    pub fn from_parse(parse: &'a Parse) -> Policy<'a> {
        Policy::from_root(parse.root.as_ref())
    }

    /// The model of a root node (`None` for an empty document).
    pub fn from_root(root: Option<&'a Node>) -> Policy<'a> {
        let Some(root) = root else {
            return Policy::default();
        };
        let mut policy = Policy {
            span: root.span,
            root: Some(root),
            ..Policy::default()
        };
        let NodeKind::Object { members, .. } = &root.kind else {
            policy.root_invalid = Some(Invalid::of(root));
            return policy;
        };
        let mut statement_node: Option<&'a Node> = None;
        for m in members {
            let first = match m.key.as_str() {
                "Version" => set(&mut policy.version, m, Str::from_node),
                "Id" => set(&mut policy.id, m, Str::from_node),
                "Statement" => {
                    let first = set(&mut policy.statement, m, statement_form);
                    if first.is_none() {
                        statement_node = m.value.as_ref();
                    }
                    first
                }
                _ => {
                    policy.unknown_elements.push(Element {
                        key: Key::of(m),
                        span: m.span,
                    });
                    None
                }
            };
            if let Some(first) = first {
                policy.duplicate_elements.push(Duplicate {
                    key: Key::of(m),
                    span: m.span,
                    first,
                });
            }
        }
        if let Some(node) = statement_node {
            match &node.kind {
                NodeKind::Object { members, closed } => policy
                    .statements
                    .push(Statement::from_members(0, node.span, *closed, members)),
                NodeKind::Array { items, .. } => {
                    policy.statements.reserve(items.len());
                    for (i, item) in items.iter().enumerate() {
                        if let NodeKind::Object { members, closed } = &item.kind {
                            policy
                                .statements
                                .push(Statement::from_members(i, item.span, *closed, members));
                        }
                    }
                }
                _ => {}
            }
        }
        policy
    }

    /// The `Version` text, when it is a string.
    pub fn version_str(&self) -> Option<&'a str> {
        self.version.as_ref().and_then(|f| f.ok()).map(|s| s.value)
    }

    /// The statement whose span touches byte `offset` (innermost is the only one: statements do
    /// not nest).
    pub fn statement_at(&self, offset: usize) -> Option<&Statement<'a>> {
        self.statements.iter().find(|s| s.span.touches(offset))
    }
}

fn statement_form(node: &Node) -> Result<StatementForm, Invalid> {
    match &node.kind {
        NodeKind::Object { .. } => Ok(StatementForm::Object),
        NodeKind::Array { items, closed } => Ok(StatementForm::Array {
            closed: *closed,
            invalid_items: items
                .iter()
                .enumerate()
                .filter(|(_, n)| !matches!(n.kind, NodeKind::Object { .. }))
                .map(|(i, n)| (i, Invalid::of(n)))
                .collect(),
        }),
        _ => Err(Invalid::of(node)),
    }
}
