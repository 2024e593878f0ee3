//! The report as Markdown, for a pull request or an issue tracker: the same
//! content as the HTML, the plots as SVG files beside it, linked.

use std::fmt::Write as _;

use crate::analysis::compliance::Standard;
use crate::engine::Metrics;

use super::document::{HEADLINE_COLUMNS, Piece, Report, Rich, metric_text, thousands};
use super::replicates::interval_cell;

/// A table cell: pipes escaped, line breaks flattened.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn rich(pieces: &Rich) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Strong(t) => format!("**{t}**"),
            Piece::Code(t) => format!("`{t}`"),
            other => other.shown(),
        })
        .collect()
}

/// A fenced block whose fence is longer than any backtick run inside.
fn fenced(lang: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end())
}

/// The document; `links[i]` is the file name of figure `i`'s SVG.
pub fn render(report: &Report, links: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Session-timeout report: {}\n", report.title);
    let _ = writeln!(out, "{} · Lapse {}\n", report.summary, report.version);
    for line in &report.differences {
        let _ = writeln!(out, "*{line}*\n");
    }
    if !report.problems.is_empty() {
        out.push_str("> **This report has problems**\n>\n");
        for p in &report.problems {
            let _ = writeln!(out, "> - {p}");
        }
        out.push('\n');
    }
    answer(&mut out, report);
    out.push_str("## What the simulation shows\n\n");
    for (figure, link) in report.figures.iter().zip(links) {
        let _ = writeln!(
            out,
            "### {}\n\n![{}]({link})\n\n{}\n",
            figure.title,
            figure.finding.replace(['[', ']'], ""),
            figure.finding
        );
    }
    compliance(&mut out, report);
    settings(&mut out, report);
    out.push_str("## Population and run\n\n");
    for p in &report.population {
        let _ = writeln!(out, "{p}\n");
    }
    for (label, value) in &report.facts {
        let _ = writeln!(out, "- **{label}:** {value}");
    }
    out.push('\n');
    all_metrics(&mut out, report);
    out.push_str("## Reproduce\n\n");
    out.push_str(&fenced("sh", &report.reproduce.join("\n")));
    let _ = writeln!(
        out,
        "\n<details><summary>The scenario file ({} lines)</summary>\n\n{}\n</details>\n\nMade by Lapse {}.",
        report.source.lines().count(),
        fenced("ron", &report.source),
        report.version
    );
    out
}

fn answer(out: &mut String, report: &Report) {
    out.push_str("## The question and the answer\n\n");
    let _ = writeln!(out, "*{}*\n", report.question);
    for p in &report.answer {
        let _ = writeln!(out, "{}\n", rich(p));
    }
    out.push_str("| Policy |");
    for (_, title) in HEADLINE_COLUMNS {
        let _ = write!(out, " {title} |");
    }
    out.push_str(" Rules passed |\n|---|");
    for _ in HEADLINE_COLUMNS {
        out.push_str("---:|");
    }
    out.push_str("---:|\n");
    for (i, h) in report.headlines.iter().enumerate() {
        let mark = match report.choice.as_ref().filter(|c| c.policy == i) {
            Some(c) if c.selected => " (selected)",
            Some(_) => " (recommended)",
            None => "",
        };
        let _ = write!(out, "| **{}**{mark} |", cell(&h.policy));
        for (name, _) in HEADLINE_COLUMNS {
            let _ = write!(
                out,
                " {} |",
                metric_text(name, h.metrics.get(name).unwrap_or(0))
            );
        }
        let _ = writeln!(out, " {} of {} |", h.passes(), h.verdicts.len());
    }
    out.push('\n');
}

fn compliance(out: &mut String, report: &Report) {
    out.push_str("## Compliance\n\nEach policy against the session rules Lapse checks (`lapse check`).\n\n| Rule |");
    for h in &report.headlines {
        let _ = write!(out, " {} |", cell(&h.policy));
    }
    out.push_str("\n|---|");
    for _ in &report.headlines {
        out.push_str("---|");
    }
    out.push('\n');
    for (k, standard) in Standard::ALL.iter().enumerate() {
        let _ = write!(out, "| {} (`{}`) |", cell(standard.title()), standard.id());
        for h in &report.headlines {
            match h.verdicts.get(k) {
                Some(v) => {
                    let word = if v.pass { "✓ pass" } else { "✗ **FAIL**" };
                    let _ = write!(out, " {word}: {} |", cell(&v.reason));
                }
                None => out.push_str(" not checked |"),
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn settings(out: &mut String, report: &Report) {
    out.push_str("## Settings\n\n");
    let Some(choice) = &report.choice else {
        out.push_str("There is no policy to export.\n\n");
        return;
    };
    let _ = writeln!(
        out,
        "The {} policy, “{}”, as framework settings (`lapse export`).\n",
        if choice.selected {
            "selected"
        } else {
            "recommended"
        },
        report.headlines[choice.policy].policy
    );
    for (k, e) in report.settings.iter().enumerate() {
        let lang = match e.target.id() {
            "flask" | "django" => "python",
            "express" => "js",
            "spring" => "properties",
            _ => "csharp",
        };
        if k == 0 {
            let _ = writeln!(out, "{}", fenced(lang, &e.server));
        } else {
            let _ = writeln!(
                out,
                "<details><summary>{} settings</summary>\n\n{}\n</details>\n",
                e.target.id(),
                fenced(lang, &e.server)
            );
        }
    }
    if let Some(first) = report.settings.first() {
        let _ = writeln!(
            out,
            "<details><summary>Page script (lapse-session.js)</summary>\n\n{}\n</details>\n",
            fenced("js", &first.client)
        );
    }
}

fn all_metrics(out: &mut String, report: &Report) {
    out.push_str("## All metrics\n\n| Metric |");
    for h in &report.headlines {
        let _ = write!(out, " {} |", cell(&h.policy));
    }
    out.push_str("\n|---|");
    for _ in &report.headlines {
        out.push_str("---:|");
    }
    out.push('\n');
    for name in Metrics::NAMES {
        match Metrics::text(name) {
            Some(t) => {
                let _ = write!(
                    out,
                    "| {} (`{name}`): {} |",
                    cell(t.label),
                    cell(t.explains)
                );
            }
            None => {
                let _ = write!(out, "| `{name}` |");
            }
        }
        for h in &report.headlines {
            let value = match h.interval(name) {
                Some(iv) => interval_cell(name, &iv),
                None => thousands(h.metrics.get(name).unwrap_or(0)),
            };
            let _ = write!(out, " {} |", cell(&value));
        }
        out.push('\n');
    }
    out.push('\n');
}
