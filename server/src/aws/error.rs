//! Classified failures of the AWS calls, each with a message that tells the person what to do.
//!
//! The SDK reports failures as a layered `SdkError` (construction, dispatch, timeout, response,
//! service) wrapping provider errors from the credential chain. [`classify`] flattens that into
//! [`AwsError`], whose `Display` is the text shown to the user. Messages never contain
//! credentials; they may contain the service's own error text (for example the caller's ARN in
//! an `AccessDenied`), which is useful to the user and is not logged.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

/// The AWS API operation a failure belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `sts:DecodeAuthorizationMessage`.
    DecodeAuthorizationMessage,
    /// `iam:GetPolicy`.
    GetPolicy,
    /// `iam:GetPolicyVersion`.
    GetPolicyVersion,
}

impl Operation {
    /// The operation's API name, e.g. `GetPolicy` (safe to log).
    pub fn name(self) -> &'static str {
        match self {
            Operation::DecodeAuthorizationMessage => "DecodeAuthorizationMessage",
            Operation::GetPolicy => "GetPolicy",
            Operation::GetPolicyVersion => "GetPolicyVersion",
        }
    }

    /// The IAM action that authorizes the operation, e.g. `iam:GetPolicy`.
    pub fn iam_action(self) -> &'static str {
        match self {
            Operation::DecodeAuthorizationMessage => "sts:DecodeAuthorizationMessage",
            Operation::GetPolicy => "iam:GetPolicy",
            Operation::GetPolicyVersion => "iam:GetPolicyVersion",
        }
    }
}

/// Why an AWS call failed. `Display` renders the user-facing message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AwsError {
    /// No source in the credential chain produced credentials, or the configuration naming them
    /// is broken (unknown profile, failing `credential_process`, ...).
    NoCredentials {
        /// The profile in use, when one was named in the settings.
        profile: Option<String>,
        /// What the credential chain reported.
        detail: String,
    },
    /// The credentials or the IAM Identity Center (SSO) session have expired.
    CredentialsExpired {
        /// The profile in use, when one was named in the settings.
        profile: Option<String>,
        /// What the credential chain or the service reported.
        detail: String,
    },
    /// AWS does not accept the credentials (unknown access key, wrong secret).
    InvalidCredentials {
        /// The service's error code, e.g. `InvalidClientTokenId`.
        code: String,
        /// The service's message.
        detail: String,
    },
    /// The caller is not allowed to call the operation itself.
    AccessDenied {
        /// The operation that was denied.
        operation: Operation,
        /// A policy statement (JSON) that grants what is missing.
        statement: String,
        /// The service's message (names the caller).
        detail: String,
    },
    /// STS could not decode the encoded authorization message.
    InvalidAuthorizationMessage {
        /// The service's message.
        detail: String,
    },
    /// The managed policy (or its version) does not exist.
    NoSuchEntity {
        /// The policy ARN that was asked for.
        policy_arn: String,
        /// The service's message.
        detail: String,
    },
    /// The input was rejected before or by the service (empty blob, malformed ARN, ...).
    InvalidInput {
        /// What is wrong with it.
        detail: String,
    },
    /// AWS throttled the request (after the SDK's own retries).
    Throttled {
        /// The service's error code and message.
        detail: String,
    },
    /// The whole call, credential resolution included, did not finish in time.
    Timeout {
        /// The limit that was exceeded.
        after: Duration,
    },
    /// The endpoint could not be reached: connection refused, DNS failure, TLS failure, ...
    Network {
        /// The endpoint URL from the settings, when one was set.
        endpoint: Option<String>,
        /// The transport error.
        detail: String,
    },
    /// AWS answered with an HTTP 5xx status.
    ServiceUnavailable {
        /// The HTTP status code.
        status: u16,
        /// The service's error code and message, if any.
        detail: String,
    },
    /// Anything else.
    Other {
        /// The full error chain.
        detail: String,
    },
}

impl AwsError {
    /// A short stable name of the error kind (safe to log: no contents).
    pub fn kind(&self) -> &'static str {
        match self {
            AwsError::NoCredentials { .. } => "no_credentials",
            AwsError::CredentialsExpired { .. } => "credentials_expired",
            AwsError::InvalidCredentials { .. } => "invalid_credentials",
            AwsError::AccessDenied { .. } => "access_denied",
            AwsError::InvalidAuthorizationMessage { .. } => "invalid_authorization_message",
            AwsError::NoSuchEntity { .. } => "no_such_entity",
            AwsError::InvalidInput { .. } => "invalid_input",
            AwsError::Throttled { .. } => "throttled",
            AwsError::Timeout { .. } => "timeout",
            AwsError::Network { .. } => "network",
            AwsError::ServiceUnavailable { .. } => "service_unavailable",
            AwsError::Other { .. } => "other",
        }
    }

    /// Whether trying again later, unchanged, may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AwsError::Throttled { .. }
                | AwsError::Timeout { .. }
                | AwsError::Network { .. }
                | AwsError::ServiceUnavailable { .. }
        )
    }
}

