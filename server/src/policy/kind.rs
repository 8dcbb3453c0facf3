//! Policy kinds, what each kind allows, and detecting the kind of a document from its content.
//!
//! # Detection heuristics ([`detect_kind`])
//!
//! Content alone cannot tell every kind apart: SCPs, permissions boundaries and session policies
//! have exactly the shape of identity policies, and most VPC endpoint policies the shape of
//! resource policies. So detection is conservative and the project file (`iam-ls.toml`, `[kinds]`) is the
//! way to say what a file is. In order:
//!
//! 1. No statement has `Principal` or `NotPrincipal`, every statement is a `Deny`, and at least
//!    one of them has an organization-wide condition ([`org_wide_condition`]): a negated string
//!    or ARN operator (`StringNot…`, `ArnNot…`, with or without `IfExists`) on
//!    `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:ResourceOrgID`,
//!    `aws:ResourceOrgPaths` or `aws:RequestedRegion` (a region lock), or on `aws:PrincipalArn`
//!    with a value naming a role (`:role/`, the usual exemption of administrator roles) →
//!    **scp**. None of AWS's 1,594 managed identity policies has this shape (the managed-policy
//!    corpus test asserts it).
//! 2. No statement has `Principal` or `NotPrincipal` → **identity**. When every statement is a
//!    `Deny`, the reason adds that this shape is typical of an SCP or a permissions boundary (the
//!    kind is still identity: an all-`Deny` identity policy is legal), and [`assumed_kind_note`]
//!    says how to set the kind.
//! 3. A principal is present and the policy has the RCP shape → **rcp**: every statement has
//!    `"Principal": "*"` (the bare string) and no `NotPrincipal`/`NotAction`/`NotResource`; every
//!    `Resource` is only `"*"`; there is at least one `Deny`, and the only `Allow` allowed is the
//!    full-access one (`Action` and `Resource` `"*"`, no `Condition`); every action belongs to a
//!    service RCPs cover ([`is_rcp_service`], from the catalog); and one more sign that it is not a resource policy
//!    of a single service: the actions span two or more services, or the full-access `Allow` is
//!    there, or the only service is `s3` or `sts` (a bucket policy cannot use `Resource: "*"` and
//!    a trust policy has no `Resource`) or one without resource-based policies at all
//!    ([`RCP_SERVICES_WITHOUT_RESOURCE_POLICIES`]: Cognito, IAM Roles Anywhere). A secret, queue
//!    or key policy that denies everyone on `"*"` therefore stays a resource policy.
//! 4. Every statement is an `Allow` for everyone (`"Principal": "*"` or `{"AWS": "*"}`, no
//!    `NotPrincipal`/`NotAction`/`NotResource`) with a `Resource`, and the actions include `*`
//!    itself or span two or more services → **vpc-endpoint**: a resource policy governs only its
//!    own service's actions. The default endpoint policy (`Allow` `*` on `*` for `*`) is one.
//! 5. Every `Action` is a role-assumption action (`sts:AssumeRole`, `…WithSAML`,
//!    `…WithWebIdentity`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`, or the
//!    pattern `sts:AssumeRole*`), at least one assumes a role, and no statement uses `NotAction`
//!    → **role-trust**. Also role-trust: a `Federated` principal together with any
//!    `sts:AssumeRole*` action (federated principals only appear in trust policies).
//! 6. Every `Action` starts with `kms:` (at least one), no `NotAction`/`NotResource`, and every
//!    `Resource` present is only `"*"` (at least one) → **kms-key**.
//! 7. Otherwise → **resource**.
//!
//! Permissions boundaries, session policies, VPC endpoint policies for one service and SCPs
//! without an organization-wide condition are never detected; they come from configuration only.

use super::model::{Effect, Policy, PrincipalType, Statement};
use std::fmt;

