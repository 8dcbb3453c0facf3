//! Unit tests of the argument grammar and of the commands over in-memory streams.

use super::*;
use std::path::PathBuf;

fn parse(args: &[&str]) -> Result<Args, clap::Error> {
    Args::try_parse_from(std::iter::once("iam-ls").chain(args.iter().copied()))
}

/// Runs a subcommand with `stdin`, in `cwd`; returns (status, stdout, stderr).
fn run_cli(args: &[&str], stdin: &[u8], cwd: &std::path::Path) -> (u8, String, String) {
    let parsed = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let command = parsed.command.expect("a subcommand");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut input = stdin;
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        stdin: &mut input,
        out_is_terminal: false,
        err_is_terminal: false,
        stdin_is_terminal: false,
        today: crate::rules::testing::TODAY,
        no_color: false,
        cwd: cwd.to_path_buf(),
    };
    let code = run_with(command, &mut io, || {
        Err(std::io::Error::other("no runtime in unit tests"))
    });
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "iam-ls-cli-unit-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const LOWERCASE_EFFECT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}"#;

#[test]
fn no_arguments_lsp_and_stdio_all_mean_the_server() {
    for args in [
        &[][..],
        &["lsp"],
        &["--stdio"],
        &["lsp", "--stdio"],
        &["--stdio", "lsp"],
    ] {
        let parsed = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(
            matches!(parsed.command, None | Some(Command::Lsp { .. })),
            "{args:?}"
        );
        assert!(!parsed.version);
    }
    assert!(parse(&["--version"]).expect("version").version);
    assert!(parse(&["-V"]).expect("version").version);
    assert!(parse(&["--bogus"]).is_err());
}

#[test]
fn check_defaults_and_values() {
    let Some(Command::Check(c)) = parse(&["check"]).expect("check").command else {
        panic!("check");
    };
    assert!(c.paths.is_empty());
    assert_eq!(c.format, Format::Text);
    assert_eq!(c.severity, LevelArg::Hint);
    assert_eq!(c.fail_on, FailOn::Error);
    assert_eq!(c.color, ColorChoice::Auto);
    assert_eq!(c.kind, None);

    let Some(Command::Check(c)) = parse(&[
        "check",
        "--kind",
        "trust",
        "--format",
        "sarif",
        "--fail-on",
        "never",
        "a",
        "-",
    ])
    .expect("check")
    .command
    else {
        panic!("check");
    };
    assert_eq!(c.kind, Some(PolicyKind::RoleTrust));
    assert_eq!(c.format, Format::Sarif);
    assert_eq!(c.fail_on.level(), None);
    assert_eq!(c.paths, vec![PathBuf::from("a"), PathBuf::from("-")]);
    let err = parse(&["check", "--kind", "galaxy"]).expect_err("bad kind");
    assert!(err.to_string().contains("role-trust"), "{err}");
}

#[test]
fn thresholds_order_levels() {
    use crate::rules::Level;
    assert_eq!(FailOn::Warning.level(), Some(Level::Warning));
    assert_eq!(LevelArg::Info.level(), Level::Information);
    // "At or above" is `<=` in Level's order (Error first).
    assert!(Level::Error <= LevelArg::Warning.level());
    assert!(Level::Hint > LevelArg::Info.level());
}

#[test]
fn decode_timeout_is_bounded() {
    assert!(parse(&["decode", "--timeout", "0", "x"]).is_err());
    assert!(parse(&["decode", "--timeout", "3601", "x"]).is_err());
    let Some(Command::Decode(d)) = parse(&["decode", "--timeout", "30"])
        .expect("decode")
        .command
    else {
        panic!("decode");
    };
    assert_eq!(d.timeout, Some(30));
    assert_eq!(d.blob, None);
}

