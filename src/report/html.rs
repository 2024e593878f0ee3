//! The report as one self-contained HTML file: no scripts, no fonts, no
//! requests; the plots inline as SVG; a print stylesheet that starts each
//! section on a new page.
//!
//! Every number that comes out of the run is written as
//! `<data value="N" data-policy="P" data-metric="M">`, so a program (the
//! tests) can read the exact counts back and compare them with `lapse run`.
//! With replicates the all-metrics table's values are the means (its cells
//! say `mean ± half-width`), as `lapse run --replicates N`'s `intervals`.

use std::fmt::Write as _;

use crate::analysis::compliance::Standard;
use crate::engine::Metrics;

use super::document::{HEADLINE_COLUMNS, Piece, Report, Rich, metric_text, thousands};
use super::plots::{Figure, policy_color, xml_escape};
use super::replicates::interval_cell;

/// The page's stylesheet: system fonts only, print rules at the end.
const STYLE: &str = r#"
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.5; }
body { margin: 0; }
header.top { background: #16324f; color: #fff; padding: 28px 0 22px; }
header.top .wrap, main { max-width: 1000px; margin: 0 auto; padding: 0 28px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .78rem; opacity: .85; margin: 0 0 4px; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 6px; }
.summary { margin: 0; opacity: .9; }
.difference { margin: .4em 0 0; opacity: .9; }
h2 { font-size: 1.35rem; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 22px 0 6px; }
p { margin: 8px 0; }
.question { font-size: 1.08rem; color: var(--muted); }
.answer { background: #eef6ee; border-left: 5px solid #2e7d32; padding: 12px 18px; border-radius: 4px; }
.answer p { margin: 6px 0; }
.problems { background: #fff4e5; border: 2px solid #b35c00; border-radius: 6px; padding: 10px 18px; margin-top: 20px; }
.problems h2 { border: 0; margin: 4px 0; font-size: 1.15rem; color: #8a4500; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 4px; font-size: .92rem; }
caption { text-align: left; color: var(--muted); font-size: .88rem; padding-bottom: 4px; }
th, td { border: 1px solid var(--line); padding: 6px 9px; vertical-align: top; }
thead th { background: var(--soft); text-align: left; }
tbody th { text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.chosen th, tr.chosen td { background: #f1f8f1; font-weight: 600; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .4em; vertical-align: baseline; border: 1px solid #0003; }
.badge { display: inline-block; font-size: .72rem; font-weight: 600; padding: 0 6px; margin-left: 6px; border-radius: 9px; background: #2e7d32; color: #fff; vertical-align: middle; }
.pass { color: #1a5e20; font-weight: 600; }
.fail { color: #a4161a; font-weight: 600; }
.reason { display: block; color: var(--muted); font-size: .84rem; }
figure { margin: 14px 0 26px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: .92rem; margin-top: 6px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 10px 12px; overflow-x: auto; font-size: .82rem; line-height: 1.4; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
nav.toc { border-bottom: 1px solid var(--line); padding: 10px 0; font-size: .9rem; }
nav.toc ol { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 20px; padding: 0; margin: 0; }
nav.toc a { color: var(--accent); text-decoration: none; }
footer { max-width: 1000px; margin: 40px auto 30px; padding: 0 28px; color: var(--muted); font-size: .85rem; }
@media print {
  header.top { background: none; color: #000; padding: 0; }
  header.top .wrap, main, footer { max-width: none; padding: 0; }
  nav.toc { display: none; }
  main > section { break-before: page; }
  main > section.first { break-before: auto; }
  figure, table, .answer { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  pre { white-space: pre-wrap; }
}
"#;

fn esc(s: &str) -> String {
    xml_escape(s)
}

/// The page.
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"Lapse {}\">",
        report.version
    );
    let _ = writeln!(
        out,
        "<title>Session-timeout report: {}</title>",
        esc(&report.title)
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    header(&mut out, report);
    out.push_str("<main>\n");
    if !report.problems.is_empty() {
        problems(&mut out, report);
    }
    toc(&mut out, report);
    answer(&mut out, report);
    figures(&mut out, report);
    compliance(&mut out, report);
    settings(&mut out, report);
    population(&mut out, report);
    all_metrics(&mut out, report);
    reproduce(&mut out, report);
    out.push_str("</main>\n");
    let _ = writeln!(
        out,
        "<footer>Made by Lapse {} from the scenario embedded above. Every number can be reproduced with the commands under “Reproduce”.</footer>",
        report.version
    );
    out.push_str("</body>\n</html>\n");
    out
}

fn header(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "<header class=\"top\"><div class=\"wrap\">\n<p class=\"kicker\">Session-timeout report · Lapse {}</p>\n<h1>{}</h1>\n<p class=\"summary\">{}</p>\n</div></header>",
        report.version,
        esc(&report.title),
        esc(&report.summary)
    );
    for line in &report.differences {
        let _ = writeln!(out, "<p class=\"difference\"><em>{}</em></p>", esc(line));
    }
}

fn problems(out: &mut String, report: &Report) {
    out.push_str(
        "<section id=\"problems\" class=\"problems first\" role=\"alert\">\n<h2>This report has problems</h2>\n<ul>\n",
    );
    for p in &report.problems {
        let _ = writeln!(out, "<li>{}</li>", esc(p));
    }
    out.push_str("</ul>\n</section>\n");
}

const SECTIONS: [(&str, &str); 7] = [
    ("answer", "The question and the answer"),
    ("plots", "What the simulation shows"),
    ("compliance", "Compliance"),
    ("settings", "Settings"),
    ("population", "Population and run"),
    ("metrics", "All metrics"),
    ("reproduce", "Reproduce"),
];

fn toc(out: &mut String, _report: &Report) {
    out.push_str("<nav class=\"toc\" aria-label=\"Contents\"><ol>\n");
    for (id, title) in SECTIONS {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    out.push_str("</ol></nav>\n");
}

fn section_start(out: &mut String, id: &str, first: bool) {
    let title = SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, t)| t);
    let class = if first { " class=\"first\"" } else { "" };
    let _ = writeln!(out, "<section id=\"{id}\"{class}>\n<h2>{title}</h2>");
}

fn rich(report: &Report, pieces: &Rich) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(&esc(t)),
            Piece::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", esc(t));
            }
            Piece::Code(t) => {
                let _ = write!(out, "<code>{}</code>", esc(t));
            }
            Piece::Metric {
                policy,
                name,
                value,
            } => out.push_str(&data(report, *policy, name, *value)),
        }
    }
    out
}

/// A number from the run, machine-readable.
fn data(report: &Report, policy: usize, name: &str, value: u64) -> String {
    let policy = report
        .headlines
        .get(policy)
        .map_or("", |h| h.policy.as_str());
    format!(
        "<data value=\"{value}\" data-policy=\"{}\" data-metric=\"{name}\">{}</data>",
        esc(policy),
        esc(&metric_text(name, value))
    )
}

fn swatch(i: usize) -> String {
    let c = policy_color(i);
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\" aria-hidden=\"true\"></span>",
        c.0, c.1, c.2
    )
}

fn answer(out: &mut String, report: &Report) {
    section_start(out, "answer", report.problems.is_empty());
    let _ = writeln!(out, "<p class=\"question\">{}</p>", esc(&report.question));
    out.push_str("<div class=\"answer\">\n");
    for p in &report.answer {
        let _ = writeln!(out, "<p>{}</p>", rich(report, p));
    }
    out.push_str("</div>\n<table class=\"headline\">\n<caption>Each policy over the whole run, all users together. Lower is better in every column.</caption>\n<thead><tr><th scope=\"col\">Policy</th>");
    for (_, title) in HEADLINE_COLUMNS {
        let _ = write!(out, "<th scope=\"col\">{title}</th>");
    }
    out.push_str("<th scope=\"col\">Rules passed</th></tr></thead>\n<tbody>\n");
    for (i, h) in report.headlines.iter().enumerate() {
        let chosen = report.choice.as_ref().filter(|c| c.policy == i);
        let class = if chosen.is_some() {
            " class=\"chosen\""
        } else {
            ""
        };
        let badge = match chosen {
            Some(c) if c.selected => "<span class=\"badge\">selected</span>",
            Some(_) => "<span class=\"badge\">recommended</span>",
            None => "",
        };
        let _ = write!(
            out,
            "<tr{class}><th scope=\"row\">{}{}{badge}</th>",
            swatch(i),
            esc(&h.policy)
        );
        for (name, _) in HEADLINE_COLUMNS {
            let value = h.metrics.get(name).unwrap_or(0);
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                data(report, i, name, value)
            );
        }
        let _ = writeln!(
            out,
            "<td class=\"num\">{} of {}</td></tr>",
            h.passes(),
            h.verdicts.len()
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn figures(out: &mut String, report: &Report) {
    section_start(out, "plots", false);
    for figure in &report.figures {
        figure_html(out, figure);
    }
    if !report.figures.iter().any(|f| f.id == "timeline") {
        out.push_str("<p>Nobody lost any work under these policies, so there is no user timeline to show.</p>\n");
    }
    out.push_str("</section>\n");
}

fn figure_html(out: &mut String, figure: &Figure) {
    let id = format!("fig-{}", figure.id);
    let _ = writeln!(
        out,
        "<figure id=\"{id}\" aria-labelledby=\"{id}-title\">\n<h3 id=\"{id}-title\">{}</h3>",
        esc(&figure.title)
    );
    out.push_str(&accessible_svg(
        &figure.svg,
        &format!("{}. {}", figure.title, figure.finding),
    ));
    let _ = writeln!(
        out,
        "<figcaption>{}</figcaption>\n</figure>",
        esc(&figure.finding)
    );
}

/// Plotters' SVG as an image for assistive technology: `role="img"` and the
/// finding as its label. Plotters writes a standalone document: the XML
/// namespace stays (allowed in HTML), nothing else needs changing.
fn accessible_svg(svg: &str, label: &str) -> String {
    match svg.find("<svg ") {
        Some(at) => format!(
            "{}<svg role=\"img\" aria-label=\"{}\" {}",
            &svg[..at],
            esc(label),
            &svg[at + 5..]
        ),
        None => svg.to_string(),
    }
}

fn compliance(out: &mut String, report: &Report) {
    section_start(out, "compliance", false);
    out.push_str("<p>Each policy against the session rules of PCI DSS, NIST SP 800-63B, the OWASP session cheat sheet, WCAG 2.2 and HIPAA, as <code>lapse check</code> reads them. The checks read the policy alone: what the server enforces, whatever users do.</p>\n");
    out.push_str("<table class=\"verdicts\">\n<caption>Verdicts per standard, with the reason.</caption>\n<thead><tr><th scope=\"col\">Rule</th>");
    for (i, h) in report.headlines.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\">{}{}</th>",
            swatch(i),
            esc(&h.policy)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (k, standard) in Standard::ALL.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}<span class=\"reason\">{}</span></th>",
            esc(standard.title()),
            standard.id()
        );
        for h in &report.headlines {
            match h.verdicts.get(k) {
                Some(v) => {
                    let (class, word) = if v.pass {
                        ("pass", "✓ pass")
                    } else {
                        ("fail", "✗ FAIL")
                    };
                    let _ = write!(
                        out,
                        "<td><span class=\"{class}\">{word}</span><span class=\"reason\">{}</span></td>",
                        esc(&v.reason)
                    );
                }
                None => out.push_str("<td>not checked</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn settings(out: &mut String, report: &Report) {
    section_start(out, "settings", false);
    let Some(choice) = &report.choice else {
        out.push_str("<p>There is no policy to export.</p>\n</section>\n");
        return;
    };
    let name = &report.headlines[choice.policy].policy;
    let _ = writeln!(
        out,
        "<p>The {} policy, “{}”, as a web framework's settings and the page script for its warning and keepalive (<code>lapse export</code>). Whatever a framework cannot express is written as a comment starting <code>NOT EXPRESSIBLE</code>.</p>",
        if choice.selected {
            "selected"
        } else {
            "recommended"
        },
        esc(name)
    );
    for (k, e) in report.settings.iter().enumerate() {
        if k == 0 {
            let _ = writeln!(
                out,
                "<h3>{} settings</h3>\n<pre><code>{}</code></pre>",
                target_name(e.target.id()),
                esc(&e.server)
            );
        } else {
            let _ = writeln!(
                out,
                "<details><summary>{} settings</summary>\n<pre><code>{}</code></pre>\n</details>",
                target_name(e.target.id()),
                esc(&e.server)
            );
        }
    }
    if let Some(first) = report.settings.first() {
        let _ = writeln!(
            out,
            "<details><summary>Page script (lapse-session.js)</summary>\n<pre><code>{}</code></pre>\n</details>",
            esc(&first.client)
        );
    }
    out.push_str("</section>\n");
}

fn target_name(id: &str) -> &'static str {
    match id {
        "flask" => "Flask",
        "django" => "Django",
        "express" => "Express (express-session)",
        "spring" => "Spring Boot",
        "aspnet" => "ASP.NET Core",
        _ => "Framework",
    }
}

fn population(out: &mut String, report: &Report) {
    section_start(out, "population", false);
    for p in &report.population {
        let _ = writeln!(out, "<p>{}</p>", esc(p));
    }
    out.push_str("<dl class=\"facts\">\n");
    for (label, value) in &report.facts {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
    }
    out.push_str("</dl>\n</section>\n");
}

fn all_metrics(out: &mut String, report: &Report) {
    section_start(out, "metrics", false);
    out.push_str("<p>Every count of <code>lapse run</code>, exactly as it reports them (durations in milliseconds, readable in brackets).</p>\n<table class=\"metrics\">\n<caption>The metrics per policy.</caption>\n<thead><tr><th scope=\"col\">Metric</th>");
    for (i, h) in report.headlines.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\">{}{}</th>",
            swatch(i),
            esc(&h.policy)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for name in Metrics::NAMES {
        // The metric's name and what it counts, from the one home the
        // window and `lapse run`'s table use too; the key for programs.
        match Metrics::text(name) {
            Some(t) => {
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\">{} <code>{name}</code><br><small>{}</small></th>",
                    esc(t.label),
                    esc(t.explains)
                );
            }
            None => {
                let _ = write!(out, "<tr><th scope=\"row\"><code>{name}</code></th>");
            }
        }
        for h in &report.headlines {
            if let Some(iv) = h.interval(name) {
                let _ = write!(
                    out,
                    "<td class=\"num\"><data value=\"{}\" data-policy=\"{}\" data-metric=\"{name}\">{}</data></td>",
                    iv.mean,
                    esc(&h.policy),
                    esc(&interval_cell(name, &iv))
                );
                continue;
            }
            let value = h.metrics.get(name).unwrap_or(0);
            let readable = if name.ends_with("_ms") && value > 0 {
                format!(" ({})", metric_text(name, value))
            } else {
                String::new()
            };
            let policy = esc(&h.policy);
            let _ = write!(
                out,
                "<td class=\"num\"><data value=\"{value}\" data-policy=\"{policy}\" data-metric=\"{name}\">{}</data>{readable}</td>",
                thousands(value)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn reproduce(out: &mut String, report: &Report) {
    section_start(out, "reproduce", false);
    out.push_str("<p>The scenario below, given to Lapse, gives every number of this report again:</p>\n<pre><code>");
    out.push_str(&esc(&report.reproduce.join("\n")));
    out.push_str("</code></pre>\n");
    let _ = writeln!(
        out,
        "<details><summary>The scenario file ({} lines)</summary>\n<pre><code>{}</code></pre>\n</details>",
        report.source.lines().count(),
        esc(&report.source)
    );
    let _ = writeln!(out, "<p>Made by Lapse {}.</p>\n</section>", report.version);
}
