//! Template contexts: what every page gets (site, UI strings, menu, language switch) and
//! what each kind of page adds. Lists get one page of summaries, never bodies.

use super::jobs::{Job, job_lang};
use super::sink::{ContextSink, EntryJson, Fingerprint};
use super::views::{EntryView, Link, Urls};
use super::{RenderContext, Templates, catalogue, home_url, item, person};
use crate::error::SiteError;
use crate::model::{Collection, Lang, OutputFile, PageId, Site};
use crate::urls;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

#[derive(Serialize)]
struct LanguageView {
    code: &'static str,
    /// The language's own name for itself.
    name: &'static str,
    url: String,
    /// Absolute URL of the same page in this language, when there is one (for `hreflang`).
    same_page_permalink: Option<String>,
    current: bool,
    /// On an item with no version in this language: a note saying so and the text of a link to
    /// this language's listing, in this language.
    untranslated: Option<[String; 2]>,
}

/// How a reader subscribes to the digest (`partials/subscribe.html`).
#[derive(Serialize)]
struct SubscribeView {
    /// The form posts here (fields `email`, `lang`) when the site has an endpoint.
    endpoint: Option<String>,
    /// Otherwise this link, with the subject filled in.
    mailto: String,
    /// This page is the subscribe page (it shows the box in full).
    here: bool,
    /// The endpoint is seedbed's subscription service: the form also sends the page it is on
    /// (`source`, for the consent record) and a field people leave empty (`website`).
    service: bool,
    /// This page's path, for `source`.
    source: String,
}

/// What every template gets: the site, the UI strings, the language switch and the menu.
fn base_context(rc: &RenderContext, job: &Job, url_path: &str, ctx: &mut impl ContextSink) {
    let RenderContext { site, templates, known, .. } = rc;
    let (site, templates): (&Site, &Templates) = (site, templates);
    let lang = job_lang(job, site);
    let urls = Urls { site };
    let languages: Vec<LanguageView> = site
        .config
        .languages
        .iter()
        .map(|&l| {
            let (path, exact) = alternate(site, job, url_path, l, known);
            let item = matches!(job, Job::Item(_));
            LanguageView {
                code: l.code(),
                name: l.spec().name,
                url: urls.path(&path),
                same_page_permalink: exact.then(|| site.config.permalink(&path)),
                current: l == lang,
                untranslated: (item && !exact && l != lang)
                    .then(|| [templates.label(l, "not_translated"), templates.label(l, "browse_in_language")]),
            }
        })
        .collect();
    let place = super::menus::MenuPlace { site, templates, lang, url_path, known };
    ctx.set("nav", &place.links(&site.config.menus.main_in(lang)));
    ctx.set("footer_nav", &place.links(&site.config.menus.footer_in(lang)));
    ctx.set("search_url", &site.config.search_index.then(|| urls.path(&urls::search(lang))));
    let picture = super::share::site_picture(site, rc.images, lang);
    let (picture_properties, picture_names) = super::share::picture_tags(picture.as_ref());
    ctx.set_fixed("site_meta", &serde_json::json!({"properties": picture_properties, "names": picture_names}));
    ctx.set("lang", lang.code());
    ctx.set_fixed("site_title", site.config.title.get(lang));
    ctx.set_fixed("site_logo", &super::share::logo(site, rc.images, lang));
    ctx.set_fixed("site_description", site.config.description.get(lang));
    ctx.set_fixed("home_url", &home_url(site, lang));
    ctx.set_fixed("base_path", site.config.base_path());
    ctx.set("url", &urls.path(url_path));
    ctx.set("permalink", &site.config.permalink(url_path));
    ctx.set("languages", &languages);
    ctx.set_fixed("t", &templates.strings.get(&lang));
    // A language code is `[a-z]+`: nothing in the subject but the space needs escaping.
    let subject = format!("Subscribe%20({})", lang.code());
    ctx.set(
        "subscribe",
        &SubscribeView {
            endpoint: crate::urls::subscribe_form(&site.config.digest),
            mailto: format!("mailto:{}?subject={subject}", site.config.digest_contact()),
            here: url_path.ends_with("/subscribe/"),
            service: site.config.digest.service_url.is_some(),
            source: url_path.to_string(),
        },
    );
}

