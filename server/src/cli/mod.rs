//! The command line: `iam-ls check`, `explain`, `decode`, `rules` and `simulate`.
//!
//! [`Args`] is the whole argument grammar (clap derive); `main.rs` parses it, runs the language
//! server for `iam-ls`, `iam-ls lsp` and `iam-ls --stdio`, and hands every other subcommand to
//! [`run`]. Each subcommand is a module that reads its input, calls the same analysis the editor
//! uses (the configuration from `iam-ls.toml`, [`crate::document::Snapshot`], the log scanners,
//! the STS client) and writes to an [`Io`].
//!
//! This is the one module of the library that prints: it writes to explicit `Write` handles
//! ([`Io`]), never with `print!`, so tests can capture everything and the LSP's stdout stays
//! untouched (nothing here runs in server mode).
//!
//! Exit codes (all subcommands): 0 success; 1 the command worked and found something that fails
//! it (findings at or above `--fail-on`, no AccessDenied message to explain, an AWS call that
//! failed); 2 a usage, configuration or input error.

pub mod check;
pub mod decode;
pub mod explain;
pub mod input;
pub mod lines;
pub mod progress;
pub mod render;
pub mod rules;
pub mod simulate;
pub mod why;

use crate::config::{self, Config};
use crate::policy::PolicyKind;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status: success, nothing to report.
pub const EXIT_OK: u8 = 0;
/// Exit status: the command ran and found something that fails it.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: bad usage, bad configuration, or input that could not be read.
pub const EXIT_ERROR: u8 = 2;

/// Where the project lives: the repository the rule pages link to (`repository` in the
/// workspace's Cargo.toml, the one place it is set).
pub const PROJECT_URL: &str = env!("CARGO_PKG_REPOSITORY");

/// `iam-ls`: a language server and linter for AWS IAM policies.
#[derive(Debug, Parser)]
#[command(
    name = "iam-ls",
    about = "A language server and linter for AWS IAM policies",
    long_about = "A language server and linter for AWS IAM policies.\n\nWith no subcommand (or \
                  `lsp`, or `--stdio`) it runs the language server on stdin/stdout.",
    disable_version_flag = true,
    args_conflicts_with_subcommands = false
)]
pub struct Args {
    /// Print the version and the version of the embedded IAM data, then exit.
    #[arg(short = 'V', long = "version")]
    pub version: bool,
    /// Serve LSP on stdin/stdout (the default; accepted for editor clients that pass it).
    #[arg(long = "stdio")]
    pub stdio: bool,
    /// The subcommand; none runs the language server.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the language server on stdin/stdout (the default).
    Lsp {
        /// Accepted for editor clients that pass it; stdio is the only transport.
        #[arg(long = "stdio")]
        stdio: bool,
    },
    /// Check policy files and directories, like the editor does.
    Check(CheckArgs),
    /// Explain an AccessDenied message (or every one in a log read from stdin).
    Explain(ExplainArgs),
    /// Decode an encoded authorization failure message with AWS STS.
    Decode(DecodeArgs),
    /// List the rules, or print one rule's documentation.
    Rules(RulesArgs),
    /// Print the version and the date of the embedded IAM data (the same as `--version`).
    Version,
    /// Decide one request against policy files, as AWS would (exit 0 allowed, 1 denied).
    Simulate(Box<simulate::SimulateArgs>),
}

/// Output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: `file:line:col: CODE message` with the source line and a caret span.
    Text,
    /// One JSON document (schema in docs/cli.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
}

/// A finding level, for `--severity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Only errors.
    Error,
    /// Errors and warnings.
    Warning,
    /// Errors, warnings and information.
    Info,
    /// Everything, hints included.
    Hint,
}

impl LevelArg {
    /// The lowest [`crate::rules::Level`] this threshold includes.
    pub fn level(self) -> crate::rules::Level {
        use crate::rules::Level;
        match self {
            LevelArg::Error => Level::Error,
            LevelArg::Warning => Level::Warning,
            LevelArg::Info => Level::Information,
            LevelArg::Hint => Level::Hint,
        }
    }
}

