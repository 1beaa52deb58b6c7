//! A digest's content: the record (`items.json`) and, per language, the HTML and text parts.
//!
//! Input: the assembled `Site`, the selected groups, the theme's templates. Output: the files of
//! `digests/<id>/`. Both parts come from the same data through two templates (`digest.html`,
//! `digest.txt`); the HTML gets its CSS inlined. Must not: read files or the clock, or let a
//! control character from the content reach a part (a CR or LF in a title would start a new
//! line of the text part; NUL breaks mail software).

use super::select::{Group, SelectedItem};
use super::store::{Record, RecordItem};
use super::{GREETING_SLOT, TOKEN_SLOT};
use crate::error::SiteError;
use crate::model::{Collection, Lang, Page, PageId, Site};
use crate::render::Templates;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// A digest ready to be written: its record and its files (name, bytes).
pub(super) struct Composed {
    pub record: Record,
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Serialize)]
struct GroupView {
    heading: String,
    items: Vec<DigestItem>,
}

#[derive(Serialize)]
struct DigestItem {
    title: String,
    url: String,
    summary: String,
    /// Its date and authors, as the reader's language writes them.
    meta: String,
    /// The item's language, when the reader's edition has no translation of it.
    lang: Option<&'static str>,
    /// That language's name in the reader's language ("英文").
    marker: Option<String>,
    #[serde(skip)]
    date: Option<crate::model::ContentDate>,
}

pub(super) use crate::text::controls_as_spaces as clean;

/// The record and parts of digest `id`, made on `today`, covering items dated after `since`.
pub(super) fn digest(
    site: &Site,
    templates: &Templates,
    groups: &[Group],
    (id, today, since): (&str, Date, Date),
) -> Result<Composed, SiteError> {
    let config = &site.config;
    let title_en = clean(config.title.get(Lang::En));
    let from = crate::address::sender(config)?;
    let unsubscribe_mailto = config.unsubscribe_mailto();
    let mut record = Record {
        id: id.to_string(),
        date: today.to_string(),
        since: since.to_string(),
        senders: crate::address::senders(config, &from),
        greetings: BTreeMap::new(),
        from,
        list_id: list_id(&title_en, &config.host()),
        unsubscribe_mailto: unsubscribe_mailto.clone(),
        unsubscribe_url: config.digest.unsubscribe_url.clone(),
        service_url: config.digest.service_url.clone(),
        subjects: BTreeMap::new(),
        items: groups.iter().flat_map(|g| &g.items).map(|item| record_item(site, item)).collect(),
    };
    // The stored parts carry a slot where `send` puts each subscriber's token.
    let unsubscribe = match crate::urls::unsubscribe_link(&config.digest) {
        Some(link) => format!("{link}{TOKEN_SLOT}"),
        None => unsubscribe_mailto,
    };
    let mut files = Vec::new();
    for &lang in &config.languages {
        let archive = config.permalink(&crate::urls::digest_archive(id, lang));
        let (subject, html, text) = parts(site, templates, groups, lang, (today, &unsubscribe, &archive))?;
        files.push((format!("digest.{}.html", lang.code()), html.into_bytes()));
        files.push((format!("digest.{}.txt", lang.code()), text.into_bytes()));
        record.subjects.insert(lang.code().to_string(), subject);
        let label = |key: &str| clean(&templates.label(lang, key));
        record.greetings.insert(lang.code().to_string(), (label("digest_greeting_name"), label("digest_greeting")));
    }
    let json = serde_json::to_string_pretty(&record).unwrap_or_default() + "\n";
    files.push((super::store::RECORD_FILE.to_string(), json.into_bytes()));
    files.sort();
    Ok(Composed { record, files })
}

