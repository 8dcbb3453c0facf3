//! Shared helpers for the end-to-end tests: spawning the real binary and speaking LSP to it.
