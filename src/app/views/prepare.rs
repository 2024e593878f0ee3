//! Run results turned into every view's data at once. Pure functions, no
//! egui: the worker thread calls them after each simulation, and
//! `benches/interactive.rs` times them together with the simulation.

use std::sync::Arc;

use crate::engine::{Metrics, PolicyRun, ScenarioRun, Series};
use crate::model::{Scenario, Trace};

use super::gaps::{self, GapHistogram};
use super::over_time::{TimePlots, time_plots};
use super::totals::{Total, TotalKind};

/// Everything the plots draw, for one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlotData {
    pub policies: Vec<String>,
    pub totals: Vec<Total>,
    pub over_horizon: TimePlots,
    pub by_time_of_day: TimePlots,
    pub gaps: Arc<GapHistogram>,
    /// Per policy, the user who lost the most work (typing time, then edits,
    /// then submits); `None` when nobody lost anything.
    pub most_lost_work: Vec<Option<usize>>,
    /// Every user, the ones who lost the most work under any policy first.
    pub users_by_loss: Vec<usize>,
    /// Per policy, how many people it hit.
    pub people: Vec<People>,
}

/// How many distinct users a policy hit, out of `users`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct People {
    pub users: usize,
    /// Logged out at least once while present.
    pub logged_out_while_present: usize,
    /// Lost at least one submit or edit.
    pub lost_work: usize,
}

impl People {
    pub fn of(policy: &PolicyRun) -> People {
        let count = |hit: fn(&Metrics) -> bool| policy.per_user.iter().filter(|m| hit(m)).count();
        People {
            users: policy.per_user.len(),
            logged_out_while_present: count(|m| m.logouts_while_present > 0),
            lost_work: count(|m| m.lost_submits + m.lost_inputs > 0),
        }
    }
}

/// All plot data for one run. `gaps` comes in already computed because it
/// depends on the trace only (the worker keeps it across edits).
pub fn plot_data(scenario: &Scenario, run: &ScenarioRun, gaps: Arc<GapHistogram>) -> PlotData {
    let policies: Vec<String> = run.policies.iter().map(|p| p.name.clone()).collect();
    let totals = TotalKind::ALL
        .iter()
        .map(|&kind| Total::of(kind, run.policies.iter().map(|p| &p.metrics)))
        .collect();
    let horizon = scenario.horizon.as_ms();
    let series: Vec<Option<&Series>> = run.policies.iter().map(|p| p.series.as_ref()).collect();
    let over_horizon = time_plots(&series, horizon);
    let folded: Vec<Option<Series>> = series
        .iter()
        .map(|s| s.map(Series::by_time_of_day))
        .collect();
    let folded_refs: Vec<Option<&Series>> = folded.iter().map(Option::as_ref).collect();
    let by_time_of_day = time_plots(&folded_refs, DAY_MS);
    PlotData {
        policies,
        totals,
        over_horizon,
        by_time_of_day,
        gaps,
        most_lost_work: run.policies.iter().map(most_lost_work).collect(),
        people: run.policies.iter().map(People::of).collect(),
        users_by_loss: users_by_loss(run),
    }
}

const DAY_MS: u64 = 86_400_000;

/// The gap histogram of a trace, for [`plot_data`].
pub fn gap_histogram(trace: &Trace, horizon: u64) -> GapHistogram {
    gaps::histogram(gaps::present_gaps(trace, horizon))
}

/// How much work a user lost, for ranking: typing time, then edits, then submits.
fn loss_key(m: &Metrics) -> (u64, u64, u64) {
    (m.lost_typing_ms, m.lost_inputs, m.lost_submits)
}

fn most_lost_work(policy: &PolicyRun) -> Option<usize> {
    policy
        .per_user
        .iter()
        .enumerate()
        .filter(|(_, m)| loss_key(m) != (0, 0, 0))
        // max_by_key keeps the last of equals; reversing keeps the first user.
        .rev()
        .max_by_key(|(_, m)| loss_key(m))
        .map(|(u, _)| u)
}

fn users_by_loss(run: &ScenarioRun) -> Vec<usize> {
    let mut worst = vec![(0, 0, 0); run.users];
    for p in &run.policies {
        for (u, m) in p.per_user.iter().enumerate() {
            if let Some(w) = worst.get_mut(u) {
                *w = (*w).max(loss_key(m));
            }
        }
    }
    let mut users: Vec<usize> = (0..run.users).collect();
    // Stable: equal losses keep trace order.
    users.sort_by_key(|&u| std::cmp::Reverse(worst[u]));
    users
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(lost_typing_ms: u64, lost_inputs: u64) -> Metrics {
        Metrics {
            lost_typing_ms,
            lost_inputs,
            ..Metrics::default()
        }
    }

    fn policy(per_user: Vec<Metrics>) -> PolicyRun {
        PolicyRun {
            name: "p".into(),
            metrics: Metrics::default(),
            affected: Default::default(),
            series: None,
            per_user,
        }
    }

    #[test]
    fn finds_the_user_who_lost_the_most_work() {
        let p = policy(vec![
            metrics(0, 0),
            metrics(60_000, 2),
            metrics(60_000, 5),
            metrics(60_000, 5),
        ]);
        // Users 2 and 3 tie on typing time and edits: the first one wins.
        assert_eq!(most_lost_work(&p), Some(2));
        assert_eq!(most_lost_work(&policy(vec![metrics(0, 0)])), None);
    }

    #[test]
    fn counts_the_people_a_policy_hit() {
        let mut present = metrics(0, 0);
        present.logouts_while_present = 2;
        let mut submit = metrics(0, 0);
        submit.lost_submits = 1;
        let p = policy(vec![present, submit, metrics(60_000, 3), metrics(0, 0)]);
        assert_eq!(
            People::of(&p),
            People {
                users: 4,
                logged_out_while_present: 1,
                lost_work: 2
            }
        );
    }

    #[test]
    fn ranks_users_by_their_worst_loss_under_any_policy() {
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 3,
            policies: vec![
                policy(vec![metrics(0, 0), metrics(10, 1), metrics(0, 0)]),
                policy(vec![metrics(0, 0), metrics(0, 0), metrics(20, 1)]),
            ],
        };
        assert_eq!(users_by_loss(&run), [2, 1, 0]);
    }
}
