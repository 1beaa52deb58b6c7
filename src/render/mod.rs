//! Stage 4: `Site` → HTML `OutputFile`s through the theme's Tera templates, in parallel.
//!
//! Input: the assembled `Site` and the theme files. Output: one `OutputFile` per page, listing,
//! term, catalogue page, alias and 404, plus the theme's static files; or template errors
//! located in the template file.
//! Must not: write files, or put whole lists with content into each pager's context.

mod catalogue;
mod context;
mod embeds;
mod figure;
mod item;
mod jobs;
mod menus;
pub(crate) mod meta;
mod person;
mod reuse;
mod share;
mod sink;
mod strings;
mod subscription;
mod views;

pub use jobs::Counts;
pub use reuse::{Fingerprints, Reuse, unchanged_items};
pub use subscription::{ServiceLangTexts, ServiceTexts, service_texts};

use crate::error::SiteError;
use crate::model::{CitationTexts, Lang, OutputContents, OutputFile, PageId, Site, ThemeFiles};
use crate::outputs::images::ImageTable;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The parsed templates and UI strings of the theme.
pub struct Templates {
    tera: tera::Tera,
    /// Template name → the file it came from, for error messages.
    files: HashMap<String, String>,
    strings: BTreeMap<Lang, strings::Strings>,
}

impl Templates {
    /// Parse the theme's templates and UI strings for the site's languages.
    pub fn load(theme: &ThemeFiles, config: &crate::model::Config) -> Result<Templates, Vec<SiteError>> {
        let mut tera = tera::Tera::new();
        let files: HashMap<String, String> =
            theme.templates.iter().map(|(name, f)| (name.clone(), f.rel_path.clone())).collect();
        let sources: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(name, f)| (name.clone(), String::from_utf8_lossy(&f.bytes).into_owned()))
            .collect();
        let mut errors = Vec::new();
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str()))) {
            errors.push(template_error(&e, &files, None));
        }
        let strings = strings::load(&theme.strings, &config.languages, config.positions.of("languages"))
            .unwrap_or_else(|mut e| {
                errors.append(&mut e);
                BTreeMap::new()
            });
        if errors.is_empty() { Ok(Templates { tera, files, strings }) } else { Err(errors) }
    }

    /// The UI string `key` in `lang`, or the key itself when the theme lacks it.
    pub fn label(&self, lang: Lang, key: &str) -> String {
        self.strings.get(&lang).and_then(|s| s.get(key)).cloned().unwrap_or_else(|| key.to_string())
    }

    /// Render one template by name outside the site's pages (the digest's parts).
    pub fn render_named(&self, name: &str, context: &tera::Context) -> Result<String, SiteError> {
        self.render(name, context, name)
    }

    fn render(&self, name: &str, context: &tera::Context, out_path: &str) -> Result<String, SiteError> {
        self.tera.render(name, context).map_err(|e| template_error(&e, &self.files, Some(out_path)))
    }
}

/// What the render stage is given besides the site: the theme and what the output modules made
/// for pages to show.
pub struct RenderInput<'a> {
    /// The assembled site.
    pub site: &'a Site,
    /// The theme's templates and UI strings.
    pub templates: &'a Templates,
    /// The theme's files (its static files are copied).
    pub theme: &'a ThemeFiles,
    /// By page id: the citation texts of citable items (`outputs::cite::texts`).
    pub citations: &'a [Option<CitationTexts>],
    /// The search index's facets, in order (the search page labels them).
    pub search_facets: &'a [&'a str],
    /// The size and copies of every image the bodies show (`pipeline::images`).
    pub images: &'a ImageTable,
}

/// What rendering one page reads.
pub(crate) struct RenderContext<'a> {
    site: &'a Site,
    templates: &'a Templates,
    citations: &'a [Option<CitationTexts>],
    search_facets: &'a [&'a str],
    images: &'a ImageTable,
    /// The URL path of every page rendered, for the language switch.
    known: HashSet<&'a str>,
}

impl<'a> RenderContext<'a> {
    fn new(input: &RenderInput<'a>, paths: &'a [String]) -> RenderContext<'a> {
        RenderContext {
            site: input.site,
            templates: input.templates,
            citations: input.citations,
            search_facets: input.search_facets,
            images: input.images,
            known: paths.iter().map(String::as_str).collect(),
        }
    }
}

pub use crate::model::Emit;

/// A job's page once emitted: its output path (`None`: it renders as before; an error: it does
/// not render), and its fingerprint when taken.
type Written = (Option<Result<String, SiteError>>, Option<u64>);

/// What rendering produced besides the files it emitted: what the summary line and the sitemap need.
pub struct Rendered {
    /// The output path of every page rendered (not the static files), in no particular order.
    pub written: Vec<String>,
    /// Pages left out because they would render as before (`site_except`).
    pub unchanged: Vec<String>,
    /// With `Reuse::fingerprints`: the fingerprint of every page other than items.
    pub fingerprints: Option<Fingerprints>,
    /// What was rendered, by kind.
    pub counts: Counts,
    /// The URL path of every HTML page (not redirects or the 404 page), with the item it shows.
    pub page_paths: Vec<(String, Option<crate::model::PageId>)>,
}

/// Render every page of the site, then add the theme's static files; each file goes to `emit`.
pub fn site(input: &RenderInput, emit: Emit) -> Result<Rendered, Vec<SiteError>> {
    site_except(input, &Reuse::default(), emit)
}

