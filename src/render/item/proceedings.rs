//! What a forum's page adds: the event, its programme by day with speakers linked to their
//! people pages, the calendar files, organisers and outcomes.
//!
//! Input: the site (through `Urls`). Output: `ProceedingsPart`. Must not: make calendars
//! (`outputs::calendar` does; only their URLs are shown here).

use super::super::views::Urls;
use crate::model::{Lang, PageId};
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct ProceedingsPart<'a> {
    pub event: Option<EventView<'a>>,
    /// Sessions grouped by day, in order.
    pub programme: Vec<DayView<'a>>,
    /// The forum's iCalendar file, offered while the forum is to come.
    pub calendar_url: Option<String>,
    pub organisers: Vec<&'a str>,
    pub outcomes: Vec<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct EventView<'a> {
    pub name: &'a str,
    pub location: Option<&'a str>,
    pub start_display: String,
    pub end_display: Option<String>,
    /// "China Standard Time (UTC+8)".
    pub timezone: String,
}

#[derive(Serialize)]
pub(crate) struct DayView<'a> {
    pub day: String,
    pub sessions: Vec<SessionView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct SessionView<'a> {
    pub time: String,
    pub end_time: Option<String>,
    pub title: &'a str,
    /// Speakers, linked to their people pages when the site has one.
    pub speakers: Vec<SpeakerView>,
    pub summary: Option<&'a str>,
    pub slides: Option<&'a str>,
    /// While the session is to come.
    pub calendar_url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct SpeakerView {
    pub name: String,
    pub url: Option<String>,
    /// From their people page.
    pub affiliation: Option<String>,
}

pub(super) fn part<'s>(urls: &Urls<'s>, id: PageId) -> ProceedingsPart<'s> {
    let site = urls.site;
    let p = &site.pages[id];
    let f = &p.front;
    ProceedingsPart {
        event: f.event.as_ref().map(|e| EventView {
            name: &e.name,
            location: e.location.as_deref(),
            start_display: p.lang.date_label(e.start.date()),
            end_display: e.end.filter(|end| end.date() != e.start.date()).map(|d| p.lang.date_label(d.date())),
            timezone: p.lang.zone_label(e.timezone.as_deref().unwrap_or(&site.config.timezone), e.start.0),
        }),
        programme: programme(urls, id),
        calendar_url: f
            .event
            .as_ref()
            .filter(|e| !is_past(site, e.end.unwrap_or(e.start)))
            .map(|_| urls.path(&crate::urls::event_calendar(&p.url_path, &p.slug))),
        organisers: f.organisers.iter().flat_map(|l| l.0.iter().map(String::as_str)).collect(),
        outcomes: f.outcomes.iter().flat_map(|l| l.0.iter().map(String::as_str)).collect(),
    }
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
            speakers: s.speakers.0.iter().map(|n| speaker(urls, p.lang, n)).collect(),
            summary: s.summary.as_deref(),
            slides: s.slides.as_deref(),
            calendar_url: (!is_past(site, s.end.unwrap_or(s.start)))
                .then(|| urls.path(&crate::urls::session_calendar(&p.url_path, &p.slug, i + 1))),
        };
        match days.last_mut() {
            Some(d) if d.day == day => d.sessions.push(view),
            _ => days.push(DayView { day, sessions: vec![view] }),
        }
    }
    days
}

/// Whether something ending at `end` is over on the day of the build: its calendar file stays
/// published, but a past forum offers no "Add to calendar".
fn is_past(site: &crate::model::Site, end: crate::model::ContentDate) -> bool {
    end.date() < site.today
}

/// A speaker as the page's language names them, linked to their people page with their
/// affiliation, when the site knows them (by name in any language, or by slug).
fn speaker(urls: &Urls, lang: Lang, name: &str) -> SpeakerView {
    let site = urls.site;
    let known = site.authors.iter().position(|a| a.name.eq_ignore_ascii_case(name) || a.slug == name);
    match known.map(|k| (k, site.author_in(k, lang))) {
        Some((k, a)) => SpeakerView {
            name: site.authors[a].name.clone(),
            url: Some(urls.author(&site.authors[a])),
            affiliation: site.affiliation(a).or_else(|| site.affiliation(k)).map(str::to_string),
        },
        None => SpeakerView { name: name.to_string(), url: None, affiliation: None },
    }
}
