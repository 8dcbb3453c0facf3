use super::*;
use crate::document::Snapshot;

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Description: test # a comment
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
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - s3:GetObjet
                Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
              - Effect: Allow
                Action: [sqs:SendMessage]
                Resource: !GetAtt Queue.Arn
  Bucket:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
"#;

fn codes_and_text(text: &str, findings: &[Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.rule.code.to_string(),
                text[f.span.start..f.span.end].to_string(),
            )
        })
        .collect()
}

#[test]
fn yaml_template_policies_are_found_with_their_kinds() {
    let snap = Snapshot::new(TEMPLATE, 1);
    let host = snap.host().expect("a template");
    assert_eq!(host.format, Format::CloudFormationYaml);
    let kinds: Vec<_> = host
        .policies
        .iter()
        .map(|p| (p.kind, p.label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                PolicyKind::RoleTrust,
                "Resources.Role.Properties.AssumeRolePolicyDocument"
            ),
            (
                PolicyKind::Identity,
                "Resources.Role.Properties.Policies[0].PolicyDocument"
            ),
        ]
    );
    // The rendered JSON is a policy with the intrinsics resolved or left unknown.
    let json = host.policies[1].snapshot.text();
    assert!(
        json.contains(r#""arn:aws:s3:::${iam-ls:unknown}/*""#),
        "{json}"
    );
}

#[test]
fn findings_land_on_the_host_bytes_and_match_the_standalone_policy() {
    let snap = Snapshot::new(TEMPLATE, 1);
    let found = codes_and_text(TEMPLATE, snap.findings());
    let standalone = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObjet"], "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "arn:aws:sqs:us-east-1:123456789012:q"}]}"#;
    let alone = Snapshot::with_kind(
        standalone,
        1,
        None,
        Default::default(),
        PolicyKind::Identity,
    );
    let expected = codes_and_text(standalone, alone.findings());
    assert!(!expected.is_empty());
    for (code, text) in &expected {
        assert!(
            found
                .iter()
                .any(|(c, t)| c == code && (t == text.trim_matches('"') || t == text)),
            "{code} {text} missing from {found:?}"
        );
    }
    assert!(found.iter().any(|(_, t)| t == "s3:GetObjet"), "{found:?}");
    // Nothing on the intrinsic values.
    assert!(
        !found
            .iter()
            .any(|(_, t)| t.contains("!GetAtt") || t.contains("${Bucket}")),
        "{found:?}"
    );
}

#[test]
fn quick_fixes_edit_the_scalar_in_place() {
    let snap = Snapshot::new(TEMPLATE, 1);
    let f = snap
        .findings()
        .iter()
        .find(|f| &TEMPLATE[f.span.start..f.span.end] == "s3:GetObjet")
        .expect("the typo is found");
    let fix = f.fixes.first().expect("a fix");
    let fixed = fix.apply(TEMPLATE);
    assert!(
        fixed.contains("                  - s3:GetObject\n"),
        "{fixed}"
    );
    assert!(
        Snapshot::new(fixed.as_str(), 2)
            .findings()
            .iter()
            .all(|g| g.rule.code != f.rule.code)
    );
}

#[test]
fn half_typed_resource_keeps_the_other_policies() {
    let broken = TEMPLATE.replace(
        "            Action: sts:AssumeRole\n",
        "            Action: sts:AssumeRole\n            Conditio\n  {[\n",
    );
    let snap = Snapshot::new(broken.as_str(), 1);
    let found = codes_and_text(&broken, snap.findings());
    assert!(found.iter().any(|(_, t)| t == "s3:GetObjet"), "{found:?}");
}

#[test]
fn json_template_and_fn_forms() {
    let text = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Key": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "KeyPolicy": {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}},
            "Action": "kms:*",
            "Resource": "*"
          }, {
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::GetAtt": ["Role", "Arn"]}},
            "Action": ["kms:Decryptt", {"Fn::If": ["C", "kms:Encrypt", {"Ref": "AWS::NoValue"}]}],
            "Resource": "*"
          }]
        }
      }
    }
  }
}"#;
    let snap = Snapshot::new(text, 1);
    let host = snap.host().expect("a JSON template");
    assert_eq!(host.format, Format::CloudFormationJson);
    assert_eq!(host.policies[0].kind, PolicyKind::KmsKey);
    let json = host.policies[0].snapshot.text();
    assert!(
        json.contains(r#""arn:aws:iam::123456789012:root""#),
        "{json}"
    );
    assert!(
        json.contains(r#"["kms:Decryptt", "kms:Encrypt"]"#),
        "{json}"
    );
    let found = codes_and_text(text, snap.findings());
    assert!(
        found.iter().any(|(_, t)| t == "\"kms:Decryptt\""),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, t)| t.contains("GetAtt")),
        "{found:?}"
    );
}

#[test]
fn yaml_that_is_not_a_template_stays_text() {
    let snap = Snapshot::new("name: build\non: push\njobs:\n  a:\n    runs-on: x\n", 1);
    assert!(snap.host().is_none());
    assert!(snap.findings().is_empty());
}

