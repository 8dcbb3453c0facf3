//! Context-aware completion that inserts valid JSON.
//!
//! # How a request is answered
//!
//! 1. [`site`] works out where the cursor is: naming a key (inside a key string, or in the gap
//!    between members) or writing a value (inside a string, in an array gap, after `"Key":`
//!    with nothing yet, or over a bare word such as `Allo`), and in which object: the policy,
//!    a statement, `Principal`, `Condition`, an operator block. It also records how to edit:
//!    the span to replace, whether quotes are needed (none are added when the user already typed
//!    one, a closing quote when the string is unterminated), and commas when a value is inserted
//!    next to another without one.
//! 2. The slot's function proposes candidates, filtered by what was typed (prefix matches rank
//!    before substring matches) and ranked (required elements, supported condition keys and
//!    common services first).
//! 3. The list is sorted and capped at [`MAX_ITEMS`]; it is marked incomplete when capped or
//!    filtered, so the editor asks again as the user types.

use super::context::{self, Scope, key};
use super::elements::{self, STATEMENT_ELEMENTS, TOP_ELEMENTS};
use super::markdown::count;
use super::principals::{FEDERATED, SERVICE_PRINCIPALS};
use super::{Ctx, actions};
use crate::catalog::operators::{self, SetQualifier, ValueType};
use crate::catalog::{self, Action, KeyType, Service};
use crate::ide::{Completion, CompletionKind, Completions};
use crate::policy::{Effect, PolicyKind, Presence, Statement};
use crate::syntax::{Member, Node, NodeKind, PathSegment, Span};
use std::collections::HashSet;

/// The most items one response carries.
pub const MAX_ITEMS: usize = 200;

/// How many of a statement's actions are expanded to find its condition keys and ARN types.
const ACTION_CAP: usize = 300;

/// Services listed first when nothing narrows the list.
const COMMON_SERVICES: &[&str] = &[
    "s3",
    "ec2",
    "iam",
    "sts",
    "kms",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "logs",
    "cloudwatch",
    "secretsmanager",
    "ssm",
    "ecr",
    "ecs",
    "eks",
    "cloudformation",
    "cloudtrail",
    "events",
    "states",
    "apigateway",
    "execute-api",
    "rds",
    "elasticloadbalancing",
    "autoscaling",
    "route53",
    "cloudfront",
    "organizations",
    "glue",
    "athena",
    "kinesis",
    "firehose",
    "sagemaker",
    "bedrock",
    "codebuild",
    "config",
    "guardduty",
    "backup",
    "acm",
    "elasticfilesystem",
];

/// The completion list at `offset`.
pub fn complete(cx: &Ctx<'_>, offset: usize) -> Completions {
    let Some(site) = site(cx, offset) else {
        return Completions::default();
    };
    let mut b = Builder {
        site: &site,
        items: Vec::new(),
        typed_lower: site.typed.to_ascii_lowercase(),
        capped: false,
    };
    match &site.slot {
        Slot::TopKey => top_keys(cx, &mut b),
        Slot::StatementKey { index } => statement_keys(cx, *index, &mut b),
        Slot::PrincipalKey => principal_keys(cx, &mut b),
        Slot::ConditionOperator => condition_operators(&mut b),
        Slot::ConditionKey { index, operator } => condition_keys(cx, *index, operator, &mut b),
        Slot::Value(v) => values(cx, v, &mut b),
    }
    b.finish()
}

/// Where a completion goes.
#[derive(Debug)]
enum Slot {
    /// A key of the policy object.
    TopKey,
    /// A key of a statement.
    StatementKey { index: usize },
    /// A key of a `Principal` object.
    PrincipalKey,
    /// An operator in `Condition`.
    ConditionOperator,
    /// A key in an operator block.
    ConditionKey { index: usize, operator: String },
    /// A value.
    Value(ValueSlot),
}

#[derive(Debug)]
enum ValueSlot {
    Version,
    /// The `Statement` value itself.
    Statements,
    /// A new item of the `Statement` array.
    NewStatement,
    Effect {
        index: usize,
    },
    Action,
    Resource {
        index: usize,
    },
    /// The whole `Principal`/`NotPrincipal` value.
    Principal,
    PrincipalValue {
        kind: String,
    },
    /// The whole `Condition` value.
    Condition,
    ConditionValue {
        operator: String,
        key: String,
    },
}

/// How the chosen text is put into the document.
#[derive(Debug)]
struct Site<'a> {
    slot: Slot,
    /// The text replaced.
    span: Span,
    /// What was typed so far (from the start of the token to the cursor), for filtering.
    typed: &'a str,
    /// Keys present in the object being completed (not offered again).
    present: Vec<&'a str>,
    form: Form,
    /// A separator needed before the inserted text (`", "`) or after it (`","`).
    before: &'static str,
    after: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Inside a value string: the content is replaced; `close` adds the missing closing quote.
    InString { close: bool },
    /// Inside a key string. `complete` adds `": <value>` (no colon follows yet); `close` adds
    /// the closing quote of an unterminated key.
    InKey { complete: bool, close: bool },
    /// No token yet (or a bare word): a whole quoted value, or a whole `"key": value` member.
    Gap,
}

