//! `lapse-session.js`, exactly as `lapse export` writes it, in Chromium.
//!
//! Hand-worked cases (js/session.js, `CASES`) check instants and what the user
//! sees; the replays check that generated traces produce, user by user, the
//! counts `lapse run` predicts for the policy the script was exported from.

use std::collections::BTreeMap;
use std::process::Command;

use lapse::analysis::export::{Endpoints, Target, client_script};
use lapse::engine::{Outcome, RunOptions, SimConfig, run_policy, user_timeline};
use lapse::model::{EventKind, Policy, Scenario, Trace};
use serde_json::{Value, json};

use crate::support::{drive, temp_file, try_drive};

/// The counts both sides produce: the page and the app's server see these.
const COMPARED: [&str; 11] = [
    "logins",
    "logouts",
    "warnings_shown",
    "warnings_heeded",
    "warnings_missed",
    "keepalive_pings",
    "extend_pings",
    "submits",
    "saved_submits",
    "lost_submits",
    "lost_inputs",
];

fn policy(ron_text: &str) -> Policy {
    let p: Policy = lapse::model::scenario::ron_options()
        .from_str(ron_text)
        .unwrap_or_else(|e| panic!("test policy does not parse: {e}"));
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    p
}

fn script(p: &Policy) -> String {
    client_script(p, &Endpoints::for_target(Target::Flask))
}

fn idle_ms(p: &Policy) -> Value {
    p.idle_timeout.map_or(Value::Null, |d| json!(d.0))
}

// ----- hand-worked cases -----------------------------------------------------------------

const EXTEND: &str = r#"Policy(name: "extend", idle_timeout: "30m", client_clock: Wall, tab_sync: true,
    warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend))"#;
const KEEPALIVE_REDIRECT: &str = r#"Policy(name: "keepalive", idle_timeout: "30m", client_clock: Wall, tab_sync: true,
    keepalive: Keepalive(interval: "5m"), on_expiry: Redirect)"#;
const EXTEND_REDIRECT: &str = r#"Policy(name: "extend redirect", idle_timeout: "30m", client_clock: Wall, tab_sync: true,
    warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend), on_expiry: Redirect)"#;
const ON_MODIFY: &str =
    r#"Policy(name: "on modify", idle_timeout: "30m", refresh: OnModify, tab_sync: true)"#;
const CLASSIC_ALERT: &str = r#"Policy(name: "alert", idle_timeout: "30m", client_clock: Wall, tab_sync: true,
    warning: Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss))"#;

/// Every case in js/session.js with the policy it is written for.
const CASES: [(&str, &str); 10] = [
    ("extend_by_mouse_click", EXTEND),
    ("extend_by_keyboard", EXTEND),
    ("tabs_share_one_deadline", EXTEND),
    ("presence_is_shared", KEEPALIVE_REDIRECT),
    ("wakes_past_the_deadline", KEEPALIVE_REDIRECT),
    ("wakes_between_warning_and_deadline", EXTEND),
    ("closing_the_last_tab_ends_the_warning", EXTEND),
    ("without_storage_or_channel", EXTEND_REDIRECT),
    ("classic_alert", CLASSIC_ALERT),
    ("follows_on_modify_refreshes", ON_MODIFY),
];

/// Runs the named cases on the script `edit` makes of each policy's export;
/// returns each case's error, if any.
fn run_cases(names: &[&str], edit: &dyn Fn(String) -> String) -> BTreeMap<String, Option<String>> {
    let mut guards = Vec::new();
    let mut cases = Vec::new();
    for (name, ron_text) in CASES.iter().filter(|(n, _)| names.contains(n)) {
        let p = policy(ron_text);
        let (dir, path) = temp_file("lapse-session.js", &edit(script(&p)));
        guards.push(dir);
        cases.push(json!({"name": name, "script": path, "idleMs": idle_ms(&p), "refresh": p.refresh.name()}));
    }
    let answer = drive("session", &json!({"kind": "cases", "cases": cases}));
    answer["results"]
        .as_object()
        .expect("results")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
        .collect()
}

fn case(name: &str) {
    let results = run_cases(&[name], &|s| s);
    assert_eq!(results.len(), 1, "{results:?}");
    if let Some(Some(error)) = results.get(name) {
        panic!("{name}: {error}");
    }
}

#[test]
fn a_mouse_user_clicks_stay_signed_in() {
    case("extend_by_mouse_click");
}

#[test]
fn a_keyboard_user_presses_stay_signed_in() {
    case("extend_by_keyboard");
}

#[test]
fn tabs_share_one_deadline_and_one_warning() {
    case("tabs_share_one_deadline");
}

