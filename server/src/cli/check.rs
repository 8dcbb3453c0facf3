//! `iam-ls check`: lint policy files with the editor's configuration and rules.
//!
//! Each file becomes a [`Snapshot`] exactly as in the editor (same configuration, same
//! workspace-relative path for `[kinds]` and `[[ignore]]`), and its findings are the snapshot's.
//! Files are analysed on a few threads; the report keeps argument order (directory entries
//! sorted by path), so output is deterministic.
//!
//! What is checked: named files (they must be policies: anything else is an error), and in
//! directories every `*.json` file and every file a `[kinds]` pattern matches. A `*.json` file
//! found in a directory that turns out not to be a policy (a `package.json`, a data dump, a
//! binary) is skipped quietly (`--verbose` lists it); a directory with no policy at all is an
//! error.

use super::input::{self, Collected, InputError, Origin, Target};
use super::progress::Progress;
use super::render;
use super::{CheckArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Io, LoadedConfig};
use crate::document::{DocumentKind, Env, ResolvedKind, Snapshot};
use crate::policy::PolicyKind;
use crate::rules::{Finding, Level};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Progress is shown for at least this many files.
const PROGRESS_MIN_FILES: usize = 20;

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Analysed as a policy.
    Checked(Checked),
    /// Not a policy, found while walking a directory: left out quietly.
    Skipped {
        /// Why.
        reason: String,
        /// Shown even without `--verbose`: the file was found but could not be read as a file
        /// at all (a special file, or larger than the limit), which the user should know about.
        note: bool,
    },
    /// Could not be checked: an error naming the file.
    Failed {
        /// Why.
        message: String,
    },
}

/// A file analysed as a policy.
#[derive(Debug)]
pub struct Checked {
    /// The text that was analysed (spans index into it).
    pub text: Arc<str>,
    /// The policy kind and why.
    pub kind: ResolvedKind,
    /// How the kind was decided: `"option"` (`--kind`), `"configured"` or `"detected"`.
    pub kind_source: &'static str,
    /// The findings at or above `--severity`, sorted by position.
    pub findings: Vec<Finding>,
    /// For a detected kind that the content does not make clear: what the text output says
    /// about it ([`crate::policy::assumed_kind_note`]).
    pub kind_note: Option<String>,
    /// For a template: each embedded policy's place (`label`), kind and span in the file.
    pub embedded: Option<Vec<(String, crate::policy::PolicyKind, crate::syntax::Span)>>,
}

/// One file of the report.
#[derive(Debug)]
pub struct FileReport {
    /// Which file.
    pub target: Target,
    /// What happened.
    pub outcome: Outcome,
}

/// The whole result of a `check` run, for the renderers.
#[derive(Debug)]
pub struct Report {
    /// Every file looked at, in order.
    pub files: Vec<FileReport>,
    /// Everything that could not be checked: missing paths, unreadable or non-policy named
    /// files, directories without policies. In order of discovery.
    pub errors: Vec<InputError>,
    /// Files found in directories or named by `[[groups]]` that were not read (special files,
    /// links leading out of the workspace): shown on stderr, they do not change the exit code.
    pub notes: Vec<InputError>,
    /// The directory paths are made relative to (the configuration's directory, or the
    /// current directory).
    pub root: PathBuf,
    /// The current directory (SARIF's `%SRCROOT%`).
    pub cwd: PathBuf,
    /// `--fail-on` as a level; `None` for never.
    pub fail_on: Option<Level>,
}

impl Report {
    /// The files analysed as policies.
    pub fn checked(&self) -> impl Iterator<Item = (&Target, &Checked)> {
        self.files.iter().filter_map(|f| match &f.outcome {
            Outcome::Checked(c) => Some((&f.target, c)),
            _ => None,
        })
    }

