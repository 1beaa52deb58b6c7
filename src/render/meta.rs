//! Machine-readable metadata for item and people pages: Open Graph and Twitter cards,
//! Google Scholar `citation_*` tags (citable reports only) and schema.org JSON-LD.
//!
//! Input: the site and one page. Output: `MetaView`, whose JSON-LD text is safe inside a
//! `<script>` element (no raw `<`, `>` or `&`). Must not: emit Scholar tags for anything but a
//! report with authors and a date.

use super::views::Urls;
use crate::model::{Author, Collection, ContentDate, Lang, Page, PageId, Site};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Serialize, Default)]
pub(crate) struct MetaView {
    /// `<meta property=…>`: Open Graph.
    pub properties: Vec<(&'static str, String)>,
    /// `<meta name=…>`: Twitter card and Google Scholar.
    pub names: Vec<(&'static str, String)>,
    pub jsonld: String,
}

fn locale(lang: Lang) -> &'static str {
    lang.spec().og_locale
}

fn publisher(site: &Site, lang: Lang) -> String {
    site.config.title.get(lang).to_string()
}

/// JSON for a `<script>` element: `<`, `>` and `&` escaped so the text can never close it.
pub(crate) fn script_safe_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub(super) fn item(urls: &Urls, id: PageId, picture: Option<&super::share::SharePicture>) -> MetaView {
    let site = urls.site;
    let p = &site.pages[id];
    let permalink = site.config.permalink(&p.url_path);
    let summary = p.front.summary.clone().unwrap_or_default();
    let mut properties = vec![
        ("og:type", "article".to_string()),
        ("og:title", p.title.clone()),
        ("og:url", permalink.clone()),
        ("og:site_name", site.config.title.get(p.lang).to_string()),
        ("og:locale", locale(p.lang).to_string()),
    ];
    properties
        .extend(site.translations[id].iter().map(|&t| ("og:locale:alternate", locale(site.pages[t].lang).to_string())));
    if !summary.is_empty() {
        properties.push(("og:description", summary.clone()));
    }
    if let Some(d) = p.date {
        properties.push(("article:published_time", d.iso()));
    }
    let (picture_properties, mut names) = super::share::picture_tags(picture);
    properties.extend(picture_properties);
    names.push(("twitter:title", p.title.clone()));
    if !summary.is_empty() {
        names.push(("twitter:description", summary));
    }
    if urls.site.citable[id] {
        names.extend(scholar(site, id));
    }
    MetaView { properties, names, jsonld: script_safe_json(&jsonld(urls, id)) }
}

fn scholar(site: &Site, id: PageId) -> Vec<(&'static str, String)> {
    let p = &site.pages[id];
    let mut tags = vec![("citation_title", p.title.clone())];
    for &a in &site.page_authors[id] {
        tags.push(("citation_author", site.authors[a].name.clone()));
        // Scholar reads an institution as belonging to the author just before it.
        tags.extend(site.affiliation(a).map(|aff| ("citation_author_institution", aff.to_string())));
    }
    if let Some(d) = p.date {
        tags.push(("citation_publication_date", d.date().strftime("%Y/%m/%d").to_string()));
    }
    if let Some(series) = &p.front.series {
        tags.push(("citation_journal_title", series.clone()));
    }
    if let Some(v) = p.front.volume {
        tags.push(("citation_volume", v.to_string()));
    }
    if let Some(n) = p.front.number {
        tags.push(("citation_issue", n.to_string()));
    }
    if let Some(doi) = p.front.bare_doi() {
        tags.push(("citation_doi", doi.to_string()));
    }
    if let Some(number) = &p.front.report_number {
        tags.push(("citation_technical_report_number", number.clone()));
    }
    if let Some(pdf) = &site.pdf_urls[id] {
        let url = if pdf.starts_with('/') { site.config.permalink(pdf) } else { pdf.clone() };
        tags.push(("citation_pdf_url", url));
    }
    tags.push(("citation_language", p.lang.code().to_string()));
    tags.push(("citation_abstract_html_url", site.config.permalink(&p.url_path)));
    tags.push(("citation_technical_report_institution", publisher(site, p.lang)));
    tags
}

fn people(urls: &Urls, id: PageId) -> Vec<Value> {
    let site = urls.site;
    site.page_authors[id]
        .iter()
        .map(|&a| {
            let mut person = json!({"@type": "Person", "name": site.authors[a].name, "url": site.config.permalink(&site.authors[a].url_path)});
            if let Some(aff) = site.affiliation(a) {
                merge(&mut person, json!({"affiliation": {"@type": "Organization", "name": aff}}));
            }
            person
        })
        .collect()
}

fn jsonld(urls: &Urls, id: PageId) -> Value {
    let site = urls.site;
    let p = &site.pages[id];
    let mut doc = json!({
        "@context": "https://schema.org",
        "url": site.config.permalink(&p.url_path),
        "inLanguage": p.lang.code(),
        "publisher": {"@type": "Organization", "name": publisher(site, p.lang)},
    });
    let date = |d: Option<ContentDate>| d.map(|d| d.iso());
    let fields = match p.collection {
        Collection::Report => json!({
            "@type": "Report", "name": p.title, "headline": p.title, "author": people(urls, id),
            "datePublished": date(p.date), "abstract": p.front.summary, "isPartOf": issue(p),
            "reportNumber": p.front.report_number,
            "identifier": p.front.bare_doi().map(|doi| json!({"@type": "PropertyValue", "propertyID": "DOI", "value": doi})),
            "sameAs": p.front.bare_doi().map(crate::urls::doi),
        }),
        Collection::Proceedings => event(site, p),
        Collection::Story => story(p),
        Collection::Person | Collection::Page => {
            json!({"@type": "WebPage", "name": p.title, "description": p.front.summary})
        }
    };
    merge(&mut doc, fields);
    doc
}

fn merge(doc: &mut Value, fields: Value) {
    if let (Value::Object(d), Value::Object(f)) = (doc, fields) {
        d.extend(f.into_iter().filter(|(_, v)| !v.is_null()));
    }
}

/// The series issue a report belongs to: issue → volume → periodical.
fn issue(p: &Page) -> Value {
    let (Some(series), Some(volume), Some(number)) = (&p.front.series, p.front.volume, p.front.number) else {
        return Value::Null;
    };
    json!({
        "@type": "PublicationIssue", "issueNumber": number.to_string(),
        "isPartOf": {"@type": "PublicationVolume", "volumeNumber": volume.to_string(),
            "isPartOf": {"@type": "Periodical", "name": series}},
    })
}

fn event(site: &Site, p: &Page) -> Value {
    let Some(e) = &p.front.event else { return json!({"@type": "Event", "name": p.title}) };
    let tz = e.timezone.as_deref().unwrap_or(&site.config.timezone);
    let when =
        |d: ContentDate| d.0.in_tz(tz).map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()).unwrap_or(d.iso());
    let sessions: Vec<Value> = p
        .front
        .sessions
        .iter()
        .flatten()
        .map(|s| {
            json!({
                "@type": "Event", "name": s.title, "startDate": when(s.start), "endDate": s.end.map(when),
                "performer": s.speakers.0.iter().map(|n| json!({"@type": "Person", "name": n})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "@type": "Event", "name": e.name, "description": p.front.summary,
        "startDate": e.start.iso(), "endDate": e.end.map(|d| d.iso()),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": e.location.clone().unwrap_or_else(|| e.name.clone())},
        "organizer": p.front.organisers.iter().flat_map(|o| o.0.iter()).map(|n| json!({"@type": "Organization", "name": n})).collect::<Vec<_>>(),
        "subEvent": sessions,
    })
}

fn story(p: &Page) -> Value {
    let place = p.front.region.as_ref().map(|r| {
        let name = r.county.as_ref().map_or_else(|| r.province.clone(), |c| format!("{c}, {}", r.province));
        json!({"@type": "Place", "name": name})
    });
    let about = match &p.front.subject {
        Some(subject) => json!({"@type": "Organization", "name": subject}),
        None => place.clone().unwrap_or(Value::Null),
    };
    json!({
        "@type": "Article", "headline": p.title, "datePublished": p.date.map(|d| d.iso()),
        "description": p.front.summary, "about": about, "contentLocation": place,
    })
}

/// A person page: Open Graph profile and schema.org Person.
pub(super) fn person(urls: &Urls, a: &Author, picture: Option<&super::share::SharePicture>) -> MetaView {
    let site = urls.site;
    let page = a.page.map(|id| &site.pages[id]);
    let permalink = site.config.permalink(&a.url_path);
    let mut doc = json!({"@context": "https://schema.org", "@type": "Person", "name": a.name, "url": permalink});
    merge(
        &mut doc,
        json!({
            "jobTitle": page.and_then(|p| p.front.role.clone()),
            "affiliation": page.and_then(|p| p.front.affiliation.clone()).map(|n| json!({"@type": "Organization", "name": n})),
            "description": page.and_then(|p| p.front.summary.clone()),
        }),
    );
    let mut properties = vec![
        ("og:type", "profile".to_string()),
        ("og:title", a.name.clone()),
        ("og:url", permalink),
        ("og:site_name", site.config.title.get(a.lang).to_string()),
        ("og:locale", locale(a.lang).to_string()),
    ];
    let (picture_properties, names) = super::share::picture_tags(picture);
    properties.extend(picture_properties);
    MetaView { properties, names, jsonld: script_safe_json(&doc) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_scripts_has_no_raw_angle_brackets() {
        let v = json!({"name": "</script><script>alert(1)</script> & more"});
        let s = script_safe_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