fn site<'a>(cx: &Ctx<'a>, offset: usize) -> Option<Site<'a>> {
    let root = cx.parse.root.as_ref()?;
    let loc = cx.parse.locate(offset)?;
    let path = loc.path.0.as_slice();
    let text = cx.text;
    if loc.on_key {
        let member = context::key_member(root, path, offset)?;
        let (content, terminated) = context::key_content(text, member.key_span);
        if offset < content.start || offset > content.end {
            return None;
        }
        let has_colon =
            member.value.is_some() || next_byte(text, member.key_span.end) == Some(b':');
        let container = &path[..path.len() - 1];
        let (span, form) = if terminated && has_colon {
            (
                content,
                Form::InKey {
                    complete: false,
                    close: false,
                },
            )
        } else if terminated {
            (
                Span::new(content.start, member.key_span.end),
                Form::InKey {
                    complete: true,
                    close: false,
                },
            )
        } else {
            (
                Span::new(content.start, offset),
                Form::InKey {
                    complete: !has_colon,
                    close: true,
                },
            )
        };
        let parent = context::node_at(root, container, offset)?;
        return Some(Site {
            slot: key_slot(root, container)?,
            span,
            typed: text.get(content.start..offset).unwrap_or(""),
            present: present_keys(parent, Some(member)),
            form,
            before: "",
            after: "",
        });
    }
    let node = loc.node?;
    match &node.kind {
        NodeKind::String {
            content,
            terminated,
            ..
        } => {
            if offset < content.start || (*terminated && offset > content.end) {
                return None;
            }
            let span = if *terminated {
                *content
            } else {
                Span::new(content.start, offset)
            };
            Some(Site {
                slot: Slot::Value(value_slot(root, path)?),
                span,
                typed: text.get(content.start..offset).unwrap_or(""),
                present: Vec::new(),
                form: Form::InString {
                    close: !*terminated,
                },
                before: "",
                after: "",
            })
        }
        NodeKind::Object { members, .. } => {
            // After `"Key":` with no value yet?
            let before = members.partition_point(|m| m.span.end <= offset);
            if let Some(m) = before.checked_sub(1).and_then(|i| members.get(i))
                && m.value.is_none()
                && text
                    .get(m.key_span.end..offset)
                    .is_some_and(|between| between.trim() == ":")
            {
                let mut value_path = path.to_vec();
                value_path.push(PathSegment::Key(m.key.to_string()));
                let slot = value_slot(root, &value_path)?;
                return Some(gap_site(text, Slot::Value(slot), offset, Vec::new()));
            }
            if !in_gap(text, offset) {
                return None;
            }
            let slot = key_slot(root, path)?;
            Some(gap_site(text, slot, offset, present_keys(node, None)))
        }
        NodeKind::Array { items, .. } => {
            if !in_gap(text, offset) {
                return None;
            }
            let index = items.partition_point(|n| n.span.end <= offset);
            let mut value_path = path.to_vec();
            value_path.push(PathSegment::Index(index));
            let slot = value_slot(root, &value_path)?;
            Some(gap_site(text, Slot::Value(slot), offset, Vec::new()))
        }
        NodeKind::Error => {
            // A bare word being typed where a value goes (`"Effect": Al`).
            let word = cx.slice(node.span);
            let wordlike = !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_:*./".contains(&b));
            if !wordlike || offset < node.span.start {
                return None;
            }
            let mut site = gap_site(
                text,
                Slot::Value(value_slot(root, path)?),
                offset,
                Vec::new(),
            );
            site.span = node.span;
            site.typed = text.get(node.span.start..offset).unwrap_or("");
            site.before = separator_before(text, node.span.start);
            site.after = separator_after(text, node.span.end);
            Some(site)
        }
        _ => None,
    }
}

fn gap_site<'a>(text: &str, slot: Slot, offset: usize, present: Vec<&'a str>) -> Site<'a> {
    Site {
        slot,
        span: Span::new(offset, offset),
        typed: "",
        present,
        form: Form::Gap,
        before: separator_before(text, offset),
        after: separator_after(text, offset),
    }
}

/// True when the cursor is in white space (or right after `{`, `[`, `,`), not on punctuation
/// that belongs to a token.
fn in_gap(text: &str, offset: usize) -> bool {
    let prev = text.as_bytes()[..offset.min(text.len())]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace());
    !matches!(prev, Some(b'"') if next_byte(text, offset) == Some(b':'))
}

fn next_byte(text: &str, from: usize) -> Option<u8> {
    text.as_bytes()
        .get(from..)?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

fn prev_byte(text: &str, before: usize) -> Option<u8> {
    text.as_bytes()
        .get(..before)?
        .iter()
        .rev()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// `", "` when the previous token ends a value or member and no comma follows it yet.
fn separator_before(text: &str, at: usize) -> &'static str {
    match prev_byte(text, at) {
        None | Some(b'{' | b'[' | b',' | b':') => "",
        Some(_) => ", ",
    }
}

/// `","` when another member or value follows without a comma.
fn separator_after(text: &str, at: usize) -> &'static str {
    match next_byte(text, at) {
        Some(b'"' | b'{' | b'[') => ",",
        Some(b) if b.is_ascii_alphanumeric() => ",",
        _ => "",
    }
}

fn present_keys<'a>(object: &'a Node, except: Option<&Member>) -> Vec<&'a str> {
    object
        .members()
        .unwrap_or(&[])
        .iter()
        .filter(|m| except.is_none_or(|e| !std::ptr::eq(*m, e)))
        .map(|m| m.key.as_str())
        .collect()
}

