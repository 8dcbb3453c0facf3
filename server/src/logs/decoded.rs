//! The JSON document STS `DecodeAuthorizationMessage` returns, read tolerantly, and a summary of
//! it in words.
//!
//! Shape (every field may be missing; lists come wrapped as `{"items": [...]}` with scalars as
//! `{"value": ...}`, and bare arrays/strings are accepted too):
//!
//! ```json
//! {"allowed": false, "explicitDeny": true,
//!  "matchedStatements": {"items": [{"statementId": "DenyNonEU", "effect": "DENY",
//!      "principals": {"items": [{"value": "AROA..."}]}, "actions": {"items": [{"value": "ec2:*"}]},
//!      "resources": {"items": [{"value": "*"}]}, "conditions": {"items": [...]}}]},
//!  "failures": {"items": []},
//!  "context": {"principal": {"id": "AROA...:alice", "arn": "arn:aws:sts::...:assumed-role/Dev/alice"},
//!              "action": "ec2:RunInstances", "resource": "arn:aws:ec2:...",
//!              "conditions": {"items": [{"key": "aws:RequestedRegion",
//!                                        "values": {"items": [{"value": "us-west-2"}]}}]}}}
//! ```

use super::doc::{self, Block, Fact, Section, code};
use crate::syntax::Node;
use serde_json::Value;

/// A condition as listed on a matched statement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementCondition {
    pub key: Option<String>,
    /// The operator when the document gives one (`StringNotEquals`...).
    pub operator: Option<String>,
    pub values: Vec<String>,
}

/// One statement the evaluation matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchedStatement {
    pub statement_id: Option<String>,
    /// As written (`DENY`, `ALLOW`, `Deny`...).
    pub effect: Option<String>,
    pub principals: Vec<String>,
    pub principal_groups: Vec<String>,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub conditions: Vec<StatementCondition>,
}

impl MatchedStatement {
    /// True when the effect is Deny (any case).
    pub fn is_deny(&self) -> bool {
        self.effect
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("deny"))
    }
    /// True when the effect is Allow (any case).
    pub fn is_allow(&self) -> bool {
        self.effect
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("allow"))
    }
}

/// A request context value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextEntry {
    pub key: String,
    pub values: Vec<String>,
}

/// A decoded authorization message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodedMessage {
    pub allowed: Option<bool>,
    pub explicit_deny: Option<bool>,
    pub matched_statements: Vec<MatchedStatement>,
    /// `failures.items`, as text.
    pub failures: Vec<String>,
    pub principal_id: Option<String>,
    pub principal_arn: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub context: Vec<ContextEntry>,
}

/// The outcome the document records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// `allowed` is true.
    Allowed,
    /// Denied, and `explicitDeny` is true: a Deny statement matched.
    ExplicitDeny,
    /// Denied without a matching Deny: nothing allowed it.
    ImplicitDeny,
    /// `allowed` is missing.
    Unknown,
}

impl DecodedMessage {
    /// Reads a decoded message from text: the JSON itself, a JSON string holding it (the CLI's
    /// default output), the CLI's `{"DecodedMessage": "..."}` object, or XML-escaped JSON as it
    /// sits in the raw STS response. `None` when no JSON object can be found.
    pub fn parse(text: &str) -> Option<DecodedMessage> {
        DecodedMessage::from_value(&unwrap_object(text)?)
    }

    /// Like [`DecodedMessage::parse`], but only for text that has the keys of a decoded message
    /// ([`is_decoded_value`]): a JSON log line, a CloudTrail event or an API error body is not one.
    pub fn parse_strict(text: &str) -> Option<DecodedMessage> {
        unwrap_object(text)
            .filter(is_decoded_value)
            .and_then(|v| DecodedMessage::from_value(&v))
    }

