//! Finding and parsing AccessDenied messages in arbitrary text.
//!
//! # How it works
//!
//! 1. **Anchors.** `memchr::memmem` looks for three short needles: `authorized` (in "is not
//!    authorized", "UnauthorizedOperation"), `enied` (in "AccessDenied", "Access Denied") and
//!    `Forbidden` (a bodiless HTTP 403 in a CLI error). Text without them costs only the memmem
//!    pass.
//! 2. **CloudTrail.** If the anchor lies in the string value of an `errorCode` or `errorMessage`
//!    member, the enclosing event object is located (bounded, see `cloudtrail`) and the denial is
//!    built from the event.
//! 3. **Window.** Otherwise a window around the anchor (1 KiB before, several KiB after) is
//!    normalised (`norm`): JSON escapes decoded, spacing and line breaks collapsed, unescaped
//!    quotes turned into hard stops. Windows are reused for nearby anchors, so the total work stays
//!    linear in the input.
//! 4. **Grammar.** Possible message starts shortly before the anchor (`An error occurred (`,
//!    `operation error `, `User: `, a denial code, the principal before `is not authorized`,
//!    `You are not authorized`, `Access Denied`) are tried in order with a small hand-written
//!    forward parser; the first parse that covers the anchor wins.
//!
//! Found messages never overlap and come out in text order.

use super::arn::{Arn, PolicyRef, Principal};
use super::blob::{self, EncodedBlob};
use super::cloudtrail::{self, ErrorKey, KeyedString};
use super::denial::{
    Action, CloudTrailContext, Denial, DenialSource, DenyKind, Form, Hint, PolicyType, Resource,
    Wrapper, is_denial_code,
};
use super::norm::{Norm, RAW_QUOTE};
use crate::syntax::Span;
use memchr::memmem;
use std::ops::Range;

/// Bytes of context kept before an anchor: the longest prefix (CLI wrapper + principal ARN) a
/// message may have before its anchor word.
const BACK: usize = 1024;
/// Bytes guaranteed after an anchor (the rest of the message: resource, reason, policy ARN).
const AHEAD: usize = 4096;
/// Extra bytes normalised per window, so that following anchors reuse it.
const SLACK: usize = 4096;
/// CloudTrail event look-ups may cost this many bytes up front...
const EVENT_BUDGET_BASE: usize = 4 * 1024 * 1024;
/// ...plus this many per byte of text covered.
const EVENT_BUDGET_PER_BYTE: usize = 8;
/// Window slack once messages turn out to be dense.
const DENSE_SLACK: usize = 60 * 1024;
/// How far before the anchor message starts are looked for (normalised bytes).
const START_WINDOW: usize = 900;
/// How far `denial_at` looks on each side of the offset for anchors.
const AT_BEFORE: usize = 16 * 1024;
const AT_AFTER: usize = 1024;

/// Every denial whose message span overlaps or touches `range` (clamped to the text). Work is
/// proportional to the range plus a bounded margin.
pub fn scan_denials(text: &str, range: Range<usize>) -> Vec<Denial> {
    let len = text.len();
    let start = range.start.min(len);
    let end = range.end.min(len).max(start);
    // A message may start up to `BACK` bytes before its anchor word.
    let anchors_to = (end + BACK).min(len);
    DenialIter::new(text, start.saturating_sub(AT_BEFORE), anchors_to)
        .filter(|d| d.span.start <= end && d.span.end >= start)
        .collect()
}

/// The denial at byte `offset`: the message containing it or, inside a CloudTrail event, the
/// event's denial. Looks only at a bounded neighbourhood of the offset.
pub fn denial_at(text: &str, offset: usize) -> Option<Denial> {
    let offset = offset.min(text.len());
    let to = (offset + AT_AFTER).min(text.len());
    // Most messages start shortly before their anchor word: look close first, then further back
    // for the long ones (a message with a long blob, a big CloudTrail event).
    for before in [2 * BACK, AT_BEFORE] {
        let from = offset.saturating_sub(before);
        let mut in_event = None;
        for d in DenialIter::new(text, from, to) {
            if d.span.touches(offset) {
                return Some(d);
            }
            if in_event.is_none() && d.event_span.is_some_and(|s| s.touches(offset)) {
                in_event = Some(d);
                continue;
            }
            if d.span.start > offset {
                break;
            }
        }
        if in_event.is_some() {
            return in_event;
        }
        if from == 0 {
            break;
        }
    }
    on_same_line(text, offset)
}

/// The message on the line of `offset` when the offset is not on the message itself: a
/// timestamp, `[ERROR]` or `│` before it, a request id after it. A message that starts after the
/// offset on the same line comes first, then one that ends before it.
fn on_same_line(text: &str, offset: usize) -> Option<Denial> {
    let bytes = text.as_bytes();
    const MAX_LINE: usize = 8 * 1024;
    let lo = offset.saturating_sub(MAX_LINE);
    let line_start = memchr::memrchr(b'\n', &bytes[lo..offset]).map_or(lo, |i| lo + i + 1);
    let hi = (offset + MAX_LINE).min(bytes.len());
    let line_end = memchr::memchr(b'\n', &bytes[offset..hi]).map_or(hi, |i| offset + i);
    let from = line_start.saturating_sub(AT_BEFORE);
    let mut before = None;
    // The anchor word of a message that starts on this line may lie on the next lines.
    let anchors_to = (line_end + 2 * BACK).min(bytes.len());
    for d in DenialIter::new(text, from, anchors_to) {
        if d.span.start > line_end {
            break;
        }
        if d.span.start >= offset {
            return Some(d);
        }
        if d.span.end <= offset && d.span.end >= line_start {
            before = Some(d);
        }
    }
    before
}

/// Iterates over every denial in the whole text, in order. Linear in the text; each step does a
/// bounded amount of work. Use `.take(n)` to cap an outline.
pub fn denials(text: &str) -> DenialIter<'_> {
    DenialIter::new(text, 0, text.len())
}

/// Parses a single message that starts anywhere in `text` (convenience for a selection or a
/// CLI argument): the first denial found.
pub fn parse_message(text: &str) -> Option<Denial> {
    denials(text).next()
}

const NEEDLES: [&[u8]; 3] = [b"authorized", b"enied", b"Forbidden"];

