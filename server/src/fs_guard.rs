//! The one safe way to read a file that a repository chose: `iam-ls.toml`, the members of its
//! `[[groups]]`, the files `iam-ls check` finds in folders.
//!
//! A repository is not trusted. A file in it may be a symbolic link to `/dev/zero` (endless,
//! and its size says 0), to `/dev/urandom`, to a FIFO that blocks `open()` until someone writes,
//! or to a file outside the repository (the user's `~/.aws/credentials`). Every read here:
//!
//! - resolves symbolic links and, when a root is given, refuses a file whose real path is not
//!   below the real root ([`within_root`]);
//! - opens without blocking (`O_NONBLOCK` on unix: opening a FIFO returns at once), then checks
//!   the **opened handle** (not the path, which may change in between) is a regular file;
//! - reads at most `limit + 1` bytes (`Read::take`), never trusting the reported size.
//!
//! Errors name what the file is ([`GuardError`]), so callers can tell the user which file was
//! refused and why.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
pub enum GuardError {
    /// There is no such file (or a dangling link).
    NotFound,
    /// Not a regular file: `what` says what it is ("a FIFO", "a character device", ...).
    NotRegular {
        /// What the file is.
        what: &'static str,
    },
    /// Its real path (links resolved) is outside the root it was looked up in.
    OutsideRoot {
        /// The real path.
        target: PathBuf,
    },
    /// Larger than the limit (only the limit plus one byte was read).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The operating system refused.
    Io(std::io::Error),
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardError::NotFound => f.write_str("no such file"),
            GuardError::NotRegular { what } => {
                write!(f, "not a regular file ({what}), not read")
            }
            GuardError::OutsideRoot { .. } => f.write_str(
                "a symbolic link to a file outside the workspace, not read (a repository may \
                 only make iam-ls read files inside it)",
            ),
            GuardError::TooLarge { limit } => {
                write!(f, "larger than {limit} bytes, not read")
            }
            GuardError::Io(e) => write!(f, "cannot read it: {e}"),
        }
    }
}

impl std::error::Error for GuardError {}

impl From<std::io::Error> for GuardError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            GuardError::NotFound
        } else {
            GuardError::Io(e)
        }
    }
}

/// What a file type is, in words, for messages.
pub fn describe(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Opens `path` for reading without blocking and checks that the opened handle is a regular
/// file. Symbolic links are followed (use [`within_root`] first to confine them).
pub fn open_regular(path: &Path) -> Result<File, GuardError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO would block open() until a writer comes; with O_NONBLOCK it opens at once and
        // is refused below. For a regular file the flag changes nothing.
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // No FIFOs to block on; still refuse what is not a file before opening it.
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(GuardError::NotRegular {
                what: describe(meta.file_type()),
            });
        }
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(GuardError::NotRegular {
            what: describe(meta.file_type()),
        });
    }
    Ok(file)
}

/// Reads at most `limit` bytes from `reader`; more is [`GuardError::TooLarge`].
pub fn read_capped(reader: impl Read, limit: usize) -> Result<Vec<u8>, GuardError> {
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(GuardError::Io)?;
    if bytes.len() > limit {
        return Err(GuardError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads the regular file at `path` (links followed, anywhere: for paths the user named),
/// at most `limit` bytes.
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>, GuardError> {
    read_capped(open_regular(path)?, limit)
}

/// [`read`] for a file the repository chose: its real path must be below the real `root`.
pub fn read_in_root(root: &Path, path: &Path, limit: usize) -> Result<Vec<u8>, GuardError> {
    let real = within_root(root, path)?;
    read(&real, limit)
}

/// [`read_in_root`] as UTF-8 text (invalid UTF-8 is an [`GuardError::Io`] of kind
/// `InvalidData`).
pub fn read_text_in_root(root: &Path, path: &Path, limit: usize) -> Result<String, GuardError> {
    let bytes = read_in_root(root, path, limit)?;
    String::from_utf8(bytes).map_err(|_| {
        GuardError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not valid UTF-8",
        ))
    })
}

/// The real path of `path` (every link resolved) when it is below the real path of `root`;
/// [`GuardError::OutsideRoot`] otherwise.
pub fn within_root(root: &Path, path: &Path) -> Result<PathBuf, GuardError> {
    let real_root = root.canonicalize()?;
    let real = path.canonicalize()?;
    if real.starts_with(&real_root) {
        Ok(real)
    } else {
        Err(GuardError::OutsideRoot { target: real })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("iam-ls-fs-guard-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    #[test]
    fn regular_files_are_read_up_to_the_limit() {
        let dir = scratch("regular");
        let file = dir.join("a.json");
        std::fs::write(&file, "0123456789").expect("write");
        assert_eq!(read(&file, 10).expect("read"), b"0123456789");
        assert!(matches!(
            read(&file, 9),
            Err(GuardError::TooLarge { limit: 9 })
        ));
        assert!(matches!(
            read(&dir.join("missing"), 10),
            Err(GuardError::NotFound)
        ));
        assert!(matches!(
            read(&dir, 10),
            Err(GuardError::NotRegular {
                what: "a directory"
            })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_links_out_of_the_root_are_refused() {
        let dir = scratch("special");
        let zero = dir.join("zero.json");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        assert!(matches!(
            read(&zero, 1024),
            Err(GuardError::NotRegular {
                what: "a character device"
            })
        ));
        assert!(matches!(
            read_in_root(&dir, &zero, 1024),
            Err(GuardError::OutsideRoot { .. })
        ));
        let fifo = dir.join("fifo.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        // Returns at once (no writer): the open does not block.
        assert!(matches!(
            read(&fifo, 1024),
            Err(GuardError::NotRegular { what: "a FIFO" })
        ));
        let outside = scratch("outside");
        std::fs::write(outside.join("secret"), "secret").expect("write");
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(outside.join("secret"), &link).expect("symlink");
        assert!(matches!(
            read_in_root(&dir, &link, 1024),
            Err(GuardError::OutsideRoot { .. })
        ));
        // A link that stays inside is fine.
        std::fs::write(dir.join("real.json"), "{}").expect("write");
        let inner = dir.join("inner.json");
        std::os::unix::fs::symlink(dir.join("real.json"), &inner).expect("symlink");
        assert_eq!(read_in_root(&dir, &inner, 10).expect("read"), b"{}");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&outside);
    }
}
