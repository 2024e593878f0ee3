//! What Lapse remembers between runs (eframe's storage; none under tests).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::panels::results::ResultsPanel;

/// The persisted part of the app (eframe's storage); everything else in
/// [`super::LapseApp`] lives for one run. Window size and position are
/// persisted by eframe itself.
#[derive(Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub theme: egui::ThemePreference,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The scenario as it was at exit (RON), saved or not.
    pub last_scenario: Option<String>,
    pub last_path: Option<PathBuf>,
    /// The results panel's choices (its runtime state is not saved).
    pub results: ResultsPanel,
}

impl Default for State {
    fn default() -> Self {
        State {
            theme: egui::ThemePreference::System,
            recent: Vec::new(),
            last_scenario: None,
            last_path: None,
            results: ResultsPanel::default(),
        }
    }
}

/// How many recent files the menu lists.
pub const MAX_RECENT: usize = 10;

impl State {
    /// Puts `path` first in the recent files.
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_unique_newest_first_and_bounded() {
        let mut s = State::default();
        for i in 0..12 {
            s.remember(Path::new(&format!("{i}.ron")));
        }
        s.remember(Path::new("5.ron"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], Path::new("5.ron"));
        assert_eq!(s.recent[1], Path::new("11.ron"));
        assert_eq!(
            s.recent
                .iter()
                .filter(|p| **p == Path::new("5.ron"))
                .count(),
            1
        );
    }
}
