//! The totals view's data: one small chart per metric, the policies side by side.

#[cfg(feature = "gui")]
pub mod plot;

use crate::analysis::intervals::Interval;
use crate::analysis::replicates::Replicated;
use crate::engine::Metrics;

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
    /// chart's unit (hours for the hour charts); `None` with one replicate.
    pub fn error_bars(self, replicated: &Replicated) -> Option<Vec<Interval>> {
        if !replicated.has_intervals() {
            return None;
        }
        let scale = if self.is_hours() { 1.0 / HOUR_MS } else { 1.0 };
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
    pub values: Vec<f64>,
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
