//! Sweeps: one policy run at evenly spaced values of one duration field.

use rayon::prelude::*;
use serde_json::json;

use crate::engine::{Metrics, Progress, RunOptions, run_policy_with};
use crate::model::{Dur, Policy, Scenario, Trace};

use super::param::Param;

/// The most steps one sweep may ask for.
pub const MAX_STEPS: usize = 10_000;

/// What to sweep: `steps` values from `from` to `to`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepSpec {
    pub param: Param,
    pub from: Dur,
    pub to: Dur,
    pub steps: usize,
}

impl SweepSpec {
    /// The values, evenly spaced, endpoints included, each rounded to the
    /// nearest whole millisecond (halves up). `from` may be above `to` (a
    /// descending sweep); the values must be distinct after rounding.
    pub fn values(&self) -> Result<Vec<Dur>, String> {
        if self.steps < 2 || self.steps > MAX_STEPS {
            return Err(format!(
                "the number of steps must be between 2 and {MAX_STEPS} (got {})",
                self.steps
            ));
        }
        let (lo, hi) = (self.from.0.min(self.to.0), self.from.0.max(self.to.0));
        let span = u128::from(hi - lo);
        let gaps = (self.steps - 1) as u128;
        if span < gaps {
            return Err(format!(
                "{} steps from {} to {} would repeat values: the range must be at least {} ms wide",
                self.steps, self.from, self.to, gaps
            ));
        }
        let descending = self.from > self.to;
        Ok((0..self.steps as u128)
            .map(|i| {
                // round(span * i / gaps), in integers so the endpoints are exact.
                let offset = (2 * span * i + gaps) / (2 * gaps);
                let offset = offset as u64; // at most span, which fits
                Dur(if descending { hi - offset } else { lo + offset })
            })
            .collect())
    }
}

/// One step: the value and what running it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepStep {
    pub value: Dur,
    /// The metrics, or why the step was skipped (the value made the policy
    /// invalid, e.g. a warning lead not below the idle timeout).
    pub result: Result<Metrics, String>,
}

/// A finished sweep, steps in the order of [`SweepSpec::values`].
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub scenario: String,
    pub policy: String,
    pub param: Param,
    /// The policy's own value of the field (the GUI marks it).
    pub current: Option<Dur>,
    pub users: usize,
    pub steps: Vec<SweepStep>,
}

/// The policy a step runs: `base` with the field set. `Err` says why the
/// step is skipped: the field does not apply, or the value breaks a rule.
pub fn step_policy(base: &Policy, param: Param, value: Dur) -> Result<Policy, String> {
    let policy = param.with(base, value)?;
    let problems = policy.problems();
    if problems.is_empty() {
        Ok(policy)
    } else {
        Err(problems
            .into_iter()
            .map(|(_, message)| message)
            .collect::<Vec<_>>()
            .join("; "))
    }
}

/// Runs the sweep; see [`run_sweep_with`].
pub fn run_sweep(
    scenario: &Scenario,
    trace: &Trace,
    policy: &Policy,
    spec: &SweepSpec,
) -> Result<Sweep, String> {
    run_sweep_with(scenario, trace, policy, spec, &Progress::default())
        .map(|s| s.expect("a sweep nobody cancels always completes"))
}

/// Runs `policy` at every value of the sweep, steps in parallel (and users
/// in parallel within a step). Errors when the spec or the field does not fit
/// the policy; a value that makes the policy invalid is a skipped step.
/// `progress.done` counts user replays: `steps x users` in all. `Ok(None)`
/// when cancelled.
pub fn run_sweep_with(
    scenario: &Scenario,
    trace: &Trace,
    policy: &Policy,
    spec: &SweepSpec,
    progress: &Progress,
) -> Result<Option<Sweep>, String> {
    let values = spec.values()?;
    if !spec.param.applies_to(policy) {
        // Reuse the setter's message, which says what to add.
        spec.param.with(policy, spec.from)?;
    }
    let cfg = scenario.sim_config();
    let steps = values
        .par_iter()
        .map(|&value| match step_policy(policy, spec.param, value) {
            Ok(p) => run_policy_with(trace, &p, &cfg, RunOptions::TOTALS, progress).map(|run| {
                SweepStep {
                    value,
                    result: Ok(run.metrics),
                }
            }),
            Err(reason) => {
                progress
                    .done
                    .fetch_add(trace.num_users(), std::sync::atomic::Ordering::Relaxed);
                Some(SweepStep {
                    value,
                    result: Err(reason),
                })
            }
        })
        .collect::<Option<Vec<_>>>();
    Ok(steps.map(|steps| Sweep {
        scenario: scenario.name.clone(),
        policy: policy.name.clone(),
        param: spec.param,
        current: spec.param.get(policy),
        users: trace.num_users(),
        steps,
    }))
}