    /// Reads a decoded message from a JSON value. `None` unless it is an object.
    pub fn from_value(v: &Value) -> Option<DecodedMessage> {
        let obj = v.as_object()?;
        let ctx = obj.get("context");
        Some(DecodedMessage {
            allowed: obj.get("allowed").and_then(as_bool),
            explicit_deny: obj.get("explicitDeny").and_then(as_bool),
            matched_statements: items(obj.get("matchedStatements"))
                .into_iter()
                .map(statement)
                .collect(),
            failures: items(obj.get("failures"))
                .into_iter()
                .filter_map(scalar_or_json)
                .collect(),
            principal_id: ctx
                .and_then(|c| c.get("principal"))
                .and_then(|p| p.get("id"))
                .and_then(scalar),
            principal_arn: ctx
                .and_then(|c| c.get("principal"))
                .and_then(|p| p.get("arn"))
                .and_then(scalar),
            action: ctx.and_then(|c| c.get("action")).and_then(scalar),
            resource: ctx.and_then(|c| c.get("resource")).and_then(scalar),
            context: items(ctx.and_then(|c| c.get("conditions")))
                .into_iter()
                .filter_map(|item| {
                    Some(ContextEntry {
                        key: item.get("key").and_then(scalar)?,
                        values: values_of(item),
                    })
                })
                .collect(),
        })
    }

    /// What the document says happened.
    pub fn verdict(&self) -> Verdict {
        match (self.allowed, self.explicit_deny) {
            (Some(true), _) => Verdict::Allowed,
            (Some(false), Some(true)) => Verdict::ExplicitDeny,
            (Some(false), _) => Verdict::ImplicitDeny,
            (None, Some(true)) => Verdict::ExplicitDeny,
            (None, _) => Verdict::Unknown,
        }
    }

    /// The context values for `key` (condition keys are case-insensitive).
    pub fn context_values(&self, key: &str) -> Option<&[String]> {
        self.context
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(key))
            .map(|c| c.values.as_slice())
    }
}

fn xml_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The elements of `{"items": [...]}`, a bare array, or a single value.
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(o)) if o.contains_key("items") => match o.get("items") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other],
        },
        Some(other) => vec![other],
    }
}

/// A scalar as text: a string, number or bool, or an object's `value`.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => o.get("value").and_then(scalar),
        _ => None,
    }
}

fn scalar_or_json(v: &Value) -> Option<String> {
    scalar(v).or_else(|| (!v.is_null()).then(|| v.to_string()))
}

fn scalars(v: Option<&Value>) -> Vec<String> {
    items(v).into_iter().filter_map(scalar).collect()
}

fn values_of(item: &Value) -> Vec<String> {
    scalars(item.get("values").or_else(|| item.get("value")))
}

fn statement(v: &Value) -> MatchedStatement {
    let s = |k: &str| v.get(k).and_then(scalar);
    MatchedStatement {
        statement_id: s("statementId").or_else(|| s("sid")),
        effect: s("effect"),
        principals: scalars(v.get("principals")),
        principal_groups: scalars(v.get("principalGroups")),
        actions: scalars(v.get("actions")),
        resources: scalars(v.get("resources")),
        conditions: items(v.get("conditions"))
            .into_iter()
            .map(|c| StatementCondition {
                key: c.get("key").and_then(scalar),
                operator: ["operator", "conditionOperator", "type", "op"]
                    .iter()
                    .find_map(|k| c.get(*k).and_then(scalar)),
                values: values_of(c),
            })
            .collect(),
    }
}

/// The JSON object in `text`, through the layers `parse` accepts (a JSON string, the CLI's
/// `{"DecodedMessage": "..."}`, XML escapes).
fn unwrap_object(text: &str) -> Option<Value> {
    let mut candidate = text.trim().to_string();
    for _ in 0..3 {
        match serde_json::from_str::<Value>(&candidate) {
            Ok(Value::String(inner)) => candidate = inner,
            Ok(v @ Value::Object(_)) => {
                if let Some(Value::String(inner)) = v.get("DecodedMessage") {
                    candidate = inner.clone();
                    continue;
                }
                return Some(v);
            }
            Ok(_) => return None,
            Err(_) if candidate.contains("&quot;") => candidate = xml_unescape(&candidate),
            Err(_) => return None,
        }
    }
    None
}

/// True when a JSON value looks like a decoded authorization message: an object with at least
/// two of `allowed`, `explicitDeny`, `matchedStatements`, `failures`, `context`, and no
/// `Statement` (which would make it a policy).
pub fn is_decoded_value(v: &Value) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    let hits = DECODED_KEYS.iter().filter(|k| o.contains_key(**k)).count();
    hits >= 2 && !o.contains_key("Statement")
}

const DECODED_KEYS: [&str; 5] = [
    "allowed",
    "explicitDeny",
    "matchedStatements",
    "failures",
    "context",
];

