//! Lapse: a session-timeout simulator.
//!
//! [`model`] holds what a user writes down (durations, traces, policies,
//! scenarios); [`engine`] replays traces against policies and counts what
//! happens; [`report`] turns results into tables, CSV and JSON. The command
//! line ([`cli`]) and the desktop app ([`app`]) are thin layers over them.

pub mod analysis;
/// The desktop app; without the `gui` feature only its views' data.
pub mod app;
pub mod bench;
pub mod cli;
pub mod engine;
pub mod fsio;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod generate;
pub mod import;
pub mod model;
pub mod report;
