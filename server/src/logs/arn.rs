//! ARNs as they appear in denial messages: who was refused, and which policy refused.

use crate::syntax::Span;

/// The six parts of `arn:partition:service:region:account:resource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    /// Everything after the fifth colon (may itself hold colons and slashes).
    pub resource: String,
}

impl Arn {
    /// Splits an ARN; `None` unless it starts with `arn:` and has all six parts.
    pub fn parse(text: &str) -> Option<Arn> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if partition.is_empty() || service.is_empty() {
            return None;
        }
        Some(Arn {
            partition: partition.to_string(),
            service: service.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            resource: resource.to_string(),
        })
    }

    /// The account when it is a 12-digit account id.
    pub fn account_id(&self) -> Option<&str> {
        is_account_id(&self.account).then_some(self.account.as_str())
    }

    /// The resource part split at `/`.
    fn resource_segments(&self) -> Vec<&str> {
        self.resource.split('/').collect()
    }
}

/// True for a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// What sort of caller was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `arn:aws:iam::ACCOUNT:user/PATH/NAME`.
    IamUser { name: String, path: String },
    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME` (some services name the role rather than the session).
    IamRole { name: String, path: String },
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`: a session of a role.
    AssumedRole {
        role_name: String,
        session_name: String,
    },
    /// `arn:aws:sts::ACCOUNT:federated-user/NAME` (GetFederationToken).
    FederatedUser { name: String },
    /// `arn:aws:iam::ACCOUNT:root`: the account's root user.
    Root,
    /// An AWS service principal such as `ec2.amazonaws.com`.
    Service { name: String },
    /// An unauthenticated request (`anonymous`).
    Anonymous,
    /// Something else: kept as written.
    Unknown,
}

/// The refused caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// As written (an ARN, `anonymous`, a service name...).
    pub text: String,
    /// Where it is written; `None` when taken from context (a CloudTrail event's `userIdentity`).
    pub span: Option<Span>,
    pub kind: PrincipalKind,
    /// The 12-digit account, from the ARN.
    pub account_id: Option<String>,
    /// The ARN partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: Option<String>,
}

impl Principal {
    /// Classifies a principal as written in a message.
    pub fn classify(text: &str, span: Option<Span>) -> Principal {
        let text = text.trim();
        let mut p = Principal {
            text: text.to_string(),
            span,
            kind: PrincipalKind::Unknown,
            account_id: None,
            partition: None,
        };
        if text.eq_ignore_ascii_case("anonymous") {
            p.kind = PrincipalKind::Anonymous;
            return p;
        }
        if is_service_principal(text) {
            p.kind = PrincipalKind::Service {
                name: text.to_string(),
            };
            return p;
        }
        let Some(arn) = Arn::parse(text) else {
            return p;
        };
        p.account_id = arn.account_id().map(str::to_string);
        p.partition = Some(arn.partition.clone());
        let segs = arn.resource_segments();
        p.kind = match (arn.service.as_str(), segs.first().copied()) {
            ("iam", Some("root")) if segs.len() == 1 => PrincipalKind::Root,
            ("iam", Some("user")) if segs.len() >= 2 => PrincipalKind::IamUser {
                name: segs[segs.len() - 1].to_string(),
                path: path_of(&segs),
            },
            ("iam", Some("role")) if segs.len() >= 2 => PrincipalKind::IamRole {
                name: segs[segs.len() - 1].to_string(),
                path: path_of(&segs),
            },
            ("sts", Some("assumed-role")) if segs.len() >= 3 => PrincipalKind::AssumedRole {
                role_name: segs[1].to_string(),
                session_name: segs[2..].join("/"),
            },
            ("sts", Some("federated-user")) if segs.len() >= 2 => PrincipalKind::FederatedUser {
                name: segs[1..].join("/"),
            },
            _ => PrincipalKind::Unknown,
        };
        p
    }

