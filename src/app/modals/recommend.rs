//! The Recommend… answer: the current policy, the best compliant variant of
//! its approach and the best compliant policy found, side by side, with the
//! sentences `lapse recommend` prints; the user picks one to add.

use egui::{Grid, Id, RichText};

use crate::analysis::recommend::{Outcome, Recommendation};
use crate::analysis::{describe, disruption};
use crate::engine::{Affected, Metrics};
use crate::model::Policy;
use crate::report::document::{rough, thousands};
use crate::report::recommend::{OBJECTIVE, recommend_sentences};

/// A finished search, shown until answered.
pub struct RecommendDialog {
    /// The policy the search started from (its index in the scenario).
    pub policy: usize,
    pub found: Recommendation,
}

/// What the user answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecommendAnswer {
    /// Add the best compliant policy found beside the current one.
    AddBest,
    /// Add the current approach at its best compliant durations.
    AddVariant,
    Close,
}

impl RecommendDialog {
    /// The policy an answer adds, if any.
    pub fn chosen(&self, answer: RecommendAnswer) -> Option<Policy> {
        match answer {
            RecommendAnswer::AddBest => Some(self.found.best.clone()),
            RecommendAnswer::AddVariant => self.found.variant.as_ref().map(|v| v.policy.clone()),
            RecommendAnswer::Close => None,
        }
    }

    /// Draws the comparison; `Some` once answered.
    pub fn ui(&self, ctx: &egui::Context) -> Option<RecommendAnswer> {
        let r = &self.found;
        let mut answer = None;
        let modal = egui::Modal::new(Id::unique("recommend")).show(ctx, |ui| {
            ui.set_max_width(760.0);
            ui.heading(format!("Recommend for {}", r.standard.title()));
            ui.label(format!("Objective: {OBJECTIVE}."));
            ui.add_space(6.0);
            for sentence in recommend_sentences(r) {
                ui.label(sentence);
            }
            ui.add_space(6.0);
            self.table(ui);
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let best = match r.outcome {
                    Outcome::Better => "Add the recommended policy",
                    Outcome::KeepCurrent => "Add a copy of the current policy",
                    Outcome::CostsMore => "Add the least costly compliant policy",
                };
                if ui
                    .button(best)
                    .on_hover_text(format!(
                        "Adds “{}” beside the current policy (Undo removes it)",
                        r.best.name
                    ))
                    .clicked()
                {
                    answer = Some(RecommendAnswer::AddBest);
                }
                if let Some(v) = &r.variant
                    && ui
                        .button("Add the current approach, compliant")
                        .on_hover_text(format!(
                            "Adds “{}” beside the current policy (Undo removes it)",
                            v.policy.name
                        ))
                        .clicked()
                {
                    answer = Some(RecommendAnswer::AddVariant);
                }
                if ui.button("Close").clicked() {
                    answer = Some(RecommendAnswer::Close);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(RecommendAnswer::Close);
        }
        answer
    }

    fn table(&self, ui: &mut egui::Ui) {
        let r = &self.found;
        let variant = r.variant.as_ref();
        let columns: Vec<Option<(&Policy, &Metrics, &Affected)>> = vec![
            Some((&r.current, &r.current_metrics, &r.current_affected)),
            variant.map(|v| (&v.policy, &v.metrics, &v.affected)),
            Some((&r.best, &r.best_metrics, &r.best_affected)),
        ];
        let pass = [
            r.current_verdict.pass,
            variant.is_some(),
            r.best_verdict.pass,
        ];
        type Cell = fn(&Policy, &Metrics, &Affected) -> String;
        let rows: [(&str, Cell); 6] = [
            ("settings", |p, _, _| describe(p)),
            ("logouts while present", |_, m, a| {
                format!(
                    "{} ({} users)",
                    thousands(m.logouts_while_present),
                    thousands(a.logouts_while_present)
                )
            }),
            ("lost edits", |_, m, a| {
                format!(
                    "{} ({} users)",
                    thousands(m.lost_inputs),
                    thousands(a.lost_inputs)
                )
            }),
            ("submits lost", |_, m, _| thousands(m.lost_submits)),
            ("logins", |_, m, _| thousands(m.logins)),
            ("open with nobody there", |_, m, _| rough(m.unattended_ms)),
        ];
        Grid::new("recommend-table")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                ui.label("");
                for title in ["Current", "Current approach, compliant", "Best found"] {
                    ui.label(RichText::new(title).strong());
                }
                ui.end_row();
                ui.label("name");
                for c in &columns {
                    ui.label(c.map_or("—".to_string(), |(p, _, _)| p.name.clone()));
                }
                ui.end_row();
                for (label, cell) in rows {
                    ui.label(label);
                    for c in &columns {
                        ui.label(c.map_or("—".to_string(), |(p, m, a)| cell(p, m, a)));
                    }
                    ui.end_row();
                }
                ui.label("logouts while present + lost edits");
                for c in &columns {
                    ui.label(c.map_or("—".to_string(), |(_, m, _)| thousands(disruption(m))));
                }
                ui.end_row();
                ui.label(r.standard.id());
                for (c, pass) in columns.iter().zip(pass) {
                    let text = match (c, pass) {
                        (None, _) => "cannot pass",
                        (Some(_), true) => "pass",
                        (Some(_), false) => "FAIL",
                    };
                    ui.label(text);
                }
                ui.end_row();
            });
    }
}
