//! Deterministic inputs: policies of a given size with the positions worth hovering and
//! completing, and large logs with AccessDenied lines to hover.
//!
//! Everything is generated from a seed, so every run (and every machine) sees the same bytes;
//! `iam-ls-bench --write-inputs DIR` writes them out for profiling. All text is ASCII, so byte
//! columns equal UTF-16 columns.

/// A small, fast, deterministic pseudo-random generator (xorshift64*).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is remapped).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a recorded string of a generated policy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tok {
    /// A policy or statement element name (`Version`, `Statement`, `Effect`, `Action`, ...).
    Element,
    /// The value of `Effect`.
    Effect,
    /// An action in `Action`.
    Action,
    /// An ARN (or `*`) in `Resource`.
    Resource,
    /// A condition operator (`StringEquals`, ...).
    Operator,
    /// A condition key (`aws:PrincipalTag/team`, ...).
    ConditionKey,
    /// A condition value.
    ConditionValue,
}

impl Tok {
    /// A short name for the report.
    pub fn name(self) -> &'static str {
        match self {
            Tok::Element => "element name",
            Tok::Effect => "Effect value",
            Tok::Action => "action",
            Tok::Resource => "resource",
            Tok::Operator => "condition operator",
            Tok::ConditionKey => "condition key",
            Tok::ConditionValue => "condition value",
        }
    }
}

/// A string in a generated text: what it is and the byte span of its content (inside the
/// quotes).
#[derive(Clone, Copy, Debug)]
pub struct Token {
    /// What the string is.
    pub tok: Tok,
    /// First byte of the content.
    pub start: usize,
    /// One past the last byte of the content.
    pub end: usize,
}

/// A generated policy and its interesting strings.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The JSON text (pretty-printed, two-space indent, `\n` line ends).
    pub text: String,
    /// Every recorded string, in text order.
    pub tokens: Vec<Token>,
    /// Byte offset where each statement starts (its `{` line, indentation included), plus the
    /// offset just after the last statement's closing `}`.
    pub statement_starts: Vec<usize>,
}

/// One statement shape: effect, actions, resources (`{n}` is replaced by a number) and an
/// optional condition (operator, key, values).
struct Shape {
    effect: &'static str,
    actions: &'static [&'static str],
    resources: &'static [&'static str],
    condition: Option<(&'static str, &'static str, &'static [&'static str])>,
}

