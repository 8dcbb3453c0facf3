//! Explaining a [`Denial`]: who was refused, what, by which kind of policy, and what to run next.
//!
//! The output is plain data ([`Explanation`]: a headline and sections) with [`Explanation::to_markdown`]
//! for hovers and [`Explanation::to_text`] for `iam-ls explain`. Commands are filled in with the
//! message's own values (quoted for the shell when needed) and fall back to `<PLACEHOLDER>`s when
//! a value is unknown.

use super::arn::{Arn, PolicyKind, PolicyRef, Principal, PrincipalKind};
use super::denial::{Denial, DenyKind, Form, Hint, PolicyType};
use super::doc::{self, Block, Fact, Section, Step, code, shell_quote};

/// A rendered explanation of one denial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// One sentence: what was denied and by what.
    pub headline: String,
    pub sections: Vec<Section>,
}

impl Explanation {
    /// Markdown for a hover or a preview.
    pub fn to_markdown(&self) -> String {
        doc::render_markdown(&self.headline, &self.sections)
    }

    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        doc::render_text(&self.headline, &self.sections)
    }
}

/// Explains one denial.
pub fn explain_denial(d: &Denial) -> Explanation {
    let ctx = Ctx::new(d);
    let mut sections = vec![facts_section(d)];
    sections.push(meaning_section(d));
    sections.push(next_steps_section(d, &ctx));
    let causes = likely_causes(d);
    if !causes.is_empty() {
        sections.push(Section {
            title: "Likely causes".to_string(),
            blocks: vec![Block::Bullets(causes)],
        });
    }
    Explanation {
        headline: headline(d),
        sections,
    }
}

fn headline(d: &Denial) -> String {
    let what = match (&d.action, &d.operation) {
        (Some(a), _) => a.text.clone(),
        (None, Some(op)) => format!("The {op} call"),
        (None, None) => "The request".to_string(),
    };
    let why = match (d.source.kind, d.source.policy_type) {
        (DenyKind::Explicit, Some(t)) => format!(" by an explicit Deny in {}", with_article(t)),
        (DenyKind::Implicit, Some(t)) => format!(": no {} allows it", t.label()),
        (DenyKind::Explicit, None) => " by an explicit Deny".to_string(),
        (DenyKind::Implicit, None) => ": nothing allows it (implicit deny)".to_string(),
        (DenyKind::Unknown, _) if d.encoded.is_some() => {
            "; the reason is in the encoded authorization message".to_string()
        }
        (DenyKind::Unknown, _) => "; the message does not say why".to_string(),
    };
    format!("{what} was denied{why}")
}

fn with_article(t: PolicyType) -> String {
    match t {
        PolicyType::IdentityBased => "an identity-based policy".to_string(),
        other => format!("a {}", other.label()),
    }
}

/// Values the commands are filled in with.
struct Ctx {
    principal: Option<Principal>,
    account: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    resource_arn: Option<Arn>,
    service: Option<String>,
    region: Option<String>,
    policy: Option<PolicyRef>,
    vpc_endpoint: Option<String>,
}

impl Ctx {
    fn new(d: &Denial) -> Ctx {
        let resource_arn = d.resource.as_ref().and_then(|r| r.arn.clone());
        let region = resource_arn
            .as_ref()
            .map(|a| a.region.clone())
            .filter(|r| !r.is_empty())
            .or_else(|| d.cloudtrail.as_ref().and_then(|c| c.aws_region.clone()));
        Ctx {
            principal: d.principal.clone(),
            account: d
                .principal
                .as_ref()
                .and_then(|p| p.account_id.clone())
                .or_else(|| {
                    d.cloudtrail
                        .as_ref()
                        .and_then(|c| c.recipient_account_id.clone())
                }),
            action: d.action.as_ref().map(|a| a.text.clone()),
            resource: d.resource.as_ref().map(|r| r.text.clone()),
            resource_arn,
            service: d.service.clone(),
            region,
            policy: d.policy.clone(),
            vpc_endpoint: d.hints.iter().find_map(|h| match h {
                Hint::ViaVpcEndpoint { id } => Some(id.clone()),
                _ => None,
            }),
        }
    }

    fn region_or_placeholder(&self) -> String {
        self.region
            .as_deref()
            .map_or_else(|| "<REGION>".to_string(), shell_quote)
    }
}

fn q(s: &str) -> String {
    shell_quote(s)
}

// ---------------------------------------------------------------------------------------------
// Sections.

