//! Recommend: the duration settings that disrupt present users least while
//! passing a standard, found by a coarse grid and then refinement.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::engine::{Metrics, Progress, RunOptions, SimConfig, run_policy_with};
use crate::model::{Dur, Policy, Scenario, Trace};

use super::compliance::{Standard, Verdict, check};
use super::frontier::disruption;
use super::param::Param;

/// The search's answer, beside the policy it started from.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    pub standard: Standard,
    pub current: Policy,
    pub current_metrics: Metrics,
    pub current_verdict: Verdict,
    /// The winner, named `"<name> (<standard>)"`.
    pub best: Policy,
    pub best_metrics: Metrics,
    pub best_verdict: Verdict,
    /// The fields the search varied.
    pub searched: Vec<Param>,
    /// Settings run (each a full replay of the population).
    pub evaluated: usize,
}

/// Refinement rounds after the coarse grid; each halves the gaps around the best.
const REFINE_ROUNDS: usize = 6;
/// The coarse grid's size in all, spread over the searched fields.
const GRID_BUDGET: f64 = 256.0;

/// One searched field: its candidate values (`None`: switched off).
#[derive(Clone, Debug)]
struct Field {
    param: Param,
    candidates: Vec<Option<Dur>>,
}

/// One combination of values, one per searched field.
type Setting = Vec<Option<Dur>>;

/// What a setting scored; lower is better, compared in this order:
/// disruption, then unattended exposure, then the values themselves
/// (shorter limits first), so the answer never depends on thread timing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    disruption: u64,
    unattended_ms: u64,
    values: Vec<Option<u64>>,
}

/// Searches the policy's duration fields for the setting that minimises
/// `logouts_while_present + lost_inputs` among those passing `standard`.
pub fn recommend(
    scenario: &Scenario,
    trace: &Trace,
    policy: &Policy,
    standard: Standard,
) -> Result<Recommendation, String> {
    recommend_with(scenario, trace, policy, standard, &Progress::default())
        .map(|r| r.expect("a search nobody cancels always completes"))
}

/// As [`recommend`], reporting progress (`done` counts user replays; the
/// total is not known in advance) and stopping when cancelled (`Ok(None)`).
pub fn recommend_with(
    scenario: &Scenario,
    trace: &Trace,
    policy: &Policy,
    standard: Standard,
    progress: &Progress,
) -> Result<Option<Recommendation>, String> {
    let fields = search_fields(policy, standard)?;
    let cfg = scenario.sim_config();
    let mut search = Search {
        base: policy,
        standard,
        fields,
        trace,
        cfg,
        progress,
        scores: HashMap::new(),
    };
    let Some(current_metrics) = search.run(policy) else {
        return Ok(None);
    };

    // The coarse grid, and the policy's own values (so the answer is no
    // worse than the policy whenever the policy passes).
    let mut first: Vec<Setting> = cartesian(&search.fields);
    first.push(search.fields.iter().map(|f| f.param.get(policy)).collect());
    if !search.evaluate(first) {
        return Ok(None);
    }
    let Some(mut best) = search.best() else {
        return Err(search.no_answer());
    };
    for _ in 0..REFINE_ROUNDS {
        let next = search.refinements(&best);
        if next.is_empty() {
            break;
        }
        if !search.evaluate(next) {
            return Ok(None);
        }
        best = search.best().unwrap_or(best);
    }
    let (setting, _) = best;
    let Some(mut winner) = search.apply(&setting) else {
        return Err(search.no_answer());
    };
    winner.name = format!("{} ({})", policy.name, standard.id());
    let Some(best_metrics) = search.run(&winner) else {
        return Ok(None);
    };
    Ok(Some(Recommendation {
        standard,
        current: policy.clone(),
        current_metrics,
        current_verdict: check(policy, standard),
        best_verdict: check(&winner, standard),
        best: winner,
        best_metrics,
        searched: search.fields.iter().map(|f| f.param).collect(),
        evaluated: search.scores.len(),
    }))
}

