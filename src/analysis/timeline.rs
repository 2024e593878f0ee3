//! One user's story under each policy, as plot-ready marks. Pure: the user's
//! trace and the engine's detailed replay ([`crate::engine::detail`]) in,
//! rows of points out. The window's timeline view and the report's
//! timeline picture both draw these rows, so they show the same lanes.
//!
//! A user with one tab gets one row of actions and one row per policy. A
//! user with several tabs gets a row of actions per tab, and under each
//! policy's row (its sessions, logouts and lost work) a row per tab: the
//! tab's page lives, warnings, redirects and pings. The spans the device
//! slept are shaded across all rows. Tabs are numbered from 1 for people
//! (the trace's tab 0 is "tab 1").

use crate::engine::detail::{sleeps, user_detail};
use crate::engine::{EndReason, Metrics, Outcome};
use crate::model::{Event, EventKind, Scenario};

/// The rows' x unit: hours.
const HOUR_MS: f64 = 3_600_000.0;
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
    /// A tab's client timer redirected to the login page (drawn on tab rows).
    Redirect,
}

impl Mark {
    pub const ALL: [Mark; 12] = [
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
        Mark::Redirect,
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
            Mark::Redirect => "tab's timer redirects to login",
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
            Mark::SilentRelogin | Mark::DraftRestored | Mark::Redirect => 0.0,
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
            Outcome::Redirect => Mark::Redirect,
            // A login is where a session bar starts; saved submits are on
            // the user's own lane.
            Outcome::Login
            | Outcome::SessionEnd { .. }
            | Outcome::WarningCleared
            | Outcome::SubmitSaved => {
                return None;
            }
        })
    }

    /// Whether the mark belongs to one tab's page (its row, with tabs)
    /// rather than to the user's session.
    fn is_page(self) -> bool {
        matches!(
            self,
            Mark::WarningShown
                | Mark::WarningHeeded
                | Mark::WarningMissed
                | Mark::Ping
                | Mark::Redirect
        )
    }
}

/// One tab's row under a policy: its pages' lives, in hours.
#[derive(Clone, Debug, PartialEq)]
pub struct TabRow {
    /// 0-based, as in the trace.
    pub tab: usize,
    pub y: f64,
    pub pages: Vec<(f64, f64)>,
}

/// A logout one tab's timer caused while the user worked in another.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherTabMark {
    /// Where the logout mark is (x in hours).
    pub at: [f64; 2],
    /// "logged out by tab 1's timer" (tabs from 1).
    pub label: String,
    /// "by tab 1's timer": beside the mark, where several may stand close.
    pub short: String,
    /// The longer story, for the hover.
    pub detail: String,
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
    /// With several tabs, one row per tab below the policy's row; empty with one.
    pub tab_rows: Vec<TabRow>,
    pub other_tab: Vec<OtherTabMark>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub user: usize,
    /// How many tabs the user's trace uses (1 without a tab column).
    pub tabs: usize,
    /// The trace's events by kind, each on its tab's row of actions (y = 0
    /// for tab 0, -1 for tab 1, ...).
    pub events: Vec<(EventKind, Vec<[f64; 2]>)>,
    /// One lane per policy below them.
    pub lanes: Vec<Lane>,
    /// Every row's y and its name on the axis, top to bottom.
    pub rows: Vec<(f64, String)>,
    /// The spans the device slept, in hours.
    pub sleeps: Vec<(f64, f64)>,
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

/// The y of policy `i`'s lane when the user has `tabs` tabs: below the
/// rows of actions, and with several tabs each policy followed by its tab rows.
pub fn lane_y(i: usize, tabs: usize) -> f64 {
    let per_policy = if tabs > 1 { tabs + 1 } else { 1 };
    -((tabs + i * per_policy) as f64)
}

