//! Hovers on `Principal`/`NotPrincipal` keys and values, and the principal lists completion
//! offers.

use super::markdown::{self, IAM_GUIDE, code};
use crate::catalog;
use crate::policy::PrincipalType;
use std::fmt::Write as _;

/// Service principals offered by completion: common services that assume roles or call other
/// services with their own identity. Completion also derives `<prefix>.amazonaws.com` for the
/// service named in a typed prefix; this list only sets what comes first.
pub const SERVICE_PRINCIPALS: &[&str] = &[
    "lambda.amazonaws.com",
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "states.amazonaws.com",
    "events.amazonaws.com",
    "scheduler.amazonaws.com",
    "apigateway.amazonaws.com",
    "s3.amazonaws.com",
    "sns.amazonaws.com",
    "sqs.amazonaws.com",
    "logs.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "cloudformation.amazonaws.com",
    "codebuild.amazonaws.com",
    "codepipeline.amazonaws.com",
    "codedeploy.amazonaws.com",
    "glue.amazonaws.com",
    "firehose.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
    "sagemaker.amazonaws.com",
    "bedrock.amazonaws.com",
    "eks.amazonaws.com",
    "pods.eks.amazonaws.com",
    "batch.amazonaws.com",
    "backup.amazonaws.com",
    "edgelambda.amazonaws.com",
    "cloudfront.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "rds.amazonaws.com",
    "redshift.amazonaws.com",
    "dms.amazonaws.com",
    "datasync.amazonaws.com",
    "ssm.amazonaws.com",
    "autoscaling.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "export.rds.amazonaws.com",
];

/// Web identity and federation providers offered under `Federated`.
pub const FEDERATED: &[(&str, &str)] = &[
    (
        "cognito-identity.amazonaws.com",
        "Amazon Cognito identity pools",
    ),
    ("accounts.google.com", "Google"),
    ("graph.facebook.com", "Facebook"),
    ("www.amazon.com", "Login with Amazon"),
];

/// The hover on a principal type key (`AWS`, `Service`, ...).
pub fn type_hover(key: &str) -> String {
    let body = match PrincipalType::from_key(key) {
        Some(PrincipalType::Aws) => {
            "IAM principals: an account ID or `arn:aws:iam::<account>:root` (the account as a \
             whole, whose IAM policies then decide), a role or user ARN, an assumed-role session \
             ARN, or `*` (any principal, anonymous callers included)."
        }
        Some(PrincipalType::Service) => {
            "AWS service principals such as `lambda.amazonaws.com`: the service itself acts, for \
             example assuming a role or writing to a bucket. Guard such statements with \
             `aws:SourceArn` or `aws:SourceAccount` so that only your own resources can make the \
             service act (the confused-deputy problem)."
        }
        Some(PrincipalType::Federated) => {
            "Federated identities: a SAML provider ARN \
             (`arn:aws:iam::<account>:saml-provider/<name>`), an OIDC provider ARN \
             (`arn:aws:iam::<account>:oidc-provider/<host>`), or a web identity provider such as \
             `cognito-identity.amazonaws.com`. Used in role trust policies with \
             `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity`; restrict them with the \
             provider's `aud`/`sub` keys."
        }
        Some(PrincipalType::CanonicalUser) => {
            "An Amazon S3 canonical user ID: a long hexadecimal form of an account ID used by S3 \
             access control lists and CloudFront origin access identities."
        }
        None => {
            return format!(
                "**{}**: not a principal type\n\nThe principal types are `AWS`, `Service`, \
                 `Federated` and `CanonicalUser` (case-sensitive).",
                code(key)
            );
        }
    };
    let mut out = format!("**`{key}`** principals\n\n{body}");
    principal_link(&mut out);
    out
}

fn principal_link(out: &mut String) {
    let _ = write!(
        out,
        "\n\n[Principal element (IAM User Guide)]({IAM_GUIDE}/reference_policies_elements_principal.html)"
    );
}

