//! The UI pass: the panels, the modal questions and the overlays. Drawing
//! only collects [`Command`]s; they are carried out after the pass
//! (`command_handling`), then the scenario is simulated if it changed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, Id, RichText, Ui};

use super::command::{self, Command};
use super::command_handling::restored_document;
use super::modals::import_summary::SummaryAnswer;
use super::modals::path_prompt::PromptAnswer;
use super::modals::recover::{RecoverAnswer, RecoverEdits};
use super::panels::results::ViewContext;
use super::recovery::{Orphan, Recovery};
use super::worker::Worker;
use super::{LapseApp, Start, document, panels};
use crate::model::Scenario;

/// Opens the window; returns when it is closed.
pub fn run(start: Start) -> Result<(), String> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Lapse")
        .with_app_id("lapse")
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([860.0, 560.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "Lapse",
        options,
        Box::new(move |cc| {
            Ok(Box::new(LapseApp::with_recovery(
                cc,
                start,
                Recovery::default_folder(),
            )))
        }),
    )
    .map_err(|e| e.to_string())
}

/// Lapse's look: a little more air than egui's defaults.
pub(super) fn style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(6.0, 3.0);
    });
}

impl eframe::App for LapseApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.commands.extend(command::from_shortcuts(&ctx));
        self.handle_drops(&ctx);
        self.handle_close_request(&ctx);
        self.texts.begin_frame();
        if std::mem::take(&mut self.window.theme_pending) {
            ctx.set_theme(self.state.theme);
        }
        let mut commands = Vec::new();
        self.panels(ui, &mut commands);
        self.modals(&ctx);
        if self.capture.path.is_none() {
            self.toasts.ui(&ctx);
        }
        drop_overlay(&ctx);

        // After the UI pass: apply what it asked for, then simulate.
        self.commands.extend(commands);
        for command in std::mem::take(&mut self.commands) {
            self.apply(&ctx, command);
        }
        let time = ctx.input(|i| i.time);
        self.doc.feed_undo(time);
        self.autosave(&ctx, time);
        let problems_found = !self.doc.problems().is_empty();
        self.simulate_if_changed(problems_found);
        self.update_title(&ctx);
        if self.sim.worker.as_ref().is_some_and(Worker::is_busy) {
            // Animate the progress bar; the result itself wakes the window.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.state.last_path = self.doc.path.clone();
        self.state.last_scenario = (!self.window.discarded).then(|| self.doc.scenario.to_ron());
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

impl LapseApp {
    /// The menu, status bar, problems, editor and results.
    fn panels(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let ctx = ui.ctx().clone();
        let rule_problems: Vec<(String, String)> = self
            .doc
            .problems()
            .into_iter()
            .map(|(path, message)| (document::path_key(&path), message))
            .collect();
        let mut by_field: HashMap<String, Vec<String>> = HashMap::new();
        for (key, message) in &rule_problems {
            by_field
                .entry(key.clone())
                .or_default()
                .push(strip_policy_prefix(message).to_string());
        }

        let menu_state = panels::menu::MenuState {
            recent: &self.state.recent,
            can_undo: self.doc.can_undo(),
            can_redo: self.doc.can_redo(),
            has_results: self.sim.results.is_some(),
            selected_policy: self.selected_policy,
            policies: self.doc.scenario.policies.len(),
        };
        let mut theme = self.state.theme;
        egui::Panel::top("menu").show(ui, |ui| {
            panels::menu::ui(ui, &menu_state, &mut theme, commands);
        });
        if theme != self.state.theme {
            self.state.theme = theme;
            ctx.set_theme(theme);
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        let has_problems = self.open_error.is_some()
            || self.sim.run_error.is_some()
            || !rule_problems.is_empty()
            || self.texts.invalid() > 0;
        if has_problems {
            egui::Panel::bottom("problems").show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(160.0)
                    .show(ui, |ui| {
                        self.problems_panel(ui, &rule_problems);
                    });
            });
        }
        let population = self.sim.results.as_ref().map(|r| &r.population);
        egui::Panel::left("editor")
            .default_size(400.0)
            .size_range(300.0..=640.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        panels::scenario::ui(
                            ui,
                            &mut self.doc.scenario,
                            &mut self.texts,
                            &by_field,
                            population,
                            commands,
                        );
                        ui.add_space(10.0);
                        panels::policies::ui(
                            ui,
                            &mut self.doc.scenario,
                            &mut self.selected_policy,
                            &mut self.texts,
                            &by_field,
                            commands,
                        );
                    });
            });
        let central = egui::CentralPanel::default().show(ui, |ui| match &self.sim.results {
            Some(results) => {
                let results = Arc::clone(results);
                // Replicates of older results are not these results' spread.
                let replicates = self
                    .sim
                    .replicates
                    .as_ref()
                    .filter(|u| u.generation == results.generation);
                self.state.results.ui(
                    ui,
                    &results,
                    ViewContext {
                        scenario: &self.doc.scenario,
                        selected: self.selected_policy,
                        commands: &mut *commands,
                        replicates,
                    },
                );
            }
            None => {
                ui.centered_and_justified(|ui| {
                    if self.sim.run_error.is_some() {
                        ui.label("No results: see the problems below.");
                    } else {
                        ui.spinner();
                    }
                });
            }
        });
        self.capture.results_rect = match &self.sim.results {
            Some(_) => self
                .state
                .results
                .export_rect
                .or(Some(central.response.rect)),
            None => Some(central.response.rect),
        };
    }

    /// The modal questions, each answered with an enum.
    fn modals(&mut self, ctx: &egui::Context) {
        if let Some(unsaved) = &self.modals.unsaved
            && let Some(answer) = unsaved.ui(ctx, &self.doc.title())
            && let Some(unsaved) = self.modals.unsaved.take()
        {
            self.answer_unsaved(ctx, unsaved.command, answer);
        }
        self.recovery_modal(ctx);
        if let Some(prompt) = &mut self.modals.path_prompt
            && let Some(answer) = prompt.ui(ctx)
            && let Some(prompt) = self.modals.path_prompt.take()
        {
            match answer {
                PromptAnswer::Path(path) => self.commands.push(prompt.purpose.command(path)),
                PromptAnswer::Cancel => {}
            }
        }
        if let Some(summary) = &self.modals.import_summary
            && let Some(answer) = summary.ui(ctx)
            && let Some(summary) = self.modals.import_summary.take()
        {
            match answer {
                SummaryAnswer::Close => {}
                SummaryAnswer::FillActivity => {
                    self.commands.push(Command::FillImport(summary.log));
                }
            }
        }
        if let Some(dialog) = &self.modals.recommend
            && let Some(answer) = dialog.ui(ctx)
            && let Some(dialog) = self.modals.recommend.take()
            && let Some(policy) = dialog.chosen(answer)
        {
            self.commands.push(Command::AddRecommended {
                beside: dialog.policy,
                policy: Box::new(policy),
            });
        }
    }

    /// Offers back the edits a crashed window left, newest first.
    fn recovery_modal(&mut self, ctx: &egui::Context) {
        if self.modals.unsaved.is_some() {
            return;
        }
        let Some(orphan) = self.crash.orphans.first() else {
            return;
        };
        let modal = RecoverEdits { orphan };
        let Some(answer) = modal.ui(ctx) else {
            return;
        };
        let orphan = self.crash.orphans.remove(0);
        match answer {
            RecoverAnswer::Restore => self.restore_orphan(&orphan),
            RecoverAnswer::Discard => self.forget_orphan(&orphan),
        }
    }

    fn restore_orphan(&mut self, orphan: &Orphan) {
        let path = orphan.snapshot.path.clone();
        match Scenario::parse(&orphan.snapshot.scenario, path.as_deref()) {
            Ok(scenario) => {
                self.replace_document(restored_document(scenario, path));
                // Kept under this window's name before the orphan goes.
                if let Some(recovery) = self.crash.recovery.as_mut()
                    && let Err(e) = recovery.write_now(&self.doc.scenario, self.doc.path.as_deref())
                {
                    self.toasts
                        .error(format!("Restored, but could not keep a recovery copy: {e}"));
                    return;
                }
                self.forget_orphan(orphan);
                self.toasts.info("Restored the unsaved edits");
            }
            Err(problems) => {
                self.toasts.error(format!(
                    "Could not restore the edits; they stay in {}",
                    orphan.file.display()
                ));
                self.open_error = Some((orphan.file.clone(), problems));
            }
        }
    }

    fn forget_orphan(&mut self, orphan: &Orphan) {
        if let Err(e) = std::fs::remove_file(&orphan.file) {
            self.toasts
                .error(format!("Could not remove {}: {e}", orphan.file.display()));
        }
    }
    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let saved = if self.doc.is_dirty() {
                RichText::new("• unsaved changes").color(Color32::from_rgb(0xf2, 0x8e, 0x2b))
            } else {
                RichText::new("saved").weak()
            };
            ui.label(RichText::new(self.doc.title()).strong())
                .on_hover_text(
                    self.doc
                        .path
                        .as_ref()
                        .map_or("not saved yet".into(), |p| p.display().to_string()),
                );
            ui.label(saved);
            ui.separator();
            if let Some(pending) = &self.import {
                ui.spinner();
                ui.label(format!("Importing {}…", pending.log.display()));
                ui.separator();
            }
            match self.sim.worker.as_ref().and_then(Worker::progress) {
                // Short runs finish before a bar would be seen; show it only for long ones.
                Some((progress, elapsed)) if elapsed.as_millis() >= 150 => {
                    let text = progress.text();
                    ui.add(
                        egui::ProgressBar::new(progress.fraction())
                            .desired_width(240.0)
                            .text(text),
                    );
                }
                Some(_) => {
                    ui.spinner();
                }
                None => {
                    if let Some(r) = &self.sim.results {
                        let stale = r.scenario != self.doc.scenario;
                        let count = |n: usize, one: &str, many: &str| {
                            format!("{n} {}", if n == 1 { one } else { many })
                        };
                        let text = format!(
                            "{} × {} simulated in {} ms",
                            count(r.run.users, "user", "users"),
                            count(r.run.policies.len(), "policy", "policies"),
                            r.elapsed.as_millis()
                        );
                        ui.weak(text);
                        if stale {
                            ui.label(
                                RichText::new("showing the results of the last valid scenario")
                                    .color(ui.visuals().warn_fg_color),
                            );
                        }
                    }
                }
            }
        });
    }

    /// Problems worth the user's attention: a file that did not open, a
    /// population that did not load, rules the scenario breaks.
    fn problems_panel(&mut self, ui: &mut Ui, rule_problems: &[(String, String)]) {
        let error = ui.visuals().error_fg_color;
        if let Some((path, problems)) = &self.open_error {
            let mut dismiss = false;
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("Could not open {}", path.display()))
                        .strong()
                        .color(error),
                );
                dismiss = ui
                    .small_button("Dismiss")
                    .on_hover_text("Hide this message")
                    .clicked();
            });
            for p in problems.iter() {
                ui.label(RichText::new(p.to_string()).monospace().color(error));
            }
            if dismiss {
                self.open_error = None;
            }
        }
        if let Some(problems) = &self.sim.run_error {
            ui.label(
                RichText::new("The simulation could not run:")
                    .strong()
                    .color(error),
            );
            for p in problems.iter() {
                ui.label(RichText::new(p.to_string()).monospace().color(error));
            }
        }
        if !rule_problems.is_empty() {
            ui.label(
                RichText::new("The scenario is not valid; the plots show its last valid state:")
                    .strong()
                    .color(error),
            );
            for (path, message) in rule_problems {
                ui.label(
                    RichText::new(format!("{path}: {message}"))
                        .monospace()
                        .color(error),
                );
            }
        }
        let invalid = self.texts.invalid();
        if invalid > 0 {
            ui.label(RichText::new(format!(
                "{invalid} field{} hold{} text that is not a duration; the scenario keeps the last valid value.",
                if invalid == 1 { "" } else { "s" },
                if invalid == 1 { "s" } else { "" },
            ))
            .color(ui.visuals().warn_fg_color));
        }
    }
}

