//! What a trace says about tabs and sleep (SPEC revision 2), in a few
//! numbers: the population details the window shows.

use super::{Event, EventKind, Trace};

/// Tabs per user and the time devices slept, over a whole trace.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TabsAndSleep {
    pub users: usize,
    /// Users with events in more than one tab.
    pub multi_tab_users: usize,
    /// Distinct tabs per user, summed (users without events count none).
    pub tabs_total: u64,
    /// The most distinct tabs one user has.
    pub max_tabs: usize,
    /// Users whose device sleeps at least once.
    pub sleepers: usize,
    /// Time asleep, all users together (a sleep never woken lasts until `until`).
    pub sleep_ms: u64,
}

impl TabsAndSleep {
    pub fn mean_tabs(&self) -> f64 {
        ratio(self.tabs_total as f64, self.users)
    }

    pub fn multi_tab_share(&self) -> f64 {
        ratio(self.multi_tab_users as f64, self.users)
    }

    pub fn sleeper_share(&self) -> f64 {
        ratio(self.sleepers as f64, self.users)
    }

    /// Mean time asleep of the users who sleep.
    pub fn mean_sleep_ms(&self) -> u64 {
        ratio(self.sleep_ms as f64, self.sleepers).round() as u64
    }
}

fn ratio(a: f64, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a / b as f64 }
}

impl Trace {
    /// Tabs per user and sleep over the whole trace; a sleep with no wake
    /// after it lasts until `until` (the horizon), or not at all past it.
    pub fn tabs_and_sleep(&self, until: u64) -> TabsAndSleep {
        let mut stats = TabsAndSleep {
            users: self.num_users(),
            ..TabsAndSleep::default()
        };
        for (_, events) in self.users() {
            let tabs = distinct_tabs(events);
            stats.tabs_total += tabs as u64;
            stats.max_tabs = stats.max_tabs.max(tabs);
            stats.multi_tab_users += usize::from(tabs > 1);
            let (slept, asleep_ms) = sleep_of(events, until);
            stats.sleepers += usize::from(slept);
            stats.sleep_ms += asleep_ms;
        }
        stats
    }
}

fn distinct_tabs(events: &[Event]) -> usize {
    let mut seen = [0u64; 4]; // one bit per tab number (a u8)
    // Sleep and wake are the device's, not a tab's.
    for e in events.iter().filter(|e| !e.kind().is_device()) {
        let tab = usize::from(e.tab());
        seen[tab / 64] |= 1 << (tab % 64);
    }
    seen.iter().map(|w| w.count_ones() as usize).sum()
}

/// Whether the device sleeps at all, and for how long in all.
fn sleep_of(events: &[Event], until: u64) -> (bool, u64) {
    let (mut slept, mut total) = (false, 0);
    for (start, wake) in sleep_spans(events) {
        slept = true;
        total += wake.map_or(until.saturating_sub(start), |w| w - start);
    }
    (slept, total)
}

/// The device's sleeps in `events`: from a sleep (a second one while
/// asleep changes nothing) to the next wake, `None` when none follows. The
/// one reading of sleep and wake for the population counts and the timeline.
pub fn sleep_spans(events: &[Event]) -> impl Iterator<Item = (u64, Option<u64>)> + '_ {
    let mut since = None;
    let mut rest = events.iter();
    std::iter::from_fn(move || {
        for e in rest.by_ref() {
            match e.kind() {
                EventKind::Sleep => since = since.or(Some(e.time())),
                EventKind::Wake => {
                    if let Some(start) = since.take() {
                        return Some((start, Some(e.time())));
                    }
                }
                _ => {}
            }
        }
        since.take().map(|start| (start, None))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn counts_tabs_and_sleep_per_user() {
        use EventKind::*;
        let ev = |m: u64, k: EventKind, tab: u8| Event::with_tab(m * MIN, k, tab);
        let trace = Trace::from_users([
            // Three tabs (0, 1, 3), a 40-minute nap, then a sleep never woken.
            (
                "ana".to_string(),
                vec![
                    ev(0, View, 0),
                    ev(1, View, 1),
                    ev(2, View, 3),
                    ev(10, Sleep, 0),
                    ev(50, Wake, 0),
                    ev(90, Sleep, 0),
                ],
            ),
            // One tab, never asleep.
            ("bo".to_string(), vec![ev(0, View, 0), ev(5, Submit, 0)]),
            // Two tabs, a 20-minute nap.
            (
                "cy".to_string(),
                vec![
                    ev(0, View, 0),
                    ev(3, View, 1),
                    ev(30, Sleep, 0),
                    ev(50, Wake, 0),
                ],
            ),
            ("dee".to_string(), vec![ev(0, View, 0)]),
        ]);
        let s = trace.tabs_and_sleep(100 * MIN);
        assert_eq!(s.users, 4);
        assert_eq!((s.tabs_total, s.max_tabs, s.multi_tab_users), (7, 3, 2));
        assert_eq!(s.mean_tabs(), 1.75);
        assert_eq!(s.multi_tab_share(), 0.5);
        // ana: 40 + 10 (90 to the horizon at 100); cy: 20.
        assert_eq!((s.sleepers, s.sleep_ms), (2, 70 * MIN));
        assert_eq!(s.sleeper_share(), 0.5);
        assert_eq!(s.mean_sleep_ms(), 35 * MIN);
        // Past the horizon an unwoken sleep adds nothing.
        assert_eq!(trace.tabs_and_sleep(80 * MIN).sleep_ms, 60 * MIN);
    }

    #[test]
    fn an_empty_trace_has_no_means_to_divide() {
        let s = Trace::from_users(Vec::<(String, Vec<Event>)>::new()).tabs_and_sleep(MIN);
        assert_eq!(
            (s.mean_tabs(), s.sleeper_share(), s.mean_sleep_ms()),
            (0.0, 0.0, 0)
        );
    }
}