fn facts_section(d: &Denial) -> Section {
    let mut facts = Vec::new();
    if let Some(p) = &d.principal {
        facts.push(Fact::code("Principal", &p.text));
        facts.push(Fact::words("Principal kind", &principal_words(p)));
        if let Some(acct) = &p.account_id {
            facts.push(Fact::code("Account", acct));
        }
    }
    if let Some(a) = &d.action {
        let from = if a.span.is_none() {
            " (from the CloudTrail event)"
        } else {
            ""
        };
        facts.push(Fact::words("Action", &format!("{}{from}", code(&a.text))));
    }
    if let Some(r) = &d.resource {
        facts.push(Fact::code("Resource", &r.text));
    }
    if let Some(op) = &d.operation {
        facts.push(Fact::code("Operation", op));
    }
    if let Some(c) = &d.error_code {
        facts.push(Fact::code("Error code", c));
    }
    facts.push(Fact::words("Denied by", &source_words(d)));
    if let Some(p) = &d.policy {
        facts.push(Fact::code("Blocking policy", &p.arn));
        facts.push(Fact::words("That policy is", &p.describe()));
    }
    if let Some(b) = &d.encoded {
        facts.push(Fact::words(
            "Encoded message",
            &format!(
                "{} characters; decoding it shows the exact statement and context",
                b.span.len()
            ),
        ));
    }
    if let Some(ct) = &d.cloudtrail {
        if let Some(t) = &ct.event_time {
            facts.push(Fact::code("Event time", t));
        }
        if let Some(r) = &ct.aws_region {
            facts.push(Fact::code("Region", r));
        }
        if let Some(ip) = &ct.source_ip {
            facts.push(Fact::code("Source IP", ip));
        }
        if let Some(v) = &ct.vpc_endpoint_id {
            facts.push(Fact::code("VPC endpoint", v));
        }
    }
    if let Some(detail) = &d.detail {
        facts.push(Fact::code("Message", detail));
    }
    Section {
        title: "What the message says".to_string(),
        blocks: vec![Block::Facts(facts)],
    }
}

fn principal_words(p: &Principal) -> String {
    match &p.kind {
        PrincipalKind::IamUser { name, .. } => format!("IAM user {}", code(name)),
        PrincipalKind::IamRole { name, .. } => format!("IAM role {}", code(name)),
        PrincipalKind::AssumedRole {
            role_name,
            session_name,
        } => {
            let mut s = format!(
                "assumed-role session {} of role {}",
                code(session_name),
                code(role_name)
            );
            if let Some(set) = p.identity_center_permission_set() {
                s.push_str(&format!(
                    " (an IAM Identity Center role for permission set {})",
                    code(set)
                ));
            }
            s
        }
        PrincipalKind::FederatedUser { name } => format!("federated user {}", code(name)),
        PrincipalKind::Root => "the account's root user".to_string(),
        PrincipalKind::Service { name } => format!("the AWS service {}", code(name)),
        PrincipalKind::Anonymous => "an anonymous (unsigned) request".to_string(),
        PrincipalKind::Unknown => "not recognised".to_string(),
    }
}

fn source_words(d: &Denial) -> String {
    let kind = match d.source.kind {
        DenyKind::Explicit => "an explicit Deny",
        DenyKind::Implicit => "an implicit deny (no Allow)",
        DenyKind::Unknown => "",
    };
    match (d.source.policy_type, &d.source.other_type, d.source.kind) {
        (Some(t), _, DenyKind::Unknown) => format!("a {}", t.label()),
        (Some(t), _, _) => format!("{kind} in {}", with_article(t)),
        (None, Some(other), _) if !kind.is_empty() => format!("{kind} in {}", code(other)),
        (None, _, DenyKind::Unknown) => match &d.source.free_text {
            Some(t) => format!("not stated as a policy type; the service says: {}", code(t)),
            None => "not stated in the message".to_string(),
        },
        (None, _, _) => kind.to_string(),
    }
}

fn meaning_section(d: &Denial) -> Section {
    let mut blocks = Vec::new();
    if let Some(t) = d.source.policy_type {
        blocks.push(Block::Text(type_words(t).to_string()));
    }
    match d.source.kind {
        DenyKind::Explicit => blocks.push(Block::Text(
            "Explicit: a statement with `\"Effect\": \"Deny\"` matched this request. An explicit \
             Deny is final; no Allow anywhere else can outweigh it. Granting more permissions \
             will not help: that Deny statement (or the condition that made it match) has to \
             change, or the request has to be made differently."
                .to_string(),
        )),
        DenyKind::Implicit => blocks.push(Block::Text(
            "Implicit: nothing refused the request outright; it simply lacked an Allow at a \
             point where one was needed. Every request starts out denied and must be allowed \
             by each kind of policy that applies to it. Adding or widening an Allow in the \
             named kind of policy fixes it."
                .to_string(),
        )),
        DenyKind::Unknown => {
            let text = if d.encoded.is_some() {
                "The message names no policy type, but it carries an encoded authorization \
                 message. Decoding it (it needs `sts:DecodeAuthorizationMessage`) shows whether \
                 the deny was explicit, which statements matched, and the request context."
            } else {
                "The message names no policy type, so any of the seven kinds of policy may be \
                 responsible. Work through the checklist below in order; the first steps rule \
                 out the most common causes."
            };
            blocks.push(Block::Text(text.to_string()));
        }
    }
    blocks.push(Block::Text(
        "How AWS decides: an explicit Deny in any policy that applies ends evaluation. Within \
         AWS Organizations, the SCPs of the caller's account and the RCPs of the resource's \
         account must then allow the request. A resource-based policy may grant access; the \
         caller's identity-based policies must grant it (unless a same-account resource policy \
         already did); a permissions boundary and a session policy, when present, must allow \
         it as well. Requests that travel through a VPC endpoint must also pass the endpoint's \
         policy."
            .to_string(),
    ));
    for hint in &d.hints {
        if let Some(t) = hint_words(hint) {
            blocks.push(Block::Text(t));
        }
    }
    Section {
        title: "What this means".to_string(),
        blocks,
    }
}