/// `--profile NAME` for CLI hints, or nothing for the default profile.
fn profile_flag(profile: &Option<String>) -> String {
    match profile {
        Some(p) => format!(" --profile {p}"),
        None => String::new(),
    }
}

fn profile_phrase(profile: &Option<String>) -> String {
    match profile {
        Some(p) => format!(" for profile `{p}`"),
        None => String::new(),
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AwsError::NoCredentials { profile, detail } => {
                let flag = profile_flag(profile);
                write!(
                    f,
                    "No usable AWS credentials were found{}. Provide them in one of these ways: \
                     set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for \
                     temporary keys) in the environment iam-ls runs in (the editor's, or the shell's for `iam-ls decode`); run `aws configure{flag}`; \
                     or, for IAM Identity Center, run `aws configure sso{flag}` once and then \
                     `aws sso login{flag}`. Details: {detail}",
                    profile_phrase(profile)
                )
            }
            AwsError::CredentialsExpired { profile, detail } => {
                let flag = profile_flag(profile);
                write!(
                    f,
                    "The AWS credentials{} have expired. For IAM Identity Center (SSO) run \
                     `aws sso login{flag}`; for temporary keys, fetch new ones and update the \
                     environment or the profile. Then try again. Details: {detail}",
                    profile_phrase(profile)
                )
            }
            AwsError::InvalidCredentials { code, detail } => write!(
                f,
                "AWS rejected the credentials ({code}): the access key is unknown, was \
                 deactivated, or does not belong to the secret key in use. Check \
                 AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile, and that the keys \
                 belong to the partition of the endpoint. Details: {detail}"
            ),
            AwsError::AccessDenied {
                operation,
                statement,
                detail,
            } => write!(
                f,
                "The credentials in use are not allowed to call {}. Add this statement to an \
                 identity-based policy of the calling user or role (and make sure no SCP or \
                 permissions boundary blocks it):\n{statement}\nDetails: {detail}",
                operation.iam_action()
            ),
            AwsError::InvalidAuthorizationMessage { detail } => write!(
                f,
                "STS could not decode this message. It is either incomplete (cut off when \
                 copied, or wrapped across lines), was changed, or was issued in another \
                 account or partition than the credentials in use: decode it with credentials \
                 of the account where the request was denied. Details: {detail}"
            ),
            AwsError::NoSuchEntity { policy_arn, detail } => write!(
                f,
                "IAM has no managed policy {policy_arn} (or not the version asked for). Check \
                 the ARN's account, path and name; customer managed policies can only be read \
                 with credentials of the account that owns them. Details: {detail}"
            ),
            AwsError::InvalidInput { detail } => write!(f, "The request was rejected: {detail}"),
            AwsError::Throttled { detail } => write!(
                f,
                "AWS throttled the request even after retries. Wait a little and try again. \
                 Details: {detail}"
            ),
            AwsError::Timeout { after } => write!(
                f,
                "The AWS call did not finish within {}. Check that AWS is reachable from this \
                 machine (network, VPN, proxy) and that the credential source answers (an \
                 `aws sso login` may be waiting), or raise the AWS timeout setting.",
                format_duration(*after)
            ),
            AwsError::Network { endpoint, detail } => {
                match endpoint {
                    Some(url) => write!(f, "Could not reach the AWS endpoint {url}")?,
                    None => write!(f, "Could not reach AWS")?,
                }
                write!(
                    f,
                    ". Check the network connection, DNS, proxy or VPN, and the endpoint URL \
                     setting (AWS_ENDPOINT_URL). Details: {detail}"
                )
            }
            AwsError::ServiceUnavailable { status, detail } => write!(
                f,
                "AWS answered with HTTP {status}, a problem on the service side. Try again \
                 in a moment. Details: {detail}"
            ),
            AwsError::Other { detail } => write!(f, "The AWS call failed: {detail}"),
        }
    }
}

impl StdError for AwsError {}

/// `15 s`, `1.5 s`, `250 ms`.
fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The statement that grants an operation, pretty-printed JSON.
pub(crate) fn grant_statement(operation: Operation, policy_arn: Option<&str>) -> String {
    let (actions, resource) = match operation {
        Operation::DecodeAuthorizationMessage => (
            serde_json::Value::from("sts:DecodeAuthorizationMessage"),
            "*".to_owned(),
        ),
        Operation::GetPolicy | Operation::GetPolicyVersion => (
            serde_json::Value::from(vec!["iam:GetPolicy", "iam:GetPolicyVersion"]),
            policy_arn.unwrap_or("*").to_owned(),
        ),
    };
    let statement = serde_json::json!({
        "Effect": "Allow",
        "Action": actions,
        "Resource": resource,
    });
    serde_json::to_string_pretty(&statement).unwrap_or_default()
}

