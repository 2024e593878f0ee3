//! The over-time view's data: logouts, warnings, lost work and live
//! sessions per bucket, as step lines (x in hours).

#[cfg(feature = "gui")]
pub mod plot;

use crate::analysis::intervals::{Interval, Method, interval};
use crate::engine::{Series, SeriesKind};

use super::HOUR_MS;

/// Above this many buckets a line is drawn from merged buckets (a plot cannot
/// show more points than it has pixels anyway).
pub const MAX_BUCKETS_DRAWN: usize = 1_500;

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

pub fn time_plots(series: &[Option<&Series>], span_ms: u64) -> TimePlots {
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

/// One replicate's solid lines as drawn (each panel's first series): per
/// panel, per policy, the value of each drawn step. What a replicate keeps
/// for the bands: a few numbers per step, not its whole series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepValues {
    pub over_horizon: Vec<Vec<Vec<f64>>>,
    pub by_time_of_day: Vec<Vec<Vec<f64>>>,
}

impl StepValues {
    /// From one run's series (one per policy), merged as [`time_plots`]
    /// merges them.
    pub fn of(series: &[Option<&Series>]) -> StepValues {
        let folded: Vec<Option<Series>> = series
            .iter()
            .map(|s| s.map(Series::by_time_of_day))
            .collect();
        let folded: Vec<Option<&Series>> = folded.iter().map(Option::as_ref).collect();
        StepValues {
            over_horizon: solid_steps(series),
            by_time_of_day: solid_steps(&folded),
        }
    }
}

/// Each panel's solid line's step values, per policy (empty without a series).
fn solid_steps(series: &[Option<&Series>]) -> Vec<Vec<Vec<f64>>> {
    let merge = series
        .iter()
        .flatten()
        .next()
        .map_or(1, |s| s.buckets().div_ceil(MAX_BUCKETS_DRAWN).max(1));
    TimePanelKind::ALL
        .iter()
        .map(|panel| {
            let (solid, _) = panel.series();
            series
                .iter()
                .map(|s| match s {
                    Some(s) => step_line(s.get(solid), merge, s.bucket_ms, solid)
                        .iter()
                        .step_by(2)
                        .map(|p| p[1])
                        .collect(),
                    None => Vec::new(),
                })
                .collect()
        })
        .collect()
}

/// Each solid line's 95 % interval step by step over the replicates: per
/// panel, per policy, per drawn step.
pub type StepBands = Vec<Vec<Vec<Interval>>>;

/// The bands of both views over the replicates (`replicates[0]` first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeBands {
    pub over_horizon: StepBands,
    pub by_time_of_day: StepBands,
    /// How many replicates they are over.
    pub replicates: usize,
}

impl TimeBands {
    pub fn over(replicates: &[StepValues], method: Method, users: usize) -> TimeBands {
        TimeBands {
            over_horizon: step_bands(replicates, |r| &r.over_horizon, method, users),
            by_time_of_day: step_bands(replicates, |r| &r.by_time_of_day, method, users),
            replicates: replicates.len(),
        }
    }
}

fn step_bands(
    replicates: &[StepValues],
    view: impl Fn(&StepValues) -> &Vec<Vec<Vec<f64>>>,
    method: Method,
    users: usize,
) -> StepBands {
    let Some(first) = replicates.first() else {
        return Vec::new();
    };
    view(first)
        .iter()
        .enumerate()
        .map(|(panel, policies)| {
            policies
                .iter()
                .enumerate()
                .map(|(policy, steps)| {
                    (0..steps.len())
                        .map(|step| {
                            let values: Vec<f64> = replicates
                                .iter()
                                .map(|r| view(r)[panel][policy].get(step).copied().unwrap_or(0.0))
                                .collect();
                            interval(method, &values, users)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
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
}
