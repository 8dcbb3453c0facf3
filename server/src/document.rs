//! What kind of text a document holds: an IAM policy, a decoded authorization message, or plain text.
//!
//! A [`Snapshot`] is one immutable version of a document: its text, its [`DocumentKind`], when
//! the text looks like JSON its syntax tree, and for a policy the [`PolicyKind`] it is analysed as
//! (from the configuration or the content). [`diagnostics`] is the single entry point that turns
//! a snapshot into [`Finding`]s: it runs the [`rules`]. Nothing in this module
//! knows LSP: offsets are bytes, results are plain data.

use crate::config::Config;
use crate::eval::why::WorkspacePolicy;
use crate::groups::{self, Member};
use crate::host;
use crate::policy::{Policy, PolicyKind, detect_kind};
use crate::rules::cache::FindingsCache;
use crate::rules::{self, Finding, RelatedDocument};
use crate::syntax::{self, Node, Parse};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Texts larger than this are never parsed as JSON (they are treated as [`DocumentKind::Text`]).
pub const MAX_PARSE_BYTES: usize = 2 * 1024 * 1024;

/// What a document holds, judged from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A JSON IAM policy: a top-level object with `Statement`, or with `Version` and
    /// statement elements (`Effect`, `Action`, ...).
    Policy,
    /// The JSON shape of a decoded authorization failure message (`allowed`, `explicitDeny`,
    /// `matchedStatements`, `context`).
    DecodedMessage,
    /// Anything else: logs, terminal output, unrelated JSON.
    Text,
}

/// Keys that only appear in a statement (or in a policy written as a single statement).
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

/// Keys of a decoded authorization message; `allowed` and `context` must be there with at
/// least one of the other two.
const DECODED_MESSAGE_KEYS: &[&str] = &["explicitDeny", "matchedStatements"];

/// True when `text` is worth parsing as JSON: it starts (after white space) with `{` and is no
/// larger than [`MAX_PARSE_BYTES`].
pub fn looks_like_json_object(text: &str) -> bool {
    text.len() <= MAX_PARSE_BYTES && text.bytes().find(|b| !b.is_ascii_whitespace()) == Some(b'{')
}

/// Classifies a parsed text by the keys of its top-level object.
pub fn classify(parse: &Parse) -> DocumentKind {
    let Some(root) = parse.root.as_ref() else {
        return DocumentKind::Text;
    };
    classify_root(root)
}

fn classify_root(root: &Node) -> DocumentKind {
    let Some(members) = root.members() else {
        return DocumentKind::Text;
    };
    let has = |key: &str| members.iter().any(|m| m.key == key);
    if has("Statement") || (has("Version") && STATEMENT_KEYS.iter().any(|k| has(k))) {
        DocumentKind::Policy
    } else if has("allowed") && has("context") && DECODED_MESSAGE_KEYS.iter().any(|k| has(k)) {
        DocumentKind::DecodedMessage
    } else {
        DocumentKind::Text
    }
}

/// What analysis needs besides the text: the project configuration (file + editor settings).
/// Shared by all snapshots; replaced as a whole when the configuration changes.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub config: Config,
    /// The files under the workspace root that the configuration's `[[groups]]` name (see
    /// [`groups::scan`]); empty without groups.
    pub group_files: Vec<String>,
    /// Files the groups name that are not read (special files, links leading outside the
    /// root), with the reason, for the user to see.
    pub group_refused: Vec<(String, String)>,
    /// The workspace root, where group members that are not open are read from.
    pub root: Option<PathBuf>,
    /// The workspace's policies (with their configured or detected kinds), the same set
    /// `iam-ls explain` reads, for the "From your repository" answer of the log hover. Read
    /// once per configuration load, only when the root has an `iam-ls.toml`; empty otherwise.
    pub workspace: Arc<Vec<WorkspacePolicy>>,
}

