//! What kind of text a document holds: an IAM policy, a decoded authorization message, or plain text.