/// What the classifier needs to know about the call besides the error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallContext<'a> {
    pub operation: Operation,
    pub profile: Option<&'a str>,
    pub endpoint: Option<&'a str>,
    pub policy_arn: Option<&'a str>,
    pub timeout: Duration,
}

/// Turns an SDK error into an [`AwsError`].
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>, ctx: CallContext<'_>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let detail = chain_text(err);

    // Credential-chain failures surface wrapped in whatever phase the SDK was in; look for them
    // anywhere in the chain first.
    if let Some(cred) = find_in_chain::<CredentialsError>(err) {
        return classify_credentials(cred, ctx);
    }

    match err {
        SdkError::TimeoutError(_) => AwsError::Timeout { after: ctx.timeout },
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                AwsError::Timeout { after: ctx.timeout }
            } else if failure.is_user() {
                AwsError::Other { detail }
            } else {
                AwsError::Network {
                    endpoint: ctx.endpoint.map(str::to_owned),
                    detail,
                }
            }
        }
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().unwrap_or("").to_owned();
            let message = service.err().message().unwrap_or("").to_owned();
            classify_service(ctx, status, &code, &message, detail)
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            if status >= 500 {
                AwsError::ServiceUnavailable { status, detail }
            } else {
                AwsError::Other { detail }
            }
        }
        // Construction failures (bad endpoint URL, missing region, ...) and future variants.
        _ => AwsError::Other { detail },
    }
}

/// Classifies a modelled service error from its HTTP status, code and message.
pub(crate) fn classify_service(
    ctx: CallContext<'_>,
    status: u16,
    code: &str,
    message: &str,
    detail: String,
) -> AwsError {
    let profile = ctx.profile.map(str::to_owned);
    let service_detail = if message.is_empty() {
        code.to_owned()
    } else {
        format!("{code}: {message}")
    };
    match code {
        "InvalidAuthorizationMessageException" => AwsError::InvalidAuthorizationMessage {
            detail: service_detail,
        },
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            AwsError::AccessDenied {
                operation: ctx.operation,
                statement: grant_statement(ctx.operation, ctx.policy_arn),
                detail: service_detail,
            }
        }
        "ExpiredToken" | "ExpiredTokenException" | "TokenRefreshRequired" => {
            AwsError::CredentialsExpired {
                profile,
                detail: service_detail,
            }
        }
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "UnrecognizedClientException"
        | "InvalidAccessKeyId"
        | "IncompleteSignature"
        | "MissingAuthenticationToken" => AwsError::InvalidCredentials {
            code: code.to_owned(),
            detail: service_detail,
        },
        "NoSuchEntity" | "NoSuchEntityException" => AwsError::NoSuchEntity {
            policy_arn: ctx.policy_arn.unwrap_or("").to_owned(),
            detail: service_detail,
        },
        "InvalidInput"
        | "ValidationError"
        | "InvalidParameterValue"
        | "MalformedPolicyDocument" => AwsError::InvalidInput {
            detail: service_detail,
        },
        "Throttling"
        | "ThrottlingException"
        | "ThrottledException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException"
        | "RequestThrottled"
        | "SlowDown" => AwsError::Throttled {
            detail: service_detail,
        },
        _ if status == 429 => AwsError::Throttled {
            detail: service_detail,
        },
        _ if status >= 500 => AwsError::ServiceUnavailable {
            status,
            detail: service_detail,
        },
        _ => AwsError::Other { detail },
    }
}

fn classify_credentials(cred: &CredentialsError, ctx: CallContext<'_>) -> AwsError {
    let profile = ctx.profile.map(str::to_owned);
    let detail = chain_text(cred);
    let lower = detail.to_ascii_lowercase();
    if lower.contains("expired") || lower.contains("session token not found or invalid") {
        return AwsError::CredentialsExpired { profile, detail };
    }
    match cred {
        CredentialsError::ProviderTimedOut(_) => AwsError::NoCredentials {
            profile,
            detail: format!("the credential source did not answer in time ({detail})"),
        },
        _ => AwsError::NoCredentials { profile, detail },
    }
}

/// The longest detail text kept from an error chain, in characters.
const MAX_DETAIL_CHARS: usize = 600;

