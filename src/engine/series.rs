//! Counts per time bucket, dated when the user meets them, and live sessions.

use serde::Serialize;

use super::outcome::{Outcome, Sink};

/// The series Lapse keeps per bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SeriesKind {
    Logins,
    Logouts,
    LogoutsWhilePresent,
    WarningsShown,
    WarningsHeeded,
    WarningsMissed,
    LostSubmits,
    LostInputs,
    KeepalivePings,
    ExtendPings,
    /// The most sessions alive at one instant in the bucket.
    LiveSessions,
}

impl SeriesKind {
    pub const ALL: [SeriesKind; 11] = [
        SeriesKind::Logins,
        SeriesKind::Logouts,
        SeriesKind::LogoutsWhilePresent,
        SeriesKind::WarningsShown,
        SeriesKind::WarningsHeeded,
        SeriesKind::WarningsMissed,
        SeriesKind::LostSubmits,
        SeriesKind::LostInputs,
        SeriesKind::KeepalivePings,
        SeriesKind::ExtendPings,
        SeriesKind::LiveSessions,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SeriesKind::Logins => "logins",
            SeriesKind::Logouts => "logouts",
            SeriesKind::LogoutsWhilePresent => "logouts_while_present",
            SeriesKind::WarningsShown => "warnings_shown",
            SeriesKind::WarningsHeeded => "warnings_heeded",
            SeriesKind::WarningsMissed => "warnings_missed",
            SeriesKind::LostSubmits => "lost_submits",
            SeriesKind::LostInputs => "lost_inputs",
            SeriesKind::KeepalivePings => "keepalive_pings",
            SeriesKind::ExtendPings => "extend_pings",
            SeriesKind::LiveSessions => "live_sessions",
        }
    }

    /// Which series an outcome adds to, and by how much.
    fn of(outcome: &Outcome) -> Option<(SeriesKind, u64)> {
        Some(match outcome {
            Outcome::Login => (SeriesKind::Logins, 1),
            Outcome::Logout { .. } => (SeriesKind::Logouts, 1),
            Outcome::WarningShown => (SeriesKind::WarningsShown, 1),
            Outcome::WarningHeeded => (SeriesKind::WarningsHeeded, 1),
            Outcome::WarningMissed => (SeriesKind::WarningsMissed, 1),
            Outcome::SubmitLost => (SeriesKind::LostSubmits, 1),
            Outcome::LostEdits { inputs, .. } => (SeriesKind::LostInputs, u64::from(*inputs)),
            Outcome::KeepalivePing => (SeriesKind::KeepalivePings, 1),
            Outcome::ExtendPing => (SeriesKind::ExtendPings, 1),
            _ => return None,
        })
    }
}

/// Per bucket of `bucket_ms`, one count per [`SeriesKind`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Series {
    pub bucket_ms: u64,
    values: Vec<Vec<u64>>,
}

impl Series {
    pub fn new(bucket_ms: u64, horizon: u64) -> Series {
        let buckets = horizon.div_ceil(bucket_ms.max(1)) as usize;
        Series {
            bucket_ms: bucket_ms.max(1),
            values: vec![vec![0; buckets]; SeriesKind::ALL.len()],
        }
    }

    pub fn buckets(&self) -> usize {
        self.values[0].len()
    }

    pub fn get(&self, kind: SeriesKind) -> &[u64] {
        &self.values[kind as usize]
    }

    fn bump(&mut self, kind: SeriesKind, t: u64, by: u64) {
        let bucket = (t / self.bucket_ms) as usize;
        if let Some(slot) = self.values[kind as usize].get_mut(bucket) {
            *slot += by;
        }
    }

    /// Adds another group of users' counts (not live sessions: see [`Series::set_live`]).
    pub fn absorb(&mut self, other: &Series) {
        for (mine, theirs) in self.values.iter_mut().zip(&other.values) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    /// Fills the live-sessions series from every session's `[start, end)`: per
    /// bucket, the most sessions alive at one of its instants.
    pub fn set_live(&mut self, sessions: &[(u64, u64)]) {
        self.set_live_levels(&LiveLevels::of(sessions));
    }

    /// [`Series::set_live`] from the levels already worked out.
    pub fn set_live_levels(&mut self, levels: &LiveLevels) {
        let changes = &levels.changes;
        let bucket_ms = self.bucket_ms;
        let mut level = 0;
        let mut next = 0;
        for (b, slot) in self.values[SeriesKind::LiveSessions as usize]
            .iter_mut()
            .enumerate()
        {
            let start = b as u64 * bucket_ms;
            // The level carried in counts unless it changes at the bucket's first instant.
            let mut peak = match changes.get(next) {
                Some(&(t, _)) if t == start => 0,
                _ => level,
            };
            while let Some(&(t, new_level)) = changes.get(next)
                && t < start + bucket_ms
            {
                level = new_level;
                peak = peak.max(level);
                next += 1;
            }
            *slot = peak;
        }
    }

    /// The same counts folded into one day: bucket `i` holds every bucket at the
    /// same time of day. Live sessions take the maximum instead of the sum.
    pub fn by_time_of_day(&self) -> Series {
        const DAY: u64 = 86_400_000;
        let per_day = DAY.div_ceil(self.bucket_ms) as usize;
        let mut folded = Series {
            bucket_ms: self.bucket_ms,
            values: vec![vec![0; per_day]; SeriesKind::ALL.len()],
        };
        for kind in SeriesKind::ALL {
            for (b, &v) in self.get(kind).iter().enumerate() {
                let slot_index = ((b as u64 * self.bucket_ms) % DAY / self.bucket_ms) as usize;
                let slot = &mut folded.values[kind as usize][slot_index];
                if kind == SeriesKind::LiveSessions {
                    *slot = (*slot).max(v);
                } else {
                    *slot += v;
                }
            }
        }
        folded
    }
}

/// How many sessions are alive, at every instant the count changes: what
/// the peak and the series' live sessions are both read from, so that a run
/// sorts its sessions' starts and ends once.
pub struct LiveLevels {
    changes: Vec<(u64, u64)>,
}

impl LiveLevels {
    pub fn of(sessions: &[(u64, u64)]) -> LiveLevels {
        LiveLevels {
            changes: change_points(sessions),
        }
    }

