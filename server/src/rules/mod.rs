//! The validation rules: one rule per file, a registry, and the runner.
//!
//! # Writing a rule
//!
//! A rule lives in `rules/<category>/<rule_name>.rs`. The file starts with its doc comment (`//!`)
//! in fixed sections, which is the only copy of its documentation (the build script embeds it;
//! `docs/rules/` is generated from it):
//!
//! ```text
//! //! # rule-name (IAM123)
//! //!
//! //! ## What it does
//! //! ## Why it matters
//! //! ## Example
//! //! ```json            (a policy that triggers the rule; `json kind:scp` to set the kind)
//! //! ## Fix
//! //! ```json            (the same policy fixed: must not trigger the rule)
//! ```
//!
//! and declares `pub static RULE: Rule = Rule { code, name, category, severity, kinds, since,
//! sources, summary, check }`. `check` is a plain function over a [`Context`] (the typed policy,
//! its kind, the catalog, today's date) that pushes [`Diag`]s: a byte span, a message that says
//! what is wrong, why, and how to fix it, and optionally a [`Fix`] of text edits. The rule is
//! registered in its category's `RULES` list. Tests in `rules/tests.rs` check that every rule's
//! doc example triggers it and its fix does not.
//!
//! # Running
//!
//! [`check`] runs every rule that applies to the policy's kind, applies the configuration
//! (rules turned off or re-levelled, findings silenced for a statement by Sid or for a path), and
//! returns [`Finding`]s sorted by position. It never panics and allocates little when a policy
//! is clean.

pub mod access_analyzer;
pub mod cache;
pub mod dependencies;
pub mod docs;
pub mod global_services;
pub mod regions;
pub mod support;

pub mod actions;
pub mod conditions;
pub mod kinds;
pub mod principals;
pub mod resources;
pub mod structure;
pub mod traps;
pub mod variables;

#[cfg(test)]
mod cache_tests;
#[cfg(test)]
pub mod testing;
#[cfg(test)]
mod tests;

use crate::catalog::{self, Catalog};
use crate::config::{Config, RuleLevel};
use crate::policy::{Policy, PolicyKind};
use crate::syntax::{Parse, Span};

/// How serious a rule's findings are, in Access Analyzer's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The policy is invalid or cannot do what it says (AWS rejects it, or it never applies).
    Error,
    /// The policy grants more than it seems to, or can be abused.
    SecurityWarning,
    /// The policy works, but not as a reader would expect.
    Warning,
    /// The policy can be simpler or clearer.
    Suggestion,
}

impl Severity {
    /// The kebab-case name (`security-warning`).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security-warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    /// The editor level a finding of this severity gets by default.
    pub fn default_level(self) -> Level {
        match self {
            Severity::Error => Level::Error,
            Severity::SecurityWarning | Severity::Warning => Level::Warning,
            Severity::Suggestion => Level::Information,
        }
    }
}

/// The level a finding is shown at (the editor's diagnostic severity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Information,
    Hint,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Information => "info",
            Level::Hint => "hint",
        }
    }
}

/// What part of a policy a rule looks at; also the folder it lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// JSON and element structure: elements, types, Version, Sid, Effect, sizes.
    Structure,
    /// Actions and NotActions against the catalog.
    Actions,
    /// Resource ARNs.
    Resources,
    /// Condition operators, keys and values.
    Conditions,
    /// Policy variables (`${aws:username}`).
    Variables,
    /// Principal and NotPrincipal.
    Principals,
    /// Checks that belong to one policy kind (trust, SCP, RCP, KMS, ...), and broad grants.
    Kinds,
    /// Denial traps: mistakes that silently deny or silently allow.
    Traps,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Structure => "structure",
            Category::Actions => "actions",
            Category::Resources => "resources",
            Category::Conditions => "conditions",
            Category::Variables => "variables",
            Category::Principals => "principals",
            Category::Kinds => "kinds",
            Category::Traps => "traps",
        }
    }
}