#[test]
fn every_tab_pings_when_the_user_is_present_in_any() {
    case("presence_is_shared");
}

#[test]
fn a_laptop_waking_past_the_deadline_signs_out_at_once() {
    case("wakes_past_the_deadline");
}

#[test]
fn a_laptop_waking_after_the_warning_time_shows_it_and_misses_it_at_the_deadline() {
    case("wakes_between_warning_and_deadline");
}

#[test]
fn closing_the_last_tab_ends_its_warning() {
    case("closing_the_last_tab_ends_the_warning");
}

#[test]
fn without_storage_or_broadcast_channel_one_tab_still_works() {
    case("without_storage_or_channel");
}

#[test]
fn the_classic_alert_resets_on_activity_and_sends_nothing() {
    case("classic_alert");
}

#[test]
fn the_timer_follows_on_modify_refreshes() {
    case("follows_on_modify_refreshes");
}

// ----- parity with the engine ------------------------------------------------------------

/// A short working day: forms, reading and browsing, long coffee breaks (so
/// warnings come and sessions end), in up to three tabs; half the users on
/// laptops whose lid closes over every break of 8 minutes or more and at night.
fn population(seed: u64, users: u64) -> String {
    format!(
        r#"Scenario(
    name: "browser parity {seed}",
    seed: {seed},
    horizon: "1d",
    profiles: [Profile(
        name: "short-day",
        arrival: Normal(mean: "9h", sd: "10m"),
        day_length: Normal(mean: "100m", sd: "15m", cap: "150m"),
        tasks: [
            Form(weight: 2, edits: LogNormal(median: 5, sigma: 0.5, cap: 20)),
            Read(weight: 1),
            Browse(weight: 1),
        ],
        breaks: [Random(name: "coffee", per_day: 3, length: LogNormal(median: "14m", sigma: 0.4))],
        end_of_day: Mixed(close_browser: 0.5),
        tabs: Tabs(max: 3, new_tab: 0.35, switch_back: 0.25, close_when_done: 0.4),
        device: Device(laptops: 0.5, sleep_after: "8m"),
    )],
    population: Generated([(profile: "short-day", users: {users})]),
    policies: [Policy(name: "unused", idle_timeout: "15m")],
)"#
    )
}

/// The policy Lapse recommends for the script, and variants of it.
const PARITY_POLICY: &str = r#"Policy(name: "extend keepalive redirect", client_clock: Wall, tab_sync: true, idle_timeout: "15m",
    warning: Warning(lead: "3m", resets_on: Requests, on_response: Extend),
    keepalive: Keepalive(interval: "5m"), on_expiry: Redirect)"#;
const PARITY_LAZY: &str = r#"Policy(name: "lazy", client_clock: Wall, tab_sync: true, idle_timeout: "15m",
    warning: Warning(lead: "3m", resets_on: Requests, on_response: Extend),
    keepalive: Keepalive(interval: "5m"))"#;
const PARITY_DISMISS: &str = r#"Policy(name: "dismiss", client_clock: Wall, tab_sync: true, idle_timeout: "12m",
    warning: Warning(lead: "4m", resets_on: Requests, on_response: Dismiss),
    keepalive: Keepalive(interval: "7m"), on_expiry: Redirect)"#;

fn generated(seed: u64, users: u64) -> (Scenario, Trace) {
    let scenario = Scenario::parse(&population(seed, users), None)
        .unwrap_or_else(|e| panic!("parity scenario: {e:?}"));
    let trace = lapse::generate::generate(&scenario).expect("generates");
    (scenario, trace)
}

fn counts_of(metrics: &lapse::engine::Metrics) -> BTreeMap<&'static str, u64> {
    COMPARED
        .iter()
        .map(|&n| (n, metrics.get(n).expect("a metric")))
        .collect()
}

/// The engine's counts up to `t`, from the user's dated outcomes.
fn counts_until(timeline: &[(u64, Outcome)], t: u64) -> BTreeMap<&'static str, u64> {
    let mut c: BTreeMap<&'static str, u64> = COMPARED.iter().map(|&n| (n, 0)).collect();
    for (_, o) in timeline.iter().filter(|(at, _)| *at <= t) {
        let mut add = |n: &'static str, v: u64| *c.get_mut(n).expect("compared") += v;
        match o {
            Outcome::Login => add("logins", 1),
            Outcome::Logout { .. } => add("logouts", 1),
            Outcome::WarningShown => add("warnings_shown", 1),
            Outcome::WarningHeeded => add("warnings_heeded", 1),
            Outcome::WarningMissed => add("warnings_missed", 1),
            Outcome::KeepalivePing => add("keepalive_pings", 1),
            Outcome::ExtendPing => add("extend_pings", 1),
            Outcome::SubmitSaved => {
                add("submits", 1);
                add("saved_submits", 1);
            }
            Outcome::SubmitLost => {
                add("submits", 1);
                add("lost_submits", 1);
            }
            Outcome::LostEdits { inputs, .. } => add("lost_inputs", u64::from(*inputs)),
            _ => {}
        }
    }
    c
}

