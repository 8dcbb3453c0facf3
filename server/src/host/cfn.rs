//! Where policies sit in a CloudFormation or SAM template, and the kind each place gives them.

use super::value::{Kind, Value};
use crate::policy::PolicyKind;

/// A policy document found in a template.
#[derive(Debug)]
pub struct Found<'a> {
    pub kind: PolicyKind,
    /// `Resources.<logical id>.Properties.<property>...`, for messages and outlines.
    pub label: String,
    pub value: &'a Value,
}

/// True when the root is a template: it has `AWSTemplateFormatVersion`, or a `Resources` map in
/// which some resource has a `Type` starting with `AWS::`.
pub fn is_template(root: &Value) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(Value::entries)
        .is_some_and(|resources| {
            resources.iter().any(|r| {
                r.value
                    .get("Type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// Every policy document of the template's resources, in text order.
pub fn policies(root: &Value) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    let Some(resources) = root.get("Resources").and_then(Value::entries) else {
        return out;
    };
    for r in resources {
        let (Some(ty), Some(props)) = (
            r.value.get("Type").and_then(Value::as_str),
            r.value.get("Properties"),
        ) else {
            continue;
        };
        let id = &r.key;
        let mut one = |kind: PolicyKind, prop: &str| property(&mut out, id, props, kind, prop);
        match ty {
            "AWS::IAM::Role" => {
                property(
                    &mut out,
                    id,
                    props,
                    PolicyKind::RoleTrust,
                    "AssumeRolePolicyDocument",
                );
                inline_policies(&mut out, id, props);
            }
            "AWS::IAM::User" | "AWS::IAM::Group" => inline_policies(&mut out, id, props),
            "AWS::IAM::Policy"
            | "AWS::IAM::ManagedPolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy"
            | "AWS::IAM::RolePolicy" => one(PolicyKind::Identity, "PolicyDocument"),
            "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                one(PolicyKind::Resource, "PolicyDocument")
            }
            "AWS::SecretsManager::ResourcePolicy" => one(PolicyKind::Resource, "ResourcePolicy"),
            "AWS::ECR::Repository" => one(PolicyKind::Resource, "RepositoryPolicyText"),
            "AWS::KMS::Key" => one(PolicyKind::KmsKey, "KeyPolicy"),
            "AWS::EC2::VPCEndpoint" => one(PolicyKind::VpcEndpoint, "PolicyDocument"),
            "AWS::Organizations::Policy" => match props.get("Type").and_then(Value::as_str) {
                Some("SERVICE_CONTROL_POLICY") => one(PolicyKind::ServiceControl, "Content"),
                Some("RESOURCE_CONTROL_POLICY") => one(PolicyKind::ResourceControl, "Content"),
                _ => {}
            },
            "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => {
                sam_policies(&mut out, id, props)
            }
            _ => {}
        }
    }
    out
}

/// The policy at `Properties.<prop>`, when present.
fn property<'a>(
    out: &mut Vec<Found<'a>>,
    id: &str,
    props: &'a Value,
    kind: PolicyKind,
    prop: &str,
) {
    if let Some(v) = props.get(prop) {
        out.push(Found {
            kind,
            label: format!("Resources.{id}.Properties.{prop}"),
            value: v,
        });
    }
}

/// `Policies: [{PolicyName, PolicyDocument}]` of a role, user or group.
fn inline_policies<'a>(out: &mut Vec<Found<'a>>, id: &str, props: &'a Value) {
    let Some(policies) = props.get("Policies") else {
        return;
    };
    // `Policies: !If [Cond, [...], !Ref AWS::NoValue]`: each branch's list.
    for list in if_branches(policies) {
        for (i, item) in list.items().unwrap_or_default().iter().enumerate() {
            for item in if_branches(item) {
                if let Some(doc) = item.get("PolicyDocument") {
                    out.push(Found {
                        kind: PolicyKind::Identity,
                        label: format!("Resources.{id}.Properties.Policies[{i}].PolicyDocument"),
                        value: doc,
                    });
                }
            }
        }
    }
}

/// The values an `Fn::If` (`!If`) can take, `AWS::NoValue` left out (nested `If`s followed);
/// any other value is its only branch.
fn if_branches(v: &Value) -> Vec<&Value> {
    let arg = match &v.kind {
        Kind::Tagged { tag, value } if tag == "If" || tag == "Fn::If" => value.as_ref(),
        Kind::Map(entries) if entries.len() == 1 && entries[0].key == "Fn::If" => &entries[0].value,
        _ => return vec![v],
    };
    let no_value = |b: &Value| match &b.kind {
        Kind::Tagged { tag, value } if tag == "Ref" => value.as_str() == Some("AWS::NoValue"),
        Kind::Map(e) if e.len() == 1 && e[0].key == "Ref" => {
            e[0].value.as_str() == Some("AWS::NoValue")
        }
        _ => false,
    };
    arg.items()
        .unwrap_or_default()
        .iter()
        .skip(1)
        .take(2)
        .filter(|b| !no_value(b))
        .flat_map(if_branches)
        .collect()
}

/// SAM `Policies`: a managed policy name, a policy template, or an inline document (a mapping
/// with `Statement`), alone or in a list. Only inline documents are policies here.
fn sam_policies<'a>(out: &mut Vec<Found<'a>>, id: &str, props: &'a Value) {
    let Some(policies) = props.get("Policies") else {
        return;
    };
    let is_doc = |v: &Value| matches!(v.kind, Kind::Map(_)) && v.get("Statement").is_some();
    if is_doc(policies) {
        out.push(Found {
            kind: PolicyKind::Identity,
            label: format!("Resources.{id}.Properties.Policies"),
            value: policies,
        });
    }
    for (i, item) in policies.items().unwrap_or_default().iter().enumerate() {
        if is_doc(item) {
            out.push(Found {
                kind: PolicyKind::Identity,
                label: format!("Resources.{id}.Properties.Policies[{i}]"),
                value: item,
            });
        }
    }
}