/// The kinds of policy document iam-ls knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Attached to a user, group or role (managed or inline).
    Identity,
    /// Attached to a resource (bucket, queue, topic, secret, ...).
    Resource,
    /// AWS Organizations service control policy.
    ServiceControl,
    /// AWS Organizations resource control policy.
    ResourceControl,
    /// A managed policy used as a user's or role's permissions boundary.
    PermissionsBoundary,
    /// A session policy passed when assuming a role or federating.
    Session,
    /// A role's trust policy (who may assume it).
    RoleTrust,
    /// A KMS key policy.
    KmsKey,
    /// A VPC endpoint policy.
    VpcEndpoint,
}

/// Whether an element must, may or must not appear in a kind of policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Every statement needs it.
    Required,
    /// Allowed, not needed.
    Optional,
    /// Not allowed.
    Forbidden,
}

/// The size limit of a kind of policy, in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeQuota {
    /// The limit.
    pub chars: usize,
    /// True when whitespace counts toward the limit. When the documentation does not say, this is
    /// false: counting fewer characters can only miss an overrun, never invent one.
    pub counts_whitespace: bool,
    /// True when AWS's console removes the white space outside strings before it counts, while
    /// the API and CLI save and count the text as sent (AWS Organizations). [`Self::chars`]
    /// then applies to both counts: over it as written, the API refuses the text; over it
    /// compacted, every way of saving it does.
    pub console_compacts: bool,
    /// What the quota is a limit of, for messages ("a managed policy").
    pub what: &'static str,
    /// Where the number comes from: the AWS page's address.
    pub source: &'static str,
    /// What else to know (other limits of the same family, adjustability).
    pub note: &'static str,
}

impl SizeQuota {
    /// The size of `text` as this quota counts it: characters (not bytes), skipping every
    /// whitespace character when whitespace does not count.
    pub fn measure(&self, text: &str) -> usize {
        if self.counts_whitespace {
            text.chars().count()
        } else {
            text.chars().filter(|c| !c.is_whitespace()).count()
        }
    }

    /// True when `text` is over the limit.
    pub fn exceeded_by(&self, text: &str) -> bool {
        self.measure(text) > self.chars
    }
}

/// The characters of a JSON `text` once the white space outside strings is removed, as AWS
/// Organizations' console saves a policy (white space inside strings stays). An unterminated
/// string runs to the end.
pub fn compact_size(text: &str) -> usize {
    let (mut n, mut in_string, mut escaped) = (0, false, false);
    for c in text.chars() {
        if in_string {
            n += 1;
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            n += 1;
            in_string = true;
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            n += 1;
        }
    }
    n
}

/// Facts about a kind that rules and other layers need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindFacts {
    /// True when an `Allow` in this kind grants access; false for guardrails that only limit
    /// (SCP, RCP, permissions boundary, session policy, VPC endpoint policy).
    pub can_grant: bool,
    /// Whether statements carry `Principal`/`NotPrincipal`.
    pub principal: Presence,
    /// Whether statements carry `Resource`/`NotResource`.
    pub resource: Presence,
    /// The size limit. For [`PolicyKind::Resource`] this is the S3 bucket policy's; each service
    /// has its own ([`resource_policy_quota`]).
    pub size_quota: SizeQuota,
}

/// "IAM and AWS STS quotas", IAM User Guide. It says IAM does not count white space for the
/// managed and inline policy quotas.
pub const IAM_QUOTAS_URL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
/// "Quotas and service limits for AWS Organizations". Its note on policy size: the console
/// removes extra white space between JSON elements and outside quotation marks before it
/// counts; the SDK and the CLI save the policy exactly as given.
pub const ORG_QUOTAS_URL: &str =
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html";

const FACTS_IDENTITY: KindFacts = KindFacts {
    can_grant: true,
    principal: Presence::Forbidden,
    resource: Presence::Required,
    size_quota: SizeQuota {
        chars: 6_144,
        counts_whitespace: false,
        console_compacts: false,
        what: "a customer managed policy",
        source: IAM_QUOTAS_URL,
        note: "AWS managed policies are not held to it (many are longer); inline policies share a \
               per-entity total instead (user 2,048, group 5,120, role 10,240)",
    },
};

