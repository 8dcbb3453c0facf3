//! [`SdkClient`]: the real implementation of [`AwsApi`] over `aws-sdk-sts` and `aws-sdk-iam`.
//!
//! Each call loads the AWS configuration afresh (`aws-config`'s default chains, with the
//! settings' profile, region and endpoint on top), so edits to `~/.aws/config`, a new
//! `aws sso login` or changed settings take effect on the next call without a restart. The HTTP
//! client (connection pool, loaded root certificates) is built once per `SdkClient` and shared.

use std::fmt;
use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_sts::config::SharedHttpClient;
use aws_smithy_http_client::tls;
use tracing::debug;

use super::error::{CallContext, Operation, classify};
use super::{
    AwsApi, AwsError, AwsFuture, AwsSettings, FALLBACK_REGION, FetchedPolicy,
    MAX_ENCODED_MESSAGE_LEN,
};

/// Calls STS and IAM with the AWS SDK for Rust.
///
/// By default credentials come from `aws-config`'s default chain: environment variables, the
/// shared config and credentials files (static keys, `credential_process`, IAM Identity Center
/// / SSO, assume-role chains), web identity tokens, and the ECS / EC2 instance metadata
/// endpoints. [`SdkClient::with_static_credentials`] replaces the chain with fixed keys.
#[derive(Clone)]
pub struct SdkClient {
    http: SharedHttpClient,
    credentials: Option<SharedCredentialsProvider>,
}

