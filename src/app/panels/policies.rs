//! The policies to compare: the list (add, duplicate, delete, reorder) and
//! an editor for every field of the selected one.

use egui::{RichText, Ui};

use crate::app::command::Command;
use crate::app::fields::{self, FieldTexts, Problems, row_label, sub_label};
use crate::app::help;
use crate::app::views::plot_kit::policy_color;
use crate::model::{
    ClientClock, Csrf, Dur, Keepalive, OnExpiry, OnResponse, Policy, Refresh, ResetsOn, Scenario,
    Warning,
};

pub fn ui(
    ui: &mut Ui,
    scenario: &mut Scenario,
    selected: &mut usize,
    texts: &mut FieldTexts,
    problems: Problems<'_>,
    commands: &mut Vec<Command>,
) {
    ui.heading("Policies");
    fields::show_problems(ui, problems, "policies");
    list(ui, scenario, selected, problems, commands);
    if let Some(policy) = scenario.policies.get_mut(*selected) {
        ui.add_space(8.0);
        ui.separator();
        ui.label(
            RichText::new(format!("Policy “{}”", policy.name))
                .heading()
                .color(policy_color(*selected)),
        );
        crate::app::panels::compliance::ui(ui, *selected, policy, commands);
        editor(ui, policy, *selected, texts, problems);
    }
}

fn list(
    ui: &mut Ui,
    scenario: &Scenario,
    selected: &mut usize,
    problems: Problems<'_>,
    commands: &mut Vec<Command>,
) {
    let n = scenario.policies.len();
    for (i, policy) in scenario.policies.iter().enumerate() {
        let broken = problems
            .keys()
            .any(|k| k.starts_with(&format!("policies[{i}]")));
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 3.0, policy_color(i));
            let mut text = RichText::new(&policy.name);
            if broken {
                text = text.color(ui.visuals().error_fg_color);
            }
            let response = ui.selectable_label(*selected == i, text);
            if response.clicked() {
                *selected = i;
            }
            if broken {
                response.on_hover_text("This policy has a problem: see its fields");
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        let i = *selected;
        if button(ui, "Add", &Command::AddPolicy, true) {
            commands.push(Command::AddPolicy);
        }
        if button(ui, "Duplicate", &Command::DuplicatePolicy(i), i < n) {
            commands.push(Command::DuplicatePolicy(i));
        }
        let delete = Command::DeletePolicy(i);
        if ui
            .add_enabled(n > 1, egui::Button::new("Delete"))
            .on_hover_text(delete.tooltip())
            .on_disabled_hover_text("A scenario needs at least one policy")
            .clicked()
        {
            commands.push(delete);
        }
        let up = Command::MovePolicy {
            from: i,
            to: i.saturating_sub(1),
        };
        if button(ui, "Move up", &up, i > 0 && i < n) {
            commands.push(up);
        }
        let down = Command::MovePolicy { from: i, to: i + 1 };
        if button(ui, "Move down", &down, i + 1 < n) {
            commands.push(down);
        }
    });
}

fn button(ui: &mut Ui, text: &str, command: &Command, enabled: bool) -> bool {
    ui.add_enabled(enabled, egui::Button::new(text))
        .on_hover_text(command.tooltip())
        .clicked()
}