/// The S3 bucket policy quota, the facts' figure for a resource policy of unknown service.
const S3_BUCKET_POLICY: SizeQuota = SizeQuota {
    chars: 20_480,
    counts_whitespace: false,
    console_compacts: false,
    what: "an S3 bucket policy (20 KB)",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html",
    note: "the page does not say whether white space counts",
};

/// The smallest quota [`resource_policy_quota`] gives (SQS's): a resource policy no longer than
/// this is within every one.
pub const MIN_RESOURCE_POLICY_QUOTA: usize = 8_192;

/// The size quota of a resource policy attached to a resource of `service` (an ARN's service
/// field), for the services whose documentation states one; `None` for the others (the figure
/// is not invented).
pub fn resource_policy_quota(service: &str) -> Option<SizeQuota> {
    Some(match service {
        "s3" => S3_BUCKET_POLICY,
        "sqs" => SizeQuota {
            chars: 8_192,
            counts_whitespace: false,
            console_compacts: false,
            what: "an SQS queue policy (8,192 bytes)",
            source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html",
            note: "the page does not say whether white space counts",
        },
        "sns" => SizeQuota {
            chars: 30_720,
            counts_whitespace: false,
            console_compacts: false,
            what: "an SNS topic policy (30 KB)",
            source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html",
            note: "the page does not say whether white space counts",
        },
        "dynamodb" => SizeQuota {
            chars: 20_480,
            counts_whitespace: true,
            console_compacts: false,
            what: "a DynamoDB resource-based policy (20 KB, white space counted)",
            source: "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/dynamodb/aws.sdk.kotlin.services.dynamodb.model/-put-resource-policy-request/policy.html",
            note: "DynamoDB counts white space",
        },
        _ => return None,
    })
}

const FACTS_RESOURCE: KindFacts = KindFacts {
    can_grant: true,
    principal: Presence::Required,
    resource: Presence::Required,
    size_quota: S3_BUCKET_POLICY,
};

/// The Organizations quota of an SCP or RCP.
const ORG_POLICY: SizeQuota = SizeQuota {
    chars: 5_120,
    counts_whitespace: true,
    console_compacts: true,
    what: "an SCP or RCP",
    source: ORG_QUOTAS_URL,
    note: "the console removes white space outside strings before counting; the API and CLI \
           count the text as sent",
};

const FACTS_SCP: KindFacts = KindFacts {
    can_grant: false,
    principal: Presence::Forbidden,
    resource: Presence::Required,
    size_quota: ORG_POLICY,
};

const FACTS_RCP: KindFacts = KindFacts {
    can_grant: false,
    principal: Presence::Required,
    resource: Presence::Required,
    size_quota: ORG_POLICY,
};

const FACTS_BOUNDARY: KindFacts = KindFacts {
    can_grant: false,
    principal: Presence::Forbidden,
    resource: Presence::Required,
    size_quota: SizeQuota {
        chars: 6_144,
        counts_whitespace: false,
        console_compacts: false,
        what: "a managed policy (a permissions boundary is one)",
        source: IAM_QUOTAS_URL,
        note: "a permissions boundary is a managed policy and has the managed policy limit",
    },
};

const FACTS_SESSION: KindFacts = KindFacts {
    can_grant: false,
    principal: Presence::Forbidden,
    resource: Presence::Required,
    size_quota: SizeQuota {
        chars: 2_048,
        counts_whitespace: false,
        console_compacts: false,
        what: "an inline session policy",
        source: IAM_QUOTAS_URL,
        note: "the page does not say whether white space counts; STS also limits the packed size \
               of session policies and tags together",
    },
};

