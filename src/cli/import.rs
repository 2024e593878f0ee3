//! The `lapse import` command: flags, then the import, then the outputs.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use regex::bytes::Regex;

use crate::fsio::write_to;
use crate::model::duration::Dur;
use crate::model::{Diagnostic, Diagnostics};

use crate::generate::fill::{Filler, find_profile};
use crate::import::keys::{KeyOutput, UserKey};
use crate::import::mapping::{self, Mapping, parse_methods, parse_regex};
use crate::import::{Import, ImportOptions, LogFormat, fill_activity, import_paths};
use crate::model::Scenario;
use crate::model::profile::Profile;

/// A comma-separated list of HTTP methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Methods(pub Vec<String>);

fn parse_method_list(text: &str) -> Result<Methods, String> {
    parse_methods(text).map(Methods)
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Access logs, read in order (gzip-compressed ones too).
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// Write the trace (canonical CSV) here; without it, or with `-`, the trace
    /// goes to standard output and the summary to standard error.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The log format [auto: combined or common, line by line].
    #[arg(long, value_enum, default_value_t = LogFormat::Auto)]
    pub format: LogFormat,
    /// Who is a user: addr+agent, addr, field:NAME (csv, jsonl) or match:REGEX
    /// (the first capture group, searched in the raw line).
    #[arg(long, value_name = "KEY", default_value = "addr+agent", value_parser = UserKey::parse_flag)]
    pub user_key: UserKey,
    /// Write user keys as found instead of as salted hashes.
    #[arg(long)]
    pub keep_keys: bool,
    /// Salt the hashed keys with this text (same salt, same names: runs can be
    /// joined) instead of a random salt; keep it secret.
    #[arg(long, value_name = "TEXT", conflicts_with = "keep_keys")]
    pub salt: Option<String>,
    /// Paths of API calls (events `request`).
    #[arg(long, value_name = "REGEX", default_value = mapping::DEFAULT_API, value_parser = parse_regex)]
    pub api: Regex,
    /// Paths of page parts, folded into their page's view [default: images,
    /// CSS, scripts, fonts, favicon by extension].
    #[arg(long, value_name = "REGEX", default_value = mapping::DEFAULT_PARTS, hide_default_value = true, value_parser = parse_regex)]
    pub parts: Regex,
    /// Views and requests this soon after a view belong to its page load (0s: none).
    #[arg(long, value_name = "DURATION", default_value = "3s")]
    pub fold_window: Dur,
    /// Methods that are `submit` events.
    #[arg(long, value_name = "METHODS", default_value = "POST,PUT,PATCH,DELETE", value_parser = parse_method_list)]
    pub submit_methods: Methods,
    /// Methods that load a page or call an API; other methods are left out.
    #[arg(long, value_name = "METHODS", default_value = "GET", value_parser = parse_method_list)]
    pub page_methods: Methods,
    /// Keep crawlers, feed readers and monitors.
    #[arg(long)]
    pub keep_bots: bool,
    /// User agents of crawlers, feed readers and monitors [default: see docs/import.md].
    #[arg(long, value_name = "REGEX", default_value = mapping::DEFAULT_BOTS, hide_default_value = true, value_parser = parse_regex, conflicts_with = "keep_bots")]
    pub bots: Regex,
    /// Fail on the first malformed line (`file:line: message`, exit status 2).
    #[arg(long)]
    pub strict: bool,
    /// Print the summary only; write no trace.
    #[arg(long, conflicts_with = "out")]
    pub summary_only: bool,
    /// Also print the idle gaps as an Empirical distribution for a behaviour profile.
    #[arg(long)]
    pub empirical: bool,
    /// Add modelled typing (before each submit) and reading (after each view)
    /// from this behaviour profile, keeping the logged requests as they are:
    /// `office` (the defaults) or a profile of --profiles.
    #[arg(long, value_name = "PROFILE")]
    pub fill_activity: Option<String>,
    /// A scenario whose profiles --fill-activity may name (and whose seed it uses).
    #[arg(long, value_name = "SCENARIO", requires = "fill_activity")]
    pub profiles: Option<PathBuf>,
    /// The seed of the fill [default: the --profiles scenario's, else 0].
    #[arg(long, value_name = "N", requires = "fill_activity")]
    pub seed: Option<u64>,
}

impl ImportArgs {
    pub fn options(&self) -> ImportOptions {
        ImportOptions {
            format: self.format,
            user_key: self.user_key.clone(),
            key_output: if self.keep_keys {
                KeyOutput::Raw
            } else if let Some(salt) = &self.salt {
                KeyOutput::Hashed {
                    salt: salt.as_bytes().to_vec(),
                }
            } else {
                KeyOutput::random_salt()
            },
            mapping: Mapping {
                submit_methods: self.submit_methods.0.clone(),
                page_methods: self.page_methods.0.clone(),
                api: self.api.clone(),
                parts: self.parts.clone(),
                fold_window: self.fold_window,
            },
            bots: (!self.keep_bots).then(|| self.bots.clone()),
            strict: self.strict,
        }
    }

    /// Where the trace goes: `None` for standard output.
    fn out_file(&self) -> Option<&std::path::Path> {
        self.out.as_deref().filter(|p| p.as_os_str() != "-")
    }
}

/// The profile and seed of `--fill-activity`, checked before the import reads anything.
fn fill_choice(args: &ImportArgs) -> Result<Option<(Profile, u64)>, Diagnostics> {
    let Some(name) = &args.fill_activity else {
        return Ok(None);
    };
    let scenario = args.profiles.as_deref().map(Scenario::load).transpose()?;
    let profiles = scenario.as_ref().map_or(&[][..], |s| &s.scenario.profiles);
    let profile = find_profile(name, profiles).map_err(Diagnostic::new)?;
    // A profile with nothing to fill with is refused before the log is read.
    Filler::new(&profile).map_err(Diagnostic::new)?;
    let seed = args.seed.or(scenario.map(|s| s.scenario.seed)).unwrap_or(0);
    Ok(Some((profile, seed)))
}

/// Runs `lapse import`.
pub fn run(args: &ImportArgs) -> Result<(), Diagnostics> {
    let fill = fill_choice(args)?;
    let mut import = import_paths(&args.logs, args.options())?;
    if let Some((profile, seed)) = &fill
        && import.trace.num_events() > 0
    {
        import = fill_activity(import, profile, *seed).map_err(Diagnostic::new)?;
    }
    let Import { trace, summary } = import;
    let text = summary.render(args.empirical);
    if args.summary_only {
        print(&mut std::io::stdout(), &text);
        return Ok(());
    }
    if trace.num_events() == 0 {
        eprint!("{text}");
        return Err(Diagnostic::new(format!(
            "no events to import: none of the {} lines read gave a user's view, request or submit (see the summary above)",
            summary.lines()
        ))
        .into());
    }
    let out = args.out_file();
    write_to(out, |w| trace.write_csv(w))?;
    // The summary goes where the trace does not.
    if out.is_some() {
        print(&mut std::io::stdout(), &text);
    } else {
        print(&mut std::io::stderr(), &text);
    }
    Ok(())
}

fn print(out: &mut dyn Write, text: &str) {
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