fn browser_counts(v: &Value) -> BTreeMap<&'static str, u64> {
    COMPARED
        .iter()
        .map(|&n| (n, v[n].as_u64().unwrap_or_else(|| panic!("no {n} in {v}"))))
        .collect()
}

/// `lapse run` on the trace, as a user would run it: its totals for the policy.
fn lapse_run_totals(scenario: &Scenario, trace: &Trace, p: &Policy) -> Value {
    let mut csv = Vec::new();
    trace.write_csv(&mut csv).expect("csv");
    let (_t, trace_path) = temp_file("trace.csv", &String::from_utf8(csv).expect("utf-8"));
    let mut s = scenario.clone();
    s.policies = vec![p.clone()];
    let (_s, scenario_path) = temp_file("scenario.ron", &s.to_ron());
    let out = Command::new(env!("CARGO_BIN_EXE_lapse"))
        .arg("run")
        .arg(&scenario_path)
        .arg("--trace")
        .arg(&trace_path)
        .args(["--format", "json"])
        .output()
        .expect("lapse runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["policies"][0]["metrics"].clone()
}

/// Replays the trace in Chromium and requires the engine's counts user by user;
/// returns the differences (empty: parity).
fn parity_differences(
    seed: u64,
    users: u64,
    ron_text: &str,
    edit: &dyn Fn(String) -> String,
) -> Vec<String> {
    let p = policy(ron_text);
    let (scenario, trace) = generated(seed, users);
    let cfg: SimConfig = scenario.sim_config();
    let engine = run_policy(
        &trace,
        &p,
        &cfg,
        RunOptions {
            series: false,
            per_user: true,
        },
    );
    // The trace exercises what it is here for: tabs, sleep, warnings, sign-outs.
    let tabs: std::collections::BTreeSet<u8> = trace
        .users()
        .flat_map(|(_, es)| es.iter().map(|e| e.tab()))
        .collect();
    let sleeps = trace
        .users()
        .flat_map(|(_, es)| es.iter())
        .filter(|e| e.kind() == EventKind::Sleep)
        .count();
    assert!(
        tabs.len() > 1 && sleeps > 0,
        "seed {seed}: tabs {tabs:?}, {sleeps} sleeps"
    );
    assert!(
        engine.metrics.warnings_shown > 0 && engine.metrics.logouts > 0,
        "seed {seed}: {:?}",
        engine.metrics
    );
    eprintln!(
        "seed {seed}, {} users, {} events, tabs {tabs:?}, {sleeps} sleeps; {}: {:?}",
        trace.num_users(),
        trace.num_events(),
        p.name,
        counts_of(&engine.metrics)
    );
    let totals = lapse_run_totals(&scenario, &trace, &p);
    for n in COMPARED {
        assert_eq!(
            totals[n].as_u64(),
            engine.metrics.get(n),
            "lapse run and the engine disagree on {n}"
        );
    }
    let (_dir, script_path) = temp_file("lapse-session.js", &edit(script(&p)));
    let users_json: Vec<Value> = trace
        .users()
        .map(|(name, events)| {
            let evs: Vec<Value> = events
                .iter()
                .map(|e| json!([e.time(), e.kind().name(), e.tab()]))
                .collect();
            json!({"name": name, "events": evs})
        })
        .collect();
    let job = json!({"kind": "replay", "script": script_path, "idleMs": idle_ms(&p),
        "refresh": p.refresh.name(), "horizonMs": cfg.horizon, "users": users_json});
    let answer = match try_drive("session", &job) {
        Ok(a) => a,
        Err(e) => return vec![format!("the replay failed: {e}")],
    };
    let mut diffs = Vec::new();
    for (u, (name, events)) in trace.users().enumerate() {
        let got = &answer["users"][u];
        assert_eq!(got["name"].as_str(), Some(name));
        for f in got["faults"].as_array().into_iter().flatten() {
            diffs.push(format!("user {name}: {f}"));
        }
        let (_, timeline) = user_timeline(events, &p, &cfg);
        // The first event after which the counts part.
        for snap in got["snapshots"].as_array().expect("snapshots") {
            let i = snap[0].as_u64().expect("index") as usize;
            let e = events[i];
            let (want, have) = (counts_until(&timeline, e.time()), browser_counts(&snap[1]));
            if let Some(n) = COMPARED.iter().find(|n| want[*n] != have[*n]) {
                diffs.push(format!(
                    "user {name}, after event {i} ({} ms, {}): {n}: lapse run {}, browser {}",
                    e.time(),
                    e.kind(),
                    want[n],
                    have[n]
                ));
                break;
            }
        }
        let (want, have) = (
            counts_of(&engine.per_user[u]),
            browser_counts(&got["counts"]),
        );
        for n in COMPARED.iter().filter(|n| want[*n] != have[*n]) {
            diffs.push(format!(
                "user {name}, at the horizon: {n}: lapse run {}, browser {}",
                want[n], have[n]
            ));
        }
    }
    diffs
}

fn parity(seed: u64, users: u64, ron_text: &str) {
    let diffs = parity_differences(seed, users, ron_text, &|s| s);
    assert!(
        diffs.is_empty(),
        "the browser and lapse run differ:\n{}",
        diffs.join("\n")
    );
}

/// The script with its sign-out navigation started some 20,000 message-loop
/// turns after the logout request returns. On a busy machine a real browser
/// can be that slow, and the replay must still wait for the login page
/// before the user's next event (it did not, and failed CI now and then).
fn slow_redirect() -> Breakage {
    replacing(
        "if (loc) loc.assign(CONFIG.loginUrl);",
        "if (loc) { let n = 0; const mc = new MessageChannel(); \
         mc.port1.onmessage = function () { if (++n < 20000) mc.port2.postMessage(0); \
         else loc.assign(CONFIG.loginUrl); }; mc.port2.postMessage(0); }",
    )
}

#[test]
fn generated_trace_1_extend_keepalive_redirect() {
    parity(1, 2, PARITY_POLICY);
}

#[test]
fn generated_trace_2_lazy_expiry() {
    parity(2, 2, PARITY_LAZY);
}

#[test]
fn generated_trace_3_dismiss_warning() {
    parity(3, 2, PARITY_DISMISS);
}

#[test]
fn generated_trace_3_with_a_slow_sign_out_navigation() {
    let diffs = parity_differences(3, 2, PARITY_DISMISS, &*slow_redirect());
    assert!(
        diffs.is_empty(),
        "with a slow redirect the browser and lapse run differ:\n{}",
        diffs.join("\n")
    );
}

// ----- broken copies ---------------------------------------------------------------------

/// Makes a broken copy of the script.
type Breakage = Box<dyn Fn(String) -> String>;

/// The script with `from` replaced by `to`; `from` must be in it.
fn replacing(from: &'static str, to: &'static str) -> Breakage {
    Box::new(move |s: String| {
        assert!(s.contains(from), "the script no longer contains {from:?}");
        s.replace(from, to)
    })
}

/// Copies of the script with one thing broken, each of which these tests must catch.
fn breakages() -> Vec<(&'static str, Breakage)> {
    vec![
        (
            "no tab sync",
            replacing(
                "const store = openStorage();\n  const channel = openChannel();",
                "const store = null;\n  const channel = null;",
            ),
        ),
        (
            "a monotonic clock",
            replacing(
                "const now = function () { return Date.now(); };",
                "const now = function () { return BOOT + global.performance.now(); };\n  const BOOT = Date.now() - global.performance.now();",
            ),
        ),
        (
            "no extend ping",
            replacing(
                "if (CONFIG.extendOnAnswer) ping(CONFIG.extendUrl, true);",
                "",
            ),
        ),
        (
            "pings without presence",
            replacing(
                "if (shared.presence >= tickAt - CONFIG.keepaliveMs && shared.presence < tickAt) {",
                "if (true) {",
            ),
        ),
        (
            "the warning a second late",
            replacing(
                "d - CONFIG.warningLeadMs",
                "d - CONFIG.warningLeadMs + 1000",
            ),
        ),
    ]
}

#[test]
fn every_broken_copy_of_the_script_fails() {
    let names: Vec<&str> = CASES.iter().map(|(n, _)| *n).collect();
    for (what, edit) in breakages() {
        let failed: Vec<String> = run_cases(&names, &*edit)
            .into_iter()
            .filter_map(|(name, error)| error.map(|_| name))
            .collect();
        assert!(!failed.is_empty(), "a script with {what} passed every case");
        eprintln!("{what}: caught by {}", failed.join(", "));
    }
}
