//! Stage 5: citations of reports: APA, Chicago (author-date) and GB/T 7714 strings for the page,
//! and BibTeX and RIS files per report and per catalogue issue.
//!
//! Input: the assembled `Site`. Output: formatted strings (HTML-escaped, for templates) and
//! `OutputFile`s. Names are read as "Family Given" (as Chinese names are written) or
//! "Family, Given"; names in Han characters are kept whole.
//! Must not: read the clock (no "accessed on" dates).

use crate::model::{CitationTexts, Lang, OutputFile, PageId, Site};
use crate::urls::{self, CitationFormat};

/// A person's name split for citation styles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub family: String,
    pub given: String,
    /// Written in Han characters: shown whole, never abbreviated or inverted.
    pub han: bool,
}

impl Name {
    pub(crate) fn parse(raw: &str) -> Name {
        let raw = raw.trim();
        if raw.chars().any(crate::text::is_han) {
            return Name { family: raw.to_string(), given: String::new(), han: true };
        }
        let (family, given) = match raw.split_once(',') {
            Some((f, g)) => (f.trim(), g.trim()),
            None => raw.split_once(char::is_whitespace).map_or((raw, ""), |(f, g)| (f, g.trim())),
        };
        Name { family: family.to_string(), given: given.to_string(), han: false }
    }

