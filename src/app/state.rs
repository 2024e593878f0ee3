//! What Lapse remembers between runs (eframe's storage; none under tests).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The views of the results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Totals,
    OverTime,
    Timeline,
    Gaps,
    Sweep,
    Tradeoff,
    Table,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Totals,
        Tab::OverTime,
        Tab::Timeline,
        Tab::Gaps,
        Tab::Sweep,
        Tab::Tradeoff,
        Tab::Table,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Totals => "Totals",
            Tab::OverTime => "Over time",
            Tab::Timeline => "User timeline",
            Tab::Gaps => "Idle gaps",
            Tab::Sweep => "Sweep",
            Tab::Tradeoff => "Trade-off",
            Tab::Table => "All metrics",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Tab::Totals => "Each policy's totals side by side",
            Tab::OverTime => "Logouts, warnings, lost work and live sessions per time bucket",
            Tab::Timeline => "Everything that happened to one user, under each policy",
            Tab::Gaps => "How long users pause between actions, against each policy's timeouts",
            Tab::Sweep => {
                "One field of the selected policy over a range of values: every metric at each"
            }
            Tab::Tradeoff => {
                "Unattended exposure against disruption, for every policy and every step of the last sweep; click a point to use it"
            }
            Tab::Table => "All 19 metrics of every policy, as numbers",
        }
    }
}

/// The persisted part of the app. Window size and position are persisted by
/// eframe itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub theme: egui::ThemePreference,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The scenario as it was at exit (RON), saved or not.
    pub last_scenario: Option<String>,
    pub last_path: Option<PathBuf>,
    pub tab: Tab,
    /// Over time: fold the horizon into one day.
    pub fold_day: bool,
    /// Idle gaps: a logarithmic count axis.
    pub gaps_log: bool,
}

impl Default for Persisted {
    fn default() -> Self {
        Persisted {
            theme: egui::ThemePreference::System,
            recent: Vec::new(),
            last_scenario: None,
            last_path: None,
            tab: Tab::Totals,
            fold_day: false,
            gaps_log: true,
        }
    }
}

/// How many recent files the menu lists.
pub const MAX_RECENT: usize = 10;

impl Persisted {
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
        let mut s = Persisted::default();
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
