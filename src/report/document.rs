//! What a report says, gathered once for every layout: the question and the
//! answer, each policy's headline, the verdicts (`lapse check`), the chosen
//! policy's settings (`lapse export`), the population in words, the plots,
//! and the scenario that reproduces it all. [`write_report`] is the one entry
//! point: the command line and the window both call it.

use std::path::{Path, PathBuf};

use crate::analysis::compliance::{Standard, Verdict, check_all};
use crate::analysis::export::{Export, Target, export};
use crate::analysis::frontier::disruption;
use crate::analysis::replicates::MetricIntervals;
use crate::analysis::{ReplicateSpec, Replicated, run_replicated};
use crate::engine::{Metrics, ScenarioRun};
use crate::fsio::write_atomically;
use crate::import::summary::Gaps;
use crate::model::{Diagnostic, EventKind, Population, Scenario, Trace};

use super::plots::{self, Figure};

/// The Lapse that made the report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const DAY_MS: u64 = 86_400_000;

/// The layouts a report comes in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file, plots inline.
    #[default]
    Html,
    /// Markdown for a pull request or a tracker, plots as SVG files beside it.
    Md,
}

impl ReportFormat {
    /// The format a file name asks for: `.md` is Markdown, anything else HTML.
    pub fn for_path(path: &Path) -> ReportFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("md") => ReportFormat::Md,
            _ => ReportFormat::Html,
        }
    }
}

/// What a report is made from: a scenario, its users and its results.
pub struct ReportInput<'a> {
    pub scenario: &'a Scenario,
    /// The scenario's text, embedded so that anyone with Lapse can reproduce it.
    pub source: &'a str,
    /// The scenario's file name, for the command that reproduces the report.
    pub file_name: Option<String>,
    pub trace: &'a Trace,
    /// The trace given instead of the scenario's population (`--trace`).
    pub trace_file: Option<String>,
    /// The results; per-user metrics and series are needed for the plots
    /// (`RunOptions::EVERYTHING`).
    pub run: &'a ScenarioRun,
    /// The policy the reader chose (the window's selection, `--policy`);
    /// `None` lets the report recommend one.
    pub selected: Option<usize>,
    /// Problems the caller knows of (unsaved edits that break a rule, ...).
    pub problems: Vec<String>,
    /// Replicates of `run` (`run` is their replicate 0): the metrics table
    /// then shows means ± half the 95 % interval, and the paired differences
    /// against the first policy sit under the summary.
    pub replicated: Option<&'a Replicated>,
}

/// A piece of running text: words, or a number that came out of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Strong(String),
    /// A command or a setting, as typed.
    Code(String),
    /// A metric of a policy, exactly as `lapse run` reports it.
    Metric {
        policy: usize,
        name: &'static str,
        value: u64,
    },
}

impl Piece {
    /// The text a reader sees.
    pub fn shown(&self) -> String {
        match self {
            Piece::Text(t) | Piece::Strong(t) | Piece::Code(t) => t.clone(),
            Piece::Metric { name, value, .. } => metric_text(name, *value),
        }
    }
}

/// A sentence or paragraph made of pieces.
pub type Rich = Vec<Piece>;

fn text(t: impl Into<String>) -> Piece {
    Piece::Text(t.into())
}

/// One policy's line in the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    pub policy: String,
    pub metrics: Metrics,
    /// Distinct users logged out at least once while present.
    pub people_logged_out: usize,
    /// Distinct users who lost at least one submit or edit.
    pub people_lost_work: usize,
    pub verdicts: Vec<Verdict>,
    /// With replicates: every metric's mean and 95 % interval.
    pub intervals: Option<MetricIntervals>,
}

impl Headline {
    /// A metric's cell in the metrics table: `mean ± half-width` with
    /// replicates, else the count; `None` for a name that is no metric.
    pub fn interval(&self, name: &str) -> Option<crate::analysis::intervals::Interval> {
        self.intervals
            .as_ref()?
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, iv)| *iv)
    }
}

