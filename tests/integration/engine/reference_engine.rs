//! The engine against a reference: straightforward_engine.rs (beside this file) is
//! the engine as first written, rule by rule, with `Option`s and no cached
//! state. The optimised engine (src/engine/user.rs) must give the same
//! metrics and the same dated timeline on every generated trace and policy,
//! so that speed work can never change a result. (When the SPEC's rules
//! change, both change.)
#![allow(dead_code)]
#[path = "straightforward_engine.rs"]
mod user_ref;

use lapse::engine::{Outcome, Params, SimConfig, simulate_user};
use lapse::model::{
    Csrf, Dur, Event, EventKind, Keepalive, OnExpiry, OnResponse, Policy, Refresh, ResetsOn,
    Warning,
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

proptest! {
    // Past failures' seeds are replayed from reference_engine.proptest-regressions,
    // beside this file (by default proptest would look in tests/proptest-regressions/).
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::with_cases(20000)
    })]
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
