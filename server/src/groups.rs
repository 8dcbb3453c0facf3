//! Policy groups: the `[[groups]]` of the configuration, put to work for the cross-file traps.
//!
//! A group lists the policies that apply to one principal (identity policies, its permissions
//! boundary, session policies, the SCPs and RCPs above it). To check one member against the
//! others, the caller needs the other members' texts: [`scan`] lists the files the groups name
//! under the workspace root (once per configuration load), [`peers`] says which of them belong
//! with a given document and in which role, and [`Member::new`] parses one of them. Open editor
//! buffers take the place of the file on disk; the caller decides that (see [`load`]).
//!
//! A file may belong to several groups (an SCP shared by every team, an identity policy attached
//! to two roles); the document is then checked once per group and the findings are merged.

use crate::config::Config;
use crate::document::{MAX_PARSE_BYTES, looks_like_json_object};
use crate::fs_guard;
use crate::policy::PolicyKind;
use crate::syntax::{self, Parse};
use std::path::Path;
use std::sync::Arc;

/// Directory entries [`scan`] looks at, at most (a guard against walking a huge tree).
pub const MAX_SCANNED_ENTRIES: usize = 50_000;

/// Directory levels [`scan`] descends, at most.
const MAX_DEPTH: usize = 24;

/// Directories [`scan`] never enters (besides hidden ones): build output and dependencies.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

/// Another policy of a document's group, parsed.
#[derive(Debug)]
pub struct Member {
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
    /// The role the group gives it.
    pub kind: PolicyKind,
    pub text: Arc<str>,
    pub parse: Parse,
}

impl Member {
    /// Parses `text`; `None` when it is not a JSON object small enough to analyse.
    pub fn new(path: String, kind: PolicyKind, text: Arc<str>) -> Option<Member> {
        if !looks_like_json_object(&text) {
            return None;
        }
        let parse = syntax::parse(&text);
        Some(Member {
            path,
            kind,
            text,
            parse,
        })
    }
}

/// The members of each group that `path` belongs to, other than `path` itself: one list per
/// group, in configuration order; each entry is `(relative path, role)`. `files` are the
/// candidate paths (what [`scan`] found, plus open documents); duplicates are ignored.
pub fn peers(config: &Config, path: &str, files: &[String]) -> Vec<Vec<(String, PolicyKind)>> {
    let mut out = Vec::new();
    for group in config.groups() {
        if group.kind_of(path).is_none() {
            continue;
        }
        let mut members: Vec<(String, PolicyKind)> = Vec::new();
        for file in files {
            if file == path || members.iter().any(|(p, _)| p == file) {
                continue;
            }
            if let Some(kind) = group.kind_of(file) {
                members.push((file.clone(), kind));
            }
        }
        members.sort();
        out.push(members);
    }
    out
}

/// True when some group names both `a` and `b` (so a change to one can change the findings of
/// the other).
pub fn share_a_group(config: &Config, a: &str, b: &str) -> bool {
    config
        .groups()
        .any(|g| g.kind_of(a).is_some() && g.kind_of(b).is_some())
}

/// What [`scan`] found: the members it will read, and those it refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Sorted relative paths of the regular files (or links to regular files inside the root)
    /// that some group names.
    pub files: Vec<String>,
    /// Files some group names that will not be read, with the reason: special files (FIFOs,
    /// devices, sockets) and symbolic links that lead outside the root. Sorted by path.
    pub refused: Vec<(String, String)>,
}

/// The files under `root` that some group names, as sorted relative paths. Hidden directories,
/// `node_modules` and `target` are skipped, symbolic links to directories are not followed,
/// and a named file that is not a regular file inside the root (after resolving links) is
/// refused (see [`crate::fs_guard`]); the walk stops after [`MAX_SCANNED_ENTRIES`] entries.
/// Empty when the configuration has no groups.
pub fn scan(config: &Config, root: &Path) -> Scanned {
    let mut out = Scanned::default();
    if config.groups().next().is_none() {
        return out;
    }
    let mut seen = 0usize;
    let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
    'walk: while let Some((dir, rel, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_SCANNED_ENTRIES {
                tracing::warn!(
                    "policy groups: stopped looking for files after {MAX_SCANNED_ENTRIES} entries under {}",
                    root.display()
                );
                break 'walk;
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let child = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if depth < MAX_DEPTH && !name.starts_with('.') && !SKIPPED_DIRS.contains(&name) {
                    stack.push((entry.path(), child, depth + 1));
                }
                continue;
            }
            if !config
                .groups()
                .any(|g| g.globs().any(|p| p.is_match(&child)))
            {
                continue;
            }
            match member_file(root, &entry.path(), file_type) {
                Ok(true) => out.files.push(child),
                Ok(false) => {}
                Err(why) => out.refused.push((child, why)),
            }
        }
    }
    out.files.sort();
    out.refused.sort();
    out
}

