//! Hover, outline, actions and notes for logs and decoded messages.

use super::*;
use crate::document::{DocumentKind, Snapshot};
use crate::logs::{DecodedMessage, summarize};

const SCP_ARN: &str =
    "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd";

const DECODED: &str = r#"{
  "allowed": false,
  "explicitDeny": true,
  "matchedStatements": {"items": [
    {"statementId": "DenyOutsideEU", "effect": "DENY",
     "principals": {"items": [{"value": "AROAEXAMPLEID"}]},
     "principalGroups": {"items": []},
     "actions": {"items": [{"value": "ec2:*"}]},
     "resources": {"items": [{"value": "*"}]},
     "conditions": {"items": [{"key": "aws:RequestedRegion",
        "values": {"items": [{"value": "eu-central-1"}, {"value": "eu-west-1"}]}}]}}
  ]},
  "failures": {"items": []},
  "context": {
    "principal": {"id": "AROAEXAMPLEID:alice", "arn": "arn:aws:sts::123456789012:assumed-role/Dev/alice"},
    "action": "ec2:RunInstances",
    "resource": "arn:aws:ec2:us-west-2:123456789012:instance/*",
    "conditions": {"items": [
      {"key": "aws:RequestedRegion", "values": {"items": [{"value": "us-west-2"}]}},
      {"key": "ec2:InstanceType", "values": {"items": [{"value": "t3.micro"}]}}
    ]}
  }
}
"#;

/// A blob-like token of `len` characters from `[A-Za-z0-9_-]`, mixed case.
fn fake_blob(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}

fn at(text: &str, needle: &str) -> usize {
    text.find(needle).expect("needle in text")
}

fn no_decoded(_: &str) -> Option<Summary> {
    None
}

#[test]
fn logs_hover_scp_explicit_deny_line() {
    let log = format!(
        "2026-02-03T10:00:00Z ERROR deploy failed\n2026-02-03T10:00:01Z ERROR User: \
         arn:aws:iam::111111111111:user/deploy-bot is not authorized to perform: iam:ListRoles \
         on resource: arn:aws:iam::111111111111:role/* with an explicit deny in a service \
         control policy: {SCP_ARN}\n2026-02-03T10:00:02Z INFO retrying\n"
    );
    let snap = Snapshot::new(log.clone(), 1);
    assert_eq!(snap.kind(), DocumentKind::Text);
    // Anywhere in the message: the principal, the action, the reason words.
    for needle in ["deploy-bot", "iam:ListRoles", "explicit deny", "User:"] {
        let h = hover(&snap, at(&log, needle)).expect(needle);
        assert!(
            h.markdown
                .contains("aws organizations describe-policy --policy-id p-2kgnabcd"),
            "{needle}: {}",
            h.markdown
        );
        assert!(
            h.markdown.contains("service control policy"),
            "{}",
            h.markdown
        );
        assert_eq!(&log[h.span.start..h.span.start + 5], "User:");
    }
    // On the other lines: nothing.
    assert!(hover(&snap, at(&log, "deploy failed")).is_none());
    assert!(hover(&snap, at(&log, "retrying")).is_none());
    insta::assert_snapshot!(hover(&snap, at(&log, "iam:ListRoles")).unwrap().markdown);
}

#[test]
fn logs_hover_on_the_policy_arn_says_who_can_read_it() {
    let log = "User: arn:aws:iam::111111111111:user/bot is not authorized to perform: \
               s3:ListBucket with an explicit deny in a resource control policy: \
               arn:aws:organizations::987654321098:policy/o-qv5af4abcd/resource_control_policy/p-rcp1abcd"
        .to_string();
    let snap = Snapshot::new(log.clone(), 1);
    let h = hover(&snap, at(&log, "p-rcp1abcd")).expect("hover");
    insta::assert_snapshot!(h.markdown.split("\n\n---\n\n").next().unwrap_or_default());
    assert!(h.markdown.contains("management account"));
    assert!(
        h.markdown.contains("#### What to check next"),
        "the explanation follows"
    );
}

