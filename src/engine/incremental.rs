//! Re-simulating after an edit: only the policies that changed.
//!
//! An edit in the window changes one policy (or the scenario's settings, or
//! the population). Each policy's results depend on nothing else, so the
//! policies that are as they were in the last run keep their results, and
//! dragging one policy's slider costs one policy's simulation. Used by the
//! app's worker thread, `lapse bench` and `benches/interactive.rs`.

use crate::engine::{PolicyRun, Progress, RunOptions, ScenarioRun, SimConfig, run_policy_with};
use crate::model::{Policy, Scenario, Trace};

/// The last run, policy by policy.
#[derive(Default)]
pub struct Simulator {
    last: Vec<(Policy, PolicyRun)>,
    /// What every result in `last` was computed for.
    context: Option<(SimConfig, u64)>,
}

impl Simulator {
    /// Forgets every result (the population changed).
    pub fn clear(&mut self) {
        self.last.clear();
        self.context = None;
    }

    /// Runs `scenario` over `trace` (everything the plots need), reusing the
    /// results of policies unchanged since the last run. `population` names
    /// the trace: a different one discards every kept result. `None` when
    /// cancelled.
    pub fn run(
        &mut self,
        scenario: &Scenario,
        trace: &Trace,
        population: u64,
        progress: &Progress,
    ) -> Option<ScenarioRun> {
        let cfg = scenario.sim_config();
        if self.context != Some((cfg, population)) {
            self.clear();
        }
        let mut policies = Vec::with_capacity(scenario.policies.len());
        for policy in &scenario.policies {
            let kept = self
                .last
                .iter()
                .find(|(p, _)| p == policy)
                .map(|(_, run)| run.clone());
            let run = match kept {
                Some(run) => {
                    // Counted as done for the progress bar.
                    progress
                        .done
                        .fetch_add(trace.num_users(), std::sync::atomic::Ordering::Relaxed);
                    run
                }
                None => run_policy_with(trace, policy, &cfg, RunOptions::EVERYTHING, progress)?,
            };
            policies.push(run);
        }
        self.last = scenario
            .policies
            .iter()
            .cloned()
            .zip(policies.iter().cloned())
            .collect();
        self.context = Some((cfg, population));
        Some(ScenarioRun {
            scenario: scenario.name.clone(),
            users: trace.num_users(),
            policies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run_scenario;
    use crate::model::{Dur, Event, EventKind};

    fn scenario() -> Scenario {
        Scenario::parse(
            r#"Scenario(name: "s", horizon: "1d", population: Trace(path: "t.csv"),
               policies: [Policy(name: "a"), Policy(name: "b", idle_timeout: "10m")])"#,
            None,
        )
        .expect("valid")
    }

    fn trace() -> Trace {
        let min = 60_000;
        let events = [
            (0, EventKind::View),
            (12, EventKind::Input),
            (20, EventKind::Submit),
        ]
        .iter()
        .map(|&(m, k)| Event::new(m * min, k))
        .collect();
        Trace::from_users([("u".to_string(), events)])
    }

    #[test]
    fn gives_what_a_full_run_gives_after_every_edit() {
        let (mut s, trace) = (scenario(), trace());
        let mut sim = Simulator::default();
        let progress = Progress::default();
        for idle in [30, 5, 30, 15] {
            s.policies[0].idle_timeout = Some(Dur::mins(idle));
            let fresh = run_scenario(&s, &trace, RunOptions::EVERYTHING);
            assert_eq!(
                sim.run(&s, &trace, 1, &progress),
                Some(fresh),
                "idle {idle}m"
            );
        }
        // Renamed and reordered policies still line up with their results.
        s.policies.swap(0, 1);
        s.policies[1].name = "renamed".into();
        let fresh = run_scenario(&s, &trace, RunOptions::EVERYTHING);
        assert_eq!(sim.run(&s, &trace, 1, &progress), Some(fresh));
        // So do a new horizon and a new population.
        s.horizon = Dur::mins(15);
        let fresh = run_scenario(&s, &trace, RunOptions::EVERYTHING);
        assert_eq!(sim.run(&s, &trace, 2, &progress), Some(fresh));
    }
}
