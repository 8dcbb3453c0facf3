//! Turning command-line paths into files to check, and reading them safely.
//!
//! - [`collect`] expands the `check` arguments: files are taken as named; directories are walked
//!   recursively (entries sorted by name, hidden entries and `node_modules` skipped, symbolic
//!   links to files followed when they stay inside the directory argument or the configuration
//!   root, symbolic links to directories not, so a link loop cannot trap the walk; special files
//!   and links leading elsewhere become notes). In a directory, a file is a candidate when its
//!   name ends in `.json`, `.yaml`, `.yml`, `.template` (CloudFormation/SAM templates) or `.tf`
//!   (Terraform), or when a `[kinds]` pattern of the configuration matches it.
//! - [`read_text`] reads one file (or stdin) as UTF-8 text with a size limit, and says clearly
//!   why it cannot: too large, binary, UTF-16, invalid UTF-8, unreadable.

use crate::config::Config;
use crate::document::MAX_PARSE_BYTES;
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest file `check` reads: the largest text the editor parses as JSON.
pub const MAX_FILE_BYTES: usize = MAX_PARSE_BYTES;

/// Directory entries never descended into (besides hidden ones).
const SKIPPED_DIRS: &[&str] = &["node_modules"];

/// Why a file was found: named on the command line, or met while walking a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Named on the command line (or stdin): it must be a policy.
    Named,
    /// Found in a directory; `configured` when a `[kinds]` pattern matched it (then it must be a
    /// policy too), otherwise non-policy files are skipped quietly.
    Walked {
        /// Index of the directory argument it came from.
        dir: usize,
        /// A `[kinds]` pattern matched it.
        configured: bool,
    },
}

impl Origin {
    /// Whether a problem with this file is an error (true) or a reason to skip it quietly.
    pub fn must_be_policy(self) -> bool {
        match self {
            Origin::Named => true,
            Origin::Walked { configured, .. } => configured,
        }
    }
}

/// One thing to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Where to read it; `None` for stdin.
    pub file: Option<PathBuf>,
    /// How to show it: relative to the current directory when it is below it.
    pub display: String,
    /// Relative to the configuration root with `/` separators (for globs and silencing);
    /// `None` when it is outside the root.
    pub rel: Option<String>,
    /// How it was found.
    pub origin: Origin,
}

/// A directory argument, for the "no policies found" check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirArg {
    /// As shown.
    pub display: String,
    /// Candidate files found in it.
    pub candidates: usize,
}

/// A path argument that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The path, as shown.
    pub display: String,
    /// What is wrong.
    pub message: String,
}

