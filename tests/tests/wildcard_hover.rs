//! End-to-end: the hover on a wildcard action through the real server (issue 17) lists every
//! matched action, grouped by access level, up to 300; a larger expansion keeps the counts.

use iam_ls_e2e::{LspClient, file_uri};
use serde_json::json;

const POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"s3:*\", \"ec2:*\"], \"Resource\": \"*\"}\n  ]\n}\n";

/// The number after `matches ` in the hover's first line.
fn matched(markdown: &str) -> usize {
    let rest = markdown
        .split_once("matches ")
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("no count: {markdown}"));
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a count")
}

/// (level, its count, the names listed) for each `**Level** (n): `a`, `b`` paragraph.
fn levels(markdown: &str) -> Vec<(String, usize, Vec<String>)> {
    markdown
        .lines()
        .filter_map(|l| {
            let l = l.strip_prefix("**")?;
            let (level, rest) = l.split_once("** (")?;
            let (n, names) = rest.split_once("): ")?;
            let names = names
                .split(", ")
                .map(|n| n.trim_matches('`').to_string())
                .collect();
            Some((level.to_string(), n.parse().ok()?, names))
        })
        .collect()
}

#[test]
fn wildcard_hover_lists_every_matched_action_by_level() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("wildcards.json");
    client.open(&uri, "json", 1, POLICY);
    client.diagnostics(&uri, 1);
    let line = POLICY.lines().nth(3).expect("statement line");
    let hover = |client: &mut LspClient, pattern: &str| -> String {
        let at = line.find(&format!("\"{pattern}\"")).expect("pattern") + 2;
        let hover = client.call_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": at}}),
        );
        hover["contents"]["value"]
            .as_str()
            .expect("markdown")
            .to_string()
    };

    for pattern in ["s3:Get*", "s3:*"] {
        let text = hover(&mut client, pattern);
        let total = matched(&text);
        assert!(total > 6 && total <= 300, "{pattern}: {total}\n{text}");
        let levels = levels(&text);
        let mut listed: Vec<&String> = levels.iter().flat_map(|(_, _, n)| n).collect();
        for (level, n, names) in &levels {
            assert_eq!(*n, names.len(), "{pattern} {level}: count and list differ");
        }
        assert_eq!(listed.len(), total, "{pattern}: every match listed\n{text}");
        listed.sort();
        listed.dedup();
        assert_eq!(listed.len(), total, "{pattern}: a name listed twice");
        assert!(
            !text.contains("| Access level |"),
            "{pattern}: a list, not the table"
        );
        if pattern == "s3:Get*" {
            assert!(listed.iter().any(|n| *n == "GetObject"), "{text}");
            assert!(listed.iter().all(|n| n.starts_with("Get")), "{text}");
        } else {
            let names: Vec<&str> = levels.iter().map(|(l, _, _)| l.as_str()).collect();
            for level in ["List", "Read", "Write", "Permissions management", "Tagging"] {
                assert!(
                    names.contains(&level),
                    "s3:* has {level} actions: {names:?}"
                );
            }
        }
    }

    // ec2:* matches more than 300 actions: counts per level and a few examples.
    let text = hover(&mut client, "ec2:*");
    assert!(matched(&text) > 300, "{text}");
    assert!(
        text.contains("| Access level | Actions | Examples |"),
        "{text}"
    );
    assert!(levels(&text).is_empty(), "{text}");
}
