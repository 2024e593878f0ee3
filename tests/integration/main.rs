//! The integration tests: one test binary (one link) for every area that
//! needs nothing but the library and the `lapse` binary. The GUI tests
//! (tests/gui.rs) and the real-framework tests build on their own.

/// Shared helpers: tiny traces in minutes, running the binary, each area's files.
mod support;

/// The engine: SPEC examples, one trace per rule, invariants, and the
/// comparison with the straightforward reference engine.
mod engine;

/// The scenarios shipped in scenarios/: each loads, and runs to hand-worked numbers.
mod scenarios;

/// `affected_users`: people hit by each disruption, counted by hand.
mod affected_users;

/// `lapse run` and `lapse validate` as a user meets them: output shapes, exit statuses, messages.
mod cli;

/// Generated populations: profiles, distributions, schedules, `lapse generate`.
mod generate;

/// `lapse import`: hand-made logs and the shared real log.
mod import;

/// Sweeps, the frontier, compliance checks, framework exports and recommendations.
mod analysis;

/// `lapse report`: its numbers are `lapse run`'s, its HTML validates, its
/// Markdown links its plots.
mod report;

/// Durations people read in the table, one name per metric, and the
/// report's timeline with the window's rows.
mod polish;

/// Hostile and absurd input: one clear message, never a panic or a hang.
mod hostile;

/// Inputs the fuzzers once broke, replayed.
mod fuzz_regressions;
