//! What an import found: the counts a reader checks first, and the idle gaps
//! between a user's requests that a timeout decision rests on.

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::model::Diagnostic;
use crate::model::duration::human_ms;

use super::record::Shape;
use super::time::format_local;

/// One input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    pub path: PathBuf,
    pub lines: u64,
    /// Bytes of log text (after decompression).
    pub bytes: u64,
    pub gzip: bool,
}

/// Lines that gave no event, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub blank: u64,
    /// Lines that could not be read; the first few are kept in `first_malformed`.
    pub malformed: u64,
    /// Lines from crawlers, feed readers and monitors (`None`: `--keep-bots`).
    pub crawler_lines: Option<u64>,
    /// Distinct user keys among those lines.
    pub crawler_clients: u64,
    /// Methods that are no user action.
    pub other_methods: u64,
    /// Page parts (by path) folded into their page.
    pub parts: u64,
    /// Lines without a user key (`--user-key` found none).
    pub no_key: u64,
}

/// Events written, by kind (`[view, request, submit]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub view: u64,
    pub request: u64,
    pub submit: u64,
}

impl KindCounts {
    pub fn total(&self) -> u64 {
        self.view + self.request + self.submit
    }
}

/// When the kept events happened, in the log's own UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub first_utc_ms: i64,
    pub last_utc_ms: i64,
    /// The offset of the first event's line.
    pub offset_min: i32,
    /// Trace time 0: midnight, in that offset, of the first event's day.
    pub origin_utc_ms: i64,
}

/// Idle gaps between consecutive events of the same user, in ms, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gaps {
    sorted: Vec<u64>,
}

/// The quantiles an Empirical distribution is written with: dense in the
/// tail, where timeouts live.
const EMPIRICAL_POINTS: [(&str, u64); 15] = [
    ("0.0", 0),
    ("0.01", 10),
    ("0.05", 50),
    ("0.1", 100),
    ("0.2", 200),
    ("0.3", 300),
    ("0.4", 400),
    ("0.5", 500),
    ("0.6", 600),
    ("0.7", 700),
    ("0.8", 800),
    ("0.9", 900),
    ("0.95", 950),
    ("0.99", 990),
    ("1.0", 1000),
];

pub const PERCENTILES: [u64; 5] = [50, 75, 90, 95, 99];
pub const LONGER_THAN_MIN: [u64; 4] = [5, 15, 30, 60];

impl Gaps {
    pub fn new(mut gaps: Vec<u64>) -> Gaps {
        gaps.sort_unstable();
        Gaps { sorted: gaps }
    }

    pub fn count(&self) -> usize {
        self.sorted.len()
    }

    /// The smallest gap with at least `per_mille`/1000 of the gaps at or
    /// below it (nearest rank); per mille 0 is the smallest gap.
    pub fn quantile_per_mille(&self, per_mille: u64) -> Option<u64> {
        let n = self.sorted.len() as u64;
        if n == 0 {
            return None;
        }
        let rank = (per_mille * n).div_ceil(1000).max(1);
        self.sorted.get(rank as usize - 1).copied()
    }

    /// The p-th percentile (nearest rank).
    pub fn percentile(&self, p: u64) -> Option<u64> {
        self.quantile_per_mille(p * 10)
    }

    /// How many gaps are strictly longer than `ms`.
    pub fn longer_than(&self, ms: u64) -> usize {
        self.sorted.len() - self.sorted.partition_point(|&g| g <= ms)
    }

    /// The gaps as an Empirical distribution in scenario-file syntax, for a
    /// behaviour profile; `None` when there are no gaps.
    pub fn empirical(&self) -> Option<String> {
        let points: Vec<String> = EMPIRICAL_POINTS
            .iter()
            .map(|&(p, pm)| {
                self.quantile_per_mille(pm)
                    .map(|ms| format!("({p}, \"{}\")", human_ms(ms)))
            })
            .collect::<Option<_>>()?;
        Some(format!("Empirical(quantiles: [{}])", points.join(", ")))
    }
}

/// Everything an import reports.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: Vec<FileReport>,
    /// Lines read as each format.
    pub shapes: Vec<(Shape, u64)>,
    pub left_out: LeftOut,
    pub first_malformed: Vec<Diagnostic>,
    pub users: usize,
    pub events: KindCounts,
    /// Views and requests folded into a view by the time window.
    pub window_folded: u64,
    pub span: Option<Span>,
    pub gaps: Gaps,
    /// How users were keyed, and how keys are written.
    pub key: String,
    pub key_output: String,
    pub mapping: Vec<String>,
    /// Modelled activity added after the import (`--fill-activity`).
    pub filled: Option<Filled>,
    /// Some event is in a tab other than 0 (a csv or jsonl `tab` field).
    pub tabs_logged: bool,
}