impl Headline {
    pub fn passes(&self) -> usize {
        self.verdicts.iter().filter(|v| v.pass).count()
    }
}

/// Which policy the report names, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub policy: usize,
    /// Chosen by the reader rather than recommended by Lapse.
    pub selected: bool,
}

/// Everything a report shows, ready to lay out.
#[derive(Clone, Debug)]
pub struct Report {
    pub title: String,
    pub version: &'static str,
    /// Said at the top, before anything else.
    pub problems: Vec<String>,
    /// One line under the title: users, days, policies, seed.
    pub summary: String,
    /// With replicates: how many, then the paired-difference sentences
    /// (`lapse run --replicates N`'s), said under the summary.
    pub differences: Vec<String>,
    pub question: String,
    pub answer: Vec<Rich>,
    pub choice: Option<Choice>,
    pub headlines: Vec<Headline>,
    pub figures: Vec<Figure>,
    /// The chosen policy's settings, one per framework (Flask first).
    pub settings: Vec<Export>,
    /// The population and the run, in sentences.
    pub population: Vec<String>,
    /// Horizon, seed and the other run settings: (label, value).
    pub facts: Vec<(String, String)>,
    pub source: String,
    /// The commands that reproduce the report and its numbers.
    pub reproduce: Vec<String>,
}

/// Gathers a report's content (simulation already done: this is layout work).
pub fn gather(input: &ReportInput<'_>) -> Result<Report, String> {
    let ReportInput {
        scenario,
        trace,
        run,
        ..
    } = input;
    let gaps = plots::present_gaps(trace, scenario.horizon.as_ms());
    let headlines: Vec<Headline> = run
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| Headline {
            intervals: input
                .replicated
                .filter(|r| r.has_intervals())
                .map(|r| r.intervals(i)),
            policy: p.name.clone(),
            metrics: p.metrics,
            people_logged_out: p
                .per_user
                .iter()
                .filter(|m| m.logouts_while_present > 0)
                .count(),
            people_lost_work: p
                .per_user
                .iter()
                .filter(|m| m.lost_submits + m.lost_inputs > 0)
                .count(),
            verdicts: scenario
                .policies
                .iter()
                .find(|q| q.name == p.name)
                .map(check_all)
                .unwrap_or_default(),
        })
        .collect();
    let choice = choose(run, input.selected);
    let settings = match &choice {
        Some(c) => scenario
            .policies
            .iter()
            .find(|p| p.name == run.policies[c.policy].name)
            .map(|p| Target::ALL.iter().map(|&t| export(p, t)).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let figures = plots::figures(scenario, trace, run, &gaps)?;
    Ok(Report {
        title: scenario.name.clone(),
        version: VERSION,
        problems: problems(input),
        summary: summary(scenario, run),
        differences: differences(input.replicated),
        question: question(scenario, run),
        answer: answer(scenario, run, &headlines, choice.as_ref()),
        choice,
        headlines,
        figures,
        settings,
        population: population(input, &Gaps::new(gaps)),
        facts: facts(scenario),
        source: input.source.to_string(),
        reproduce: reproduce(input),
    })
}

/// Gathers the report and writes it to `out` (atomically), the plots beside
/// it for Markdown. Returns every file written, the report last.
pub fn write_report(
    input: &ReportInput<'_>,
    format: ReportFormat,
    out: &Path,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let report = gather(input).map_err(|e| Diagnostic::new(format!("cannot draw a plot: {e}")))?;
    let mut written = Vec::new();
    let text = match format {
        ReportFormat::Html => super::html::render(&report),
        ReportFormat::Md => {
            let stem = out
                .file_stem()
                .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
            let mut links = Vec::new();
            for figure in &report.figures {
                let name = format!("{stem}-{}.svg", figure.id);
                let path = out.with_file_name(&name);
                let svg = plots::standalone(figure);
                write_atomically(&path, |w| w.write_all(svg.as_bytes()))?;
                written.push(path);
                links.push(name);
            }
            super::markdown::render(&report, &links)
        }
    };
    write_atomically(out, |w| w.write_all(text.as_bytes()))?;
    written.push(out.to_path_buf());
    Ok(written)
}

/// `lapse report`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The scenario file (.ron).
    pub scenario: PathBuf,
    /// A trace (canonical CSV) to use instead of the scenario's population.
    #[arg(long, value_name = "CSV")]
    pub trace: Option<PathBuf>,
    /// Where to write the report [default: report.html, or report.md].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// html (one self-contained file) or md (plots as SVG files beside it)
    /// [default: from --out's extension, else html].
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// The policy to recommend [default: the one that disrupts people at work least].
    #[arg(long, value_name = "NAME")]
    pub policy: Option<String>,
    /// Run N draws of the population: the metrics table shows each mean ±
    /// half its 95 % interval, the paired differences follow the summary
    /// [default: the scenario's `replicates`, else 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::model::scenario::MAX_REPLICATES as i64))]
    pub replicates: Option<u32>,
}

