//! Sweeps: one policy run at evenly spaced values of one duration field.

use rayon::prelude::*;
use serde_json::json;

use crate::engine::{Metrics, Progress, RunOptions, run_policy_with};
use crate::model::{Dur, Policy, Scenario, Trace};

use super::compliance::{Standard, check};
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
        self.to_csv_checked(&[])
    }

    /// As [`Sweep::to_csv`], then one column per standard checked (named by
    /// the standard's id): `pass` or `FAIL` for the step's policy, empty for
    /// a skipped step.
    pub fn to_csv_checked(&self, checks: &[StepVerdicts]) -> String {
        let mut out = format!("param,value,value_ms,{},skipped", Metrics::NAMES.join(","));
        for check in checks {
            out.push(',');
            out.push_str(check.standard.id());
        }
        out.push('\n');
        for (k, step) in self.steps.iter().enumerate() {
            out.push_str(&format!("{},{},{},", self.param, step.value, step.value.0));
            match &step.result {
                Ok(m) => {
                    let cells: Vec<String> = m.pairs().iter().map(|(_, v)| v.to_string()).collect();
                    out.push_str(&cells.join(","));
                    out.push(',');
                }
                Err(reason) => {
                    out.push_str(&",".repeat(Metrics::NAMES.len() - 1));
                    out.push_str(&format!(",\"{}\"", reason.replace('"', "\"\"")));
                }
            }
            for check in checks {
                out.push(',');
                out.push_str(match check.passes.get(k).copied().flatten() {
                    Some(true) => "pass",
                    Some(false) => "FAIL",
                    None => "",
                });
            }
            out.push('\n');
        }
        out
    }

    /// [`Sweep::to_json_value`], each step with `"verdicts": {STANDARD:
    /// {"pass", "reason"}}` for the standards checked (none for a skipped step).
    pub fn to_json_checked(&self, base: &Policy, standards: &[Standard]) -> serde_json::Value {
        let mut value = self.to_json_value();
        if standards.is_empty() {
            return value;
        }
        if let Some(steps) = value["steps"].as_array_mut() {
            for (step, json) in self.steps.iter().zip(steps.iter_mut()) {
                if step.result.is_err() {
                    continue;
                }
                let Ok(policy) = step_policy(base, self.param, step.value) else {
                    continue;
                };
                let verdicts: serde_json::Map<String, serde_json::Value> = standards
                    .iter()
                    .map(|&st| {
                        let v = check(&policy, st);
                        (
                            st.id().to_string(),
                            json!({"pass": v.pass, "reason": v.reason}),
                        )
                    })
                    .collect();
                json["verdicts"] = serde_json::Value::Object(verdicts);
            }
        }
        value
    }
}

/// One standard's verdict on every step of a sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepVerdicts {
    pub standard: Standard,
    /// Per step, in the sweep's order: whether the step's policy passes;
    /// `None` for a skipped step.
    pub passes: Vec<Option<bool>>,
}

impl StepVerdicts {
    /// `standard`'s verdict on each step of `sweep`, run from `base` (what
    /// `lapse check` says of the policy with the field at the step's value).
    pub fn new(base: &Policy, sweep: &Sweep, standard: Standard) -> StepVerdicts {
        let passes = sweep
            .steps
            .iter()
            .map(|step| {
                step.result.as_ref().ok()?;
                let policy = step_policy(base, sweep.param, step.value).ok()?;
                Some(check(&policy, standard).pass)
            })
            .collect();
        StepVerdicts { standard, passes }
    }
}

impl Sweep {
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
    fn each_step_gets_the_standards_verdict_in_a_column_of_its_own() {
        // PCI DSS allows 15 minutes idle: 10m and 15m pass, 20m fails; a
        // keepalive of 5m adds its interval (15m + 5m fails).
        let sweep = Sweep {
            scenario: "s".into(),
            policy: "p".into(),
            param: Param::IdleTimeout,
            current: None,
            users: 1,
            steps: [10, 15, 20]
                .iter()
                .map(|&m| SweepStep {
                    value: Dur::mins(m),
                    result: Ok(Metrics::default()),
                })
                .chain(std::iter::once(SweepStep {
                    value: Dur::mins(25),
                    result: Err("skipped".into()),
                }))
                .collect(),
        };
        let base = Policy::default();
        let pci = StepVerdicts::new(&base, &sweep, Standard::PciDss);
        assert_eq!(pci.passes, [Some(true), Some(true), Some(false), None]);
        let csv = sweep.to_csv_checked(&[pci]);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].ends_with(",skipped,pci-dss"), "{csv}");
        assert!(
            lines[1].ends_with(",pass") && lines[3].ends_with(",FAIL"),
            "{csv}"
        );
        assert!(lines[4].ends_with("\"skipped\","), "{csv}");
        assert_eq!(sweep.to_csv(), sweep.to_csv_checked(&[]));
        let json = sweep.to_json_checked(&base, &[Standard::PciDss]);
        assert_eq!(json["steps"][2]["verdicts"]["pci-dss"]["pass"], false);
        assert!(json["steps"][3].get("verdicts").is_none());
    }

    #[test]
    fn refuses_too_few_steps_and_repeated_values() {
        assert!(spec(0, 10, 1).values().unwrap_err().contains("between 2"));
        assert!(spec(0, 2, 4).values().unwrap_err().contains("repeat"));
        assert!(spec(0, 3, 4).values().is_ok());
    }
}
