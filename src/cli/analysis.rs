//! The analysis commands: `sweep`, `check`, `export` and `recommend`.
//! Arguments, then a short function each that loads the input, calls the
//! library and formats its data through [`crate::report`].

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::run::DrawArgs;
use super::{Failure, emit};
use crate::analysis::compliance::script_differences;
use crate::analysis::replicates::{run_sweep_replicates, sweep_intervals};
use crate::analysis::{
    Draws, Param, Standard, StepVerdicts, Sweep, SweepSpec, Target, check_all, client_warnings,
    disruption, paired_policies, run_sweep,
};
use crate::model::{Diagnostic, Dur, Policy, Scenario, ScenarioFile, Trace};
use crate::report::json::json_text;
use crate::report::replicates::{beyond_noise_text, replicated_sweep_csv, replicated_sweep_json};
use crate::report::table::{check_text, recommend_text};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (.ron).
    pub scenario: PathBuf,
    /// The policy to sweep [default: the scenario's only policy].
    #[arg(long)]
    pub policy: Option<String>,
    /// The duration field: idle_timeout, absolute_timeout, warning.lead,
    /// keepalive.interval, csrf.time_limit or remember_me.
    #[arg(long)]
    pub param: Param,
    /// The first value (e.g. 5m).
    #[arg(long)]
    pub from: Dur,
    /// The last value (e.g. 4h); included.
    #[arg(long)]
    pub to: Dur,
    /// How many evenly spaced values, both ends included.
    #[arg(long, default_value_t = 48)]
    pub steps: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SweepFormat::Csv)]
    pub format: SweepFormat,
    /// Write the output to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A trace (canonical CSV) to use instead of the scenario's population.
    #[arg(long, value_name = "CSV")]
    pub trace: Option<PathBuf>,
    /// Also give each step `lapse check`'s verdict for this standard (a
    /// `pass`/`FAIL` column named after it; may be repeated).
    #[arg(long, value_name = "STANDARD")]
    pub standard: Vec<Standard>,
    #[command(flatten)]
    pub draws: DrawArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SweepFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (.ron). Only its policies are read, not its population.
    pub scenario: PathBuf,
    /// Check only this policy [default: every policy].
    #[arg(long)]
    pub policy: Option<String>,
    /// Exit with status 3 when a checked policy fails this standard
    /// (repeatable): pci-dss, nist-aal2, nist-aal3, owasp-high, owasp-low,
    /// wcag-2.2.1, wcag-2.2.5, wcag-2.2.6 or hipaa.
    #[arg(long, value_name = "STANDARD", value_parser = any_standard)]
    pub must: Vec<Standard>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The scenario file (.ron). Only its policies are read.
    pub scenario: PathBuf,
    /// The policy to export [default: the scenario's only policy].
    #[arg(long)]
    pub policy: Option<String>,
    /// The framework: flask, django, express, spring or aspnet.
    #[arg(long)]
    pub target: Target,
    /// Print only the server settings or only the client script.
    #[arg(long, value_enum)]
    pub only: Option<ExportPart>,
    /// Write the output to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportPart {
    Server,
    Client,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// The scenario file (.ron).
    pub scenario: PathBuf,
    /// The policy to start from [default: the scenario's only policy].
    #[arg(long)]
    pub policy: Option<String>,
    /// The standard to pass: pci-dss, nist-aal2, nist-aal3, owasp-high or owasp-low.
    #[arg(long, value_name = "STANDARD", value_parser = bounding_standard)]
    pub must: Standard,
    /// A trace (canonical CSV) to use instead of the scenario's population.
    #[arg(long, value_name = "CSV")]
    pub trace: Option<PathBuf>,
    #[command(flatten)]
    pub draws: DrawArgs,
}

/// `check --must`: exactly one of the standards' names as `check` prints
/// them (the list in its help), no other spelling.
fn any_standard(text: &str) -> Result<Standard, String> {
    let ids: Vec<&str> = Standard::ALL.iter().map(|s| s.id()).collect();
    Standard::ALL
        .into_iter()
        .find(|s| s.id() == text)
        .ok_or_else(|| {
            format!(
                "unknown standard {text:?}: expected one of {}",
                ids.join(", ")
            )
        })
}