    /// The most sessions alive at one instant. At an instant ends come
    /// before starts, so the level an instant ends on is the highest it
    /// reaches that is not below the level before it.
    pub fn peak(&self) -> u64 {
        self.changes
            .iter()
            .map(|&(_, level)| level)
            .max()
            .unwrap_or(0)
    }
}

/// The live-session level after each instant where it changes, in time order.
/// An end at `t` precedes a start at `t`; sessions alive for no time are left out.
fn change_points(sessions: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for_each_level(sessions, |t, level| match out.last_mut() {
        Some((last_t, last_level)) if *last_t == t => *last_level = level,
        _ => out.push((t, level)),
    });
    out
}

/// Calls `f(t, level)` after every start and end, in time order (ends first).
fn for_each_level(sessions: &[(u64, u64)], mut f: impl FnMut(u64, u64)) {
    let mut points: Vec<(u64, bool)> = Vec::with_capacity(sessions.len() * 2);
    for &(start, end) in sessions.iter().filter(|(s, e)| e > s) {
        points.push((start, true));
        points.push((end, false));
    }
    // `false < true`: at one instant, ends come before starts.
    points.sort_unstable();
    let mut level = 0u64;
    for (t, is_start) in points {
        if is_start {
            level += 1;
        } else {
            level -= 1;
        }
        f(t, level);
    }
}

/// The most sessions alive at one instant.
pub fn peak_live(sessions: &[(u64, u64)]) -> u64 {
    let mut peak = 0;
    for_each_level(sessions, |_, level| peak = peak.max(level));
    peak
}

/// The sink a run uses: series counts and every session's span.
pub struct RunSink {
    pub series: Option<Series>,
    pub sessions: Vec<(u64, u64)>,
}

impl Sink for RunSink {
    // Inlined into each call site, where the outcome is known, so that a
    // totals-only run (no series) pays one branch per outcome.
    #[inline(always)]
    fn note(&mut self, t: u64, outcome: Outcome) {
        if let Outcome::SessionEnd { started, .. } = outcome {
            self.sessions.push((started, t));
        }
        if let Some(series) = self.series.as_mut() {
            if let Outcome::Logout {
                while_present: true,
                ..
            } = outcome
            {
                series.bump(SeriesKind::LogoutsWhilePresent, t, 1);
            }
            if let Some((kind, by)) = SeriesKind::of(&outcome) {
                series.bump(kind, t, by);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_precedes_a_start_at_the_same_instant() {
        assert_eq!(peak_live(&[(0, 10), (10, 20)]), 1);
        assert_eq!(peak_live(&[(0, 10), (9, 20)]), 2);
        assert_eq!(peak_live(&[(5, 5)]), 0);
    }

    #[test]
    fn the_peak_of_the_levels_is_the_peak_of_every_start_and_end() {
        let cases: [&[(u64, u64)]; 6] = [
            &[(0, 10), (10, 20)],
            &[(0, 10), (9, 20)],
            &[(5, 5)],
            &[],
            // At 10 two sessions end and one starts: 2, then 0, then 1.
            &[(0, 10), (0, 10), (10, 20)],
            // At 30 two sessions end and none starts: 3, then 1.
            &[(0, 30), (1, 30), (2, 40)],
        ];
        let peaks = [1, 2, 0, 0, 2, 3];
        for (sessions, peak) in cases.iter().zip(peaks) {
            assert_eq!(LiveLevels::of(sessions).peak(), peak, "{sessions:?}");
            assert_eq!(peak_live(sessions), peak, "{sessions:?}");
        }
    }

    #[test]
    fn live_sessions_per_bucket_carry_across_quiet_buckets() {
        let mut s = Series::new(10, 50);
        s.set_live(&[(5, 35), (12, 14)]);
        assert_eq!(s.get(SeriesKind::LiveSessions), [1, 2, 1, 1, 0]);
    }

    #[test]
    fn folds_into_one_day() {
        let day = 86_400_000;
        let mut s = Series::new(day / 2, 2 * day);
        s.bump(SeriesKind::Logouts, 1, 1);
        s.bump(SeriesKind::Logouts, day + 1, 2);
        s.bump(SeriesKind::Logouts, day + day / 2, 5);
        let f = s.by_time_of_day();
        assert_eq!(f.get(SeriesKind::Logouts), [3, 5]);
    }
}
