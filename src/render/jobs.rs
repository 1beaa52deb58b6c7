//! What to render: one `Job` per output page, its URL, and its template context.

use super::views::{EntryView, Link, NAV_COLLECTIONS, Urls};
use super::{Templates, home_url, item};
use crate::error::SiteError;
use crate::model::{Collection, Lang, OutputFile, PageId, Site, lang_prefix};
use serde::Serialize;
use std::collections::HashSet;

/// One output page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Home(Lang),
    Item(PageId),
    Person {
        author: usize,
        n: usize,
        total: usize,
    },
    Listing {
        collection: Collection,
        lang: Lang,
        n: usize,
        total: usize,
    },
    People(Lang),
    Terms(usize),
    Term {
        taxonomy: usize,
        term: usize,
        n: usize,
        total: usize,
    },
    Catalogue(Lang),
    Series(usize),
    Issue {
        series: usize,
        issue: usize,
    },
    Alias(usize),
    NotFound,
}

/// How many pages of each kind a build writes, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub items: usize,
    pub listings: usize,
    pub catalogue: usize,
    pub aliases: usize,
}

pub fn counts(jobs: &[Job]) -> Counts {
    let mut c = Counts::default();
    for j in jobs {
        match j {
            Job::Item(_) | Job::Person { n: 1, .. } => c.items += 1,
            Job::Catalogue(_) | Job::Series(_) | Job::Issue { .. } => c.catalogue += 1,
            Job::Alias(_) => c.aliases += 1,
            Job::NotFound => {}
            _ => c.listings += 1,
        }
    }
    c
}

fn pages_needed(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// Every page of the site, in a stable order.
pub fn all(site: &Site) -> Vec<Job> {
    let per = site.config.items_per_page;
    let mut jobs = vec![Job::NotFound];
    for &lang in &site.config.languages {
        jobs.extend([Job::Home(lang), Job::People(lang), Job::Catalogue(lang)]);
        for collection in [
            Collection::Report,
            Collection::Proceedings,
            Collection::Story,
        ] {
            let total = pages_needed(site.collection(collection, lang).len(), per);
            jobs.extend((1..=total).map(|n| Job::Listing {
                collection,
                lang,
                n,
                total,
            }));
        }
    }
    for (id, p) in site.pages.iter().enumerate() {
        if p.collection != Collection::Person {
            jobs.push(Job::Item(id));
        }
    }
    for (author, a) in site.authors.iter().enumerate() {
        let total = pages_needed(a.works.len(), per);
        jobs.extend((1..=total).map(|n| Job::Person { author, n, total }));
    }
    for (taxonomy, t) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::Terms(taxonomy));
        for (term, tm) in t.terms.iter().enumerate() {
            let total = pages_needed(tm.pages.len(), per);
            jobs.extend((1..=total).map(|n| Job::Term {
                taxonomy,
                term,
                n,
                total,
            }));
        }
    }
    for (series, s) in site.catalogue.iter().enumerate() {
        jobs.push(Job::Series(series));
        jobs.extend((0..s.issues.len()).map(|issue| Job::Issue { series, issue }));
    }
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    jobs
}

/// The URL path of a job, without the base path.
pub fn url_path(job: &Job, site: &Site) -> String {
    let urls = Urls { site };
    let strip = |u: String| {
        u.strip_prefix(site.config.base_path())
            .map(str::to_string)
            .unwrap_or(u)
    };
    match *job {
        Job::Home(lang) => lang_prefix(lang).to_string(),
        Job::Item(id) => site.pages[id].url_path.clone(),
        Job::Person { author, n, .. } => paged(&site.authors[author].url_path(), n),
        Job::Listing {
            collection,
            lang,
            n,
            ..
        } => paged(&format!("{}{}/", lang_prefix(lang), collection.dir()), n),
        Job::People(lang) => format!("{}people/", lang_prefix(lang)),
        Job::Terms(t) => taxonomy_path(site, t),
        Job::Term {
            taxonomy, term, n, ..
        } => paged(
            &format!(
                "{}{}/",
                taxonomy_path(site, taxonomy),
                site.taxonomies[taxonomy].terms[term].slug
            ),
            n,
        ),
        Job::Catalogue(lang) => format!("{}catalogue/", lang_prefix(lang)),
        Job::Series(s) => strip(urls.series(&site.catalogue[s])),
        Job::Issue { series, issue } => strip(urls.issue(
            &site.catalogue[series],
            &site.catalogue[series].issues[issue],
        )),
        Job::Alias(a) => site.aliases[a].url_path.clone(),
        Job::NotFound => "/404.html".to_string(),
    }
}

