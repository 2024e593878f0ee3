//! The open scenario: what is edited, where it lives, whether it is saved,
//! and its undo history.

use std::path::{Path, PathBuf};

use egui::util::undoer::{Settings, Undoer};

use crate::fsio::write_atomically;
use crate::model::locate::{FieldPath, Seg};
use crate::model::{Diagnostic, Diagnostics, Population, Scenario, ScenarioFile};

pub struct Document {
    pub scenario: Scenario,
    /// Where it is saved; `None` for a new scenario.
    pub path: Option<PathBuf>,
    /// The scenario as last opened or saved: edits are measured against it.
    baseline: Scenario,
    undoer: Undoer<Scenario>,
}

impl Document {
    pub fn new(file: ScenarioFile) -> Document {
        let ScenarioFile { scenario, path, .. } = file;
        Document {
            baseline: scenario.clone(),
            scenario,
            path,
            undoer: Undoer::with_settings(Settings {
                // Typing "45m" is one edit, not three.
                stable_time: 0.6,
                ..Settings::default()
            }),
        }
    }

    /// A document restored from the last session: `baseline` is what is on
    /// disk, so unsaved edits stay marked as such.
    pub fn restored(scenario: Scenario, path: Option<PathBuf>, baseline: Scenario) -> Document {
        let mut doc = Document::new(ScenarioFile {
            scenario: baseline,
            path,
            source: String::new(),
        });
        doc.scenario = scenario;
        doc
    }

    pub fn is_dirty(&self) -> bool {
        self.scenario != self.baseline
    }

    /// The file name, or "untitled".
    pub fn title(&self) -> String {
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| "untitled".into(), |n| n.to_string_lossy().into_owned())
    }

    /// The folder relative paths in the scenario start from.
    pub fn base_dir(&self) -> PathBuf {
        base_dir(self.path.as_deref())
    }

    /// The scenario as a file: its text is what Save would write.
    pub fn to_file(&self) -> ScenarioFile {
        ScenarioFile {
            source: self.scenario.to_ron(),
            scenario: self.scenario.clone(),
            path: self.path.clone(),
        }
    }

    /// Every rule the edited scenario breaks, with the field it breaks.
    pub fn problems(&self) -> Vec<(FieldPath, String)> {
        self.scenario.rule_breaks()
    }

    /// Writes the scenario to `path` (atomically) and makes it the document's
    /// home. A trace path relative to the old folder is rewritten for the new one.
    pub fn save_to(&mut self, path: &Path) -> Result<(), Diagnostic> {
        let mut scenario = self.scenario.clone();
        rebase_population(&mut scenario, &self.base_dir(), &base_dir(Some(path)));
        let text = with_header(&scenario.to_ron());
        write_atomically(path, |w| w.write_all(text.as_bytes()))?;
        self.scenario = scenario.clone();
        self.baseline = scenario;
        self.path = Some(path.to_path_buf());
        Ok(())
    }

    /// Called every frame: records undo points once an edit settles.
    pub fn feed_undo(&mut self, time: f64) {
        self.undoer.feed_state(time, &self.scenario);
    }

    pub fn can_undo(&self) -> bool {
        self.undoer.has_undo(&self.scenario)
    }

    pub fn can_redo(&self) -> bool {
        self.undoer.has_redo(&self.scenario)
    }

    pub fn undo(&mut self) -> bool {
        match self.undoer.undo(&self.scenario) {
            Some(state) => {
                self.scenario = state.clone();
                true
            }
            None => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        match self.undoer.redo(&self.scenario) {
            Some(state) => {
                self.scenario = state.clone();
                true
            }
            None => false,
        }
    }

    /// Makes the current state an undo point now (before a structural edit
    /// such as deleting a policy, so that it undoes on its own).
    pub fn checkpoint(&mut self) {
        self.undoer.add_undo(&self.scenario);
    }
}