impl Sweep {
    /// The steps that ran, as (value, metrics).
    pub fn ran(&self) -> impl Iterator<Item = (Dur, &Metrics)> {
        self.steps
            .iter()
            .filter_map(|s| s.result.as_ref().ok().map(|m| (s.value, m)))
    }

    /// The skipped steps, as (value, reason).
    pub fn skipped(&self) -> impl Iterator<Item = (Dur, &str)> {
        self.steps
            .iter()
            .filter_map(|s| s.result.as_ref().err().map(|r| (s.value, r.as_str())))
    }

    /// One row a step: `param,value,value_ms,<every metric>,skipped`. A
    /// skipped step has empty metric cells and its reason in `skipped`.
    pub fn to_csv(&self) -> String {
        let mut out = format!(
            "param,value,value_ms,{},skipped\n",
            Metrics::NAMES.join(",")
        );
        for step in &self.steps {
            out.push_str(&format!("{},{},{},", self.param, step.value, step.value.0));
            match &step.result {
                Ok(m) => {
                    let cells: Vec<String> = m.pairs().iter().map(|(_, v)| v.to_string()).collect();
                    out.push_str(&cells.join(","));
                    out.push_str(",\n");
                }
                Err(reason) => {
                    out.push_str(&",".repeat(Metrics::NAMES.len() - 1));
                    out.push_str(&format!(",\"{}\"\n", reason.replace('"', "\"\"")));
                }
            }
        }
        out
    }

    /// `{"scenario", "policy", "param", "current", "current_ms", "users",
    /// "steps": [{"value", "value_ms", "metrics" | "skipped"}]}`.
    pub fn to_json_value(&self) -> serde_json::Value {
        let steps: Vec<serde_json::Value> = self
            .steps
            .iter()
            .map(|s| match &s.result {
                Ok(m) => json!({"value": s.value, "value_ms": s.value.0, "metrics": m}),
                Err(reason) => json!({"value": s.value, "value_ms": s.value.0, "skipped": reason}),
            })
            .collect();
        json!({
            "scenario": self.scenario,
            "policy": self.policy,
            "param": self.param,
            "current": self.current,
            "current_ms": self.current.map(|d| d.0),
            "users": self.users,
            "steps": steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(from: u64, to: u64, steps: usize) -> SweepSpec {
        SweepSpec {
            param: Param::IdleTimeout,
            from: Dur(from),
            to: Dur(to),
            steps,
        }
    }

    #[test]
    fn values_are_even_with_exact_endpoints() {
        let v = spec(Dur::mins(5).0, Dur::hours(4).0, 48)
            .values()
            .expect("valid");
        assert_eq!(v.len(), 48);
        assert_eq!(v[0], Dur::mins(5));
        assert_eq!(v[1], Dur::mins(10)); // (240 - 5) / 47 = 5 minutes a step
        assert_eq!(v[47], Dur::hours(4));
        // 10 ms in 3 gaps: 3.33 -> 3, 6.67 -> 7.
        let v = spec(0, 10, 4).values().expect("valid");
        assert_eq!(v, [Dur(0), Dur(3), Dur(7), Dur(10)]);
        // Halves round up: 1 ms in 2 gaps.
        assert_eq!(spec(0, 1, 2).values(), Ok(vec![Dur(0), Dur(1)]));
        let v = spec(0, 3, 3).values().expect("valid"); // 1.5 -> 2
        assert_eq!(v, [Dur(0), Dur(2), Dur(3)]);
    }

    #[test]
    fn descending_sweeps_mirror_ascending_ones() {
        let v = spec(10, 0, 4).values().expect("valid");
        assert_eq!(v, [Dur(10), Dur(7), Dur(3), Dur(0)]);
    }

    #[test]
    fn refuses_too_few_steps_and_repeated_values() {
        assert!(spec(0, 10, 1).values().unwrap_err().contains("between 2"));
        assert!(spec(0, 2, 4).values().unwrap_err().contains("repeat"));
        assert!(spec(0, 3, 4).values().is_ok());
    }
}