#[test]
fn yaml_parser_forms() {
    let text = "a: 1\nb:\n- x\n- 'it''s'\nc: {k: [1, \"t\\n\"], m: !Ref X}\nd: |\n  line1\n  line2\ne: >-\n  folded\n  text\n";
    let v = yaml::parse(text).expect("a value");
    assert_eq!(v.get("a").and_then(Value::as_str), Some("1"));
    let b = v.get("b").and_then(Value::items).expect("a list");
    assert_eq!(b[1].as_str(), Some("it's"));
    let c = v.get("c").expect("c");
    assert_eq!(c.get("k").and_then(Value::items).map(|i| i.len()), Some(2));
    assert!(matches!(
        c.get("m").map(|m| &m.kind),
        Some(value::Kind::Tagged { tag, .. }) if tag == "Ref"
    ));
    assert_eq!(v.get("d").and_then(Value::as_str), Some("line1\nline2\n"));
    assert_eq!(v.get("e").and_then(Value::as_str), Some("folded text"));
    // Spans are bytes of the text.
    let x = &b[0];
    assert_eq!(&text[x.span.start..x.span.end], "x");
}

const TF: &str = r#"terraform {
  required_version = ">= 1.0"
}

resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObjet", "s3:PutObject"]
        Resource = "${aws_s3_bucket.b.arn}/*"
      },
      {
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = aws_sqs_queue.q.arn
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${var.account}"},
    "Action": "s3:GetObjct", "Resource": "arn:aws:s3:::b/$${aws:username}/*"}]
}
EOF
}
"#;

#[test]
fn terraform_jsonencode_and_heredoc() {
    let snap = Snapshot::with_env(TF, 1, Some("main.tf".into()), Default::default());
    let host = snap.host().expect("a Terraform file");
    assert_eq!(host.format, Format::Terraform);
    let kinds: Vec<_> = host
        .policies
        .iter()
        .map(|p| (p.kind, p.label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (PolicyKind::RoleTrust, "aws_iam_role.r.assume_role_policy"),
            (PolicyKind::Identity, "aws_iam_policy.p.policy"),
            (PolicyKind::Resource, "aws_s3_bucket_policy.b.policy"),
        ]
    );
    let heredoc = host.policies[2].snapshot.text();
    assert!(
        heredoc.contains("arn:aws:s3:::b/${aws:username}/*"),
        "{heredoc}"
    );
    let found = codes_and_text(TF, snap.findings());
    let texts: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
    assert!(texts.contains(&"\"s3:GetObjet\""), "{found:?}");
    assert!(texts.contains(&"\"s3:GetObjct\""), "{found:?}");
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("aws_sqs_queue") || t.contains("${")),
        "{found:?}"
    );
}

#[test]
fn hover_inside_a_template() {
    let snap = Snapshot::new(TEMPLATE, 1);
    let at = TEMPLATE.find("sts:AssumeRole").expect("there") + 6;
    let hover = crate::ide::hover(&snap, at).expect("a hover on the action");
    assert_eq!(
        &TEMPLATE[hover.span.start..hover.span.end],
        "sts:AssumeRole"
    );
    assert!(hover.markdown.contains("AssumeRole"), "{}", hover.markdown);
    let getatt = TEMPLATE.find("Queue.Arn").expect("there") + 2;
    assert!(crate::ide::hover(&snap, getatt).is_none());
}

#[test]
fn unchanged_policies_are_not_analysed_again() {
    let env: Arc<crate::document::Env> = Default::default();
    let first = Snapshot::with_env(TEMPLATE, 1, Some("t.yaml".into()), env.clone());
    let edited = TEMPLATE.replace("sts:AssumeRole", "sts:AssumeRol");
    let second = Snapshot::with_env(edited.as_str(), 2, Some("t.yaml".into()), env);
    let (a, b) = (first.host().unwrap(), second.host().unwrap());
    // The trust policy changed, the identity policy did not.
    assert!(!Arc::ptr_eq(
        &a.policies[0].snapshot,
        &b.policies[0].snapshot
    ));
    assert!(Arc::ptr_eq(
        &a.policies[1].snapshot,
        &b.policies[1].snapshot
    ));
    assert!(
        second
            .findings()
            .iter()
            .any(|f| &edited[f.span.start..f.span.end] == "sts:AssumeRol")
    );
}

const TF_DOC: &str = include_str!("../../../tests/fixtures/templates/policy_document.tf");

