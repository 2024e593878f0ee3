//! Engine invariants over generated traces and policies (proptest).

use lapse::engine::{Metrics, RunOptions, SimConfig, run_policy};
use lapse::model::{
    Csrf, Dur, Event, EventKind, Keepalive, OnExpiry, OnResponse, Policy, Refresh, ResetsOn, Trace,
    Warning,
};
use proptest::prelude::*;

const MIN: u64 = 60_000;

fn cfg() -> SimConfig {
    SimConfig {
        horizon: 2 * 86_400_000,
        away_after: 5 * MIN,
        bucket: 15 * MIN,
    }
}

/// Gaps that mix quick clicks, think time and pauses around common timeouts.
fn gap() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..2_000,
        2_000u64..120_000,
        (1u64..90).prop_map(|m| m * MIN),
        (0u64..3).prop_map(|k| [10 * MIN, 15 * MIN, 30 * MIN][k as usize]),
        (90u64..600).prop_map(|m| m * MIN),
    ]
}

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        3 => Just(EventKind::View),
        3 => Just(EventKind::Request),
        2 => Just(EventKind::Submit),
        4 => Just(EventKind::Input),
        2 => Just(EventKind::Activity),
        1 => Just(EventKind::Close),
    ]
}

fn user_events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((gap(), kind()), 0..50).prop_map(|steps| {
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

fn trace() -> impl Strategy<Value = Trace> {
    prop::collection::vec(user_events(), 1..5).prop_map(|users| {
        Trace::from_users(
            users
                .into_iter()
                .enumerate()
                .map(|(i, e)| (format!("user{i}"), e)),
        )
    })
}

fn minutes(range: std::ops::Range<u64>) -> impl Strategy<Value = Dur> {
    range.prop_map(|m| Dur(m * MIN))
}

/// Any valid policy.
fn policy() -> impl Strategy<Value = Policy> {
    let idle = prop::option::weighted(0.85, minutes(2..120));
    let refresh = prop_oneof![
        Just(Refresh::EachRequest),
        Just(Refresh::OnModify),
        Just(Refresh::HalfWindow),
        Just(Refresh::Never),
    ];
    let switches = (
        prop::option::of(minutes(30..600)),
        any::<bool>(),
        prop::option::of(minutes(20..3000)),
        prop::option::of(prop::option::of(minutes(10..180))),
        prop::option::of(minutes(1..40)),
        any::<bool>(),
        any::<bool>(),
    );
    let warning = (1u64..100, any::<bool>(), any::<bool>());
    (idle, refresh, switches, prop::option::of(warning)).prop_map(
        |(
            idle,
            refresh,
            (absolute, browser, remember, csrf, keepalive, redirect, drafts),
            warning,
        )| {
            let mut p = Policy::named("p");
            p.idle_timeout = idle;
            p.refresh = if idle.is_none() && refresh == Refresh::HalfWindow {
                Refresh::EachRequest
            } else {
                refresh
            };
            p.absolute_timeout = absolute;
            p.browser_session = browser;
            p.remember_me = remember;
            p.csrf = csrf.map(|time_limit| Csrf { time_limit });
            p.keepalive = keepalive.map(|interval| Keepalive { interval });
            if let Some(idle) = idle {
                p.on_expiry = if redirect {
                    OnExpiry::Redirect
                } else {
                    OnExpiry::Lazy
                };
                // lead: a share (1-99 %) of the idle timeout, at least 1 ms.
                p.warning = warning.map(|(share, activity, extend)| Warning {
                    lead: Dur((idle.0 * share / 100).max(1)),
                    resets_on: if activity {
                        ResetsOn::RequestsAndActivity
                    } else {
                        ResetsOn::Requests
                    },
                    on_response: if extend {
                        OnResponse::Extend
                    } else {
                        OnResponse::Dismiss
                    },
                });
            }
            p.preserve_drafts = drafts;
            assert!(p.problems().is_empty(), "{:?}", p.problems());
            p
        },
    )
}

fn run(trace: &Trace, policy: &Policy) -> Metrics {
    run_policy(trace, policy, &cfg(), RunOptions::TOTALS).metrics
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn counts_are_consistent(trace in trace(), policy in policy()) {
        let m = run(&trace, &policy);
        prop_assert_eq!(m.submits, m.saved_submits + m.lost_submits);
        prop_assert!(m.warnings_heeded + m.warnings_missed <= m.warnings_shown);
        prop_assert!(m.logouts_while_present <= m.logouts);
        prop_assert!(m.lost_submits <= m.submits);
        prop_assert!(m.csrf_failures <= m.submits);
        prop_assert!(m.max_session_ms <= cfg().horizon);
        prop_assert!(m.peak_live_sessions <= trace.num_users() as u64);
        if !policy.preserve_drafts {
            prop_assert_eq!(m.drafts_restored, 0);
        } else {
            prop_assert_eq!(m.lost_inputs, 0);
            prop_assert_eq!(m.lost_submits, 0);
        }
        if policy.warning.is_none() {
            prop_assert_eq!(m.warnings_shown, 0);
        }
        if policy.keepalive.is_none() {
            prop_assert_eq!(m.keepalive_pings, 0);
        }
    }

    #[test]
    fn same_input_same_output_on_one_thread_or_many(trace in trace(), policy in policy()) {
        let many = run_policy(&trace, &policy, &cfg(), RunOptions::EVERYTHING);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let one = pool.install(|| run_policy(&trace, &policy, &cfg(), RunOptions::EVERYTHING));
        prop_assert_eq!(&many, &one);
        prop_assert_eq!(many, run_policy(&trace, &policy, &cfg(), RunOptions::EVERYTHING));
    }

    #[test]
    fn reordering_users_changes_nothing(trace in trace(), policy in policy()) {
        let reversed = Trace::from_users(
            trace.users().rev().map(|(name, events)| (name.to_string(), events.to_vec())),
        );
        prop_assert_eq!(run(&trace, &policy), run(&reversed, &policy));
    }

    #[test]
    fn per_user_metrics_add_up_to_the_total(trace in trace(), policy in policy()) {
        let r = run_policy(&trace, &policy, &cfg(), RunOptions::EVERYTHING);
        let mut sum = Metrics::default();
        for m in &r.per_user {
            sum.absorb(m);
        }
        sum.peak_live_sessions = r.metrics.peak_live_sessions;
        prop_assert_eq!(sum, r.metrics);
    }

    #[test]
    fn a_longer_sliding_timeout_never_logs_out_more(
        trace in trace(),
        short in 1u64..240,
        extra in 0u64..240,
    ) {
        // Under EachRequest every server request refreshes, and the instants of
        // server requests do not depend on the timeout: a logout happens exactly
        // at each gap between requests of at least the timeout.
        let with = |minutes: u64| {
            let mut p = Policy::named("p");
            p.idle_timeout = Some(Dur(minutes * MIN));
            run(&trace, &p).logouts
        };
        prop_assert!(with(short + extra) <= with(short));
    }

    #[test]
    fn other_policies_do_not_change_a_policys_results(
        trace in trace(),
        a in policy(),
        b in policy(),
    ) {
        let mut b = b;
        b.name = "other".into();
        let scenario = |policies: Vec<Policy>| lapse::model::Scenario {
            profiles: Vec::new(),
            name: "s".into(),
            seed: 0,
            horizon: Dur(cfg().horizon),
            away_after: Dur(cfg().away_after),
            bucket: Dur(cfg().bucket),
            population: lapse::model::Population::Trace { path: "x.csv".into() },
            policies,
            replicates: 1,
            sample_users: None,
        };
        let alone = lapse::engine::run_scenario(&scenario(vec![a.clone()]), &trace, RunOptions::TOTALS);
        let both = lapse::engine::run_scenario(&scenario(vec![b, a]), &trace, RunOptions::TOTALS);
        prop_assert_eq!(&alone.policies[0], &both.policies[1]);
    }
}