/// The exit-status threshold, for `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when an error is reported (the default).
    Error,
    /// Exit 1 when an error or a warning is reported.
    Warning,
    /// Exit 1 when an error, a warning or information is reported.
    Info,
    /// Exit 1 when anything is reported.
    Hint,
    /// Never exit 1 for findings.
    Never,
}

impl FailOn {
    /// The lowest level that fails the run; `None` for `never`.
    pub fn level(self) -> Option<crate::rules::Level> {
        match self {
            FailOn::Error => Some(LevelArg::Error.level()),
            FailOn::Warning => Some(LevelArg::Warning.level()),
            FailOn::Info => Some(LevelArg::Info.level()),
            FailOn::Hint => Some(LevelArg::Hint.level()),
            FailOn::Never => None,
        }
    }
}

/// When to colour the text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `iam-ls check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and directories to check (directories recursively); `-` reads one policy from stdin.
    /// Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check every file as this kind of policy, whatever the configuration or the content say.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<PolicyKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Report only findings at this level or above.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = LevelArg::Hint)]
    pub severity: LevelArg,
    /// Exit with status 1 when a reported finding is at this level or above.
    #[arg(long = "fail-on", value_enum, value_name = "LEVEL", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Use this configuration file instead of looking for iam-ls.toml from the current directory
    /// upwards. Globs in it are relative to its directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The path to check stdin as (for the configuration's globs and the report).
    #[arg(long = "stdin-filename", value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Colour the text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Do not show the progress indicator.
    #[arg(long = "no-progress")]
    pub no_progress: bool,
    /// Also list the files that were skipped, and why (on stderr).
    #[arg(short, long)]
    pub verbose: bool,
}

/// `iam-ls explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The AccessDenied message (quoted, or as several words), or `-` to read a log from stdin.
    #[arg(value_name = "MESSAGE", required = true, num_args = 1.., allow_hyphen_values = true)]
    pub message: Vec<String>,
    /// Output: `text` (default), `markdown` (as the hover shows it) or `json` (schema in docs/cli.md).
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// `iam-ls explain --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
    Json,
}

/// `iam-ls decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// The encoded message (or text that contains it); `-` or nothing reads stdin.
    #[arg(value_name = "BLOB")]
    pub blob: Option<String>,
    /// The AWS profile (else `AWS_PROFILE`; iam-ls.toml cannot set it).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Send the STS call to this endpoint instead of AWS's (https://, or http:// for a loopback
    /// host; else `AWS_ENDPOINT_URL`; iam-ls.toml cannot set it).
    #[arg(long = "endpoint-url", value_name = "URL", value_parser = parse_endpoint_url)]
    pub endpoint_url: Option<String>,
    /// The AWS region (overrides `[aws] region`).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Time limit of the call in seconds (overrides `[aws] timeout_seconds`).
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<u64>,
    /// Use this configuration file instead of looking for iam-ls.toml upwards.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `iam-ls rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// A rule code (`IAM101`) or name (`invalid-action`): print its documentation.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
}

fn parse_kind(s: &str) -> Result<PolicyKind, String> {
    PolicyKind::from_name(s).ok_or_else(|| {
        format!(
            "unknown policy kind `{s}`; accepted: {}",
            PolicyKind::accepted_names()
        )
    })
}

fn parse_endpoint_url(s: &str) -> Result<String, String> {
    config::check_endpoint_url(s).map(|()| s.trim().to_string())
}

fn parse_timeout(s: &str) -> Result<u64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if (1..=config::MAX_TIMEOUT_SECONDS).contains(&n) => {
            u64::try_from(n).map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "expected whole seconds from 1 to {}",
            config::MAX_TIMEOUT_SECONDS
        )),
    }
}

