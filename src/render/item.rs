//! Views of single items, people and catalogue entries.

use super::views::{EntryView, Link, Urls, issue_label};
use crate::model::{Access, Author, ContentDate, Heading, Issue, Lang, PageId, Revision, Series};
use crate::urls::CitationFormat;
use serde::Serialize;

#[derive(Serialize)]
pub struct ItemView<'a> {
    pub title: &'a str,
    pub kind: &'static str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub updated_display: Option<String>,
    pub summary: Option<&'a str>,
    /// `None` for abstract-only reports: their body is not published.
    pub body_html: Option<&'a str>,
    pub toc: Vec<&'a Heading>,
    pub reading_minutes: usize,
    pub authors: Vec<Link>,
    pub topics: Vec<Link>,
    pub regions: Vec<Link>,
    pub issue_label: Option<String>,
    pub issue_url: Option<String>,
    pub abstract_only: bool,
    pub full_text_request_url: Option<String>,
    pub pdf_url: Option<String>,
    pub versions: Vec<RevisionView>,
    pub corrections: Vec<RevisionView>,
    pub event: Option<EventView<'a>>,
    /// Sessions grouped by day, in order.
    pub programme: Vec<DayView<'a>>,
    /// The forum's iCalendar file.
    pub calendar_url: Option<String>,
    pub organisers: Vec<&'a str>,
    pub outcomes: Vec<&'a str>,
    pub facts: Vec<(&'static str, String)>,
    pub related: Vec<Link>,
    pub citation: Option<CitationView>,
    /// The items before and after this one in its catalogue issue.
    pub issue_previous: Option<Link>,
    pub issue_next: Option<Link>,
    pub extra: &'a serde_yaml::Value,
}

/// What an item's page shows of other pages and of the site's structure, besides the item
/// itself. Keep it in step with `view` and `meta::item`: when an item and these are unchanged
/// (and so are the config and templates), so is its page, and `serve` does not render it again.
#[derive(PartialEq)]
pub struct Surroundings {
    translations: Vec<(Lang, String)>,
    related: Vec<Link>,
    authors: Vec<Link>,
    pdf_url: Option<String>,
    issue_previous: Option<Link>,
    issue_next: Option<Link>,
}

pub fn surroundings(urls: &Urls, id: PageId) -> Surroundings {
    let site = urls.site;
    Surroundings {
        translations: site.translations[id]
            .iter()
            .map(|&t| (site.pages[t].lang, site.pages[t].url_path.clone()))
            .collect(),
        related: site.related[id]
            .iter()
            .map(|&r| Link { name: site.pages[r].title.clone(), url: urls.page(r) })
            .collect(),
        authors: urls.authors_of(id),
        pdf_url: site.pdf_urls[id].clone(),
        issue_previous: issue_neighbour(urls, id, -1),
        issue_next: issue_neighbour(urls, id, 1),
    }
}

#[derive(Serialize)]
pub struct RevisionView {
    pub date_display: String,
    pub note: String,
}

#[derive(Serialize)]
pub struct EventView<'a> {
    pub name: &'a str,
    pub location: Option<&'a str>,
    pub start_display: String,
    pub end_display: Option<String>,
    pub timezone: &'a str,
}

#[derive(Serialize)]
pub struct DayView<'a> {
    pub day: String,
    pub sessions: Vec<SessionView<'a>>,
}

#[derive(Serialize)]
pub struct SessionView<'a> {
    pub time: String,
    pub end_time: Option<String>,
    pub title: &'a str,
    /// Speakers, linked to their people pages when the site has one.
    pub speakers: Vec<SpeakerView>,
    pub summary: Option<&'a str>,
    pub slides: Option<&'a str>,
    pub calendar_url: String,
}

#[derive(Serialize)]
pub struct SpeakerView {
    pub name: String,
    pub url: Option<String>,
}

static NULL: serde_yaml::Value = serde_yaml::Value::Null;

