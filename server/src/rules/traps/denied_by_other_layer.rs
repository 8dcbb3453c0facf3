//! ## What it does
//! In an identity policy that belongs to a `[[groups]]` entry of the project file (the policies
//! that apply to one principal), flags an allowed action that another layer of the group takes
//! away again: the permissions boundary, the session policies or the SCPs do not allow it
//! (implicit deny), or a Deny in any of them, in another identity policy of the principal or in
//! an RCP covers it (explicit deny). The finding is on the identity policy's action and names
//! the file, and for a Deny the statement and its condition.
//!
//! The decision is made on actions, with wildcards expanded over the catalog (a cross-service
//! wildcard such as `*` is summed up service by service). Resources and conditions are not
//! guessed: a Deny limited to some resources or by a condition, or an action allowed by the
//! layer only under a condition, is reported as "may be denied" with the resources or the
//! condition spelled out. SCPs are read as one level: an action is implicitly denied only when
//! none of the group's SCPs allows it, and when none of them has an Allow at all the AWS default
//! `FullAWSAccess` is assumed. Session policies are read together in the same way.
//!
//! ## Why it matters
//! A request is allowed only when every layer that applies lets it through: the identity
//! policy must allow it, the permissions boundary and the session policy must allow it too,
//! every SCP level above the account must allow it, and no Deny anywhere may match it. Each
//! file looks right on its own, and the AccessDenied does not say which layer said no (or,
//! since 2026, names a policy ARN the developer cannot open). Seeing the identity policy's
//! Allow flagged with the layer that cancels it saves the hunt through the boundary, the
//! session policy and the organization's SCPs. SCPs do not apply to the management account or
//! to service-linked roles; the group is assumed to describe a principal they apply to.
//!
//! ## Example
//! ```json kind:identity
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": ["iam:CreateRole", "s3:GetObject"], "Resource": "*"}]
//! }
//! ```
//!
//! ```json kind:permissions-boundary path:boundary.json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"}]
//! }
//! ```
//!
//! ## Fix
//! ```json kind:identity
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
//! }
//! ```
//!
//! ```json kind:permissions-boundary path:boundary.json
//! {
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"}]
//! }
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use crate::catalog::{Catalog, Service};
use crate::eval::{
    Decision, EvalPolicy, Names, PolicySet, PolicyType, Principals, Request, evaluate,
};
use crate::policy::{Effect, PolicyKind, PrincipalType, Scalar, Statement, Str};
use crate::rules::traps::{
    ActionScope, all_resources, conditions, has_condition, has_wildcards, label, subsumes,
    truncated_list, wildcard_match,
};
use crate::rules::{Category, Context, Diag, Kinds, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "IAM918",
    name: "denied-by-other-layer",
    category: Category::Traps,
    severity: Severity::Warning,
    kinds: Kinds::Only(&[PolicyKind::Identity]),
    since: "0.1.0",
    sources: &[],
    summary: "An allowed action that the permissions boundary, session policy, an SCP or a Deny elsewhere in the group takes away.",
    check,
};

/// A set of policies that must allow an action (read together), or only deny.
struct Layer<'c> {
    /// How the layer is named when it does not allow an action.
    title: String,
    docs: Vec<&'c Related<'c>>,
    /// True when an action must be allowed by one of `docs` (boundary, sessions, SCPs).
    must_allow: bool,
}

/// How a document is named in messages.
fn doc_title(r: &Related<'_>) -> String {
    match r.kind {
        PolicyKind::PermissionsBoundary => format!("the permissions boundary {}", r.path),
        PolicyKind::ServiceControl => format!("SCP {}", r.path),
        PolicyKind::ResourceControl => format!("RCP {}", r.path),
        PolicyKind::Session => format!("the session policy {}", r.path),
        _ => format!("identity policy {}", r.path),
    }
}

