//! Project configuration: the `iam-ls.toml` file at the workspace root and the editor's LSP
//! settings (the same structure, as JSON under `iamLs`). Read by the server and the CLI.
//!
//! ```toml
//! [kinds]                          # glob → policy kind
//! "scps/**/*.json" = "scp"
//! "boundaries/*.json" = "permissions-boundary"
//!
//! [rules]                          # per rule (code or name): off | on | error | warning | info | hint
//! "deny-not-action" = "off"
//!
//! [[ignore]]                       # silence one rule for one statement (sid) and/or some files (path)
//! rule = "deny-not-action"
//! sid = "AllowLegacy"
//! path = "legacy/*.json"
//!
//! [aws]                            # profile and endpoint_url: editor settings only (see below)
//! region = "eu-central-1"
//! timeout_seconds = 15
//!
//! [[groups]]                       # the policies that apply to one principal (cross-file checks)
//! name = "dev-role"
//! identity = ["roles/dev/*.json"]
//! boundary = "boundaries/dev.json"
//! scps = ["scps/*.json"]
//!
//! [vpc_endpoint]                   # what requests through the VPC endpoints must still reach
//! required_resources = ["arn:aws:s3:::prod-eu-central-1-starport-layer-bucket/*"]
//! ```
//!
//! # Precedence
//!
//! The LSP settings are a second layer over the file ([`Config::merge`]); **LSP settings override
//! the file**:
//!
//! - `kinds`: a matching settings pattern wins over any file pattern. Within one layer the most
//!   specific matching pattern wins (the one with the most non-wildcard characters, see
//!   [`Glob::specificity`]); on a tie, the one written first.
//! - `rules`: a rule set in the settings replaces the file's level for that rule.
//! - `ignore`: both layers apply (the union).
//! - `aws`: field by field, a value in the settings replaces the file's. `profile` and
//!   `endpoint_url` are taken **only** from the settings: in the file they are ignored with a
//!   warning ([`Config::warnings`]), because a repository must not choose the credentials that
//!   sign AWS requests or where they are sent. `http://` endpoints are refused except for a
//!   loopback host ([`check_endpoint_url`]).
//! - `groups`: a settings group replaces the file's group of the same name; others add up.
//! - `vpc_endpoint.required_resources`: a list in the settings replaces the file's.
//!
//! Calling [`Config::merge`] again replaces the previous settings layer (the file layer stays).
//!
//! # Names
//!
//! Kind names are kebab-case ([`PolicyKind::name`]) with aliases ([`PolicyKind::from_name`]).
//! Rule ids (codes or names) are compared ignoring ASCII case and treating `_` as `-`, so
//! `"DATA_TYPE_MISMATCH"` and `"data-type-mismatch"` are the same id.
//!
//! # Errors
//!
//! In the file, unknown keys, unknown kind names, unknown levels, bad globs and wrong types are
//! errors with a line and column and the list of what is accepted. In the settings the same
//! checks apply, located by JSON path, except that unknown keys at the top level are left alone
//! (the editor client keeps its own settings there) and `null` means "not set".

mod glob;
mod raw;

pub use glob::{Glob, GlobError};

use crate::policy::PolicyKind;
use raw::{Loc, Raw, RawKey, RawNode};
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// The project file's name, looked for at the workspace root.
pub const FILE_NAME: &str = "iam-ls.toml";

/// The largest `iam-ls.toml` read (a configuration is a few KiB; this only stops a file that
/// never ends, such as a link to `/dev/zero`).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// Reads a configuration file with [`crate::fs_guard`]: `Ok(None)` when it does not exist, an
/// error naming the file when it is not a regular file (inside `root`, when given), is larger
/// than [`MAX_FILE_BYTES`], or is not UTF-8.
pub fn read_file(root: Option<&Path>, path: &Path) -> Result<Option<String>, String> {
    use crate::fs_guard::{self, GuardError};
    let read = match root {
        Some(root) => fs_guard::read_in_root(root, path, MAX_FILE_BYTES),
        None => fs_guard::read(path, MAX_FILE_BYTES),
    };
    match read {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("{}: not valid UTF-8, not read", path.display())),
        Err(GuardError::NotFound) => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Highest accepted `aws.timeout_seconds`.
pub const MAX_TIMEOUT_SECONDS: i64 = 3_600;

/// Where a configuration value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// In `iam-ls.toml`: 1-based line and column (in characters) and the byte range.
    File {
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Byte range in the file.
        span: Range<usize>,
    },
    /// In the LSP settings, as a JSON path such as `iamLs.kinds["scps/*.json"]`.
    Settings {
        /// The JSON path.
        path: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File { line, column, .. } => write!(f, "{FILE_NAME}:{line}:{column}"),
            Location::Settings { path } => write!(f, "settings {path}"),
        }
    }
}