/// What `lapse report` did, for its closing line.
#[derive(Clone, Debug)]
pub struct ReportDone {
    pub written: Vec<PathBuf>,
    pub simulation: std::time::Duration,
    pub report: std::time::Duration,
}

/// `lapse report`: load, simulate, write. Input problems come back located.
pub fn report_command(args: &ReportArgs) -> Result<ReportDone, crate::model::Diagnostics> {
    let file = Scenario::load(&args.scenario)?;
    let selected = match &args.policy {
        Some(name) => Some(
            file.scenario
                .policies
                .iter()
                .position(|p| &p.name == name)
                .ok_or_else(|| {
                    let names: Vec<String> = file
                        .scenario
                        .policies
                        .iter()
                        .map(|p| format!("{:?}", p.name))
                        .collect();
                    Diagnostic::new(format!(
                        "--policy {name:?}: the scenario has no such policy (it has {})",
                        join_words(&names)
                    ))
                })?,
        ),
        None => None,
    };
    let format = args.format.unwrap_or_else(|| {
        args.out
            .as_deref()
            .map_or(ReportFormat::Html, ReportFormat::for_path)
    });
    let out = args.out.clone().unwrap_or_else(|| match format {
        ReportFormat::Html => PathBuf::from("report.html"),
        ReportFormat::Md => PathBuf::from("report.md"),
    });
    let start = std::time::Instant::now();
    let trace = match &args.trace {
        Some(path) => Trace::load(path)?,
        None => file.load_population()?,
    };
    // The scenario's draws, or --replicates; a report keeps every user (a
    // sample's own counts would not be the population's).
    let mut spec = ReplicateSpec::of(&file.scenario, args.trace.is_some());
    spec.replicates = args.replicates.unwrap_or(file.scenario.replicates).max(1) as usize;
    spec.sample = None;
    let replicated = if spec.replicates > 1 {
        run_replicated(
            &file.scenario,
            &trace,
            &spec,
            crate::engine::RunOptions::EVERYTHING,
            &crate::engine::Progress::default(),
        )
        .map_err(|e| e.located(&file))?
    } else {
        None
    };
    let run = match &replicated {
        Some(r) => r.run.clone(),
        None => crate::engine::run_scenario(
            &file.scenario,
            &trace,
            crate::engine::RunOptions::EVERYTHING,
        ),
    };
    let simulation = start.elapsed();
    let input = ReportInput {
        scenario: &file.scenario,
        source: &file.source,
        file_name: args
            .scenario
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        trace: &trace,
        trace_file: args.trace.as_ref().map(|p| p.display().to_string()),
        run: &run,
        selected,
        problems: Vec::new(),
        replicated: replicated.as_ref(),
    };
    let written = write_report(&input, format, &out)?;
    Ok(ReportDone {
        written,
        simulation,
        report: start.elapsed() - simulation,
    })
}

