//! `lapse run`, `lapse validate` and `lapse generate`: a scenario and its
//! population, simulated, checked or written out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{Failure, emit};
use crate::engine::{RunOptions, run_scenario};
use crate::fsio::write_to;
use crate::model::{Scenario, Trace};
use crate::report;

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
    let result = run_scenario(&file.scenario, &trace, RunOptions::TOTALS);
    let format = args.format.unwrap_or_else(|| {
        if args.out.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    });
    let text = match format {
        Format::Json => report::json::run_json(&result).map_err(|e| Failure::Internal(e.into()))?,
        Format::Csv => report::csv::run_csv(&result),
        Format::Table => report::table::run_table_over(&result, Some(file.scenario.horizon.0)),
    };
    emit(args.out.as_deref(), &text)
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
