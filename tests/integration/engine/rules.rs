//! One small hand-made trace per SPEC rule. Every expected number below was
//! worked out by hand from the SPEC (times in minutes; horizon 1d, away 5m);
//! the working is in the comment above each expectation.

use crate::support::*;

const M: u64 = MIN;

// ----- refresh modes -----------------------------------------------------------

#[test]
fn each_request_slides_the_idle_window() {
    // Refreshed at 0, 20, 45: deadline 75; the request at 80 meets the expiry
    // (last present before 75 is 45: not while present). Reload at 80: session 80-110.
    // Unattended: 5-20, 25-45, 50-75 (60) + 85-110 (25) = 85 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m")"#,
        &[
            (0, "view"),
            (20, "request"),
            (45, "request"),
            (80, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("unattended_ms", 85 * M),
            ("max_session_ms", 75 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn on_modify_ignores_plain_requests() {
    // No refresh by requests: expiry at 30 met at 45 (last present 20), session 45-75
    // met at 80 (last present 45). Unattended: 5-20, 25-30 (20) + 50-75 (25) + 85-110 (25).
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m", refresh: OnModify)"#,
        &[
            (0, "view"),
            (20, "request"),
            (45, "request"),
            (80, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 3),
            ("logouts", 2),
            ("unattended_ms", 70 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn on_modify_refreshes_on_submit_and_away_after_is_exclusive() {
    // The submit at 20 refreshes (deadline 50); the request at 45 does not. The
    // request at 70 meets the expiry of 50; the last present event before 50 is
    // at 45, exactly away_after earlier: not "less than", so not while present.
    // Unattended: 5-20, 25-45, 50-50 (35) + 75-100 (25) = 60 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m", refresh: OnModify)"#,
        &[
            (0, "view"),
            (20, "submit"),
            (45, "request"),
            (70, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("submits", 1),
            ("saved_submits", 1),
            ("unattended_ms", 60 * M),
            ("max_session_ms", 50 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn half_window_refreshes_only_past_half_strictly() {
    // idle 30: 10 (10 > 15? no), 20 (yes, r=20), 40 (20 > 15, r=40), 55 (15 > 15? no).
    // Deadline 70; the request at 80 meets it (last present 55).
    // Unattended: 5-10, 15-20, 25-40, 45-55, 60-70 (45) + 85-110 (25) = 70 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m", refresh: HalfWindow)"#,
        &[
            (0, "view"),
            (10, "request"),
            (20, "request"),
            (40, "request"),
            (55, "request"),
            (80, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("unattended_ms", 70 * M),
            ("max_session_ms", 70 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn half_window_at_an_odd_idle_timeout_needs_more_than_half() {
    // idle 1001 ms: a request 500 ms after the refresh is not past half
    // (1000 > 1001? no), one 501 ms after is (1002 > 1001). With the first,
    // the deadline stays at 1001 and the request there meets it.
    let policy = policy(r#"Policy(name: "p", idle_timeout: "1001ms", refresh: HalfWindow)"#);
    let trace =
        |refresh_try| events_ms(&[(0, "view"), (refresh_try, "request"), (1001, "request")]);
    let not_past_half = run_with(&policy, trace(500), &cfg());
    assert_eq!((not_past_half.logins, not_past_half.logouts), (2, 1));
    let past_half = run_with(&policy, trace(501), &cfg());
    assert_eq!((past_half.logins, past_half.logouts), (1, 0));
}

#[test]
fn never_refresh_lasts_from_login() {
    // Deadline 30 whatever happens; met at 31; last present 29: while present.
    // Unattended: 5-10, 15-29 (19) + 36-61 (25) = 44 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m", refresh: Never)"#,
        &[
            (0, "view"),
            (10, "request"),
            (29, "request"),
            (31, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("logouts_while_present", 1),
            ("unattended_ms", 44 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

// ----- absolute timeout and equal instants ----------------------------------------

#[test]
fn absolute_timeout_ignores_activity() {
    // No idle timeout, absolute 1h: ends at 60, met at 61 (last present 59: while present).
    // Unattended: 5-30, 35-59 (49) + 66-121 (55) = 104 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: None, absolute_timeout: "1h")"#,
        &[
            (0, "view"),
            (30, "request"),
            (59, "request"),
            (61, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("logouts_while_present", 1),
            ("unattended_ms", 104 * M),
            ("max_session_ms", 60 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_request_at_the_deadline_is_too_late() {
    // idle 30 + absolute 1h, a request every 10 min: the one at 60 meets the
    // absolute deadline of 60 (last present 50). New session 60-100 (last request 70).
    // Unattended: six gaps of 5 in 0-60 (30) + 65-70, 75-100 (30) = 60 min.
    let trace: Vec<(u64, &str)> = std::iter::once((0, "view"))
        .chain((1..=7).map(|i| (i * 10, "request")))
        .collect();
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "1h")"#,
        &trace,
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("unattended_ms", 60 * M),
            ("max_session_ms", 60 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn an_event_at_the_client_deadline_cannot_answer_the_warning() {
    // Warning at 25 missed at 30, before the input at 30 (which is client-only).
    let got = run_min(
        r#"Policy(name: "p", warning: Warning(lead: "5m"))"#,
        &[(0, "view"), (30, "input")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 1),
            ("warnings_missed", 1),
            ("unattended_ms", 25 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn an_event_at_the_warning_instant_answers_it() {
    // Shown at 25 before the input at 25, which answers and pings (r=25):
    // next warning 50, missed 55. Unattended: 5-25 (20) + 30-55 (25).
    let got = run_min(
        r#"Policy(name: "p", warning: Warning(lead: "5m", on_response: Extend))"#,
        &[(0, "view"), (25, "input")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 2),
            ("warnings_heeded", 1),
            ("warnings_missed", 1),
            ("extend_pings", 1),
            ("unattended_ms", 45 * M),
            ("max_session_ms", 55 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_redirect_comes_before_the_users_event_at_the_same_instant() {
    // Redirect at 10 (logout; last present 0). The input at 10 opens a page
    // (login 2), its edit is lost at the next redirect at 20 (span 0).
    // Sessions 0-10 and 10-20: an end at 10 precedes a start at 10 (peak 1).
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect)"#,
        &[(0, "view"), (10, "input")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 2),
            ("lost_inputs", 1),
            ("unattended_ms", 10 * M),
            ("max_session_ms", 10 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

// ----- browser session --------------------------------------------------------------

#[test]
fn browser_close_ends_a_browser_session() {
    // Session 0-10 ends at the close; the view at 20 logs in without a logout.
    // Unattended: 5-10 (5) + 25-50 (25).
    let got = run_min(
        r#"Policy(name: "p", browser_session: true, refresh: OnModify)"#,
        &[(0, "view"), (10, "close"), (20, "view")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("unattended_ms", 30 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn closing_the_browser_after_an_expiry_makes_the_login_expected() {
    // Expired at 30; the close at 40 means the login at 50 is no logout.
    let trace = [(0, "view"), (40, "close"), (50, "view")];
    let browser = run_min(r#"Policy(name: "p", browser_session: true)"#, &trace);
    assert_eq!(
        browser,
        metrics(&[
            ("logins", 2),
            ("unattended_ms", 50 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
    // With a persistent cookie the close changes nothing: a logout.
    let persistent = run_min(r#"Policy(name: "p", browser_session: false)"#, &trace);
    assert_eq!(
        persistent,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("unattended_ms", 50 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

// ----- remember me ------------------------------------------------------------------

#[test]
fn remember_me_relogs_silently_until_it_runs_out() {
    // Expired at 30; at 40 less than 1h since the login at 0: silent (session 40-70).
    // At 100, 100 min since the explicit login: a login, and a logout for the
    // silent session's expiry at 70 (last present 40).
    // Unattended: 5-30, 45-70, 105-130 = 75 min.
    let got = run_min(
        r#"Policy(name: "p", remember_me: "1h")"#,
        &[(0, "view"), (40, "view"), (100, "view")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("silent_relogins", 1),
            ("unattended_ms", 75 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn remember_me_is_strictly_less_than_its_duration() {
    // At 60, exactly 1h since the login: no longer remembered.
    let got = run_min(
        r#"Policy(name: "p", remember_me: "1h")"#,
        &[(0, "view"), (60, "view")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("unattended_ms", 50 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_redirect_clears_remember_me() {
    // Redirect at 10 clears the cookie: the view at 20 is an explicit login.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect, remember_me: "1d")"#,
        &[(0, "view"), (20, "view")],
    );
    // Sessions 0-10 (redirect), 20-30 (redirect again): two logouts, none while present.
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 2),
            ("unattended_ms", 10 * M),
            ("max_session_ms", 10 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

// ----- CSRF -------------------------------------------------------------------------

#[test]
fn csrf_time_limit_fails_old_tokens() {
    // Token issued at 0. Submit 59: age 59 < 60, saved. Submit 75: age 75, fails;
    // the edits at 65 and 70 are lost (span 5), the page reloads (new token at 75).
    // Submit 80: saved. Last request 80, idle 2h: session 0-200.
    // Unattended: 5-10, 15-59, 64-65, 85-200 = 5 + 44 + 1 + 115 = 165 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "2h", csrf: Csrf(time_limit: "1h"))"#,
        &[
            (0, "view"),
            (10, "input"),
            (59, "submit"),
            (65, "input"),
            (70, "input"),
            (75, "submit"),
            (80, "submit"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("submits", 3),
            ("saved_submits", 2),
            ("lost_submits", 1),
            ("csrf_failures", 1),
            ("lost_inputs", 2),
            ("lost_edit_ms", 5 * M),
            ("lost_typing_ms", 5 * M), // one 5-minute gap: up to away_after
            ("unattended_ms", 165 * M),
            ("max_session_ms", 200 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn csrf_token_is_bound_to_the_session_identity() {
    // Expired at 30; the submit at 40 is restored silently (new identity), so
    // the page's token (identity of 0) fails: one lost input, reload. Submit 45 saved.
    // Sessions 0-30 and 40-75. Unattended: 10-30 (20) + 50-75 (25).
    let got = run_min(
        r#"Policy(name: "p", remember_me: "1d", csrf: Csrf(time_limit: None))"#,
        &[(0, "view"), (5, "input"), (40, "submit"), (45, "submit")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("silent_relogins", 1),
            ("submits", 2),
            ("saved_submits", 1),
            ("lost_submits", 1),
            ("csrf_failures", 1),
            ("lost_inputs", 1),
            ("unattended_ms", 45 * M),
            ("max_session_ms", 35 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn csrf_secret_write_on_first_view_refreshes_under_on_modify() {
    // The request at 40 is restored silently (session from 40, deadline 70), no page
    // view. The view at 60 is the first under the new identity: the CSRF write
    // refreshes to 60, so the request at 85 is still live (deadline 90).
    // Sessions 0-30, 40-90. Unattended: 5-30 (25) + 45-60, 65-85 (35) = 60 min.
    let trace = [(0, "view"), (40, "request"), (60, "view"), (85, "request")];
    let with_csrf = run_min(
        r#"Policy(name: "p", refresh: OnModify, remember_me: "1d", csrf: Csrf(time_limit: None))"#,
        &trace,
    );
    assert_eq!(
        with_csrf,
        metrics(&[
            ("logins", 1),
            ("silent_relogins", 1),
            ("unattended_ms", 60 * M),
            ("max_session_ms", 50 * M),
            ("peak_live_sessions", 1),
        ])
    );
    // Without CSRF nothing writes: the session of 40 expires at 70, 85 relogs silently.
    let without = run_min(
        r#"Policy(name: "p", refresh: OnModify, remember_me: "1d")"#,
        &trace,
    );
    assert_eq!(without.silent_relogins, 2);
}

// ----- warnings ---------------------------------------------------------------------

#[test]
fn a_keepalive_ping_clears_a_shown_warning() {
    // Tick at 25 (the view at 0 is in [0, 25)): at 25 the warning is shown first,
    // then the ping resets the timer and ends it (neither heeded nor missed).
    // Next: warning 50, tick 50 has no presence in [25, 50), missed at 55.
    let got = run_min(
        r#"Policy(name: "p", warning: Warning(lead: "5m"), keepalive: Keepalive(interval: "25m"))"#,
        &[(0, "view")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 2),
            ("warnings_missed", 1),
            ("keepalive_pings", 1),
            ("unattended_ms", 50 * M),
            ("max_session_ms", 55 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

const ANSWER_TRACE: &[(u64, &str)] = &[(0, "view"), (27, "activity"), (35, "request")];

#[test]
fn an_extend_warning_keeps_the_session() {
    // Shown 25, answered at 27 with a ping (r=27); request 35 (r=35);
    // warning 60 missed 65. Unattended: 5-27, 32-35, 40-65 = 50 min.
    let got = run_min(
        r#"Policy(name: "p", warning: Warning(lead: "5m", on_response: Extend))"#,
        ANSWER_TRACE,
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 2),
            ("warnings_heeded", 1),
            ("warnings_missed", 1),
            ("extend_pings", 1),
            ("unattended_ms", 50 * M),
            ("max_session_ms", 65 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_dismissed_alert_does_not_reach_the_server() {
    // Shown 25, dismissed at 27 (heeded, nothing sent); session expires at 30 and
    // the request at 35 meets it: last present 27, 3 min before: while present.
    // Reload at 35: warning 60, missed 65. Unattended: 5-27 (22) + 40-65 (25).
    let got = run_min(
        r#"Policy(name: "p", warning: Warning(lead: "5m", on_response: Dismiss))"#,
        ANSWER_TRACE,
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("logouts_while_present", 1),
            ("warnings_shown", 2),
            ("warnings_heeded", 1),
            ("warnings_missed", 1),
            ("unattended_ms", 47 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

// ----- keepalive --------------------------------------------------------------------

#[test]
fn keepalive_window_is_half_open() {
    // Ticks every 10 from the view. 10: [0,10) has the view: ping (before the input
    // at 10). 20: [10,20) has 10 and 19: ping. 30: [20,30) empty (the activity at 30
    // comes after the tick). 40: [30,40) has 30: ping. Last refresh 40: deadline 70.
    // Unattended: 5-10, 15-19, 24-30, 35-70 = 5 + 4 + 6 + 35 = 50 min.
    let got = run_min(
        r#"Policy(name: "p", keepalive: Keepalive(interval: "10m"))"#,
        &[(0, "view"), (10, "input"), (19, "input"), (30, "activity")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("keepalive_pings", 3),
            ("unattended_ms", 50 * M),
            ("max_session_ms", 70 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

// ----- lost work, redirect and drafts --------------------------------------------------

#[test]
fn redirect_without_drafts_loses_the_edits() {
    // Redirect at 10: logout (last present 5, exactly 5 before: not while present),
    // edits at 2 and 5 lost (span 3). Input 15 opens a page (login), submit 16 saves,
    // redirect at 26 (logout, nothing to lose). Sessions 0-10, 15-26.
    // Unattended: 0 in the first session (away from 10), 21-26 = 5 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect)"#,
        &[
            (0, "view"),
            (2, "input"),
            (5, "input"),
            (15, "input"),
            (16, "submit"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 2),
            ("submits", 1),
            ("saved_submits", 1),
            ("lost_inputs", 2),
            ("lost_edit_ms", 3 * M),
            ("lost_typing_ms", 3 * M), // one 3-minute gap
            ("unattended_ms", 5 * M),
            ("max_session_ms", 11 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_redirect_while_typing_is_a_logout_while_present() {
    // Activity does not reset a plain redirect timer: logout at 10, last present 8.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect)"#,
        &[(0, "view"), (8, "activity")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("logouts", 1),
            ("logouts_while_present", 1),
            ("unattended_ms", 3 * M),
            ("max_session_ms", 10 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn preserved_drafts_survive_a_failed_submit() {
    // Expired at 30; the submit at 60 bounces: login, logout, the draft (2 edits)
    // comes back into the reloaded page and is resubmitted and saved.
    // Unattended: 10-20, 25-30 (15) + 65-90 (25) = 40 min.
    let got = run_min(
        r#"Policy(name: "p", preserve_drafts: true)"#,
        &[(0, "view"), (5, "input"), (20, "input"), (60, "submit")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("submits", 1),
            ("saved_submits", 1),
            ("drafts_restored", 1),
            ("unattended_ms", 40 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_bounced_request_loses_edits_but_is_no_lost_submit() {
    // The request at 50 bounces: edits at 5 and 10 lost (span 5).
    // Unattended: 15-30 (15) + 55-80 (25) = 40 min.
    let got = run_min(
        r#"Policy(name: "p")"#,
        &[(0, "view"), (5, "input"), (10, "input"), (50, "request")],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("lost_inputs", 2),
            ("lost_edit_ms", 5 * M),
            ("lost_typing_ms", 5 * M), // one 5-minute gap: up to away_after
            ("unattended_ms", 40 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn the_users_own_view_discards_edits_without_loss() {
    let got = run_min(
        r#"Policy(name: "p")"#,
        &[(0, "view"), (5, "input"), (40, "view")],
    );
    assert_eq!(got.lost_inputs, 0);
    assert_eq!(got.logouts, 1);
}

// ----- horizon, unattended and peak ---------------------------------------------------------

#[test]
fn events_at_or_after_the_horizon_are_dropped() {
    let cfg = lapse::engine::SimConfig {
        horizon: 60 * M,
        ..cfg()
    };
    let p = policy(r#"Policy(name: "p", idle_timeout: None)"#);
    // No idle timeout: the session lives to the horizon (60), the view at 60 is dropped.
    let got = run_with(&p, events_min(&[(0, "view"), (60, "view")]), &cfg);
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("unattended_ms", 55 * M),
            ("max_session_ms", 60 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn peak_live_sessions_counts_overlap_across_users() {
    let p = policy(r#"Policy(name: "p")"#);
    let user = |start: u64| events_min(&[(start, "view")]);
    let run = |starts: &[u64]| {
        let trace = lapse::model::Trace::from_users(
            starts
                .iter()
                .enumerate()
                .map(|(i, &s)| (format!("u{i}"), user(s))),
        );
        lapse::engine::run_policy(&trace, &p, &cfg(), lapse::engine::RunOptions::TOTALS).metrics
    };
    // 0-30 and 30-60: the end at 30 precedes the start at 30.
    assert_eq!(run(&[0, 30]).peak_live_sessions, 1);
    // 0-30, 29-59 and 30-60: at 30 the first ends, the third starts: 2.
    assert_eq!(run(&[0, 29, 30]).peak_live_sessions, 2);
    assert_eq!(run(&[0, 10, 20]).peak_live_sessions, 3);
}

// ----- SPEC revision 2: typing time, tabs, sleep ----------------------------------

#[test]
fn lost_typing_counts_each_pause_up_to_away_after() {
    // Session 0-30 (the view refreshed it; inputs do not). Edits at 1, 3, 13, 18
    // die with the request at 40: span 17 min; typing 2 + min(10, 5) + min(5, 5)
    // = 12 min (a pause of exactly away_after counts as away_after). Not while
    // present: the last present event before 30 is 18. Unattended: 8-13 and
    // 23-30 (12) + the new session 40-70, away from 45 (25) = 37 min.
    let got = run_min(
        r#"Policy(name: "p", idle_timeout: "30m")"#,
        &[
            (0, "view"),
            (1, "input"),
            (3, "input"),
            (13, "input"),
            (18, "input"),
            (40, "request"),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 1),
            ("lost_inputs", 4),
            ("lost_edit_ms", 17 * M),
            ("lost_typing_ms", 12 * M),
            ("unattended_ms", 37 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

const TAB_ANSWER_POLICY: &str = r#"Policy(name: "p", idle_timeout: "30m",
    warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend), tab_sync: SYNC)"#;
const TAB_ANSWER_TRACE: &[(u64, &str, u8)] = &[(0, "view", 0), (2, "view", 1), (28, "input", 0)];

#[test]
fn without_tab_sync_a_warning_is_answered_only_in_its_own_tab() {
    // Tab 0's timer (from 0) warns at 25, tab 1's (from 2) at 27. The input
    // at 28 in tab 0 answers tab 0's warning only: an extend ping (the session,
    // refreshed by the view at 2, lives to 32) refreshes it to 58 and restarts
    // tab 0's timer (warning 53, missed 58). Tab 1's warning is missed at 32.
    // Unattended: 7-28 (21) + 33-58 (25) = 46 min.
    let got = run_tabs_min(
        &TAB_ANSWER_POLICY.replace("SYNC", "false"),
        TAB_ANSWER_TRACE,
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 3),
            ("warnings_heeded", 1),
            ("warnings_missed", 2),
            ("extend_pings", 1),
            ("unattended_ms", 46 * M),
            ("max_session_ms", 58 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn with_tab_sync_one_warning_is_answered_in_any_tab() {
    // One timer: the view at 2 starts its cycle (warning 27). The input at 28
    // in tab 0 answers it and pings from tab 0: the session lives to 58, the
    // timer restarts (warning 53, missed 58).
    let got = run_tabs_min(&TAB_ANSWER_POLICY.replace("SYNC", "true"), TAB_ANSWER_TRACE);
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 2),
            ("warnings_heeded", 1),
            ("warnings_missed", 1),
            ("extend_pings", 1),
            ("unattended_ms", 46 * M),
            ("max_session_ms", 58 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

const KEEPALIVE_POLICY: &str = r#"Policy(name: "p", idle_timeout: "30m", keepalive: Keepalive(interval: "5m"), tab_sync: SYNC)"#;
const KEEPALIVE_TRACE: &[(u64, &str, u8)] = &[
    (0, "view", 0),
    (1, "view", 1),
    (3, "input", 0),
    (12, "input", 0),
];

#[test]
fn without_tab_sync_each_tab_pings_for_its_own_presence() {
    // Tab 0 ticks at 5 (present at 0, 3: ping), 10 (nobody in tab 0 since 5),
    // 15 (12: ping); tab 1 ticks at 6 (its view at 1: ping), 11 and 16 (nobody
    // in tab 1). Three pings; the last refresh at 15 sets the deadline to 45.
    // Unattended: 8-12 (4) + 17-45 (28) = 32 min.
    let got = run_tabs_min(&KEEPALIVE_POLICY.replace("SYNC", "false"), KEEPALIVE_TRACE);
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("keepalive_pings", 3),
            ("unattended_ms", 32 * M),
            ("max_session_ms", 45 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn with_tab_sync_every_open_tab_pings_for_presence_in_any_tab() {
    // Presence anywhere counts: tab 0 pings at 5 and 15, tab 1 at 6 and 16
    // (the input at 12 in tab 0 lies in [11, 16)). Deadline 46.
    // Unattended: 8-12 (4) + 17-46 (29) = 33 min.
    let got = run_tabs_min(&KEEPALIVE_POLICY.replace("SYNC", "true"), KEEPALIVE_TRACE);
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("keepalive_pings", 4),
            ("unattended_ms", 33 * M),
            ("max_session_ms", 46 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_browser_session_ends_with_the_last_tab() {
    // Closing tab 0 at 2 leaves tab 1 open: the session lives (the request at
    // 3 reaches it) until tab 1 closes at 4. The view at 10 logs in again,
    // expected after a browser close: no logout. Session 2 expires at 40.
    // Unattended: 15-40 = 25 min.
    let got = run_tabs_min(
        r#"Policy(name: "p", idle_timeout: "30m", browser_session: true)"#,
        &[
            (0, "view", 0),
            (1, "view", 1),
            (2, "close", 0),
            (3, "request", 1),
            (4, "close", 1),
            (10, "view", 0),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("unattended_ms", 25 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_draft_comes_back_only_in_its_own_tab() {
    // Tab 0's timer (from 0) redirects at 10 while the session (refreshed by
    // the request at 8) is live: a logout while present (8), tab 0's edit kept
    // as tab 0's draft. The view at 16 in tab 1 logs in (the redirect counted
    // the logout) and opens a page without the draft. The submit at 17 is
    // saved; tab 1's timer (17) redirects at 27, when the session (refreshed
    // at 17) has just expired: a logout, not while present (17).
    // Unattended: 22-27 = 5 min.
    let got = run_tabs_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect, preserve_drafts: true)"#,
        &[
            (0, "view", 0),
            (2, "input", 0),
            (3, "view", 1),
            (8, "request", 1),
            (16, "view", 1),
            (17, "submit", 1),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 2),
            ("logouts", 2),
            ("logouts_while_present", 1),
            ("submits", 1),
            ("saved_submits", 1),
            ("unattended_ms", 5 * M),
            ("max_session_ms", 11 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn two_redirects_at_one_instant_count_one_logout() {
    // Both tabs' timers start at 0 and redirect at 30, when the session has
    // expired: tab 0's redirect counts the logout, tab 1's finds it counted.
    let got = run_tabs_min(
        r#"Policy(name: "p", idle_timeout: "30m", on_expiry: Redirect)"#,
        &[(0, "view", 0), (0, "view", 1)],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("logouts", 1),
            ("unattended_ms", 25 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

const SYNC_REDIRECT_TRACE: &[(u64, &str, u8)] = &[
    (0, "view", 0),
    (1, "input", 0),
    (2, "view", 1),
    (3, "input", 1),
];

#[test]
fn a_synced_redirect_closes_every_tab_and_loses_each_tabs_edits() {
    // The view at 2 restarts the shared timer: the redirect at 12 finds the
    // session (refreshed at 2) just expired: one logout, not while present (3).
    // Both tabs' edits are lost. Unattended: 8-12 = 4 min.
    let got = run_tabs_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect, tab_sync: true)"#,
        SYNC_REDIRECT_TRACE,
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("logouts", 1),
            ("lost_inputs", 2),
            ("unattended_ms", 4 * M),
            ("max_session_ms", 12 * M),
            ("peak_live_sessions", 1),
        ])
    );
    // Without tab_sync tab 0 redirects at 10 (a live session ends: the logout)
    // and tab 1 at 12 (already counted); each loses its own edit.
    let got = run_tabs_min(
        r#"Policy(name: "p", idle_timeout: "10m", on_expiry: Redirect)"#,
        SYNC_REDIRECT_TRACE,
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("logouts", 1),
            ("lost_inputs", 2),
            ("unattended_ms", 2 * M),
            ("max_session_ms", 10 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn keepalive_ticks_pause_in_sleep_and_ping_only_for_presence_in_their_window() {
    // Ticks at 10, 20, ...; the device sleeps 6-26, so the tick due at 10
    // comes at 30, when nobody was present in [20, 30): no ping. The input at
    // 40 makes the tick at 50 ping; it finds the session (expired at 30)
    // gone: counted, nothing else. Unattended: 10-30 = 20 min.
    let got = run_tabs_min(
        r#"Policy(name: "p", idle_timeout: "30m", keepalive: Keepalive(interval: "10m"))"#,
        &[
            (0, "view", 0),
            (5, "input", 0),
            (6, "sleep", 0),
            (26, "wake", 0),
            (40, "input", 0),
        ],
    );
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("keepalive_pings", 1),
            ("unattended_ms", 20 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

const CLOCK_POLICY: &str = r#"Policy(name: "p", idle_timeout: "30m",
    warning: Warning(lead: "10m", resets_on: Requests, on_response: Extend), client_clock: CLOCK)"#;
const CLOCK_TRACE: &[(u64, &str, u8)] = &[
    (0, "view", 0),
    (5, "sleep", 0),
    (22, "wake", 0),
    (23, "input", 0),
];

#[test]
fn a_wall_clock_shows_at_wake_a_warning_whose_deadline_is_ahead() {
    // Warning due at 20, deadline 30; at wake (22) it is shown. The input at
    // 23 answers it: an extend ping refreshes the session (alive to 30) to 53,
    // the next warning shows at 43 and is missed at 53.
    // Unattended: 5-23 (18) + 28-53 (25) = 43 min.
    let got = run_tabs_min(&CLOCK_POLICY.replace("CLOCK", "Wall"), CLOCK_TRACE);
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 2),
            ("warnings_heeded", 1),
            ("warnings_missed", 1),
            ("extend_pings", 1),
            ("unattended_ms", 43 * M),
            ("max_session_ms", 53 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

#[test]
fn a_monotonic_clock_moves_the_warning_by_the_sleep() {
    // The timer paused 17 minutes: warning 37, deadline 47. The input at 23
    // answers nothing (no warning yet; Requests does not reset on input). The
    // warning at 37 is missed at 47; the session expired at 30.
    // Unattended: 5-23 (18) + 28-30 (2) = 20 min.
    let got = run_tabs_min(&CLOCK_POLICY.replace("CLOCK", "Monotonic"), CLOCK_TRACE);
    assert_eq!(
        got,
        metrics(&[
            ("logins", 1),
            ("warnings_shown", 1),
            ("warnings_missed", 1),
            ("unattended_ms", 20 * M),
            ("max_session_ms", 30 * M),
            ("peak_live_sessions", 1),
        ])
    );
}

const SKIP_POLICY: &str = r#"Policy(name: "p", idle_timeout: "30m",
    warning: Warning(lead: "5m", resets_on: Requests, on_response: Dismiss), client_clock: CLOCK)"#;

#[test]
fn a_wall_clock_skips_a_warning_whose_deadline_passed_in_sleep() {
    // Warning due 25, deadline 30, asleep 10-40: neither shown nor missed.
    let trace = &[
        (0, "view", 0),
        (10, "sleep", 0),
        (40, "wake", 0),
        (41, "input", 0),
    ];
    let wall = run_tabs_min(&SKIP_POLICY.replace("CLOCK", "Wall"), trace);
    let base = [
        ("logins", 1),
        ("unattended_ms", 25 * M),
        ("max_session_ms", 30 * M),
        ("peak_live_sessions", 1),
    ];
    assert_eq!(wall, metrics(&base));
    // Monotonic: the timer resumes, warning 55, missed 60.
    let monotonic = run_tabs_min(&SKIP_POLICY.replace("CLOCK", "Monotonic"), trace);
    let mut shown = base.to_vec();
    shown.extend([("warnings_shown", 1), ("warnings_missed", 1)]);
    assert_eq!(monotonic, metrics(&shown));
}

#[test]
fn a_shown_warning_is_missed_at_wake_with_a_wall_clock_and_later_without() {
    // Shown at 25, asleep 27-40 (wake is not presence, so it answers nothing):
    // Wall misses it at 40 (its deadline 30 passed); Monotonic at 43.
    let trace = events_tab_min(&[(0, "view", 0), (27, "sleep", 0), (40, "wake", 0)]);
    let missed_at = |clock: &str| {
        let policy = policy(&SKIP_POLICY.replace("CLOCK", clock));
        let (m, outcomes) = lapse::engine::user_timeline(&trace, &policy, &cfg());
        assert_eq!((m.warnings_shown, m.warnings_missed), (1, 1));
        outcomes
            .iter()
            .find(|(_, o)| *o == lapse::engine::Outcome::WarningMissed)
            .map(|&(t, _)| t / M)
    };
    assert_eq!(missed_at("Wall"), Some(40));
    assert_eq!(missed_at("Monotonic"), Some(43));
}