impl Env {
    /// An environment with `config`, no root and no group files.
    pub fn new(config: Config) -> Env {
        Env {
            config,
            group_files: Vec::new(),
            group_refused: Vec::new(),
            root: None,
            workspace: Arc::default(),
        }
    }

    /// An environment with `config` for the workspace at `root`: the files its groups name are
    /// looked up there ([`groups::scan`]).
    pub fn for_root(config: Config, root: PathBuf) -> Env {
        let scanned = groups::scan(&config, &root);
        Env {
            group_files: scanned.files,
            group_refused: scanned.refused,
            config,
            root: Some(root),
            workspace: Arc::default(),
        }
    }

    /// The other members of each group `path` belongs to (see [`groups::load`]): the texts of
    /// `open` documents (relative path, text) where given, the files under the root otherwise.
    /// Open documents count as members even when they were not on disk at the last scan.
    pub fn related(&self, path: &str, open: &[(String, Arc<str>)]) -> Vec<Vec<Arc<Member>>> {
        if self.config.group_role(path).is_none() {
            return Vec::new();
        }
        let mut files = self.group_files.clone();
        files.extend(open.iter().map(|(p, _)| p.clone()));
        let open_text = |p: &str| open.iter().find(|(q, _)| q == p).map(|(_, t)| t.clone());
        groups::load(&self.config, self.root.as_deref(), path, &files, &open_text)
    }
}

/// The policy kind a snapshot is analysed as, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedKind {
    pub kind: PolicyKind,
    /// One sentence: the configuration pattern that set it, or the content that suggested it.
    pub why: String,
    /// True when the configuration (not the content) decided.
    pub configured: bool,
}

/// Resolves the policy kind: a configured glob for `path` wins, then the role a `[[groups]]`
/// entry gives the file; otherwise detection from the content.
pub fn resolve_kind(config: &Config, path: Option<&str>, parse: &Parse) -> ResolvedKind {
    if let Some(configured) = configured_kind(config, path) {
        return configured;
    }
    resolve_kind_of(config, path, &Policy::from_parse(parse))
}

/// The kind the configuration gives `path` (a `[kinds]` glob, then a group role), if any.
fn configured_kind(config: &Config, path: Option<&str>) -> Option<ResolvedKind> {
    if let Some(path) = path
        && let Some(rule) = config.kind_match(path)
    {
        return Some(ResolvedKind {
            kind: rule.kind,
            why: format!(
                "the configuration marks files matching `{}` as a {}",
                rule.glob.as_str(),
                rule.kind.title()
            ),
            configured: true,
        });
    }
    if let Some(path) = path
        && let Some((group, kind)) = config.group_role(path)
    {
        return Some(ResolvedKind {
            kind,
            why: format!(
                "the configuration's group `{}` lists this file as a {}",
                group.name,
                kind.title()
            ),
            configured: true,
        });
    }
    None
}

/// Like [`resolve_kind`], with the typed model already built (the analysis builds it once for
/// both the kind and the rules).
fn resolve_kind_of(config: &Config, path: Option<&str>, policy: &Policy<'_>) -> ResolvedKind {
    if let Some(configured) = configured_kind(config, path) {
        return configured;
    }
    let (kind, reason) = detect_kind(policy);
    ResolvedKind {
        kind,
        why: reason.to_string(),
        configured: false,
    }
}

/// How [`Snapshot::build`] parses a JSON text.
enum Parsing {
    /// From scratch, keeping nothing.
    Whole,
    /// Keeping what the next version's parse can reuse, reusing the previous one's.
    Incremental(Option<syntax::Prior>),
}

