//! Stage 3: pages → `Site`: what is published, in what order, and how pages relate.
//!
//! Input: parsed pages, the config and build options. Output: `Site` with links resolved,
//! translations, authors, taxonomies, the catalogue and aliases; or every problem found.
//! Must not: render HTML beyond filling in link URLs, or read or write files.

mod embeds;
mod fallback;
pub use fallback::unnamed_terms;
mod groups;
mod images;
mod terms;
mod translations;

pub(crate) use translations::as_assembled;
mod links;
pub(crate) mod research;

use crate::config::Config;
use crate::error::SiteError;
use crate::model::{Alias, Collection, Page, PageId, Position, Site};
use std::collections::{BTreeMap, HashMap};

/// What this build publishes besides finished, dated-today-or-earlier items.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Publish drafts too (`--drafts`).
    pub drafts: bool,
    /// Publish items dated after `today` too (`--future`).
    pub future: bool,
    /// Items dated after this day are held back unless `future`.
    pub today: jiff::civil::Date,
}

/// Assemble the site. `assets` are the output paths of the static files and their sizes (to
/// check `pdf:` and images).
/// Returns the site and its warnings, or every error.
pub fn site(
    config: Config,
    mut pages: Vec<Page>,
    assets: &BTreeMap<String, u64>,
    extracted: crate::model::Extracted,
    opts: &BuildOptions,
) -> Result<(Site, Vec<SiteError>), Vec<SiteError>> {
    let crate::model::Extracted { datasets, pdf_texts, digests } = extracted;
    let translation_errors = translations::inherit(&mut pages, config.default_language);
    let (mut pages, held_back): (Vec<Page>, Vec<Page>) = pages.into_iter().partition(|p| is_published(p, opts));
    pages.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.rel_path.cmp(&b.rel_path)));
    let index = links::PathIndex::new(&pages, &held_back, opts.drafts);
    let mut errors = reserved_slugs(&pages);
    errors.extend(translation_errors);
    let (link_urls, mut link_errors) = links::resolve(&pages, &index, config.base_path());
    errors.append(&mut link_errors);
    let (related, mut related_errors) = links::related(&pages, &index);
    errors.append(&mut related_errors);
    let (image_paths, image_problems) = images::resolve(&pages, assets);
    let (mut image_errors, image_warnings): (Vec<SiteError>, Vec<SiteError>) =
        image_problems.into_iter().partition(SiteError::is_error);
    errors.append(&mut image_errors);
    errors.extend(embeds::check(&pages, &datasets, &Default::default()));
    errors.extend(site_pictures_missing(&config, assets));
    let aliases = aliases(&pages, &mut errors);
    errors.extend(duplicate_urls(&pages, &aliases));
    if !errors.is_empty() {
        return Err(errors);
    }
    let translations = translations(&pages);
    let listed = fallback::listed(&pages, &translations, &config.languages, &config.fallback);
    let mut lists: Vec<&str> = config.taxonomies.iter().map(String::as_str).collect();
    lists.push("series");
    let renames =
        fallback::Renames::learn(&pages, &translations, &lists, terms::named_values).given(&config.term_translations);
    let (authors, page_authors) = groups::authors(&pages, &listed, config.default_language);
    let mut taxonomies = terms::taxonomies(&pages, &config.taxonomies, &listed, &renames);
    taxonomies.extend(terms::archive(&pages, &listed));
    let catalogue = terms::catalogue(&pages, &listed, &renames);
    let (pdfs, mut warnings) = research::pdf_urls(&pages, assets);
    warnings.extend(image_warnings);
    let (pdf_urls, pdf_bytes) = pdfs.into_iter().map(|pdf| pdf.map_or((None, None), |(u, b)| (Some(u), b))).unzip();
    let pdf_text_of = research::pdf_texts_of(&pages, &pdf_texts);
    let withheld = research::withheld_pdfs(&pages);
    warnings.extend(research::citation_warnings(&pages));
    let citable = pages.iter().map(research::is_citable).collect();
    let mut collections: BTreeMap<(Collection, crate::model::Lang), Vec<PageId>> = BTreeMap::new();
    for (id, p) in pages.iter().enumerate().filter(|(_, p)| !p.collection.is_dated()) {
        collections.entry((p.collection, p.lang)).or_default().push(id);
    }
    for (&lang, ids) in &listed {
        for &id in ids {
            collections.entry((pages[id].collection, lang)).or_default().push(id);
        }
    }
    let site = Site {
        config,
        datasets,
        pages,
        translations,
        related,
        link_urls,
        image_paths,
        authors,
        page_authors,
        taxonomies,
        catalogue,
        aliases,
        pdf_urls,
        pdf_bytes,
        pdf_texts,
        digests,
        pdf_text_of,
        withheld,
        citable,
        listed,
        today: opts.today,
        collections,
    };
    Ok((site, warnings))
}

