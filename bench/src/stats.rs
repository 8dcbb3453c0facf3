//! Percentiles and formatting of durations.

use std::time::Duration;

/// A set of timings.
#[derive(Clone, Debug, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    /// An empty set.
    pub fn new() -> Self {
        Samples(Vec::new())
    }

    /// Adds one timing.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// How many timings.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `p`-th percentile (0..=100) by nearest rank; zero when empty.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.0.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    /// The median.
    pub fn p50(&self) -> Duration {
        self.percentile(50.0)
    }

    /// The largest.
    pub fn max(&self) -> Duration {
        self.0.iter().copied().max().unwrap_or_default()
    }

    /// The sum.
    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }

    /// p50/p95/p99/max as a JSON object in milliseconds.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "n": self.len(),
            "p50_ms": ms(self.p50()),
            "p95_ms": ms(self.percentile(95.0)),
            "p99_ms": ms(self.percentile(99.0)),
            "max_ms": ms(self.max()),
            "total_ms": ms(self.total()),
        })
    }
}

/// Milliseconds as a float.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A duration for people: `0.214 ms`, `12.3 ms`, `1.52 s`.
pub fn show(d: Duration) -> String {
    let m = ms(d);
    if m < 1.0 {
        format!("{m:.3} ms")
    } else if m < 100.0 {
        format!("{m:.2} ms")
    } else if m < 1000.0 {
        format!("{m:.0} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// KiB as MB (10^6 bytes) for people.
pub fn show_kib(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::new();
        assert_eq!(s.p50(), Duration::ZERO);
        for i in 1..=100 {
            s.push(Duration::from_millis(101 - i));
        }
        assert_eq!(s.p50(), Duration::from_millis(50));
        assert_eq!(s.percentile(99.0), Duration::from_millis(99));
        assert_eq!(s.percentile(100.0), Duration::from_millis(100));
        assert_eq!(s.percentile(0.0), Duration::from_millis(1));
        assert_eq!(s.max(), Duration::from_millis(100));
        assert_eq!(s.total(), Duration::from_millis(5050));
    }

    #[test]
    fn shows_durations_with_sensible_precision() {
        assert_eq!(show(Duration::from_micros(214)), "0.214 ms");
        assert_eq!(show(Duration::from_micros(12_346)), "12.35 ms");
        assert_eq!(show(Duration::from_millis(420)), "420 ms");
        assert_eq!(show(Duration::from_millis(1520)), "1.52 s");
        assert_eq!(show_kib(1000), "1.0 MB");
    }
}
