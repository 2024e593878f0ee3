//! The window's panels, each with its own `ui` function.

pub mod compliance;
pub mod menu;
pub mod policies;
pub mod results;
pub mod scenario;
