//! Decoding encoded authorization failure messages for people; shared by the language server and
//! the CLI (no LSP types here).
//!
//! - [`render`]: the JSON STS returns → [`Decoded`]: the JSON pretty-printed (key order and
//!   number spelling kept) and a [`Summary`] in words.
//! - [`DecodeCache`]: the results of one session, per encoded message, so that showing a
//!   message again (a hover, a second decode) never calls AWS again.
//! - With the `aws` feature: [`decode`] (cache, then STS `DecodeAuthorizationMessage` through an
//!   [`AwsApi`]), [`fetch_policy`] (IAM, for a managed policy ARN), [`aws_settings`] (the
//!   project's `[aws]` configuration → [`crate::aws::AwsSettings`]) and [`default_api`] (the real
//!   SDK client, shared by the process).
//!
//! Architecture invariant: nothing here logs message contents, decoded documents or policies.

use crate::logs::{DecodedMessage, Summary, summarize};
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

#[cfg(feature = "aws")]
use crate::aws::{self, AwsApi, AwsError, FetchedPolicy};

/// A decoded authorization message, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded JSON, pretty-printed with two-space indentation and a final newline (the text
    /// as received when it is not valid JSON).
    pub pretty_json: String,
    /// The message read from the JSON; `None` when it is not JSON or not an object.
    pub message: Option<DecodedMessage>,
    /// The message in words (for a text that could not be read: says so).
    pub summary: Summary,
}

/// Reads and formats the JSON text STS returned.
pub fn render(decoded_json: &str) -> Decoded {
    let message = DecodedMessage::parse(decoded_json);
    let summary = summarize(message.as_ref().unwrap_or(&DecodedMessage::default()));
    let pretty_json = match serde_json::from_str::<serde_json::Value>(decoded_json) {
        Ok(_) => pretty_json(decoded_json),
        Err(_) => {
            let mut raw = decoded_json.trim_end().to_string();
            raw.push('\n');
            raw
        }
    };
    Decoded {
        pretty_json,
        message,
        summary,
    }
}

/// Re-indents valid JSON text: one member or item per line, two spaces per level, `": "` after
/// keys, empty containers kept as `{}` / `[]`, and a final newline. Unlike a round trip through
/// `serde_json::Value`, the order of keys and the spelling of numbers and strings stay exactly as
/// received. Input that is not valid JSON comes out re-spaced but otherwise unchanged.
pub fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth: usize = 0;
    let mut chars = text.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == '"' {
                        break;
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                // Skip spacing to see whether the container is empty.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

/// How many decoded messages a [`DecodeCache`] keeps (the oldest go first).
pub const CACHE_CAPACITY: usize = 256;

/// Decoded messages of one session, keyed by the encoded message (trimmed). Thread-safe.
#[derive(Debug, Default)]
pub struct DecodeCache {
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    entries: HashMap<String, Arc<Decoded>>,
    order: VecDeque<String>,
}

impl DecodeCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The decoded form of `blob`, when it was decoded in this session.
    pub fn get(&self, blob: &str) -> Option<Arc<Decoded>> {
        let key = clean_blob(blob);
        self.inner.lock().ok()?.entries.get(key).cloned()
    }

    /// Remembers the decoded form of `blob`.
    pub fn insert(&self, blob: &str, decoded: Arc<Decoded>) {
        let key = clean_blob(blob).to_string();
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.entries.insert(key.clone(), decoded).is_none() {
            inner.order.push_back(key);
        }
        while inner.order.len() > CACHE_CAPACITY {
            if let Some(old) = inner.order.pop_front() {
                inner.entries.remove(&old);
            }
        }
    }

    /// Number of messages held.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.entries.len()).unwrap_or(0)
    }

    /// True when nothing was decoded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The encoded message without surrounding spacing and quotes (as pasted from a log or JSON).
