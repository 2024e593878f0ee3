//! One user's replay in full detail: every outcome with the tab it belongs
//! to, each page's life, the device's sleeps, and which logouts another
//! tab's timer caused. What the user timeline draws (SPEC revision 2).

use crate::model::trace::sleep_spans;
use crate::model::{Event, EventKind, Policy};

use super::metrics::Metrics;
use super::outcome::{Outcome, Sink};
use super::user::{Params, SimConfig};

/// An outcome and the tab whose page it happened in (0 for the server's own
/// happenings noticed outside any page event, such as a session expiring).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TabOutcome {
    pub t: u64,
    pub tab: usize,
    pub outcome: Outcome,
}

/// A page open in one tab, from its view until it closed, was replaced or
/// was redirected (`end`: the horizon if it was still open then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLife {
    pub tab: usize,
    pub start: u64,
    pub end: u64,
}

/// A logout by a tab's client redirect while the user's last action was in
/// another tab: one tab's timer logged out the work of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OtherTabLogout {
    pub t: u64,
    /// The tab whose timer ran out.
    pub by_tab: usize,
    /// The tab the user last acted in.
    pub user_tab: usize,
    pub while_present: bool,
}

/// Everything the timeline shows of one user under one policy.
#[derive(Clone, Debug, PartialEq)]
pub struct UserDetail {
    pub metrics: Metrics,
    /// In time order (stable: the engine's order within an instant).
    pub outcomes: Vec<TabOutcome>,
    /// By start time.
    pub pages: Vec<PageLife>,
    pub other_tab_logouts: Vec<OtherTabLogout>,
}

/// Records outcomes with their tab, and page lives.
#[derive(Default)]
struct DetailSink {
    tab: usize,
    outcomes: Vec<TabOutcome>,
    /// Per tab, the open page's start.
    open: Vec<Option<u64>>,
    pages: Vec<PageLife>,
}

impl Sink for DetailSink {
    fn note(&mut self, t: u64, outcome: Outcome) {
        self.outcomes.push(TabOutcome {
            t,
            tab: self.tab,
            outcome,
        });
    }

    fn in_tab(&mut self, tab: usize) {
        self.tab = tab;
    }

    fn page(&mut self, t: u64, tab: usize, open: bool) {
        if self.open.len() <= tab {
            self.open.resize(tab + 1, None);
        }
        match (open, self.open[tab].take()) {
            (true, _) => self.open[tab] = Some(t),
            (false, Some(start)) => self.pages.push(PageLife { tab, start, end: t }),
            (false, None) => {}
        }
    }
}

/// Replays one user under one policy with the tab engine (which gives the
/// one-tab engine's results on one tab: the reference-engine test holds it).
pub fn user_detail(events: &[Event], policy: &Policy, cfg: &SimConfig) -> UserDetail {
    let params = Params::new(policy, cfg);
    let events = &events[..events.partition_point(|e| e.time() < cfg.horizon)];
    let mut sink = DetailSink::default();
    let metrics = super::tabs::simulate_tabs(&params, events, &mut sink);
    let horizon = cfg.horizon;
    for (tab, start) in sink.open.iter().enumerate() {
        if let Some(start) = *start {
            sink.pages.push(PageLife {
                tab,
                start,
                end: horizon,
            });
        }
    }
    sink.pages.sort_by_key(|p| (p.start, p.tab));
    // Session ends are reported when noticed; put them where they happened.
    sink.outcomes.sort_by_key(|o| o.t);
    // A shared timer (`tab_sync`) is every tab's: it never logs out "another" tab.
    let other_tab_logouts = if params.tab_sync {
        Vec::new()
    } else {
        other_tab_logouts(events, &sink.outcomes)
    };
    UserDetail {
        metrics,
        outcomes: sink.outcomes,
        pages: sink.pages,
        other_tab_logouts,
    }
}

/// The logouts a redirect caused in one tab while the user's last action
/// (at or before it) was in another.
fn other_tab_logouts(events: &[Event], outcomes: &[TabOutcome]) -> Vec<OtherTabLogout> {
    let mut found = Vec::new();
    for (i, logout) in outcomes.iter().enumerate() {
        let Outcome::Logout { while_present, .. } = logout.outcome else {
            continue;
        };
        // The engine notes a redirect's logout right after the redirect,
        // with the session's end between them when the redirect ends it.
        let cause = outcomes[..i]
            .iter()
            .rev()
            .take_while(|o| o.t == logout.t)
            .find(|o| !matches!(o.outcome, Outcome::SessionEnd { .. }))
            .filter(|o| o.outcome == Outcome::Redirect);
        let Some(redirect) = cause else {
            continue;
        };
        if let Some(user_tab) = last_tab_acted_in(events, logout.t)
            && user_tab != redirect.tab
        {
            found.push(OtherTabLogout {
                t: logout.t,
                by_tab: redirect.tab,
                user_tab,
                while_present,
            });
        }
    }
    found
}

/// The tab of the user's last action (not a close, sleep or wake) at or before `t`.
fn last_tab_acted_in(events: &[Event], t: u64) -> Option<usize> {
    let upto = events.partition_point(|e| e.time() <= t);
    events[..upto]
        .iter()
        .rev()
        .find(|e| {
            !matches!(
                e.kind(),
                EventKind::Close | EventKind::Sleep | EventKind::Wake
            )
        })
        .map(|e| usize::from(e.tab()))
}

