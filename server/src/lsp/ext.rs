//! iam-ls extensions to LSP: custom requests, documented in docs/lsp-extensions.md.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::TextDocumentIdentifier;

/// `iamLs/textHash`: the server's view of a document's whole text, so a client (or a test) can
/// check that its edits were applied exactly.
pub const TEXT_HASH: &str = "iamLs/textHash";

/// `iamLs/documentKind`: how the server classified a document (policy, decoded message, text).
pub const DOCUMENT_KIND: &str = "iamLs/documentKind";

/// `iamLs/testPanic`: panics inside the request guard. Registered only when the environment
/// variable [`TEST_HOOKS_ENV`] is `1`; tests use it to prove the server survives a panic.
pub const TEST_PANIC: &str = "iamLs/testPanic";

/// Set to `1` to register the test-only requests.
pub const TEST_HOOKS_ENV: &str = "IAM_LS_TEST_HOOKS";

/// Parameters of [`TEXT_HASH`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextHashParams {
    pub text_document: TextDocumentIdentifier,
}

/// Result of [`TEXT_HASH`] (`null` when the document is not open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextHashResult {
    /// The document version the server has.
    pub version: i32,
    /// Length of the text in UTF-8 bytes.
    pub length: usize,
    /// FNV-1a 64-bit hash of the UTF-8 text, 16 lowercase hex digits.
    pub fnv1a64: String,
}

/// Parameters of [`DOCUMENT_KIND`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentKindParams {
    pub text_document: TextDocumentIdentifier,
}

/// Result of [`DOCUMENT_KIND`] (`null` when the document is not open).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DocumentKindResult {
    pub version: i32,
    /// `policy`, `decodedMessage` or `text`.
    pub kind: String,
    /// Whether the text was parsed as JSON.
    pub parsed: bool,
    /// For a policy: the policy kind it is analysed as (`identity`, `scp`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_kind: Option<String>,
    /// For a policy: why that kind (configuration or content).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_kind_reason: Option<String>,
}

/// Incremental FNV-1a, 64 bits.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash as 16 lowercase hex digits.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_known_values() {
        assert_eq!(Fnv1a64::default().hex(), "cbf29ce484222325");
        let mut h = Fnv1a64::default();
        h.write(b"a");
        assert_eq!(h.hex(), "af63dc4c8601ec8c");
        let mut split = Fnv1a64::default();
        split.write(b"foo");
        split.write(b"bar");
        let mut whole = Fnv1a64::default();
        whole.write(b"foobar");
        assert_eq!(split.hex(), whole.hex());
        assert_eq!(whole.hex(), "85944171f73967e8");
    }
}
