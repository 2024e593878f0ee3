//! Run results turned into plot-ready vectors. Pure functions, no egui: the
//! worker thread calls them after each simulation, and `benches/interactive.rs`
//! times them together with the simulation.

use std::sync::Arc;

use crate::engine::{Metrics, PolicyRun, ScenarioRun, Series, SeriesKind};
use crate::model::{Scenario, Trace};

use super::gaps::{self, GapHistogram};

/// Milliseconds in an hour: plots measure time in hours.
pub const HOUR_MS: f64 = 3_600_000.0;
/// Above this many buckets a line is drawn from merged buckets (a plot cannot
/// show more points than it has pixels anyway).
pub const MAX_BUCKETS_DRAWN: usize = 1_500;

/// Everything the plots draw, for one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlotData {
    pub policies: Vec<String>,
    pub totals: Vec<Total>,
    pub over_horizon: TimePlots,
    pub by_time_of_day: TimePlots,
    pub gaps: Arc<GapHistogram>,
    /// Per policy, the user who lost the most work (typing time, then edits,
    /// then submits); `None` when nobody lost anything.
    pub most_lost_work: Vec<Option<usize>>,
    /// Every user, the ones who lost the most work under any policy first.
    pub users_by_loss: Vec<usize>,
    /// Per policy, how many people it hit.
    pub people: Vec<People>,
}

/// How many distinct users a policy hit, out of `users`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct People {
    pub users: usize,
    /// Logged out at least once while present.
    pub logged_out_while_present: usize,
    /// Lost at least one submit or edit.
    pub lost_work: usize,
}

impl People {
    pub fn of(policy: &PolicyRun) -> People {
        let count = |hit: fn(&Metrics) -> bool| policy.per_user.iter().filter(|m| hit(m)).count();
        People {
            users: policy.per_user.len(),
            logged_out_while_present: count(|m| m.logouts_while_present > 0),
            lost_work: count(|m| m.lost_submits + m.lost_inputs > 0),
        }
    }
}

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

/// What one time plot shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimePanelKind {
    Logouts,
    Warnings,
    LostWork,
    LiveSessions,
}

impl TimePanelKind {
    pub const ALL: [TimePanelKind; 4] = [
        TimePanelKind::Logouts,
        TimePanelKind::Warnings,
        TimePanelKind::LostWork,
        TimePanelKind::LiveSessions,
    ];

    pub fn title(self) -> &'static str {
        match self {
            TimePanelKind::Logouts => "Logouts (while present)",
            TimePanelKind::Warnings => "Warnings shown (missed)",
            TimePanelKind::LostWork => "Lost edits (lost submits)",
            TimePanelKind::LiveSessions => "Live sessions, the most at one instant,",
        }
    }

    /// The series drawn solid, and the one drawn dashed (if any).
    pub fn series(self) -> (SeriesKind, Option<SeriesKind>) {
        match self {
            TimePanelKind::Logouts => (SeriesKind::Logouts, Some(SeriesKind::LogoutsWhilePresent)),
            TimePanelKind::Warnings => {
                (SeriesKind::WarningsShown, Some(SeriesKind::WarningsMissed))
            }
            TimePanelKind::LostWork => (SeriesKind::LostInputs, Some(SeriesKind::LostSubmits)),
            TimePanelKind::LiveSessions => (SeriesKind::LiveSessions, None),
        }
    }

    /// The legend's suffix for the dashed series.
    pub fn dashed_name(self) -> &'static str {
        match self {
            TimePanelKind::Logouts => "while present",
            TimePanelKind::Warnings => "missed",
            TimePanelKind::LostWork => "lost submits",
            TimePanelKind::LiveSessions => "",
        }
    }
}

/// One policy's lines in one time plot: step lines, x in hours.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyLines {
    pub solid: Vec<[f64; 2]>,
    pub dashed: Vec<[f64; 2]>,
}

/// The four time plots, over the horizon or folded into one day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimePlots {
    /// The width of one drawn step (a bucket, or merged buckets).
    pub step_ms: u64,
    /// The x range in hours.
    pub span_hours: f64,
    /// Per [`TimePanelKind::ALL`], per policy.
    pub panels: Vec<Vec<PolicyLines>>,
}

/// All plot data for one run. `gaps` comes in already computed because it
/// depends on the trace only (the worker keeps it across edits).
pub fn plot_data(scenario: &Scenario, run: &ScenarioRun, gaps: Arc<GapHistogram>) -> PlotData {
    let policies: Vec<String> = run.policies.iter().map(|p| p.name.clone()).collect();
    let totals = TotalKind::ALL
        .iter()
        .map(|&kind| Total {
            kind,
            values: run
                .policies
                .iter()
                .map(|p| kind.value(&p.metrics))
                .collect(),
        })
        .collect();
    let horizon = scenario.horizon.as_ms();
    let series: Vec<Option<&Series>> = run.policies.iter().map(|p| p.series.as_ref()).collect();
    let over_horizon = time_plots(&series, horizon);
    let folded: Vec<Option<Series>> = series
        .iter()
        .map(|s| s.map(Series::by_time_of_day))
        .collect();
    let folded_refs: Vec<Option<&Series>> = folded.iter().map(Option::as_ref).collect();
    let by_time_of_day = time_plots(&folded_refs, DAY_MS);
    PlotData {
        policies,
        totals,
        over_horizon,
        by_time_of_day,
        gaps,
        most_lost_work: run.policies.iter().map(most_lost_work).collect(),
        people: run.policies.iter().map(People::of).collect(),
        users_by_loss: users_by_loss(run),
    }
}

const DAY_MS: u64 = 86_400_000;