/// A configuration problem: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong, and what would be accepted.
    pub message: String,
    /// Where; `None` only for a problem that is not tied to a place (an unreadable file).
    pub location: Option<Location>,
}

impl ConfigError {
    /// The 1-based line, for errors in the file.
    pub fn line(&self) -> Option<usize> {
        match &self.location {
            Some(Location::File { line, .. }) => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column, for errors in the file.
    pub fn column(&self) -> Option<usize> {
        match &self.location {
            Some(Location::File { column, .. }) => Some(*column),
            _ => None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Which layer an entry came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// `iam-ls.toml`.
    File,
    /// The LSP settings.
    Settings,
}

/// How a rule is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleLevel {
    /// Not run / not reported.
    Off,
    /// Reported at the rule's own default severity (undoes an `off` from a lower layer).
    On,
    /// Reported as an error.
    Error,
    /// Reported as a warning.
    Warning,
    /// Reported as information.
    Info,
    /// Reported as a hint.
    Hint,
}

impl RuleLevel {
    /// The accepted level names, for messages.
    pub const NAMES: &'static str = "off, on, error, warning, info, hint";

    /// Parse a level name (ASCII case ignored; `warn`, `information`, `default` also accepted).
    pub fn from_name(s: &str) -> Option<RuleLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "disabled" => Some(RuleLevel::Off),
            "on" | "default" | "enabled" => Some(RuleLevel::On),
            "error" => Some(RuleLevel::Error),
            "warning" | "warn" => Some(RuleLevel::Warning),
            "info" | "information" => Some(RuleLevel::Info),
            "hint" => Some(RuleLevel::Hint),
            _ => None,
        }
    }
}

/// A `[kinds]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct KindRule {
    /// The pattern.
    pub glob: Glob,
    /// The kind for files that match.
    pub kind: PolicyKind,
    /// Where it was written.
    pub location: Location,
}

/// A `[rules]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSetting {
    /// The rule id as written.
    pub rule: String,
    /// The level.
    pub level: RuleLevel,
    /// Where it was written (the key).
    pub location: Location,
}

/// An `[[ignore]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Ignore {
    /// The rule id as written, or `*` for every rule.
    pub rule: String,
    /// Only statements with this exact `Sid` (all statements when absent).
    pub sid: Option<String>,
    /// Only files matching this pattern (all files when absent).
    pub path: Option<Glob>,
    /// Where the entry was written.
    pub location: Location,
}

/// The `[aws]` table.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AwsSettings {
    /// The named profile for credentials.
    pub profile: Option<String>,
    /// The region for STS/IAM calls.
    pub region: Option<String>,
    /// Timeout for one AWS call, in seconds (1 to [`MAX_TIMEOUT_SECONDS`]).
    pub timeout_seconds: Option<u64>,
    /// An endpoint URL for the STS and IAM calls (a VPC endpoint, a proxy, a test stub);
    /// `AWS_ENDPOINT_URL` applies when unset.
    pub endpoint_url: Option<String>,
}

/// A `[[groups]]` entry: the policies that apply to one principal.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// A unique name.
    pub name: String,
    /// Identity policies attached to the principal.
    pub identity: Vec<Glob>,
    /// Its permissions boundary.
    pub boundary: Option<Glob>,
    /// SCPs on its account's path in the organization.
    pub scps: Vec<Glob>,
    /// RCPs on the resources' accounts.
    pub rcps: Vec<Glob>,
    /// Session policies passed when the role is assumed.
    pub session: Vec<Glob>,
    /// Where the entry was written.
    pub location: Location,
}

impl Group {
    /// Every pattern of the group, whatever role it names.
    pub fn globs(&self) -> impl Iterator<Item = &Glob> + '_ {
        self.identity
            .iter()
            .chain(self.boundary.iter())
            .chain(self.scps.iter())
            .chain(self.rcps.iter())
            .chain(self.session.iter())
    }

    /// The role `path` plays in this group, if any.
    pub fn kind_of(&self, path: &str) -> Option<PolicyKind> {
        if self.identity.iter().any(|g| g.is_match(path)) {
            Some(PolicyKind::Identity)
        } else if self.boundary.as_ref().is_some_and(|g| g.is_match(path)) {
            Some(PolicyKind::PermissionsBoundary)
        } else if self.scps.iter().any(|g| g.is_match(path)) {
            Some(PolicyKind::ServiceControl)
        } else if self.rcps.iter().any(|g| g.is_match(path)) {
            Some(PolicyKind::ResourceControl)
        } else if self.session.iter().any(|g| g.is_match(path)) {
            Some(PolicyKind::Session)
        } else {
            None
        }
    }
}

