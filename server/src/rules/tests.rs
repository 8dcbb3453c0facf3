//! Framework tests: the registry's invariants, every rule's doc example, the Access Analyzer
//! table, and the generated docs being current.

use super::access_analyzer::CODES;
use super::docs::{SECTIONS, code_blocks, render_index, render_page, section};
use super::testing::{TODAY, run, run_related};
use super::{Fix, all, find};
use crate::policy::PolicyKind;
use std::collections::HashSet;

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in all() {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(
            r.code.len() == 6
                && r.code.starts_with("IAM")
                && r.code[3..].bytes().all(|b| b.is_ascii_digit()),
            "code {} is not IAM + 3 digits",
            r.code
        );
        assert!(
            r.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "name {} is not kebab-case",
            r.name
        );
        assert!(!r.summary.is_empty(), "{} has no summary", r.name);
        for s in r.sources {
            assert!(
                s.starts_with("Access Analyzer: ") || s.starts_with("parliament: "),
                "{}: source {s:?} names no known tool",
                r.name
            );
        }
        assert_eq!(find(r.code).map(|f| f.name), Some(r.name));
        assert_eq!(find(r.name).map(|f| f.code), Some(r.code));
    }
}

#[test]
fn every_rule_has_a_doc_with_the_fixed_sections() {
    for r in all() {
        let doc = r.doc();
        assert!(
            !doc.is_empty(),
            "{}: no doc comment found (file name must be {}.rs with `_` for `-`)",
            r.name,
            r.name
        );
        let mut last = 0;
        for title in SECTIONS {
            let heading = format!("## {title}\n");
            let at = doc
                .find(&heading)
                .unwrap_or_else(|| panic!("{}: doc lacks section `## {title}`", r.name));
            assert!(at >= last, "{}: section `{title}` out of order", r.name);
            last = at;
            let body = section(doc, title).unwrap_or_default();
            assert!(
                !body.trim().is_empty(),
                "{}: section `{title}` is empty",
                r.name
            );
        }
    }
}

fn kind_of(block: &super::docs::CodeBlock<'_>, rule: &str) -> Option<PolicyKind> {
    block.attr("kind").map(|k| {
        PolicyKind::from_name(k).unwrap_or_else(|| panic!("{rule}: unknown kind {k} in doc"))
    })
}

