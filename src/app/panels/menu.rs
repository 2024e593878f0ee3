//! The menu bar.

use std::path::PathBuf;

use egui::{ThemePreference, Ui};

use crate::app::command::{Command, menu_button};

/// What the menus need to know to enable their entries.
pub struct MenuState<'a> {
    pub recent: &'a [PathBuf],
    pub can_undo: bool,
    pub can_redo: bool,
    pub has_results: bool,
    pub selected_policy: usize,
    pub policies: usize,
}

pub fn ui(
    ui: &mut Ui,
    state: &MenuState<'_>,
    theme: &mut ThemePreference,
    commands: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            for command in [Command::New, Command::Open] {
                if menu_button(ui, &command, true) {
                    commands.push(command);
                }
            }
            ui.add_enabled_ui(!state.recent.is_empty(), |ui| {
                ui.menu_button("Open Recent", |ui| {
                    for path in state.recent {
                        let command = Command::OpenPath(path.clone());
                        if menu_button(ui, &command, true) {
                            commands.push(command);
                        }
                    }
                });
            });
            for command in [Command::Save, Command::SaveAs] {
                if menu_button(ui, &command, true) {
                    commands.push(command);
                }
            }
            ui.separator();
            for command in [
                Command::ExportPng,
                Command::ExportResultsCsv,
                Command::ExportSeriesCsv,
                Command::ExportReport,
            ] {
                if menu_button(ui, &command, state.has_results) {
                    commands.push(command);
                }
            }
            ui.separator();
            if menu_button(ui, &Command::Quit, true) {
                commands.push(Command::Quit);
            }
        });
        ui.menu_button("Edit", |ui| {
            if menu_button(ui, &Command::Undo, state.can_undo) {
                commands.push(Command::Undo);
            }
            if menu_button(ui, &Command::Redo, state.can_redo) {
                commands.push(Command::Redo);
            }
            ui.separator();
            let i = state.selected_policy;
            let selected = i < state.policies;
            let entries = [
                (Command::AddPolicy, true),
                (Command::DuplicatePolicy(i), selected),
                (Command::DeletePolicy(i), selected && state.policies > 1),
            ];
            for (command, enabled) in entries {
                if menu_button(ui, &command, enabled) {
                    commands.push(command);
                }
            }
            ui.separator();
            let flask = Command::CopySettings {
                policy: i,
                target: crate::analysis::export::Target::Flask,
            };
            if menu_button(ui, &flask, selected) {
                commands.push(flask);
            }
            ui.add_enabled_ui(selected, |ui| {
                ui.menu_button("Export settings", |ui| {
                    crate::app::panels::compliance::export_menu(ui, i, commands);
                });
            });
        });
        ui.menu_button("Simulation", |ui| {
            if menu_button(ui, &Command::Rerun, true) {
                commands.push(Command::Rerun);
            }
            if menu_button(ui, &Command::ChooseTrace, true) {
                commands.push(Command::ChooseTrace);
            }
            ui.separator();
            let i = state.selected_policy;
            let can = state.has_results && i < state.policies;
            ui.add_enabled_ui(can, |ui| {
                ui.menu_button("Recommend…", |ui| {
                    let standards = crate::analysis::Standard::ALL
                        .into_iter()
                        .filter(|s| s.limits().is_some());
                    for standard in standards {
                        let command = Command::Recommend {
                            policy: i,
                            standard,
                        };
                        if menu_button(ui, &command, can) {
                            commands.push(command);
                        }
                    }
                });
            });
        });
        ui.menu_button("View", |ui| {
            ui.label("Theme");
            ui.radio_value(theme, ThemePreference::System, "Follow the system");
            ui.radio_value(theme, ThemePreference::Dark, "Dark");
            ui.radio_value(theme, ThemePreference::Light, "Light");
        });
    });
}
