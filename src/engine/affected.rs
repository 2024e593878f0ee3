//! People, not only events: per policy, how many users each kind of
//! disruption hit at least once, and what share of all users that is.
//!
//! Counted from each user's own totals as the user's replay ends (a few
//! comparisons per user, nothing per event), so every run has it.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Metrics;

/// Users hit at least once by each disruption metric, out of `users`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Affected {
    /// Every user replayed (the share's denominator).
    pub users: u64,
    pub logouts: u64,
    pub logouts_while_present: u64,
    pub warnings_missed: u64,
    pub lost_submits: u64,
    pub csrf_failures: u64,
    pub lost_inputs: u64,
}

impl Affected {
    /// The disruption metrics counted, named as in [`Metrics::NAMES`].
    pub const NAMES: [&'static str; 6] = [
        "logouts",
        "logouts_while_present",
        "warnings_missed",
        "lost_submits",
        "csrf_failures",
        "lost_inputs",
    ];

    /// Counts one user from their own totals.
    #[inline]
    pub fn count(&mut self, m: &Metrics) {
        let hit = |v: u64| u64::from(v > 0);
        self.users += 1;
        self.logouts += hit(m.logouts);
        self.logouts_while_present += hit(m.logouts_while_present);
        self.warnings_missed += hit(m.warnings_missed);
        self.lost_submits += hit(m.lost_submits);
        self.csrf_failures += hit(m.csrf_failures);
        self.lost_inputs += hit(m.lost_inputs);
    }

    /// Adds another group of users.
    pub fn absorb(&mut self, o: &Affected) {
        self.users += o.users;
        self.logouts += o.logouts;
        self.logouts_while_present += o.logouts_while_present;
        self.warnings_missed += o.warnings_missed;
        self.lost_submits += o.lost_submits;
        self.csrf_failures += o.csrf_failures;
        self.lost_inputs += o.lost_inputs;
    }

    /// (metric, users hit), in [`Affected::NAMES`] order.
    pub fn pairs(&self) -> [(&'static str, u64); 6] {
        [
            ("logouts", self.logouts),
            ("logouts_while_present", self.logouts_while_present),
            ("warnings_missed", self.warnings_missed),
            ("lost_submits", self.lost_submits),
            ("csrf_failures", self.csrf_failures),
            ("lost_inputs", self.lost_inputs),
        ]
    }

    /// `hit` as a share of all users (0 when there are none), rounded to
    /// four decimals (a hundredth of a percent).
    pub fn share(&self, hit: u64) -> f64 {
        if self.users == 0 {
            return 0.0;
        }
        (hit as f64 / self.users as f64 * 10_000.0).round() / 10_000.0
    }

    /// `278 (92.7%)`: for tables.
    pub fn cell(&self, hit: u64) -> String {
        format!("{hit} ({:.1}%)", self.share(hit) * 100.0)
    }
}

/// `{"logouts_while_present": {"users": 278, "share": 0.9267}, ...}`.
impl Serialize for Affected {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Count {
            users: u64,
            share: f64,
        }
        let mut map = serializer.serialize_map(Some(Affected::NAMES.len()))?;
        for (name, users) in self.pairs() {
            let share = self.share(users);
            map.serialize_entry(name, &Count { users, share })?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_users_not_events() {
        let mut a = Affected::default();
        let mut m = Metrics {
            logouts: 3,
            logouts_while_present: 2,
            ..Metrics::default()
        };
        a.count(&m);
        m.logouts_while_present = 0;
        a.count(&m);
        a.count(&Metrics::default());
        assert_eq!((a.users, a.logouts, a.logouts_while_present), (3, 2, 1));
        assert_eq!(a.share(a.logouts), 0.6667);
        assert_eq!(a.cell(a.logouts_while_present), "1 (33.3%)");
        assert_eq!(Affected::default().share(0), 0.0);
    }
}