/// Tabs as people count them: the trace's tab 0 is "tab 1".
fn tab_name(tab: usize) -> String {
    format!("tab {}", tab + 1)
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
    let tabs = kept
        .iter()
        .map(|e| usize::from(e.tab()) + 1)
        .max()
        .unwrap_or(1);
    let events_by_kind = EventKind::ALL
        .iter()
        .filter_map(|&kind| {
            let points: Vec<[f64; 2]> = kept
                .iter()
                .filter(|e| e.kind() == kind)
                .map(|e| [hours(e.time()), -f64::from(e.tab())])
                .collect();
            (!points.is_empty()).then_some((kind, points))
        })
        .collect();
    let lanes: Vec<Lane> = scenario
        .policies
        .iter()
        .enumerate()
        .map(|(i, policy)| lane(&kept, policy, &cfg, lane_y(i, tabs), tabs))
        .collect();
    let mut rows: Vec<(f64, String)> = if tabs > 1 {
        (0..tabs)
            .map(|t| (-(t as f64), format!("{}: actions", tab_name(t))))
            .collect()
    } else {
        vec![(0.0, "user's events".into())]
    };
    for lane in &lanes {
        rows.push((lane.y, lane.policy.clone()));
        for row in &lane.tab_rows {
            rows.push((row.y, format!("{}'s page", tab_name(row.tab))));
        }
    }
    let sleeps = sleeps(&kept, cfg.horizon)
        .into_iter()
        .map(|(a, b)| (hours(a), hours(b)))
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
        tabs,
        events: events_by_kind,
        lanes,
        rows,
        sleeps,
        x_range,
        days,
        focus_day,
    }
}