    /// "H." or "H.-W." for "Hongwen" / "Hong-Wen".
    fn initials(&self) -> String {
        self.given
            .split_whitespace()
            .map(|part| {
                part.split('-').filter_map(|p| p.chars().next()).map(|c| format!("{c}.")).collect::<Vec<_>>().join("-")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn apa(&self) -> String {
        if self.han || self.given.is_empty() {
            self.family.clone()
        } else {
            format!("{}, {}", self.family, self.initials())
        }
    }

    fn inverted(&self) -> String {
        if self.han || self.given.is_empty() { self.family.clone() } else { format!("{}, {}", self.family, self.given) }
    }

    fn natural(&self) -> String {
        if self.han || self.given.is_empty() { self.family.clone() } else { format!("{} {}", self.family, self.given) }
    }

    fn gbt(&self) -> String {
        if self.han || self.given.is_empty() {
            self.family.to_uppercase()
        } else {
            format!("{} {}", self.family.to_uppercase(), self.given)
        }
    }
}

/// What every style needs about one report.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    pub authors: Vec<Name>,
    pub title: String,
    pub year: i16,
    pub date: String,
    pub series: Option<String>,
    pub volume: Option<u32>,
    pub number: Option<u32>,
    pub publisher: String,
    pub url: String,
    pub abstract_text: Option<String>,
    pub lang: Lang,
    pub key: String,
    /// Bare (`10.1234/x`).
    pub doi: Option<String>,
    pub report_number: Option<String>,
}

pub(crate) fn work(site: &Site, id: PageId) -> Option<Work> {
    let p = &site.pages[id];
    let date = p.date?;
    let authors: Vec<Name> = p.front.authors.iter().flat_map(|a| a.0.iter()).map(|n| Name::parse(n)).collect();
    let first = authors.first().map(|a| crate::text::name_slug(&a.family)).unwrap_or_else(|| "anon".into());
    Some(Work {
        key: format!(
            "{}{}{}",
            first.replace('-', ""),
            date.date().year(),
            p.slug.split('-').next().unwrap_or_default()
        ),
        authors,
        title: p.title.clone(),
        year: date.date().year(),
        date: date.date().strftime("%Y/%m/%d").to_string(),
        series: p.front.series.clone(),
        volume: p.front.volume,
        number: p.front.number,
        publisher: site.config.title.get(p.lang).to_string(),
        url: site.config.permalink(&p.url_path),
        abstract_text: p.front.summary.clone(),
        lang: p.lang,
        doi: p.front.bare_doi().map(str::to_string),
        report_number: p.front.report_number.clone(),
    })
}

/// The citation texts of the citable items among `ids`, by page id (`None` for the rest), for
/// their pages.
pub(crate) fn texts(
    site: &Site,
    ids: impl rayon::iter::IntoParallelIterator<Item = PageId>,
) -> Vec<Option<CitationTexts>> {
    use rayon::prelude::*;
    let made: Vec<(PageId, CitationTexts)> = ids
        .into_par_iter()
        .filter(|&id| site.citable[id])
        .filter_map(|id| {
            work(site, id).map(|w| (id, CitationTexts { apa: apa(&w), chicago: chicago(&w), gbt7714: gbt7714(&w) }))
        })
        .collect();
    let mut out = vec![None; site.pages.len()];
    for (id, texts) in made {
        out[id] = Some(texts);
    }
    out
}

fn html(text: &str) -> String {
    crate::text::escape_html(text)
}

fn join_names(names: &[String], last_sep: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{last_sep}{last}", init.join(", ")),
    }
}

/// "Research Report Vol. 20, No. 1"; in Chinese "研究报告 第20卷 第1期".
fn series_issue(w: &Work) -> Option<String> {
    w.series.as_ref().map(|series| match (w.volume, w.number) {
        (Some(v), Some(n)) => (w.lang.spec().citation_issue)(series, v, n),
        _ => series.clone(),
    })
}

/// The series issue and the report number: "Research Report Vol. 20, No. 1; Report No. RR-1".
fn series_label(w: &Work) -> Option<String> {
    let number = w.report_number.as_ref().map(|n| format!("Report No. {n}"));
    match (series_issue(w), number) {
        (Some(s), Some(n)) => Some(format!("{s}; {n}")),
        (s, n) => s.or(n),
    }
}

/// Where APA and Chicago send a reader: the DOI's address when there is one.
fn link(w: &Work) -> String {
    w.doi.as_deref().map_or_else(|| w.url.clone(), urls::doi)
}

/// APA 7th edition, report: "Su, H., Jiao, X., &amp; Liu, Z. (2018). <i>Title</i> (Series Vol. 20, No. 1). Publisher. URL"
pub(crate) fn apa(w: &Work) -> String {
    let names: Vec<String> = w.authors.iter().map(Name::apa).collect();
    let authors = if names.len() > 1 { join_names(&names, ", & ") } else { names.join("") };
    let series = series_label(w).map(|s| format!(" ({})", html(&s))).unwrap_or_default();
    let lead = if authors.is_empty() { String::new() } else { format!("{} ", html(&authors)) };
    format!("{lead}({}). <i>{}</i>{series}. {}. {}", w.year, html(&w.title), html(&w.publisher), html(&link(w)))
}

/// Chicago 17th edition, author-date: "Su, Hongwen, Jiao Xudong, and Liu Zheng. 2018. <i>Title</i>. Series … Publisher. URL."
pub(crate) fn chicago(w: &Work) -> String {
    let mut names: Vec<String> = w.authors.iter().map(Name::natural).collect();
    if let Some(first) = w.authors.first() {
        names[0] = first.inverted();
    }
    let authors = if names.len() > 2 { join_names(&names, ", and ") } else { names.join(" and ") };
    let series = series_label(w).map(|s| format!(" {}.", html(&s))).unwrap_or_default();
    let lead = if authors.is_empty() { String::new() } else { format!("{}. ", html(&authors)) };
    format!("{lead}{}. <i>{}</i>.{series} {}. {}.", w.year, html(&w.title), html(&w.publisher), html(&link(w)))
}

/// GB/T 7714-2015, report online: "SU Hongwen, JIAO Xudong, LIU Zheng. Title[R/OL]. Publisher, 2018. URL."
pub(crate) fn gbt7714(w: &Work) -> String {
    let mut names: Vec<String> = w.authors.iter().take(3).map(Name::gbt).collect();
    if w.authors.len() > 3 {
        names.push(w.lang.spec().et_al.into());
    }
    let lead = if names.is_empty() { String::new() } else { format!("{}. ", html(&names.join(", "))) };
    let series = series_issue(w).map(|s| format!(" {}.", html(&s))).unwrap_or_default();
    // GB/T 7714 writes a report's number after its title (题名: 报告编号) and the DOI last.
    let number = w.report_number.as_ref().map(|n| format!(": {}", html(n))).unwrap_or_default();
    let doi = w.doi.as_ref().map(|d| format!(" DOI:{}.", html(d))).unwrap_or_default();
    format!(
        "{lead}{}{number}[R/OL].{series} {}, {}. {}.{doi}",
        html(&w.title),
        html(&w.publisher),
        w.year,
        html(&w.url)
    )
}

/// BibTeX special characters escaped; braces keep their meaning only where we put them.
fn bib_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn bibtex(w: &Work) -> String {
    let authors: Vec<String> =
        w.authors.iter().map(|n| if n.han { format!("{{{}}}", n.family) } else { n.inverted() }).collect();
    let mut fields = vec![
        ("author", authors.iter().map(|a| bib_escape(a)).collect::<Vec<_>>().join(" and ")),
        ("title", format!("{{{}}}", bib_escape(&w.title))),
        ("institution", bib_escape(&w.publisher)),
        ("year", w.year.to_string()),
        ("url", bib_escape(&w.url)),
        ("language", w.lang.spec().bibtex_language.into()),
    ];
    if let Some(series) = &w.series {
        fields.push(("type", bib_escape(series)));
    }
    match (&w.report_number, w.volume, w.number) {
        (Some(number), ..) => fields.push(("number", bib_escape(number))),
        (None, Some(v), Some(n)) => fields.push(("number", format!("Vol. {v}, No. {n}"))),
        _ => {}
    }
    if let Some(doi) = &w.doi {
        fields.push(("doi", bib_escape(doi)));
    }
    if let Some(a) = &w.abstract_text {
        fields.push(("abstract", bib_escape(a)));
    }
    let body: Vec<String> =
        fields.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("  {k} = {{{v}}}")).collect();
    format!("@techreport{{{},\n{}\n}}\n", w.key, body.join(",\n"))
}