/// The problems with links, anchors, `related:` lists and images of the pages that parsed, while
/// the files `unparsed` could not be (links to those are left unchecked, and every page counts as
/// published): so one run shows every file's problems, not the parse errors first.
pub fn link_problems(
    pages: &[Page],
    unparsed: std::collections::BTreeSet<String>,
    assets: &BTreeMap<String, u64>,
    datasets: &[crate::model::Dataset],
) -> Vec<SiteError> {
    let unreadable_data = unparsed.iter().filter(|p| p.starts_with("data/")).cloned().collect();
    let index = links::PathIndex::new(pages, &[], true).with_unparsed(unparsed);
    let (_, mut errors) = links::resolve(pages, &index, "");
    errors.extend(links::related(pages, &index).1);
    errors.extend(images::resolve(pages, assets).1);
    errors.extend(embeds::check(pages, datasets, &unreadable_data));
    errors
}

/// Whether `new` differs from `old` at most in its body (its HTML, text, headings, links, and
/// images naming the same files):
/// then nothing but its own page, its search entry and the anchors others link to can change.
pub fn same_but_body(old: &Page, new: &Page) -> bool {
    let mut probe = new.clone();
    probe.body_html.clone_from(&old.body_html);
    probe.text.clone_from(&old.text);
    probe.word_count = old.word_count;
    probe.headings.clone_from(&old.headings);
    probe.links.clone_from(&old.links);
    // Images naming the same files resolve as before; their text and positions are the body's.
    if new.images.iter().map(|i| &i.candidates).eq(old.images.iter().map(|i| &i.candidates)) {
        probe.images.clone_from(&old.images);
    }
    probe == *old
}

/// Put pages whose body alone changed (`same_but_body`) into an assembled site, as assembling
/// from scratch would. Any problem (a link now broken, an anchor another page needs now gone)
/// comes back instead: assemble from scratch, which reports it in full.
pub fn replace_bodies(
    site: &mut Site,
    changed: Vec<(PageId, Page)>,
    opts: &BuildOptions,
) -> Result<(), Vec<SiteError>> {
    let index = links::PathIndex::new(&site.pages, &[], opts.drafts);
    let mut resolved = Vec::with_capacity(changed.len());
    for (id, page) in changed {
        let mut errors = links::broken_anchors_into(&site.pages, id, &page);
        let (urls, mut link_errors) = links::resolve_one(&page, id, &site.pages, &index, site.config.base_path());
        errors.append(&mut link_errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        resolved.push((id, page, urls));
    }
    for (id, page, urls) in resolved {
        site.pages[id] = page;
        site.link_urls[id] = urls;
    }
    Ok(())
}

fn is_published(page: &Page, opts: &BuildOptions) -> bool {
    (opts.drafts || !page.draft) && (opts.future || page.date.is_none_or(|d| d.date() <= opts.today))
}

fn reserved_slugs(pages: &[Page]) -> Vec<SiteError> {
    pages
        .iter()
        .filter(|p| p.collection == Collection::Page && crate::urls::is_reserved_segment(&p.slug))
        .map(|p| {
            let at = p.positions.of("slug");
            SiteError::new(&p.rel_path, at.line, at.column, format!("the slug `{}` is used by seedbed itself", p.slug))
                .with_hint("choose another file name or set `slug:`")
        })
        .collect()
}

/// Items with the same translation key, in other languages.
fn translations(pages: &[Page]) -> Vec<Vec<PageId>> {
    let mut groups: HashMap<(&str, Collection), Vec<PageId>> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        groups.entry((p.translation_key.as_str(), p.collection)).or_default().push(id);
    }
    pages
        .iter()
        .enumerate()
        .map(|(id, p)| {
            let mut others: Vec<PageId> = groups[&(p.translation_key.as_str(), p.collection)]
                .iter()
                .copied()
                .filter(|&o| o != id && pages[o].lang != p.lang)
                .collect();
            others.sort_by_key(|&o| pages[o].lang);
            others
        })
        .collect()
}

