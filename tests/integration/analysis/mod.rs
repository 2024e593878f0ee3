//! Tests of the analysis features: sweeps, the frontier, compliance checks,
//! exports and recommendations, through the library and the binary.

pub mod synth;

mod compliance;
mod export;
mod frontier;
mod intervals;
mod recommend;
mod streamed;
mod sweep;
