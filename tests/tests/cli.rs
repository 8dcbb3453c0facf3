//! The command line through the real binary: `check` in its three formats (golden files; the
//! SARIF validated against the vendored SARIF 2.1.0 schema), exit codes and thresholds, stdin,
//! inputs that cannot be checked, the same results as the editor, and `explain`, `decode`
//! (against the loopback STS stub), `rules` and `--version`.
//!
//! Golden files live in `tests/data/cli/golden/`. When a rule's message or the set of rules
//! changes on purpose, regenerate them with `IAM_LS_UPDATE_GOLDEN=1 cargo test -p iam-ls-e2e
//! --test cli` and review the diff.

#[allow(dead_code)]
#[path = "../src/aws_stub.rs"]
mod aws_stub;

use iam_ls_e2e::{LspClient, TempDir, server_binary};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const UPDATE_ENV: &str = "IAM_LS_UPDATE_GOLDEN";

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cli")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

/// The fixture project in a temporary directory, plus what git does not keep: a
/// `node_modules` folder and a hidden folder, both holding policies that must not be checked.
fn project() -> TempDir {
    let dir = TempDir::new("project");
    copy_dir(&data_dir().join("project"), dir.path());
    let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    dir.write("node_modules/dep/policy.json", bad);
    dir.write(".cache/policy.json", bad);
    dir
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `iam-ls args` in `dir` with `stdin`, a clean AWS environment plus `envs`, and a deadline.
fn run_in(dir: &Path, args: &[&str], stdin: &[u8], envs: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(server_binary());
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        // A fixed "today" (within 90 days of the embedded data), so that `check` output does
        // not change as time passes (the data-age warning; tests/tests/ship.rs tests it).
        .env("IAM_LS_TODAY", "2026-11-28");
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn iam-ls");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("iam-ls {args:?} did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = err_reader.join().expect("stderr reader");
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, b"", &[])
}

fn golden_path(name: &str) -> PathBuf {
    data_dir().join("golden").join(name)
}

/// Compares `actual` with the golden file (or rewrites it under `IAM_LS_UPDATE_GOLDEN`).
fn check_golden_text(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os(UPDATE_ENV).is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with {UPDATE_ENV}=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from the golden file (run with {UPDATE_ENV}=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// Compares JSON by value (key order does not matter); the golden file is pretty-printed.
fn check_golden_json(name: &str, actual: &Value) {
    let path = golden_path(name);
    if std::env::var_os(UPDATE_ENV).is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        let mut text = serde_json::to_string_pretty(actual).expect("json");
        text.push('\n');
        std::fs::write(&path, text).expect("write golden");
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with {UPDATE_ENV}=1", path.display()));
    let expected: Value = serde_json::from_str(&text).expect("golden is JSON");
    assert!(
        &expected == actual,
        "{name} differs from the golden file (run with {UPDATE_ENV}=1 to accept)\n--- actual\n{}",
        serde_json::to_string_pretty(actual).unwrap_or_default()
    );
}

fn parse_json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:?}"))
}

/// Replaces what changes with every release or data update, after checking it.
fn normalize_tool(doc: &mut Value) {
    let data = iam_ls::catalog::data_version();
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["tool"]["data"]["version"], data.version);
    doc["tool"]["version"] = json!("<version>");
    doc["tool"]["data"]["version"] = json!("<data version>");
}

// ---------------------------------------------------------------------------------------------
// check: the three formats.

#[test]
fn check_text_golden() {
    let dir = project();
    let run = run(dir.path(), &["check"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when piped: {run:?}"
    );
    check_golden_text("check.txt", &run.stdout);
}

#[test]
fn check_text_colour_only_when_asked_or_on_a_terminal() {
    let dir = project();
    let plain = run(dir.path(), &["check", "policies/app.json"]);
    let coloured = run(
        dir.path(),
        &["check", "--color", "always", "policies/app.json"],
    );
    assert!(!plain.stdout.contains('\x1b'), "{plain:?}");
    assert!(
        coloured.stdout.contains("\x1b[1;33mwarning\x1b[0m"),
        "{coloured:?}"
    );
    // Stripped of its escapes, the coloured report is the plain one.
    let mut stripped = String::new();
    let mut rest = coloured.stdout.as_str();
    while let Some(i) = rest.find('\x1b') {
        stripped.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('m').expect("end of escape");
        rest = &rest[end + 1..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain.stdout);
}

#[test]
fn check_json_golden() {
    let dir = project();
    let run = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let mut doc = parse_json(&run);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["exit_code"], 1);
    normalize_tool(&mut doc);
    check_golden_json("check.json", &doc);
}

/// Every field name of the JSON output, at any depth.
fn field_names(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                field_names(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| field_names(i, out)),
        _ => {}
    }
}

