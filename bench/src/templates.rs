//! Typing into a large CloudFormation template: a generated YAML template of about 3,000 lines
//! (roles with trust and inline policies), keystrokes typed into one action name in the middle.
//! Each keystroke changes one embedded policy; the server re-analyses only that one.

use crate::editor;
use crate::lsp::{self, Server};
use crate::stats::Samples;
use std::time::Duration;

/// The template and the offset of an action name in its middle to type at.
pub fn template(min_lines: usize) -> (String, usize) {
    let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    let mut i = 0;
    let mut middle = 0;
    while t.lines().count() < min_lines {
        if middle == 0 && t.lines().count() >= min_lines / 2 {
            middle = i;
        }
        t.push_str(&format!(
            "  Role{i}:
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
        - PolicyName: p{i}
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Sid: Read{i}
                Effect: Allow
                Action:
                  - s3:GetObject
                  - s3:ListBucket
                  - marker{i}
                Resource:
                  - !Sub 'arn:${{AWS::Partition}}:s3:::bucket-{i}'
                  - !Sub 'arn:${{AWS::Partition}}:s3:::bucket-{i}/*'
                Condition:
                  StringEquals:
                    aws:PrincipalTag/team: data
"
        ));
        i += 1;
    }
    let at = t
        .find(&format!("marker{middle}\n"))
        .expect("the middle marker");
    // Type the action in place of the marker.
    let line_start = at;
    let end = at + format!("marker{middle}").len();
    t.replace_range(line_start..end, "");
    (t, line_start)
}

/// What is typed at the marker: three action names, the second and third on new list items (98
/// keystrokes, so the p99 is not just the slowest of a few).
pub const TYPED: &str = "s3:GetObjectTagging
                  - s3:PutObjectTagging
                  - s3:DeleteObjectTagging";

/// Types `typed` at `at` into the template; latencies from each change to its diagnostics.
pub fn typing(
    server: &mut Server,
    text: &str,
    at: usize,
    typed: &str,
) -> Result<(Samples, Duration), lsp::Error> {
    let uri = lsp::uri("template.yaml");
    let result = editor::typing(server, &uri, &text[..at], typed, &text[at..])?;
    let mut full = String::from(&text[..at]);
    full.push_str(typed);
    full.push_str(&text[at..]);
    editor::check_text(server, &uri, &full)?;
    Ok(result)
}