/// The fields a standard constrains, with candidate values in its limits:
/// - `idle_timeout`, from 1 min (or less, if the limit is lower) to the limit;
/// - `absolute_timeout` when the standard bounds the overall session, from
///   1 h (or less) to that limit; otherwise it stays as it is;
/// - `remember_me`, if the policy has it: off, or up to the smaller of its
///   value and the idle limit (a longer one always fails: it restores
///   expired sessions without a password for longer than the limit);
/// - `warning.lead`, if the policy has a warning: from 20 s (WCAG's minimum
///   time to answer, or the current lead if shorter) to the current lead,
///   since it must stay below the idle timeout as that shrinks.
///
/// Keepalive and CSRF settings stay as they are: shorter keepalive intervals
/// or longer CSRF limits always look better to this objective, and the
/// costs they carry (traffic, exposure) are not in it.
fn search_fields(policy: &Policy, standard: Standard) -> Result<Vec<Field>, String> {
    let limits = standard.limits().ok_or_else(|| {
        format!(
            "{standard} does not bound durations; recommend takes pci-dss, nist-aal2, nist-aal3, owasp-high or owasp-low"
        )
    })?;
    let mut ranges: Vec<(Param, Dur, Dur, bool)> = vec![(
        Param::IdleTimeout,
        Dur::mins(1).min(limits.idle),
        limits.idle,
        false,
    )];
    if let Some(overall) = limits.overall {
        ranges.push((
            Param::AbsoluteTimeout,
            Dur::hours(1).min(overall),
            overall,
            false,
        ));
    }
    if let Some(r) = policy.remember_me {
        let top = r.min(limits.idle);
        ranges.push((Param::RememberMe, Dur::mins(1).min(top), top, true));
    }
    if let Some(w) = policy.warning {
        ranges.push((Param::WarningLead, Dur::secs(20).min(w.lead), w.lead, false));
    }
    let per_field = GRID_BUDGET.powf(1.0 / ranges.len() as f64).floor() as usize;
    let per_field = per_field.clamp(3, 12);
    Ok(ranges
        .into_iter()
        .map(|(param, lo, hi, can_switch_off)| {
            let mut candidates: Vec<Option<Dur>> =
                grid(lo, hi, per_field).into_iter().map(Some).collect();
            if let Some(current) = param.get(policy).filter(|&c| c >= lo && c <= hi) {
                candidates.push(Some(current));
            }
            if can_switch_off {
                candidates.push(None);
            }
            candidates.sort();
            candidates.dedup();
            Field { param, candidates }
        })
        .collect())
}

/// `n` values from `lo` to `hi`, spaced evenly on a log scale, rounded to
/// readable durations; `lo` and `hi` exactly.
fn grid(lo: Dur, hi: Dur, n: usize) -> Vec<Dur> {
    let mut out = vec![lo, hi];
    if n > 2 && lo.0 > 0 && hi > lo {
        let ratio = hi.0 as f64 / lo.0 as f64;
        for i in 1..n - 1 {
            let v = lo.0 as f64 * ratio.powf(i as f64 / (n - 1) as f64);
            out.push(readable(Dur(v.round() as u64)).clamp(lo, hi));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Rounds to a unit a person would write: 5 min above an hour, whole
/// minutes above 10 min, 10 s above a minute, whole seconds below.
fn readable(d: Dur) -> Dur {
    let unit = match d.0 {
        ms if ms >= 3_600_000 => 300_000,
        ms if ms >= 600_000 => 60_000,
        ms if ms >= 60_000 => 10_000,
        _ => 1_000,
    };
    Dur(((d.0 + unit / 2) / unit * unit).max(unit.min(d.0.max(1))))
}

/// Every combination of the fields' candidates.
fn cartesian(fields: &[Field]) -> Vec<Setting> {
    let mut out: Vec<Setting> = vec![Vec::new()];
    for f in fields {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                f.candidates.iter().map(move |&c| {
                    let mut s = prefix.clone();
                    s.push(c);
                    s
                })
            })
            .collect();
    }
    out
}

struct Search<'a> {
    base: &'a Policy,
    standard: Standard,
    fields: Vec<Field>,
    trace: &'a Trace,
    cfg: SimConfig,
    progress: &'a Progress,
    /// Every setting tried: its score, or `None` when it is invalid or fails.
    scores: HashMap<Setting, Option<Score>>,
}