/// With replicates: how many, then each policy's paired differences
/// against the first policy, as `lapse run --replicates N` says them.
fn differences(replicated: Option<&Replicated>) -> Vec<String> {
    let Some(r) = replicated.filter(|r| r.has_intervals()) else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "Over {} replicates (draws of the population), every metric in the table of all metrics is the mean ± half its 95 % interval; the answer and the plots show replicate 0.",
        r.replicates()
    )];
    out.extend(super::replicates::sentences(&r.differences(0)));
    out
}

/// The reader's choice, else the policy that disrupts present users least
/// (logouts while present + lost edits), then leaves the least unattended
/// exposure; the first of equals.
fn choose(run: &ScenarioRun, selected: Option<usize>) -> Option<Choice> {
    if let Some(i) = selected.filter(|&i| i < run.policies.len()) {
        return Some(Choice {
            policy: i,
            selected: true,
        });
    }
    run.policies
        .iter()
        .enumerate()
        .min_by_key(|(i, p)| (disruption(&p.metrics), p.metrics.unattended_ms, *i))
        .map(|(i, _)| Choice {
            policy: i,
            selected: false,
        })
}

fn problems(input: &ReportInput<'_>) -> Vec<String> {
    let mut out = input.problems.clone();
    let names: Vec<&str> = input
        .scenario
        .policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let ran: Vec<&str> = input.run.policies.iter().map(|p| p.name.as_str()).collect();
    if names != ran {
        out.push(format!(
            "The results are for the policies {}, but the scenario now has {}: re-run before relying on them.",
            quoted_list(&ran),
            quoted_list(&names)
        ));
    }
    if input.run.users == 0 {
        out.push("The population has no users: every count below is zero.".into());
    }
    let horizon = input.scenario.horizon.as_ms();
    let late: usize = input
        .trace
        .users()
        .map(|(_, events)| events.iter().filter(|e| e.time() >= horizon).count())
        .sum();
    if late > 0 {
        out.push(format!(
            "{} events at or after the horizon ({}) were left out of the simulation.",
            thousands(late as u64),
            input.scenario.horizon
        ));
    }
    if input.scenario.policies.is_empty() {
        out.push("The scenario has no policies to compare.".into());
    }
    out
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
    join_words(&quoted)
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

fn days(scenario: &Scenario) -> String {
    let ms = scenario.horizon.as_ms();
    if ms.is_multiple_of(DAY_MS) {
        plural(ms / DAY_MS, "day", "days")
    } else {
        scenario.horizon.to_string()
    }
}

fn summary(scenario: &Scenario, run: &ScenarioRun) -> String {
    format!(
        "{} over {} · {} compared · seed {}",
        plural(run.users as u64, "user", "users"),
        days(scenario),
        plural(run.policies.len() as u64, "policy", "policies"),
        scenario.seed
    )
}

fn question(scenario: &Scenario, run: &ScenarioRun) -> String {
    let names: Vec<&str> = run.policies.iter().map(|p| p.name.as_str()).collect();
    format!(
        "Which session policy should this application use — {} — and what does each one cost the {} people who use it over {}: logouts while they work, lost submits and typing, warnings, and sessions left open after they walk away?",
        quoted_list(&names),
        thousands(run.users as u64),
        days(scenario)
    )
}

fn metric(policy: usize, m: &Metrics, name: &'static str) -> Piece {
    Piece::Metric {
        policy,
        name,
        value: m.get(name).unwrap_or(0),
    }
}

/// What one policy did, as a clause: "logged out 57 people while present
/// (183 logouts), lost 41 submits and 1,234 edits (12h30m of typing)".
fn cost_clause(i: usize, h: &Headline) -> Rich {
    let m = &h.metrics;
    let mut out = Vec::new();
    if m.logouts_while_present == 0 {
        out.push(text("logged nobody out while they were present"));
    } else {
        out.push(text(format!(
            "logged {} out while they were present (",
            plural(h.people_logged_out as u64, "person", "people")
        )));
        out.push(metric(i, m, "logouts_while_present"));
        out.push(text(" logouts)"));
    }
    if m.lost_submits + m.lost_inputs == 0 {
        out.push(text(" and lost no work"));
    } else {
        out.push(text(", lost "));
        out.push(metric(i, m, "lost_submits"));
        out.push(text(" submits and "));
        out.push(metric(i, m, "lost_inputs"));
        out.push(text(" edits ("));
        out.push(metric(i, m, "lost_typing_ms"));
        out.push(text(format!(
            " of typing, {})",
            plural(h.people_lost_work as u64, "person", "people")
        )));
    }
    out
}

fn answer(
    scenario: &Scenario,
    run: &ScenarioRun,
    headlines: &[Headline],
    choice: Option<&Choice>,
) -> Vec<Rich> {
    let Some(choice) = choice else {
        return vec![vec![text("There is no policy to recommend.")]];
    };
    let i = choice.policy;
    let h = &headlines[i];
    let m = &h.metrics;
    let mut first = vec![
        text(if choice.selected {
            "Chosen policy: "
        } else {
            "Recommended: "
        }),
        Piece::Strong(format!("“{}”", h.policy)),
        text(format!(
            ". Over {} with {} it ",
            days(scenario),
            plural(run.users as u64, "user", "users")
        )),
    ];
    first.extend(cost_clause(i, h));
    first.push(text("; it showed "));
    first.push(metric(i, m, "warnings_shown"));
    first.push(text(" warnings ("));
    first.push(metric(i, m, "warnings_missed"));
    first.push(text(" missed) and left sessions open for "));
    first.push(metric(i, m, "unattended_ms"));
    first.push(text(" in all after their users had walked away."));
    let mut paragraphs = vec![first];
    let mut others = Vec::new();
    for (j, other) in headlines.iter().enumerate().filter(|(j, _)| *j != i) {
        let mut s = vec![text(format!("“{}” ", other.policy))];
        s.extend(cost_clause(j, other));
        s.push(text(", with "));
        s.push(metric(j, &other.metrics, "unattended_ms"));
        s.push(text(" of unattended exposure. "));
        others.extend(s);
    }
    if !others.is_empty() {
        let mut p = vec![text("By comparison, ")];
        p.extend(others);
        paragraphs.push(p);
    }
    let fails: Vec<String> = h
        .verdicts
        .iter()
        .filter(|v| !v.pass)
        .map(|v| short_name(v.standard).to_string())
        .collect();
    let compliance = if fails.is_empty() {
        format!(
            "It passes all {} session rules Lapse checks (see Compliance).",
            h.verdicts.len()
        )
    } else {
        format!(
            "It passes {} of the {} session rules Lapse checks; it fails {} (reasons under Compliance).",
            h.passes(),
            h.verdicts.len(),
            join_words(&fails)
        )
    };
    let why = if choice.selected {
        vec![text(format!(
            "{compliance} It is the policy selected for this report."
        ))]
    } else {
        vec![
            text(format!(
                "{compliance} Lapse recommends the policy that disrupts people at work least (logouts while present plus lost edits), then the one leaving the least unattended exposure; "
            )),
            Piece::Code("lapse report --policy NAME".into()),
            text(" names another."),
        ]
    };
    paragraphs.push(why);
    paragraphs
}

/// A standard's name in running text.
pub fn short_name(standard: Standard) -> &'static str {
    match standard {
        Standard::PciDss => "PCI DSS 8.2.8",
        Standard::NistAal2 => "NIST AAL2",
        Standard::NistAal3 => "NIST AAL3",
        Standard::OwaspHigh => "OWASP high-value",
        Standard::OwaspLow => "OWASP low-risk",
        Standard::Wcag221 => "WCAG 2.2.1",
        Standard::Wcag225 => "WCAG 2.2.5",
        Standard::Wcag226 => "WCAG 2.2.6",
        Standard::Hipaa => "HIPAA automatic logoff",
    }
}

