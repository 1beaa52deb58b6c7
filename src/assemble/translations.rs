//! A translation (`x.zh.md`) and its original (`x.md`, the default language) are one item: the
//! translation takes what is not language-bound from the original where it does not say it
//! itself, and may not contradict it.

use crate::error::SiteError;
use crate::model::{ContentDate, FrontMatter, Lang, Page, Position};
use std::collections::HashMap;

/// Give every translation what it leaves out of its original's front matter; a translation that
/// gives another date, volume, number, access, event or session time than its original is an
/// error naming both; one still missing a required key (no original to take it from) is too.
pub(super) fn inherit(pages: &mut [Page], default: Lang) -> Vec<SiteError> {
    let originals: HashMap<(String, crate::model::Collection), usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == default)
        .map(|(i, p)| ((p.translation_key.clone(), p.collection), i))
        .collect();
    let mut errors = Vec::new();
    for i in 0..pages.len() {
        if pages[i].lang == default {
            continue;
        }
        let original = originals.get(&(pages[i].translation_key.clone(), pages[i].collection)).copied();
        if let Some(o) = original {
            let (front, rel_path, positions) =
                (pages[o].front.clone(), pages[o].rel_path.clone(), pages[o].positions.clone());
            errors.extend(contradictions(&pages[i], &front, &rel_path, &positions));
            take_from(&mut pages[i].front, &front);
            pages[i].date = pages[i].front.date;
        }
        errors.extend(still_missing(&pages[i], original.map(|o| pages[o].rel_path.as_str())));
    }
    errors
}

/// `page` as assembling would leave it when it is a translation whose original is among `pages`
/// (for `serve`, which compares a file parsed again with the assembled page).
pub(crate) fn as_assembled(mut page: Page, pages: &[Page], default: Lang) -> Page {
    if page.lang != default
        && let Some(o) = pages
            .iter()
            .find(|o| o.lang == default && o.collection == page.collection && o.translation_key == page.translation_key)
    {
        take_from(&mut page.front, &o.front);
        page.date = page.front.date;
    }
    page
}

/// Fill what `translation` leaves out from `original`: everything but its text (title, summary,
/// outcomes, a story's subject and industry), its address (slug, aliases) and its own state
/// (draft, related, versions, corrections). Names (authors, topics, regions, series) are taken
/// as the original writes them unless the translation gives its own.
fn take_from(translation: &mut FrontMatter, original: &FrontMatter) {
    macro_rules! fill {
        ($($field:ident),*) => {$(
            if translation.$field.is_none() {
                translation.$field.clone_from(&original.$field);
            }
        )*};
    }
    fill!(date, updated, authors, topics, regions, series, volume, number, pdf, access, doi, report_number);
    fill!(event, organisers, sessions);
    fill!(region, year_started, figures);
}

/// The keys a translation must not give another value than its original: `(key, translation's,
/// original's)` for each that differs.
fn differences(translation: &FrontMatter, original: &FrontMatter) -> Vec<(&'static str, String, String)> {
    let mut found = Vec::new();
    let mut check = |key, t: Option<String>, o: Option<String>| {
        if let (Some(t), Some(o)) = (t, o)
            && t != o
        {
            found.push((key, t, o));
        }
    };
    let date = |d: &Option<ContentDate>| d.map(ContentDate::iso);
    check("date", date(&translation.date), date(&original.date));
    check("updated", date(&translation.updated), date(&original.updated));
    check("volume", translation.volume.map(|v| v.to_string()), original.volume.map(|v| v.to_string()));
    check("number", translation.number.map(|v| v.to_string()), original.number.map(|v| v.to_string()));
    let access = |f: &FrontMatter| f.access.map(|a| a.as_str().to_string());
    check("access", access(translation), access(original));
    check("doi", translation.bare_doi().map(str::to_string), original.bare_doi().map(str::to_string));
    check("report_number", translation.report_number.clone(), original.report_number.clone());
    check(
        "year_started",
        translation.year_started.map(|y| y.to_string()),
        original.year_started.map(|y| y.to_string()),
    );
    let event_times = |f: &FrontMatter| {
        f.event.as_ref().map(|e| format!("{} to {}", e.start.iso(), e.end.map_or("—".into(), ContentDate::iso)))
    };
    check("event", event_times(translation), event_times(original));
    let session_times =
        |f: &FrontMatter| f.sessions.as_ref().map(|s| s.iter().map(|s| s.start.iso()).collect::<Vec<_>>().join(", "));
    check("sessions", session_times(translation), session_times(original));
    found
}

fn contradictions(
    page: &Page,
    original: &FrontMatter,
    original_path: &str,
    at: &crate::model::Positions,
) -> Vec<SiteError> {
    differences(&page.front, original)
        .into_iter()
        .map(|(key, own, theirs)| {
            let Position { line, column } = page.positions.of(key);
            let there = at.of(key);
            let message = format!(
                "`{key}` is {own} here but {theirs} in the original, {original_path}:{}:{}",
                there.line, there.column
            );
            SiteError::new(&page.rel_path, line, column, message).with_hint(format!(
                "a translation takes `{key}` from its original: remove it here, or make the two agree"
            ))
        })
        .collect()
}

/// Keys the translation's collection needs that neither it nor its original gives.
fn still_missing(page: &Page, original: Option<&str>) -> Vec<SiteError> {
    let required = crate::model::required_keys(page.collection, page.front.series.is_some());
    if required.is_empty() {
        return Vec::new();
    }
    let present = crate::yaml::non_null_keys(&page.front);
    required
        .into_iter()
        .filter(|key| !present.iter().any(|k| k == key))
        .map(|key| {
            let Position { line, column } = page.positions.of(key);
            let hint = match original {
                Some(o) => format!("add `{key}:` here or to the original, {o}"),
                None => format!(
                    "there is no original in the default language to take it from: add `{key}:` above this line"
                ),
            };
            SiteError::new(&page.rel_path, line, column, format!("missing required field `{key}`")).with_hint(hint)
        })
        .collect()
}
