//! The "All metrics" view's data: every metric of every policy as a row with
//! its human name and what it counts (from [`Metrics::text`], the words the
//! command line's table uses too), and the unattended exposure also per user
//! per day. Plain text, prepared without egui.

#[cfg(feature = "gui")]
pub mod plot;

use crate::analysis::replicates::MetricIntervals;
use crate::engine::{Metrics, ScenarioRun, per_user_per_day};
use crate::report::replicates::interval_cell;

use super::format::{rough, thousands};

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricRow {
    /// The JSON key (`lost_inputs`), or empty for a derived row.
    pub key: &'static str,
    /// The human name (`Lost edits`).
    pub label: String,
    /// What it counts, in one line.
    pub explains: String,
    /// One cell per policy, as the table shows it.
    pub cells: Vec<String>,
    /// Per policy, the exact value of a duration (hover), else `None`.
    pub exact: Vec<Option<String>>,
}

/// A value as the table shows it: counts with thousands separated,
/// durations readably (`77.7 days`; the exact milliseconds on hover, see
/// [`exact`]), so the columns stay narrow and the explanations fit.
pub fn cell(key: &str, v: u64) -> String {
    if crate::report::is_duration(key) && v > 0 {
        rough(v)
    } else {
        thousands(v)
    }
}

/// The exact value behind a duration cell, for its hover: `6,717,269,911 ms`.
pub fn exact(key: &str, v: u64) -> Option<String> {
    (crate::report::is_duration(key) && v > 0).then(|| format!("{} ms", thousands(v)))
}

/// Every metric in the SPEC's order; under `unattended_ms`, the same per
/// user per day of the horizon.
///
/// With replicates (`intervals`, one per policy), each metric's cell is the
/// mean ± half the 95 % interval, as `lapse run --replicates N` prints it.
pub fn rows(
    run: &ScenarioRun,
    horizon_ms: u64,
    intervals: Option<&[MetricIntervals]>,
) -> Vec<MetricRow> {
    let mut out = Vec::with_capacity(Metrics::NAMES.len() + 1);
    for (k, &key) in Metrics::NAMES.iter().enumerate() {
        let text = Metrics::text(key);
        out.push(MetricRow {
            key,
            label: text.map_or(key, |t| t.label).to_string(),
            explains: text.map_or("", |t| t.explains).to_string(),
            cells: run
                .policies
                .iter()
                .enumerate()
                .map(|(i, p)| match intervals.and_then(|all| all.get(i)) {
                    Some(spread) => interval_cell(key, &spread[k].1),
                    None => cell(key, p.metrics.pairs()[k].1),
                })
                .collect(),
            exact: run
                .policies
                .iter()
                .map(|p| exact(key, p.metrics.pairs()[k].1))
                .collect(),
        });
        if key == "unattended_ms" {
            out.push(MetricRow {
                key: "",
                label: "Unattended exposure per user per day".into(),
                explains: "the exposure above, divided by the users and by the days of the horizon"
                    .into(),
                cells: run
                    .policies
                    .iter()
                    .map(|p| {
                        per_user_per_day(p.metrics.unattended_ms, run.users, horizon_ms)
                            .map_or_else(|| "–".to_string(), rough)
                    })
                    .collect(),
                exact: vec![None; run.policies.len()],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::PolicyRun;

    #[test]
    fn rows_name_each_metric_and_read_exposure_per_user_per_day() {
        let metrics = Metrics {
            logins: 1234,
            unattended_ms: 2 * 3 * 3_600_000, // 2 users x 3 days x 1 hour
            ..Metrics::default()
        };
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 2,
            policies: vec![PolicyRun {
                name: "p".into(),
                metrics,
                affected: Default::default(),
                series: None,
                per_user: Vec::new(),
            }],
        };
        let rows = rows(&run, 3 * 86_400_000, None);
        assert_eq!(rows.len(), Metrics::NAMES.len() + 1);
        assert_eq!(rows[0].label, "Logins");
        assert_eq!(rows[0].cells, ["1,234"]);
        let exposure = rows
            .iter()
            .position(|r| r.key == "unattended_ms")
            .expect("row");
        assert_eq!(rows[exposure].cells, ["6h"]);
        assert_eq!(rows[exposure].exact, [Some("21,600,000 ms".to_string())]);
        assert_eq!(rows[0].exact, [None]);
        assert_eq!(
            rows[exposure + 1].label,
            "Unattended exposure per user per day"
        );
        assert_eq!(rows[exposure + 1].cells, ["1h"]);
        assert!(rows.iter().all(|r| !r.explains.is_empty()));
    }
}
