//! Services whose API is served from one fixed Region whatever Region the caller works in, as
//! data: the list the region-lock trap (`region-lock-blocks-global-services`) checks a Deny on
//! `aws:RequestedRegion` against.
//!
//! A request to such a service carries the service's home Region in `aws:RequestedRegion`
//! (`us-east-1` for IAM, Organizations, CloudFront, Route 53, billing and the other "global"
//! consoles; `us-west-2` for Global Accelerator and Network Manager), so a policy that denies
//! every Region except, say, `eu-central-1` denies these services entirely unless it exempts them.
//!
//! Sources: the Region each service's control-plane endpoint lives in, as listed in the AWS
//! General Reference ("Service endpoints and quotas", one page per service), and the services
//! that the AWS Organizations User Guide's example SCP "deny access to AWS based on the
//! requested Region" exempts. Services with Regional endpoints as well as a global one (STS, the
//! account-level S3 actions) are listed with a note: only calls through the global endpoint carry
//! the home Region. The list was last reviewed against the General Reference in November 2026;
//! when AWS moves or adds a global service, add it here (a test checks every pattern against
//! the catalog).

/// One service (or a group of one service's actions) served from a fixed Region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalService {
    /// The service prefix used in actions, e.g. `iam`.
    pub prefix: &'static str,
    /// The name used in messages, e.g. `IAM`.
    pub name: &'static str,
    /// The Region its requests carry in `aws:RequestedRegion`.
    pub region: &'static str,
    /// The action patterns concerned: empty for the whole service (`prefix:*`), else the
    /// account-level actions that go through the global endpoint.
    pub actions: &'static [&'static str],
    /// When only some calls are concerned (a global endpoint next to Regional ones), which.
    pub note: Option<&'static str>,
}

impl GlobalService {
    /// The patterns that exempt this service in a `NotAction` list: `prefix:*`, or its actions.
    pub fn exemption_patterns(&self) -> Vec<String> {
        if self.actions.is_empty() {
            vec![format!("{}:*", self.prefix)]
        } else {
            self.actions.iter().map(|a| a.to_string()).collect()
        }
    }

    /// The name with its note, for messages: `STS (global endpoint)`.
    pub fn label(&self) -> String {
        match self.note {
            Some(note) => format!("{} ({note})", self.name),
            None => self.name.to_string(),
        }
    }
}

const fn whole(prefix: &'static str, name: &'static str, region: &'static str) -> GlobalService {
    GlobalService {
        prefix,
        name,
        region,
        actions: &[],
        note: None,
    }
}

const fn noted(
    prefix: &'static str,
    name: &'static str,
    region: &'static str,
    note: &'static str,
) -> GlobalService {
    GlobalService {
        prefix,
        name,
        region,
        actions: &[],
        note: Some(note),
    }
}

/// The services whose requests always name one Region, most used first.
pub static GLOBAL_SERVICES: &[GlobalService] = &[
    whole("iam", "IAM", "us-east-1"),
    whole("organizations", "Organizations", "us-east-1"),
    noted("sts", "STS", "us-east-1", "global endpoint"),
    whole("cloudfront", "CloudFront", "us-east-1"),
    whole("route53", "Route 53", "us-east-1"),
    whole("route53domains", "Route 53 Domains", "us-east-1"),
    whole("support", "Support", "us-east-1"),
    whole("supportplans", "Support Plans", "us-east-1"),
    whole("budgets", "Budgets", "us-east-1"),
    whole("ce", "Cost Explorer", "us-east-1"),
    whole("cur", "Cost and Usage Reports", "us-east-1"),
    whole("bcm-data-exports", "Data Exports", "us-east-1"),
    whole(
        "cost-optimization-hub",
        "Cost Optimization Hub",
        "us-east-1",
    ),
    whole("billing", "Billing", "us-east-1"),
    whole("aws-portal", "Billing console (aws-portal)", "us-east-1"),
    whole("payments", "Payments", "us-east-1"),
    whole("invoicing", "Invoicing", "us-east-1"),
    whole("tax", "Tax settings", "us-east-1"),
    whole("freetier", "Free Tier", "us-east-1"),
    whole("purchase-orders", "Purchase orders", "us-east-1"),
    whole("consolidatedbilling", "Consolidated billing", "us-east-1"),
    whole("billingconductor", "Billing Conductor", "us-east-1"),
    whole("savingsplans", "Savings Plans", "us-east-1"),
    whole("account", "Account Management", "us-east-1"),
    whole("health", "Health", "us-east-1"),
    whole("trustedadvisor", "Trusted Advisor", "us-east-1"),
    whole("waf", "WAF Classic", "us-east-1"),
    whole("shield", "Shield", "us-east-1"),
    noted("wafv2", "WAF", "us-east-1", "web ACLs for CloudFront"),
    noted(
        "acm",
        "Certificate Manager",
        "us-east-1",
        "certificates for CloudFront",
    ),
    whole("ecr-public", "ECR Public", "us-east-1"),
    whole("aws-marketplace", "Marketplace", "us-east-1"),
    whole(
        "aws-marketplace-management",
        "Marketplace Management Portal",
        "us-east-1",
    ),
    GlobalService {
        prefix: "s3",
        name: "S3 account-level actions",
        region: "us-east-1",
        actions: &[
            "s3:ListAllMyBuckets",
            "s3:GetAccountPublicAccessBlock",
            "s3:PutAccountPublicAccessBlock",
        ],
        note: Some("through the global endpoint, as the console does"),
    },
    whole("globalaccelerator", "Global Accelerator", "us-west-2"),
    whole("networkmanager", "Network Manager", "us-west-2"),
    whole(
        "route53-recovery-control-config",
        "Route 53 ARC control configuration",
        "us-west-2",
    ),
    whole(
        "route53-recovery-readiness",
        "Route 53 ARC readiness checks",
        "us-west-2",
    ),
];

/// The entry for a service prefix (ignoring case), if the service is global.
pub fn find(prefix: &str) -> Option<&'static GlobalService> {
    GLOBAL_SERVICES
        .iter()
        .find(|g| g.prefix.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;
    use crate::rules::regions;

    #[test]
    fn every_entry_names_catalog_actions_and_a_known_region() {
        let mut seen = std::collections::HashSet::new();
        for g in GLOBAL_SERVICES {
            assert!(seen.insert(g.prefix), "duplicate {}", g.prefix);
            assert!(regions::is_known(g.region), "{}: {}", g.prefix, g.region);
            for pattern in g.exemption_patterns() {
                assert!(
                    !catalog().expand(&pattern).is_empty(),
                    "{}: `{pattern}` matches no catalog action",
                    g.prefix
                );
            }
            for a in g.actions {
                assert!(a.starts_with(&format!("{}:", g.prefix)), "{a}");
            }
        }
        assert_eq!(find("IAM").map(|g| g.region), Some("us-east-1"));
        assert_eq!(find("ec2"), None);
        assert_eq!(
            find("sts").map(GlobalService::label).as_deref(),
            Some("STS (global endpoint)")
        );
    }
}
