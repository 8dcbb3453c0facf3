//! The `iam-ls` binary: the language server on stdio, and the command line.
//!
//! - `iam-ls`, `iam-ls lsp`, `iam-ls --stdio`, `iam-ls lsp --stdio`: serve LSP on
//!   stdin/stdout. Logs go to stderr, filtered by `RUST_LOG` (default `warn`). The exit status is
//!   0 after `shutdown` + `exit`, 1 when the client exits without `shutdown` or closes the input.
//! - `iam-ls --version` (or `iam-ls version`): the version and the embedded IAM data's version,
//!   date and age.
//! - `iam-ls check | explain | decode | rules`: the command line ([`iam_ls::cli`]).
//!
//! Bad arguments exit with status 2 and a usage message on stderr (stdout stays empty).

use clap::Parser;
use iam_ls::cli::{self, Args, Command};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of the system allocator: analysis allocates many small, short-lived blocks
/// (one per JSON string and container of the tree, one per finding), and mimalloc's thread-local
/// free lists serve them in a fraction of glibc's time (docs/benchmarks.md). The library does not
/// choose an allocator; only this binary does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process (Linux). Where the system enables them
/// for every mapping (`/sys/kernel/mm/transparent_hugepage/enabled` = `always`), memory the
/// allocator gave back and takes again came back as a 2 MiB page zeroed in one fault: about 6%
/// of a keystroke's CPU in a 100 KB policy, and the slowest keystrokes (docs/benchmarks.md). A
/// language server's heap is small; 4 KiB pages cost it nothing. The setting is inherited by
/// the programs the server starts (an AWS `credential_process`), which lose nothing either.
/// Failure changes nothing but speed, so it is ignored.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> ExitCode {
    no_huge_pages();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // Help goes to stdout with status 0; errors to stderr with status 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                cli::EXIT_ERROR
            } else {
                cli::EXIT_OK
            });
        }
    };
    if args.version {
        // stdout is free here: the LSP transport is not running.
        let _ = std::io::stdout()
            .write_all(cli::version_text(iam_ls::rules::support::today()).as_bytes());
        return ExitCode::SUCCESS;
    }
    init_logging();
    match args.command {
        None | Some(Command::Lsp { .. }) => serve(),
        Some(command) => cli::run(command, runtime),
    }
}

/// A current-thread runtime: start-up is measurably cheaper than a multi-thread one (no worker
/// threads), and analysis runs on the blocking pool anyway.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Runs the language server on stdin/stdout until the client exits.
fn serve() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("panic: {info}");
    }));
    let runtime = match runtime() {
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

/// Logs to stderr (stdout carries the protocol or the report), level from `RUST_LOG`, default
/// `warn`.
fn init_logging() {
    let filter: EnvFilter = iam_ls::logging::env_filter();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
