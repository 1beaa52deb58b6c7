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
    /// The forum's iCalendar file.
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
    pub timezone: &'a str,
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
    pub calendar_url: String,
}

#[derive(Serialize)]
pub(crate) struct SpeakerView {
    pub name: String,
    pub url: Option<String>,
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
            timezone: e.timezone.as_deref().unwrap_or(&site.config.timezone),
        }),
        programme: programme(urls, id),
        calendar_url: f.event.as_ref().map(|_| urls.path(&crate::urls::event_calendar(&p.url_path, &p.slug))),
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
