//! The pipeline: `load` → `parse` → `assemble` → `render` and the output modules, handing every
//! `OutputFile` of the site to an `Emit` as it is made (`build_into`; `build_site` keeps them in
//! memory), or stopping at the assembled site (`assemble_site`, which `digest` starts from).
//! `incremental` runs the same stages for `serve`, keeping what each produced.
//!
//! Input: the site's folder and the build's settings. Output: the assembled site and its files,
//! or every problem found. Must not: write anything (the CLI's `Emit` hands files to `write`).

mod images;
pub mod incremental;
mod pdfs;

use crate::error::{BuildError, SiteError, SiteErrors};
use crate::model::{OutputFile, Site};
use crate::outputs::{calendar, cite, digest_pages, feeds, search_index, sitemap};
use crate::{assemble, config, load, model, output_table, parse, render};
use rayon::prelude::*;
use std::path::Path;

/// Settings of one build that do not live in `site.yaml`.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    /// Drafts, future items and the day it is.
    pub options: assemble::BuildOptions,
    /// Replaces `base_url` (serve's own address).
    pub base_url: Option<String>,
}

/// A successful build, in memory.
pub struct BuildOutput {
    /// The assembled site.
    pub site: Site,
    /// Every file of the site.
    pub files: Vec<OutputFile>,
    /// Every warning, sorted.
    pub warnings: Vec<SiteError>,
    /// What was rendered, for the summary line.
    pub counts: render::Counts,
}

/// The stages before rendering: the assembled site with the theme, and the warnings so far.
pub struct Assembled {
    /// The assembled site.
    pub site: Site,
    /// The theme's templates and UI strings.
    pub templates: render::Templates,
    /// The theme's files.
    pub theme: model::ThemeFiles,
    /// Warnings so far.
    pub problems: Vec<SiteError>,
}

/// Bytes of body and plain text a build keeps unpacked (`model::RawBudget`): all of a 10,000-page
/// site's (about 150 MB); beyond it, even on a small site of long reports, texts are packed.
const RAW_TEXT_BUDGET: usize = 512 << 20;
/// From this many content files every text is packed: where memory is at stake (100,000 pages
/// build in 2 GiB), not only once the budget is spent.
const PACK_ALL_FROM: usize = 20_000;

/// What a build of `content_files` may keep unpacked.
fn raw_budget(content_files: usize) -> model::RawBudget {
    // The variable lets a test take the large site's way on a small one.
    let pack_all = content_files >= PACK_ALL_FROM || std::env::var_os("SEEDBED_TEST_PACK_ALL").is_some();
    model::RawBudget::new(if pack_all { 0 } else { RAW_TEXT_BUDGET })
}

/// Run load, parse and assemble (what `build`, `serve` and `digest` share).
pub fn assemble_site(root: &Path, settings: &BuildSettings) -> Result<Assembled, BuildError> {
    let started = std::time::Instant::now();
    let (config, found, problems) = load::site_unread(root)?;
    log::debug!("found {} content files in {:?}", found.content.len(), started.elapsed());
    let config = with_base_url(config, settings);
    let templates = render::Templates::load(&found.theme, &config);
    let theme = found.theme;
    let raw = raw_budget(found.content.len());
    let (pages, parse_problems) =
        parse::pages_as_read(&config, found.content.into_par_iter().map(load::content_file), &raw)?;
    log::debug!("parsed {} pages at {:?}", pages.len(), started.elapsed());
    let templates = match templates {
        Ok(t) => t,
        Err(mut e) => {
            let mut problems = [problems, parse_problems].concat();
            problems.append(&mut e);
            return Err(BuildError::Site(SiteErrors::from_vec(problems)));
        }
    };
    let (pdf_texts, pdf_problems) = pdfs::texts(root, &pages, &theme);
    let input = AssembleInput { theme: &theme, data: &found.data, digests: &found.digests, pdf_texts };
    let (site, problems) =
        assemble_pages(config, pages, input, [problems, parse_problems, pdf_problems].concat(), settings)?;
    log::debug!("assembled the site at {:?}", started.elapsed());
    Ok(Assembled { site, templates, theme, problems })
}

/// `--base-url` (serve's own address) replaces the configured one.
pub(crate) fn with_base_url(mut config: config::Config, settings: &BuildSettings) -> config::Config {
    if let Some(url) = &settings.base_url {
        config.set_base_url(url);
    }
    config
}

/// What assemble reads besides the pages: the theme's files, the tables under `data/` and the
/// text of the reports' PDFs (`pdfs::texts`).
pub(crate) struct AssembleInput<'a> {
    pub theme: &'a model::ThemeFiles,
    pub data: &'a [model::SourceFile],
    pub digests: &'a [model::SourceFile],
    pub pdf_texts: Vec<model::PdfText>,
}

/// The assemble stage on parsed pages, failing on the problems found so far.
pub(crate) fn assemble_pages(
    config: config::Config,
    pages: Vec<model::Page>,
    input: AssembleInput,
    mut problems: Vec<SiteError>,
    settings: &BuildSettings,
) -> Result<(Site, Vec<SiteError>), BuildError> {
    let assets: std::collections::BTreeMap<String, u64> =
        input.theme.assets.iter().map(|a| (a.out_path.clone(), a.len)).collect();
    let (datasets, data_errors) = parse::datasets(input.data);
    problems.extend(data_errors);
    if problems.iter().any(SiteError::is_error) {
        let unparsed = problems.iter().filter(|e| e.is_error()).map(|e| e.rel_path.clone()).collect();
        problems.extend(assemble::link_problems(&pages, unparsed, &assets, &datasets));
        return Err(BuildError::Site(SiteErrors::from_vec(problems)));
    }
    let extracted =
        model::Extracted { datasets, pdf_texts: input.pdf_texts, digests: parse::digest_parts(input.digests) };
    let (site, mut warnings) =
        assemble::site(config, pages, &assets, extracted, &settings.options).map_err(|mut e| {
            e.append(&mut problems.clone());
            BuildError::Site(SiteErrors::from_vec(e))
        })?;
    problems.append(&mut warnings);
    Ok((site, problems))
}