const FACTS_ROLE_TRUST: KindFacts = KindFacts {
    can_grant: true,
    principal: Presence::Required,
    resource: Presence::Forbidden,
    size_quota: SizeQuota {
        chars: 2_048,
        counts_whitespace: false,
        console_compacts: false,
        what: "a role trust policy (the default quota, which can be raised)",
        source: IAM_QUOTAS_URL,
        note: "default; the quota can be raised through Service Quotas",
    },
};

const FACTS_KMS_KEY: KindFacts = KindFacts {
    can_grant: true,
    principal: Presence::Required,
    resource: Presence::Required,
    size_quota: SizeQuota {
        chars: 32_768,
        counts_whitespace: false,
        console_compacts: false,
        what: "a KMS key policy (32 KB)",
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
        note: "documented as 32 KB (32,768 bytes); the page does not say whether white space \
               counts",
    },
};

const FACTS_VPC_ENDPOINT: KindFacts = KindFacts {
    can_grant: false,
    principal: Presence::Required,
    resource: Presence::Required,
    size_quota: SizeQuota {
        chars: 20_480,
        counts_whitespace: true,
        console_compacts: false,
        what: "a VPC endpoint policy",
        source: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html",
        note: "white space included; not adjustable",
    },
};

/// Alternative names accepted by [`PolicyKind::from_name`], besides the canonical names.
const ALIASES: &[(&str, PolicyKind)] = &[
    ("identity-based", PolicyKind::Identity),
    ("managed", PolicyKind::Identity),
    ("inline", PolicyKind::Identity),
    ("resource-based", PolicyKind::Resource),
    ("bucket", PolicyKind::Resource),
    ("bucket-policy", PolicyKind::Resource),
    ("service-control-policy", PolicyKind::ServiceControl),
    ("service-control", PolicyKind::ServiceControl),
    ("resource-control-policy", PolicyKind::ResourceControl),
    ("resource-control", PolicyKind::ResourceControl),
    ("boundary", PolicyKind::PermissionsBoundary),
    ("permission-boundary", PolicyKind::PermissionsBoundary),
    ("session-policy", PolicyKind::Session),
    ("trust", PolicyKind::RoleTrust),
    ("trust-policy", PolicyKind::RoleTrust),
    ("assume-role", PolicyKind::RoleTrust),
    ("kms", PolicyKind::KmsKey),
    ("key", PolicyKind::KmsKey),
    ("key-policy", PolicyKind::KmsKey),
    ("kms-key-policy", PolicyKind::KmsKey),
    ("vpce", PolicyKind::VpcEndpoint),
    ("endpoint", PolicyKind::VpcEndpoint),
    ("vpc-endpoint-policy", PolicyKind::VpcEndpoint),
];

impl PolicyKind {
    /// Every kind.
    pub const ALL: [PolicyKind; 9] = [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::ServiceControl,
        PolicyKind::ResourceControl,
        PolicyKind::PermissionsBoundary,
        PolicyKind::Session,
        PolicyKind::RoleTrust,
        PolicyKind::KmsKey,
        PolicyKind::VpcEndpoint,
    ];