/// The gap histogram of a trace, for [`plot_data`].
pub fn gap_histogram(trace: &Trace, horizon: u64) -> GapHistogram {
    gaps::histogram(gaps::present_gaps(trace, horizon))
}

fn time_plots(series: &[Option<&Series>], span_ms: u64) -> TimePlots {
    let Some(first) = series.iter().flatten().next() else {
        return TimePlots::default();
    };
    let buckets = first.buckets();
    let merge = buckets.div_ceil(MAX_BUCKETS_DRAWN).max(1);
    let step_ms = first.bucket_ms * merge as u64;
    let panels = TimePanelKind::ALL
        .iter()
        .map(|panel| {
            let (solid, dashed) = panel.series();
            series
                .iter()
                .map(|s| match s {
                    Some(s) => PolicyLines {
                        solid: step_line(s.get(solid), merge, step_ms, solid),
                        dashed: dashed
                            .map(|k| step_line(s.get(k), merge, step_ms, k))
                            .unwrap_or_default(),
                    },
                    None => PolicyLines::default(),
                })
                .collect()
        })
        .collect();
    TimePlots {
        step_ms,
        span_hours: span_ms as f64 / HOUR_MS,
        panels,
    }
}

/// Counts per bucket as a step line: each (merged) bucket is a flat segment.
/// Merged buckets add up, except live sessions, which keep their maximum.
pub fn step_line(values: &[u64], merge: usize, step_ms: u64, kind: SeriesKind) -> Vec<[f64; 2]> {
    let step_h = step_ms as f64 / HOUR_MS;
    let mut out = Vec::with_capacity(2 * values.len().div_ceil(merge.max(1)));
    for (i, chunk) in values.chunks(merge.max(1)).enumerate() {
        let v = if kind == SeriesKind::LiveSessions {
            chunk.iter().copied().max().unwrap_or(0)
        } else {
            chunk.iter().sum()
        } as f64;
        let x = i as f64 * step_h;
        out.push([x, v]);
        out.push([x + step_h, v]);
    }
    out
}

/// How much work a user lost, for ranking: typing time, then edits, then submits.
fn loss_key(m: &Metrics) -> (u64, u64, u64) {
    (m.lost_typing_ms, m.lost_inputs, m.lost_submits)
}

fn most_lost_work(policy: &PolicyRun) -> Option<usize> {
    policy
        .per_user
        .iter()
        .enumerate()
        .filter(|(_, m)| loss_key(m) != (0, 0, 0))
        // max_by_key keeps the last of equals; reversing keeps the first user.
        .rev()
        .max_by_key(|(_, m)| loss_key(m))
        .map(|(u, _)| u)
}

fn users_by_loss(run: &ScenarioRun) -> Vec<usize> {
    let mut worst = vec![(0, 0, 0); run.users];
    for p in &run.policies {
        for (u, m) in p.per_user.iter().enumerate() {
            if let Some(w) = worst.get_mut(u) {
                *w = (*w).max(loss_key(m));
            }
        }
    }
    let mut users: Vec<usize> = (0..run.users).collect();
    // Stable: equal losses keep trace order.
    users.sort_by_key(|&u| std::cmp::Reverse(worst[u]));
    users
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_lines_merge_counts_and_keep_peaks() {
        // Bucket 30m, merged by 2 into 1h steps.
        let values = [1, 2, 0, 5, 4];
        let sum = step_line(&values, 2, 3_600_000, SeriesKind::Logouts);
        assert_eq!(
            sum,
            [
                [0.0, 3.0],
                [1.0, 3.0],
                [1.0, 5.0],
                [2.0, 5.0],
                [2.0, 4.0],
                [3.0, 4.0]
            ]
        );
        let peak = step_line(&values, 2, 3_600_000, SeriesKind::LiveSessions);
        assert_eq!(peak[0], [0.0, 2.0]);
        assert_eq!(peak[2], [1.0, 5.0]);
    }

    fn metrics(lost_typing_ms: u64, lost_inputs: u64) -> Metrics {
        Metrics {
            lost_typing_ms,
            lost_inputs,
            ..Metrics::default()
        }
    }

    fn policy(per_user: Vec<Metrics>) -> PolicyRun {
        PolicyRun {
            name: "p".into(),
            metrics: Metrics::default(),
            series: None,
            per_user,
        }
    }

    #[test]
    fn finds_the_user_who_lost_the_most_work() {
        let p = policy(vec![
            metrics(0, 0),
            metrics(60_000, 2),
            metrics(60_000, 5),
            metrics(60_000, 5),
        ]);
        // Users 2 and 3 tie on typing time and edits: the first one wins.
        assert_eq!(most_lost_work(&p), Some(2));
        assert_eq!(most_lost_work(&policy(vec![metrics(0, 0)])), None);
    }

    #[test]
    fn counts_the_people_a_policy_hit() {
        let mut present = metrics(0, 0);
        present.logouts_while_present = 2;
        let mut submit = metrics(0, 0);
        submit.lost_submits = 1;
        let p = policy(vec![present, submit, metrics(60_000, 3), metrics(0, 0)]);
        assert_eq!(
            People::of(&p),
            People {
                users: 4,
                logged_out_while_present: 1,
                lost_work: 2
            }
        );
    }

    #[test]
    fn ranks_users_by_their_worst_loss_under_any_policy() {
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 3,
            policies: vec![
                policy(vec![metrics(0, 0), metrics(10, 1), metrics(0, 0)]),
                policy(vec![metrics(0, 0), metrics(0, 0), metrics(20, 1)]),
            ],
        };
        assert_eq!(users_by_loss(&run), [2, 1, 0]);
    }
}
