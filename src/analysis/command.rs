//! The analysis subcommands of the command line: `sweep`, `check`, `export`
//! and `recommend`. Arguments, then a short function each that loads the
//! input, calls the library and formats its data.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::cli::{Failure, emit};
use crate::model::duration::human_ms;
use crate::model::{Diagnostic, Dur, Policy, Scenario, ScenarioFile, Trace};

use super::compliance::{Standard, check_all, client_warnings};
use super::export::{Target, export};
use super::frontier::disruption;
use super::param::Param;
use super::recommend::{Recommendation, recommend};
use super::sweep::{Sweep, SweepSpec, run_sweep};

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
    /// Exit with status 3 when a checked policy fails this standard (repeatable).
    #[arg(long, value_name = "STANDARD")]
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
    #[arg(long, value_name = "STANDARD")]
    pub must: Standard,
    /// A trace (canonical CSV) to use instead of the scenario's population.
    #[arg(long, value_name = "CSV")]
    pub trace: Option<PathBuf>,
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
        SweepFormat::Csv => result.to_csv(),
        SweepFormat::Json => json_text(&result.to_json_value())?,
    };
    emit(args.out.as_deref(), &text)?;
    note_skipped(&result);
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

fn json_text(value: &serde_json::Value) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Failure::Internal(e.into()))?;
    text.push('\n');
    Ok(text)
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
                })).collect::<Vec<_>>(),
            });
            json_text(&value)?
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

/// Per policy, one line a standard: `pass`/`FAIL`, its id, the reason.
pub fn check_text(scenario: &str, policies: &[&Policy]) -> String {
    let mut out = format!("{scenario}: compliance\n");
    for p in policies {
        out.push_str(&format!("\npolicy {:?}\n", p.name));
        for v in check_all(p) {
            let status = if v.pass { "pass" } else { "FAIL" };
            out.push_str(&format!(
                "  {status}  {:<11} {}\n",
                v.standard.id(),
                v.reason
            ));
        }
        for warning in client_warnings(p) {
            out.push_str(&format!("  warning: {warning}\n"));
        }
    }
    out.push_str("\nrules:\n");
    for st in Standard::ALL {
        out.push_str(&format!("  {:<11} {}\n", st.id(), st.title()));
    }
    out
}

// ----- export ----------------------------------------------------------------------

pub fn export_cmd(args: &ExportArgs) -> Result<(), Failure> {
    let file = Scenario::load(&args.scenario)?;
    let policy = pick_policy(&file, args.policy.as_deref())?;
    let exported = export(policy, args.target);
    let text = match args.only {
        Some(ExportPart::Server) => exported.server,
        Some(ExportPart::Client) => exported.client,
        None => exported.to_text(),
    };
    emit(args.out.as_deref(), &text)
}

// ----- recommend -------------------------------------------------------------------

pub fn recommend_cmd(args: &RecommendArgs) -> Result<(), Failure> {
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
    let found = recommend(&file.scenario, &trace, policy, args.must)
        .map_err(|e| Failure::from(Diagnostic::new(e)))?;
    emit(None, &recommend_text(&found))
}

/// The two policies' numbers side by side, their verdicts, then the winner as RON.
pub fn recommend_text(r: &Recommendation) -> String {
    let fields: Vec<&str> = r.searched.iter().map(|p| p.name()).collect();
    let mut out = format!(
        "{} — {}\nsearched {} ({} settings run); minimising logouts_while_present + lost_inputs\n\n",
        r.standard.id(),
        r.standard.title(),
        fields.join(", "),
        r.evaluated
    );
    let mut rows: Vec<[String; 3]> = vec![[
        "".into(),
        format!("current {:?}", r.current.name),
        "recommended".into(),
    ]];
    for p in &r.searched {
        let show = |policy: &Policy| p.get(policy).map_or("None".into(), |d| d.to_string());
        rows.push([p.name().into(), show(&r.current), show(&r.best)]);
    }
    rows.push([
        "logouts_while_present + lost_inputs".into(),
        disruption(&r.current_metrics).to_string(),
        disruption(&r.best_metrics).to_string(),
    ]);
    let a = r.current_metrics.pairs();
    let b = r.best_metrics.pairs();
    for ((name, x), (_, y)) in a.iter().zip(b.iter()) {
        rows.push([name.to_string(), cell(name, *x), cell(name, *y)]);
    }
    let status = |pass: bool| if pass { "pass" } else { "FAIL" };
    rows.push([
        r.standard.id().into(),
        status(r.current_verdict.pass).into(),
        status(r.best_verdict.pass).into(),
    ]);
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    let w2 = rows.iter().map(|r| r[2].chars().count()).max().unwrap_or(0);
    for row in &rows {
        out.push_str(format!("{:<w0$}  {:>w1$}  {:>w2$}", row[0], row[1], row[2]).trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "\ncurrent:     {}\nrecommended: {}\n\n",
        r.current_verdict.reason, r.best_verdict.reason
    ));
    out.push_str(&policy_ron(&r.best));
    out.push('\n');
    out
}

fn cell(name: &str, v: u64) -> String {
    if name.ends_with("_ms") && v > 0 {
        format!("{v} ({})", human_ms(v))
    } else {
        v.to_string()
    }
}

/// A policy as RON, every field written out, ready to paste into a scenario.
pub fn policy_ron(policy: &Policy) -> String {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .indentor("    ".to_string());
    ron::ser::to_string_pretty(policy, config).unwrap_or_else(|e| format!("// {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommended_policies_print_as_loadable_ron() {
        let mut p = Policy::named("x (pci-dss)");
        p.absolute_timeout = Some(Dur::hours(8));
        let text = policy_ron(&p);
        let back: Policy = crate::model::scenario::ron_options()
            .from_str(&text)
            .expect("loads");
        assert_eq!(back, p);
    }

    #[test]
    fn metrics_cells_show_durations() {
        assert_eq!(cell("lost_edit_ms", 90_000), "90000 (1m30s)");
        assert_eq!(cell("logins", 3), "3");
    }
}