/// The same test as [`is_decoded_value`] on a syntax tree root, for document classification.
pub fn is_decoded_message(root: &Node) -> bool {
    if root.members().is_none() {
        return false;
    }
    let hits = DECODED_KEYS
        .iter()
        .filter(|k| root.get(k).is_some())
        .count();
    hits >= 2 && root.get("Statement").is_none()
}

// ---------------------------------------------------------------------------------------------
// Summary.

/// One matched statement, described.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementSummary {
    pub statement_id: Option<String>,
    pub effect: Option<String>,
    /// True for the statements that decided the outcome (the Deny ones in an explicit deny).
    pub decided: bool,
    /// One line: id, effect, actions, resources, conditions.
    pub line: String,
}

/// A decoded message in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub verdict: Verdict,
    /// The one-sentence answer, e.g. "Denied explicitly by statement DenyNonEU; the request's
    /// aws:RequestedRegion was us-west-2."
    pub headline: String,
    pub statements: Vec<StatementSummary>,
    /// The request context, as decoded.
    pub context: Vec<ContextEntry>,
    pub sections: Vec<Section>,
}

impl Summary {
    /// Markdown for a hover or a preview.
    pub fn to_markdown(&self) -> String {
        doc::render_markdown(&self.headline, &self.sections)
    }
    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        doc::render_text(&self.headline, &self.sections)
    }
}

/// Summarises a decoded message.
pub fn summarize(m: &DecodedMessage) -> Summary {
    let verdict = m.verdict();
    let deciding: Vec<&MatchedStatement> = match verdict {
        Verdict::ExplicitDeny => m
            .matched_statements
            .iter()
            .filter(|s| s.is_deny())
            .collect(),
        Verdict::Allowed => m
            .matched_statements
            .iter()
            .filter(|s| s.is_allow())
            .collect(),
        _ => Vec::new(),
    };
    let names = |list: &[&MatchedStatement]| -> String {
        let ids: Vec<String> = list
            .iter()
            .filter_map(|s| s.statement_id.clone())
            .filter(|s| !s.is_empty())
            .collect();
        join_words(&ids)
    };
    let mut headline = match verdict {
        Verdict::Allowed if deciding.is_empty() => "The request was allowed".to_string(),
        Verdict::Allowed => format!(
            "The request was allowed by {} {}",
            plural(deciding.len(), "statement", "statements"),
            names(&deciding)
        ),
        Verdict::ExplicitDeny if deciding.is_empty() => {
            "Denied explicitly; the decoded message lists no Deny statement".to_string()
        }
        Verdict::ExplicitDeny => {
            let n = names(&deciding);
            if n.is_empty() {
                "Denied explicitly by a Deny statement without a statement id".to_string()
            } else {
                format!(
                    "Denied explicitly by {} {n}",
                    plural(deciding.len(), "statement", "statements")
                )
            }
        }
        Verdict::ImplicitDeny => "Denied implicitly: no statement allowed the request".to_string(),
        Verdict::Unknown => {
            "The decoded message does not say whether the request was allowed".to_string()
        }
    };
    let clauses = condition_clauses(m, &deciding);
    if !clauses.is_empty() {
        headline.push_str("; ");
        headline.push_str(&join_words(&clauses));
    }
    headline.push('.');

    let statements: Vec<StatementSummary> = m
        .matched_statements
        .iter()
        .map(|s| StatementSummary {
            statement_id: s.statement_id.clone(),
            effect: s.effect.clone(),
            decided: deciding.iter().any(|d| std::ptr::eq(*d, s)),
            line: statement_line(s, deciding.iter().any(|d| std::ptr::eq(*d, s))),
        })
        .collect();

    let mut sections = Vec::new();
    let mut request = Vec::new();
    if let Some(a) = &m.principal_arn {
        request.push(Fact::code("Principal", a));
    }
    if let Some(id) = &m.principal_id {
        request.push(Fact::code("Principal id", id));
    }
    if let Some(a) = &m.action {
        request.push(Fact::code("Action", a));
    }
    if let Some(r) = &m.resource {
        request.push(Fact::code("Resource", r));
    }
    request.push(Fact::words(
        "Outcome",
        match verdict {
            Verdict::Allowed => "allowed",
            Verdict::ExplicitDeny => "explicit deny (a Deny statement matched)",
            Verdict::ImplicitDeny => "implicit deny (no Allow matched)",
            Verdict::Unknown => "not stated",
        },
    ));
    sections.push(Section {
        title: "Request".to_string(),
        blocks: vec![Block::Facts(request)],
    });

    let mut stmt_blocks = Vec::new();
    if statements.is_empty() {
        stmt_blocks.push(Block::Text("No matched statements are listed.".to_string()));
    } else {
        stmt_blocks.push(Block::Bullets(
            statements.iter().map(|s| s.line.clone()).collect(),
        ));
    }
    if verdict == Verdict::ImplicitDeny {
        let allows: Vec<&MatchedStatement> = m
            .matched_statements
            .iter()
            .filter(|s| s.is_allow())
            .collect();
        let text = if allows.is_empty() {
            "Nothing allowed the request. Add an Allow for this action and resource in the \
             caller's identity policies (or the resource's policy), or check that the \
             conditions of an existing Allow are met."
                .to_string()
        } else {
            format!(
                "{} matched with Allow, yet the request was still denied: another kind of policy \
                 that must also allow it (a permissions boundary, an SCP or RCP, a session \
                 policy, or the resource's policy) did not.",
                if allows.len() == 1 {
                    "A statement".to_string()
                } else {
                    format!("{} statements", allows.len())
                }
            )
        };
        stmt_blocks.push(Block::Text(text));
    }
    sections.push(Section {
        title: "Matched statements".to_string(),
        blocks: stmt_blocks,
    });

    if m.context.is_empty() {
        sections.push(Section {
            title: "Request context".to_string(),
            blocks: vec![Block::Text(
                "The message carries no context values.".to_string(),
            )],
        });
    } else {
        sections.push(Section {
            title: "Request context".to_string(),
            blocks: vec![Block::Facts(
                m.context
                    .iter()
                    .map(|c| Fact::code(&c.key, &c.values.join(", ")))
                    .collect(),
            )],
        });
    }
    if !m.failures.is_empty() {
        sections.push(Section {
            title: "Failures".to_string(),
            blocks: vec![Block::Bullets(m.failures.iter().map(|f| code(f)).collect())],
        });
    }
    Summary {
        verdict,
        headline,
        statements,
        context: m.context.clone(),
        sections,
    }
}

