//! The scenario's own settings and its population.

use egui::{RichText, Ui};

use crate::app::command::Command;
use crate::app::fields::{self, FieldTexts, Problems, row_label};
use crate::app::help;
use crate::app::plots::{clock, rough};
use crate::app::prepare::HOUR_MS;
use crate::app::worker::PopulationSummary;
use crate::model::{Population, Scenario};

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
    ui.label(RichText::new("Population").strong());
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
    }
    fields::show_problems(ui, problems, "population");
    match population {
        Some(p) => {
            ui.label(summary(p))
                .on_hover_text(p.source.display().to_string());
        }
        None => {
            ui.weak("Not loaded yet.");
        }
    }
}

/// `1 user · 6 events · day 1 00:00 to day 1 00:45 (45m)`.
pub fn summary(p: &PopulationSummary) -> String {
    let users = match p.users {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
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
    format!("{users} · {} events{span}", p.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_a_population() {
        let p = PopulationSummary {
            source: "b.csv".into(),
            users: 1,
            events: 6,
            span: Some((0, 2_700_000)),
        };
        assert_eq!(
            summary(&p),
            "1 user · 6 events · day 1 00:00 to day 1 00:45 (45m)"
        );
    }
}
