//! The `iam-ls` binary: the language server on stdio.
//!
//! `iam-ls`, `iam-ls lsp` and `iam-ls --stdio` (in any combination) serve LSP on stdin/stdout;
//! `iam-ls --version` prints the version. Logs go to stderr, filtered by `RUST_LOG` (default
//! `warn`). The exit status is 0 after `shutdown` + `exit`, 1 when the client exits without
//! `shutdown` or closes the input, 2 on bad arguments.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-V") {
        // stdout is free here: the LSP transport is not running.
        let _ = writeln!(std::io::stdout(), "iam-ls {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if let Some(bad) = args.iter().find(|a| *a != "lsp" && *a != "--stdio") {
        let _ = writeln!(
            std::io::stderr(),
            "iam-ls: unknown argument `{bad}`\nusage: iam-ls [lsp] [--stdio] | iam-ls --version"
        );
        return ExitCode::from(2);
    }
    init_logging();
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("panic: {info}");
    }));

    // A current-thread runtime: start-up is measurably cheaper than a multi-thread one (no
    // worker threads), and analysis runs on the blocking pool anyway.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let clean = runtime.block_on(iam_ls::lsp::run_stdio());
    // The stdin reader may be parked in a blocking read: do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Logs to stderr (stdout carries the protocol), level from `RUST_LOG`, default `warn`.
fn init_logging() {
    let filter: EnvFilter = iam_ls::logging::env_filter();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
