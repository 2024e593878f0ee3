//! The engine against a reference: straightforward_engine.rs (beside this file) is
//! the engine as first written, rule by rule, with `Option`s and no cached
//! state. The optimised engine (src/engine/user.rs) must give the same
//! metrics and the same dated timeline on every generated trace and policy,
//! so that speed work can never change a result. (When the SPEC's rules
//! change, both change.)
//!
//! Two generators: one tab and no sleep (revision 1's traces: the timelines
//! must match exactly, order within an instant included), and several tabs
//! with device sleep under either client clock and `tab_sync` (metrics exactly;
//! timelines as the same outcomes on the same dates, in any order within an
//! instant). The SPEC's tab and sleep examples run against the reference alone,
//! so that the reference is checked against the SPEC, not only the engine
//! against the reference.
#![allow(dead_code)]
#[path = "straightforward_engine.rs"]
mod user_ref;

use lapse::engine::{Metrics, Outcome, Params, SimConfig, peak_live, simulate_user};
use lapse::model::{
    ClientClock, Csrf, Dur, Event, EventKind, Keepalive, OnExpiry, OnResponse, Policy, Refresh,
    ResetsOn, Warning,
};
use proptest::prelude::*;

const MIN: u64 = 60_000;

fn gap() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..3,
        0u64..2_000,
        2_000u64..120_000,
        (1u64..90).prop_map(|m| m * MIN),
        (0u64..4).prop_map(|k| [5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN][k as usize]),
        (90u64..600).prop_map(|m| m * MIN),
    ]
}
fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        Just(EventKind::View),
        Just(EventKind::Request),
        Just(EventKind::Submit),
        Just(EventKind::Input),
        Just(EventKind::Activity),
        Just(EventKind::Close)
    ]
}
fn events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((gap(), kind()), 0..80).prop_map(|steps| {
        let mut t = 0;
        steps
            .into_iter()
            .map(|(g, k)| {
                t += g;
                Event::new(t, k)
            })
            .collect()
    })
}
fn mins(r: std::ops::Range<u64>) -> impl Strategy<Value = Dur> {
    r.prop_map(|m| Dur(m * MIN))
}
fn policy() -> impl Strategy<Value = Policy> {
    (
        prop::option::weighted(0.85, mins(1..60)),
        0u8..4,
        (
            prop::option::of(mins(20..300)),
            any::<bool>(),
            prop::option::of(mins(5..600)),
            prop::option::of(prop::option::of(mins(5..120))),
            prop::option::of(mins(1..40)),
            any::<bool>(),
            any::<bool>(),
        ),
        prop::option::of((1u64..100, any::<bool>(), any::<bool>())),
    )
        .prop_map(|(idle, r, (abs, bs, rem, csrf, ka, redirect, drafts), w)| {
            let mut p = Policy::named("p");
            p.idle_timeout = idle;
            p.refresh = [
                Refresh::EachRequest,
                Refresh::OnModify,
                Refresh::HalfWindow,
                Refresh::Never,
            ][r as usize];
            if idle.is_none() && p.refresh == Refresh::HalfWindow {
                p.refresh = Refresh::Never;
            }
            p.absolute_timeout = abs;
            p.browser_session = bs;
            p.remember_me = rem;
            p.csrf = csrf.map(|time_limit| Csrf { time_limit });
            p.keepalive = ka.map(|interval| Keepalive { interval });
            p.preserve_drafts = drafts;
            if let Some(i) = idle {
                if redirect {
                    p.on_expiry = OnExpiry::Redirect;
                }
                p.warning = w.map(|(s, a, e)| Warning {
                    lead: Dur((i.0 * s / 100).max(1)),
                    resets_on: if a {
                        ResetsOn::RequestsAndActivity
                    } else {
                        ResetsOn::Requests
                    },
                    on_response: if e {
                        OnResponse::Extend
                    } else {
                        OnResponse::Dismiss
                    },
                });
            }
            p
        })
}

/// 20 000 cases. Past failures' seeds are replayed from
/// reference_engine.proptest-regressions, beside this file (by default
/// proptest would look in tests/proptest-regressions/, as the test binary's
/// root is a main.rs).
fn reference_config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::with_cases(20000)
    }
}

