//! Cancellation of heavy request work.
//!
//! tower-lsp-server answers `$/cancelRequest` with `RequestCancelled` by dropping the request's
//! future; work already handed to the blocking pool would still run to its end. A handler
//! therefore keeps a [`CancelOnDrop`] in its future and gives the matching [`Cancel`] to the
//! blocking work, which checks it between units of work (one outline entry, one folding range)
//! and stops when the request is gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Tells blocking work that its request was cancelled (or dropped).
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// True once the request is gone: stop and return nothing.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A guard that cancels this token when dropped (with the request's future).
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

/// Cancels its [`Cancel`] when dropped.
#[derive(Debug)]
pub struct CancelOnDrop(Cancel);

impl CancelOnDrop {
    /// Keeps the work going: the request finished normally.
    pub fn disarm(self) {
        std::mem::forget(self);
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.0.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_the_guard_cancels() {
        let cancel = Cancel::default();
        let guard = cancel.on_drop();
        assert!(!cancel.is_cancelled());
        drop(guard);
        assert!(cancel.is_cancelled());
        let other = Cancel::default();
        other.on_drop().disarm();
        assert!(!other.is_cancelled());
    }
}