/// The spans the device slept, from each sleep to its wake (or the horizon).
pub fn sleeps(events: &[Event], horizon: u64) -> Vec<(u64, u64)> {
    let before = events.partition_point(|e| e.time() < horizon);
    sleep_spans(&events[..before])
        .map(|(start, wake)| (start, wake.unwrap_or(horizon)))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Scenario;

    const MIN: u64 = 60_000;

    /// SPEC example D's scenario: the per-tab alert with Redirect, its tabs
    /// kept in step when `tab_sync`. The timeline's tests use it too.
    pub(crate) fn example_d_scenario(tab_sync: bool) -> Scenario {
        Scenario::parse(
            &format!(
                r#"Scenario(name: "D", horizon: "1d", population: Trace(path: "d.csv"),
                   policies: [Policy(name: "alert", idle_timeout: Some("30m"), refresh: EachRequest,
                     warning: Some(Warning(lead: "5m", resets_on: Requests, on_response: Dismiss)),
                     on_expiry: Redirect, tab_sync: {tab_sync})])"#
            ),
            None,
        )
        .expect("valid")
    }

    fn policy(tab_sync: bool) -> (Policy, SimConfig) {
        let scenario = example_d_scenario(tab_sync);
        (scenario.policies[0].clone(), scenario.sim_config())
    }

    /// SPEC example D: (minute, kind, tab). The timeline's tests use it too.
    pub(crate) fn example_d() -> Vec<Event> {
        use EventKind::*;
        [
            (0, View, 0),
            (1, View, 1),
            (10, Request, 1),
            (20, Request, 1),
            (27, Input, 1),
            (29, Input, 1),
            (31, Submit, 1),
        ]
        .iter()
        .map(|&(m, k, tab)| Event::with_tab(m * MIN, k, tab))
        .collect()
    }

    #[test]
    fn example_d_tab_0s_timer_logs_out_the_user_typing_in_tab_1() {
        let (policy, cfg) = policy(false);
        let d = user_detail(&example_d(), &policy, &cfg);
        // SPEC: logouts 2, 1 while present; the one at 30 is tab 0's redirect
        // while the user's last action (input at 29) was in tab 1.
        assert_eq!((d.metrics.logouts, d.metrics.logouts_while_present), (2, 1));
        assert_eq!(
            d.other_tab_logouts,
            [OtherTabLogout {
                t: 30 * MIN,
                by_tab: 0,
                user_tab: 1,
                while_present: true
            }]
        );
        // Tab 0's warning at 25 and its miss at 30 are tab 0's; tab 1's
        // reopened page warns at 56 and misses at 61.
        let of = |o: Outcome| -> Vec<(u64, usize)> {
            d.outcomes
                .iter()
                .filter(|x| x.outcome == o)
                .map(|x| (x.t / MIN, x.tab))
                .collect()
        };
        assert_eq!(of(Outcome::WarningShown), [(25, 0), (56, 1)]);
        assert_eq!(of(Outcome::WarningMissed), [(30, 0), (61, 1)]);
        assert_eq!(of(Outcome::Redirect), [(30, 0), (61, 1)]);
        assert_eq!(of(Outcome::SubmitLost), [(31, 1)]);
        // Pages: tab 0 from 0 until its redirect at 30; tab 1 from 1 until
        // the failed submit reloads it at 31, then until its redirect at 61.
        let pages: Vec<(usize, u64, u64)> = d
            .pages
            .iter()
            .map(|p| (p.tab, p.start / MIN, p.end / MIN))
            .collect();
        assert_eq!(pages, [(0, 0, 30), (1, 1, 31), (1, 31, 61)]);
    }

    #[test]
    fn example_d_synced_has_no_other_tab_logout() {
        let (policy, cfg) = policy(true);
        let d = user_detail(&example_d(), &policy, &cfg);
        // SPEC: one logout (the session expired at 61), not while present.
        assert_eq!((d.metrics.logouts, d.metrics.logouts_while_present), (1, 0));
        assert!(d.other_tab_logouts.is_empty());
        // The shared redirect at 61 closes both pages.
        let ends: Vec<(usize, u64)> = d.pages.iter().map(|p| (p.tab, p.end / MIN)).collect();
        assert_eq!(ends, [(0, 61), (1, 61)]);
    }

    #[test]
    fn sleeps_run_from_sleep_to_wake_or_the_horizon() {
        use EventKind::*;
        // SPEC example E's lid: sleep 10, wake 50; then a second nap never woken.
        let events: Vec<Event> = [
            (0, View),
            (10, Sleep),
            (50, Wake),
            (52, Submit),
            (70, Sleep),
        ]
        .iter()
        .map(|&(m, k)| Event::new(m * MIN, k))
        .collect();
        assert_eq!(
            sleeps(&events, 100 * MIN),
            [(10 * MIN, 50 * MIN), (70 * MIN, 100 * MIN)]
        );
        assert_eq!(sleeps(&events, 60 * MIN), [(10 * MIN, 50 * MIN)]);
    }
}
