//! The totals view's data: one small chart per metric, the policies side by side.

#[cfg(feature = "gui")]
pub mod plot;

use crate::analysis::intervals::Interval;
use crate::analysis::replicates::Replicated;
use crate::engine::Metrics;
use crate::report::document::TimeUnit;

use super::HOUR_MS;

/// The totals shown side by side, one small chart each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotalKind {
    Logouts,
    LogoutsWhilePresent,
    WarningsShown,
    WarningsHeeded,
    WarningsMissed,
    LostSubmits,
    LostInputs,
    LostTypingHours,
    UnattendedHours,
    PeakLiveSessions,
}

impl TotalKind {
    pub const ALL: [TotalKind; 10] = [
        TotalKind::Logouts,
        TotalKind::LogoutsWhilePresent,
        TotalKind::WarningsShown,
        TotalKind::WarningsHeeded,
        TotalKind::WarningsMissed,
        TotalKind::LostSubmits,
        TotalKind::LostInputs,
        TotalKind::LostTypingHours,
        TotalKind::UnattendedHours,
        TotalKind::PeakLiveSessions,
    ];

    pub fn title(self) -> &'static str {
        match self {
            TotalKind::Logouts => "Logouts",
            TotalKind::LogoutsWhilePresent => "Logouts while present",
            TotalKind::WarningsShown => "Warnings shown",
            TotalKind::WarningsHeeded => "Warnings heeded",
            TotalKind::WarningsMissed => "Warnings missed",
            TotalKind::LostSubmits => "Lost submits",
            TotalKind::LostInputs => "Lost edits",
            TotalKind::LostTypingHours => "Lost typing (hours)",
            TotalKind::UnattendedHours => "Unattended (hours)",
            TotalKind::PeakLiveSessions => "Peak live sessions",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            TotalKind::Logouts => {
                "Times a user met a session that had ended under them (an expiry found at a request, or a client redirect)."
            }
            TotalKind::LogoutsWhilePresent => {
                "Logouts whose session ended less than `away after` after the user's last action: the user was still there, reading or typing."
            }
            TotalKind::WarningsShown => "Expiry warnings the page displayed.",
            TotalKind::WarningsHeeded => "Warnings the user answered before the client deadline.",
            TotalKind::WarningsMissed => "Warnings still unanswered at the client deadline.",
            TotalKind::LostSubmits => {
                "Form submits that failed (expired session or CSRF token) and took their unsaved edits with them."
            }
            TotalKind::LostInputs => "Unsaved edits torn down by the session, not by the user.",
            TotalKind::LostTypingHours => {
                "For each loss, the time spent typing the lost edits (pauses of `away_after` or more left out), summed: how long people typed for nothing."
            }
            TotalKind::UnattendedHours => {
                "Time sessions stayed alive while their user was away: a window for whoever sits down next."
            }
            TotalKind::PeakLiveSessions => "The most sessions alive at one instant.",
        }
    }

    /// Whether values are hours (shown with decimals) rather than counts.
    pub fn is_hours(self) -> bool {
        matches!(
            self,
            TotalKind::LostTypingHours | TotalKind::UnattendedHours
        )
    }

    /// The metric it shows (SPEC name).
    pub fn metric(self) -> &'static str {
        match self {
            TotalKind::Logouts => "logouts",
            TotalKind::LogoutsWhilePresent => "logouts_while_present",
            TotalKind::WarningsShown => "warnings_shown",
            TotalKind::WarningsHeeded => "warnings_heeded",
            TotalKind::WarningsMissed => "warnings_missed",
            TotalKind::LostSubmits => "lost_submits",
            TotalKind::LostInputs => "lost_inputs",
            TotalKind::LostTypingHours => "lost_typing_ms",
            TotalKind::UnattendedHours => "unattended_ms",
            TotalKind::PeakLiveSessions => "peak_live_sessions",
        }
    }

    /// Each policy's mean and 95 % interval over the replicates, in the
    /// chart's `unit` (hours or days for the duration charts; counts when
    /// `None`); `None` with one replicate.
    pub fn error_bars(
        self,
        replicated: &Replicated,
        unit: Option<TimeUnit>,
    ) -> Option<Vec<Interval>> {
        if !replicated.has_intervals() {
            return None;
        }
        let scale = unit.map_or(1.0, |u| 1.0 / u.ms() as f64);
        let bars = (0..replicated.run.policies.len())
            .map(|p| {
                let all = replicated.intervals(p);
                let iv = all
                    .iter()
                    .find(|(name, _)| *name == self.metric())
                    .map_or(Interval::exact(0.0), |(_, iv)| *iv);
                Interval {
                    mean: iv.mean * scale,
                    low: iv.low * scale,
                    high: iv.high * scale,
                }
            })
            .collect();
        Some(bars)
    }

    pub fn value(self, m: &Metrics) -> f64 {
        let hours = |ms: u64| ms as f64 / HOUR_MS;
        match self {
            TotalKind::Logouts => m.logouts as f64,
            TotalKind::LogoutsWhilePresent => m.logouts_while_present as f64,
            TotalKind::WarningsShown => m.warnings_shown as f64,
            TotalKind::WarningsHeeded => m.warnings_heeded as f64,
            TotalKind::WarningsMissed => m.warnings_missed as f64,
            TotalKind::LostSubmits => m.lost_submits as f64,
            TotalKind::LostInputs => m.lost_inputs as f64,
            TotalKind::LostTypingHours => hours(m.lost_typing_ms),
            TotalKind::UnattendedHours => hours(m.unattended_ms),
            TotalKind::PeakLiveSessions => m.peak_live_sessions as f64,
        }
    }
}

