//! Calls to AWS on the user's behalf: STS `DecodeAuthorizationMessage` (turn the encoded blob of
//! an access-denied error into its JSON explanation) and IAM `GetPolicy` + `GetPolicyVersion`
//! (fetch the default version of a managed policy).
//!
//! Only compiled with the `aws` cargo feature. Plain data in and out: [`AwsSettings`] and
//! strings in, `String` / [`FetchedPolicy`] or a classified [`AwsError`] out. Callers program
//! against the [`AwsApi`] trait; [`SdkClient`] is the real implementation.
//!
//! Architecture invariants:
//! - Nothing here runs unless a person asked for it; callers trigger it from a command or code
//!   action.
//! - Every call is bounded by [`AwsSettings::timeout`], credential resolution included, so no
//!   failure hangs the caller.
//! - Credentials, encoded messages, decoded messages and policy documents are never logged;
//!   `tracing` at debug level sees the operation name and the error kind only.
//! - Needs a Tokio runtime with the time driver (the language server's runtime has one).

mod client;
mod error;

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

pub use client::SdkClient;
pub use error::{AwsError, Operation};

/// The time limit of one call when the settings give none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// The region used when neither the settings, the environment nor the profile name one.
pub const FALLBACK_REGION: &str = "us-east-1";

/// The longest encoded authorization message STS accepts, in characters.
pub const MAX_ENCODED_MESSAGE_LEN: usize = 10_240;

/// Where and how to call AWS. Everything left `None` falls back to the usual AWS sources
/// (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS`,
/// `AWS_ENDPOINT_URL_IAM`, the shared config files), which `aws-config` reads itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsSettings {
    /// The named profile of the shared config files; `None`: `AWS_PROFILE` or `default`.
    pub profile: Option<String>,
    /// The region to call; `None`: environment, then profile, then [`FALLBACK_REGION`].
    pub region: Option<String>,
    /// An endpoint URL for both services (e.g. a VPC endpoint or a test stub).
    pub endpoint_url: Option<String>,
    /// The limit for the whole call, credential resolution and retries included.
    pub timeout: Duration,
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            endpoint_url: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// The default version of a managed policy, as fetched from IAM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedPolicy {
    /// The policy ARN as IAM reports it.
    pub arn: String,
    /// The policy's friendly name.
    pub name: Option<String>,
    /// The policy's path, e.g. `/service-role/`.
    pub path: Option<String>,
    /// The version fetched (the default one), e.g. `v3`.
    pub version_id: String,
    /// The policy document, URL-decoded: JSON text exactly as stored by IAM.
    pub document_json: String,
}

/// A boxed future returned by [`AwsApi`] methods (keeps the trait usable as `dyn AwsApi`).
pub type AwsFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AwsError>> + Send + 'a>>;

/// The AWS calls iam-ls makes. Implemented by [`SdkClient`]; the language server holds an
/// `Arc<dyn AwsApi>`.
pub trait AwsApi: Send + Sync {
    /// Decodes the encoded authorization message `blob` (surrounding whitespace is ignored)
    /// with STS and returns the decoded JSON text.
    fn decode_authorization_message<'a>(
        &'a self,
        settings: &'a AwsSettings,
        blob: &'a str,
    ) -> AwsFuture<'a, String>;

    /// Fetches the default version of the managed policy `policy_arn` with IAM GetPolicy and
    /// GetPolicyVersion.
    fn fetch_managed_policy<'a>(
        &'a self,
        settings: &'a AwsSettings,
        policy_arn: &'a str,
    ) -> AwsFuture<'a, FetchedPolicy>;
}

/// The process-wide client used by the free functions (shares its connection pool).
fn shared_client() -> &'static SdkClient {
    static CLIENT: OnceLock<SdkClient> = OnceLock::new();
    CLIENT.get_or_init(SdkClient::new)
}

/// Decodes an encoded authorization message with the default credential chain.
/// See [`AwsApi::decode_authorization_message`].
pub async fn decode_authorization_message(
    settings: &AwsSettings,
    blob: &str,
) -> Result<String, AwsError> {
    shared_client()
        .decode_authorization_message(settings, blob)
        .await
}

/// Fetches the default version of a managed policy with the default credential chain.
/// See [`AwsApi::fetch_managed_policy`].
pub async fn fetch_managed_policy(
    settings: &AwsSettings,
    policy_arn: &str,
) -> Result<FetchedPolicy, AwsError> {
    shared_client()
        .fetch_managed_policy(settings, policy_arn)
        .await
}