fn layers<'c>(related: &'c [Related<'c>]) -> Vec<Layer<'c>> {
    let mut out = Vec::new();
    let of = |k: PolicyKind| -> Vec<&'c Related<'c>> {
        related.iter().filter(|r| r.kind == k).collect()
    };
    for b in of(PolicyKind::PermissionsBoundary) {
        out.push(Layer {
            title: doc_title(b),
            docs: vec![b],
            must_allow: true,
        });
    }
    for (kind, one, many) in [
        (
            PolicyKind::Session,
            "the session policy",
            "the session policies",
        ),
        (PolicyKind::ServiceControl, "SCP", "the SCPs"),
    ] {
        let docs = of(kind);
        if docs.is_empty() {
            continue;
        }
        let has_allow = docs.iter().any(|d| {
            d.policy
                .statements
                .iter()
                .any(|s| s.effect() == Some(Effect::Allow))
        });
        let paths: Vec<&str> = docs.iter().map(|d| d.path).collect();
        let title = if docs.len() == 1 {
            format!("{one} {}", paths[0])
        } else {
            format!("{many} {}", crate::rules::support::list_words(&paths))
        };
        out.push(Layer {
            title,
            docs,
            // SCP files that only deny rely on the default FullAWSAccess.
            must_allow: kind == PolicyKind::Session || has_allow,
        });
    }
    for kind in [PolicyKind::Identity, PolicyKind::ResourceControl] {
        for d in of(kind) {
            out.push(Layer {
                title: doc_title(d),
                docs: vec![d],
                must_allow: false,
            });
        }
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Diag>) {
    if cx.related.is_empty() {
        return;
    }
    let layers = layers(cx.related);
    let prepared: Vec<Prepared<'_>> = layers.iter().map(prepare).collect();
    for st in &cx.policy.statements {
        if st.effect() != Some(Effect::Allow) {
            continue;
        }
        for a in st.actions() {
            let targets = targets(cx.catalog, a.value);
            if targets.is_empty() {
                continue;
            }
            for (layer, prepared) in layers.iter().zip(&prepared) {
                judge(a, &targets, layer, prepared, st.index, out);
            }
        }
    }
}

/// What an identity `Action` pattern grants, per service: the service, the pattern narrowed
/// to it, and the names of its actions the pattern matches.
#[derive(Clone)]
struct Target {
    service: Service,
    pattern: String,
    actions: Vec<&'static str>,
}

/// The targets of `*`, built once: every action of every service.
static EVERYTHING: LazyLock<Vec<Target>> = LazyLock::new(|| {
    crate::catalog::catalog()
        .services()
        .filter_map(|s| target(s, "*"))
        .collect()
});

fn targets(catalog: &Catalog, pattern: &str) -> Cow<'static, [Target]> {
    let all_stars = |p: &str| !p.is_empty() && p.bytes().all(|b| b == b'*');
    let Some((svc, action)) = pattern.split_once(':') else {
        if all_stars(pattern) {
            return Cow::Borrowed(EVERYTHING.as_slice());
        }
        return Cow::Owned(Vec::new());
    };
    if all_stars(svc) && all_stars(action) {
        return Cow::Borrowed(EVERYTHING.as_slice());
    }
    if has_wildcards(svc) {
        return Cow::Owned(
            catalog
                .services()
                .filter(|s| wildcard_match(svc, s.prefix(), true))
                .filter_map(|s| target(s, action))
                .collect(),
        );
    }
    Cow::Owned(
        catalog
            .service(svc)
            .and_then(|s| target(s, action))
            .into_iter()
            .collect(),
    )
}

fn target(service: Service, action: &str) -> Option<Target> {
    let pattern = format!("{}:{action}", service.prefix());
    let every = !action.is_empty() && action.bytes().all(|b| b == b'*');
    let actions: Vec<&'static str> = service
        .actions()
        .map(|a| a.full_name())
        .filter(|n| every || wildcard_match(&pattern, n, true))
        .collect();
    (!actions.is_empty()).then_some(Target {
        service,
        pattern,
        actions,
    })
}

/// A subset of a target's actions: none, all, or those marked.
#[derive(Clone, Debug)]
enum Cov {
    None,
    All,
    Some(Vec<bool>),
}

impl Cov {
    fn has(&self, i: usize) -> bool {
        match self {
            Cov::None => false,
            Cov::All => true,
            Cov::Some(v) => v.get(i).copied().unwrap_or(false),
        }
    }

    fn count(&self, n: usize) -> usize {
        match self {
            Cov::None => 0,
            Cov::All => n,
            Cov::Some(v) => v.iter().filter(|b| **b).count(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Cov::None => true,
            Cov::All => false,
            Cov::Some(v) => !v.iter().any(|b| *b),
        }
    }

    /// `self ∪ other`.
    fn union(&mut self, other: &Cov, n: usize) {
        match (&mut *self, other) {
            (_, Cov::None) | (Cov::All, _) => {}
            (_, Cov::All) => *self = Cov::All,
            (Cov::None, Cov::Some(o)) => *self = Cov::Some(o.clone()),
            (Cov::Some(v), Cov::Some(o)) => {
                for (a, b) in v.iter_mut().zip(o) {
                    *a |= *b;
                }
                if v.iter().all(|b| *b) && v.len() == n {
                    *self = Cov::All;
                }
            }
        }
    }
}

/// A statement of a layer with its action patterns read once.
struct Scoped<'c> {
    doc: &'c Related<'c>,
    st: &'c Statement<'c>,
    /// The `Action` patterns, or the `NotAction` ones when `not` is set.
    patterns: Vec<&'c str>,
    not: bool,
}

impl<'c> Scoped<'c> {
    fn new(doc: &'c Related<'c>, st: &'c Statement<'c>) -> Option<Scoped<'c>> {
        let (patterns, not) = match ActionScope::of(st)? {
            ActionScope::Only(st) => (st.actions().map(|p| p.value).collect(), false),
            ActionScope::AllBut(st) => (st.not_actions().map(|p| p.value).collect(), true),
        };
        Some(Scoped {
            doc,
            st,
            patterns,
            not,
        })
    }
}

