//! The desktop app, driven through its widgets (egui_kittest): what a user
//! sees after opening, editing, undoing, opening a broken file, exporting.
//!
//! Most tests open SPEC example B (one user typing for 40 minutes), so their
//! numbers are worked out in the SPEC or by hand from it. The default
//! scenario (the seed article: 300 generated users) is checked against the
//! engine run on its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable};
use egui_kittest::{Harness, SnapshotOptions};
use lapse::app::command::Command;
use lapse::app::{LapseApp, Start};

const SIZE: [f32; 2] = [1440.0, 900.0];

/// Under the alert (SPEC example B): the server session expires at 30 while
/// the user types; the submit at 45 meets it: one logout, not while present
/// (last action at 20), the submit and its 4 edits (10..40: 30m) lost, and the
/// new session's warning is shown at 70 and missed at 75.
const ALERT: &str = "alert: 1 logout, 0 while present (0 of 1 user) · 1 submit and 4 edits lost (1 user, 15m of typing) · warnings: 1 shown, 0 heeded, 1 missed";
/// Under keepalive: pings keep the session alive, the submit is saved; the
/// warning shows at 75 and is missed at 80.
const KEEPALIVE: &str = "keepalive: 0 logouts, 0 while present (0 of 1 user) · 0 submits and 0 edits lost (0 users, 0s of typing) · warnings: 1 shown, 0 heeded, 1 missed";

fn example_b() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/example-b.ron"
    ))
}

/// The app on SPEC example B.
fn app(theme: egui::Theme, render: bool) -> Harness<'static, LapseApp> {
    open(Start::File(example_b()), theme, render)
}

fn open(start: Start, theme: egui::Theme, render: bool) -> Harness<'static, LapseApp> {
    let builder = Harness::builder()
        .with_size(SIZE)
        .with_theme(theme)
        .with_max_steps(20)
        .with_options(SnapshotOptions::new().threshold(1.5).max_failed_pixels(200));
    let builder = if render { builder.wgpu() } else { builder };
    let mut harness = builder.build_eframe(move |cc| LapseApp::new(cc, start));
    settle(&mut harness);
    harness
}

/// Steps until the simulation (on its thread) has answered and nothing moves.
fn settle(harness: &mut Harness<'static, LapseApp>) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        harness.step();
        if !harness.state().is_busy() {
            break;
        }
        assert!(Instant::now() < deadline, "the app stayed busy");
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
}

fn has_label(harness: &Harness<'static, LapseApp>, text: &str) -> bool {
    harness.query_by_label(text).is_some()
}

/// The whole text (its label, or else its value) of the widget whose label
/// contains `part`: a summary line, to check what else it says.
fn whole_label(harness: &Harness<'static, LapseApp>, part: &str) -> String {
    let node = harness.get_by_label_contains(part);
    node.accesskit_node()
        .label()
        .or_else(|| node.value())
        .unwrap_or_default()
}

fn set_text(harness: &mut Harness<'static, LapseApp>, field: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .set_text_value_accesskit(text);
    settle(harness);
}

fn text_of(harness: &Harness<'static, LapseApp>, field: &str) -> Option<String> {
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .value()
}

#[test]
fn opens_on_the_default_scenario_and_shows_its_totals() {
    let harness = open(Start::Default, egui::Theme::Dark, false);
    // The engine, run on its own on the built-in scenario, says what to show.
    let file = lapse::model::scenario::default_scenario().expect("the default scenario parses");
    let trace = file.load_population().expect("its population generates");
    let run =
        lapse::engine::run_scenario(&file.scenario, &trace, lapse::engine::RunOptions::TOTALS);
    assert_eq!(run.users, 300, "250 office workers and 50 case workers");
    assert!(has_label(
        &harness,
        &format!("{} — 300 users over 5d", file.scenario.name)
    ));
    for p in &run.policies {
        let m = &p.metrics;
        let n = lapse::app::views::format::thousands;
        let start = format!(
            "{}: {} logouts, {} while present (",
            p.name,
            n(m.logouts),
            n(m.logouts_while_present)
        );
        let losses = format!("{} edits lost", n(m.lost_inputs));
        let verdict = whole_label(&harness, &start);
        assert!(verdict.contains(&losses), "{verdict}");
    }
    // The totals charts, one per metric.
    for title in [
        "Logouts",
        "Logouts while present",
        "Lost submits",
        "Lost edits",
    ] {
        assert!(has_label(&harness, title), "{title}");
    }
    // The generated population's groups are shown with their profiles.
    assert!(
        harness.query_by_label_contains("300 users · ").is_some(),
        "population summary"
    );
    assert!(!harness.state().document().is_dirty());
}

#[test]
fn changing_the_idle_timeout_changes_the_logouts_shown() {
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    // With 1h the submit at 45 meets a live session (deadline 60): it is saved,
    // refreshes the session to 105; the alert's timer, reset by the submit,
    // warns at 100 and is missed at 105. Nobody is logged out.
    assert!(
        has_label(
            &harness,
            "alert: 0 logouts, 0 while present (0 of 1 user) · 0 submits and 0 edits lost (0 users, 0s of typing) · warnings: 1 shown, 0 heeded, 1 missed"
        ),
        "the verdict follows the edit"
    );
    assert!(
        has_label(&harness, KEEPALIVE),
        "the other policy is untouched"
    );
    assert!(harness.state().document().is_dirty());
}

#[test]
fn an_invalid_duration_is_flagged_in_place_and_the_results_stay() {
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "30");
    assert!(
        harness
            .query_by_label_contains("invalid duration \"30\"")
            .is_some(),
        "the reason is shown beside the field"
    );
    assert_eq!(
        text_of(&harness, "Idle timeout").as_deref(),
        Some("30"),
        "the text is kept as typed"
    );
    assert!(
        has_label(&harness, ALERT),
        "the last valid value still applies"
    );

    // A value that parses but breaks a rule: the lead must be under the idle timeout.
    set_text(&mut harness, "Idle timeout", "30m");
    set_text(&mut harness, "Lead", "45m");
    assert!(
        has_label(
            &harness,
            "warning.lead (45m) must be less than idle_timeout (30m)"
        ),
        "flagged at the field"
    );
    assert!(
        has_label(
            &harness,
            "policies[0].warning.lead: policy \"alert\": warning.lead (45m) must be less than idle_timeout (30m)"
        ),
        "listed with the problems"
    );
    assert!(
        has_label(&harness, ALERT),
        "the last good results stay visible"
    );
}

#[test]
fn adding_and_deleting_a_policy() {
    let mut harness = app(egui::Theme::Dark, false);
    harness.get_by_role_and_label(Role::Button, "Add").click();
    settle(&mut harness);
    // SPEC defaults: idle 30m, refreshed by the view at 0 only, so the submit
    // at 45 meets the expiry of 30 (last action 20: not while present).
    let new = "new policy: 1 logout, 0 while present (0 of 1 user) · 1 submit and 4 edits lost (1 user, 15m of typing) · warnings: 0 shown, 0 heeded, 0 missed";
    assert!(has_label(&harness, new));
    assert_eq!(harness.state().document().scenario.policies.len(), 3);
    assert_eq!(text_of(&harness, "Name").as_deref(), Some("Example B"));

    harness
        .get_by_role_and_label(Role::Button, "Delete")
        .click();
    settle(&mut harness);
    assert!(!has_label(&harness, new));
    let names: Vec<_> = harness
        .state()
        .document()
        .scenario
        .policies
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["alert", "keepalive"]);
}

