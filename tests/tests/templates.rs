//! Policies inside CloudFormation templates, through the real binary: the server publishes the
//! embedded policies' findings on the template's lines (none on intrinsic functions, none for YAML
//! that is not a template), quick fixes edit the YAML scalar, and `iam-ls check` reports the same
//! findings for a template file and a folder of them.

use iam_ls_e2e::{LspClient, server_binary};
use serde_json::{Value, json};
use std::process::Command;

const YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: \"2012-10-17\"
            Statement:
              - Effect: Allow
                Action:
                  - s3:GetObjet
                Resource: !Sub \"arn:${AWS::Partition}:s3:::${Bucket}/*\"
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: !GetAtt Queue.Arn
";

const JSON_TEMPLATE: &str = r#"{
  "Resources": {
    "Policy": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "s3:GetObjet",
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"}}]
        }
      }
    }
  }
}
"#;

fn diags(published: &Value) -> Vec<(String, u64, u64, u64)> {
    published["params"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["range"]["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn yaml_template_findings_on_the_template_lines() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = iam_ls_e2e::file_uri("template.yaml");
    client.open(&uri, "yaml", 1, YAML);
    let published = client.diagnostics(&uri, 1);
    let found = diags(&published);
    // `s3:GetObjet` is line 20 (0-based 19), columns 20..31; nothing else is wrong.
    assert_eq!(
        found,
        vec![("IAM102".to_string(), 19, 20, 31)],
        "{published}"
    );
    // The quick fix edits the scalar in place.
    let actions = client.call_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 19, "character": 22},
            "end": {"line": 19, "character": 22}},
            "context": {"diagnostics": published["params"]["diagnostics"]}}),
    );
    let text = actions.to_string();
    assert!(text.contains("s3:GetObject"), "{actions}");
    // Typing elsewhere keeps the findings; a half-typed line does not hide them.
    client.change(
        &uri,
        2,
        json!([{"range": {"start": {"line": 11, "character": 34},
            "end": {"line": 11, "character": 34}}, "text": "\n            Conditio"}]),
    );
    let published = client.diagnostics(&uri, 2);
    assert_eq!(
        diags(&published),
        vec![("IAM102".to_string(), 20, 20, 31)],
        "{published}"
    );
    client.shutdown_and_exit();
}

#[test]
fn json_template_and_plain_yaml() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    let uri = iam_ls_e2e::file_uri("template.json");
    client.open(&uri, "json", 1, JSON_TEMPLATE);
    let published = client.diagnostics(&uri, 1);
    // The quoted `"s3:GetObjet"` on line 8 (0-based 7).
    assert_eq!(
        diags(&published),
        vec![("IAM102".to_string(), 7, 54, 67)],
        "{published}"
    );
    let plain = iam_ls_e2e::file_uri("workflow.yaml");
    client.open(
        &plain,
        "yaml",
        1,
        "name: ci\non: push\njobs:\n  a:\n    runs-on: x\n",
    );
    let published = client.diagnostics(&plain, 1);
    assert!(diags(&published).is_empty(), "{published}");
    client.shutdown_and_exit();
}

#[test]
fn check_takes_templates_and_folders_of_them() {
    let dir = std::env::temp_dir().join(format!("iam-ls-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::write(dir.join("infra/role.yaml"), YAML).unwrap();
    std::fs::write(dir.join("infra/policy.template"), JSON_TEMPLATE).unwrap();
    std::fs::write(dir.join("infra/ci.yml"), "name: ci\non: push\n").unwrap();
    let out = Command::new(server_binary())
        .current_dir(&dir)
        .args(["check", "--format", "json", "infra"])
        .output()
        .expect("iam-ls runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let text = report.to_string();
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{report:#}");
    for f in files {
        let findings = f["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), 1, "{report:#}");
        assert_eq!(findings[0]["code"], "IAM102", "{report:#}");
        assert_eq!(f["kind_source"], "template", "{report:#}");
    }
    assert!(
        text.contains("role.yaml") && text.contains("policy.template"),
        "{text}"
    );
}

/// The UTF-16 column of byte `offset` on its line.
fn utf16_col(text: &str, offset: usize) -> (u64, u64) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count() as u64;
    (line, text[line_start..offset].encode_utf16().count() as u64)
}

#[test]
fn completion_symbols_and_folding_inside_templates() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    // A .tf file indented with tabs, with a character outside the BMP before the cursor on its
    // line: positions are UTF-16 columns of the host text.
    let tf = "resource \"aws_iam_policy\" \"p\" {\n\tpolicy = jsonencode({\n\t\tVersion = \"2012-10-17\"\n\t\tStatement = [{ Sid = \"x\" /* \u{1F600} */, Effect = \"Allow\", Action = [\"s3:GetObjec\"], Resource = \"*\" }]\n\t})\n}\n";
    let uri = iam_ls_e2e::file_uri("main.tf");
    client.open(&uri, "terraform", 1, tf);
    let typed = tf.find("s3:GetObjec").unwrap();
    let (line, start) = utf16_col(tf, typed);
    let (_, end) = utf16_col(tf, typed + "s3:GetObjec".len());
    let list = client.call_ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": end}}),
    );
    let items = list["items"].as_array().or(list.as_array()).expect("items");
    let item = items
        .iter()
        .find(|i| i["label"] == "s3:GetObject")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(item["textEdit"]["newText"], "s3:GetObject", "{item}");
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}),
        "{item}"
    );

    // A jsonencode key typed without quotes, after a character outside the BMP on its line.
    let key = "resource \"aws_iam_policy\" \"k\" {\n\tpolicy = jsonencode({\n\t\tVersion = \"2012-10-17\"\n\t\tStatement = [{ Sid = \"\u{1F600}\", Action = \"s3:GetObject\", Resource = \"*\", Eff }]\n\t})\n}\n";
    let key_uri = iam_ls_e2e::file_uri("key.tf");
    client.open(&key_uri, "terraform", 1, key);
    let typed = key.find("Eff }").unwrap();
    let (line, start) = utf16_col(key, typed);
    let (_, end) = utf16_col(key, typed + "Eff".len());
    let list = client.call_ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": key_uri}, "position": {"line": line, "character": end}}),
    );
    let items = list["items"].as_array().or(list.as_array()).expect("items");
    let item = items
        .iter()
        .find(|i| i["label"] == "Effect")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(item["textEdit"]["newText"], "Effect = ", "{item}");
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}),
        "{item}"
    );

    // The YAML template's outline and folding ranges.
    let yaml = iam_ls_e2e::file_uri("template.yaml");
    client.open(&yaml, "yaml", 1, YAML);
    let symbols = client.call_ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": yaml}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "Role: AssumeRolePolicyDocument",
            "Role: Policies[0].PolicyDocument"
        ],
        "{symbols}"
    );
    let statements = &symbols[1]["children"];
    let second = statements
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"].as_str().unwrap().starts_with("Statement"))
        .nth(1)
        .unwrap_or_else(|| panic!("{statements}"));
    // `- Effect: Allow` (0-based line 21) to the `!GetAtt` line (23).
    assert_eq!(second["range"]["start"]["line"], 21, "{second}");
    assert_eq!(second["range"]["end"]["line"], 23, "{second}");
    let folds = client.call_ok(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": yaml}}),
    );
    assert!(
        folds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["startLine"] == 21 && f["endLine"] == 23),
        "{folds}"
    );
    client.shutdown_and_exit();
}