fn type_words(t: PolicyType) -> &'static str {
    match t {
        PolicyType::IdentityBased => {
            "Identity-based policies are the managed and inline policies attached to the user or \
             role (and, for a user, to its groups). They are where access is normally granted."
        }
        PolicyType::ResourceBased => {
            "A resource-based policy is attached to the resource itself: an S3 bucket policy, a \
             KMS key policy, an SQS queue or SNS topic policy, a Lambda function policy, a role's \
             trust policy. For cross-account calls it must allow the caller; KMS key policies and \
             role trust policies must allow the caller even within one account."
        }
        PolicyType::PermissionsBoundary => {
            "A permissions boundary is a managed policy set on a user or role as its ceiling: \
             only actions allowed by both the identity policies and the boundary go through. It \
             grants nothing by itself."
        }
        PolicyType::Session => {
            "A session policy is passed when temporary credentials are created (AssumeRole and \
             its SAML/web-identity variants, GetFederationToken). It narrows that one session to \
             what both the role's policies and the session policy allow."
        }
        PolicyType::ServiceControl => {
            "A service control policy (SCP) is set in AWS Organizations on the root, an OU or an \
             account. SCPs grant nothing; they cap what principals in member accounts may do \
             (the management account is exempt), and every level from the root down to the \
             account must allow the action."
        }
        PolicyType::ResourceControl => {
            "A resource control policy (RCP) is set in AWS Organizations and caps what anyone, \
             inside or outside the organization, may do to resources in member accounts. It \
             grants nothing and applies to a subset of services (S3, STS, KMS, SQS, Secrets \
             Manager and others)."
        }
        PolicyType::VpcEndpoint => {
            "A VPC endpoint policy filters the requests that pass through an interface or \
             gateway endpoint: which principals, actions and resources may use it. It grants \
             nothing by itself."
        }
    }
}