/// The settings of one source (the file, or the LSP settings).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ConfigLayer {
    /// `[kinds]`, in source order.
    pub kinds: Vec<KindRule>,
    /// `[rules]`, in source order.
    pub rules: Vec<RuleSetting>,
    /// `[[ignore]]`.
    pub ignores: Vec<Ignore>,
    /// `[aws]`.
    pub aws: AwsSettings,
    /// `[[groups]]`.
    pub groups: Vec<Group>,
    /// `[vpc_endpoint] required_resources`: ARNs (wildcards allowed) that requests through the
    /// VPC endpoints must reach; `None` when not set.
    pub vpc_endpoint_resources: Option<Vec<String>>,
    /// Entries written in `iam-ls.toml` that a repository may not set (see
    /// [`USER_ONLY_AWS_KEYS`]), ignored: warnings to show, located on the key.
    pub refused: Vec<ConfigError>,
}

impl ConfigLayer {
    fn best_kind(&self, path: &str) -> Option<&KindRule> {
        let mut best: Option<&KindRule> = None;
        for k in &self.kinds {
            if k.glob.is_match(path)
                && best.is_none_or(|b| k.glob.specificity() > b.glob.specificity())
            {
                best = Some(k);
            }
        }
        best
    }

    fn rule_level(&self, id: &str) -> Option<RuleLevel> {
        // The last entry for an id wins within a layer (JSON objects cannot repeat keys; TOML
        // rejects repeated keys, but `DATA_TYPE_MISMATCH` and `data-type-mismatch` are two keys).
        self.rules
            .iter()
            .rev()
            .find(|r| same_rule(&r.rule, id))
            .map(|r| r.level)
    }
}

/// Normalize a rule id: ASCII lowercase, `_` → `-`, trimmed.
pub fn normalize_rule_id(id: &str) -> String {
    id.trim()
        .chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn same_rule(a: &str, b: &str) -> bool {
    let a = a.trim();
    let b = b.trim();
    a.len() == b.len()
        && a.chars().zip(b.chars()).all(|(x, y)| {
            let x = if x == '_' {
                '-'
            } else {
                x.to_ascii_lowercase()
            };
            let y = if y == '_' {
                '-'
            } else {
                y.to_ascii_lowercase()
            };
            x == y
        })
}

/// The whole configuration: the file layer and the LSP settings layer on top.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    /// From `iam-ls.toml`.
    pub file: ConfigLayer,
    /// From the LSP settings (empty until [`Config::merge`]).
    pub settings: ConfigLayer,
}

impl Config {
    /// Parse `iam-ls.toml` text. The first problem (in document order) is the error; use
    /// [`Config::from_toml_str_lenient`] to get every problem and the valid rest.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let (config, mut errors) = Config::from_toml_str_lenient(text);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// Parse `iam-ls.toml` text, keeping every valid entry and listing every problem in document
    /// order (for the server, which shows the problems and goes on with the rest).
    pub fn from_toml_str_lenient(text: &str) -> (Config, Vec<ConfigError>) {
        let (doc, parse_errors) = toml::de::DeTable::parse_recoverable(text);
        let mut v = Validator {
            source: Some(text),
            errors: Vec::new(),
        };
        for e in &parse_errors {
            let location = e.span().map(|s| v.toml_location(&s));
            v.errors.push(ConfigError {
                message: format!("TOML syntax: {}", e.message().trim_end()),
                location,
            });
        }
        let entries = raw::toml_table(doc.get_ref());
        let layer = v.layer(&entries, false);
        let mut errors = v.errors;
        errors.sort_by_key(|e| match &e.location {
            Some(Location::File { span, .. }) => span.start,
            _ => usize::MAX,
        });
        (
            Config {
                file: layer,
                settings: ConfigLayer::default(),
            },
            errors,
        )
    }

    /// Read `iam-ls.toml` from the workspace root `dir`. `Ok(None)` when there is no such file.
    /// The file is read through [`crate::fs_guard`]: it must be a regular file inside `dir`
    /// (after resolving links) of at most [`MAX_FILE_BYTES`].
    pub fn load(dir: &Path) -> Result<Option<Config>, ConfigError> {
        match read_file(Some(dir), &dir.join(FILE_NAME)) {
            Ok(Some(text)) => Config::from_toml_str(&text).map(Some),
            Ok(None) => Ok(None),
            Err(message) => Err(ConfigError {
                message,
                location: None,
            }),
        }
    }