/// Real actions, resources and condition keys, in the shapes people write.
const SHAPES: &[Shape] = &[
    Shape {
        effect: "Allow",
        actions: &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        resources: &["arn:aws:s3:::app-data-{n}/*"],
        condition: Some((
            "StringEquals",
            "s3:x-amz-server-side-encryption",
            &["aws:kms"],
        )),
    },
    Shape {
        effect: "Allow",
        actions: &["s3:ListBucket", "s3:GetBucketLocation"],
        resources: &["arn:aws:s3:::app-data-{n}"],
        condition: Some(("StringLike", "s3:prefix", &["home/${aws:username}/*"])),
    },
    Shape {
        effect: "Allow",
        actions: &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
        ],
        resources: &["arn:aws:dynamodb:us-east-1:123456789012:table/orders-{n}"],
        condition: Some((
            "ForAllValues:StringEquals",
            "dynamodb:LeadingKeys",
            &["${aws:PrincipalTag/tenant}"],
        )),
    },
    Shape {
        effect: "Allow",
        actions: &["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: &["arn:aws:logs:eu-west-1:123456789012:log-group:/app/service-{n}:*"],
        condition: None,
    },
    Shape {
        effect: "Allow",
        actions: &["kms:Decrypt", "kms:GenerateDataKey"],
        resources: &["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        condition: Some((
            "StringEquals",
            "kms:ViaService",
            &["s3.eu-west-1.amazonaws.com"],
        )),
    },
    Shape {
        effect: "Allow",
        actions: &[
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ],
        resources: &["arn:aws:sqs:us-east-1:123456789012:jobs-{n}"],
        condition: None,
    },
    Shape {
        effect: "Allow",
        actions: &[
            "ec2:DescribeInstances",
            "ec2:DescribeVolumes",
            "ec2:DescribeSecurityGroups",
        ],
        resources: &["*"],
        condition: Some((
            "StringEquals",
            "aws:RequestedRegion",
            &["us-east-1", "eu-west-1"],
        )),
    },
    Shape {
        effect: "Allow",
        actions: &["ec2:StartInstances", "ec2:StopInstances"],
        resources: &["arn:aws:ec2:us-east-1:123456789012:instance/*"],
        condition: Some((
            "StringEquals",
            "aws:ResourceTag/team",
            &["${aws:PrincipalTag/team}"],
        )),
    },
    Shape {
        effect: "Allow",
        actions: &["iam:PassRole"],
        resources: &["arn:aws:iam::123456789012:role/service-role/app-{n}"],
        condition: Some((
            "StringEquals",
            "iam:PassedToService",
            &["lambda.amazonaws.com"],
        )),
    },
    Shape {
        effect: "Allow",
        actions: &["lambda:InvokeFunction", "lambda:GetFunction"],
        resources: &["arn:aws:lambda:us-east-1:123456789012:function:handler-{n}"],
        condition: None,
    },
    Shape {
        effect: "Allow",
        actions: &["secretsmanager:GetSecretValue"],
        resources: &["arn:aws:secretsmanager:us-east-1:123456789012:secret:app/{n}-*"],
        condition: Some(("Bool", "aws:MultiFactorAuthPresent", &["true"])),
    },
    Shape {
        effect: "Deny",
        actions: &["s3:*"],
        resources: &["arn:aws:s3:::app-data-{n}", "arn:aws:s3:::app-data-{n}/*"],
        condition: Some(("Bool", "aws:SecureTransport", &["false"])),
    },
    Shape {
        effect: "Allow",
        actions: &["sns:Publish"],
        resources: &["arn:aws:sns:us-east-1:123456789012:alerts-{n}"],
        condition: Some(("StringEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"])),
    },
    Shape {
        effect: "Allow",
        actions: &["ssm:GetParameter", "ssm:GetParametersByPath"],
        resources: &["arn:aws:ssm:us-east-1:123456789012:parameter/app/{n}/*"],
        condition: None,
    },
    Shape {
        effect: "Allow",
        actions: &["cloudwatch:PutMetricData"],
        resources: &["*"],
        condition: Some(("StringEquals", "cloudwatch:namespace", &["App/{n}"])),
    },
    Shape {
        effect: "Allow",
        actions: &[
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchCheckLayerAvailability",
        ],
        resources: &["arn:aws:ecr:us-east-1:123456789012:repository/service-{n}"],
        condition: None,
    },
];

/// Builds text while recording the strings it writes.
struct Writer {
    text: String,
    tokens: Vec<Token>,
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn string(&mut self, tok: Tok, s: &str) {
        self.text.push('"');
        let start = self.text.len();
        self.text.push_str(s);
        self.tokens.push(Token {
            tok,
            start,
            end: self.text.len(),
        });
        self.text.push('"');
    }

    fn key(&mut self, indent: usize, tok: Tok, key: &str) {
        self.raw(&" ".repeat(indent));
        self.string(tok, key);
        self.raw(": ");
    }

    fn list(&mut self, indent: usize, tok: Tok, items: &[String]) {
        if let [one] = items {
            self.string(tok, one);
            return;
        }
        self.raw("[\n");
        for (i, item) in items.iter().enumerate() {
            self.raw(&" ".repeat(indent + 2));
            self.string(tok, item);
            self.raw(if i + 1 < items.len() { ",\n" } else { "\n" });
        }
        self.raw(&" ".repeat(indent));
        self.raw("]");
    }

    fn statement(&mut self, n: usize, shape: &Shape) {
        let fill = |s: &str| s.replace("{n}", &n.to_string());
        self.raw("    {\n");
        self.key(6, Tok::Element, "Sid");
        self.raw(&format!("\"Statement{n}\",\n"));
        self.key(6, Tok::Element, "Effect");
        self.string(Tok::Effect, shape.effect);
        self.raw(",\n");
        self.key(6, Tok::Element, "Action");
        let actions: Vec<String> = shape.actions.iter().map(|a| a.to_string()).collect();
        self.list(6, Tok::Action, &actions);
        self.raw(",\n");
        self.key(6, Tok::Element, "Resource");
        let resources: Vec<String> = shape.resources.iter().map(|r| fill(r)).collect();
        self.list(6, Tok::Resource, &resources);
        if let Some((operator, key, values)) = shape.condition {
            self.raw(",\n");
            self.key(6, Tok::Element, "Condition");
            self.raw("{\n");
            self.key(8, Tok::Operator, operator);
            self.raw("{\n");
            self.key(10, Tok::ConditionKey, key);
            let values: Vec<String> = values.iter().map(|v| fill(v)).collect();
            self.list(10, Tok::ConditionValue, &values);
            self.raw("\n        }\n      }");
        }
        self.raw("\n    }");
    }
}

