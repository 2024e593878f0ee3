//! Recommend: the policy that disrupts people at work least while passing a
//! standard. The search varies the policy's structure (keepalive and its
//! interval, the warning's kind and what restarts its timer, kept drafts,
//! redirect or lazy expiry, the client clock, tab sync) and, for the most
//! promising structures, its durations (a coarse grid, then refinement).
//!
//! The objective, in people's terms: fewest logouts while people are present
//! plus lost edits ([`disruption`]), then the least time sessions stay open
//! while nobody is there (`unattended_ms`).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::engine::{
    Affected, Bounded, Metrics, Progress, RunOptions, SimConfig, run_policy_with, run_policy_within,
};
use crate::model::{ClientClock, Dur, Keepalive, OnExpiry, OnResponse, Policy, ResetsOn};
use crate::model::{Scenario, Trace, Warning};

use super::compliance::{Limits, Standard, Verdict, check};
use super::describe::{Choice, describe};
use super::frontier::disruption;
use super::param::Param;

/// The search's answer, beside the policy it started from.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    pub standard: Standard,
    pub current: Policy,
    pub current_metrics: Metrics,
    pub current_affected: Affected,
    pub current_verdict: Verdict,
    /// The best compliant policy found, named for what it does (see
    /// [`describe`]). It is the current policy itself when nothing found
    /// beats a compliant current policy.
    pub best: Policy,
    pub best_metrics: Metrics,
    pub best_affected: Affected,
    pub best_verdict: Verdict,
    /// What to tell the user about `best` against the current policy.
    pub outcome: Outcome,
    /// The best compliant variant of the current approach: its structure,
    /// other durations. `None` when no duration setting of it passes (the
    /// reason is in `variant_failure`).
    pub variant: Option<Found>,
    pub variant_failure: Option<String>,
    /// The structural choices in which `best` differs from the current
    /// policy, the one that matters most first.
    pub changes: Vec<Change>,
    /// Other structures whose best setting ties with `best` or comes within
    /// [`NEAR_TIE`] of its disruption, best first.
    pub near_ties: Vec<Found>,
    /// The duration fields searched for the current approach.
    pub searched: Vec<Param>,
    /// Structures tried.
    pub structures: usize,
    /// Settings run (each a full replay of the population).
    pub evaluated: usize,
}

impl Recommendation {
    /// `best`'s score: disruption, then unattended exposure.
    pub fn best_score(&self) -> (u64, u64) {
        (
            disruption(&self.best_metrics),
            self.best_metrics.unattended_ms,
        )
    }
}

/// `best` against the current policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Better on the objective than the current policy: recommended.
    Better,
    /// The current policy passes and nothing found beats it: keep it.
    KeepCurrent,
    /// The current policy fails and every compliant policy found disrupts
    /// more: `best` is the least costly way to comply, not an improvement.
    CostsMore,
}

/// A policy run, with what it scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub policy: Policy,
    pub metrics: Metrics,
    pub affected: Affected,
}

impl Found {
    /// Lower is better: disruption, then unattended exposure.
    pub fn score(&self) -> (u64, u64) {
        (disruption(&self.metrics), self.metrics.unattended_ms)
    }
}

/// A structural choice in which `best` differs from the current policy, and
/// what `best` does without it.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub choice: Choice,
    /// What the current policy does, and what `best` does, in words.
    pub from: String,
    pub to: String,
    pub without: Without,
}

/// The recommended policy with one choice put back as the current policy
/// has it (its durations re-anchored if it would fail the standard).
#[derive(Clone, Debug, PartialEq)]
pub enum Without {
    Found(Box<Found>),
    /// It cannot pass the standard.
    Nothing,
}

impl Without {
    /// For ordering changes: what giving the change up costs.
    fn cost(&self) -> (u64, u64) {
        match self {
            Without::Found(f) => f.score(),
            Without::Nothing => (u64::MAX, u64::MAX),
        }
    }
}