#[test]
fn undo_and_redo_an_edit() {
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    assert!(!has_label(&harness, ALERT));

    harness.get_by_label("Edit").click();
    harness.run();
    harness.get_by_label_contains("Undo").click();
    settle(&mut harness);
    assert!(has_label(&harness, ALERT), "back to 30m");
    assert_eq!(text_of(&harness, "Idle timeout").as_deref(), Some("30m"));
    assert!(
        !harness.state().document().is_dirty(),
        "undone to the opened state"
    );

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    settle(&mut harness);
    assert_eq!(text_of(&harness, "Idle timeout").as_deref(), Some("1h"));
    assert!(!has_label(&harness, ALERT), "redone");
}

/// A file dropped on the window, as the window system delivers it.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn opening_a_broken_file_shows_the_error_with_its_location() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.ron");
    std::fs::write(
        &path,
        concat!(
            "Scenario(\n",
            "    name: \"Broken\",\n",
            "    horizon: \"1d\",\n",
            "    population: Trace(path: \"t.csv\"),\n",
            "    policies: [Policy(name: \"A\", idle_timeout: Some(\"30m\"), warning: Some(Warning(lead: \"45m\")))],\n",
            ")\n",
        ),
    )
    .expect("write");
    let mut harness = app(egui::Theme::Dark, false);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.clone())));
    settle(&mut harness);
    // Line 5; `lead` starts at column 83 of that line.
    let expected = format!(
        "{}:5:83: policy \"A\": warning.lead (45m) must be less than idle_timeout (30m)",
        path.display()
    );
    assert!(
        has_label(&harness, &expected),
        "the located message is shown"
    );
    assert!(has_label(
        &harness,
        &format!("Could not open {}", path.display())
    ));
    assert!(has_label(&harness, ALERT), "the open scenario is untouched");
    assert_eq!(harness.state().document().path, Some(example_b()));
}

#[test]
fn new_asks_before_losing_unsaved_edits() {
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    settle(&mut harness);
    assert!(has_label(&harness, "Save your changes?"));
    harness
        .get_by_role_and_label(Role::Button, "Cancel")
        .click();
    settle(&mut harness);
    assert!(!has_label(&harness, "Save your changes?"));
    assert_eq!(
        text_of(&harness, "Idle timeout").as_deref(),
        Some("1h"),
        "nothing lost"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    settle(&mut harness);
    harness
        .get_by_role_and_label(Role::Button, "Don't save")
        .click();
    settle(&mut harness);
    // The default scenario, untitled and unedited.
    assert_eq!(harness.state().document().path, None);
    assert_eq!(
        harness.state().document().scenario,
        lapse::model::scenario::default_scenario()
            .expect("parses")
            .scenario
    );
    assert!(!harness.state().document().is_dirty());
}

#[test]
fn save_then_reopen_gives_the_same_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.ron");
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    harness.state_mut().queue(Command::SaveTo {
        path: path.clone(),
        then: None,
    });
    settle(&mut harness);
    assert!(!harness.state().document().is_dirty());
    let saved = lapse::model::Scenario::load(&path).expect("the saved file loads");
    assert_eq!(saved.scenario, harness.state().document().scenario);
    assert!(saved.load_population().is_ok(), "its trace is still found");
}

#[test]
fn exports_results_csv_and_the_plots_as_png() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("results.csv");
    let png = dir.path().join("plots.png");
    let mut harness = app(egui::Theme::Light, true);
    harness
        .state_mut()
        .queue(Command::WriteResultsCsv(csv.clone()));
    harness.state_mut().queue(Command::WritePng(png.clone()));
    settle(&mut harness);

    let text = std::fs::read_to_string(&csv).expect("csv written");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let logouts = header
        .iter()
        .position(|h| *h == "logouts")
        .expect("logouts column");
    let alert: Vec<&str> = lines.next().expect("alert row").split(',').collect();
    assert_eq!((alert[0], alert[logouts]), ("alert", "1"));

    let bytes = std::fs::read(&png).expect("png written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // The image is the results area: narrower and shorter than the window.
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert!(width > 600 && width < SIZE[0] as u32, "{width}");
    assert!(height > 400 && height < SIZE[1] as u32, "{height}");
}

/// File → Export report: the window's scenario, unsaved edit included, and
/// its results. With the alert's idle timeout at 1h (SPEC example B), the
/// submit at 45 meets a live session: the alert loses nothing.
#[test]
fn exports_a_report_of_the_edited_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = dir.path().join("report.html");
    let mut harness = app(egui::Theme::Light, false);
    set_text(&mut harness, "Idle timeout", "1h");
    settle(&mut harness);
    assert!(
        harness.state().document().is_dirty(),
        "the edit is not saved"
    );
    harness
        .state_mut()
        .queue(Command::WriteReport(html.clone()));
    settle(&mut harness);

    let text = std::fs::read_to_string(&html).expect("report written");
    // The policy selected in the window is the chosen one.
    assert!(
        text.contains("Chosen policy: <strong>“alert”</strong>"),
        "{text}"
    );
    assert!(
        text.contains(
            "<data value=\"0\" data-policy=\"alert\" data-metric=\"lost_inputs\">0</data>"
        )
    );
    // The embedded scenario is the edited one.
    assert!(
        text.contains("idle_timeout: Some(&quot;1h&quot;)"),
        "the edit is embedded"
    );
    assert!(!text.contains("This report has problems"));
}

/// Hides what changes from run to run (the time a simulation took).
fn mask_timing(harness: &mut Harness<'static, LapseApp>) {
    let rect = harness.get_by_label_contains("simulated in").rect();
    harness.mask(rect);
}

#[test]
fn snapshot_main_view_dark() {
    let mut harness = open(Start::Default, egui::Theme::Dark, true);
    harness.remove_cursor();
    mask_timing(&mut harness);
    harness.snapshot("main_dark");
}

#[test]
fn snapshot_main_view_light() {
    let mut harness = open(Start::Default, egui::Theme::Light, true);
    harness.remove_cursor();
    mask_timing(&mut harness);
    harness.snapshot("main_light");
}

/// eframe's storage, in memory.
#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn the_last_session_comes_back_with_its_unsaved_edits_and_theme() {
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Light").click();
    settle(&mut harness);
    let mut memory = Memory::default();
    eframe::App::save(harness.state_mut(), &mut memory);

    // The next run starts from that storage.
    let memory: &'static Memory = Box::leak(Box::new(memory));
    let mut again = Harness::builder()
        .with_size(SIZE)
        .with_max_steps(20)
        .build_eframe(move |cc| {
            cc.storage = Some(memory);
            LapseApp::new(cc, Start::Restore)
        });
    settle(&mut again);
    assert_eq!(text_of(&again, "Idle timeout").as_deref(), Some("1h"));
    assert!(
        again.state().document().is_dirty(),
        "the restored scenario differs from its file on disk"
    );
    assert!(!has_label(&again, ALERT));
    assert_eq!(
        again.ctx.options(|o| o.theme_preference),
        egui::ThemePreference::Light
    );
}

/// The app on `start`, keeping its recovery files in `folder`.
fn with_recovery(start: Start, folder: &Path) -> Harness<'static, LapseApp> {
    let folder = folder.to_path_buf();
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .with_max_steps(20)
        .build_eframe(move |cc| LapseApp::with_recovery(cc, start, Some(folder)));
    settle(&mut harness);
    harness
}

/// The recovery files in `folder`.
fn recovery_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