/// One immutable version of a document, ready for analysis.
#[derive(Debug)]
pub struct Snapshot {
    text: Arc<str>,
    version: i32,
    kind: DocumentKind,
    parse: Option<Parse>,
    /// What the parse kept for the next version's (see [`Snapshot::edited`]).
    memo: Option<syntax::Memo>,
    path: Option<String>,
    /// For a policy: its kind, resolved on first use (the analysis resolves it from the typed
    /// model it builds for the rules, so a keystroke builds that model once).
    policy_kind: OnceLock<ResolvedKind>,
    env: Arc<Env>,
    today: i64,
    /// The other members of each group the document belongs to (see [`Snapshot::with_related`]).
    related: Vec<Vec<Arc<Member>>>,
    /// For a CloudFormation/SAM template: its embedded policies (see [`crate::host`]).
    host: Option<Arc<host::Host>>,
    /// The findings of the statements of an earlier version, to reuse for the statements this
    /// one did not change (see [`rules::cache`]); `None` analyses every statement.
    findings_cache: Option<Arc<FindingsCache>>,
    findings: OnceLock<Vec<Finding>>,
}

impl Snapshot {
    /// Analyzes `text` with the default configuration and no path.
    pub fn new(text: impl Into<Arc<str>>, version: i32) -> Self {
        Snapshot::with_env(text, version, None, Arc::default())
    }

    /// Analyzes `text`: parses it when [`looks_like_json_object`], classifies it and, for a
    /// policy, resolves its kind. `version` is the editor's version of the document (anything for
    /// a file on disk); `path` is relative to the workspace root (for configured kinds and
    /// silencing).
    pub fn with_env(
        text: impl Into<Arc<str>>,
        version: i32,
        path: Option<String>,
        env: Arc<Env>,
    ) -> Self {
        Snapshot::build(text.into(), version, path, env, None, Parsing::Whole)
    }

    /// Like [`Snapshot::with_env`], for a document being edited: the parse keeps what the
    /// next version's can reuse, and reuses what `prior` (the previous version's, from
    /// [`Snapshot::take_prior`]) kept, so a keystroke parses the containers it touched rather
    /// than the whole text. Tree, errors and everything after are [`Snapshot::with_env`]'s.
    pub fn edited(
        text: impl Into<Arc<str>>,
        version: i32,
        path: Option<String>,
        env: Arc<Env>,
        prior: Option<syntax::Prior>,
    ) -> Self {
        Snapshot::build(
            text.into(),
            version,
            path,
            env,
            None,
            Parsing::Incremental(prior),
        )
    }

    /// Like [`Snapshot::with_env`], but analyses the text as a `kind` policy whatever the
    /// configuration or the content say (the CLI's `--kind`): any JSON object is a policy.
    pub fn with_kind(
        text: impl Into<Arc<str>>,
        version: i32,
        path: Option<String>,
        env: Arc<Env>,
        kind: PolicyKind,
    ) -> Self {
        Snapshot::build(text.into(), version, path, env, Some(kind), Parsing::Whole)
    }

    fn build(
        text: Arc<str>,
        version: i32,
        path: Option<String>,
        env: Arc<Env>,
        forced: Option<PolicyKind>,
        parsing: Parsing,
    ) -> Self {
        let (parse, memo) = match (looks_like_json_object(&text), parsing) {
            (false, _) => (None, None),
            (true, Parsing::Whole) => (Some(syntax::parse(&text)), None),
            (true, Parsing::Incremental(prior)) => {
                let (parse, memo) = syntax::parse_incremental(&text, prior);
                (Some(parse), Some(memo))
            }
        };
        let configured = forced.is_some()
            || path.as_deref().is_some_and(|p| {
                env.config.kind_for_path(p).is_some() || env.config.group_role(p).is_some()
            });
        let kind = match parse.as_ref() {
            Some(p) if configured && p.root.as_ref().is_some_and(|r| r.members().is_some()) => {
                DocumentKind::Policy
            }
            Some(p) => classify(p),
            None => DocumentKind::Text,
        };
        let policy_kind = OnceLock::new();
        if let (Some(_), DocumentKind::Policy, Some(kind)) = (&parse, kind, forced) {
            let _ = policy_kind.set(ResolvedKind {
                kind,
                why: format!("the command line asks for {} checks", kind.title()),
                configured: true,
            });
        }
        let host = match (kind, forced) {
            (DocumentKind::Text, None) => {
                host::analyze(&text, parse.as_ref(), path.as_deref(), &env).map(Arc::new)
            }
            _ => None,
        };
        Snapshot {
            host,
            text,
            version,
            kind,
            parse,
            memo,
            path,
            policy_kind,
            env,
            today: rules::support::today(),
            related: Vec::new(),
            findings_cache: None,
            findings: OnceLock::new(),
        }
    }