fn population(input: &ReportInput<'_>, gaps: &Gaps) -> Vec<String> {
    let (scenario, trace) = (input.scenario, input.trace);
    let mut out = Vec::new();
    match (&input.trace_file, &scenario.population) {
        (None, Population::Generated(groups)) => {
            let parts: Vec<String> = groups
                .iter()
                .map(|g| format!("{} “{}” users", thousands(g.users), g.profile))
                .collect();
            let total: u64 = groups.iter().map(|g| g.users).sum();
            out.push(format!(
                "{} generated from behaviour profiles: {}. The profiles are written out in the scenario file below; every random choice follows seed {}.",
                plural(total, "user", "users"),
                join_words(&parts),
                scenario.seed
            ));
        }
        (Some(file), _) => out.push(format!(
            "The users of the trace {file} (given with --trace instead of the scenario's population)."
        )),
        (None, Population::Trace { path }) => out.push(format!(
            "The users of the trace {} (a recorded or imported log).",
            path.display()
        )),
    }
    let mut kinds = [0u64; EventKind::ALL.len()];
    let (mut first, mut last) = (u64::MAX, 0);
    for (_, events) in trace.users() {
        for e in events {
            kinds[e.kind() as usize] += 1;
            first = first.min(e.time());
            last = last.max(e.time());
        }
    }
    let by_kind: Vec<String> = EventKind::ALL
        .iter()
        .zip(kinds)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {}", thousands(n), k.name()))
        .collect();
    if trace.num_events() > 0 {
        out.push(format!(
            "{} with {} events ({}), from {} to {}.",
            plural(trace.num_users() as u64, "user", "users"),
            thousands(trace.num_events() as u64),
            join_words(&by_kind),
            clock(first),
            clock(last)
        ));
    } else {
        out.push("The trace has no events.".into());
    }
    if gaps.count() > 0 {
        let quantiles: Vec<String> = [50, 75, 90, 95, 99]
            .iter()
            .filter_map(|&p| gaps.percentile(p).map(|g| format!("p{p} {}", rough(g))))
            .collect();
        let longer: Vec<String> = [5, 15, 30, 60]
            .iter()
            .map(|&m| {
                format!(
                    "{:.1}% over {m} min",
                    100.0 * gaps.longer_than(m * 60_000) as f64 / gaps.count() as f64
                )
            })
            .collect();
        out.push(format!(
            "Idle gaps between a user's consecutive actions: {} gaps; {}; {}.",
            thousands(gaps.count() as u64),
            quantiles.join(", "),
            join_words(&longer)
        ));
    }
    out
}