    /// The canonical kebab-case name used in configuration.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::ServiceControl => "scp",
            PolicyKind::ResourceControl => "rcp",
            PolicyKind::PermissionsBoundary => "permissions-boundary",
            PolicyKind::Session => "session",
            PolicyKind::RoleTrust => "role-trust",
            PolicyKind::KmsKey => "kms-key",
            PolicyKind::VpcEndpoint => "vpc-endpoint",
        }
    }

    /// A name for prose: "identity policy", "role trust policy", ...
    pub fn title(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity policy",
            PolicyKind::Resource => "resource policy",
            PolicyKind::ServiceControl => "service control policy",
            PolicyKind::ResourceControl => "resource control policy",
            PolicyKind::PermissionsBoundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::RoleTrust => "role trust policy",
            PolicyKind::KmsKey => "KMS key policy",
            PolicyKind::VpcEndpoint => "VPC endpoint policy",
        }
    }

    /// Look a kind up by its canonical name or an alias (see the list in [`ALIASES`]): ASCII
    /// case is ignored and `_` or a space count as `-`.
    pub fn from_name(name: &str) -> Option<PolicyKind> {
        let norm: String = name
            .trim()
            .chars()
            .map(|c| match c {
                '_' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        PolicyKind::ALL
            .into_iter()
            .find(|k| k.name() == norm)
            .or_else(|| ALIASES.iter().find(|(a, _)| *a == norm).map(|(_, k)| *k))
    }

    /// The canonical names, comma-separated, for error messages.
    pub fn accepted_names() -> String {
        let names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.name()).collect();
        names.join(", ")
    }

    /// The aliases, as `(alias, kind)` pairs.
    pub fn aliases() -> &'static [(&'static str, PolicyKind)] {
        ALIASES
    }

    /// Facts about this kind.
    pub fn facts(self) -> &'static KindFacts {
        match self {
            PolicyKind::Identity => &FACTS_IDENTITY,
            PolicyKind::Resource => &FACTS_RESOURCE,
            PolicyKind::ServiceControl => &FACTS_SCP,
            PolicyKind::ResourceControl => &FACTS_RCP,
            PolicyKind::PermissionsBoundary => &FACTS_BOUNDARY,
            PolicyKind::Session => &FACTS_SESSION,
            PolicyKind::RoleTrust => &FACTS_ROLE_TRUST,
            PolicyKind::KmsKey => &FACTS_KMS_KEY,
            PolicyKind::VpcEndpoint => &FACTS_VPC_ENDPOINT,
        }
    }

    /// True for the kinds whose statements name a principal.
    pub fn is_resource_like(self) -> bool {
        self.facts().principal == Presence::Required
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a kind was chosen: one short sentence for hovers and `iam-ls explain`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(pub String);

impl Reason {
    /// The sentence.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether resource control policies apply to the actions of the service with this prefix
/// (ignoring case). The list comes from the catalog (the data's `rcpSupportedServices.json`),
/// so it moves with the data: DynamoDB and many more services joined in 2025–2026.
pub fn is_rcp_service(prefix: &str) -> bool {
    crate::catalog::catalog()
        .service(prefix)
        .is_some_and(|s| s.rcp_supported())
}

/// The prefixes of the services resource control policies apply to, in catalog order.
pub fn rcp_services() -> Vec<&'static str> {
    crate::catalog::catalog()
        .services()
        .filter(|s| s.rcp_supported())
        .map(|s| s.prefix())
        .collect()
}

/// Services that resource control policies cover but that have no resource-based policies of
/// their own, so a `Deny` on `Principal: "*"` for them alone can only be an RCP. Each entry's
/// "How ... works with IAM" page says "Resource-based policies: No":
/// - `cognito-idp`, `cognito-identity`: <https://docs.aws.amazon.com/cognito/latest/developerguide/security_iam_service-with-iam.html>
/// - `rolesanywhere`: <https://docs.aws.amazon.com/rolesanywhere/latest/userguide/security_iam_service-with-iam.html>
///
/// A test holds every entry to the catalog's RCP service list.
pub const RCP_SERVICES_WITHOUT_RESOURCE_POLICIES: &[&str] =
    &["cognito-idp", "cognito-identity", "rolesanywhere"];

/// Role-assumption and session actions a trust policy grants (lowercase).
const TRUST_ACTIONS: &[&str] = &[
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
    "sts:assumerole*",
];

fn is_assume_action(lower: &str) -> bool {
    matches!(
        lower,
        "sts:assumerole"
            | "sts:assumerolewithsaml"
            | "sts:assumerolewithwebidentity"
            | "sts:assumerole*"
    )
}

/// What the detector gathers in one pass over the statements.
#[derive(Default)]
struct Shape {
    statements: usize,
    with_principal: usize,
    all_deny: bool,
    any_not_action: bool,
    any_not_resource: bool,
    any_principal: bool,
    federated: bool,
    actions: usize,
    trust_only: bool,
    any_assume: bool,
    kms_only: bool,
    resources_present: usize,
    resources_all_star: bool,
    rcp_statements_ok: bool,
    rcp_services_ok: bool,
    rcp_any_deny: bool,
    rcp_full_access_allow: bool,
    /// The first two services of the actions, when all of them are services RCPs cover (only
    /// whether there are two, and which is the first, is asked).
    services: Vec<String>,
    /// Every statement is an `Allow`.
    all_allow: bool,
    /// Every statement's principal is everyone (`"*"` or `{"AWS": "*"}`).
    principals_everyone: bool,
    /// Some action is `*` itself.
    action_star: bool,
    /// The first two services of the actions, RCP-covered or not (only whether there are two
    /// is asked).
    action_services: Vec<String>,
    /// The first organization-wide condition key of a statement ([`org_wide_condition`]).
    org_wide_key: Option<&'static str>,
}

/// Condition keys that scope a Deny to a whole organization or Region set.
const ORG_WIDE_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:RequestedRegion",
];