/// The expanded arguments.
#[derive(Debug, Default)]
pub struct Collected {
    /// Files to check, in argument order (directories' files sorted by path).
    pub targets: Vec<Target>,
    /// The directory arguments, indexed by [`Origin::Walked::dir`].
    pub dirs: Vec<DirArg>,
    /// Arguments that do not exist or cannot be listed, and unreadable subdirectories.
    pub errors: Vec<InputError>,
    /// Files met in directories that are not read: special files (FIFOs, devices, sockets) and
    /// symbolic links that lead outside both the directory argument and the configuration root.
    pub notes: Vec<InputError>,
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved lexically (symbolic links are
/// kept as written).
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` with `/` separators, when it is below `base`.
pub fn relative_to(base: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// How to show `path` (absolute): relative to `cwd` when below it, else in full.
pub fn display_path(cwd: &Path, path: &Path) -> String {
    match relative_to(cwd, path) {
        Some(rel) if !rel.is_empty() => rel,
        Some(_) => ".".to_string(),
        None => path.to_string_lossy().into_owned(),
    }
}

/// Expands the `check` arguments (`-` is handled by the caller and must not be passed).
pub fn collect(cwd: &Path, root: &Path, config: &Config, args: &[PathBuf]) -> Collected {
    let mut out = Collected::default();
    for arg in args {
        let abs = absolute(cwd, arg);
        let display = display_path(cwd, &abs);
        match std::fs::metadata(&abs) {
            Err(e) => out.errors.push(InputError {
                display,
                message: io_message(&e),
            }),
            Ok(m) if m.is_dir() => {
                let dir = out.dirs.len();
                out.dirs.push(DirArg {
                    display: display.clone(),
                    candidates: 0,
                });
                let before = out.targets.len();
                let walk_root = Walk {
                    cwd,
                    root,
                    top: &abs,
                    config,
                    index: dir,
                };
                walk_root.walk(&abs, 0, &mut out);
                out.dirs[dir].candidates = out.targets.len() - before;
            }
            Ok(_) => out.targets.push(Target {
                rel: relative_to(root, &abs),
                file: Some(abs),
                display,
                origin: Origin::Named,
            }),
        }
    }
    out
}

/// Deepest directory nesting followed (deeper trees are reported, not walked).
const MAX_DEPTH: usize = 64;

/// One directory argument being walked.
struct Walk<'a> {
    cwd: &'a Path,
    /// The configuration root.
    root: &'a Path,
    /// The directory argument.
    top: &'a Path,
    config: &'a Config,
    /// Index of the directory argument.
    index: usize,
}

impl Walk<'_> {
    fn walk(&self, dir: &Path, depth: usize, out: &mut Collected) {
        let cwd = self.cwd;
        if depth > MAX_DEPTH {
            out.errors.push(InputError {
                display: display_path(cwd, dir),
                message: format!("nested more than {MAX_DEPTH} directories deep; not checked"),
            });
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(InputError {
                    display: display_path(cwd, dir),
                    message: format!("cannot list the directory: {}", io_message(&e)),
                });
                return;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_ref()) {
                    self.walk(&path, depth + 1, out);
                }
                continue;
            }
            let rel = relative_to(self.root, &path);
            let configured = rel
                .as_deref()
                .is_some_and(|r| self.config.kind_for_path(r).is_some());
            // JSON files, YAML files that may be CloudFormation/SAM templates (a YAML file that
            // is not a template is skipped after reading) and Terraform files.
            let json = name.rsplit_once('.').is_some_and(|(_, ext)| {
                ["json", "yaml", "yml", "template", "tf"]
                    .iter()
                    .any(|e| ext.eq_ignore_ascii_case(e))
            });
            if !json && !configured {
                continue;
            }
            // A candidate must be a regular file; a symbolic link counts when it leads to one
            // inside the directory argument or the configuration root (never into directories).
            match self.candidate(&path, file_type) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(message) => {
                    out.notes.push(InputError {
                        display: display_path(cwd, &path),
                        message,
                    });
                    continue;
                }
            }
            out.targets.push(Target {
                display: display_path(cwd, &path),
                file: Some(path),
                rel,
                origin: Origin::Walked {
                    dir: self.index,
                    configured,
                },
            });
        }
    }

    /// `Ok(true)`: read it; `Ok(false)`: leave it quietly (a link to a directory); `Err`: why
    /// it is not read (shown as a note).
    fn candidate(&self, path: &Path, file_type: std::fs::FileType) -> Result<bool, String> {
        use crate::fs_guard::{self, GuardError};
        if file_type.is_file() {
            return Ok(true);
        }
        if !file_type.is_symlink() {
            return Err(GuardError::NotRegular {
                what: fs_guard::describe(file_type),
            }
            .to_string());
        }
        let real = match fs_guard::within_root(self.top, path) {
            Ok(real) => real,
            Err(GuardError::OutsideRoot { .. }) => {
                fs_guard::within_root(self.root, path).map_err(|e| e.to_string())?
            }
            Err(GuardError::NotFound) => return Ok(false),
            Err(e) => return Err(e.to_string()),
        };
        let meta = std::fs::metadata(&real).map_err(|e| io_message(&e))?;
        if meta.is_file() {
            Ok(true)
        } else if meta.is_dir() {
            Ok(false)
        } else {
            Err(GuardError::NotRegular {
                what: fs_guard::describe(meta.file_type()),
            }
            .to_string())
        }
    }
}

/// Why a file's content cannot be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge {
        /// The size, in bytes (at least the limit plus one when it could not be known).
        bytes: u64,
    },
    /// Contains NUL bytes.
    Binary,
    /// Starts with a UTF-16 byte order mark.
    Utf16,
    /// Not valid UTF-8; the first bad byte is at this 1-based line and byte offset.
    InvalidUtf8 {
        /// 1-based line of the first bad byte.
        line: usize,
        /// Byte offset of the first bad byte.
        offset: usize,
    },
    /// Not a regular file: what it is (a FIFO, a character device...).
    NotAFile(&'static str),
    /// The operating system refused.
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::TooLarge { bytes } => write!(
                f,
                "too large to be a policy ({}; the limit is {}), not checked",
                human_size(*bytes),
                human_size(MAX_FILE_BYTES as u64)
            ),
            ReadError::Binary => f.write_str("binary content (it contains NUL bytes), not checked"),
            ReadError::Utf16 => {
                f.write_str("UTF-16 text, not checked; save it as UTF-8 (IAM policies are UTF-8)")
            }
            ReadError::InvalidUtf8 { line, offset } => write!(
                f,
                "not valid UTF-8 (first bad byte on line {line}, byte offset {offset}), not checked; \
                 save it as UTF-8"
            ),
            ReadError::NotAFile(what) => write!(f, "not a regular file ({what}), not checked"),
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

/// Sizes for messages: bytes, KiB or MiB with one decimal.
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// An I/O error as a short sentence (no "(os error 2)" noise).
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// Reads the file at `path` as policy text, through [`crate::fs_guard`]: opened without
/// blocking, refused unless the opened file is a regular file, read with a cap.
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    use crate::fs_guard::{self, GuardError};
    match fs_guard::read(path, MAX_FILE_BYTES) {
        Ok(bytes) => decode(bytes),
        Err(GuardError::NotRegular { what }) => Err(ReadError::NotAFile(what)),
        Err(GuardError::TooLarge { .. }) => {
            let bytes = std::fs::metadata(path)
                .map(|m| m.len())
                .unwrap_or(0)
                .max(MAX_FILE_BYTES as u64 + 1);
            Err(ReadError::TooLarge { bytes })
        }
        Err(GuardError::NotFound) => Err(ReadError::Io("no such file or directory".to_string())),
        Err(GuardError::Io(e)) => Err(ReadError::Io(io_message(&e))),
        Err(e @ GuardError::OutsideRoot { .. }) => Err(ReadError::Io(e.to_string())),
    }
}

/// Reads at most [`MAX_FILE_BYTES`] from `reader` and checks that it is UTF-8 text. A UTF-8
/// byte order mark is dropped (editors hide it too).
pub fn read_text(reader: impl Read) -> Result<String, ReadError> {
    match crate::fs_guard::read_capped(reader, MAX_FILE_BYTES) {
        Ok(bytes) => decode(bytes),
        Err(crate::fs_guard::GuardError::TooLarge { .. }) => Err(ReadError::TooLarge {
            bytes: MAX_FILE_BYTES as u64 + 1,
        }),
        Err(crate::fs_guard::GuardError::Io(e)) => Err(ReadError::Io(io_message(&e))),
        Err(e) => Err(ReadError::Io(e.to_string())),
    }
}

/// Checks `bytes` as UTF-8 policy text.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::Utf16);
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count();
        ReadError::InvalidUtf8 { line, offset }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dots_lexically() {
        let cwd = Path::new("/a/b");
        assert_eq!(absolute(cwd, Path::new("c/./d")), PathBuf::from("/a/b/c/d"));
        assert_eq!(absolute(cwd, Path::new("../x")), PathBuf::from("/a/x"));
        assert_eq!(absolute(cwd, Path::new("/z/../y")), PathBuf::from("/y"));
        assert_eq!(absolute(cwd, Path::new(".")), PathBuf::from("/a/b"));
    }

    #[test]
    fn display_and_relative_paths() {
        let cwd = Path::new("/repo");
        assert_eq!(display_path(cwd, Path::new("/repo/p/a.json")), "p/a.json");
        assert_eq!(display_path(cwd, Path::new("/repo")), ".");
        assert_eq!(
            display_path(cwd, Path::new("/other/a.json")),
            "/other/a.json"
        );
        assert_eq!(relative_to(cwd, Path::new("/other")), None);
    }

    #[test]
    fn decoding_rejects_what_is_not_utf8_text() {
        assert_eq!(decode(b"{}".to_vec()), Ok("{}".to_string()));
        assert_eq!(decode(b"\xEF\xBB\xBF{}".to_vec()), Ok("{}".to_string()));
        assert_eq!(decode(b"\xFF\xFE{\0}\0".to_vec()), Err(ReadError::Utf16));
        assert_eq!(decode(b"{\0}".to_vec()), Err(ReadError::Binary));
        assert_eq!(
            decode(b"{\n\"a\": \"\xC3\x28\"}".to_vec()),
            Err(ReadError::InvalidUtf8 { line: 2, offset: 8 })
        );
    }

    #[test]
    fn reading_stops_at_the_limit() {
        let big = std::io::repeat(b' ').take(MAX_FILE_BYTES as u64 + 10);
        assert!(matches!(
            read_text(big),
            Err(ReadError::TooLarge { bytes }) if bytes == MAX_FILE_BYTES as u64 + 1
        ));
        assert_eq!(human_size(100 * 1024 * 1024), "100.0 MiB");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(12), "12 bytes");
    }
}
