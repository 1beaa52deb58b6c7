//! A bar or line chart as static SVG: drawn at build time, named for screen readers by its
//! caption and a description, series told apart by pattern as well as colour, and its data
//! in a table under it.

use super::ChartLabels;
use crate::model::{ChartKind, Dataset, Embed, Shows};
use crate::text::{escape_html, format_number, grouped_number, parse_number};
use std::fmt::Write as _;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 40.0;
/// At most this many labels along the horizontal axis; the others are left out.
const MOST_LABELS: usize = 12;

/// Chart `n` of a page, its legend, caption and data table, as a `<figure>`.
pub(super) fn figure(n: usize, set: &Dataset, embed: &Embed, labels: &ChartLabels) -> String {
    let Shows::Chart { kind, x, y, unit } = &embed.shows else { return String::new() };
    let Some(x_at) = set.column(x) else { return String::new() };
    let names: Vec<String> = set.rows.iter().map(|r| r.get(x_at).cloned().unwrap_or_default()).collect();
    let series: Vec<(&str, Vec<Option<f64>>)> = y
        .iter()
        .filter_map(|name| {
            let at = set.column(name)?;
            Some((name.as_str(), set.rows.iter().map(|r| r.get(at).and_then(|c| parse_number(c))).collect()))
        })
        .collect();
    let caption = embed.caption.as_deref().unwrap_or_default();
    let kind_label = if *kind == ChartKind::Bar { &labels.bar } else { &labels.line };
    let span = match (names.first(), names.last()) {
        (Some(a), Some(b)) if names.len() > 1 => format!("{}{x} {a}–{b}", labels.semicolon),
        _ => String::new(),
    };
    let ys: Vec<&str> = series.iter().map(|(n, _)| *n).collect();
    let desc = format!("{kind_label}{}{}{span}", labels.colon, ys.join(&labels.comma));
    let id = format!("sb-chart-{n}");
    let mut html = format!(
        "<figure class=\"embed-chart\">\n{}",
        svg(&id, (caption, &desc), *kind, &names, &series, unit.as_deref())
    );
    if series.len() > 1 {
        html.push_str("<ul class=\"chart-legend\">");
        for (i, (name, _)) in series.iter().enumerate() {
            let _ = write!(html, "<li><span class=\"swatch series-{}\"></span>{}</li>", i % 6, escape_html(name));
        }
        html.push_str("</ul>\n");
    }
    let columns: Vec<String> = std::iter::once(x.clone()).chain(y.iter().cloned()).collect();
    let data = Embed { caption: None, source: None, ..embed.clone() };
    let table = super::table(set, &columns, &Embed { shows: Shows::Table { columns: columns.clone() }, ..data });
    let _ = write!(
        html,
        "<details class=\"chart-data\"><summary>{}</summary>\n{table}</details>\n",
        escape_html(&labels.data)
    );
    let source = embed.source.as_deref().map(|s| format!(" <span class=\"figure-source\">{}</span>", escape_html(s)));
    let _ = writeln!(html, "<figcaption>{}{}</figcaption></figure>", escape_html(caption), source.unwrap_or_default());
    html
}

/// The vertical scale: from `low` to `high` in ticks of `step`.
struct Scale {
    low: f64,
    high: f64,
    step: f64,
}

impl Scale {
    /// Round ticks (1, 2 or 5 times a power of ten) around the values and zero.
    fn of(values: impl Iterator<Item = f64>) -> Scale {
        let (mut low, mut high) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if (high - low).abs() < f64::EPSILON {
            high = low + 1.0;
        }
        let raw = (high - low) / 5.0;
        let power = 10_f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power);
        low = (low / step).floor() * step;
        high = (high / step).ceil() * step;
        Scale { low, high, step }
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (self.high - v) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)
    }

    fn decimals(&self) -> usize {
        decimals_of(self.step)
    }

    /// Digits beyond which tick labels are grouped: all alike, as in a table's column.
    fn group_beyond(&self) -> usize {
        if self.high.abs().max(self.low.abs()) >= 10_000.0 { 3 } else { 4 }
    }
}

type Series<'a> = [(&'a str, Vec<Option<f64>>)];

fn svg(
    id: &str,
    (title, desc): (&str, &str),
    kind: ChartKind,
    names: &[String],
    series: &Series,
    unit: Option<&str>,
) -> String {
    let scale = Scale::of(series.iter().flat_map(|(_, v)| v.iter().flatten().copied()));
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\n",
        escape_html(title),
        escape_html(desc)
    );
    axes(&mut out, &scale, names, unit);
    let band = (WIDTH - LEFT - RIGHT) / names.len().max(1) as f64;
    match kind {
        ChartKind::Bar => bars(&mut out, &scale, band, names, series),
        ChartKind::Line => lines(&mut out, &scale, band, names, series),
    }
    out.push_str("</svg>\n");
    out
}