/// `recommend --must`: one of the standards that bound durations, the ones
/// its help lists.
fn bounding_standard(text: &str) -> Result<Standard, String> {
    let bounding: Vec<Standard> = Standard::ALL
        .into_iter()
        .filter(|s| s.limits().is_some())
        .collect();
    let names: Vec<&str> = bounding.iter().map(|s| s.id()).collect();
    let (last, first) = names.split_last().unwrap_or((&"", &[]));
    let list = format!("{} or {last}", first.join(", "));
    match bounding.iter().find(|s| s.id() == text) {
        Some(&s) => Ok(s),
        None if Standard::ALL.iter().any(|s| s.id() == text) => Err(format!(
            "recommend takes a standard that bounds durations: {list} ({text} sets none)"
        )),
        None => Err(format!(
            "unknown standard {text:?}: recommend takes a standard that bounds durations: {list}"
        )),
    }
}

/// The policy named `name`, or the scenario's only one.
pub fn pick_policy<'a>(file: &'a ScenarioFile, name: Option<&str>) -> Result<&'a Policy, Failure> {
    let names = || {
        file.scenario
            .policies
            .iter()
            .map(|p| format!("{:?}", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let problem = |message: String| -> Failure {
        let mut d = Diagnostic::new(message);
        d.file = file.path.clone();
        d.into()
    };
    match name {
        Some(name) => file.scenario.policy(name).ok_or_else(|| {
            problem(format!(
                "no policy named {name:?}; the scenario has {}",
                names()
            ))
        }),
        None => match file.scenario.policies.as_slice() {
            [only] => Ok(only),
            _ => Err(problem(format!(
                "the scenario has several policies ({}); choose one with --policy",
                names()
            ))),
        },
    }
}

fn load_trace(file: &ScenarioFile, trace: Option<&Path>) -> Result<Trace, Failure> {
    Ok(match trace {
        Some(path) => Trace::load(path)?,
        None => file.load_population()?,
    })
}

// ----- sweep -----------------------------------------------------------------------

pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let file = Scenario::load(&args.scenario)?;
    let policy = pick_policy(&file, args.policy.as_deref())?;
    let spec = SweepSpec {
        param: args.param,
        from: args.from,
        to: args.to,
        steps: args.steps,
    };
    // Check the flags before the (possibly long) trace load.
    spec.values()
        .map_err(|e| Failure::from(Diagnostic::new(e)))?;
    let trace = load_trace(&file, args.trace.as_deref())?;
    let replicates = args.draws.count(&file.scenario);
    if replicates > 1 && !args.standard.is_empty() {
        return Err(Diagnostic::new(
            "--standard gives one verdict per step and is not combined with --replicates; run the sweep once with each",
        )
        .into());
    }
    if replicates > 1 {
        return sweep_replicates(args, &file, &trace, policy, &spec, replicates);
    }
    let result = run_sweep(&file.scenario, &trace, policy, &spec)
        .map_err(|e| Failure::from(Diagnostic::new(e)))?;
    if result.ran().next().is_none() {
        let reason = result.skipped().next().map(|(_, r)| r).unwrap_or("");
        return Err(Diagnostic::new(format!(
            "every step of the sweep makes policy {:?} invalid, e.g. {reason}",
            policy.name
        ))
        .into());
    }
    let text = match args.format {
        SweepFormat::Csv => {
            let checks: Vec<StepVerdicts> = args
                .standard
                .iter()
                .map(|&st| StepVerdicts::new(policy, &result, st))
                .collect();
            result.to_csv_checked(&checks)
        }
        SweepFormat::Json => json(&result.to_json_checked(policy, &args.standard))?,
    };
    emit(args.out.as_deref(), &text)?;
    note_skipped(&result);
    Ok(())
}

/// `lapse sweep --replicates N`: the sweep on every replicate, each step's
/// metrics as intervals.
fn sweep_replicates(
    args: &SweepArgs,
    file: &ScenarioFile,
    trace: &Trace,
    policy: &Policy,
    spec: &SweepSpec,
    replicates: usize,
) -> Result<(), Failure> {
    let draws = Draws::of(&file.scenario, args.trace.is_some());
    let sweeps = run_sweep_replicates(&file.scenario, trace, draws, policy, spec, replicates)
        .map_err(|e| Failure::from(Diagnostic::new(e)))?;
    let Some(first) = sweeps.first() else {
        return Err(Failure::Internal(anyhow::anyhow!("no replicate ran")));
    };
    let intervals = sweep_intervals(draws.method(), &sweeps);
    let text = match args.format {
        SweepFormat::Csv => replicated_sweep_csv(first, &intervals),
        SweepFormat::Json => json(&replicated_sweep_json(
            first,
            &intervals,
            draws.method(),
            replicates,
        ))?,
    };
    emit(args.out.as_deref(), &text)?;
    note_skipped(first);
    Ok(())
}

/// Skipped steps are in the output; a note on standard error says so too.
fn note_skipped(result: &Sweep) {
    let skipped: Vec<(Dur, &str)> = result.skipped().collect();
    if let (Some((first, reason)), Some((last, _))) = (skipped.first(), skipped.last()) {
        let values = if first == last {
            first.to_string()
        } else {
            format!("{first} to {last}")
        };
        eprintln!(
            "note: {} of {} steps skipped ({values}): {reason}",
            skipped.len(),
            result.steps.len(),
        );
    }
}

fn json(value: &serde_json::Value) -> Result<String, Failure> {
    json_text(value).map_err(|e| Failure::Internal(e.into()))
}

// ----- check -----------------------------------------------------------------------

pub fn check(args: &CheckArgs) -> Result<(), Failure> {
    let file = Scenario::load(&args.scenario)?;
    let policies: Vec<&Policy> = match &args.policy {
        Some(_) => vec![pick_policy(&file, args.policy.as_deref())?],
        None => file.scenario.policies.iter().collect(),
    };
    let text = match args.format {
        CheckFormat::Text => check_text(&file.scenario.name, &policies),
        CheckFormat::Json => {
            let value = serde_json::json!({
                "scenario": file.scenario.name,
                "policies": policies.iter().map(|p| serde_json::json!({
                    "name": p.name,
                    "verdicts": check_all(p),
                    "warnings": client_warnings(p),
                    "script_differs": script_differences(p),
                })).collect::<Vec<_>>(),
            });
            json(&value)?
        }
    };
    emit(None, &text)?;
    let unmet: Vec<String> = policies
        .iter()
        .flat_map(|p| {
            check_all(p)
                .into_iter()
                .filter(|v| !v.pass && args.must.contains(&v.standard))
                .map(|v| format!("policy {:?} fails {}", p.name, v.standard))
        })
        .collect();
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(Failure::Unmet(unmet.join("\n")))
    }
}