/// What a drop would do, over the whole window while files hover.
fn drop_overlay(ctx: &egui::Context) {
    let hovering: Vec<PathBuf> = ctx.input(|i| {
        i.raw
            .hovered_files
            .iter()
            .filter_map(|f| f.path.clone())
            .collect()
    });
    if hovering.is_empty() {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        Id::unique("drop-overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(180));
    let text = hovering
        .iter()
        .map(|p| match p.extension().and_then(|e| e.to_str()) {
            Some("ron") => format!("Open the scenario {}", p.display()),
            _ => format!("Replay the users of {}", p.display()),
        })
        .collect::<Vec<_>>()
        .join("\n");
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(20.0),
        Color32::WHITE,
    );
}

/// `policy "A": x` → `x`: inside the policy's own editor the name is implied.
fn strip_policy_prefix(message: &str) -> &str {
    match message.strip_prefix("policy \"") {
        Some(rest) => rest.split_once("\": ").map_or(message, |(_, m)| m),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_prefix_is_dropped_inside_the_editor() {
        assert_eq!(
            strip_policy_prefix(
                "policy \"A\": warning.lead (30m) must be less than idle_timeout (30m)"
            ),
            "warning.lead (30m) must be less than idle_timeout (30m)"
        );
        assert_eq!(
            strip_policy_prefix("bucket must be longer than 0"),
            "bucket must be longer than 0"
        );
    }
}
