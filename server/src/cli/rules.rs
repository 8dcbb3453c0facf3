//! `iam-ls rules`: the rule list (code, name, severity, policy kinds, summary), or one rule's
//! documentation page (the same page as `docs/rules/<name>.md`).

use super::{EXIT_ERROR, EXIT_OK, Io, RulesArgs};
use crate::rules::{self, Rule};

/// The rule table as text: one rule per line, aligned columns, a header.
pub fn table(rules: &[&Rule]) -> String {
    let header = ["CODE", "NAME", "SEVERITY", "KINDS", "SUMMARY"];
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|r| {
            [
                r.code.to_string(),
                r.name.to_string(),
                r.severity.name().to_string(),
                r.kinds.describe(),
                r.summary.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == cells.len() - 1 {
                s.push_str(cell);
            } else {
                s.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                s.push_str(&" ".repeat(pad));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(header);
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    out
}

/// Rule codes and names close to `id`, for "did you mean".
fn suggestions(id: &str) -> Vec<&'static str> {
    let id = id.to_ascii_lowercase();
    rules::all()
        .iter()
        .filter(|r| {
            let code = r.code.to_ascii_lowercase();
            (id.len() >= 3 && (r.name.contains(&id) || code.contains(&id)))
                || (!r.name.is_empty() && id.contains(r.name))
        })
        .map(|r| r.name)
        .take(5)
        .collect()
}

/// Runs `rules`; returns the exit status.
pub fn run(args: &RulesArgs, io: &mut Io<'_>) -> u8 {
    let text = match args.code.as_deref() {
        None => table(rules::all()),
        Some(id) => match rules::find(id) {
            Some(rule) => rules::docs::render_page(rule),
            None => {
                let near = suggestions(id);
                let hint = if near.is_empty() {
                    "; `iam-ls rules` lists them all".to_string()
                } else {
                    format!("; did you mean {}?", near.join(", "))
                };
                io.error(format!("no rule `{id}`{hint}"));
                return EXIT_ERROR;
            }
        },
    };
    match io.out.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            io.error(format!("cannot write the output: {e}"));
            EXIT_ERROR
        }
    }
}