/// Old URLs as absolute paths ending in `/` (or in `.html`), with bad ones reported.
fn aliases(pages: &[Page], errors: &mut Vec<SiteError>) -> Vec<Alias> {
    let mut out = Vec::new();
    for (id, p) in pages.iter().enumerate() {
        for (n, raw) in p.front.aliases.iter().flat_map(|a| a.0.iter()).enumerate() {
            let at = p.positions.aliases.get(n).copied().unwrap_or_else(|| p.positions.of("aliases"));
            let path = crate::urls::alias(raw);
            let bad = path == "/"
                || path.split('/').any(|s| s == ".." || s == ".")
                || path.contains(['\\', '?', '#', '"', '<'])
                || path.chars().any(char::is_control);
            if bad {
                errors.push(
                    SiteError::new(
                        &p.rel_path,
                        at.line,
                        at.column,
                        format!("alias `{}` is not a usable path", raw.escape_debug()),
                    )
                    .with_hint("write the old address as a path, like /reports/old-name/"),
                );
            } else {
                out.push(Alias { url_path: path, target: id, at });
            }
        }
    }
    out.sort_by(|a, b| a.url_path.cmp(&b.url_path));
    out
}

/// Two items, or an item and an alias, at one URL (other clashes with what seedbed writes are
/// found once every output path is known: `output_table`).
fn duplicate_urls(pages: &[Page], aliases: &[Alias]) -> Vec<SiteError> {
    let mut claimed: BTreeMap<&str, Vec<(&str, Position)>> = BTreeMap::new();
    for p in pages {
        claimed.entry(&p.url_path).or_default().push((&p.rel_path, p.positions.of("slug")));
    }
    for a in aliases {
        claimed.entry(&a.url_path).or_default().push((&pages[a.target].rel_path, a.at));
    }
    claimed
        .into_iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(url, files)| {
            let names: Vec<&str> = files.iter().map(|(f, _)| *f).collect();
            let (file, at) = files[files.len() - 1];
            SiteError::new(
                file,
                at.line,
                at.column,
                format!("{} items claim the URL {url}: {}", files.len(), names.join(", ")),
            )
            .with_hint("give one of them a different `slug:` or remove the clashing alias")
        })
        .collect()
}

/// `share_image:` or `logo:` in `site.yaml` names a raster image that is not in the site (a
/// logo goes into e-mail too, where SVG does not show).
fn site_pictures_missing(config: &Config, assets: &BTreeMap<String, u64>) -> Vec<SiteError> {
    let share = "like /images/share.png (1200×630 suits every network)";
    let logo = "like /images/logo.png (about 80 pixels high, twice that for sharp screens)";
    [("share_image", config.share_image.as_ref(), share), ("logo", config.logo.as_ref(), logo)]
        .into_iter()
        .filter_map(|(key, picture, example)| {
            let image = picture?;
            let path = image.out_path();
            let raster = crate::outputs::images::is_raster(path);
            if assets.contains_key(path) && raster {
                return None;
            }
            let at = config.positions.of(key);
            let message = if raster {
                format!("`{key}` `{}` is not in the site", image.src)
            } else {
                format!("`{key}` `{}` is not a PNG, JPEG or WebP image", image.src)
            };
            let hint = format!("put the picture under static/ and write its path from there, {example}");
            Some(SiteError::new(crate::config::CONFIG_FILE, at.line, at.column, message).with_hint(hint))
        })
        .collect()
}

/// A warning per item that lacks a version in some site language; `check` prints these
/// (a missing translation never fails a build).
pub fn missing_translations(site: &Site) -> Vec<SiteError> {
    if site.config.languages.len() < 2 {
        return Vec::new();
    }
    let mut warnings: Vec<SiteError> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(id, p)| {
            let missing: Vec<&str> = site
                .config
                .languages
                .iter()
                .filter(|&&l| l != p.lang && !site.translations[id].iter().any(|&t| site.pages[t].lang == l))
                .map(|l| l.code())
                .collect();
            (!missing.is_empty()).then(|| {
                SiteError::whole_file_warning(&p.rel_path, format!("no translation into {}", missing.join(", ")))
                    .with_hint("add the translation as a file with the language before `.md`, like x.zh.md")
            })
        })
        .collect();
    warnings.sort();
    warnings
}