/// Run the pipeline up to, not including, writing: every file in memory (for the digest, tests and
/// benchmarks; `build` writes while it builds and `check` keeps nothing, both with `build_into`).
pub fn build_site(root: &Path, settings: &BuildSettings) -> Result<BuildOutput, BuildError> {
    let (mut files, built) = model::collected(|emit| build_into(root, settings, emit));
    let Built { site, warnings, counts, .. } = built?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(BuildOutput { site, files, warnings, counts })
}

/// A build whose files went to an `Emit` as they were made.
pub struct Built {
    /// The assembled site.
    pub site: Site,
    /// Every warning, sorted.
    pub warnings: Vec<SiteError>,
    /// What was rendered, for the summary line.
    pub counts: render::Counts,
    /// How many files were emitted.
    pub files: usize,
}

/// Run the pipeline, handing each file to `emit` as soon as it is made, so the site's output is
/// never held whole. On an error some files may have gone to `emit` already: the caller discards
/// them (the staging folder is not swapped in).
pub fn build_into(root: &Path, settings: &BuildSettings, emit: render::Emit) -> Result<Built, BuildError> {
    match build_unlocated(root, settings, emit) {
        Ok(built) => Ok(Built { warnings: load::with_sources(root, built.warnings), ..built }),
        Err(e) => Err(located(root, e)),
    }
}

/// Problems found after parsing, with their source lines (the CLI and serve show them).
fn located(root: &Path, e: BuildError) -> BuildError {
    match e {
        BuildError::Site(errors) => BuildError::Site(SiteErrors::from_vec(load::with_sources(root, errors.0))),
        other => other,
    }
}

fn build_unlocated(root: &Path, settings: &BuildSettings, emit: render::Emit) -> Result<Built, BuildError> {
    let started = std::time::Instant::now();
    let Assembled { site, templates, theme, mut problems } = assemble_site(root, settings)?;
    let paths = std::sync::Mutex::new(Vec::new());
    let emit_path = |file: OutputFile| {
        paths.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(file.path.clone());
        emit(file);
    };
    let (image_table, mut image_problems) = images::make(root, &site, &theme, &emit_path);
    problems.append(&mut image_problems);
    fail_on_errors(&problems)?;
    // The search index needs only the assembled site: build it beside the rendering, so each
    // fills the other's idle time on the cores.
    let (rendered, ()) = rayon::join(
        || {
            let citations = cite::texts(&site, 0..site.pages.len());
            render::site(&render_input(&site, &templates, &theme, &citations, &image_table), &emit_path)
        },
        || {
            if site.config.search_index {
                search_index::emit_files(&site, &emit_path);
            }
        },
    );
    let rendered = rendered.map_err(|mut e| {
        e.append(&mut problems.clone());
        BuildError::Site(SiteErrors::from_vec(e))
    })?;
    derived_files(&site, &templates, &rendered.page_paths).into_iter().for_each(&emit_path);
    let mut paths = paths.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    paths.sort_unstable();
    let clashes = output_table::check(paths.iter().map(String::as_str), &site, &theme.assets);
    if !clashes.is_empty() {
        return Err(BuildError::Site(SiteErrors::from_vec([clashes, problems].concat())));
    }
    log::debug!("made {} files at {:?}", paths.len(), started.elapsed());
    Ok(Built { site, warnings: SiteErrors::from_vec(problems).0, counts: rendered.counts, files: paths.len() })
}

/// The files made from the assembled site besides its pages and search index: feeds, sitemaps,
/// citation files and calendars.
pub(crate) fn derived_files(
    site: &Site,
    templates: &render::Templates,
    page_paths: &[(String, Option<model::PageId>)],
) -> Vec<OutputFile> {
    let mut files = feeds::all(site, &|lang, key| templates.label(lang, key));
    files.extend(sitemap::files(site, page_paths));
    files.extend(cite::files(site));
    files.extend(calendar::files(site));
    files.extend(digest_pages::files(site, &|lang, key| templates.label(lang, key)));
    files
}

/// What the render stage is given: the site, the theme, and what output modules made for pages.
pub(crate) fn render_input<'a>(
    site: &'a Site,
    templates: &'a render::Templates,
    theme: &'a model::ThemeFiles,
    citations: &'a [Option<model::CitationTexts>],
    images: &'a crate::outputs::images::ImageTable,
) -> render::RenderInput<'a> {
    render::RenderInput { site, templates, theme, citations, search_facets: &search_index::FACETS, images }
}

/// Keep what a stage made for the next build (`.seedbed-cache/`): a cache that cannot be written
/// only costs time.
fn keep_in_cache(cache: Option<&Path>, name: &str, bytes: &[u8]) {
    let Some(cache) = cache else { return };
    if let Err(e) = crate::write::atomic::file(&cache.join(name), bytes) {
        log::debug!("cache {}: {e:#}", cache.display());
    }
}

fn fail_on_errors(problems: &[SiteError]) -> Result<(), BuildError> {
    if problems.iter().any(SiteError::is_error) {
        return Err(BuildError::Site(SiteErrors::from_vec(problems.to_vec())));
    }
    Ok(())
}