    /// What was ignored in `iam-ls.toml` because only the user may set it (warnings, with the
    /// key's location).
    pub fn warnings(&self) -> &[ConfigError] {
        &self.file.refused
    }

    /// Put the LSP settings on top of the file (replacing settings merged before). `settings` is
    /// either the `iamLs` section itself or an object holding it under `"iamLs"`; `null` clears
    /// the settings layer. Valid entries are applied even when others are wrong; the problems are
    /// returned.
    pub fn merge(&mut self, settings: &serde_json::Value) -> Vec<ConfigError> {
        let section = settings.get("iamLs").unwrap_or(settings);
        let mut v = Validator {
            source: None,
            errors: Vec::new(),
        };
        let root = raw::from_json(section, "iamLs");
        self.settings = match &root.value {
            Raw::Null => ConfigLayer::default(),
            Raw::Table(entries) => v.layer(entries, true),
            _ => {
                v.error(
                    &root.loc,
                    format!("the settings must be an object, not {}", root.type_name()),
                );
                ConfigLayer::default()
            }
        };
        v.errors
    }

    /// The kind configured for the workspace-relative `path`, with the entry that set it.
    pub fn kind_match(&self, path: &str) -> Option<&KindRule> {
        self.settings
            .best_kind(path)
            .or_else(|| self.file.best_kind(path))
    }

    /// The kind configured for the workspace-relative `path` (`\` or `/` separators).
    pub fn kind_for_path(&self, path: &str) -> Option<PolicyKind> {
        self.kind_match(path).map(|k| k.kind)
    }

    /// The configured level of a rule, by code or name; `None` when not configured (use the
    /// rule's default). Call it with the code and with the name when a rule has both, or use
    /// [`Config::rule_level_for`].
    pub fn rule_level(&self, code_or_name: &str) -> Option<RuleLevel> {
        self.settings
            .rule_level(code_or_name)
            .or_else(|| self.file.rule_level(code_or_name))
    }

    /// The configured level of a rule known by `code` and `name`. The settings layer beats the
    /// file; within a layer, an entry by name beats one by code.
    pub fn rule_level_for(&self, code: &str, name: &str) -> Option<RuleLevel> {
        for layer in [&self.settings, &self.file] {
            if let Some(l) = layer.rule_level(name).or_else(|| layer.rule_level(code)) {
                return Some(l);
            }
        }
        None
    }

    /// True when an `[[ignore]]` entry silences `rule` (code or name) for the statement with
    /// `sid` in the file at workspace-relative `path`. Entries with a `sid` never match a
    /// statement without one; entries with a `path` never match when `path` is `None`.
    pub fn is_ignored(&self, rule: &str, sid: Option<&str>, path: Option<&str>) -> bool {
        self.settings
            .ignores
            .iter()
            .chain(&self.file.ignores)
            .any(|ig| {
                (ig.rule.trim() == "*" || same_rule(&ig.rule, rule))
                    && ig.sid.as_deref().is_none_or(|s| sid == Some(s))
                    && ig
                        .path
                        .as_ref()
                        .is_none_or(|g| path.is_some_and(|p| g.is_match(p)))
            })
    }

    /// [`Config::is_ignored`] for a rule known by `code` and `name`.
    pub fn is_ignored_for(
        &self,
        code: &str,
        name: &str,
        sid: Option<&str>,
        path: Option<&str>,
    ) -> bool {
        self.is_ignored(code, sid, path) || self.is_ignored(name, sid, path)
    }

    /// The effective `[aws]` settings (settings layer field by field over the file; `profile`
    /// and `endpoint_url` from the settings only).
    pub fn aws(&self) -> AwsSettings {
        let (s, f) = (&self.settings.aws, &self.file.aws);
        AwsSettings {
            // The user's only (USER_ONLY_AWS_KEYS): never the file's, even if set there.
            profile: s.profile.clone(),
            region: s.region.clone().or_else(|| f.region.clone()),
            timeout_seconds: s.timeout_seconds.or(f.timeout_seconds),
            endpoint_url: s.endpoint_url.clone(),
        }
    }