/// Like `site`, but leaves out the pages `reuse` says render as before, listing their output
/// paths in `Rendered::unchanged` instead.
pub fn site_except(input: &RenderInput, reuse: &Reuse, emit: Emit) -> Result<Rendered, Vec<SiteError>> {
    let (site, theme) = (input.site, input.theme);
    let jobs = jobs::all(site);
    let paths: Vec<String> = jobs.iter().map(|j| jobs::url_path(j, site)).collect();
    let rc = RenderContext::new(input, &paths);
    let entries = reuse.fingerprints.map(|_| sink::EntryJson::new(&views::Urls { site }));
    // Each page goes to `emit` as soon as it is made: the site's output is never held whole.
    let results: Vec<Written> = jobs
        .par_iter()
        .zip(&paths)
        .map(|(job, path)| {
            let (page, fingerprint) = reuse::render_unless_same(job, path, &rc, reuse, entries.as_ref());
            let written = page.map(|r| {
                r.map(|file| {
                    let out = file.path.clone();
                    emit(file);
                    out
                })
            });
            (written, fingerprint)
        })
        .collect();
    let mut written = Vec::with_capacity(results.len());
    let (mut errors, mut left_out) = (Vec::new(), Vec::new());
    let mut fingerprints = reuse.fingerprints.map(|_| Fingerprints::with_capacity(results.len()));
    for ((r, fingerprint), path) in results.into_iter().zip(&paths) {
        let out = crate::urls::output_file(path);
        match r {
            Some(Ok(path)) => written.push(path),
            Some(Err(e)) => errors.push(e),
            None => left_out.push(out.clone()),
        }
        if let (Some(all), Some(f)) = (&mut fingerprints, fingerprint) {
            all.insert(out, f);
        }
    }
    if !errors.is_empty() {
        return Err(summarise_template_errors(errors));
    }
    for a in theme.assets.iter().filter(|a| !site.withheld.contains(&a.out_path)) {
        emit(OutputFile { path: a.out_path.clone(), contents: OutputContents::Copy(a.source.clone()) });
    }
    let mut page_paths: Vec<_> = jobs
        .iter()
        .zip(paths)
        .filter(|(j, _)| !matches!(j, jobs::Job::Alias(_) | jobs::Job::NotFound | jobs::Job::Answer(..)))
        .map(|(j, path)| (path, if let jobs::Job::Item(id) = j { Some(*id) } else { None }))
        .collect();
    page_paths.sort();
    Ok(Rendered { written, unchanged: left_out, counts: jobs::counts(&jobs), page_paths, fingerprints })
}

/// Only the pages that show the bodies of `ids`: their own pages (a person's page lists their
/// works too, on every page of that list). For `serve`, when only those bodies changed: nothing
/// else the site renders shows a body.
pub fn items(input: &RenderInput, ids: &[PageId]) -> Result<Vec<OutputFile>, Vec<SiteError>> {
    let site = input.site;
    let jobs = jobs::all(site);
    let paths: Vec<String> = jobs.iter().map(|j| jobs::url_path(j, site)).collect();
    let rc = RenderContext::new(input, &paths);
    let shows = |job: &jobs::Job| match *job {
        jobs::Job::Item(id) => ids.contains(&id),
        jobs::Job::Person { author, .. } => site.authors[author].page.is_some_and(|id| ids.contains(&id)),
        _ => false,
    };
    let (files, errors): (Vec<_>, Vec<_>) = jobs
        .iter()
        .zip(&paths)
        .filter(|(job, _)| shows(job))
        .map(|(job, path)| context::render(job, path, &rc))
        .partition(Result::is_ok);
    if errors.is_empty() {
        Ok(files.into_iter().flatten().collect())
    } else {
        Err(summarise_template_errors(errors.into_iter().filter_map(Result::err).collect()))
    }
}

fn template_error(e: &tera::Error, files: &HashMap<String, String>, out_path: Option<&str>) -> SiteError {
    let (report, file) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (Some(r), r.filename().to_string()),
        _ => (None, String::new()),
    };
    let path =
        files.get(&file).cloned().unwrap_or_else(|| if file.is_empty() { "templates".into() } else { file.clone() });
    let (line, column) = report.map_or((1, 1), |r| (r.span().start_line, r.span().start_col + 1));
    let message = report.map_or_else(|| e.to_string(), |r| r.message().to_string());
    let mut err = SiteError::new(&path, line, column, format!("template error: {message}"));
    err.hint = Some(match out_path {
        Some(out) => format!(
            "while rendering {out}; every variable a template uses must exist (test optional ones with `is defined`)"
        ),
        None => "fix the template syntax".to_string(),
    });
    err
}

/// One template mistake shows up on every page using it: report it once, naming the first page.
fn summarise_template_errors(errors: Vec<SiteError>) -> Vec<SiteError> {
    let mut groups: BTreeMap<(String, usize, usize, String), Vec<String>> = BTreeMap::new();
    for e in errors {
        groups
            .entry((e.rel_path.clone(), e.line, e.column, e.message.clone()))
            .or_default()
            .push(e.hint.unwrap_or_default());
    }
    groups
        .into_iter()
        .map(|((path, line, column, message), mut hints)| {
            hints.sort();
            let more = if hints.len() > 1 { format!(" (and {} more pages)", hints.len() - 1) } else { String::new() };
            SiteError::new(&path, line, column, format!("{message}{more}")).with_hint(hints.swap_remove(0))
        })
        .collect()
}

/// The language prefix including the site's base path: `/`, `/zh/`, `/kb/zh/`.
fn home_url(site: &Site, lang: Lang) -> String {
    format!("{}{}", site.config.base_path(), crate::urls::home(lang))
}