/// The Allow or Deny statements of a layer.
fn statements<'c>(layer: &Layer<'c>, effect: Effect) -> Vec<Scoped<'c>> {
    layer
        .docs
        .iter()
        .flat_map(|doc| {
            doc.policy
                .statements
                .iter()
                .filter(move |s| s.effect() == Some(effect))
                .filter_map(move |s| Scoped::new(doc, s))
        })
        .collect()
}

/// Which of the target's actions the statement applies to.
fn mask(sc: &Scoped<'_>, t: &Target) -> Cov {
    let prefix = t.service.prefix();
    let reaches = |p: &str| match p.split_once(':') {
        Some((svc, _)) => wildcard_match(svc, prefix, true),
        None => !p.is_empty() && p.bytes().all(|b| b == b'*'),
    };
    let n = t.actions.len();
    let marked = |relevant: &[&str], invert: bool| -> Cov {
        let v: Vec<bool> = t
            .actions
            .iter()
            .map(|a| relevant.iter().any(|p| wildcard_match(p, a, true)) != invert)
            .collect();
        match v.iter().filter(|b| **b).count() {
            0 => Cov::None,
            c if c == n => Cov::All,
            _ => Cov::Some(v),
        }
    };
    let relevant: Vec<&str> = sc.patterns.iter().copied().filter(|p| reaches(p)).collect();
    let whole = relevant.iter().any(|p| subsumes(p, &t.pattern, true));
    match (sc.not, relevant.is_empty(), whole) {
        (false, true, _) => Cov::None,
        (false, false, true) => Cov::All,
        (false, false, false) => marked(&relevant, false),
        (true, true, _) => Cov::All,
        (true, false, true) => Cov::None,
        (true, false, false) => marked(&relevant, true),
    }
}

/// What the engine says about one action for one layer.
#[derive(Debug)]
struct Outcome {
    /// Which of the layer's Deny statements (positions in [`Prepared::denies`]) report it:
    /// each applicable Deny, in layer order, up to the first unconditional one.
    deny_hits: Vec<usize>,
    /// An unconditional Deny that covers every resource applies.
    definite: bool,
    /// The layer lets the action through with its unconditional statements (or a definite
    /// Deny already settles it).
    plain: bool,
    /// Some Allow of the layer applies when its conditions are left out.
    loose: bool,
}