fn paged(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

fn taxonomy_path(site: &Site, t: usize) -> String {
    let tax = &site.taxonomies[t];
    format!("{}{}/", lang_prefix(tax.lang), tax.name)
}

/// The file a URL path is written to: `/a/b/` → `a/b/index.html`.
pub fn output_path(url_path: &str) -> String {
    let trimmed = url_path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with(".html") {
        trimmed.into()
    } else {
        format!("{trimmed}index.html")
    }
}

fn job_lang(job: &Job, site: &Site) -> Lang {
    match *job {
        Job::Home(l) | Job::Listing { lang: l, .. } | Job::People(l) | Job::Catalogue(l) => l,
        Job::Item(id) => site.pages[id].lang,
        Job::Person { author, .. } => site.authors[author].lang,
        Job::Terms(t) | Job::Term { taxonomy: t, .. } => site.taxonomies[t].lang,
        Job::Series(s) | Job::Issue { series: s, .. } => site.catalogue[s].lang,
        Job::Alias(a) => site.pages[site.aliases[a].target].lang,
        Job::NotFound => site.config.default_language,
    }
}

#[derive(Serialize)]
struct LanguageView {
    code: &'static str,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct NavView {
    key: &'static str,
    url: String,
    current: bool,
}

/// What every template gets: the site, the UI strings, the language switch and the menu.
fn base_context(
    site: &Site,
    templates: &Templates,
    job: &Job,
    url_path: &str,
    known: &HashSet<String>,
) -> tera::Context {
    let lang = job_lang(job, site);
    let urls = Urls { site };
    let mut ctx = tera::Context::new();
    let languages: Vec<LanguageView> = site
        .config
        .languages
        .iter()
        .map(|&l| LanguageView {
            code: l.code(),
            url: urls.path(&alternate(site, job, url_path, l, known)),
            current: l == lang,
        })
        .collect();
    let section = |p: &str| url_path.starts_with(p);
    let mut nav: Vec<NavView> = NAV_COLLECTIONS
        .iter()
        .map(|c| {
            let p = format!("{}{}/", lang_prefix(lang), c.dir());
            NavView {
                key: c.dir(),
                current: section(&p),
                url: urls.path(&p),
            }
        })
        .collect();
    let cat = format!("{}catalogue/", lang_prefix(lang));
    nav.insert(
        1,
        NavView {
            key: "catalogue",
            current: section(&cat),
            url: urls.path(&cat),
        },
    );
    ctx.insert("lang", lang.code());
    ctx.insert("site_title", site.config.title.get(lang));
    ctx.insert("site_description", site.config.description.get(lang));
    ctx.insert("home_url", &home_url(site, lang));
    ctx.insert("base_path", site.config.base_path());
    ctx.insert("url", &urls.path(url_path));
    ctx.insert("permalink", &site.config.permalink(url_path));
    ctx.insert("languages", &languages);
    ctx.insert("nav", &nav);
    ctx.insert("t", &templates.strings.get(&lang));
    ctx
}

/// The same page in `lang`, when it exists; that language's home page otherwise.
fn alternate(
    site: &Site,
    job: &Job,
    url_path: &str,
    lang: Lang,
    known: &HashSet<String>,
) -> String {
    if let Job::Item(id) | Job::Alias(id) = *job {
        let id = if matches!(job, Job::Alias(_)) {
            site.aliases[id].target
        } else {
            id
        };
        if site.pages[id].lang == lang {
            return site.pages[id].url_path.clone();
        }
        if let Some(&t) = site.translations[id]
            .iter()
            .find(|&&t| site.pages[t].lang == lang)
        {
            return site.pages[t].url_path.clone();
        }
        return lang_prefix(lang).to_string();
    }
    let bare = Lang::ALL
        .iter()
        .find_map(|l| {
            url_path
                .strip_prefix(lang_prefix(*l))
                .filter(|_| *l != Lang::En)
        })
        .unwrap_or_else(|| url_path.trim_start_matches('/'));
    let candidate = format!("{}{bare}", lang_prefix(lang));
    if known.contains(&candidate) {
        candidate
    } else {
        lang_prefix(lang).to_string()
    }
}

/// Render one job to its output file.
pub fn render(
    job: &Job,
    site: &Site,
    templates: &Templates,
    known: &HashSet<String>,
) -> Result<OutputFile, SiteError> {
    let path = url_path(job, site);
    let mut ctx = base_context(site, templates, job, &path, known);
    let urls = Urls { site };
    let template = fill_context(job, site, &urls, &mut ctx);
    let out = output_path(&path);
    let html = templates.render(template, &ctx, &out)?;
    Ok(OutputFile::text(out, html))
}

fn entries<'s>(urls: &Urls<'s>, ids: &[PageId], n: usize, per: usize) -> Vec<EntryView<'s>> {
    ids.iter()
        .skip((n - 1) * per)
        .take(per)
        .map(|&id| urls.entry(id))
        .collect()
}