/// An identity policy of at least `min_bytes` bytes: statements cycle through [`SHAPES`] in an
/// order drawn from `seed`, until the text is large enough.
pub fn policy(min_bytes: usize, seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let mut w = Writer {
        text: String::with_capacity(min_bytes + 1024),
        tokens: Vec::new(),
    };
    w.raw("{\n");
    w.key(2, Tok::Element, "Version");
    w.raw("\"2012-10-17\",\n");
    w.key(2, Tok::Element, "Statement");
    w.raw("[\n");
    let mut statement_starts = Vec::new();
    let mut n = 0;
    // The closing lines add 6 bytes.
    while w.text.len() + 6 < min_bytes || n == 0 {
        if n > 0 {
            w.raw(",\n");
        }
        statement_starts.push(w.text.len());
        let shape = rng.pick(SHAPES);
        w.statement(n + 1, shape);
        n += 1;
    }
    statement_starts.push(w.text.len());
    w.raw("\n  ]\n}\n");
    Generated {
        text: w.text,
        tokens: w.tokens,
        statement_starts,
    }
}

/// Where to hover in a log and what to expect there.
#[derive(Clone, Copy, Debug)]
pub struct LogTarget {
    /// Byte offset of the hover.
    pub offset: usize,
    /// True on an AccessDenied message (a hover is expected), false on an ordinary line.
    pub denial: bool,
}