/// The same page in `lang` and `true` when it exists; otherwise the nearest page that does (the
/// item's listing, or that language's home page) and `false`.
fn alternate(site: &Site, job: &Job, url_path: &str, lang: Lang, known: &HashSet<&str>) -> (String, bool) {
    let home = (urls::home(lang), false);
    if let Job::Item(id) = *job {
        if site.pages[id].lang == lang {
            return (site.pages[id].url_path.clone(), true);
        }
        // Untranslated: the same collection's listing in that language (where, with fallback,
        // the item is listed), never a missing or empty page.
        let listing = match site.pages[id].collection {
            c if c.is_dated() && !site.collection(c, lang).is_empty() => (urls::listing(c, lang), false),
            _ => home,
        };
        return site.translations[id]
            .iter()
            .find(|&&t| site.pages[t].lang == lang)
            .map_or(listing, |&t| (site.pages[t].url_path.clone(), true));
    }
    let candidate = urls::in_language(url_path, lang);
    if known.contains(candidate.as_str()) { (candidate, true) } else { home }
}

/// Render one job to its output file.
pub(super) fn render(job: &Job, path: &str, rc: &RenderContext) -> Result<OutputFile, SiteError> {
    let mut ctx = tera::Context::new();
    let template = fill(job, path, rc, &mut ctx);
    let out = crate::urls::output_file(path);
    let html = rc.templates.render(template, &ctx, &out)?;
    Ok(OutputFile::text(out, html))
}

/// What `render` would give the job's template, hashed (`reuse::Fingerprint`).
pub(super) fn fingerprint(job: &Job, path: &str, rc: &RenderContext, entries: &EntryJson) -> u64 {
    let mut fingerprint = Fingerprint::new(entries);
    let template = fill(job, path, rc, &mut fingerprint);
    fingerprint.finish(template)
}

/// Every value the job's template is given; returns the template.
fn fill(job: &Job, path: &str, rc: &RenderContext, ctx: &mut impl ContextSink) -> &'static str {
    base_context(rc, job, path, ctx);
    let template = fill_context(job, rc, &Urls { site: rc.site }, ctx);
    if let Job::Search(lang) = *job {
        ctx.set_fixed("search_labels", &search_labels(rc, lang));
    }
    template
}

fn entries<'s>(urls: &Urls<'s>, ids: &[PageId], lang: Lang, per: usize) -> Vec<EntryView<'s>> {
    ids.iter().take(per).map(|&id| urls.entry(id, lang)).collect()
}

/// What a body in `lang` needs to be shown.
fn body_parts<'r>(rc: &RenderContext<'r>, lang: Lang) -> super::figure::BodyParts<'r> {
    let label = |key| rc.templates.label(lang, key);
    let chart_labels = super::embeds::ChartLabels {
        bar: label("chart_bar"),
        line: label("chart_line"),
        data: label("chart_data"),
        colon: label("label_colon"),
        comma: label("list_comma"),
        semicolon: label("label_semicolon"),
    };
    super::figure::BodyParts { images: rc.images, chart_labels }
}

