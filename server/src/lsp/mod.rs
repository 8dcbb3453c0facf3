//! The only module that knows LSP: the tower-lsp-server backend, the document store, conversions.
