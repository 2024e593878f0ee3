//! The command line: a thin layer over the library, like the GUI. This file
//! holds the arguments every command shares, the list of commands, and how a
//! [`Failure`] becomes an exit status; each group of commands has its file.

mod analysis;
mod gui;
mod import;
mod report;
mod run;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::fsio::write_to;
use crate::model::limits::{Limits, set_limits};
use crate::model::{Diagnostic, Diagnostics};

pub use analysis::{CheckArgs, ExportArgs, RecommendArgs, SweepArgs};
pub use import::ImportArgs;
pub use run::{DrawArgs, Format, RunArgs};

/// Lapse replays user activity against session-timeout policies and counts
/// the logouts, warnings and lost work each one causes.
#[derive(Debug, Parser)]
#[command(name = "lapse", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Resource limits (see docs/robustness.md); every command takes them.
#[derive(Debug, Args)]
#[command(next_help_heading = "Resource limits")]
pub struct LimitArgs {
    /// Most users in a generated population.
    #[arg(long, global = true, value_name = "N", default_value_t = Limits::DEFAULT.max_users)]
    pub max_users: u64,
    /// Most events in a generated trace.
    #[arg(long, global = true, value_name = "N", default_value_t = Limits::DEFAULT.max_events)]
    pub max_events: u64,
    /// Most time-series buckets (horizon / bucket).
    #[arg(long, global = true, value_name = "N", default_value_t = Limits::DEFAULT.max_buckets)]
    pub max_buckets: u64,
    /// Largest scenario file, in bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_file_bytes)]
    pub max_file_size: u64,
    /// Longest line of a trace CSV or an access log, in bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_line_bytes)]
    pub max_line_length: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_users: self.max_users,
            max_events: self.max_events,
            max_buckets: self.max_buckets,
            max_file_bytes: self.max_file_size,
            max_line_bytes: self.max_line_length,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay a scenario's users against its policies and print the metrics.
    Run(RunArgs),
    /// Check a scenario file and the trace it points at; print `ok` or each problem.
    Validate {
        /// The scenario file (.ron).
        scenario: PathBuf,
    },
    /// Measure the engine's speed and memory on this machine.
    Bench {
        /// Users in the benchmark population.
        #[arg(long, default_value_t = 1000)]
        users: usize,
        /// Days in the benchmark population.
        #[arg(long, default_value_t = 5)]
        days: u64,
        /// Runs of each measurement (the best is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Turn web-server access logs into a trace and summarise the idle gaps.
    Import(Box<ImportArgs>),
    /// Generate the scenario's population from its profiles; write the trace as CSV.
    Generate {
        /// The scenario file (.ron) with `population: Generated([...])`.
        scenario: PathBuf,
        /// Write the trace to this file instead of standard output.
        #[arg(long, value_name = "CSV")]
        out: Option<PathBuf>,
    },
    /// Run one policy at evenly spaced values of one duration field.
    Sweep(SweepArgs),
    /// Check each policy against PCI DSS, NIST, OWASP, WCAG and HIPAA session rules.
    Check(CheckArgs),
    /// Print a policy as a framework's settings plus a client script.
    Export(ExportArgs),
    /// Search a policy's durations for the least disruptive settings passing a standard.
    Recommend(RecommendArgs),
    /// Write a report a team can send (HTML or Markdown): the answer, plots, verdicts, settings.
    Report(crate::report::document::ReportArgs),
    /// Open the window (what bare `lapse` does), on FILE if given.
    Gui {
        /// A scenario file (.ron) to open.
        file: Option<PathBuf>,
    },
}

/// Why a command failed: the user's input (exit 2) or Lapse itself (exit 1).
#[derive(Debug)]
pub enum Failure {
    Input(Diagnostics),
    Internal(anyhow::Error),
    /// The command ran, but a requirement the user set is not met (exit 3),
    /// e.g. `lapse check --must pci-dss` on a failing policy.
    Unmet(String),
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Input(d)
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure::Input(d.into())
    }
}

/// Parses the arguments and runs the command; returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0), misuse to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run_command(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(problems)) => {
            for p in problems.iter() {
                eprintln!("error: {p}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Internal(e)) => {
            eprintln!("internal error: {e:#}");
            ExitCode::from(1)
        }
        Err(Failure::Unmet(message)) => {
            eprintln!("{message}");
            ExitCode::from(3)
        }
    }
}

fn run_command(cli: Cli) -> Result<(), Failure> {
    set_limits(cli.limits.limits());
    match cli.command {
        None => gui::gui(None),
        Some(Command::Gui { file }) => gui::gui(file),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Validate { scenario }) => run::validate(&scenario),
        Some(Command::Bench { users, days, runs }) => {
            println!("{}", crate::bench::run_bench(users, days, runs)?);
            Ok(())
        }
        Some(Command::Import(args)) => Ok(import::run(&args)?),
        Some(Command::Generate { scenario, out }) => run::generate(&scenario, out.as_deref()),
        Some(Command::Sweep(args)) => analysis::sweep(&args),
        Some(Command::Check(args)) => analysis::check(&args),
        Some(Command::Export(args)) => analysis::export(&args),
        Some(Command::Recommend(args)) => analysis::recommend(&args),
        Some(Command::Report(args)) => report::report(&args),
    }
}

/// Writes `text` to `out` atomically, or to standard output.
fn emit(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    write_to(out, |w| w.write_all(text.as_bytes()))?;
    Ok(())
}
