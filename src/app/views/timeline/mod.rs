//! One user's story under each policy, as plot-ready marks. Pure: the user's
//! trace and dated outcomes in, lanes of points out.

#[cfg(feature = "gui")]
pub mod plot;

use crate::engine::{EndReason, Metrics, Outcome, user_timeline};
use crate::model::{Event, EventKind, Scenario};

use super::HOUR_MS;

const DAY_MS: u64 = 86_400_000;

/// Something drawn as a marker in a policy's lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    SilentRelogin,
    Logout,
    LogoutWhilePresent,
    WarningShown,
    WarningHeeded,
    WarningMissed,
    Ping,
    SubmitLost,
    CsrfFailure,
    LostEdits,
    DraftRestored,
}

impl Mark {
    pub const ALL: [Mark; 11] = [
        Mark::SilentRelogin,
        Mark::Logout,
        Mark::LogoutWhilePresent,
        Mark::WarningShown,
        Mark::WarningHeeded,
        Mark::WarningMissed,
        Mark::Ping,
        Mark::SubmitLost,
        Mark::CsrfFailure,
        Mark::LostEdits,
        Mark::DraftRestored,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Mark::SilentRelogin => "silent re-login",
            Mark::Logout => "logout",
            Mark::LogoutWhilePresent => "logout while present",
            Mark::WarningShown => "warning shown",
            Mark::WarningHeeded => "warning heeded",
            Mark::WarningMissed => "warning missed",
            Mark::Ping => "keepalive or extend ping",
            Mark::SubmitLost => "submit lost",
            Mark::CsrfFailure => "CSRF failure",
            Mark::LostEdits => "edits lost",
            Mark::DraftRestored => "draft restored",
        }
    }

    /// Where in its lane the mark sits: warnings above the session bar,
    /// losses below it, the rest on it.
    pub fn offset(self) -> f64 {
        match self {
            Mark::WarningShown | Mark::WarningHeeded | Mark::WarningMissed => 0.25,
            Mark::Ping => 0.12,
            Mark::Logout | Mark::LogoutWhilePresent => -0.2,
            Mark::SubmitLost | Mark::CsrfFailure | Mark::LostEdits => -0.4,
            Mark::SilentRelogin | Mark::DraftRestored => 0.0,
        }
    }

    fn of(outcome: &Outcome) -> Option<Mark> {
        Some(match outcome {
            Outcome::SilentRelogin => Mark::SilentRelogin,
            Outcome::Logout {
                while_present: true,
                ..
            } => Mark::LogoutWhilePresent,
            Outcome::Logout { .. } => Mark::Logout,
            Outcome::WarningShown => Mark::WarningShown,
            Outcome::WarningHeeded => Mark::WarningHeeded,
            Outcome::WarningMissed => Mark::WarningMissed,
            Outcome::KeepalivePing | Outcome::ExtendPing => Mark::Ping,
            Outcome::SubmitLost => Mark::SubmitLost,
            Outcome::CsrfFailure => Mark::CsrfFailure,
            Outcome::LostEdits { .. } => Mark::LostEdits,
            Outcome::DraftRestored => Mark::DraftRestored,
            // A login is where a session bar starts, a redirect where one
            // ends; saved submits are on the user's own lane.
            Outcome::Login
            | Outcome::SessionEnd { .. }
            | Outcome::Redirect
            | Outcome::WarningCleared
            | Outcome::SubmitSaved => {
                return None;
            }
        })
    }
}

/// One session's life, in hours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SessionSpan {
    pub start: f64,
    pub end: f64,
    pub reason: EndReason,
}

/// One policy's row of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub policy: String,
    /// The lane's centre on the y axis.
    pub y: f64,
    pub sessions: Vec<SessionSpan>,
    /// Per mark kind, its points (x in hours, y in the lane).
    pub marks: Vec<(Mark, Vec<[f64; 2]>)>,
    /// What each lost-edits mark stands for: (x, edits, typing ms).
    pub losses: Vec<(f64, u32, u64)>,
    pub metrics: Metrics,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub user: usize,
    /// The trace's events by kind, on the top lane (y = 0).
    pub events: Vec<(EventKind, Vec<[f64; 2]>)>,
    /// One lane per policy below it, at y = -1, -2, ...
    pub lanes: Vec<Lane>,
    /// The x range worth showing first: the user's events, with a margin.
    pub x_range: (f64, f64),
    /// The days (0-based) on which the user did something, and the x range
    /// of that day's activity (with a margin).
    pub days: Vec<(u64, (f64, f64))>,
    /// The day worth looking at first: the first with lost work or a logout.
    pub focus_day: Option<u64>,
}

impl Timeline {
    /// The x range of one day's activity; the whole trace if the day has none.
    pub fn day_range(&self, day: u64) -> (f64, f64) {
        self.days
            .iter()
            .find(|(d, _)| *d == day)
            .map_or(self.x_range, |(_, range)| *range)
    }
}

/// A range of hours with a margin on both sides, for a plot's first view.
fn with_margin(first: f64, last: f64) -> (f64, f64) {
    let margin = ((last - first) * 0.05).max(0.25);
    (first - margin, last + margin)
}

/// The y of policy `i`'s lane.
pub fn lane_y(i: usize) -> f64 {
    -(i as f64) - 1.0
}