fn editor(ui: &mut Ui, p: &mut Policy, i: usize, texts: &mut FieldTexts, problems: Problems<'_>) {
    let key = |field: &str| format!("policies[{i}].{field}");
    egui::Grid::new(("policy-fields", i))
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = row_label(ui, "Policy name", help::POLICY_NAME);
            ui.vertical(|ui| {
                fields::name_text(
                    ui,
                    &label,
                    help::POLICY_NAME,
                    &mut p.name,
                    &key("name"),
                    problems,
                );
            });
            ui.end_row();

            // Idle timeout: the main knob, with a slider.
            let (_, label) = fields::optional(
                ui,
                "Idle timeout",
                help::IDLE_TIMEOUT,
                &mut p.idle_timeout,
                Dur::mins(30),
            );
            ui.vertical(|ui| {
                if let Some(idle) = &mut p.idle_timeout {
                    fields::duration_text(
                        ui,
                        texts,
                        &key("idle_timeout"),
                        &label,
                        help::IDLE_TIMEOUT,
                        idle,
                        problems,
                    );
                    fields::duration_slider(ui, &label, idle, Dur::mins(1)..=Dur::days(7));
                } else {
                    ui.weak("no idle expiry");
                    fields::show_problems(ui, problems, &key("idle_timeout"));
                }
            });
            ui.end_row();

            optional_duration(
                ui,
                texts,
                problems,
                OptionalDuration {
                    key: &key("absolute_timeout"),
                    indent: false,
                    text: "Absolute timeout",
                    help: help::ABSOLUTE_TIMEOUT,
                    default: Dur::hours(8),
                    off: "no absolute limit",
                },
                &mut p.absolute_timeout,
            );

            let label = row_label(ui, "Refresh", help::REFRESH);
            ui.vertical(|ui| {
                fields::choice(
                    ui,
                    &key("refresh"),
                    &label,
                    help::REFRESH,
                    &mut p.refresh,
                    &[
                        (
                            Refresh::EachRequest,
                            "EachRequest",
                            "Every request moves the deadline (Flask's default)",
                        ),
                        (
                            Refresh::OnModify,
                            "OnModify",
                            "Only requests that change the session (Django's default)",
                        ),
                        (
                            Refresh::HalfWindow,
                            "HalfWindow",
                            "A request past half the window (ASP.NET Core sliding expiration)",
                        ),
                        (Refresh::Never, "Never", "The session lasts from its login"),
                    ],
                );
                fields::show_problems(ui, problems, &key("refresh"));
            });
            ui.end_row();

            ui.checkbox(&mut p.browser_session, "Browser session")
                .on_hover_text(help::BROWSER_SESSION);
            ui.weak("ends when the browser closes");
            ui.end_row();

            optional_duration(
                ui,
                texts,
                problems,
                OptionalDuration {
                    key: &key("remember_me"),
                    indent: false,
                    text: "Remember me",
                    help: help::REMEMBER_ME,
                    default: Dur::days(14),
                    off: "off",
                },
                &mut p.remember_me,
            );

            // CSRF tokens and their time limit.
            fields::optional(ui, "CSRF tokens", help::CSRF, &mut p.csrf, Csrf::default());
            ui.weak(if p.csrf.is_some() {
                "forms carry a token"
            } else {
                "off"
            });
            ui.end_row();
            if let Some(csrf) = &mut p.csrf {
                optional_duration(
                    ui,
                    texts,
                    problems,
                    OptionalDuration {
                        key: &key("csrf.time_limit"),
                        indent: true,
                        text: "Token time limit",
                        help: help::CSRF_TIME_LIMIT,
                        default: Dur::hours(1),
                        off: "checks the session only",
                    },
                    &mut csrf.time_limit,
                );
            }

            // The warning and its settings.
            fields::optional(
                ui,
                "Warning",
                help::WARNING,
                &mut p.warning,
                Warning::default(),
            );
            ui.vertical(|ui| {
                ui.weak(if p.warning.is_some() {
                    "shown before the client deadline"
                } else {
                    "off"
                });
                fields::show_problems(ui, problems, &key("warning"));
            });
            ui.end_row();
            if let Some(w) = &mut p.warning {
                let label = sub_label(ui, "Lead", help::WARNING_LEAD);
                ui.vertical(|ui| {
                    fields::duration_text(
                        ui,
                        texts,
                        &key("warning.lead"),
                        &label,
                        help::WARNING_LEAD,
                        &mut w.lead,
                        problems,
                    );
                    fields::duration_slider(ui, &label, &mut w.lead, Dur::secs(10)..=Dur::hours(2));
                });
                ui.end_row();
                let label = sub_label(ui, "Resets on", help::RESETS_ON);
                fields::choice(
                    ui,
                    &key("warning.resets_on"),
                    &label,
                    help::RESETS_ON,
                    &mut w.resets_on,
                    &[
                        (
                            ResetsOn::Requests,
                            "Requests",
                            "Only this page's requests that reach the server",
                        ),
                        (
                            ResetsOn::RequestsAndActivity,
                            "RequestsAndActivity",
                            "Also key presses and clicks (the classic idle timer)",
                        ),
                    ],
                );
                ui.end_row();
                let label = sub_label(ui, "On response", help::ON_RESPONSE);
                fields::choice(
                    ui,
                    &key("warning.on_response"),
                    &label,
                    help::ON_RESPONSE,
                    &mut w.on_response,
                    &[
                        (
                            OnResponse::Extend,
                            "Extend",
                            "\"Stay signed in\" refreshes the session",
                        ),
                        (
                            OnResponse::Dismiss,
                            "Dismiss",
                            "A plain alert: nothing reaches the server",
                        ),
                    ],
                );
                ui.end_row();
            }

            // Keepalive pings.
            fields::optional(
                ui,
                "Keepalive",
                help::KEEPALIVE,
                &mut p.keepalive,
                Keepalive::default(),
            );
            ui.weak(if p.keepalive.is_some() {
                "pings while the user is active"
            } else {
                "off"
            });
            ui.end_row();
            if let Some(k) = &mut p.keepalive {
                let interval = sub_label(ui, "Interval", help::KEEPALIVE_INTERVAL);
                ui.vertical(|ui| {
                    fields::duration_text(
                        ui,
                        texts,
                        &key("keepalive.interval"),
                        &interval,
                        help::KEEPALIVE_INTERVAL,
                        &mut k.interval,
                        problems,
                    );
                    fields::duration_slider(
                        ui,
                        &interval,
                        &mut k.interval,
                        Dur::secs(30)..=Dur::hours(2),
                    );
                });
                ui.end_row();
            }

            let label = row_label(ui, "On expiry", help::ON_EXPIRY);
            ui.vertical(|ui| {
                fields::choice(
                    ui,
                    &key("on_expiry"),
                    &label,
                    help::ON_EXPIRY,
                    &mut p.on_expiry,
                    &[
                        (OnExpiry::Lazy, "Lazy", "Found at the user's next request"),
                        (
                            OnExpiry::Redirect,
                            "Redirect",
                            "The page logs the user out at the client deadline",
                        ),
                    ],
                );
                fields::show_problems(ui, problems, &key("on_expiry"));
            });
            ui.end_row();

            ui.checkbox(&mut p.preserve_drafts, "Preserve drafts")
                .on_hover_text(help::PRESERVE_DRAFTS);
            ui.weak("unsaved work survives a new login");
            ui.end_row();

            let label = row_label(ui, "Client clock", help::CLIENT_CLOCK);
            fields::choice(
                ui,
                &key("client_clock"),
                &label,
                help::CLIENT_CLOCK,
                &mut p.client_clock,
                &[
                    (
                        ClientClock::Monotonic,
                        "Monotonic",
                        "A setTimeout timer: it pauses while the laptop sleeps",
                    ),
                    (
                        ClientClock::Wall,
                        "Wall",
                        "Compares the wall clock with the deadline: catches up at wake",
                    ),
                ],
            );
            ui.end_row();

            ui.checkbox(&mut p.tab_sync, "Tab sync")
                .on_hover_text(help::TAB_SYNC);
            ui.weak("one deadline for all the user's tabs");
            ui.end_row();
        });
}

/// An optional duration's row: where its text goes, how it reads, and
/// what it becomes when switched on or off.
struct OptionalDuration<'a> {
    key: &'a str,
    /// Indented under its section's checkbox.
    indent: bool,
    text: &'a str,
    help: &'a str,
    /// The value when the checkbox is switched on.
    default: Dur,
    /// What the row says when it is off.
    off: &'a str,
}

/// A grid row for an optional duration: a checkbox, then the value when on.
fn optional_duration(
    ui: &mut Ui,
    texts: &mut FieldTexts,
    problems: Problems<'_>,
    row: OptionalDuration<'_>,
    value: &mut Option<Dur>,
) {
    let OptionalDuration {
        key,
        indent,
        text,
        help,
        default,
        off,
    } = row;
    let (_, label) = fields::optional_indented(ui, indent, text, help, value, default);
    ui.vertical(|ui| match value {
        Some(d) => {
            fields::duration_text(ui, texts, key, &label, help, d, problems);
        }
        None => {
            ui.weak(off);
            fields::show_problems(ui, problems, key);
        }
    });
    ui.end_row();
}