// ----- export ----------------------------------------------------------------------

pub fn export(args: &ExportArgs) -> Result<(), Failure> {
    let file = Scenario::load(&args.scenario)?;
    let policy = pick_policy(&file, args.policy.as_deref())?;
    let exported = crate::analysis::export(policy, args.target);
    let text = match args.only {
        Some(ExportPart::Server) => exported.server,
        Some(ExportPart::Client) => exported.client,
        None => exported.to_text(),
    };
    emit(args.out.as_deref(), &text)
}

// ----- recommend -------------------------------------------------------------------

pub fn recommend(args: &RecommendArgs) -> Result<(), Failure> {
    let file = Scenario::load(&args.scenario)?;
    let policy = pick_policy(&file, args.policy.as_deref())?;
    if args.must.limits().is_none() {
        return Err(Diagnostic::new(format!(
            "--must {}: recommend takes a standard that bounds durations: pci-dss, nist-aal2, nist-aal3, owasp-high or owasp-low",
            args.must
        ))
        .into());
    }
    let trace = load_trace(&file, args.trace.as_deref())?;
    let found = crate::analysis::recommend(&file.scenario, &trace, policy, args.must)
        .map_err(|e| Failure::from(Diagnostic::new(e)))?;
    let mut text = recommend_text(&found);
    let replicates = args.draws.count(&file.scenario);
    if replicates > 1 {
        let draws = Draws::of(&file.scenario, args.trace.is_some());
        let pair = paired_policies(
            &file.scenario,
            &trace,
            draws,
            &found.current,
            &found.best,
            replicates,
        )
        .map_err(|e| e.located(&file))?;
        let d = pair.paired_by(0, 1, |m| disruption(m) as f64);
        text.push_str(&beyond_noise_text(&d));
    }
    emit(None, &text)
}