/// The process's standard streams, or stand-ins for tests.
pub struct Io<'a> {
    /// Reports.
    pub out: &'a mut dyn Write,
    /// Errors, warnings, progress.
    pub err: &'a mut dyn Write,
    /// Standard input (read only when a command is given `-`).
    pub stdin: &'a mut dyn Read,
    /// Whether `out` is a terminal (colour).
    pub out_is_terminal: bool,
    /// Whether `err` is a terminal (progress indicator).
    pub err_is_terminal: bool,
    /// Whether `stdin` is a terminal (then a command that reads it says so first).
    pub stdin_is_terminal: bool,
    /// Today, as days since 1970-01-01 ([`crate::rules::support::today`]; fixed in tests).
    pub today: i64,
    /// Whether `NO_COLOR` is set (to anything but the empty string).
    pub no_color: bool,
    /// The directory relative paths are resolved against, and where the configuration search
    /// starts.
    pub cwd: PathBuf,
}

impl Io<'_> {
    /// Writes `iam-ls: error: {message}` to stderr.
    pub fn error(&mut self, message: impl std::fmt::Display) {
        let _ = writeln!(self.err, "iam-ls: error: {message}");
    }

    /// Writes `iam-ls: warning: {message}` to stderr.
    pub fn warning(&mut self, message: impl std::fmt::Display) {
        let _ = writeln!(self.err, "iam-ls: warning: {message}");
    }
}

