//! Lapse: a session-timeout simulator.
//!
//! [`model`] holds what a user writes down (durations, traces, policies,
//! scenarios); [`engine`] replays traces against policies and counts what
//! happens. The command line ([`cli`]) is a thin layer over both.

pub mod analysis;
#[cfg(feature = "gui")]
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