/// RIS: one tag per line, no line breaks inside values.
pub(crate) fn ris(w: &Work) -> String {
    let clean = |s: &str| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    let mut lines = vec!["TY  - RPRT".to_string()];
    lines.extend(w.authors.iter().map(|a| format!("AU  - {}", clean(&a.inverted()))));
    lines.push(format!("TI  - {}", clean(&w.title)));
    lines.push(format!("PY  - {}", w.year));
    lines.push(format!("DA  - {}", w.date));
    if let Some(s) = &w.series {
        lines.push(format!("T2  - {}", clean(s)));
    }
    lines.extend(w.volume.map(|v| format!("VL  - {v}")));
    lines.extend(w.number.map(|n| format!("IS  - {n}")));
    lines.extend(w.report_number.as_ref().map(|n| format!("SN  - {}", clean(n))));
    lines.extend(w.doi.as_ref().map(|d| format!("DO  - {}", clean(d))));
    lines.push(format!("PB  - {}", clean(&w.publisher)));
    lines.push(format!("UR  - {}", clean(&w.url)));
    lines.extend(w.abstract_text.as_ref().map(|a| format!("AB  - {}", clean(a))));
    lines.push(format!("LA  - {}", w.lang.code()));
    lines.push("ER  - ".to_string());
    lines.join("\r\n") + "\r\n"
}

/// `<folder>/<slug>.bib` and `.ris` for each citable report, and for each catalogue issue.
pub(crate) fn files(site: &Site) -> Vec<OutputFile> {
    use rayon::prelude::*;
    let mut out: Vec<OutputFile> = (0..site.pages.len())
        .into_par_iter()
        .filter(|&id| site.citable[id])
        .filter_map(|id| {
            let (p, w) = (&site.pages[id], work(site, id)?);
            let file = |format| urls::output_file(&urls::item_citation(&p.url_path, &p.slug, format));
            Some([
                OutputFile::text(file(CitationFormat::Bibtex), bibtex(&w)),
                OutputFile::text(file(CitationFormat::Ris), ris(&w)),
            ])
        })
        .flatten_iter()
        .collect();
    for series in &site.catalogue {
        for issue in &series.issues {
            let works: Vec<Work> =
                issue.pages.iter().filter(|&&id| site.citable[id]).filter_map(|&id| work(site, id)).collect();
            if works.is_empty() {
                continue;
            }
            let file = |format| {
                urls::output_file(&urls::issue_citation(
                    &issue.url_path,
                    &series.slug,
                    issue.volume,
                    issue.number,
                    format,
                ))
            };
            out.push(OutputFile::text(
                file(CitationFormat::Bibtex),
                works.iter().map(bibtex).collect::<Vec<_>>().join("\n"),
            ));
            out.push(OutputFile::text(file(CitationFormat::Ris), works.iter().map(ris).collect::<String>()));
        }
    }
    out
}

#[cfg(test)]
mod tests;
