//! The trade-off view's data: every policy and every step of the last sweep
//! as a point `[unattended exposure, disruption]` (the library's
//! `tradeoff_point`, as `lapse sweep` and `recommend` count them), and the
//! frontier (the library's `frontier`) over all of them. Prepared once per
//! simulation result and sweep, not per frame.

#[cfg(feature = "gui")]
pub mod plot;

use crate::analysis::frontier::{frontier, tradeoff_point};
use crate::analysis::param::Param;
use crate::engine::{Metrics, ScenarioRun};
use crate::model::Dur;

use super::format::{rough, thousands};
use super::sweep::SweepResult;
use super::{HOUR_MS, Xy};

/// What a point stands for, and so what clicking it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointKind {
    /// A policy of the scenario: clicking selects it.
    Policy(usize),
    /// A sweep step: clicking sets the policy's field to the step's value.
    Step {
        policy: usize,
        param: Param,
        value: Dur,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct TradeoffPoint {
    pub kind: PointKind,
    /// `[unattended_ms, disruption]`.
    pub at: [u64; 2],
    /// x in hours of unattended sessions, y the disruption count.
    pub plot: Xy,
    /// What hovering the point shows.
    pub hover: String,
}

/// Everything the view draws, prepared once.
#[derive(Clone, Debug, PartialEq)]
pub struct TradeoffData {
    /// The simulation generation and sweep id this was prepared for.
    pub key: (u64, Option<u64>),
    /// The policies' points first (in scenario order), then the sweep's.
    pub points: Vec<TradeoffPoint>,
    pub policies: usize,
    /// The swept policy and field, when there is a sweep.
    pub sweep: Option<(String, Param)>,
    /// The sweep's points (a slice of `points`, for drawing in one go).
    pub sweep_plot: Vec<Xy>,
    /// Indices into `points` of the non-dominated ones, along the line.
    pub frontier: Vec<usize>,
    pub frontier_plot: Vec<Xy>,
}

fn hover(title: &str, m: &Metrics, action: &str) -> String {
    let [unattended, disruption] = tradeoff_point(m);
    format!(
        "{title}\nunattended exposure: {}\ndisruption: {} ({} logouts while present + {} lost edits)\n{action}",
        rough(unattended),
        thousands(disruption),
        thousands(m.logouts_while_present),
        thousands(m.lost_inputs),
    )
}

fn point(kind: PointKind, m: &Metrics, hover: String) -> TradeoffPoint {
    let at = tradeoff_point(m);
    TradeoffPoint {
        kind,
        at,
        plot: Xy {
            x: at[0] as f64 / HOUR_MS,
            y: at[1] as f64,
        },
        hover,
    }
}

impl TradeoffData {
    pub fn new(generation: u64, run: &ScenarioRun, sweep: Option<&SweepResult>) -> TradeoffData {
        let mut points: Vec<TradeoffPoint> = run
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                point(
                    PointKind::Policy(i),
                    &p.metrics,
                    hover(&p.name, &p.metrics, "click to select this policy"),
                )
            })
            .collect();
        let policies = points.len();
        if let Some(s) = sweep {
            let param = s.sweep.param;
            for (value, m) in s.sweep.ran() {
                let title = format!("{} with {param} = {value}", s.sweep.policy);
                let kind = PointKind::Step {
                    policy: s.policy,
                    param,
                    value,
                };
                let action = format!("click to set {param} to {value}");
                points.push(point(kind, m, hover(&title, m, &action)));
            }
        }
        let coords: Vec<[u64; 2]> = points.iter().map(|p| p.at).collect();
        let front = frontier(&coords);
        TradeoffData {
            key: (generation, sweep.map(|s| s.id)),
            sweep_plot: points[policies..].iter().map(|p| p.plot).collect(),
            frontier_plot: front.iter().map(|&i| points[i].plot).collect(),
            frontier: front,
            sweep: sweep.map(|s| (s.sweep.policy.clone(), s.sweep.param)),
            points,
            policies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::PolicyRun;

    fn metrics(unattended_h: u64, logouts_present: u64, lost: u64) -> Metrics {
        Metrics {
            unattended_ms: unattended_h * 3_600_000,
            logouts_while_present: logouts_present,
            lost_inputs: lost,
            ..Metrics::default()
        }
    }

    #[test]
    fn points_and_frontier_follow_the_library() {
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 1,
            policies: vec![
                PolicyRun {
                    name: "tight".into(),
                    metrics: metrics(1, 5, 5), // (1 h, 10)
                    affected: Default::default(),
                    series: None,
                    per_user: Vec::new(),
                },
                PolicyRun {
                    name: "loose".into(),
                    metrics: metrics(10, 0, 0), // (10 h, 0)
                    affected: Default::default(),
                    series: None,
                    per_user: Vec::new(),
                },
                PolicyRun {
                    name: "bad".into(),
                    metrics: metrics(10, 1, 1), // (10 h, 2): beaten by loose
                    affected: Default::default(),
                    series: None,
                    per_user: Vec::new(),
                },
            ],
        };
        let data = TradeoffData::new(7, &run, None);
        assert_eq!(data.key, (7, None));
        assert_eq!(data.points[2].at, [36_000_000, 2]);
        assert_eq!(data.points[0].plot, Xy { x: 1.0, y: 10.0 });
        assert_eq!(data.frontier, [0, 1], "x rising, y falling");
        assert!(
            data.points[0]
                .hover
                .contains("disruption: 10 (5 logouts while present + 5 lost edits)")
        );
    }
}