/// Insert the job's own values; returns the template to render.
fn fill_context(job: &Job, rc: &RenderContext, urls: &Urls, ctx: &mut impl ContextSink) -> &'static str {
    let site = rc.site;
    match *job {
        Job::Home(lang) => home(site, urls, lang, ctx),
        Job::Item(id) => {
            let parts = body_parts(rc, site.pages[id].lang);
            ctx.set("item", &item::view(urls, id, rc.citations.get(id).and_then(Option::as_ref), &parts));
            let picture = super::share::item_picture(site, rc.images, id);
            ctx.set("meta", &super::meta::item(urls, id, picture.as_ref()));
            ctx.set("share", &super::share::links(site, id));
            site.pages[id].collection.kind_template()
        }
        Job::Person { author, n, total } => {
            let a = &site.authors[author];
            ctx.set("person", &person::person_view(urls, a, &body_parts(rc, a.lang)));
            let picture = a.page.map_or_else(
                || super::share::site_picture(site, rc.images, a.lang),
                |id| super::share::item_picture(site, rc.images, id),
            );
            ctx.set("meta", &super::meta::person(urls, a, picture.as_ref()));
            paged_entries(urls, (&a.works, a.lang), &urls.author(a), (n, total), ctx);
            "person.html"
        }
        Job::Listing { collection, lang, n, total } => {
            ctx.set("collection", collection.dir());
            let first = urls.path(&crate::urls::listing(collection, lang));
            paged_entries(urls, (site.collection(collection, lang), lang), &first, (n, total), ctx);
            "list.html"
        }
        Job::People(lang) => {
            let people: Vec<TermView> = site
                .authors
                .iter()
                .filter(|a| a.lang == lang)
                .map(|a| TermView { name: a.name.clone(), url: urls.author(a), count: a.works.len(), lang: None })
                .collect();
            ctx.set("people", &people);
            "people.html"
        }
        Job::Terms(t) => terms(site, urls, t, ctx),
        Job::Term { taxonomy, term, n, total } => term_page(site, urls, (taxonomy, term), (n, total), ctx),
        Job::Catalogue(lang) => {
            let series: Vec<_> =
                site.catalogue.iter().filter(|s| s.lang == lang).map(|s| catalogue::series_view(urls, s)).collect();
            ctx.set("series_list", &series);
            "catalogue.html"
        }
        Job::Series(s) => {
            ctx.set("series", &catalogue::series_view(urls, &site.catalogue[s]));
            "series.html"
        }
        Job::Issue { series, issue } => issue_page(site, urls, series, issue, ctx),
        Job::Alias(a) => {
            let target = site.aliases[a].target;
            ctx.set("target", &urls.page(target));
            ctx.set("target_permalink", &site.config.permalink(&site.pages[target].url_path));
            "alias.html"
        }
        Job::Search(_) => "search.html",
        Job::Answer(page, lang) => {
            let key = page.slug().replace('-', "_");
            ctx.set("answer", page.slug());
            ctx.set("answer_title", &rc.templates.label(lang, &format!("answer_{key}_title")));
            ctx.set("answer_text", &rc.templates.label(lang, &format!("answer_{key}_text")));
            "subscription.html"
        }
        Job::NotFound => "404.html",
    }
}

/// UI strings the search script needs, as JSON safe inside a `<script>` element.
fn search_labels(rc: &RenderContext, lang: Lang) -> String {
    let templates = rc.templates;
    let kinds: BTreeMap<&str, String> =
        Collection::ALL.iter().map(|c| (c.kind(), templates.label(lang, &format!("kind_{}", c.kind())))).collect();
    let labels = serde_json::json!({
        "result": templates.label(lang, "search_result"),
        "results": templates.label(lang, "search_results"),
        "none": templates.label(lang, "search_none"),
        "kinds": kinds,
        "langs": Lang::all().map(|l| (l.code(), l.spec().name)).collect::<BTreeMap<_, _>>(),
        "facets": rc.search_facets.iter().map(|f| (*f, templates.label(lang, &format!("facet_{f}")))).collect::<BTreeMap<_, _>>(),
        "clear": templates.label(lang, "search_clear"),
        "months": month_patterns(lang),
    });
    super::meta::script_safe_json(&labels)
}

/// How `lang` writes a date in each month, with `{d}` and `{y}` for the day and year, so the
/// search page writes dates as the site does.
fn month_patterns(lang: Lang) -> Vec<String> {
    (1..=12)
        .filter_map(|m| jiff::civil::Date::new(2000, m, 28).ok())
        .map(|d| lang.date_label(d).replace("2000", "{y}").replace("28", "{d}"))
        .collect()
}

/// One page of a list, and the pager that links the list's pages.
fn paged_entries(
    urls: &Urls,
    (ids, lang): (&[PageId], Lang),
    first_url: &str,
    (n, total): (usize, usize),
    ctx: &mut impl ContextSink,
) {
    let per = urls.site.config.items_per_page;
    let start = ((n - 1) * per).min(ids.len());
    ctx.set_entries("entries", urls, &ids[start..(start + per).min(ids.len())], lang);
    ctx.set("pagination", &urls.pagination(first_url, n, total));
}