/// A window edits, then "crashes": its recovery file is left behind under a
/// process id that no longer runs (ids above the kernel's 4 194 304 never do).
fn crashed_window_with_idle_timeout(folder: &Path, idle: &str) {
    let mut harness = with_recovery(Start::File(example_b()), folder);
    set_text(&mut harness, "Idle timeout", idle);
    // Nothing is written until the edit has stood for 2 s (a step is 0.25 s).
    assert_eq!(recovery_files(folder), Vec::<PathBuf>::new());
    for _ in 0..12 {
        harness.step();
    }
    let written = recovery_files(folder);
    assert_eq!(
        written,
        [folder.join(format!("recovery-{}.ron", std::process::id()))]
    );
    std::fs::rename(&written[0], folder.join("recovery-4999999.ron")).expect("rename");
    // A window that crashed runs no destructor.
    std::mem::forget(harness);
}

#[test]
fn edits_left_by_a_crash_are_offered_back_and_restored() {
    let dir = tempfile::tempdir().expect("temp dir");
    crashed_window_with_idle_timeout(dir.path(), "1h");

    let mut again = with_recovery(Start::Default, dir.path());
    assert!(has_label(&again, "Restore unsaved edits?"));
    assert!(has_label(
        &again,
        "Lapse did not close cleanly. Edits to “example-b.ron” made less than a minute ago were never saved."
    ));
    again.get_by_label("Restore").click();
    settle(&mut again);
    assert_eq!(text_of(&again, "Idle timeout").as_deref(), Some("1h"));
    assert_eq!(
        again.state().document().path.as_deref(),
        Some(example_b().as_path())
    );
    assert!(again.state().document().is_dirty());
    // The edits are now kept under this window's name; the orphan is gone.
    assert_eq!(
        recovery_files(dir.path()),
        [dir.path()
            .join(format!("recovery-{}.ron", std::process::id()))]
    );
    // A clean exit removes it: eframe's storage keeps the last scenario.
    drop(again);
    assert_eq!(recovery_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn edits_left_by_a_crash_can_be_discarded() {
    let dir = tempfile::tempdir().expect("temp dir");
    crashed_window_with_idle_timeout(dir.path(), "1h");

    let mut again = with_recovery(Start::File(example_b()), dir.path());
    again.get_by_label("Discard").click();
    settle(&mut again);
    assert!(!has_label(&again, "Restore unsaved edits?"));
    assert_eq!(text_of(&again, "Idle timeout").as_deref(), Some("30m"));
    assert!(!again.state().document().is_dirty());
    assert_eq!(recovery_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_save_that_fails_keeps_the_edits_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    // A folder where the file should go: the write cannot happen.
    let target = dir.path().join("taken.ron");
    std::fs::create_dir(&target).expect("dir");
    harness.state_mut().queue(Command::SaveTo {
        path: target.clone(),
        then: None,
    });
    settle(&mut harness);
    assert!(harness.state().document().is_dirty());
    assert_eq!(text_of(&harness, "Idle timeout").as_deref(), Some("1h"));
    assert_eq!(
        harness.state().toasts().last().map(String::as_str),
        Some(
            format!(
                "Could not save: {}: cannot write: is a directory, not a file",
                target.display()
            )
            .as_str()
        )
    );
    assert_eq!(
        harness.state().document().path.as_deref(),
        Some(example_b().as_path())
    );
}

#[test]
fn a_save_error_goes_away_once_a_save_succeeds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = app(egui::Theme::Dark, false);
    set_text(&mut harness, "Idle timeout", "1h");
    let taken = dir.path().join("taken.ron");
    std::fs::create_dir(&taken).expect("dir");
    harness.state_mut().queue(Command::SaveTo {
        path: taken.clone(),
        then: None,
    });
    settle(&mut harness);
    let failure = format!(
        "Could not save: {}: cannot write: is a directory, not a file",
        taken.display()
    );
    assert!(has_label(&harness, &failure), "the error is shown");
    // The same action, now to a writable file: the error is no longer true.
    let good = dir.path().join("good.ron");
    harness.state_mut().queue(Command::SaveTo {
        path: good.clone(),
        then: None,
    });
    settle(&mut harness);
    assert!(!harness.state().document().is_dirty());
    let toasts = harness.state().toasts();
    assert_eq!(toasts.last(), Some(&format!("Saved {}", good.display())));
    assert!(
        !toasts.iter().any(|t| t.starts_with("Could not")),
        "{toasts:?}"
    );
    assert!(!has_label(&harness, &failure), "the error is gone");
}

#[test]
fn lapse_gui_refuses_a_missing_file_before_opening_a_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.ron");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lapse"))
        .arg("gui")
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: {}: no such file\n", missing.display())
    );
}

#[test]
fn every_view_opens_with_every_input_named() {
    let mut harness = app(egui::Theme::Dark, false);
    // `run` (inside `settle`) checks that every input has an accessible name.
    for tab in [
        "Over time",
        "User timeline",
        "Idle gaps",
        "Sweep",
        "Trade-off",
        "All metrics",
        "Totals",
    ] {
        harness.get_by_label(tab).click();
        settle(&mut harness);
    }
    harness.get_by_label("Over time").click();
    settle(&mut harness);
    harness.get_by_label("Folded into one day").click();
    settle(&mut harness);
    assert!(has_label(&harness, "Logouts (while present) per 15m"));

    harness.get_by_label("User timeline").click();
    settle(&mut harness);
    // Example B's only user, ana, lost 4 edits under the alert.
    harness
        .get_by_label("Jump to the user who lost the most work")
        .click();
    settle(&mut harness);
    assert!(has_label(
        &harness,
        "alert: 1 logout (0 while present) · 1 lost submit · 4 lost edits (15m of typing) · warnings 1 shown, 1 missed"
    ));
    harness.get_by_label("Day 1").click();
    settle(&mut harness);

    harness.get_by_label("Idle gaps").click();
    settle(&mut harness);
    // ana's actions at 0, 10, 20, 30, 40, 45 minutes: five pauses, one of
    // them (40 to 45) 5 minutes, the others 10; none reaches 30 minutes.
    assert!(has_label(
        &harness,
        "5 pauses between a user's consecutive actions."
    ));
    assert!(has_label(
        &harness,
        "alert: 0.0% of pauses last at least the idle timeout (30m); 0.0% reach the warning (25m)"
    ));
}

#[test]
fn a_dropped_access_log_is_imported_and_replayed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("combined.log");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/import/combined.log"
        ),
        &log,
    )
    .expect("copy the fixture");
    let direct = lapse::import::import_paths(
        std::slice::from_ref(&log),
        lapse::import::ImportOptions::default(),
    )
    .expect("the fixture imports");
    // The window's data folder, where its imports are kept.
    let data = tempfile::tempdir().expect("temp dir");
    let mut harness = with_recovery(Start::File(example_b()), data.path());
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(log.clone())));
    settle(&mut harness);
    let lapse::model::Population::Trace { path: trace } =
        harness.state().document().scenario.population.clone()
    else {
        panic!("the population is the imported trace");
    };
    // Kept in Lapse's imports folder, named after the log; the log's own
    // folder is left as it was.
    assert_eq!(trace.parent(), Some(&*data.path().join("imports")));
    let name = trace.file_name().map(|n| n.to_string_lossy().into_owned());
    assert!(
        name.as_deref()
            .is_some_and(|n| n.starts_with("combined-") && n.ends_with(".trace.csv")),
        "{name:?}"
    );
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .expect("the log's folder")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside, ["combined.log"], "nothing written beside the log");
    let users = direct.trace.num_users();
    assert!(users > 1, "the fixture has several users");
    assert!(
        harness
            .query_by_label_contains(&format!("Example B — {users} users over 1d"))
            .is_some(),
        "the scenario now replays the log's {users} users"
    );
    assert!(
        has_label(&harness, "Imported combined.log"),
        "the summary window"
    );
    // The notification says where the trace went.
    assert!(
        harness
            .query_by_label_contains(&format!("into {}", trace.display()))
            .is_some(),
        "the notification names the trace"
    );
    // The summary warns of the missing activity and offers the fill.
    assert!(
        harness
            .query_by_label_contains("Warning: no in-page activity")
            .is_some()
    );
    harness
        .get_by_role_and_label(Role::Button, "Fill with modelled activity")
        .click();
    settle(&mut harness);
    let lapse::model::Population::Trace { path: filled } =
        harness.state().document().scenario.population.clone()
    else {
        panic!("the population is the filled trace");
    };
    assert!(
        filled.to_string_lossy().ends_with(".filled.trace.csv"),
        "{}",
        filled.display()
    );
    let filled_trace = lapse::model::Trace::load(&filled).expect("the filled trace loads");
    assert!(filled_trace.num_events() > direct.trace.num_events());
    assert_eq!(filled_trace.num_users(), users);
    assert!(
        harness
            .query_by_label_contains("Filled with modelled activity (profile \"office\", seed 1)")
            .is_some(),
        "the summary of the filled import, with example B's seed"
    );
}