/// The iterator behind [`denials`], [`scan_denials`] and [`denial_at`].
pub struct DenialIter<'a> {
    text: &'a str,
    finders: [memmem::Finder<'static>; 3],
    /// Cached next hit per needle (`None` = not searched yet from `pos`).
    next_hit: [Option<Option<usize>>; 3],
    /// Anchors before this are skipped.
    pos: usize,
    /// Anchors at or after this are not looked at.
    end: usize,
    /// End of the last message produced: later messages start after it.
    last_end: usize,
    window: Option<Norm>,
    /// The last CloudTrail event used (span and value), reused for anchors inside it.
    last_event: Option<(Span, serde_json::Value)>,
    /// Where scanning started, and the bytes spent so far locating CloudTrail events: event
    /// look-ups stop once they cost more than a fixed multiple of the text covered, which keeps
    /// the whole scan linear even on hostile input.
    start: usize,
    event_cost: usize,
    /// In the current window, candidate starts up to this normalised index were tried already.
    tried_to: Option<usize>,
    /// Finds `"error` (the start of `"errorCode"` / `"errorMessage"`), searched up to
    /// `key_scan_pos`; `last_key` is the last one found.
    key_finder: memmem::FinderRev<'static>,
    key_scan_pos: usize,
    last_key: Option<usize>,
    /// Whether the last message produced was only an error code.
    last_code_only: bool,
}

impl std::fmt::Debug for DenialIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DenialIter")
            .field("pos", &self.pos)
            .field("end", &self.end)
            .finish()
    }
}

impl<'a> DenialIter<'a> {
    fn new(text: &'a str, from: usize, to: usize) -> Self {
        DenialIter {
            text,
            finders: NEEDLES.map(memmem::Finder::new),
            next_hit: [None; 3],
            pos: from.min(text.len()),
            end: to.min(text.len()),
            last_end: 0,
            window: None,
            last_event: None,
            start: from.min(text.len()),
            event_cost: 0,
            tried_to: None,
            key_finder: memmem::FinderRev::new(b"\"error"),
            key_scan_pos: from.min(text.len()),
            last_key: None,
            last_code_only: false,
        }
    }

    fn next_anchor(&mut self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut best: Option<usize> = None;
        for k in 0..NEEDLES.len() {
            let cached = match self.next_hit[k] {
                Some(Some(p)) if p >= self.pos => Some(p),
                Some(None) => None,
                _ => {
                    let hay = bytes.get(self.pos..self.end).unwrap_or(&[]);
                    let hit = self.finders[k].find(hay).map(|i| self.pos + i);
                    self.next_hit[k] = Some(hit);
                    hit
                }
            };
            if let Some(p) = cached {
                best = Some(best.map_or(p, |b: usize| b.min(p)));
            }
        }
        best
    }

    fn process(&mut self, p: usize) -> Option<Denial> {
        let bytes = self.text.as_bytes();
        let budget = EVENT_BUDGET_BASE + EVENT_BUDGET_PER_BYTE * (p - self.start.min(p));
        if self.event_cost <= budget
            && self.near_error_key(p)
            && let Some(keyed) = cloudtrail::keyed_string_at(bytes, p)
            && keyed.key_start >= self.last_end
            && let Some(d) = self.event_denial(keyed)
        {
            return Some(d);
        }
        self.ensure_window(p);
        let norm = self.window.as_ref()?;
        let an = norm.to_norm(p);
        let min_start = if self.last_end > norm.lo {
            norm.to_norm(self.last_end)
        } else {
            0
        };
        let scan_from = self.tried_to.map_or(0, |t| t + 1);
        self.tried_to = Some(an);
        let msg = find_message(&norm.text, an, min_start, scan_from)?;
        Some(to_denial(self.text, norm, &msg))
    }

    /// Whether an `"error...` key occurs shortly before `p` (amortised: the key search only ever
    /// moves forward).
    fn near_error_key(&mut self, p: usize) -> bool {
        if p > self.key_scan_pos {
            let from = self
                .key_scan_pos
                .max(p.saturating_sub(cloudtrail::MAX_VALUE_LOOKBACK + 64));
            let hay = self.text.as_bytes().get(from..p).unwrap_or(&[]);
            if let Some(k) = self.key_finder.rfind(hay) {
                self.last_key = Some(from + k);
            }
            self.key_scan_pos = p;
        }
        self.last_key
            .is_some_and(|k| k < p && p - k <= cloudtrail::MAX_VALUE_LOOKBACK + 64)
    }

    fn ensure_window(&mut self, p: usize) {
        let len = self.text.len();
        let fits = self.window.as_ref().is_some_and(|w| {
            (p >= w.lo + BACK || w.lo == 0) && (w.hi >= p + AHEAD || w.hi == len) && p >= w.lo
        });
        if !fits {
            // Where messages are dense, normalise bigger windows so that fewer bytes are
            // normalised twice; where they are rare, keep windows small.
            let dense = self
                .window
                .as_ref()
                .is_some_and(|w| p < w.hi + 2 * (AHEAD + SLACK));
            let slack = if dense { DENSE_SLACK } else { SLACK };
            let lo = p.saturating_sub(BACK);
            // Anchors after `end` are never looked at: no need to normalise far beyond it.
            let hi = (p + AHEAD + slack).min(self.end + AHEAD).min(len);
            self.window = Some(Norm::build(self.text, lo, hi));
            self.tried_to = None;
        }
    }