#[test]
fn check_stdin_in_memory() {
    let dir = Scratch::new("stdin");
    let (code, out, err) = run_cli(&["check", "-"], LOWERCASE_EFFECT.as_bytes(), &dir.0);
    assert_eq!(code, EXIT_FINDINGS, "{out}{err}");
    assert!(out.starts_with("<stdin>:1:67: IAM010 error: "), "{out}");
    assert!(
        out.ends_with("Found 1 problem (1 error) in 1 of 1 file.\n"),
        "{out}"
    );
    assert_eq!(err, "");
    let (code, out, _) = run_cli(
        &["check", "--format", "json", "--severity", "warning", "-"],
        LOWERCASE_EFFECT.as_bytes(),
        &dir.0,
    );
    assert_eq!(code, EXIT_FINDINGS);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["files"][0]["findings"][0]["code"], "IAM010");
    assert_eq!(doc["summary"]["by_level"]["error"], 1);
}

#[test]
fn check_reads_the_configuration_upwards() {
    let dir = Scratch::new("config");
    std::fs::write(
        dir.0.join("iam-ls.toml"),
        "[rules]\n\"invalid-effect\" = \"off\"\n",
    )
    .expect("config");
    let sub = dir.0.join("a/b");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(sub.join("p.json"), LOWERCASE_EFFECT).expect("policy");
    let (code, out, err) = run_cli(&["check"], b"", &sub);
    assert_eq!(code, EXIT_OK, "{out}{err}");
    assert_eq!(out, "No problems found in 1 file.\n");
    let loaded = load_config(&sub, None).expect("config");
    assert_eq!(loaded.root, dir.0);
    assert_eq!(loaded.file, Some(dir.0.join("iam-ls.toml")));
    // A broken file is an error with every problem listed.
    std::fs::write(dir.0.join("iam-ls.toml"), "[rules]\nx = 3\n[bogus]\n").expect("config");
    let e = load_config(&sub, None).expect_err("broken");
    assert!(e.contains("2 problems"), "{e}");
    assert!(e.contains("iam-ls.toml:2:"), "{e}");
    // An unknown rule name is an error too, located, with the nearest rule named.
    std::fs::write(
        dir.0.join("iam-ls.toml"),
        "[rules]\n\"invalid-effect\" = \"off\"\n\"deny-not-action\" = \"off\"\n",
    )
    .expect("config");
    let e = load_config(&sub, None).expect_err("unknown rule");
    assert!(
        e.contains("iam-ls.toml:3:1: unknown rule `deny-not-action`"),
        "{e}"
    );
    assert!(
        e.contains("did you mean `deny-not-action-without-condition`"),
        "{e}"
    );
}

#[test]
fn explain_finds_denials_decoded_messages_and_nothing() {
    let msg = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action";
    match explain::explain_text(msg) {
        explain::Explained::Denials(list) => {
            assert_eq!(list.len(), 1);
            let t = list[0].to_text();
            assert!(t.contains("s3:GetObject"), "{t}");
            assert_eq!(list[0].action.as_deref(), Some("s3:GetObject"));
        }
        other => panic!("{other:?}"),
    }
    let decoded = r#"{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},"context":{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}"#;
    assert!(matches!(
        explain::explain_text(decoded),
        explain::Explained::Decoded(_)
    ));
    let blob = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_".repeat(4);
    assert_eq!(
        explain::explain_text(&format!("Encoded authorization failure message: {blob}")),
        explain::Explained::Nothing { has_blob: true }
    );
    assert_eq!(
        explain::explain_text("nothing here"),
        explain::Explained::Nothing { has_blob: false }
    );
    let dir = Scratch::new("explain");
    let (code, out, err) = run_cli(&["explain", "-"], b"quiet log\n", &dir.0);
    assert_eq!(code, EXIT_FINDINGS);
    assert_eq!(out, "");
    assert!(
        err.contains("no AccessDenied message found in the input"),
        "{err}"
    );
}

#[test]
fn decode_finds_the_blob_in_its_input() {
    let blob = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_".repeat(4);
    let found = decode::find_blobs(&format!("  \"{blob}\"\n")).expect("bare blob");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, blob);
    let text = format!(
        "error: Encoded authorization failure message: {blob}\nagain: Encoded authorization failure message: {blob}\n"
    );
    let found = decode::find_blobs(&text).expect("in a log");
    assert_eq!(found.len(), 1, "repeats are decoded once");
    assert!(decode::find_blobs("hello").is_err());
    // Without a blob, decode fails before any AWS call (the runtime is never built).
    let dir = Scratch::new("decode");
    let (code, _, err) = run_cli(&["decode", "hello"], b"", &dir.0);
    assert_eq!(code, EXIT_ERROR);
    assert!(err.contains("no encoded authorization message"), "{err}");
}