    /// The effective groups: the settings' groups, then the file's groups whose name the
    /// settings do not redefine.
    pub fn groups(&self) -> impl Iterator<Item = &Group> + '_ {
        self.settings.groups.iter().chain(
            self.file
                .groups
                .iter()
                .filter(|g| !self.settings.groups.iter().any(|s| s.name == g.name)),
        )
    }

    /// The resources that requests through the VPC endpoints must reach (`[vpc_endpoint]
    /// required_resources`; the settings' list replaces the file's). Empty when not set.
    pub fn vpc_endpoint_resources(&self) -> &[String] {
        self.settings
            .vpc_endpoint_resources
            .as_deref()
            .or(self.file.vpc_endpoint_resources.as_deref())
            .unwrap_or_default()
    }

    /// The first effective group that names `path`, with the role it gives the file there.
    pub fn group_role(&self, path: &str) -> Option<(&Group, PolicyKind)> {
        self.groups()
            .find_map(|g| g.kind_of(path).map(|kind| (g, kind)))
    }

    /// Rule ids in `[rules]` and `[[ignore]]` that `is_known` does not recognise, as errors to
    /// show (the rule registry lives above this layer, so it is passed in).
    pub fn unknown_rules(&self, is_known: impl Fn(&str) -> bool) -> Vec<ConfigError> {
        let mut out = Vec::new();
        for layer in [&self.file, &self.settings] {
            for r in &layer.rules {
                if !is_known(&r.rule) {
                    out.push(ConfigError {
                        message: format!("unknown rule `{}` (see `iam-ls rules`)", r.rule),
                        location: Some(r.location.clone()),
                    });
                }
            }
            for ig in &layer.ignores {
                if ig.rule.trim() != "*" && !is_known(&ig.rule) {
                    out.push(ConfigError {
                        message: format!("unknown rule `{}` (see `iam-ls rules`)", ig.rule),
                        location: Some(ig.location.clone()),
                    });
                }
            }
        }
        out
    }
}

/// Turns a raw tree into a [`ConfigLayer`], collecting errors.
struct Validator<'s> {
    /// The TOML text, for line/column (None for settings JSON).
    source: Option<&'s str>,
    errors: Vec<ConfigError>,
}

const TOP_KEYS: &str = "kinds, rules, ignore, aws, groups, vpc_endpoint";
const VPC_ENDPOINT_KEYS: &str = "required_resources";
const IGNORE_KEYS: &str = "rule, sid, path";
const AWS_KEYS: &str = "profile, region, timeout_seconds, endpoint_url";
const GROUP_KEYS: &str = "name, identity, boundary, scps, rcps, session";

