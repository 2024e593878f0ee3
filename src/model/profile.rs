//! Behaviour profiles: how one kind of user spends a working day, as written in
//! the scenario file's `profiles` list. Every field has a default taken from
//! published measurements where there are some (see docs/generate.md), so
//! `Profile(name: "office")` is a complete office worker.

use serde::{Deserialize, Serialize};

use super::dist::{Count, Dist, Real};
use crate::model::Dur;
use crate::model::locate::{FieldPath, Seg};

/// A day of the week. Day 0 of a generated trace is a Monday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday .. 6 for Sunday: the day's number modulo 7.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One kind of user.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Referred to by `population: Generated([(profile: NAME, users: N)])`.
    pub name: String,
    /// The days worked; the others have no events.
    #[serde(default = "office_days")]
    pub days: Vec<Weekday>,
    /// Time of day the user sits down (after midnight; drawn once a day).
    #[serde(default = "office_arrival")]
    pub arrival: Dist<Dur>,
    /// From arrival to leaving, breaks included.
    #[serde(default = "office_day_length")]
    pub day_length: Dist<Dur>,
    /// What the user does at the desk, one task after another, chosen by weight.
    #[serde(default = "office_tasks")]
    pub tasks: Vec<Task>,
    /// Time away from the desk during the day.
    #[serde(default = "office_breaks")]
    pub breaks: Vec<Break>,
    #[serde(default)]
    pub end_of_day: EndOfDay,
    /// How many tabs of the app the user keeps, and when they open another.
    #[serde(default)]
    pub tabs: Tabs,
    /// Whether the user's computer is a laptop whose lid closes (it sleeps).
    #[serde(default)]
    pub device: Device,
}

/// Tabs of the app (SPEC revision 2). No study measures tabs of one app
/// (Firefox Test Pilot: 3.9-4.5 open tabs on average across all sites, a mean
/// maximum of about 11), so the defaults are assumptions; docs/generate.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tabs {
    /// The most tabs of the app open at once (1: one tab, as before revision 2).
    #[serde(default = "max_tabs")]
    pub max: u8,
    /// Chance that a task opens in a new tab (a record looked up beside a form).
    #[serde(default = "new_tab")]
    pub new_tab: Real,
    /// Chance that a task goes back to another open tab instead.
    #[serde(default = "switch_back")]
    pub switch_back: Real,
    /// Chance that a finished task's tab is closed (when another stays open).
    #[serde(default = "close_when_done")]
    pub close_when_done: Real,
}

fn max_tabs() -> u8 {
    3
}
fn new_tab() -> Real {
    Real(0.25)
}
fn switch_back() -> Real {
    Real(0.2)
}
fn close_when_done() -> Real {
    Real(0.5)
}

impl Default for Tabs {
    fn default() -> Self {
        Tabs {
            max: max_tabs(),
            new_tab: new_tab(),
            switch_back: switch_back(),
            close_when_done: close_when_done(),
        }
    }
}

/// The user's computer. A laptop's lid closes over breaks of at least
/// `sleep_after` (lunch, meetings) and at night, instead of the browser
/// being quit; other computers stay awake and follow `end_of_day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// Share of the profile's users on laptops that sleep.
    #[serde(default = "laptops")]
    pub laptops: Real,
    /// A break this long or longer puts a laptop to sleep (its lid closed, or
    /// the power plan's idle sleep).
    #[serde(default = "sleep_after")]
    pub sleep_after: Dur,
}

fn laptops() -> Real {
    Real(0.5)
}
fn sleep_after() -> Dur {
    Dur::mins(15)
}

impl Default for Device {
    fn default() -> Self {
        Device {
            laptops: laptops(),
            sleep_after: sleep_after(),
        }
    }
}

/// A piece of work. Each draws the gap before each of its events from `think`
/// (or `scroll`), so a task's first event also waits one think time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Task {
    /// Page views, each followed by some requests (clicks that call the API).
    Browse {
        #[serde(default = "one")]
        weight: Real,
        #[serde(default = "browse_pages")]
        pages: Dist<Count>,
        #[serde(default = "browse_requests")]
        requests_per_page: Dist<Count>,
        #[serde(default = "think_time")]
        think: Dist<Dur>,
    },
    /// A form: a view, `edits` inputs (unsaved work), a submit.
    Form {
        #[serde(default = "one")]
        weight: Real,
        #[serde(default = "form_edits")]
        edits: Dist<Count>,
        #[serde(default = "form_think")]
        think: Dist<Dur>,
    },
    /// Reading the open page: only `activity` (scrolling, mouse moves) for `length`.
    Read {
        #[serde(default = "one")]
        weight: Real,
        #[serde(default = "read_length")]
        length: Dist<Dur>,
        #[serde(default = "read_scroll")]
        scroll: Dist<Dur>,
    },
    /// A single-page app: requests only, no page loads.
    Spa {
        #[serde(default = "one")]
        weight: Real,
        #[serde(default = "spa_requests")]
        requests: Dist<Count>,
        #[serde(default = "quick_clicks")]
        think: Dist<Dur>,
    },
}