/// Insert the job's own values; returns the template to render.
fn fill_context(job: &Job, site: &Site, urls: &Urls, ctx: &mut tera::Context) -> &'static str {
    let per = site.config.items_per_page;
    match *job {
        Job::Home(lang) => {
            let latest: std::collections::BTreeMap<&str, Vec<EntryView>> = [
                Collection::Report,
                Collection::Proceedings,
                Collection::Story,
            ]
            .into_iter()
            .map(|c| (c.dir(), entries(urls, &site.collection(c, lang), 1, 5)))
            .collect();
            ctx.insert("latest", &latest);
            let latest = site
                .catalogue
                .iter()
                .filter(|s| s.lang == lang)
                .flat_map(|s| s.issues.first().map(|i| (s, i)))
                .max_by_key(|(s, i)| {
                    (
                        i.year,
                        i.volume,
                        i.number,
                        std::cmp::Reverse(s.slug.clone()),
                    )
                });
            ctx.insert(
                "latest_issue",
                &latest.map(|(s, i)| item::issue_view(urls, s, i, per)),
            );
            "home.html"
        }
        Job::Item(id) => {
            ctx.insert("item", &item::view(urls, id));
            site.pages[id].collection.kind_template()
        }
        Job::Person { author, n, total } => {
            let a = &site.authors[author];
            ctx.insert("person", &item::person_view(urls, a));
            ctx.insert("entries", &entries(urls, &a.works, n, per));
            ctx.insert("pagination", &urls.pagination(&urls.author(a), n, total));
            "person.html"
        }
        Job::Listing {
            collection,
            lang,
            n,
            total,
        } => {
            ctx.insert("collection", collection.dir());
            ctx.insert(
                "entries",
                &entries(urls, &site.collection(collection, lang), n, per),
            );
            ctx.insert(
                "pagination",
                &urls.pagination(
                    &urls.path(&format!("{}{}/", lang_prefix(lang), collection.dir())),
                    n,
                    total,
                ),
            );
            "list.html"
        }
        Job::People(lang) => {
            let people: Vec<TermView> = site
                .authors
                .iter()
                .filter(|a| a.lang == lang)
                .map(|a| TermView {
                    name: a.name.clone(),
                    url: urls.author(a),
                    count: a.works.len(),
                })
                .collect();
            ctx.insert("people", &people);
            "people.html"
        }
        Job::Terms(t) => {
            let tax = &site.taxonomies[t];
            let base = urls.path(&taxonomy_path(site, t));
            let terms: Vec<TermView> = tax
                .terms
                .iter()
                .map(|tm| TermView {
                    name: tm.name.clone(),
                    url: format!("{base}{}/", tm.slug),
                    count: tm.pages.len(),
                })
                .collect();
            ctx.insert("taxonomy", &tax.name);
            ctx.insert("terms", &terms);
            "taxonomy.html"
        }
        Job::Term {
            taxonomy,
            term,
            n,
            total,
        } => {
            let tm = &site.taxonomies[taxonomy].terms[term];
            let first = urls.path(&format!("{}{}/", taxonomy_path(site, taxonomy), tm.slug));
            ctx.insert("taxonomy", &site.taxonomies[taxonomy].name);
            ctx.insert("taxonomy_url", &urls.path(&taxonomy_path(site, taxonomy)));
            ctx.insert(
                "term",
                &Link {
                    name: tm.name.clone(),
                    url: first.clone(),
                },
            );
            ctx.insert("entries", &entries(urls, &tm.pages, n, per));
            ctx.insert("pagination", &urls.pagination(&first, n, total));
            "term.html"
        }
        Job::Catalogue(lang) => {
            let series: Vec<_> = site
                .catalogue
                .iter()
                .filter(|s| s.lang == lang)
                .map(|s| item::series_view(urls, s))
                .collect();
            ctx.insert("series_list", &series);
            "catalogue.html"
        }
        Job::Series(s) => {
            ctx.insert("series", &item::series_view(urls, &site.catalogue[s]));
            "series.html"
        }
        Job::Issue { series, issue } => {
            let s = &site.catalogue[series];
            ctx.insert(
                "series",
                &Link {
                    name: s.name.clone(),
                    url: urls.series(s),
                },
            );
            ctx.insert(
                "issue",
                &item::issue_view(urls, s, &s.issues[issue], usize::MAX),
            );
            let neighbour = |i: Option<usize>| {
                i.and_then(|i| s.issues.get(i))
                    .map(|is| item::issue_link(urls, s, is))
            };
            ctx.insert("newer_issue", &neighbour(issue.checked_sub(1)));
            ctx.insert("older_issue", &neighbour(Some(issue + 1)));
            "issue.html"
        }
        Job::Alias(a) => {
            ctx.insert("target", &urls.page(site.aliases[a].target));
            ctx.insert(
                "target_permalink",
                &site
                    .config
                    .permalink(&site.pages[site.aliases[a].target].url_path),
            );
            "alias.html"
        }
        Job::NotFound => "404.html",
    }
}

#[derive(Serialize)]
struct TermView {
    name: String,
    url: String,
    count: usize,
}