/// The subject, HTML (CSS inlined) and text of the digest in `lang`.
fn parts(
    site: &Site,
    templates: &Templates,
    groups: &[Group],
    lang: Lang,
    (today, unsubscribe, archive): (Date, &str, &str),
) -> Result<(String, String, String), SiteError> {
    let config = &site.config;
    let label = |key: &str| templates.label(lang, key);
    let date = lang.date_label(today);
    let count = groups.iter().map(|g| g.items.len()).sum::<usize>();
    let subject = clean(
        &label("digest_subject")
            .replace("{site}", config.title.get(lang))
            .replace("{count}", &count.to_string())
            .replace("{date}", &date),
    );
    let views: Vec<GroupView> = groups.iter().map(|g| group_view(site, g, lang, &label)).collect();
    let mut newest: Vec<&DigestItem> = views.iter().flat_map(|g| &g.items).collect();
    newest.sort_by_key(|i| std::cmp::Reverse(i.date));
    let preheader: Vec<&str> = newest.iter().map(|i| i.title.as_str()).take(3).collect();
    let mut context = tera::Context::new();
    context.insert("lang", lang.code());
    context.insert("site_title", &clean(config.title.get(lang)));
    context.insert("site_url", &config.permalink(&crate::urls::home(lang)));
    context.insert("subject", &subject);
    context.insert("preheader", &preheader.join(" · "));
    context.insert("greeting", GREETING_SLOT);
    context.insert("date", &date);
    context.insert("count", &count);
    context.insert("groups", &views);
    context.insert("unsubscribe_url", unsubscribe);
    context.insert("archive_url", archive);
    let logo = config.logo.as_ref().map(|l| {
        let url = config.permalink(&crate::urls::static_file(l.out_path()));
        BTreeMap::from([("url", url), ("alt", clean(l.alt.get(lang)))])
    });
    context.insert("logo", &logo);
    context.insert(
        "feed_url",
        &config.permalink(&crate::urls::feed(&crate::urls::home(lang), crate::urls::FeedFormat::Atom)),
    );
    context.insert("t", &labels(&label));
    let html = templates.render_named("digest.html", &context)?;
    let html = css_inline::CSSInliner::options()
        .build()
        .inline(&html)
        .map_err(|e| SiteError::whole_file("templates/digest.html", format!("cannot inline its CSS: {e}")))?;
    let text = templates.render_named("digest.txt", &context)?;
    Ok((subject, html, text))
}

/// `Title <catalogue.HOST>`; just the angle part when the title would need encoding.
fn list_id(title: &str, host: &str) -> String {
    let plain = title.chars().all(|c| c.is_ascii_alphanumeric() || " -.'".contains(c));
    if plain && !title.is_empty() { format!("{title} <catalogue.{host}>") } else { format!("<catalogue.{host}>") }
}

fn labels(label: &impl Fn(&str) -> String) -> BTreeMap<&'static str, String> {
    ["digest_intro", "digest_unsubscribe", "digest_why", "digest_feed", "digest_read", "digest_online", "label_colon"]
        .into_iter()
        .map(|k| (k, label(k)))
        .collect()
}

/// The page of `item` to show a reader of `lang`: theirs, else the first the item has.
fn page_in(item: &SelectedItem, lang: Lang) -> Option<PageId> {
    item.pages.get(&lang).or_else(|| item.pages.values().next()).copied()
}

fn group_view(site: &Site, group: &Group, lang: Lang, label: &impl Fn(&str) -> String) -> GroupView {
    let shown: Vec<PageId> = group.items.iter().filter_map(|item| page_in(item, lang)).collect();
    // An issue is named as the site names it in this language (its series' name there too).
    let issue = shown.first().filter(|_| group.issue.0.is_some()).and_then(|&id| site.issue_label(id, lang));
    let heading = match (group.collection, issue) {
        (Collection::Report, Some(issue)) => clean(&issue),
        (Collection::Report, None) => label("title_reports"),
        (Collection::Proceedings, _) => label("title_proceedings"),
        _ => label("title_stories"),
    };
    let items = shown.into_iter().map(|id| item_view(site, id, lang, label)).collect();
    GroupView { heading, items }
}

fn item_view(site: &Site, id: PageId, lang: Lang, label: &impl Fn(&str) -> String) -> DigestItem {
    let page = &site.pages[id];
    let authors: Vec<&str> =
        site.page_authors[id].iter().map(|&a| site.authors[site.author_in(a, lang)].name.as_str()).collect();
    let date = page.date.map(|d| lang.date_label(d.date()));
    let byline = (!authors.is_empty()).then(|| authors.join(&label("list_separator")));
    let meta: Vec<String> = date.into_iter().chain(byline).collect();
    let other = page.lang != lang;
    DigestItem {
        title: clean(&page.title),
        url: site.config.permalink(&page.url_path),
        summary: clean(page.front.summary.as_deref().unwrap_or_default()),
        meta: clean(&meta.join(" · ")),
        lang: other.then(|| page.lang.code()),
        marker: other.then(|| label(&format!("digest_in_{}", page.lang.code()))),
        date: page.date,
    }
}

fn record_item(site: &Site, item: &SelectedItem) -> RecordItem {
    let first = item.pages.values().next().map(|&id| &site.pages[id]);
    let front = first.map(|p| &p.front);
    let per_lang = |f: &dyn Fn(&Page) -> String| -> BTreeMap<String, String> {
        item.pages.iter().map(|(lang, &id)| (lang.code().to_string(), f(&site.pages[id]))).collect()
    };
    RecordItem {
        id: item.id.clone(),
        collection: item.collection.kind().to_string(),
        date: first.and_then(|p| p.date).map(|d| d.date().to_string()),
        series: front.and_then(|f| f.series.clone()),
        volume: front.and_then(|f| f.volume),
        number: front.and_then(|f| f.number),
        titles: per_lang(&|p| clean(&p.title)),
        urls: per_lang(&|p| site.config.permalink(&p.url_path)),
    }
}