impl Validator<'_> {
    fn toml_location(&self, span: &Range<usize>) -> Location {
        let src = self.source.unwrap_or("");
        let mut line = 1;
        let mut column = 1;
        for (i, c) in src.char_indices() {
            if i >= span.start {
                break;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        Location::File {
            line,
            column,
            span: span.clone(),
        }
    }

    fn location(&self, loc: &Loc) -> Location {
        match loc {
            Loc::Toml(span) => self.toml_location(span),
            Loc::Json(path) => Location::Settings { path: path.clone() },
        }
    }

    fn error(&mut self, loc: &Loc, message: String) {
        let location = Some(self.location(loc));
        self.errors.push(ConfigError { message, location });
    }

    fn wrong_type(&mut self, node: &RawNode, what: &str, expected: &str) {
        self.error(
            &node.loc,
            format!("{what} must be {expected}, not {}", node.type_name()),
        );
    }

    fn unknown_key(&mut self, key: &RawKey, place: &str, accepted: &str) {
        self.error(
            &key.loc,
            format!("unknown key `{}` {place}; accepted: {accepted}", key.name),
        );
    }

    fn layer(&mut self, entries: &[(RawKey, RawNode)], settings: bool) -> ConfigLayer {
        let mut layer = ConfigLayer::default();
        for (key, node) in entries {
            if matches!(node.value, Raw::Null) {
                continue;
            }
            match key.name.as_str() {
                "kinds" => self.kinds(node, &mut layer.kinds),
                "rules" => self.rules(node, &mut layer.rules),
                "ignore" => self.ignores(node, settings, &mut layer.ignores),
                "aws" => self.aws(node, settings, &mut layer),
                "groups" => self.groups(node, settings, &mut layer.groups),
                "vpc_endpoint" | "vpcEndpoint" => {
                    self.vpc_endpoint(node, &mut layer.vpc_endpoint_resources)
                }
                _ if settings => {}
                _ => self.unknown_key(key, "at the top level", TOP_KEYS),
            }
        }
        layer
    }

    fn table<'n>(&mut self, node: &'n RawNode, what: &str) -> Option<&'n [(RawKey, RawNode)]> {
        match &node.value {
            Raw::Table(t) => Some(t),
            _ => {
                let expected = if matches!(node.loc, Loc::Toml(_)) {
                    "a table"
                } else {
                    "an object"
                };
                self.wrong_type(node, what, expected);
                None
            }
        }
    }

    fn string(&mut self, node: &RawNode, what: &str) -> Option<String> {
        match &node.value {
            Raw::Str(s) if s.trim().is_empty() => {
                self.error(&node.loc, format!("{what} must not be empty"));
                None
            }
            Raw::Str(s) => Some(s.clone()),
            _ => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    fn glob(&mut self, loc: &Loc, pattern: &str) -> Option<Glob> {
        match Glob::new(pattern) {
            Ok(g) => Some(g),
            Err(e) => {
                self.error(loc, format!("invalid glob pattern `{pattern}`: {e}"));
                None
            }
        }
    }

    fn glob_value(&mut self, node: &RawNode, what: &str) -> Option<Glob> {
        let s = self.string(node, what)?;
        self.glob(&node.loc, &s)
    }

    /// A glob or an array of globs.
    fn glob_list(&mut self, node: &RawNode, what: &str) -> Vec<Glob> {
        match &node.value {
            Raw::Array(items) => items
                .iter()
                .filter_map(|i| self.glob_value(i, what))
                .collect(),
            Raw::Str(_) => self.glob_value(node, what).into_iter().collect(),
            _ => {
                self.wrong_type(node, what, "a glob string or an array of them");
                Vec::new()
            }
        }
    }

    /// An array of tables (`[[name]]` in TOML, an array of objects in JSON).
    fn table_array<'n>(
        &mut self,
        node: &'n RawNode,
        name: &str,
        settings: bool,
    ) -> Vec<&'n [(RawKey, RawNode)]> {
        let Raw::Array(items) = &node.value else {
            let expected = if settings {
                "an array of objects".to_owned()
            } else {
                format!("an array of tables, written [[{name}]]")
            };
            self.wrong_type(node, &format!("`{name}`"), &expected);
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| self.table(i, &format!("each `{name}` entry")))
            .collect()
    }

    fn kinds(&mut self, node: &RawNode, out: &mut Vec<KindRule>) {
        let Some(entries) = self.table(node, "`kinds`") else {
            return;
        };
        for (key, value) in entries {
            if matches!(value.value, Raw::Null) {
                continue;
            }
            let glob = self.glob(&key.loc, &key.name);
            let Raw::Str(name) = &value.value else {
                self.wrong_type(
                    value,
                    &format!("the kind for `{}`", key.name),
                    "a kind name string",
                );
                continue;
            };
            let Some(kind) = PolicyKind::from_name(name) else {
                self.error(
                    &value.loc,
                    format!(
                        "unknown policy kind `{name}`; accepted: {} (aliases such as trust, \
                         boundary, service-control-policy, kms also work)",
                        PolicyKind::accepted_names()
                    ),
                );
                continue;
            };
            if let Some(glob) = glob {
                let location = self.location(&key.loc);
                out.push(KindRule {
                    glob,
                    kind,
                    location,
                });
            }
        }
    }

    fn rules(&mut self, node: &RawNode, out: &mut Vec<RuleSetting>) {
        let Some(entries) = self.table(node, "`rules`") else {
            return;
        };
        for (key, value) in entries {
            if key.name.trim().is_empty() {
                self.error(&key.loc, "a rule id must not be empty".to_owned());
                continue;
            }
            let level = match &value.value {
                Raw::Null => continue,
                Raw::Bool(true) => Some(RuleLevel::On),
                Raw::Bool(false) => Some(RuleLevel::Off),
                Raw::Str(s) => {
                    let l = RuleLevel::from_name(s);
                    if l.is_none() {
                        self.error(
                            &value.loc,
                            format!(
                                "unknown level `{s}` for rule `{}`; accepted: {}",
                                key.name,
                                RuleLevel::NAMES
                            ),
                        );
                    }
                    l
                }
                _ => {
                    self.wrong_type(
                        value,
                        &format!("the level of rule `{}`", key.name),
                        &format!("a string ({}) or a boolean", RuleLevel::NAMES),
                    );
                    None
                }
            };
            if let Some(level) = level {
                let location = self.location(&key.loc);
                out.push(RuleSetting {
                    rule: key.name.clone(),
                    level,
                    location,
                });
            }
        }
    }

    fn ignores(&mut self, node: &RawNode, settings: bool, out: &mut Vec<Ignore>) {
        for entries in self.table_array(node, "ignore", settings) {
            let mut rule = None;
            let mut sid = None;
            let mut path = None;
            let mut bad = false;
            for (key, value) in entries {
                if matches!(value.value, Raw::Null) {
                    continue;
                }
                match key.name.as_str() {
                    "rule" => {
                        rule = self.string(value, "`ignore.rule`");
                        bad |= rule.is_none();
                    }
                    "sid" => match &value.value {
                        // An empty Sid is a legal (if odd) Sid value, so it is accepted here.
                        Raw::Str(s) => sid = Some(s.clone()),
                        _ => {
                            self.wrong_type(value, "`ignore.sid`", "a string");
                            bad = true;
                        }
                    },
                    "path" => {
                        path = self.glob_value(value, "`ignore.path`");
                        bad |= path.is_none();
                    }
                    _ => {
                        self.unknown_key(key, "in an `ignore` entry", IGNORE_KEYS);
                        bad = true;
                    }
                }
            }
            let loc = &node.loc;
            let entry_loc = entries.first().map(|(k, _)| &k.loc).unwrap_or(loc);
            if bad {
                continue;
            }
            let Some(rule) = rule else {
                self.error(
                    entry_loc,
                    "an `ignore` entry needs `rule` (a rule code or name, or \"*\")".to_owned(),
                );
                continue;
            };
            if sid.is_none() && path.is_none() {
                self.error(
                    entry_loc,
                    format!(
                        "an `ignore` entry for `{rule}` needs `sid`, `path` or both; to turn a \
                         rule off everywhere, set it to \"off\" under `rules`"
                    ),
                );
                continue;
            }
            let location = self.location(entry_loc);
            out.push(Ignore {
                rule,
                sid,
                path,
                location,
            });
        }
    }

    fn vpc_endpoint(&mut self, node: &RawNode, out: &mut Option<Vec<String>>) {
        let Some(entries) = self.table(node, "`vpc_endpoint`") else {
            return;
        };
        for (key, value) in entries {
            if matches!(value.value, Raw::Null) {
                continue;
            }
            match key.name.as_str() {
                "required_resources" | "requiredResources" => {
                    let what = "`vpc_endpoint.required_resources`";
                    let Raw::Array(items) = &value.value else {
                        self.wrong_type(value, what, "an array of ARNs");
                        continue;
                    };
                    let mut arns = Vec::new();
                    for item in items {
                        let Some(arn) = self.string(item, what) else {
                            continue;
                        };
                        if arn.starts_with("arn:") && arn.split(':').count() >= 6 {
                            arns.push(arn);
                        } else {
                            self.error(
                                &item.loc,
                                format!(
                                    "{what}: `{arn}` is not an ARN (arn:partition:service:region:account:resource)"
                                ),
                            );
                        }
                    }
                    *out = Some(arns);
                }
                _ => self.unknown_key(key, "in `vpc_endpoint`", VPC_ENDPOINT_KEYS),
            }
        }
    }

    fn aws(&mut self, node: &RawNode, settings: bool, layer: &mut ConfigLayer) {
        let Some(entries) = self.table(node, "`aws`") else {
            return;
        };
        let out = &mut layer.aws;
        for (key, value) in entries {
            if matches!(value.value, Raw::Null) {
                continue;
            }
            if !settings && USER_ONLY_AWS_KEYS.contains(&key.name.as_str()) {
                // Which credentials sign AWS requests and where they go is the user's decision:
                // a repository's file does not get to make it.
                let location = Some(self.location(&key.loc));
                layer.refused.push(ConfigError {
                    message: format!(
                        "`aws.{}` is ignored in {FILE_NAME}: which credentials are used and \
                         where AWS requests go is set only in your editor's settings, the \
                         environment (AWS_PROFILE, AWS_ENDPOINT_URL) or command-line flags",
                        key.name
                    ),
                    location,
                });
                continue;
            }
            match key.name.as_str() {
                "profile" => out.profile = self.string(value, "`aws.profile`"),
                "region" => {
                    if let Some(r) = self.string(value, "`aws.region`") {
                        if is_region_like(&r) {
                            out.region = Some(r);
                        } else {
                            self.error(
                                &value.loc,
                                format!(
                                    "`aws.region` `{r}` does not look like a region name such \
                                     as eu-central-1"
                                ),
                            );
                        }
                    }
                }
                "timeout_seconds" | "timeoutSeconds" => match value.value {
                    Raw::Int(n) if (1..=MAX_TIMEOUT_SECONDS).contains(&n) => {
                        out.timeout_seconds = u64::try_from(n).ok();
                    }
                    Raw::Int(n) => self.error(
                        &value.loc,
                        format!(
                            "`aws.timeout_seconds` must be between 1 and {MAX_TIMEOUT_SECONDS}, \
                             not {n}"
                        ),
                    ),
                    _ => self.wrong_type(value, "`aws.timeout_seconds`", "a whole number"),
                },
                "endpoint_url" | "endpointUrl" => {
                    if let Some(url) = self.string(value, "`aws.endpoint_url`") {
                        match check_endpoint_url(&url) {
                            Ok(()) => out.endpoint_url = Some(url),
                            Err(e) => self.error(&value.loc, format!("`aws.endpoint_url` {e}")),
                        }
                    }
                }
                _ => self.unknown_key(key, "in `aws`", AWS_KEYS),
            }
        }
    }

    fn groups(&mut self, node: &RawNode, settings: bool, out: &mut Vec<Group>) {
        for entries in self.table_array(node, "groups", settings) {
            let entry_loc = entries
                .first()
                .map(|(k, _)| k.loc.clone())
                .unwrap_or_else(|| node.loc.clone());
            let mut name: Option<(String, Loc)> = None;
            let mut group = Group {
                name: String::new(),
                identity: Vec::new(),
                boundary: None,
                scps: Vec::new(),
                rcps: Vec::new(),
                session: Vec::new(),
                location: self.location(&entry_loc),
            };
            for (key, value) in entries {
                if matches!(value.value, Raw::Null) {
                    continue;
                }
                match key.name.as_str() {
                    "name" => {
                        name = self
                            .string(value, "`groups.name`")
                            .map(|n| (n, value.loc.clone()))
                    }
                    "identity" => group.identity = self.glob_list(value, "`groups.identity`"),
                    "boundary" => group.boundary = self.glob_value(value, "`groups.boundary`"),
                    "scps" => group.scps = self.glob_list(value, "`groups.scps`"),
                    "rcps" => group.rcps = self.glob_list(value, "`groups.rcps`"),
                    "session" => group.session = self.glob_list(value, "`groups.session`"),
                    _ => self.unknown_key(key, "in a `groups` entry", GROUP_KEYS),
                }
            }
            let Some((n, name_loc)) = name else {
                self.error(&entry_loc, "a `groups` entry needs a `name`".to_owned());
                continue;
            };
            if out.iter().any(|g| g.name == n) {
                self.error(&name_loc, format!("the group name `{n}` is used twice"));
                continue;
            }
            group.name = n;
            out.push(group);
        }
    }
}