    /// A short label for the kind: "IAM user", "assumed-role session", ...
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            PrincipalKind::IamUser { .. } => "IAM user",
            PrincipalKind::IamRole { .. } => "IAM role",
            PrincipalKind::AssumedRole { .. } => "assumed-role session",
            PrincipalKind::FederatedUser { .. } => "federated user",
            PrincipalKind::Root => "root user",
            PrincipalKind::Service { .. } => "AWS service",
            PrincipalKind::Anonymous => "anonymous (unsigned) request",
            PrincipalKind::Unknown => "unknown kind",
        }
    }

    /// The role behind the principal (a role, or a session of one).
    pub fn role_name(&self) -> Option<&str> {
        match &self.kind {
            PrincipalKind::IamRole { name, .. } => Some(name),
            PrincipalKind::AssumedRole { role_name, .. } => Some(role_name),
            _ => None,
        }
    }

    /// The IAM user name, for a user.
    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            PrincipalKind::IamUser { name, .. } => Some(name),
            _ => None,
        }
    }

    /// For a role created by IAM Identity Center (`AWSReservedSSO_<set>_<hex>`), the permission
    /// set's name.
    pub fn identity_center_permission_set(&self) -> Option<&str> {
        let role = self.role_name()?;
        let rest = role.strip_prefix("AWSReservedSSO_")?;
        // The suffix after the last underscore is a 16-hex-digit id.
        match rest.rfind('_') {
            Some(i) if i > 0 => Some(&rest[..i]),
            _ => Some(rest),
        }
    }

    /// The IAM ARN that `aws iam simulate-principal-policy` accepts: the user or role itself.
    /// For a session the role ARN is rebuilt without its path (the session ARN does not carry
    /// it), so the second value says whether the path may be missing.
    pub fn simulation_arn(&self) -> Option<(String, bool)> {
        let partition = self.partition.as_deref().unwrap_or("aws");
        match &self.kind {
            PrincipalKind::IamUser { .. } | PrincipalKind::IamRole { .. } => {
                Some((self.text.clone(), false))
            }
            PrincipalKind::AssumedRole { role_name, .. } => {
                let account = self.account_id.as_deref()?;
                Some((
                    format!("arn:{partition}:iam::{account}:role/{role_name}"),
                    true,
                ))
            }
            _ => None,
        }
    }
}

fn path_of(segs: &[&str]) -> String {
    if segs.len() <= 2 {
        "/".to_string()
    } else {
        format!("/{}/", segs[1..segs.len() - 1].join("/"))
    }
}

/// `ec2.amazonaws.com`, `logs.us-east-1.amazonaws.com`, `ec2.amazonaws.com.cn`.
pub fn is_service_principal(s: &str) -> bool {
    let body = s
        .strip_suffix(".amazonaws.com")
        .or_else(|| s.strip_suffix(".amazonaws.com.cn"));
    matches!(body, Some(b) if !b.is_empty()
        && b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.'))
}

/// What a policy ARN in an explicit-deny reason points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// `arn:aws:organizations::MGMT:policy/o-ORG/service_control_policy/p-ID`.
    ServiceControlPolicy {
        org_id: Option<String>,
        policy_id: String,
        /// `arn:aws:organizations::aws:policy/...`: one that AWS provides (FullAWSAccess).
        aws_managed: bool,
    },
    /// `.../resource_control_policy/p-ID`.
    ResourceControlPolicy {
        org_id: Option<String>,
        policy_id: String,
        aws_managed: bool,
    },
    /// Another Organizations policy type (tag, backup, AI opt-out ...).
    OtherOrganizationsPolicy {
        org_id: Option<String>,
        policy_type: String,
        policy_id: String,
    },
    /// `arn:aws:iam::aws:policy/PATH/NAME`.
    AwsManaged { name: String, path: String },
    /// `arn:aws:iam::ACCOUNT:policy/PATH/NAME`.
    CustomerManaged {
        account_id: String,
        name: String,
        path: String,
    },
    /// The ARN of a user, role or group: the deny is in one of that identity's inline policies.
    Inline {
        owner: InlineOwner,
        owner_name: String,
    },
    /// The ARN of a resource (bucket, key, queue...): its own resource-based policy.
    ResourcePolicy { service: String },
    /// Not recognised.
    Unknown,
}

/// The identity that holds an inline policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineOwner {
    /// An IAM user's inline policy.
    User,
    /// An IAM role's inline policy.
    Role,
    /// An IAM group's inline policy.
    Group,
}