/// The policy kinds a rule applies to.
#[derive(Clone, Copy, Debug)]
pub enum Kinds {
    All,
    Only(&'static [PolicyKind]),
    AllBut(&'static [PolicyKind]),
}

impl Kinds {
    pub fn contains(&self, kind: PolicyKind) -> bool {
        match self {
            Kinds::All => true,
            Kinds::Only(list) => list.contains(&kind),
            Kinds::AllBut(list) => !list.contains(&kind),
        }
    }

    /// Human-readable list, for docs.
    pub fn describe(&self) -> String {
        let names =
            |list: &[PolicyKind]| list.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ");
        match self {
            Kinds::All => "all".to_string(),
            Kinds::Only(list) => names(list),
            Kinds::AllBut(list) => format!("all but {}", names(list)),
        }
    }
}

/// One rule: its metadata and its check.
pub struct Rule {
    /// Stable code, `IAM` + three digits: 0xx structure, 1xx actions, 2xx resources,
    /// 3xx conditions, 4xx variables, 5xx principals, 6xx kind-specific, 9xx traps.
    pub code: &'static str,
    /// Stable kebab-case name, equal to the file name with `-` for `_`.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub kinds: Kinds,
    /// The iam-ls version that introduced the rule.
    pub since: &'static str,
    /// What the rule corresponds to elsewhere: `"Access Analyzer: INVALID_ACTION"`,
    /// `"parliament: RESOURCE_MISMATCH"`.
    pub sources: &'static [&'static str],
    /// One line: what the rule flags.
    pub summary: &'static str,
    pub check: fn(&Context<'_>, &mut Vec<Diag>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.code)
    }
}

impl Rule {
    /// The rule's doc comment (markdown), embedded at build time.
    pub fn doc(&self) -> &'static str {
        docs::doc_for(self.name).unwrap_or("")
    }

    /// Where the rule's documentation page lives (for `codeDescription` and SARIF).
    pub fn url(&self) -> String {
        format!("{}/{}.md", docs::DOCS_BASE_URL, self.name)
    }

    /// The Access Analyzer finding codes this rule corresponds to.
    pub fn access_analyzer_codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sources
            .iter()
            .filter_map(|s| s.strip_prefix("Access Analyzer: "))
    }
}

/// Everything a rule may look at. Rules are pure functions of this.
pub struct Context<'a> {
    /// The document text (spans index into it).
    pub text: &'a str,
    pub parse: &'a Parse,
    pub policy: &'a Policy<'a>,
    pub kind: PolicyKind,
    pub catalog: &'static Catalog,
    /// Today, as days since 1970-01-01 (UTC), for checks on dates.
    pub today: i64,
    /// The other policies of the document's `[[groups]]` (the layers that apply to the same
    /// principal), for the cross-file traps; empty when it belongs to no group.
    pub related: &'a [Related<'a>],
    /// The project configuration, for the few rules that take settings of their own (levels and
    /// silencing are applied by [`check`], not by rules).
    pub config: &'a Config,
}

/// Another policy that applies to the same principal as the checked document (a member of the
/// same `[[groups]]` entry), as the caller hands it to [`check_with_related`].
#[derive(Clone, Copy, Debug)]
pub struct RelatedDocument<'a> {
    /// Its path relative to the workspace root, for messages.
    pub path: &'a str,
    /// The role it plays in the group: identity, permissions-boundary, service-control,
    /// resource-control or session.
    pub kind: PolicyKind,
    pub text: &'a str,
    pub parse: &'a Parse,
}

/// A related document as rules see it: with its typed model.
#[derive(Debug)]
pub struct Related<'a> {
    pub path: &'a str,
    pub kind: PolicyKind,
    pub text: &'a str,
    pub policy: Policy<'a>,
}