    /// Every reported finding.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.checked().flat_map(|(_, c)| c.findings.iter())
    }

    /// The number of reported findings at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.findings().filter(|f| f.level == level).count()
    }

    /// Whether a reported finding reaches `--fail-on`.
    pub fn fails(&self) -> bool {
        self.fail_on
            .is_some_and(|threshold| self.findings().any(|f| f.level <= threshold))
    }

    /// The exit status: [`EXIT_ERROR`] when anything could not be checked (it wins: a partial
    /// check must not look clean), else [`EXIT_FINDINGS`] when [`Report::fails`], else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            EXIT_ERROR
        } else if self.fails() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}

/// Runs `check` with `args`; returns the exit status.
pub fn run(args: &CheckArgs, io: &mut Io<'_>) -> u8 {
    let loaded = match super::load_config(&io.cwd, args.config.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            io.error(e);
            return EXIT_ERROR;
        }
    };
    if let Some(warning) = super::stale_data_warning(io.today) {
        io.warning(warning);
    }
    let stdin_count = args.paths.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        io.error("`-` (stdin) can be given only once");
        return EXIT_ERROR;
    }
    if args.stdin_filename.is_some() && stdin_count == 0 {
        io.error("--stdin-filename needs `-` among the paths");
        return EXIT_ERROR;
    }
    let mut stdin_text = None;
    if stdin_count == 1 {
        stdin_text = Some(input::read_text(&mut *io.stdin));
    }
    super::warn_config(io, &loaded);
    let report = build_report(args, io, &loaded, stdin_text);
    if let Err(e) = render::write_report(args, io, &report) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return report.exit_code();
        }
        io.error(format!("cannot write the report: {e}"));
        return EXIT_ERROR;
    }
    report.exit_code()
}