/// What `--fill-activity` added to the trace (src/generate/fill.rs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filled {
    pub profile: String,
    pub seed: u64,
    pub inputs: u64,
    pub forms: u64,
    pub activity: u64,
    pub pages_read: u64,
}

/// A pause this long or longer is one that real users make between two
/// requests at every length (think times are heavy-tailed), so a log whose
/// pauses skip from below it to far above it has lost its middle.
const SAMPLED_FROM_MS: u64 = 5 * 60_000;
/// ... the longer pauses must all be at least this long to call it sampled
const SAMPLED_JUMP_MS: u64 = 30 * 60_000;
/// ... and there must be this many of them (a handful proves nothing).
const SAMPLED_MIN_LONG: usize = 20;

impl Gaps {
    /// When no pause lies between 5 minutes and the shortest longer one, and
    /// that is 30 minutes or more while 20 or more pauses are longer than 5
    /// minutes: `(pauses longer than 5 m, the shortest of them)`. Real think
    /// times spread over that range; a log that keeps a few minutes of each
    /// hour (sampled) or has stretches cut out (truncated) has none there.
    pub fn looks_sampled(&self) -> Option<(usize, u64)> {
        let long = self.longer_than(SAMPLED_FROM_MS);
        let shortest = *self.sorted.get(self.sorted.len() - long)?;
        (long >= SAMPLED_MIN_LONG && shortest >= SAMPLED_JUMP_MS).then_some((long, shortest))
    }
}