/// A text edit: replace `span` with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A mechanical fix for a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Imperative title, e.g. "Replace with `s3:GetObject`".
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of one edit.
    pub fn replace(title: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                span,
                text: text.into(),
            }],
        }
    }

    /// Applies the fix to `text` (edits must not overlap; they are applied back to front).
    pub fn apply(&self, text: &str) -> String {
        let mut edits: Vec<&Edit> = self.edits.iter().collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = text.to_string();
        for e in edits {
            if e.span.start <= e.span.end
                && e.span.end <= out.len()
                && out.is_char_boundary(e.span.start)
                && out.is_char_boundary(e.span.end)
            {
                out.replace_range(e.span.start..e.span.end, &e.text);
            }
        }
        out
    }
}

/// What a rule's check reports: where, what, and optionally a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    pub span: Span,
    pub message: String,
    /// The index of the statement the finding is in (for silencing by Sid).
    pub statement: Option<usize>,
    /// Quick fixes, best first.
    pub fixes: Vec<Fix>,
}

impl Diag {
    pub fn new(span: Span, message: impl Into<String>) -> Diag {
        Diag {
            span,
            message: message.into(),
            statement: None,
            fixes: Vec::new(),
        }
    }

    /// Marks the statement the finding belongs to.
    pub fn in_statement(mut self, index: usize) -> Diag {
        self.statement = Some(index);
        self
    }

    /// Adds a quick fix.
    pub fn with_fix(mut self, fix: Fix) -> Diag {
        self.fixes.push(fix);
        self
    }
}

/// A finding, ready to show: the rule, the level after configuration, the location.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub level: Level,
    pub span: Span,
    pub message: String,
    pub statement: Option<usize>,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn code(&self) -> &'static str {
        self.rule.code
    }
}

/// A category's rules and the Access Analyzer codes of its area that no rule can check offline.
pub struct CategoryRules {
    pub category: Category,
    pub rules: &'static [&'static Rule],
    /// `(Access Analyzer code, why it cannot be decided offline)`.
    pub gaps: &'static [(&'static str, &'static str)],
}

/// Every category, each from its folder's `mod.rs`.
pub fn categories() -> &'static [CategoryRules] {
    static CATEGORIES: &[CategoryRules] = &[
        CategoryRules {
            category: Category::Structure,
            rules: structure::RULES,
            gaps: structure::GAPS,
        },
        CategoryRules {
            category: Category::Actions,
            rules: actions::RULES,
            gaps: actions::GAPS,
        },
        CategoryRules {
            category: Category::Resources,
            rules: resources::RULES,
            gaps: resources::GAPS,
        },
        CategoryRules {
            category: Category::Conditions,
            rules: conditions::RULES,
            gaps: conditions::GAPS,
        },
        CategoryRules {
            category: Category::Variables,
            rules: variables::RULES,
            gaps: variables::GAPS,
        },
        CategoryRules {
            category: Category::Principals,
            rules: principals::RULES,
            gaps: principals::GAPS,
        },
        CategoryRules {
            category: Category::Kinds,
            rules: kinds::RULES,
            gaps: kinds::GAPS,
        },
        CategoryRules {
            category: Category::Traps,
            rules: traps::RULES,
            gaps: traps::GAPS,
        },
    ];
    CATEGORIES
}

/// Every registered rule, in code order.
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::LazyLock<Vec<&'static Rule>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<&'static Rule> = categories()
            .iter()
            .flat_map(|c| c.rules.iter())
            .copied()
            .collect();
        v.sort_by_key(|r| r.code);
        v
    });
    &ALL
}

/// The rule with this code or name (code case-insensitively; name with `_` or `-`).
pub fn find(id: &str) -> Option<&'static Rule> {
    let norm = crate::config::normalize_rule_id(id);
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(id) || r.name == norm)
}

