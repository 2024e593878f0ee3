//! Durations too long for any clock.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn durations_past_the_limit() {
    for (text, col) in [("100000000years", 31), ("99999999999999999999s", 31)] {
        let scenario = scenario_with(text, r#"Policy(name: "A")"#);
        let dir = folder(&[("s.ron", scenario.as_bytes())]);
        assert_refused(
            &lapse_in(dir.path(), &["validate", "s.ron"]),
            &format!(
                "error: s.ron:1:{col}: duration \"{text}\" is too long (the limit is about 142,000 years)"
            ),
        );
    }
}

#[test]
fn the_longest_durations_do_not_overflow_the_engine() {
    // Every limit at about 10 000 years, a trace at the far end of time
    // (the limit is 2^52 ms, about 142 700 years).
    let policy = r#"Policy(name: "A", idle_timeout: "10000years", absolute_timeout: "10000years", remember_me: "10000years", keepalive: Keepalive(interval: "10000years"), csrf: Csrf(time_limit: "10000years"), warning: Warning(lead: "9999years"), on_expiry: Redirect)"#;
    let text = scenario_with("100000years", policy).replace(
        r#"horizon: "100000years","#,
        r#"horizon: "100000years", bucket: "1000years","#,
    );
    let dir = folder(&[
        ("s.ron", text.as_bytes()),
        (
            "far.csv",
            b"user,time_ms,kind\nu,0,view\nu,3150000000000000,submit\n",
        ),
    ]);
    let run = lapse_in(
        dir.path(),
        &["run", "s.ron", "--trace", "far.csv", "--format", "csv"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Worked by hand (1y = 31 557 600 000 ms, I = 10 000 y = 315 576e9 ms):
    // the view at 0 logs in (deadline I); the warning shows at 1y; at I it is
    // missed, the session expires and the page redirects (logout, not while
    // present, remember-me cleared; the keepalive tick at I comes after the
    // redirect closed the page). The submit at 3150e12 opens a page: a
    // login, the submit saved. Its warning shows at 3150e12 + 1y; the horizon
    // (100 000 y = 3155.76e12) ends the session after 5.76e12 ms.
    // Unattended: (I - 5m) + (5.76e12 - 5m).
    let row = run.stdout.lines().nth(1).expect("a row");
    assert_eq!(
        row,
        "A,2,1,0,0,2,0,1,0,0,1,1,0,0,0,0,0,0,321335999400000,315576000000000,1,\
         1,1,0,0,1,1,0,0,0,0,0,0"
    );
    // The last twelve are affected_users: the one user was logged out (not
    // while present) and missed warnings; users and share per metric.
}
