//! The command line: a thin layer over the library, like the GUI.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::{Metrics, RunOptions, ScenarioRun, run_scenario};
use crate::fsio::write_to;
use crate::model::duration::human_ms;
use crate::model::limits::{Limits, set_limits};
use crate::model::{Diagnostic, Diagnostics, Scenario, Trace};

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
    Import(crate::import::command::ImportArgs),
    /// Generate the scenario's population from its profiles; write the trace as CSV.
    Generate {
        /// The scenario file (.ron) with `population: Generated([...])`.
        scenario: PathBuf,
        /// Write the trace to this file instead of standard output.
        #[arg(long, value_name = "CSV")]
        out: Option<PathBuf>,
    },
    /// Run one policy at evenly spaced values of one duration field.
    Sweep(crate::analysis::command::SweepArgs),
    /// Check each policy against PCI DSS, NIST, OWASP, WCAG and HIPAA session rules.
    Check(crate::analysis::command::CheckArgs),
    /// Print a policy as a framework's settings plus a client script.
    Export(crate::analysis::command::ExportArgs),
    /// Search a policy's durations for the least disruptive settings passing a standard.
    Recommend(crate::analysis::command::RecommendArgs),
    /// Write a report a team can send (HTML or Markdown): the answer, plots, verdicts, settings.
    Report(crate::report::document::ReportArgs),
    /// Open the window (what bare `lapse` does), on FILE if given.
    Gui {
        /// A scenario file (.ron) to open.
        file: Option<PathBuf>,
    },
}

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
        None => gui(None),
        Some(Command::Gui { file }) => gui(file),
        Some(Command::Run(args)) => run(&args),
        Some(Command::Validate { scenario }) => validate(&scenario),
        Some(Command::Bench { users, days, runs }) => {
            println!("{}", crate::bench::run_bench(users, days, runs)?);
            Ok(())
        }
        Some(Command::Import(args)) => Ok(crate::import::command::run(&args)?),
        Some(Command::Generate { scenario, out }) => generate(&scenario, out.as_deref()),
        Some(Command::Sweep(args)) => crate::analysis::command::sweep(&args),
        Some(Command::Check(args)) => crate::analysis::command::check(&args),
        Some(Command::Export(args)) => crate::analysis::command::export_cmd(&args),
        Some(Command::Recommend(args)) => crate::analysis::command::recommend_cmd(&args),
        Some(Command::Report(args)) => report(&args),
    }
}

/// Opens the window. A file that does not exist is refused before any window
/// appears; a file that exists but does not load opens with its problems shown.
fn gui(file: Option<PathBuf>) -> Result<(), Failure> {
    if let Some(path) = &file
        && !path.is_file()
    {
        let why = if path.is_dir() {
            "is a directory, not a scenario file"
        } else {
            "no such file"
        };
        return Err(Diagnostic::in_file(path, why).into());
    }
    open_window(file)
}

#[cfg(feature = "gui")]
fn open_window(file: Option<PathBuf>) -> Result<(), Failure> {
    let start = match file {
        Some(path) => crate::app::Start::File(path),
        None => crate::app::Start::Restore,
    };
    crate::app::run(start)
        .map_err(|e| Failure::Internal(anyhow::anyhow!("cannot open the window: {e}")))
}

#[cfg(not(feature = "gui"))]
fn open_window(_file: Option<PathBuf>) -> Result<(), Failure> {
    Err(Failure::Internal(anyhow::anyhow!(
        "this lapse was built without the desktop app (cargo feature `gui`); see `lapse --help` for the commands"
    )))
}

fn run(args: &RunArgs) -> Result<(), Failure> {
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
        Format::Json => to_json(&result)?,
        Format::Csv => to_csv(&result),
        Format::Table => to_table(&result),
    };
    emit(args.out.as_deref(), &text)
}

/// Writes `text` to `out` atomically, or to standard output.
pub fn emit(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    write_to(out, |w| w.write_all(text.as_bytes()))?;
    Ok(())
}

fn report(args: &crate::report::document::ReportArgs) -> Result<(), Failure> {
    let done = crate::report::document::report_command(args)?;
    for path in &done.written {
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "simulation {:.2} s, report {:.2} s",
        done.simulation.as_secs_f64(),
        done.report.as_secs_f64()
    );
    Ok(())
}

fn validate(path: &Path) -> Result<(), Failure> {
    let file = Scenario::load(path)?;
    file.load_population()?;
    println!("ok");
    Ok(())
}

fn generate(path: &Path, out: Option<&Path>) -> Result<(), Failure> {
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

/// The SPEC's JSON: `{"scenario", "users", "policies": [{"name", "metrics"}]}`.
pub fn to_json(result: &ScenarioRun) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(result).map_err(|e| Failure::Internal(e.into()))?;
    text.push('\n');
    Ok(text)
}

/// One row a policy, one column a metric.
pub fn to_csv(result: &ScenarioRun) -> String {
    let mut out = format!("policy,{}\n", Metrics::NAMES.join(","));
    for p in &result.policies {
        let name = if p.name.contains([',', '"', '\n']) {
            format!("\"{}\"", p.name.replace('"', "\"\""))
        } else {
            p.name.clone()
        };
        let values: Vec<String> = p
            .metrics
            .pairs()
            .iter()
            .map(|(_, v)| v.to_string())
            .collect();
        out.push_str(&format!("{name},{}\n", values.join(",")));
    }
    out
}

/// One row a metric, one column a policy; durations also shown readably.
pub fn to_table(result: &ScenarioRun) -> String {
    let cell = |name: &str, v: u64| {
        if name.ends_with("_ms") && v > 0 {
            format!("{v} ({})", human_ms(v))
        } else {
            v.to_string()
        }
    };
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("metric".to_string())
            .chain(result.policies.iter().map(|p| p.name.clone()))
            .collect(),
    ];
    for (i, name) in Metrics::NAMES.iter().enumerate() {
        let mut row = vec![name.to_string()];
        row.extend(
            result
                .policies
                .iter()
                .map(|p| cell(name, p.metrics.pairs()[i].1)),
        );
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let users = match result.users {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
    };
    let mut out = format!("{} — {users}\n", result.scenario);
    for (r, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, text)| {
                if c == 0 {
                    format!("{text:<w$}", w = widths[c])
                } else {
                    format!("{text:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if r == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}
