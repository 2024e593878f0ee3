//! Scenario files (SPEC section 4): RON with comments, unknown fields refused,
//! every rule checked with a message that points at the offending field.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::duration::Dur;
use super::error::{Diagnostic, Diagnostics, io_diagnostic};
use super::limits::{human_bytes, limits};
use super::locate::{FieldPath, Seg, line_col, locate};
use super::policy::Policy;
use super::population::{Group, scenario_problems};
use super::profile::Profile;

/// Where the users come from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Population {
    /// A trace in the canonical CSV; `path` is relative to the scenario's folder.
    Trace { path: PathBuf },
    /// Users generated from the scenario's `profiles`:
    /// `Generated([(profile: "office", users: 200), ...])`.
    Generated(Vec<Group>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// Drives every random choice.
    #[serde(default)]
    pub seed: u64,
    /// Events at or after it are dropped; sessions still alive end there.
    pub horizon: Dur,
    /// A user whose last present event is this far back is away.
    #[serde(default = "default_away_after")]
    pub away_after: Dur,
    /// The width of one time-series bucket.
    #[serde(default = "default_bucket")]
    pub bucket: Dur,
    /// Behaviour profiles that `Generated` populations draw users from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Profile>,
    pub population: Population,
    pub policies: Vec<Policy>,
    /// How many times the population is drawn (docs/replicates.md): 1 is a
    /// single run; more give every metric a 95 % interval.
    #[serde(default = "default_replicates", skip_serializing_if = "is_one")]
    pub replicates: u32,
    /// Replay only this share of the users (0 < f <= 1) and scale the totals
    /// to the whole population, with their interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_users: Option<Fraction>,
}

/// The most replicates a scenario may ask for: each is a whole run, so more
/// than this is a typo rather than a wish for a narrower interval.
pub const MAX_REPLICATES: u32 = 1000;

/// A share of something, written as a plain number (`0.01`). Compared and
/// hashed by its bits so that the scenario stays `Eq` and `Hash`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fraction(pub f64);