#[test]
fn rules_table_is_aligned_and_complete() {
    let table = rules::table(crate::rules::all());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + crate::rules::all().len());
    let name_col = lines[0].find("NAME").expect("NAME column");
    for (line, rule) in lines[1..].iter().zip(crate::rules::all()) {
        assert_eq!(line.find(rule.name), Some(name_col), "{line}");
    }
    let dir = Scratch::new("rules");
    let (code, _, err) = run_cli(&["rules", "no-such-rule"], b"", &dir.0);
    assert_eq!(code, EXIT_ERROR);
    assert!(err.contains("no rule `no-such-rule`"), "{err}");
}

#[test]
fn version_text_names_the_data_and_its_age() {
    let data = crate::catalog::data_version();
    let day = crate::rules::support::parse_instant(data.date()).unwrap() / 86_400;
    let v = version_text(day + 70);
    let mut lines = v.lines();
    assert_eq!(
        lines.next(),
        Some(format!("iam-ls {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert_eq!(
        lines.next(),
        Some(format!("IAM data: {data}, 70 days old").as_str())
    );
    assert!(version_text(day + 1).ends_with(", 1 day old\n"));
}

#[test]
fn version_subcommand_prints_the_version_text() {
    let dir = std::env::temp_dir();
    let (code, out, err) = run_cli(&["version"], b"", &dir);
    assert_eq!((code, err.as_str()), (EXIT_OK, ""));
    assert_eq!(out, version_text(crate::rules::testing::TODAY));
}

#[test]
fn stale_data_is_warned_about_only_after_90_days() {
    let data = crate::catalog::data_version();
    let day = crate::rules::support::parse_instant(data.date()).unwrap() / 86_400;
    assert_eq!(super::stale_data_warning(day), None);
    assert_eq!(super::stale_data_warning(day + 90), None);
    let warning = super::stale_data_warning(day + 91).expect("a warning after 91 days");
    assert!(
        warning.contains(data.date()) && warning.contains("91 days ago"),
        "{warning}"
    );
    // The tests' fixed today is within the limit, so no golden sees the warning.
    assert_eq!(
        super::stale_data_warning(crate::rules::testing::TODAY),
        None
    );
}

#[test]
fn a_run_where_nothing_could_be_checked_does_not_claim_no_problems() {
    let dir = std::env::temp_dir();
    let (code, out, err) = run_cli(
        &["check", "--no-progress", "/nonexistent/iam-ls-ship.json"],
        b"",
        &dir,
    );
    assert_eq!(code, EXIT_ERROR, "{out}{err}");
    assert!(!out.contains("No problems found"), "{out}");
    assert!(
        out.contains("Nothing was checked: 1 path could not be checked"),
        "{out}"
    );
}

#[test]
fn decode_says_it_reads_stdin_only_when_stdin_is_a_terminal() {
    for terminal in [true, false] {
        let command = parse(&["decode"]).unwrap().command.expect("a subcommand");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut input: &[u8] = b"no message here";
        let mut io = Io {
            out: &mut out,
            err: &mut err,
            stdin: &mut input,
            out_is_terminal: false,
            err_is_terminal: false,
            stdin_is_terminal: terminal,
            today: crate::rules::testing::TODAY,
            no_color: false,
            cwd: std::env::temp_dir(),
        };
        let code = run_with(command, &mut io, || {
            Err(std::io::Error::other("no runtime in unit tests"))
        });
        let err = String::from_utf8(err).unwrap();
        assert_eq!(code, EXIT_ERROR, "{err}");
        assert_eq!(
            err.starts_with("iam-ls decode: reading the encoded message from stdin"),
            terminal,
            "{err}"
        );
        assert!(
            err.contains("no encoded authorization message found in the input"),
            "{err}"
        );
    }
}