impl fmt::Debug for SdkClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print credentials, not even redacted ones.
        f.debug_struct("SdkClient")
            .field("static_credentials", &self.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for SdkClient {
    fn default() -> Self {
        Self::new()
    }
}

impl SdkClient {
    /// A client that resolves credentials with the default AWS credential chain.
    pub fn new() -> Self {
        Self {
            http: https_client(),
            credentials: None,
        }
    }

    /// A client that signs with the given keys instead of the credential chain.
    pub fn with_static_credentials(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        let credentials = Credentials::new(
            access_key_id,
            secret_access_key,
            session_token,
            None,
            "iam-ls-static",
        );
        Self {
            http: https_client(),
            credentials: Some(SharedCredentialsProvider::new(credentials)),
        }
    }

    /// Loads the shared SDK configuration for one call. An endpoint that would send the signed
    /// request over plain HTTP to another machine is refused first, whether it comes from the
    /// settings or from `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL_IAM`.
    async fn sdk_config(&self, settings: &AwsSettings) -> Result<SdkConfig, AwsError> {
        let from_env = ENDPOINT_VARIABLES
            .iter()
            .filter_map(|name| Some((*name, std::env::var(name).ok()?)));
        let from_settings = settings
            .endpoint_url
            .iter()
            .map(|url| ("the endpoint URL setting", url.clone()));
        for (source, url) in from_settings.chain(from_env) {
            if url.trim().is_empty() {
                continue;
            }
            if let Err(problem) = crate::config::check_endpoint_url(&url) {
                return Err(AwsError::Other {
                    detail: format!("refused to call AWS: {source}: {problem}"),
                });
            }
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(self.http.clone())
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(settings.timeout)
                    .build(),
            );
        if let Some(profile) = settings.profile.as_deref() {
            loader = loader.profile_name(profile);
        }
        loader = match settings.region.as_deref() {
            Some(region) => loader.region(Region::new(region.to_owned())),
            None => loader.region(region_chain(settings.profile.as_deref())),
        };
        if let Some(url) = settings.endpoint_url.as_deref() {
            loader = loader.endpoint_url(url);
        }
        if let Some(credentials) = &self.credentials {
            loader = loader.credentials_provider(credentials.clone());
        }
        Ok(loader.load().await)
    }

    /// `sts:DecodeAuthorizationMessage` without the outer time limit.
    async fn decode_inner(&self, settings: &AwsSettings, blob: &str) -> Result<String, AwsError> {
        let config = self.sdk_config(settings).await?;
        let client = aws_sdk_sts::Client::new(&config);
        let ctx = context(settings, Operation::DecodeAuthorizationMessage, None);
        let output = client
            .decode_authorization_message()
            .encoded_message(blob)
            .send()
            .await
            .map_err(|e| classify(&e, ctx))?;
        output.decoded_message.ok_or_else(|| AwsError::Other {
            detail: "the STS answer carried no decoded message".to_owned(),
        })
    }

    /// `iam:GetPolicy` + `iam:GetPolicyVersion` without the outer time limit.
    async fn fetch_inner(
        &self,
        settings: &AwsSettings,
        policy_arn: &str,
    ) -> Result<FetchedPolicy, AwsError> {
        let config = self.sdk_config(settings).await?;
        let client = aws_sdk_iam::Client::new(&config);

        let ctx = context(settings, Operation::GetPolicy, Some(policy_arn));
        let policy = client
            .get_policy()
            .policy_arn(policy_arn)
            .send()
            .await
            .map_err(|e| classify(&e, ctx))?
            .policy
            .ok_or_else(|| AwsError::Other {
                detail: "the GetPolicy answer carried no policy".to_owned(),
            })?;
        let version_id = policy
            .default_version_id
            .clone()
            .ok_or_else(|| AwsError::Other {
                detail: "the GetPolicy answer carried no default version id".to_owned(),
            })?;

        let ctx = context(settings, Operation::GetPolicyVersion, Some(policy_arn));
        let version = client
            .get_policy_version()
            .policy_arn(policy_arn)
            .version_id(&version_id)
            .send()
            .await
            .map_err(|e| classify(&e, ctx))?
            .policy_version
            .ok_or_else(|| AwsError::Other {
                detail: "the GetPolicyVersion answer carried no policy version".to_owned(),
            })?;
        let encoded = version.document.ok_or_else(|| AwsError::Other {
            detail: "the GetPolicyVersion answer carried no document".to_owned(),
        })?;
        let document_json = url_decode(&encoded)?;

        Ok(FetchedPolicy {
            arn: policy.arn.unwrap_or_else(|| policy_arn.to_owned()),
            name: policy.policy_name,
            path: policy.path,
            version_id: version.version_id.unwrap_or(version_id),
            document_json,
        })
    }
}

impl AwsApi for SdkClient {
    fn decode_authorization_message<'a>(
        &'a self,
        settings: &'a AwsSettings,
        blob: &'a str,
    ) -> AwsFuture<'a, String> {
        Box::pin(async move {
            let blob = blob.trim();
            check_blob(blob)?;
            bounded(
                Operation::DecodeAuthorizationMessage,
                settings.timeout,
                self.decode_inner(settings, blob),
            )
            .await
        })
    }

    fn fetch_managed_policy<'a>(
        &'a self,
        settings: &'a AwsSettings,
        policy_arn: &'a str,
    ) -> AwsFuture<'a, FetchedPolicy> {
        Box::pin(async move {
            let policy_arn = policy_arn.trim();
            check_policy_arn(policy_arn)?;
            bounded(
                Operation::GetPolicy,
                settings.timeout,
                self.fetch_inner(settings, policy_arn),
            )
            .await
        })
    }
}

/// Runs `call` under `limit`, logging only the operation name and the error kind.
async fn bounded<T>(
    operation: Operation,
    limit: Duration,
    call: impl Future<Output = Result<T, AwsError>>,
) -> Result<T, AwsError> {
    debug!(operation = operation.name(), "AWS call started");
    let result = match tokio::time::timeout(limit, call).await {
        Ok(result) => result,
        Err(_elapsed) => Err(AwsError::Timeout { after: limit }),
    };
    match &result {
        Ok(_) => debug!(operation = operation.name(), "AWS call succeeded"),
        Err(err) => debug!(
            operation = operation.name(),
            kind = err.kind(),
            "AWS call failed"
        ),
    }
    result
}

fn context<'a>(
    settings: &'a AwsSettings,
    operation: Operation,
    policy_arn: Option<&'a str>,
) -> CallContext<'a> {
    CallContext {
        operation,
        profile: settings.profile.as_deref(),
        endpoint: settings.endpoint_url.as_deref(),
        policy_arn,
        timeout: settings.timeout,
    }
}

/// The environment variables through which `aws-config` takes an endpoint for our calls.
const ENDPOINT_VARIABLES: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_IAM",
];

