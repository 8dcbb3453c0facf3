//! What a release promises, over the real binary: rule documentation opens offline from a code
//! action (the same page `iam-ls rules CODE` prints), the data's age is shown and `check` warns
//! when the data is stale (with "today" fixed through `IAM_LS_TODAY`), and `iam-ls version` is
//! `iam-ls --version`.

use iam_ls_e2e::{LspClient, server_binary};
use serde_json::json;
use std::process::{Command, Output, Stdio};

const LOWERCASE_EFFECT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}
"#;

const CLEAN: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}
"#;

/// Runs the binary with `args`, `stdin` and `IAM_LS_TODAY=today` (when given).
fn run(args: &[&str], stdin: &str, today: Option<&str>) -> Output {
    let mut cmd = Command::new(server_binary());
    cmd.args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("IAM_LS_TODAY")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(day) = today {
        cmd.env("IAM_LS_TODAY", day);
    }
    let mut child = cmd.spawn().expect("spawn iam-ls");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("iam-ls runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `2026-09-26` from `IAM data: ... (2026-09-26)...`, the line `--version` prints.
fn data_date() -> String {
    let out = run(&["--version"], "", None);
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("IAM data: "))
        .unwrap_or_else(|| panic!("no data line in {stdout}"));
    let open = line.find('(').expect("a date in parentheses") + 1;
    line[open..open + 10].to_string()
}

/// The date `days` after `date` (`YYYY-MM-DD`), through the library's calendar functions.
fn plus_days(date: &str, days: i64) -> String {
    use iam_ls::rules::support::{format_day, parse_instant};
    format_day(parse_instant(date).expect("a date") / 86_400 + days)
}

#[test]
fn show_documentation_opens_the_rules_page_from_the_binary() {
    let mut client = LspClient::spawn();
    client.initialize(json!({"window": {"showDocument": {"support": true}}}));
    let init = client.history()[0]["result"]["capabilities"]["executeCommandProvider"].clone();
    assert!(
        init["commands"]
            .as_array()
            .is_some_and(|c| c.contains(&json!("iamLs.showRuleDocumentation"))),
        "{init}"
    );
    let uri = iam_ls_e2e::file_uri("effect.json");
    client.open(&uri, "json", 1, LOWERCASE_EFFECT);
    let published = client.diagnostics(&uri, 1);
    let diag = published["params"]["diagnostics"][0].clone();
    assert_eq!(diag["code"], "IAM010", "{published}");

    let actions = client.call_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let action = actions
        .as_array()
        .expect("code actions")
        .iter()
        .find(|a| a["title"] == "Show documentation for IAM010")
        .unwrap_or_else(|| panic!("no documentation action in {actions}"))
        .clone();
    let command = &action["command"];
    assert_eq!(command["command"], "iamLs.showRuleDocumentation");

    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    let shown = client.wait_for("request window/showDocument", |m| {
        m["method"] == "window/showDocument" && m.get("id").is_some()
    });
    client.send(&json!({"jsonrpc": "2.0", "id": shown["id"], "result": {"success": true}}));
    assert_eq!(shown["params"]["uri"], result["uri"], "{result}");
    assert_eq!(shown["params"]["takeFocus"], true);
    let file_uri = shown["params"]["uri"].as_str().expect("a uri");
    let path = file_uri.strip_prefix("file://").expect("a file URI");
    assert!(path.ends_with("/IAM010.md"), "{path}");
    let page = std::fs::read_to_string(path).expect("the page was written");

    let cli = run(&["rules", "IAM010"], "", None);
    assert!(cli.status.success(), "{}", text(&cli.stderr));
    assert_eq!(
        page,
        text(&cli.stdout),
        "the editor shows what the CLI prints"
    );
    assert!(page.starts_with("# invalid-effect (IAM010)"), "{page}");

    // An unknown rule is a clear error, not a silent nothing.
    let bad = client.call(
        "workspace/executeCommand",
        json!({"command": "iamLs.showRuleDocumentation", "arguments": [{"code": "IAM999x"}]}),
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no rule `IAM999x`")),
        "{bad}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    assert!(
        !std::path::Path::new(path).exists(),
        "the temporary page is removed at shutdown"
    );
}

#[test]
fn without_show_document_the_client_is_told_where_the_page_is() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let result = client.call_ok(
        "workspace/executeCommand",
        json!({"command": "iamLs.showRuleDocumentation", "arguments": [{"code": "invalid-effect"}]}),
    );
    let message = client.notification("window/showMessage", |p| p["type"] == 3);
    let text = message["params"]["message"].as_str().unwrap_or_default();
    assert!(text.starts_with("IAM010 invalid-effect: "), "{text}");
    let uri = result["uri"].as_str().expect("a uri");
    assert!(
        text.contains(uri.strip_prefix("file://").unwrap()),
        "{text} / {uri}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn version_shows_the_data_date_and_age_and_the_subcommand_matches() {
    let date = data_date();
    let today = plus_days(&date, 42);
    let flag = run(&["--version"], "", Some(&today));
    let sub = run(&["version"], "", Some(&today));
    assert!(flag.status.success() && sub.status.success());
    let stdout = text(&flag.stdout);
    assert!(
        stdout.contains(&format!("({date}), 42 days old\n")),
        "{stdout}"
    );
    assert_eq!(stdout, text(&sub.stdout));
    assert_eq!(text(&sub.stderr), "");
}

#[test]
fn check_warns_when_the_data_is_older_than_90_days() {
    let date = data_date();
    let fresh = run(&["check", "-"], CLEAN, Some(&plus_days(&date, 90)));
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));
    assert_eq!(text(&fresh.stderr), "");

    let stale = run(&["check", "-"], CLEAN, Some(&plus_days(&date, 120)));
    let stderr = text(&stale.stderr);
    assert_eq!(
        stale.status.code(),
        Some(0),
        "a warning does not fail the run: {stderr}"
    );
    assert!(
        stderr.starts_with(&format!(
            "iam-ls: warning: the embedded IAM data is from {date} (120 days ago)"
        )),
        "{stderr}"
    );
    assert_eq!(
        text(&stale.stdout),
        text(&fresh.stdout),
        "the report is unchanged"
    );
}

#[test]
fn decode_with_nothing_to_decode_speaks_of_the_input_not_the_editor() {
    let out = run(&["decode", "-"], "not a blob!", None);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("selection"), "{stderr}");
    assert!(!stderr.contains("editor"), "{stderr}");
    assert!(stderr.contains("in the input"), "{stderr}");
}