/// One total, per policy in scenario order.
#[derive(Clone, Debug, PartialEq)]
pub struct Total {
    pub kind: TotalKind,
    /// In `unit` for durations; counts otherwise.
    pub values: Vec<f64>,
    /// Durations' unit: the one [`TimeUnit::for_ms`] picks for the largest
    /// value, as the headline does.
    pub unit: Option<TimeUnit>,
}

impl Total {
    /// One metric over every policy's metrics.
    pub fn of<'m>(kind: TotalKind, metrics: impl Iterator<Item = &'m Metrics> + Clone) -> Total {
        let hours: Vec<f64> = metrics.map(|m| kind.value(m)).collect();
        if !kind.is_hours() {
            return Total {
                kind,
                values: hours,
                unit: None,
            };
        }
        let top_ms = hours.iter().copied().fold(0.0, f64::max) * HOUR_MS;
        let unit = TimeUnit::for_ms(top_ms.round() as u64);
        let per_hour = HOUR_MS / unit.ms() as f64;
        Total {
            kind,
            values: hours.iter().map(|h| h * per_hour).collect(),
            unit: Some(unit),
        }
    }

    /// The chart's title, its unit included: `Lost typing (days)`.
    pub fn title(&self) -> String {
        match self.unit {
            Some(unit) => self
                .kind
                .title()
                .replace("(hours)", &format!("({})", unit.name())),
            None => self.kind.title().to_string(),
        }
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    fn typing(ms: u64) -> Metrics {
        Metrics {
            lost_typing_ms: ms,
            ..Metrics::default()
        }
    }

    #[test]
    fn durations_are_charted_in_the_headline_s_unit() {
        const H: u64 = 3_600_000;
        // 72h and 12h: the largest is 48h or more, so both in days.
        let m = [typing(72 * H), typing(12 * H)];
        let t = Total::of(TotalKind::LostTypingHours, m.iter());
        assert_eq!(t.unit, Some(TimeUnit::Days));
        assert_eq!(t.values, [3.0, 0.5]);
        assert_eq!(t.title(), "Lost typing (days)");
        // Under 48h: hours.
        let m = [typing(30 * H), typing(6 * H)];
        let t = Total::of(TotalKind::LostTypingHours, m.iter());
        assert_eq!(
            (t.unit, t.values.as_slice()),
            (Some(TimeUnit::Hours), &[30.0, 6.0][..])
        );
        assert_eq!(t.title(), "Lost typing (hours)");
        // Counts keep no unit.
        let t = Total::of(TotalKind::LostInputs, m.iter());
        assert_eq!((t.unit, t.title().as_str()), (None, "Lost edits"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_chart_names_the_metric_its_value_comes_from() {
        let mut m = Metrics::default();
        for (i, name) in Metrics::NAMES.iter().enumerate() {
            // Distinct values, in hours for the hour charts.
            let v = (i as u64 + 1) * 3_600_000;
            match *name {
                "logouts" => m.logouts = v,
                "logouts_while_present" => m.logouts_while_present = v,
                "warnings_shown" => m.warnings_shown = v,
                "warnings_heeded" => m.warnings_heeded = v,
                "warnings_missed" => m.warnings_missed = v,
                "lost_submits" => m.lost_submits = v,
                "lost_inputs" => m.lost_inputs = v,
                "lost_typing_ms" => m.lost_typing_ms = v,
                "unattended_ms" => m.unattended_ms = v,
                "peak_live_sessions" => m.peak_live_sessions = v,
                _ => {}
            }
        }
        for kind in TotalKind::ALL {
            let raw = m.get(kind.metric()).expect("a metric") as f64;
            let expected = if kind.is_hours() { raw / HOUR_MS } else { raw };
            assert_eq!(kind.value(&m), expected, "{kind:?}");
        }
    }
}
