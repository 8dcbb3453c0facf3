//! Unit tests of the argument grammar and the commands over in-memory streams.

use super::*;

fn parse(args: &[&str]) -> Result<Args, clap::Error> {
    Args::try_parse_from(std::iter::once("iam-ls").chain(args.iter().copied()))
}

#[test]
fn no_arguments_lsp_and_stdio_all_mean_the_server() {
    for args in [
        &[][..],
        &["lsp"],
        &["--stdio"],
        &["lsp", "--stdio"],
        &["--stdio", "lsp"],
    ] {
        let parsed = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(
            matches!(parsed.command, None | Some(Command::Lsp { .. })),
            "{args:?}"
        );
    }
}