pub fn view<'s>(urls: &Urls<'s>, id: PageId) -> ItemView<'s> {
    let site = urls.site;
    let p = &site.pages[id];
    let f = &p.front;
    let abstract_only = f.access == Some(Access::AbstractOnly);
    let terms = |taxonomy: &str, names: Option<&crate::model::StringList>| -> Vec<Link> {
        names
            .map(|l| {
                l.0.iter()
                    .map(|n| Link {
                        name: n.clone(),
                        url: urls.path(&crate::urls::term(p.lang, taxonomy, &crate::text::name_slug(n))),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let has_taxonomy = |t: &str| site.config.taxonomies.iter().any(|x| x == t);
    let issue_url = issue_of(urls, id).map(|issue| urls.issue(issue));
    ItemView {
        title: &p.title,
        kind: p.collection.kind(),
        date: p.date.map(ContentDate::iso),
        date_display: p.date.map(|d| p.lang.date_label(d.date())),
        updated_display: f.updated.map(|d| p.lang.date_label(d.date())),
        summary: f.summary.as_deref(),
        body_html: (!abstract_only).then_some(p.body_html.as_str()),
        toc: p.headings.iter().filter(|h| h.level == 2).collect(),
        reading_minutes: p.word_count.div_ceil(220).max(1),
        authors: urls.authors_of(id),
        topics: if has_taxonomy("topics") { terms("topics", f.topics.as_ref()) } else { Vec::new() },
        regions: if has_taxonomy("regions") { terms("regions", f.regions.as_ref()) } else { Vec::new() },
        issue_label: issue_label(p),
        issue_url,
        abstract_only,
        full_text_request_url: abstract_only.then(|| request_url(site, &p.title)).flatten(),
        pdf_url: site.pdf_urls[id].as_ref().map(|u| if u.starts_with('/') { urls.path(u) } else { u.clone() }),
        versions: revisions(f.versions.as_deref(), p.lang),
        corrections: revisions(f.corrections.as_deref(), p.lang),
        event: f.event.as_ref().map(|e| EventView {
            name: &e.name,
            location: e.location.as_deref(),
            start_display: p.lang.date_label(e.start.date()),
            end_display: e.end.filter(|end| end.date() != e.start.date()).map(|d| p.lang.date_label(d.date())),
            timezone: e.timezone.as_deref().unwrap_or(&site.config.timezone),
        }),
        programme: programme(urls, id),
        calendar_url: f.event.as_ref().map(|_| urls.path(&crate::urls::event_calendar(&p.url_path, &p.slug))),
        organisers: f.organisers.iter().flat_map(|l| l.0.iter().map(String::as_str)).collect(),
        outcomes: f.outcomes.iter().flat_map(|l| l.0.iter().map(String::as_str)).collect(),
        facts: story_facts(p),
        citation: citation(urls, id),
        issue_previous: issue_neighbour(urls, id, -1),
        issue_next: issue_neighbour(urls, id, 1),
        related: site.related[id]
            .iter()
            .map(|&r| Link { name: site.pages[r].title.clone(), url: urls.page(r) })
            .collect(),
        extra: f.extra.as_ref().unwrap_or(&NULL),
    }
}

#[derive(Serialize)]
pub struct CitationView {
    pub apa: String,
    pub chicago: String,
    pub gbt7714: String,
    pub bib_url: String,
    pub ris_url: String,
}

fn citation(urls: &Urls, id: PageId) -> Option<CitationView> {
    let p = &urls.site.pages[id];
    if !crate::assemble::research::is_citable(p) {
        return None;
    }
    let w = crate::outputs::cite::work(urls.site, id)?;
    let file = |format| urls.path(&crate::urls::item_citation(&p.url_path, &p.slug, format));
    Some(CitationView {
        apa: crate::outputs::cite::apa(&w),
        chicago: crate::outputs::cite::chicago(&w),
        gbt7714: crate::outputs::cite::gbt7714(&w),
        bib_url: file(CitationFormat::Bibtex),
        ris_url: file(CitationFormat::Ris),
    })
}

/// The catalogue issue a report is in.
fn issue_of<'s>(urls: &Urls<'s>, id: PageId) -> Option<&'s Issue> {
    let p = &urls.site.pages[id];
    let slug = crate::text::name_slug(p.front.series.as_ref()?);
    let series = urls.site.catalogue.iter().find(|s| s.lang == p.lang && s.slug == slug)?;
    series.issues.iter().find(|i| Some(i.volume) == p.front.volume && Some(i.number) == p.front.number)
}

/// The item `step` places away in the same catalogue issue (issues list newest first).
fn issue_neighbour(urls: &Urls, id: PageId, step: isize) -> Option<Link> {
    let site = urls.site;
    let issue = issue_of(urls, id)?;
    let at = issue.pages.iter().position(|&x| x == id)?;
    let other = *issue.pages.get(at.checked_add_signed(step)?)?;
    Some(Link { name: site.pages[other].title.clone(), url: urls.page(other) })
}

/// Sessions in time order, grouped by day; times are the forum's local times as written.
fn programme<'s>(urls: &Urls<'s>, id: PageId) -> Vec<DayView<'s>> {
    let site = urls.site;
    let p = &site.pages[id];
    let sessions = p.front.sessions.as_deref().unwrap_or_default();
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    order.sort_by_key(|&i| (sessions[i].start, i));
    let mut days: Vec<DayView> = Vec::new();
    for i in order {
        let s = &sessions[i];
        let day = p.lang.date_label(s.start.date());
        let view = SessionView {
            time: s.start.0.strftime("%H:%M").to_string(),
            end_time: s.end.map(|e| e.0.strftime("%H:%M").to_string()),
            title: &s.title,
            speakers: s
                .speakers
                .0
                .iter()
                .map(|n| SpeakerView { name: n.clone(), url: person_url(urls, p.lang, n) })
                .collect(),
            summary: s.summary.as_deref(),
            slides: s.slides.as_deref(),
            calendar_url: urls.path(&crate::urls::session_calendar(&p.url_path, &p.slug, i + 1)),
        };
        match days.last_mut() {
            Some(d) if d.day == day => d.sessions.push(view),
            _ => days.push(DayView { day, sessions: vec![view] }),
        }
    }
    days
}