    fn event_denial(&mut self, keyed: KeyedString) -> Option<Denial> {
        let bytes = self.text.as_bytes();
        let reuse = self
            .last_event
            .as_ref()
            .is_some_and(|(s, _)| s.start < keyed.key_start && keyed.content.end < s.end);
        if !reuse {
            self.last_event =
                cloudtrail::locate_event(self.text, keyed.key_start, &mut self.event_cost);
        }
        let (event_span, value) = self.last_event.as_ref()?;
        let event_span = *event_span;
        // Finding the sibling member walks the event once.
        self.event_cost += event_span.len();
        let code_member = match keyed.key {
            ErrorKey::Code => Some(keyed),
            ErrorKey::Message => cloudtrail::member_string(bytes, event_span, "errorCode"),
        };
        let msg_member = match keyed.key {
            ErrorKey::Message => Some(keyed),
            ErrorKey::Code => cloudtrail::member_string(bytes, event_span, "errorMessage"),
        };
        let code = cloudtrail::str_at(value, &["errorCode"]).map(str::to_string);
        let parsed = msg_member.and_then(|m| {
            let norm = Norm::build(self.text, m.content.start, m.content.end);
            first_message(&norm.text).map(|msg| to_denial(self.text, &norm, &msg))
        });
        let code_is_denial = code.as_deref().is_some_and(is_denial_code);
        if !code_is_denial && parsed.is_none() {
            return None;
        }
        let mut d = parsed.unwrap_or_else(|| Denial {
            span: Span::default(),
            event_span: None,
            form: Form::ErrorCodeOnly,
            wrapper: Wrapper::CloudTrail,
            principal: None,
            action: None,
            resource: None,
            source: DenialSource::default(),
            policy: None,
            operation: None,
            error_code: None,
            service: None,
            encoded: None,
            cloudtrail: None,
            hints: Vec::new(),
            detail: None,
        });
        if d.form == Form::ErrorCodeOnly
            && let Some(m) = msg_member
        {
            let raw = self.text.get(m.content.start..m.content.end).unwrap_or("");
            if !raw.trim().is_empty() {
                d.form = Form::Other;
                d.detail = Some(unescape_for_display(raw));
            }
        }
        let members: Vec<Span> = [code_member, msg_member]
            .into_iter()
            .flatten()
            .map(|m| m.member_span())
            .collect();
        let start = members.iter().map(|s| s.start).min()?;
        let end = members.iter().map(|s| s.end).max()?;
        d.span = Span::new(start, end);
        d.event_span = Some(event_span);
        d.wrapper = Wrapper::CloudTrail;
        if code.is_some() {
            d.error_code = code;
        }
        let ct = CloudTrailContext {
            event_name: cloudtrail::str_at(value, &["eventName"]).map(str::to_string),
            event_source: cloudtrail::str_at(value, &["eventSource"]).map(str::to_string),
            event_time: cloudtrail::str_at(value, &["eventTime"]).map(str::to_string),
            event_id: cloudtrail::str_at(value, &["eventID"]).map(str::to_string),
            aws_region: cloudtrail::str_at(value, &["awsRegion"]).map(str::to_string),
            source_ip: cloudtrail::str_at(value, &["sourceIPAddress"]).map(str::to_string),
            vpc_endpoint_id: cloudtrail::str_at(value, &["vpcEndpointId"]).map(str::to_string),
            recipient_account_id: cloudtrail::str_at(value, &["recipientAccountId"])
                .map(str::to_string),
            identity_type: cloudtrail::str_at(value, &["userIdentity", "type"]).map(str::to_string),
            invoked_by: cloudtrail::str_at(value, &["userIdentity", "invokedBy"])
                .map(str::to_string),
        };
        if d.operation.is_none() {
            d.operation = ct.event_name.clone();
        }
        if d.principal.is_none() {
            if let Some(arn) = cloudtrail::str_at(value, &["userIdentity", "arn"]) {
                d.principal = Some(Principal::classify(arn, None));
            } else if ct.identity_type.as_deref() == Some("AWSService")
                && let Some(by) = &ct.invoked_by
            {
                d.principal = Some(Principal::classify(by, None));
            }
        }
        let source_prefix = ct
            .event_source
            .as_deref()
            .and_then(|s| s.split('.').next())
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase);
        if d.action.is_none()
            && let (Some(svc), Some(name)) = (&source_prefix, &ct.event_name)
        {
            d.action = Action::parse(&format!("{svc}:{name}"), None);
        }
        if d.resource.is_none() {
            d.resource = event_resource(value).map(|r| Resource::new(&r, None));
        }
        if d.service.is_none() {
            d.service = source_prefix;
        }
        if let Some(id) = &ct.vpc_endpoint_id {
            push_hint(&mut d.hints, Hint::ViaVpcEndpoint { id: id.clone() });
        }
        let by_service = ct.invoked_by.clone().or_else(|| {
            ct.source_ip
                .clone()
                .filter(|ip| ip.ends_with(".amazonaws.com"))
        });
        if let Some(svc) = by_service {
            push_hint(&mut d.hints, Hint::CalledByService { service: svc });
        }
        d.cloudtrail = Some(ct);
        add_derived_hints(&mut d);
        Some(d)
    }
}

impl Iterator for DenialIter<'_> {
    type Item = Denial;

    fn next(&mut self) -> Option<Denial> {
        loop {
            let p = self.next_anchor()?;
            self.pos = p + 1;
            if p < self.last_end {
                continue;
            }
            if let Some(d) = self.process(p) {
                if d.span.end <= self.last_end && self.last_end > 0 {
                    continue;
                }
                if self.restates_last(&d) {
                    self.last_end = d.span.end;
                    self.pos = self.pos.max(self.last_end);
                    continue;
                }
                self.last_end = d.span.end.max(d.span.start + 1);
                self.last_code_only = d.form == Form::ErrorCodeOnly;
                self.pos = self.pos.max(self.last_end);
                return Some(d);
            }
        }
    }
}

/// Most bytes between a message and a bare error code that belongs to it.
const RESTATED_CODE_GAP: usize = 400;

impl DenialIter<'_> {
    /// Whether `d` is only an error code that restates the message just before it: `(code=X)`
    /// after a CDK message, the `code:` member of a JavaScript error, a Java trailer's code. It
    /// must follow within a few lines, with no blank line between.
    fn restates_last(&self, d: &Denial) -> bool {
        if d.form != Form::ErrorCodeOnly
            || self.last_end == 0
            || self.last_code_only
            || d.span.start < self.last_end
        {
            return false;
        }
        let gap = self.text.get(self.last_end..d.span.start).unwrap_or("");
        gap.len() <= RESTATED_CODE_GAP
            && !gap.contains("\n\n")
            && !gap.contains("\n\r\n")
            && memchr::memchr_iter(b'\n', gap.as_bytes()).count() <= 4
    }
}

/// The resource of a CloudTrail event: `resources[].ARN` (an object rather than its bucket when
/// both are listed), else an S3 bucket/key from the request parameters.
fn event_resource(v: &serde_json::Value) -> Option<String> {
    if let Some(list) = v.get("resources").and_then(|r| r.as_array()) {
        let arn_of = |r: &serde_json::Value| {
            r.get("ARN")
                .or_else(|| r.get("arn"))
                .and_then(|a| a.as_str())
                .map(str::to_string)
        };
        let object = list.iter().find(|r| {
            r.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.ends_with("::Object"))
        });
        if let Some(a) = object
            .and_then(arn_of)
            .or_else(|| list.iter().find_map(arn_of))
        {
            return Some(a);
        }
    }
    let params = v.get("requestParameters")?;
    let bucket = params.get("bucketName")?.as_str()?;
    match params.get("key").and_then(|k| k.as_str()) {
        Some(key) => Some(format!("arn:aws:s3:::{bucket}/{key}")),
        None => Some(format!("arn:aws:s3:::{bucket}")),
    }
}

fn unescape_for_display(raw: &str) -> String {
    let n = Norm::build(raw, 0, raw.len());
    n.text.replace(RAW_QUOTE as char, "\"").trim().to_string()
}

fn push_hint(hints: &mut Vec<Hint>, h: Hint) {
    if !hints.contains(&h) {
        hints.push(h);
    }
}

/// Hints that follow from the fields already parsed.
fn add_derived_hints(d: &mut Denial) {
    if let Some(set) = d
        .principal
        .as_ref()
        .and_then(|p| p.identity_center_permission_set())
    {
        push_hint(
            &mut d.hints,
            Hint::IdentityCenter {
                permission_set: set.to_string(),
            },
        );
    }
    let principal_account = d.principal.as_ref().and_then(|p| p.account_id.clone());
    let resource_account = d
        .resource
        .as_ref()
        .and_then(|r| r.arn.as_ref())
        .and_then(|a| a.account_id().map(str::to_string));
    if let (Some(pa), Some(ra)) = (principal_account, resource_account)
        && pa != ra
    {
        push_hint(
            &mut d.hints,
            Hint::CrossAccount {
                principal_account: pa,
                resource_account: ra,
            },
        );
    }
    if d.encoded.is_some() {
        push_hint(&mut d.hints, Hint::EncodedMessage);
    }
    if d.service.is_none() {
        d.service = d
            .resource
            .as_ref()
            .and_then(|r| r.arn.as_ref())
            .map(|a| a.service.to_ascii_lowercase());
    }
}