/// Expands the arguments, analyses every file, and gathers the report. `stdin_text` is what was
/// read for `-`.
pub fn build_report(
    args: &CheckArgs,
    io: &mut Io<'_>,
    loaded: &LoadedConfig,
    stdin_text: Option<Result<String, input::ReadError>>,
) -> Report {
    let cwd = io.cwd.clone();
    let default_paths = [PathBuf::from(".")];
    let paths: &[PathBuf] = if args.paths.is_empty() {
        &default_paths
    } else {
        &args.paths
    };
    // `-` keeps its place among the arguments. Errors are reported in argument order: for each
    // argument, the problems met while listing it, then its files', then "no policies".
    let mut targets: Vec<Target> = Vec::new();
    let mut target_arg: Vec<usize> = Vec::new();
    let mut arg_errors: Vec<Vec<InputError>> = Vec::new();
    let mut dirs: Vec<(usize, input::DirArg)> = Vec::new();
    let mut notes: Vec<InputError> = Vec::new();
    for (arg, path) in paths.iter().enumerate() {
        arg_errors.push(Vec::new());
        if path.as_os_str() == "-" {
            let (display, rel) = match &args.stdin_filename {
                Some(name) => {
                    let abs = input::absolute(&cwd, name);
                    (
                        input::display_path(&cwd, &abs),
                        input::relative_to(&loaded.root, &abs),
                    )
                }
                None => ("<stdin>".to_string(), None),
            };
            targets.push(Target {
                file: None,
                display,
                rel,
                origin: Origin::Named,
            });
            target_arg.push(arg);
            continue;
        }
        let Collected {
            targets: t,
            dirs: d,
            errors: e,
            notes: n,
        } = input::collect(
            &cwd,
            &loaded.root,
            &loaded.config,
            std::slice::from_ref(path),
        );
        let offset = dirs.len();
        for mut t in t {
            if let Origin::Walked { dir, configured } = t.origin {
                t.origin = Origin::Walked {
                    dir: dir + offset,
                    configured,
                };
            }
            targets.push(t);
            target_arg.push(arg);
        }
        dirs.extend(d.into_iter().map(|d| (arg, d)));
        arg_errors[arg].extend(e);
        notes.extend(n);
    }

    let env = Arc::new(Env::for_root(loaded.config.clone(), loaded.root.clone()));
    notes.extend(env.group_refused.iter().map(|(rel, why)| InputError {
        display: input::display_path(&cwd, &loaded.root.join(rel)),
        message: format!("policy group member not read: {why}"),
    }));
    let show_progress =
        io.err_is_terminal && !args.no_progress && targets.len() >= PROGRESS_MIN_FILES;
    let outcomes = {
        let progress = Progress::start(targets.len(), show_progress);
        let outcomes = analyse_all(
            &targets,
            &env,
            args.kind,
            args.severity.level(),
            stdin_text,
            &progress,
        );
        progress.finish(&mut *io.err);
        outcomes
    };

    let mut files = Vec::with_capacity(targets.len());
    for ((target, outcome), arg) in targets.into_iter().zip(outcomes).zip(target_arg) {
        if let Outcome::Failed { message } = &outcome
            && let Some(list) = arg_errors.get_mut(arg)
        {
            list.push(InputError {
                display: target.display.clone(),
                message: message.clone(),
            });
        }
        files.push(FileReport { target, outcome });
    }
    for (i, (arg, dir)) in dirs.iter().enumerate() {
        let in_dir =
            |f: &&FileReport| matches!(f.target.origin, Origin::Walked { dir, .. } if dir == i);
        let policies = files
            .iter()
            .filter(in_dir)
            .filter(|f| matches!(f.outcome, Outcome::Checked(_)))
            .count();
        let failed = files
            .iter()
            .filter(in_dir)
            .any(|f| matches!(f.outcome, Outcome::Failed { .. }));
        if policies == 0 && !failed {
            let message = match dir.candidates {
                0 => "no IAM policies found: the directory has no JSON files".to_string(),
                1 => "no IAM policies found: its one JSON file is not a policy".to_string(),
                n => format!("no IAM policies found: none of its {n} JSON files is a policy"),
            };
            if let Some(list) = arg_errors.get_mut(*arg) {
                list.push(InputError {
                    display: dir.display.clone(),
                    message,
                });
            }
        }
    }
    let errors: Vec<InputError> = arg_errors.into_iter().flatten().collect();
    Report {
        files,
        errors,
        notes,
        root: loaded.root.clone(),
        cwd,
        fail_on: args.fail_on.level(),
    }
}

