//! Where an offset sits in a policy: the JSON path cut into "which statement" and "where in
//! it", and the tree nodes along the way.

use crate::syntax::{Member, Node, NodeKind, PathSegment, Span};

/// The part of the policy a path points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'p> {
    /// The root object itself (its braces, or white space between its members).
    Root,
    /// Inside a top-level member other than `Statement`: `key` is its name, `rest` the path
    /// below it.
    Top {
        key: &'p str,
        rest: &'p [PathSegment],
    },
    /// On the `Statement` key, or inside its array but not in a statement.
    StatementList,
    /// Inside one statement: `index` in the `Statement` array (0 for the object form), `rest`
    /// the path below the statement object.
    Statement {
        index: usize,
        rest: &'p [PathSegment],
    },
}

/// Cuts `path` (from [`crate::syntax::Parse::locate`]) at the statement. `on_key` is whether
/// the offset is on the last key of the path.
pub fn scope<'p>(root: &Node, path: &'p [PathSegment], on_key: bool) -> Scope<'p> {
    let Some((PathSegment::Key(first), rest)) = path.split_first() else {
        return Scope::Root;
    };
    if first != "Statement" {
        return Scope::Top { key: first, rest };
    }
    if rest.is_empty() && on_key {
        return Scope::Top { key: first, rest };
    }
    let statement_is_array = root
        .get("Statement")
        .and_then(|m| m.value.as_ref())
        .is_some_and(|v| matches!(v.kind, NodeKind::Array { .. }));
    if statement_is_array {
        match rest.split_first() {
            Some((PathSegment::Index(i), rest)) => Scope::Statement { index: *i, rest },
            _ => Scope::StatementList,
        }
    } else {
        Scope::Statement { index: 0, rest }
    }
}

/// The key name of a path segment, if it is one.
pub fn key(seg: Option<&PathSegment>) -> Option<&str> {
    match seg {
        Some(PathSegment::Key(k)) => Some(k),
        _ => None,
    }
}

/// Follows `path` from `root`, choosing at each object the member named by the segment whose
/// span touches `offset` (so duplicates resolve to the one under the cursor). Returns the node
/// reached.
pub fn node_at<'a>(root: &'a Node, path: &[PathSegment], offset: usize) -> Option<&'a Node> {
    let mut node = root;
    for seg in path {
        node = match (seg, &node.kind) {
            (PathSegment::Key(k), NodeKind::Object { members, .. }) => {
                member_named(members, k, offset)?.value.as_ref()?
            }
            (PathSegment::Index(i), NodeKind::Array { items, .. }) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The member named `key` whose span touches `offset`, else the first named `key`.
pub fn member_named<'a>(members: &'a [Member], key: &str, offset: usize) -> Option<&'a Member> {
    members
        .iter()
        .find(|m| m.key == key && m.span.touches(offset))
        .or_else(|| members.iter().find(|m| m.key == key))
}

/// The member whose key span touches `offset`, in the object at `path` (for hovers on keys).
pub fn key_member<'a>(root: &'a Node, path: &[PathSegment], offset: usize) -> Option<&'a Member> {
    let parent = node_at(root, path.get(..path.len().checked_sub(1)?)?, offset)?;
    parent
        .members()?
        .iter()
        .find(|m| m.key_span.touches(offset))
}

/// The content span of a key (between its quotes, or to its end when the closing quote is
/// missing) and whether it is terminated.
pub fn key_content(text: &str, key_span: Span) -> (Span, bool) {
    let start = (key_span.start + 1).min(key_span.end);
    let bytes = text.as_bytes();
    let terminated = key_span.len() >= 2
        && bytes.get(key_span.end - 1) == Some(&b'"')
        && !escaped_at(bytes, key_span.end - 1, start);
    let end = if terminated {
        key_span.end - 1
    } else {
        key_span.end
    };
    (Span::new(start, end.max(start)), terminated)
}

/// Whether the byte at `at` is preceded by an odd number of backslashes (from `floor` on).
fn escaped_at(bytes: &[u8], at: usize, floor: usize) -> bool {
    let mut n = 0;
    let mut i = at;
    while i > floor && bytes.get(i - 1) == Some(&b'\\') {
        n += 1;
        i -= 1;
    }
    n % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn scope_at(text: &str, marker: &str) -> String {
        let offset = text.find(marker).expect("marker") + 1;
        let p = parse(text);
        let root = p.root.as_ref().expect("root");
        let loc = p.locate(offset).expect("located");
        format!("{:?}", scope(root, &loc.path.0, loc.on_key))
    }

    #[test]
    fn cuts_paths_at_the_statement() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"]}]}"#;
        assert_eq!(
            scope_at(text, "\"Version\""),
            r#"Top { key: "Version", rest: [] }"#
        );
        assert_eq!(
            scope_at(text, "\"Statement\""),
            r#"Top { key: "Statement", rest: [] }"#
        );
        assert_eq!(
            scope_at(text, "\"s3:Get"),
            r#"Statement { index: 0, rest: [Key("Action"), Index(0)] }"#
        );
        let object_form = r#"{"Statement": {"Effect": "Deny"}}"#;
        assert_eq!(
            scope_at(object_form, "\"Deny"),
            r#"Statement { index: 0, rest: [Key("Effect")] }"#
        );
        let gap = r#"{"Statement": [ {"Effect": "Deny"}, ]}"#;
        assert_eq!(scope_at(gap, "[ "), "StatementList");
    }

    #[test]
    fn key_contents_know_their_quotes() {
        let text = r#"{"Eff": 1, "Ac"#;
        let p = parse(text);
        let members = p.root.as_ref().and_then(|r| r.members()).expect("members");
        let (span, terminated) = key_content(text, members[0].key_span);
        assert!(terminated);
        assert_eq!(&text[span.start..span.end], "Eff");
        let (span, terminated) = key_content(text, members[1].key_span);
        assert!(!terminated);
        assert_eq!(&text[span.start..span.end], "Ac");
        let (span, terminated) = key_content(r#""a\""#, Span::new(0, 4));
        assert!(!terminated);
        assert_eq!(span, Span::new(1, 4));
    }
}
