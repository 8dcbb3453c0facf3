//! The three `check` output formats: [`text`], [`json`] and [`sarif`].
//!
//! Whatever the format, the errors (files that could not be checked) also go to stderr as
//! `iam-ls: error: PATH: MESSAGE`, so they show in a CI log even when stdout is redirected to a
//! report file; `--verbose` adds the quietly skipped files there.

pub mod json;
pub mod sarif;
pub mod text;

use super::check::{Outcome, Report};
use super::{CheckArgs, ColorChoice, Format, Io};
use std::io;

/// Writes `report` in the format `args` asks for.
pub fn write_report(args: &CheckArgs, io: &mut Io<'_>, report: &Report) -> io::Result<()> {
    for e in &report.errors {
        writeln!(
            io.err,
            "iam-ls: error: {}: {}",
            sanitize(&e.display),
            sanitize(&e.message)
        )?;
    }
    for n in &report.notes {
        writeln!(
            io.err,
            "iam-ls: note: skipped {}: {}",
            sanitize(&n.display),
            sanitize(&n.message)
        )?;
    }
    for f in &report.files {
        if let Outcome::Skipped { reason, note } = &f.outcome
            && (*note || args.verbose)
        {
            writeln!(
                io.err,
                "iam-ls: {}skipped {}: {}",
                if *note { "note: " } else { "" },
                sanitize(&f.target.display),
                sanitize(reason)
            )?;
        }
    }
    match args.format {
        Format::Text => {
            let color = use_color(args.color, io.out_is_terminal, io.no_color);
            text::write(&mut *io.out, report, color)
        }
        Format::Json => json::write(&mut *io.out, report),
        Format::Sarif => sarif::write(&mut *io.out, report),
    }
}

/// Whether the text report is coloured: `always`, `never`, or for `auto` only when stdout is a
/// terminal and `NO_COLOR` is not set.
pub fn use_color(choice: ColorChoice, out_is_terminal: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => out_is_terminal && !no_color,
    }
}

/// Replaces control characters (escape sequences from a hostile file must not reach the
/// terminal) with U+FFFD; tabs become spaces.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_color(ColorChoice::Auto, true, false));
        assert!(!use_color(ColorChoice::Auto, true, true));
        assert!(!use_color(ColorChoice::Auto, false, false));
        assert!(use_color(ColorChoice::Always, false, true));
        assert!(!use_color(ColorChoice::Never, true, false));
    }

    #[test]
    fn sanitize_removes_terminal_escapes() {
        assert_eq!(sanitize("a\x1b[31mb\tc"), "a\u{FFFD}[31mb c");
        assert_eq!(sanitize("é ok"), "é ok");
    }
}