/// Analyses every target on up to `available_parallelism` threads; outcomes in target order.
fn analyse_all(
    targets: &[Target],
    env: &Arc<Env>,
    kind: Option<PolicyKind>,
    min_level: Level,
    stdin_text: Option<Result<String, input::ReadError>>,
    progress: &Progress,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    outcomes.resize_with(targets.len(), || None);
    let mut stdin_text = stdin_text;
    // stdin is analysed here, on this thread (it was read already).
    for (i, t) in targets.iter().enumerate() {
        if t.file.is_none() {
            let read = stdin_text
                .take()
                .unwrap_or_else(|| Err(input::ReadError::Io("stdin was already read".into())));
            outcomes[i] = Some(analyse_text(t, read, env, kind, min_level));
            progress.inc();
        }
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(targets.len().max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = targets.get(i) else { break };
                    let Some(file) = &t.file else { continue };
                    let outcome = analyse_text(t, input::read_file(file), env, kind, min_level);
                    progress.inc();
                    if tx.send((i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, outcome) in rx {
            if let Some(slot) = outcomes.get_mut(i) {
                *slot = Some(outcome);
            }
        }
    });
    outcomes
        .into_iter()
        .map(|o| {
            o.unwrap_or(Outcome::Failed {
                message: "was not analysed (internal error)".to_string(),
            })
        })
        .collect()
}

/// Analyses one file's content. Problems are errors for files that must be policies, and quiet
/// skips otherwise.
pub fn analyse_text(
    target: &Target,
    read: Result<String, input::ReadError>,
    env: &Arc<Env>,
    kind: Option<PolicyKind>,
    min_level: Level,
) -> Outcome {
    let strict = target.origin.must_be_policy();
    let text = match read {
        Ok(t) => t,
        Err(e) if strict => {
            return Outcome::Failed {
                message: e.to_string(),
            };
        }
        Err(e) => {
            let note = matches!(
                e,
                input::ReadError::TooLarge { .. } | input::ReadError::NotAFile(_)
            );
            return Outcome::Skipped {
                reason: e.to_string(),
                note,
            };
        }
    };
    let snapshot = match kind {
        Some(k) => Snapshot::with_kind(text, 0, target.rel.clone(), env.clone(), k),
        None => Snapshot::with_env(text, 0, target.rel.clone(), env.clone()),
    };
    let related = match &target.rel {
        Some(rel) if snapshot.kind() == DocumentKind::Policy => env.related(rel, &[]),
        _ => Vec::new(),
    };
    let snapshot = snapshot.with_related(related);
    if let Some(host) = snapshot.host() {
        return Outcome::Checked(Checked {
            text: snapshot.shared_text().clone(),
            kind: host_kind(host),
            kind_source: "template",
            embedded: Some(
                host.policies
                    .iter()
                    .map(|p| (p.label.clone(), p.kind, p.span))
                    .collect(),
            ),
            findings: snapshot
                .findings()
                .iter()
                .filter(|f| f.level <= min_level)
                .cloned()
                .collect(),
            kind_note: None,
        });
    }
    let (Some(resolved), DocumentKind::Policy) = (snapshot.policy_kind(), snapshot.kind()) else {
        let reason = not_a_policy(&snapshot, kind.is_some());
        return if strict {
            Outcome::Failed {
                message: if kind.is_some() {
                    reason
                } else {
                    format!("{reason}; pass --kind to check it as a policy anyway")
                },
            }
        } else {
            Outcome::Skipped {
                reason,
                note: false,
            }
        };
    };
    let kind_source = if kind.is_some() {
        "option"
    } else if resolved.configured {
        "configured"
    } else {
        "detected"
    };
    let findings: Vec<Finding> = snapshot
        .findings()
        .iter()
        .filter(|f| f.level <= min_level)
        .cloned()
        .collect();
    let kind_note = match (kind_source, snapshot.parse()) {
        ("detected", Some(parse)) => {
            crate::policy::assumed_kind_note(&crate::policy::Policy::from_parse(parse))
        }
        _ => None,
    };
    Outcome::Checked(Checked {
        text: snapshot.shared_text().clone(),
        kind: resolved.clone(),
        kind_source,
        findings,
        kind_note,
        embedded: None,
    })
}

/// What a template's report says about its kind: each embedded policy has its own, from where it
/// sits; the first one stands for the file.
fn host_kind(host: &crate::host::Host) -> crate::document::ResolvedKind {
    crate::document::ResolvedKind {
        kind: host
            .policies
            .first()
            .map_or(crate::policy::PolicyKind::Identity, |p| p.kind),
        why: format!(
            "a {} with {} embedded policies, each checked as the kind its place gives it",
            host.format.title(),
            host.policies.len()
        ),
        configured: false,
    }
}

fn not_a_policy(snapshot: &Snapshot, forced: bool) -> String {
    match (snapshot.kind(), snapshot.parse()) {
        (DocumentKind::DecodedMessage, _) => {
            "not an IAM policy but a decoded authorization message (`iam-ls explain -` summarises it)"
                .to_string()
        }
        (_, None) if snapshot.text().trim().is_empty() => "empty, not a policy".to_string(),
        (_, None) => "not an IAM policy (it is not a JSON object)".to_string(),
        (_, Some(_)) if forced => "not an IAM policy (it is not a JSON object)".to_string(),
        (_, Some(_)) => {
            "not an IAM policy (the JSON object has no `Statement`, nor `Version` with statement \
             elements)"
                .to_string()
        }
    }
}
