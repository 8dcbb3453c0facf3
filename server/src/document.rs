//! What kind of text a document holds: an IAM policy, a decoded authorization message, or plain text.
//!
//! A [`Snapshot`] is one immutable version of a document: its text, its [`DocumentKind`] and, when
//! the text looks like JSON, its syntax tree. [`diagnostics`] is the single entry point that
//! turns a snapshot into [`Finding`]s; every later rule plugs in there. Nothing in this module
//! knows LSP: offsets are bytes, results are plain data.

use crate::syntax::{self, Node, Parse, Span};
use std::sync::Arc;

/// Texts larger than this are never parsed as JSON (they are treated as [`DocumentKind::Text`]).
pub const MAX_PARSE_BYTES: usize = 2 * 1024 * 1024;

/// Code of the findings that report JSON syntax errors.
pub const JSON_SYNTAX: &str = "json-syntax";

/// What a document holds, judged from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A JSON IAM policy: a top-level object with `Statement`, or with `Version` and
    /// statement elements (`Effect`, `Action`, ...).
    Policy,
    /// The JSON shape of a decoded authorization failure message (`allowed`, `explicitDeny`,
    /// `matchedStatements`, `context`).
    DecodedMessage,
    /// Anything else: logs, terminal output, unrelated JSON.
    Text,
}

/// Keys that only appear in a statement (or in a policy written as a single statement).
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

/// Keys of a decoded authorization message; `allowed` and `context` must be there with at
/// least one of the other two.
const DECODED_MESSAGE_KEYS: &[&str] = &["explicitDeny", "matchedStatements"];

/// True when `text` is worth parsing as JSON: it starts (after white space) with `{` and is no
/// larger than [`MAX_PARSE_BYTES`].
pub fn looks_like_json_object(text: &str) -> bool {
    text.len() <= MAX_PARSE_BYTES && text.bytes().find(|b| !b.is_ascii_whitespace()) == Some(b'{')
}

/// Classifies a parsed text by the keys of its top-level object.
pub fn classify(parse: &Parse) -> DocumentKind {
    let Some(root) = parse.root.as_ref() else {
        return DocumentKind::Text;
    };
    classify_root(root)
}

fn classify_root(root: &Node) -> DocumentKind {
    let Some(members) = root.members() else {
        return DocumentKind::Text;
    };
    let has = |key: &str| members.iter().any(|m| m.key == key);
    if has("Statement") || (has("Version") && STATEMENT_KEYS.iter().any(|k| has(k))) {
        DocumentKind::Policy
    } else if has("allowed") && has("context") && DECODED_MESSAGE_KEYS.iter().any(|k| has(k)) {
        DocumentKind::DecodedMessage
    } else {
        DocumentKind::Text
    }
}

/// One immutable version of a document, ready for analysis.
#[derive(Clone, Debug)]
pub struct Snapshot {
    text: Arc<str>,
    version: i32,
    kind: DocumentKind,
    parse: Option<Parse>,
}

impl Snapshot {
    /// Analyzes `text`: parses it when [`looks_like_json_object`] and classifies it.
    /// `version` is the editor's version of the document (anything for a file on disk).
    pub fn new(text: impl Into<Arc<str>>, version: i32) -> Self {
        let text = text.into();
        let parse = looks_like_json_object(&text).then(|| syntax::parse(&text));
        let kind = parse.as_ref().map_or(DocumentKind::Text, classify);
        Snapshot {
            text,
            version,
            kind,
            parse,
        }
    }

    /// The full text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The full text, shared.
    pub fn shared_text(&self) -> &Arc<str> {
        &self.text
    }

    /// The version this snapshot was taken at.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// What the document holds.
    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// The JSON syntax tree; `None` when the text was not parsed (it does not start with `{`,
    /// or it is larger than [`MAX_PARSE_BYTES`]).
    pub fn parse(&self) -> Option<&Parse> {
        self.parse.as_ref()
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

/// One problem found in a document: plain data, located by a byte span of the snapshot's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub span: Span,
    pub severity: Severity,
    /// Stable identifier of the check that produced it (e.g. [`JSON_SYNTAX`]).
    pub code: &'static str,
    pub message: String,
}

/// Every finding for `snapshot`, in text order within each check. The one place where checks
/// are run; later rules are added here.
pub fn diagnostics(snapshot: &Snapshot) -> Vec<Finding> {
    let mut findings = Vec::new();
    if snapshot.kind() == DocumentKind::Policy
        && let Some(parse) = snapshot.parse()
    {
        findings.extend(parse.errors.iter().map(|error| Finding {
            span: error.span,
            severity: Severity::Error,
            code: JSON_SYNTAX,
            message: error.message.clone(),
        }));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Member, NodeKind};

    fn object(keys: &[&str]) -> Parse {
        let members = keys
            .iter()
            .map(|k| Member {
                key: (*k).to_string(),
                key_span: Span::default(),
                value: Some(Node {
                    span: Span::default(),
                    kind: NodeKind::Null,
                }),
                span: Span::default(),
            })
            .collect();
        Parse {
            root: Some(Node {
                span: Span::default(),
                kind: NodeKind::Object {
                    members,
                    closed: true,
                },
            }),
            errors: Vec::new(),
        }
    }

    #[test]
    fn classifies_by_top_level_keys() {
        assert_eq!(classify(&object(&["Statement"])), DocumentKind::Policy);
        assert_eq!(
            classify(&object(&["Version", "Statement"])),
            DocumentKind::Policy
        );
        assert_eq!(
            classify(&object(&["Version", "Effect", "Action"])),
            DocumentKind::Policy
        );
        assert_eq!(classify(&object(&["Version"])), DocumentKind::Text);
        assert_eq!(classify(&object(&["Effect"])), DocumentKind::Text);
        assert_eq!(
            classify(&object(&[
                "allowed",
                "explicitDeny",
                "matchedStatements",
                "failures",
                "context"
            ])),
            DocumentKind::DecodedMessage
        );
        assert_eq!(
            classify(&object(&["allowed", "context"])),
            DocumentKind::Text
        );
        assert_eq!(classify(&object(&["name", "version"])), DocumentKind::Text);
        assert_eq!(classify(&Parse::default()), DocumentKind::Text);
    }

    #[test]
    fn only_small_object_texts_are_parsed() {
        assert!(looks_like_json_object("  \r\n\t{\"a\": 1}"));
        assert!(!looks_like_json_object("[1]"));
        assert!(!looks_like_json_object("User: arn:aws:iam::1:user/x {"));
        assert!(!looks_like_json_object(""));
        let mut huge = String::from("{");
        huge.push_str(&" ".repeat(MAX_PARSE_BYTES));
        assert!(!looks_like_json_object(&huge));
        // Neither is parsed (this would reach the parser otherwise).
        let snap = Snapshot::new(huge, 1);
        assert_eq!(snap.kind(), DocumentKind::Text);
        assert!(snap.parse().is_none());
        let log = Snapshot::new("2024-01-01 AccessDenied: not authorized", 3);
        assert_eq!(log.kind(), DocumentKind::Text);
        assert_eq!(log.version(), 3);
        assert!(diagnostics(&log).is_empty());
    }
}