/// "the request's aws:RequestedRegion was us-west-2", for the condition keys of the deciding
/// statements.
fn condition_clauses(m: &DecodedMessage, deciding: &[&MatchedStatement]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for s in deciding {
        for c in &s.conditions {
            let Some(key) = &c.key else { continue };
            if seen.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                continue;
            }
            seen.push(key.clone());
            out.push(match m.context_values(key) {
                Some([]) | None => format!("the request had no value for {key}"),
                Some([one]) => format!("the request's {key} was {one}"),
                Some(many) => format!("the request's {key} was {}", join_words(many)),
            });
        }
    }
    out
}

fn statement_line(s: &MatchedStatement, decided: bool) -> String {
    let mut line = match &s.statement_id {
        Some(id) if !id.is_empty() => code(id),
        _ => "(no statement id)".to_string(),
    };
    if let Some(e) = &s.effect {
        line.push_str(&format!(" {}", title_case(e)));
    }
    if decided {
        line.push_str(" (decided the outcome)");
    }
    if !s.actions.is_empty() {
        line.push_str(&format!("; actions {}", code_list(&s.actions)));
    }
    if !s.resources.is_empty() {
        line.push_str(&format!("; resources {}", code_list(&s.resources)));
    }
    if !s.principals.is_empty() {
        line.push_str(&format!("; principals {}", code_list(&s.principals)));
    }
    if !s.conditions.is_empty() {
        let conds: Vec<String> = s
            .conditions
            .iter()
            .map(|c| {
                let mut t = String::new();
                if let Some(op) = &c.operator {
                    t.push_str(op);
                    t.push(' ');
                }
                t.push_str(c.key.as_deref().unwrap_or("?"));
                if !c.values.is_empty() {
                    t.push_str(": ");
                    t.push_str(&c.values.join(", "));
                }
                code(&t)
            })
            .collect();
        line.push_str(&format!("; conditions {}", conds.join(", ")));
    }
    line
}

fn code_list(items: &[String]) -> String {
    items.iter().map(|i| code(i)).collect::<Vec<_>>().join(", ")
}

fn title_case(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// "a", "a and b", "a, b and c".
fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