/// Whether a directory entry a group names is a member to read: `Ok(true)` for a regular file
/// (or a link to one inside `root`) of at most [`MAX_PARSE_BYTES`], `Ok(false)` for a link to a
/// directory (never followed), `Err` with the reason for anything else. (The size a regular
/// file reports is only used to say so early; [`read_member`] still reads with a cap.)
fn member_file(root: &Path, path: &Path, file_type: std::fs::FileType) -> Result<bool, String> {
    if !file_type.is_file() && !file_type.is_symlink() {
        return Err(fs_guard::GuardError::NotRegular {
            what: fs_guard::describe(file_type),
        }
        .to_string());
    }
    let real = if file_type.is_symlink() {
        fs_guard::within_root(root, path).map_err(|e| e.to_string())?
    } else {
        path.to_path_buf()
    };
    let meta = std::fs::metadata(&real).map_err(|e| fs_guard::GuardError::from(e).to_string())?;
    if meta.is_dir() {
        Ok(false)
    } else if !meta.is_file() {
        Err(fs_guard::GuardError::NotRegular {
            what: fs_guard::describe(meta.file_type()),
        }
        .to_string())
    } else if meta.len() > MAX_PARSE_BYTES as u64 {
        Err(fs_guard::GuardError::TooLarge {
            limit: MAX_PARSE_BYTES,
        }
        .to_string())
    } else {
        Ok(true)
    }
}

/// Reads a member from disk through [`fs_guard`]: `None` (logged) when it is not a regular file
/// inside `root`, cannot be read, is not UTF-8, or is larger than what is analysed.
pub fn read_member(root: &Path, path: &str, kind: PolicyKind) -> Option<Member> {
    match fs_guard::read_text_in_root(root, &root.join(path), MAX_PARSE_BYTES) {
        Ok(text) => Member::new(path.to_string(), kind, Arc::from(text)),
        Err(e) => {
            tracing::warn!("policy groups: {path}: {e}");
            None
        }
    }
}

