//! A progress line on stderr while `check` works through many files on a terminal.
//!
//! Workers call [`Progress::inc`] (an atomic add). A background thread redraws
//! `Checking 120/1400 files` every 100 ms, in place with `\r`, and [`Progress::finish`] erases
//! it so the report starts on a clean line. When disabled, nothing is started or drawn.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A running progress indicator (or a disabled one).
pub struct Progress {
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    drawer: Mutex<Option<JoinHandle<()>>>,
}

impl Progress {
    /// Starts drawing on the process's stderr when `enabled`; `total` is the number of files.
    pub fn start(total: usize, enabled: bool) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let drawer = enabled.then(|| {
            let done = done.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut last = usize::MAX;
                while !stop.load(Ordering::Relaxed) {
                    let now = done.load(Ordering::Relaxed);
                    if now != last {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r{}", line(now, total));
                        let _ = err.flush();
                        last = now;
                    }
                    std::thread::park_timeout(TICK);
                }
            })
        });
        Progress {
            done,
            stop,
            drawer: Mutex::new(drawer),
        }
    }

    /// One more file done.
    pub fn inc(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// How many files are done.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Stops drawing and erases the line (through `err`, so it is ordered with what follows).
    pub fn finish(&self, err: &mut dyn Write) {
        self.stop.store(true, Ordering::Relaxed);
        let handle = self.drawer.lock().ok().and_then(|mut d| d.take());
        if let Some(handle) = handle {
            handle.thread().unpark();
            let _ = handle.join();
            // Carriage return, then erase to the end of the line.
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// The progress text for `done` of `total` files.
pub fn line(done: usize, total: usize) -> String {
    let width = total.to_string().len();
    format!("Checking {done:>width$}/{total} files")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_progress_counts_and_draws_nothing() {
        let p = Progress::start(3, false);
        p.inc();
        p.inc();
        assert_eq!(p.done(), 2);
        let mut err = Vec::new();
        p.finish(&mut err);
        assert!(err.is_empty());
    }

    #[test]
    fn enabled_progress_erases_its_line_when_finished() {
        let p = Progress::start(1, true);
        p.inc();
        let mut err = Vec::new();
        p.finish(&mut err);
        assert_eq!(err, b"\r\x1b[K");
    }

    #[test]
    fn line_is_aligned_to_the_total() {
        assert_eq!(line(7, 1400), "Checking    7/1400 files");
        assert_eq!(line(1400, 1400), "Checking 1400/1400 files");
    }
}
