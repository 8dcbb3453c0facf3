//! Tests for `iam-ls.toml` parsing, LSP settings merging, and the glob matcher.

use super::*;
use serde_json::json;

const FULL: &str = r#"
[kinds]
"scps/**/*.json" = "scp"
"boundaries/*.json" = "permissions-boundary"
"trust/*.json" = "trust"

[rules]
"deny-not-action" = "off"
"DATA_TYPE_MISMATCH" = "warning"
"IAM042" = true

[[ignore]]
rule = "deny-not-action"
sid = "AllowLegacy"
path = "legacy/*.json"

[[ignore]]
rule = "*"
path = "vendor/**"

[aws]
profile = "dev"
region = "eu-central-1"
timeout_seconds = 15

[[groups]]
name = "dev-role"
identity = ["roles/dev/*.json"]
boundary = "boundaries/dev.json"
scps = ["scps/*.json"]
session = "sessions/dev.json"
"#;

fn err(text: &str) -> ConfigError {
    match Config::from_toml_str(text) {
        Ok(c) => panic!("expected an error for {text:?}, got {c:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- the file

#[test]
fn full_file_parses() {
    let c = Config::from_toml_str(FULL).expect("valid");
    assert_eq!(c.file.kinds.len(), 3);
    assert_eq!(
        c.kind_for_path("scps/prod/deny.json"),
        Some(PolicyKind::ServiceControl)
    );
    assert_eq!(
        c.kind_for_path("scps/deny.json"),
        Some(PolicyKind::ServiceControl)
    );
    assert_eq!(
        c.kind_for_path("boundaries/dev.json"),
        Some(PolicyKind::PermissionsBoundary)
    );
    assert_eq!(
        c.kind_for_path("trust/ci.json"),
        Some(PolicyKind::RoleTrust)
    );
    assert_eq!(c.kind_for_path("roles/dev/a.json"), None);
    assert_eq!(
        c.kind_for_path("./scps\\x.json"),
        Some(PolicyKind::ServiceControl)
    );

    assert_eq!(c.rule_level("deny-not-action"), Some(RuleLevel::Off));
    assert_eq!(c.rule_level("data-type-mismatch"), Some(RuleLevel::Warning));
    assert_eq!(c.rule_level("Data_Type_Mismatch"), Some(RuleLevel::Warning));
    assert_eq!(c.rule_level("iam042"), Some(RuleLevel::On));
    assert_eq!(c.rule_level("other"), None);

    assert!(c.is_ignored(
        "deny-not-action",
        Some("AllowLegacy"),
        Some("legacy/a.json")
    ));
    assert!(!c.is_ignored("deny-not-action", Some("AllowLegacy"), Some("new/a.json")));
    assert!(!c.is_ignored("deny-not-action", Some("Other"), Some("legacy/a.json")));
    assert!(!c.is_ignored("deny-not-action", None, Some("legacy/a.json")));
    assert!(!c.is_ignored("deny-not-action", Some("AllowLegacy"), None));
    assert!(c.is_ignored("anything", None, Some("vendor/x/y.json")));
    assert!(!c.is_ignored("anything", None, Some("src/vendor.json")));

    let aws = c.aws();
    assert_eq!(
        aws.profile, None,
        "a repository's file does not choose the profile"
    );
    assert_eq!(c.warnings().len(), 1);
    assert!(c.warnings()[0].message.contains("`aws.profile` is ignored"));
    assert_eq!(aws.region.as_deref(), Some("eu-central-1"));
    assert_eq!(aws.timeout_seconds, Some(15));

    let groups: Vec<&Group> = c.groups().collect();
    assert_eq!(groups.len(), 1);
    let g = groups[0];
    assert_eq!(g.name, "dev-role");
    assert_eq!(g.kind_of("roles/dev/s3.json"), Some(PolicyKind::Identity));
    assert_eq!(
        g.kind_of("boundaries/dev.json"),
        Some(PolicyKind::PermissionsBoundary)
    );
    assert_eq!(
        g.kind_of("scps/root.json"),
        Some(PolicyKind::ServiceControl)
    );
    assert_eq!(g.kind_of("sessions/dev.json"), Some(PolicyKind::Session));
    assert_eq!(g.kind_of("roles/prod/s3.json"), None);
    // An entry is located at its first key (`name`, line 27).
    assert!(
        matches!(g.location, Location::File { line: 27, .. }),
        "{:?}",
        g.location
    );
}

#[test]
fn empty_file_is_default() {
    let c = Config::from_toml_str("").unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(c.kind_for_path("a.json"), None);
    assert!(!c.is_ignored("x", Some("y"), Some("z")));
    let c = Config::from_toml_str("# only a comment\n\n").unwrap();
    assert_eq!(c, Config::default());
}

#[test]
fn most_specific_kind_pattern_wins() {
    let c = Config::from_toml_str(
        r#"
[kinds]
"policies/**/*.json" = "identity"
"policies/trust/*.json" = "role-trust"
"*.kms.json" = "kms-key"
"#,
    )
    .unwrap();
    assert_eq!(
        c.kind_for_path("policies/a/b.json"),
        Some(PolicyKind::Identity)
    );
    assert_eq!(
        c.kind_for_path("policies/trust/ci.json"),
        Some(PolicyKind::RoleTrust)
    );
    assert_eq!(
        c.kind_for_path("deep/dir/app.kms.json"),
        Some(PolicyKind::KmsKey)
    );
    let m = c.kind_match("policies/trust/ci.json").unwrap();
    assert_eq!(m.glob.as_str(), "policies/trust/*.json");
}

#[test]
fn kind_aliases_are_accepted() {
    let c = Config::from_toml_str(
        "[kinds]\n\"a/*\" = \"boundary\"\n\"b/*\" = \"service-control-policy\"\n\"c/*\" = \"VPC_Endpoint\"\n",
    )
    .unwrap();
    assert_eq!(
        c.kind_for_path("a/x"),
        Some(PolicyKind::PermissionsBoundary)
    );
    assert_eq!(c.kind_for_path("b/x"), Some(PolicyKind::ServiceControl));
    assert_eq!(c.kind_for_path("c/x"), Some(PolicyKind::VpcEndpoint));
}

#[test]
fn load_reads_the_file_or_reports_none() {
    let dir = std::env::temp_dir().join(format!("iam-ls-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(Config::load(&dir).unwrap(), None);
    std::fs::write(dir.join(FILE_NAME), "[aws]\nregion = \"eu-west-1\"\n").unwrap();
    let c = Config::load(&dir).unwrap().unwrap();
    assert_eq!(c.aws().region.as_deref(), Some("eu-west-1"));
    std::fs::write(dir.join(FILE_NAME), "[aws]\nprofil = \"p\"\n").unwrap();
    assert!(Config::load(&dir).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------- file errors

#[test]
fn error_toml_syntax_has_line_and_column() {
    let e = err("[kinds]\n\"a/*\" = \n");
    assert!(e.message.starts_with("TOML syntax"), "{e}");
    assert_eq!(e.line(), Some(2));
    assert!(e.column().is_some());
    let e = err("[aws\nprofile = 1");
    assert!(e.message.starts_with("TOML syntax"), "{e}");
    assert_eq!(e.line(), Some(1));
}

#[test]
fn error_unknown_top_level_key() {
    let e = err("[kinds]\n\n[rule]\nx = \"off\"\n");
    assert!(e.message.contains("unknown key `rule`"), "{e}");
    assert!(
        e.message.contains("kinds, rules, ignore, aws, groups"),
        "{e}"
    );
    assert_eq!((e.line(), e.column()), (Some(3), Some(2)));
    assert_eq!(e.to_string(), format!("iam-ls.toml:3:2: {}", e.message));
}

#[test]
fn error_unknown_kind_name_lists_accepted() {
    let e = err("[kinds]\n\"scps/*.json\" = \"scpp\"\n");
    assert!(e.message.contains("unknown policy kind `scpp`"), "{e}");
    assert!(e.message.contains("permissions-boundary"), "{e}");
    assert!(e.message.contains("role-trust"), "{e}");
    assert_eq!((e.line(), e.column()), (Some(2), Some(17)));
}

#[test]
fn error_kind_of_wrong_type() {
    let e = err("[kinds]\n\"a/*\" = 3\n");
    assert!(
        e.message
            .contains("must be a kind name string, not integer"),
        "{e}"
    );
}

#[test]
fn error_kinds_not_a_table() {
    let e = err("kinds = \"scp\"\n");
    assert!(
        e.message.contains("`kinds` must be a table, not string"),
        "{e}"
    );
}

#[test]
fn error_bad_glob() {
    for (pattern, needle) in [
        ("a/[bc", "never closed"),
        ("a/{b,c", "never closed"),
        ("a/b}", "without a matching"),
        ("a/[z-a]", "backwards"),
        ("{a,{b,c}}", "nested"),
        (" ", "empty"),
    ] {
        let e = err(&format!("[kinds]\n\"{pattern}\" = \"scp\"\n"));
        assert!(e.message.contains("invalid glob pattern"), "{pattern}: {e}");
        assert!(e.message.contains(needle), "{pattern}: {e}");
        assert_eq!(e.line(), Some(2));
    }
}

#[test]
fn error_unknown_rule_level() {
    let e = err("[rules]\n\"x\" = \"loud\"\n");
    assert!(
        e.message.contains("unknown level `loud` for rule `x`"),
        "{e}"
    );
    assert!(e.message.contains(RuleLevel::NAMES), "{e}");
    let e = err("[rules]\n\"x\" = 1\n");
    assert!(e.message.contains("not integer"), "{e}");
    let e = err("[rules]\n\"\" = \"off\"\n");
    assert!(e.message.contains("must not be empty"), "{e}");
}

#[test]
fn error_ignore_entries() {
    let e = err("[ignore]\nrule = \"x\"\nsid = \"y\"\n");
    assert!(
        e.message.contains("array of tables, written [[ignore]]"),
        "{e}"
    );

    let e = err("[[ignore]]\nsid = \"y\"\n");
    assert!(e.message.contains("needs `rule`"), "{e}");

    let e = err("[[ignore]]\nrule = \"x\"\n");
    assert!(e.message.contains("needs `sid`, `path` or both"), "{e}");

    let e = err("[[ignore]]\nrule = \"x\"\nsid = \"y\"\nstatement = 2\n");
    assert!(e.message.contains("unknown key `statement`"), "{e}");
    assert!(e.message.contains(IGNORE_KEYS), "{e}");
    assert_eq!(e.line(), Some(4));

    let e = err("[[ignore]]\nrule = 5\nsid = \"y\"\n");
    assert!(
        e.message
            .contains("`ignore.rule` must be a string, not integer"),
        "{e}"
    );

    let e = err("[[ignore]]\nrule = \"x\"\nsid = 5\n");
    assert!(e.message.contains("`ignore.sid` must be a string"), "{e}");

    let e = err("[[ignore]]\nrule = \"x\"\npath = \"[\"\n");
    assert!(e.message.contains("invalid glob pattern"), "{e}");
}

#[test]
fn error_aws_table() {
    let e = err("[aws]\nprofil = \"dev\"\n");
    assert!(e.message.contains("unknown key `profil` in `aws`"), "{e}");
    assert!(e.message.contains(AWS_KEYS), "{e}");

    let e = err("[aws]\ntimeout_seconds = 0\n");
    assert!(e.message.contains("between 1 and 3600, not 0"), "{e}");
    let e = err("[aws]\ntimeout_seconds = 99999\n");
    assert!(e.message.contains("between 1 and 3600"), "{e}");
    let e = err("[aws]\ntimeout_seconds = \"15\"\n");
    assert!(
        e.message.contains("must be a whole number, not string"),
        "{e}"
    );
    let e = err("[aws]\ntimeout_seconds = 1.5\n");
    assert!(
        e.message.contains("not float") || e.message.contains("not number"),
        "{e}"
    );

    let e = err("[aws]\nregion = \"Frankfurt\"\n");
    assert!(e.message.contains("does not look like a region"), "{e}");
    let e = err("[aws]\nregion = \"\"\n");
    assert!(e.message.contains("must not be empty"), "{e}");
    let e = err("aws = [1]\n");
    assert!(
        e.message.contains("`aws` must be a table, not array"),
        "{e}"
    );
}

#[test]
fn error_groups() {
    let e = err("[[groups]]\nidentity = \"a/*\"\n");
    assert!(e.message.contains("needs a `name`"), "{e}");

    let e = err("[[groups]]\nname = \"g\"\n[[groups]]\nname = \"g\"\n");
    assert!(e.message.contains("`g` is used twice"), "{e}");
    assert_eq!(e.line(), Some(4));

    let e = err("[[groups]]\nname = \"g\"\nroles = []\n");
    assert!(e.message.contains("unknown key `roles`"), "{e}");
    assert!(e.message.contains(GROUP_KEYS), "{e}");

    let e = err("[[groups]]\nname = \"g\"\nidentity = 3\n");
    assert!(e.message.contains("glob string or an array"), "{e}");

    let e = err("[[groups]]\nname = \"g\"\nboundary = [\"a\"]\n");
    assert!(
        e.message
            .contains("`groups.boundary` must be a string, not array"),
        "{e}"
    );

    let e = err("groups = \"x\"\n");
    assert!(
        e.message.contains("array of tables, written [[groups]]"),
        "{e}"
    );
}

#[test]
fn lenient_parse_keeps_valid_entries_and_orders_errors() {
    let (c, errors) = Config::from_toml_str_lenient(
        r#"
[kinds]
"a/*" = "nope"
"b/*" = "scp"

[aws]
region = "eu-west-1"
colour = "blue"
"#,
    );
    assert_eq!(c.kind_for_path("b/x"), Some(PolicyKind::ServiceControl));
    assert_eq!(c.kind_for_path("a/x"), None);
    assert_eq!(c.aws().region.as_deref(), Some("eu-west-1"));
    assert_eq!(errors.len(), 2);
    assert!(errors[0].line() < errors[1].line());
}

#[test]
fn error_columns_count_characters() {
    let e = err("[kinds]\n\"é/*\" = \"x\"\n");
    // `"é/*" = ` is 8 characters but 9 bytes: the value starts at column 9, not 10.
    assert_eq!(e.column(), Some(9));
}

// ---------------------------------------------------------------- LSP settings

#[test]
fn merge_settings_override_the_file() {
    let mut c = Config::from_toml_str(FULL).unwrap();
    let errors = c.merge(&json!({
        "iamLs": {
            "kinds": {"scps/legacy/*.json": "identity", "other/*.json": "rcp"},
            "rules": {"deny-not-action": "error"},
            "ignore": [{"rule": "x", "sid": "S"}],
            "aws": {"region": "us-east-1", "profile": null},
            "groups": [{"name": "dev-role", "identity": "other/*.json"}, {"name": "ops"}],
            "server": {"path": "/usr/bin/iam-ls"},
            "trace": {"server": "verbose"}
        }
    }));
    assert!(errors.is_empty(), "{errors:?}");
    // A matching settings pattern beats any file pattern, even a more specific one.
    assert_eq!(
        c.kind_for_path("scps/legacy/a.json"),
        Some(PolicyKind::Identity)
    );
    assert_eq!(
        c.kind_for_path("scps/b.json"),
        Some(PolicyKind::ServiceControl)
    );
    assert_eq!(
        c.kind_for_path("other/a.json"),
        Some(PolicyKind::ResourceControl)
    );
    assert_eq!(c.rule_level("deny-not-action"), Some(RuleLevel::Error));
    assert_eq!(c.rule_level("data-type-mismatch"), Some(RuleLevel::Warning));
    assert!(c.is_ignored("x", Some("S"), None));
    assert!(c.is_ignored(
        "deny-not-action",
        Some("AllowLegacy"),
        Some("legacy/a.json")
    ));
    let aws = c.aws();
    assert_eq!(aws.region.as_deref(), Some("us-east-1"));
    assert_eq!(
        aws.profile, None,
        "null leaves it unset (the file's profile is never used)"
    );
    assert_eq!(aws.timeout_seconds, Some(15));
    let names: Vec<&str> = c.groups().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["dev-role", "ops"]);
    let dev = c.groups().next().unwrap();
    assert_eq!(dev.kind_of("other/x.json"), Some(PolicyKind::Identity));
    assert!(
        dev.boundary.is_none(),
        "the settings group replaced the file's"
    );
}

#[test]
fn merge_accepts_the_bare_section_and_replaces_earlier_settings() {
    let mut c = Config::default();
    assert!(c.merge(&json!({"rules": {"a": "hint"}})).is_empty());
    assert_eq!(c.rule_level("a"), Some(RuleLevel::Hint));
    assert!(c.merge(&json!({"rules": {"b": "info"}})).is_empty());
    assert_eq!(c.rule_level("a"), None);
    assert_eq!(c.rule_level("b"), Some(RuleLevel::Info));
    assert!(c.merge(&serde_json::Value::Null).is_empty());
    assert_eq!(c.rule_level("b"), None);
}

#[test]
fn merge_reports_errors_by_json_path_and_keeps_the_rest() {
    let mut c = Config::default();
    let errors = c.merge(&json!({
        "iamLs": {
            "kinds": {"a/*": "identity", "b/*": "bogus"},
            "aws": {"timeoutSeconds": 30, "colour": 1},
            "rules": {"r": 1},
            "ignore": [{"rule": "x"}]
        }
    }));
    assert_eq!(c.kind_for_path("a/x"), Some(PolicyKind::Identity));
    assert_eq!(c.aws().timeout_seconds, Some(30));
    let rendered: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 4, "{rendered:#?}");
    assert!(
        rendered
            .iter()
            .any(|e| e.contains("settings iamLs.kinds[\"b/*\"]") && e.contains("bogus")),
        "{rendered:#?}"
    );
    assert!(
        rendered
            .iter()
            .any(|e| e.contains("iamLs.aws.colour") && e.contains("unknown key")),
        "{rendered:#?}"
    );
    assert!(
        rendered
            .iter()
            .any(|e| e.contains("iamLs.rules.r") && e.contains("not number")),
        "{rendered:#?}"
    );
    assert!(
        rendered.iter().any(|e| e.contains("needs `sid`, `path`")),
        "{rendered:#?}"
    );
    assert!(errors.iter().all(|e| e.line().is_none()));
}

#[test]
fn merge_rejects_non_object_settings() {
    let mut c = Config::default();
    let errors = c.merge(&json!({"iamLs": [1]}));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("must be an object, not array"),
        "{}",
        errors[0]
    );
    let errors = c.merge(&json!({"iamLs": {"ignore": {"rule": "x"}}}));
    assert!(
        errors[0].message.contains("an array of objects"),
        "{}",
        errors[0]
    );
}

#[test]
fn rule_level_for_prefers_name_and_settings() {
    let mut c = Config::from_toml_str("[rules]\n\"IAM001\" = \"hint\"\n\"wildcard\" = \"error\"\n")
        .unwrap();
    assert_eq!(
        c.rule_level_for("IAM001", "wildcard"),
        Some(RuleLevel::Error)
    );
    assert_eq!(c.rule_level_for("IAM001", "other"), Some(RuleLevel::Hint));
    c.merge(&json!({"rules": {"iam001": "off"}}));
    assert_eq!(c.rule_level_for("IAM001", "wildcard"), Some(RuleLevel::Off));
    assert!(!c.is_ignored_for("IAM001", "wildcard", Some("s"), None));
}

#[test]
fn unknown_rules_are_reported_with_locations() {
    let c = Config::from_toml_str(FULL).unwrap();
    let known = ["deny-not-action", "data-type-mismatch"];
    let unknown = c.unknown_rules(|id| known.contains(&normalize_rule_id(id).as_str()));
    let names: Vec<String> = unknown.iter().map(|e| e.message.clone()).collect();
    assert_eq!(unknown.len(), 1, "{names:?}");
    assert!(names[0].contains("IAM042"));
    assert_eq!(unknown[0].line(), Some(10));
}

#[test]
fn rule_levels_parse() {
    assert_eq!(RuleLevel::from_name("WARN"), Some(RuleLevel::Warning));
    assert_eq!(RuleLevel::from_name("information"), Some(RuleLevel::Info));
    assert_eq!(RuleLevel::from_name("default"), Some(RuleLevel::On));
    assert_eq!(RuleLevel::from_name("loud"), None);
    assert_eq!(
        normalize_rule_id(" DATA_TYPE_Mismatch "),
        "data-type-mismatch"
    );
}

// ---------------------------------------------------------------- globs

fn g(p: &str) -> Glob {
    Glob::new(p).unwrap()
}

#[test]
fn glob_star_and_question() {
    assert!(g("scps/*.json").is_match("scps/a.json"));
    assert!(!g("scps/*.json").is_match("scps/x/a.json"));
    assert!(!g("scps/*.json").is_match("other/scps/a.json"));
    assert!(g("a/?.json").is_match("a/b.json"));
    assert!(!g("a/?.json").is_match("a/bc.json"));
    assert!(!g("a?b").is_match("a/b"));
    assert!(g("a/*").is_match("a/"));
}

#[test]
fn glob_double_star() {
    let p = g("scps/**/*.json");
    assert!(p.is_match("scps/a.json"));
    assert!(p.is_match("scps/x/y/a.json"));
    assert!(!p.is_match("scpsx/a.json"));
    assert!(!p.is_match("x/scps/a.json"));
    let p = g("vendor/**");
    assert!(p.is_match("vendor/a"));
    assert!(p.is_match("vendor/a/b/c.json"));
    assert!(!p.is_match("vendor"));
    let p = g("**/trust.json");
    assert!(p.is_match("trust.json"));
    assert!(p.is_match("a/b/trust.json"));
    assert!(!p.is_match("a/b/mytrust.json"));
    assert!(g("**").is_match("anything/at/all"));
    // `**` inside a segment is a plain star.
    assert!(g("a/b**c").is_match("a/bxxc"));
    assert!(!g("a/b**c").is_match("a/bx/c"));
}

#[test]
fn glob_without_slash_matches_file_names_anywhere() {
    let p = g("*.trust.json");
    assert!(p.is_match("ci.trust.json"));
    assert!(p.is_match("roles/ci.trust.json"));
    assert!(!p.is_match("roles/ci.json"));
}

#[test]
fn glob_classes_and_braces() {
    assert!(g("a/[bc].json").is_match("a/c.json"));
    assert!(!g("a/[bc].json").is_match("a/d.json"));
    assert!(g("a/[a-c]x").is_match("a/bx"));
    assert!(g("a/[!a-c]x").is_match("a/dx"));
    assert!(!g("a/[^a-c]x").is_match("a/bx"));
    assert!(!g("a[/]b").is_match("a/b"), "classes never match a slash");
    assert!(g("a/[*]").is_match("a/*"));
    assert!(!g("a/[*]").is_match("a/x"));
    assert!(g("a/[]]").is_match("a/]"));
    let p = g("policies/{scp,rcp}/*.{json,yaml}");
    assert!(p.is_match("policies/scp/a.json"));
    assert!(p.is_match("policies/rcp/a.yaml"));
    assert!(!p.is_match("policies/id/a.json"));
}

#[test]
fn glob_paths_are_normalized() {
    let p = g("./roles\\dev/*.json");
    assert!(p.is_match("roles/dev/a.json"));
    assert!(p.is_match("roles\\dev\\a.json"));
    assert!(p.is_match("/roles//dev/a.json"));
    assert_eq!(p.as_str(), "./roles\\dev/*.json");
}

#[test]
fn glob_is_case_sensitive_and_unicode_safe() {
    assert!(!g("A/*.json").is_match("a/x.json"));
    assert!(g("é/*").is_match("é/ü"));
    assert!(g("?/x").is_match("é/x"));
}

#[test]
fn glob_specificity() {
    assert!(g("policies/trust/*.json").specificity() > g("policies/**/*.json").specificity());
    assert!(g("*").specificity() < g("a").specificity());
}

#[test]
fn glob_pathological_pattern_is_fast() {
    let p = g(&"*a".repeat(30));
    let text = "a".repeat(200) + "b";
    // Backtracking matchers take exponential time here; the table-driven one is quadratic.
    assert!(!p.is_match(&text));
    assert!(p.is_match(&"a".repeat(200)));
}

#[test]
fn aws_endpoint_url_and_profile_only_from_the_settings() {
    let mut c = Config::from_toml_str(
        "[aws]\nregion = \"eu-west-1\"\nendpoint_url = \"https://sts.example.test\"\nprofile = \"x\"\n",
    )
    .expect("valid: refused keys are warnings, not errors");
    assert_eq!(c.aws().endpoint_url, None, "the file's endpoint is ignored");
    assert_eq!(c.aws().profile, None, "the file's profile is ignored");
    assert_eq!(c.aws().region.as_deref(), Some("eu-west-1"));
    let w = c.warnings();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].message
            .contains("`aws.endpoint_url` is ignored in iam-ls.toml")
    );
    assert_eq!((w[0].line(), w[0].column()), (Some(3), Some(1)));
    assert!(w[1].message.contains("`aws.profile` is ignored"));
    let errors = c.merge(
        &json!({"iamLs": {"aws": {"endpointUrl": "http://127.0.0.1:4566", "profile": "me"}}}),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        c.aws().endpoint_url.as_deref(),
        Some("http://127.0.0.1:4566"),
        "the settings are the user's"
    );
    assert_eq!(c.aws().profile.as_deref(), Some("me"));
    // http:// only for loopback hosts, in the settings too.
    let errors = c.merge(&json!({"iamLs": {"aws": {"endpointUrl": "http://sts.example.test"}}}));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("only for a loopback host"),
        "{errors:?}"
    );
    assert_eq!(c.aws().endpoint_url, None);
}

#[test]
fn endpoint_urls_over_http_only_to_loopback() {
    for ok in [
        "https://sts.example.test",
        "https://sts.example.test:8443/x",
        "http://127.0.0.1:4566",
        "http://127.3.2.1/",
        "http://localhost:80",
        "http://[::1]:9000",
        "HTTP://LOCALHOST",
    ] {
        assert_eq!(check_endpoint_url(ok), Ok(()), "{ok}");
    }
    for bad in [
        "http://sts.example.test",
        "http://10.0.0.1:80",
        "http://localhost.evil.test",
        "http://127.0.0.1.evil.test",
        "http://user@evil.test",
        "http://evil.test@127.0.0.1.evil.test",
        "http://[::2]:80",
        "http://0.0.0.0",
        "sts.example.test",
        "ftp://127.0.0.1",
        "https://",
    ] {
        assert!(check_endpoint_url(bad).is_err(), "{bad}");
    }
    // A user-info part that names a loopback host does not make the real host one.
    assert!(check_endpoint_url("http://127.0.0.1@evil.test").is_err());
}

#[test]
fn vpc_endpoint_required_resources_from_file_and_settings() {
    let mut c = Config::from_toml_str(
        "[vpc_endpoint]\nrequired_resources = [\"arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*\"]\n",
    )
    .expect("valid");
    assert_eq!(
        c.vpc_endpoint_resources(),
        ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"]
    );
    let errors = c.merge(&json!({"iamLs": {"vpcEndpoint": {"requiredResources": []}}}));
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        c.vpc_endpoint_resources().is_empty(),
        "the settings' list replaces the file's, even when empty"
    );
    assert!(Config::default().vpc_endpoint_resources().is_empty());
    let e = err("[vpc_endpoint]\nrequired_resources = [\"my-bucket\"]\n");
    assert!(e.message.contains("`my-bucket` is not an ARN"), "{e}");
    assert_eq!(e.line(), Some(2));
    let e = err("[vpc_endpoint]\nrequired_resources = \"arn:aws:s3:::b\"\n");
    assert!(e.message.contains("must be an array of ARNs"), "{e}");
    let e = err("[vpc_endpoint]\nbuckets = []\n");
    assert!(e.message.contains("accepted: required_resources"), "{e}");
}
