//! A small deterministic synthetic office population, for tests and the
//! sweep benchmark until the behaviour-profile generator is on main.
//!
//! Each weekday (day 0 is a Monday) a user arrives between 8:00 and 9:30,
//! leaves between 16:30 and 18:00, and in between fills in forms (inputs
//! 5-60 s apart, mostly submitted), reads (activity and API requests),
//! navigates, and takes short (3-20 min) and long (30 min - 2 h) breaks
//! with the page left open, which is what makes timeouts matter.
#![allow(dead_code)]

use lapse::model::{Event, EventKind, Trace};

const SEC: u64 = 1_000;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;
const DAY: u64 = 24 * HOUR;

/// xorshift64*: tiny, deterministic, good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `lo..hi` (hi > lo).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
    fn percent(&mut self) -> u64 {
        self.next() % 100
    }
}

/// `users` office workers over `days` days, the same for the same seed.
pub fn office_trace(users: usize, days: u64, seed: u64) -> Trace {
    Trace::from_users((0..users).map(|u| {
        let mut rng = Rng::new(seed ^ (u as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        (format!("user{u:04}"), user_days(&mut rng, days))
    }))
}

fn user_days(rng: &mut Rng, days: u64) -> Vec<Event> {
    let mut events = Vec::new();
    let mut push = |t: u64, kind: EventKind| events.push(Event::new(t, kind));
    for day in 0..days {
        if day % 7 >= 5 {
            continue; // the weekend
        }
        let mut t = day * DAY + 8 * HOUR + rng.range(0, 90 * MIN);
        let end = day * DAY + 16 * HOUR + 30 * MIN + rng.range(0, 90 * MIN);
        push(t, EventKind::View);
        while t < end {
            match rng.percent() {
                0..=44 => {
                    // A form: edits, then usually a submit.
                    for _ in 0..rng.range(1, 13) {
                        t += rng.range(5 * SEC, 60 * SEC);
                        push(t, EventKind::Input);
                    }
                    if rng.percent() < 85 {
                        t += rng.range(5 * SEC, 30 * SEC);
                        push(t, EventKind::Submit);
                    }
                }
                45..=74 => {
                    // Reading: scrolling, now and then an API call.
                    for _ in 0..rng.range(1, 9) {
                        t += rng.range(10 * SEC, 3 * MIN);
                        let kind = if rng.percent() < 30 {
                            EventKind::Request
                        } else {
                            EventKind::Activity
                        };
                        push(t, kind);
                    }
                }
                75..=86 => {
                    t += rng.range(2 * SEC, 20 * SEC);
                    push(t, EventKind::View);
                }
                87..=96 => t += rng.range(3 * MIN, 20 * MIN),
                _ => t += rng.range(30 * MIN, 2 * HOUR),
            }
        }
        if rng.percent() < 85 {
            t += rng.range(SEC, MIN);
            push(t, EventKind::Close);
        }
    }
    events
}