/// Within this share of the best disruption (or 1, whichever is more), a
/// different structure is reported as a near-tie.
pub const NEAR_TIE: f64 = 0.01;
/// Refinement rounds after the coarse grid; each halves the gaps around the best.
const REFINE_ROUNDS: usize = 4;
/// The coarse grid's size in all, spread over the searched fields.
const GRID_BUDGET: f64 = 48.0;
/// The best structures so far whose durations are searched are this many
/// plus one, less the current one (searched anyway).
const DURATION_SEARCHES: usize = 2;
/// The keepalive intervals tried (and the current one).
const KEEPALIVE_INTERVALS: [Dur; 3] = [Dur::mins(1), Dur::mins(2), Dur::mins(5)];
/// The warning's lead when a structure adds one to a policy without.
const NEW_WARNING_LEAD: Dur = Dur::mins(2);
/// WCAG SC 2.2.1: at least 20 s to answer a warning.
const ANSWER_TIME: Dur = Dur::secs(20);

/// Searches the policy's structure and durations for the least disruption
/// among policies passing `standard`.
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
    let limits = standard.limits().ok_or_else(|| {
        format!(
            "{standard} does not bound durations; recommend takes pci-dss, nist-aal2, nist-aal3, owasp-high or owasp-low"
        )
    })?;
    let mut search = Search {
        standard,
        trace,
        cfg: scenario.sim_config(),
        progress,
        runs: HashMap::new(),
    };
    let Some(current) = search.run(policy) else {
        return Ok(None);
    };

    // 1. Every main structure at its anchor durations.
    // The current structure and the one with every aid first, run to the
    // end, so the rest can stop once they fall far behind.
    let shapes = main_shapes(policy);
    let anchored: Vec<Policy> = shapes
        .iter()
        .filter_map(|s| anchor(&s.apply(policy), standard, limits))
        .collect();
    let first: Vec<Policy> = [Shape::of(policy), Shape::every_aid(policy)]
        .iter()
        .filter_map(|s| anchor(&s.apply(policy), standard, limits))
        .collect();
    if !search.evaluate(first, None) || !search.evaluate(anchored, search.limit(|_| true)) {
        return Ok(None);
    }
    // 2. The client timer's variants of the best few.
    let variants: Vec<Policy> = search
        .top_shapes(1)
        .into_iter()
        .flat_map(|s| s.timer_variants())
        .filter_map(|s| anchor(&s.apply(policy), standard, limits))
        .collect();
    if !search.evaluate(variants, search.limit(|_| true)) {
        return Ok(None);
    }
    // 3. Durations: the current structure (the policy itself among the
    // candidates, so a compliant policy is never beaten by a worse one),
    // then the best few structures.
    let fields = search_fields(policy, limits);
    let Some(variant) = search.durations(policy, &fields) else {
        return Ok(None);
    };
    let current_shape = Shape::of(policy);
    for shape in search.top_shapes(DURATION_SEARCHES + 1) {
        if shape == current_shape {
            continue;
        }
        let base = shape.apply(policy);
        let base = anchor(&base, standard, limits).unwrap_or(base);
        if search
            .durations(&base, &search_fields(&base, limits))
            .is_none()
        {
            return Ok(None);
        }
    }

    let Some(best) = search.best(|_| true) else {
        return Err(search.no_answer(policy, limits));
    };
    let current_verdict = check(policy, standard);
    let outcome = if best.score() < current.score() {
        Outcome::Better
    } else if current_verdict.pass {
        Outcome::KeepCurrent
    } else {
        Outcome::CostsMore
    };
    let mut best = match outcome {
        Outcome::KeepCurrent => current.clone(),
        _ => best,
    };
    if outcome != Outcome::KeepCurrent {
        best.policy.name = describe(&best.policy);
    }
    let variant_failure = variant.is_none().then(|| search.no_answer(policy, limits));
    // The current policy itself keeps its name; a changed one says what it does.
    let variant = variant.map(|mut v| {
        v.policy.name = if key(&v.policy) == key(policy) {
            policy.name.clone()
        } else {
            describe(&v.policy)
        };
        v
    });
    let Some(changes) = search.changes(policy, &best.policy, limits) else {
        return Ok(None);
    };
    Ok(Some(Recommendation {
        standard,
        changes,
        near_ties: search.near_ties(&best.policy),
        searched: fields.iter().map(|f| f.param).collect(),
        structures: search.shapes_tried(),
        evaluated: search.runs.len(),
        current: policy.clone(),
        current_metrics: current.metrics,
        current_affected: current.affected,
        current_verdict,
        best_verdict: check(&best.policy, standard),
        best: best.policy,
        best_metrics: best.metrics,
        best_affected: best.affected,
        outcome,
        variant,
        variant_failure,
    }))
}

