//! Neovim end-to-end: a real headless Neovim runs `tests/editors/neovim/e2e.lua` against the real
//! `iam-ls` binary and the fixture workspace `tests/editors/workspace`.
//!
//! - `readme_config_current_neovim`: the README's Neovim 0.11+ configuration (`vim.lsp.config` +
//!   `vim.lsp.enable`), extracted verbatim from README.md, in a current Neovim.
//! - `readme_config_older_neovim`: the README's 0.9/0.10 configuration (`vim.lsp.start`), verbatim,
//!   in the same current Neovim (the API it uses is still there).
//! - `system_neovim`: the `nvim` on PATH (Debian's 0.7 on CI): the README's 0.9/0.10 configuration
//!   when it has `vim.lsp.start`, else the script's `vim.lsp.start_client` equivalent.
//!
//! The current Neovim is `$IAM_LS_NVIM_CURRENT`, else `$IAM_LS_CACHE/bin/nvim-current` (default
//! cache `~/.cache/iam-ls`), which `scripts/install-test-deps neovim` installs from PyPI. A missing
//! Neovim is a failure that names the installer, never a skip.
//!
//! The script covers policies, a log, CloudFormation YAML and JSON templates and a Terraform file
//! (each compared with its policies written standalone, `tests/editors/workspace/templates/`) and
//! YAML that is not a template (no diagnostics).
//!
//! Each test fails with the script's output: the failed step, then Neovim's `:messages`, the
//! attached clients, the diagnostics and the tail of the LSP log (which holds the server's stderr).

use iam_ls_e2e::server_binary;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A whole run takes about a second; this only stops a hung editor.
const DEADLINE: Duration = Duration::from_secs(90);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("IAM_LS_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").expect("HOME is set");
    Path::new(&home).join(".cache").join("iam-ls")
}

fn current_nvim() -> PathBuf {
    let path = std::env::var_os("IAM_LS_NVIM_CURRENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("bin").join("nvim-current"));
    assert!(
        path.is_file(),
        "no current Neovim at {}: run `scripts/install-test-deps neovim` (or set \
         IAM_LS_NVIM_CURRENT to an nvim 0.11 or newer)",
        path.display()
    );
    path
}

fn system_nvim() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("nvim"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "no `nvim` on PATH: run `scripts/install-test-deps neovim` (Debian's neovim package)"
            )
        })
}

/// The Lua block that follows `<!-- tested verbatim by tests/tests/neovim.rs: {marker} -->` in
/// README.md.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("read README.md");
    let tag = format!("<!-- tested verbatim by tests/tests/neovim.rs: {marker} -->");
    let after = readme
        .split_once(&tag)
        .unwrap_or_else(|| panic!("README.md has no `{tag}`"))
        .1;
    let body = after
        .trim_start()
        .strip_prefix("```lua\n")
        .unwrap_or_else(|| panic!("README.md: no ```lua block right after `{tag}`"));
    let end = body
        .find("\n```")
        .unwrap_or_else(|| panic!("README.md: the block after `{tag}` is not closed"));
    body[..end + 1].to_string()
}

/// A fresh temporary directory for one run (XDG dirs, the config file, PATH shim).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-ls-nvim-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).expect("create scratch dir");
    dir
}

/// What a setup is: a README block (written to a file) or the 0.7 fallback.
enum Setup {
    Readme(&'static str),
    /// The README's 0.9/0.10 block when the editor has `vim.lsp.start`, else `start_client`.
    OlderOrStartClient,
}

fn has_lsp_start(nvim: &Path) -> bool {
    let out = Command::new(nvim)
        .args([
            "--headless",
            "--clean",
            "-n",
            "-i",
            "NONE",
            "-c",
            "lua io.stdout:write(vim.lsp.start and 'yes' or 'no') io.stdout:flush() os.exit(0)",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run nvim");
    String::from_utf8_lossy(&out.stdout).contains("yes")
}

fn run_neovim(name: &str, nvim: &Path, setup: Setup) {
    let dir = scratch(name);
    // The README's configurations start `iam-ls` from PATH: put the binary under test there.
    let shim = dir.join("bin").join("iam-ls");
    std::os::unix::fs::symlink(server_binary(), &shim).expect("link iam-ls");
    let setup_value = match setup {
        Setup::Readme(marker) => Some(marker),
        Setup::OlderOrStartClient if has_lsp_start(nvim) => Some("neovim-0.9"),
        Setup::OlderOrStartClient => None,
    }
    .map(|marker| {
        let file = dir.join(format!("{marker}.lua"));
        std::fs::write(&file, readme_block(marker)).expect("write config");
        file.display().to_string()
    })
    .unwrap_or_else(|| "start_client".to_string());

    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![dir.join("bin")];
    dirs.extend(std::env::split_paths(&path));
    let script = repo().join("tests/editors/neovim/e2e.lua");
    let started = Instant::now();
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .args(["--cmd", "lua vim.g.do_filetype_lua = 1"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("PATH", std::env::join_paths(dirs).expect("PATH"))
        .env("IAM_LS_FIXTURES", repo().join("tests/editors/workspace"))
        .env("IAM_LS_NVIM_SETUP", &setup_value)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", nvim.display()));

    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for nvim") {
            break Some(status);
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let report = format!(
        "{} with setup {setup_value} ({:.1} s)\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        nvim.display(),
        started.elapsed().as_secs_f64()
    );
    match status {
        None => panic!("Neovim did not finish within {DEADLINE:?}\n{report}"),
        Some(s) => assert!(
            s.success() && stdout.contains("\nALL OK"),
            "Neovim e2e failed ({s})\n{report}"
        ),
    }
    eprintln!("{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn readme_config_current_neovim() {
    run_neovim("current", &current_nvim(), Setup::Readme("neovim-0.11"));
}

#[test]
fn readme_config_older_neovim() {
    run_neovim("older", &current_nvim(), Setup::Readme("neovim-0.9"));
}

#[test]
fn system_neovim() {
    run_neovim("system", &system_nvim(), Setup::OlderOrStartClient);
}

#[test]
fn readme_blocks_are_found() {
    for marker in ["neovim-0.11", "neovim-0.9"] {
        let block = readme_block(marker);
        assert!(block.contains("cmd = { 'iam-ls' }"), "{marker}: {block}");
        assert!(block.contains("'log'"), "{marker}: {block}");
        assert!(block.contains("iam-ls.toml"), "{marker}: {block}");
    }
    assert!(readme_block("neovim-0.11").contains("vim.lsp.enable('iam_ls')"));
    assert!(readme_block("neovim-0.9").contains("vim.lsp.start({"));
}
