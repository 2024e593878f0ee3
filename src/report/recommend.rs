//! `lapse recommend`'s text, and the sentences the window's Recommend
//! dialog shows: the objective in people's terms, the verdict, the change
//! that matters most, near-ties, then the three policies side by side.

use crate::analysis::recommend::{Found, NEAR_TIE, Outcome, Recommendation, Without};
use crate::analysis::{describe, disruption};
use crate::engine::{Affected, Metrics};
use crate::model::Policy;

use super::document::{rough, thousands};
use super::ron_text;
use super::table::{aligned, metric_cell};

/// The objective, as the output states it.
pub const OBJECTIVE: &str = "the fewest logouts while people are at their screen plus lost edits, then the least time sessions stay open with nobody there";

/// "1,330 logouts while present (278 users) and 140,420 lost edits (41 users)".
pub fn people(m: &Metrics, a: &Affected) -> String {
    format!(
        "{} logouts while present ({} users) and {} lost edits ({} users)",
        thousands(m.logouts_while_present),
        thousands(a.logouts_while_present),
        thousands(m.lost_inputs),
        thousands(a.lost_inputs),
    )
}

fn found_people(f: &Found) -> String {
    people(&f.metrics, &f.affected)
}

/// The answer in sentences, most important first.
pub fn recommend_sentences(r: &Recommendation) -> Vec<String> {
    let mut out = Vec::new();
    let now = people(&r.current_metrics, &r.current_affected);
    let best = people(&r.best_metrics, &r.best_affected);
    let std = r.standard.id();
    out.push(match r.outcome {
        Outcome::Better => format!(
            "Recommended: {:?}, which passes {std}: {best}, against {now} under {:?}.",
            r.best.name, r.current.name
        ),
        Outcome::KeepCurrent => format!(
            "Keep {:?}: it passes {std} and no compliant policy found does better ({now}).",
            r.current.name
        ),
        Outcome::CostsMore => format!(
            "No compliant policy found is as good as {:?} ({now}), which fails {std}; the least costly way to comply is {:?}: {best}.",
            r.current.name, r.best.name
        ),
    });
    out.push(match (&r.variant, &r.variant_failure) {
        (None, why) => format!(
            "The current approach cannot pass {std} at any duration: {}.",
            why.as_deref().unwrap_or("no setting passes")
        ),
        (Some(v), _) if v.score() > (disruption(&r.current_metrics), u64::MAX) => format!(
            "The current approach cannot be made good: at its best compliant durations ({:?}) it has {}, against {now} today.",
            v.policy.name,
            found_people(v)
        ),
        (Some(v), _) if r.outcome == Outcome::Better && v.policy.name == r.current.name => {
            format!(
                "The current approach passes {std} as it is, and no other duration of it does better: {}.",
                found_people(v)
            )
        }
        (Some(v), _) if r.outcome == Outcome::Better && v.score() > r.best_score() => format!(
            "The current approach passes {std} at best as {:?}: {}.",
            v.policy.name,
            found_people(v)
        ),
        (Some(_), _) => "The current approach is the best structure found.".into(),
    });
    if let Some(first) = r.changes.first() {
        let without = match &first.without {
            Without::Found(f) => format!(
                "without it ({:?}) it has {}",
                f.policy.name,
                found_people(f)
            ),
            Without::Nothing => "no compliant policy found does without it".into(),
        };
        out.push(format!(
            "The change that matters most: {}, instead of {}; {without}.",
            first.to, first.from
        ));
        for c in &r.changes[1..] {
            let cost = match &c.without {
                Without::Found(f) => format!(
                    "without it: {} logouts while present, {} lost edits",
                    thousands(f.metrics.logouts_while_present),
                    thousands(f.metrics.lost_inputs)
                ),
                Without::Nothing => "nothing compliant without it".into(),
            };
            out.push(format!(
                "Also changed: {}, instead of {} ({cost}).",
                c.to, c.from
            ));
        }
    }
    out.push(near_ties_sentence(r));
    out
}

