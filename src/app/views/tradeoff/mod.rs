//! The trade-off view's data: every policy and every step of the last sweep
//! as a point `[unattended exposure, disruption]` (the library's
//! `tradeoff_point`, as `lapse sweep` and `recommend` count them), and the
//! frontier (the library's `frontier`) over all of them. Prepared once per
//! simulation result and sweep, not per frame.

#[cfg(feature = "gui")]
pub mod plot;

use crate::analysis::frontier::{frontier, tradeoff_point};
use crate::analysis::intervals::{Difference, Method, paired};
use crate::analysis::param::Param;
use crate::engine::{Metrics, ScenarioRun, per_user_per_day};
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
    /// The point in a few words: the policy's name, or the step's.
    pub title: String,
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
    /// With replicates: each two neighbours on the frontier, compared.
    pub neighbours: Vec<NeighbourPair>,
}

/// Two neighbouring frontier points compared replicate by replicate (both
/// saw the same users in each replicate): the paired differences `b - a` of
/// both counts.
#[derive(Clone, Debug, PartialEq)]
pub struct NeighbourPair {
    /// Indices into `points`, along the frontier.
    pub a: usize,
    pub b: usize,
    /// Unattended exposure (ms) and disruption.
    pub exposure: Difference,
    pub disruption: Difference,
}

impl NeighbourPair {
    /// Whether the two points really differ: one of the two counts'
    /// 95 % intervals leaves zero out.
    pub fn distinguishable(&self) -> bool {
        self.exposure.is_clear() || self.disruption.is_clear()
    }
}

/// The exposure per user per day, as hover text adds it: ` (3m per user per day)`.
fn per_day(unattended: u64, exposure: Option<(usize, u64)>) -> String {
    exposure
        .and_then(|(users, horizon_ms)| per_user_per_day(unattended, users, horizon_ms))
        .map_or_else(String::new, |each| {
            format!(" ({} per user per day)", rough(each))
        })
}

fn hover(title: &str, m: &Metrics, action: &str, exposure: Option<(usize, u64)>) -> String {
    let [unattended, disruption] = tradeoff_point(m);
    format!(
        "{title}\nunattended exposure: {}{}\ndisruption: {} ({} logouts while present + {} lost edits)\n{action}",
        rough(unattended),
        per_day(unattended, exposure),
        thousands(disruption),
        thousands(m.logouts_while_present),
        thousands(m.lost_inputs),
    )
}

fn point(kind: PointKind, title: String, m: &Metrics, hover: String) -> TradeoffPoint {
    let at = tradeoff_point(m);
    TradeoffPoint {
        title,
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
        TradeoffData::over(generation, run, sweep, None)
    }

    /// As [`TradeoffData::new`]; given the horizon, each point's hover also
    /// gives the exposure per user per day.
    pub fn over(
        generation: u64,
        run: &ScenarioRun,
        sweep: Option<&SweepResult>,
        horizon_ms: Option<u64>,
    ) -> TradeoffData {
        let exposure = horizon_ms.map(|h| (run.users, h));
        let mut points: Vec<TradeoffPoint> = run
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                point(
                    PointKind::Policy(i),
                    p.name.clone(),
                    &p.metrics,
                    hover(&p.name, &p.metrics, "click to select this policy", exposure),
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
                let hover = hover(&title, m, &action, exposure);
                points.push(point(kind, title, m, hover));
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
            neighbours: Vec::new(),
        }
    }

    /// Compares each two neighbours on the frontier over replicates:
    /// `draws[i]` is point i's metrics in replicates 0, 1, ... (`None` when
    /// it has none); the first `n` replicates every drawn point has are
    /// paired, read by `method` for `users` users. Each point not
    /// distinguishable from a neighbour says so on hover.
    pub fn compare_neighbours(
        &mut self,
        draws: &[Option<Vec<Metrics>>],
        method: Method,
        users: usize,
    ) {
        let n = draws.iter().flatten().map(Vec::len).min().unwrap_or(0);
        self.neighbours.clear();
        if n < 2 {
            return;
        }
        let column = |i: usize, score: &dyn Fn(&Metrics) -> u64| -> Option<Vec<f64>> {
            let d = draws.get(i)?.as_ref()?;
            Some(d[..n].iter().map(|m| score(m) as f64).collect())
        };
        let exposure = |m: &Metrics| tradeoff_point(m)[0];
        let disruption = |m: &Metrics| tradeoff_point(m)[1];
        for w in self.frontier.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (Some(ea), Some(eb), Some(da), Some(db)) = (
                column(a, &exposure),
                column(b, &exposure),
                column(a, &disruption),
                column(b, &disruption),
            ) else {
                continue;
            };
            self.neighbours.push(NeighbourPair {
                a,
                b,
                exposure: paired(method, &ea, &eb, users),
                disruption: paired(method, &da, &db, users),
            });
        }
        let ties: Vec<(usize, usize)> = self
            .neighbours
            .iter()
            .filter(|p| !p.distinguishable())
            .flat_map(|p| [(p.a, p.b), (p.b, p.a)])
            .collect();
        for (i, other) in ties {
            let line = format!(
                "\nnot distinguishable from {} at 95 % ({n} replicates)",
                self.points[other].title
            );
            self.points[i].hover.push_str(&line);
        }
    }

    /// The frontier points not distinguishable from a neighbour.
    pub fn indistinct(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .neighbours
            .iter()
            .filter(|p| !p.distinguishable())
            .flat_map(|p| [p.a, p.b])
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The x axis's title: the exposure summed over users and days, and what
/// sum one hour per user per day makes (so the axis reads per person too).
pub fn exposure_axis_title(users: usize, horizon_ms: u64) -> String {
    let base =
        "unattended exposure: time sessions stayed alive after their user left (all users, summed";
    let per_hour = (users as u64).saturating_mul(horizon_ms).div_ceil(24);
    if users == 0 || horizon_ms == 0 {
        return format!("{base})");
    }
    format!("{base}; {} = 1h per user per day)", rough(per_hour))
}

/// A label's box in screen points: `[left, top, right, bottom]`.
pub type Box4 = [f32; 4];

fn overlaps(a: Box4, b: Box4) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

fn overlap_area(a: Box4, b: Box4) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    w * h
}

