//! The policies the engine evaluates: an owned, pre-digested form of [`crate::policy::Policy`].
//!
//! [`EvalPolicy::from_policy`] keeps what evaluation needs from the typed model (effects, the
//! element lists, the condition blocks with their parsed operators) and drops spans, so a
//! policy set can outlive the syntax trees it came from and be evaluated many times. Statements
//! whose `Effect` is neither `Allow` nor `Deny` are kept but never match (AWS rejects such a
//! policy; the report still lists them).

use crate::catalog::operators::{self, OperatorInfo};
use crate::policy::{Effect, Policy, Principal, PrincipalType, StrList};

/// One policy document ready for evaluation.
#[derive(Clone, Debug)]
pub struct EvalPolicy {
    /// Where it came from (a path, or a name such as `RCPFullAWSAccess`).
    pub file: String,
    /// True when `"Version": "2012-10-17"`: policy variables are substituted only then.
    pub variables: bool,
    /// The statements, in order.
    pub statements: Vec<EvalStatement>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Names {
    /// The element is absent.
    Absent,
    /// `Action` / `Resource`: one of these must match.
    Any(Vec<String>),
    /// `NotAction` / `NotResource`: none of these may match.
    Not(Vec<String>),
}

/// `Principal`/`NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principals {
    /// Neither element.
    Absent,
    /// `Principal`: one entry must match.
    Any(Vec<(PrincipalType, String)>),
    /// `NotPrincipal`: no entry may match.
    Not(Vec<(PrincipalType, String)>),
}

/// One condition: an operator, a key, and the policy's values for it.
#[derive(Clone, Debug)]
pub struct EvalCondition {
    /// The operator as written.
    pub operator: String,
    /// The parsed operator; `None` when it is not one IAM knows (the condition never holds).
    pub info: Option<OperatorInfo>,
    /// The condition key as written.
    pub key: String,
    /// The values as IAM compares them (numbers and booleans as their text).
    pub values: Vec<String>,
}

/// One statement.
#[derive(Clone, Debug)]
pub struct EvalStatement {
    /// Position in the `Statement` array.
    pub index: usize,
    /// `Sid`, when it is a string.
    pub sid: Option<String>,
    /// The effect; `None` for anything but `Allow`/`Deny`.
    pub effect: Option<Effect>,
    /// `Action` / `NotAction`.
    pub action: Names,
    /// `Resource` / `NotResource`.
    pub resource: Names,
    /// `Principal` / `NotPrincipal`.
    pub principal: Principals,
    /// Every condition, in order (all must hold).
    pub conditions: Vec<EvalCondition>,
}

impl EvalPolicy {
    /// The evaluation form of a typed policy.
    pub fn from_policy(file: impl Into<String>, policy: &Policy<'_>) -> EvalPolicy {
        let statements = policy
            .statements
            .iter()
            .map(|st| EvalStatement {
                index: st.index,
                sid: st.sid_str().map(str::to_string),
                effect: st.effect(),
                action: names(st.action.as_ref(), st.not_action.as_ref()),
                resource: names(st.resource.as_ref(), st.not_resource.as_ref()),
                principal: principals(st.principal.as_ref(), st.not_principal.as_ref()),
                conditions: st
                    .condition
                    .as_ref()
                    .and_then(|f| f.ok())
                    .map(|c| {
                        c.entries()
                            .map(|(block, entry)| EvalCondition {
                                operator: block.operator.name.to_string(),
                                info: operators::operator(block.operator.name),
                                key: entry.key.name.to_string(),
                                values: entry
                                    .values()
                                    .iter()
                                    .filter_map(|v| v.text())
                                    .map(str::to_string)
                                    .collect(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        EvalPolicy {
            file: file.into(),
            variables: policy.version_str() == Some("2012-10-17"),
            statements,
        }
    }

    /// AWS's `FullAWSAccess` SCP (and the shape of `RCPFullAWSAccess`): allows everything.
    pub fn full_access(name: &str) -> EvalPolicy {
        EvalPolicy {
            file: name.to_string(),
            variables: true,
            statements: vec![EvalStatement {
                index: 0,
                sid: None,
                effect: Some(Effect::Allow),
                action: Names::Any(vec!["*".to_string()]),
                resource: Names::Any(vec!["*".to_string()]),
                principal: Principals::Absent,
                conditions: Vec::new(),
            }],
        }
    }

    /// Whether some statement allows (whatever it matches).
    pub fn has_allow(&self) -> bool {
        self.statements
            .iter()
            .any(|s| s.effect == Some(Effect::Allow))
    }

    /// Parses policy JSON text. An error names the first syntax problem, or says the document
    /// is not a policy object.
    pub fn parse(file: impl Into<String>, text: &str) -> Result<EvalPolicy, String> {
        let parse = crate::syntax::parse(text);
        if let Some(e) = parse.errors.first() {
            return Err(format!("not valid JSON: {}", e.message));
        }
        let policy = Policy::from_parse(&parse);
        if policy.root_invalid.is_some() || policy.root.is_none() {
            return Err("not a policy: the document is not a JSON object".to_string());
        }
        if policy.statement.is_none() {
            return Err("not a policy: it has no Statement".to_string());
        }
        Ok(EvalPolicy::from_policy(file, &policy))
    }
}

fn strings(list: &StrList<'_>) -> Vec<String> {
    list.strings().map(|s| s.value.to_string()).collect()
}

fn names(
    any: Option<&crate::policy::Field<'_, StrList<'_>>>,
    not: Option<&crate::policy::Field<'_, StrList<'_>>>,
) -> Names {
    if let Some(l) = any.and_then(|f| f.ok()) {
        Names::Any(strings(l))
    } else if let Some(l) = not.and_then(|f| f.ok()) {
        Names::Not(strings(l))
    } else {
        Names::Absent
    }
}

fn principal_entries(p: &Principal<'_>) -> Vec<(PrincipalType, String)> {
    match p {
        Principal::Str(s) => vec![(PrincipalType::Aws, s.value.to_string())],
        Principal::Map(_) => p
            .values()
            .filter_map(|(e, s)| e.kind.map(|k| (k, s.value.to_string())))
            .collect(),
    }
}

fn principals(
    any: Option<&crate::policy::Field<'_, Principal<'_>>>,
    not: Option<&crate::policy::Field<'_, Principal<'_>>>,
) -> Principals {
    if let Some(p) = any.and_then(|f| f.ok()) {
        Principals::Any(principal_entries(p))
    } else if let Some(p) = not.and_then(|f| f.ok()) {
        Principals::Not(principal_entries(p))
    } else {
        Principals::Absent
    }
}