/// Reads a scenario file the user chose, keeping every problem located.
pub fn open(path: &Path) -> Result<ScenarioFile, Diagnostics> {
    Scenario::load(path)
}

fn base_dir(path: Option<&Path>) -> PathBuf {
    path.and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Rewrites a relative trace path so it still names the same file from `new_base`.
pub fn rebase_population(scenario: &mut Scenario, old_base: &Path, new_base: &Path) {
    if let Population::Trace { path } = &mut scenario.population {
        if path.is_absolute() || old_base == new_base {
            return;
        }
        let target = absolute(&old_base.join(&*path));
        let new_base = absolute(new_base);
        *path = match target.strip_prefix(&new_base) {
            Ok(relative) => relative.to_path_buf(),
            Err(_) => target,
        };
    }
}

/// Makes a relative trace path absolute (from `base`): for a scenario that
/// has no file of its own yet.
pub fn absolutize_population(scenario: &mut Scenario, base: &Path) {
    if let Population::Trace { path } = &mut scenario.population
        && !path.is_absolute()
    {
        *path = absolute(&base.join(&*path));
    }
}

/// `path` made absolute against the working folder, `.` and `..` resolved
/// where the file system allows.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

fn with_header(ron: &str) -> String {
    format!("// A Lapse scenario (see SPEC.md section 4). Open it with `lapse gui FILE`.\n{ron}\n")
}

/// A field path as text, `policies[0].warning.lead`: how the editor finds the
/// problems that belong to each of its fields.
pub fn path_key(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dur;

    fn scenario(trace: &str) -> Scenario {
        Scenario::parse(
            &format!(
                r#"Scenario(name: "s", horizon: "1d", population: Trace(path: "{trace}"),
                   policies: [Policy(name: "A")])"#
            ),
            None,
        )
        .expect("valid")
    }

    #[test]
    fn save_as_elsewhere_keeps_the_trace_reachable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&data).expect("mkdir");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(data.join("t.csv"), "user,time_ms,kind\n").expect("trace");

        let mut doc = Document::new(ScenarioFile {
            scenario: scenario("t.csv"),
            path: Some(data.join("s.ron")),
            source: String::new(),
        });
        doc.save_to(&dir.path().join("s.ron"))
            .expect("saved one folder up");
        assert_eq!(
            doc.scenario.population,
            Population::Trace {
                path: "data/t.csv".into()
            }
        );
        doc.save_to(&out.join("s.ron"))
            .expect("saved in a sibling folder");
        let Population::Trace { path } = &doc.scenario.population else {
            panic!("still a trace population");
        };
        assert!(path.is_absolute(), "{}", path.display());
        let again = Scenario::load(&out.join("s.ron")).expect("reloads");
        assert!(again.load_population().is_ok(), "the trace is still found");
        assert!(!doc.is_dirty());
    }

    #[test]
    fn dirty_follows_the_saved_state_through_undo() {
        let mut doc = Document::new(ScenarioFile {
            scenario: scenario("t.csv"),
            path: None,
            source: String::new(),
        });
        doc.feed_undo(0.0);
        assert!(!doc.is_dirty());
        doc.scenario.policies[0].idle_timeout = Some(Dur::hours(1));
        doc.feed_undo(0.1);
        assert!(doc.is_dirty());
        assert!(doc.undo());
        assert_eq!(doc.scenario.policies[0].idle_timeout, Some(Dur::mins(30)));
        assert!(!doc.is_dirty(), "undone back to the saved state");
        assert!(doc.redo());
        assert_eq!(doc.scenario.policies[0].idle_timeout, Some(Dur::hours(1)));
    }

    #[test]
    fn field_paths_read_like_code() {
        let path = [
            Seg::Field("policies"),
            Seg::Index(2),
            Seg::Field("warning"),
            Seg::Field("lead"),
        ];
        assert_eq!(path_key(&path), "policies[2].warning.lead");
    }
}
