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
                "error: s.ron:1:{col}: duration \"{text}\" is too long (the limit is about 36 million years)"
            ),
        );
    }
}

#[test]
fn the_longest_durations_do_not_overflow_the_engine() {
    // Every limit at about 36 million years, a trace at the far end of time.
    let policy = r#"Policy(name: "A", idle_timeout: "1000000years", absolute_timeout: "1000000years", remember_me: "1000000years", keepalive: Keepalive(interval: "1000000years"), csrf: Csrf(time_limit: "1000000years"), warning: Warning(lead: "999999years"), on_expiry: Redirect)"#;
    let text = scenario_with("10000000years", policy).replace(
        r#"horizon: "10000000years","#,
        r#"horizon: "10000000years", bucket: "100000years","#,
    );
    let dir = folder(&[
        ("s.ron", text.as_bytes()),
        (
            "far.csv",
            b"user,time_ms,kind\nu,0,view\nu,315000000000000000,submit\n",
        ),
    ]);
    let run = lapse_in(
        dir.path(),
        &["run", "s.ron", "--trace", "far.csv", "--format", "csv"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Worked by hand (1y = 31 557 600 000 ms, I = 1 000 000 y):
    // the view at 0 logs in (deadline I); the warning shows at 1y; at I it is
    // missed, the session expires and the page redirects (logout, not while
    // present, remember-me cleared). The submit at 315e15 opens a page: a
    // login, the submit saved. Its warning shows at 315e15 + 1y; the horizon
    // (10 000 000 y = 315.576e15) ends the session after 576e12 ms.
    // Unattended: (I - 5m) + (576e12 - 5m).
    let row = run.stdout.lines().nth(1).expect("a row");
    assert_eq!(
        row,
        "A,2,1,0,0,2,0,1,0,0,1,1,0,0,0,0,0,32133599999400000,31557600000000000,1"
    );
}