/// Replays one user under every policy of the scenario.
pub fn timeline(scenario: &Scenario, user: usize, events: &[Event]) -> Timeline {
    let cfg = scenario.sim_config();
    let hours = |t: u64| t as f64 / HOUR_MS;
    let kept: Vec<Event> = events
        .iter()
        .copied()
        .filter(|e| e.time() < cfg.horizon)
        .collect();
    let events_by_kind = EventKind::ALL
        .iter()
        .filter_map(|&kind| {
            let points: Vec<[f64; 2]> = kept
                .iter()
                .filter(|e| e.kind() == kind)
                .map(|e| [hours(e.time()), 0.0])
                .collect();
            (!points.is_empty()).then_some((kind, points))
        })
        .collect();
    let lanes: Vec<Lane> = scenario
        .policies
        .iter()
        .enumerate()
        .map(|(i, policy)| {
            let (metrics, outcomes) = user_timeline(&kept, policy, &cfg);
            let y = lane_y(i);
            let mut sessions = Vec::new();
            let mut marks: Vec<(Mark, Vec<[f64; 2]>)> = Vec::new();
            let mut losses = Vec::new();
            for (t, outcome) in &outcomes {
                if let Outcome::SessionEnd { started, reason } = outcome {
                    sessions.push(SessionSpan {
                        start: hours(*started),
                        end: hours(*t),
                        reason: *reason,
                    });
                }
                if let Outcome::LostEdits {
                    inputs, edit_ms, ..
                } = outcome
                {
                    losses.push((hours(*t), *inputs, *edit_ms));
                }
                if let Some(mark) = Mark::of(outcome) {
                    let point = [hours(*t), y + mark.offset()];
                    match marks.iter_mut().find(|(m, _)| *m == mark) {
                        Some((_, points)) => points.push(point),
                        None => marks.push((mark, vec![point])),
                    }
                }
            }
            marks.sort_by_key(|(m, _)| Mark::ALL.iter().position(|x| x == m));
            Lane {
                policy: policy.name.clone(),
                y,
                sessions,
                marks,
                losses,
                metrics,
            }
        })
        .collect();
    let x_range = match (kept.first(), kept.last()) {
        (Some(a), Some(b)) => with_margin(hours(a.time()), hours(b.time())),
        _ => (0.0, hours(cfg.horizon)),
    };
    let mut days: Vec<(u64, (f64, f64))> = Vec::new();
    for e in &kept {
        let (day, x) = (e.time() / DAY_MS, hours(e.time()));
        match days.last_mut() {
            Some((d, (_, last))) if *d == day => *last = x,
            _ => days.push((day, (x, x))),
        }
    }
    for (_, (first, last)) in &mut days {
        (*first, *last) = with_margin(*first, *last);
    }
    let first_trouble = lanes
        .iter()
        .flat_map(|lane: &Lane| &lane.marks)
        .filter(|(mark, _)| {
            matches!(
                mark,
                Mark::LostEdits | Mark::SubmitLost | Mark::Logout | Mark::LogoutWhilePresent
            )
        })
        .flat_map(|(_, points)| points.iter().map(|p| p[0]))
        .fold(None, |min: Option<f64>, x| {
            Some(min.map_or(x, |m| m.min(x)))
        });
    let focus_day = first_trouble
        .map(|x| (x / 24.0).floor().max(0.0) as u64)
        .or_else(|| days.first().map(|(d, _)| *d));
    Timeline {
        user,
        events: events_by_kind,
        lanes,
        x_range,
        days,
        focus_day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    /// SPEC example B under the alert policy: view 0, inputs 10-40, submit 45.
    #[test]
    fn example_b_alert_lane() {
        let scenario = Scenario::parse(
            r#"Scenario(name: "B", horizon: "1d", population: Trace(path: "b.csv"),
               policies: [Policy(name: "alert", idle_timeout: Some("30m"),
                 warning: Some(Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)))])"#,
            None,
        )
        .expect("valid");
        let events: Vec<Event> = [
            (0, EventKind::View),
            (10, EventKind::Input),
            (20, EventKind::Input),
            (30, EventKind::Input),
            (40, EventKind::Input),
            (45, EventKind::Submit),
        ]
        .iter()
        .map(|&(m, k)| Event::new(m * MIN, k))
        .collect();
        let t = timeline(&scenario, 0, &events);
        let h = |m: f64| m / 60.0;
        assert_eq!(t.events.len(), 3, "view, submit and input are present");
        let lane = &t.lanes[0];
        assert_eq!(lane.y, -1.0);
        // The first session expires at 30; the second (login at 45, never
        // refreshed again) expires at 75.
        assert_eq!(lane.sessions.len(), 2);
        assert_eq!(
            (lane.sessions[0].start, lane.sessions[0].end),
            (0.0, h(30.0))
        );
        assert_eq!(lane.sessions[0].reason, EndReason::Expired);
        assert_eq!(
            (lane.sessions[1].start, lane.sessions[1].end),
            (h(45.0), h(75.0))
        );
        assert_eq!(lane.sessions[1].reason, EndReason::Expired);
        // 4 edits lost at the submit, 30 minutes of typing (10 to 40).
        assert_eq!(lane.losses, [(h(45.0), 4, 30 * MIN)]);
        let marks: Vec<Mark> = lane.marks.iter().map(|(m, _)| *m).collect();
        assert!(marks.contains(&Mark::Logout) && marks.contains(&Mark::SubmitLost));
        assert_eq!(lane.metrics.lost_inputs, 4);
        assert_eq!(t.x_range.0, -0.25);
        assert_eq!(t.days, [(0, (-0.25, 1.0))]);
        assert_eq!(t.focus_day, Some(0));
    }
}