impl PartialEq for Fraction {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Fraction {}

impl std::hash::Hash for Fraction {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

impl Fraction {
    /// Whether it is a usable share of users: above 0, at most 1.
    pub fn is_valid(self) -> bool {
        self.0 > 0.0 && self.0 <= 1.0
    }
}

fn default_replicates() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn default_away_after() -> Dur {
    Dur::mins(5)
}
fn default_bucket() -> Dur {
    Dur::mins(15)
}

/// The scenario the app opens by default (`scenarios/seed-article.ron`),
/// built in so that it works from anywhere.
pub const DEFAULT_SCENARIO_TEXT: &str = include_str!("../../scenarios/seed-article.ron");

/// The default scenario, parsed. It has no path: it is not a file on disk.
pub fn default_scenario() -> Result<ScenarioFile, Diagnostics> {
    let scenario = Scenario::parse(DEFAULT_SCENARIO_TEXT, Some(Path::new("seed-article.ron")))?;
    Ok(ScenarioFile {
        scenario,
        path: None,
        source: DEFAULT_SCENARIO_TEXT.to_string(),
    })
}

/// A scenario with the text it came from, so problems can be located in it.
#[derive(Clone, Debug)]
pub struct ScenarioFile {
    pub scenario: Scenario,
    /// Where it was read from; `None` for built-in or unsaved scenarios.
    pub path: Option<PathBuf>,
    pub source: String,
}

/// The RON reader Lapse uses everywhere: `Some` may be left out around a value.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

impl Scenario {
    /// Parses and checks scenario text. `file` names it in messages.
    pub fn parse(source: &str, file: Option<&Path>) -> Result<Scenario, Diagnostics> {
        if is_blank_ron(source) {
            let mut d = Diagnostic::new("the file is empty: a scenario is written Scenario(name: ..., horizon: ..., population: ..., policies: [...])")
                .at(1, Some(1));
            d.file = file.map(Path::to_path_buf);
            return Err(d.into());
        }
        let scenario: Scenario = ron_options().from_str(source).map_err(|e| {
            let mut d =
                Diagnostic::new(ron_message(&e.code)).at(e.span.start.line, Some(e.span.start.col));
            d.file = file.map(Path::to_path_buf);
            Diagnostics::one(d)
        })?;
        let problems = scenario.problems(source, file);
        if problems.is_empty() {
            Ok(scenario)
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Every rule broken by this scenario, located in `source` where possible.
    pub fn problems(&self, source: &str, file: Option<&Path>) -> Vec<Diagnostic> {
        self.rule_breaks()
            .into_iter()
            .map(|(path, message)| {
                let mut d = Diagnostic::new(message);
                d.file = file.map(Path::to_path_buf);
                match locate(source, &path) {
                    Some((line, col)) => d.at(line, Some(col)),
                    None => d,
                }
            })
            .collect()
    }

    /// The SPEC's rules, each with the path of the field that breaks it.
    pub fn rule_breaks(&self) -> Vec<(FieldPath, String)> {
        let mut out: Vec<(FieldPath, String)> = Vec::new();
        for (field, value) in [
            ("horizon", self.horizon),
            ("away_after", self.away_after),
            ("bucket", self.bucket),
        ] {
            if value == Dur(0) {
                out.push((
                    vec![Seg::Field(field)],
                    format!("{field} must be longer than 0"),
                ));
            }
        }
        let max_buckets = limits().max_buckets;
        if self.bucket > Dur(0) && self.horizon.0.div_ceil(self.bucket.0) > max_buckets {
            // Blame the field the user most likely wrote: a bucket left at its
            // default is not in the file, the horizon is.
            let field = if self.bucket == default_bucket() {
                "horizon"
            } else {
                "bucket"
            };
            out.push((
                vec![Seg::Field(field)],
                format!(
                    "bucket {} splits the horizon {} into more than {max_buckets} buckets; use a wider bucket (or raise --max-buckets)",
                    self.bucket, self.horizon
                ),
            ));
        }
        if self.policies.is_empty() {
            out.push((
                vec![Seg::Field("policies")],
                "a scenario needs at least one policy".into(),
            ));
        }
        for (i, policy) in self.policies.iter().enumerate() {
            let at = |rest: &[Seg]| {
                let mut path = vec![Seg::Field("policies"), Seg::Index(i)];
                path.extend_from_slice(rest);
                path
            };
            if let Some(first) = self.policies[..i]
                .iter()
                .position(|p| p.name == policy.name)
            {
                out.push((
                    at(&[Seg::Field("name")]),
                    format!(
                        "duplicate policy name {:?} (policy {} has it too); names must be unique",
                        policy.name,
                        first + 1
                    ),
                ));
            }
            for (path, message) in policy.problems() {
                out.push((at(&path), format!("policy {:?}: {message}", policy.name)));
            }
        }
        out.extend(self.replicate_problems());
        out.extend(scenario_problems(self));
        out
    }

    /// The rules of `replicates` and `sample_users`.
    fn replicate_problems(&self) -> Vec<(FieldPath, String)> {
        let mut out = Vec::new();
        if self.replicates == 0 || self.replicates > MAX_REPLICATES {
            out.push((
                vec![Seg::Field("replicates")],
                format!(
                    "replicates must be between 1 and {MAX_REPLICATES} (1 is a single run; 20 is plenty for a 95 % interval), not {}",
                    self.replicates
                ),
            ));
        }
        if let Some(f) = self.sample_users {
            if !f.is_valid() {
                out.push((
                    vec![Seg::Field("sample_users")],
                    format!(
                        "sample_users must be a share above 0 and at most 1 (0.01 replays 1 % of the users), not {}",
                        f.0
                    ),
                ));
            } else if self.replicates > 1 {
                out.push((
                    vec![Seg::Field("sample_users")],
                    "sample_users and replicates > 1 cannot be combined: a sample's interval comes from its own users; drop one of them".into(),
                ));
            }
        }
        out
    }

    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<ScenarioFile, Diagnostics> {
        let source = read_text(path, "read the scenario")?;
        let scenario = Scenario::parse(&source, Some(path))?;
        Ok(ScenarioFile {
            scenario,
            path: Some(path.to_path_buf()),
            source,
        })
    }

    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.name == name)
    }
}

impl ScenarioFile {
    /// The folder that relative paths in the scenario start from.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Where `population` points, as given and as resolved.
    pub fn trace_path(&self) -> Option<PathBuf> {
        match &self.scenario.population {
            Population::Trace { path } => Some(self.base_dir().join(path)),
            Population::Generated(_) => None,
        }
    }
}

/// Whether RON text holds nothing but white space and comments.
fn is_blank_ron(source: &str) -> bool {
    let mut rest = source.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            return rest.is_empty();
        }
    }
}