/// The page of the person called `name` (or with that slug) in `lang`, if the site has one.
fn person_url(urls: &Urls, lang: Lang, name: &str) -> Option<String> {
    let site = urls.site;
    site.authors
        .iter()
        .find(|a| a.lang == lang && (a.name.eq_ignore_ascii_case(name) || a.slug == name))
        .map(|a| urls.author(a))
}

/// A story's structured facts as (UI string key, value) pairs, in a fixed order.
fn story_facts(p: &crate::model::Page) -> Vec<(&'static str, String)> {
    let f = &p.front;
    let mut facts = Vec::new();
    if let Some(s) = &f.subject {
        facts.push(("fact_subject", s.clone()));
    }
    if let Some(r) = &f.region {
        facts.push((
            "fact_place",
            r.county.as_ref().map_or_else(|| r.province.clone(), |c| format!("{c}, {}", r.province)),
        ));
    }
    if let Some(i) = &f.industry {
        facts.push(("fact_industry", i.clone()));
    }
    if let Some(y) = f.year_started {
        facts.push(("fact_year_started", y.to_string()));
    }
    if let Some(fig) = &f.figures {
        if let Some(j) = fig.jobs_created {
            facts.push(("fact_jobs_created", j.to_string()));
        }
        if let Some(l) = &fig.loans {
            facts.push(("fact_loans", l.clone()));
        }
        if let Some(r) = &fig.revenue {
            facts.push(("fact_revenue", r.clone()));
        }
        if let Some(t) = fig.trainees {
            facts.push(("fact_trainees", t.to_string()));
        }
    }
    facts
}

fn revisions(list: Option<&[Revision]>, lang: Lang) -> Vec<RevisionView> {
    list.unwrap_or_default()
        .iter()
        .map(|r| RevisionView { date_display: lang.date_label(r.date.date()), note: r.note.clone() })
        .collect()
}

/// Where to ask for the full text: a form URL, or a mailto with the title in the subject.
fn request_url(site: &crate::model::Site, title: &str) -> Option<String> {
    let req = site.config.full_text_request.as_ref()?;
    req.url.clone().or_else(|| {
        req.email.as_ref().map(|e| {
            format!(
                "mailto:{e}?subject={}",
                crate::text::percent_encode_component(&format!("Full text request: {title}"))
            )
        })
    })
}

#[derive(Serialize)]
pub struct PersonView<'a> {
    pub name: &'a str,
    pub url: String,
    pub affiliation: Option<&'a str>,
    pub role: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub body_html: Option<&'a str>,
}

pub fn person_view<'s>(urls: &Urls<'s>, a: &'s Author) -> PersonView<'s> {
    let page = a.page.map(|id| &urls.site.pages[id]);
    PersonView {
        name: &a.name,
        url: urls.author(a),
        affiliation: page.and_then(|p| p.front.affiliation.as_deref()),
        role: page.and_then(|p| p.front.role.as_deref()),
        summary: page.and_then(|p| p.front.summary.as_deref()),
        body_html: page.map(|p| p.body_html.as_str()),
    }
}

#[derive(Serialize)]
pub struct IssueView<'a> {
    pub label: String,
    pub url: String,
    /// Citation files of the issue's citable reports, when it has any.
    pub bib_url: Option<String>,
    pub ris_url: Option<String>,
    pub volume: u32,
    pub number: u32,
    pub year: i16,
    pub count: usize,
    pub entries: Vec<EntryView<'a>>,
}

pub fn issue_view<'s>(urls: &Urls<'s>, s: &Series, i: &Issue, limit: usize) -> IssueView<'s> {
    let label = s.lang.issue_label(&s.name, i.volume, i.number, Some(i.year));
    let citable = i.pages.iter().any(|&id| crate::assemble::research::is_citable(&urls.site.pages[id]));
    let file = |format| urls.path(&crate::urls::issue_citation(&i.url_path, &s.slug, i.volume, i.number, format));
    IssueView {
        label,
        url: urls.issue(i),
        bib_url: citable.then(|| file(CitationFormat::Bibtex)),
        ris_url: citable.then(|| file(CitationFormat::Ris)),
        volume: i.volume,
        number: i.number,
        year: i.year,
        count: i.pages.len(),
        entries: i.pages.iter().take(limit).map(|&id| urls.entry(id)).collect(),
    }
}

pub fn issue_link(urls: &Urls, s: &Series, i: &Issue) -> Link {
    let v = issue_view(urls, s, i, 0);
    Link { name: v.label, url: v.url }
}

#[derive(Serialize)]
pub struct SeriesView<'a> {
    pub name: &'a str,
    pub url: String,
    pub issues: Vec<IssueView<'a>>,
}

pub fn series_view<'s>(urls: &Urls<'s>, s: &'s Series) -> SeriesView<'s> {
    SeriesView {
        name: &s.name,
        url: urls.series(s),
        issues: s.issues.iter().map(|i| issue_view(urls, s, i, 0)).collect(),
    }
}
