//! `iam-ls decode`: STS `DecodeAuthorizationMessage` from the command line.
//!
//! The input is the encoded message itself or any text holding it (an error message, a log);
//! stdin when the argument is `-` or missing. Settings are the editor's: `[aws]` in
//! `iam-ls.toml` (region, timeout; its profile and endpoint are ignored with a warning), with
//! `--profile`, `--endpoint-url`, `--region` and `--timeout` on top; credentials come from the
//! usual AWS sources. Decoding, pretty-printing and the summary
//! are the editor's ([`crate::decode`]): the output is the decoded JSON (key order kept), a blank
//! line, then the summary in words. Run inside a workspace with an `iam-ls.toml`, the summary
//! ends with "From your repository": the decoded request evaluated against the workspace's
//! policies ([`crate::ide::logs::why::decoded_answer`]). AWS errors are the same classified messages as in the
//! editor; they exit with status 1.

use super::{DecodeArgs, EXIT_ERROR, Io};
use crate::logs::{self, BlobCheck};
use std::io::Read;

/// The most read from stdin.
pub const MAX_STDIN_BYTES: u64 = 16 * 1024 * 1024;

/// The encoded messages in `text`, in order and without repeats: the text itself when it is one
/// (spacing and quotes around it ignored), else every token the log scanner finds. `Err` says
/// why there is none.
pub fn find_blobs(text: &str) -> Result<Vec<(String, BlobCheck)>, String> {
    if let Ok(span) = logs::validate_blob(text) {
        let blob = text.get(span.start..span.end).unwrap_or("").to_string();
        return Ok(vec![(blob, BlobCheck::Ok)]);
    }
    let mut found: Vec<(String, BlobCheck)> = Vec::new();
    for b in logs::blobs(text) {
        let token = b.text(text).to_string();
        if !found.iter().any(|(t, _)| *t == token) {
            found.push((token, b.check));
        }
    }
    if found.is_empty() {
        let why = match logs::validate_blob(text) {
            Err(rejection) => format!(": {rejection}"),
            Ok(_) => String::new(),
        };
        Err(format!(
            "no encoded authorization message found in the input{why}"
        ))
    } else {
        Ok(found)
    }
}

/// A warning for a blob that looks damaged, if it does.
pub fn blob_warning(check: BlobCheck) -> Option<&'static str> {
    match check {
        BlobCheck::Ok => None,
        BlobCheck::Short => Some("the encoded message is unusually short; it may be cut off"),
        BlobCheck::Ellipsis => {
            Some("the encoded message is followed by `...`: it was shortened and will not decode")
        }
        BlobCheck::TooLong => Some(
            "the encoded message is longer than STS accepts; two messages may have run together",
        ),
    }
}