#[test]
fn terraform_policy_document_blocks() {
    let snap = Snapshot::with_env(TF_DOC, 1, Some("main.tf".into()), Default::default());
    let host = snap.host().expect("a Terraform file");
    let kinds: Vec<_> = host
        .policies
        .iter()
        .map(|p| (p.kind, p.label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                PolicyKind::RoleTrust,
                "data.aws_iam_policy_document.trust (used by aws_iam_role.r.assume_role_policy)"
            ),
            (
                PolicyKind::Identity,
                "data.aws_iam_policy_document.s3 (used by aws_iam_policy.p.policy)"
            ),
            (PolicyKind::Resource, "aws_sqs_queue_policy.q.policy"),
            // Not referenced: the kind its content suggests (a key policy, from `kms:` actions
            // and principals).
            (PolicyKind::KmsKey, "data.aws_iam_policy_document.unused"),
        ]
    );
    let trust: serde_json::Value =
        serde_json::from_str(host.policies[0].snapshot.text()).expect("JSON");
    assert_eq!(
        trust,
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["sts:AssumeRole"],
            "Principal": {"Service": ["lambda.amazonaws.com"]}}]})
    );
    let s3: serde_json::Value =
        serde_json::from_str(host.policies[1].snapshot.text()).expect("JSON");
    let first = &s3["Statement"][0];
    assert_eq!(first["Sid"], "Read");
    assert_eq!(
        first["Resource"][0],
        "arn:aws:s3:::${iam-ls:unknown}/${aws:username}/*"
    );
    assert_eq!(
        first["Condition"]["StringEquals"]["aws:PrincipalTag/team"],
        serde_json::json!(["a"])
    );
    assert!(first["Condition"]["StringEquals"]["aws:RequestedRegion"].is_array());
    assert_eq!(
        s3["Statement"][1],
        render::HOLE,
        "the dynamic block is unknown"
    );
    assert_eq!(s3["Statement"][2]["Effect"], "Deny");
    let unused: serde_json::Value =
        serde_json::from_str(host.policies[3].snapshot.text()).expect("JSON");
    assert_eq!(
        unused["Statement"][0]["Principal"],
        serde_json::json!({"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::111122223333:root"]}),
        "repeated principals blocks of one type merge"
    );
    assert_eq!(unused["Statement"][1]["Principal"], "*");
    let found = codes_and_text(TF_DOC, snap.findings());
    let texts: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
    assert!(texts.contains(&"\"s3:GetObjet\""), "{found:?}");
    assert!(
        texts.contains(&"\\\"sqs:SendMesage\\\""),
        "a finding in a quoted JSON string covers its escaped quotes: {found:?}"
    );
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("${") || t.contains("dynamic")),
        "{found:?}"
    );
    // The fix inside the quoted JSON string edits its bytes in place.
    let fix = snap
        .findings()
        .iter()
        .find(|f| TF_DOC[f.span.start..f.span.end].contains("SendMesage"))
        .and_then(|f| f.fixes.first())
        .expect("a fix");
    assert_eq!(
        &TF_DOC[fix.edits[0].span.start..fix.edits[0].span.end],
        "sqs:SendMesage"
    );
}

#[test]
fn corpus_forms_read_right() {
    // A block sequence at its key's column after a tag (`Resource: !Join` then `- ''`): the
    // keys after it still belong to the statement.
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Principal:
              Service: cloudtrail.amazonaws.com
            Action: s3:GetBucketAcl
            Resource: !Join
            - ''
            - - 'arn:aws:s3:::'
              - !Ref B
            Effect: Allow
";
    let snap = Snapshot::with_env(yaml, 1, None, Default::default());
    let host = snap.host().expect("a template");
    let json: serde_json::Value =
        serde_json::from_str(host.policies[0].snapshot.text()).expect("JSON");
    assert_eq!(json["Statement"][0]["Effect"], "Allow", "{json}");
    assert_eq!(
        json["Statement"][0]["Resource"],
        "arn:aws:s3:::${iam-ls:unknown}"
    );
    assert!(
        !snap.findings().iter().any(|f| f.rule.code == "IAM011"),
        "{:?}",
        snap.findings()
    );

    // `jsonencode` with `key: value` pairs, and numbers in a policy document (strings there).
    let tf = r#"resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]
  })
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [123456789012]
    }
  }
}
"#;
    let snap = Snapshot::with_env(tf, 1, Some("m.tf".into()), Default::default());
    let host = snap.host().expect("a Terraform file");
    let p: serde_json::Value =
        serde_json::from_str(host.policies[0].snapshot.text()).expect("JSON");
    assert_eq!(p["Version"], "2012-10-17");
    assert_eq!(p["Statement"][0]["Action"], "s3:GetObject");
    let d: serde_json::Value =
        serde_json::from_str(host.policies[1].snapshot.text()).expect("JSON");
    assert_eq!(
        d["Statement"][0]["Principal"]["AWS"],
        serde_json::json!(["123456789012"])
    );
    let errors: Vec<_> = snap
        .findings()
        .iter()
        .filter(|f| f.level == crate::rules::Level::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// A template whose bucket policy is the given YAML value text (after `PolicyDocument:`).
fn bucket_policy_template(value: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument: {value}\n"
    )
}

