//! Stage 5: iCalendar (RFC 5545) files for forums: one per forum (the event and every session)
//! and one per session, in the forum's time zone.
//!
//! Input: the assembled `Site`. Output: `.ics` `OutputFile`s beside each proceedings page. Lines
//! end in CRLF and are folded at 75 octets (the `ics` crate does both).
//! Must not: read the clock: DTSTAMP is the item's own date.

use crate::model::{ContentDate, OutputFile, Page, PageId, Session, Site};
use crate::urls;
use ics::parameters::{TzIDParam, Value};
use ics::properties::{Description, DtEnd, DtStart, Location, Summary, TzName, URL};
use ics::{Event, ICalendar, Standard, TimeZone, escape_text};

pub(crate) fn files(site: &Site) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for (id, p) in site.pages.iter().enumerate() {
        let Some(event) = &p.front.event else { continue };
        let tz = event.timezone.clone().unwrap_or_else(|| site.config.timezone.clone());
        let sessions = p.front.sessions.as_deref().unwrap_or_default();
        let mut whole = calendar(&tz, event.start);
        whole.add_event(forum_event(site, id, &tz));
        for (n, s) in sessions.iter().enumerate() {
            whole.add_event(session_event(site, id, n + 1, s, &tz));
            let mut one = calendar(&tz, s.start);
            one.add_event(session_event(site, id, n + 1, s, &tz));
            out.push(OutputFile::text(
                urls::output_file(&urls::session_calendar(&p.url_path, &p.slug, n + 1)),
                fold(&one.to_string()),
            ));
        }
        out.push(OutputFile::text(
            urls::output_file(&urls::event_calendar(&p.url_path, &p.slug)),
            fold(&whole.to_string()),
        ));
    }
    out
}

/// Fold content lines at 75 octets, counting the leading space of continuation lines and never
/// splitting a UTF-8 character (RFC 5545 3.1). The `ics` crate's own folding lets continuation
/// lines reach 76 octets, so its output is unfolded and folded again here.
pub(crate) fn fold(ics: &str) -> String {
    let mut out = String::with_capacity(ics.len() + ics.len() / 40);
    for line in ics.replace("\r\n ", "").split_terminator("\r\n") {
        let mut room = 75;
        for c in line.chars() {
            if c.len_utf8() > room {
                out.push_str("\r\n ");
                room = 74;
            }
            out.push(c);
            room -= c.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

/// A calendar with the VTIMEZONE that its TZID references, using the zone's offset at `at`.
fn calendar(tz: &str, at: ContentDate) -> ICalendar<'static> {
    let mut cal = ICalendar::new("2.0", "-//seedbed//research site//EN");
    let offset = at.0.in_tz(tz).map(|z| z.strftime("%z").to_string()).unwrap_or_else(|_| "+0000".into());
    let mut standard = Standard::new("19700101T000000", offset.clone(), offset.clone());
    standard.push(TzName::new(offset));
    cal.add_timezone(TimeZone::standard(tz.to_string(), standard));
    cal
}

fn stamp(p: &Page) -> String {
    p.date.map(|d| d.0.strftime("%Y%m%dT%H%M%SZ").to_string()).unwrap_or_else(|| "19700101T000000Z".into())
}

fn uid(site: &Site, p: &Page, suffix: &str) -> String {
    let host = site.config.base_url.split("://").nth(1).unwrap_or("seedbed").split('/').next().unwrap_or("seedbed");
    format!("{}{suffix}@{host}", p.url_path.trim_matches('/').replace('/', "-"))
}

fn local(d: ContentDate, tz: &str) -> DtStart<'static> {
    let mut start = DtStart::new(d.0.strftime("%Y%m%dT%H%M%S").to_string());
    start.add(TzIDParam::new(tz.to_string()));
    start
}

fn forum_event(site: &Site, id: PageId, tz: &str) -> Event<'static> {
    let p = &site.pages[id];
    let mut ev = Event::new(uid(site, p, ""), stamp(p));
    if let Some(e) = &p.front.event {
        if e.start.has_time() {
            ev.push(local(e.start, tz));
            if let Some(end) = e.end {
                let mut dt = DtEnd::new(end.0.strftime("%Y%m%dT%H%M%S").to_string());
                dt.add(TzIDParam::new(tz.to_string()));
                ev.push(dt);
            }
        } else {
            // Whole days: DTEND is the day after the last day (RFC 5545 3.6.1).
            let mut start = DtStart::new(e.start.date().strftime("%Y%m%d").to_string());
            start.add(Value::new("DATE"));
            ev.push(start);
            let last = e.end.unwrap_or(e.start).date();
            let mut end = DtEnd::new(last.tomorrow().unwrap_or(last).strftime("%Y%m%d").to_string());
            end.add(Value::new("DATE"));
            ev.push(end);
        }
        ev.push(Summary::new(escape_text(e.name.clone())));
        if let Some(loc) = &e.location {
            ev.push(Location::new(escape_text(loc.clone())));
        }
    }
    if let Some(s) = &p.front.summary {
        ev.push(Description::new(escape_text(s.clone())));
    }
    ev.push(URL::new(site.config.permalink(&p.url_path)));
    ev
}

fn session_event(site: &Site, id: PageId, n: usize, s: &Session, tz: &str) -> Event<'static> {
    let p = &site.pages[id];
    let mut ev = Event::new(uid(site, p, &format!("-session-{n}")), stamp(p));
    ev.push(local(s.start, tz));
    if let Some(end) = s.end {
        let mut dt = DtEnd::new(end.0.strftime("%Y%m%dT%H%M%S").to_string());
        dt.add(TzIDParam::new(tz.to_string()));
        ev.push(dt);
    }
    ev.push(Summary::new(escape_text(s.title.clone())));
    let mut description = s.summary.clone().unwrap_or_default();
    if !s.speakers.0.is_empty() {
        description = format!("{}\n{}", s.speakers.0.join(", "), description).trim().to_string();
    }
    if !description.is_empty() {
        ev.push(Description::new(escape_text(description)));
    }
    if let Some(loc) = p.front.event.as_ref().and_then(|e| e.location.clone()) {
        ev.push(Location::new(escape_text(loc)));
    }
    ev.push(URL::new(site.config.permalink(&p.url_path)));
    ev
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_counts_octets_and_keeps_characters_whole() {
        let long = format!("DESCRIPTION:{}\r\n", "返乡创业".repeat(20));
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded}");
        assert_eq!(folded.replace("\r\n ", ""), long);
        assert_eq!(fold("A:b\r\n"), "A:b\r\n");
    }
}
