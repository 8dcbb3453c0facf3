//! Policies embedded in infrastructure code: CloudFormation and SAM templates (YAML and JSON)
//! and Terraform files (`jsonencode` and heredoc JSON, see [`hcl`]).
//!
//! [`analyze`] recognises a template, finds every policy document by resource type and property
//! ([`cfn`]), renders each as JSON with a map back to the host bytes ([`render`]), and analyses
//! it as a standalone policy of the kind its place gives it: the rules and the IDE features run
//! unchanged on the rendered JSON, and [`Host::findings`] maps their spans back into the
//! template. Nothing here knows LSP.
//!
//! Quick fixes are kept only when every edit falls inside one host scalar that maps byte for
//! byte and inserts plain text (an action name, a key, an operator), or when the fix removes one
//! list item or mapping entry and [`fixes`] can write that removal in the host syntax (checked
//! by rendering the edited template): other edits would write JSON syntax into YAML, so those
//! fixes are dropped rather than offered wrong.

pub mod cfn;
pub mod fixes;
pub mod hcl;
pub mod json_string;
pub mod render;
pub mod value;
pub mod yaml;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::document::{Env, Snapshot};
use crate::policy::PolicyKind;
use crate::rules::{Finding, Fix};
use crate::syntax::{self, Span};
use render::{Rendered, SpanMap};
use value::Value;

/// The syntax a template is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    CloudFormationYaml,
    CloudFormationJson,
    Terraform,
}

impl Format {
    /// How the format is named in messages.
    pub fn title(self) -> &'static str {
        match self {
            Format::CloudFormationYaml => "CloudFormation template (YAML)",
            Format::CloudFormationJson => "CloudFormation template (JSON)",
            Format::Terraform => "Terraform file",
        }
    }
}

/// One policy found in a host document, analysed as a standalone policy.
#[derive(Debug)]
pub struct Embedded {
    pub kind: PolicyKind,
    /// Where it sits (`Resources.Role.Properties.AssumeRolePolicyDocument`).
    pub label: String,
    /// The policy value's span in the host text.
    pub span: Span,
    /// The rendered JSON and its map.
    pub map: SpanMap,
    /// The rendered JSON analysed as a policy of `kind` (shared with the snapshots of earlier
    /// versions whose policy rendered to the same JSON, see [`analysed`]).
    pub snapshot: Arc<Snapshot>,
    /// For a policy written as JSON text (a CloudFormation JSON string, a Terraform heredoc or
    /// quoted string): its JSON syntax errors (message, host span), reported as the JSON syntax
    /// rule reports them in a standalone file.
    pub syntax: Vec<(String, Span)>,
}

/// A host document's policies.
#[derive(Debug)]
pub struct Host {
    pub format: Format,
    pub policies: Vec<Embedded>,
}

/// Recognises `text` as a template (from `parse`, its JSON tree when it was parsed as JSON) and
/// finds its policies; `None` when it is not a template.
pub fn analyze(
    text: &str,
    parse: Option<&syntax::Parse>,
    path: Option<&str>,
    env: &Arc<Env>,
) -> Option<Host> {
    let (format, policies) = discover(text, parse, path, |kind, label, value, syntax| {
        let mut e = embed(kind, label, value, path, env);
        e.syntax = syntax;
        e
    })?;
    Some(Host { format, policies })
}

/// The policies of a template whose span touches host offset `at`, rendered as JSON without
/// analysing them: their kind, host span and rendering (for completion and quick-fix checks on
/// an edited copy of the text).
pub fn render_at(
    text: &str,
    parse: Option<&syntax::Parse>,
    path: Option<&str>,
    at: usize,
) -> Vec<(PolicyKind, Span, Rendered)> {
    discover(text, parse, path, |kind, _, value, _| {
        value
            .span
            .touches(at)
            .then(|| (kind, value.span, render::render(value)))
    })
    .map(|(_, all)| all.into_iter().flatten().collect())
    .unwrap_or_default()
}

/// Finds a template's policies and hands each (kind, label, value, JSON syntax errors of a
/// policy written as JSON text) to `each`.
fn discover<R>(
    text: &str,
    parse: Option<&syntax::Parse>,
    path: Option<&str>,
    mut each: impl FnMut(PolicyKind, String, &Value, Vec<(String, Span)>) -> R,
) -> Option<(Format, Vec<R>)> {
    if path.is_some_and(|p| p.ends_with(".tf"))
        || (parse.is_none() && text.contains("resource \"aws_"))
    {
        let found = hcl::policies(text);
        let policies = found
            .into_iter()
            .map(|f| each(f.kind, f.label, &f.value, f.errors))
            .collect();
        return Some((Format::Terraform, policies));
    }
    let (format, root) = match parse {
        Some(p) => (
            Format::CloudFormationJson,
            Value::from_json(p.root.as_ref()?, 0),
        ),
        None => {
            if !may_be_yaml_template(text) {
                return None;
            }
            (Format::CloudFormationYaml, yaml::parse(text)?)
        }
    };
    if !cfn::is_template(&root) {
        return None;
    }
    let policies = cfn::policies(&root)
        .into_iter()
        .map(|found| {
            // A policy written as a JSON string is read through the string's escapes.
            match json_string::policy(text, found.value) {
                Some(parsed) => each(found.kind, found.label, &parsed.value, parsed.errors),
                None => each(found.kind, found.label, found.value, Vec::new()),
            }
        })
        .collect();
    Some((format, policies))
}