const LOG_ACTIONS: &[(&str, &str, &str)] = &[
    (
        "GetObject",
        "s3:GetObject",
        "arn:aws:s3:::app-data-7/reports/2026/11/summary.csv",
    ),
    (
        "PutItem",
        "dynamodb:PutItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    ),
    (
        "Decrypt",
        "kms:Decrypt",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    (
        "SendMessage",
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:123456789012:jobs",
    ),
    (
        "AssumeRole",
        "sts:AssumeRole",
        "arn:aws:iam::210987654321:role/deploy",
    ),
];

const LOG_REASONS: &[&str] = &[
    "because no identity-based policy allows the {a} action",
    "with an explicit deny in a service control policy",
    "because no resource-based policy allows the {a} action",
    "with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/guardrails",
];

/// A log of at least `min_bytes` bytes: ordinary application lines, with an AccessDenied line
/// (SDK error text) every 40 lines and a CloudTrail event on one line every 400. Returns the
/// text and hover targets spread over the whole log (on denials and on ordinary lines).
pub fn log(min_bytes: usize, seed: u64) -> (String, Vec<LogTarget>) {
    let mut rng = Rng::new(seed);
    let mut text = String::with_capacity(min_bytes + 4096);
    let mut targets = Vec::new();
    let mut line_no: u64 = 0;
    while text.len() < min_bytes {
        line_no += 1;
        let secs = line_no / 20;
        let stamp = format!(
            "2026-11-02T{:02}:{:02}:{:02}.{:03}Z",
            (secs / 3600) % 24,
            (secs / 60) % 60,
            secs % 60,
            line_no % 1000
        );
        let worker = rng.below(8);
        if line_no.is_multiple_of(400) {
            let (op, action, resource) = *rng.pick(LOG_ACTIONS);
            let service = action.split(':').next().unwrap_or("s3");
            let start = text.len();
            text.push_str(&format!(
                "{{\"eventVersion\":\"1.09\",\"eventTime\":\"{stamp}\",\"eventSource\":\"{service}.amazonaws.com\",\"eventName\":\"{op}\",\"awsRegion\":\"us-east-1\",\"userIdentity\":{{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::123456789012:assumed-role/app-role/worker-{worker}\",\"accountId\":\"123456789012\"}},\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User: arn:aws:sts::123456789012:assumed-role/app-role/worker-{worker} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action\",\"requestID\":\"{:016x}\",\"readOnly\":false}}\n",
                rng.next_u64()
            ));
            if let Some(at) = text[start..].find("is not authorized") {
                targets.push(LogTarget {
                    offset: start + at + 3,
                    denial: true,
                });
            }
        } else if line_no.is_multiple_of(40) {
            let (op, action, resource) = *rng.pick(LOG_ACTIONS);
            let reason = rng.pick(LOG_REASONS).replace("{a}", action);
            let start = text.len();
            text.push_str(&format!(
                "{stamp} ERROR [worker-{worker}] botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the {op} operation: User: arn:aws:sts::123456789012:assumed-role/app-role/worker-{worker} is not authorized to perform: {action} on resource: {resource} {reason}\n"
            ));
            if let Some(at) = text[start..].find(action) {
                targets.push(LogTarget {
                    offset: start + at + 2,
                    denial: true,
                });
            }
        } else {
            let start = text.len();
            text.push_str(&format!(
                "{stamp} INFO  [worker-{worker}] request {:016x} GET /api/orders/{} completed status=200 in {} ms\n",
                rng.next_u64(),
                rng.below(100_000),
                1 + rng.below(250)
            ));
            if line_no % 40 == 7 {
                targets.push(LogTarget {
                    offset: start + 40,
                    denial: false,
                });
            }
        }
    }
    (text, targets)
}

/// Byte offsets of line starts, for converting offsets to positions.
#[derive(Clone, Debug)]
pub struct Lines(Vec<usize>);

impl Lines {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines(starts)
    }

    /// The (line, column) of a byte offset; columns count bytes, which equal UTF-16 code units
    /// for the ASCII text generated here.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.0.partition_point(|&s| s <= offset).saturating_sub(1);
        (line, offset - self.0[line])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_valid_json_of_the_asked_size_with_their_tokens_in_place() {
        for (size, seed) in [(10_000, 1), (100_000, 2), (500, 3)] {
            let g = policy(size, seed);
            assert!(g.text.len() >= size, "{} < {size}", g.text.len());
            assert!(g.text.len() < size + 1024);
            assert!(g.text.is_ascii());
            let v: serde_json::Value = serde_json::from_str(&g.text).expect("valid JSON");
            let statements = v["Statement"].as_array().expect("statements");
            assert_eq!(statements.len() + 1, g.statement_starts.len());
            let actions = g.tokens.iter().filter(|t| t.tok == Tok::Action).count();
            let in_json: usize = statements
                .iter()
                .map(|s| match &s["Action"] {
                    serde_json::Value::Array(a) => a.len(),
                    _ => 1,
                })
                .sum();
            assert_eq!(actions, in_json);
            for t in &g.tokens {
                assert_eq!(&g.text[t.start - 1..t.start], "\"");
                assert_eq!(&g.text[t.end..t.end + 1], "\"");
            }
            // Statement boundaries: each starts with its opening brace.
            for &s in &g.statement_starts[..g.statement_starts.len() - 1] {
                assert!(g.text[s..].starts_with("    {\n"));
            }
        }
    }

    #[test]
    fn same_seed_same_policy_other_seed_other_policy() {
        assert_eq!(policy(3000, 7).text, policy(3000, 7).text);
        assert_ne!(policy(3000, 7).text, policy(3000, 8).text);
    }

    #[test]
    fn logs_have_denials_where_the_targets_say() {
        let (text, targets) = log(200_000, 5);
        assert!(text.len() >= 200_000);
        let denials: Vec<_> = targets.iter().filter(|t| t.denial).collect();
        assert!(denials.len() > 30, "{} denials", denials.len());
        assert!(targets.iter().any(|t| !t.denial));
        for t in denials {
            let line_start = text[..t.offset].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[t.offset..]
                .find('\n')
                .map_or(text.len(), |i| t.offset + i);
            assert!(text[line_start..line_end].contains("is not authorized to perform"));
        }
    }

    #[test]
    fn positions_of_offsets() {
        let text = "ab\ncd\n\nef";
        let lines = Lines::new(text);
        assert_eq!(lines.position(0), (0, 0));
        assert_eq!(lines.position(2), (0, 2));
        assert_eq!(lines.position(3), (1, 0));
        assert_eq!(lines.position(6), (2, 0));
        assert_eq!(lines.position(8), (3, 1));
    }
}
