//! Analysis on top of the engine: sweeps, trade-offs, compliance checks,
//! framework exports, recommendations and one user's timeline.
//!
//! Every function here is pure or returns data (no printing), so the GUI can
//! call it directly; [`crate::report`] formats the data and the command line
//! prints it.
//! docs/analysis.md describes the API and the decisions behind it.

pub mod compliance;
pub mod describe;
pub mod export;
pub mod frontier;
pub mod intervals;
pub mod param;
pub mod recommend;
pub mod replicates;
pub mod sweep;
pub mod timeline;

pub use compliance::{Standard, Verdict, check, check_all, client_warnings};
pub use describe::describe;
pub use export::{Export, FlaskSettings, Target, client_script, export, flask_settings};
pub use frontier::{disruption, frontier, tradeoff_point};
pub use param::Param;
pub use recommend::{Recommendation, recommend, recommend_with};
pub use replicates::{Draws, ReplicateSpec, Replicated, paired_policies, run_replicated};
pub use sweep::{StepVerdicts, Sweep, SweepSpec, SweepStep, run_sweep};
