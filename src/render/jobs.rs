//! What to render: one `Job` per output page, its URL and the file it is written to.

use crate::model::{Collection, Lang, PageId, Site};
use crate::urls;

/// One output page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Job {
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
    /// The search page (only when the site writes a search index).
    Search(Lang),
    /// A page the subscription service sends readers to (only with `digest.service_url`).
    Answer(crate::model::AnswerPage, Lang),
    NotFound,
}

/// How many pages of each kind a build writes, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Item pages.
    pub items: usize,
    /// Listing pages (collections, terms, people, years, A–Z).
    pub listings: usize,
    /// Catalogue pages.
    pub catalogue: usize,
    /// Redirect pages.
    pub aliases: usize,
}

pub(super) fn counts(jobs: &[Job]) -> Counts {
    let mut c = Counts::default();
    for j in jobs {
        match j {
            Job::Item(_) | Job::Person { n: 1, .. } => c.items += 1,
            Job::Catalogue(_) | Job::Series(_) | Job::Issue { .. } => c.catalogue += 1,
            Job::Alias(_) => c.aliases += 1,
            Job::NotFound | Job::Answer(..) => {}
            _ => c.listings += 1,
        }
    }
    c
}

fn pages_needed(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// Every page of the site, in a stable order.
pub(super) fn all(site: &Site) -> Vec<Job> {
    let per = site.config.items_per_page;
    let mut jobs = vec![Job::NotFound];
    for &lang in &site.config.languages {
        jobs.extend([Job::Home(lang), Job::People(lang), Job::Catalogue(lang)]);
        if site.config.search_index {
            jobs.push(Job::Search(lang));
        }
        if site.config.digest.service_url.is_some() {
            jobs.extend(crate::model::AnswerPage::ALL.map(|page| Job::Answer(page, lang)));
        }
        for collection in [Collection::Report, Collection::Proceedings, Collection::Story] {
            let total = pages_needed(site.collection(collection, lang).len(), per);
            jobs.extend((1..=total).map(|n| Job::Listing { collection, lang, n, total }));
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
            jobs.extend((1..=total).map(|n| Job::Term { taxonomy, term, n, total }));
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
pub(super) fn url_path(job: &Job, site: &Site) -> String {
    match *job {
        Job::Home(lang) => urls::home(lang),
        Job::Item(id) => site.pages[id].url_path.clone(),
        Job::Person { author, n, .. } => urls::paged(&site.authors[author].url_path, n),
        Job::Listing { collection, lang, n, .. } => urls::paged(&urls::listing(collection, lang), n),
        Job::People(lang) => urls::listing(Collection::Person, lang),
        Job::Terms(t) => site.taxonomies[t].url_path.clone(),
        Job::Term { taxonomy, term, n, .. } => urls::paged(&site.taxonomies[taxonomy].terms[term].url_path, n),
        Job::Catalogue(lang) => urls::catalogue(lang),
        Job::Series(s) => site.catalogue[s].url_path.clone(),
        Job::Issue { series, issue } => site.catalogue[series].issues[issue].url_path.clone(),
        Job::Alias(a) => site.aliases[a].url_path.clone(),
        Job::Search(lang) => urls::search(lang),
        Job::Answer(page, lang) => urls::answer_page(page, lang),
        Job::NotFound => urls::NOT_FOUND.to_string(),
    }
}

pub(super) fn job_lang(job: &Job, site: &Site) -> Lang {
    match *job {
        Job::Home(l)
        | Job::Listing { lang: l, .. }
        | Job::People(l)
        | Job::Catalogue(l)
        | Job::Search(l)
        | Job::Answer(_, l) => l,
        Job::Item(id) => site.pages[id].lang,
        Job::Person { author, .. } => site.authors[author].lang,
        Job::Terms(t) | Job::Term { taxonomy: t, .. } => site.taxonomies[t].lang,
        Job::Series(s) | Job::Issue { series: s, .. } => site.catalogue[s].lang,
        Job::Alias(a) => site.pages[site.aliases[a].target].lang,
        Job::NotFound => site.config.default_language,
    }
}