/// The rule ids in `[rules]` and `[[ignore]]` (file and editor settings) that name no rule,
/// located, each with the nearest rule name when one is close ("did you mean"). The CLI and
/// the language server report them with the configuration's other problems.
pub fn unknown_rule_errors(config: &Config) -> Vec<crate::config::ConfigError> {
    let mut errors = config.unknown_rules(|id| find(id).is_some());
    for e in &mut errors {
        let written = e
            .message
            .split('`')
            .nth(1)
            .map(crate::config::normalize_rule_id)
            .unwrap_or_default();
        if let Some(r) = nearest_rule(&written) {
            e.message
                .push_str(&format!("; did you mean `{}` ({})?", r.name, r.code));
        }
    }
    errors
}

/// The rule whose name is nearest to `written` (a normalized name): one that starts with it,
/// else one within a small edit distance.
fn nearest_rule(written: &str) -> Option<&'static Rule> {
    if written.len() >= 4
        && let Some(r) = all().iter().copied().find(|r| r.name.starts_with(written))
    {
        return Some(r);
    }
    let limit = (written.len() / 4).clamp(1, 3);
    all()
        .iter()
        .copied()
        .map(|r| (edit_distance(written, r.name), r))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

/// Levenshtein distance over bytes (rule names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What [`check`] needs besides the text.
pub struct Input<'a> {
    pub text: &'a str,
    pub parse: &'a Parse,
    pub kind: PolicyKind,
    /// The document's path relative to the workspace root, for path-based silencing.
    pub path: Option<&'a str>,
    pub config: &'a Config,
    /// Today, as days since 1970-01-01 (UTC); see [`support::today`].
    pub today: i64,
}

/// Runs every applicable, enabled rule and returns the findings sorted by position.
pub fn check(input: &Input<'_>) -> Vec<Finding> {
    check_with_related(input, &[])
}

/// Like [`check`], with the other policies of the document's group (see [`Context::related`]).
/// The caller re-runs it for every open member when any member of the group changes.
pub fn check_with_related(input: &Input<'_>, related: &[RelatedDocument<'_>]) -> Vec<Finding> {
    check_model(input, &Policy::from_parse(input.parse), related)
}

