//! Generated populations: users described by behaviour profiles instead of a
//! trace file. [`generate`] turns a scenario's `Generated` population into a
//! [`Trace`]; the GUI and `lapse generate` / `lapse run` all call it.
//!
//! Determinism: each user draws from their own random stream, seeded by a
//! stable hash of (scenario seed, group name, user number), with
//! xoshiro256++, whose output rand promises not to change. So the seed fixes
//! the trace byte for byte, users can be generated in parallel, and resizing
//! one group leaves every other user's events as they were.

pub mod fill;
mod population;
pub mod sampler;
pub mod schedule;

use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::model::limits::limits;
use crate::model::locate::{FieldPath, Seg, locate};
use crate::model::population::scenario_problems;
use crate::model::trace::{TraceBuilder, UserBatch};
use crate::model::{Diagnostic, Diagnostics, Group, Population, Scenario, ScenarioFile, Trace};

pub use sampler::Sampler;
pub use schedule::Plan;

/// The most events a generated trace may hold, from the limits in force
/// (by default 100 million: 800 MB); see [`crate::model::limits`].
fn max_events() -> usize {
    usize::try_from(limits().max_events).unwrap_or(usize::MAX)
}

/// Why a population could not be generated, with the scenario field to blame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateError {
    pub at: FieldPath,
    pub message: String,
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GenerateError {}

impl GenerateError {
    /// As a diagnostic naming the file, line and column of the field to blame.
    pub fn located(self, file: &ScenarioFile) -> Diagnostics {
        let mut d = Diagnostic::new(self.message);
        d.file = file.path.clone();
        if let Some((line, column)) = locate(&file.source, &self.at) {
            d = d.at(line, Some(column));
        }
        d.into()
    }
}

/// [`generate`] for a loaded scenario file, with located messages.
pub fn generate_file(file: &ScenarioFile) -> Result<Trace, Diagnostics> {
    generate(&file.scenario).map_err(|e| e.located(file))
}

/// The stable 64-bit hash a user's random stream is seeded with: FNV-1a over
/// the seed (little-endian), the group name and the user's number, then a
/// SplitMix64 finaliser to spread the bits.
pub fn user_seed(seed: u64, group: &str, index: u64) -> u64 {
    let mut h = Fnv1a::default();
    h.write(&seed.to_le_bytes());
    h.write(group.as_bytes());
    h.write(&index.to_le_bytes());
    splitmix64(h.0)
}

/// FNV-1a, 64-bit (a fixed, documented function: std's hashers may change).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

pub(crate) fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Users generated per parallel task.
const USERS_PER_TASK: u64 = 32;

/// One group, ready to generate.
struct GroupPlan<'a> {
    group: &'a Group,
    plan: Plan,
    /// The overall number of the group's first user.
    first: u64,
}

/// A scenario's generated population, ready to write any of its users'
/// events: [`generate`] writes them all into a trace, replicates
/// ([`crate::analysis::replicates`]) a group at a time straight into the
/// engine, never holding the whole trace.
pub struct Generator<'a> {
    scenario: &'a Scenario,
    plans: Vec<GroupPlan<'a>>,
    users: u64,
    /// Events written so far, over every call: the trace's event limit.
    produced: AtomicUsize,
}

