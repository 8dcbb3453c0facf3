//! ## What it does
//! Flags a service control policy or resource control policy longer than 5,120 characters.
//! AWS Organizations counts every character, white space included. The finding sits on the
//! policy's first brace.
//!
//! ## Why it matters
//! Organizations refuses to save an SCP or RCP over the limit, so the guardrail is never
//! deployed. Because white space counts, minifying the JSON is the quickest relief; after that,
//! merge statements or split the policy (an account or OU can have several attached).
//!
//! ## Example
//! ```json kind:scp
//! {
//!     "Version": "2012-10-17",
//!     "Statement": [
//!         {
//!             "Sid": "DenyOutsideApprovedRegions",
//!             "Effect": "Deny",
//!             "NotAction": [
//!                 "a4b:*", "access-analyzer:*", "account:*", "acm:*", "activate:*", "artifact:*",
//!                 "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "billing:*",
//!                 "budgets:*", "ce:*", "chatbot:*", "chime:*", "cloudfront:*", "cloudtrail:LookupEvents",
//!                 "compute-optimizer:*", "config:*", "consolidatedbilling:*", "cur:*", "directconnect:*",
//!                 "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways",
//!                 "fms:*", "freetier:*", "globalaccelerator:*", "health:*", "iam:*", "importexport:*",
//!                 "invoicing:*", "iq:*", "kms:*", "license-manager:ListReceivedLicenses", "lightsail:Get*",
//!                 "mobileanalytics:*", "networkmanager:*", "notifications-contacts:*", "notifications:*",
//!                 "organizations:*", "payments:*", "pricing:*", "quicksight:DescribeAccountSubscription",
//!                 "resource-explorer-2:*", "route53-recovery-cluster:*", "route53-recovery-control-config:*",
//!                 "route53-recovery-readiness:*", "route53:*", "route53domains:*", "s3:CreateMultiRegionAccessPoint",
//!                 "s3:DeleteMultiRegionAccessPoint", "s3:DescribeMultiRegionAccessPointOperation",
//!                 "s3:GetAccountPublicAccessBlock", "s3:GetBucketLocation", "s3:GetBucketPolicyStatus",
//!                 "s3:GetBucketPublicAccessBlock", "s3:GetMultiRegionAccessPoint", "s3:GetMultiRegionAccessPointPolicy",
//!                 "s3:GetMultiRegionAccessPointPolicyStatus", "s3:GetStorageLensConfiguration",
//!                 "s3:GetStorageLensDashboard", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints",
//!                 "s3:ListStorageLensConfigurations", "s3:PutAccountPublicAccessBlock",
//!                 "s3:PutMultiRegionAccessPointPolicy", "savingsplans:*", "shield:*", "sso:*", "sts:*",
//!                 "support:*", "supportapp:*", "supportplans:*", "sustainability:*", "tag:GetResources",
//!                 "tax:*", "trustedadvisor:*", "vendor-insights:ListEntitledSecurityProfiles",
//!                 "waf-regional:*", "waf:*", "wafv2:*"
//!             ],
//!             "Resource": "*",
//!             "Condition": {
//!                 "StringNotEquals": {
//!                     "aws:RequestedRegion": [
//!                         "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1",
//!                         "eu-south-2", "eu-central-2"
//!                     ]
//!                 },
//!                 "ArnNotLike": {
//!                     "aws:PrincipalARN": [
//!                         "arn:aws:iam::*:role/OrganizationAccountAccessRole",
//!                         "arn:aws:iam::*:role/AWSControlTowerExecution",
//!                         "arn:aws:iam::*:role/platform/break-glass-administrator",
//!                         "arn:aws:iam::*:role/platform/network-automation",
//!                         "arn:aws:iam::*:role/platform/security-audit",
//!                         "arn:aws:iam::*:role/platform/incident-response"
//!                     ]
//!                 }
//!             }
//!         },
//!         {
//!             "Sid": "DenyLeavingTheOrganization",
//!             "Effect": "Deny",
//!             "Action": [
//!                 "organizations:LeaveOrganization",
//!                 "account:CloseAccount",
//!                 "account:PutAlternateContact",
//!                 "account:DeleteAlternateContact",
//!                 "account:PutContactInformation",
//!                 "account:EnableRegion",
//!                 "account:DisableRegion"
//!             ],
//!             "Resource": "*"
//!         },
//!         {
//!             "Sid": "DenySecurityServiceChanges",
//!             "Effect": "Deny",
//!             "Action": [
//!                 "cloudtrail:DeleteTrail",
//!                 "cloudtrail:StopLogging",
//!                 "cloudtrail:UpdateTrail",
//!                 "cloudtrail:PutEventSelectors",
//!                 "config:DeleteConfigRule",
//!                 "config:DeleteConfigurationRecorder",
//!                 "config:DeleteDeliveryChannel",
//!                 "config:StopConfigurationRecorder",
//!                 "guardduty:DeleteDetector",
//!                 "guardduty:DisassociateFromMasterAccount",
//!                 "guardduty:UpdateDetector",
//!                 "guardduty:DeleteMembers",
//!                 "securityhub:DisableSecurityHub",
//!                 "securityhub:DeleteMembers",
//!                 "securityhub:DisassociateFromAdministratorAccount",
//!                 "access-analyzer:DeleteAnalyzer",
//!                 "macie2:DisableMacie",
//!                 "inspector2:Disable",
//!                 "detective:DeleteGraph",
//!                 "ec2:DisableEbsEncryptionByDefault",
//!                 "s3:PutAccountPublicAccessBlock",
//!                 "iam:DeleteAccountPasswordPolicy",
//!                 "iam:UpdateAccountPasswordPolicy",
//!                 "kms:ScheduleKeyDeletion",
//!                 "kms:DisableKey"
//!             ],
//!             "Resource": "*"
//!         },
//!         {
//!             "Sid": "DenyRootUser",
//!             "Effect": "Deny",
//!             "Action": "*",
//!             "Resource": "*",
//!             "Condition": {
//!                 "StringLike": {
//!                     "aws:PrincipalArn": [
//!                         "arn:aws:iam::*:root"
//!                     ]
//!                 }
//!             }
//!         }
//!     ]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:scp
//! {"Version":"2012-10-17","Statement":[{"Sid":"DenyLeavingTheOrganization","Effect":"Deny","Action":["organizations:LeaveOrganization","account:CloseAccount"],"Resource":"*"},{"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]}}}]}
//! ```

