//! Tables and charts drawn from `data/` where a body's embeds stand: an accessible HTML table
//! (numbers right-aligned and grouped), or a static SVG chart with its data as a table under it.
//!
//! Input: the assembled site (its datasets, checked by assemble) and the UI strings. Output: HTML.
//! Must not: read files or run script in the reader's browser.

mod chart;

use crate::model::{Dataset, Embed, PageId, Shows, Site, find_dataset};
use crate::text::{decimals_written, escape_html, grouped_number, parse_number};
use std::fmt::Write as _;

/// The words a chart needs in the page's language (from the theme's UI strings).
pub(super) struct ChartLabels {
    pub bar: String,
    pub line: String,
    pub data: String,
    /// Between a label and what follows (": ", "："), between list items (", ", "，"), between
    /// parts of a sentence ("; ", "；").
    pub colon: String,
    pub comma: String,
    pub semicolon: String,
}

/// `html` with each table and chart of page `id` drawn in.
pub(super) fn fill(html: String, site: &Site, id: PageId, labels: &ChartLabels) -> String {
    let embeds = &site.pages[id].embeds;
    if embeds.is_empty() {
        return html;
    }
    crate::text::fill_data_markers(html, |n| {
        let embed = embeds.get(n)?;
        let set = find_dataset(&site.datasets, &embed.data_path())?;
        Some(match &embed.shows {
            Shows::Table { columns } => table(set, columns, embed),
            Shows::Chart { .. } => chart::figure(n, set, embed, labels),
        })
    })
}

/// The dataset as a table of `columns` (all when empty): the first as row headers, numeric
/// columns right-aligned with their numbers grouped.
fn table(set: &Dataset, columns: &[String], embed: &Embed) -> String {
    let shown: Vec<usize> = if columns.is_empty() {
        (0..set.columns.len()).collect()
    } else {
        columns.iter().filter_map(|c| set.column(c)).collect()
    };
    let mut html = String::from("<div class=\"table-scroll\"><table class=\"data-table\">");
    if let Some(caption) = &embed.caption {
        let _ = write!(html, "<caption>{}</caption>", escape_html(caption));
    }
    html.push_str("<thead><tr>");
    for &c in &shown {
        let class = if is_numeric(set, c) { " class=\"num\"" } else { "" };
        let _ = write!(html, "<th scope=\"col\"{class}>{}</th>", escape_html(&set.columns[c]));
    }
    html.push_str("</tr></thead><tbody>");
    // A column with a number of five digits groups its four-digit ones too, so they line up.
    let groups: Vec<usize> =
        (0..set.columns.len()).map(|c| if column_max(set, c) >= 10_000.0 { 3 } else { 4 }).collect();
    for row in &set.rows {
        html.push_str("<tr>");
        for (i, &c) in shown.iter().enumerate() {
            let cell = row.get(c).map_or("", String::as_str);
            if i == 0 {
                let _ = write!(html, "<th scope=\"row\">{}</th>", escape_html(cell));
            } else if is_numeric(set, c) {
                let _ = write!(html, "<td class=\"num\">{}</td>", shown_number(cell, groups[c]));
            } else {
                let _ = write!(html, "<td>{}</td>", escape_html(cell));
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div>\n");
    if let Some(source) = &embed.source {
        let _ = writeln!(
            html,
            "<p class=\"table-source\"><span class=\"figure-source\">{}</span></p>",
            escape_html(source)
        );
    }
    html
}

/// Whether every cell of column `c` that is not empty is a number (and one is).
fn is_numeric(set: &Dataset, c: usize) -> bool {
    let cells = || set.rows.iter().filter_map(|r| r.get(c)).filter(|v| !v.is_empty());
    cells().next().is_some() && cells().all(|v| parse_number(v).is_some())
}

/// The largest absolute number in column `c`.
fn column_max(set: &Dataset, c: usize) -> f64 {
    set.rows.iter().filter_map(|r| r.get(c).and_then(|v| parse_number(v))).fold(0.0, |m, v| m.max(v.abs()))
}

/// A numeric cell as shown: grouped beyond `longer_than` digits, with the decimals and `%` it
/// was written with.
fn shown_number(cell: &str, longer_than: usize) -> String {
    match parse_number(cell) {
        Some(v) => {
            let percent = if cell.trim_end().ends_with('%') { "%" } else { "" };
            format!("{}{percent}", grouped_number(v, decimals_written(cell), longer_than))
        }
        None => escape_html(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChartKind;

    pub(super) fn set() -> Dataset {
        Dataset {
            rel_path: "data/a.csv".into(),
            columns: vec!["year".into(), "loans".into(), "note".into()],
            rows: vec![
                vec!["2015".into(), "12000".into(), "pilot".into()],
                vec!["2016".into(), "1,300.5".into(), "<b>".into()],
            ],
        }
    }

    pub(super) fn embed(shows: Shows) -> Embed {
        Embed {
            line: 1,
            column: 1,
            data: "a.csv".into(),
            shows,
            caption: Some("Loans".into()),
            source: Some("Survey".into()),
        }
    }

    #[test]
    fn a_table_has_row_headers_right_aligned_grouped_numbers_and_escaped_text() {
        let html = table(&set(), &[], &embed(Shows::Table { columns: vec![] }));
        assert!(html.contains("<caption>Loans</caption>"), "{html}");
        assert!(html.contains("<th scope=\"col\" class=\"num\">loans</th>"), "{html}");
        assert!(html.contains("<th scope=\"row\">2015</th><td class=\"num\">12,000</td><td>pilot</td>"), "{html}");
        assert!(html.contains("<td class=\"num\">1,300.5</td><td>&lt;b&gt;</td>"), "lined up with 12,000: {html}");
        assert!(html.contains("<span class=\"figure-source\">Survey</span>"), "{html}");
        let chart = Shows::Chart { kind: ChartKind::Bar, x: "year".into(), y: vec!["loans".into()], unit: None };
        assert!(!table(&set(), &["year".into(), "loans".into()], &embed(chart)).contains("pilot"));
    }
}
