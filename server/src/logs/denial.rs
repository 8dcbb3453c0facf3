//! The plain-data result of recognising one AccessDenied message.

use super::arn::{Arn, PolicyRef, Principal};
use super::blob::EncodedBlob;
use crate::syntax::Span;

/// The seven kinds of policy a denial reason can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyType {
    /// Managed and inline policies of the user or role (and a user's groups).
    IdentityBased,
    /// The policy on the resource: bucket, key, queue, topic, function, role trust policy...
    ResourceBased,
    /// The managed policy set as a user's or role's ceiling.
    PermissionsBoundary,
    /// The policy passed when a temporary session was created.
    Session,
    /// An AWS Organizations SCP (caps principals of member accounts).
    ServiceControl,
    /// An AWS Organizations RCP (caps access to resources of member accounts).
    ResourceControl,
    /// The policy of the VPC endpoint the request went through.
    VpcEndpoint,
}

impl PolicyType {
    /// All seven, in the order the explanation walks through them.
    pub const ALL: [PolicyType; 7] = [
        PolicyType::IdentityBased,
        PolicyType::ResourceBased,
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
        PolicyType::ServiceControl,
        PolicyType::ResourceControl,
        PolicyType::VpcEndpoint,
    ];

    /// How messages name it: "identity-based policy", "permissions boundary", ...
    pub fn label(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "identity-based policy",
            PolicyType::ResourceBased => "resource-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session policy",
            PolicyType::ServiceControl => "service control policy",
            PolicyType::ResourceControl => "resource control policy",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }

    /// The code `iam-ls explain --format json` uses: `identity`, `scp`, `vpc-endpoint`, ...
    pub fn code(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "identity",
            PolicyType::ResourceBased => "resource",
            PolicyType::PermissionsBoundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::ServiceControl => "scp",
            PolicyType::ResourceControl => "rcp",
            PolicyType::VpcEndpoint => "vpc-endpoint",
        }
    }

    /// A short abbreviation for outlines: "SCP", "RCP", ...
    pub fn short(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "identity policy",
            PolicyType::ResourceBased => "resource policy",
            PolicyType::PermissionsBoundary => "boundary",
            PolicyType::Session => "session policy",
            PolicyType::ServiceControl => "SCP",
            PolicyType::ResourceControl => "RCP",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }

    /// Recognises the phrase a message uses (case-insensitive, plural tolerated).
    pub fn from_phrase(phrase: &str) -> Option<PolicyType> {
        let p = phrase.trim().to_ascii_lowercase();
        let p = p.trim_end_matches(['.', ':', ',']);
        let table: [(&str, PolicyType); 9] = [
            ("identity-based polic", PolicyType::IdentityBased),
            ("identity polic", PolicyType::IdentityBased),
            ("resource-based polic", PolicyType::ResourceBased),
            ("permissions boundar", PolicyType::PermissionsBoundary),
            ("permission boundar", PolicyType::PermissionsBoundary),
            ("session polic", PolicyType::Session),
            ("service control polic", PolicyType::ServiceControl),
            ("resource control polic", PolicyType::ResourceControl),
            ("vpc endpoint polic", PolicyType::VpcEndpoint),
        ];
        table
            .iter()
            .find(|(prefix, _)| p.starts_with(prefix))
            .map(|(_, t)| *t)
    }
}

/// Whether a Deny statement matched, or simply nothing allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DenyKind {
    /// A statement with `"Effect": "Deny"` matched.
    Explicit,
    /// No statement allowed the request.
    Implicit,
    /// The message does not say.
    Unknown,
}

/// Where the denial came from, as far as the message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenialSource {
    /// Which of the seven policy types; `None` when the message does not name one.
    pub policy_type: Option<PolicyType>,
    /// A policy-type phrase the parser did not recognise, kept as written.
    pub other_type: Option<String>,
    pub kind: DenyKind,
    /// The reason clause ("because no ..." / "with an explicit deny in ...").
    pub span: Option<Span>,
    /// A reason in free words that is not one of the standard clauses (KMS writes one).
    pub free_text: Option<String>,
}

impl Default for DenialSource {
    fn default() -> Self {
        DenialSource {
            policy_type: None,
            other_type: None,
            kind: DenyKind::Unknown,
            span: None,
            free_text: None,
        }
    }
}

/// An IAM action, `service:Name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// As written (or as rebuilt from a CloudTrail event).
    pub text: String,
    /// Where it is written; `None` when derived from context (CloudTrail `eventSource`/`eventName`).
    pub span: Option<Span>,
    /// The service prefix, lower case (`s3`, `kms`).
    pub service: String,
    /// The action name as written (`GetObject`).
    pub name: String,
}

impl Action {
    /// Splits `service:Name`; `None` when the text has no such shape.
    pub fn parse(text: &str, span: Option<Span>) -> Option<Action> {
        let (service, name) = text.split_once(':')?;
        let ok_service = !service.is_empty()
            && service
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let ok_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?' || b == b'-');
        (ok_service && ok_name).then(|| Action {
            text: text.to_string(),
            span,
            service: service.to_ascii_lowercase(),
            name: name.to_string(),
        })
    }
}

/// The resource the request was about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub text: String,
    /// `None` when taken from context (a CloudTrail event's `resources`).
    pub span: Option<Span>,
    /// The parsed ARN when it is one.
    pub arn: Option<Arn>,
}