// ---------------------------------------------------------------------------------------------
// The grammar, over normalised text.

/// A message recognised in normalised text; all positions are normalised byte indices.
#[derive(Clone, Debug, Default)]
struct Msg {
    start: usize,
    end: usize,
    wrapper: Option<Wrapper>,
    form: Option<Form>,
    code: Option<(usize, usize)>,
    operation: Option<(usize, usize)>,
    wrapper_service: Option<String>,
    principal: Option<(usize, usize)>,
    action: Option<(usize, usize)>,
    resource: Option<(usize, usize)>,
    kind: Option<DenyKind>,
    policy_type: Option<PolicyType>,
    other_type: Option<String>,
    reason: Option<(usize, usize)>,
    free_reason: Option<(usize, usize)>,
    policy_arn: Option<(usize, usize)>,
    kms_ciphertext: bool,
    /// The action when it was rebuilt from a token broken over two lines.
    action_text: Option<String>,
    /// Normalised index of "Encoded authorization failure message".
    encoded_marker: Option<usize>,
    detail: Option<(usize, usize)>,
}

/// The first message anywhere in `t` (tries every start in order).
fn first_message(t: &str) -> Option<Msg> {
    let mut starts = candidate_starts(t, 0, t.len());
    starts.sort_unstable();
    starts.dedup();
    starts.into_iter().find_map(|s| parse_at(t, s))
}

/// The message covering normalised index `an`, starting at or after `min_start`.
/// Candidates are looked for from `scan_from` on (positions before it were tried for an earlier
/// anchor in the same window and cannot cover a later one).
fn find_message(t: &str, an: usize, min_start: usize, scan_from: usize) -> Option<Msg> {
    let lo = an.saturating_sub(START_WINDOW).max(min_start);
    let hi = (an + 16).min(t.len());
    if lo > an {
        return None;
    }
    let mut starts = candidate_starts(t, lo.max(scan_from), hi);
    starts.retain(|&s| s >= lo && s <= an);
    starts.sort_unstable();
    starts.dedup();
    starts
        .into_iter()
        .filter_map(|s| parse_at(t, s))
        .find(|m| m.start <= an && an < m.end)
}

/// Positions in `t[lo..hi]` where a message may start.
fn candidate_starts(t: &str, lo: usize, hi: usize) -> Vec<usize> {
    let bytes = t.as_bytes();
    let hi = hi.min(bytes.len());
    let mut out = Vec::new();
    // One pass, dispatching on the first byte of each possible start.
    for i in lo.min(hi)..hi {
        let rest = &bytes[i..];
        let token_start = i == 0 || !is_code_byte(bytes[i - 1]);
        match bytes[i] {
            b'A' if rest.starts_with(b"An error occurred (")
                || rest.starts_with(b"A client error (")
                || rest.starts_with(b"Access Denied") =>
            {
                out.push(i)
            }
            b'o' if rest.starts_with(b"operation error ") => out.push(i),
            b'U' if rest.starts_with(b"User: ") => out.push(i),
            b'N' if rest.starts_with(b"Not authorized to perform") => out.push(i),
            b'Y' if rest.starts_with(b"You are not authorized") => out.push(i),
            b' ' if rest.starts_with(b" is not authorized") => {
                // The word before it: a principal without "User: ".
                let stop = i.saturating_sub(2048);
                let mut s = i;
                while s > stop && !is_stop(bytes[s - 1]) {
                    s -= 1;
                }
                if s < i {
                    out.push(s);
                }
            }
            _ => {}
        }
        // Denial codes: AccessDenied, Client.UnauthorizedOperation, ...
        if token_start && matches!(bytes[i], b'A' | b'U' | b'C') {
            let (s, e) = code_token_around(bytes, i);
            if s == i && t.get(s..e).is_some_and(is_denial_code) {
                out.push(i);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn is_stop(b: u8) -> bool {
    b == b' ' || b == RAW_QUOTE
}

fn is_code_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.'
}

/// The `[A-Za-z0-9.]` run around `at` (bounded).
fn code_token_around(bytes: &[u8], at: usize) -> (usize, usize) {
    let mut s = at.min(bytes.len());
    while s > 0 && is_code_byte(bytes[s - 1]) && at - s < 48 {
        s -= 1;
    }
    let mut e = at.min(bytes.len());
    while e < bytes.len() && is_code_byte(bytes[e]) && e - at < 48 {
        e += 1;
    }
    // A sentence-ending dot is not part of the code.
    while e > s && bytes[e - 1] == b'.' {
        e -= 1;
    }
    (s, e)
}

/// A cursor over normalised text.
struct Cur<'t> {
    t: &'t str,
    b: &'t [u8],
    i: usize,
}

impl<'t> Cur<'t> {
    fn new(t: &'t str, i: usize) -> Self {
        Cur {
            t,
            b: t.as_bytes(),
            i,
        }
    }
    fn ws(&mut self) {
        while self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }
    fn rest(&self) -> &'t [u8] {
        self.b.get(self.i..).unwrap_or(&[])
    }
    fn lit(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s.as_bytes()) {
            self.i += s.len();
            true
        } else {
            false
        }
    }
    fn lit_ci(&mut self, s: &str) -> bool {
        let r = self.rest();
        if r.len() >= s.len() && r[..s.len()].eq_ignore_ascii_case(s.as_bytes()) {
            self.i += s.len();
            true
        } else {
            false
        }
    }
    /// A run of non-space, non-quote bytes.
    fn token(&mut self) -> Option<(usize, usize)> {
        let s = self.i;
        while self.i < self.b.len() && !is_stop(self.b[self.i]) {
            self.i += 1;
        }
        (self.i > s).then_some((s, self.i))
    }
    /// Position of `needle` within the next `limit` bytes, not crossing a hard stop.
    fn find_before_quote(&self, needle: &str, limit: usize) -> Option<usize> {
        let end = self.b.len().min(self.i + limit);
        let hay = self.b.get(self.i..end)?;
        let stop = memchr::memchr(RAW_QUOTE, hay).unwrap_or(hay.len());
        memmem::find(&hay[..stop], needle.as_bytes()).map(|k| self.i + k)
    }
    fn str(&self, r: (usize, usize)) -> &'t str {
        self.t.get(r.0..r.1).unwrap_or("")
    }
}