/// Runs a CLI subcommand with the process's streams. `Command::Lsp` is not handled here (main
/// runs the server); it returns [`EXIT_ERROR`]. `runtime` builds the Tokio runtime for the
/// commands that call AWS.
pub fn run(command: Command, runtime: fn() -> io::Result<tokio::runtime::Runtime>) -> ExitCode {
    let stdout = io::stdout();
    let stderr = io::stderr();
    let out_is_terminal = stdout.is_terminal();
    let err_is_terminal = stderr.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    // Not locked: the progress indicator's thread writes to stderr too.
    let mut err = stderr;
    let stdin_is_terminal = io::stdin().is_terminal();
    let mut stdin = io::stdin().lock();
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "iam-ls: error: cannot read the current directory: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        stdin: &mut stdin,
        out_is_terminal,
        err_is_terminal,
        stdin_is_terminal,
        today: crate::rules::support::today(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        cwd,
    };
    let code = run_with(command, &mut io, runtime);
    if let Err(e) = io.out.flush()
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(io.err, "iam-ls: error: cannot write the output: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    ExitCode::from(code)
}

/// Runs a CLI subcommand against `io`; returns the exit status.
pub fn run_with(
    command: Command,
    io: &mut Io<'_>,
    runtime: fn() -> io::Result<tokio::runtime::Runtime>,
) -> u8 {
    match command {
        Command::Lsp { .. } => {
            io.error("`lsp` is run by the binary's entry point");
            EXIT_ERROR
        }
        Command::Check(args) => check::run(&args, io),
        Command::Explain(args) => explain::run(&args, io),
        Command::Decode(args) => decode::run(&args, io, runtime),
        Command::Rules(args) => rules::run(&args, io),
        Command::Version => {
            let _ = io.out.write_all(version_text(io.today).as_bytes());
            EXIT_OK
        }
        Command::Simulate(args) => simulate::run(&args, io),
    }
}

/// `check` warns when the embedded IAM data is older than this many days: AWS adds actions,
/// resource types and condition keys every week, and a policy using them would be reported as
/// unknown.
pub const DATA_MAX_AGE_DAYS: i64 = 90;

/// How many days old the embedded IAM data is on day `today` (days since 1970-01-01), or `None`
/// when its date is unknown.
pub fn data_age_days(today: i64) -> Option<i64> {
    let date = crate::catalog::data_version().date();
    let day = crate::rules::support::parse_instant(date)?.div_euclid(86_400);
    Some(today - day)
}

/// The warning `check` gives when the embedded data is older than [`DATA_MAX_AGE_DAYS`] on day
/// `today`.
pub fn stale_data_warning(today: i64) -> Option<String> {
    let age = data_age_days(today).filter(|age| *age > DATA_MAX_AGE_DAYS)?;
    Some(format!(
        "the embedded IAM data is from {} ({age} days ago): actions, resource types and \
         condition keys AWS added since then are reported as unknown; update iam-ls to a newer \
         release (or regenerate the data with `scripts/gen-catalog.sh --update`)",
        crate::catalog::data_version().date()
    ))
}

/// The `--version` text on day `today`: the crate version, then the embedded IAM data's version,
/// date and age.
pub fn version_text(today: i64) -> String {
    let data = crate::catalog::data_version();
    let age = match data_age_days(today) {
        Some(1) => ", 1 day old".to_string(),
        Some(n) if n >= 0 => format!(", {n} days old"),
        _ => String::new(),
    };
    format!(
        "iam-ls {}\nIAM data: {data}{age}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The configuration in effect and the directory its globs are relative to.
#[derive(Debug)]
pub struct LoadedConfig {
    /// The parsed configuration (the default one when there is no file).
    pub config: Config,
    /// The configuration file, when one was found or named.
    pub file: Option<PathBuf>,
    /// The directory paths are made relative to: the file's directory, or the current
    /// directory when there is no file.
    pub root: PathBuf,
}

/// Prints the configuration's warnings (entries of iam-ls.toml that only the user may set, so
/// they were ignored) to stderr, naming the file and the line.
pub fn warn_config(io: &mut Io<'_>, loaded: &LoadedConfig) {
    let Some(file) = &loaded.file else { return };
    let shown = input::display_path(&io.cwd, file);
    for w in loaded.config.warnings() {
        let _ = match (w.line(), w.column()) {
            (Some(l), Some(c)) => {
                writeln!(io.err, "iam-ls: warning: {shown}:{l}:{c}: {}", w.message)
            }
            _ => writeln!(io.err, "iam-ls: warning: {shown}: {}", w.message),
        };
    }
}

/// Finds and loads the configuration: `explicit` when given, else the first `iam-ls.toml` in
/// `cwd` or one of its parents. Every problem in the file is an error (the editor shows them
/// and goes on; a command line must not pass silently with half a configuration).
pub fn load_config(cwd: &Path, explicit: Option<&Path>) -> Result<LoadedConfig, String> {
    // A file named with --config is the user's choice and may be anywhere; a discovered one
    // must be a regular file in its directory (links resolved). Both are read with a cap.
    let (file, text) = match explicit {
        Some(p) => {
            let p = input::absolute(cwd, p);
            match config::read_file(None, &p)? {
                Some(text) => (p, text),
                None => {
                    return Err(format!(
                        "{}: the configuration file does not exist",
                        p.display()
                    ));
                }
            }
        }
        None => {
            let found = cwd.ancestors().find_map(|d| {
                let p = d.join(config::FILE_NAME);
                let meta = std::fs::symlink_metadata(&p).ok()?;
                (!meta.is_dir()).then(|| (d.to_path_buf(), p))
            });
            let Some((dir, p)) = found else {
                return Ok(LoadedConfig {
                    config: Config::default(),
                    file: None,
                    root: cwd.to_path_buf(),
                });
            };
            match config::read_file(Some(&dir), &p)? {
                Some(text) => (p, text),
                None => {
                    return Ok(LoadedConfig {
                        config: Config::default(),
                        file: None,
                        root: cwd.to_path_buf(),
                    });
                }
            }
        }
    };
    let root = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());
    let (config, mut errors) = Config::from_toml_str_lenient(&text);
    errors.extend(crate::rules::unknown_rule_errors(&config));
    if !errors.is_empty() {
        let shown = input::display_path(cwd, &file);
        let list: Vec<String> = errors
            .iter()
            .map(|e| match (e.line(), e.column()) {
                (Some(l), Some(c)) => format!("{shown}:{l}:{c}: {}", e.message),
                _ => format!("{shown}: {}", e.message),
            })
            .collect();
        return Err(format!(
            "the configuration has {} problem{}:\n  {}",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            list.join("\n  ")
        ));
    }
    Ok(LoadedConfig {
        config,
        file: Some(file),
        root,
    })
}

#[cfg(test)]
mod tests;
