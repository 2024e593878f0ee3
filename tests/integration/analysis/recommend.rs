use lapse::analysis::compliance::{Standard, check};
use lapse::analysis::frontier::disruption;
use lapse::analysis::{Param, recommend};
use lapse::engine::{RunOptions, run_policy};
use lapse::model::{Dur, Policy, Scenario, Trace};

use super::synth::office_trace;
use crate::support::analysis::{scenario, write_scenario};
use crate::support::{lapse, policy, stderr, stdout};

fn disruption_of(s: &Scenario, trace: &Trace, p: &Policy) -> u64 {
    disruption(&run_policy(trace, p, &s.sim_config(), RunOptions::TOTALS).metrics)
}

#[test]
fn the_answer_passes_and_is_no_worse_than_a_passing_input() {
    let trace = office_trace(10, 5, 21);
    // Passes PCI DSS with room to spare: idle 5m.
    let input = policy(r#"Policy(name: "tight", idle_timeout: "5m")"#);
    let s = scenario(vec![input.clone()]);
    let r = recommend(&s, &trace, &input, Standard::PciDss).expect("an answer");
    assert!(
        check(&r.best, Standard::PciDss).pass,
        "{:?}",
        r.best_verdict
    );
    assert!(r.best_verdict.pass && r.current_verdict.pass);
    assert_eq!(r.searched, [Param::IdleTimeout]);
    assert_eq!(r.best.name, "tight (pci-dss)");
    // The metrics reported are the policy's own.
    let best = disruption_of(&s, &trace, &r.best);
    assert_eq!(best, disruption(&r.best_metrics));
    assert_eq!(
        r.current_metrics,
        run_policy(&trace, &input, &s.sim_config(), RunOptions::TOTALS).metrics
    );
    assert!(best <= disruption_of(&s, &trace, &input));
    // 15m, the limit itself, is on the grid: nothing passing is better than it here.
    let mut limit = input.clone();
    limit.idle_timeout = Some(Dur::mins(15));
    assert!(best <= disruption_of(&s, &trace, &limit));
    assert!(
        best < disruption_of(&s, &trace, &input),
        "a longer idle timeout helps this population"
    );
}

#[test]
fn a_failing_input_gets_a_passing_answer_with_its_remember_me_cut() {
    let trace = office_trace(8, 5, 4);
    let input = policy(
        r#"Policy(name: "loose", idle_timeout: "2h", remember_me: "30d",
           warning: Warning(lead: "10m", resets_on: Requests, on_response: Extend))"#,
    );
    let s = scenario(vec![input.clone()]);
    for standard in [Standard::NistAal2, Standard::NistAal3, Standard::OwaspHigh] {
        assert!(!check(&input, standard).pass);
        let r = recommend(&s, &trace, &input, standard).expect("an answer");
        assert!(
            check(&r.best, standard).pass,
            "{standard}: {}",
            r.best_verdict.reason
        );
        assert!(r.best.problems().is_empty());
        assert_eq!(
            r.searched,
            [
                Param::IdleTimeout,
                Param::AbsoluteTimeout,
                Param::RememberMe,
                Param::WarningLead
            ]
        );
        let limits = standard.limits().expect("bounds durations");
        assert!(r.best.idle_timeout.is_some_and(|i| i <= limits.idle));
        assert!(
            r.best
                .warning
                .is_some_and(|w| Some(w.lead) < r.best.idle_timeout)
        );
    }
}

#[test]
fn the_search_is_deterministic() {
    let trace = office_trace(6, 3, 8);
    let input = policy(r#"Policy(name: "p", idle_timeout: "30m", remember_me: "1d")"#);
    let s = scenario(vec![input.clone()]);
    let a = recommend(&s, &trace, &input, Standard::OwaspLow).expect("an answer");
    let b = recommend(&s, &trace, &input, Standard::OwaspLow).expect("an answer");
    assert_eq!(a, b);
}

#[test]
fn standards_that_bound_no_duration_are_refused() {
    let trace = office_trace(1, 1, 1);
    let input = policy(r#"Policy(name: "p")"#);
    let err = recommend(
        &scenario(vec![input.clone()]),
        &trace,
        &input,
        Standard::Wcag221,
    )
    .unwrap_err();
    assert!(err.contains("wcag-2.2.1 does not bound durations"), "{err}");
}

#[test]
fn an_impossible_standard_is_explained() {
    // Keepalive pings (not searched) alone exceed PCI's 15 minutes.
    let trace = office_trace(2, 1, 1);
    let input =
        policy(r#"Policy(name: "p", idle_timeout: "10m", keepalive: Keepalive(interval: "20m"))"#);
    let err = recommend(
        &scenario(vec![input.clone()]),
        &trace,
        &input,
        Standard::PciDss,
    )
    .unwrap_err();
    assert!(err.starts_with("no setting of idle_timeout passes pci-dss; even with each at its lowest: idle limit 21m > 15m"), "{err}");
}

#[test]
fn the_command_prints_both_policies_and_a_loadable_winner() {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = office_trace(4, 2, 2);
    let input = policy(r#"Policy(name: "p", idle_timeout: "1h", absolute_timeout: "10h")"#);
    let path = write_scenario(dir.path(), &scenario(vec![input]), &trace);
    let out = lapse(&[
        "recommend",
        path.to_str().expect("utf-8"),
        "--must",
        "owasp-low",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("owasp-low — OWASP session cheat sheet, low-risk"),
        "{text}"
    );
    // The verdict row: the input's 10h absolute timeout fails, the answer passes.
    let verdicts: Vec<&str> = text
        .lines()
        .rfind(|l| l.starts_with("owasp-low "))
        .expect("a verdict row")
        .split_whitespace()
        .collect();
    assert_eq!(verdicts, ["owasp-low", "FAIL", "pass"], "{text}");
    assert!(text.contains("\nidle_timeout "), "{text}");
    let ron_start = text.find("Policy(").expect("the winner as RON");
    let winner: Policy = lapse::model::scenario::ron_options()
        .from_str(&text[ron_start..])
        .expect("the printed policy loads");
    assert_eq!(winner.name, "p (owasp-low)");
    assert!(check(&winner, Standard::OwaspLow).pass);

    let out = lapse(&[
        "recommend",
        path.to_str().expect("utf-8"),
        "--must",
        "hipaa",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("recommend takes a standard that bounds durations"),
        "{}",
        stderr(&out)
    );
}