// ----- structures -----------------------------------------------------------------

/// A policy's structure: everything the search varies except durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Shape {
    keepalive: Option<Dur>,
    warning: Option<(OnResponse, ResetsOn)>,
    on_expiry: OnExpiry,
    preserve_drafts: bool,
    client_clock: ClientClock,
    tab_sync: bool,
}

impl Shape {
    fn of(p: &Policy) -> Shape {
        Shape {
            keepalive: p.keepalive.map(|k| k.interval),
            warning: p.warning.map(|w| (w.on_response, w.resets_on)),
            on_expiry: p.on_expiry,
            preserve_drafts: p.preserve_drafts,
            client_clock: p.client_clock,
            tab_sync: p.tab_sync,
        }
    }

    /// `base` with this structure; a new warning gets [`NEW_WARNING_LEAD`].
    fn apply(self, base: &Policy) -> Policy {
        let mut p = base.clone();
        p.keepalive = self.keepalive.map(|interval| Keepalive { interval });
        let lead = base.warning.map_or(NEW_WARNING_LEAD, |w| w.lead);
        p.warning = self.warning.map(|(on_response, resets_on)| Warning {
            lead,
            resets_on,
            on_response,
        });
        p.on_expiry = self.on_expiry;
        p.preserve_drafts = self.preserve_drafts;
        p.client_clock = self.client_clock;
        p.tab_sync = self.tab_sync;
        p
    }

    /// The policy with the shortest keepalive tried, an Extend warning timed
    /// from requests and drafts kept: usually the least disruptive.
    fn every_aid(p: &Policy) -> Shape {
        Shape {
            keepalive: KEEPALIVE_INTERVALS.first().copied(),
            warning: Some((OnResponse::Extend, ResetsOn::Requests)),
            preserve_drafts: true,
            ..Shape::of(p)
        }
    }

    /// Redirect or lazy, and, where they matter, both clocks and tab sync.
    fn timer_variants(self) -> Vec<Shape> {
        let mut out = Vec::new();
        for on_expiry in [OnExpiry::Lazy, OnExpiry::Redirect] {
            for client_clock in ClientClock::ALL {
                for tab_sync in [false, true] {
                    let s = Shape {
                        on_expiry,
                        client_clock,
                        tab_sync,
                        ..self
                    };
                    let timer = s.warning.is_some() || on_expiry == OnExpiry::Redirect;
                    let clock_matters = timer || client_clock == self.client_clock;
                    let sync_matters = timer || s.keepalive.is_some() || tab_sync == self.tab_sync;
                    if clock_matters && sync_matters {
                        out.push(s);
                    }
                }
            }
        }
        out
    }
}

/// Keepalive (none, or each interval) × warning (none, alert or extend,
/// timed from requests or keys) × drafts, the rest as the policy has it.
fn main_shapes(policy: &Policy) -> Vec<Shape> {
    let own = Shape::of(policy);
    let mut keepalives: Vec<Option<Dur>> = vec![None];
    keepalives.extend(KEEPALIVE_INTERVALS.iter().copied().map(Some));
    keepalives.push(own.keepalive);
    keepalives.sort();
    keepalives.dedup();
    let mut warnings = vec![None];
    for on_response in [OnResponse::Dismiss, OnResponse::Extend] {
        for resets_on in [ResetsOn::Requests, ResetsOn::RequestsAndActivity] {
            warnings.push(Some((on_response, resets_on)));
        }
    }
    let mut out = Vec::new();
    for &keepalive in &keepalives {
        for &warning in &warnings {
            for preserve_drafts in [false, true] {
                out.push(Shape {
                    keepalive,
                    warning,
                    preserve_drafts,
                    ..own
                });
            }
        }
    }
    out
}