/// A layer ready for the engine: the policy sets it is asked through, and its statements.
///
/// The rule decides on actions only (see the module docs), so every statement is evaluated
/// with `Resource: "*"` and, in the loose sets, without its conditions; RCP statements keep
/// `Principal: "*"`. The engine then decides, for one action, whether the layer lets it
/// through: the boundary, the session policies (read together), the SCPs (one level), with the
/// layer alone beside an identity policy that allows everything.
struct Prepared<'c> {
    denies: Vec<Scoped<'c>>,
    allows: Vec<Scoped<'c>>,
    /// Unconditional Allows, and Denies without condition or resource limit.
    strict: PolicySet,
    /// Every Allow, conditions left out.
    loose_allows: PolicySet,
    /// Every Deny, conditions left out.
    loose_denies: PolicySet,
    policy_type: PolicyType,
}

/// The engine's form of a layer document: resources widened, conditions left out unless
/// `keep_conditions`, statements filtered by `keep`.
fn eval_doc(
    doc: &Related<'_>,
    keep: impl Fn(&Statement<'_>) -> bool,
    keep_conditions: bool,
) -> EvalPolicy {
    let mut p = EvalPolicy::from_policy(doc.path, &doc.policy);
    let kept: Vec<usize> = doc
        .policy
        .statements
        .iter()
        .filter(|s| keep(s))
        .map(|s| s.index)
        .collect();
    p.statements.retain(|s| kept.contains(&s.index));
    for s in &mut p.statements {
        s.resource = Names::Any(vec!["*".to_string()]);
        s.principal = if doc.kind == PolicyKind::ResourceControl {
            Principals::Any(vec![(PrincipalType::Aws, "*".to_string())])
        } else {
            Principals::Absent
        };
        if !keep_conditions {
            s.conditions.clear();
        }
    }
    p
}

/// The engine's policy type for a layer's documents.
fn layer_type(layer: &Layer<'_>) -> PolicyType {
    match layer.docs.first().map(|d| d.kind) {
        Some(PolicyKind::PermissionsBoundary) => PolicyType::Boundary,
        Some(PolicyKind::Session) => PolicyType::Session,
        Some(PolicyKind::ServiceControl) => PolicyType::Scp,
        Some(PolicyKind::ResourceControl) => PolicyType::Rcp,
        _ => PolicyType::Identity,
    }
}

/// A policy set with `docs` in the slot of `t`, beside an identity policy that allows
/// everything (so only the layer decides). SCPs that only deny stand on the `FullAWSAccess`
/// AWS attaches by default.
fn layer_set(t: PolicyType, docs: Vec<EvalPolicy>, must_allow: bool) -> PolicySet {
    let mut set = PolicySet {
        identity: vec![EvalPolicy::full_access("(the identity policy)")],
        ..PolicySet::default()
    };
    match t {
        PolicyType::Boundary => set.boundary = docs.into_iter().next(),
        PolicyType::Session => set.session = docs,
        PolicyType::Scp => {
            let mut level = docs;
            if !must_allow {
                level.push(EvalPolicy::full_access("FullAWSAccess"));
            }
            set.scp_levels.push(level);
        }
        PolicyType::Rcp => set.rcp_levels.push(docs),
        _ => set.identity.extend(docs),
    }
    set
}

fn unconditional_deny(st: &Statement<'_>) -> bool {
    !has_condition(st) && all_resources(st)
}

fn prepare<'c>(layer: &Layer<'c>) -> Prepared<'c> {
    let t = layer_type(layer);
    let build = |keep: &dyn Fn(&Statement<'_>) -> bool, keep_conditions: bool| {
        layer_set(
            t,
            layer
                .docs
                .iter()
                .map(|d| eval_doc(d, keep, keep_conditions))
                .collect(),
            layer.must_allow,
        )
    };
    let is = |s: &Statement<'_>, e: Effect| s.effect() == Some(e);
    Prepared {
        denies: statements(layer, Effect::Deny),
        allows: statements(layer, Effect::Allow),
        strict: build(
            &|s| {
                (is(s, Effect::Allow) && !has_condition(s))
                    || (is(s, Effect::Deny) && unconditional_deny(s))
            },
            true,
        ),
        loose_allows: build(&|s| is(s, Effect::Allow), false),
        loose_denies: build(&|s| is(s, Effect::Deny), false),
        policy_type: t,
    }
}