/// The hover on the bare string form (`"Principal": "*"`).
pub fn bare_hover(value: &str) -> String {
    if value == "*" {
        let mut out = "**`\"*\"`**: every principal\n\nAnyone, anonymous callers included (the \
                       same as `{\"AWS\": \"*\"}`). In an Allow this makes the resource public \
                       unless conditions narrow it, for example on `aws:PrincipalOrgID`, \
                       `aws:PrincipalAccount` or `aws:SourceVpce`."
            .to_string();
        principal_link(&mut out);
        out
    } else {
        format!(
            "**{}**: not a principal\n\nAs a plain string only `\"*\"` is valid; name \
             principals in an object such as `{{\"AWS\": \"arn:aws:iam::111122223333:root\"}}`.",
            code(value)
        )
    }
}

/// The hover on one principal value under the key `key`.
pub fn value_hover(key: &str, value: &str) -> String {
    let what = match PrincipalType::from_key(key) {
        Some(PrincipalType::Aws) => aws_value(value),
        Some(PrincipalType::Service) => service_value(value),
        Some(PrincipalType::Federated) => federated_value(value),
        Some(PrincipalType::CanonicalUser) => "an Amazon S3 canonical user ID".to_string(),
        None => "a value under an unknown principal type".to_string(),
    };
    let mut out = format!("**{}**: {what}", code(value));
    principal_link(&mut out);
    out
}

fn aws_value(value: &str) -> String {
    if value == "*" {
        return "every principal, anonymous callers included (the same as `\"Principal\": \
                \"*\"`)"
            .to_string();
    }
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return format!(
            "AWS account {value}\n\nThe account as a whole (like \
             `arn:aws:iam::{value}:root`): its IAM policies decide which of its users and roles \
             get the access."
        );
    }
    let unique_id = value.len() >= 16
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && ["AIDA", "AROA"].iter().any(|p| value.starts_with(p));
    if unique_id {
        return "an IAM unique ID\n\nIAM shows a unique ID in place of an ARN when the user or \
                role it named was deleted; a new user or role with the same name does not match \
                it. Replace it or remove it."
            .to_string();
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" {
        let account = parts[4];
        let resource = parts[5];
        let kind = match (
            parts[2],
            resource.split_once('/').map_or(resource, |(t, _)| t),
        ) {
            ("iam", "root") => format!(
                "the account {account} as a whole: its IAM policies decide which of its users \
                 and roles get the access"
            ),
            ("iam", "role") => {
                format!("an IAM role in account {account}; every session of the role matches")
            }
            ("iam", "user") => format!("an IAM user in account {account}"),
            ("sts", "assumed-role") => {
                format!("one role session in account {account} (role name, then session name)")
            }
            ("sts", "federated-user") => {
                format!("a federated user session in account {account}")
            }
            _ => format!("an ARN in account {account}"),
        };
        return kind;
    }
    "not an account ID or principal ARN".to_string()
}

fn service_value(value: &str) -> String {
    let Some(name) = value.strip_suffix(".amazonaws.com") else {
        return "not a service principal: they end in `.amazonaws.com`".to_string();
    };
    let prefix = name.rsplit('.').next().unwrap_or(name);
    match catalog::catalog()
        .service(prefix)
        .or_else(|| catalog::catalog().service(name))
    {
        Some(svc) => format!(
            "service principal of {}\n\nThe service acts with its own identity. Guard it with \
             `aws:SourceArn` or `aws:SourceAccount` so that only your resources can make it \
             act.",
            markdown::escape(svc.name())
        ),
        None => "an AWS service principal\n\nThe service acts with its own identity. Guard it \
                 with `aws:SourceArn` or `aws:SourceAccount`."
            .to_string(),
    }
}

fn federated_value(value: &str) -> String {
    if let Some((_, label)) = FEDERATED.iter().find(|(v, _)| *v == value) {
        return format!(
            "web identity provider ({label}), used with `sts:AssumeRoleWithWebIdentity`"
        );
    }
    if value.contains(":saml-provider/") {
        return "a SAML identity provider in IAM, used with `sts:AssumeRoleWithSAML`".to_string();
    }
    if let Some((_, host)) = value.split_once(":oidc-provider/") {
        return format!(
            "an OIDC identity provider in IAM ({}), used with \
             `sts:AssumeRoleWithWebIdentity`; restrict it with its `aud` and `sub` keys",
            code(host)
        );
    }
    "a federated identity provider".to_string()
}
