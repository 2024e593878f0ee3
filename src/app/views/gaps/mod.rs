//! Idle gaps: how long users pause between two things they do.
//!
//! A gap is the time between a user's two consecutive *present* events (every
//! kind but `close`). Seen against a policy's idle timeout, the histogram of
//! gaps tells at a glance how many pauses outlast it. Pure functions, no egui,
//! so they can be tested and benchmarked on their own.

#[cfg(feature = "gui")]
pub mod plot;

use rayon::slice::ParallelSliceMut;

use crate::model::Trace;

/// Every gap in milliseconds between consecutive present events of one user,
/// for events before `horizon` (the engine drops the rest), sorted ascending.
pub fn present_gaps(trace: &Trace, horizon: u64) -> Vec<u64> {
    let mut gaps = Vec::with_capacity(trace.num_events());
    for (_, events) in trace.users() {
        let mut last: Option<u64> = None;
        for e in events
            .iter()
            .filter(|e| e.kind().is_present() && e.time() < horizon)
        {
            if let Some(prev) = last {
                gaps.push(e.time() - prev);
            }
            last = Some(e.time());
        }
    }
    // Millions of gaps on a big population: sort on every core.
    gaps.par_sort_unstable();
    gaps
}

/// One bar of a histogram on a logarithmic time axis: gaps in `[lo_ms, hi_ms)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GapBin {
    pub lo_ms: u64,
    pub hi_ms: u64,
    pub count: usize,
}

/// Gaps counted in bins of equal width on a log axis, plus the ones too short
/// to show there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GapHistogram {
    /// Bins from one second up, `BINS_PER_DECADE` per factor of ten; empty
    /// bins between non-empty ones are kept so the bars line up.
    pub bins: Vec<GapBin>,
    /// Gaps shorter than one second (many are 0: two events at one instant).
    pub under_a_second: usize,
    /// Every gap, sorted ascending: what shares are computed from.
    pub sorted: Vec<u64>,
}

/// Bins per factor of ten: 1s, 1.8s, 3.2s, 5.6s, 10s, ...
pub const BINS_PER_DECADE: u32 = 4;
const FIRST_EDGE_MS: u64 = 1_000;

/// The lower edge of bin `i` (bin 0 starts at one second).
fn edge(i: u32) -> u64 {
    let decades = f64::from(i) / f64::from(BINS_PER_DECADE);
    (FIRST_EDGE_MS as f64 * 10f64.powf(decades)).round() as u64
}

/// The histogram of already sorted gaps.
pub fn histogram(sorted: Vec<u64>) -> GapHistogram {
    debug_assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
    let under_a_second = sorted.partition_point(|&g| g < FIRST_EDGE_MS);
    let mut bins = Vec::new();
    let mut rest = &sorted[under_a_second..];
    let mut i = 0;
    while !rest.is_empty() {
        let (lo, hi) = (edge(i), edge(i + 1));
        let n = rest.partition_point(|&g| g < hi);
        bins.push(GapBin {
            lo_ms: lo,
            hi_ms: hi,
            count: n,
        });
        rest = &rest[n..];
        i += 1;
    }
    GapHistogram {
        bins,
        under_a_second,
        sorted,
    }
}

impl GapHistogram {
    pub fn total(&self) -> usize {
        self.sorted.len()
    }

    /// The share (0..=1) of gaps at least `ms` long; 0 when there are no gaps.
    pub fn share_at_least(&self, ms: u64) -> f64 {
        if self.sorted.is_empty() {
            return 0.0;
        }
        let shorter = self.sorted.partition_point(|&g| g < ms);
        (self.sorted.len() - shorter) as f64 / self.sorted.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, EventKind};

    fn user(name: &str, events: &[(u64, EventKind)]) -> (String, Vec<Event>) {
        (
            name.to_string(),
            events.iter().map(|&(t, k)| Event::new(t, k)).collect(),
        )
    }

    #[test]
    fn gaps_skip_close_and_do_not_cross_users() {
        use EventKind::*;
        let trace = Trace::from_users([
            // 0 -> 10 -> (close at 15 ignored) -> 40: gaps 10 and 30.
            user("a", &[(0, View), (10, Input), (15, Close), (40, View)]),
            // One event: no gap. Its 5 must not pair with a's 40.
            user("b", &[(5, View)]),
            // Equal instants give a zero gap; the event at the horizon is dropped.
            user("c", &[(7, View), (7, Submit), (100, View)]),
        ]);
        assert_eq!(present_gaps(&trace, 100), [0, 10, 30]);
    }

    #[test]
    fn bins_are_log_spaced_from_one_second() {
        // Edges: 1000, 1778, 3162, 5623, 10000 (10^(k/4) seconds).
        assert_eq!(
            (0..5).map(edge).collect::<Vec<_>>(),
            [1000, 1778, 3162, 5623, 10000]
        );
        let h = histogram(vec![0, 500, 1000, 1777, 1778, 9999, 10000]);
        assert_eq!(h.under_a_second, 2);
        let counts: Vec<usize> = h.bins.iter().map(|b| b.count).collect();
        // [1000,1778): 1000, 1777; [1778,3162): 1778; empty; [5623,10000): 9999; [10000,..): 10000.
        assert_eq!(counts, [2, 1, 0, 1, 1]);
        assert_eq!(h.total(), 7);
    }

    #[test]
    fn share_counts_gaps_at_or_above_the_limit() {
        let h = histogram(vec![1_000, 60_000, 1_800_000, 1_800_000, 3_600_000]);
        // A pause of exactly the idle timeout already outlasts a session (t < r + I).
        assert_eq!(h.share_at_least(1_800_000), 3.0 / 5.0);
        assert_eq!(h.share_at_least(1), 1.0);
        assert_eq!(histogram(Vec::new()).share_at_least(5), 0.0);
    }
}