    /// Adds the other members of each group the document belongs to, one list per group (see
    /// [`groups::load`]); the cross-file traps check the document against them.
    pub fn with_related(mut self, related: Vec<Vec<Arc<Member>>>) -> Self {
        self.related = related;
        self.findings = OnceLock::new();
        self
    }

    /// Analyses the statements with `cache`: the statement rules run only on the statements
    /// that changed since the analysis the cache remembers, which then remembers this one. The
    /// findings are the same as without it. The language server keeps one cache per document.
    pub fn with_findings_cache(mut self, cache: Arc<FindingsCache>) -> Self {
        self.findings_cache = Some(cache);
        self.findings = OnceLock::new();
        self
    }

    /// The group members this snapshot was analysed with.
    pub fn related(&self) -> &[Vec<Arc<Member>>] {
        &self.related
    }

    /// The day the analysis counts as today (days since 1970-01-01, UTC).
    pub fn today(&self) -> i64 {
        self.today
    }

    /// The full text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// For a snapshot about to be dropped: its text, tree and what its parse kept, for the
    /// next version's parse ([`Snapshot::edited`]). Leaves this snapshot without a tree.
    /// `None` unless it was built by [`Snapshot::edited`] from JSON.
    pub fn take_prior(&mut self) -> Option<syntax::Prior> {
        let memo = self.memo.take()?;
        let parse = self.parse.take()?;
        Some(syntax::Prior {
            text: self.text.clone(),
            parse,
            memo,
        })
    }

    /// What the parse kept for the next version's and how much it reused; `None` unless built
    /// by [`Snapshot::edited`] from JSON.
    pub fn parse_memo(&self) -> Option<&syntax::Memo> {
        self.memo.as_ref()
    }

    /// The full text, shared.
    pub fn shared_text(&self) -> &Arc<str> {
        &self.text
    }

    /// The version this snapshot was taken at.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// What the document holds.
    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// The JSON syntax tree; `None` when the text was not parsed (it does not start with `{`,
    /// or it is larger than [`MAX_PARSE_BYTES`]).
    pub fn parse(&self) -> Option<&Parse> {
        self.parse.as_ref()
    }

    /// For a policy: the kind it is analysed as, and why.
    pub fn policy_kind(&self) -> Option<&ResolvedKind> {
        let parse = self
            .parse
            .as_ref()
            .filter(|_| self.kind == DocumentKind::Policy)?;
        Some(
            self.policy_kind
                .get_or_init(|| resolve_kind(&self.env.config, self.path.as_deref(), parse)),
        )
    }

    /// The path relative to the workspace root, when known.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The analysis environment (configuration).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// For a template: its embedded policies, each analysed on its own.
    pub fn host(&self) -> Option<&host::Host> {
        self.host.as_deref()
    }

    /// The findings of this snapshot, computed once.
    pub fn findings(&self) -> &[Finding] {
        self.findings.get_or_init(|| compute_findings(self))
    }
}

/// Every finding for `snapshot`, sorted by position. The one place where checks are run.
pub fn diagnostics(snapshot: &Snapshot) -> &[Finding] {
    snapshot.findings()
}

/// The members as the rules take them.
fn related(members: &[Arc<Member>]) -> Vec<RelatedDocument<'_>> {
    members
        .iter()
        .map(|m| RelatedDocument {
            path: &m.path,
            kind: m.kind,
            text: &m.text,
            parse: &m.parse,
        })
        .collect()
}

