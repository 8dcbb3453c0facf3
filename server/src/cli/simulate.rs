//! `iam-ls simulate`: AWS's decision on one request, from policy files, with the engine of
//! [`crate::eval`].
//!
//! The policies come from flags (`--identity`, `--resource-policy`, `--boundary`, `--session`,
//! `--scp` and `--rcp` one level per flag with comma-separated files, `--vpc-endpoint`) and from
//! `--group NAME`, the files of an `iam-ls.toml` `[[groups]]` entry (its SCPs are read as one
//! level, with AWS's `FullAWSAccess` assumed when none of them has an Allow, as the IAM918 rule
//! reads them). The resource-based policy must allow on its own side for KMS keys (key
//! policies) and for `sts:AssumeRole*` on a role (trust policies).
//!
//! Exit status: 0 allowed, 1 denied (explicitly or implicitly), 2 usage or input error.

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Io, input, load_config};
use crate::eval::{
    self, Context, Decision, EvalPolicy, Evaluation, PolicySet, PrincipalOutcome, Request,
};
use crate::policy::PolicyKind;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// Output format of `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// The decision first, then the chain as a person reads it.
    Text,
    /// One JSON document (schema in docs/cli.md).
    Json,
}

/// `iam-ls simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The action, `service:Action`.
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The resource ARN (`*` for actions without a resource).
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// The calling principal's ARN (user, role, role session, account root, service).
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// The resource's account, for ARNs without one (S3).
    #[arg(long = "resource-account", value_name = "ID")]
    pub resource_account: Option<String>,
    /// A request context key and value; repeat a key for several values.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// An identity-based policy (repeatable).
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,
    /// The resource-based policy.
    #[arg(long = "resource-policy", value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,
    /// The permissions boundary.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// The session policy.
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// One SCP level (comma-separated files); repeat from the organization root down.
    #[arg(long, value_name = "FILE[,FILE...]")]
    pub scp: Vec<String>,
    /// One RCP level of customer RCPs (comma-separated); RCPFullAWSAccess is implied.
    #[arg(long, value_name = "FILE[,FILE...]")]
    pub rcp: Vec<String>,
    /// A VPC endpoint policy the request passes through (repeatable).
    #[arg(long = "vpc-endpoint", value_name = "FILE")]
    pub vpc_endpoint: Vec<PathBuf>,
    /// Add the files of this `[[groups]]` entry of iam-ls.toml.
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Use this configuration file instead of looking for iam-ls.toml upwards.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimulateFormat::Text)]
    pub format: SimulateFormat,
}

/// Runs `simulate`; returns the exit status.
pub fn run(args: &SimulateArgs, io: &mut Io<'_>) -> u8 {
    let (request, set) = match build(args, io) {
        Ok(x) => x,
        Err(message) => {
            io.error(message);
            return EXIT_ERROR;
        }
    };
    let evaluation = eval::evaluate(&request, &set);
    let written = match args.format {
        SimulateFormat::Json => serde_json::to_string_pretty(&evaluation)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(io.out, "{s}")),
        SimulateFormat::Text => write!(io.out, "{}", render_text(&request, &evaluation)),
    };
    if let Err(e) = written {
        io.error(format!("cannot write the output: {e}"));
        return EXIT_ERROR;
    }
    match evaluation.decision {
        Decision::Allowed => EXIT_OK,
        _ => EXIT_FINDINGS,
    }
}

fn build(args: &SimulateArgs, io: &Io<'_>) -> Result<(Request, PolicySet), String> {
    let mut context = Context::new();
    for kv in &args.context {
        match kv.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => context.insert(k.trim(), v),
            _ => return Err(format!("--context `{kv}`: expected KEY=VALUE")),
        }
    }
    if !args.action.contains(':') {
        return Err(format!(
            "--action `{}`: expected service:Action",
            args.action
        ));
    }
    let request = Request {
        principal: args.principal.clone(),
        action: args.action.clone(),
        resource: args.resource.clone(),
        resource_account: args.resource_account.clone(),
        context,
    };
    let cwd = &io.cwd;
    let load = |p: &Path| -> Result<EvalPolicy, String> {
        let abs = input::absolute(cwd, p);
        let shown = input::display_path(cwd, &abs);
        let text = input::read_file(&abs).map_err(|e| format!("{shown}: {e}"))?;
        EvalPolicy::parse(shown.clone(), &text).map_err(|e| format!("{shown}: {e}"))
    };
    let level = |spec: &str| -> Result<Vec<EvalPolicy>, String> {
        spec.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| load(Path::new(s.trim())))
            .collect()
    };
    let mut set = PolicySet {
        identity: args
            .identity
            .iter()
            .map(|p| load(p))
            .collect::<Result<_, _>>()?,
        resource: args.resource_policy.as_deref().map(load).transpose()?,
        boundary: args.boundary.as_deref().map(load).transpose()?,
        session: args
            .session
            .as_deref()
            .map(load)
            .transpose()?
            .into_iter()
            .collect(),
        scp_levels: args
            .scp
            .iter()
            .map(|s| level(s))
            .collect::<Result<_, _>>()?,
        rcp_levels: args
            .rcp
            .iter()
            .map(|s| level(s))
            .collect::<Result<_, _>>()?,
        vpc_endpoints: args
            .vpc_endpoint
            .iter()
            .map(|p| load(p))
            .collect::<Result<_, _>>()?,
        resource_must_allow: false,
    };
    set.resource_must_allow = eval::resource_policy_required(&args.action, &args.resource);
    if let Some(name) = &args.group {
        add_group(name, args.config.as_deref(), io, &mut set)?;
    }
    Ok((request, set))
}