impl Summary {
    pub fn lines(&self) -> u64 {
        self.files.iter().map(|f| f.lines).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    /// The summary, with the Empirical distribution of the gaps appended when asked.
    pub fn render(&self, with_empirical: bool) -> String {
        let mut out = self.to_string();
        if with_empirical {
            match self.gaps.empirical() {
                Some(e) => {
                    let _ = writeln!(
                        out,
                        "\n// Idle gaps between a user's consecutive requests ({} gaps), for a behaviour profile:\n{e}",
                        self.gaps.count()
                    );
                }
                None => out.push_str(
                    "\n// No idle gaps to write as an Empirical distribution: no user has two events.\n",
                ),
            }
        }
        out
    }
}

/// What an unfilled import keeps at 0, said where the numbers are made.
pub const NO_ACTIVITY_WARNING: &str = "Warning: no in-page activity: the trace has page loads and posts but no key presses or mouse moves (input, activity), so logouts_while_present, lost_inputs, lost_edit_ms and lost_typing_ms come out 0 under every policy, and warnings are answered only by page loads: true of the trace, not of the users. --fill-activity PROFILE adds modelled typing before each submit and reading after each view, keeping the logged requests as they are (docs/import.md).";

impl Summary {
    /// What the log cannot show, less what the import has anyway (a `tab`
    /// field, modelled activity).
    fn not_in_the_log(&self) -> String {
        let filled = self.filled.is_some();
        let mut missing = Vec::new();
        let mut so = Vec::new();
        if !self.tabs_logged {
            missing.push("tabs (every event is in tab 0)");
        }
        if !filled {
            missing.push("key presses and mouse moves (no input or activity)");
            so.push("logouts while present, lost edits and typing");
        }
        missing.push("laptop sleep");
        if !self.tabs_logged {
            so.push("one tab's timer logging out another");
        }
        let so = match so.as_slice() {
            [] => "so client_clock changes nothing".to_string(),
            [one] => format!("so {one} cannot show"),
            [a, b] => format!("so {a}, and {b} cannot show"),
            _ => unreachable!("two consequences at most"),
        };
        let modelled = if filled {
            " (key presses and mouse moves are modelled, below)"
        } else {
            ""
        };
        format!(
            "Not in an access log: {}; {so}{modelled} (docs/import.md)",
            missing.join(", ")
        )
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .files
            .iter()
            .map(|r| {
                let gz = if r.gzip { ", gzip" } else { "" };
                format!(
                    "{} ({}{gz})",
                    r.path.display(),
                    plural(r.lines, "line", "lines")
                )
            })
            .collect();
        let formats: Vec<String> = self
            .shapes
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{} {n}", s.name()))
            .collect();
        writeln!(
            f,
            "Read {} ({}) from {}: {}",
            plural(self.lines(), "line", "lines"),
            megabytes(self.bytes()),
            plural(self.files.len() as u64, "file", "files"),
            names.join(", ")
        )?;
        if !formats.is_empty() {
            writeln!(f, "Formats: {}", formats.join(", "))?;
        }
        for r in self.files.iter().filter(|r| r.lines == 0) {
            writeln!(f, "Warning: {} is empty", r.path.display())?;
        }

        let l = &self.left_out;
        writeln!(f, "Lines left out:")?;
        writeln!(f, "  malformed:           {}", l.malformed)?;
        for d in &self.first_malformed {
            writeln!(f, "    {d}")?;
        }
        if l.malformed > self.first_malformed.len() as u64 {
            writeln!(f, "    ... (--strict stops at the first)")?;
        }
        match l.crawler_lines {
            Some(n) => writeln!(
                f,
                "  crawlers, monitors:  {n} from {} (--keep-bots keeps them)",
                plural(l.crawler_clients, "client", "clients")
            )?,
            None => writeln!(f, "  crawlers, monitors:  kept (--keep-bots)")?,
        }
        writeln!(
            f,
            "  page parts:          {} (folded into their page's view)",
            l.parts
        )?;
        writeln!(f, "  other methods:       {}", l.other_methods)?;
        if l.no_key > 0 {
            writeln!(f, "  no user key:         {}", l.no_key)?;
        }
        if l.blank > 0 {
            writeln!(f, "  blank:               {}", l.blank)?;
        }

        let e = &self.events;
        writeln!(
            f,
            "Users: {} (keyed by {}; written {})",
            self.users, self.key, self.key_output
        )?;
        writeln!(
            f,
            "Events: {} (view {}, request {}, submit {}); {} more folded into the view before them",
            e.total(),
            e.view,
            e.request,
            e.submit,
            self.window_folded
        )?;
        writeln!(f, "{}", self.not_in_the_log())?;
        match &self.filled {
            None => writeln!(f, "{NO_ACTIVITY_WARNING}")?,
            Some(fill) => writeln!(
                f,
                "Filled with modelled activity (profile {:?}, seed {}): {} typed before {} of {} submits, {} on {} of {} views; the logged events are kept as they were (docs/import.md)",
                fill.profile,
                fill.seed,
                plural(fill.inputs, "input", "inputs"),
                fill.forms,
                e.submit,
                plural(fill.activity, "scroll", "scrolls"),
                fill.pages_read,
                e.view,
            )?,
        }
        if let Some(s) = &self.span {
            writeln!(
                f,
                "Time span: {} to {} ({})",
                format_local(s.first_utc_ms, s.offset_min),
                format_local(s.last_utc_ms, s.offset_min),
                human_ms((s.last_utc_ms - s.first_utc_ms).unsigned_abs())
            )?;
            writeln!(
                f,
                "Time 0: {} (midnight of the first event's day, in the log's UTC offset)",
                format_local(s.origin_utc_ms, s.offset_min)
            )?;
        }

        let g = &self.gaps;
        writeln!(
            f,
            "Idle gaps between a user's consecutive requests: {}",
            plural(g.count() as u64, "gap", "gaps")
        )?;
        if g.count() > 0 {
            let pcts: Vec<String> = PERCENTILES
                .iter()
                .filter_map(|&p| g.percentile(p).map(|ms| format!("p{p} {}", human_ms(ms))))
                .collect();
            writeln!(f, "  {}", pcts.join("  "))?;
            let shares: Vec<String> = LONGER_THAN_MIN
                .iter()
                .map(|&m| format!("> {m}m {}", percent(g.longer_than(m * 60_000), g.count())))
                .collect();
            writeln!(f, "  {}", shares.join("  "))?;
        }
        if let Some((long, shortest)) = g.looks_sampled() {
            writeln!(
                f,
                "Warning: the pauses look sampled or truncated: {long} pauses are longer than 5m, yet none lies between 5m and {} (the shortest of them), so the shares above 5m are all alike. Real pauses spread over that range: the log probably keeps only some minutes of each hour, or has stretches cut out. A user seen on both sides of a missing stretch shows one long pause there, which every idle timeout shorter than it counts as a logout; check how the log was collected before trusting those numbers.",
                human_ms(shortest)
            )?;
        }
        writeln!(f, "Mapping:")?;
        for rule in &self.mapping {
            writeln!(f, "  {rule}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn nearest_rank_percentiles() {
        // 20 gaps of 1..=20 minutes.
        let g = Gaps::new((1..=20).rev().map(|m| m * MIN).collect());
        assert_eq!(g.percentile(50), Some(10 * MIN)); // rank ceil(10) = 10
        assert_eq!(g.percentile(75), Some(15 * MIN));
        assert_eq!(g.percentile(90), Some(18 * MIN));
        assert_eq!(g.percentile(95), Some(19 * MIN));
        assert_eq!(g.percentile(99), Some(20 * MIN)); // rank ceil(19.8) = 20
        assert_eq!(g.quantile_per_mille(0), Some(MIN));
        // Strictly longer: 5m itself does not count.
        assert_eq!(g.longer_than(5 * MIN), 15);
        assert_eq!(g.longer_than(30 * MIN), 0);
        assert_eq!(Gaps::default().percentile(50), None);
    }

    #[test]
    fn pauses_that_skip_from_minutes_to_an_hour_look_sampled() {
        let secs = |n: u64| n * 1000;
        // 100 short pauses and 20 of an hour or more, none between: sampled.
        let mut gaps: Vec<u64> = (0..100).map(|i| secs(i % 50 + 1)).collect();
        gaps.extend((0..20).map(|i| 59 * MIN + i * MIN));
        assert_eq!(
            Gaps::new(gaps.clone()).looks_sampled(),
            Some((20, 59 * MIN))
        );
        // One pause of 20 minutes in the range: real pauses, not sampled.
        let mut with_middle = gaps.clone();
        with_middle.push(20 * MIN);
        assert_eq!(Gaps::new(with_middle).looks_sampled(), None);
        // 19 long pauses prove nothing.
        gaps.pop();
        assert_eq!(Gaps::new(gaps).looks_sampled(), None);
        // Exactly 5 minutes is not longer than 5 minutes; the jump must reach 30.
        let mut edge: Vec<u64> = vec![5 * MIN; 10];
        edge.extend(vec![30 * MIN; 20]);
        assert_eq!(
            Gaps::new(edge.clone()).looks_sampled(),
            Some((20, 30 * MIN))
        );
        edge.push(30 * MIN - 1);
        assert_eq!(Gaps::new(edge).looks_sampled(), None);
        assert_eq!(Gaps::default().looks_sampled(), None);
    }

    #[test]
    fn what_the_log_cannot_show_depends_on_what_the_import_has() {
        let plain = Summary::default();
        assert_eq!(
            plain.not_in_the_log(),
            "Not in an access log: tabs (every event is in tab 0), key presses and mouse moves (no input or activity), laptop sleep; so logouts while present, lost edits and typing, and one tab's timer logging out another cannot show (docs/import.md)"
        );
        let tabs = Summary {
            tabs_logged: true,
            ..Summary::default()
        };
        assert_eq!(
            tabs.not_in_the_log(),
            "Not in an access log: key presses and mouse moves (no input or activity), laptop sleep; so logouts while present, lost edits and typing cannot show (docs/import.md)"
        );
        let filled = Summary {
            filled: Some(Filled::default()),
            ..Summary::default()
        };
        assert_eq!(
            filled.not_in_the_log(),
            "Not in an access log: tabs (every event is in tab 0), laptop sleep; so one tab's timer logging out another cannot show (key presses and mouse moves are modelled, below) (docs/import.md)"
        );
        let both = Summary {
            filled: Some(Filled::default()),
            tabs_logged: true,
            ..Summary::default()
        };
        assert_eq!(
            both.not_in_the_log(),
            "Not in an access log: laptop sleep; so client_clock changes nothing (key presses and mouse moves are modelled, below) (docs/import.md)"
        );
    }

    #[test]
    fn empirical_in_scenario_syntax() {
        let g = Gaps::new(vec![0, 1000, 40_000, 12 * MIN, 2 * 60 * MIN]);
        // n = 5: rank ceil(p * 5): 0.01..0.2 -> 1, 0.3..0.4 -> 2, 0.5..0.6 -> 3,
        // 0.7..0.8 -> 4, 0.9 and above -> 5.
        assert_eq!(
            g.empirical().as_deref(),
            Some(
                "Empirical(quantiles: [(0.0, \"0s\"), (0.01, \"0s\"), (0.05, \"0s\"), (0.1, \"0s\"), \
                 (0.2, \"0s\"), (0.3, \"1s\"), (0.4, \"1s\"), (0.5, \"40s\"), (0.6, \"40s\"), \
                 (0.7, \"12m\"), (0.8, \"12m\"), (0.9, \"2h\"), (0.95, \"2h\"), (0.99, \"2h\"), (1.0, \"2h\")])"
            )
        );
        assert_eq!(Gaps::default().empirical(), None);
    }

    /// The text reads back as RON with the rules of COMMON.md: probabilities
    /// strictly increasing from 0.0 to 1.0, durations non-decreasing.
    #[test]
    fn empirical_reads_back_as_ron() {
        #[derive(serde::Deserialize)]
        struct Empirical {
            quantiles: Vec<(f64, crate::model::duration::Dur)>,
        }
        let g = Gaps::new((0..1000).map(|i| i * i * 37).collect());
        let text = g.empirical().expect("gaps");
        let e: Empirical = ron::from_str(&text).expect("valid RON");
        let first = e.quantiles.first().map(|q| q.0);
        let last = e.quantiles.last().map(|q| q.0);
        assert_eq!((first, last), (Some(0.0), Some(1.0)));
        for pair in e.quantiles.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{text}");
            assert!(pair[0].1 <= pair[1].1, "{text}");
        }
        assert_eq!(
            e.quantiles[7],
            (0.5, crate::model::duration::Dur(499 * 499 * 37))
        );
    }
}
