//! Collects the doc comment of every rule file (`src/rules/<category>/<rule>.rs`, the `//!` lines
//! at the top) into `$OUT_DIR/rule_docs.rs`, so the binary can show a rule's docs (hover on a rule
//! code, `iam-ls rules CODE`) while the doc comment stays the only copy of them.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let rules = Path::new("src/rules");
    println!("cargo::rerun-if-changed=src/rules");
    let mut entries = Vec::new();
    let mut categories: Vec<_> = fs::read_dir(rules)
        .expect("src/rules exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    categories.sort();
    for dir in categories {
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .expect("readable rule category")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter(|p| p.file_stem().is_some_and(|s| s != "mod"))
            .collect();
        files.sort();
        for file in files {
            println!("cargo::rerun-if-changed={}", file.display());
            let text = fs::read_to_string(&file).expect("readable rule file");
            let doc: String = text
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .map(|l| {
                    let l = &l[3..];
                    let l = l.strip_prefix(' ').unwrap_or(l);
                    format!("{l}\n")
                })
                .collect();
            let stem = file
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .replace('_', "-");
            entries.push((stem, doc));
        }
    }
    let mut out =
        String::from("/// (rule name, doc comment) for every rule file, sorted by path.\n");
    out.push_str("pub static RULE_DOCS: &[(&str, &str)] = &[\n");
    for (name, doc) in entries {
        writeln!(out, "    ({name:?}, {doc:?}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    fs::write(dest, out).unwrap();
}
