//! The scenario's own settings and its population.

use egui::{RichText, Ui};

use crate::app::command::Command;
use crate::app::fields::{self, FieldTexts, Problems, row_label};
use crate::app::help;
use crate::app::views::HOUR_MS;
use crate::app::views::format::{clock, rough, thousands};
use crate::app::worker::PopulationSummary;
use crate::model::profile::Task;
use crate::model::scenario::{Fraction, MAX_REPLICATES};
use crate::model::{Group, Profile};
use crate::model::{Population, Scenario, TabsAndSleep};

pub fn ui(
    ui: &mut Ui,
    scenario: &mut Scenario,
    texts: &mut FieldTexts,
    problems: Problems<'_>,
    population: Option<&PopulationSummary>,
    commands: &mut Vec<Command>,
) {
    ui.heading("Scenario");
    egui::Grid::new("scenario-fields")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = row_label(ui, "Name", help::SCENARIO_NAME);
            ui.vertical(|ui| {
                fields::name_text(
                    ui,
                    &label,
                    help::SCENARIO_NAME,
                    &mut scenario.name,
                    "name",
                    problems,
                );
            });
            ui.end_row();

            let label = row_label(ui, "Seed", help::SEED);
            ui.add(egui::DragValue::new(&mut scenario.seed))
                .labelled_by(label.id)
                .on_hover_text(help::SEED);
            ui.end_row();

            let label = row_label(ui, "Replicates", help::REPLICATES);
            ui.add(
                egui::DragValue::new(&mut scenario.replicates)
                    .range(1..=MAX_REPLICATES)
                    .speed(0.2),
            )
            .labelled_by(label.id)
            .on_hover_text(help::REPLICATES);
            ui.end_row();

            let label = row_label(ui, "Sample users", help::SAMPLE_USERS);
            ui.vertical(|ui| {
                sample_users_ui(ui, scenario, &label);
                fields::show_problems(ui, problems, "sample_users");
            });
            ui.end_row();

            for (name, key, tip, value) in [
                ("Horizon", "horizon", help::HORIZON, &mut scenario.horizon),
                (
                    "Away after",
                    "away_after",
                    help::AWAY_AFTER,
                    &mut scenario.away_after,
                ),
                ("Bucket", "bucket", help::BUCKET, &mut scenario.bucket),
            ] {
                let label = row_label(ui, name, tip);
                ui.vertical(|ui| {
                    fields::duration_text(ui, texts, key, &label, tip, value, problems);
                });
                ui.end_row();
            }
        });

    ui.add_space(6.0);
    population_ui(ui, scenario, texts, problems, commands);
    fields::show_problems(ui, problems, "population");
    match population {
        Some(p) => {
            ui.label(summary(p)).on_hover_text(p.source.as_str());
            ui.label(tabs_and_sleep(&p.tabs_sleep)).on_hover_text(
                "Counted in the population's trace: the distinct tabs each user's events are in, and the time from each sleep to its wake (to the horizon if it never wakes). An access log shows neither.",
            );
        }
        None => {
            ui.weak("Not loaded yet.");
        }
    }
}

/// `sample_users`: off (every user replayed) or a percentage of the users.
fn sample_users_ui(ui: &mut Ui, scenario: &mut Scenario, label: &egui::Response) {
    ui.horizontal(|ui| {
        let mut on = scenario.sample_users.is_some();
        if ui
            .checkbox(&mut on, "")
            .labelled_by(label.id)
            .on_hover_text(help::SAMPLE_USERS)
            .changed()
        {
            // 10 %: a tenth of the time, an interval a product team can read.
            scenario.sample_users = on.then_some(Fraction(0.1));
        }
        if let Some(share) = &mut scenario.sample_users {
            let mut percent = share.0 * 100.0;
            let edit = ui
                .add(
                    egui::DragValue::new(&mut percent)
                        .range(0.1..=100.0)
                        .speed(0.2)
                        .max_decimals(2)
                        .suffix(" %"),
                )
                .labelled_by(label.id)
                .on_hover_text(help::SAMPLE_USERS);
            if edit.changed() {
                share.0 = percent / 100.0;
            }
        } else {
            ui.weak("every user").on_hover_text(help::SAMPLE_USERS);
        }
    });
}

