//! `iam-ls decode`: STS `DecodeAuthorizationMessage` from the command line.
//!
//! The input is the encoded message itself or any text holding it (an error message, a log);
//! stdin when the argument is `-` or missing. Settings are the editor's: `[aws]` in
//! `iam-ls.toml` (profile, region, timeout), with `--profile`, `--region` and `--timeout` on
//! top; endpoints and credentials come from the usual AWS sources. The output is the decoded
//! JSON, pretty-printed, then the summary in words (the same one the editor shows). AWS errors
//! are the same classified messages as in the editor; they exit with status 1.

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
    imp::decode_all(args, io, &loaded.config, &blobs, runtime)
}

#[cfg(feature = "aws")]
mod imp {
    use super::super::{DecodeArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Io};
    use super::blob_warning;
    use crate::aws::{self, AwsError, AwsSettings};
    use crate::config::Config;
    use crate::logs::{self, BlobCheck, DecodedMessage};
    use std::time::Duration;

    /// The settings of the call: `[aws]` from the configuration, then the flags.
    pub fn settings(config: &Config, args: &DecodeArgs) -> AwsSettings {
        let file = config.aws();
        AwsSettings {
            profile: args.profile.clone().or(file.profile),
            region: args.region.clone().or(file.region),
            endpoint_url: None,
            timeout: args
                .timeout
                .or(file.timeout_seconds)
                .map_or(aws::DEFAULT_TIMEOUT, Duration::from_secs),
        }
    }

    /// The decoded JSON pretty-printed (as received when it is not JSON), and the summary.
    pub fn render(decoded_json: &str) -> (String, String) {
        let pretty = serde_json::from_str::<serde_json::Value>(decoded_json)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| decoded_json.trim_end().to_string());
        let summary = DecodedMessage::parse(decoded_json)
            .map(|m| logs::summarize(&m).to_text())
            .unwrap_or_else(|| "STS answered with text that is not a decoded message.".into());
        (pretty, summary)
    }

    pub fn decode_all(
        args: &DecodeArgs,
        io: &mut Io<'_>,
        config: &Config,
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
        let mut status = EXIT_OK;
        for (i, (blob, check)) in blobs.iter().enumerate() {
            if let Some(w) = blob_warning(*check) {
                let _ = writeln!(io.err, "iam-ls: warning: {w}");
            }
            let result: Result<String, AwsError> =
                rt.block_on(aws::decode_authorization_message(&settings, blob));
            if i > 0 {
                let _ = writeln!(io.out);
            }
            if blobs.len() > 1 {
                let _ = writeln!(io.out, "[{} of {}]", i + 1, blobs.len());
            }
            match result {
                Ok(json) => {
                    let (pretty, summary) = render(&json);
                    let _ = writeln!(io.out, "{pretty}\n\n{}", summary.trim_end());
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
        _blobs: &[(String, BlobCheck)],
        _runtime: fn() -> std::io::Result<tokio::runtime::Runtime>,
    ) -> u8 {
        io.error("this iam-ls was built without AWS support (the `aws` cargo feature)");
        EXIT_ERROR
    }
}