/// The `Display` texts of `err` and its sources joined with `: `, skipping levels that repeat
/// the previous one. Unlike the SDK's `DisplayErrorContext` this leaves out the `Debug` dump,
/// which would include raw response bodies (possibly a decoded message).
pub(crate) fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        let repeated = parts
            .last()
            .is_some_and(|last| last == &text || last.contains(text.as_str()));
        if !repeated && !text.is_empty() {
            parts.push(text);
        }
        if parts.len() >= 16 {
            break;
        }
        current = e.source();
    }
    let joined = parts.join(": ");
    match joined.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

/// The first error of type `T` in `err`'s source chain (including `err` itself).
fn find_in_chain<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&'a (dyn StdError + 'static)> = Some(err);
    let mut depth = 0;
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        depth += 1;
        if depth > 64 {
            break;
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(operation: Operation) -> CallContext<'static> {
        CallContext {
            operation,
            profile: Some("dev"),
            endpoint: None,
            policy_arn: Some("arn:aws:iam::123456789012:policy/Team/ReadOnly"),
            timeout: Duration::from_secs(15),
        }
    }

    #[test]
    fn aws_service_codes_map_to_kinds() {
        let cases = [
            (
                400,
                "InvalidAuthorizationMessageException",
                "invalid_authorization_message",
            ),
            (403, "AccessDenied", "access_denied"),
            (400, "ExpiredToken", "credentials_expired"),
            (403, "InvalidClientTokenId", "invalid_credentials"),
            (403, "SignatureDoesNotMatch", "invalid_credentials"),
            (404, "NoSuchEntity", "no_such_entity"),
            (400, "InvalidInput", "invalid_input"),
            (400, "Throttling", "throttled"),
            (429, "SomethingNew", "throttled"),
            (503, "ServiceUnavailable", "service_unavailable"),
            (500, "InternalFailure", "service_unavailable"),
            (400, "SomethingNew", "other"),
        ];
        for (status, code, kind) in cases {
            let err =
                classify_service(ctx(Operation::GetPolicy), status, code, "m", "d".to_owned());
            assert_eq!(err.kind(), kind, "{status} {code}");
        }
    }

    #[test]
    fn aws_access_denied_names_the_statement_to_add() {
        let err = classify_service(
            ctx(Operation::GetPolicyVersion),
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/bob is not authorized",
            String::new(),
        );
        let text = err.to_string();
        assert!(text.contains("iam:GetPolicyVersion"), "{text}");
        assert!(text.contains("\"iam:GetPolicy\""), "{text}");
        assert!(
            text.contains("\"Resource\": \"arn:aws:iam::123456789012:policy/Team/ReadOnly\""),
            "{text}"
        );
        assert!(text.contains("user/bob"), "{text}");
        let AwsError::AccessDenied { statement, .. } = err else {
            panic!("wrong kind");
        };
        let parsed: serde_json::Value =
            serde_json::from_str(&statement).expect("statement is JSON");
        assert_eq!(parsed["Effect"], "Allow");

        let decode = grant_statement(Operation::DecodeAuthorizationMessage, None);
        let parsed: serde_json::Value = serde_json::from_str(&decode).expect("statement is JSON");
        assert_eq!(parsed["Action"], "sts:DecodeAuthorizationMessage");
        assert_eq!(parsed["Resource"], "*");
    }

    #[derive(Debug)]
    struct Level(&'static str, Option<Box<Level>>);
    impl fmt::Display for Level {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Level {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|l| l as &(dyn StdError + 'static))
        }
    }

    #[test]
    fn aws_chain_text_joins_levels_without_repeats() {
        let err = Level(
            "loading failed",
            Some(Box::new(Level(
                "loading failed",
                Some(Box::new(Level("token expired", None))),
            ))),
        );
        assert_eq!(chain_text(&err), "loading failed: token expired");
        let long = Level(Box::leak("é".repeat(700).into_boxed_str()), None);
        let text = chain_text(&long);
        assert_eq!(text.chars().count(), MAX_DETAIL_CHARS + 1);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn aws_messages_say_what_to_do() {
        let expired = AwsError::CredentialsExpired {
            profile: Some("dev".into()),
            detail: "x".into(),
        };
        assert!(expired.to_string().contains("aws sso login --profile dev"));
        let none = AwsError::NoCredentials {
            profile: None,
            detail: "x".into(),
        };
        let text = none.to_string();
        assert!(text.contains("AWS_ACCESS_KEY_ID"), "{text}");
        assert!(text.contains("`aws configure`"), "{text}");
        assert!(text.contains("`aws sso login`"), "{text}");
        let timeout = AwsError::Timeout {
            after: Duration::from_secs(15),
        };
        assert!(timeout.to_string().contains("within 15 s"));
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(format_duration(Duration::from_millis(250)), "250 ms");
        assert!(timeout.is_transient());
        assert!(!none.is_transient());
    }
}