/// The structure's representative durations: the longest idle timeout on
/// the grid that passes (longer idle is what usually spares people), the
/// overall limit as absolute timeout, remember-me cut to the idle limit, and
/// a warning lead that leaves the idle timeout room. `None` if none passes.
fn anchor(base: &Policy, standard: Standard, limits: Limits) -> Option<Policy> {
    let mut p = base.clone();
    p.remember_me = p.remember_me.map(|r| r.min(limits.idle));
    if let Some(overall) = limits.overall {
        let room = overall.0.saturating_sub(p.remember_me.map_or(0, |r| r.0));
        p.absolute_timeout = (room > 0).then_some(Dur(room));
    }
    let lead = base.warning.map(|w| w.lead);
    let mut idles = grid(Dur::mins(1).min(limits.idle), limits.idle, 15);
    idles.reverse();
    idles.into_iter().find_map(|idle| {
        p.idle_timeout = Some(idle);
        if let (Some(w), Some(lead)) = (p.warning.as_mut(), lead) {
            w.lead = lead
                .min(readable(Dur(idle.0 / 3)))
                .max(ANSWER_TIME.min(Dur(idle.0 / 2)));
        }
        (p.problems().is_empty() && check(&p, standard).pass).then(|| p.clone())
    })
}

// ----- durations ------------------------------------------------------------------

/// One searched duration field: its candidate values (`None`: switched off).
#[derive(Clone, Debug)]
struct Field {
    param: Param,
    candidates: Vec<Option<Dur>>,
}

/// One combination of values, one per searched field.
type Setting = Vec<Option<Dur>>;

/// The duration fields a standard constrains, with candidate values in its limits:
/// - `idle_timeout`, from 1 min (or less, if the limit is lower) to the limit;
/// - `absolute_timeout` when the standard bounds the overall session, from
///   1 h (or less) to that limit; otherwise it stays as it is;
/// - `remember_me`, if the policy has it: off, or up to the smaller of its
///   value and the idle limit (a longer one always fails);
/// - `warning.lead`, if the policy has a warning: from 20 s (WCAG's minimum
///   time to answer, or the current lead if shorter) to the current lead.
///
/// Keepalive intervals are structure (a few are tried); CSRF limits stay.
fn search_fields(policy: &Policy, limits: Limits) -> Vec<Field> {
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
        ranges.push((Param::WarningLead, ANSWER_TIME.min(w.lead), w.lead, false));
    }
    let per_field = GRID_BUDGET.powf(1.0 / ranges.len() as f64).floor() as usize;
    let per_field = per_field.clamp(3, 8);
    ranges
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
        .collect()
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

/// `base` with the setting's values (not checked).
fn with_setting(base: &Policy, fields: &[Field], setting: &Setting) -> Option<Policy> {
    let mut p = base.clone();
    for (f, value) in fields.iter().zip(setting) {
        match (value, f.param) {
            (Some(v), param) => param.set(&mut p, *v).ok()?,
            (None, Param::RememberMe) => p.remember_me = None,
            (None, Param::AbsoluteTimeout) => p.absolute_timeout = None,
            (None, _) => return None,
        }
    }
    Some(p)
}

// ----- the search -----------------------------------------------------------------

struct Search<'a> {
    standard: Standard,
    trace: &'a Trace,
    cfg: SimConfig,
    progress: &'a Progress,
    /// Every policy tried, its name blanked.
    runs: HashMap<Policy, Tried>,
}

/// What became of a policy tried.
#[derive(Clone, Debug)]
enum Tried {
    /// Invalid, or fails the standard: not run.
    Fails,
    /// Stopped once its disruption passed the limit of its batch.
    Over,
    Ran(Box<Found>),
}

impl Tried {
    fn found(&self) -> Option<&Found> {
        match self {
            Tried::Ran(f) => Some(f),
            _ => None,
        }
    }
}

/// The policy as a key: its name does not change what it does.
fn key(p: &Policy) -> Policy {
    let mut k = p.clone();
    k.name.clear();
    k
}

/// Lower is better; equal scores go to the shorter, simpler name, then to
/// the RON text, so the answer never depends on thread timing.
fn rank(f: &Found) -> (u64, u64, usize, String) {
    let (d, u) = f.score();
    let name = describe(&f.policy);
    (d, u, name.len(), name)
}