/// Like [`check_with_related`], with the typed model of `input.parse` already built (the
/// document built it to detect the kind; building it again would cost a second pass).
pub fn check_model(
    input: &Input<'_>,
    policy: &Policy<'_>,
    related: &[RelatedDocument<'_>],
) -> Vec<Finding> {
    check_cached(input, policy, related, None)
}

/// Like [`check_model`], reusing the findings of the statements that did not change since
/// the analysis `cache` remembers (see [`cache`]); the findings are the same as without it.
pub fn check_cached(
    input: &Input<'_>,
    policy: &Policy<'_>,
    related: &[RelatedDocument<'_>],
    cache: Option<&cache::FindingsCache>,
) -> Vec<Finding> {
    let related: Vec<Related<'_>> = related
        .iter()
        .map(|r| Related {
            path: r.path,
            kind: r.kind,
            text: r.text,
            policy: Policy::from_parse(r.parse),
        })
        .collect();
    let cx = Context {
        text: input.text,
        parse: input.parse,
        policy,
        kind: input.kind,
        catalog: catalog::catalog(),
        today: input.today,
        related: &related,
        config: input.config,
    };
    // The rules that apply and are on, with their levels; the statement rules apart when
    // there is a cache to answer for them.
    let mut whole: Vec<(&'static Rule, Level)> = Vec::new();
    let mut statement: Vec<(&'static Rule, Level)> = Vec::new();
    for &rule in all() {
        if !rule.kinds.contains(input.kind) {
            continue;
        }
        let level = match input.config.rule_level_for(rule.code, rule.name) {
            Some(RuleLevel::Off) => continue,
            None | Some(RuleLevel::On) => rule.severity.default_level(),
            Some(RuleLevel::Error) => Level::Error,
            Some(RuleLevel::Warning) => Level::Warning,
            Some(RuleLevel::Info) => Level::Information,
            Some(RuleLevel::Hint) => Level::Hint,
        };
        if cache.is_some() && cache::is_per_statement(rule) {
            statement.push((rule, level));
        } else {
            whole.push((rule, level));
        }
    }
    let mut findings = Vec::new();
    let keep = |rule: &'static Rule, level: Level, d: Diag, findings: &mut Vec<Finding>| {
        let sid = d
            .statement
            .and_then(|i| policy.statements.get(i))
            .and_then(|s| s.sid_str());
        if input
            .config
            .is_ignored_for(rule.code, rule.name, sid, input.path)
        {
            return;
        }
        findings.push(Finding {
            rule,
            level,
            span: d.span,
            message: d.message,
            statement: d.statement,
            fixes: d.fixes,
        });
    };
    if let Some(cache) = cache
        && !statement.is_empty()
    {
        let rules: Vec<&'static Rule> = statement.iter().map(|(r, _)| *r).collect();
        let outcome = cache.check(&cx, &rules);
        for (slot, d) in outcome.diags {
            let (rule, level) = statement[slot];
            keep(rule, level, d, &mut findings);
        }
        whole.extend(outcome.whole.iter().map(|&slot| statement[slot]));
    }
    let mut diags = Vec::new();
    for (rule, level) in whole {
        diags.clear();
        (rule.check)(&cx, &mut diags);
        for d in diags.drain(..) {
            keep(rule, level, d, &mut findings);
        }
    }
    drop_fixes_in_recovered_parts(input.parse, &mut findings);
    sort_findings(&mut findings);
    findings
}

/// Takes the quick fixes away from findings that lie in a part of the tree that error recovery
/// built: inside an array or object whose closer is missing (recovery guessed where it ends),
/// or on a syntax error's span. A fix there would act on a guess (issue 17: an unclosed
/// `Action` array that swallowed `"Resource": "*"` offered to remove `s3:GetObject`). The
/// findings stay; only the JSON syntax rule keeps its fixes, which repair the text itself.
/// Past [`crate::syntax::MAX_ERRORS`] syntax errors not all of them are listed, so neither is
/// every part that recovery built: then no other rule's fix is offered anywhere.
fn drop_fixes_in_recovered_parts(parse: &Parse, findings: &mut [Finding]) {
    if parse.errors.is_empty() {
        return;
    }
    if parse.errors.len() > crate::syntax::MAX_ERRORS {
        for f in findings.iter_mut().filter(|f| f.rule.name != "json-syntax") {
            f.fixes.clear();
        }
        return;
    }
    let mut recovered: Vec<Span> = parse.errors.iter().map(|e| e.span).collect();
    fn unclosed(node: &crate::syntax::Node, out: &mut Vec<Span>) {
        match &node.kind {
            crate::syntax::NodeKind::Object { members, closed } => {
                if !closed {
                    out.push(node.span);
                }
                for m in members {
                    if let Some(v) = &m.value {
                        unclosed(v, out);
                    }
                }
            }
            crate::syntax::NodeKind::Array { items, closed } => {
                if !closed {
                    out.push(node.span);
                }
                for item in items {
                    unclosed(item, out);
                }
            }
            _ => {}
        }
    }
    if let Some(root) = &parse.root {
        unclosed(root, &mut recovered);
    }
    let touches = |a: Span| {
        recovered
            .iter()
            .any(|r| a.start < r.end.max(r.start + 1) && r.start < a.end.max(a.start + 1))
    };
    for f in findings.iter_mut() {
        if f.fixes.is_empty() || f.rule.name == "json-syntax" {
            continue;
        }
        let in_recovered = touches(f.span)
            || f.fixes
                .iter()
                .flat_map(|x| &x.edits)
                .any(|e| touches(e.span));
        if in_recovered {
            f.fixes.clear();
        }
    }
}

/// The order findings are reported in: by position, then by rule code.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule.code).cmp(&(b.span.start, b.span.end, b.rule.code))
    });
}