/// docs/cli.md documents every field the JSON format writes.
#[test]
fn json_fields_are_documented() {
    let dir = project();
    let r = run(
        dir.path(),
        &["check", "--format", "json", ".", "missing.json"],
    );
    let doc = parse_json(&r);
    assert!(!doc["errors"].as_array().expect("errors").is_empty());
    assert!(!doc["skipped"].as_array().expect("skipped").is_empty());
    let mut names = std::collections::BTreeSet::new();
    field_names(&doc, &mut names);
    assert!(
        names.contains("edits"),
        "the fixtures have fixes: {names:?}"
    );
    let docs_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/cli.md");
    let docs = std::fs::read_to_string(&docs_path).expect("docs/cli.md");
    let undocumented: Vec<&String> = names
        .iter()
        .filter(|k| {
            ![
                format!("`{k}`"),
                format!(".{k}`"),
                format!("`{k}."),
                format!(".{k}."),
                format!("`{k}["),
                format!(".{k}["),
            ]
            .iter()
            .any(|p| docs.contains(p.as_str()))
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "fields missing from docs/cli.md: {undocumented:?}"
    );
}

/// The language-tag pattern of the published schema has an unescaped `]` outside a character
/// class. ECMAScript reads it as a literal `]`; Rust's regex syntax rejects it, so the
/// validator's check of the schema itself would fail. The vendored file stays byte-identical to
/// the package; the pattern is escaped here, which keeps its meaning.
const LANGUAGE_PATTERN: (&str, &str) = (
    r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
    r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
);

fn sarif_validator() -> jsonschema::Validator {
    let path = data_dir().join("schema/sarif-2.1.0-rtm.5.json");
    let text = std::fs::read_to_string(&path).expect("vendored SARIF schema");
    assert_eq!(
        text.matches(LANGUAGE_PATTERN.0).count(),
        2,
        "the known pattern"
    );
    let text = text.replace(LANGUAGE_PATTERN.0, LANGUAGE_PATTERN.1);
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(doc: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_schema_rejects_what_it_should() {
    // The validator is not a rubber stamp: a result without a message and a bad level fail.
    let validator = sarif_validator();
    let bad = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "x"}},
            "results": [{"ruleId": "X1", "level": "fatal"}]
        }]
    });
    assert!(!validator.is_valid(&bad));
    let good = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "x"}},
            "results": [{"ruleId": "X1", "level": "error", "message": {"text": "m"}}]
        }]
    });
    assert!(validator.is_valid(&good));
}