/// Where the users come from: generated groups of profiles, or a trace file.
fn population_ui(
    ui: &mut Ui,
    scenario: &mut Scenario,
    texts: &mut FieldTexts,
    problems: Problems<'_>,
    commands: &mut Vec<Command>,
) {
    let generated = matches!(scenario.population, Population::Generated(_));
    ui.horizontal(|ui| {
        let label = ui
            .label(RichText::new("Population").strong())
            .on_hover_text(help::POPULATION);
        let mut choice = generated;
        egui::ComboBox::from_id_salt("population-kind")
            .selected_text(if generated {
                "Generated from profiles"
            } else {
                "Trace file"
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut choice, true, "Generated from profiles")
                    .on_hover_text(help::GENERATED);
                ui.selectable_value(&mut choice, false, "Trace file")
                    .on_hover_text(help::TRACE);
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(help::POPULATION);
        if choice != generated {
            if choice {
                generate_from_profiles(scenario);
            } else {
                // The population changes once a file is chosen.
                commands.push(Command::ChooseTrace);
            }
        }
    });
    match &mut scenario.population {
        Population::Trace { path } => {
            ui.horizontal(|ui| {
                let label = ui.label("Trace file").on_hover_text(help::TRACE);
                if ui
                    .button("Choose…")
                    .on_hover_text(Command::ChooseTrace.tooltip())
                    .clicked()
                {
                    commands.push(Command::ChooseTrace);
                }
                let current = path.display().to_string();
                if let Some(new) =
                    fields::path_text(ui, texts, "population.path", &label, help::TRACE, &current)
                {
                    *path = new.into();
                }
            });
        }
        Population::Generated(groups) => {
            groups_ui(ui, groups, &scenario.profiles, problems);
        }
    }
}

/// The groups of a generated population: which profile, how many users.
fn groups_ui(ui: &mut Ui, groups: &mut Vec<Group>, profiles: &[Profile], problems: Problems<'_>) {
    let mut remove = None;
    let n = groups.len();
    egui::Grid::new("population-groups")
        .num_columns(4)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for (i, group) in groups.iter_mut().enumerate() {
                let key = |field: &str| format!("population[{i}].{field}");
                let label = ui.label(format!("Group {}", i + 1));
                ui.vertical(|ui| {
                    egui::ComboBox::from_id_salt(("group-profile", i))
                        .selected_text(group.profile.as_str())
                        .width(130.0)
                        .show_ui(ui, |ui| {
                            for p in profiles {
                                ui.selectable_value(
                                    &mut group.profile,
                                    p.name.clone(),
                                    p.name.as_str(),
                                )
                                .on_hover_text(profile_summary(p));
                            }
                        })
                        .response
                        .labelled_by(label.id)
                        .on_hover_text(help::GROUP_PROFILE);
                    fields::show_problems(ui, problems, &key("profile"));
                    fields::show_problems(ui, problems, &key("name"));
                });
                ui.vertical(|ui| {
                    // Named "users" by its suffix.
                    ui.add(
                        egui::DragValue::new(&mut group.users)
                            .range(0..=1_000_000)
                            .speed(1.0)
                            .suffix(" users"),
                    )
                    .on_hover_text(help::GROUP_USERS);
                    fields::show_problems(ui, problems, &key("users"));
                });
                if ui
                    .add_enabled(n > 1, egui::Button::new("Remove"))
                    .on_hover_text("Remove this group of users")
                    .on_disabled_hover_text("A generated population needs at least one group")
                    .clicked()
                {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove.filter(|_| groups.len() > 1) {
        groups.remove(i);
    }
    if ui
        .add_enabled(!profiles.is_empty(), egui::Button::new("Add group"))
        .on_hover_text("Add users drawn from one of the scenario's profiles")
        .clicked()
        && let Some(group) = new_group(groups, profiles)
    {
        groups.push(group);
    }
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    ui.weak(format!(
        "Profiles in this scenario: {} (edit them in the scenario file; see docs/generate.md)",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    ));
}

/// A group for a profile no group uses yet; else a second group of the first
/// profile, with a name of its own (users' names must not clash).
fn new_group(groups: &[Group], profiles: &[Profile]) -> Option<Group> {
    let used = |name: &str| groups.iter().any(|g| g.name() == name);
    if let Some(p) = profiles.iter().find(|p| !used(&p.name)) {
        return Some(Group::new(p.name.clone(), 10));
    }
    let p = profiles.first()?;
    let name = (2..)
        .map(|k| format!("{}-{k}", p.name))
        .find(|n| !used(n))?;
    Some(Group {
        name: Some(name),
        ..Group::new(p.name.clone(), 10)
    })
}

/// Switches the population to generated users: the scenario's own profiles,
/// or an office worker with every default when it has none.
fn generate_from_profiles(scenario: &mut Scenario) {
    if scenario.profiles.is_empty() {
        scenario.profiles.push(Profile::office("office"));
    }
    let group = Group::new(scenario.profiles[0].name.clone(), 100);
    scenario.population = Population::Generated(vec![group]);
}

/// A profile in one line: its days and what its users do.
fn profile_summary(p: &Profile) -> String {
    let days: Vec<String> = p.days.iter().map(|d| format!("{d:?}")).collect();
    let tasks: Vec<&str> = p.tasks.iter().map(Task::kind_name).collect();
    format!(
        "{}: works {}; tasks: {}",
        p.name,
        days.join(" "),
        tasks.join(", ")
    )
}

/// `1 user · 6 events · day 1 00:00 to day 1 00:45 (45m)`.
pub fn summary(p: &PopulationSummary) -> String {
    let users = match p.users {
        1 => "1 user".to_string(),
        n => format!("{} users", thousands(n as u64)),
    };
    let span = match p.span {
        Some((a, b)) => format!(
            " · {} to {} ({})",
            clock(a as f64 / HOUR_MS, true),
            clock(b as f64 / HOUR_MS, true),
            rough(b - a)
        ),
        None => String::new(),
    };
    format!("{users} · {} events{span}", thousands(p.events as u64))
}

/// `Tabs used per user (whole trace, not at once): 1.8 on average, at most 4; 62% of users use more than one · 23% of users' devices sleep: 310h in all, 2h15m each`.
pub fn tabs_and_sleep(s: &TabsAndSleep) -> String {
    let percent = |share: f64| format!("{:.0}%", share * 100.0);
    let tabs = format!(
        "Tabs used per user (whole trace, not at once): {:.1} on average, at most {}; {} of users use more than one",
        s.mean_tabs(),
        s.max_tabs,
        percent(s.multi_tab_share())
    );
    let sleep = if s.sleepers == 0 {
        "no device sleeps".to_string()
    } else {
        format!(
            "{} of users' devices sleep: {} in all, {} each on average",
            percent(s.sleeper_share()),
            rough(s.sleep_ms),
            rough(s.mean_sleep_ms())
        )
    };
    format!("{tabs} · {sleep}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_groups_take_an_unused_profile_then_a_name_of_their_own() {
        let profiles = [Profile::office("office"), Profile::office("nurse")];
        let mut groups = vec![Group::new("office", 5)];
        let g = new_group(&groups, &profiles).expect("a group");
        assert_eq!((g.profile.as_str(), g.name.as_deref()), ("nurse", None));
        groups.push(g);
        let g = new_group(&groups, &profiles).expect("a group");
        assert_eq!(
            (g.profile.as_str(), g.name.as_deref()),
            ("office", Some("office-2"))
        );
        assert_eq!(new_group(&[], &[]), None);
    }

    #[test]
    fn says_tabs_and_sleep_in_words() {
        // 4 users, 7 tabs, one of 3; 2 use several; 2 sleep 70 minutes in all.
        let s = TabsAndSleep {
            users: 4,
            multi_tab_users: 2,
            tabs_total: 7,
            max_tabs: 3,
            sleepers: 2,
            sleep_ms: 70 * 60_000,
        };
        assert_eq!(
            tabs_and_sleep(&s),
            "Tabs used per user (whole trace, not at once): 1.8 on average, at most 3; 50% of users use more than one · 50% of users' devices sleep: 1h10m in all, 35m each on average"
        );
        let none = TabsAndSleep {
            users: 1,
            tabs_total: 1,
            max_tabs: 1,
            ..TabsAndSleep::default()
        };
        assert_eq!(
            tabs_and_sleep(&none),
            "Tabs used per user (whole trace, not at once): 1.0 on average, at most 1; 0% of users use more than one · no device sleeps"
        );
    }

    #[test]
    fn summarises_a_population() {
        let p = PopulationSummary {
            source: "b.csv".into(),
            users: 1,
            events: 6,
            span: Some((0, 2_700_000)),
            tabs_sleep: TabsAndSleep::default(),
        };
        assert_eq!(
            summary(&p),
            "1 user · 6 events · day 1 00:00 to day 1 00:45 (45m)"
        );
    }
}