#[test]
fn cfn_policies_written_as_json_strings() {
    // Each form holds the same mistake (`s3:GetObjet`) and one hole; the finding lands on the
    // action's own bytes in the template, and the reference gives nothing.
    let forms = [
        r#"'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObjet", "Resource": "arn:aws:s3:::b/*"}]}'"#.to_string(),
        r#""{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObjet\", \"Resource\": \"arn:aws:s3:::b/*\"}]}""#.to_string(),
        "|\n        {\n          \"Version\": \"2012-10-17\",\n          \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\",\n            \"Action\": \"s3:GetObjet\", \"Resource\": \"arn:aws:s3:::b/*\"}]\n        }".to_string(),
        "!Sub |\n        {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\",\n          \"Action\": \"s3:GetObjet\", \"Resource\": \"arn:${AWS::Partition}:s3:::${Bucket}/*\"}]}".to_string(),
        "\n        Fn::Sub: '{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObjet\", \"Resource\": \"arn:aws:s3:::${Bucket}/*\"}]}'".to_string(),
    ];
    for form in forms {
        let text = bucket_policy_template(&form);
        let snap = Snapshot::new(text.as_str(), 1);
        let host = snap.host().expect("a template");
        assert_eq!(host.policies.len(), 1, "{text}");
        assert_eq!(host.policies[0].kind, PolicyKind::Resource);
        let found = codes_and_text(&text, snap.findings());
        let typo = ["s3:GetObjet", "\"s3:GetObjet\"", "\\\"s3:GetObjet\\\""];
        assert!(
            found
                .iter()
                .any(|(c, t)| c == "IAM102" && typo.contains(&t.as_str())),
            "{text}\n{found:?}"
        );
        // Nothing else: the rest is a valid bucket policy and the reference is unknown.
        assert_eq!(found.len(), 1, "{text}\n{found:?}");
    }
}

#[test]
fn json_string_policy_in_a_json_template() {
    let text = r#"{"Resources": {"Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [],
  "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, \"Action\": \"sqs:SendMesage\", \"Resource\": \"*\"}]}"}}}}"#;
    let snap = Snapshot::new(text, 1);
    let host = snap.host().expect("a JSON template");
    assert_eq!(host.policies.len(), 1);
    let found = codes_and_text(text, snap.findings());
    assert!(
        found
            .iter()
            .any(|(c, t)| c == "IAM102" && t == r#"\"sqs:SendMesage\""#),
        "{found:?}"
    );
}

#[test]
fn json_string_offsets_read_back_through_escapes() {
    // Every byte of the value comes from the host byte that wrote it.
    let text = "k: \"a\\\"b\\u00e9\\\n   c\"\n";
    let root = yaml::parse(text).unwrap();
    let v = root.get("k").unwrap();
    let map = json_string::offsets(text, v).expect("read back");
    assert_eq!(v.as_str(), Some("a\"b\u{e9}c"));
    let at: Vec<char> = map[..map.len() - 1]
        .iter()
        .map(|&o| text.as_bytes()[o] as char)
        .collect();
    assert_eq!(at, vec!['a', '\\', 'b', '\\', '\\', 'c']);
    // A string that does not read back exactly gives nothing rather than wrong spans.
    let odd = Value {
        span: Span::new(3, 6),
        kind: value::Kind::Scalar(value::Scalar {
            value: "zzz".into(),
            content: Span::new(4, 5),
            linear: false,
            plain: false,
        }),
    };
    assert!(json_string::offsets(text, &odd).is_none());
}

/// The completion labels at the first `|` of `marked` (removed), with the edited text of each.
fn complete_at(marked: &str, path: Option<&str>) -> (String, Vec<crate::ide::Completion>) {
    let offset = marked.find('|').expect("a cursor");
    let text = marked.replacen('|', "", 1);
    let snap = Snapshot::with_env(
        text.as_str(),
        1,
        path.map(str::to_string),
        Default::default(),
    );
    assert!(snap.host().is_some(), "{text}");
    let items = crate::ide::completion(&snap, offset).items;
    (text, items)
}

/// `text` with completion `label` applied.
fn apply_completion(text: &str, items: &[crate::ide::Completion], label: &str) -> String {
    let c = items.iter().find(|c| c.label == label).unwrap_or_else(|| {
        panic!(
            "{label} not offered: {:?}",
            items.iter().map(|c| &c.label).collect::<Vec<_>>()
        )
    });
    let mut out = text.to_string();
    out.replace_range(c.edit_span.start..c.edit_span.end, &c.insert);
    out
}

/// The codes of a host text's findings.
fn codes(text: &str, path: Option<&str>) -> Vec<&'static str> {
    let snap = Snapshot::with_env(text, 1, path.map(str::to_string), Default::default());
    snap.findings().iter().map(|f| f.rule.code).collect()
}

const STATEMENT_TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Sid: Read\n            Effect: Allow\n            Action: %ACTION%\n            Resource: '*'\n%MORE%";

fn statement_template(action: &str, more: &str) -> String {
    STATEMENT_TEMPLATE
        .replace("%ACTION%", action)
        .replace("%MORE%", more)
}