fn hint_words(h: &Hint) -> Option<String> {
    Some(match h {
        Hint::ViaVpcEndpoint { id } => format!(
            "CloudTrail recorded that the call came through VPC endpoint {}; its policy applies.",
            code(id)
        ),
        Hint::CalledByService { service } => format!(
            "The call was made by {} on the principal's behalf: conditions on source IP or VPC \
             (`aws:SourceIp`, `aws:SourceVpce`) do not see the original caller's network.",
            code(service)
        ),
        Hint::IdentityCenter { permission_set } => format!(
            "The role was created by IAM Identity Center for permission set {}: change its \
             policies (and any boundary) in the permission set, not on the role, which Identity \
             Center manages.",
            code(permission_set)
        ),
        Hint::CrossAccount {
            principal_account,
            resource_account,
        } => format!(
            "Cross-account request: the caller is in account {} and the resource in account {}. \
             Both the caller's identity policies and the resource's policy must allow it, and a \
             2026-style policy ARN is never included for callers outside the organization.",
            code(principal_account),
            code(resource_account)
        ),
        Hint::KmsCiphertext => "KMS could not use the key named inside the ciphertext: the key \
             may not exist in this Region, or its key policy does not allow the caller."
            .to_string(),
        Hint::EncodedMessage => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Next steps.

fn next_steps_section(d: &Denial, ctx: &Ctx) -> Section {
    let mut steps = vec![Step {
        text: "Confirm who is actually calling (wrong profile, role or expired session is the \
               most common cause)."
            .to_string(),
        commands: vec!["aws sts get-caller-identity".to_string()],
    }];
    if let Some(b) = &d.encoded {
        steps.push(decode_step(b.span.len()));
    }
    match d.source.policy_type {
        Some(t) => {
            steps.extend(steps_for_type(t, d.source.kind, ctx));
            if matches!(
                t,
                PolicyType::IdentityBased | PolicyType::PermissionsBoundary
            ) {
                steps.extend(simulate_step(d, ctx));
            }
        }
        None => steps.extend(checklist(d, ctx)),
    }
    Section {
        title: "What to check next".to_string(),
        blocks: vec![Block::Steps(steps)],
    }
}

fn decode_step(len: usize) -> Step {
    Step {
        text: format!(
            "Decode the {len}-character encoded authorization message (needs \
             `sts:DecodeAuthorizationMessage`; iam-ls offers this as a code action on the blob). \
             Put the blob in `ENCODED_MESSAGE` first."
        ),
        commands: vec![
            "aws sts decode-authorization-message --encoded-message \"$ENCODED_MESSAGE\" \
             --query DecodedMessage --output text"
                .to_string(),
        ],
    }
}

fn steps_for_type(t: PolicyType, kind: DenyKind, ctx: &Ctx) -> Vec<Step> {
    match t {
        PolicyType::ServiceControl => org_steps(ctx, "SERVICE_CONTROL_POLICY", kind, false),
        PolicyType::ResourceControl => org_steps(ctx, "RESOURCE_CONTROL_POLICY", kind, true),
        PolicyType::PermissionsBoundary => boundary_steps(ctx),
        PolicyType::IdentityBased => identity_steps(ctx),
        PolicyType::ResourceBased => vec![resource_policy_step(ctx)],
        PolicyType::Session => vec![session_step(ctx)],
        PolicyType::VpcEndpoint => {
            let mut step = vpc_endpoint_step(ctx, ctx.vpc_endpoint.as_deref());
            step.text = "Find the endpoint the request went through and read its policy; look \
                         for a Deny that matches, or for this principal, action or resource \
                         missing from its Allow."
                .to_string();
            vec![step]
        }
    }
}

fn org_steps(ctx: &Ctx, filter: &str, kind: DenyKind, resource_side: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    let id = ctx
        .policy
        .as_ref()
        .and_then(|p| p.organizations_policy_id().map(str::to_string));
    let mgmt = ctx
        .policy
        .as_ref()
        .and_then(|p| p.account.clone())
        .filter(|a| a != "aws");
    let where_ = match &mgmt {
        Some(a) => format!(" (run in the management account {})", code(a)),
        None => " (run in the organization's management account or a delegated administrator)"
            .to_string(),
    };
    if let Some(id) = &id {
        steps.push(Step {
            text: format!(
                "Read the policy the message names, {}{where_}, and find the statement that matches.",
                code(id)
            ),
            commands: vec![format!(
                "aws organizations describe-policy --policy-id {} --query Policy.Content --output text",
                q(id)
            )],
        });
    }
    let target = if resource_side {
        ctx.resource_arn
            .as_ref()
            .and_then(|a| a.account_id().map(str::to_string))
            .or_else(|| ctx.account.clone())
    } else {
        ctx.account.clone()
    };
    let target = target
        .as_deref()
        .map_or_else(|| "<ACCOUNT_ID>".to_string(), q);
    let whose = if resource_side {
        "the resource's account"
    } else {
        "the caller's account"
    };
    let list_text = if id.is_some() {
        format!(
            "See where it applies: the policies attached to {whose}, and to its parent OUs and the root (they apply too)."
        )
    } else if kind == DenyKind::Implicit {
        format!(
            "List the policies attached to {whose} and to each parent OU up to the root{where_}: at some level none of them allows the action."
        )
    } else {
        format!(
            "List the policies attached to {whose} and to each parent OU up to the root{where_}, and look for a Deny that matches."
        )
    };
    steps.push(Step {
        text: list_text,
        commands: vec![
            format!(
                "aws organizations list-policies-for-target --target-id {target} --filter {filter}"
            ),
            format!("aws organizations list-parents --child-id {target}"),
        ],
    });
    steps
}

fn boundary_steps(ctx: &Ctx) -> Vec<Step> {
    let (get, query) = match ctx.principal.as_ref().map(|p| &p.kind) {
        Some(PrincipalKind::IamUser { name, .. }) => (
            format!("aws iam get-user --user-name {}", q(name)),
            "User.PermissionsBoundary",
        ),
        Some(PrincipalKind::IamRole { name, .. })
        | Some(PrincipalKind::AssumedRole {
            role_name: name, ..
        }) => (
            format!("aws iam get-role --role-name {}", q(name)),
            "Role.PermissionsBoundary",
        ),
        _ => (
            "aws iam get-role --role-name <ROLE_NAME>".to_string(),
            "Role.PermissionsBoundary",
        ),
    };
    let boundary_arn = ctx
        .policy
        .as_ref()
        .filter(|p| {
            matches!(
                p.kind,
                PolicyKind::CustomerManaged { .. } | PolicyKind::AwsManaged { .. }
            )
        })
        .map_or_else(|| "<BOUNDARY_POLICY_ARN>".to_string(), |p| q(&p.arn));
    vec![
        Step {
            text: "See which boundary is set on the identity.".to_string(),
            commands: vec![format!("{get} --query {query}")],
        },
        Step {
            text: "Read the boundary's current version and check that it allows the action on \
                   this resource."
                .to_string(),
            commands: vec![
                format!(
                    "aws iam get-policy --policy-arn {boundary_arn} --query Policy.DefaultVersionId --output text"
                ),
                format!(
                    "aws iam get-policy-version --policy-arn {boundary_arn} --version-id <VERSION_ID>"
                ),
            ],
        },
    ]
}

fn identity_steps(ctx: &Ctx) -> Vec<Step> {
    let mut steps = Vec::new();
    if let Some(p) = &ctx.policy {
        match &p.kind {
            PolicyKind::CustomerManaged { .. } | PolicyKind::AwsManaged { .. } => {
                let arn = q(&p.arn);
                steps.push(Step {
                    text: format!("Read the policy the message names, {}.", code(&p.arn)),
                    commands: vec![
                        format!("aws iam get-policy --policy-arn {arn} --query Policy.DefaultVersionId --output text"),
                        format!("aws iam get-policy-version --policy-arn {arn} --version-id <VERSION_ID>"),
                    ],
                });
            }
            PolicyKind::Inline { owner, owner_name } => {
                let (list, get) = match owner {
                    super::arn::InlineOwner::User => (
                        "list-user-policies --user-name",
                        "get-user-policy --user-name",
                    ),
                    super::arn::InlineOwner::Role => (
                        "list-role-policies --role-name",
                        "get-role-policy --role-name",
                    ),
                    super::arn::InlineOwner::Group => (
                        "list-group-policies --group-name",
                        "get-group-policy --group-name",
                    ),
                };
                let n = q(owner_name);
                steps.push(Step {
                    text: format!(
                        "The message names {}: read its inline policies.",
                        p.describe()
                    ),
                    commands: vec![
                        format!("aws iam {list} {n}"),
                        format!("aws iam {get} {n} --policy-name <POLICY_NAME>"),
                    ],
                });
            }
            _ => {}
        }
    }
    let commands = match ctx.principal.as_ref().map(|p| &p.kind) {
        Some(PrincipalKind::IamUser { name, .. }) => {
            let n = q(name);
            vec![
                format!("aws iam list-attached-user-policies --user-name {n}"),
                format!("aws iam list-user-policies --user-name {n}"),
                format!("aws iam list-groups-for-user --user-name {n}"),
            ]
        }
        Some(PrincipalKind::IamRole { name, .. })
        | Some(PrincipalKind::AssumedRole {
            role_name: name, ..
        }) => {
            let n = q(name);
            vec![
                format!("aws iam list-attached-role-policies --role-name {n}"),
                format!("aws iam list-role-policies --role-name {n}"),
            ]
        }
        _ => vec![
            "aws iam list-attached-role-policies --role-name <ROLE_NAME>".to_string(),
            "aws iam list-role-policies --role-name <ROLE_NAME>".to_string(),
        ],
    };
    let known = ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.role_name().is_some() || p.user_name().is_some());
    let mut text = "List the identity's managed and inline policies (and, for a user, its \
                    groups'), and look for the statements that cover this action and resource."
        .to_string();
    if !known {
        text.push_str(
            " The caller identity above tells which role or user to look at; for a user, use \
             the `list-attached-user-policies`, `list-user-policies` and \
             `list-groups-for-user` equivalents.",
        );
    }
    steps.push(Step { text, commands });
    steps
}

/// The command that shows a resource's own policy, by service.
fn resource_policy_command(ctx: &Ctx) -> (String, Vec<String>) {
    let service = ctx
        .resource_arn
        .as_ref()
        .map(|a| a.service.as_str())
        .or(ctx.service.as_deref())
        .unwrap_or("");
    let arn = ctx.resource_arn.as_ref();
    let res = ctx.resource.as_deref();
    match service {
        "s3" => {
            let bucket = arn
                .and_then(|a| a.resource.split('/').next().map(str::to_string))
                .filter(|b| !b.is_empty());
            let b = bucket.as_deref().map_or_else(|| "<BUCKET>".to_string(), q);
            (
                "the bucket policy".to_string(),
                vec![format!(
                    "aws s3api get-bucket-policy --bucket {b} --query Policy --output text"
                )],
            )
        }
        "kms" => {
            let key = res
                .filter(|r| r.contains(":key/") || r.contains(":alias/"))
                .map_or_else(|| "<KEY_ID_OR_ARN>".to_string(), q);
            (
                "the key policy".to_string(),
                vec![format!(
                    "aws kms get-key-policy --key-id {key} --policy-name default --query Policy --output text"
                )],
            )
        }
        "sqs" => {
            let url = match arn {
                Some(a) if !a.region.is_empty() && !a.account.is_empty() => format!(
                    "https://sqs.{}.amazonaws.com/{}/{}",
                    a.region, a.account, a.resource
                ),
                _ => "<QUEUE_URL>".to_string(),
            };
            (
                "the queue policy".to_string(),
                vec![format!(
                    "aws sqs get-queue-attributes --queue-url {} --attribute-names Policy",
                    q(&url).replace("'<QUEUE_URL>'", "<QUEUE_URL>")
                )],
            )
        }
        "sns" => (
            "the topic policy".to_string(),
            vec![format!(
                "aws sns get-topic-attributes --topic-arn {} --query Attributes.Policy --output text",
                res.map_or_else(|| "<TOPIC_ARN>".to_string(), q)
            )],
        ),
        "lambda" => (
            "the function policy".to_string(),
            vec![format!(
                "aws lambda get-policy --function-name {}",
                res.map_or_else(|| "<FUNCTION_ARN>".to_string(), q)
            )],
        ),
        "secretsmanager" => (
            "the secret's resource policy".to_string(),
            vec![format!(
                "aws secretsmanager get-resource-policy --secret-id {}",
                res.map_or_else(|| "<SECRET_ARN>".to_string(), q)
            )],
        ),
        "ecr" => {
            let name = arn
                .and_then(|a| a.resource.strip_prefix("repository/").map(str::to_string))
                .map_or_else(|| "<REPOSITORY>".to_string(), |n| q(&n));
            (
                "the repository policy".to_string(),
                vec![format!(
                    "aws ecr get-repository-policy --repository-name {name}"
                )],
            )
        }
        "iam" | "sts" => {
            // sts:AssumeRole on a role: the role's trust policy is its resource policy.
            let role = arn
                .filter(|a| a.service == "iam")
                .and_then(|a| a.resource.rsplit('/').next().map(str::to_string))
                .filter(|_| res.is_some_and(|r| r.contains(":role/")));
            let r = role.as_deref().map_or_else(|| "<ROLE_NAME>".to_string(), q);
            (
                "the role's trust policy".to_string(),
                vec![format!(
                    "aws iam get-role --role-name {r} --query Role.AssumeRolePolicyDocument"
                )],
            )
        }
        _ => ("the resource's policy".to_string(), Vec::new()),
    }
}

fn resource_policy_step(ctx: &Ctx) -> Step {
    let (what, commands) = resource_policy_command(ctx);
    let text = if commands.is_empty() {
        "Read the resource-based policy of the resource (see the service's Get...Policy API) and \
         look for a Deny that matches, or for a missing Allow for this caller."
            .to_string()
    } else {
        format!(
            "Read {what} and look for a Deny that matches, or for a missing Allow for this caller."
        )
    };
    Step { text, commands }
}

fn session_step(ctx: &Ctx) -> Step {
    let session = match ctx.principal.as_ref().map(|p| &p.kind) {
        Some(PrincipalKind::AssumedRole { session_name, .. }) => {
            format!(" for session {}", code(session_name))
        }
        _ => String::new(),
    };
    Step {
        text: format!(
            "Find how the session was created{session}: look at the AssumeRole (or \
             GetFederationToken) call's `policy` and `policyArns` parameters, in the calling code \
             or pipeline and in CloudTrail."
        ),
        commands: vec![
            "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=AssumeRole --max-results 20"
                .to_string(),
        ],
    }
}

fn vpc_endpoint_step(ctx: &Ctx, id: Option<&str>) -> Step {
    let service = ctx.service.as_deref().unwrap_or("<SERVICE>");
    let command = match id {
        Some(id) => format!(
            "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {} --query 'VpcEndpoints[].PolicyDocument'",
            q(id)
        ),
        None => format!(
            "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.{}.{} --query 'VpcEndpoints[].[VpcEndpointId,PolicyDocument]'",
            ctx.region_or_placeholder(),
            q(service).replace("'<SERVICE>'", "<SERVICE>")
        ),
    };
    Step {
        text: "If the caller runs in a VPC, read the endpoint policy of the endpoint its traffic \
               uses; anything but full access may leave this request out."
            .to_string(),
        commands: vec![command],
    }
}

fn simulate_step(d: &Denial, ctx: &Ctx) -> Option<Step> {
    let (arn, path_may_be_missing) = ctx.principal.as_ref()?.simulation_arn()?;
    let action = ctx
        .action
        .as_deref()
        .map_or_else(|| "<ACTION>".to_string(), q);
    let mut cmd = format!(
        "aws iam simulate-principal-policy --policy-source-arn {} --action-names {action}",
        q(&arn)
    );
    if let Some(r) = &ctx.resource {
        cmd.push_str(&format!(" --resource-arns {}", q(r)));
    }
    let ip = d
        .cloudtrail
        .as_ref()
        .and_then(|c| c.source_ip.as_deref())
        .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
    if let Some(ip) = ip {
        cmd.push_str(&format!(
            " --context-entries ContextKeyName=aws:SourceIp,ContextKeyValues={ip},ContextKeyType=ip"
        ));
    }
    let mut text = "Replay the request in the policy simulator, adding `--context-entries` for \
                    the condition keys your policies test (source IP, MFA, tags, region)."
        .to_string();
    if path_may_be_missing {
        text.push_str(
            " The role ARN is rebuilt from the session ARN without its path; if the role has a \
             path, take the exact ARN from `aws iam get-role --query Role.Arn`.",
        );
    }
    Some(Step {
        text,
        commands: vec![cmd],
    })
}

/// For a message with no policy type: the ordered checklist, annotated with what the message
/// suggests.
fn checklist(d: &Denial, ctx: &Ctx) -> Vec<Step> {
    let service = ctx.service.as_deref().unwrap_or("");
    let is_s3 = service == "s3";
    let is_kms = service == "kms" || d.hints.contains(&Hint::KmsCiphertext);
    let vpce = d.hints.iter().find_map(|h| match h {
        Hint::ViaVpcEndpoint { id } => Some(id.clone()),
        _ => None,
    });
    let mut steps = Vec::new();
    let mut id_steps = identity_steps(ctx);
    if let Some(s) = id_steps.last_mut() {
        s.text = format!("Identity policies: {}", lower_first(&s.text));
    }
    steps.extend(id_steps);
    let mut b = boundary_steps(ctx);
    if let Some(first) = b.first_mut() {
        first.text = "Permissions boundary: see whether one is set; if it is, it must allow the \
                      action too."
            .to_string();
    }
    b.truncate(1);
    steps.extend(b);
    let mut r = resource_policy_step(ctx);
    r.text = format!("Resource policy: {}", lower_first(&r.text));
    if is_s3 {
        r.text.push_str(" For S3 this is a prime suspect (bucket policies often require TLS, a VPC endpoint or an organization).");
    }
    if is_kms {
        r.text.push_str(" For KMS the key policy must allow the caller (directly, or by delegating to the account's IAM policies); this is the usual cause.");
    }
    steps.push(r);
    let mut scp = org_steps(ctx, "SERVICE_CONTROL_POLICY", DenyKind::Unknown, false);
    if let Some(s) = scp.last_mut() {
        s.text = "Service control policies: list those on the caller's account and its parent \
                  OUs (management account or delegated administrator)."
            .to_string();
    }
    steps.extend(scp);
    let mut v = vpc_endpoint_step(ctx, vpce.as_deref());
    if vpce.is_some() {
        v.text = "VPC endpoint policy: CloudTrail shows the call went through an endpoint, so \
                  its policy is a strong candidate."
            .to_string();
    } else if is_s3 {
        v.text = format!(
            "VPC endpoint policy: {} A bare S3 Access Denied from a private subnet often \
             comes from here.",
            lower_first(&v.text)
        );
    } else {
        v.text = format!("VPC endpoint policy: {}", lower_first(&v.text));
    }
    steps.push(v);
    let mut s = session_step(ctx);
    s.text = format!("Session policy: {}", lower_first(&s.text));
    steps.push(s);
    steps.extend(simulate_step(d, ctx));
    steps
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Likely causes.

fn likely_causes(d: &Denial) -> Vec<String> {
    let explicit = d.source.kind == DenyKind::Explicit;
    let list: &[&str] = match (d.source.policy_type, explicit) {
        (Some(PolicyType::ServiceControl), true) => &[
            "A region guard: a Deny on `aws:RequestedRegion` that also catches global services \
             (IAM, CloudFront, Route 53 are served from us-east-1).",
            "A service or action block list that covers more than intended.",
            "A Deny with `NotAction` (\"everything except\"): new services stay denied until the \
             list is updated.",
            "A guard protecting particular roles, tags or resources that this principal does not \
             match the exception for.",
        ],
        (Some(PolicyType::ServiceControl), false) => &[
            "`FullAWSAccess` was detached somewhere between the root and the account, and the \
             allow list there does not include this service or action.",
            "The account was moved into an OU whose SCPs allow less.",
        ],
        (Some(PolicyType::ResourceControl), true) => &[
            "A guard that only admits principals of the organization (`aws:PrincipalOrgID`), \
             and the caller is outside it (a vendor, another organization, a service without \
             the expected `aws:SourceOrgID`/`aws:SourceAccount`).",
            "A requirement such as TLS only or a specific network path that this request does \
             not meet.",
        ],
        (Some(PolicyType::ResourceControl), false) => {
            &["`RCPFullAWSAccess` was detached at some level and nothing else allows the action."]
        }
        (Some(PolicyType::PermissionsBoundary), true) => &[
            "The boundary denies sensitive services outright (IAM, Organizations, account \
             settings), as delegated-administration boundaries usually do.",
        ],
        (Some(PolicyType::PermissionsBoundary), false) => &[
            "The boundary's allow list does not include this service or action, even though the \
             identity policies do (the effective permissions are the overlap).",
            "An Identity Center permission set or a delegated-admin process attached a narrow \
             boundary.",
        ],
        (Some(PolicyType::IdentityBased), true) => &[
            "A guard statement: MFA required (`aws:MultiFactorAuthPresent`), source IP or VPC \
             restriction, region restriction, or tag-based access control not met.",
            "A Deny meant for other resources whose `Resource` or `NotResource` is broader than \
             intended.",
        ],
        (Some(PolicyType::IdentityBased), false) => &[
            "No attached policy grants this action; or the Allow names the wrong resource (for \
             S3, `arn:aws:s3:::bucket` vs `arn:aws:s3:::bucket/*`).",
            "The Allow has a condition this request does not meet (tags, source IP, MFA, time).",
            "The caller is not the identity you think it is (check the caller identity first).",
        ],
        (Some(PolicyType::ResourceBased), true) => &[
            "The resource policy denies requests that do not meet a requirement: TLS \
             (`aws:SecureTransport`), a VPC endpoint (`aws:SourceVpce`), the organization \
             (`aws:PrincipalOrgID`), or a list of principals (`NotPrincipal`).",
        ],
        (Some(PolicyType::ResourceBased), false) => match d.service.as_deref() {
            Some("kms") => &[
                "The key policy neither names this principal nor has the statement that \
                 delegates to the account's IAM policies (KMS ignores IAM policies without it).",
                "Cross-account use of the key: the key policy must allow the caller's account \
                 or role, and the caller's own policies must allow the key too.",
            ],
            Some("sts" | "iam") => &[
                "The role's trust policy does not trust this caller (wrong account, role or \
                 identity provider, or a condition such as an external id or session tag not \
                 met).",
            ],
            _ => &[
                "Cross-account access: the resource policy does not name the caller's account \
                 or role.",
                "The resource policy allows a different principal, or only under a condition \
                 this request does not meet.",
            ],
        },
        (Some(PolicyType::Session), _) => &[
            "A tool or pipeline passed a narrow `--policy` or `--policy-arns` when it assumed \
             the role, so the session can do less than the role.",
            "The session was created with GetFederationToken and a policy that leaves this \
             action out.",
        ],
        (Some(PolicyType::VpcEndpoint), _) => &[
            "The endpoint policy lists only some buckets, principals or actions; requests from \
             the VPC take the endpoint while calls from elsewhere do not, so it works on a \
             laptop but fails in the VPC.",
        ],
        (None, _) => &[],
    };
    let mut out: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    if d.source.policy_type.is_none() {
        match d.form {
            Form::AccessDenied | Form::Forbidden if d.service.as_deref() == Some("s3") => {
                out.push(
                    "For S3: the bucket policy, a VPC endpoint policy, the object's owner \
                     (Object Ownership / ACLs) or the KMS key of an encrypted object."
                        .to_string(),
                );
            }
            _ => {}
        }
        if d.service.as_deref() == Some("kms") || d.hints.contains(&Hint::KmsCiphertext) {
            out.push(
                "For KMS: both the key policy and the caller's IAM policies must allow the \
                 operation; a key policy without the account delegation statement ignores IAM \
                 policies."
                    .to_string(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::scan::parse_message;

    fn explain(msg: &str) -> Explanation {
        let d = parse_message(msg).expect("a denial");
        explain_denial(&d)
    }

    #[test]
    fn scp_with_policy_arn_gives_exact_commands() {
        let e = explain(
            "User: arn:aws:iam::111111111111:user/deploy-bot is not authorized to perform: \
             iam:ListRoles on resource: arn:aws:iam::111111111111:role/* with an explicit deny \
             in a service control policy: \
             arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd",
        );
        let md = e.to_markdown();
        assert!(md.contains("aws organizations describe-policy --policy-id p-2kgnabcd"));
        assert!(md.contains(
            "aws organizations list-policies-for-target --target-id 111111111111 --filter SERVICE_CONTROL_POLICY"
        ));
        assert!(md.contains("aws sts get-caller-identity"));
        let first = md.find("get-caller-identity").unwrap_or(usize::MAX);
        let later = md.find("describe-policy").unwrap_or(0);
        assert!(first < later, "caller identity comes first");
        assert!(
            e.headline
                .contains("explicit Deny in a service control policy")
        );
    }

    #[test]
    fn boundary_uses_the_role_name() {
        let e = explain(
            "User: arn:aws:iam::111111111111:role/dev-role is not authorized to perform: \
             s3:DeleteBucket with an implicit deny in a permissions boundary",
        );
        let md = e.to_markdown();
        assert!(
            md.contains("aws iam get-role --role-name dev-role --query Role.PermissionsBoundary")
        );
        assert!(md.contains("aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::111111111111:role/dev-role --action-names s3:DeleteBucket"));
    }

    #[test]
    fn resource_policies_by_service() {
        let md = explain(
            "User: arn:aws:sts::111111111111:assumed-role/app/i-1 is not authorized to perform: \
             s3:GetObject on resource: arn:aws:s3:::my-bucket/config.json because no \
             resource-based policy allows the s3:GetObject action",
        )
        .to_markdown();
        assert!(md.contains("aws s3api get-bucket-policy --bucket my-bucket"));
        let md = explain(
            "User: arn:aws:sts::111111111111:assumed-role/app/i-1 is not authorized to perform: \
             kms:Decrypt on resource: arn:aws:kms:eu-central-1:222222222222:key/abc-123 with an \
             explicit deny in a resource-based policy",
        )
        .to_markdown();
        assert!(md.contains("aws kms get-key-policy --key-id arn:aws:kms:eu-central-1:222222222222:key/abc-123 --policy-name default"));
        assert!(md.contains("Cross-account request"));
        let md = explain(
            "User: arn:aws:iam::111111111111:user/u is not authorized to perform: \
             sqs:SendMessage on resource: arn:aws:sqs:eu-central-1:111111111111:my-queue \
             because no resource-based policy allows the sqs:SendMessage action",
        )
        .to_markdown();
        assert!(md.contains("aws sqs get-queue-attributes --queue-url https://sqs.eu-central-1.amazonaws.com/111111111111/my-queue --attribute-names Policy"));
    }

    #[test]
    fn bare_access_denied_gets_the_checklist_with_s3_hints() {
        let e = explain(
            "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
        );
        let text = e.to_text();
        let order = [
            "get-caller-identity",
            "list-attached-role-policies",
            "PermissionsBoundary",
            "get-bucket-policy",
            "list-policies-for-target",
            "describe-vpc-endpoints",
            "lookup-events",
        ];
        let mut last = 0;
        for needle in order {
            let at = text
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} missing"));
            assert!(at >= last, "{needle} out of order");
            last = at;
        }
        assert!(text.contains("prime suspect"));
        assert!(text.contains("private subnet"));
    }

    #[test]
    fn values_from_logs_are_quoted_for_the_shell() {
        let md = explain(
            "User: arn:aws:iam::111111111111:user/u is not authorized to perform: s3:GetObject \
             on resource: arn:aws:s3:::b/$(reboot) because no identity-based policy allows the \
             s3:GetObject action",
        )
        .to_markdown();
        assert!(md.contains("--resource-arns 'arn:aws:s3:::b/$(reboot)'"));
    }
}