/// One policy's lane: its sessions and losses on its row, and with several
/// tabs each page's life and happenings on its tab's row.
fn lane(
    events: &[Event],
    policy: &crate::model::Policy,
    cfg: &crate::engine::SimConfig,
    y: f64,
    tabs: usize,
) -> Lane {
    let hours = |t: u64| t as f64 / HOUR_MS;
    let detail = user_detail(events, policy, cfg);
    let tab_y = |tab: usize| y - 1.0 - tab as f64;
    let mut sessions = Vec::new();
    let mut marks: Vec<(Mark, Vec<[f64; 2]>)> = Vec::new();
    let mut losses = Vec::new();
    for o in &detail.outcomes {
        let x = hours(o.t);
        if let Outcome::SessionEnd { started, reason } = o.outcome {
            sessions.push(SessionSpan {
                start: hours(started),
                end: x,
                reason,
            });
        }
        if let Outcome::LostEdits {
            inputs, edit_ms, ..
        } = o.outcome
        {
            losses.push((x, inputs, edit_ms));
        }
        let Some(mark) = Mark::of(&o.outcome) else {
            continue;
        };
        let row = match (tabs > 1, mark.is_page()) {
            (true, true) => tab_y(o.tab),
            // One tab: the session's end marker already says "client redirect".
            (false, _) if mark == Mark::Redirect => continue,
            _ => y,
        };
        let point = [x, row + mark.offset()];
        match marks.iter_mut().find(|(m, _)| *m == mark) {
            Some((_, points)) => points.push(point),
            None => marks.push((mark, vec![point])),
        }
    }
    marks.sort_by_key(|(m, _)| Mark::ALL.iter().position(|x| x == m));
    let tab_rows = if tabs > 1 {
        (0..tabs)
            .map(|tab| TabRow {
                tab,
                y: tab_y(tab),
                pages: detail
                    .pages
                    .iter()
                    .filter(|p| p.tab == tab)
                    .map(|p| (hours(p.start), hours(p.end)))
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let other_tab = detail
        .other_tab_logouts
        .iter()
        .map(|l| {
            let by = tab_name(l.by_tab);
            let presence = if l.while_present {
                "while working"
            } else {
                "last active"
            };
            OtherTabMark {
                at: [hours(l.t), y + Mark::Logout.offset()],
                label: format!("logged out by {by}'s timer"),
                short: format!("by {by}'s timer"),
                detail: format!(
                    "Logged out by {by}'s timer, {presence} in {}: {by} was left alone, its own timer ran out and redirected to the login page, which ended the session every tab shares.",
                    tab_name(l.user_tab)
                ),
            }
        })
        .collect();
    Lane {
        policy: policy.name.clone(),
        y,
        sessions,
        marks,
        losses,
        metrics: detail.metrics,
        tab_rows,
        other_tab,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::detail::tests::{example_d, example_d_scenario};

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

    fn points_of(lane: &Lane, mark: Mark) -> Vec<[f64; 2]> {
        lane.marks
            .iter()
            .find(|(m, _)| *m == mark)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }

    #[test]
    fn example_d_has_a_row_per_tab_and_marks_the_other_tabs_logout() {
        let t = timeline(&example_d_scenario(false), 0, &example_d());
        let h = |m: f64| m / 60.0;
        assert_eq!(t.tabs, 2);
        // Rows: the two tabs' actions, the policy, then its two tab rows.
        let rows: Vec<(f64, &str)> = t.rows.iter().map(|(y, n)| (*y, n.as_str())).collect();
        assert_eq!(
            rows,
            [
                (0.0, "tab 1: actions"),
                (-1.0, "tab 2: actions"),
                (-2.0, "alert"),
                (-3.0, "tab 1's page"),
                (-4.0, "tab 2's page"),
            ]
        );
        // The views are on their tabs' rows: tab 0's at 0, tab 1's at 1.
        let views = &t
            .events
            .iter()
            .find(|(k, _)| *k == EventKind::View)
            .expect("views")
            .1;
        assert_eq!(views, &[[0.0, 0.0], [h(1.0), -1.0]]);
        let lane = &t.lanes[0];
        assert_eq!(lane.y, -2.0);
        // Tab 0's page lives until its redirect at 30; tab 1's until the
        // failed submit at 31 reloads it, then until its redirect at 61.
        assert_eq!(lane.tab_rows[0].pages, [(0.0, h(30.0))]);
        assert_eq!(
            lane.tab_rows[1].pages,
            [(h(1.0), h(31.0)), (h(31.0), h(61.0))]
        );
        // Warnings on their tab's row (shown 0.25 above it): tab 0 at 25,
        // tab 1's reopened page at 56.
        assert_eq!(
            points_of(lane, Mark::WarningShown),
            [[h(25.0), -2.75], [h(56.0), -3.75]]
        );
        assert_eq!(
            points_of(lane, Mark::Redirect),
            [[h(30.0), -3.0], [h(61.0), -4.0]]
        );
        // The logout at 30 is tab 0's timer while the user typed in tab 1
        // (the one at 61 is tab 1's own): marked on the policy's row.
        assert_eq!(lane.other_tab.len(), 1);
        assert_eq!(lane.other_tab[0].at, [h(30.0), -2.2]);
        assert_eq!(lane.other_tab[0].label, "logged out by tab 1's timer");
        assert!(lane.other_tab[0].detail.contains("while working in tab 2"));
        assert!(t.sleeps.is_empty());
    }

    #[test]
    fn a_synced_timer_logs_out_no_other_tab() {
        let t = timeline(&example_d_scenario(true), 0, &example_d());
        let lane = &t.lanes[0];
        assert!(lane.other_tab.is_empty());
        // One shared redirect at 61 closes both tabs' pages.
        let h = |m: f64| m / 60.0;
        assert_eq!(lane.tab_rows[0].pages, [(0.0, h(61.0))]);
        assert_eq!(lane.tab_rows[1].pages, [(h(1.0), h(61.0))]);
    }

    #[test]
    fn the_device_s_sleep_is_a_span_and_one_tab_keeps_one_row_per_policy() {
        // SPEC example E: view 0, input 5, sleep 10, wake 50, input 51, submit 52.
        let scenario = Scenario::parse(
            r#"Scenario(name: "E", horizon: "1d", population: Trace(path: "e.csv"),
               policies: [Policy(name: "alert", idle_timeout: Some("30m"), refresh: EachRequest,
                 warning: Some(Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)),
                 on_expiry: Redirect)])"#,
            None,
        )
        .expect("valid");
        use EventKind::*;
        let events: Vec<Event> = [
            (0, View),
            (5, Input),
            (10, Sleep),
            (50, Wake),
            (51, Input),
            (52, Submit),
        ]
        .iter()
        .map(|&(m, k)| Event::new(m * MIN, k))
        .collect();
        let t = timeline(&scenario, 0, &events);
        let h = |m: f64| m / 60.0;
        assert_eq!(t.sleeps, [(h(10.0), h(50.0))]);
        assert_eq!(t.tabs, 1);
        assert_eq!(
            t.rows,
            [(0.0, "user's events".to_string()), (-1.0, "alert".into())]
        );
        let lane = &t.lanes[0];
        assert!(lane.tab_rows.is_empty());
        // SPEC: the submit at 52 is lost with both edits; the new page warns
        // at 77 and misses at 82 (on the policy's row with one tab).
        assert_eq!(lane.metrics.lost_submits, 1);
        assert_eq!(points_of(lane, Mark::WarningShown), [[h(77.0), -0.75]]);
        assert!(points_of(lane, Mark::Redirect).is_empty());
    }
}
