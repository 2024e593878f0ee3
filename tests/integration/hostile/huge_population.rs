//! A billion users: refused before anything is allocated.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_billion_users_is_refused() {
    let text = r#"Scenario(name: "h", horizon: "1d", profiles: [Profile(name: "office")], population: Generated([(profile: "office", users: 1000000000)]), policies: [Policy(name: "A")])"#;
    let dir = folder(&[("s.ron", text.as_bytes())]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron"]),
        "error: s.ron:1:73: the groups add up to 1000000000 users; a generated population may have at most 1000000 (raise with --max-users)",
    );
}

#[test]
fn an_event_storm_is_stopped_at_the_event_limit() {
    // 20 users for 30 days are about 700 000 events: over a limit of 10 000.
    let text = r#"Scenario(name: "h", horizon: "30d", profiles: [Profile(name: "office")], population: Generated([(profile: "office", users: 20)]), policies: [Policy(name: "A")])"#;
    let dir = folder(&[("s.ron", text.as_bytes())]);
    let run = lapse_in(dir.path(), &["run", "s.ron", "--max-events", "10000"]);
    assert_refused(
        &run,
        "error: s.ron:1:74: the generated trace would have more than 10000 events (20 users over 30d); use fewer users, a shorter horizon or longer think times (or raise --max-events)",
    );
}