/// Runs a sweep of the alert's idle timeout from the sweep view's form.
fn sweep_alert(harness: &mut Harness<'static, LapseApp>) {
    harness.get_by_label("Sweep").click();
    settle(harness);
    set_text(harness, "From", "10m");
    set_text(harness, "To", "1h");
    harness
        .get_by_role_and_label(Role::SpinButton, "Steps")
        .set_value_accesskit(6.0);
    settle(harness);
    harness
        .get_by_role_and_label(Role::Button, "Run sweep")
        .click();
    settle(harness);
}

#[test]
fn the_sweep_view_runs_a_sweep_and_plots_every_step() {
    let mut harness = app(egui::Theme::Dark, false);
    sweep_alert(&mut harness);
    let app = harness.state();
    let result = app.sweep_result().expect("the sweep finished");
    // 10m to 1h in 6 steps: every 10 minutes.
    let values: Vec<u64> = result
        .sweep
        .steps
        .iter()
        .map(|s| s.value.0 / 60_000)
        .collect();
    assert_eq!(values, [10, 20, 30, 40, 50, 60]);
    assert_eq!(result.sweep.current, Some(lapse::model::Dur::mins(30)));
    assert_eq!(result.metrics.len(), 20, "a plot per metric");
    let series = |name: &str| {
        result
            .metrics
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name} plotted"))
    };
    let logouts = series("logouts");
    assert_eq!(logouts.points.len(), 6, "one point per step");
    // x is in hours: 10 minutes is 1/6 h.
    assert!((logouts.points[0].x - 10.0 / 60.0).abs() < 1e-12);
    // ana's session starts at the view at 0 and nothing else reaches the
    // server before the submit at 45: an idle timeout under 45 minutes
    // expires it first (one logout, the submit lost); 50m and 1h keep it.
    let ys = |name: &str| -> Vec<f64> { series(name).points.iter().map(|p| p.y).collect() };
    assert_eq!(ys("logouts"), [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
    assert_eq!(ys("lost_submits"), [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
    assert!(has_label(
        &harness,
        "“alert”: idle_timeout from 10m to 1h in 6 steps, 1 user. The dashed line is its value now (30m)."
    ));
}

#[test]
fn a_sweep_is_dropped_when_what_it_depends_on_changes() {
    let mut harness = app(egui::Theme::Dark, false);
    sweep_alert(&mut harness);
    // The swept field itself only moves the marker.
    set_text(&mut harness, "Idle timeout", "45m");
    assert!(harness.state().sweep_result().is_some());
    // Another field of the policy changes every number.
    set_text(&mut harness, "Lead", "2m");
    assert!(harness.state().sweep_result().is_none());
    assert!(
        harness
            .query_by_label_contains("The last sweep was dropped")
            .is_some()
    );
}

#[test]
fn clicking_a_sweep_point_in_the_trade_off_view_applies_it_and_undo_reverts() {
    let mut harness = app(egui::Theme::Dark, false);
    sweep_alert(&mut harness);
    harness.get_by_label("Trade-off").click();
    settle(&mut harness);
    let data = harness.state().tradeoff_data().expect("drawn").clone();
    // Two policies, then the six steps; the step at 50m is point 2 + 4.
    assert_eq!(data.points.len(), 8);
    let fifty = &data.points[6];
    assert_eq!(
        fifty.kind,
        lapse::app::views::tradeoff::PointKind::Step {
            policy: 0,
            param: lapse::analysis::param::Param::IdleTimeout,
            value: lapse::model::Dur::mins(50),
        }
    );
    // At 50m the submit at 45 is saved: nobody is logged out, nothing lost.
    assert_eq!(fifty.at[1], 0);
    // Select the other policy first, to see the click select "alert" again.
    harness.state_mut().queue(Command::SelectPolicy(1));
    settle(&mut harness);
    let at = harness
        .state()
        .tradeoff_point_on_screen(6)
        .expect("the point was drawn");
    harness.event(egui::Event::PointerMoved(at));
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::default(),
        });
    }
    settle(&mut harness);
    let idle =
        |h: &Harness<'static, LapseApp>| h.state().document().scenario.policies[0].idle_timeout;
    assert_eq!(idle(&harness), Some(lapse::model::Dur::mins(50)));
    assert_eq!(harness.state().selected_policy(), 0);
    assert_eq!(text_of(&harness, "Idle timeout").as_deref(), Some("50m"));
    // Under 50m nothing happens to ana (see the sweep test).
    assert!(has_label(
        &harness,
        "alert: 0 logouts, 0 while present (0 of 1 user) · 0 submits and 0 edits lost (0 users, 0s of typing) · warnings: 1 shown, 0 heeded, 1 missed"
    ));

    harness.state_mut().queue(Command::Undo);
    settle(&mut harness);
    assert_eq!(idle(&harness), Some(lapse::model::Dur::mins(30)));
    assert!(has_label(&harness, ALERT));
    assert!(!harness.state().document().is_dirty());
}

#[test]
fn compliance_badges_follow_the_idle_timeout() {
    let mut harness = app(egui::Theme::Dark, false);
    // PCI DSS 8.2.8: re-authenticate after at most 15 minutes idle. The
    // alert has no keepalive, absolute timeout or remember-me, so its idle
    // timeout is the bound.
    set_text(&mut harness, "Idle timeout", "1d");
    assert!(has_label(&harness, "PCI DSS: fail"));
    assert!(!has_label(&harness, "PCI DSS: pass"));
    set_text(&mut harness, "Idle timeout", "15m");
    assert!(has_label(&harness, "PCI DSS: pass"));
    assert!(!has_label(&harness, "PCI DSS: fail"));
    // HIPAA asks for an automatic logoff of some length: both pass.
    assert!(has_label(&harness, "HIPAA: pass"));
}