/// Reads the input of `decode`: the argument, or stdin for `-` or none.
fn read_input(args: &DecodeArgs, io: &mut Io<'_>) -> Result<String, String> {
    match args.blob.as_deref() {
        Some(b) if b != "-" => Ok(b.to_string()),
        _ => {
            if io.stdin_is_terminal {
                let _ = writeln!(
                    io.err,
                    "iam-ls decode: reading the encoded message from stdin (paste it, then press \
                     Ctrl-D; or pass it as an argument)"
                );
            }
            let mut bytes = Vec::new();
            (&mut *io.stdin)
                .take(MAX_STDIN_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            if bytes.len() as u64 > MAX_STDIN_BYTES {
                return Err(format!(
                    "stdin is larger than {}; pass the line that holds the message",
                    super::input::human_size(MAX_STDIN_BYTES)
                ));
            }
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

/// Runs `decode`; returns the exit status.
pub fn run(
    args: &DecodeArgs,
    io: &mut Io<'_>,
    runtime: fn() -> std::io::Result<tokio::runtime::Runtime>,
) -> u8 {
    let text = match read_input(args, io) {
        Ok(t) => t,
        Err(e) => {
            io.error(e);
            return EXIT_ERROR;
        }
    };
    let blobs = match find_blobs(&text) {
        Ok(b) => b,
        Err(e) => {
            io.error(e);
            return EXIT_ERROR;
        }
    };
    let loaded = match super::load_config(&io.cwd, args.config.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            io.error(e);
            return EXIT_ERROR;
        }
    };
    super::warn_config(io, &loaded);
    // With an `iam-ls.toml`, each decoded message is also evaluated against the workspace.
    let workspace = if loaded.file.is_some() {
        super::why::workspace_at(&loaded.root, &loaded.config)
    } else {
        Vec::new()
    };
    imp::decode_all(args, io, &loaded.config, &workspace, &blobs, runtime)
}

#[cfg(feature = "aws")]
mod imp {
    use super::super::{DecodeArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Io};
    use super::blob_warning;
    use crate::aws::AwsSettings;
    use crate::config::Config;
    use crate::decode::{self, DecodeCache};
    use crate::eval::why::WorkspacePolicy;
    use crate::logs::BlobCheck;
    use std::time::Duration;

    /// The settings of the call: `[aws]` from the configuration (as the editor reads it: region
    /// and timeout only, the file cannot choose profile or endpoint), then the flags.
    pub fn settings(config: &Config, args: &DecodeArgs) -> AwsSettings {
        let mut settings = decode::aws_settings(&config.aws());
        if let Some(p) = &args.profile {
            settings.profile = Some(p.clone());
        }
        if let Some(u) = &args.endpoint_url {
            settings.endpoint_url = Some(u.clone());
        }
        if let Some(r) = &args.region {
            settings.region = Some(r.clone());
        }
        if let Some(t) = args.timeout {
            settings.timeout = Duration::from_secs(t);
        }
        settings
    }

    pub fn decode_all(
        args: &DecodeArgs,
        io: &mut Io<'_>,
        config: &Config,
        workspace: &[WorkspacePolicy],
        blobs: &[(String, BlobCheck)],
        runtime: fn() -> std::io::Result<tokio::runtime::Runtime>,
    ) -> u8 {
        let settings = settings(config, args);
        let rt = match runtime() {
            Ok(rt) => rt,
            Err(e) => {
                io.error(format!("cannot start the async runtime: {e}"));
                return EXIT_ERROR;
            }
        };
        let api = decode::default_api();
        let cache = DecodeCache::new();
        let mut status = EXIT_OK;
        for (i, (blob, check)) in blobs.iter().enumerate() {
            if let Some(w) = blob_warning(*check) {
                let _ = writeln!(io.err, "iam-ls: warning: {w}");
            }
            let result = rt.block_on(decode::decode(&*api, &settings, blob, &cache));
            if i > 0 {
                let _ = writeln!(io.out);
            }
            if blobs.len() > 1 {
                let _ = writeln!(io.out, "[{} of {}]", i + 1, blobs.len());
            }
            match result {
                Ok(outcome) => {
                    let d = &outcome.decoded;
                    let mut summary = d.summary.clone();
                    if let Some(m) = &d.message {
                        crate::ide::logs::why::add_to_summary(&mut summary, m, workspace);
                    }
                    let _ = write!(io.out, "{}\n{}", d.pretty_json, summary.to_text());
                }
                Err(e) => {
                    io.error(e);
                    status = EXIT_FINDINGS;
                }
            }
        }
        // The SDK's connection pool may hold idle connections: do not wait for them.
        rt.shutdown_timeout(Duration::from_millis(100));
        status
    }
}

#[cfg(not(feature = "aws"))]
mod imp {
    use super::super::{DecodeArgs, EXIT_ERROR, Io};
    use crate::config::Config;
    use crate::logs::BlobCheck;

    pub fn decode_all(
        _args: &DecodeArgs,
        io: &mut Io<'_>,
        _config: &Config,
        _workspace: &[crate::eval::why::WorkspacePolicy],
        _blobs: &[(String, BlobCheck)],
        _runtime: fn() -> std::io::Result<tokio::runtime::Runtime>,
    ) -> u8 {
        io.error("this iam-ls was built without AWS support (the `aws` cargo feature)");
        EXIT_ERROR
    }
}
