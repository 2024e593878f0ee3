//! The user timeline view. Its data (rows per tab and per policy, marks,
//! sleeps) is the library's [`crate::analysis::timeline`], which the
//! exported report draws too; the window's drawing is in `plot.rs`.

#[cfg(feature = "gui")]
pub mod plot;

pub use crate::analysis::timeline::*;
