//! The `iam-ls` binary: the language server on stdio.

fn main() {}