use crate::policy::PolicyKind;
use crate::rules::structure::policy_size::report_size;
use crate::rules::{Category, Context, Diag, Kinds, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM041",
    name: "org-policy-size",
    category: Category::Structure,
    severity: Severity::Error,
    kinds: Kinds::Only(&[PolicyKind::ServiceControl, PolicyKind::ResourceControl]),
    since: "0.1.0",
    sources: &[
        "Access Analyzer: POLICY_SIZE_EXCEEDS_SCP_QUOTA",
        "Access Analyzer: POLICY_SIZE_EXCEEDS_RCP_QUOTA",
    ],
    summary: "An SCP or RCP is longer than 5,120 characters.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    report_size(cx, out);
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyKind;
    use crate::rules::testing::{render, run_rule};

    const NAME: &str = "org-policy-size";

    fn scp(n: usize, indent: &str) -> String {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{indent}{{\"Sid\": \"D{i:03}\", \"Effect\": \"Deny\", \"Action\": \"ec2:RunInstances\", \"Resource\": \"arn:aws:ec2:*:*:instance/{i:03}\"}}"
                )
            })
            .collect();
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
            statements.join(",\n")
        )
    }

    #[test]
    fn white_space_counts_for_organizations() {
        let compact = scp(40, "");
        assert!(compact.len() < 5_120);
        assert!(run_rule(NAME, &compact, Some(PolicyKind::ServiceControl)).is_empty());
        let indented = scp(40, &" ".repeat(40));
        let f = run_rule(NAME, &indented, Some(PolicyKind::ServiceControl));
        insta::assert_snapshot!(render(&indented, &f).lines().next().unwrap_or(""));
        assert_eq!(
            run_rule(NAME, &indented, Some(PolicyKind::ResourceControl)).len(),
            1
        );
        assert!(run_rule(NAME, &indented, Some(PolicyKind::Identity)).is_empty());
    }
}
