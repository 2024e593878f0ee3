//! One user's working days, event by event.
//!
//! Each working day the user arrives, does tasks one after another (each
//! event after a think time), is interrupted by breaks, and leaves. A break
//! stops the clock of the task in progress: the event that was due when the
//! break began comes that much later, and the user's return shows as an
//! `activity` (a mouse move waking the screen). At the end of the day the
//! browser is closed (the task is abandoned) or left open (the task goes on
//! the next working day, after an `activity` at arrival).
//!
//! Tabs and devices (SPEC revision 2) are drawn from a second stream of the
//! user's, so that they add to the day without moving its events: a task
//! may open in a new tab or go back to another, a finished task's extra tab
//! may be closed, and a laptop sleeps over long breaks and at night instead
//! of its browser being quit.

use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{Rng, RngExt as _};
use rand_distr::Exp1;

use super::sampler::Sampler;
use crate::model::profile::{Break, EndOfDay, Profile, Tabs, Task};
use crate::model::{Event, EventKind};

pub const DAY_MS: u64 = 86_400_000;

/// A profile with every distribution turned into a sampler.
#[derive(Clone, Debug)]
pub struct Plan {
    works: [bool; 7],
    arrival: Sampler,
    day_length: Sampler,
    tasks: Vec<PlannedTask>,
    choose_task: WeightedIndex<f64>,
    breaks: Vec<PlannedBreak>,
    close_probability: f64,
    tabs: Tabs,
    laptops: f64,
    sleep_after: u64,
}

#[derive(Clone, Debug)]
enum PlannedTask {
    Browse {
        pages: Sampler,
        requests_per_page: Sampler,
        think: Sampler,
    },
    Form {
        edits: Sampler,
        think: Sampler,
    },
    Read {
        length: Sampler,
        scroll: Sampler,
    },
    Spa {
        requests: Sampler,
        think: Sampler,
    },
}

#[derive(Clone, Debug)]
enum PlannedBreak {
    Random {
        per_day: f64,
        length: Sampler,
    },
    Daily {
        at: Sampler,
        length: Sampler,
        chance: f64,
    },
}