/// Reads a whole text file the user named, with a message naming it on failure.
pub fn read_text(path: &Path, action: &str) -> Result<String, Diagnostics> {
    if path.is_dir() {
        return Err(Diagnostic::in_file(
            path,
            format!("cannot {action}: is a directory, not a file"),
        )
        .into());
    }
    let max = limits().max_file_bytes;
    let size = std::fs::metadata(path)
        .map_err(|e| io_diagnostic(path, action, &e))?
        .len();
    if size > max {
        return Err(Diagnostic::in_file(
            path,
            format!(
                "cannot {action}: the file is {}, larger than the limit of {} (raise with --max-file-size)",
                human_bytes(size),
                human_bytes(max)
            ),
        )
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| io_diagnostic(path, action, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        let (line, col) = line_col(&text, at);
        Diagnostics::one(
            Diagnostic::in_file(path, "the file is not valid UTF-8 text").at(line, Some(col)),
        )
    })
}

/// RON's messages, with serde's wording about our own types made plainer.
fn ron_message(code: &ron::Error) -> String {
    match code {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field `{found}`, expected one of {}",
            expected
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ron::Error::ExceededRecursionLimit => {
            "values are nested too deeply (at most 128 levels of brackets)".to_string()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
// A comment at the top.
Scenario(
    name: "Seed article",
    seed: 42,
    horizon: "5d",
    population: Trace(path: "traces/office.csv"),
    policies: [
        Policy(name: "A", idle_timeout: Some("30m")),
        Policy(name: "B", warning: Some(Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss))),
    ],
)
"#;

    #[test]
    fn parses_with_defaults() {
        let s = Scenario::parse(GOOD, None).expect("valid");
        assert_eq!(s.away_after, Dur::mins(5));
        assert_eq!(s.bucket, Dur::mins(15));
        assert_eq!(s.horizon, Dur::days(5));
        assert_eq!(s.policies.len(), 2);
    }

    #[test]
    fn save_then_load_gives_an_equal_value() {
        let s = Scenario::parse(GOOD, None).expect("valid");
        let text = s.to_ron();
        let again = Scenario::parse(&text, None).expect("saved text parses");
        assert_eq!(s, again);
    }

    #[test]
    fn unknown_field_names_line_and_column() {
        let src = GOOD.replace("seed: 42,", "seed: 42, colour: 3,");
        let e = Scenario::parse(&src, Some(Path::new("s.ron"))).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("s.ron:5:"), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
    }

    #[test]
    fn rules_are_located() {
        let src = GOOD
            .replace(r#"lead: "5m""#, r#"lead: "30m""#)
            .replace(r#"name: "B""#, r#"name: "A""#);
        let e = Scenario::parse(&src, Some(Path::new("s.ron"))).unwrap_err();
        let lines: Vec<String> = e.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "s.ron:10:16: duplicate policy name \"A\" (policy 1 has it too); names must be unique",
                "s.ron:10:49: policy \"A\": warning.lead (30m) must be less than idle_timeout (30m)",
            ]
        );
    }
}
