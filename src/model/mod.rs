//! What a user writes down: durations, traces, policies, behaviour profiles
//! and scenarios. The ground floor: nothing here uses another Lapse module.

pub mod dist;
pub mod duration;
pub mod error;
pub mod limits;
pub mod locate;
pub mod policy;
pub mod population;
pub mod profile;
pub mod scenario;
pub mod trace;

pub use duration::Dur;
pub use error::{Diagnostic, Diagnostics};
pub use policy::{
    ClientClock, Csrf, Keepalive, OnExpiry, OnResponse, Policy, Refresh, ResetsOn, Warning,
};
pub use population::Group;
pub use profile::Profile;
pub use scenario::{Fraction, Population, Scenario, ScenarioFile};
pub use trace::{Event, EventKind, LoadProgress, TabsAndSleep, Trace};
