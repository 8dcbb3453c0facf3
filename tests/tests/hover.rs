//! End-to-end: hover and completion on a policy through the real server.

use iam_ls_e2e::{LspClient, file_uri};
use serde_json::{Value, json};

/// Line 4 holds a complete action; line 5 an action being typed (`"s3:Get`, closed by the
/// editor's auto-inserted quote). Both lines are ASCII, so UTF-16 and byte columns agree.
const POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n    {\"Effect\": \"Allow\", \"Action\": \"s3:Get\", \"Resource\": \"*\"}\n  ]\n}\n";

fn line(n: usize) -> &'static str {
    POLICY.lines().nth(n).expect("line in the fixture")
}

fn position(line: usize, character: usize) -> Value {
    json!({"line": line, "character": character})
}

#[test]
fn hover_on_an_action_and_completion_after_s3_get() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = file_uri("hover.json");
    client.open(&uri, "json", 1, POLICY);
    client.diagnostics(&uri, 1);

    // Hover in the middle of "s3:GetObject".
    let quote = line(3).find("\"s3:GetObject\"").expect("action on line 3");
    let hover = client.call_ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(3, quote + 5)}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown", "{hover}");
    let markdown = hover["contents"]["value"].as_str().expect("markdown text");
    assert!(
        markdown.starts_with("**`s3:GetObject`**: Read action of Amazon S3"),
        "{markdown}"
    );
    assert!(markdown.contains("list_amazons3.html"), "{markdown}");
    assert!(markdown.contains("IAM reference data"), "{markdown}");
    // The range is the whole string token, quotes included.
    assert_eq!(hover["range"]["start"], position(3, quote));
    assert_eq!(
        hover["range"]["end"],
        position(3, quote + "\"s3:GetObject\"".len())
    );

    // Completion right after `"s3:Get`.
    let typed = line(4)
        .find("\"s3:Get\"")
        .expect("partial action on line 4")
        + 1;
    let cursor = typed + "s3:Get".len();
    let list = client.call_ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": position(4, cursor)}),
    );
    assert_eq!(list["isIncomplete"], true, "filtered by what was typed");
    let items = list["items"].as_array().expect("completion items");
    assert!(
        !items.is_empty() && items.len() <= 200,
        "{} items",
        items.len()
    );
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(
        labels
            .iter()
            .all(|l| l.to_ascii_lowercase().contains("s3:get")),
        "{labels:?}"
    );
    let get_object = items
        .iter()
        .find(|i| i["label"] == "s3:GetObject")
        .expect("s3:GetObject offered");
    assert_eq!(get_object["kind"], 3, "function icon for actions");
    assert!(
        get_object["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("Read")),
        "{get_object}"
    );
    // The edit replaces the string's content (not its quotes) with the action.
    let edit = &get_object["textEdit"];
    assert_eq!(edit["newText"], "s3:GetObject");
    assert_eq!(edit["range"]["start"], position(4, typed));
    assert_eq!(edit["range"]["end"], position(4, cursor));
    // A wildcard for what was typed is offered first.
    assert_eq!(labels.first().copied(), Some("s3:Get*"), "{labels:?}");

    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));
}