proptest! {
    #![proptest_config(reference_config())]
    #[test]
    fn optimised_engine_equals_the_reference(events in events(), policy in policy(), horizon_h in 1u64..48) {
        let cfg = SimConfig { horizon: horizon_h * 3_600_000, away_after: 5 * MIN, bucket: 15 * MIN };
        let mut new_out: Vec<(u64, Outcome)> = Vec::new();
        let new = simulate_user(&Params::new(&policy, &cfg), &events, &mut new_out);
        let mut old_out: Vec<(u64, Outcome)> = Vec::new();
        let old = user_ref::simulate_user(&user_ref::Params::new(&policy, &cfg), &events, &mut old_out);
        prop_assert_eq!(new, old);
        prop_assert_eq!(new_out, old_out);
    }
}

proptest! {
    #![proptest_config(reference_config())]
    /// The tabs-and-sleep engine (src/engine/tabs.rs) shares the server side
    /// with the one-tab engine but has pages, timers and ticks of its own:
    /// on one tab without sleep it must give the same metrics and timeline.
    #[test]
    fn tab_engine_equals_the_one_tab_engine_on_one_tab(events in events(), policy in policy(), horizon_h in 1u64..48) {
        let cfg = SimConfig { horizon: horizon_h * 3_600_000, away_after: 5 * MIN, bucket: 15 * MIN };
        let params = Params::new(&policy, &cfg);
        let events = &events[..events.partition_point(|e| e.time() < cfg.horizon)];
        let mut one_out: Vec<(u64, Outcome)> = Vec::new();
        let one = lapse::engine::simulate_one_tab(&params, events, &mut one_out);
        let mut tabs_out: Vec<(u64, Outcome)> = Vec::new();
        let tabs = lapse::engine::tabs::simulate_tabs(&params, events, &mut tabs_out);
        prop_assert_eq!(one, tabs);
        prop_assert_eq!(one_out, tabs_out);
    }
}

/// Tabs 0 and 1 most of the time, 2 and 3 now and then.
fn tab() -> impl Strategy<Value = u8> {
    prop_oneof![4 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)]
}

/// One step of a tabbed trace: an event in a tab after a gap, or (after a
/// gap) a sleep and its wake `slept` later.
#[derive(Clone, Debug)]
enum Step {
    Event { gap: u64, kind: EventKind, tab: u8 },
    Nap { gap: u64, slept: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        9 => (gap(), kind(), tab()).prop_map(|(gap, kind, tab)| Step::Event { gap, kind, tab }),
        1 => (gap(), gap()).prop_map(|(gap, slept)| Step::Nap { gap, slept }),
    ]
}

/// Events in several tabs with valid sleep/wake pairs (nothing between a
/// sleep and its wake); a trace may end asleep.
fn tabbed_events() -> impl Strategy<Value = Vec<Event>> {
    (
        prop::collection::vec(step(), 0..80),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(steps, ends_asleep)| {
            let mut t = 0;
            let mut events = Vec::new();
            for s in steps {
                match s {
                    Step::Event { gap, kind, tab } => {
                        t += gap;
                        events.push(Event::with_tab(t, kind, tab));
                    }
                    Step::Nap { gap, slept } => {
                        t += gap;
                        events.push(Event::new(t, EventKind::Sleep));
                        t += slept;
                        events.push(Event::new(t, EventKind::Wake));
                    }
                }
            }
            if ends_asleep {
                events.push(Event::new(t, EventKind::Sleep));
            }
            events
        })
}

/// The revision-1 policies with a random client clock and `tab_sync`.
fn tabbed_policy() -> impl Strategy<Value = Policy> {
    (policy(), any::<bool>(), any::<bool>()).prop_map(|(mut p, wall, tab_sync)| {
        p.client_clock = if wall {
            ClientClock::Wall
        } else {
            ClientClock::Monotonic
        };
        p.tab_sync = tab_sync;
        p
    })
}