/// Drops trailing punctuation a sentence or a log adds to a token. A closing parenthesis is kept
/// when the token opened one (`arn:...:function:f(1)` is rare, but must survive).
fn trim_token(b: &[u8], (s, mut e): (usize, usize)) -> (usize, usize) {
    // An XML body's closing tag: `sqs:SendMessage</Message>`.
    if let Some(k) = memmem::find(&b[s..e], b"</") {
        e = s + k;
    }
    while e > s {
        match b[e - 1] {
            b'.' | b',' | b';' | b'\'' | b'"' | b'`' => e -= 1,
            b'>' | b']' | b'}' => {
                let (open, close) = match b[e - 1] {
                    b'>' => (b'<', b'>'),
                    b']' => (b'[', b']'),
                    _ => (b'{', b'}'),
                };
                let opens = b[s..e].iter().filter(|&&c| c == open).count();
                let closes = b[s..e].iter().filter(|&&c| c == close).count();
                if closes > opens {
                    e -= 1;
                } else {
                    break;
                }
            }
            b')' => {
                let opens = b[s..e].iter().filter(|&&c| c == b'(').count();
                let closes = b[s..e].iter().filter(|&&c| c == b')').count();
                if closes > opens {
                    e -= 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    (s, e)
}

/// Parses a message starting exactly at `start`.
fn parse_at(t: &str, start: usize) -> Option<Msg> {
    let mut c = Cur::new(t, start);
    let mut m = Msg {
        start,
        ..Msg::default()
    };
    // Wrappers.
    let old_boto = c.rest().starts_with(b"A client error (");
    if c.lit("An error occurred (") || c.lit("A client error (") {
        let close = c.find_before_quote(")", 80)?;
        m.code = Some((c.i, close));
        c.i = close + 1;
        c.ws();
        if old_boto {
            c.lit("occurred");
            c.ws();
        }
        if c.lit("when calling the ") {
            let s = c.i;
            while c.i < c.b.len() && c.b[c.i].is_ascii_alphanumeric() {
                c.i += 1;
            }
            if c.i > s {
                m.operation = Some((s, c.i));
            }
            c.ws();
            if !c.lit("operation") {
                return None;
            }
        }
        c.ws();
        if c.lit("(reached max retries: ") {
            let close = c.find_before_quote(")", 16)?;
            c.i = close + 1;
        }
        c.ws();
        // A poster may elide the rest of the wrapper: `An error occurred (X) ... is not ...`.
        if !c.lit(":") && !c.rest().starts_with(b"... ") {
            return None;
        }
        c.ws();
        m.wrapper = Some(Wrapper::Cli);
    } else if c.lit("operation error ") {
        let colon = c.find_before_quote(":", 60)?;
        m.wrapper_service = Some(service_from_name(c.str((c.i, colon))));
        c.i = colon + 1;
        c.ws();
        let s = c.i;
        while c.i < c.b.len() && c.b[c.i].is_ascii_alphanumeric() {
            c.i += 1;
        }
        if c.i > s {
            m.operation = Some((s, c.i));
        }
        if let Some(api) = c.find_before_quote("api error ", 1200) {
            c.i = api + "api error ".len();
            let colon = c.find_before_quote(":", 80)?;
            m.code = Some((c.i, colon));
            c.i = colon + 1;
        } else {
            // Some services' errors carry no code: `https response error StatusCode: 403, User: ...`.
            let status = c.find_before_quote("https response error StatusCode: ", 400)?;
            c.i = status + "https response error StatusCode: ".len();
            while c.b.get(c.i).is_some_and(u8::is_ascii_digit) {
                c.i += 1;
            }
            c.lit(",");
            c.ws();
            if c.lit("RequestID: ") {
                c.token()?;
                c.lit(",");
            }
        }
        c.ws();
        m.wrapper = Some(Wrapper::GoSdk);
    } else {
        let (s, e) = code_token_around(c.b, c.i);
        if s == c.i && e > s && is_denial_code(c.str((s, e))) {
            m.code = Some((s, e));
            c.i = e;
            if c.lit(":") {
                c.ws();
                m.wrapper = Some(Wrapper::ExceptionName);
            } else if let Some(body) = body_after_code(&c) {
                // The code, then the message after a little punctuation: `AccessDenied (client):
                // User: ...`, `<Code>AccessDenied</Code><Message>Access Denied`, the next line.
                c.i = body;
                m.wrapper = Some(Wrapper::ExceptionName);
            } else {
                m.form = Some(Form::ErrorCodeOnly);
                m.end = e;
                return Some(m);
            }
        }
    }
    let code = m.code.map(|r| c.str(r).to_string());
    let code_is_denial = code.as_deref().is_some_and(is_denial_code);
    // Body.
    if parse_not_authorized(&mut c, &mut m) {
        // done
    } else if c.lit("You are not authorized to perform this operation") {
        m.form = Some(Form::NotAuthorizedOperation);
        let after = c.i;
        c.lit(".");
        c.ws();
        let mut inner = Msg::default();
        if parse_not_authorized(&mut c, &mut inner) {
            m.principal = inner.principal;
            m.action = inner.action;
            m.action_text = inner.action_text;
            m.resource = inner.resource;
            m.kind = inner.kind;
            m.policy_type = inner.policy_type;
            m.other_type = inner.other_type;
            m.reason = inner.reason;
            m.free_reason = inner.free_reason;
            m.policy_arn = inner.policy_arn;
        } else {
            c.i = after;
        }
    } else if c.lit("Access Denied") || (m.wrapper.is_some() && c.lit_ci("access denied")) {
        m.form = Some(Form::AccessDenied);
    } else if m.wrapper.is_some()
        && matches!(code.as_deref(), Some("403" | "Forbidden"))
        && c.lit("Forbidden")
    {
        m.form = Some(Form::Forbidden);
    } else if m.wrapper.is_some()
        && code_is_denial
        && let Some(user) = c.find_before_quote("User: ", 400)
        && {
            let mut inner = Cur::new(c.t, user);
            parse_not_authorized(&mut inner, &mut m) && {
                c.i = inner.i;
                true
            }
        }
    {
        // `AWS Error Code: AccessDenied, ..., AWS Error Message: User: ... is not authorized`.
    } else if m.wrapper.is_some() && code_is_denial {
        m.form = Some(Form::Other);
        let s = c.i;
        let limit = c.b.len().min(s + 400);
        let mut e = s;
        while e < limit && c.b[e] != RAW_QUOTE {
            if c.b[e] == b'.' && c.b.get(e + 1).is_none_or(|&n| n == b' ') {
                break;
            }
            e += 1;
        }
        if e > s {
            m.detail = Some((s, e));
        }
        c.i = e;
    } else {
        return None;
    }
    m.end = c.i;
    // "Encoded authorization failure message: ..." after the body.
    let save = c.i;
    c.lit(".");
    c.ws();
    if c.rest()
        .starts_with(b"Encoded authorization failure message")
        || c.rest().len() >= 37
            && c.rest()[..37].eq_ignore_ascii_case(b"encoded authorization failure message")
    {
        m.encoded_marker = Some(c.i);
        c.i += 37;
        m.end = c.i;
    } else {
        c.i = save;
        // A sentence-ending dot belongs to the message.
        if c.lit(".") {
            m.end = c.i;
        }
    }
    // Java SDK trailer: " (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; ...)".
    c.ws();
    if let Some(close) = c
        .lit("(Service: ")
        .then(|| c.find_before_quote(")", 600))
        .flatten()
    {
        let inner = &c.b[c.i..close];
        let is_sep = |b: &u8| matches!(b, b';' | b',');
        let svc_end = inner.iter().position(is_sep).map_or(close, |k| c.i + k);
        if m.wrapper_service.is_none() {
            m.wrapper_service = Some(service_from_name(c.str((c.i, svc_end))));
        }
        if m.code.is_none()
            && let Some(k) = memmem::find(inner, b"Error Code: ")
        {
            let s = c.i + k + "Error Code: ".len();
            let e = c.b[s..close]
                .iter()
                .position(|b| is_sep(b) || *b == b' ')
                .map_or(close, |k| s + k);
            if e > s {
                m.code = Some((s, e));
            }
        }
        m.end = close + 1;
    }
    if m.wrapper.is_none() && m.form == Some(Form::Other) {
        return None;
    }
    Some(m)
}

/// `[User: ] PRINCIPAL is not authorized to perform: ACTION [on resource: RES] [REASON]`, or the
/// same without a principal: `Not authorized to perform ACTION` (STS web identity and SAML).
fn parse_not_authorized(c: &mut Cur<'_>, m: &mut Msg) -> bool {
    let save = c.i;
    if c.lit("Not authorized to perform") {
        c.lit(":");
        c.ws();
        if !read_action(c, m) {
            c.i = save;
            return false;
        }
        m.form = Some(Form::NotAuthorized);
        parse_resource_and_reason(c, m);
        return true;
    }
    let Some(at) = c.find_before_quote(" is not authorized to ", 600) else {
        return false;
    };
    // At most a few words before "is not authorized".
    let lead = c.str((c.i, at));
    if lead.is_empty() {
        return false;
    }
    if let Some(p) = lead
        .strip_prefix("User: ")
        .or_else(|| lead.strip_prefix("User:"))
    {
        let p = p.trim();
        // "User: is not authorized" (a tool printed an empty principal) states none.
        if !p.is_empty() {
            // Spaces only inside a placeholder: `<account id>`, `[account id]`.
            if !bracketed_spaces_only(p) {
                return false;
            }
            m.principal = Some((at - p.len(), at));
        }
    } else if lead == "User:" {
        // "User: is not authorized" with the space eaten by normalisation.
    } else if lead.split(' ').count() > 2 {
        // "The cipherbase is not authorized" is fine; a whole sentence before it is not.
        return false;
    } else if !lead.contains(' ') {
        let kind = Principal::classify(lead, None).kind;
        if kind != super::arn::PrincipalKind::Unknown {
            m.principal = Some((c.i, at));
        }
    }
    c.i = at + " is not authorized to ".len();
    if c.lit("perform") {
        c.lit(":");
        c.ws();
        m.form = Some(Form::NotAuthorized);
        if !read_action(c, m) {
            // A cut or odd action (`perform: s (truncated...)`, `perform: null`): the rest of the
            // sentence cannot be trusted, but the principal can, when it is one (or an error
            // code already said this is a denial).
            let known = m.principal.is_some_and(|r| {
                Principal::classify(c.str(r), None).kind != super::arn::PrincipalKind::Unknown
            });
            if known || m.code.is_some() {
                return true;
            }
            m.principal = None;
            m.form = None;
            c.i = save;
            return false;
        }
    } else if c.lit("access this resource") {
        m.form = Some(Form::NotAuthorizedToAccess);
        return true;
    } else {
        c.i = save;
        return false;
    }
    parse_resource_and_reason(c, m);
    true
}

/// The action after "perform:", possibly hard-wrapped inside the token (`cloudforma` / `tion:X`).
fn read_action(c: &mut Cur<'_>, m: &mut Msg) -> bool {
    let Some(raw) = c.token() else {
        return false;
    };
    let tok = trim_token(c.b, raw);
    if Action::parse(c.str(tok), None).is_some() {
        m.action = Some(tok);
        c.i = tok.1;
        return true;
    }
    // A line break inside the action: join with the next token when that makes an action.
    if c.b.get(raw.1) == Some(&b' ') {
        let mut next = Cur::new(c.t, raw.1 + 1);
        if let Some(rest) = next.token() {
            let rest = trim_token(c.b, rest);
            let joined = format!("{}{}", c.str(tok), c.str(rest));
            if !c.str(tok).contains(':')
                && c.str(rest).contains(':')
                && Action::parse(&joined, None).is_some()
            {
                m.action = Some((tok.0, rest.1));
                m.action_text = Some(joined);
                c.i = rest.1;
                return true;
            }
        }
    }
    c.i = raw.0;
    false
}

/// `[on resource: RES] [REASON]` after the action.
fn parse_resource_and_reason(c: &mut Cur<'_>, m: &mut Msg) {
    let save = c.i;
    c.ws();
    if c.lit("on this resource") {
        parse_reason(c, m);
        return;
    }
    if c.lit("on resource") || c.lit("on the resource") {
        if c.lit(" associated with this ciphertext") {
            m.kms_ciphertext = true;
        } else {
            c.lit(":");
            c.ws();
            // A quoted resource may hold spaces (S3 keys do); S3 quotes with plain quotes, which
            // normalisation turned into hard stops.
            let quote =
                c.b.get(c.i)
                    .copied()
                    .filter(|q| matches!(*q, b'"' | b'\'' | RAW_QUOTE));
            let quoted = quote.and_then(|q| {
                let open = c.i;
                let end = c.b.len().min(open + 2048);
                let rel = c.b[open + 1..end]
                    .iter()
                    .position(|&b| b == q || b == RAW_QUOTE || (q == RAW_QUOTE && b == b'"'))?;
                let close = open + 1 + rel;
                (close > open + 1 && !c.str((open + 1, close)).contains(" is not authorized"))
                    .then_some((open + 1, close))
            });
            if let Some(inner) = quoted {
                m.resource = Some(inner);
                c.i = inner.1 + 1;
                parse_reason(c, m);
                return;
            }
            match resource_token(c) {
                Some((tok, end)) => {
                    m.resource = Some(tok);
                    c.i = end;
                }
                None => c.i = save,
            }
        }
    } else {
        c.i = save;
    }
    parse_reason(c, m);
}

/// The resource after "on resource:": a token (spaces allowed inside `<...>`, `[...]`, `{...}`
/// placeholders), or IAM's two-word forms `role NAME`, `user NAME`, `group NAME`, `policy ARN`.
/// Returns the trimmed span and where reading stopped.
fn resource_token(c: &mut Cur<'_>) -> Option<((usize, usize), usize)> {
    let start = c.i;
    for kind in ["role ", "user ", "group ", "policy "] {
        if c.rest().starts_with(kind.as_bytes()) {
            let mut after = Cur::new(c.t, start + kind.len());
            if let Some(raw) = bracket_token(&mut after) {
                let tok = trim_token(c.b, (start, raw.1));
                let word = c.str((start + kind.len(), tok.1));
                if !word.is_empty() && !matches!(word, "because" | "with") {
                    return Some((tok, raw.1));
                }
            }
        }
    }
    let raw = bracket_token(c)?;
    let tok = trim_token(c.b, raw);
    (tok.1 > tok.0).then_some((tok, raw.1))
}

/// A token that may hold spaces inside brackets: `arn:aws:iam::<account id>:user/x`.
fn bracket_token(c: &mut Cur<'_>) -> Option<(usize, usize)> {
    let s = c.i;
    let mut depth = 0usize;
    let limit = c.b.len().min(s + 2048);
    while c.i < limit {
        let b = c.b[c.i];
        match b {
            RAW_QUOTE => break,
            b'<' | b'[' | b'{' => depth += 1,
            b'>' | b']' | b'}' => depth = depth.saturating_sub(1),
            // `arn:aws:iam::xxxx :user/x`: a redaction left a space before a colon.
            b' ' if depth == 0
                && !(c.b.get(c.i + 1) == Some(&b':')
                    && c.b
                        .get(c.i + 2)
                        .is_some_and(|&n| n != b' ' && n != RAW_QUOTE)
                    && c.i > s) =>
            {
                break;
            }
            b' ' if depth == 0 => {}
            b' ' => {
                // A placeholder is a few words at most; an unclosed bracket ends the token.
                let close = c.b[c.i..limit.min(c.i + 24)]
                    .iter()
                    .position(|&x| matches!(x, b'>' | b']' | b'}'));
                if close.is_none() {
                    break;
                }
            }
            _ => {}
        }
        c.i += 1;
    }
    (c.i > s).then_some((s, c.i))
}

/// Whether the only spaces in `p` are inside `<...>`, `[...]` or `{...}`.
fn bracketed_spaces_only(p: &str) -> bool {
    let mut c = Cur::new(p, 0);
    bracket_token(&mut c).is_some_and(|(_, e)| e == p.len())
}

/// The reason clause after the action/resource.
fn parse_reason(c: &mut Cur<'_>, m: &mut Msg) {
    let save = c.i;
    c.ws();
    let start = c.i;
    if c.lit("because no ") {
        let phrase_start = c.i;
        let Some(allow) = c.find_before_quote(" allow", 80) else {
            c.i = save;
            return;
        };
        let phrase = c.str((phrase_start, allow));
        m.kind = Some(DenyKind::Implicit);
        set_type(m, phrase);
        c.i = allow + " allow".len();
        c.lit("s");
        let after_allow = c.i;
        // " the ACTION action"
        c.ws();
        if c.lit("the ") {
            if let Some(tok) = c.token() {
                c.i = tok.1;
                c.ws();
                if !c.lit("action") {
                    c.i = after_allow;
                }
            } else {
                c.i = after_allow;
            }
        } else {
            c.i = after_allow;
        }
        m.reason = Some((start, c.i));
        return;
    }
    // "with an explicit deny" and nothing after it (older messages, some services).
    let here = c.i;
    if (c.lit("with an explicit deny") || c.lit("because of an explicit deny"))
        && !c.rest().starts_with(b" in ")
        && c.b.get(c.i).is_none_or(|b| !b.is_ascii_alphanumeric())
    {
        m.kind = Some(DenyKind::Explicit);
        m.reason = Some((start, c.i));
        return;
    }
    c.i = here;
    let explicit = c.lit("with an explicit deny in ") || c.lit("because of an explicit deny in ");
    let implicit = !explicit
        && (c.lit("with an implicit deny in ") || c.lit("because of an implicit deny in "));
    if explicit || implicit {
        m.kind = Some(if explicit {
            DenyKind::Explicit
        } else {
            DenyKind::Implicit
        });
        let _ = c.lit("an ") || c.lit("a ") || c.lit("the ");
        let phrase_start = c.i;
        let phrase_end = match known_phrase_len(c.rest()) {
            Some(n) => phrase_start + n,
            None => {
                // An unknown phrase: up to five words, to a colon or a full stop.
                let mut e = phrase_start;
                let mut words = 0;
                while e < c.b.len() && c.b[e] != RAW_QUOTE && c.b[e] != b':' && words < 5 {
                    if c.b[e] == b'.' && c.b.get(e + 1).is_none_or(|&n| n == b' ') {
                        break;
                    }
                    if c.b[e] == b' ' {
                        words += 1;
                    }
                    e += 1;
                }
                while e > phrase_start && c.b[e - 1] == b' ' {
                    e -= 1;
                }
                e
            }
        };
        set_type(m, c.str((phrase_start, phrase_end)));
        c.i = phrase_end;
        m.reason = Some((start, c.i));
        // ": arn:..."
        let save = c.i;
        if c.lit(":") {
            c.ws();
            match c.token() {
                Some(tok) if c.str(tok).starts_with("arn:") => {
                    let tok = trim_token(c.b, tok);
                    m.policy_arn = Some(tok);
                    c.i = tok.1;
                }
                _ => c.i = save,
            }
        }
        return;
    }
    if c.lit("because ") {
        let s = c.i;
        let limit = c.b.len().min(s + 400);
        let mut e = s;
        while e < limit && c.b[e] != RAW_QUOTE {
            if c.b[e] == b'.' && c.b.get(e + 1).is_none_or(|&n| n == b' ') {
                break;
            }
            e += 1;
        }
        m.free_reason = Some((s, e));
        m.reason = Some((start, e));
        c.i = e;
        return;
    }
    c.i = save;
}

/// Where a message body starts after a bare error code, when only punctuation, markup or a key
/// name stands between them (no other words): `AccessDenied (client): User: ...`,
/// `<Code>AccessDenied</Code>\n<Message>Access Denied`, `"AccessDeniedException","Message":"User:`.
fn body_after_code(c: &Cur<'_>) -> Option<usize> {
    let mut i = c.i;
    let limit = c.b.len().min(c.i + 48);
    const SKIP: [&str; 8] = [
        "(client)",
        "(server)",
        "</Code>",
        "<Message>",
        "errorMessage",
        "Message",
        "message",
        "Sender",
    ];
    while i < limit {
        let rest = &c.b[i..];
        if let Some(w) = SKIP.iter().find(|w| rest.starts_with(w.as_bytes())) {
            i += w.len();
            continue;
        }
        match c.b[i] {
            b' ' | b':' | b'-' | b']' | b')' | b',' | b'=' | b'"' | b'\'' | RAW_QUOTE => i += 1,
            _ => break,
        }
    }
    let rest = c.b.get(i..)?;
    let starts_body = rest.starts_with(b"User: ")
        || rest.starts_with(b"Not authorized to perform")
        || rest.starts_with(b"You are not authorized")
        || rest.starts_with(b"Access Denied");
    // A hard stop (blank line, end of a JSON string) between code and body ends the message,
    // except the quotes of a JSON member that names the message.
    let gap = &c.b[c.i..i];
    let stops = gap.iter().filter(|&&b| b == RAW_QUOTE).count();
    let json_member = memmem::find(gap, b"essage").is_some() || stops == 0;
    (starts_body && i > c.i && json_member).then_some(i)
}

/// Length of the known policy-type phrase at the start of `s`, if any.
fn known_phrase_len(s: &[u8]) -> Option<usize> {
    const PHRASES: [&str; 14] = [
        "identity-based policies",
        "identity-based policy",
        "resource-based policies",
        "resource-based policy",
        "permissions boundary policy",
        "permissions boundary",
        "permission boundary",
        "session policy",
        "service control policies",
        "service control policy",
        "resource control policies",
        "resource control policy",
        "VPC endpoint policy",
        "vpc endpoint policy",
    ];
    PHRASES
        .iter()
        .find(|p| {
            s.len() >= p.len()
                && s[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                && s.get(p.len()).is_none_or(|b| !b.is_ascii_alphanumeric())
        })
        .map(|p| p.len())
}

fn set_type(m: &mut Msg, phrase: &str) {
    match PolicyType::from_phrase(phrase) {
        Some(t) => m.policy_type = Some(t),
        None => {
            let p = phrase.trim();
            if !p.is_empty() {
                m.other_type = Some(p.to_string());
            }
        }
    }
}

/// `Amazon S3` → `s3`, `AWSKMS` → `kms`, `STS` → `sts`.
fn service_from_name(name: &str) -> String {
    let mut n = name.trim();
    for prefix in ["Amazon", "AWS"] {
        if let Some(rest) = n.strip_prefix(prefix) {
            n = rest;
        }
    }
    n.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The service of a well-known API operation, for wrappers that name only the operation
/// (`... when calling the GetObject operation: Access Denied`). Only names that belong to a
/// single service are listed.
pub fn service_of_operation(op: &str) -> Option<&'static str> {
    const S3: &[&str] = &[
        "GetObject",
        "PutObject",
        "HeadObject",
        "DeleteObject",
        "DeleteObjects",
        "CopyObject",
        "ListObjects",
        "ListObjectsV2",
        "ListObjectVersions",
        "HeadBucket",
        "ListBuckets",
        "CreateBucket",
        "DeleteBucket",
        "GetBucketPolicy",
        "PutBucketPolicy",
        "GetBucketAcl",
        "PutBucketAcl",
        "GetObjectAcl",
        "PutObjectAcl",
        "GetBucketLocation",
        "GetObjectTagging",
        "PutObjectTagging",
        "RestoreObject",
        "CreateMultipartUpload",
        "UploadPart",
        "UploadPartCopy",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
        "SelectObjectContent",
    ];
    const KMS: &[&str] = &[
        "Decrypt",
        "Encrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "DescribeKey",
        "CreateGrant",
        "GetKeyPolicy",
        "PutKeyPolicy",
        "ScheduleKeyDeletion",
        "GenerateMac",
        "VerifyMac",
    ];
    const STS: &[&str] = &[
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "GetSessionToken",
        "GetFederationToken",
        "DecodeAuthorizationMessage",
        "TagSession",
    ];
    const EC2: &[&str] = &[
        "RunInstances",
        "StartInstances",
        "StopInstances",
        "TerminateInstances",
        "DescribeInstances",
        "CreateVolume",
        "AttachVolume",
        "CreateSnapshot",
        "CreateTags",
        "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress",
        "ModifyInstanceAttribute",
    ];
    const SQS: &[&str] = &[
        "SendMessage",
        "ReceiveMessage",
        "DeleteMessage",
        "GetQueueUrl",
    ];
    const SECRETS: &[&str] = &["GetSecretValue", "PutSecretValue"];
    for (svc, ops) in [
        ("s3", S3),
        ("kms", KMS),
        ("sts", STS),
        ("ec2", EC2),
        ("sqs", SQS),
        ("secretsmanager", SECRETS),
    ] {
        if ops.contains(&op) {
            return Some(svc);
        }
    }
    None
}

/// Turns a normalised-text message into a [`Denial`] with source spans.
fn to_denial(text: &str, norm: &Norm, m: &Msg) -> Denial {
    let t = &norm.text;
    let s = |r: (usize, usize)| t.get(r.0..r.1).unwrap_or("").to_string();
    let sp = |r: (usize, usize)| norm.span(r.0, r.1);
    let mut d = Denial {
        span: norm.span(m.start, m.end),
        event_span: None,
        form: m.form.unwrap_or(Form::Other),
        wrapper: m.wrapper.unwrap_or(Wrapper::None),
        principal: m.principal.map(|r| Principal::classify(&s(r), Some(sp(r)))),
        action: m.action.and_then(|r| {
            let written = m.action_text.clone().unwrap_or_else(|| s(r));
            Action::parse(&written, Some(sp(r)))
        }),
        resource: m.resource.map(|r| Resource::new(&s(r), Some(sp(r)))),
        source: DenialSource {
            policy_type: m.policy_type,
            other_type: m.other_type.clone(),
            kind: m.kind.unwrap_or(DenyKind::Unknown),
            span: m.reason.map(sp),
            free_text: m.free_reason.map(s),
        },
        policy: m
            .policy_arn
            .map(|r| PolicyRef::classify(&s(r), Some(sp(r)))),
        operation: m.operation.map(s),
        error_code: m.code.map(s).filter(|c| !c.is_empty()),
        service: None,
        encoded: None,
        cloudtrail: None,
        hints: Vec::new(),
        detail: m.detail.map(s),
    };
    if let Some(at) = m.encoded_marker {
        let src = norm.src_start(at);
        let blob: Option<EncodedBlob> = blob::blob_with_marker_at(text, src);
        if let Some(b) = blob {
            d.span.end = d.span.end.max(b.span.end);
            d.encoded = Some(b);
        }
    }
    d.service = d
        .action
        .as_ref()
        .map(|a| a.service.clone())
        .or_else(|| m.wrapper_service.clone().filter(|s| !s.is_empty()))
        .or_else(|| {
            d.resource
                .as_ref()
                .and_then(|r| r.arn.as_ref())
                .map(|a| a.service.to_ascii_lowercase())
        })
        .or_else(|| {
            d.operation
                .as_deref()
                .and_then(service_of_operation)
                .map(str::to_string)
        });
    if m.kms_ciphertext {
        d.hints.push(Hint::KmsCiphertext);
        d.service.get_or_insert_with(|| "kms".to_string());
    }
    add_derived_hints(&mut d);
    d
}

/// The ARN of a resource when the denial has one (a convenience for callers).
pub fn resource_arn(d: &Denial) -> Option<&Arn> {
    d.resource.as_ref()?.arn.as_ref()
}