/// The organization-wide condition key the statement tests with a negated string or ARN
/// operator: one of [`ORG_WIDE_KEYS`], or `aws:PrincipalArn` with a value naming a role.
pub fn org_wide_condition(st: &Statement<'_>) -> Option<&'static str> {
    let condition = st.condition.as_ref().and_then(|f| f.ok())?;
    for (block, entry) in condition.entries() {
        let base = block.parts().base;
        if !(base.starts_with("StringNot") || base.starts_with("ArnNot")) {
            continue;
        }
        let key = entry.key.name;
        if let Some(k) = ORG_WIDE_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key)) {
            return Some(k);
        }
        if key.eq_ignore_ascii_case("aws:PrincipalArn")
            && entry.values().iter().any(|v| match v {
                crate::policy::Scalar::String(s) => s.value.contains(":role/"),
                _ => false,
            })
        {
            return Some("aws:PrincipalArn");
        }
    }
    None
}

fn is_full_access_allow(st: &Statement<'_>) -> bool {
    st.effect() == Some(Effect::Allow)
        && st.condition.is_none()
        && st
            .action
            .as_ref()
            .and_then(|f| f.ok())
            .is_some_and(|l| l.is_only_wildcard())
        && st
            .resource
            .as_ref()
            .and_then(|f| f.ok())
            .is_some_and(|l| l.is_only_wildcard())
}

/// `Principal: "*"` or `{"AWS": "*"}` (every value `*`).
fn is_everyone(p: &crate::policy::Principal<'_>) -> bool {
    p.is_wildcard_string()
        || (!p.entries().is_empty()
            && p.entries().iter().all(|e| {
                e.kind == Some(PrincipalType::Aws)
                    && e.strings().count() > 0
                    && e.strings().all(|v| v.value == "*")
            }))
}