/// A timeline as dated outcomes, in a fixed order within each instant.
fn by_date(timeline: &[(u64, Outcome)]) -> Vec<(u64, String)> {
    let mut dated: Vec<(u64, String)> = timeline
        .iter()
        .map(|(t, outcome)| (*t, format!("{outcome:?}")))
        .collect();
    dated.sort();
    dated
}

/// The engine and the reference on one user with tabs and sleep: the same
/// metrics, and the same outcomes on the same dates (in any order within an
/// instant).
fn agrees_with_the_reference(
    events: &[Event],
    policy: &Policy,
    horizon_h: u64,
) -> Result<(), TestCaseError> {
    let cfg = SimConfig {
        horizon: horizon_h * 3_600_000,
        away_after: 5 * MIN,
        bucket: 15 * MIN,
    };
    let mut new_out: Vec<(u64, Outcome)> = Vec::new();
    let new = simulate_user(&Params::new(policy, &cfg), events, &mut new_out);
    let mut old_out: Vec<(u64, Outcome)> = Vec::new();
    let reference = user_ref::Params::new(policy, &cfg);
    let old = user_ref::simulate_user(&reference, events, &mut old_out);
    prop_assert_eq!(new, old);
    prop_assert_eq!(by_date(&new_out), by_date(&old_out));
    Ok(())
}

proptest! {
    #![proptest_config(reference_config())]
    #[test]
    fn optimised_engine_equals_the_reference_with_tabs_and_sleep(
        events in tabbed_events(),
        policy in tabbed_policy(),
        horizon_h in 1u64..48,
    ) {
        agrees_with_the_reference(&events, &policy, horizon_h)?;
    }
}

/// Bursts of key presses and mouse moves in one tab (how people type and
/// point), between views, requests, submits, closes and naps in any tab: the
/// engine replays such bursts in one loop, which must stop at exactly the
/// event that meets a deadline, a warning or a keepalive tick. Gaps within a
/// burst straddle the policies' minutes.
fn bursty_events() -> impl Strategy<Value = Vec<Event>> {
    let typing = prop_oneof![Just(EventKind::Input), Just(EventKind::Activity)];
    let burst_gap = prop_oneof![
        0u64..3,
        1_000u64..90_000,
        (1u64..40).prop_map(|m| m * MIN),
        (1u64..40).prop_map(|m| m * MIN - 1),
    ];
    let burst = (tab(), prop::collection::vec((burst_gap, typing), 1..30));
    let step = prop_oneof![
        3 => burst.prop_map(|(tab, keys)| (tab, keys, None)),
        2 => (gap(), kind(), tab()).prop_map(|(g, k, tab)| (tab, vec![(g, k)], None)),
        1 => (gap(), gap()).prop_map(|(g, slept)| (0, Vec::new(), Some((g, slept)))),
    ];
    prop::collection::vec(step, 0..20).prop_map(|steps| {
        let mut t = 0;
        let mut events = Vec::new();
        for (tab, keys, nap) in steps {
            for (g, kind) in keys {
                t += g;
                events.push(Event::with_tab(t, kind, tab));
            }
            if let Some((g, slept)) = nap {
                t += g;
                events.push(Event::new(t, EventKind::Sleep));
                t += slept;
                events.push(Event::new(t, EventKind::Wake));
            }
        }
        events
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10000, ..reference_config() })]
    #[test]
    fn optimised_engine_equals_the_reference_on_bursts_of_typing(
        events in bursty_events(),
        policy in tabbed_policy(),
        horizon_h in 1u64..48,
    ) {
        agrees_with_the_reference(&events, &policy, horizon_h)?;
    }
}

// ----- the SPEC's worked examples D and E, on the reference alone -------------

