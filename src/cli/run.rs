//! `lapse run`, `lapse validate` and `lapse generate`: a scenario and its
//! population, simulated, checked or written out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{Failure, emit};
use crate::analysis::{ReplicateSpec, run_replicated};
use crate::engine::{Progress, RunOptions, run_scenario};
use crate::fsio::write_to;
use crate::model::scenario::MAX_REPLICATES;
use crate::model::{Diagnostic, Fraction, Scenario, ScenarioFile, Trace};
use crate::report;
use crate::report::replicates;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (.ron).
    pub scenario: PathBuf,
    /// A trace (canonical CSV) to use instead of the scenario's population.
    #[arg(long, value_name = "CSV")]
    pub trace: Option<PathBuf>,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub draws: DrawArgs,
    /// Replay this share of the users (0 < FRACTION <= 1) and scale the
    /// totals up to everyone, with their 95 % interval.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction)]
    pub sample_users: Option<f64>,
    /// The policy the others are compared with [default: the first].
    #[arg(long, value_name = "POLICY")]
    pub baseline: Option<String>,
}

/// `--replicates`, shared by `run`, `sweep` and `recommend`.
#[derive(Debug, Args)]
pub struct DrawArgs {
    /// Run N draws of the population (generated again, or a trace's users
    /// resampled) and give every number its 95 % interval [default: the
    /// scenario's `replicates`, else 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_REPLICATES as i64))]
    pub replicates: Option<u32>,
}

impl DrawArgs {
    /// The replicates to run: the flag, else the scenario's.
    pub fn count(&self, scenario: &Scenario) -> usize {
        self.replicates.unwrap_or(scenario.replicates).max(1) as usize
    }
}

/// A share of users: a number above 0 and at most 1.
fn parse_fraction(text: &str) -> Result<f64, String> {
    let f: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number (0.01 replays 1 % of the users)"))?;
    if Fraction(f).is_valid() {
        Ok(f)
    } else {
        Err(format!(
            "{text} must be above 0 and at most 1 (0.01 replays 1 % of the users)"
        ))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Table,
}

pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let file = Scenario::load(&args.scenario)?;
    let trace = match &args.trace {
        Some(path) => Trace::load(path)?,
        None => file.load_population()?,
    };
    let format = args.format.unwrap_or_else(|| {
        if args.out.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    });
    let spec = replicate_spec(args, &file)?;
    let baseline = baseline_index(&file, args.baseline.as_deref())?;
    if spec.is_plain() {
        let result = run_scenario(&file.scenario, &trace, RunOptions::TOTALS);
        let text = match format {
            Format::Json => {
                report::json::run_json(&result).map_err(|e| Failure::Internal(e.into()))?
            }
            Format::Csv => report::csv::run_csv(&result),
            Format::Table => report::table::run_table_over(&result, Some(file.scenario.horizon.0)),
        };
        return emit(args.out.as_deref(), &text);
    }
    let replicated = run_replicated(
        &file.scenario,
        &trace,
        &spec,
        RunOptions::TOTALS,
        &Progress::default(),
    )
    .map_err(|e| e.located(&file))?
    .ok_or_else(|| Failure::Internal(anyhow::anyhow!("a run nobody cancels was cancelled")))?;
    let differences = replicated.differences(baseline);
    let text = match format {
        Format::Json => replicates::replicated_json(&replicated, &differences)
            .map_err(|e| Failure::Internal(e.into()))?,
        Format::Csv => replicates::replicated_csv(&replicated),
        Format::Table => replicates::replicated_table(&replicated, &differences),
    };
    emit(args.out.as_deref(), &text)
}

/// The scenario's replicates and sample, overridden by the flags.
fn replicate_spec(args: &RunArgs, file: &ScenarioFile) -> Result<ReplicateSpec, Failure> {
    let mut spec = ReplicateSpec::of(&file.scenario, args.trace.is_some());
    spec.replicates = args.draws.count(&file.scenario);
    if args.sample_users.is_some() {
        spec.sample = args.sample_users;
    }
    if spec.sample.is_some() && spec.replicates > 1 {
        return Err(Diagnostic::new(
            "--sample-users and --replicates (or the scenario's sample_users and replicates > 1) cannot be combined: a sample's interval comes from its own users; drop one of them",
        )
        .into());
    }
    Ok(spec)
}

/// The position of the baseline policy: the one named, else the first.
pub fn baseline_index(file: &ScenarioFile, name: Option<&str>) -> Result<usize, Failure> {
    let Some(name) = name else {
        return Ok(0);
    };
    let policies = &file.scenario.policies;
    policies.iter().position(|p| p.name == name).ok_or_else(|| {
        let names: Vec<String> = policies.iter().map(|p| format!("{:?}", p.name)).collect();
        let mut d = Diagnostic::new(format!(
            "--baseline {name:?}: no such policy; the scenario has {}",
            names.join(", ")
        ));
        d.file = file.path.clone();
        d.into()
    })
}

pub fn validate(path: &Path) -> Result<(), Failure> {
    let file = Scenario::load(path)?;
    file.load_population()?;
    println!("ok");
    Ok(())
}

pub fn generate(path: &Path, out: Option<&Path>) -> Result<(), Failure> {
    let file = Scenario::load(path)?;
    let trace = crate::generate::generate_file(&file)?;
    write_to(out, |w| trace.write_csv(w))?;
    if let Some(out) = out {
        eprintln!(
            "wrote {} users, {} events to {}",
            trace.num_users(),
            trace.num_events(),
            out.display()
        );
    }
    Ok(())
}
