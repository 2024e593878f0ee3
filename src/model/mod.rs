//! What a user writes down: durations, traces, policies and scenarios.

pub mod duration;
pub mod error;
pub mod limits;
pub mod locate;
pub mod policy;
pub mod scenario;
pub mod trace;

pub use duration::Dur;
pub use error::{Diagnostic, Diagnostics};
pub use policy::{
    ClientClock, Csrf, Keepalive, OnExpiry, OnResponse, Policy, Refresh, ResetsOn, Warning,
};
pub use scenario::{Population, Scenario, ScenarioFile};
pub use trace::{Event, EventKind, Trace};