/// The reference's metrics for one user, events as (minute, kind, tab), under
/// the SPEC's example setting (horizon 1d, away_after 5m). The peak of live
/// sessions is a run-level count: it comes from the sessions the reference reports.
fn reference_min(policy_ron: &str, events: &[(u64, EventKind, u8)]) -> Metrics {
    let cfg = crate::support::cfg();
    let events: Vec<Event> = events
        .iter()
        .map(|&(m, kind, tab)| Event::with_tab(m * MIN, kind, tab))
        .collect();
    let mut timeline: Vec<(u64, Outcome)> = Vec::new();
    let params = user_ref::Params::new(&crate::support::policy(policy_ron), &cfg);
    let mut metrics = user_ref::simulate_user(&params, &events, &mut timeline);
    let sessions: Vec<(u64, u64)> = timeline
        .iter()
        .filter_map(|&(end, outcome)| match outcome {
            Outcome::SessionEnd { started, .. } => Some((started, end)),
            _ => None,
        })
        .collect();
    metrics.peak_live_sessions = peak_live(&sessions);
    metrics
}

const D_POLICY: &str = r#"Policy(name: "D", idle_timeout: Some("30m"), refresh: EachRequest,
    warning: Some(Warning(lead: "5m", resets_on: Requests, on_response: Dismiss)),
    on_expiry: Redirect"#;

const D_TRACE: &[(u64, EventKind, u8)] = &[
    (0, EventKind::View, 0),
    (1, EventKind::View, 1),
    (10, EventKind::Request, 1),
    (20, EventKind::Request, 1),
    (27, EventKind::Input, 1),
    (29, EventKind::Input, 1),
    (31, EventKind::Submit, 1),
];

#[test]
fn reference_d_one_tab_logs_out_the_other() {
    let got = reference_min(&format!("{D_POLICY}, tab_sync: false)"), D_TRACE);
    let want = Metrics {
        logins: 2,
        logouts: 2,
        logouts_while_present: 1,
        warnings_shown: 2,
        warnings_missed: 2,
        submits: 1,
        lost_submits: 1,
        lost_inputs: 2,
        lost_edit_ms: 120_000,
        lost_typing_ms: 120_000,
        unattended_ms: 2_160_000,
        max_session_ms: 1_800_000,
        peak_live_sessions: 1,
        ..Metrics::default()
    };
    assert_eq!(got, want);
}

#[test]
fn reference_d_with_tab_sync() {
    let got = reference_min(&format!("{D_POLICY}, tab_sync: true)"), D_TRACE);
    let want = Metrics {
        logins: 1,
        logouts: 1,
        warnings_shown: 1,
        warnings_missed: 1,
        submits: 1,
        saved_submits: 1,
        unattended_ms: 2_160_000,
        max_session_ms: 3_660_000,
        peak_live_sessions: 1,
        ..Metrics::default()
    };
    assert_eq!(got, want);
}

const E_POLICY: &str = r#"Policy(name: "E", idle_timeout: Some("30m"), refresh: EachRequest,
    warning: Some(Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)),
    on_expiry: Redirect"#;

const E_TRACE: &[(u64, EventKind, u8)] = &[
    (0, EventKind::View, 0),
    (5, EventKind::Input, 0),
    (10, EventKind::Sleep, 0),
    (50, EventKind::Wake, 0),
    (51, EventKind::Input, 0),
    (52, EventKind::Submit, 0),
];

#[test]
fn reference_e_sleep_through_the_deadline_monotonic() {
    let got = reference_min(&format!("{E_POLICY}, client_clock: Monotonic)"), E_TRACE);
    let want = Metrics {
        logins: 2,
        logouts: 2,
        warnings_shown: 1,
        warnings_missed: 1,
        submits: 1,
        lost_submits: 1,
        lost_inputs: 2,
        lost_edit_ms: 2_760_000,
        lost_typing_ms: 300_000,
        unattended_ms: 2_700_000,
        max_session_ms: 1_800_000,
        peak_live_sessions: 1,
        ..Metrics::default()
    };
    assert_eq!(got, want);
}

#[test]
fn reference_e_sleep_through_the_deadline_wall() {
    let got = reference_min(&format!("{E_POLICY}, client_clock: Wall)"), E_TRACE);
    let want = Metrics {
        logins: 2,
        logouts: 2,
        warnings_shown: 1,
        warnings_missed: 1,
        submits: 1,
        saved_submits: 1,
        lost_inputs: 1,
        unattended_ms: 2_700_000,
        max_session_ms: 1_860_000,
        peak_live_sessions: 1,
        ..Metrics::default()
    };
    assert_eq!(got, want);
}
