//! The engine against the SPEC.

/// SPEC section 8, the worked examples, number for number.
mod spec_examples;

/// One small hand-made trace per SPEC rule.
mod rules;

/// Invariants over generated traces and policies (proptest).
mod properties;

/// The optimised engine against straightforward_engine.rs, the engine as
/// first written (proptest; past failures in reference_engine.proptest-regressions).
mod reference_engine;
