//! Crash recovery: unsaved edits are written to a recovery file a moment
//! after they are made, and offered back if Lapse did not close cleanly.
//!
//! eframe's own storage keeps the last scenario on a clean exit, but it is
//! written only every 30 s and at exit; a crash or a killed process would lose
//! up to that much typing. Each running window owns one file,
//! `recovery-PID.ron` in Lapse's data folder, so two windows never take each
//! other's edits; a file whose process is gone is an orphan to offer back.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::fsio::write_atomically;
use crate::model::Scenario;

/// How long an edit must stand before it is written (typing `45m` is one write).
pub const SETTLE: Duration = Duration::from_secs(2);

/// What a recovery file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Seconds since 1970 when it was written.
    pub saved_at: u64,
    /// The scenario's file, if it had one (its relative trace path starts there).
    pub path: Option<PathBuf>,
    /// The edited scenario, as Save would write it.
    pub scenario: String,
}

impl Snapshot {
    pub fn of(scenario: &Scenario, path: Option<&Path>) -> Snapshot {
        Snapshot {
            saved_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            path: path.map(Path::to_path_buf),
            scenario: scenario.to_ron(),
        }
    }

    /// "untitled" or the file's name.
    pub fn title(&self) -> String {
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| "untitled".into(), |n| n.to_string_lossy().into_owned())
    }

    /// How long ago it was written, in words.
    pub fn age(&self, now: SystemTime) -> String {
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let secs = now.saturating_sub(self.saved_at);
        match secs {
            0..60 => "less than a minute ago".into(),
            60..120 => "a minute ago".into(),
            120..7200 => format!("{} minutes ago", secs / 60),
            7200..172_800 => format!("{} hours ago", secs / 3600),
            _ => format!("{} days ago", secs / 86_400),
        }
    }
}

/// An orphaned snapshot found at start-up, and the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Orphan {
    pub file: PathBuf,
    pub snapshot: Snapshot,
}

/// This window's recovery file and what was last written to it.
pub struct Recovery {
    folder: PathBuf,
    pid: u32,
    /// The scenario (and its path) in the file now; `None`: no file.
    written: Option<(Scenario, Option<PathBuf>)>,
    /// The edit waiting to settle, and since when.
    pending: Option<(Scenario, Option<PathBuf>, f64)>,
}

impl Recovery {
    /// Recovery files in `folder`, owned by this process.
    pub fn in_folder(folder: PathBuf) -> Recovery {
        Recovery {
            folder,
            pid: std::process::id(),
            written: None,
            pending: None,
        }
    }

    /// Lapse's data folder (beside eframe's storage), if the platform has one.
    pub fn default_folder() -> Option<PathBuf> {
        eframe::storage_dir("lapse")
    }

    pub fn file(&self) -> PathBuf {
        file_for(&self.folder, self.pid)
    }

    /// Called every frame with the document: writes unsaved edits once they
    /// have stood for [`SETTLE`], removes the file once nothing is unsaved.
    /// Returns how long until a pending write is due, so the caller can wake.
    pub fn track(
        &mut self,
        scenario: &Scenario,
        path: Option<&Path>,
        dirty: bool,
        now: f64,
    ) -> Result<Option<Duration>, String> {
        if !dirty {
            self.pending = None;
            return self.clear().map(|()| None);
        }
        let current = |s: &Scenario, p: &Option<PathBuf>| s == scenario && p.as_deref() == path;
        if self.written.as_ref().is_some_and(|(s, p)| current(s, p)) {
            self.pending = None;
            return Ok(None);
        }
        let since = match &self.pending {
            Some((s, p, since)) if current(s, p) => *since,
            _ => {
                self.pending = Some((scenario.clone(), path.map(Path::to_path_buf), now));
                now
            }
        };
        let due = since + SETTLE.as_secs_f64() - now;
        if due > 0.0 {
            return Ok(Some(Duration::from_secs_f64(due)));
        }
        self.write_now(scenario, path).map(|()| None)
    }

    /// Writes the snapshot at once (after restoring one, say).
    pub fn write_now(&mut self, scenario: &Scenario, path: Option<&Path>) -> Result<(), String> {
        self.pending = None;
        let text = to_text(&Snapshot::of(scenario, path))?;
        std::fs::create_dir_all(&self.folder)
            .map_err(|e| format!("{}: {e}", self.folder.display()))?;
        write_atomically(&self.file(), |w| w.write_all(text.as_bytes()))
            .map_err(|e| e.to_string())?;
        self.written = Some((scenario.clone(), path.map(Path::to_path_buf)));
        Ok(())
    }

    /// Removes this window's file (nothing unsaved, or a clean exit).
    pub fn clear(&mut self) -> Result<(), String> {
        if self.written.take().is_none() {
            return Ok(());
        }
        match std::fs::remove_file(self.file()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("{}: {e}", self.file().display())),
        }
    }

    /// Snapshots left by windows that are no longer running, newest first.
    /// Unreadable files are skipped (and left for a person to look at).
    pub fn orphans(&self) -> Vec<Orphan> {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        let mut found: Vec<Orphan> = entries
            .flatten()
            .filter_map(|entry| {
                let file = entry.path();
                let pid = pid_of(&file)?;
                if pid == self.pid || process_is_running(pid) {
                    return None;
                }
                let text = std::fs::read_to_string(&file).ok()?;
                let snapshot = from_text(&text)?;
                Some(Orphan { file, snapshot })
            })
            .collect();
        found.sort_by_key(|o| std::cmp::Reverse(o.snapshot.saved_at));
        found
    }
}