fn facts(scenario: &Scenario) -> Vec<(String, String)> {
    vec![
        (
            "Horizon".into(),
            format!("{} ({})", scenario.horizon, days(scenario)),
        ),
        ("Seed".into(), scenario.seed.to_string()),
        (
            "Replicates".into(),
            "1 (one run of the seeded population)".into(),
        ),
        (
            "Away after".into(),
            format!(
                "{} without an action: the user has left",
                scenario.away_after
            ),
        ),
        ("Time bucket".into(), scenario.bucket.to_string()),
    ]
}

fn reproduce(input: &ReportInput<'_>) -> Vec<String> {
    let file = input
        .file_name
        .clone()
        .unwrap_or_else(|| "scenario.ron".into());
    let trace = input
        .trace_file
        .as_ref()
        .map(|t| format!(" --trace {t}"))
        .unwrap_or_default();
    let trace = match input.replicated.filter(|r| r.has_intervals()) {
        Some(r) => format!("{trace} --replicates {}", r.replicates()),
        None => trace,
    };
    vec![
        format!("lapse run {file}{trace} --format json"),
        format!("lapse check {file}"),
        format!("lapse report {file}{trace} --out report.html"),
    ]
}

/// A metric as a reader wants it: durations rounded, counts with separators.
pub fn metric_text(name: &str, value: u64) -> String {
    if name.ends_with("_ms") {
        rough(value)
    } else {
        thousands(value)
    }
}