impl Prepared<'_> {
    /// Asks the engine about `action`.
    fn outcome(&self, action: &str) -> Outcome {
        let request = Request {
            action: action.to_string(),
            resource: "*".to_string(),
            ..Request::default()
        };
        let denying = evaluate(&request, &self.loose_denies);
        let mut deny_hits = Vec::new();
        let mut definite = false;
        for (file, index) in denying
            .deciding
            .iter()
            .filter(|d| d.policy_type == self.policy_type)
            .filter_map(|d| Some((d.file.as_deref()?, d.statement?)))
        {
            let Some(pos) = self
                .denies
                .iter()
                .position(|sc| sc.doc.path == file && sc.st.index == index)
            else {
                continue;
            };
            deny_hits.push(pos);
            if unconditional_deny(self.denies[pos].st) {
                definite = true;
                break;
            }
        }
        let plain = evaluate(&request, &self.strict).decision != Decision::ImplicitDeny;
        let loose = evaluate(&request, &self.loose_allows).decision == Decision::Allowed;
        Outcome {
            deny_hits,
            definite,
            plain: plain || definite,
            loose,
        }
    }

    /// The outcome of every action of every target. Actions that every statement of the layer
    /// treats alike get the same answer, so the engine is asked once per such group.
    fn outcomes(&self, targets: &[Target]) -> Vec<Vec<Rc<Outcome>>> {
        let mut seen: HashMap<Vec<bool>, Rc<Outcome>> = HashMap::new();
        let mut key: Vec<bool> = Vec::new();
        targets
            .iter()
            .map(|t| {
                let masks: Vec<Cov> = self
                    .denies
                    .iter()
                    .chain(&self.allows)
                    .map(|sc| mask(sc, t))
                    .collect();
                // Every statement takes the whole target or none of it: one answer for all.
                if masks.iter().all(|m| !matches!(m, Cov::Some(_))) {
                    key.clear();
                    key.extend(masks.iter().map(|m| m.has(0)));
                    let o = match seen.get(key.as_slice()) {
                        Some(o) => o.clone(),
                        None => {
                            let o = Rc::new(self.outcome(t.actions[0]));
                            seen.insert(key.clone(), o.clone());
                            o
                        }
                    };
                    return vec![o; t.actions.len()];
                }
                t.actions
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        key.clear();
                        key.extend(masks.iter().map(|m| m.has(i)));
                        if let Some(o) = seen.get(key.as_slice()) {
                            return o.clone();
                        }
                        let o = Rc::new(self.outcome(name));
                        seen.insert(key.clone(), o.clone());
                        o
                    })
                    .collect()
            })
            .collect()
    }
}

/// The subset of a target's actions for which `f` holds.
fn cov_of(outcomes: &[Rc<Outcome>], f: impl Fn(&Outcome) -> bool) -> Cov {
    if let Some(first) = outcomes.first()
        && outcomes.iter().all(|o| Rc::ptr_eq(o, first))
    {
        return if f(first) { Cov::All } else { Cov::None };
    }
    let v: Vec<bool> = outcomes.iter().map(|o| f(o)).collect();
    match v.iter().filter(|b| **b).count() {
        0 => Cov::None,
        c if c == v.len() => Cov::All,
        _ => Cov::Some(v),
    }
}