/// The `[aws]` keys only the user sets (editor settings, environment, flags), never
/// `iam-ls.toml`: they choose the credentials (`profile`) or where signed requests go
/// (`endpoint_url`). `region` and `timeout_seconds` stay allowed in the file: a region only
/// picks among AWS's own endpoints, and a timeout sends nothing anywhere.
pub const USER_ONLY_AWS_KEYS: &[&str] = &["profile", "endpoint_url", "endpointUrl"];

/// Checks an AWS endpoint URL: `https://` anywhere, `http://` only for a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`), since plain HTTP would show the signed request and
/// its session token to anyone on the way.
pub fn check_endpoint_url(url: &str) -> Result<(), String> {
    let lower = url.trim().to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        if host_of(rest).is_empty() {
            return Err(format!("`{url}` names no host"));
        }
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("http://") {
        let host = host_of(rest);
        if is_loopback_host(host) {
            return Ok(());
        }
        return Err(format!(
            "`{url}`: http:// is accepted only for a loopback host (localhost, 127.0.0.1, [::1]); \
             use https://"
        ));
    }
    Err(format!(
        "`{url}` must start with https:// (or http:// for a loopback host)"
    ))
}

/// The host of the part of a URL after `scheme://`: up to the path, without user info and
/// port; an IPv6 literal keeps its brackets.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    if host_port.starts_with('[') {
        return match host_port.find(']') {
            Some(end) => &host_port[..=end],
            None => host_port,
        };
    }
    host_port.split(':').next().unwrap_or("")
}

fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Loose region shape: lowercase letters, digits and dashes, with at least one dash and a digit
/// at the end (`eu-central-1`, `us-gov-west-1`, `cn-north-1`).
fn is_region_like(r: &str) -> bool {
    r.contains('-')
        && r.ends_with(|c: char| c.is_ascii_digit())
        && r.starts_with(|c: char| c.is_ascii_lowercase())
        && r.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !r.contains("--")
}

#[cfg(test)]
mod tests;