impl Task {
    pub fn weight(&self) -> Real {
        match self {
            Task::Browse { weight, .. }
            | Task::Form { weight, .. }
            | Task::Read { weight, .. }
            | Task::Spa { weight, .. } => *weight,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Task::Browse { .. } => "Browse",
            Task::Form { .. } => "Form",
            Task::Read { .. } => "Read",
            Task::Spa { .. } => "Spa",
        }
    }

    /// The distributions of the task, each with its field name: counts, then gaps.
    fn counts(&self) -> Vec<(&'static str, &Dist<Count>)> {
        match self {
            Task::Browse {
                pages,
                requests_per_page,
                ..
            } => vec![("pages", pages), ("requests_per_page", requests_per_page)],
            Task::Form { edits, .. } => vec![("edits", edits)],
            Task::Read { .. } => vec![],
            Task::Spa { requests, .. } => vec![("requests", requests)],
        }
    }

    fn durations(&self) -> Vec<(&'static str, &Dist<Dur>, bool)> {
        // (field, distribution, whether it is a gap between events)
        match self {
            Task::Browse { think, .. } | Task::Form { think, .. } | Task::Spa { think, .. } => {
                vec![("think", think, true)]
            }
            Task::Read { length, scroll, .. } => {
                vec![("length", length, false), ("scroll", scroll, true)]
            }
        }
    }
}

/// Time away from the desk. A break interrupts whatever the user is doing;
/// the task goes on where it stopped when they come back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Break {
    /// At random moments of the day: `per_day` on average (a Poisson process
    /// over the time between arrival and leaving).
    Random {
        #[serde(default)]
        name: String,
        per_day: Real,
        length: Dist<Dur>,
    },
    /// Once a day at a time of day (lunch), with probability `chance`.
    Daily {
        #[serde(default)]
        name: String,
        at: Dist<Dur>,
        length: Dist<Dur>,
        #[serde(default = "one")]
        chance: Real,
    },
}

/// The most tabs of the app a generated user keeps open at once.
pub const MAX_TABS: u8 = 64;

/// The most random breaks a day may average: more is not a break but a way of working.
pub const MAX_BREAKS_PER_DAY: f64 = 1000.0;

/// What happens to the browser when the user goes home.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum EndOfDay {
    /// A `close` at leaving time (discarding unsaved edits, the user's choice).
    CloseBrowser,
    /// The tab stays open overnight; an unfinished task goes on the next working day.
    LeaveOpen,
    /// Closed on this share of days, left open on the others.
    Mixed { close_browser: Real },
}

impl Default for EndOfDay {
    fn default() -> Self {
        EndOfDay::Mixed {
            close_browser: Real(0.5),
        }
    }
}

impl EndOfDay {
    /// The probability of closing the browser at the end of a day.
    pub fn close_probability(self) -> f64 {
        match self {
            EndOfDay::CloseBrowser => 1.0,
            EndOfDay::LeaveOpen => 0.0,
            EndOfDay::Mixed { close_browser } => close_browser.0,
        }
    }
}

// ---- Defaults. Sources are in docs/generate.md. ----

fn one() -> Real {
    Real(1.0)
}

fn office_days() -> Vec<Weekday> {
    Weekday::ALL[..5].to_vec()
}

fn office_arrival() -> Dist<Dur> {
    Dist::Normal {
        mean: Dur::hours(9),
        sd: Dur::mins(30),
        cap: None,
    }
}

fn office_day_length() -> Dist<Dur> {
    Dist::Normal {
        mean: Dur::mins(8 * 60 + 30),
        sd: Dur::mins(45),
        cap: Some(Dur::hours(12)),
    }
}

/// TPC-W's think time: negative-exponential, mean 7 s, at most 70 s.
pub fn quick_clicks() -> Dist<Dur> {
    Dist::Exponential {
        mean: Dur::secs(7),
        cap: Some(Dur::secs(70)),
    }
}