/// One verdict of a layer on one identity action string, from the engine's answers.
fn judge(
    a: &Str<'_>,
    targets: &[Target],
    layer: &Layer<'_>,
    prepared: &Prepared<'_>,
    index: usize,
    out: &mut Vec<Diag>,
) {
    let outcomes = prepared.outcomes(targets);
    // Explicit Deny statements, in layer order; an unconditional one takes its actions out of
    // the later ones and of the implicit verdict.
    for (pos, sc) in prepared.denies.iter().enumerate() {
        let hits: Vec<Cov> = outcomes
            .iter()
            .map(|o| cov_of(o, |x| x.deny_hits.contains(&pos)))
            .collect();
        if hits.iter().all(Cov::is_empty) {
            continue;
        }
        let (noun, plural) = subject(a, targets, &hits);
        let verb = if plural { "are" } else { "is" };
        out.push(
            Diag::new(
                a.span,
                format!(
                    "{noun} {verb} explicitly denied by {} {}{}.",
                    doc_title(sc.doc),
                    label(sc.st),
                    scope_words(sc.st)
                ),
            )
            .in_statement(index),
        );
    }
    if !layer.must_allow {
        return;
    }
    // Implicit deny: actions the layer does not let through; let through only by conditional
    // Allows: "may be".
    let none: Vec<Cov> = outcomes
        .iter()
        .map(|o| cov_of(o, |x| !x.plain && !x.loose))
        .collect();
    let limited_only: Vec<Cov> = outcomes
        .iter()
        .map(|o| cov_of(o, |x| !x.plain && x.loose))
        .collect();
    let allows = &prepared.allows;
    // The conditional Allow to name: the first (in layer order) that reaches an action the
    // unconditional statements have not settled.
    let mut limited_by: Option<String> = None;
    for (t, o) in targets.iter().zip(&outcomes) {
        let n = t.actions.len();
        let mut plain = cov_of(o, |x| x.definite);
        for sc in allows {
            let (doc, s) = (sc.doc, sc.st);
            if matches!(plain, Cov::All) || limited_by.is_some() {
                break;
            }
            let m = mask(sc, t);
            if m.is_empty() {
                continue;
            }
            if has_condition(s) {
                let of = if layer.docs.len() > 1 {
                    format!(" of {}", doc.path)
                } else {
                    String::new()
                };
                limited_by = Some(format!("{}{of} allows it{}", label(s), scope_words(s)));
            } else {
                plain.union(&m, n);
            }
        }
    }
    if !none.iter().all(Cov::is_empty) {
        let (noun, plural) = subject(a, targets, &none);
        let verb = if plural { "are" } else { "is" };
        let lost: Vec<usize> = (0..targets.len())
            .filter(|&i| !none[i].is_empty())
            .collect();
        let allows_any = lost.iter().any(|&ti| {
            target(targets[ti].service, "*")
                .is_some_and(|whole| allows.iter().any(|sc| !mask(sc, &whole).is_empty()))
        });
        let what = match (allows_any, lost.len(), plural || targets.len() > 1) {
            (false, 1, _) => format!(
                "it allows no {}:* action",
                targets[lost[0]].service.prefix()
            ),
            (false, _, _) => "it allows no action of these services".to_string(),
            (true, _, false) => "no Allow statement in it covers this action".to_string(),
            (true, _, true) => "no Allow statement in it covers these actions".to_string(),
        };
        out.push(
            Diag::new(
                a.span,
                format!(
                    "{noun} {verb} implicitly denied by {} ({what}).",
                    layer.title
                ),
            )
            .in_statement(index),
        );
    }
    if let (false, Some(by)) = (limited_only.iter().all(Cov::is_empty), limited_by) {
        let (noun, _) = subject(a, targets, &limited_only);
        out.push(
            Diag::new(
                a.span,
                format!(
                    "{noun} may be implicitly denied by {}: only {by}.",
                    layer.title
                ),
            )
            .in_statement(index),
        );
    }
}