fn copied(harness: &Harness<'static, LapseApp>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn copy_as_flask_config_puts_the_settings_on_the_clipboard() {
    let mut harness = app(egui::Theme::Dark, false);
    harness
        .get_by_role_and_label(Role::Button, "Copy as Flask config")
        .click();
    harness.step();
    let texts = copied(&harness);
    assert_eq!(texts.len(), 1, "{texts:?}");
    // The alert's 30-minute idle timeout, refreshed on every request.
    assert!(
        texts[0].contains("PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)"),
        "{}",
        texts[0]
    );
    assert!(texts[0].contains("SESSION_REFRESH_EACH_REQUEST = True"));
    settle(&mut harness);
    assert!(has_label(
        &harness,
        "Copied the Flask settings of “alert” to the clipboard"
    ));

    // The other frameworks, from the menu beside it: Django counts seconds.
    harness.get_by_label("Export settings").click();
    harness.run();
    harness.get_by_label("Copy as Django settings").click();
    harness.step();
    let texts = copied(&harness);
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].contains("SESSION_COOKIE_AGE = 1800"),
        "{}",
        texts[0]
    );
}

/// The sweep's small multiples, then the trade-off view with a sweep step
/// hovered (its description shown).
#[test]
fn snapshot_sweep_and_tradeoff_views() {
    let mut harness = app(egui::Theme::Dark, true);
    sweep_alert(&mut harness);
    harness.remove_cursor();
    mask_timing(&mut harness);
    harness.snapshot("sweep_dark");
    harness.get_by_label("Trade-off").click();
    settle(&mut harness);
    let at = harness.state().tradeoff_point_on_screen(5).expect("drawn");
    harness.hover_at(at);
    settle(&mut harness);
    mask_timing(&mut harness);
    harness.snapshot("tradeoff_dark");
}

#[test]
fn the_client_clock_and_tab_sync_are_edited_in_the_policy() {
    let mut harness = app(egui::Theme::Dark, false);
    // The two fields close the policy editor: scroll down to them first.
    harness
        .get_by_role_and_label(Role::ComboBox, "Client clock")
        .scroll_to_me();
    harness.run();
    harness.get_by_label("Tab sync").click();
    settle(&mut harness);
    harness
        .get_by_role_and_label(Role::ComboBox, "Client clock")
        .click();
    harness.run();
    harness.get_by_label("Wall").click();
    settle(&mut harness);
    let policy = &harness.state().document().scenario.policies[0];
    assert!(policy.tab_sync, "Tab sync ticked");
    assert_eq!(policy.client_clock, lapse::model::ClientClock::Wall);
    assert!(harness.state().document().is_dirty());
    // One tab, no sleep (SPEC example B): neither field changes a number.
    assert!(has_label(&harness, ALERT));
}

/// Issue 20: the All metrics view gives each metric its name and what it
/// counts, and the unattended exposure per user per day.
#[test]
fn all_metrics_names_each_metric_and_reads_exposure_per_user_per_day() {
    let mut harness = app(egui::Theme::Dark, false);
    harness.get_by_label("All metrics").click();
    settle(&mut harness);
    for name in [
        "Logouts while present",
        "Lost edits",
        "Unattended exposure",
        "Unattended exposure per user per day",
        "unsaved edits thrown away by the session, not by the user",
    ] {
        assert!(has_label(&harness, name), "{name}");
    }
    // SPEC example B: the alert's session is alive 40 minutes while ana is
    // away, keepalive's 50; one user over a 1-day horizon, so per user per
    // day is the same: each shown twice.
    for cell in ["40m", "50m"] {
        assert_eq!(harness.query_all_by_label(cell).count(), 2, "{cell}");
    }
}

/// Issue 20: each sweep step is marked as passing or failing the standard
/// chosen in the form, the plots are named, and the trade-off's hover gives
/// the exposure per user per day.
#[test]
fn the_sweep_marks_each_step_against_the_chosen_standard() {
    let mut harness = app(egui::Theme::Dark, false);
    sweep_alert(&mut harness);
    // The alert has no keepalive, so PCI DSS's 15 minutes bound its idle
    // timeout alone: of 10m, 20m, ... 1h only 10m passes.
    assert!(has_label(
        &harness,
        "pci-dss: passes at 10m; fails at 20m to 1h"
    ));
    for title in ["Logouts while present", "Lost typing time (hours)"] {
        assert!(has_label(&harness, title), "{title}");
    }
    // HIPAA asks for an automatic logoff and names no time: every step passes.
    harness
        .get_by_role_and_label(Role::ComboBox, "Standard")
        .click();
    harness.run();
    // The last of nine: scrolled into the list's view first.
    harness.get_by_label("hipaa").scroll_to_me();
    harness.run();
    harness.get_by_label("hipaa").click();
    settle(&mut harness);
    assert!(has_label(&harness, "hipaa: passes at 10m to 1h"));

    harness.get_by_label("Trade-off").click();
    settle(&mut harness);
    let data = harness.state().tradeoff_data().expect("drawn");
    // SPEC example B: the alert leaves the session alive 40 minutes after
    // ana left; one user, one day.
    assert!(
        data.points[0]
            .hover
            .contains("unattended exposure: 40m (40m per user per day)"),
        "{}",
        data.points[0].hover
    );
}

/// Issue 20: an exported PNG shows the plots alone, without the headline,
/// the tabs or the sweep's form.
#[test]
fn an_exported_png_shows_the_plots_without_the_tabs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("sweep.png");
    let mut harness = app(egui::Theme::Light, true);
    sweep_alert(&mut harness);
    let tabs = harness.get_by_label("All metrics").rect();
    let form = harness
        .get_by_role_and_label(Role::Button, "Run sweep")
        .rect();
    let area = harness.state().png_area().expect("an area to export");
    assert!(
        area.top() >= tabs.bottom() && area.top() >= form.bottom(),
        "{area:?} starts below the tabs {tabs:?} and the form {form:?}"
    );
    harness.state_mut().queue(Command::WritePng(png.clone()));
    settle(&mut harness);
    let bytes = std::fs::read(&png).expect("png written");
    let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert!(
        (height as f32 - area.height()).abs() <= 1.0,
        "{height} px for {area:?}"
    );
}

/// A small generated scenario asking for replicates, written to a file.
fn replicated_scenario(dir: &Path) -> PathBuf {
    let path = dir.join("replicated.ron");
    std::fs::copy("tests/fixtures/replicated.ron", &path).expect("copy the scenario");
    path
}

#[test]
fn replicates_put_a_spread_on_each_summary_line_and_a_difference_under_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = replicated_scenario(dir.path());
    let mut harness = open(Start::File(path.clone()), egui::Theme::Dark, false);
    // The replicates follow the first result on the worker thread.
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness
        .query_by_label_contains("Means over 4 replicates")
        .is_none()
    {
        assert!(Instant::now() < deadline, "the replicates never finished");
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    assert!(
        harness.query_by_label("Replicates").is_some(),
        "the control"
    );
    // The numbers are the library's: mean ± half the 95 % interval.
    let file = lapse::model::Scenario::load(&path).expect("loads");
    let trace = file.load_population().expect("generates");
    let spec = lapse::analysis::ReplicateSpec::of(&file.scenario, false);
    let r = lapse::analysis::run_replicated(
        &file.scenario,
        &trace,
        &spec,
        lapse::engine::RunOptions::TOTALS,
        &lapse::engine::Progress::default(),
    )
    .expect("generates")
    .expect("runs");
    for (p, policy) in r.run.policies.iter().enumerate() {
        let intervals = r.intervals(p);
        let (_, logouts) = intervals[1];
        assert_eq!(intervals[1].0, "logouts");
        assert!(logouts.half_width() > 0.0, "12 users vary between draws");
        let cell = lapse::report::replicates::interval_cell("logouts", &logouts);
        assert!(cell.contains(" ± "), "{cell}");
        let start = format!("{}: {cell} logouts, ", policy.name);
        assert!(
            harness.query_by_label_contains(&start).is_some(),
            "no summary starting {start:?}"
        );
    }
    // Who was hit is counted in the first draw only, and says so on both
    // policies' lines.
    assert_eq!(
        harness
            .query_all_by_label_contains("of 12 users in replicate 0)")
            .count(),
        2,
        "the people counts do not say which replicate they are"
    );
    let sentence = lapse::report::replicates::sentences(&r.differences(0))
        .into_iter()
        .next()
        .expect("a difference");
    assert!(sentence.starts_with("keepalive: "), "{sentence}");
    assert!(has_label(&harness, &sentence), "{sentence}");
}