#[test]
fn completion_inside_yaml_scalars_keeps_the_yaml_valid() {
    for (action, expect) in [
        ("s3:GetObjec|", "Action: s3:GetObject\n"),
        ("'s3:GetObjec|'", "Action: 's3:GetObject'\n"),
        (
            "[sqs:SendMessage, \"s3:GetObjec|\"]",
            "[sqs:SendMessage, \"s3:GetObject\"]",
        ),
    ] {
        let (text, items) = complete_at(&statement_template(action, ""), None);
        let done = apply_completion(&text, &items, "s3:GetObject");
        assert!(done.contains(expect), "{done}");
        assert!(!codes(&done, None).contains(&"IAM102"), "{done}");
    }
}

#[test]
fn completion_of_yaml_keys_and_empty_values() {
    // A key being typed (no colon yet) in a statement.
    let (text, items) = complete_at(
        &statement_template("s3:GetObject", "            Condi|\n"),
        None,
    );
    let done = apply_completion(&text, &items, "Condition");
    assert!(done.contains("            Condition: \n"), "{done}");
    // A condition key being typed under an operator.
    let (text, items) = complete_at(
        &statement_template(
            "s3:GetObject",
            "            Condition:\n              StringEquals:\n                aws:PrincipalOrgI|\n",
        ),
        None,
    );
    let done = apply_completion(&text, &items, "aws:PrincipalOrgID");
    assert!(
        done.contains("                aws:PrincipalOrgID: \n"),
        "{done}"
    );
    // An empty value after `Effect:` and after `- `.
    let marked = statement_template("s3:GetObject", "").replace("Effect: Allow", "Effect: |");
    let (text, items) = complete_at(&marked, None);
    let done = apply_completion(&text, &items, "Deny");
    assert_eq!(
        done,
        statement_template("s3:GetObject", "").replace("Effect: Allow", "Effect: Deny")
    );
    let (text, items) = complete_at(
        &statement_template("\n              - s3:ListBucket\n              - |", ""),
        None,
    );
    let done = apply_completion(&text, &items, "s3");
    assert!(done.contains("              - s3:$0\n"), "{done}");
    assert!(items.iter().any(|c| c.label == "s3" && c.snippet));
}

#[test]
fn completion_never_inserts_what_the_host_cannot_hold() {
    // `*` cannot start a YAML plain scalar (it would be an alias): not offered there.
    let marked = statement_template("s3:GetObject", "").replace("Resource: '*'", "Resource: |");
    let (_, items) = complete_at(&marked, None);
    assert!(
        items
            .iter()
            .all(|c| !c.insert.trim_start().starts_with('*')),
        "{items:?}"
    );
    for c in &items {
        assert!(!c.insert.contains(['"', '{', '[', ',']), "{c:?}");
    }
}

#[test]
fn completion_in_terraform_strings() {
    let tf = "# caf\u{e9}\nresource \"aws_iam_policy\" \"p\" {\n\tpolicy = jsonencode({\n\t\tVersion = \"2012-10-17\"\n\t\tStatement = [{ Effect = \"Allow\", Action = [\"s3:GetObjec|\"], Resource = \"*\" }]\n\t})\n}\n\ndata \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"sqs:SendMessag\"]\n    resources = [\"*\"]\n  }\n}\n";
    let (text, items) = complete_at(tf, Some("main.tf"));
    let done = apply_completion(&text, &items, "s3:GetObject");
    assert!(done.contains("Action = [\"s3:GetObject\"]"), "{done}");
    let marked = done.replace("sqs:SendMessag\"", "sqs:SendMessag|\"");
    let (text, items) = complete_at(&marked, Some("main.tf"));
    let done = apply_completion(&text, &items, "sqs:SendMessage");
    assert!(done.contains("[\"sqs:SendMessage\"]"), "{done}");
    assert!(!codes(&done, Some("main.tf")).contains(&"IAM102"), "{done}");
}

#[test]
fn outline_and_folding_of_a_template() {
    let snap = Snapshot::new(TEMPLATE, 1);
    let symbols = crate::ide::symbols(&snap);
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Role: AssumeRolePolicyDocument",
            "Role: Policies[0].PolicyDocument"
        ]
    );
    let statements: Vec<&crate::ide::Symbol> = symbols[1]
        .children
        .iter()
        .filter(|c| c.kind == crate::ide::SymbolKind::Statement)
        .collect();
    assert_eq!(statements.len(), 2);
    // The second statement's outline entry covers its YAML lines, and its Action child the
    // flow list.
    let second = &TEMPLATE[statements[1].span.start..statements[1].span.end];
    assert!(second.starts_with("Effect: Allow\n"), "{second}");
    assert!(second.ends_with("!GetAtt Queue.Arn"), "{second}");
    for s in &symbols {
        assert!(s.span.start <= s.selection.start && s.selection.end <= s.span.end);
        for c in &s.children {
            assert!(
                s.span.start <= c.span.start && c.span.end <= s.span.end,
                "{c:?}"
            );
            assert!(c.span.start <= c.selection.start && c.selection.end <= c.span.end);
        }
    }
    let folds = crate::ide::folding_ranges(&snap);
    for st in &statements {
        assert!(folds.contains(&st.span), "{folds:?}");
    }
    for f in &folds {
        assert!(TEMPLATE[f.start..f.end].contains('\n'));
    }
}