/// What part of an `Action` string a verdict (one subset per target) is about, and whether it
/// is plural: `` `iam:CreateRole` ``, `` `s3:*` `` (every action it grants),
/// ``3 of the 180 actions `s3:*` grants (s3:DeleteBucket, ...)``, or for a cross-service
/// wildcard ``what `*` grants in iam:*, organizations:* and some actions of 2 more services``.
fn subject(a: &Str<'_>, targets: &[Target], hits: &[Cov]) -> (String, bool) {
    let counts: Vec<usize> = targets
        .iter()
        .zip(hits)
        .map(|(t, h)| h.count(t.actions.len()))
        .collect();
    let total: usize = targets.iter().map(|t| t.actions.len()).sum();
    let hit: usize = counts.iter().sum();
    if hit == total {
        return (format!("`{}`", a.value), false);
    }
    if targets.len() > 1 {
        let mut whole: Vec<String> = Vec::new();
        let mut partial = 0;
        for (t, &n) in targets.iter().zip(&counts) {
            if n == t.actions.len() {
                whole.push(format!("{}:*", t.service.prefix()));
            } else if n > 0 {
                partial += 1;
            }
        }
        let mut parts = Vec::new();
        if !whole.is_empty() {
            parts.push(truncated_list(&whole, 5));
        }
        if partial > 0 {
            parts.push(format!(
                "some actions of {partial} {}service{}",
                if whole.is_empty() { "" } else { "more " },
                if partial == 1 { "" } else { "s" }
            ));
        }
        return (
            format!("What `{}` grants in {}", a.value, parts.join(" and ")),
            false,
        );
    }
    let names: Vec<String> = targets
        .iter()
        .zip(hits)
        .flat_map(|(t, h)| {
            t.actions
                .iter()
                .enumerate()
                .filter(|(i, _)| h.has(*i))
                .map(|(_, n)| n.to_string())
        })
        .collect();
    (
        format!(
            "{} of the {total} actions `{}` grants ({})",
            hit,
            a.value,
            truncated_list(&names, 3)
        ),
        hit > 1,
    )
}

/// ` when aws:RequestedRegion is not eu-central-1` and/or ` for arn:...`: what limits a
/// statement, in words.
fn scope_words(st: &Statement<'_>) -> String {
    let mut out = String::new();
    let conds: Vec<String> = conditions(st).map(|c| condition_words(&c)).collect();
    if !conds.is_empty() {
        out.push_str(" when ");
        out.push_str(&conds.join(" and "));
    }
    if !all_resources(st) {
        let rs: Vec<String> = st.resources().map(|r| r.value.to_string()).collect();
        let nrs: Vec<String> = st.not_resources().map(|r| r.value.to_string()).collect();
        if !rs.is_empty() {
            out.push_str(&format!(" for {}", truncated_list(&rs, 2)));
        } else if !nrs.is_empty() {
            out.push_str(&format!(
                " for resources other than {}",
                truncated_list(&nrs, 2)
            ));
        }
    }
    out
}

fn condition_words(c: &crate::rules::traps::CondItem<'_, '_>) -> String {
    let values: Vec<String> = c
        .entry
        .values()
        .iter()
        .filter_map(|v| match v {
            Scalar::Invalid(_) => None,
            other => other.text().map(str::to_string),
        })
        .collect();
    let key = c.entry.key.name;
    let one = values.len() == 1;
    let list = if one {
        values.first().cloned().unwrap_or_default()
    } else {
        format!("one of {}", truncated_list(&values, 4))
    };
    let base = c.op.base.name;
    let phrase = match base {
        "StringEquals" | "StringEqualsIgnoreCase" | "ArnEquals" | "NumericEquals" | "Bool" => {
            format!("{key} is {list}")
        }
        "StringNotEquals" | "StringNotEqualsIgnoreCase" | "ArnNotEquals" | "NumericNotEquals" => {
            if one {
                format!("{key} is not {list}")
            } else {
                format!("{key} is none of {}", truncated_list(&values, 4))
            }
        }
        "StringLike" | "ArnLike" => format!("{key} matches {list}"),
        "StringNotLike" | "ArnNotLike" => {
            format!("{key} matches none of {}", truncated_list(&values, 4))
        }
        "IpAddress" => format!("{key} is in {list}"),
        "NotIpAddress" => format!("{key} is outside {}", truncated_list(&values, 4)),
        "Null" if values.iter().all(|v| v.eq_ignore_ascii_case("true")) => {
            format!("{key} is absent")
        }
        "Null" => format!("{key} is present"),
        "DateLessThan" | "DateLessThanEquals" | "NumericLessThan" | "NumericLessThanEquals" => {
            format!("{key} is before {list}")
        }
        "DateGreaterThan"
        | "DateGreaterThanEquals"
        | "NumericGreaterThan"
        | "NumericGreaterThanEquals" => format!("{key} is after {list}"),
        _ => format!("{} {key} {list}", c.op),
    };
    if c.op.if_exists {
        format!("{phrase} (or is absent)")
    } else {
        phrase
    }
}