fn home(site: &Site, urls: &Urls, lang: Lang, ctx: &mut impl ContextSink) -> &'static str {
    let latest: BTreeMap<&str, Vec<EntryView>> = [Collection::Report, Collection::Proceedings, Collection::Story]
        .into_iter()
        .map(|c| (c.dir(), entries(urls, site.collection(c, lang), lang, 5)))
        .collect();
    ctx.set("latest", &latest);
    let newest_issue = site
        .catalogue
        .iter()
        .filter(|s| s.lang == lang)
        .flat_map(|s| s.issues.first().map(|i| (s, i)))
        .max_by_key(|(s, i)| (i.year, i.volume, i.number, std::cmp::Reverse(s.slug.clone())));
    let per = site.config.items_per_page;
    ctx.set("latest_issue", &newest_issue.map(|(s, i)| catalogue::issue_view(urls, s, i, per)));
    "home.html"
}

fn term_page(
    site: &Site,
    urls: &Urls,
    (t, term): (usize, usize),
    (n, total): (usize, usize),
    ctx: &mut impl ContextSink,
) -> &'static str {
    let tax = &site.taxonomies[t];
    let tm = &tax.terms[term];
    let base = urls.path(&site.taxonomies[t].url_path);
    let first = format!("{base}{}/", tm.slug);
    ctx.set("taxonomy", &tax.name);
    ctx.set("taxonomy_url", &base);
    ctx.set("term", &Link { name: tm.name.clone(), url: first.clone() });
    ctx.set("term_lang", &(tm.name_lang != tax.lang).then(|| tm.name_lang.code()));
    let subterms: Vec<TermView> = tax
        .terms
        .iter()
        .filter(|c| c.parent.as_deref() == Some(tm.slug.as_str()))
        .map(|c| TermView::of(c, &base, tax.lang))
        .collect();
    ctx.set("subterms", &subterms);
    ctx.set("browse", &browse(site, urls, t));
    paged_entries(urls, (&tm.pages, tax.lang), &first, (n, total), ctx);
    "term.html"
}

fn terms(site: &Site, urls: &Urls, t: usize, ctx: &mut impl ContextSink) -> &'static str {
    let tax = &site.taxonomies[t];
    let base = urls.path(&site.taxonomies[t].url_path);
    let terms: Vec<TermView> = tax.terms.iter().map(|tm| TermView::of(tm, &base, tax.lang)).collect();
    ctx.set("taxonomy", &tax.name);
    ctx.set("terms", &terms);
    ctx.set("browse", &browse(site, urls, t));
    "taxonomy.html"
}

fn issue_page(site: &Site, urls: &Urls, series: usize, issue: usize, ctx: &mut impl ContextSink) -> &'static str {
    let s = &site.catalogue[series];
    ctx.set("series", &Link { name: s.name.clone(), url: urls.series(s) });
    ctx.set("issue", &catalogue::issue_view(urls, s, &s.issues[issue], usize::MAX));
    let neighbour = |i: Option<usize>| i.and_then(|i| s.issues.get(i)).map(|is| catalogue::issue_link(urls, s, is));
    ctx.set("newer_issue", &neighbour(issue.checked_sub(1)));
    ctx.set("older_issue", &neighbour(Some(issue + 1)));
    "issue.html"
}

#[derive(Serialize)]
struct BrowseView {
    key: String,
    url: String,
    current: bool,
}

/// Every index of the current page's language (years, A–Z, topics, regions), to move between them.
fn browse(site: &Site, urls: &Urls, current: usize) -> Vec<BrowseView> {
    let lang = site.taxonomies[current].lang;
    let mut out: Vec<BrowseView> = (0..site.taxonomies.len())
        .filter(|&t| site.taxonomies[t].lang == lang)
        .map(|t| BrowseView {
            key: site.taxonomies[t].name.clone(),
            url: urls.path(&site.taxonomies[t].url_path),
            current: t == current,
        })
        .collect();
    out.sort_by_key(|b| ["years", "a-z", "topics", "regions"].iter().position(|k| *k == b.key));
    out
}

#[derive(Serialize)]
struct TermView {
    name: String,
    url: String,
    count: usize,
    /// The language of `name`, when it is not the page's (a term only untranslated items carry).
    lang: Option<&'static str>,
}

impl TermView {
    fn of(tm: &crate::model::Term, base: &str, lang: Lang) -> TermView {
        TermView {
            name: tm.name.clone(),
            url: format!("{base}{}/", tm.slug),
            count: tm.pages.len(),
            lang: (tm.name_lang != lang).then(|| tm.name_lang.code()),
        }
    }
}
