//! API operations whose IAM permission has another name (`s3:ListBuckets` is authorized by
//! `s3:ListAllMyBuckets`). A did-you-mean by spelling alone would turn `s3:ListBuckets` into
//! `s3:ListBucket`, a different permission on a different resource; these cases suggest the
//! permission the operation actually needs.
//!
//! The IAM reference data names permissions, not API operations, so this is a hand list,
//! from the "Actions, resources, and condition keys" pages and each service's API reference
//! (the "permissions required" notes). A test checks it against the catalog: every operation
//! name must not be an action (else it is no trap) and every permission must be one.

/// `(service:Operation, [permissions])`, sorted by lowercase operation, case as AWS spells it.
pub const API_PERMISSIONS: &[(&str, &[&str])] = &[
    ("lambda:Invoke", &["lambda:InvokeFunction"]),
    ("s3:CompleteMultipartUpload", &["s3:PutObject"]),
    ("s3:CopyObject", &["s3:GetObject", "s3:PutObject"]),
    ("s3:CreateMultipartUpload", &["s3:PutObject"]),
    (
        "s3:DeleteBucketEncryption",
        &["s3:PutEncryptionConfiguration"],
    ),
    (
        "s3:DeleteBucketLifecycle",
        &["s3:PutLifecycleConfiguration"],
    ),
    ("s3:DeleteObjects", &["s3:DeleteObject"]),
    ("s3:GetBucketEncryption", &["s3:GetEncryptionConfiguration"]),
    (
        "s3:GetBucketLifecycleConfiguration",
        &["s3:GetLifecycleConfiguration"],
    ),
    (
        "s3:GetBucketNotificationConfiguration",
        &["s3:GetBucketNotification"],
    ),
    (
        "s3:GetBucketReplication",
        &["s3:GetReplicationConfiguration"],
    ),
    (
        "s3:GetObjectLockConfiguration",
        &["s3:GetBucketObjectLockConfiguration"],
    ),
    (
        "s3:GetPublicAccessBlock",
        &["s3:GetBucketPublicAccessBlock"],
    ),
    ("s3:HeadBucket", &["s3:ListBucket"]),
    ("s3:HeadObject", &["s3:GetObject"]),
    ("s3:ListBuckets", &["s3:ListAllMyBuckets"]),
    ("s3:ListObjects", &["s3:ListBucket"]),
    ("s3:ListObjectsV2", &["s3:ListBucket"]),
    ("s3:ListObjectVersions", &["s3:ListBucketVersions"]),
    ("s3:ListParts", &["s3:ListMultipartUploadParts"]),
    ("s3:PutBucketEncryption", &["s3:PutEncryptionConfiguration"]),
    (
        "s3:PutBucketLifecycleConfiguration",
        &["s3:PutLifecycleConfiguration"],
    ),
    (
        "s3:PutBucketNotificationConfiguration",
        &["s3:PutBucketNotification"],
    ),
    (
        "s3:PutBucketReplication",
        &["s3:PutReplicationConfiguration"],
    ),
    (
        "s3:PutObjectLockConfiguration",
        &["s3:PutBucketObjectLockConfiguration"],
    ),
    (
        "s3:PutPublicAccessBlock",
        &["s3:PutBucketPublicAccessBlock"],
    ),
    ("s3:SelectObjectContent", &["s3:GetObject"]),
    ("s3:UploadPart", &["s3:PutObject"]),
];

/// The permissions the API operation `service:Operation` needs when they are named otherwise
/// (ignoring case).
pub fn api_permissions(name: &str) -> Option<(&'static str, &'static [&'static str])> {
    API_PERMISSIONS
        .iter()
        .find(|(op, _)| op.eq_ignore_ascii_case(name))
        .map(|&(op, perms)| (op, perms))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand list against the data: an operation that became an action, or a permission
    /// that was renamed, fails here.
    #[test]
    fn list_agrees_with_the_catalog() {
        let cat = crate::catalog::catalog();
        for (op, perms) in API_PERMISSIONS {
            assert!(
                cat.action(op).is_none(),
                "{op} is an action in the data now"
            );
            for p in *perms {
                let a = cat.action(p);
                assert_eq!(a.map(|a| a.full_name()), Some(*p), "{op} -> {p}");
            }
        }
        let mut sorted = API_PERMISSIONS.to_vec();
        sorted.sort_by_key(|(op, _)| op.to_ascii_lowercase());
        assert_eq!(sorted, API_PERMISSIONS, "keep the list sorted");
    }

    #[test]
    fn lookups_ignore_case() {
        assert_eq!(
            api_permissions("S3:listbuckets").map(|(_, p)| p),
            Some(&["s3:ListAllMyBuckets"][..])
        );
        assert!(api_permissions("s3:GetObject").is_none());
    }
}