/// A trace time as `day 2 09:30` (day 1 is the first).
pub fn clock(ms: u64) -> String {
    let minutes = ms / 60_000;
    format!(
        "day {} {:02}:{:02}",
        minutes / 1440 + 1,
        minutes % 1440 / 60,
        minutes % 60
    )
}

/// A duration rounded for reading: `45s`, `4m30s`, `30m`, `5h3m`, `137.7 days`.
pub fn rough(ms: u64) -> String {
    const S: u64 = 1_000;
    const M: u64 = 60 * S;
    let round = |unit: u64| (ms + unit / 2) / unit * unit;
    match ms {
        0 => "0s".into(),
        1..1_000 => "under 1s".into(),
        _ if ms < 10 * M => crate::model::Dur(round(S)).to_string(),
        _ if TimeUnit::for_ms(ms) == TimeUnit::Hours => crate::model::Dur(round(M)).to_string(),
        _ => TimeUnit::Days.amount(ms),
    }
}

/// The unit a long duration is read in: days from 48 hours on, hours below.
/// The one rule for [`rough`], the window's headline and its charts, so
/// that they never say the same loss in different units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    Hours,
    Days,
}

impl TimeUnit {
    const HOUR_MS: u64 = 3_600_000;

    pub fn for_ms(ms: u64) -> TimeUnit {
        if ms < 48 * Self::HOUR_MS {
            TimeUnit::Hours
        } else {
            TimeUnit::Days
        }
    }

    pub fn ms(self) -> u64 {
        match self {
            TimeUnit::Hours => Self::HOUR_MS,
            TimeUnit::Days => 24 * Self::HOUR_MS,
        }
    }

    /// "hours" or "days", for a chart's title.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }

    /// `ms` in this unit: `[rough]`'s words in hours, `2.5 days` in days.
    pub fn amount(self, ms: u64) -> String {
        match self {
            TimeUnit::Hours => rough(ms),
            TimeUnit::Days => format!("{:.1} days", ms as f64 / self.ms() as f64),
        }
    }
}

/// A count with thousands separated: `1,686,135`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The headline columns: (metric, column title).
pub const HEADLINE_COLUMNS: [(&str, &str); 7] = [
    ("logouts_while_present", "Logouts while present"),
    ("lost_submits", "Lost submits"),
    ("lost_inputs", "Lost edits"),
    ("lost_typing_ms", "Lost typing time"),
    ("warnings_shown", "Warnings shown"),
    ("warnings_missed", "Warnings missed"),
    ("unattended_ms", "Unattended exposure"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_columns_are_the_metrics_own_names() {
        for (metric, title) in HEADLINE_COLUMNS {
            let label = crate::engine::Metrics::text(metric).map(|t| t.label);
            assert_eq!(label, Some(title), "{metric}");
        }
    }

    #[test]
    fn numbers_read_easily() {
        assert_eq!(thousands(1_686_135), "1,686,135");
        assert_eq!(thousands(999), "999");
        assert_eq!(rough(1_800_000), "30m");
        assert_eq!(rough(270_400), "4m30s");
        assert_eq!(clock(33 * 3_600_000 + 30 * 60_000), "day 2 09:30");
        assert_eq!(metric_text("lost_typing_ms", 1_800_000), "30m");
        assert_eq!(metric_text("lost_inputs", 1234), "1,234");
    }

    #[test]
    fn lists_read_as_words() {
        let w = |v: &[&str]| join_words(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&[]), "");
        assert_eq!(w(&["a"]), "a");
        assert_eq!(w(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(ReportFormat::for_path(Path::new("r.MD")), ReportFormat::Md);
        assert_eq!(
            ReportFormat::for_path(Path::new("r.html")),
            ReportFormat::Html
        );
        assert_eq!(ReportFormat::for_path(Path::new("r")), ReportFormat::Html);
    }
}