/// The SARIF region of bytes `start..end` of `text`: 1-based lines and code-point columns.
fn sarif_region(text: &str, start: usize, end: usize) -> Value {
    let pos = |o: usize| {
        let line_start = text[..o].rfind('\n').map_or(0, |i| i + 1);
        (
            text[..o].matches('\n').count() + 1,
            text[line_start..o].chars().count() + 1,
        )
    };
    let (sl, sc) = pos(start);
    let (el, ec) = pos(end);
    json!({"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec})
}

#[test]
fn sarif_regions_point_at_the_template_bytes() {
    // A YAML template with a multi-byte character before the mistake on its line, a redundant
    // block-list item, and a .tf file indented with tabs.
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Sid: Read\n            Effect: Allow\n            Action: [\"s3:ListBucket\", \"caf\u{e9}:x\", s3:GetObjet]\n            Resource: !Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'\n          - Effect: Allow\n            Action:\n              - sqs:*\n              - sqs:SendMessage\n            Resource: '*'\n";
    let tf = "resource \"aws_iam_policy\" \"p\" {\n\tpolicy = jsonencode({\n\t\tVersion = \"2012-10-17\"\n\t\tStatement = [{ Effect = \"Allow\", Action = [/* caf\u{e9} */ \"s3:GetObjet\"], Resource = \"*\" }]\n\t})\n}\n";
    let dir = std::env::temp_dir().join(format!("iam-ls-sarif-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("template.yaml"), yaml).unwrap();
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    let out = Command::new(server_binary())
        .current_dir(&dir)
        .args(["check", "--format", "sarif", "template.yaml", "main.tf"])
        .output()
        .expect("iam-ls runs");
    let _ = std::fs::remove_dir_all(&dir);
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let find = |file: &str, code: &str| -> &Value {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == code
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .is_some_and(|u| u.ends_with(file))
            })
            .unwrap_or_else(|| panic!("{code} in {file}: {sarif:#}"))
    };
    let region = |r: &Value| r["locations"][0]["physicalLocation"]["region"].clone();
    // The typo in the YAML flow list (plain scalar, after `café:x` on the same line).
    let at = yaml.find("s3:GetObjet").unwrap();
    assert_eq!(
        region(find("template.yaml", "IAM102")),
        sarif_region(yaml, at, at + "s3:GetObjet".len())
    );
    // The redundant item's fix deletes its whole YAML line.
    let redundant = find("template.yaml", "IAM103");
    let item = yaml.find("              - sqs:SendMessage\n").unwrap();
    let fix = &redundant["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        fix["deletedRegion"],
        sarif_region(yaml, item, item + "              - sqs:SendMessage\n".len()),
        "{redundant:#}"
    );
    // The quoted typo in the .tf file, after tabs and a comment with `é` on its line.
    let at = tf.find("\"s3:GetObjet\"").unwrap();
    assert_eq!(
        region(find("main.tf", "IAM102")),
        sarif_region(tf, at, at + "\"s3:GetObjet\"".len())
    );
    // Nothing on the `!Sub` references.
    assert!(
        results.iter().all(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"] != 12
                || !r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .ends_with("template.yaml")
        }),
        "{sarif:#}"
    );
}
