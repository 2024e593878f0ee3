//! A keepalive every millisecond for a month: no storm, exact counts.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_one_millisecond_keepalive_over_a_month() {
    // Ticks every 1 ms from the view at 0; a tick pings only after presence:
    // at 1 ms (the view at 0 is in [0, 1)) and at 600 001 ms (the input at
    // 600 000). Two pings in a month, whatever the tick rate. The session is
    // refreshed to 600 001 and lives until 2 400 001 ms.
    let policy = r#"Policy(name: "A", keepalive: Keepalive(interval: "1ms"))"#;
    let text = scenario_with("30d", policy)
        .replace(r#"horizon: "30d","#, r#"horizon: "30d", bucket: "1d","#);
    let dir = folder(&[
        ("s.ron", text.as_bytes()),
        ("k.csv", b"user,time_ms,kind\nu,0,view\nu,600000,input\n"),
    ]);
    let run = lapse_in(
        dir.path(),
        &["run", "s.ron", "--trace", "k.csv", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let m = &json["policies"][0]["metrics"];
    assert_eq!(m["keepalive_pings"], 2);
    assert_eq!(m["max_session_ms"], 2_400_001);
    // Away from 300 000 to 600 000 and from 900 000 to 2 400 001.
    assert_eq!(m["unattended_ms"], 300_000 + 1_500_001);
}