fn shape_of(policy: &Policy<'_>) -> Shape {
    let mut s = Shape {
        statements: policy.statements.len(),
        all_deny: !policy.statements.is_empty(),
        all_allow: !policy.statements.is_empty(),
        principals_everyone: !policy.statements.is_empty(),
        trust_only: true,
        kms_only: true,
        resources_all_star: true,
        rcp_statements_ok: true,
        rcp_services_ok: true,
        ..Shape::default()
    };
    let mut lower = String::new();
    for st in &policy.statements {
        if st.has_any_principal() {
            s.with_principal += 1;
        }
        if s.org_wide_key.is_none() {
            s.org_wide_key = org_wide_condition(st);
        }
        let effect = st.effect();
        if effect != Some(Effect::Deny) {
            s.all_deny = false;
        }
        if effect != Some(Effect::Allow) {
            s.all_allow = false;
        }
        if st.not_principal.is_some()
            || !st
                .principal
                .as_ref()
                .and_then(|f| f.ok())
                .is_some_and(is_everyone)
        {
            s.principals_everyone = false;
        }
        s.any_not_action |= st.not_action.is_some();
        s.any_not_resource |= st.not_resource.is_some();
        s.any_principal |= st.principal.is_some();
        if let Some(p) = st.principal.as_ref().and_then(|f| f.ok()) {
            s.federated |= p.has_type(PrincipalType::Federated);
        }

        for a in st.actions() {
            s.actions += 1;
            // One buffer for every action's lowercase form, and its service prefix borrowed from
            // it: this runs over every action of the policy on every keystroke.
            lower.clear();
            lower.push_str(a.value);
            lower.make_ascii_lowercase();
            // What no longer can change is not looked at again (a large policy has thousands
            // of actions): the trust-only test, and the services once two are known or once an
            // action outside the RCP services ruled an RCP out.
            if s.trust_only && !TRUST_ACTIONS.contains(&lower.as_str()) {
                s.trust_only = false;
            }
            s.any_assume |= is_assume_action(&lower);
            if !lower.starts_with("kms:") {
                s.kms_only = false;
            }
            let service = lower.split_once(':').map(|(svc, _)| svc);
            if a.value == "*" {
                s.action_star = true;
            } else if let Some(svc) = service
                && s.action_services.len() < 2
                && !s.action_services.iter().any(|seen| seen == svc)
            {
                s.action_services.push(svc.to_string());
            }
            if a.value != "*" && s.rcp_services_ok {
                match service {
                    Some(svc) if is_rcp_service(svc) => {
                        if s.services.len() < 2 && !s.services.iter().any(|seen| seen == svc) {
                            s.services.push(svc.to_string());
                        }
                    }
                    _ => s.rcp_services_ok = false,
                }
            }
        }

        if let Some(res) = &st.resource {
            s.resources_present += 1;
            if !res.ok().is_some_and(|l| l.is_only_wildcard()) {
                s.resources_all_star = false;
            }
        }

        // RCP statement shape.
        let principal_star = st
            .principal
            .as_ref()
            .and_then(|f| f.ok())
            .is_some_and(|p| p.is_wildcard_string());
        let rcp_effect_ok = match effect {
            Some(Effect::Deny) => {
                s.rcp_any_deny = true;
                true
            }
            Some(Effect::Allow) if is_full_access_allow(st) => {
                s.rcp_full_access_allow = true;
                true
            }
            _ => false,
        };
        if !principal_star
            || st.not_principal.is_some()
            || st.not_action.is_some()
            || st.not_resource.is_some()
            || !rcp_effect_ok
        {
            s.rcp_statements_ok = false;
        }
    }
    s
}

/// When `policy`'s kind comes from [`detect_kind`] without clear evidence (only `Deny`
/// statements, no `Principal`, no organization-wide condition: an SCP, a permissions boundary
/// and an identity policy look the same), a sentence saying so and how to set the kind; `None`
/// when the content decides. The hover's kind line and `iam-ls check`'s text output show it.
pub fn assumed_kind_note(policy: &Policy<'_>) -> Option<String> {
    let s = shape_of(policy);
    if s.with_principal != 0 || !s.all_deny || s.org_wide_key.is_some() {
        return None;
    }
    Some(
        "The kind is assumed, not evident: an SCP or a permissions boundary looks the same as \
         an identity policy. If it is one, check it with `--kind scp` (or `--kind \
         permissions-boundary`), or set it in iam-ls.toml under `[kinds]`, e.g. \
         `\"scps/*.json\" = \"scp\"`."
            .to_owned(),
    )
}

fn reason(s: &str) -> Reason {
    Reason(s.to_owned())
}