/// Renders one policy and analyses it as a standalone policy of `kind`.
fn embed(
    kind: PolicyKind,
    label: String,
    value: &Value,
    path: Option<&str>,
    env: &Arc<Env>,
) -> Embedded {
    let Rendered { json, map } = render::render(value);
    let snapshot = analysed(json, kind, path, env);
    Embedded {
        kind,
        label,
        span: value.span,
        map,
        snapshot,
        syntax: Vec::new(),
    }
}

/// The analysis of rendered policies, shared across versions: a keystroke re-analyses only the
/// policies it changed. Keyed by the JSON, the kind, the path and the environment (the cached
/// snapshot holds the environment, so its address is not reused while the entry lives).
type CacheKey = (String, PolicyKind, Option<String>, usize);

/// At most this many analyses are kept; the cache is emptied when it is full.
const CACHE_ENTRIES: usize = 4096;

fn cache() -> &'static Mutex<HashMap<CacheKey, Arc<Snapshot>>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, Arc<Snapshot>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The snapshot of a rendered policy: from the cache when the same policy was analysed before.
fn analysed(json: String, kind: PolicyKind, path: Option<&str>, env: &Arc<Env>) -> Arc<Snapshot> {
    let key = (
        json,
        kind,
        path.map(str::to_string),
        Arc::as_ptr(env) as usize,
    );
    if let Ok(map) = cache().lock()
        && let Some(s) = map.get(&key)
    {
        return s.clone();
    }
    let snapshot = Arc::new(Snapshot::with_kind(
        key.0.clone(),
        0,
        key.2.clone(),
        env.clone(),
        kind,
    ));
    if let Ok(mut map) = cache().lock() {
        if map.len() >= CACHE_ENTRIES {
            map.clear();
        }
        map.insert(key, snapshot.clone());
    }
    snapshot
}

/// A cheap test before parsing YAML: the text names `AWSTemplateFormatVersion` or has a
/// `Resources:` key and an `AWS::` type.
fn may_be_yaml_template(text: &str) -> bool {
    text.len() <= crate::document::MAX_PARSE_BYTES
        && (text.contains("AWSTemplateFormatVersion")
            || (text.contains("Resources:") && text.contains("AWS::")))
}

/// Characters a kept quick fix may insert into a host scalar.
fn plain_text(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || ":*/-_.?${}@=+,".contains(c))
}

impl Embedded {
    /// The findings of this policy in host coordinates (the host text is `text`, in `format`, at
    /// `path`): those touching an unknown value dropped, fixes kept only when they edit the host
    /// text exactly or remove one list item or entry in the host syntax ([`fixes`]).
    pub fn findings(&self, text: &str, format: Format, path: Option<&str>) -> Vec<Finding> {
        let map = &self.map;
        let mut out = self.syntax_findings();
        let mapped = self
            .snapshot
            .findings()
            .iter()
            .filter(|f| !map.touches_hole(f.span))
            .filter(|f| {
                !(f.rule.category == crate::rules::Category::Variables
                    && map.inside_holed_token(f.span))
            })
            .map(|f| {
                let mut f = f.clone();
                f.span = map.span(f.span);
                f.fixes = f
                    .fixes
                    .iter()
                    .filter_map(|fix| {
                        if let Some(removal) = fixes::removal(
                            text,
                            format,
                            path,
                            (self.snapshot.text(), map, self.span),
                            fix,
                        ) {
                            return Some(removal);
                        }
                        let edits = fix
                            .edits
                            .iter()
                            .map(|e| {
                                let span = map.exact(e.span)?;
                                plain_text(&e.text).then(|| crate::rules::Edit {
                                    span,
                                    text: e.text.clone(),
                                })
                            })
                            .collect::<Option<Vec<_>>>()?;
                        Some(Fix {
                            title: fix.title.clone(),
                            edits,
                        })
                    })
                    .collect();
                if !self.syntax.is_empty() {
                    // The string is not valid JSON: the tree is a guess, so no fix acts on it.
                    f.fixes.clear();
                }
                f
            });
        out.extend(mapped);
        out
    }

    /// The JSON syntax errors of a policy written as JSON text, as findings of the JSON syntax
    /// rule (its level and silencing from the configuration).
    fn syntax_findings(&self) -> Vec<Finding> {
        use crate::config::RuleLevel;
        use crate::rules::Level;
        let rule = &crate::rules::structure::json_syntax::RULE;
        let config = &self.snapshot.env().config;
        let path = self.snapshot.path();
        let level = match config.rule_level_for(rule.code, rule.name) {
            Some(RuleLevel::Off) => return Vec::new(),
            None | Some(RuleLevel::On) => rule.severity.default_level(),
            Some(RuleLevel::Error) => Level::Error,
            Some(RuleLevel::Warning) => Level::Warning,
            Some(RuleLevel::Info) => Level::Information,
            Some(RuleLevel::Hint) => Level::Hint,
        };
        if config.is_ignored_for(rule.code, rule.name, None, path) {
            return Vec::new();
        }
        self.syntax
            .iter()
            .map(|(message, span)| Finding {
                rule,
                level,
                span: *span,
                message: message.clone(),
                statement: None,
                fixes: Vec::new(),
            })
            .collect()
    }
}

impl Host {
    /// Every policy's findings in host coordinates (the host text is `text`, at `path`), sorted
    /// by position.
    pub fn findings(&self, text: &str, path: Option<&str>) -> Vec<Finding> {
        let mut all: Vec<Finding> = self
            .policies
            .iter()
            .flat_map(|p| p.findings(text, self.format, path))
            .collect();
        crate::rules::sort_findings(&mut all);
        all
    }

    /// The embedded policy whose value holds host offset `offset`.
    pub fn at(&self, offset: usize) -> Option<&Embedded> {
        self.policies
            .iter()
            .filter(|p| p.span.touches(offset))
            .min_by_key(|p| p.span.len())
    }
}