#[test]
fn logs_hover_managed_policy_arn_outside_a_denial() {
    let text = "attached: arn:aws:iam::aws:policy/job-function/ViewOnlyAccess, and \
                arn:aws:iam::123456789012:policy/team/Boundary.\n";
    let snap = Snapshot::new(text, 1);
    let h = hover(&snap, at(text, "ViewOnlyAccess")).expect("hover");
    assert_eq!(
        &text[h.span.start..h.span.end],
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
    );
    assert!(h.markdown.contains(OPEN_POLICY_TITLE), "{}", h.markdown);
    let h = hover(&snap, at(text, "Boundary")).expect("hover");
    assert_eq!(
        &text[h.span.start..h.span.end],
        "arn:aws:iam::123456789012:policy/team/Boundary",
        "the sentence's period is not part of the ARN"
    );
    insta::assert_snapshot!(h.markdown);
}

#[test]
fn logs_hover_blob_before_and_after_decoding() {
    let blob = fake_blob(600, 7);
    let log = format!(
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You \
         are not authorized to perform this operation. Encoded authorization failure message: \
         {blob}\n"
    );
    let snap = Snapshot::new(log.clone(), 1);
    let offset = at(&log, &blob) + 300;
    let h = hover(&snap, offset).expect("hover");
    assert_eq!(&log[h.span.start..h.span.end], blob);
    assert!(
        h.markdown
            .starts_with("**Encoded authorization failure message** (600 characters)")
    );
    assert!(h.markdown.contains(DECODE_TITLE));
    insta::assert_snapshot!("logs_hover_blob_undecoded", h.markdown);

    let message = DecodedMessage::parse(DECODED).expect("decoded");
    let lookup = |b: &str| (b == blob).then(|| summarize(&message));
    let h = hover_with(&snap, offset, &lookup).expect("hover");
    assert!(
        h.markdown
            .starts_with("**Denied explicitly by statement DenyOutsideEU"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("not sent again"));
    // On the message words, the denial's explanation carries the decoded summary as well.
    let h = hover_with(&snap, at(&log, "not authorized"), &lookup).expect("hover");
    assert!(
        h.markdown.contains("#### Decoded authorization message"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("DenyOutsideEU"));
    // A shortened blob warns.
    let short = "Encoded authorization failure message: AbCdEfGhIjKlMnOp...";
    let h = text_hover(short, at(short, "AbCd") + 2, &no_decoded).expect("hover");
    assert!(h.markdown.contains("shortened"), "{}", h.markdown);
}

#[test]
fn logs_hover_decoded_message_fields() {
    let snap = Snapshot::new(DECODED, 1);
    assert_eq!(snap.kind(), DocumentKind::DecodedMessage);
    let h = hover(&snap, at(DECODED, "\"explicitDeny\"") + 2).expect("hover");
    assert!(h.markdown.contains("**explicit deny**"), "{}", h.markdown);
    assert_eq!(&DECODED[h.span.start..h.span.end], "\"explicitDeny\": true");
    let h = hover(&snap, at(DECODED, "DenyOutsideEU")).expect("hover");
    assert!(h.markdown.contains("Matched statement 1"), "{}", h.markdown);
    let h = hover(&snap, at(DECODED, "us-west-2\"}]")).expect("hover");
    insta::assert_snapshot!("logs_hover_decoded_context_value", h.markdown);
    let h = hover(&snap, at(DECODED, "t3.micro")).expect("hover");
    assert!(
        h.markdown.contains("`ec2:InstanceType` was `t3.micro`"),
        "{}",
        h.markdown
    );
    assert!(!h.markdown.contains("A matched statement has a condition"));
    let h = hover(&snap, at(DECODED, "assumed-role")).expect("hover");
    assert!(h.markdown.contains("`context.principal`"), "{}", h.markdown);
    // The root: the whole summary.
    let h = hover(&snap, 0).expect("hover");
    assert!(
        h.markdown.contains("#### Request context"),
        "{}",
        h.markdown
    );
}

#[test]
fn logs_symbols_list_denials_and_blobs() {
    let blob = fake_blob(400, 3);
    let lone = fake_blob(300, 4);
    let log = format!(
        "User: arn:aws:sts::1:assumed-role/A/b is not authorized to perform: s3:GetObject on \
         resource: arn:aws:s3:::bkt/k because no identity-based policy allows the s3:GetObject \
         action\nnoise\nAn error occurred (UnauthorizedOperation) when calling the StopInstances \
         operation: You are not authorized to perform this operation. Encoded authorization \
         failure message: {blob}\nlater: Encoded authorization failure message: {lone}\n"
    );
    let snap = Snapshot::new(log.clone(), 1);
    let symbols = symbols(&snap);
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(symbols[0].kind, SymbolKind::Denial);
    assert!(names[0].starts_with("s3:GetObject denied"), "{names:?}");
    let detail = symbols[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("assumed-role/A/b"), "{detail}");
    assert!(detail.contains("identity-based"), "{detail}");
    assert_eq!(
        &log[symbols[0].selection.start..symbols[0].selection.end],
        "s3:GetObject"
    );
    assert_eq!(symbols[1].kind, SymbolKind::Denial);
    assert_eq!(symbols[1].children.len(), 1, "the blob nests in its denial");
    assert_eq!(symbols[1].children[0].kind, SymbolKind::EncodedMessage);
    assert_eq!(symbols[2].kind, SymbolKind::EncodedMessage);
    assert_eq!(
        &log[symbols[2].selection.start..symbols[2].selection.end],
        lone
    );
    assert_eq!(symbols[2].detail.as_deref(), Some("300 characters"));
}

#[test]
fn logs_symbols_are_capped() {
    let line = "User: arn:aws:iam::1:user/x is not authorized to perform: s3:GetObject because \
                no identity-based policy allows the s3:GetObject action\n";
    let log = line.repeat(MAX_DENIAL_SYMBOLS + 50);
    let snap = Snapshot::new(log, 1);
    assert_eq!(symbols(&snap).len(), MAX_DENIAL_SYMBOLS);
    let blobs = format!(
        "Encoded authorization failure message: {}\n",
        fake_blob(120, 9)
    )
    .repeat(MAX_BLOB_NOTES + 20);
    assert_eq!(blob_notes(&blobs).len(), MAX_BLOB_NOTES);
}

#[test]
fn logs_symbols_of_a_decoded_message() {
    let snap = Snapshot::new(DECODED, 1);
    let symbols = symbols(&snap);
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Outcome", "Matched statements", "Request context"]);
    assert_eq!(symbols[1].children.len(), 1);
    assert_eq!(symbols[1].children[0].name, "DenyOutsideEU");
    assert!(
        symbols[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("Denied explicitly"))
    );
}

#[test]
fn logs_actions_decode_on_blob_and_on_selection() {
    let blob = fake_blob(500, 11);
    let log = format!("x Encoded authorization failure message: \"{blob}\" y\n");
    let start = at(&log, &blob);
    let span = Span::new(start, start + blob.len());
    let expect = vec![LogAction::DecodeBlob {
        blob: blob.clone(),
        span,
    }];
    // Cursor on it, cursor on the marker words, a selection of the whole line, the exact blob.
    assert_eq!(actions(&log, Span::new(start + 10, start + 10)), expect);
    assert_eq!(actions(&log, Span::new(4, 4)), expect);
    assert_eq!(actions(&log, Span::new(0, log.len())), expect);
    assert_eq!(actions(&log, span), expect);
    // Elsewhere: nothing.
    assert!(actions(&log, Span::new(log.len(), log.len())).is_empty());

    // A bare blob (no marker words): on selection, and with the cursor on it.
    let bare = format!("payload {blob}\n");
    let s = at(&bare, &blob);
    let expect = vec![LogAction::DecodeBlob {
        blob: blob.clone(),
        span: Span::new(s, s + blob.len()),
    }];
    assert_eq!(actions(&bare, Span::new(s, s + blob.len())), expect);
    assert_eq!(
        actions(&bare, Span::new(s - 1, s + blob.len() + 1)),
        expect,
        "spacing trimmed"
    );
    assert_eq!(actions(&bare, Span::new(s + 3, s + 3)), expect);
    // A short or single-case token is not a blob.
    let hex = "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n";
    assert!(actions(hex, Span::new(5, hex.len() - 1)).is_empty());
}

#[test]
fn logs_actions_open_managed_policies_on_the_line() {
    let text = format!(
        "boundary arn:aws:iam::123456789012:policy/Boundary and arn:aws:iam::aws:policy/ReadOnlyAccess\n\
         scp {SCP_ARN}\n"
    );
    let acts = actions(&text, Span::new(2, 2));
    let arns: Vec<&str> = acts
        .iter()
        .filter_map(|a| match a {
            LogAction::OpenPolicy { arn, .. } => Some(arn.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        arns,
        [
            "arn:aws:iam::123456789012:policy/Boundary",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ]
    );
    // The SCP line offers no fetch.
    let scp_line = at(&text, "scp ");
    assert!(actions(&text, Span::new(scp_line, scp_line)).is_empty());
}

#[test]
fn logs_blob_notes_levels() {
    let good = fake_blob(700, 1);
    let text = format!(
        "Encoded authorization failure message: {good}\nEncoded authorization failure message: \
         AbCdEfGhIj...\n"
    );
    let notes = blob_notes(&text);
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].level, NoteLevel::Hint);
    assert_eq!(&text[notes[0].span.start..notes[0].span.end], good);
    assert!(notes[0].message.contains("700 characters"));
    assert_eq!(notes[1].level, NoteLevel::Information);
    assert!(
        notes[1].message.contains("shortened"),
        "{}",
        notes[1].message
    );
}

#[test]
fn logs_hover_is_bounded_on_large_text() {
    // 8 MB of noise with one denial at the end: hover near the start finds nothing quickly, at
    // the end finds the denial (only the neighbourhood is scanned).
    let mut log = "2026-01-01 INFO request ok id=42 status=200\n".repeat(200_000);
    log.push_str(
        "User: arn:aws:iam::1:user/x is not authorized to perform: kms:Decrypt on resource: \
         arn:aws:kms:us-east-1:1:key/abc because no resource-based policy allows the kms:Decrypt \
         action\n",
    );
    let snap = Snapshot::new(log.clone(), 1);
    assert!(snap.parse().is_none());
    assert!(hover(&snap, 10).is_none());
    let h = hover(&snap, at(&log, "kms:Decrypt on")).expect("hover");
    assert!(h.markdown.contains("resource-based policy"));
}

#[test]
fn logs_hover_answers_from_the_workspace() {
    use crate::eval::EvalPolicy;
    use crate::eval::why::WorkspacePolicy;
    use crate::policy::{Policy, PolicyKind};
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
    let parse = crate::syntax::parse(scp);
    let workspace = vec![WorkspacePolicy {
        kind: PolicyKind::ServiceControl,
        policy: EvalPolicy::from_policy("org/region-lock.json", &Policy::from_parse(&parse)),
    }];
    let log = "ERROR User: arn:aws:iam::111122223333:user/alice is not authorized to perform: \
               s3:GetObject on resource: arn:aws:s3:::bucket/key with an explicit deny in a \
               service control policy\n";
    let snap = Snapshot::new(log, 1);
    let offset = at(log, "s3:GetObject");
    let h = hover_in(&snap, offset, &no_decoded, &workspace).expect("hover");
    assert!(
        h.markdown.contains(
            "org/region-lock.json, statement DenyOutsideEU (scp): denies s3:GetObject unless \
             aws:RequestedRegion is eu-west-1"
        ),
        "{}",
        h.markdown
    );
    assert!(
        h.markdown.contains("From your repository"),
        "{}",
        h.markdown
    );
    // Without workspace policies the hover is the plain explanation.
    let plain = hover_with(&snap, offset, &no_decoded).expect("hover");
    assert!(!plain.markdown.contains("From your repository"));
    assert!(h.markdown.starts_with(&plain.markdown), "{}", h.markdown);
}