/// SPEC example D (tab 1's timer logs out the user typing in tab 2) with
/// the laptop closed from minute 90 to 130, under the per-tab alert and
/// the same alert with one deadline for both tabs.
fn example_d() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/example-d.ron"
    ))
}

fn open_timeline_of_example_d(render: bool) -> Harness<'static, LapseApp> {
    let mut harness = open(Start::File(example_d()), egui::Theme::Dark, render);
    harness.get_by_label("User timeline").click();
    settle(&mut harness);
    harness
}

#[test]
fn the_timeline_has_a_row_per_tab_shades_sleep_and_marks_the_other_tabs_logout() {
    let harness = open_timeline_of_example_d(false);
    // SPEC example D: logouts 2, 1 while present, the submit and 2 edits
    // (27 and 29: 2m of typing) lost, warnings 2 shown and missed; synced:
    // 1 logout (the session expired at 61), nothing lost, 1 warning missed.
    assert!(has_label(
        &harness,
        "per-tab alert: 2 logouts (1 while present) · 1 lost submit · 2 lost edits (2m of typing) · warnings 2 shown, 2 missed"
    ));
    assert!(has_label(
        &harness,
        "synced alert: 1 logout (0 while present) · 0 lost submits · 0 lost edits (0s of typing) · warnings 1 shown, 1 missed"
    ));
    // Two tabs get rows of their own; the lid closed 90 to 130 is shaded.
    assert!(has_label(
        &harness,
        "2 tabs: each has a row of actions, and a row under each policy with its pages, warnings, redirects and pings · device asleep 1 time (40m in all, shaded)"
    ));
    // The logout at 30 is the trace's tab 0 ("tab 1") redirecting while the
    // user typed in tab 2; nothing of the kind with the shared deadline.
    assert!(has_label(
        &harness,
        "per-tab alert: logged out by tab 1's timer at day 1 00:30"
    ));
    assert!(
        harness
            .query_by_label_contains("synced alert: logged out by")
            .is_none()
    );
    // The population details count tabs and sleep from the trace.
    assert!(has_label(
        &harness,
        "Tabs used per user (whole trace, not at once): 2.0 on average, at most 2; 100% of users use more than one · 100% of users' devices sleep: 40m in all, 40m each on average"
    ));
}

#[test]
fn snapshot_timeline_with_tabs_and_sleep() {
    let mut harness = open_timeline_of_example_d(true);
    // The whole trace: the tabs' pages, the logout at 30 and the nap at 90.
    harness.get_by_label("Whole trace").click();
    settle(&mut harness);
    harness.remove_cursor();
    settle(&mut harness);
    mask_timing(&mut harness);
    harness.snapshot("timeline_tabs_dark");
}

#[test]
fn a_large_trace_loads_behind_a_progress_bar_and_the_window_keeps_drawing() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 2 million lines, 46 MB: long enough to read that the bar shows.
    let mut text = String::from("user,time_ms,kind\n");
    for i in 0..2_000_000u64 {
        text += &format!("user{},{},input\n", i % 1000, 60_000 * (i / 1000));
    }
    std::fs::write(dir.path().join("big.csv"), &text).expect("write the trace");
    let scenario = std::fs::read_to_string(example_b())
        .expect("example B")
        .replace("example-b.csv", "big.csv");
    let file = dir.path().join("big.ron");
    std::fs::write(&file, scenario).expect("write the scenario");
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .with_max_steps(20)
        .build_eframe(move |cc| LapseApp::new(cc, Start::File(file)));
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut shown: Vec<String> = Vec::new();
    let mut slowest = Duration::ZERO;
    while harness.state().is_busy() {
        let frame = Instant::now();
        harness.step();
        slowest = slowest.max(frame.elapsed());
        let bar = harness
            .query_all_by_role(Role::ProgressIndicator)
            .filter_map(|node| node.accesskit_node().label())
            .find(|label| label.starts_with("Reading the trace"));
        if let Some(label) = bar
            && shown.last() != Some(&label)
        {
            shown.push(label);
        }
        assert!(Instant::now() < deadline, "the trace never loaded");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The bar said how much of the file was read, and moved on as it was.
    assert!(shown.len() >= 2, "the bar read {shown:?}");
    assert!(shown[0].ends_with(" of 46 MB)"), "{}", shown[0]);
    // The reading is on the worker's thread: a frame never waits for it.
    assert!(slowest < Duration::from_secs(1), "a frame took {slowest:?}");
    settle(&mut harness);
    assert!(has_label(
        &harness,
        "1,000 users · 2,000,000 events · day 1 00:00 to day 2 09:19 (1d9h19m)"
    ));
}

/// Simulation → Recommend… → pci-dss on SPEC example B: the alert loses the
/// submit and its 4 edits (SPEC section 8) and fails PCI DSS (30m idle);
/// the search finds a compliant policy that loses nothing (pings while the
/// user types keep the session alive, as example B's keepalive shows), the
/// dialog shows the three policies, and adding it is one undoable edit.
#[test]
fn recommend_shows_three_policies_and_adds_the_choice_as_one_undoable_edit() {
    let mut harness = app(egui::Theme::Dark, false);
    harness.get_by_label("Simulation").click();
    harness.run();
    harness.get_by_label("Recommend…").click();
    harness.run();
    harness.get_by_label("Recommend for pci-dss…").click();
    settle(&mut harness);
    let found = harness
        .state()
        .recommendation()
        .expect("the dialog")
        .clone();
    assert_eq!(found.current.name, "alert");
    assert_eq!(found.current_metrics.lost_inputs, 4);
    assert!(!found.current_verdict.pass);
    assert!(found.best_verdict.pass);
    assert_eq!(found.best_metrics.lost_inputs, 0);
    assert_eq!(found.best_metrics.lost_submits, 0);
    assert!(has_label(&harness, "Current approach, compliant"));
    assert!(has_label(&harness, "Best found"));
    assert!(
        harness
            .query_by_label_contains(&format!("Recommended: {:?}", found.best.name))
            .is_some()
    );
    harness.get_by_label("Add the recommended policy").click();
    settle(&mut harness);
    let policies = &harness.state().document().scenario.policies;
    assert_eq!(policies.len(), 3);
    assert_eq!(policies[1].name, found.best.name);
    assert_eq!(harness.state().selected_policy(), 1);
    assert!(
        harness.state().recommendation().is_none(),
        "the dialog closed"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut harness);
    let names: Vec<&str> = harness
        .state()
        .document()
        .scenario
        .policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["alert", "keepalive"], "one undo removes it");
}

/// One user with four tabs under three policies: 4 rows of actions and
/// 3 x (1 + 4) policy and tab rows, 19 in all; each keeps a readable
/// height (the timeline scrolls rather than squeeze them).
#[test]
fn snapshot_timeline_with_four_tabs_under_three_policies() {
    let file = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/four-tabs.ron"
    ));
    let mut harness = open(Start::File(file), egui::Theme::Dark, true);
    harness.get_by_label("User timeline").click();
    settle(&mut harness);
    // Four tabs in the trace; the lid closed from 60 to 90.
    assert!(has_label(
        &harness,
        "4 tabs: each has a row of actions, and a row under each policy with its pages, warnings, redirects and pings · device asleep 1 time (30m in all, shaded)"
    ));
    harness.get_by_label("Whole trace").click();
    settle(&mut harness);
    harness.remove_cursor();
    settle(&mut harness);
    mask_timing(&mut harness);
    harness.snapshot("timeline_four_tabs_dark");
}

