//! The size budget of the release binary: `iam-ls-bench --size PATH` checks that the binary a
//! user installs (the release profile strips it) stays under [`BUDGET_BYTES`]. Unlike the
//! timing scenarios, which report and never judge, this is a pass/fail check: CI runs it on the
//! binary `cargo install --path server` produced (.ci/run), and docs/benchmarks.md records the
//! figures behind the release profile.

use std::path::Path;

/// The budget: 25 MB (decimal), what language servers people already trust ship (ruff,
/// rust-analyzer: 20-40 MB) with room for the embedded IAM data to grow.
pub const BUDGET_BYTES: u64 = 25_000_000;

/// `bytes` as MB with one decimal.
fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Checks the file at `path` against [`BUDGET_BYTES`]: `Ok` with a one-line report when it is
/// within budget, `Err` saying by how much it is over (or why it could not be read).
pub fn check(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{}: not a file", path.display()));
    }
    let size = meta.len();
    let line = format!(
        "{}: {} ({size} bytes), budget {}",
        path.display(),
        mb(size),
        mb(BUDGET_BYTES)
    );
    if size < BUDGET_BYTES {
        Ok(format!("{line}: within budget"))
    } else {
        Err(format!(
            "{line}: over budget by {} (is the release profile still stripping it?)",
            mb(size - BUDGET_BYTES)
        ))
    }
}

/// `--size PATH` anywhere in the arguments: the check's exit status (0 within budget, 1 over or
/// unreadable), after printing its report; `None` when the option is absent.
pub fn run_if_requested(args: &[String]) -> Option<std::process::ExitCode> {
    let at = args.iter().position(|a| a == "--size")?;
    let Some(path) = args.get(at + 1) else {
        eprintln!("iam-ls-bench: --size needs the path of a binary");
        return Some(std::process::ExitCode::from(2));
    };
    Some(match check(Path::new(path)) {
        Ok(report) => {
            println!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Err(report) => {
            eprintln!("iam-ls-bench: size check failed: {report}");
            std::process::ExitCode::FAILURE
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, len: u64) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("iam-ls-bench-size-{}-{name}", std::process::id()));
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: no disk space used.
        file.set_len(len).unwrap();
        path
    }

    #[test]
    fn a_binary_under_the_budget_passes_and_one_over_fails() {
        let small = scratch("small", 17_000_000);
        let report = check(&small).expect("17 MB is within budget");
        assert!(
            report.contains("17.0 MB") && report.ends_with("within budget"),
            "{report}"
        );
        let big = scratch("big", 127_000_000);
        let err = check(&big).expect_err("127 MB is over budget");
        assert!(err.contains("over budget by 102.0 MB"), "{err}");
        let edge = scratch("edge", BUDGET_BYTES);
        assert!(check(&edge).is_err(), "the budget is a strict upper bound");
        for p in [small, big, edge] {
            std::fs::remove_file(p).unwrap();
        }
        assert!(check(Path::new("/nonexistent/iam-ls")).is_err());
    }
}