/// Detect the kind of `policy` from its content; see the module documentation for the rules.
/// Never fails: an empty or broken document is read as an identity policy.
pub fn detect_kind(policy: &Policy<'_>) -> (PolicyKind, Reason) {
    let s = shape_of(policy);

    if s.with_principal == 0
        && s.all_deny
        && let Some(key) = s.org_wide_key
    {
        return (
            PolicyKind::ServiceControl,
            Reason(format!(
                "has only Deny statements, no Principal and an organization-wide condition on \
                 `{key}`, so it is read as an SCP"
            )),
        );
    }
    if s.with_principal == 0 {
        let why = if s.statements == 0 {
            "has no statements with a Principal, so it is read as an identity policy"
        } else if s.all_deny {
            "has no Principal, so it is read as an identity policy; every statement is a Deny, \
             which is typical of an SCP or a permissions boundary: set its kind in iam-ls.toml \
             if it is one"
        } else {
            "has no Principal, so it is read as an identity policy (SCPs, permissions \
             boundaries and session policies look the same: set their kind in iam-ls.toml)"
        };
        return (PolicyKind::Identity, reason(why));
    }

    let rcp_extra_sign = s.services.len() >= 2
        || s.rcp_full_access_allow
        || (s.services.len() == 1
            && (matches!(s.services[0].as_str(), "s3" | "sts")
                || RCP_SERVICES_WITHOUT_RESOURCE_POLICIES.contains(&s.services[0].as_str())));
    if s.with_principal == s.statements
        && s.rcp_statements_ok
        && s.rcp_services_ok
        && s.rcp_any_deny
        && s.resources_present == s.statements
        && s.resources_all_star
        && s.actions > 0
        && rcp_extra_sign
    {
        return (
            PolicyKind::ResourceControl,
            reason(
                "every statement denies Principal \"*\" on Resource \"*\" for services that \
                 resource control policies cover, so it is read as an RCP",
            ),
        );
    }

    // A resource policy governs its own service's actions only; allowing everyone every action
    // (or actions of several services) is what a VPC endpoint policy does.
    if s.with_principal == s.statements
        && s.all_allow
        && s.principals_everyone
        && !s.any_not_action
        && !s.any_not_resource
        && s.resources_present == s.statements
        && (s.action_star || s.action_services.len() >= 2)
    {
        return (
            PolicyKind::VpcEndpoint,
            reason(
                "every statement allows Principal \"*\" every action or actions of several \
                 services, which only a VPC endpoint policy does (a resource policy governs its \
                 own service), so it is read as a VPC endpoint policy",
            ),
        );
    }

    if !s.any_not_action && s.actions > 0 && s.trust_only && s.any_assume {
        let why = if s.federated {
            "has a Federated principal and only role-assumption actions, so it is read as a \
             role trust policy"
        } else {
            "has a Principal and only role-assumption actions such as sts:AssumeRole, so it is \
             read as a role trust policy"
        };
        return (PolicyKind::RoleTrust, reason(why));
    }
    if s.federated && s.any_assume {
        return (
            PolicyKind::RoleTrust,
            reason(
                "has a Federated principal, which only role trust policies use, and an \
                 sts:AssumeRole action, so it is read as a role trust policy",
            ),
        );
    }

    if !s.any_not_action
        && !s.any_not_resource
        && s.actions > 0
        && s.kms_only
        && s.resources_present > 0
        && s.resources_all_star
    {
        return (
            PolicyKind::KmsKey,
            reason(
                "has a Principal, only kms: actions and Resource \"*\", so it is read as a KMS \
                 key policy",
            ),
        );
    }

    let why = if !s.any_principal {
        "has a NotPrincipal, so it is read as a resource policy"
    } else {
        "has a Principal, so it is read as a resource policy (set the kind in iam-ls.toml for \
         VPC endpoint policies and RCPs)"
    };
    (PolicyKind::Resource, reason(why))
}