/// A policy named by ARN in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRef {
    pub arn: String,
    pub span: Option<Span>,
    pub kind: PolicyKind,
    /// For Organizations policies: the management account in the ARN.
    pub account: Option<String>,
}

impl PolicyRef {
    /// Classifies a policy ARN.
    pub fn classify(arn_text: &str, span: Option<Span>) -> PolicyRef {
        let mut r = PolicyRef {
            arn: arn_text.to_string(),
            span,
            kind: PolicyKind::Unknown,
            account: None,
        };
        let Some(arn) = Arn::parse(arn_text) else {
            return r;
        };
        r.account = (!arn.account.is_empty()).then(|| arn.account.clone());
        let segs = arn.resource_segments();
        r.kind = match (arn.service.as_str(), segs.first().copied()) {
            ("organizations", Some("policy")) => {
                let aws_managed = arn.account == "aws";
                // policy/o-ORG/TYPE/p-ID or policy/TYPE/p-ID
                let (org_id, rest) = match segs.get(1) {
                    Some(o) if o.starts_with("o-") => (Some(o.to_string()), &segs[2..]),
                    _ => (None, &segs[1..]),
                };
                match rest {
                    [ty, id, ..] => match *ty {
                        "service_control_policy" => PolicyKind::ServiceControlPolicy {
                            org_id,
                            policy_id: id.to_string(),
                            aws_managed,
                        },
                        "resource_control_policy" => PolicyKind::ResourceControlPolicy {
                            org_id,
                            policy_id: id.to_string(),
                            aws_managed,
                        },
                        other => PolicyKind::OtherOrganizationsPolicy {
                            org_id,
                            policy_type: other.to_string(),
                            policy_id: id.to_string(),
                        },
                    },
                    _ => PolicyKind::Unknown,
                }
            }
            ("iam", Some("policy")) if segs.len() >= 2 => {
                let name = segs[segs.len() - 1].to_string();
                let path = path_of(&segs);
                if arn.account == "aws" {
                    PolicyKind::AwsManaged { name, path }
                } else {
                    PolicyKind::CustomerManaged {
                        account_id: arn.account.clone(),
                        name,
                        path,
                    }
                }
            }
            ("iam", Some(kind @ ("user" | "role" | "group"))) if segs.len() >= 2 => {
                PolicyKind::Inline {
                    owner: match kind {
                        "user" => InlineOwner::User,
                        "role" => InlineOwner::Role,
                        _ => InlineOwner::Group,
                    },
                    owner_name: segs[segs.len() - 1].to_string(),
                }
            }
            (service, _) if service != "iam" && service != "organizations" => {
                PolicyKind::ResourcePolicy {
                    service: service.to_string(),
                }
            }
            _ => PolicyKind::Unknown,
        };
        r
    }

    /// The Organizations policy id (`p-...`) when there is one.
    pub fn organizations_policy_id(&self) -> Option<&str> {
        match &self.kind {
            PolicyKind::ServiceControlPolicy { policy_id, .. }
            | PolicyKind::ResourceControlPolicy { policy_id, .. }
            | PolicyKind::OtherOrganizationsPolicy { policy_id, .. } => Some(policy_id),
            _ => None,
        }
    }

    /// The organization id (`o-...`) when the ARN has one.
    pub fn org_id(&self) -> Option<&str> {
        match &self.kind {
            PolicyKind::ServiceControlPolicy { org_id, .. }
            | PolicyKind::ResourceControlPolicy { org_id, .. }
            | PolicyKind::OtherOrganizationsPolicy { org_id, .. } => org_id.as_deref(),
            _ => None,
        }
    }