/// Applies the only fix of the first `code` finding of `text` and returns the edited text,
/// after checking that the finding is gone and that no other finding appeared.
fn apply_host_fix(text: &str, path: Option<&str>, code: &str) -> String {
    let snap = Snapshot::with_env(text, 1, path.map(str::to_string), Default::default());
    let host = snap.host().expect("a template");
    let before = host.policies.len();
    let found: Vec<&Finding> = snap
        .findings()
        .iter()
        .filter(|f| f.rule.code == code)
        .collect();
    assert!(!found.is_empty(), "{code} in {text}: {:?}", snap.findings());
    assert_eq!(found[0].fixes.len(), 1, "{text}: {:?}", found[0]);
    let fixed = found[0].fixes[0].apply(text);
    let after = Snapshot::with_env(
        fixed.as_str(),
        2,
        path.map(str::to_string),
        Default::default(),
    );
    assert_eq!(
        after.host().expect("still a template").policies.len(),
        before,
        "{fixed}"
    );
    let count = |s: &Snapshot| s.findings().iter().filter(|f| f.rule.code == code).count();
    assert_eq!(count(&after), found.len() - 1, "{fixed}");
    let messages = |s: &Snapshot| -> Vec<String> {
        s.findings()
            .iter()
            .filter(|f| f.rule.code != code)
            .map(|f| f.rule.code.to_string())
            .collect()
    };
    let mut old = messages(&snap);
    for m in messages(&after) {
        let i = old.iter().position(|o| *o == m);
        assert!(i.is_some(), "{m} appeared in {fixed}");
        old.remove(i.unwrap_or_default());
    }
    fixed
}

#[test]
fn removal_fixes_edit_yaml_lists() {
    // A block sequence: the item's whole line goes.
    let text = statement_template(
        "\n              - s3:*\n              - s3:GetObject # again",
        "",
    );
    let fixed = apply_host_fix(&text, None, "IAM103");
    assert!(
        fixed.contains("            Action: \n              - s3:*\n            Resource"),
        "{fixed}"
    );
    // A flow list, first, middle and last item.
    for (list, expect) in [
        ("[s3:GetObject, s3:*]", "[s3:*]"),
        (
            "[s3:*, s3:GetObject, sqs:SendMessage]",
            "[s3:*, sqs:SendMessage]",
        ),
        (
            "[sqs:SendMessage, s3:*, 's3:GetObject']",
            "[sqs:SendMessage, s3:*]",
        ),
    ] {
        let fixed = apply_host_fix(&statement_template(list, ""), None, "IAM103");
        assert!(fixed.contains(&format!("Action: {expect}\n")), "{fixed}");
    }
    // A mapping item of a block sequence (the list of statements is not what the rule edits,
    // but a statement's own list inside it is).
    let two = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action:\n              - Fn::If: [C, s3:GetObject, !Ref AWS::NoValue]\n              - s3:*\n            Resource: '*'\n";
    let snap = Snapshot::new(two, 1);
    // The item comes from `Fn::If`: the YAML cannot express that removal safely, so none is
    // offered.
    let f = snap
        .findings()
        .iter()
        .find(|f| f.rule.code == "IAM103")
        .expect("the redundant action is found");
    assert!(f.fixes.is_empty(), "{:?}", f.fixes);
}

#[test]
fn removal_fixes_edit_hcl_and_json_lists() {
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect = \"Allow\"\n      Action = [\n        \"s3:GetObject\",\n        \"s3:*\",\n      ]\n      Resource = \"*\"\n    }]\n  })\n}\n\ndata \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"sqs:*\", \"sqs:SendMessage\"]\n    resources = [\"*\"]\n  }\n}\n";
    let fixed = apply_host_fix(tf, Some("main.tf"), "IAM103");
    assert!(
        fixed.contains("Action = [\n        \"s3:*\",\n      ]"),
        "{fixed}"
    );
    let fixed = apply_host_fix(&fixed, Some("main.tf"), "IAM103");
    assert!(fixed.contains("actions   = [\"sqs:*\"]"), "{fixed}");
    let json = r#"{"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["s3:*", "s3:GetObject"], "Resource": "*"}]}}}}}"#;
    let fixed = apply_host_fix(json, None, "IAM103");
    assert!(fixed.contains(r#""Action": ["s3:*"]"#), "{fixed}");
}

#[test]
fn inline_policies_behind_fn_if_are_found() {
    let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}\n      Policies: !If\n        - C\n        - - PolicyName: a\n            PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:GetObjet, Resource: '*'}]}\n          - !If [D, {PolicyName: b, PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: '*'}]}}, !Ref AWS::NoValue]\n        - !Ref AWS::NoValue\n";
    let snap = Snapshot::new(text, 1);
    let labels: Vec<&str> = snap
        .host()
        .expect("a template")
        .policies
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(
        labels,
        vec![
            "Resources.R.Properties.AssumeRolePolicyDocument",
            "Resources.R.Properties.Policies[0].PolicyDocument",
            "Resources.R.Properties.Policies[1].PolicyDocument",
        ]
    );
    assert!(codes(text, None).contains(&"IAM102"));
}