fn near_ties_sentence(r: &Recommendation) -> String {
    let within = format!("{:.0}%", NEAR_TIE * 100.0);
    if r.near_ties.is_empty() {
        return format!("No other structure comes within {within} of it.");
    }
    let best = disruption(&r.best_metrics);
    let list: Vec<String> = r
        .near_ties
        .iter()
        .take(3)
        .map(|f| {
            let d = disruption(&f.metrics);
            let how = if d == best { "tie" } else { "near-tie" };
            format!(
                "{:?} ({how}: {} logouts while present and lost edits, {} unattended)",
                f.policy.name,
                thousands(d),
                rough(f.metrics.unattended_ms)
            )
        })
        .collect();
    let shown = if r.near_ties.len() > 3 {
        format!("{} other structures, the first three", r.near_ties.len())
    } else {
        format!("{} other structures", r.near_ties.len())
    };
    format!(
        "Ties and near-ties within {within} ({shown}): {}.",
        list.join("; ")
    )
}

/// `lapse recommend`: the objective, the sentences, the three policies
/// side by side (settings, people, every metric, the verdict), then the
/// recommended policy as RON.
pub fn recommend_text(r: &Recommendation) -> String {
    let mut out = format!(
        "{} — {}\nObjective: {OBJECTIVE}.\nSearched {} policy structures (keepalive and its interval, alert or extend warning and what restarts its timer, drafts kept, redirect or lazy expiry, client clock, tab sync) and their durations; {} settings run.\n\n",
        r.standard.id(),
        r.standard.title(),
        r.structures,
        r.evaluated
    );
    for s in recommend_sentences(r) {
        out.push_str(&s);
        out.push('\n');
    }
    out.push('\n');
    let best_title = match r.outcome {
        Outcome::Better => "recommended",
        Outcome::KeepCurrent => "recommended (the current)",
        Outcome::CostsMore => "least costly compliant",
    };
    let empty = Found {
        policy: Policy::named("—"),
        metrics: Metrics::default(),
        affected: Affected::default(),
    };
    let variant = r.variant.as_ref();
    let columns: [(&Policy, &Metrics, &Affected); 3] = [
        (&r.current, &r.current_metrics, &r.current_affected),
        variant.map_or((&empty.policy, &empty.metrics, &empty.affected), |v| {
            (&v.policy, &v.metrics, &v.affected)
        }),
        (&r.best, &r.best_metrics, &r.best_affected),
    ];
    let mut rows: Vec<Vec<String>> = vec![vec![
        "".into(),
        "current".into(),
        "current approach, compliant".into(),
        best_title.into(),
    ]];
    let mut row = |label: &str, cell: &dyn Fn(&Policy, &Metrics, &Affected) -> String| {
        let mut cells = vec![label.to_string()];
        for (i, (p, m, a)) in columns.iter().enumerate() {
            cells.push(if i == 1 && variant.is_none() {
                "—".into()
            } else {
                cell(p, m, a)
            });
        }
        rows.push(cells);
    };
    row("name", &|p, _, _| p.name.clone());
    for param in &r.searched {
        row(param.name(), &|p, _, _| {
            param.get(p).map_or("None".into(), |d| d.to_string())
        });
    }
    row("structure", &|p, _, _| describe(p));
    row("logouts while present + lost edits", &|_, m, _| {
        thousands(disruption(m))
    });
    row("users logged out while present", &|_, _, a| {
        a.cell(a.logouts_while_present)
    });
    row("users who lost edits", &|_, _, a| a.cell(a.lost_inputs));
    for name in Metrics::NAMES {
        row(name, &|_, m, _| metric_cell(name, m.get(name).unwrap_or(0)));
    }
    let status = |pass: bool| if pass { "pass" } else { "FAIL" };
    let variant_pass = variant.is_some();
    let verdicts = [r.current_verdict.pass, variant_pass, r.best_verdict.pass];
    let mut cells = vec![r.standard.id().to_string()];
    cells.extend(verdicts.iter().enumerate().map(|(i, &v)| {
        if i == 1 && !variant_pass {
            "—".to_string()
        } else {
            status(v).to_string()
        }
    }));
    rows.push(cells);
    for line in aligned(&rows) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "\ncurrent:     {}\nrecommended: {}\n\n",
        r.current_verdict.reason, r.best_verdict.reason
    ));
    out.push_str(&ron_text(&r.best));
    out.push('\n');
    out
}