/// The heavy tail of user think time (Crovella & Bestavros 1997): Pareto with
/// alpha 1.5 above 30 s. Capped at 2 h, beyond which a pause is a break.
pub fn pareto_pauses() -> Dist<Dur> {
    Dist::Pareto {
        scale: Dur::secs(30),
        alpha: Real(1.5),
        cap: Some(Dur::hours(2)),
    }
}

/// Quick clicks most of the time, a heavy-tailed pause one time in five.
pub fn think_time() -> Dist<Dur> {
    Dist::Mixture(vec![
        (Real(0.8), quick_clicks()),
        (Real(0.2), pareto_pauses()),
    ])
}

/// Time to fill in one field: about 15 s, sometimes a long pause.
fn form_think() -> Dist<Dur> {
    Dist::Mixture(vec![
        (
            Real(0.85),
            Dist::LogNormal {
                median: Dur::secs(15),
                sigma: Real(0.8),
                cap: Some(Dur::mins(10)),
            },
        ),
        (Real(0.15), pareto_pauses()),
    ])
}

fn browse_pages() -> Dist<Count> {
    Dist::LogNormal {
        median: Count(4),
        sigma: Real(0.8),
        cap: Some(Count(100)),
    }
}

fn browse_requests() -> Dist<Count> {
    Dist::Uniform {
        min: Count(0),
        max: Count(2),
    }
}

fn form_edits() -> Dist<Count> {
    Dist::LogNormal {
        median: Count(12),
        sigma: Real(0.7),
        cap: Some(Count(200)),
    }
}

/// Dwell time on a page: Weibull with shape below 1 (Liu, White & Dumais 2010).
fn read_length() -> Dist<Dur> {
    Dist::Weibull {
        scale: Dur::mins(2),
        shape: Real(0.7),
        cap: Some(Dur::hours(1)),
    }
}

fn read_scroll() -> Dist<Dur> {
    Dist::Exponential {
        mean: Dur::secs(15),
        cap: Some(Dur::mins(2)),
    }
}

fn spa_requests() -> Dist<Count> {
    Dist::LogNormal {
        median: Count(8),
        sigma: Real(0.8),
        cap: Some(Count(500)),
    }
}

fn office_tasks() -> Vec<Task> {
    vec![
        Task::Browse {
            weight: Real(4.0),
            pages: browse_pages(),
            requests_per_page: browse_requests(),
            think: think_time(),
        },
        Task::Form {
            weight: Real(2.0),
            edits: form_edits(),
            think: form_think(),
        },
        Task::Read {
            weight: Real(3.0),
            length: read_length(),
            scroll: read_scroll(),
        },
        Task::Spa {
            weight: Real(1.0),
            requests: spa_requests(),
            think: quick_clicks(),
        },
    ]
}

fn office_breaks() -> Vec<Break> {
    vec![
        Break::Random {
            name: "coffee".into(),
            per_day: Real(2.0),
            length: Dist::LogNormal {
                median: Dur::mins(10),
                sigma: Real(0.4),
                cap: Some(Dur::mins(30)),
            },
        },
        Break::Random {
            name: "meeting".into(),
            per_day: Real(0.75),
            length: Dist::Uniform {
                min: Dur::mins(30),
                max: Dur::hours(1),
            },
        },
        Break::Daily {
            name: "lunch".into(),
            at: Dist::Normal {
                mean: Dur::mins(12 * 60 + 30),
                sd: Dur::mins(20),
                cap: None,
            },
            length: Dist::Normal {
                mean: Dur::mins(45),
                sd: Dur::mins(10),
                cap: Some(Dur::hours(2)),
            },
            chance: Real(0.9),
        },
    ]
}

impl Profile {
    /// An office worker with every default.
    pub fn office(name: impl Into<String>) -> Profile {
        Profile {
            name: name.into(),
            days: office_days(),
            arrival: office_arrival(),
            day_length: office_day_length(),
            tasks: office_tasks(),
            breaks: office_breaks(),
            end_of_day: EndOfDay::default(),
            tabs: Tabs::default(),
            device: Device::default(),
        }
    }