/// The key slot of the object at `path`.
fn key_slot(root: &Node, path: &[PathSegment]) -> Option<Slot> {
    if path.is_empty() {
        return Some(Slot::TopKey);
    }
    match context::scope(root, path, false) {
        Scope::Statement { index, rest } => match rest {
            [] => Some(Slot::StatementKey { index }),
            [p] if matches!(key(Some(p)), Some("Principal" | "NotPrincipal")) => {
                Some(Slot::PrincipalKey)
            }
            [c] if key(Some(c)) == Some("Condition") => Some(Slot::ConditionOperator),
            [c, PathSegment::Key(op)] if key(Some(c)) == Some("Condition") => {
                Some(Slot::ConditionKey {
                    index,
                    operator: op.clone(),
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// The value slot at `path` (which ends with the value's key or array index).
fn value_slot(root: &Node, path: &[PathSegment]) -> Option<ValueSlot> {
    if let [PathSegment::Key(k)] = path
        && k == "Statement"
    {
        return Some(ValueSlot::Statements);
    }
    match context::scope(root, path, false) {
        Scope::Top {
            key: "Version",
            rest: [],
        } => Some(ValueSlot::Version),
        Scope::Statement { index, rest } => {
            let element = key(rest.first());
            let indexed = |n: usize| {
                rest.len() == n
                    || (rest.len() == n + 1 && matches!(rest.last(), Some(PathSegment::Index(_))))
            };
            match element {
                None if rest.is_empty() => Some(ValueSlot::NewStatement),
                Some("Effect") if rest.len() == 1 => Some(ValueSlot::Effect { index }),
                Some("Action" | "NotAction") if indexed(1) => Some(ValueSlot::Action),
                Some("Resource" | "NotResource") if indexed(1) => {
                    Some(ValueSlot::Resource { index })
                }
                Some("Principal" | "NotPrincipal") if rest.len() == 1 => Some(ValueSlot::Principal),
                Some("Principal" | "NotPrincipal") if indexed(2) => {
                    Some(ValueSlot::PrincipalValue {
                        kind: key(rest.get(1))?.to_string(),
                    })
                }
                Some("Condition") if rest.len() == 1 => Some(ValueSlot::Condition),
                Some("Condition") if indexed(3) => Some(ValueSlot::ConditionValue {
                    operator: key(rest.get(1))?.to_string(),
                    key: key(rest.get(2))?.to_string(),
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a candidate inserts.
enum Text {
    /// The content of a JSON string (already escaped for snippets when the item is a snippet).
    Str(String),
    /// Raw JSON (an object or array), only where no string has been started.
    Json(String),
}

struct Builder<'s, 'a> {
    site: &'s Site<'a>,
    items: Vec<Completion>,
    typed_lower: String,
    /// Set when a slot left candidates out before adding them.
    capped: bool,
}

impl Builder<'_, '_> {
    /// The rank bonus for `label` given what was typed: 0 for a prefix match, 1 for a
    /// substring match, `None` when it does not match.
    fn filter(&self, label: &str) -> Option<u32> {
        if self.typed_lower.is_empty() {
            return Some(0);
        }
        let lower = label.to_ascii_lowercase();
        if lower.starts_with(&self.typed_lower) {
            Some(0)
        } else if lower.contains(&self.typed_lower) {
            Some(1)
        } else {
            None
        }
    }

    /// Adds a value candidate (ignored when it does not match what was typed).
    #[allow(clippy::too_many_arguments)]
    fn value(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
        text: Text,
        snippet: bool,
        rank: u32,
    ) {
        let Some(bonus) = self.filter(label) else {
            return;
        };
        let site = self.site;
        let insert = match (text, site.form) {
            (Text::Str(s), Form::Gap) => format!("{}\"{s}\"{}", site.before, site.after),
            (Text::Str(s), Form::InString { close }) => {
                if close {
                    format!("{s}\"")
                } else {
                    s
                }
            }
            (Text::Json(j), Form::Gap) => format!("{}{j}{}", site.before, site.after),
            (_, _) => return,
        };
        self.push(
            label,
            kind,
            detail,
            documentation,
            insert,
            snippet,
            rank * 2 + bonus,
        );
    }

    /// Adds a key candidate with the value template used when the member is written whole.
    #[allow(clippy::too_many_arguments)]
    fn key(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
        name: &str,
        template: &str,
        rank: u32,
    ) {
        if self.site.present.contains(&label) {
            return;
        }
        let Some(bonus) = self.filter(label) else {
            return;
        };
        let site = self.site;
        let insert = match site.form {
            Form::InKey {
                complete: false,
                close,
            } => {
                if close {
                    format!("{name}\"")
                } else {
                    name.to_string()
                }
            }
            Form::InKey { complete: true, .. } => format!("{name}\": {template}"),
            Form::Gap => format!("{}\"{name}\": {template}{}", site.before, site.after),
            Form::InString { .. } => return,
        };
        self.push(
            label,
            kind,
            detail,
            documentation,
            insert,
            true,
            rank * 2 + bonus,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
        insert: String,
        snippet: bool,
        rank: u32,
    ) {
        self.items.push(Completion {
            label: label.to_string(),
            kind,
            detail,
            documentation,
            edit_span: self.site.span,
            insert,
            snippet,
            rank,
        });
    }

    fn finish(mut self) -> Completions {
        self.items
            .sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.label.cmp(&b.label)));
        // One item per label: the best ranked.
        let mut seen = HashSet::new();
        self.items.retain(|c| seen.insert(c.label.clone()));
        let capped = self.capped || self.items.len() > MAX_ITEMS;
        self.items.truncate(MAX_ITEMS);
        Completions {
            items: self.items,
            complete: !capped && self.typed_lower.is_empty(),
        }
    }
}

/// Escapes text for a snippet (`$`, `}` and `\` are special there).
fn snippet_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Turns `${Name}` placeholders of a catalog pattern into snippet tab stops starting at
/// `first`; the same name reuses its stop. `defaults` gives the text of some placeholders.
/// Returns the snippet and the next free stop.
fn placeholders(pattern: &str, first: u32, defaults: &[(&str, &str)]) -> (String, u32) {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut names: Vec<(&str, u32)> = Vec::new();
    let mut next = first;
    let mut rest = pattern;
    while let Some(open) = rest.find("${") {
        out.push_str(&snippet_escape(&rest[..open]));
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else {
            rest = &rest[open..];
            break;
        };
        let name = &after[..close];
        let stop = match names.iter().find(|(n, _)| *n == name) {
            Some((_, s)) => *s,
            None => {
                names.push((name, next));
                next += 1;
                next - 1
            }
        };
        let default = defaults
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(name, |(_, d)| d);
        out.push_str(&format!("${{{stop}:{}}}", snippet_escape(default)));
        rest = &after[close + 1..];
    }
    out.push_str(&snippet_escape(rest));
    (out, next)
}

// ---------------------------------------------------------------------------------------------
// Keys

fn top_keys(cx: &Ctx<'_>, b: &mut Builder<'_, '_>) {
    let kind = cx.kind();
    let organizations = matches!(
        kind,
        PolicyKind::ServiceControl | PolicyKind::ResourceControl
    );
    for (rank, name) in TOP_ELEMENTS.iter().enumerate() {
        if *name == "Id" && organizations {
            continue;
        }
        let template = match *name {
            "Version" => "\"2012-10-17\"".to_string(),
            "Statement" => format!("[\n\t{}\n]", statement_template(kind)),
            _ => "\"$1\"".to_string(),
        };
        b.key(
            name,
            CompletionKind::Element,
            Some(elements::summary(name).to_string()),
            elements::doc(name, true, kind),
            name,
            &template,
            rank as u32,
        );
    }
}

/// A statement object as a snippet, with the elements `kind` requires.
fn statement_template(kind: PolicyKind) -> String {
    let facts = kind.facts();
    let effect = if kind == PolicyKind::ResourceControl {
        "\"Deny\"".to_string()
    } else {
        "\"${1|Allow,Deny|}\"".to_string()
    };
    let mut fields = vec![format!("\"Effect\": {effect}")];
    if facts.principal == Presence::Required {
        fields.push(principal_template(kind, 2));
    }
    fields.push("\"Action\": \"$3\"".to_string());
    if facts.resource == Presence::Required {
        fields.push("\"Resource\": \"${4:*}\"".to_string());
    }
    format!("{{\n\t\t{}\n\t}}", fields.join(",\n\t\t"))
}

fn principal_template(kind: PolicyKind, stop: u32) -> String {
    match kind {
        PolicyKind::ResourceControl | PolicyKind::VpcEndpoint => "\"Principal\": \"*\"".to_string(),
        PolicyKind::RoleTrust => {
            format!(
                "\"Principal\": {{\"${{{stop}|Service,AWS,Federated|}}\": \"${}\"}}",
                stop + 1
            )
        }
        _ => format!("\"Principal\": {{\"AWS\": \"${stop}\"}}"),
    }
}

fn statement_keys(cx: &Ctx<'_>, index: usize, b: &mut Builder<'_, '_>) {
    let kind = cx.kind();
    let present = b.site.present.clone();
    let has = |k: &str| present.contains(&k);
    let allows = cx
        .policy
        .statements
        .iter()
        .find(|s| s.index == index)
        .and_then(|s| s.effect())
        == Some(Effect::Allow);
    for (order, name) in STATEMENT_ELEMENTS.iter().enumerate() {
        if elements::unavailable(name, kind).is_some() {
            continue;
        }
        // One of each pair.
        let twin = match *name {
            "Action" => "NotAction",
            "NotAction" => "Action",
            "Resource" => "NotResource",
            "NotResource" => "Resource",
            "Principal" => "NotPrincipal",
            "NotPrincipal" => "Principal",
            _ => "",
        };
        if !twin.is_empty() && has(twin) {
            continue;
        }
        // NotPrincipal only works with Deny.
        if *name == "NotPrincipal" && allows {
            continue;
        }
        let required = match *name {
            "Effect" | "Action" => true,
            "Principal" => kind.facts().principal == Presence::Required,
            "Resource" => kind.facts().resource == Presence::Required,
            _ => false,
        };
        let rank = if required {
            order as u32
        } else if name.starts_with("Not") {
            40 + order as u32
        } else {
            20 + order as u32
        };
        let template = match *name {
            "Effect" if kind == PolicyKind::ResourceControl => "\"Deny\"".to_string(),
            "Effect" => "\"${1|Allow,Deny|}\"".to_string(),
            "Principal" => principal_template(kind, 1)
                .trim_start_matches("\"Principal\": ")
                .to_string(),
            "NotPrincipal" => "{\"AWS\": \"$1\"}".to_string(),
            "Resource" | "NotResource" => "\"${1:*}\"".to_string(),
            "Condition" => "{\"${1:StringEquals}\": {\"$2\": \"$3\"}}".to_string(),
            _ => "\"$1\"".to_string(),
        };
        b.key(
            name,
            CompletionKind::Element,
            Some(elements::summary(name).to_string()),
            elements::doc(name, false, kind),
            name,
            &template,
            rank,
        );
    }
}

fn principal_keys(cx: &Ctx<'_>, b: &mut Builder<'_, '_>) {
    let trust = cx.kind() == PolicyKind::RoleTrust;
    let keys: [(&str, &str); 4] = [
        ("AWS", "accounts, users, roles, sessions"),
        ("Service", "AWS service principals"),
        ("Federated", "SAML, OIDC and web identity providers"),
        ("CanonicalUser", "Amazon S3 canonical user IDs"),
    ];
    for (i, (name, detail)) in keys.iter().enumerate() {
        let rank = match (*name, trust) {
            ("Service", true) => 0,
            ("Federated", true) => 2,
            _ => 1 + i as u32,
        };
        b.key(
            name,
            CompletionKind::Element,
            Some((*detail).to_string()),
            Some(super::principals::type_hover(name)),
            name,
            "\"$1\"",
            rank,
        );
    }
}

fn condition_operators(b: &mut Builder<'_, '_>) {
    for name in operators::all_operator_names() {
        let Some(op) = operators::operator(&name) else {
            continue;
        };
        let rank = match (op.qualifier, op.if_exists) {
            (None, false) => 0,
            (None, true) => 1,
            (Some(_), false) => 2,
            (Some(_), true) => 3,
        };
        let mut detail = format!(
            "compares {}",
            super::conditions::value_type_name(op.value_type())
        );
        if op.negated() {
            detail.push_str(", negated");
        }
        match op.qualifier {
            Some(SetQualifier::ForAllValues) => detail.push_str(", every value (true when none)"),
            Some(SetQualifier::ForAnyValue) => detail.push_str(", any value (false when none)"),
            None => {}
        }
        if op.if_exists {
            detail.push_str(", true if the key is missing");
        }
        b.key(
            &name,
            CompletionKind::Operator,
            Some(detail),
            Some(op.base.description.to_string()),
            &name,
            "{\"$1\": \"$2\"}",
            rank,
        );
    }
}

fn condition_keys(cx: &Ctx<'_>, index: usize, operator: &str, b: &mut Builder<'_, '_>) {
    let cat = catalog::catalog();
    let op = operators::operator(operator);
    let statement = cx.policy.statements.iter().find(|s| s.index == index);
    let mut seen: HashSet<String> = HashSet::new();
    let mut offer = |b: &mut Builder<'_, '_>, name: &str, base_rank: u32| {
        if !seen.insert(name.to_ascii_lowercase()) {
            return;
        }
        let Some(info) = cat.condition_key(name) else {
            return;
        };
        let fits = op
            .as_ref()
            .is_none_or(|o| o.value_type().fits(info.key_type));
        let rank = base_rank + if fits { 0 } else { 5 };
        let (snippet_name, next) = placeholders(info.name, 1, &[]);
        let template = if info.key_type.element() == KeyType::Bool {
            format!("\"${{{next}|true,false|}}\"")
        } else if info.multivalued {
            format!("[\"${next}\"]")
        } else {
            format!("\"${next}\"")
        };
        let scope = if info.is_global() {
            "global"
        } else {
            "service"
        };
        let shape = if info.multivalued {
            ", multi-valued"
        } else {
            ""
        };
        b.key(
            info.name,
            CompletionKind::ConditionKey,
            Some(format!("{} ({scope}{shape})", info.key_type)),
            Some(info.description().to_string()),
            &snippet_name,
            &template,
            rank,
        );
    };
    // Keys the statement's actions document come first.
    if let Some(st) = statement {
        let expanded = actions::statement_actions(st, ACTION_CAP);
        for action in &expanded.actions {
            for k in action.all_condition_keys() {
                offer(b, k.name(), 0);
            }
        }
    }
    for g in cat.global_keys() {
        offer(b, g.name(), 1);
    }
    // Typing a service prefix lists that service's keys too.
    if let Some((prefix, _)) = b.site.typed.split_once(':')
        && let Some(svc) = cat.service(prefix)
    {
        for k in svc.condition_keys() {
            offer(b, k.name(), 2);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values

fn values(cx: &Ctx<'_>, slot: &ValueSlot, b: &mut Builder<'_, '_>) {
    let kind = cx.kind();
    let statement = |index: usize| cx.policy.statements.iter().find(|s| s.index == index);
    match slot {
        ValueSlot::Version => {
            b.value(
                "2012-10-17",
                CompletionKind::Value,
                Some("current version; policy variables work".into()),
                None,
                Text::Str("2012-10-17".into()),
                false,
                0,
            );
            b.value(
                "2008-10-17",
                CompletionKind::Value,
                Some("old version; no policy variables".into()),
                None,
                Text::Str("2008-10-17".into()),
                false,
                1,
            );
        }
        ValueSlot::Statements => b.value(
            "[ statement ]",
            CompletionKind::Value,
            Some(format!(
                "a statement for {}",
                super::evaluation::with_article(kind.title())
            )),
            None,
            Text::Json(format!("[\n\t{}\n]", statement_template(kind))),
            true,
            0,
        ),
        ValueSlot::NewStatement => b.value(
            "{ statement }",
            CompletionKind::Value,
            Some(format!(
                "a statement for {}",
                super::evaluation::with_article(kind.title())
            )),
            None,
            Text::Json(statement_template(kind).replace("\n\t", "\n")),
            true,
            0,
        ),
        ValueSlot::Effect { index } => {
            let deny_first = kind == PolicyKind::ResourceControl
                || statement(*index).is_some_and(|s| s.not_principal.is_some());
            for (name, detail) in [
                ("Allow", "lifts the implicit deny for matching requests"),
                ("Deny", "explicit deny: wins over any Allow"),
            ] {
                let rank = u32::from((name == "Deny") != deny_first);
                b.value(
                    name,
                    CompletionKind::Value,
                    Some(detail.to_string()),
                    Some(
                        super::evaluation::statement_meaning(
                            kind,
                            Effect::parse(name).unwrap_or(Effect::Deny),
                        )
                        .to_string(),
                    ),
                    Text::Str(name.to_string()),
                    false,
                    rank,
                );
            }
        }
        ValueSlot::Action => action_values(b),
        ValueSlot::Resource { index } => {
            if variable_values(b) {
                return;
            }
            resource_values(statement(*index), b)
        }
        ValueSlot::Principal => principal_values(kind, b),
        ValueSlot::PrincipalValue { kind: t } => principal_type_values(t, b),
        ValueSlot::Condition => b.value(
            "{ condition }",
            CompletionKind::Value,
            Some("operator, key and value".into()),
            None,
            Text::Json("{\"${1:StringEquals}\": {\"$2\": \"$3\"}}".into()),
            true,
            0,
        ),
        ValueSlot::ConditionValue { operator, key } => {
            if variable_values(b) {
                return;
            }
            condition_values(operator, key, b)
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn action_values(b: &mut Builder<'_, '_>) {
    let cat = catalog::catalog();
    let typed = b.site.typed;
    let Some((svc_part, act_part)) = typed.split_once(':') else {
        service_values(b);
        return;
    };
    if actions::has_wildcards(svc_part) {
        return;
    }
    let Some(service) = cat.service(svc_part) else {
        return;
    };
    let prefix = service.prefix();
    // Wildcards: the whole service, common verbs, and what was typed so far.
    let total = service.actions().len();
    b.value(
        &format!("{prefix}:*"),
        CompletionKind::Action,
        Some(format!(
            "every {} action ({})",
            service.name(),
            count(total)
        )),
        None,
        Text::Str(format!("{prefix}:*")),
        false,
        0,
    );
    for (verb, n) in verbs(service) {
        b.value(
            &format!("{prefix}:{verb}*"),
            CompletionKind::Action,
            Some(format!("{} actions", count(n))),
            None,
            Text::Str(format!("{prefix}:{verb}*")),
            false,
            1,
        );
    }
    if !act_part.is_empty() && !actions::has_wildcards(act_part) {
        let lower = act_part.to_ascii_lowercase();
        let n = service
            .actions()
            .filter(|a| a.name().to_ascii_lowercase().starts_with(&lower))
            .count();
        if n >= 2 {
            let label = format!("{prefix}:{act_part}*");
            b.value(
                &label,
                CompletionKind::Action,
                Some(format!("wildcard: {} actions", count(n))),
                None,
                Text::Str(label.clone()),
                false,
                0,
            );
        }
    }
    // Only the best MAX_ITEMS can be shown: pick them before building their details (a service
    // such as ec2 has over 800 actions).
    let mut matching: Vec<(u32, Action)> = service
        .actions()
        .filter_map(|a| b.filter(a.full_name()).map(|bonus| (bonus, a)))
        .collect();
    if matching.len() > MAX_ITEMS {
        matching.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.name().cmp(y.1.name())));
        matching.truncate(MAX_ITEMS);
        b.capped = true;
    }
    for (_, action) in matching {
        action_item(b, action, 2);
    }
}

fn action_item(b: &mut Builder<'_, '_>, action: Action, rank: u32) {
    let name = action.full_name();
    if b.filter(name).is_none() {
        return;
    }
    let description = action.description();
    b.value(
        name,
        CompletionKind::Action,
        Some(format!(
            "{} · {}",
            action.access_level(),
            truncate(description, 80)
        )),
        Some(format!(
            "**{}** ({})\n\n{}",
            name,
            action.access_level(),
            description
        )),
        Text::Str(name.to_string()),
        false,
        rank,
    );
}

/// The leading verbs of a service's action names (`Get`, `List`, ...) used by at least two
/// actions, most common first (at most eight).
fn verbs(service: Service) -> Vec<(&'static str, usize)> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for a in service.actions() {
        let name = a.name();
        let end = name
            .char_indices()
            .skip(1)
            .find(|(_, c)| c.is_ascii_uppercase())
            .map_or(name.len(), |(i, _)| i);
        let verb = &name[..end];
        match counts.iter_mut().find(|(v, _)| *v == verb) {
            Some((_, n)) => *n += 1,
            None => counts.push((verb, 1)),
        }
    }
    counts.retain(|(_, n)| *n >= 2);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    counts.truncate(8);
    counts
}

fn service_values(b: &mut Builder<'_, '_>) {
    let cat = catalog::catalog();
    b.value(
        "*",
        CompletionKind::Action,
        Some("every action of every service".into()),
        None,
        Text::Str("*".into()),
        false,
        0,
    );
    for service in cat.services() {
        let prefix = service.prefix();
        let Some(_) = b.filter(prefix) else {
            continue;
        };
        let common = COMMON_SERVICES.iter().position(|p| *p == prefix);
        let rank = match common {
            Some(i) => 1 + i as u32 / 10,
            None => 10,
        };
        // Insert `prefix:` and leave the cursor inside the string (before any closing quote)
        // to keep typing the action.
        let text = format!("{prefix}:$0");
        b.value(
            prefix,
            CompletionKind::Service,
            Some(format!(
                "{} ({} actions)",
                service.name(),
                count(service.actions().len())
            )),
            None,
            Text::Str(text),
            true,
            rank,
        );
    }
}

fn resource_values(statement: Option<&Statement<'_>>, b: &mut Builder<'_, '_>) {
    b.value(
        "*",
        CompletionKind::Reference,
        Some("every resource".into()),
        None,
        Text::Str("*".into()),
        false,
        0,
    );
    let Some(st) = statement else {
        return;
    };
    let expanded = actions::statement_actions(st, ACTION_CAP);
    let mut seen: HashSet<&'static str> = HashSet::new();
    for action in &expanded.actions {
        for r in action.resource_types() {
            let rt = r.resource_type();
            for pattern in rt.arn_patterns() {
                if !seen.insert(pattern) {
                    continue;
                }
                let label = pattern.replace("${Partition}", "aws");
                if b.filter(&label).is_none() {
                    continue;
                }
                let (snippet, _) = placeholders(pattern, 1, &[("Partition", "aws")]);
                b.value(
                    &label,
                    CompletionKind::Reference,
                    Some(format!(
                        "{} ({}){}",
                        rt.name(),
                        rt.service_prefix(),
                        if r.required() { " · required" } else { "" }
                    )),
                    Some(format!(
                        "ARN of a {} resource ({}); used by `{}`",
                        rt.name(),
                        rt.service().name(),
                        action.full_name()
                    )),
                    Text::Str(snippet),
                    true,
                    if r.required() { 1 } else { 2 },
                );
            }
        }
    }
}

fn principal_values(kind: PolicyKind, b: &mut Builder<'_, '_>) {
    b.value(
        "*",
        CompletionKind::Reference,
        Some("every principal, anonymous included".into()),
        None,
        Text::Str("*".into()),
        false,
        if kind == PolicyKind::ResourceControl {
            0
        } else {
            3
        },
    );
    if kind == PolicyKind::ResourceControl {
        return;
    }
    let forms: [(&str, &str, &str); 4] = [
        (
            "{ AWS }",
            "{\"AWS\": \"${1:arn:aws:iam::111122223333:root}\"}",
            "accounts, users, roles",
        ),
        (
            "{ Service }",
            "{\"Service\": \"${1:lambda.amazonaws.com}\"}",
            "an AWS service",
        ),
        (
            "{ Federated }",
            "{\"Federated\": \"$1\"}",
            "an identity provider",
        ),
        (
            "{ CanonicalUser }",
            "{\"CanonicalUser\": \"$1\"}",
            "an S3 canonical user",
        ),
    ];
    for (i, (label, json, detail)) in forms.iter().enumerate() {
        let rank = match (kind, *label) {
            (PolicyKind::RoleTrust, "{ Service }") => 0,
            (PolicyKind::RoleTrust, "{ Federated }") => 1,
            _ => 1 + i as u32,
        };
        b.value(
            label,
            CompletionKind::Reference,
            Some((*detail).to_string()),
            None,
            Text::Json((*json).to_string()),
            true,
            rank,
        );
    }
}

fn principal_type_values(t: &str, b: &mut Builder<'_, '_>) {
    match t {
        "AWS" => {
            let forms: [(&str, &str, &str); 5] = [
                (
                    "arn:aws:iam::ACCOUNT:root",
                    "arn:aws:iam::${1:111122223333}:root",
                    "an account",
                ),
                (
                    "arn:aws:iam::ACCOUNT:role/NAME",
                    "arn:aws:iam::${1:111122223333}:role/${2:name}",
                    "an IAM role",
                ),
                (
                    "arn:aws:iam::ACCOUNT:user/NAME",
                    "arn:aws:iam::${1:111122223333}:user/${2:name}",
                    "an IAM user",
                ),
                (
                    "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION",
                    "arn:aws:sts::${1:111122223333}:assumed-role/${2:role}/${3:session}",
                    "one role session",
                ),
                ("*", "*", "every principal"),
            ];
            for (i, (label, snippet, detail)) in forms.iter().enumerate() {
                b.value(
                    label,
                    CompletionKind::Reference,
                    Some((*detail).to_string()),
                    None,
                    Text::Str((*snippet).to_string()),
                    true,
                    i as u32,
                );
            }
        }
        "Service" => {
            let cat = catalog::catalog();
            for (i, p) in SERVICE_PRINCIPALS.iter().enumerate() {
                let prefix = p.split('.').next().unwrap_or(p);
                let detail = cat.service(prefix).map(|s| s.name().to_string());
                b.value(
                    p,
                    CompletionKind::Reference,
                    detail,
                    None,
                    Text::Str((*p).to_string()),
                    false,
                    (i / 10) as u32,
                );
            }
            // Beyond the common ones: `<prefix>.amazonaws.com` for services matching what was
            // typed (many, not all, services use this form).
            if !b.typed_lower.is_empty() {
                let typed = b.typed_lower.clone();
                for svc in cat.services() {
                    let p = format!("{}.amazonaws.com", svc.prefix());
                    if p.starts_with(&typed) && !SERVICE_PRINCIPALS.contains(&p.as_str()) {
                        b.value(
                            &p,
                            CompletionKind::Reference,
                            Some(format!(
                                "{} (usual form; check the service's docs)",
                                svc.name()
                            )),
                            None,
                            Text::Str(p.clone()),
                            false,
                            5,
                        );
                    }
                }
            }
        }
        "Federated" => {
            for (i, (p, label)) in FEDERATED.iter().enumerate() {
                b.value(
                    p,
                    CompletionKind::Reference,
                    Some((*label).to_string()),
                    None,
                    Text::Str((*p).to_string()),
                    false,
                    1 + i as u32,
                );
            }
            for (label, snippet, detail) in [
                (
                    "arn:aws:iam::ACCOUNT:oidc-provider/HOST",
                    "arn:aws:iam::${1:111122223333}:oidc-provider/${2:token.actions.githubusercontent.com}",
                    "an OIDC provider in IAM",
                ),
                (
                    "arn:aws:iam::ACCOUNT:saml-provider/NAME",
                    "arn:aws:iam::${1:111122223333}:saml-provider/${2:name}",
                    "a SAML provider in IAM",
                ),
            ] {
                b.value(
                    label,
                    CompletionKind::Reference,
                    Some(detail.to_string()),
                    None,
                    Text::Str(snippet.to_string()),
                    true,
                    0,
                );
            }
        }
        _ => {}
    }
}

fn condition_values(operator: &str, key: &str, b: &mut Builder<'_, '_>) {
    let op = operators::operator(operator);
    let info = catalog::catalog().condition_key(key);
    let value_type = op.as_ref().map(|o| o.value_type());
    let bool_key = info.is_some_and(|i| i.key_type.element() == KeyType::Bool);
    if value_type == Some(ValueType::Null) {
        for (v, detail) in [
            ("true", "the key is absent"),
            ("false", "the key is present"),
        ] {
            b.value(
                v,
                CompletionKind::Value,
                Some(detail.into()),
                None,
                Text::Str(v.into()),
                false,
                0,
            );
        }
        return;
    }
    if value_type == Some(ValueType::Bool) || bool_key {
        for v in ["true", "false"] {
            b.value(
                v,
                CompletionKind::Value,
                None,
                None,
                Text::Str(v.into()),
                false,
                0,
            );
        }
        return;
    }
    if super::conditions::is_region_key(key) {
        for (i, r) in crate::rules::regions::REGIONS.iter().enumerate() {
            b.value(
                r.code,
                CompletionKind::Value,
                Some(format!("{} ({})", r.location, r.partition)),
                None,
                Text::Str(r.code.to_string()),
                false,
                u32::from(r.partition != "aws") + u32::from(i > 3),
            );
        }
        return;
    }
    if key.eq_ignore_ascii_case("aws:PrincipalType") {
        for v in [
            "Account",
            "User",
            "FederatedUser",
            "AssumedRole",
            "Anonymous",
        ] {
            b.value(
                v,
                CompletionKind::Value,
                None,
                None,
                Text::Str(v.into()),
                false,
                0,
            );
        }
    }
}

/// After an unclosed `${` in a string: policy variable names. Returns true when it applied.
fn variable_values(b: &mut Builder<'_, '_>) -> bool {
    let site = b.site;
    if !matches!(site.form, Form::InString { .. }) {
        return false;
    }
    let typed = site.typed;
    let Some(open) = typed.rfind("${") else {
        return false;
    };
    if typed[open..].contains('}') {
        return false;
    }
    let partial = &typed[open + 2..];
    let start = site.span.start + open + 2;
    let span = Span::new(start, site.span.start + typed.len());
    let lower = partial.to_ascii_lowercase();
    for (rank, name) in catalog::variables::completion_names().enumerate() {
        if !name.to_ascii_lowercase().starts_with(&lower) {
            continue;
        }
        let (body, _) = placeholders(name, 1, &[]);
        let info = catalog::catalog().condition_key(name);
        b.items.push(Completion {
            label: name.to_string(),
            kind: CompletionKind::ConditionKey,
            detail: info.map(|i| format!("{}", i.key_type)),
            documentation: info.map(|i| i.description().to_string()),
            edit_span: span,
            insert: format!("{body}}}"),
            snippet: true,
            rank: u32::from(rank > 10),
        });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_tab_stops() {
        assert_eq!(
            placeholders(
                "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
                1,
                &[("Partition", "aws")]
            ),
            (
                "arn:${1:aws}:s3:::${2:BucketName}/${3:ObjectName}".to_string(),
                4
            )
        );
        assert_eq!(
            placeholders("a/${X}/${X}", 3, &[]),
            ("a/${3:X}/${3:X}".to_string(), 4)
        );
        assert_eq!(placeholders("plain$", 1, &[]), ("plain\\$".to_string(), 1));
        assert_eq!(placeholders("broken${x", 1, &[]).0, "broken\\${x");
    }

    #[test]
    fn separators() {
        assert_eq!(separator_before("[\"a\" ", 5), ", ");
        assert_eq!(separator_before("[ ", 2), "");
        assert_eq!(separator_after(" \"b\"]", 0), ",");
        assert_eq!(separator_after(" ]", 0), "");
    }

    #[test]
    fn verbs_of_a_service() {
        let s3 = catalog::catalog().service("s3").expect("s3");
        let v = verbs(s3);
        assert!(v.iter().any(|(verb, n)| *verb == "Get" && *n > 10), "{v:?}");
        assert!(v.len() <= 8);
    }
}