#[test]
fn hover_and_fixes_inside_json_string_policies() {
    // A `|` block of JSON in YAML and an escaped string in a JSON template: the hover on an
    // action maps to its bytes, the typo's fix edits them in place, and a redundant item's
    // removal keeps the JSON inside the string valid.
    let yaml = bucket_policy_template(
        "|\n        {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\",\n          \"Action\": [\"s3:*\", \"s3:GetObject\", \"s3:GetObjet\"], \"Resource\": \"arn:aws:s3:::b/*\"}]}",
    );
    let snap = Snapshot::new(yaml.as_str(), 1);
    let at = yaml.find("s3:GetObjet").unwrap() + 4;
    let hover = crate::ide::hover(&snap, at).expect("a hover");
    assert_eq!(&yaml[hover.span.start..hover.span.end], "\"s3:GetObjet\"");
    let fixed = apply_host_fix(&yaml, None, "IAM102");
    assert!(
        fixed.contains("[\"s3:*\", \"s3:GetObject\", \"s3:GetObject\"]"),
        "{fixed}"
    );
    let fixed = apply_host_fix(&yaml, None, "IAM103");
    assert!(fixed.contains("[\"s3:*\", \"s3:GetObjet\"]"), "{fixed}");
    let json = r#"{"Resources": {"Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [],
  "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, \"Action\": \"sqs:SendMesage\", \"Resource\": \"*\"}]}"}}}}"#;
    let fixed = apply_host_fix(json, None, "IAM102");
    assert!(
        fixed.contains(r#"\"Action\": \"sqs:SendMessage\""#),
        "{fixed}"
    );
}

#[test]
fn half_typed_json_string_policies_never_panic() {
    // Every prefix of a template whose policies are JSON strings with escapes and multi-byte
    // characters, in each quoting style: analysis, completion, outline and folding answer.
    let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      PolicyDocument: '{\"Statement\": [{\"Sid\": \"caf\u{e9}''s\", \"Action\": \"s3:G\u{e9}t\"}]}'\n  Q:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      PolicyDocument: \"{\\\"Statement\\\": [{\\\"Action\\\": \\\"sqs:\\u00e9\\\", \\\"Resource\\\": \\\"\u{1F600}\\\"}]}\"\n  R:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: !Sub |\n        {\"Statement\": [{\"Action\": [\"kms:*\", \"kms:Decrypt\"], \"Resource\": \"${K}\u{e9}\"}]}\n";
    for (end, _) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let prefix = &text[..end];
        let snap = Snapshot::new(prefix, 1);
        let _ = snap.findings();
        for (at, _) in prefix.char_indices().step_by(7) {
            let _ = crate::ide::completion(&snap, at);
            let _ = crate::ide::hover(&snap, at);
        }
        let _ = crate::ide::symbols(&snap);
        let _ = crate::ide::folding_ranges(&snap);
    }
    // The whole text: three policies, each read from its string.
    let snap = Snapshot::new(text, 1);
    let host = snap.host().expect("a template");
    assert_eq!(host.policies.len(), 3);
    for p in &host.policies {
        assert!(
            p.snapshot.text().starts_with("{\"Statement\": [{"),
            "{}",
            p.snapshot.text()
        );
    }
}

#[test]
fn completion_of_condition_parts_in_terraform_and_new_yaml_statements() {
    // In a policy document block, `test` is the operator and `variable` the key.
    let tf = "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"*\"]\n    condition {\n      test     = \"StringEqu|\"\n      variable = \"aws:PrincipalOrgI\"\n      values   = [\"o-123\"]\n    }\n  }\n}\n";
    let (text, items) = complete_at(tf, Some("main.tf"));
    let done = apply_completion(&text, &items, "StringEquals");
    assert!(done.contains("test     = \"StringEquals\""), "{done}");
    let marked = done.replace("aws:PrincipalOrgI\"", "aws:PrincipalOrgI|\"");
    let (text, items) = complete_at(&marked, Some("main.tf"));
    let done = apply_completion(&text, &items, "aws:PrincipalOrgID");
    assert!(done.contains("variable = \"aws:PrincipalOrgID\""), "{done}");
    // In jsonencode, a quoted condition key.
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect = \"Allow\"\n      Action = \"s3:GetObject\"\n      Resource = \"*\"\n      Condition = { StringEquals = { \"aws:PrincipalOrgI|\" = \"o-123\" } }\n    }]\n  })\n}\n";
    let (text, items) = complete_at(tf, Some("main.tf"));
    let done = apply_completion(&text, &items, "aws:PrincipalOrgID");
    assert!(
        done.contains("{ \"aws:PrincipalOrgID\" = \"o-123\" }"),
        "{done}"
    );
    // A new YAML statement's first key, after its dash.
    let marked = statement_template("s3:GetObject", "          - Eff|\n");
    let (text, items) = complete_at(&marked, None);
    let done = apply_completion(&text, &items, "Effect");
    assert!(done.contains("          - Effect: \n"), "{done}");
}

