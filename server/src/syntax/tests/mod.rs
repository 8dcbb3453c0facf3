//! Tests of the parser and of `Parse::locate`, with shared helpers.
//!
//! - `accept_reject`: JSONTestSuite-style `y_` (must parse without errors, with the given shape)
//!   and `n_` (must report an error) cases.
//! - `recovery`: the exact tree and errors for broken and half-typed input.
//! - `locate`: paths at a cursor marker.
//! - `props`: property tests (no panics, span invariants, agreement with `serde_json`).

mod accept_reject;
mod locate;
mod props;
mod recovery;

use super::{Node, NodeKind, Parse, parse};

/// A compact rendering of a tree: `{"k": v, …}` / `[a, b]`; an unclosed container has no closing
/// brace or bracket, an unterminated string no closing quote; a missing member value is `_`;
/// an error node is `<error>`.
pub(super) fn render(node: &Node) -> String {
    let mut out = String::new();
    render_into(node, &mut out);
    out
}

fn render_into(node: &Node, out: &mut String) {
    match &node.kind {
        NodeKind::Object { members, closed } => {
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&format!("{:?}: ", m.key));
                match &m.value {
                    Some(v) => render_into(v, out),
                    None => out.push('_'),
                }
            }
            if *closed {
                out.push('}');
            }
        }
        NodeKind::Array { items, closed } => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_into(item, out);
            }
            if *closed {
                out.push(']');
            }
        }
        NodeKind::String {
            value, terminated, ..
        } => {
            let quoted = format!("{value:?}");
            if *terminated {
                out.push_str(&quoted);
            } else {
                out.push_str(&quoted[..quoted.len() - 1]);
            }
        }
        NodeKind::Number(n) => out.push_str(n),
        NodeKind::Bool(b) => out.push_str(&b.to_string()),
        NodeKind::Null => out.push_str("null"),
        NodeKind::Error => out.push_str("<error>"),
    }
}

/// The errors as `start..end message`, one per line.
pub(super) fn render_errors(p: &Parse) -> String {
    p.errors
        .iter()
        .map(|e| format!("{}..{} {}", e.span.start, e.span.end, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parse and render the root (`<none>` when there is none).
pub(super) fn tree(text: &str) -> String {
    parse(text).root.as_ref().map_or("<none>".into(), render)
}

/// Structural invariants every parse must satisfy, whatever the input.
pub(super) fn check_invariants(text: &str, p: &Parse) {
    let ok = |s: super::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for e in &p.errors {
        assert!(ok(e.span), "bad error span {:?} in {text:?}", e);
        assert!(!e.message.is_empty());
    }
    assert!(
        p.errors
            .windows(2)
            .all(|w| w[0].span.start <= w[1].span.start),
        "errors not sorted"
    );
    // Only the first character can be a byte order mark; a second one is a stray character.
    let blank = text
        .strip_prefix('\u{FEFF}')
        .unwrap_or(text)
        .trim_matches([' ', '\t', '\n', '\r'])
        .is_empty();
    if p.root.is_none() {
        assert!(!p.errors.is_empty(), "no root and no error for {text:?}");
    }
    if blank {
        assert!(p.root.is_none(), "root for blank input {text:?}");
    }
    if let Some(root) = &p.root {
        check_node(text, root, &ok);
    }
}

fn check_node(text: &str, node: &Node, ok: &dyn Fn(super::Span) -> bool) {
    assert!(ok(node.span), "bad node span {:?} in {text:?}", node.span);
    let inside = |s: super::Span| node.span.start <= s.start && s.end <= node.span.end;
    match &node.kind {
        NodeKind::Object { members, .. } => {
            let mut prev = node.span.start;
            for m in members {
                assert!(inside(m.span) && inside(m.key_span));
                assert!(m.span.start >= prev, "members overlap in {text:?}");
                assert_eq!(m.span.start, m.key_span.start);
                let end = m.value.as_ref().map_or(m.key_span.end, |v| v.span.end);
                assert_eq!(m.span.end, end);
                prev = m.span.end;
                if let Some(v) = &m.value {
                    assert!(v.span.start >= m.key_span.end);
                    check_node(text, v, ok);
                }
            }
        }
        NodeKind::Array { items, .. } => {
            let mut prev = node.span.start;
            for item in items {
                assert!(inside(item.span));
                assert!(item.span.start >= prev, "items overlap in {text:?}");
                prev = item.span.end;
                check_node(text, item, ok);
            }
        }
        NodeKind::String { content, .. } => {
            assert!(ok(*content) && inside(*content));
        }
        NodeKind::Number(n) => assert_eq!(&text[node.span.start..node.span.end], n),
        NodeKind::Bool(_) | NodeKind::Null | NodeKind::Error => {}
    }
}

/// A representative identity policy (about 600 bytes).
pub(super) const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBucket",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": [
        "arn:aws:s3:::example-bucket",
        "arn:aws:s3:::example-bucket/*"
      ],
      "Condition": {
        "StringEquals": {"aws:PrincipalTag/team": "data \u00e9quipe"},
        "NumericLessThan": {"s3:max-keys": "10"},
        "Bool": {"aws:SecureTransport": true}
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "iam:*",
      "Resource": "*",
      "Condition": {"Null": {"aws:MultiFactorAuthAge": null}}
    }
  ]
}
"#;