impl Resource {
    /// Wraps a resource text, parsing it as an ARN when it is one.
    pub fn new(text: &str, span: Option<Span>) -> Resource {
        Resource {
            text: text.to_string(),
            span,
            arn: Arn::parse(text),
        }
    }
}

/// What the body of the message looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// `User: ... is not authorized to perform: ...` (with or without a reason).
    NotAuthorized,
    /// `User: ... is not authorized to access this resource` (API Gateway).
    NotAuthorizedToAccess,
    /// `You are not authorized to perform this operation.` (EC2 and others, often with a blob).
    NotAuthorizedOperation,
    /// S3's bare `Access Denied`.
    AccessDenied,
    /// An HTTP 403 with no body (`An error occurred (403) when calling the HeadObject operation: Forbidden`).
    Forbidden,
    /// Only an error code (`AccessDenied`, `Client.UnauthorizedOperation`) with nothing to parse after it.
    ErrorCodeOnly,
    /// A denial code followed by a message of another shape (kept in [`Denial::detail`]).
    Other,
}

/// What the message was wrapped in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wrapper {
    /// The message stands alone.
    None,
    /// The AWS CLI / boto: `An error occurred (CODE) when calling the OP operation: ...`.
    Cli,
    /// The Go SDK v2: `operation error SVC: OP, https response error ..., api error CODE: ...`.
    GoSdk,
    /// `CODE: message`, as the JavaScript SDK and many loggers print exceptions.
    ExceptionName,
    /// A CloudTrail event's `errorCode` / `errorMessage`.
    CloudTrail,
}

/// Fields of the CloudTrail event a denial came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloudTrailContext {
    pub event_name: Option<String>,
    pub event_source: Option<String>,
    pub event_time: Option<String>,
    pub event_id: Option<String>,
    pub aws_region: Option<String>,
    pub source_ip: Option<String>,
    /// The VPC endpoint the call came through, when CloudTrail recorded one.
    pub vpc_endpoint_id: Option<String>,
    pub recipient_account_id: Option<String>,
    /// `userIdentity.type` (`AssumedRole`, `IAMUser`, `AWSService`, ...).
    pub identity_type: Option<String>,
    /// `userIdentity.invokedBy`: a service acting for the caller.
    pub invoked_by: Option<String>,
}

/// Extra clues for the explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// The call went through this VPC endpoint (from CloudTrail).
    ViaVpcEndpoint { id: String },
    /// A service made the call for the principal (CloudTrail `invokedBy`, or a service source IP).
    CalledByService { service: String },
    /// The principal is a role session created by IAM Identity Center for this permission set.
    IdentityCenter { permission_set: String },
    /// The principal's account differs from the resource's.
    CrossAccount {
        principal_account: String,
        resource_account: String,
    },
    /// KMS refused a ciphertext operation: the key policy is involved.
    KmsCiphertext,
    /// The message carries an encoded authorization message worth decoding.
    EncodedMessage,
}

/// One recognised AccessDenied message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// The whole message (for CloudTrail: from the `errorCode` member to the `errorMessage`
    /// member, whichever comes first).
    pub span: Span,
    /// For CloudTrail: the whole event object.
    pub event_span: Option<Span>,
    pub form: Form,
    pub wrapper: Wrapper,
    pub principal: Option<Principal>,
    pub action: Option<Action>,
    pub resource: Option<Resource>,
    pub source: DenialSource,
    /// The blocking policy's ARN, when the message names it (same-account or same-organization
    /// requests since 2026).
    pub policy: Option<PolicyRef>,
    /// The API operation (`GetObject`), from the CLI/SDK wrapper or the CloudTrail `eventName`.
    pub operation: Option<String>,
    /// The error code (`AccessDenied`, `AccessDeniedException`, `Client.UnauthorizedOperation`).
    pub error_code: Option<String>,
    /// The service prefix, lower case (`s3`), from whatever in the message names it.
    pub service: Option<String>,
    /// An encoded authorization message inside this one.
    pub encoded: Option<EncodedBlob>,
    pub cloudtrail: Option<CloudTrailContext>,
    pub hints: Vec<Hint>,
    /// Text of an unrecognised body, kept for display.
    pub detail: Option<String>,
}

impl Denial {
    /// A one-line label for outlines and symbols: "s3:GetObject denied (explicit, SCP)".
    pub fn label(&self) -> String {
        let what = match (&self.action, &self.operation) {
            (Some(a), _) => a.text.clone(),
            (None, Some(op)) => op.clone(),
            (None, None) => self
                .error_code
                .clone()
                .unwrap_or_else(|| "request".to_string()),
        };
        let why = match (self.source.kind, self.source.policy_type) {
            (DenyKind::Explicit, Some(t)) => format!(" (explicit deny, {})", t.short()),
            (DenyKind::Implicit, Some(t)) => format!(" (implicit deny, {})", t.short()),
            (DenyKind::Explicit, None) => " (explicit deny)".to_string(),
            (DenyKind::Implicit, None) => " (implicit deny)".to_string(),
            (DenyKind::Unknown, _) if self.encoded.is_some() => " (encoded reason)".to_string(),
            (DenyKind::Unknown, _) => String::new(),
        };
        format!("{what} denied{why}")
    }
}

/// Error codes that mean "refused for lack of permission".
pub fn is_denial_code(code: &str) -> bool {
    let c = code.strip_prefix("Client.").unwrap_or(code);
    matches!(
        c,
        "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnauthorizedAccess"
            | "AuthorizationError"
            | "AuthorizationErrorException"
    )
}
