//! The request being decided: principal, action, resource, and the request context.

/// A request to decide.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The calling principal's ARN (user, role, role session, federated user, account root),
    /// a service principal (`ec2.amazonaws.com`), or `None` when not known.
    pub principal: Option<String>,
    /// `service:Action`.
    pub action: String,
    /// The resource ARN (or `*` for actions without a resource).
    pub resource: String,
    /// The resource's account, for ARNs that have none (S3 buckets).
    pub resource_account: Option<String>,
    /// The condition keys the request carries.
    pub context: Context,
}

/// Condition keys and their values. Key names compare ignoring ASCII case (as IAM does);
/// values keep their case. A key may hold several values (multi-valued keys).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<(String, Vec<String>)>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Adds `value` to `key` (a repeated key gains values).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        match self
            .entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            Some((_, values)) => values.push(value.into()),
            None => self.entries.push((key.to_string(), vec![value.into()])),
        }
    }

    /// Sets `key` to exactly `values` (an empty list is a present key with no values).
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        match self
            .entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            Some((_, v)) => *v = values,
            None => self.entries.push((key.to_string(), values)),
        }
    }

    /// The values of `key`, `None` when the request does not carry it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether the request carries `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every key with its values, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// What kind of principal made the request, read from its ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `arn:aws:iam::111122223333:user/path/name`
    User,
    /// `arn:aws:iam::111122223333:role/path/name` (a session of the role, name unknown)
    Role {
        /// The role's name (last path segment).
        name: String,
    },
    /// `arn:aws:sts::111122223333:assumed-role/name/session`
    RoleSession {
        /// The role's name.
        role: String,
    },
    /// `arn:aws:sts::111122223333:federated-user/name`
    FederatedUser,
    /// `arn:aws:iam::111122223333:root` or a bare account id.
    Root,
    /// A service principal such as `ec2.amazonaws.com`.
    Service,
    /// Anything else (kept for exact comparison).
    Other,
}

/// The request's principal, taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalInfo {
    /// As given.
    pub arn: String,
    /// The partition (`aws`), when an ARN.
    pub partition: Option<String>,
    /// The account, when known.
    pub account: Option<String>,
    /// The kind.
    pub kind: PrincipalKind,
}

impl PrincipalInfo {
    /// Reads a principal ARN (or account id, or service principal).
    pub fn parse(arn: &str) -> PrincipalInfo {
        let other = |kind| PrincipalInfo {
            arn: arn.to_string(),
            partition: None,
            account: None,
            kind,
        };
        if is_account_id(arn) {
            return PrincipalInfo {
                account: Some(arn.to_string()),
                ..other(PrincipalKind::Root)
            };
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return other(
                if arn.ends_with(".amazonaws.com") || arn.ends_with(".amazonaws.com.cn") {
                    PrincipalKind::Service
                } else {
                    PrincipalKind::Other
                },
            );
        }
        let (service, account, resource) = (parts[2], parts[4], parts[5]);
        let segments: Vec<&str> = resource.split('/').collect();
        let kind = match (service, segments.as_slice()) {
            ("iam", ["root"]) => PrincipalKind::Root,
            ("iam", ["user", .., _]) => PrincipalKind::User,
            ("iam", ["role", .., name]) => PrincipalKind::Role {
                name: name.to_string(),
            },
            ("sts", ["assumed-role", role, _]) => PrincipalKind::RoleSession {
                role: role.to_string(),
            },
            ("sts", ["federated-user", _]) => PrincipalKind::FederatedUser,
            _ => PrincipalKind::Other,
        };
        PrincipalInfo {
            arn: arn.to_string(),
            partition: Some(parts[1].to_string()),
            account: (!account.is_empty()).then(|| account.to_string()),
            kind,
        }
    }

    /// The ARN that `aws:PrincipalArn` holds: the role's ARN for a role session (without its
    /// path, which the session ARN does not carry), the ARN itself otherwise.
    pub fn principal_arn(&self) -> String {
        match (&self.kind, &self.partition, &self.account) {
            (PrincipalKind::RoleSession { role }, Some(p), Some(a)) => {
                format!("arn:{p}:iam::{a}:role/{role}")
            }
            (PrincipalKind::Root, None, Some(a)) => format!("arn:aws:iam::{a}:root"),
            _ => self.arn.clone(),
        }
    }

    /// The user's name for `aws:username` (IAM users only).
    pub fn user_name(&self) -> Option<&str> {
        match self.kind {
            PrincipalKind::User => self.arn.rsplit('/').next(),
            _ => None,
        }
    }
}

/// Twelve ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account field of an ARN (`None` when empty or not an ARN).
pub fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next() != Some("arn") {
        return None;
    }
    parts.nth(3).filter(|a| !a.is_empty())
}