#[test]
fn json_syntax_errors_inside_json_string_policies() {
    // A trailing comma inside a single-quoted JSON string and a missing comma in a `|` block:
    // the JSON syntax rule reports each on the template's own bytes, as for a standalone file.
    let text = bucket_policy_template(
        r#"'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",}]}'"#,
    );
    let found = codes_and_text(&text, Snapshot::new(text.as_str(), 1).findings());
    assert!(
        found.contains(&("IAM001".to_string(), ",".to_string())),
        "{found:?}"
    );
    let text = bucket_policy_template(
        "|\n        {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\" \"Principal\": \"*\",\n          \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}",
    );
    let snap = Snapshot::new(text.as_str(), 1);
    let syntax: Vec<&Finding> = snap
        .findings()
        .iter()
        .filter(|f| f.rule.code == "IAM001")
        .collect();
    assert_eq!(syntax.len(), 1, "{:?}", snap.findings());
    let line = text[..syntax[0].span.start].matches('\n').count();
    assert_eq!(
        text.lines().nth(line).map(str::trim_start),
        Some(
            "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\" \"Principal\": \"*\","
        )
    );
    // The same policy written validly has no syntax finding.
    let valid = text.replace("\"Allow\" \"Principal\"", "\"Allow\", \"Principal\"");
    assert!(codes(&valid, None).iter().all(|c| *c != "IAM001"));
}

#[test]
fn json_syntax_errors_in_terraform_strings_and_not_around_interpolations() {
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\",}]}\nEOF\n}\nresource \"aws_iam_role_policy\" \"q\" {\n  role   = \"r\"\n  policy = \"{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\" \\\"Action\\\": \\\"s3:GetObject\\\", \\\"Resource\\\": \\\"*\\\"}]}\"\n}\n";
    let snap = Snapshot::with_env(tf, 1, Some("main.tf".into()), Default::default());
    let found = codes_and_text(tf, snap.findings());
    let syntax: Vec<&(String, String)> = found.iter().filter(|(c, _)| c == "IAM001").collect();
    assert_eq!(syntax.len(), 2, "{found:?}");
    assert_eq!(syntax[0].1, ",", "{found:?}");
    // An interpolation outside a string is JSON only once Terraform fills it in: no syntax
    // finding for it, in a heredoc or in a CloudFormation `!Sub`.
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": ${jsonencode(var.arns)}}]}\nEOF\n}\n";
    assert!(codes(tf, Some("main.tf")).iter().all(|c| *c != "IAM001"));
    let cfn = bucket_policy_template(
        "!Sub '{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": ${Arns}}]}'",
    );
    assert!(
        codes(&cfn, None).iter().all(|c| *c != "IAM001"),
        "{:?}",
        codes(&cfn, None)
    );
}

#[test]
fn completion_of_unquoted_jsonencode_keys() {
    // A key being typed on a line of its own, before its `=`.
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Action   = \"s3:GetObject\"\n      Resource = \"arn:aws:s3:::example-bucket/*\"\n      Eff|\n    }]\n  })\n}\n";
    let (text, items) = complete_at(tf, Some("main.tf"));
    let done = apply_completion(&text, &items, "Effect");
    assert!(done.contains("      Effect = \n"), "{done}");
    let finished = done.replace("Effect = \n", "Effect = \"Allow\"\n");
    assert!(codes(&finished, Some("main.tf")).is_empty(), "{finished}");
    // Only element names that fit there: a statement's, not the policy's.
    assert!(!items.iter().any(|c| c.label == "Version"), "{items:?}");
    // After a comma on a one-line object, and at the top of the policy.
    let (text, items) = complete_at(
        "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Deny\", Action = \"*\", Res| }] })\n}\n",
        Some("main.tf"),
    );
    let done = apply_completion(&text, &items, "Resource");
    assert!(done.contains("Action = \"*\", Resource =  }]"), "{done}");
    let (text, items) = complete_at(
        "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Stat|\n  })\n}\n",
        Some("main.tf"),
    );
    let done = apply_completion(&text, &items, "Statement");
    assert!(done.contains("    Statement = \n"), "{done}");
    // Not in an aws_iam_policy_document block, whose attributes are the provider's.
    let (_, items) = complete_at(
        "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n    eff|\n  }\n}\n",
        Some("main.tf"),
    );
    assert!(items.is_empty(), "{items:?}");
    // Every prefix of a file with non-ASCII text next to keys completes without a panic.
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{ Sid = \"caf\u{e9}\u{e9}\", Effect = \"Allow\", \u{e9}Act = \"s3:GetObject\" }]\n  })\n}\n";
    for end in (0..=tf.len()).filter(|&i| tf.is_char_boundary(i)) {
        let snap = Snapshot::with_env(&tf[..end], 1, Some("main.tf".into()), Default::default());
        let _ = crate::ide::completion(&snap, end);
    }
}