    /// One line saying what the ARN is.
    pub fn describe(&self) -> String {
        match &self.kind {
            PolicyKind::ServiceControlPolicy {
                org_id,
                policy_id,
                aws_managed,
            } => org_policy_words(
                "service control policy (SCP)",
                org_id,
                policy_id,
                *aws_managed,
            ),
            PolicyKind::ResourceControlPolicy {
                org_id,
                policy_id,
                aws_managed,
            } => org_policy_words(
                "resource control policy (RCP)",
                org_id,
                policy_id,
                *aws_managed,
            ),
            PolicyKind::OtherOrganizationsPolicy {
                org_id,
                policy_type,
                policy_id,
            } => org_policy_words(
                &format!("Organizations policy of type {policy_type}"),
                org_id,
                policy_id,
                false,
            ),
            PolicyKind::AwsManaged { name, .. } => {
                format!("the AWS managed policy {name}")
            }
            PolicyKind::CustomerManaged {
                account_id, name, ..
            } => format!("the customer managed policy {name} in account {account_id}"),
            PolicyKind::Inline { owner, owner_name } => {
                let who = match owner {
                    InlineOwner::User => "user",
                    InlineOwner::Role => "role",
                    InlineOwner::Group => "group",
                };
                format!("an inline policy of the IAM {who} {owner_name}")
            }
            PolicyKind::ResourcePolicy { service } => {
                format!("the resource-based policy of this {service} resource")
            }
            PolicyKind::Unknown => "a policy ARN of a form iam-ls does not recognise".to_string(),
        }
    }
}

fn org_policy_words(
    what: &str,
    org_id: &Option<String>,
    policy_id: &str,
    aws_managed: bool,
) -> String {
    let owner = if aws_managed {
        " provided by AWS".to_string()
    } else {
        match org_id {
            Some(o) => format!(" in organization {o}"),
            None => String::new(),
        }
    };
    format!("{what} {policy_id}{owner}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_kinds() {
        let k = |s: &str| Principal::classify(s, None).kind;
        assert_eq!(
            k("arn:aws:iam::123456789012:user/ops/deploy-bot"),
            PrincipalKind::IamUser {
                name: "deploy-bot".into(),
                path: "/ops/".into()
            }
        );
        assert_eq!(
            k("arn:aws:sts::123456789012:assumed-role/Dev/alice@example.com"),
            PrincipalKind::AssumedRole {
                role_name: "Dev".into(),
                session_name: "alice@example.com".into()
            }
        );
        assert_eq!(
            k("arn:aws:sts::123456789012:federated-user/bob"),
            PrincipalKind::FederatedUser { name: "bob".into() }
        );
        assert_eq!(k("arn:aws:iam::123456789012:root"), PrincipalKind::Root);
        assert_eq!(k("anonymous"), PrincipalKind::Anonymous);
        assert_eq!(
            k("delivery.logs.amazonaws.com"),
            PrincipalKind::Service {
                name: "delivery.logs.amazonaws.com".into()
            }
        );
        assert_eq!(k("someone"), PrincipalKind::Unknown);
        assert_eq!(k("arn:aws:s3:::bucket"), PrincipalKind::Unknown);
    }

    #[test]
    fn identity_center_and_simulation_arn() {
        let p = Principal::classify(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser_0123456789abcdef/jo",
            None,
        );
        assert_eq!(p.identity_center_permission_set(), Some("PowerUser"));
        assert_eq!(
            p.simulation_arn(),
            Some((
                "arn:aws:iam::111111111111:role/AWSReservedSSO_PowerUser_0123456789abcdef".into(),
                true
            ))
        );
    }

    #[test]
    fn policy_kinds() {
        let r = PolicyRef::classify(
            "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd",
            None,
        );
        assert_eq!(r.organizations_policy_id(), Some("p-2kgnabcd"));
        assert_eq!(r.org_id(), Some("o-qv5af4abcd"));
        assert_eq!(r.account.as_deref(), Some("987654321098"));
        let r = PolicyRef::classify(
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
            None,
        );
        assert!(matches!(
            r.kind,
            PolicyKind::ServiceControlPolicy {
                aws_managed: true,
                ..
            }
        ));
        let r = PolicyRef::classify("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", None);
        assert_eq!(
            r.kind,
            PolicyKind::AwsManaged {
                name: "ViewOnlyAccess".into(),
                path: "/job-function/".into()
            }
        );
        let r = PolicyRef::classify("arn:aws:iam::111111111111:role/app", None);
        assert!(matches!(
            r.kind,
            PolicyKind::Inline {
                owner: InlineOwner::Role,
                ..
            }
        ));
        assert_eq!(
            PolicyRef::classify("nonsense", None).kind,
            PolicyKind::Unknown
        );
    }
}