#[test]
fn check_sarif_golden_and_valid() {
    let dir = project();
    let run = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let mut doc = parse_json(&run);
    assert_valid_sarif(&doc);

    let sarif_run = &mut doc["runs"][0];
    // %SRCROOT% is the directory the command ran in.
    let root = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("SRCROOT")
        .to_string();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    assert_eq!(root, format!("file://{}/", dir.path().display()));
    sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = json!("file:///PROJECT/");

    // Every result points at a rule of the driver, whose help is the rule's documentation.
    let driver = &mut sarif_run["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = json!("<version>");
    driver["semanticVersion"] = json!("<version>");
    let data = iam_ls::catalog::data_version();
    assert_eq!(
        driver["properties"]["iamData"],
        format!("{} {}", data.package, data.version)
    );
    driver["properties"]["iamData"] = json!("<data version>");
    let rules = driver["rules"].as_array_mut().expect("rules");
    assert!(!rules.is_empty());
    for r in rules.iter_mut() {
        let code = r["id"].as_str().expect("id").to_string();
        let rule = iam_ls::rules::find(&code).expect("a real rule");
        assert_eq!(r["name"], rule.name);
        assert_eq!(r["helpUri"], rule.url());
        let help = r["help"]["markdown"].as_str().expect("help markdown");
        assert!(help.starts_with(rule.doc().trim_end()), "{code}: {help}");
        assert!(help.contains(&rule.url()), "{code}");
        assert!(
            r["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains(rule.summary) || t.contains(rule.doc().trim())),
            "{code}"
        );
        r["help"] = json!(format!("<documentation of {code}>"));
        r["fullDescription"] = json!(format!("<what {code} does>"));
    }
    let rule_ids: Vec<Value> = rules.iter().map(|r| r["id"].clone()).collect();
    for result in sarif_run["results"].as_array().expect("results") {
        let i = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rule_ids[i], result["ruleId"], "{result}");
    }
    check_golden_json("check.sarif.json", &doc);
}

#[test]
fn sarif_with_errors_is_valid_and_lists_them() {
    let dir = project();
    dir.write("policies/binary.json", b"{\0\0\0}");
    let run = run(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "policies",
            "policies/binary.json",
            "missing.json",
        ],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    let doc = parse_json(&run);
    assert_valid_sarif(&doc);
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes: Vec<&str> = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["message"]["text"].as_str())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with("policies/binary.json: binary"),
        "{notes:?}"
    );
    assert!(
        notes[1].starts_with("missing.json: no such file"),
        "{notes:?}"
    );
    // The policies that could be read were still checked.
    assert!(
        !doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// check: thresholds and exit codes.

/// A policy with one warning (invalid-effect re-levelled in the config) and nothing else.
fn warning_only() -> TempDir {
    let dir = TempDir::new("warn");
    dir.write("iam-ls.toml", "[rules]\n\"invalid-effect\" = \"warning\"\n");
    dir.write(
        "p.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}"#,
    );
    dir
}

#[test]
fn exit_codes_follow_fail_on_and_severity() {
    let dir = warning_only();
    let p = dir.path();
    // Default: fail on errors only.
    let r = run(p, &["check"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("IAM010 warning"), "{r:?}");
    assert_eq!(run(p, &["check", "--fail-on", "warning"]).code, Some(1));
    assert_eq!(run(p, &["check", "--fail-on", "hint"]).code, Some(1));
    assert_eq!(run(p, &["check", "--fail-on", "never"]).code, Some(0));
    // Findings below --severity are not reported and do not count.
    let hidden = run(p, &["check", "--severity", "error", "--fail-on", "warning"]);
    assert_eq!(hidden.code, Some(0), "{hidden:?}");
    assert!(!hidden.stdout.contains("IAM010"), "{hidden:?}");
    assert!(
        hidden.stdout.contains("No problems found in 1 file."),
        "{hidden:?}"
    );
    // The same policy with the rule at its default level (error) fails by default.
    dir.write("empty.toml", "");
    let r = run(p, &["check", "--config", "empty.toml", "p.json"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stdout.contains("IAM010 error"), "{r:?}");
}

#[test]
fn clean_policies_exit_zero() {
    let dir = project();
    let r = run(dir.path(), &["check", "policies/clean.json", "scps"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout, "No problems found in 2 files.\n");
    assert_eq!(r.stderr, "");
}

#[test]
fn usage_and_configuration_errors_exit_two() {
    let dir = warning_only();
    let p = dir.path();
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--kind", "galaxy"],
        &["check", "--fail-on", "sometimes"],
        &["frobnicate"],
        &["check", "--config", "missing.toml"],
    ] {
        let r = run(p, args);
        assert_eq!(r.code, Some(2), "{args:?}: {r:?}");
        assert_eq!(r.stdout, "", "{args:?}: {r:?}");
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
    let unknown_kind = run(p, &["check", "--kind", "galaxy"]);
    assert!(
        unknown_kind.stderr.contains("role-trust"),
        "{unknown_kind:?}"
    );

    dir.write(
        "iam-ls.toml",
        "[rules]\n\"invalid-effect\" = \"loud\"\n[kinds]\n\"x\" = \"nope\"\n",
    );
    let r = run(p, &["check"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("iam-ls.toml:2:"), "{r:?}");
    assert!(r.stderr.contains("iam-ls.toml:4:"), "{r:?}");
    assert!(r.stderr.contains("2 problems"), "{r:?}");
}

#[test]
fn configuration_is_found_from_a_subdirectory_and_globs_stay_relative_to_it() {
    let dir = project();
    let scps = dir.path().join("scps");
    let r = run(&scps, &["check", "--format", "json", "deny-regions.json"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let doc = parse_json(&r);
    assert_eq!(doc["files"][0]["kind"], "scp");
    assert_eq!(doc["files"][0]["kind_source"], "configured");
    assert_eq!(doc["files"][0]["path"], "deny-regions.json");
    assert_eq!(doc["files"][0]["workspace_path"], "scps/deny-regions.json");
    // With the configuration named explicitly, from elsewhere.
    let other = TempDir::new("elsewhere");
    let config = dir.path().join("iam-ls.toml");
    let target = scps.join("deny-regions.json");
    let r = run(
        other.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            config.to_str().expect("utf-8 path"),
            target.to_str().expect("utf-8 path"),
        ],
    );
    let doc = parse_json(&r);
    assert_eq!(doc["files"][0]["kind"], "scp", "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// check: stdin and --kind.

const LOWERCASE_EFFECT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}"#;

#[test]
fn stdin_is_checked_as_a_named_file() {
    let dir = project();
    let r = run_in(
        dir.path(),
        &["check", "-"],
        LOWERCASE_EFFECT.as_bytes(),
        &[],
    );
    assert_eq!(
        r.code,
        Some(0),
        "config re-levels IAM010 to a warning: {r:?}"
    );
    assert!(
        r.stdout.starts_with("<stdin>:1:67: IAM010 warning:"),
        "{r:?}"
    );
    // --stdin-filename puts it under the configuration's globs.
    let r = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "scps/new.json",
            "-",
        ],
        LOWERCASE_EFFECT.as_bytes(),
        &[],
    );
    let doc = parse_json(&r);
    assert_eq!(doc["files"][0]["path"], "scps/new.json", "{r:?}");
    assert_eq!(doc["files"][0]["kind"], "scp", "{r:?}");
    // Not a policy on stdin: an error.
    let r = run_in(dir.path(), &["check", "-"], b"{\"name\": \"x\"}", &[]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("<stdin>: not an IAM policy"), "{r:?}");
    // `-` twice, or --stdin-filename without `-`: usage errors.
    assert_eq!(run(dir.path(), &["check", "-", "-"]).code, Some(2));
    assert_eq!(
        run(dir.path(), &["check", "--stdin-filename", "a.json"]).code,
        Some(2)
    );
}

#[test]
fn kind_option_forces_the_policy_kind() {
    let dir = project();
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--kind",
            "role-trust",
            "policies/clean.json",
        ],
    );
    let doc = parse_json(&r);
    assert_eq!(doc["files"][0]["kind"], "role-trust", "{r:?}");
    assert_eq!(doc["files"][0]["kind_source"], "option", "{r:?}");
    // A JSON object that is not a policy by its keys is checked when --kind asks for it.
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--kind",
            "identity",
            "package.json",
        ],
    );
    let doc = parse_json(&r);
    assert_eq!(doc["summary"]["files_checked"], 1, "{r:?}");
    assert_eq!(doc["files"][0]["kind"], "identity", "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// check: inputs that cannot be checked. Each is an error naming the file; the rest is checked.

#[test]
fn bad_inputs_are_named_and_the_rest_is_still_checked() {
    let dir = project();
    dir.write("bad/binary.json", b"{\"Statement\": \0\x01\x02}");
    dir.write(
        "bad/latin1.json",
        b"{\"Statement\": [{\"Sid\": \"Caf\xe9\", \"Effect\": \"Allow\"}]}",
    );
    dir.write("bad/utf16.json", b"\xff\xfe{\0}\0");
    std::fs::create_dir_all(dir.path().join("empty/sub")).expect("mkdir");
    dir.write("nopolicies/data.json", "{\"rows\": [1, 2, 3]}");
    // A 100 MB file: sparse, so it costs no disk space or time.
    let huge = std::fs::File::create(dir.path().join("bad/huge.json")).expect("create");
    huge.set_len(100 * 1024 * 1024).expect("grow");
    drop(huge);

    let r = run(
        dir.path(),
        &[
            "check",
            "missing.json",
            "bad/binary.json",
            "bad/latin1.json",
            "bad/utf16.json",
            "bad/huge.json",
            "empty",
            "nopolicies",
            "policies/app.json",
        ],
    );
    assert_eq!(r.code, Some(2), "{r:?}");
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        errors,
        vec![
            "iam-ls: error: missing.json: no such file or directory",
            "iam-ls: error: bad/binary.json: binary content (it contains NUL bytes), not checked",
            "iam-ls: error: bad/latin1.json: not valid UTF-8 (first bad byte on line 1, byte offset 27), not checked; save it as UTF-8",
            "iam-ls: error: bad/utf16.json: UTF-16 text, not checked; save it as UTF-8 (IAM policies are UTF-8)",
            "iam-ls: error: bad/huge.json: too large to be a policy (100.0 MiB; the limit is 2.0 MiB), not checked",
            "iam-ls: error: empty: no IAM policies found: the directory has no JSON files",
            "iam-ls: error: nopolicies: no IAM policies found: its one JSON file is not a policy",
        ],
        "{r:?}"
    );
    // The good file was checked and reported.
    assert!(
        r.stdout.contains("policies/app.json:6:17: IAM010 warning"),
        "{r:?}"
    );
    assert!(r.stdout.contains("7 paths could not be checked"), "{r:?}");

    // In a directory walk, the same bad files are skipped quietly (they are not named, and no
    // `[kinds]` pattern claims them)... unless --verbose asks; a file too large to read gets a
    // note all the same.
    let r = run(dir.path(), &["check", "bad", "policies/clean.json"]);
    assert_eq!(
        r.code,
        Some(2),
        "a directory without policies is still an error: {r:?}"
    );
    assert_eq!(
        r.stderr,
        "iam-ls: error: bad: no IAM policies found: none of its 4 JSON files is a policy\n\
         iam-ls: note: skipped bad/huge.json: too large to be a policy (100.0 MiB; the limit is \
         2.0 MiB), not checked\n"
    );
    let r = run(dir.path(), &["check", "--verbose", "bad"]);
    assert!(
        r.stderr
            .contains("iam-ls: skipped bad/binary.json: binary content"),
        "{r:?}"
    );
}

#[test]
fn configured_files_must_be_policies_even_in_a_walk() {
    let dir = project();
    // Under a `[kinds]` pattern any JSON object is a policy (as in the editor); a JSON array is
    // not, and is an error.
    dir.write("scps/notes.json", "[\"todo\"]");
    dir.write("policies/data.json", "{\"todo\": true}");
    let r = run(dir.path(), &["check", "--fail-on", "never"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr
            .contains("iam-ls: error: scps/notes.json: not an IAM policy"),
        "{r:?}"
    );
    // The unconfigured non-policy JSON is skipped quietly.
    assert!(!r.stderr.contains("policies/data.json"), "{r:?}");
}

#[test]
fn walks_skip_hidden_directories_and_node_modules() {
    let dir = project();
    let r = run(
        dir.path(),
        &["check", "--format", "json", "--fail-on", "never"],
    );
    let doc = parse_json(&r);
    let paths: Vec<&str> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        vec![
            "boundaries/dev.json",
            "policies/app.json",
            "policies/broken.json",
            "policies/clean.json",
            "policies/deploy.json",
            "policies/one-line.json",
            "scps/deny-regions.json"
        ]
    );
    // A policy inside node_modules is checked when named.
    let r = run(dir.path(), &["check", "node_modules/dep/policy.json"]);
    assert!(r.stdout.contains("IAM010"), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// check: the same results as the editor.

/// Every finding `check` reports for the project equals a diagnostic the language server
/// publishes for the same file in the same workspace, and vice versa.
#[test]
fn check_reports_what_the_editor_shows() {
    let dir = project();
    let r = run(
        dir.path(),
        &["check", "--format", "json", "--fail-on", "never"],
    );
    let doc = parse_json(&r);

    let mut client = LspClient::spawn();
    let root = format!("file://{}", dir.path().display());
    client.call_ok(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let severity = |level: &str| match level {
        "error" => 1,
        "warning" => 2,
        "info" => 3,
        _ => 4,
    };
    let mut compared = 0;
    for file in doc["files"].as_array().expect("files") {
        let rel = file["path"].as_str().expect("path");
        let text = std::fs::read_to_string(dir.path().join(rel)).expect("read");
        let uri = format!("{root}/{rel}");
        client.open(&uri, "json", 1, &text);
        let published = client.diagnostics(&uri, 1);
        let mut editor: Vec<(String, i64, u64, u64, u64, u64)> = published["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                let r = &d["range"];
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["severity"].as_i64().unwrap_or_default(),
                    r["start"]["line"].as_u64().unwrap_or_default(),
                    r["start"]["character"].as_u64().unwrap_or_default(),
                    r["end"]["line"].as_u64().unwrap_or_default(),
                    r["end"]["character"].as_u64().unwrap_or_default(),
                )
            })
            .collect();
        // The fixtures' non-ASCII characters are all in the BMP: one UTF-16 unit per character.
        let mut cli: Vec<(String, i64, u64, u64, u64, u64)> = file["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                let n = |v: &Value| v.as_u64().unwrap_or_default() - 1;
                (
                    f["code"].as_str().unwrap_or_default().to_string(),
                    severity(f["level"].as_str().unwrap_or_default()),
                    n(&f["start"]["line"]),
                    n(&f["start"]["column"]),
                    n(&f["end"]["line"]),
                    n(&f["end"]["column"]),
                )
            })
            .collect();
        editor.sort();
        cli.sort();
        assert_eq!(cli, editor, "{rel}");
        compared += cli.len();
    }
    assert!(compared >= 3, "the fixtures have findings to compare");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

// ---------------------------------------------------------------------------------------------
// explain, decode, rules, --version.

const DENIAL: &str = "An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::example-bucket/report.csv\" with an explicit deny in a service control policy";

#[test]
fn explain_prints_the_hover_explanation() {
    let dir = TempDir::new("explain");
    let r = run(dir.path(), &["explain", DENIAL]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let denial = iam_ls::logs::parse_message(DENIAL).expect("the library parses it");
    let expected = iam_ls::logs::explain_denial(&denial).to_text();
    assert_eq!(r.stdout.trim_end(), expected.trim_end());
    assert!(r.stdout.contains("s3:GetObject"), "{r:?}");

    // Several words are one message.
    let words: Vec<&str> = DENIAL.split(' ').collect();
    let mut args = vec!["explain"];
    args.extend(words);
    let r2 = run(dir.path(), &args);
    assert_eq!(r2.stdout, r.stdout);

    // A log on stdin: every message, numbered.
    let log = format!("10:00 starting\n10:01 {DENIAL}\n10:02 retrying\n10:03 {DENIAL}\n");
    let r = run_in(dir.path(), &["explain", "-"], log.as_bytes(), &[]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.starts_with("[1 of 2]\n"), "{r:?}");
    assert!(r.stdout.contains("\n[2 of 2]\n"), "{r:?}");

    // Nothing to explain: status 1 and a message.
    let r = run_in(dir.path(), &["explain", "-"], b"all good here\n", &[]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("no AccessDenied message found"), "{r:?}");
    assert_eq!(r.stdout, "");
}

const DECODED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyOutsideEurope","effect":"DENY","principals":{"items":[{"value":"AROAEXAMPLE"}]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"ec2:RunInstances"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROAEXAMPLE:alice","arn":"arn:aws:sts::111122223333:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:111122223333:instance/*","conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"us-east-1"}]}}]}}}"#;

fn blob() -> String {
    let unit = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_";
    unit.repeat(8)
}

fn aws_env(stub: &aws_stub::AwsStub, home: &Path) -> Vec<(String, String)> {
    // Empty shared config files: no profile from the machine, and nothing to warn about.
    std::fs::write(home.join("config"), "").expect("config");
    std::fs::write(home.join("credentials"), "").expect("credentials");
    vec![
        ("AWS_ENDPOINT_URL".into(), stub.url()),
        ("AWS_ACCESS_KEY_ID".into(), "AKIDEXAMPLE".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "secret".into()),
        ("AWS_REGION".into(), "eu-west-1".into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("HOME".into(), home.display().to_string()),
        (
            "AWS_CONFIG_FILE".into(),
            home.join("config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            home.join("credentials").display().to_string(),
        ),
    ]
}

fn run_env(dir: &Path, args: &[&str], stdin: &[u8], envs: &[(String, String)]) -> Run {
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    run_in(dir, args, stdin, &envs)
}

#[test]
fn decode_prints_the_json_and_the_summary() {
    let blob = blob();
    let stub = aws_stub::AwsStub::world(aws_stub::StubWorld::new().with_message(&blob, DECODED))
        .expect("stub");
    let dir = TempDir::new("decode");
    let env = aws_env(&stub, dir.path());

    let r = run_env(dir.path(), &["decode", &blob], b"", &env);
    assert_eq!(r.code, Some(0), "{r:?}");
    let (json_part, summary) = r
        .stdout
        .split_once("\n\n")
        .expect("JSON, blank line, summary");
    let printed: Value = serde_json::from_str(json_part).expect("pretty JSON first");
    assert_eq!(
        printed,
        serde_json::from_str::<Value>(DECODED).expect("json")
    );
    assert!(
        json_part.contains("\n  \"allowed\": false"),
        "pretty-printed: {r:?}"
    );
    let m = iam_ls::logs::DecodedMessage::parse(DECODED).expect("decoded");
    let expected = iam_ls::logs::summarize(&m).to_text();
    assert_eq!(summary.trim_end(), expected.trim_end());
    assert!(summary.contains("DenyOutsideEurope"), "{r:?}");
    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].param("EncodedMessage").as_deref(),
        Some(blob.as_str())
    );

    // From stdin, inside an error message.
    let text = format!(
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: {blob}\n"
    );
    let r = run_env(dir.path(), &["decode", "-"], text.as_bytes(), &env);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("DenyOutsideEurope"), "{r:?}");
}

#[test]
fn decode_errors_are_the_editors() {
    let stub = aws_stub::AwsStub::world(aws_stub::StubWorld::new()).expect("stub");
    let dir = TempDir::new("decode-err");
    let env = aws_env(&stub, dir.path());
    // STS does not know the message.
    let r = run_env(dir.path(), &["decode", &blob()], b"", &env);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.starts_with("iam-ls: error: "), "{r:?}");
    assert_eq!(r.stdout, "");
    // Nothing that looks like an encoded message: a usage error, and no call.
    let before = stub.requests().len();
    let r = run_env(dir.path(), &["decode", "hello"], b"", &env);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("no encoded authorization message"),
        "{r:?}"
    );
    assert_eq!(stub.requests().len(), before);
    // The profile from the flag reaches the credential chain (an unknown profile fails).
    let no_keys: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS") && !k.starts_with("AWS_SECRET"))
        .cloned()
        .collect();
    let r = run_env(
        dir.path(),
        &["decode", "--profile", "nobody", "--timeout", "5", &blob()],
        b"",
        &no_keys,
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("nobody"), "{r:?}");
    // A bad --timeout is a usage error.
    assert_eq!(
        run(dir.path(), &["decode", "--timeout", "0", "x"]).code,
        Some(2)
    );
}

#[test]
fn rules_lists_and_documents() {
    let dir = TempDir::new("rules");
    let r = run(dir.path(), &["rules"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("CODE"), "{r:?}");
    assert_eq!(lines.len(), 1 + iam_ls::rules::all().len());
    for (line, rule) in lines[1..].iter().zip(iam_ls::rules::all()) {
        assert!(line.starts_with(rule.code), "{line}");
        assert!(line.contains(rule.name), "{line}");
        assert!(line.contains(rule.severity.name()), "{line}");
    }
    let r = run(dir.path(), &["rules", "IAM010"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let rule = iam_ls::rules::find("IAM010").expect("rule");
    assert_eq!(r.stdout, iam_ls::rules::docs::render_page(rule));
    // By name, too.
    assert_eq!(run(dir.path(), &["rules", rule.name]).stdout, r.stdout);
    let r = run(dir.path(), &["rules", "IAM999x"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("no rule `IAM999x`"), "{r:?}");
}

#[test]
fn version_names_the_data() {
    let dir = TempDir::new("version");
    let r = run(dir.path(), &["--version"]);
    assert_eq!(r.code, Some(0));
    let data = iam_ls::catalog::data_version();
    assert!(
        r.stdout.starts_with(&format!(
            "iam-ls {}\nIAM data: {data}, ",
            env!("CARGO_PKG_VERSION")
        )),
        "{r:?}"
    );
    // With the fixed "today" of these tests (IAM_LS_TODAY, see `run_in`).
    let today = iam_ls::rules::support::parse_instant("2026-11-28").unwrap() / 86_400;
    assert_eq!(r.stdout, iam_ls::cli::version_text(today));
}

#[test]
fn help_lists_the_subcommands() {
    let dir = TempDir::new("help");
    let r = run(dir.path(), &["--help"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    for sub in ["check", "explain", "decode", "rules", "lsp"] {
        assert!(r.stdout.contains(sub), "{sub}: {r:?}");
    }
}