fn axes(out: &mut String, scale: &Scale, names: &[String], unit: Option<&str>) {
    // Counted, not added up, so 0.1 steps do not drift.
    let ticks = ((scale.high - scale.low) / scale.step).round() as usize;
    for i in 0..=ticks {
        let v = scale.low + scale.step * i as f64;
        let y = scale.y(v);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            grouped_number(v, scale.decimals(), scale.group_beyond())
        );
    }
    if let Some(unit) = unit {
        let _ = writeln!(
            out,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            TOP - 10.0,
            escape_html(unit)
        );
    }
    let band = (WIDTH - LEFT - RIGHT) / names.len().max(1) as f64;
    let every = names.len().div_ceil(MOST_LABELS).max(1);
    for (i, name) in names.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = LEFT + band * (i as f64 + 0.5);
        let _ = writeln!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            HEIGHT - BOTTOM + 18.0,
            escape_html(name)
        );
    }
}

fn bars(out: &mut String, scale: &Scale, band: f64, names: &[String], series: &Series) {
    let width = band * 0.8 / series.len().max(1) as f64;
    let zero = scale.y(0.0_f64.clamp(scale.low, scale.high));
    for (s, (name, values)) in series.iter().enumerate() {
        let _ = write!(out, "<g class=\"series-{}\">", s % 6);
        for (i, value) in values.iter().enumerate() {
            let Some(v) = value else { continue };
            let x = LEFT + band * (i as f64 + 0.1) + width * s as f64;
            let (top, bottom) = if scale.y(*v) < zero { (scale.y(*v), zero) } else { (zero, scale.y(*v)) };
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}, {}: {}</title></rect>",
                (width - 1.0).max(1.0),
                (bottom - top).max(0.5),
                escape_html(&names[i]),
                escape_html(name),
                format_number(*v, decimals_of(*v))
            );
        }
        out.push_str("</g>\n");
    }
}

fn lines(out: &mut String, scale: &Scale, band: f64, names: &[String], series: &Series) {
    for (s, (name, values)) in series.iter().enumerate() {
        let mut path = String::new();
        let mut points = String::new();
        let mut pen_down = false;
        for (i, value) in values.iter().enumerate() {
            let Some(v) = value else {
                pen_down = false;
                continue;
            };
            let (x, y) = (LEFT + band * (i as f64 + 0.5), scale.y(*v));
            let _ = write!(path, "{}{x:.1} {y:.1} ", if pen_down { "L" } else { "M" });
            pen_down = true;
            let label =
                format!("{}, {}: {}", escape_html(&names[i]), escape_html(name), format_number(*v, decimals_of(*v)));
            let _ = write!(points, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"><title>{label}</title></circle>");
        }
        let _ = writeln!(out, "<g class=\"series-{}\"><path d=\"{}\"/>{points}</g>", s % 6, path.trim_end());
    }
}

/// Decimals to show a value with: as many as it has, up to three.
fn decimals_of(v: f64) -> usize {
    (0..=3).find(|d| ((v * 10_f64.powi(*d as i32)).round() - v * 10_f64.powi(*d as i32)).abs() < 1e-9).unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{embed, set};
    use super::*;

    fn labels() -> ChartLabels {
        ChartLabels {
            bar: "Bar chart".into(),
            line: "Line chart".into(),
            data: "The data".into(),
            colon: ": ".into(),
            comma: ", ".into(),
            semicolon: "; ".into(),
        }
    }

    #[test]
    fn a_bar_chart_is_named_by_its_caption_and_keeps_its_data_as_a_table() {
        let shows =
            Shows::Chart { kind: ChartKind::Bar, x: "year".into(), y: vec!["loans".into()], unit: Some("yuan".into()) };
        let html = figure(2, &set(), &embed(shows), &labels());
        assert!(html.contains("aria-labelledby=\"sb-chart-2-title sb-chart-2-desc\""), "{html}");
        assert!(html.contains("<title id=\"sb-chart-2-title\">Loans</title>"), "{html}");
        assert!(html.contains("<desc id=\"sb-chart-2-desc\">Bar chart: loans; year 2015–2016</desc>"), "{html}");
        assert_eq!(html.matches("<rect ").count(), 2, "{html}");
        assert!(html.contains("<title>2015, loans: 12,000</title>"), "{html}");
        assert!(html.contains("<summary>The data</summary>") && html.contains("<th scope=\"row\">2016</th>"));
        assert!(html.contains("<figcaption>Loans <span class=\"figure-source\">Survey</span></figcaption>"), "{html}");
        assert!(!html.contains("chart-legend"), "one series needs no legend");
    }

    #[test]
    fn a_line_chart_breaks_at_an_empty_cell_and_ticks_are_round() {
        let mut data = set();
        data.rows.push(vec!["2017".into(), String::new(), String::new()]);
        data.rows.push(vec!["2018".into(), "5000".into(), String::new()]);
        let shows = Shows::Chart { kind: ChartKind::Line, x: "year".into(), y: vec!["loans".into()], unit: None };
        let html = figure(0, &data, &embed(shows), &labels());
        assert_eq!(html.matches("<circle ").count(), 3, "{html}");
        assert_eq!(html.matches(" M").count() + usize::from(html.contains("d=\"M")), 2, "two pieces: {html}");
        let scale = Scale::of([0.0, 12000.0].into_iter());
        assert_eq!((scale.low, scale.high, scale.step), (0.0, 12500.0, 2500.0));
    }
}