pub fn clean_blob(blob: &str) -> &str {
    blob.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`'))
}

/// A short, stable name for a blob (for file names): 16 hex digits of its FNV-1a hash.
pub fn blob_id(blob: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in clean_blob(blob).as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut out = String::with_capacity(16);
    let _ = write!(out, "{hash:016x}");
    out
}

/// The effective `[aws]` configuration as settings for the AWS calls. Unset values stay `None`
/// so that `aws-config` falls back to `AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL` and the
/// shared config files; the timeout defaults to [`aws::DEFAULT_TIMEOUT`].
#[cfg(feature = "aws")]
pub fn aws_settings(config: &crate::config::AwsSettings) -> aws::AwsSettings {
    aws::AwsSettings {
        profile: config.profile.clone(),
        region: config.region.clone(),
        endpoint_url: config.endpoint_url.clone(),
        timeout: config
            .timeout_seconds
            .map_or(aws::DEFAULT_TIMEOUT, std::time::Duration::from_secs),
    }
}

/// The real AWS client (SDK, default credential chain), built once per process.
#[cfg(feature = "aws")]
pub fn default_api() -> Arc<dyn AwsApi> {
    use std::sync::OnceLock;
    static API: OnceLock<Arc<aws::SdkClient>> = OnceLock::new();
    API.get_or_init(|| Arc::new(aws::SdkClient::new())).clone()
}

/// What [`decode`] produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub decoded: Arc<Decoded>,
    /// True when the result came from the cache (no call was made).
    pub cached: bool,
}

/// Decodes `blob` (spacing and quotes around it are ignored): from `cache` when this session
/// decoded it before, else with STS `DecodeAuthorizationMessage` through `api`; a successful
/// result is cached. The call is bounded by `settings.timeout`.
#[cfg(feature = "aws")]
pub async fn decode(
    api: &dyn AwsApi,
    settings: &aws::AwsSettings,
    blob: &str,
    cache: &DecodeCache,
) -> Result<Outcome, AwsError> {
    let blob = clean_blob(blob);
    if let Some(decoded) = cache.get(blob) {
        return Ok(Outcome {
            decoded,
            cached: true,
        });
    }
    let json = api.decode_authorization_message(settings, blob).await?;
    let decoded = Arc::new(render(&json));
    cache.insert(blob, decoded.clone());
    Ok(Outcome {
        decoded,
        cached: false,
    })
}

/// Fetches the default version of the managed policy `arn` through `api`; the document keeps
/// IAM's text, with a final newline added.
#[cfg(feature = "aws")]
pub async fn fetch_policy(
    api: &dyn AwsApi,
    settings: &aws::AwsSettings,
    arn: &str,
) -> Result<FetchedPolicy, AwsError> {
    let mut policy = api.fetch_managed_policy(settings, arn.trim()).await?;
    if !policy.document_json.ends_with('\n') {
        policy.document_json.push('\n');
    }
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECODED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyAll","effect":"DENY","principals":{"items":[{"value":"AROAEXAMPLE"}]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"ec2:RunInstances"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROAEXAMPLE:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:123456789012:instance/*","conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"us-east-1"}]}}]}}}"#;

    #[test]
    fn decode_pretty_json_keeps_order_and_values() {
        let pretty = pretty_json(DECODED);
        assert!(pretty.starts_with("{\n  \"allowed\": false,\n  \"explicitDeny\": true,\n"));
        assert!(pretty.contains("\"principalGroups\": {\n"), "{pretty}");
        assert!(pretty.contains("\"items\": []"), "{pretty}");
        assert!(pretty.ends_with("}\n"));
        let a: serde_json::Value = serde_json::from_str(DECODED).unwrap();
        let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(a, b);
        // Strings with structural characters and escapes survive.
        let tricky = r#"{"a":"x,{y}:[\"z\"]","b":[1.50,-2e3],"c":{}}"#;
        let pretty = pretty_json(tricky);
        assert!(pretty.contains(r#""a": "x,{y}:[\"z\"]""#), "{pretty}");
        assert!(pretty.contains("1.50"), "{pretty}");
        assert!(pretty.contains("\"c\": {}"), "{pretty}");
    }

    #[test]
    fn decode_render_reads_the_message() {
        let d = render(DECODED);
        let m = d.message.as_ref().expect("message");
        assert_eq!(m.action.as_deref(), Some("ec2:RunInstances"));
        assert!(
            d.summary.headline.contains("DenyAll"),
            "{}",
            d.summary.headline
        );
        let not_json = render("not json at all");
        assert!(not_json.message.is_none());
        assert_eq!(not_json.pretty_json, "not json at all\n");
    }

    #[test]
    fn decode_cache_is_keyed_by_the_trimmed_blob_and_bounded() {
        let cache = DecodeCache::new();
        assert!(cache.is_empty());
        let d = Arc::new(render(DECODED));
        cache.insert("  \"abcDEF123\"\n", d.clone());
        assert!(cache.get("abcDEF123").is_some());
        assert!(cache.get("abcDEF124").is_none());
        for i in 0..CACHE_CAPACITY + 10 {
            cache.insert(&format!("blob{i}"), d.clone());
        }
        assert_eq!(cache.len(), CACHE_CAPACITY);
        assert!(cache.get("abcDEF123").is_none(), "oldest entry evicted");
        assert!(cache.get(&format!("blob{}", CACHE_CAPACITY + 9)).is_some());
        assert_eq!(blob_id(" x "), blob_id("x"));
        assert_ne!(blob_id("x"), blob_id("y"));
    }

    #[cfg(feature = "aws")]
    mod with_aws {
        use super::*;
        use crate::aws::{AwsFuture, AwsSettings};
        use std::sync::atomic::{AtomicUsize, Ordering};

        struct Fake {
            calls: AtomicUsize,
        }

        impl AwsApi for Fake {
            fn decode_authorization_message<'a>(
                &'a self,
                _settings: &'a AwsSettings,
                blob: &'a str,
            ) -> AwsFuture<'a, String> {
                self.calls.fetch_add(1, Ordering::SeqCst);
                Box::pin(async move {
                    if blob == "GOODblob" {
                        Ok(DECODED.to_string())
                    } else {
                        Err(AwsError::InvalidAuthorizationMessage {
                            detail: "bad".into(),
                        })
                    }
                })
            }
            fn fetch_managed_policy<'a>(
                &'a self,
                _settings: &'a AwsSettings,
                policy_arn: &'a str,
            ) -> AwsFuture<'a, FetchedPolicy> {
                Box::pin(async move {
                    Ok(FetchedPolicy {
                        arn: policy_arn.to_string(),
                        name: Some("P".into()),
                        path: Some("/".into()),
                        version_id: "v1".into(),
                        document_json: "{}".into(),
                    })
                })
            }
        }

        fn block_on<F: std::future::Future>(f: F) -> F::Output {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(f)
        }

        #[test]
        fn decode_calls_once_then_serves_from_the_cache() {
            let api = Fake {
                calls: AtomicUsize::new(0),
            };
            let cache = DecodeCache::new();
            let settings = AwsSettings::default();
            let first = block_on(decode(&api, &settings, " GOODblob\n", &cache)).unwrap();
            assert!(!first.cached);
            let second = block_on(decode(&api, &settings, "GOODblob", &cache)).unwrap();
            assert!(second.cached);
            assert!(Arc::ptr_eq(&first.decoded, &second.decoded));
            assert_eq!(api.calls.load(Ordering::SeqCst), 1);
            let err = block_on(decode(&api, &settings, "BADblob", &cache)).unwrap_err();
            assert_eq!(err.kind(), "invalid_authorization_message");
            assert_eq!(cache.len(), 1, "failures are not cached");
            let policy = block_on(fetch_policy(&api, &settings, " arn:x ")).unwrap();
            assert_eq!(policy.arn, "arn:x");
            assert_eq!(policy.document_json, "{}\n");
        }

        #[test]
        fn decode_settings_map_from_the_configuration() {
            let config = crate::config::AwsSettings {
                profile: Some("dev".into()),
                region: None,
                endpoint_url: Some("http://127.0.0.1:1".into()),
                timeout_seconds: Some(3),
            };
            let s = aws_settings(&config);
            assert_eq!(s.profile.as_deref(), Some("dev"));
            assert_eq!(s.region, None);
            assert_eq!(s.endpoint_url.as_deref(), Some("http://127.0.0.1:1"));
            assert_eq!(s.timeout, std::time::Duration::from_secs(3));
            let d = aws_settings(&crate::config::AwsSettings::default());
            assert_eq!(d.timeout, aws::DEFAULT_TIMEOUT);
        }
    }
}