/// Adds the files of the `[[groups]]` entry `name` to `set`.
fn add_group(
    name: &str,
    config: Option<&Path>,
    io: &Io<'_>,
    set: &mut PolicySet,
) -> Result<(), String> {
    let loaded = load_config(&io.cwd, config)?;
    let Some(group) = loaded.config.groups().find(|g| g.name == name).cloned() else {
        let known: Vec<String> = loaded.config.groups().map(|g| g.name.clone()).collect();
        return Err(if known.is_empty() {
            format!("--group {name}: the configuration has no [[groups]]")
        } else {
            format!(
                "--group {name}: no such group; the configuration has {}",
                known.join(", ")
            )
        });
    };
    let files = group_files(&loaded.root, &loaded.config, &group);
    let mut scps = Vec::new();
    for (rel, kind, path) in files {
        let text = input::read_file(&path).map_err(|e| format!("{rel}: {e}"))?;
        let policy = EvalPolicy::parse(rel.clone(), &text).map_err(|e| format!("{rel}: {e}"))?;
        match kind {
            PolicyKind::Identity => set.identity.push(policy),
            PolicyKind::PermissionsBoundary => set.boundary = Some(policy),
            PolicyKind::ServiceControl => scps.push(policy),
            PolicyKind::ResourceControl => set.rcp_levels.push(vec![policy]),
            PolicyKind::Session => set.session.push(policy),
            _ => {}
        }
    }
    if !scps.is_empty() {
        if !scps.iter().any(EvalPolicy::has_allow) {
            scps.push(EvalPolicy::full_access("FullAWSAccess (assumed)"));
        }
        set.scp_levels.push(scps);
    }
    Ok(())
}

/// The files under the configuration root that `group` names, with their role, sorted by path.
pub fn group_files(
    root: &Path,
    config: &crate::config::Config,
    group: &crate::config::Group,
) -> Vec<(String, PolicyKind, PathBuf)> {
    let collected = input::collect(root, root, config, &[root.to_path_buf()]);
    collected
        .targets
        .into_iter()
        .filter_map(|t| {
            let rel = t.rel?;
            let kind = group.kind_of(&rel)?;
            Some((rel, kind, t.file?))
        })
        .collect()
}

/// The text report: the decision, what decided it, the chain, and unknown keys.
pub fn render_text(request: &Request, e: &Evaluation) -> String {
    let mut out = String::new();
    let who = request
        .principal
        .as_deref()
        .unwrap_or("(principal not given)");
    out.push_str(&format!(
        "{}: {} on {} by {}\n",
        e.decision.as_str(),
        request.action,
        request.resource,
        who
    ));
    for d in &e.deciding {
        let what = match e.decision {
            Decision::ExplicitDeny => "denied by",
            Decision::Allowed => "allowed by",
            Decision::ImplicitDeny => "not allowed by",
        };
        let file = d.file.as_deref().unwrap_or("(no policy given)");
        match d.statement {
            Some(i) => {
                let sid = d
                    .sid
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "  {what} {} policy {file}, statement #{i}{sid}\n",
                    d.policy_type.as_str()
                ));
                let stmt = e
                    .policies
                    .iter()
                    .filter(|p| {
                        p.policy_type == d.policy_type && d.file.as_deref() == Some(&p.file)
                    })
                    .flat_map(|p| p.statements.iter())
                    .find(|s| s.index == i);
                if let Some(s) = stmt {
                    if let Some(PrincipalOutcome::Matched(m)) = s.principal {
                        out.push_str(&format!("    principal matched ({})\n", serde_plain(&m)));
                    }
                    for c in &s.conditions {
                        out.push_str(&format!(
                            "    {} {}: policy {}, request {} -> {}\n",
                            c.operator,
                            c.key,
                            list(
                                c.values
                                    .iter()
                                    .map(|v| v.as_deref().unwrap_or("(no value)"))
                            ),
                            c.request_values
                                .as_ref()
                                .map(|v| list(v.iter().map(String::as_str)))
                                .unwrap_or_else(|| "(not given)".to_string()),
                            if c.held { "holds" } else { "does not hold" }
                        ));
                    }
                }
            }
            None => out.push_str(&format!(
                "  {what} the {} policy {file}\n",
                d.policy_type.as_str()
            )),
        }
    }
    out.push_str("chain:\n");
    for step in &e.chain {
        out.push_str(&format!("  - {step}\n"));
    }
    if !e.depends_on.is_empty() {
        out.push_str(&format!(
            "depends on keys the request does not give: {}\n",
            e.depends_on.join(", ")
        ));
    }
    out
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.len() == 1 {
        v[0].to_string()
    } else {
        format!("[{}]", v.join(", "))
    }
}

fn serde_plain(m: &eval::PrincipalMatch) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
