//! Helpers shared by the integration tests: tiny traces written in minutes
//! (here), running the binary ([`run`]), and each area's own helpers.
#![allow(dead_code)]

pub mod analysis;
pub mod hostile;
pub mod import;
mod run;

pub use run::{Run, lapse, lapse_in, output, stderr, stdout};

use lapse::engine::{Metrics, Outcome, RunOptions, SimConfig, run_policy, user_timeline};
use lapse::model::{Event, EventKind, Policy, Trace};

pub const MIN: u64 = 60_000;
pub const DAY: u64 = 86_400_000;

/// The SPEC's worked-example setting: horizon 1d, away_after 5m.
pub fn cfg() -> SimConfig {
    SimConfig {
        horizon: DAY,
        away_after: 5 * MIN,
        bucket: 15 * MIN,
    }
}

pub fn policy(ron_text: &str) -> Policy {
    let p: Policy = lapse::model::scenario::ron_options()
        .from_str(ron_text)
        .unwrap_or_else(|e| panic!("test policy does not parse: {e}"));
    assert!(
        p.problems().is_empty(),
        "test policy invalid: {:?}",
        p.problems()
    );
    p
}

pub fn kind(name: &str) -> EventKind {
    EventKind::parse(name).unwrap_or_else(|| panic!("unknown kind {name}"))
}

/// Events given as (minutes, kind).
pub fn events_min(events: &[(u64, &str)]) -> Vec<Event> {
    events
        .iter()
        .map(|&(m, k)| Event::new(m * MIN, kind(k)))
        .collect()
}

/// Events given as (milliseconds, kind).
pub fn events_ms(events: &[(u64, &str)]) -> Vec<Event> {
    events
        .iter()
        .map(|&(t, k)| Event::new(t, kind(k)))
        .collect()
}

pub fn one_user(events: Vec<Event>) -> Trace {
    Trace::from_users([("u".to_string(), events)])
}

/// Events given as (minutes, kind, tab).
pub fn events_tab_min(events: &[(u64, &str, u8)]) -> Vec<Event> {
    events
        .iter()
        .map(|&(m, k, tab)| Event::with_tab(m * MIN, kind(k), tab))
        .collect()
}

/// Metrics of one user, events in minutes and tabs, under the SPEC's example setting.
pub fn run_tabs_min(policy_ron: &str, events: &[(u64, &str, u8)]) -> Metrics {
    run_with(&policy(policy_ron), events_tab_min(events), &cfg())
}

/// Metrics of one user, events in minutes, under the SPEC's example setting.
pub fn run_min(policy_ron: &str, events: &[(u64, &str)]) -> Metrics {
    run_with(&policy(policy_ron), events_min(events), &cfg())
}

pub fn run_with(policy: &Policy, events: Vec<Event>, cfg: &SimConfig) -> Metrics {
    run_policy(&one_user(events), policy, cfg, RunOptions::TOTALS).metrics
}

pub fn timeline_min(policy_ron: &str, events: &[(u64, &str)]) -> Vec<(u64, Outcome)> {
    user_timeline(&events_min(events), &policy(policy_ron), &cfg()).1
}

/// Builds expected metrics from the non-zero ones: every other metric is 0.
pub fn metrics(nonzero: &[(&str, u64)]) -> Metrics {
    let mut json = serde_json::Map::new();
    for name in Metrics::NAMES {
        json.insert(name.to_string(), 0.into());
    }
    for &(name, v) in nonzero {
        assert!(Metrics::NAMES.contains(&name), "no metric named {name}");
        json.insert(name.to_string(), v.into());
    }
    metrics_from_json(&serde_json::Value::Object(json))
}

fn metrics_from_json(v: &serde_json::Value) -> Metrics {
    let get = |n: &str| v[n].as_u64().unwrap_or_else(|| panic!("{n}"));
    Metrics {
        logins: get("logins"),
        logouts: get("logouts"),
        logouts_while_present: get("logouts_while_present"),
        silent_relogins: get("silent_relogins"),
        warnings_shown: get("warnings_shown"),
        warnings_heeded: get("warnings_heeded"),
        warnings_missed: get("warnings_missed"),
        keepalive_pings: get("keepalive_pings"),
        extend_pings: get("extend_pings"),
        submits: get("submits"),
        saved_submits: get("saved_submits"),
        lost_submits: get("lost_submits"),
        csrf_failures: get("csrf_failures"),
        drafts_restored: get("drafts_restored"),
        lost_inputs: get("lost_inputs"),
        lost_edit_ms: get("lost_edit_ms"),
        lost_typing_ms: get("lost_typing_ms"),
        unattended_ms: get("unattended_ms"),
        max_session_ms: get("max_session_ms"),
        peak_live_sessions: get("peak_live_sessions"),
    }
}
