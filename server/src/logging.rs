//! The log filter shared by the language server and the command line.
//!
//! Logs go to stderr, filtered by `RUST_LOG` (default `warn`). Whatever `RUST_LOG` says, the AWS
//! SDK and its HTTP and TLS stack stay at `warn`: at debug and trace level they log request and
//! response bodies (an encoded authorization message, a decoded one, a policy document) and
//! signing details. For the same reason the LSP codec's frame dumps (trace level: every message,
//! decoded summaries included) stay off; editors can trace the protocol themselves. This keeps
//! the invariant that credentials and message contents never reach a log.

use tracing_subscriber::EnvFilter;

/// Log targets that may carry credentials or message contents below `warn`.
pub const QUIET_TARGETS: &[&str] = &[
    "aws_config",
    "aws_credential_types",
    "aws_runtime",
    "aws_sdk_iam",
    "aws_sdk_sts",
    "aws_sigv4",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_smithy_query",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_types",
    "aws_smithy_xml",
    "h2",
    "hyper",
    "hyper_util",
    "rustls",
    "tower",
];

/// The filter for `RUST_LOG` (default `warn`) with the sensitive targets capped.
pub fn env_filter() -> EnvFilter {
    let base = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    capped(base)
}

/// `filter` with the sensitive targets capped (see the module docs).
pub fn capped(mut filter: EnvFilter) -> EnvFilter {
    let caps = QUIET_TARGETS
        .iter()
        .map(|t| format!("{t}=warn"))
        .chain(std::iter::once("tower_lsp_server::codec=debug".to_string()));
    for cap in caps {
        if let Ok(directive) = cap.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logging_caps_sensitive_targets_even_at_trace() {
        let text = capped(EnvFilter::new("trace")).to_string();
        for target in QUIET_TARGETS {
            assert!(text.contains(&format!("{target}=warn")), "{target}: {text}");
        }
        assert!(text.contains("tower_lsp_server::codec=debug"), "{text}");
        assert!(
            text.contains("trace"),
            "the rest keeps the asked level: {text}"
        );
    }
}