/// The one HTTPS stack: hyper 1 + rustls with ring, trusting the platform's root certificates.
fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// Region when the settings name none: environment, then the profile, then `us-east-1`.
///
/// Unlike `aws-config`'s default region chain this skips the EC2 instance metadata service,
/// which on a laptop costs seconds of connect time-outs on every call. STS answers
/// DecodeAuthorizationMessage in any region of the partition and IAM is global, so the
/// fallback only matters for other partitions, where the profile normally names a region.
fn region_chain(profile: Option<&str>) -> RegionProviderChain {
    let mut from_profile = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(profile) = profile {
        from_profile = from_profile.profile_name(profile);
    }
    RegionProviderChain::first_try(
        aws_config::environment::EnvironmentVariableRegionProvider::new(),
    )
    .or_else(from_profile.build())
    .or_else(Region::from_static(FALLBACK_REGION))
}

fn check_blob(blob: &str) -> Result<(), AwsError> {
    if blob.is_empty() {
        return Err(AwsError::InvalidInput {
            detail: "the encoded authorization message is empty".to_owned(),
        });
    }
    let len = blob.chars().count();
    if len > MAX_ENCODED_MESSAGE_LEN {
        return Err(AwsError::InvalidInput {
            detail: format!(
                "the encoded authorization message has {len} characters; STS accepts at most \
                 {MAX_ENCODED_MESSAGE_LEN}, so it probably swallowed text after the message"
            ),
        });
    }
    Ok(())
}

fn check_policy_arn(arn: &str) -> Result<(), AwsError> {
    let mut parts = arn.splitn(6, ':');
    let shape_ok = parts.next() == Some("arn")
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next() == Some("iam")
        && parts.next() == Some("")
        && parts.next().is_some_and(|a| !a.is_empty())
        && parts
            .next()
            .is_some_and(|r| r.starts_with("policy/") && r.len() > "policy/".len());
    if shape_ok {
        Ok(())
    } else {
        Err(AwsError::InvalidInput {
            detail: format!(
                "`{arn}` is not a managed policy ARN (expected \
                 arn:PARTITION:iam::ACCOUNT-OR-aws:policy/[PATH/]NAME)"
            ),
        })
    }
}

/// Decodes the RFC 3986 percent-encoding IAM applies to policy documents.
pub(crate) fn url_decode(encoded: &str) -> Result<String, AwsError> {
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| AwsError::Other {
            detail: "the policy document returned by IAM is not valid UTF-8 once URL-decoded"
                .to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_url_decode_handles_iam_documents() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect\
                       %22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22\
                       %3A%22arn%3Aaws%3As3%3A%3A%3Ab%2Fa+b%20c%22%7D%5D%7D";
        let decoded = url_decode(encoded).expect("decodes");
        assert_eq!(
            decoded,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a+b c"}]}"#
        );
        // Multi-byte UTF-8 survives; a lone `%` is kept as text.
        assert_eq!(
            url_decode("%C3%A9t%C3%A9 100%").expect("decodes"),
            "été 100%"
        );
        assert!(matches!(url_decode("%FF"), Err(AwsError::Other { .. })));
    }

    #[test]
    fn aws_policy_arn_shape_is_checked_before_calling() {
        for ok in [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws-cn:iam::123456789012:policy/team/x",
        ] {
            assert!(check_policy_arn(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ReadOnlyAccess",
            "arn:aws:iam::aws:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::aws:policy/",
            "arn:aws:iam:us-east-1:aws:policy/x",
        ] {
            let err = check_policy_arn(bad).expect_err(bad);
            assert_eq!(err.kind(), "invalid_input", "{bad}");
        }
    }

    #[test]
    fn aws_blob_bounds_are_checked_before_calling() {
        assert_eq!(check_blob("").expect_err("empty").kind(), "invalid_input");
        assert!(check_blob(&"a".repeat(MAX_ENCODED_MESSAGE_LEN)).is_ok());
        let err = check_blob(&"a".repeat(MAX_ENCODED_MESSAGE_LEN + 1)).expect_err("long");
        assert!(err.to_string().contains("10240"), "{err}");
    }

    #[test]
    fn aws_client_debug_hides_credentials() {
        let client = SdkClient::with_static_credentials("AKIDTEST", "very-secret", None);
        let text = format!("{client:?}");
        assert!(
            !text.contains("AKIDTEST") && !text.contains("very-secret"),
            "{text}"
        );
    }
}