impl Plan {
    /// Fails (with the first problem) only on a profile that validation refuses.
    pub fn new(profile: &Profile) -> Result<Plan, String> {
        let mut works = [false; 7];
        for day in &profile.days {
            works[day.index()] = true;
        }
        let tasks = profile
            .tasks
            .iter()
            .map(|task| {
                Ok(match task {
                    Task::Browse {
                        pages,
                        requests_per_page,
                        think,
                        ..
                    } => PlannedTask::Browse {
                        pages: pages.sampler()?,
                        requests_per_page: requests_per_page.sampler()?,
                        think: think.sampler()?,
                    },
                    Task::Form { edits, think, .. } => PlannedTask::Form {
                        edits: edits.sampler()?,
                        think: think.sampler()?,
                    },
                    Task::Read { length, scroll, .. } => PlannedTask::Read {
                        length: length.sampler()?,
                        scroll: scroll.sampler()?,
                    },
                    Task::Spa {
                        requests, think, ..
                    } => PlannedTask::Spa {
                        requests: requests.sampler()?,
                        think: think.sampler()?,
                    },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let choose_task = WeightedIndex::new(profile.tasks.iter().map(|t| t.weight().0))
            .map_err(|e| format!("task weights: {e}"))?;
        let breaks = profile
            .breaks
            .iter()
            .map(|b| {
                Ok(match b {
                    Break::Random {
                        per_day, length, ..
                    } => PlannedBreak::Random {
                        per_day: per_day.0,
                        length: length.sampler()?,
                    },
                    Break::Daily {
                        at, length, chance, ..
                    } => PlannedBreak::Daily {
                        at: at.sampler()?,
                        length: length.sampler()?,
                        chance: chance.0,
                    },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let close_probability = match profile.end_of_day {
            EndOfDay::Mixed { close_browser } if !(0.0..=1.0).contains(&close_browser.0) => {
                return Err(format!(
                    "close_browser {close_browser} is not a probability"
                ));
            }
            end => end.close_probability(),
        };
        Ok(Plan {
            works,
            arrival: profile.arrival.sampler()?,
            day_length: profile.day_length.sampler()?,
            tasks,
            choose_task,
            breaks,
            close_probability,
            tabs: profile.tabs,
            laptops: profile.device.laptops.0,
            sleep_after: profile.device.sleep_after.0,
        })
    }
}

impl Plan {
    /// The first `Read` task's samplers, (length, scroll gap): how the
    /// profile's users read a page ([`super::fill`] reuses them).
    pub fn reading(&self) -> Option<(&Sampler, &Sampler)> {
        self.tasks.iter().find_map(|t| match t {
            PlannedTask::Read { length, scroll } => Some((length, scroll)),
            _ => None,
        })
    }

    /// The first `Form` task's samplers, (edits, think): how the profile's
    /// users fill in a form.
    pub fn typing(&self) -> Option<(&Sampler, &Sampler)> {
        self.tasks.iter().find_map(|t| match t {
            PlannedTask::Form { edits, think } => Some((edits, think)),
            _ => None,
        })
    }
}

/// Why a user's generation stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Halt {
    /// The next event would be at or after the horizon: the normal end.
    Horizon,
    /// The user has more events than `limit`.
    TooMany,
}

/// Where a user's events go (appended to `events`), with the page state the
/// generator needs.
pub struct Writer<'a> {
    events: &'a mut Vec<Event>,
    horizon: u64,
    /// `events` may not grow to this length.
    full_at: usize,
    /// Bit `t` set: tab `t` has a page open.
    open_tabs: u64,
    /// The tab the user works in.
    tab: u8,
    asleep: bool,
}

impl<'a> Writer<'a> {
    /// Appends below `horizon`, at most `limit` events.
    pub fn new(events: &'a mut Vec<Event>, horizon: u64, limit: usize) -> Self {
        let full_at = events.len().saturating_add(limit);
        Writer {
            events,
            horizon,
            full_at,
            open_tabs: 0,
            tab: 0,
            asleep: false,
        }
    }

    /// An event in the current tab (or of the device).
    #[inline]
    fn emit(&mut self, time: u64, kind: EventKind) -> Result<(), Halt> {
        if time >= self.horizon {
            return Err(Halt::Horizon);
        }
        if self.events.len() >= self.full_at {
            return Err(Halt::TooMany);
        }
        self.events.push(Event::with_tab(time, kind, self.tab));
        let bit = 1u64 << self.tab;
        match kind {
            EventKind::Close => self.open_tabs &= !bit,
            EventKind::Sleep => self.asleep = true,
            EventKind::Wake => self.asleep = false,
            _ => self.open_tabs |= bit,
        }
        Ok(())
    }

    /// Whether the current tab has a page open.
    #[inline]
    fn page_open(&self) -> bool {
        self.open_tabs >> self.tab & 1 != 0
    }

    fn open_count(&self) -> u32 {
        self.open_tabs.count_ones()
    }

    /// The device wakes, if it sleeps.
    fn wake(&mut self, time: u64) -> Result<(), Halt> {
        if self.asleep {
            self.emit(time, EventKind::Wake)?;
        }
        Ok(())
    }

    /// The browser quits: every open tab closes, lowest first.
    fn quit_browser(&mut self, time: u64) -> Result<(), Halt> {
        while self.open_tabs != 0 {
            self.tab = self.open_tabs.trailing_zeros() as u8;
            self.emit(time, EventKind::Close)?;
        }
        self.tab = 0;
        Ok(())
    }
}

/// A user's tab and device habits, drawn from their second stream.
pub struct Habits<R> {
    rng: R,
    /// A laptop that sleeps over long breaks and at night.
    laptop: bool,
}

impl<R: Rng> Habits<R> {
    pub fn new(plan: &Plan, mut rng: R) -> Self {
        let laptop = rng.random::<f64>() < plan.laptops;
        Habits { rng, laptop }
    }

    /// A new task: in the tab at hand, in a new tab, or back in another open one.
    fn choose_tab(&mut self, plan: &Plan, out: &mut Writer) {
        let open = out.open_count();
        if open == 0 {
            out.tab = 0;
            return;
        }
        if plan.tabs.max <= 1 {
            return;
        }
        let r: f64 = self.rng.random();
        if r < plan.tabs.new_tab.0 && open < u32::from(plan.tabs.max) {
            out.tab = (!out.open_tabs).trailing_zeros() as u8;
        } else if r < plan.tabs.new_tab.0 + plan.tabs.switch_back.0 && open >= 2 {
            let others = out.open_tabs & !(1u64 << out.tab);
            let pick = self.rng.random_range(0..others.count_ones());
            out.tab = nth_set_bit(others, pick);
        }
    }

    /// A task is done: its tab may be closed when another stays open.
    fn finish_task(&mut self, plan: &Plan, out: &mut Writer, at: u64) -> Result<(), Halt> {
        if out.open_count() >= 2
            && out.page_open()
            && self.rng.random::<f64>() < plan.tabs.close_when_done.0
        {
            out.emit(at, EventKind::Close)?;
            out.tab = out.open_tabs.trailing_zeros() as u8;
        }
        Ok(())
    }

    /// Whether a break of `length` puts the device to sleep.
    fn sleeps_through(&self, plan: &Plan, length: u64) -> bool {
        self.laptop && length >= plan.sleep_after
    }
}

/// The position of the `n`-th set bit of `bits` (counting from 0).
fn nth_set_bit(mut bits: u64, n: u32) -> u8 {
    for _ in 0..n {
        bits &= bits - 1;
    }
    bits.trailing_zeros() as u8
}

/// The task in progress: what is left of it.
#[derive(Clone, Copy, Debug)]
enum Doing {
    Browse {
        task: usize,
        pages_left: u64,
        requests_left: u64,
    },
    Form {
        task: usize,
        viewed: bool,
        edits_left: u64,
        submitted: bool,
    },
    Read {
        task: usize,
        left_ms: u64,
    },
    Spa {
        task: usize,
        requests_left: u64,
    },
}

impl Doing {
    fn start<R: Rng>(plan: &Plan, rng: &mut R) -> Doing {
        let task = plan.choose_task.sample(rng);
        match &plan.tasks[task] {
            PlannedTask::Browse { pages, .. } => Doing::Browse {
                task,
                pages_left: pages.sample(rng).max(1),
                requests_left: 0,
            },
            PlannedTask::Form { edits, .. } => Doing::Form {
                task,
                viewed: false,
                edits_left: edits.sample(rng),
                submitted: false,
            },
            PlannedTask::Read { length, .. } => Doing::Read {
                task,
                left_ms: length.sample(rng).max(1),
            },
            PlannedTask::Spa { requests, .. } => Doing::Spa {
                task,
                requests_left: requests.sample(rng).max(1),
            },
        }
    }

    /// The task's next event, or `None` when it is finished.
    #[inline]
    fn next(&self) -> Option<EventKind> {
        match *self {
            Doing::Browse {
                pages_left,
                requests_left,
                ..
            } => {
                if requests_left > 0 {
                    Some(EventKind::Request)
                } else if pages_left > 0 {
                    Some(EventKind::View)
                } else {
                    None
                }
            }
            Doing::Form {
                viewed,
                edits_left,
                submitted,
                ..
            } => {
                if !viewed {
                    Some(EventKind::View)
                } else if edits_left > 0 {
                    Some(EventKind::Input)
                } else if !submitted {
                    Some(EventKind::Submit)
                } else {
                    None
                }
            }
            Doing::Read { left_ms, .. } => (left_ms > 0).then_some(EventKind::Activity),
            Doing::Spa { requests_left, .. } => (requests_left > 0).then_some(EventKind::Request),
        }
    }

    /// The distribution of the gap before the task's next event.
    #[inline]
    fn gap<'p>(&self, plan: &'p Plan) -> &'p Sampler {
        let task = match *self {
            Doing::Browse { task, .. }
            | Doing::Form { task, .. }
            | Doing::Read { task, .. }
            | Doing::Spa { task, .. } => task,
        };
        match &plan.tasks[task] {
            PlannedTask::Browse { think, .. }
            | PlannedTask::Form { think, .. }
            | PlannedTask::Spa { think, .. } => think,
            PlannedTask::Read { scroll, .. } => scroll,
        }
    }

    /// Records that the next event happened, `gap` after the one before.
    #[inline]
    fn advance<R: Rng>(&mut self, plan: &Plan, gap: u64, rng: &mut R) {
        match self {
            Doing::Browse {
                task,
                pages_left,
                requests_left,
            } => {
                if *requests_left > 0 {
                    *requests_left -= 1;
                } else {
                    *pages_left -= 1;
                    if let PlannedTask::Browse {
                        requests_per_page, ..
                    } = &plan.tasks[*task]
                    {
                        *requests_left = requests_per_page.sample(rng);
                    }
                }
            }
            Doing::Form {
                viewed,
                edits_left,
                submitted,
                ..
            } => {
                if !*viewed {
                    *viewed = true;
                } else if *edits_left > 0 {
                    *edits_left -= 1;
                } else {
                    *submitted = true;
                }
            }
            Doing::Read { left_ms, .. } => *left_ms = left_ms.saturating_sub(gap),
            Doing::Spa { requests_left, .. } => *requests_left -= 1,
        }
    }
}

/// The clock of one working day: where the user is, and the breaks to come.
struct Day<'b> {
    /// The time of the user's latest event (or arrival, or return from a break).
    last: u64,
    leave: u64,
    /// (start, length), sorted by start.
    breaks: &'b [(u64, u64)],
    next_break: usize,
}

/// How a gap ended.
enum Next {
    At(u64),
    /// The day ended first; `away` when the user was on a break at leaving time.
    DayOver {
        away: bool,
    },
}

impl Day<'_> {
    /// The time of an event due `gap` after the last, taking breaks into account.
    #[inline]
    fn after<R: Rng>(
        &mut self,
        gap: u64,
        out: &mut Writer,
        plan: &Plan,
        habits: &Habits<R>,
    ) -> Result<Next, Halt> {
        let mut due = self.last.saturating_add(gap);
        while let Some(&(start, length)) = self.breaks.get(self.next_break) {
            if start > due {
                break;
            }
            self.next_break += 1;
            // The user walks away at the break's start (or right away, when an
            // earlier break ran past it) and comes back `length` later.
            let away_from = start.max(self.last);
            let back = away_from.saturating_add(length);
            let sleeps = habits.sleeps_through(plan, length);
            if sleeps {
                out.emit(away_from, EventKind::Sleep)?;
            }
            if back >= self.leave {
                return Ok(Next::DayOver { away: true });
            }
            if sleeps {
                out.emit(back, EventKind::Wake)?;
            }
            if out.page_open() {
                out.emit(back, EventKind::Activity)?;
            }
            self.last = back;
            due = due.saturating_add(length);
        }
        if due >= self.leave {
            return Ok(Next::DayOver { away: false });
        }
        self.last = due;
        Ok(Next::At(due))
    }
}

/// Writes one user's events, in time order, below the writer's horizon.
/// `breaks` is scratch space, reused between users.
pub fn user_events<R: Rng, H: Rng>(
    plan: &Plan,
    rng: &mut R,
    habits: &mut Habits<H>,
    out: &mut Writer,
    breaks: &mut Vec<(u64, u64)>,
) -> Result<(), Halt> {
    match working_days(plan, rng, habits, out, breaks) {
        Err(Halt::TooMany) => Err(Halt::TooMany),
        Ok(()) | Err(Halt::Horizon) => Ok(()),
    }
}

fn working_days<R: Rng, H: Rng>(
    plan: &Plan,
    rng: &mut R,
    habits: &mut Habits<H>,
    out: &mut Writer,
    breaks: &mut Vec<(u64, u64)>,
) -> Result<(), Halt> {
    let mut doing: Option<Doing> = None;
    // Nobody arrives before they left the day before (a day longer than 24 h).
    let mut free_from = 0u64;
    for day in 0..out.horizon.div_ceil(DAY_MS) {
        if !plan.works[(day % 7) as usize] {
            continue;
        }
        let midnight = day * DAY_MS;
        let arrive = (midnight + plan.arrival.sample(rng).min(DAY_MS - 1)).max(free_from);
        let leave = arrive.saturating_add(plan.day_length.sample(rng));
        free_from = leave;
        if arrive >= out.horizon {
            return Err(Halt::Horizon);
        }
        plan_breaks(plan, rng, midnight, arrive, leave, breaks);
        let mut clock = Day {
            last: arrive,
            leave,
            breaks: breaks.as_slice(),
            next_break: 0,
        };
        out.wake(arrive)?;
        if out.page_open() {
            // The tab was left open: the user wakes the screen.
            out.emit(arrive, EventKind::Activity)?;
        }
        let away = loop {
            let task = match doing.as_mut() {
                Some(task) => task,
                None => {
                    habits.choose_tab(plan, out);
                    doing.insert(Doing::start(plan, rng))
                }
            };
            let Some(kind) = task.next() else {
                doing = None;
                habits.finish_task(plan, out, clock.last)?;
                continue;
            };
            let gap = task.gap(plan).sample(rng);
            match clock.after(gap, out, plan, habits)? {
                Next::At(time) => {
                    out.emit(time, kind)?;
                    task.advance(plan, gap, rng);
                }
                Next::DayOver { away } => break away,
            }
        };
        // Someone still on a break at leaving time does not come back to close.
        let closes = !away && out.page_open() && rng.random::<f64>() < plan.close_probability;
        if habits.laptop {
            // A laptop's lid closes for the night, the browser left as it is
            // (already asleep if the user left from a long break).
            if !out.asleep {
                out.emit(leave, EventKind::Sleep)?;
            }
        } else if closes {
            out.quit_browser(leave)?;
            doing = None;
        }
    }
    Ok(())
}

/// The day's breaks between arrival and leaving, sorted by start.
fn plan_breaks<R: Rng>(
    plan: &Plan,
    rng: &mut R,
    midnight: u64,
    arrive: u64,
    leave: u64,
    out: &mut Vec<(u64, u64)>,
) {
    out.clear();
    let span = (leave - arrive) as f64;
    for b in &plan.breaks {
        match b {
            PlannedBreak::Random { per_day, length } => {
                if *per_day <= 0.0 || span <= 0.0 {
                    continue;
                }
                // A Poisson process: exponential gaps, `per_day` expected per day.
                let mean_gap = span / per_day;
                let mut at = 0.0;
                loop {
                    let step: f64 = Exp1.sample(rng);
                    at += step * mean_gap;
                    if at >= span {
                        break;
                    }
                    out.push((arrive + at as u64, length.sample(rng)));
                }
            }
            PlannedBreak::Daily { at, length, chance } => {
                if rng.random::<f64>() < *chance {
                    let start = midnight.saturating_add(at.sample(rng));
                    let length = length.sample(rng);
                    if (arrive..leave).contains(&start) {
                        out.push((start, length));
                    }
                }
            }
        }
    }
    // Sorting on the whole pair gives one order whatever the sort algorithm.
    out.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    fn office_events(horizon: u64, limit: usize) -> (Result<(), Halt>, Vec<Event>) {
        let plan = Plan::new(&Profile::office("office")).expect("the defaults are valid");
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut habits = Habits::new(&plan, Xoshiro256PlusPlus::seed_from_u64(2));
        let mut events = vec![Event::new(0, EventKind::View)]; // an earlier user's
        let mut breaks = Vec::new();
        let mut writer = Writer::new(&mut events, horizon, limit);
        let result = user_events(&plan, &mut rng, &mut habits, &mut writer, &mut breaks);
        events.remove(0);
        (result, events)
    }

    #[test]
    fn a_user_stops_at_the_limit_and_at_the_horizon() {
        let (result, events) = office_events(5 * DAY_MS, 10);
        assert_eq!(result, Err(Halt::TooMany));
        assert_eq!(events.len(), 10);
        let (result, all) = office_events(5 * DAY_MS, usize::MAX);
        assert_eq!(result, Ok(()));
        assert!(all.len() > 100, "an office week has hundreds of events");
        assert_eq!(all[..10], events[..]);
        assert!(all.iter().all(|e| e.time() < 5 * DAY_MS));
        // Day 0 is a Monday and the office works Monday to Friday.
        let (_, week) = office_events(7 * DAY_MS, usize::MAX);
        assert_eq!(week, all);
    }
}