impl<'a> Generator<'a> {
    /// Fails on a population that is a trace file, an unknown profile or a
    /// profile that validation refuses.
    pub fn new(scenario: &'a Scenario) -> Result<Generator<'a>, GenerateError> {
        let Population::Generated(groups) = &scenario.population else {
            return Err(GenerateError {
                at: vec![Seg::Field("population")],
                message: "the population is a trace file, not Generated([...]) from profiles"
                    .into(),
            });
        };
        if let Some((at, message)) = scenario_problems(scenario).into_iter().next() {
            return Err(GenerateError { at, message });
        }
        let mut plans = Vec::with_capacity(groups.len());
        let mut first = 0;
        for (i, group) in groups.iter().enumerate() {
            let at = vec![
                Seg::Field("population"),
                Seg::Index(i),
                Seg::Field("profile"),
            ];
            let profile = scenario
                .profiles
                .iter()
                .find(|p| p.name == group.profile)
                .ok_or_else(|| GenerateError {
                    at: at.clone(),
                    message: format!("unknown profile {:?}", group.profile),
                })?;
            let plan = Plan::new(profile).map_err(|message| GenerateError {
                at: at.clone(),
                message: format!("profile {:?}: {message}", profile.name),
            })?;
            plans.push(GroupPlan { group, plan, first });
            first += group.users;
        }
        Ok(Generator {
            scenario,
            plans,
            users: first,
            produced: AtomicUsize::new(0),
        })
    }

    /// How many users the population has.
    pub fn num_users(&self) -> usize {
        usize::try_from(self.users).unwrap_or(usize::MAX)
    }

    /// The group of user `number` (overall), and the user's index in it.
    fn group_of(&self, number: u64) -> (&GroupPlan<'a>, u64) {
        let g = &self.plans[self.plans.partition_point(|p| p.first <= number) - 1];
        (g, number - g.first)
    }

    /// The name of user `number` (overall): `office-0001`.
    pub fn user_name(&self, number: usize) -> String {
        let (g, index) = self.group_of(number as u64);
        g.group.user_name(index)
    }

    /// Appends the events of users `range` (overall numbers), one user after
    /// another, to `batch`; fails once the trace has grown past the event
    /// limit (counting every user written by this generator so far).
    pub fn write_users(
        &self,
        range: Range<usize>,
        batch: &mut UserBatch,
    ) -> Result<(), GenerateError> {
        let mut breaks = Vec::new();
        let seed = self.scenario.seed;
        let horizon = self.scenario.horizon.0;
        let (first, end) = (range.start, range.end);
        for number in range {
            let (GroupPlan { group, plan, .. }, index) = self.group_of(number as u64);
            let user = user_seed(seed, group.name(), index);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(user);
            let mut habits = schedule::Habits::new(
                plan,
                Xoshiro256PlusPlus::seed_from_u64(user ^ HABITS_STREAM),
            );
            let before = batch.events.len();
            let room = max_events().saturating_sub(self.produced.load(Ordering::Relaxed));
            let mut writer = schedule::Writer::new(&mut batch.events, horizon, room);
            schedule::user_events(plan, &mut rng, &mut habits, &mut writer, &mut breaks)
                .map_err(|_| self.too_many())?;
            let made = batch.events.len() - before;
            if self.produced.fetch_add(made, Ordering::Relaxed) + made > max_events() {
                return Err(self.too_many());
            }
            if number == first && before == 0 {
                // Users of one group are alike: room for the rest of the range
                // at this user's size, plus a margin, saves most of the regrowth.
                batch
                    .events
                    .reserve(made.saturating_mul(end - first - 1) / 4 * 5);
            }
            batch.end_user();
        }
        Ok(())
    }

    fn too_many(&self) -> GenerateError {
        GenerateError {
            at: vec![Seg::Field("population")],
            message: format!(
                "the generated trace would have more than {} events ({} users over {}); use fewer users, a shorter horizon or longer think times (or raise --max-events)",
                max_events(),
                self.users,
                self.scenario.horizon
            ),
        }
    }
}

/// The trace of the scenario's generated population, users in group order.
/// Generation runs in parallel; the result does not depend on the thread count.
pub fn generate(scenario: &Scenario) -> Result<Trace, GenerateError> {
    let generator = Generator::new(scenario)?;
    let users = generator.num_users();
    let tasks = users.div_ceil(USERS_PER_TASK as usize);
    let batches = (0..tasks)
        .into_par_iter()
        .map(|t| {
            let from = t * USERS_PER_TASK as usize;
            let mut batch = UserBatch::default();
            generator.write_users(
                from..(from + USERS_PER_TASK as usize).min(users),
                &mut batch,
            )?;
            Ok(batch)
        })
        .collect::<Result<Vec<UserBatch>, GenerateError>>()?;
    let events = batches.iter().map(|b| b.events.len()).sum();
    let mut builder = TraceBuilder::with_capacity(users, events);
    let mut number = 0;
    for batch in &batches {
        for user in batch.users() {
            builder.push_user(generator.user_name(number), user);
            number += 1;
        }
    }
    Ok(builder.finish())
}

/// Mixed into a user's seed for their second stream (tabs and device), so
/// that those draws leave the day's events where they were.
const HABITS_STREAM: u64 = 0x7461_6273_2d6c_6964; // "tabs-lid"

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference (isthe.com/chongo/tech/comp/fnv): "" and "a".
        let hash = |s: &str| {
            let mut h = Fnv1a::default();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn splitmix64_matches_its_reference_sequence() {
        // SplitMix64 seeded with 0 (Vigna's splitmix64.c): first output.
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }
}