/// Student's t quantile t(0.975, 3) for 4 replicates (tables: 3.182).
const T_975_3: f64 = 3.182_446_305_284_263;

/// The mean and half-width of a 95 % Student's t interval of 4 values, by hand.
fn t_interval_of_4(values: &[f64]) -> (f64, f64) {
    assert_eq!(values.len(), 4);
    let mean = values.iter().sum::<f64>() / 4.0;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0;
    (mean, T_975_3 * (var / 4.0).sqrt())
}

/// Issue 17: with replicates, the sweep runs on every draw of the
/// population (the library's `lapse sweep --replicates`) and each metric's
/// line is the mean over the draws inside a band of its 95 % interval.
#[test]
fn a_sweep_with_replicates_draws_the_mean_in_a_band_of_its_interval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = replicated_scenario(dir.path());
    let mut harness = open(Start::File(path.clone()), egui::Theme::Dark, false);
    // Clicks land where widgets were drawn: wait until the summary stops growing.
    wait_for_replicates(&mut harness, 4);
    sweep_alert(&mut harness);
    let result = harness.state().sweep_result().expect("the sweep finished");
    assert_eq!(result.replicate_count(), 4, "the scenario asks for 4");
    // The same sweep on 4 draws, straight from the library.
    let file = lapse::model::Scenario::load(&path).expect("loads");
    let trace = file.load_population().expect("generates");
    let spec = lapse::analysis::SweepSpec {
        param: lapse::analysis::Param::IdleTimeout,
        from: lapse::model::Dur::mins(10),
        to: lapse::model::Dur::hours(1),
        steps: 6,
    };
    let sweeps = lapse::analysis::replicates::run_sweep_replicates(
        &file.scenario,
        &trace,
        lapse::analysis::Draws::Generated,
        &file.scenario.policies[0],
        &spec,
        4,
    )
    .expect("sweeps");
    let plotted = result
        .metrics
        .iter()
        .find(|m| m.name == "logouts_while_present")
        .expect("plotted");
    assert_eq!((plotted.points.len(), plotted.band.len()), (6, 6));
    let mut widths = 0.0;
    for s in 0..6 {
        let draws: Vec<f64> = sweeps
            .iter()
            .map(|sw| {
                sw.steps[s]
                    .result
                    .as_ref()
                    .expect("ran")
                    .logouts_while_present as f64
            })
            .collect();
        let (mean, half) = t_interval_of_4(&draws);
        let (point, band) = (plotted.points[s], plotted.band[s]);
        assert!((point.y - mean).abs() < 1e-9, "step {s}: {point:?} {mean}");
        assert!(
            (band.low - (mean - half)).abs() < 1e-9,
            "step {s}: {band:?}"
        );
        assert!(
            (band.high - (mean + half)).abs() < 1e-9,
            "step {s}: {band:?}"
        );
        widths += half;
    }
    assert!(widths > 0.0, "12 users vary between draws somewhere");
    // Replicate 0 is the plain sweep (the trade-off view and verdicts use it).
    assert_eq!(result.sweep.steps, sweeps[0].steps);
    assert!(has_label(
        &harness,
        "Each point is the mean over 4 replicates; the shaded band is its 95 % interval."
    ));
}