/// The parsed members of each group `path` belongs to: the text of an open document where
/// `open` has one for the path, else the file under `root`. Members that cannot be read or
/// parsed are left out.
pub fn load(
    config: &Config,
    root: Option<&Path>,
    path: &str,
    files: &[String],
    open: &dyn Fn(&str) -> Option<Arc<str>>,
) -> Vec<Vec<Arc<Member>>> {
    let mut loaded: Vec<Arc<Member>> = Vec::new();
    peers(config, path, files)
        .into_iter()
        .map(|group| {
            group
                .into_iter()
                .filter_map(|(p, kind)| {
                    if let Some(m) = loaded.iter().find(|m| m.path == p && m.kind == kind) {
                        return Some(m.clone());
                    }
                    let member = match open(&p) {
                        Some(text) => Member::new(p, kind, text),
                        None => read_member(root?, &p, kind),
                    }?;
                    let member = Arc::new(member);
                    loaded.push(member.clone());
                    Some(member)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_toml_str(
            r#"
[[groups]]
name = "dev"
identity = ["roles/dev/*.json"]
boundary = "boundaries/dev.json"
scps = ["scps/*.json"]

[[groups]]
name = "ops"
identity = ["roles/ops/*.json", "roles/shared.json"]
scps = ["scps/*.json"]
"#,
        )
        .expect("valid configuration")
    }

    fn files() -> Vec<String> {
        [
            "roles/dev/a.json",
            "roles/dev/b.json",
            "roles/ops/c.json",
            "roles/shared.json",
            "boundaries/dev.json",
            "scps/region.json",
            "other/x.json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn peers_are_the_other_members_of_each_group() {
        let c = config();
        let dev = peers(&c, "roles/dev/a.json", &files());
        assert_eq!(dev.len(), 1);
        assert_eq!(
            dev[0],
            vec![
                (
                    "boundaries/dev.json".to_string(),
                    PolicyKind::PermissionsBoundary
                ),
                ("roles/dev/b.json".to_string(), PolicyKind::Identity),
                ("scps/region.json".to_string(), PolicyKind::ServiceControl),
            ]
        );
        // The shared SCP is in both groups.
        let scp = peers(&c, "scps/region.json", &files());
        assert_eq!(scp.len(), 2);
        assert!(scp[1].contains(&("roles/shared.json".to_string(), PolicyKind::Identity)));
        assert!(peers(&c, "other/x.json", &files()).is_empty());
        assert!(share_a_group(&c, "roles/dev/a.json", "boundaries/dev.json"));
        assert!(!share_a_group(
            &c,
            "roles/ops/c.json",
            "boundaries/dev.json"
        ));
        assert!(share_a_group(&c, "roles/ops/c.json", "scps/region.json"));
    }

    #[test]
    fn scan_finds_the_named_files_and_load_prefers_open_texts() {
        let dir = std::env::temp_dir().join(format!("iam-ls-groups-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, text) in [
            ("roles/dev/a.json", r#"{"Statement": []}"#),
            (
                "boundaries/dev.json",
                r#"{"Statement": [{"Effect": "Allow"}]}"#,
            ),
            ("scps/region.json", "not json"),
            ("node_modules/scps/x.json", "{}"),
            (".git/roles/dev/z.json", "{}"),
            ("notes.txt", "x"),
        ] {
            let file = dir.join(p);
            std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&file, text).expect("write");
        }
        let c = config();
        let found = scan(&c, &dir).files;
        assert_eq!(
            found,
            vec![
                "boundaries/dev.json",
                "roles/dev/a.json",
                "scps/region.json"
            ]
        );
        let open_text: Arc<str> = Arc::from(r#"{"Statement": [{"Effect": "Deny"}]}"#);
        let open = |p: &str| (p == "boundaries/dev.json").then(|| open_text.clone());
        let groups = load(&c, Some(&dir), "roles/dev/a.json", &found, &open);
        assert_eq!(groups.len(), 1);
        // The SCP is not JSON: left out. The boundary comes from the open buffer.
        assert_eq!(groups[0].len(), 1);
        assert_eq!(groups[0][0].path, "boundaries/dev.json");
        assert!(groups[0][0].text.contains("Deny"));
        // Without the buffer, the file on disk.
        let groups = load(&c, Some(&dir), "roles/dev/a.json", &found, &|_| None);
        assert!(groups[0][0].text.contains("Allow"));
        // No groups, no walk.
        assert_eq!(scan(&Config::default(), &dir), Scanned::default());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn scan_refuses_special_files_and_links_out_of_the_root() {
        let base =
            std::env::temp_dir().join(format!("iam-ls-groups-special-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join("ws");
        let outside = base.join("outside");
        std::fs::create_dir_all(dir.join("scps")).expect("mkdir");
        std::fs::create_dir_all(dir.join("roles/dev")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(outside.join("secret.json"), r#"{"Statement": []}"#).expect("write");
        std::fs::write(dir.join("roles/dev/a.json"), r#"{"Statement": []}"#).expect("write");
        std::fs::write(dir.join("scps/real.json"), r#"{"Statement": []}"#).expect("write");
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, dir.join(name)).expect("symlink")
        };
        link(Path::new("/dev/zero"), "scps/zero.json");
        link(&outside.join("secret.json"), "scps/secret.json");
        link(&dir.join("scps/real.json"), "scps/inner.json");
        std::fs::write(dir.join("scps/big.json"), " ".repeat(MAX_PARSE_BYTES + 1)).expect("write");
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("scps/fifo.json"))
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let scanned = scan(&config(), &dir);
        assert_eq!(
            scanned.files,
            vec!["roles/dev/a.json", "scps/inner.json", "scps/real.json"]
        );
        let refused: Vec<&str> = scanned.refused.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            refused,
            [
                "scps/big.json",
                "scps/fifo.json",
                "scps/secret.json",
                "scps/zero.json"
            ]
        );
        let why = |i: usize| scanned.refused[i].1.as_str();
        assert!(why(0).contains("larger than"), "{:?}", scanned.refused);
        assert!(why(1).contains("a FIFO"), "{:?}", scanned.refused);
        assert!(why(2).contains("outside the workspace"));
        assert!(why(3).contains("outside the workspace"));
        // Reading a refused name directly (a race with the scan) is refused as well.
        assert!(read_member(&dir, "scps/secret.json", PolicyKind::ServiceControl).is_none());
        assert!(read_member(&dir, "scps/zero.json", PolicyKind::ServiceControl).is_none());
        assert!(read_member(&dir, "scps/inner.json", PolicyKind::ServiceControl).is_some());
        let _ = std::fs::remove_dir_all(&base);
    }
}