    /// Every rule the profile breaks, with the path of the field (relative to
    /// the profile) and a message that names the field.
    pub fn problems(&self) -> Vec<(FieldPath, String)> {
        let mut out = Vec::new();
        if let Some(why) = name_problem(&self.name) {
            out.push((vec![Seg::Field("name")], format!("profile name {why}")));
        }
        if self.days.is_empty() {
            out.push((
                vec![Seg::Field("days")],
                "days is empty: list the days worked, e.g. [Mon, Tue, Wed, Thu, Fri]".into(),
            ));
        }
        for (i, day) in self.days.iter().enumerate() {
            if self.days[..i].contains(day) {
                out.push((
                    vec![Seg::Field("days"), Seg::Index(i)],
                    format!("{day:?} is listed twice in days"),
                ));
            }
        }
        dist_problems(&[Seg::Field("arrival")], &self.arrival, &mut out);
        dist_problems(&[Seg::Field("day_length")], &self.day_length, &mut out);
        self.task_problems(&mut out);
        self.break_problems(&mut out);
        if let EndOfDay::Mixed { close_browser } = self.end_of_day {
            probability_problem(
                &[Seg::Field("end_of_day"), Seg::Field("close_browser")],
                close_browser,
                &mut out,
            );
        }
        self.tab_and_device_problems(&mut out);
        out
    }

    fn tab_and_device_problems(&self, out: &mut Vec<(FieldPath, String)>) {
        let tabs = |field: &'static str| vec![Seg::Field("tabs"), Seg::Field(field)];
        if !(1..=MAX_TABS).contains(&self.tabs.max) {
            out.push((
                tabs("max"),
                format!(
                    "tabs.max must be from 1 to {MAX_TABS}, found {}",
                    self.tabs.max
                ),
            ));
        }
        for (field, p) in [
            ("new_tab", self.tabs.new_tab),
            ("switch_back", self.tabs.switch_back),
            ("close_when_done", self.tabs.close_when_done),
        ] {
            probability_problem(&tabs(field), p, out);
        }
        if self.tabs.new_tab.0 + self.tabs.switch_back.0 > 1.0 {
            out.push((
                tabs("switch_back"),
                format!(
                    "tabs.new_tab + tabs.switch_back must be at most 1 (a task opens in a new tab, goes back to another, or stays), found {} + {}",
                    self.tabs.new_tab, self.tabs.switch_back
                ),
            ));
        }
        probability_problem(
            &[Seg::Field("device"), Seg::Field("laptops")],
            self.device.laptops,
            out,
        );
        if self.device.sleep_after == Dur(0) {
            out.push((
                vec![Seg::Field("device"), Seg::Field("sleep_after")],
                "device.sleep_after must be longer than 0".into(),
            ));
        }
    }

    fn task_problems(&self, out: &mut Vec<(FieldPath, String)>) {
        if self.tasks.is_empty() {
            out.push((
                vec![Seg::Field("tasks")],
                "tasks is empty: a profile needs at least one task".into(),
            ));
        }
        let mut total = 0.0;
        for (i, task) in self.tasks.iter().enumerate() {
            let at =
                |field: &'static str| vec![Seg::Field("tasks"), Seg::Index(i), Seg::Field(field)];
            let weight = task.weight();
            if weight.0.is_finite() && weight.0 >= 0.0 {
                total += weight.0;
            } else {
                out.push((
                    at("weight"),
                    format!("weight must be a number of at least 0, found {weight}"),
                ));
            }
            for (field, dist) in task.counts() {
                dist_problems(&at(field), dist, out);
            }
            for (field, dist, is_gap) in task.durations() {
                dist_problems(&at(field), dist, out);
                if is_gap && dist.always_zero() {
                    out.push((
                        at(field),
                        format!(
                            "every {field} time is 0, so the {} task's events would never let time pass; use at least 1ms",
                            task.kind_name()
                        ),
                    ));
                }
            }
        }
        if !self.tasks.is_empty() && total <= 0.0 {
            out.push((
                vec![Seg::Field("tasks")],
                "every task has weight 0: give at least one a weight more than 0".into(),
            ));
        }
    }

    fn break_problems(&self, out: &mut Vec<(FieldPath, String)>) {
        for (i, b) in self.breaks.iter().enumerate() {
            let at =
                |field: &'static str| vec![Seg::Field("breaks"), Seg::Index(i), Seg::Field(field)];
            match b {
                Break::Random {
                    per_day, length, ..
                } => {
                    if !(per_day.0.is_finite() && (0.0..=MAX_BREAKS_PER_DAY).contains(&per_day.0)) {
                        out.push((
                            at("per_day"),
                            format!(
                                "per_day must be a number from 0 to {MAX_BREAKS_PER_DAY}, found {per_day}"
                            ),
                        ));
                    }
                    dist_problems(&at("length"), length, out);
                }
                Break::Daily {
                    at: time,
                    length,
                    chance,
                    ..
                } => {
                    dist_problems(&at("at"), time, out);
                    dist_problems(&at("length"), length, out);
                    probability_problem(&at("chance"), *chance, out);
                }
            }
        }
    }
}