/// Steps until the summary says all `n` replicates are in.
fn wait_for_replicates(harness: &mut Harness<'static, LapseApp>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let done = format!("Means over {n} replicates");
    while harness.query_by_label_contains(&done).is_none() {
        assert!(Instant::now() < deadline, "the replicates never finished");
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

/// Issue 17: `sample_users` beside the replicates: ticked, the worker
/// replays the library's sample of the users and the summary shows totals
/// scaled to the whole population with their interval, and says that who
/// was hit is counted among the sampled users.
#[test]
fn sampling_users_scales_the_totals_and_says_the_people_are_sampled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = replicated_scenario(dir.path());
    let mut harness = open(Start::File(path.clone()), egui::Theme::Dark, false);
    wait_for_replicates(&mut harness, 4);
    harness
        .get_by_role_and_label(Role::CheckBox, "Sample users")
        .click();
    settle(&mut harness);
    // 4 replicates and a sample cannot go together: said at the field (and
    // in the list of problems at the bottom).
    assert!(
        harness
            .query_all_by_label_contains("sample_users and replicates > 1 cannot be combined")
            .count()
            >= 1
    );
    harness
        .get_by_role_and_label(Role::SpinButton, "Replicates")
        .set_value_accesskit(1.0);
    settle(&mut harness);
    harness
        .get_by_role_and_label(Role::SpinButton, "Sample users")
        .set_value_accesskit(50.0);
    settle(&mut harness);
    let scenario = harness.state().document().scenario.clone();
    assert_eq!(scenario.sample_users.map(|f| f.0), Some(0.5));
    assert_eq!(scenario.replicates, 1);
    let deadline = Instant::now() + Duration::from_secs(60);
    while harness.query_by_label_contains("Totals scaled").is_none() {
        assert!(Instant::now() < deadline, "the scaled totals never came");
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    // Half of 12 users is 6 (rounded; docs/replicates.md).
    assert!(has_label(
        &harness,
        "replicated — 6 of 12 users sampled (50 %) over 1d"
    ));
    assert!(has_label(
        &harness,
        "Totals scaled from the 6 sampled users (50 %) to all 12, ± half the 95 % interval; who was hit is counted among the sampled users"
    ));
    // The library's sample, run on its own.
    let file = lapse::model::Scenario::load(&path).expect("loads");
    let trace = file.load_population().expect("generates");
    let sample = lapse::analysis::replicates::sample_users(&trace, 0.5, file.scenario.seed);
    let shown = harness.state().results().expect("results").trace.clone();
    let names = |t: &lapse::model::Trace| -> Vec<String> {
        t.users().map(|(name, _)| name.to_string()).collect()
    };
    assert_eq!(names(&shown), names(&sample), "the same 6 users");
    let run = lapse::engine::run_scenario(
        &scenario,
        &sample,
        lapse::engine::RunOptions {
            series: false,
            per_user: true,
        },
    );
    for p in &run.policies {
        // The total over 12 users estimated from 6: twice the sample's own.
        let per_user: Vec<f64> = p.per_user.iter().map(|m| m.logouts as f64).collect();
        let scaled = lapse::analysis::intervals::sample_total(&per_user, 12);
        assert!((scaled.mean - 2.0 * p.metrics.logouts as f64).abs() < 1e-9);
        let cell = lapse::report::replicates::interval_cell("logouts", &scaled);
        let start = format!("{}: {cell} logouts, ", p.name);
        let line = whole_label(&harness, &start);
        let hit = p
            .per_user
            .iter()
            .filter(|m| m.logouts_while_present > 0)
            .count();
        assert!(
            line.contains(&format!("while present ({hit} of 6 sampled users)")),
            "{line}"
        );
        assert!(!line.contains("replicate 0"), "{line}");
    }
    // A sweep replays the same 6 users, and says they are not scaled.
    sweep_alert(&mut harness);
    let swept = harness.state().sweep_result().expect("the sweep finished");
    assert_eq!(swept.sweep.users, 6);
    assert!(has_label(
        &harness,
        "Swept on the 6 sampled users only: these counts are theirs, not scaled to all 12."
    ));
}

/// Issue 17: with replicates, the trade-off view compares each two
/// neighbours on the frontier replicate by replicate (the results' and the
/// sweep's replicate k saw the same users) and rings the ones that cannot be
/// told apart, saying from which on hover.
#[test]
fn the_trade_off_rings_frontier_points_not_distinguishable_from_a_neighbour() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = replicated_scenario(dir.path());
    let mut harness = open(Start::File(path.clone()), egui::Theme::Dark, false);
    wait_for_replicates(&mut harness, 4);
    sweep_alert(&mut harness);
    harness.get_by_label("Trade-off").click();
    settle(&mut harness);
    // Each point's 4 draws, from the library on its own.
    let file = lapse::model::Scenario::load(&path).expect("loads");
    let trace = file.load_population().expect("generates");
    let spec = lapse::analysis::ReplicateSpec::of(&file.scenario, false);
    let r = lapse::analysis::run_replicated(
        &file.scenario,
        &trace,
        &spec,
        lapse::engine::RunOptions::TOTALS,
        &lapse::engine::Progress::default(),
    )
    .expect("generates")
    .expect("runs");
    let sweeps = lapse::analysis::replicates::run_sweep_replicates(
        &file.scenario,
        &trace,
        lapse::analysis::Draws::Generated,
        &file.scenario.policies[0],
        &lapse::analysis::SweepSpec {
            param: lapse::analysis::Param::IdleTimeout,
            from: lapse::model::Dur::mins(10),
            to: lapse::model::Dur::hours(1),
            steps: 6,
        },
        4,
    )
    .expect("sweeps");
    // Points: the 2 policies, then the 6 steps (all run).
    let draws = |i: usize| -> Vec<lapse::engine::Metrics> {
        if i < 2 {
            r.values.iter().map(|v| v[i]).collect()
        } else {
            sweeps
                .iter()
                .map(|s| *s.steps[i - 2].result.as_ref().expect("ran"))
                .collect()
        }
    };
    let data = harness.state().tradeoff_data().expect("drawn").clone();
    assert_eq!(data.points.len(), 8);
    assert!(data.frontier.len() >= 2, "{:?}", data.frontier);
    assert_eq!(data.neighbours.len(), data.frontier.len() - 1);
    // By hand: the paired differences' t interval (3 degrees of freedom);
    // distinguishable when either count's interval leaves zero out.
    let clear = |a: usize, b: usize, score: fn(&lapse::engine::Metrics) -> f64| {
        let d: Vec<f64> = draws(a)
            .iter()
            .zip(draws(b))
            .map(|(x, y)| score(&y) - score(x))
            .collect();
        let (mean, half) = t_interval_of_4(&d);
        mean - half > 0.0 || mean + half < 0.0
    };
    let mut tied = Vec::new();
    for (w, pair) in data.frontier.windows(2).zip(&data.neighbours) {
        assert_eq!((pair.a, pair.b), (w[0], w[1]));
        let by_hand = clear(w[0], w[1], |m| m.unattended_ms as f64)
            || clear(w[0], w[1], |m| {
                (m.logouts_while_present + m.lost_inputs) as f64
            });
        assert_eq!(pair.distinguishable(), by_hand, "{pair:?}");
        if !by_hand {
            tied.push((w[0], w[1]));
        }
    }
    for (a, b) in &tied {
        for (i, other) in [(a, b), (b, a)] {
            let says = format!(
                "not distinguishable from {} at 95 % (4 replicates)",
                data.points[*other].title
            );
            assert!(
                data.points[*i].hover.contains(&says),
                "{}",
                data.points[*i].hover
            );
        }
    }
    let n = data.neighbours.len();
    assert!(has_label(
        &harness,
        &format!(
            "{} of {n} neighbouring pairs on the frontier differ beyond noise (either count's 95 % interval, paired over 4 replicates, leaves out zero); a ring marks a point that cannot be told from a neighbour.",
            n - tied.len()
        )
    ));
}

/// Issue 17: with replicates, each over-time plot's solid line is the mean
/// over the replicates' own series, in a band of its 95 % interval.
#[test]
fn over_time_bands_come_from_each_replicates_own_series() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = replicated_scenario(dir.path());
    let mut harness = open(Start::File(path.clone()), egui::Theme::Dark, false);
    wait_for_replicates(&mut harness, 4);
    harness.get_by_label("Over time").click();
    settle(&mut harness);
    assert!(has_label(
        &harness,
        "Solid lines: means over 4 replicates, in a shaded band of their 95 % interval; dashed lines: replicate 0."
    ));
    let bands = harness
        .state()
        .replicates()
        .and_then(|u| u.time_bands.clone())
        .expect("bands");
    assert_eq!(bands.replicates, 4);
    // Each replicate run on its own, its series kept.
    let file = lapse::model::Scenario::load(&path).expect("loads");
    let trace = file.load_population().expect("generates");
    let options = lapse::engine::RunOptions {
        series: true,
        per_user: false,
    };
    let runs: Vec<lapse::engine::ScenarioRun> = (0..4)
        .map(|k| {
            lapse::analysis::replicates::run_replicate_with(
                &file.scenario,
                &trace,
                lapse::analysis::Draws::Generated,
                k,
                options,
                &lapse::engine::Progress::default(),
            )
            .expect("runs")
            .expect("generates")
        })
        .collect();
    // The logouts panel (the first), each policy, each 15-minute bucket of
    // the day (96: nothing merged, and folding one day changes nothing).
    let mut widths = 0.0;
    for p in 0..2 {
        let per_run: Vec<&[u64]> = runs
            .iter()
            .map(|r| {
                r.policies[p]
                    .series
                    .as_ref()
                    .expect("series")
                    .get(lapse::engine::SeriesKind::Logouts)
            })
            .collect();
        assert_eq!(per_run[0].len(), 96);
        assert_eq!(bands.over_horizon[0][p].len(), 96);
        for b in 0..96 {
            let values: Vec<f64> = per_run.iter().map(|s| s[b] as f64).collect();
            let (mean, half) = t_interval_of_4(&values);
            for view in [&bands.over_horizon, &bands.by_time_of_day] {
                let iv = view[0][p][b];
                assert!((iv.mean - mean).abs() < 1e-9, "policy {p} bucket {b}");
                assert!(
                    (iv.half_width() - half).abs() < 1e-9,
                    "policy {p} bucket {b}"
                );
            }
            widths += half;
        }
    }
    assert!(widths > 0.0, "some hour's logouts vary between draws");
}

/// Issue 17: the sweep's bands, the over-time bands and the trade-off's
/// rings, on the replicated scenario once all 4 replicates are in.
#[test]
fn snapshot_bands_and_rings_with_replicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = replicated_scenario(dir.path());
    let mut harness = open(Start::File(path), egui::Theme::Dark, true);
    wait_for_replicates(&mut harness, 4);
    sweep_alert(&mut harness);
    harness.remove_cursor();
    settle(&mut harness);
    mask_timing(&mut harness);
    harness.snapshot("sweep_bands_dark");
    harness.get_by_label("Trade-off").click();
    settle(&mut harness);
    harness.remove_cursor();
    settle(&mut harness);
    mask_timing(&mut harness);
    harness.snapshot("tradeoff_rings_dark");
    harness.get_by_label("Over time").click();
    settle(&mut harness);
    harness.remove_cursor();
    settle(&mut harness);
    mask_timing(&mut harness);
    harness.snapshot("over_time_bands_dark");
}