fn compute_findings(snapshot: &Snapshot) -> Vec<Finding> {
    if let Some(host) = &snapshot.host {
        return host.findings(&snapshot.text, snapshot.path.as_deref());
    }
    let (DocumentKind::Policy, Some(parse)) = (snapshot.kind, &snapshot.parse) else {
        return Vec::new();
    };
    let policy = Policy::from_parse(parse);
    let kind = snapshot
        .policy_kind
        .get_or_init(|| resolve_kind_of(&snapshot.env.config, snapshot.path.as_deref(), &policy));
    let input = rules::Input {
        text: &snapshot.text,
        parse,
        kind: kind.kind,
        path: snapshot.path.as_deref(),
        config: &snapshot.env.config,
        today: snapshot.today,
    };
    let cache = snapshot.findings_cache.as_deref();
    let mut groups = snapshot.related.iter();
    let Some(first) = groups.next() else {
        return rules::check_cached(&input, &policy, &[], cache);
    };
    let mut findings = rules::check_cached(&input, &policy, &related(first), cache);
    // Another group can only add cross-file findings; the others would repeat.
    for members in groups {
        let more = rules::check_with_related(&input, &related(members));
        let before = findings.len();
        for f in more {
            let seen = findings[..before]
                .iter()
                .any(|g| g.rule.code == f.rule.code && g.span == f.span && g.message == f.message);
            if !seen {
                findings.push(f);
            }
        }
    }
    rules::sort_findings(&mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Member, NodeKind, Span};

    fn object(keys: &[&str]) -> Parse {
        let members = keys
            .iter()
            .map(|k| Member {
                key: (*k).into(),
                key_span: Span::default(),
                value: Some(Node {
                    span: Span::default(),
                    kind: NodeKind::Null,
                }),
                span: Span::default(),
            })
            .collect();
        Parse {
            root: Some(Node {
                span: Span::default(),
                kind: NodeKind::Object {
                    members,
                    closed: true,
                },
            }),
            errors: Vec::new(),
        }
    }

    #[test]
    fn classifies_by_top_level_keys() {
        assert_eq!(classify(&object(&["Statement"])), DocumentKind::Policy);
        assert_eq!(
            classify(&object(&["Version", "Statement"])),
            DocumentKind::Policy
        );
        assert_eq!(
            classify(&object(&["Version", "Effect", "Action"])),
            DocumentKind::Policy
        );
        assert_eq!(classify(&object(&["Version"])), DocumentKind::Text);
        assert_eq!(classify(&object(&["Effect"])), DocumentKind::Text);
        assert_eq!(
            classify(&object(&[
                "allowed",
                "explicitDeny",
                "matchedStatements",
                "failures",
                "context"
            ])),
            DocumentKind::DecodedMessage
        );
        assert_eq!(
            classify(&object(&["allowed", "context"])),
            DocumentKind::Text
        );
        assert_eq!(classify(&object(&["name", "version"])), DocumentKind::Text);
        assert_eq!(classify(&Parse::default()), DocumentKind::Text);
    }

    #[test]
    fn with_kind_forces_the_policy_kind() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let detected = Snapshot::new(text, 1);
        assert_eq!(
            detected.policy_kind().map(|k| k.kind),
            Some(PolicyKind::Identity)
        );
        let forced = Snapshot::with_kind(text, 1, None, Arc::default(), PolicyKind::RoleTrust);
        let kind = forced.policy_kind().expect("a policy");
        assert_eq!(kind.kind, PolicyKind::RoleTrust);
        assert!(kind.configured);
        // Any JSON object is a policy when the kind is forced; other text is not.
        let object = Snapshot::with_kind(
            "{\"name\": 1}",
            1,
            None,
            Arc::default(),
            PolicyKind::Identity,
        );
        assert_eq!(object.kind(), DocumentKind::Policy);
        let array = Snapshot::with_kind("[1]", 1, None, Arc::default(), PolicyKind::Identity);
        assert_eq!(array.kind(), DocumentKind::Text);
        assert!(array.policy_kind().is_none());
    }

    #[test]
    fn group_members_reach_the_cross_file_traps() {
        let config = Config::from_toml_str(
            r#"
[[groups]]
name = "dev"
identity = ["roles/*.json"]
boundary = "boundary.json"

[[groups]]
name = "ops"
identity = ["roles/*.json"]
scps = ["scp.json"]
"#,
        )
        .expect("valid configuration");
        let env = Arc::new(Env::new(config));
        let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["iam:CreateRole", "s3:GetObject"], "Resource": "*"}]}"#;
        let alone = Snapshot::with_env(identity, 1, Some("roles/a.json".into()), env.clone());
        let kind = alone.policy_kind().expect("a policy");
        assert_eq!(kind.kind, PolicyKind::Identity);
        assert!(
            kind.configured && kind.why.contains("group `dev`"),
            "{kind:?}"
        );
        let cross = |s: &Snapshot| -> Vec<String> {
            s.findings()
                .iter()
                .filter(|f| f.rule.code == "IAM918")
                .map(|f| format!("{}: {}", &identity[f.span.start..f.span.end], f.message))
                .collect()
        };
        assert!(cross(&alone).is_empty());
        // The group gives the boundary its kind too.
        let boundary_text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:*", "Resource": "*"}]}"#;
        let boundary = Snapshot::with_env(boundary_text, 1, Some("boundary.json".into()), env);
        assert_eq!(
            boundary.policy_kind().map(|k| k.kind),
            Some(PolicyKind::PermissionsBoundary)
        );
        let member = |path: &str, kind, text: &str| {
            Arc::new(
                groups::Member::new(path.into(), kind, Arc::from(text)).expect("a JSON object"),
            )
        };
        let scp_text = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "NoReads",
            "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let related = vec![
            vec![member(
                "boundary.json",
                PolicyKind::PermissionsBoundary,
                boundary_text,
            )],
            vec![member("scp.json", PolicyKind::ServiceControl, scp_text)],
        ];
        let grouped =
            Snapshot::with_env(identity, 1, Some("roles/a.json".into()), alone.env.clone())
                .with_related(related);
        let found = cross(&grouped);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with("\"iam:CreateRole\"") && found[0].contains("boundary.json"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("\"s3:GetObject\"") && found[1].contains("scp.json"),
            "{found:#?}"
        );
        // Checking once per group repeats no other finding.
        let others = |s: &Snapshot| {
            s.findings()
                .iter()
                .filter(|f| f.rule.code != "IAM918")
                .count()
        };
        assert_eq!(others(&grouped), others(&alone));
        // Sorted by position, as always.
        assert!(
            grouped
                .findings()
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start)
        );
    }

    #[test]
    fn only_small_object_texts_are_parsed() {
        assert!(looks_like_json_object("  \r\n\t{\"a\": 1}"));
        assert!(!looks_like_json_object("[1]"));
        assert!(!looks_like_json_object("User: arn:aws:iam::1:user/x {"));
        assert!(!looks_like_json_object(""));
        let mut huge = String::from("{");
        huge.push_str(&" ".repeat(MAX_PARSE_BYTES));
        assert!(!looks_like_json_object(&huge));
        // Neither is parsed (this would reach the parser otherwise).
        let snap = Snapshot::new(huge, 1);
        assert_eq!(snap.kind(), DocumentKind::Text);
        assert!(snap.parse().is_none());
        let log = Snapshot::new("2024-01-01 AccessDenied: not authorized", 3);
        assert_eq!(log.kind(), DocumentKind::Text);
        assert_eq!(log.version(), 3);
        assert!(diagnostics(&log).is_empty());
    }
}