/// Why a profile or group name cannot name users in a trace, if it cannot.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("must not be empty")
    } else if name.trim() != name {
        Some("must not start or end with spaces (trace files trim them)")
    } else if name.chars().any(char::is_control) {
        Some("must not contain line breaks or other control characters")
    } else {
        None
    }
}

fn probability_problem(path: &[Seg], p: Real, out: &mut Vec<(FieldPath, String)>) {
    if !(0.0..=1.0).contains(&p.0) {
        let field = match path.last() {
            Some(Seg::Field(f)) => *f,
            _ => "probability",
        };
        out.push((
            path.to_vec(),
            format!("{field} is a probability: a number from 0 to 1, found {p}"),
        ));
    }
}

/// A distribution's problems, each prefixed with `path` and named by it.
fn dist_problems<Q: super::dist::Quantity>(
    path: &[Seg],
    dist: &Dist<Q>,
    out: &mut Vec<(FieldPath, String)>,
) {
    for (rest, message) in dist.problems() {
        let mut full = path.to_vec();
        full.extend(rest);
        out.push((full, format!("{}: {message}", path_text(path))));
    }
}

/// `tasks[1].think` for a path, to name a field in a message.
pub fn path_text(path: &[Seg]) -> String {
    let mut text = String::new();
    for seg in path {
        match seg {
            Seg::Field(f) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(f);
            }
            Seg::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scenario::ron_options;

    #[test]
    fn a_name_alone_is_a_complete_office_worker() {
        let p: Profile = ron_options()
            .from_str(r#"Profile(name: "office")"#)
            .expect("parses");
        assert_eq!(p, Profile::office("office"));
        assert!(p.problems().is_empty(), "{:?}", p.problems());
    }

    #[test]
    fn tasks_and_breaks_read_with_defaults() {
        let p: Profile = ron_options()
            .from_str(
                r#"Profile(
                    name: "clerk",
                    days: [Mon, Wed],
                    tasks: [Browse(), Form(weight: 3, edits: Constant(5)), Read(length: Constant("1m")), Spa(weight: 0.5)],
                    breaks: [
                        Random(name: "coffee", per_day: 2, length: Constant("10m")),
                        Daily(at: Constant("12h"), length: Constant("1h")),
                    ],
                    end_of_day: Mixed(close_browser: 0.25),
                )"#,
            )
            .expect("parses");
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        assert_eq!(p.tasks.len(), 4);
        assert_eq!(p.tasks[1].weight(), Real(3.0));
        assert_eq!(p.tasks[0].weight(), Real(1.0));
        assert!(matches!(
            p.breaks[1],
            Break::Daily {
                chance: Real(1.0),
                ..
            }
        ));
        assert_eq!(p.end_of_day.close_probability(), 0.25);
    }

    #[test]
    fn problems_name_the_field() {
        let p: Profile = ron_options()
            .from_str(
                r#"Profile(
                    name: " x",
                    days: [Mon, Mon],
                    tasks: [Form(weight: -1, think: Constant("0s")), Read(length: LogNormal(median: "1m", sigma: -2))],
                    breaks: [Random(per_day: 5000, length: Constant("1m")), Daily(at: Constant("12h"), length: Constant("1h"), chance: 2)],
                    end_of_day: Mixed(close_browser: 1.5),
                )"#,
            )
            .expect("parses");
        let problems = p.problems();
        let texts: Vec<String> = problems
            .iter()
            .map(|(path, m)| format!("{}: {m}", path_text(path)))
            .collect();
        assert_eq!(
            texts,
            [
                "name: profile name must not start or end with spaces (trace files trim them)",
                "days[1]: Mon is listed twice in days",
                "tasks[0].weight: weight must be a number of at least 0, found -1",
                "tasks[0].think: every think time is 0, so the Form task's events would never let time pass; use at least 1ms",
                "tasks[1].length.sigma: tasks[1].length: sigma must be a number of at least 0, found -2",
                "breaks[0].per_day: per_day must be a number from 0 to 1000, found 5000",
                "breaks[1].chance: chance is a probability: a number from 0 to 1, found 2",
                "end_of_day.close_browser: close_browser is a probability: a number from 0 to 1, found 1.5",
            ]
        );
    }
}
