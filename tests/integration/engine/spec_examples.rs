//! SPEC section 8, the worked examples, number for number.

use crate::support::*;

#[test]
fn a_extend_warning() {
    let got = run_min(
        r#"Policy(name: "A", idle_timeout: Some("30m"),
            warning: Some(Warning(lead: "5m", resets_on: Requests, on_response: Extend)))"#,
        &[(0, "view"), (26, "input"), (40, "submit")],
    );
    let want = metrics(&[
        ("logins", 1),
        ("warnings_shown", 2),
        ("warnings_heeded", 1),
        ("warnings_missed", 1),
        ("extend_pings", 1),
        ("submits", 1),
        ("saved_submits", 1),
        ("unattended_ms", 3_300_000),
        ("max_session_ms", 4_200_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

const B_TRACE: &[(u64, &str)] = &[
    (0, "view"),
    (10, "input"),
    (20, "input"),
    (30, "input"),
    (40, "input"),
    (45, "submit"),
];

#[test]
fn b_the_seed_articles_alert() {
    let got = run_min(
        r#"Policy(name: "B", idle_timeout: Some("30m"),
            warning: Some(Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)))"#,
        B_TRACE,
    );
    let want = metrics(&[
        ("logins", 2),
        ("logouts", 1),
        ("warnings_shown", 1),
        ("warnings_missed", 1),
        ("submits", 1),
        ("lost_submits", 1),
        ("lost_inputs", 4),
        ("lost_edit_ms", 1_800_000),
        ("lost_typing_ms", 900_000),
        ("unattended_ms", 2_400_000),
        ("max_session_ms", 1_800_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

#[test]
fn b_with_keepalive_and_extend_warning() {
    let got = run_min(
        r#"Policy(name: "B2", idle_timeout: Some("30m"),
            keepalive: Some(Keepalive(interval: "5m")),
            warning: Some(Warning(lead: "5m", resets_on: Requests, on_response: Extend)))"#,
        B_TRACE,
    );
    let want = metrics(&[
        ("logins", 1),
        ("warnings_shown", 1),
        ("warnings_missed", 1),
        ("keepalive_pings", 6),
        ("submits", 1),
        ("saved_submits", 1),
        ("unattended_ms", 3_000_000),
        ("max_session_ms", 4_800_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

#[test]
fn b_keepalive_pings_at_the_spec_instants() {
    let pings: Vec<u64> = timeline_min(
        r#"Policy(name: "B2", idle_timeout: Some("30m"),
            keepalive: Some(Keepalive(interval: "5m")),
            warning: Some(Warning(lead: "5m", resets_on: Requests, on_response: Extend)))"#,
        B_TRACE,
    )
    .into_iter()
    .filter(|(_, o)| *o == lapse::engine::Outcome::KeepalivePing)
    .map(|(t, _)| t / MIN)
    .collect();
    assert_eq!(pings, [5, 15, 25, 35, 45, 50]);
}

const C_TRACE: &[(u64, &str)] = &[(0, "view"), (2, "input"), (15, "input"), (16, "submit")];

#[test]
fn c_redirect_with_drafts() {
    let got = run_min(
        r#"Policy(name: "C", idle_timeout: Some("10m"), on_expiry: Redirect, preserve_drafts: true)"#,
        C_TRACE,
    );
    let want = metrics(&[
        ("logins", 2),
        ("logouts", 2),
        ("drafts_restored", 1),
        ("submits", 1),
        ("saved_submits", 1),
        ("unattended_ms", 480_000),
        ("max_session_ms", 660_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

#[test]
fn c_half_window() {
    let got = run_min(
        r#"Policy(name: "C2", idle_timeout: Some("10m"), refresh: HalfWindow)"#,
        C_TRACE,
    );
    let want = metrics(&[
        ("logins", 2),
        ("logouts", 1),
        ("submits", 1),
        ("lost_submits", 1),
        ("lost_inputs", 2),
        ("lost_edit_ms", 780_000),
        ("lost_typing_ms", 300_000),
        ("unattended_ms", 480_000),
        ("max_session_ms", 600_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

/// Example D's trace: (minute, kind, tab).
const D_TRACE: &[(u64, &str, u8)] = &[
    (0, "view", 0),
    (1, "view", 1),
    (10, "request", 1),
    (20, "request", 1),
    (27, "input", 1),
    (29, "input", 1),
    (31, "submit", 1),
];
const D_POLICY: &str = r#"Policy(name: "D", idle_timeout: Some("30m"), refresh: EachRequest,
    warning: Some(Warning(lead: "5m", resets_on: Requests, on_response: Dismiss)),
    on_expiry: Redirect, tab_sync: TAB_SYNC)"#;

#[test]
fn d_one_tab_logs_out_the_other() {
    let got = run_tabs_min(&D_POLICY.replace("TAB_SYNC", "false"), D_TRACE);
    let want = metrics(&[
        ("logins", 2),
        ("logouts", 2),
        ("logouts_while_present", 1),
        ("warnings_shown", 2),
        ("warnings_missed", 2),
        ("submits", 1),
        ("lost_submits", 1),
        ("lost_inputs", 2),
        ("lost_edit_ms", 120_000),
        ("lost_typing_ms", 120_000),
        ("unattended_ms", 2_160_000),
        ("max_session_ms", 1_800_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

#[test]
fn d_with_tab_sync() {
    let got = run_tabs_min(&D_POLICY.replace("TAB_SYNC", "true"), D_TRACE);
    let want = metrics(&[
        ("logins", 1),
        ("logouts", 1),
        ("warnings_shown", 1),
        ("warnings_missed", 1),
        ("submits", 1),
        ("saved_submits", 1),
        ("unattended_ms", 2_160_000),
        ("max_session_ms", 3_660_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

const E_TRACE: &[(u64, &str, u8)] = &[
    (0, "view", 0),
    (5, "input", 0),
    (10, "sleep", 0),
    (50, "wake", 0),
    (51, "input", 0),
    (52, "submit", 0),
];
const E_POLICY: &str = r#"Policy(name: "E", idle_timeout: Some("30m"), refresh: EachRequest,
    warning: Some(Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)),
    on_expiry: Redirect, client_clock: CLOCK)"#;

#[test]
fn e_a_laptop_sleeps_through_the_deadline() {
    let got = run_tabs_min(&E_POLICY.replace("CLOCK", "Monotonic"), E_TRACE);
    let want = metrics(&[
        ("logins", 2),
        ("logouts", 2),
        ("warnings_shown", 1),
        ("warnings_missed", 1),
        ("submits", 1),
        ("lost_submits", 1),
        ("lost_inputs", 2),
        ("lost_edit_ms", 2_760_000),
        ("lost_typing_ms", 300_000),
        ("unattended_ms", 2_700_000),
        ("max_session_ms", 1_800_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}

#[test]
fn e_with_a_wall_clock() {
    let got = run_tabs_min(&E_POLICY.replace("CLOCK", "Wall"), E_TRACE);
    let want = metrics(&[
        ("logins", 2),
        ("logouts", 2),
        ("warnings_shown", 1),
        ("warnings_missed", 1),
        ("submits", 1),
        ("saved_submits", 1),
        ("lost_inputs", 1),
        ("unattended_ms", 2_700_000),
        ("max_session_ms", 1_860_000),
        ("peak_live_sessions", 1),
    ]);
    assert_eq!(got, want);
}