fn file_for(folder: &Path, pid: u32) -> PathBuf {
    folder.join(format!("recovery-{pid}.ron"))
}

/// `recovery-1234.ron` → 1234.
fn pid_of(file: &Path) -> Option<u32> {
    file.file_name()?
        .to_str()?
        .strip_prefix("recovery-")?
        .strip_suffix(".ron")?
        .parse()
        .ok()
}

/// Whether the window that wrote a file still runs: a live process with that
/// id running the same program (a crashed window's id may since have gone to
/// another program; a killed one may linger as a zombie until reaped). Where
/// this cannot be told (no `/proc`), every other window's file counts as an
/// orphan: offering edits twice is better than never offering them.
fn process_is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    let Ok(stat) = std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) else {
        return false;
    };
    // The state follows the `)` that closes the program's name.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    if matches!(state, Some('Z' | 'X' | 'x')) {
        return false;
    }
    let program = |dir: &Path| std::fs::read_to_string(dir.join("comm")).ok();
    program(&proc.join(pid.to_string())) == program(&proc.join("self"))
}

fn to_text(snapshot: &Snapshot) -> Result<String, String> {
    ron::ser::to_string_pretty(snapshot, ron::ser::PrettyConfig::new())
        .map_err(|e| format!("cannot write the recovery file: {e}"))
}

fn from_text(text: &str) -> Option<Snapshot> {
    ron::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Policy;

    fn scenario(idle: &str) -> Scenario {
        let mut s = crate::model::scenario::default_scenario()
            .expect("the default scenario parses")
            .scenario;
        s.policies = vec![Policy::named("A")];
        s.policies[0].idle_timeout = Some(idle.parse().expect("duration"));
        s
    }

    #[test]
    fn an_edit_is_written_once_it_has_settled_and_removed_once_saved() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Recovery::in_folder(dir.path().to_path_buf());
        let s = scenario("45m");
        // Just made: due in 2 s, nothing on disk yet.
        assert_eq!(
            r.track(&s, None, true, 10.0),
            Ok(Some(Duration::from_secs(2)))
        );
        assert!(!r.file().exists());
        assert_eq!(
            r.track(&s, None, true, 11.5),
            Ok(Some(Duration::from_millis(500)))
        );
        assert_eq!(r.track(&s, None, true, 12.0), Ok(None));
        let text = std::fs::read_to_string(r.file()).expect("written");
        let back = from_text(&text).expect("parses");
        assert_eq!(Scenario::parse(&back.scenario, None).expect("scenario"), s);
        // Saved: nothing unsaved, so the file goes.
        assert_eq!(r.track(&s, None, false, 13.0), Ok(None));
        assert!(!r.file().exists());
    }

    #[test]
    fn a_new_edit_restarts_the_wait() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut r = Recovery::in_folder(dir.path().to_path_buf());
        let _ = r.track(&scenario("45m"), None, true, 0.0);
        assert_eq!(
            r.track(&scenario("4m"), None, true, 1.5),
            Ok(Some(Duration::from_secs(2)))
        );
        assert!(!r.file().exists());
    }

    #[test]
    fn only_files_of_processes_that_are_gone_are_orphans() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mine = Recovery::in_folder(dir.path().to_path_buf());
        // Process ids above the kernel's maximum (4 194 304) never run.
        let dead = file_for(dir.path(), 4_999_999);
        let older = file_for(dir.path(), 4_999_998);
        let snapshot = |at| Snapshot {
            saved_at: at,
            path: Some(PathBuf::from("/tmp/a.ron")),
            scenario: scenario("45m").to_ron(),
        };
        std::fs::write(&dead, to_text(&snapshot(200)).expect("text")).expect("write");
        std::fs::write(&older, to_text(&snapshot(100)).expect("text")).expect("write");
        std::fs::write(file_for(dir.path(), std::process::id()), "mine").expect("write");
        std::fs::write(dir.path().join("recovery-7.ron.bak"), "other").expect("write");
        std::fs::write(file_for(dir.path(), 4_999_997), "not ron").expect("write");
        let orphans = mine.orphans();
        assert_eq!(
            orphans.iter().map(|o| o.file.clone()).collect::<Vec<_>>(),
            [dead, older]
        );
        assert_eq!(orphans[0].snapshot.title(), "a.ron");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_window_runs_while_its_process_runs_the_same_program() {
        assert!(process_is_running(std::process::id()));
        // Process 1 runs the system's init, not this program: a reused id.
        assert!(!process_is_running(1));
        assert!(!process_is_running(4_999_999));
    }

    #[test]
    fn ages_read_as_words() {
        let s = Snapshot {
            saved_at: 1_000_000,
            path: None,
            scenario: String::new(),
        };
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(s.age(at(1_000_030)), "less than a minute ago");
        assert_eq!(s.age(at(1_000_000 + 17 * 60)), "17 minutes ago");
        assert_eq!(s.age(at(1_000_000 + 3 * 3600)), "3 hours ago");
        assert_eq!(s.age(at(1_000_000 + 3 * 86_400)), "3 days ago");
        assert_eq!(s.title(), "untitled");
    }
}
