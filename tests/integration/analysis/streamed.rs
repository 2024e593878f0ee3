//! Replicates of a generated population are simulated a group of users at a
//! time as they are generated, never stored as a trace (for speed): the
//! results must be exactly those of generating the whole trace and running it.

use lapse::analysis::replicates::{Draws, replicate_trace, run_replicate};
use lapse::engine::{Progress, RunOptions, run_scenario, run_scenario_streamed};
use lapse::generate::{Generator, generate};
use lapse::model::Scenario;
use lapse::model::trace::UserBatch;

/// Two groups whose boundary falls inside a batch of users (the streamed
/// run's unit of work: 4 users; the generator's tasks take 32), and a last
/// batch that is not full: 45 office workers and 30 case workers over two days.
fn two_groups(seed: u64) -> Scenario {
    let text = format!(
        r#"Scenario(
    name: "two groups",
    seed: {seed},
    horizon: "2d",
    profiles: [
        Profile(name: "office"),
        Profile(name: "case-worker", tasks: [
            Form(weight: 3, edits: LogNormal(median: 40, sigma: 0.6, cap: 300)),
            Read(weight: 1),
        ]),
    ],
    population: Generated([
        (profile: "office", users: 45),
        (profile: "case-worker", users: 30),
    ]),
    policies: [
        Policy(name: "alert", idle_timeout: "25m", refresh: EachRequest,
            warning: Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)),
        Policy(name: "keepalive", idle_timeout: "30m", refresh: EachRequest,
            keepalive: Keepalive(interval: "5m"),
            warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend)),
    ],
)"#
    );
    Scenario::parse(&text, None).expect("the test scenario is valid")
}

#[test]
fn a_streamed_replicate_equals_the_run_of_its_generated_trace() {
    let s = two_groups(42);
    let base = generate(&s).expect("generates");
    for k in 1..4 {
        let trace = replicate_trace(&s, &base, Draws::Generated, k).expect("generates");
        let whole = run_scenario(&s, &trace, RunOptions::TOTALS);
        let streamed = run_replicate(&s, &base, Draws::Generated, k, &Progress::default())
            .expect("not cancelled")
            .expect("generates");
        let expected: Vec<_> = whole.policies.iter().map(|p| p.metrics).collect();
        assert_eq!(streamed, expected, "replicate {k}");
        assert!(expected[0].logins > 0, "replicate {k} simulated someone");
    }
}

#[test]
fn the_generator_writes_the_users_generate_stores() {
    let s = two_groups(7);
    let trace = generate(&s).expect("generates");
    let generator = Generator::new(&s).expect("valid");
    assert_eq!(generator.num_users(), 75);
    // Any range, in any pieces: users 40..50 straddle the two groups.
    let mut batch = UserBatch::default();
    generator.write_users(40..43, &mut batch).expect("fits");
    generator.write_users(43..50, &mut batch).expect("fits");
    assert_eq!(batch.num_users(), 10);
    for (i, events) in batch.users().enumerate() {
        assert_eq!(events, trace.user_events(40 + i), "user {}", 40 + i);
        assert_eq!(generator.user_name(40 + i), trace.user_name(40 + i));
    }
    assert_eq!(generator.user_name(45), "case-worker-0001");
}

#[test]
fn streaming_a_traces_users_gives_the_traces_run_with_every_total() {
    let s = two_groups(3);
    let trace = generate(&s).expect("generates");
    let whole = run_scenario(&s, &trace, RunOptions::TOTALS);
    let write = |users: std::ops::Range<usize>, batch: &mut UserBatch| -> Result<(), String> {
        for u in users {
            batch.events.extend_from_slice(trace.user_events(u));
            batch.end_user();
        }
        Ok(())
    };
    let progress = Progress::default();
    let streamed = run_scenario_streamed(&s, trace.num_users(), write, &progress)
        .expect("not cancelled")
        .expect("writes");
    // Names, users, every metric (the peak of live sessions included) and
    // the affected users' counts.
    assert_eq!(streamed, whole);
    assert_eq!(
        progress.done.load(std::sync::atomic::Ordering::Relaxed),
        75 * 2,
        "every user replayed under each policy"
    );
}

#[test]
fn a_streamed_runs_failure_and_cancel_come_back() {
    let s = two_groups(3);
    let refuse = |users: std::ops::Range<usize>, _: &mut UserBatch| -> Result<(), String> {
        Err(format!("no users {users:?}"))
    };
    let failed =
        run_scenario_streamed(&s, 75, refuse, &Progress::default()).expect("not cancelled");
    assert!(matches!(failed, Err(m) if m.starts_with("no users")));
    let cancelled = Progress::default();
    cancelled
        .cancel
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let none = |_: std::ops::Range<usize>, _: &mut UserBatch| -> Result<(), String> { Ok(()) };
    assert!(run_scenario_streamed(&s, 75, none, &cancelled).is_none());
    // No users at all: every total is 0.
    let empty = run_scenario_streamed(&s, 0, none, &Progress::default())
        .expect("not cancelled")
        .expect("nothing to fail");
    assert_eq!(empty.users, 0);
    assert!(
        empty
            .policies
            .iter()
            .all(|p| p.metrics == Default::default())
    );
}