impl Search<'_> {
    fn run(&self, policy: &Policy) -> Option<Found> {
        run_policy_with(
            self.trace,
            policy,
            &self.cfg,
            RunOptions::TOTALS,
            self.progress,
        )
        .map(|r| found(policy, r))
    }

    /// Runs `keep` accepts beyond this disruption cannot be the best of
    /// them or a near-tie: their best so far plus the near-tie slack.
    /// `None` before any of them ran.
    fn limit(&self, keep: impl Fn(&Policy) -> bool) -> Option<u64> {
        self.best(keep).map(|f| {
            let d = f.score().0;
            d + slack(d)
        })
    }

    /// Runs the compliant policies not tried yet, in parallel, each stopped
    /// once its disruption passes `limit` (fixed for the batch, so the answer
    /// never depends on thread timing); false when cancelled.
    fn evaluate(&mut self, policies: Vec<Policy>, limit: Option<u64>) -> bool {
        let mut fresh: Vec<Policy> = policies
            .iter()
            .map(key)
            .filter(|k| !self.runs.contains_key(k))
            .collect();
        fresh.sort_by_key(describe);
        fresh.dedup();
        let results: Option<Vec<(Policy, Tried)>> = fresh
            .into_par_iter()
            .map(|p| {
                if !p.problems().iter().all(|(path, _)| is_name(path))
                    || !check(&p, self.standard).pass
                {
                    return Some((p, Tried::Fails));
                }
                let tried = match limit {
                    None => Tried::Ran(Box::new(self.run(&p)?)),
                    Some(limit) => match run_policy_within(
                        self.trace,
                        &p,
                        &self.cfg,
                        self.progress,
                        disruption,
                        limit,
                    ) {
                        Bounded::Done(r) => Tried::Ran(Box::new(found(&p, *r))),
                        Bounded::Over(_) => Tried::Over,
                        Bounded::Cancelled => return None,
                    },
                };
                Some((p, tried))
            })
            .collect();
        match results {
            Some(results) => {
                self.runs.extend(results);
                true
            }
            None => false,
        }
    }

    /// The best compliant run among those `keep` accepts.
    fn best(&self, keep: impl Fn(&Policy) -> bool) -> Option<Found> {
        self.runs
            .values()
            .filter_map(Tried::found)
            .filter(|f| keep(&f.policy))
            .min_by_key(|f| rank(f))
            .cloned()
    }

    /// The structures of the `n` best runs so far, best first.
    fn top_shapes(&self, n: usize) -> Vec<Shape> {
        let mut found: Vec<&Found> = self.runs.values().filter_map(Tried::found).collect();
        found.sort_by_cached_key(|f| rank(f));
        let mut out: Vec<Shape> = Vec::new();
        for f in found {
            let s = Shape::of(&f.policy);
            if !out.contains(&s) {
                out.push(s);
                if out.len() == n {
                    break;
                }
            }
        }
        out
    }

    fn shapes_tried(&self) -> usize {
        let mut shapes: Vec<Shape> = self.runs.keys().map(Shape::of).collect();
        shapes.sort_by_key(|s| format!("{s:?}"));
        shapes.dedup();
        shapes.len()
    }

    /// The best compliant durations of `base`'s structure: a coarse grid
    /// (with `base`'s own values and `base` itself), then refinement around
    /// the best. `Some(None)`: no setting passes; `None`: cancelled.
    fn durations(&mut self, base: &Policy, fields: &[Field]) -> Option<Option<Found>> {
        let mut fields = fields.to_vec();
        let shape = Shape::of(base);
        let mut first: Vec<Policy> = cartesian(&fields)
            .iter()
            .filter_map(|s| with_setting(base, &fields, s))
            .collect();
        first.push(base.clone());
        // Within a structure, runs far behind its own best stop early.
        let of_shape = |p: &Policy| Shape::of(p) == shape;
        if !self.evaluate(first, self.limit(of_shape)) {
            return None;
        }
        for _ in 0..REFINE_ROUNDS {
            let Some(best) = self.best(of_shape) else {
                break;
            };
            let next = refinements(&mut fields, &best.policy);
            if next.is_empty() {
                break;
            }
            if !self.evaluate(next, self.limit(of_shape)) {
                return None;
            }
        }
        Some(self.best(of_shape))
    }

    /// How `best` differs in structure from `current`, each difference with
    /// what `best` does without it (run to the end, in parallel); the
    /// difference whose absence costs most first. `None` when cancelled.
    fn changes(&self, current: &Policy, best: &Policy, limits: Limits) -> Option<Vec<Change>> {
        let choices: Vec<Choice> = Choice::ALL
            .into_iter()
            .filter(|c| c.differs(current, best))
            .collect();
        let mut out = choices
            .into_par_iter()
            .map(|choice| {
                let reverted = choice.revert(best, current);
                let compliant = (reverted.problems().is_empty()
                    && check(&reverted, self.standard).pass)
                    .then(|| reverted.clone())
                    .or_else(|| anchor(&reverted, self.standard, limits));
                let without = match compliant {
                    Some(mut p) => {
                        p.name = describe(&p);
                        Without::Found(Box::new(self.run(&p)?))
                    }
                    None => Without::Nothing,
                };
                Some(Change {
                    choice,
                    from: choice.words(current),
                    to: choice.words(best),
                    without,
                })
            })
            .collect::<Option<Vec<Change>>>()?;
        out.sort_by_key(|c| std::cmp::Reverse(c.without.cost()));
        Some(out)
    }

    /// The best run of every other structure within [`NEAR_TIE`] of `best`.
    fn near_ties(&self, best: &Policy) -> Vec<Found> {
        let Some(top) = self.runs.get(&key(best)).and_then(Tried::found) else {
            return Vec::new();
        };
        let (d, _) = top.score();
        let best_shape = Shape::of(best);
        let mut per_shape: HashMap<Shape, Found> = HashMap::new();
        for f in self.runs.values().filter_map(Tried::found) {
            let s = Shape::of(&f.policy);
            if s == best_shape || f.score().0 > d + slack(d) {
                continue;
            }
            match per_shape.get(&s) {
                Some(g) if rank(g) <= rank(f) => {}
                _ => {
                    per_shape.insert(s, f.clone());
                }
            }
        }
        let mut out: Vec<Found> = per_shape.into_values().collect();
        out.sort_by_cached_key(rank);
        for f in &mut out {
            f.policy.name = describe(&f.policy);
        }
        out
    }

    /// Why no setting of the policy's own durations passes.
    fn no_answer(&self, policy: &Policy, limits: Limits) -> String {
        let fields = search_fields(policy, limits);
        let names: Vec<&str> = fields.iter().map(|f| f.param.name()).collect();
        let lowest: Setting = fields
            .iter()
            .map(|f| f.candidates.iter().flatten().next().copied())
            .collect();
        let mut p = policy.clone();
        for (f, v) in fields.iter().zip(&lowest) {
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

/// The near-tie slack above a disruption of `d`: [`NEAR_TIE`] of it, at least 1.
fn slack(d: u64) -> u64 {
    ((d as f64 * NEAR_TIE).round() as u64).max(1)
}

fn found(policy: &Policy, run: crate::engine::PolicyRun) -> Found {
    Found {
        policy: policy.clone(),
        metrics: run.metrics,
        affected: run.affected,
    }
}

/// A blanked name is the key's doing, not a problem of the policy.
fn is_name(path: &[crate::model::locate::Seg]) -> bool {
    matches!(path, [crate::model::locate::Seg::Field("name")])
}

/// For each field, the midpoints between `best`'s value and its nearest
/// tried neighbours, the other fields held at `best`'s.
fn refinements(fields: &mut [Field], best: &Policy) -> Vec<Policy> {
    let mut out = Vec::new();
    for field in fields.iter_mut() {
        let Some(value) = field.param.get(best) else {
            continue;
        };
        let values: Vec<Dur> = field.candidates.iter().flatten().copied().collect();
        let Some(pos) = values.iter().position(|&v| v == value) else {
            continue;
        };
        for n in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
            let Some(&other) = values.get(n) else {
                continue;
            };
            let mid = readable(Dur((value.0 + other.0) / 2));
            if mid == value || mid == other || field.candidates.contains(&Some(mid)) {
                continue;
            }
            field.candidates.push(Some(mid));
            if let Ok(p) = field.param.with(best, mid) {
                out.push(p);
            }
        }
        field.candidates.sort();
    }
    out
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

    #[test]
    fn structures_cover_keepalive_warning_and_drafts() {
        let shapes = main_shapes(&Policy::named("p"));
        // none, 1m, 2m, 5m × none and four warnings × drafts or not.
        assert_eq!(shapes.len(), 4 * 5 * 2);
        let timer = Shape::of(&Policy::named("p")).timer_variants();
        // No warning: only Redirect brings a timer (4 clock/sync pairs).
        assert_eq!(timer.len(), 1 + 4);
    }
}