/// Runs the rules on the first code block of a doc section, with the section's further blocks
/// that carry a `path:` attribute as the other policies of its group (```json
/// kind:permissions-boundary path:boundary.json```), for the cross-file traps.
fn run_section(blocks: &[super::docs::CodeBlock<'_>], rule: &str) -> Vec<super::Finding> {
    let related: Vec<(&str, PolicyKind, &str)> = blocks
        .iter()
        .skip(1)
        .filter_map(|b| {
            let path = b.attr("path")?;
            let kind = kind_of(b, rule)
                .unwrap_or_else(|| panic!("{rule}: related block {path} needs a kind"));
            Some((path, kind, b.code.as_str()))
        })
        .collect();
    run_related(&blocks[0].code, kind_of(&blocks[0], rule), &related)
}

#[test]
fn every_doc_example_triggers_its_rule_and_its_fix_does_not() {
    for r in all() {
        let doc = r.doc();
        let blocks = code_blocks(section(doc, "Example").unwrap_or_default());
        assert!(!blocks.is_empty(), "{}: Example has no code block", r.name);
        let findings = run_section(&blocks, r.name);
        let mine: Vec<_> = findings.iter().filter(|f| f.rule.name == r.name).collect();
        assert!(
            !mine.is_empty(),
            "{}: its doc example does not trigger it; findings: {:?}",
            r.name,
            findings
                .iter()
                .map(|f| (f.rule.name, &f.message))
                .collect::<Vec<_>>()
        );
        let fixed = code_blocks(section(doc, "Fix").unwrap_or_default());
        assert!(!fixed.is_empty(), "{}: Fix has no code block", r.name);
        let after = run_section(&fixed, r.name);
        let still: Vec<_> = after
            .iter()
            .filter(|f| f.rule.name == r.name || f.rule.name == "json-syntax")
            .map(|f| (f.rule.name, &f.message))
            .collect();
        assert!(
            still.is_empty(),
            "{}: its doc's fixed policy still triggers: {still:?}",
            r.name
        );
    }
}

#[test]
fn quick_fixes_of_doc_examples_apply_cleanly() {
    for r in all() {
        let doc = r.doc();
        let blocks = code_blocks(section(doc, "Example").unwrap_or_default());
        let Some(example) = blocks.first() else {
            continue;
        };
        let kind = kind_of(example, r.name);
        for f in run(&example.code, kind)
            .into_iter()
            .filter(|f| f.rule.name == r.name)
        {
            for fix in &f.fixes {
                let fixed = Fix::apply(fix, &example.code);
                assert_ne!(
                    fixed, example.code,
                    "{}: fix `{}` changes nothing",
                    r.name, fix.title
                );
                let syntax: Vec<_> = run(&fixed, kind)
                    .into_iter()
                    .filter(|g| g.rule.name == "json-syntax")
                    .map(|g| g.message)
                    .collect();
                if r.name != "json-syntax" {
                    assert!(
                        syntax.is_empty(),
                        "{}: fix `{}` breaks the JSON: {syntax:?}\n{fixed}",
                        r.name,
                        fix.title
                    );
                }
            }
        }
    }
}

#[test]
fn access_analyzer_table_is_complete_and_consistent() {
    assert_eq!(CODES.len(), 153);
    let known: HashSet<&str> = CODES.iter().map(|c| c.code).collect();
    assert_eq!(known.len(), 153, "duplicate code in the table");
    for r in all() {
        for code in r.access_analyzer_codes() {
            assert!(
                known.contains(code),
                "{}: unknown Access Analyzer code {code}",
                r.name
            );
        }
    }
    for entry in CODES {
        let covered = all()
            .iter()
            .any(|r| r.access_analyzer_codes().any(|c| c == entry.code));
        match (covered, super::access_analyzer::offline_gap(entry.code)) {
            (true, Some(_)) => panic!(
                "{} is covered by a rule but also has a gap note",
                entry.code
            ),
            (false, None) => panic!(
                "{} is covered by no rule: add a rule, or say in access_analyzer.rs why it cannot be checked offline",
                entry.code
            ),
            _ => {}
        }
    }
}

#[test]
fn docs_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    let mut expected = vec![("README.md".to_string(), render_index())];
    for r in all() {
        expected.push((format!("{}.md", r.name), render_page(r)));
    }
    if std::env::var_os("IAM_LS_UPDATE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if on_disk == *text => {}
            _ => stale.push(name.clone()),
        }
    }
    let names: HashSet<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if !names.contains(&n) {
                stale.push(format!("{n} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is out of date ({stale:?}); regenerate with `{}`",
        super::docs::REGENERATE_COMMAND
    );
}

#[test]
fn readme_gives_the_same_regenerate_command_as_the_pages() {
    let readme = include_str!("../../../README.md");
    let command = format!("`{}`", super::docs::REGENERATE_COMMAND);
    assert!(
        readme.contains(&command),
        "README.md should give {command} to regenerate docs/rules"
    );
}

#[test]
fn the_extension_names_the_same_repository_as_cargo() {
    let manifest = include_str!("../../../vscode-extension/package.json");
    let json: serde_json::Value = serde_json::from_str(manifest).unwrap();
    assert_eq!(
        json["repository"]["url"].as_str(),
        Some(env!("CARGO_PKG_REPOSITORY")),
        "vscode-extension/package.json's repository.url repeats Cargo.toml's `repository`"
    );
    assert!(super::docs::DOCS_BASE_URL.starts_with(env!("CARGO_PKG_REPOSITORY")));
}

#[test]
fn today_is_a_fixed_date_in_tests() {
    assert_eq!(super::support::format_day(TODAY), "2026-11-28");
}

/// Issue 17: broken JSON. Recovery ends the unclosed `Action` array at `"Resource":`, so
/// `"*"` is not read as an action (no IAM103 "covered by `*`" finding), and a finding inside a
/// container recovery had to close offers no quick fix.
#[test]
fn no_quick_fix_from_recovered_parts_of_the_tree() {
    let broken = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject",
    "Resource": "*"}]}"#;
    let found = run(broken, Some(PolicyKind::Identity));
    assert!(
        !found.iter().any(|f| f.code() == "IAM103"),
        "{:?}",
        found.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    assert!(found.iter().any(|f| f.rule.name == "json-syntax"));

    // The same redundancy with and without the closing bracket: a fix only when closed.
    let closed = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:*"], "Resource": "*"}]}"#;
    let open = closed.replace(r#""s3:*"],"#, r#""s3:*","#);
    let fixes = |text: &str| -> (usize, usize) {
        let found = run(text, Some(PolicyKind::Identity));
        let redundant: Vec<_> = found.iter().filter(|f| f.code() == "IAM103").collect();
        (
            redundant.len(),
            redundant.iter().map(|f| f.fixes.len()).sum(),
        )
    };
    assert_eq!(fixes(closed), (1, 1));
    assert_eq!(fixes(&open), (1, 0));

    // The closed statement ahead of more syntax errors than are listed: no fix either, since
    // the parts recovery built are no longer all known.
    let after = |commas: usize| closed.replace("}]}", &format!("}}, [{}]]}}", ",".repeat(commas)));
    assert_eq!(fixes(&after(crate::syntax::MAX_ERRORS + 5)), (1, 0));
    assert_eq!(fixes(&after(10)), (1, 1));
}

/// Issue 17: unknown rule names in `[rules]` are reported with their place and a did-you-mean
/// (docs/rules/README.md's own example once named `deny-not-action`, which is no rule).
#[test]
fn unknown_rule_names_are_reported_with_a_suggestion() {
    let config = crate::config::Config::from_toml_str(
        "[rules]\n\"deny-not-action\" = \"off\"\n\"invalid-efect\" = \"off\"\n\"IAM001\" = \"off\"\n",
    )
    .expect("valid TOML");
    let errors = super::unknown_rule_errors(&config);
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 2, "{shown:?}");
    assert_eq!((errors[0].line(), errors[0].column()), (Some(2), Some(1)));
    assert!(
        shown[0].contains("did you mean `deny-not-action-without-condition`"),
        "{shown:?}"
    );
    assert!(
        shown[1].contains("did you mean `invalid-effect`"),
        "{shown:?}"
    );
    // The example in the rules index names a real rule.
    let index = super::docs::render_index();
    let example = index
        .lines()
        .find(|l| l.ends_with("# or error | warning | info | hint"))
        .expect("example line");
    let id = example.split('"').nth(1).expect("quoted id");
    assert!(super::find(id).is_some(), "{id}");
}