/// Where to write each point's label (`sizes[i]` = `[width, height]`) so
/// that labels overlap neither each other nor any drawn point (`points`
/// and `others`, e.g. sweep steps) and stay inside `bounds`: the first free
/// place of eight around the point (right, left, above, below, then the
/// corners, then further out), or, when none is free, the one that
/// overlaps least. Returns each label's box.
pub fn place_labels(
    points: &[[f32; 2]],
    sizes: &[[f32; 2]],
    others: &[[f32; 2]],
    bounds: Box4,
) -> Vec<Box4> {
    const GAP: f32 = 8.0;
    const DOT: f32 = 6.0;
    let dots: Vec<Box4> = points
        .iter()
        .chain(others)
        .map(|p| [p[0] - DOT, p[1] - DOT, p[0] + DOT, p[1] + DOT])
        .collect();
    let mut placed: Vec<Box4> = Vec::with_capacity(points.len());
    for (p, size) in points.iter().zip(sizes) {
        let [w, h] = *size;
        let candidates = [1.0f32, 2.5, 4.5].into_iter().flat_map(|far| {
            let g = GAP * far;
            [
                [p[0] + g, p[1] - h / 2.0],
                [p[0] - g - w, p[1] - h / 2.0],
                [p[0] - w / 2.0, p[1] - g - h],
                [p[0] - w / 2.0, p[1] + g],
                [p[0] + g, p[1] - g - h],
                [p[0] - g - w, p[1] - g - h],
                [p[0] + g, p[1] + g],
                [p[0] - g - w, p[1] + g],
            ]
        });
        let mut best: Option<(f32, Box4)> = None;
        for [x, y] in candidates {
            // Kept inside the plot: moved in from an edge, never cut off.
            let x = x.clamp(bounds[0], (bounds[2] - w).max(bounds[0]));
            let y = y.clamp(bounds[1], (bounds[3] - h).max(bounds[1]));
            let b = [x, y, x + w, y + h];
            let cost: f32 = placed
                .iter()
                .chain(&dots)
                .filter(|o| overlaps(b, **o))
                .map(|o| overlap_area(b, *o))
                .sum();
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, b));
            }
            if cost == 0.0 {
                break;
            }
        }
        let b = best.map_or([p[0], p[1], p[0] + w, p[1] + h], |(_, b)| b);
        placed.push(b);
    }
    placed
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
    fn labels_of_close_points_do_not_overlap_and_stay_inside() {
        let bounds = [0.0, 0.0, 400.0, 300.0];
        // Three points on one spot, one at the right edge, one at the top.
        let points = [
            [200.0, 150.0],
            [200.0, 150.0],
            [202.0, 151.0],
            [398.0, 100.0],
            [100.0, 1.0],
        ];
        let sizes = [[120.0, 16.0]; 5];
        // A sweep step right of the first point.
        let others = [[215.0, 150.0]];
        let boxes = place_labels(&points, &sizes, &others, bounds);
        for (i, a) in boxes.iter().enumerate() {
            assert!(
                a[0] >= 0.0 && a[1] >= 0.0 && a[2] <= 400.0 && a[3] <= 300.0,
                "{a:?} inside"
            );
            for b in &boxes[i + 1..] {
                assert!(!overlaps(*a, *b), "{a:?} and {b:?} overlap");
            }
        }
        for b in &boxes {
            assert!(
                !overlaps(*b, [209.0, 144.0, 221.0, 156.0]),
                "{b:?} hides the step"
            );
        }
        // The point at the right edge gets its label on its left.
        assert!(boxes[3][2] <= 398.0, "{:?}", boxes[3]);
    }

    #[test]
    fn the_axis_says_what_one_hour_per_user_per_day_sums_to() {
        // 300 users over 5 days: 1 500 hours, 62.5 days.
        assert!(
            exposure_axis_title(300, 5 * 86_400_000)
                .ends_with("; 62.5 days = 1h per user per day)")
        );
        // One user over one day: 1 hour.
        assert!(exposure_axis_title(1, 86_400_000).ends_with("; 1h = 1h per user per day)"));
        assert!(exposure_axis_title(0, 86_400_000).ends_with("summed)"));
    }

    #[test]
    fn hover_gives_the_exposure_per_user_per_day() {
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 2,
            policies: vec![PolicyRun {
                name: "p".into(),
                metrics: metrics(4, 0, 0), // 4 h over 2 users and 2 days
                affected: Default::default(),
                series: None,
                per_user: Vec::new(),
            }],
        };
        let data = TradeoffData::over(1, &run, None, Some(2 * 86_400_000));
        assert!(
            data.points[0]
                .hover
                .contains("unattended exposure: 4h (1h per user per day)"),
            "{}",
            data.points[0].hover
        );
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

    #[test]
    fn neighbours_the_replicates_cannot_tell_apart_are_marked() {
        let policy = |name: &str, m: Metrics| PolicyRun {
            name: name.into(),
            metrics: m,
            affected: Default::default(),
            series: None,
            per_user: Vec::new(),
        };
        // Frontier: tight (1 h, 10), mid (5 h, 4), loose (5 h 1 m, 3).
        let loose = Metrics {
            unattended_ms: 5 * 3_600_000 + 60_000,
            lost_inputs: 3,
            ..Metrics::default()
        };
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 10,
            policies: vec![
                policy("tight", metrics(1, 5, 5)),
                policy("mid", metrics(5, 2, 2)),
                policy("loose", loose),
            ],
        };
        let mut data = TradeoffData::new(1, &run, None);
        assert_eq!(data.frontier, [0, 1, 2]);
        // tight and mid: mid 6 fewer disruptions in every draw (no spread:
        // the interval is -6 to -6). mid and loose: loose's draws wobble by
        // 3 both ways, so the paired differences are 4, -2, 4, -2 minutes
        // and 2, -4, 2, -4 disruptions: mean 1 and -1, half-widths
        // t(0.975, 3) · 3.46 / 2 = 5.5: both intervals cover zero.
        let draws = |base: Metrics, wobble: [i64; 4]| -> Option<Vec<Metrics>> {
            Some(
                wobble
                    .iter()
                    .map(|&w| Metrics {
                        unattended_ms: (base.unattended_ms as i64 + w * 60_000) as u64,
                        lost_inputs: (base.lost_inputs as i64 + w) as u64,
                        ..base
                    })
                    .collect(),
            )
        };
        let draws = vec![
            draws(metrics(1, 5, 5), [0, 0, 0, 0]),
            draws(metrics(5, 2, 2), [0, 0, 0, 0]),
            draws(loose, [3, -3, 3, -3]),
        ];
        data.compare_neighbours(&draws, Method::StudentT, 10);
        assert_eq!(data.neighbours.len(), 2);
        assert!(data.neighbours[0].distinguishable());
        assert_eq!(data.neighbours[0].disruption.mean, -6.0);
        assert!(!data.neighbours[1].distinguishable());
        assert_eq!(data.indistinct(), [1, 2]);
        assert!(
            data.points[2]
                .hover
                .ends_with("not distinguishable from mid at 95 % (4 replicates)"),
            "{}",
            data.points[2].hover
        );
        assert!(!data.points[0].hover.contains("not distinguishable"));
        // One replicate compares nothing.
        let mut plain = TradeoffData::new(1, &run, None);
        let one: Vec<_> = (0..3)
            .map(|i| Some(vec![run.policies[i].metrics]))
            .collect();
        plain.compare_neighbours(&one, Method::StudentT, 10);
        assert!(plain.neighbours.is_empty());
    }
}