impl Search<'_> {
    /// The policy with the setting's values, if valid and passing the standard.
    fn apply(&self, setting: &Setting) -> Option<Policy> {
        let mut p = self.base.clone();
        for (f, value) in self.fields.iter().zip(setting) {
            match (value, f.param) {
                (Some(v), param) => param.set(&mut p, *v).ok()?,
                (None, Param::RememberMe) => p.remember_me = None,
                (None, Param::AbsoluteTimeout) => p.absolute_timeout = None,
                (None, _) => return None,
            }
        }
        (p.problems().is_empty() && check(&p, self.standard).pass).then_some(p)
    }

    fn run(&self, policy: &Policy) -> Option<Metrics> {
        run_policy_with(
            self.trace,
            policy,
            &self.cfg,
            RunOptions::TOTALS,
            self.progress,
        )
        .map(|r| r.metrics)
    }

    /// Runs the settings not tried yet, in parallel; false when cancelled.
    fn evaluate(&mut self, settings: Vec<Setting>) -> bool {
        let mut fresh: Vec<Setting> = settings
            .into_iter()
            .filter(|s| !self.scores.contains_key(s))
            .collect();
        fresh.sort();
        fresh.dedup();
        let results: Option<Vec<(Setting, Option<Score>)>> = fresh
            .into_par_iter()
            .map(|setting| {
                let Some(policy) = self.apply(&setting) else {
                    return Some((setting, None));
                };
                let m = self.run(&policy)?;
                let score = Score {
                    disruption: disruption(&m),
                    unattended_ms: m.unattended_ms,
                    values: setting.iter().map(|v| v.map(|d| d.0)).collect(),
                };
                Some((setting, Some(score)))
            })
            .collect();
        match results {
            Some(results) => {
                self.scores.extend(results);
                true
            }
            None => false,
        }
    }

    fn best(&self) -> Option<(Setting, Score)> {
        self.scores
            .iter()
            .filter_map(|(s, score)| score.clone().map(|score| (s.clone(), score)))
            .min_by(|a, b| a.1.cmp(&b.1))
    }

    /// For each field, the midpoints between the best value and its nearest
    /// tried neighbours, the other fields held at the best.
    fn refinements(&mut self, best: &(Setting, Score)) -> Vec<Setting> {
        let (setting, _) = best;
        let mut out = Vec::new();
        for (i, field) in self.fields.iter_mut().enumerate() {
            let Some(value) = setting[i] else { continue };
            let values: Vec<Dur> = field.candidates.iter().flatten().copied().collect();
            let Some(pos) = values.iter().position(|&v| v == value) else {
                continue;
            };
            let neighbours = [pos.checked_sub(1), Some(pos + 1)];
            for n in neighbours.into_iter().flatten() {
                let Some(&other) = values.get(n) else {
                    continue;
                };
                let mid = readable(Dur((value.0 + other.0) / 2));
                if mid == value || mid == other || field.candidates.contains(&Some(mid)) {
                    continue;
                }
                field.candidates.push(Some(mid));
                let mut s = setting.clone();
                s[i] = Some(mid);
                out.push(s);
            }
            field.candidates.sort();
        }
        out
    }

    fn no_answer(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.param.name()).collect();
        let lowest: Setting = self
            .fields
            .iter()
            .map(|f| f.candidates.iter().flatten().next().copied())
            .collect();
        let mut p = self.base.clone();
        for (f, v) in self.fields.iter().zip(&lowest) {
            if let Some(v) = v {
                let _ = f.param.set(&mut p, *v);
            }
        }
        format!(
            "no setting of {} passes {}; even with each at its lowest: {}",
            names.join(", "),
            self.standard,
            check(&p, self.standard).reason
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_readable_and_keep_their_ends() {
        let g = grid(Dur::mins(1), Dur::mins(15), 5);
        assert_eq!(g.first(), Some(&Dur::mins(1)));
        assert_eq!(g.last(), Some(&Dur::mins(15)));
        assert!(g.iter().all(|d| d.0 % 10_000 == 0), "{g:?}");
        assert_eq!(readable(Dur(3_725_000)), Dur::mins(60)); // 1h2m5s -> 1h0m
        assert_eq!(readable(Dur(754_000)), Dur::mins(13)); // 12m34s -> 13m
        assert_eq!(readable(Dur(95_000)), Dur::secs(100)); // 1m35s -> 1m40s
        assert_eq!(readable(Dur(1_400)), Dur::secs(1));
    }
}
