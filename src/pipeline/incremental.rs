//! Incremental builds for `seedbed serve`: the same stages as `build_site`, keeping what each
//! produced so that a change redoes only the work it touches.
//!
//! Input: the site's folder and, after the first build, the paths the watcher saw change.
//! Output: every file of the site in memory (`files`), byte-identical to what `build_site` makes
//! from the same files once `finish_index` has run.
//!
//! Two ways through. When only the bodies of existing items changed (the common edit: prose,
//! not front matter), only those files are read and parsed, their links resolved against the
//! assembled site, and their own pages rendered: nothing else the site renders shows a body.
//! Anything else (front matter, new, removed or renamed files, the theme, `site.yaml`) goes the
//! whole way, re-parsing only files whose bytes changed and, unless the config or templates
//! changed, rendering only the item pages whose item or surroundings changed and the other
//! pages whose template values changed (`render::Reuse`). Either way, after the first build the
//! search index is rebuilt afterwards by `finish_index`, so pages can be reloaded first.
//! Must not: write files, or change `files` when a build fails (the last good build is served).

use crate::error::BuildError;
use crate::error::{SiteError, SiteErrors};
use crate::model::{AssetSource, LoadedSite, OutputContents, OutputFile, Packed, Page, PageId, Site};
use crate::outputs::cite;
use crate::outputs::images::ImageTable;
use crate::outputs::search_index::{self, Stop};
use crate::pipeline::BuildSettings;
use crate::{assemble, config::Config, load, parse, render};
use anyhow::Context as _;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The bytes of every file of the site, by output path, packed (a served site at 10,000 pages
/// is a third of a gigabyte unpacked); the `Arc` lets a file carried over not be copied.
pub type Files = HashMap<String, Arc<Packed>>;

/// What the stages produced last time, to start the next build from.
pub struct IncrementalBuild {
    root: PathBuf,
    settings: BuildSettings,
    loaded: Option<Loaded>,
    parse: parse::ParseMemo,
    /// The last good build's site, while it matches `files` (dropped when a build fails midway).
    last: Option<LastBuild>,
    files: Files,
    /// The search index files in `files`, and whether they lag behind the pages.
    index_paths: Vec<String>,
    index_stale: bool,
    /// The config or templates changed since the last good build: every page is rendered.
    render_all: bool,
    /// What the last full render gave each page's template, but for items; a page rendered
    /// since by another way (a body edit) is left out, so it is never taken as unchanged.
    fingerprints: render::Fingerprints,
    /// What the last search index build made, so a change makes again only what it touches.
    index: search_index::IndexMemo,
}

/// The load stage's result, kept between builds.
struct Loaded {
    config: Config,
    site: LoadedSite,
    warnings: Vec<SiteError>,
    templates: Result<Arc<render::Templates>, Vec<SiteError>>,
}

struct LastBuild {
    site: Site,
    templates: Arc<render::Templates>,
    /// The images stage's table.
    images: ImageTable,
    /// The assemble stage's warnings.
    warnings: Vec<SiteError>,
}

/// What one build did, for the terminal and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// Content files parsed (the rest came from the last build).
    pub parsed: usize,
    /// The output paths of the pages rendered, sorted.
    pub rendered: Vec<String>,
    /// Output files whose bytes are new, changed or gone.
    pub changed: usize,
    /// The search index lags behind the pages: `finish_index` brings it up to date.
    pub index_pending: bool,
    /// Every warning of the site as it now is.
    pub warnings: Vec<SiteError>,
}

impl IncrementalBuild {
    /// Nothing is read until the first `update`.
    pub fn new(root: &Path, settings: &BuildSettings) -> IncrementalBuild {
        IncrementalBuild {
            root: root.to_path_buf(),
            settings: settings.clone(),
            loaded: None,
            parse: parse::ParseMemo::default(),
            last: None,
            files: Files::new(),
            index_paths: Vec::new(),
            index_stale: false,
            render_all: true,
            fingerprints: render::Fingerprints::new(),
            index: search_index::IndexMemo::default(),
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Build again after the files at `changed` changed (`None`: unknown, look at everything).
    /// On failure the last good build's files stay.
    pub fn update(&mut self, changed: Option<&[PathBuf]>) -> Result<Update, BuildError> {
        let root = self.root.clone();
        match self.update_unlocated(changed) {
            Ok(update) => Ok(Update { warnings: load::with_sources(&root, update.warnings), ..update }),
            Err(e) => Err(super::located(&root, e)),
        }
    }

    fn update_unlocated(&mut self, changed: Option<&[PathBuf]>) -> Result<Update, BuildError> {
        let changed_sources = self.load(changed)?;
        // Static files are read again after a full load, or when `files` may be behind it.
        let reloaded = changed_sources.is_none() || self.last.is_none();
        // After the first build, pages come first and the search index after the reload.
        let defer_index = changed.is_some() && self.last.is_some();
        if let Some(rel_paths) = changed_sources {
            match self.bodies_only(&rel_paths) {
                Some(Ok(update)) => return Ok(update),
                Some(Err(e)) => {
                    self.last = None;
                    return Err(e);
                }
                None => {}
            }
        }
        self.full(reloaded, defer_index).inspect_err(|_| {
            self.last = None;
            self.render_all = true;
            // It may have made an index that is not served.
            self.index.forget_files();
        })
    }

    /// Rebuild the search index if the last update left it behind; how many files changed.
    /// `None` when `stop` said so first: the index stays behind (the last one is served) until
    /// this runs again after the next update.
    pub fn finish_index(&mut self, stop: Stop) -> Option<usize> {
        let Some(last) = self.last.as_ref().filter(|_| self.index_stale) else { return Some(0) };
        let started = std::time::Instant::now();
        let Some(index) = self.index.update(&last.site, stop) else {
            log::debug!("incremental: search index left behind after {:?}: a newer change", started.elapsed());
            return None;
        };
        let now: HashSet<&String> = index.paths.iter().collect();
        let gone: Vec<&String> = self.index_paths.iter().filter(|p| !now.contains(p)).collect();
        let mut changed = 0;
        for path in gone {
            changed += usize::from(self.files.remove(path).is_some());
        }
        changed += put(&mut self.files, index.files);
        self.index_paths = index.paths;
        self.index_stale = false;
        log::debug!("incremental: search index, {changed} files changed, in {:?}", started.elapsed());
        Some(changed)
    }

    /// Read what changed, or everything. `Some(paths)`: only these content files changed.
    fn load(&mut self, changed: Option<&[PathBuf]>) -> Result<Option<Vec<String>>, BuildError> {
        if let (Some(loaded), Some(paths)) = (&mut self.loaded, changed)
            && let Some(rel_paths) = load::refresh(&self.root, &mut loaded.site, paths)?
        {
            return Ok(Some(rel_paths));
        }
        // Until the whole site loads again (site.yaml may be broken), no change is small.
        let (config, site, warnings) =
            load::site(&self.root).inspect_err(|_| (self.loaded, self.last) = (None, None))?;
        let config = super::with_base_url(config, &self.settings);
        let same_config = self.loaded.as_ref().is_some_and(|l| l.site.config_file == site.config_file);
        if !same_config {
            self.parse.clear();
        }
        let same_look = self.loaded.as_ref().is_some_and(|l| {
            l.site.theme.templates == site.theme.templates && l.site.theme.strings == site.theme.strings
        });
        self.render_all |= !(same_config && same_look);
        let templates = render::Templates::load(&site.theme, &config).map(Arc::new);
        self.loaded = Some(Loaded { config, site, warnings, templates });
        Ok(None)
    }

    /// The way for edits to bodies alone; `None` when the change is more than that.
    fn bodies_only(&mut self, rel_paths: &[String]) -> Option<Result<Update, BuildError>> {
        let started = std::time::Instant::now();
        let (loaded, last) = (self.loaded.as_ref()?, self.last.as_mut()?);
        let mut changed: Vec<(PageId, Page)> = Vec::new();
        for rel_path in rel_paths {
            let source = loaded.site.content.iter().find(|s| &s.rel_path == rel_path)?;
            if self.parse.has(source) {
                continue;
            }
            let id = last.site.pages.iter().position(|p| &p.rel_path == rel_path)?;
            let (page, _) = self.parse.parse_one(&loaded.config, source);
            let page = assemble::as_assembled(page?, &last.site.pages, loaded.config.default_language);
            if !assemble::same_but_body(&last.site.pages[id], &page) {
                log::debug!("incremental: more than the body of {rel_path} changed");
                return None;
            }
            changed.push((id, page));
        }
        if changed.is_empty() {
            // Saved unchanged, or only files the site ignores (hidden, editor backups) changed.
            // The index may still lag behind an earlier change (its build was interrupted).
            let warnings = warnings(loaded, &self.parse, last);
            return Some(Ok(Update { index_pending: self.index_stale, warnings, ..Update::default() }));
        }
        let ids: Vec<PageId> = changed.iter().map(|(id, _)| *id).collect();
        if let Err(e) = assemble::replace_bodies(&mut last.site, changed, &self.settings.options) {
            log::debug!("incremental: {} problems with the new bodies", e.len());
            return None;
        }
        log::debug!("incremental: parsed and assembled at {:?}", started.elapsed());
        let citations = cite::texts(&last.site, ids.clone());
        let input = super::render_input(&last.site, &last.templates, &loaded.site.theme, &citations, &last.images);
        let rendered = match render::items(&input, &ids) {
            Ok(files) => files,
            Err(e) => return Some(Err(BuildError::Site(SiteErrors::from_vec(e)))),
        };
        let paths = rendered_paths(&rendered);
        for path in &paths {
            self.fingerprints.remove(path);
        }
        let changed = put(&mut self.files, rendered);
        self.index_stale = last.site.config.search_index;
        let warnings = warnings(loaded, &self.parse, last);
        log::debug!(
            "incremental: {} bodies changed, {} pages rendered in {:?}",
            ids.len(),
            paths.len(),
            started.elapsed()
        );
        Some(Ok(Update {
            parsed: self.parse.take_count(),
            rendered: paths,
            changed,
            index_pending: self.index_stale,
            warnings,
        }))
    }

    /// Every stage, re-parsing only files whose bytes changed; with `defer_index`, the search
    /// index is left to `finish_index` (the last one is served until then).
    fn full(&mut self, reloaded: bool, defer_index: bool) -> Result<Update, BuildError> {
        let started = std::time::Instant::now();
        let Some(loaded) = &self.loaded else { return Err(anyhow::anyhow!("the site was not loaded").into()) };
        let (pages, parse_problems) = parse::pages_changed(&loaded.config, &loaded.site.content, &mut self.parse);
        let mut problems = [loaded.warnings.clone(), parse_problems].concat();
        let templates = match &loaded.templates {
            Ok(t) => Arc::clone(t),
            Err(e) => return Err(BuildError::Site(SiteErrors::from_vec([problems, e.clone()].concat()))),
        };
        let theme = &loaded.site.theme;
        let before = problems.len();
        log::debug!("incremental: parsed at {:?}", started.elapsed());
        let (pdf_texts, pdf_problems) = super::pdfs::texts(&self.root, &pages, theme);
        problems.extend(pdf_problems);
        let input = super::AssembleInput { theme, data: &loaded.site.data, digests: &loaded.site.digests, pdf_texts };
        let (site, mut found) = super::assemble_pages(loaded.config.clone(), pages, input, problems, &self.settings)?;
        log::debug!("incremental: assembled at {:?}", started.elapsed());
        let made = std::sync::Mutex::new(Vec::new());
        let keep = |file| made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(file);
        let (images, mut image_problems) = super::images::make(&self.root, &site, theme, &keep);
        found.append(&mut image_problems);
        super::fail_on_errors(&found)?;
        let defer_index = defer_index && site.config.search_index;
        let index_now = site.config.search_index && !defer_index;
        let none = render::Fingerprints::new();
        let reuse = match &self.last {
            Some(last) if !self.render_all => render::Reuse {
                unchanged_items: render::unchanged_items((&last.site, &last.images), (&site, &images)),
                fingerprints: Some(&self.fingerprints),
            },
            _ => render::Reuse { unchanged_items: Vec::new(), fingerprints: Some(&none) },
        };
        let index_memo = &mut self.index;
        let (rendered, index) = rayon::join(
            || {
                let changed: Vec<PageId> =
                    (0..site.pages.len()).filter(|&id| reuse.unchanged_items.get(id) != Some(&true)).collect();
                let citations = cite::texts(&site, changed);
                let input = super::render_input(&site, &templates, theme, &citations, &images);
                render::site_except(&input, &reuse, &keep)
            },
            || index_now.then(|| index_memo.update(&site, &|| false)).flatten(),
        );
        let rendered = rendered.map_err(|e| BuildError::Site(SiteErrors::from_vec([e, found.clone()].concat())))?;
        let mut paths = rendered.written;
        paths.sort();
        let fingerprints = rendered.fingerprints.unwrap_or_default();
        log::debug!("incremental: rendered at {:?}", started.elapsed());
        let mut files = made.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        files.extend(super::derived_files(&site, &templates, &rendered.page_paths));
        log::debug!("incremental: feeds, sitemaps, citations, calendars at {:?}", started.elapsed());
        let index_paths = index_paths(&mut self.index, &self.index_paths, index, defer_index, &mut files);
        let deferred = if defer_index { index_paths.as_slice() } else { &[] };
        let every_path = files.iter().map(|f| f.path.as_str()).chain(rendered.unchanged.iter().map(String::as_str));
        let clashes =
            crate::output_table::check(every_path.chain(deferred.iter().map(String::as_str)), &site, &theme.assets);
        if !clashes.is_empty() {
            return Err(BuildError::Site(SiteErrors::from_vec([clashes, found].concat())));
        }
        let mut next = self.merge(files, reloaded)?;
        self.carry_over(&mut next, &rendered.unchanged, &index_paths)?;
        log::debug!("incremental: merged at {:?}", started.elapsed());
        let changed = count_changes(&self.files, &next);
        let old_files = std::mem::replace(&mut self.files, next);
        (self.index_paths, self.index_stale) = (index_paths, defer_index);
        let old_site = self.last.replace(LastBuild { site, templates, images, warnings: found[before..].to_vec() });
        drop_later((old_files, old_site));
        (self.render_all, self.fingerprints) = (false, fingerprints);
        let parsed = self.parse.take_count();
        log::debug!("incremental: whole site, {parsed} files parsed, done in {:?}", started.elapsed());
        let warnings = SiteErrors::from_vec(found).0;
        Ok(Update { parsed, rendered: paths, changed, index_pending: defer_index, warnings })
    }

    /// Into the next build's files, the pages not rendered again (they are as they were) and the
    /// index's files not made again (all of them while the index is deferred).
    fn carry_over(&self, next: &mut Files, unchanged: &[String], index_paths: &[String]) -> anyhow::Result<()> {
        for path in unchanged {
            let bytes = self.files.get(path).with_context(|| format!("{path} was not rendered before"))?;
            next.insert(path.clone(), Arc::clone(bytes));
        }
        for path in index_paths {
            if let Some(bytes) = self.files.get(path) {
                next.entry(path.clone()).or_insert_with(|| Arc::clone(bytes));
            }
        }
        Ok(())
    }

    /// The bytes of this build's files; static files are read again only after a full load.
    fn merge(&self, files: Vec<OutputFile>, reloaded: bool) -> anyhow::Result<Files> {
        let mut next = Files::with_capacity(files.len());
        for file in files {
            let bytes = match file.contents {
                OutputContents::Bytes(b) => Arc::new(Packed::from_bytes(&b)),
                OutputContents::Copy(AssetSource::Embedded(b)) => Arc::new(Packed::from_bytes(b)),
                OutputContents::Copy(AssetSource::File(p)) => match self.files.get(&file.path) {
                    Some(bytes) if !reloaded => Arc::clone(bytes),
                    _ => Arc::new(Packed::from_bytes(
                        &std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?,
                    )),
                },
            };
            next.insert(file.path, bytes);
        }
        Ok(next)
    }
}

/// Free the last build (tens of thousands of allocations at 10,000 pages) off the way to the
/// reload.
/// The search index's file paths after this build: the new index's (its files join `files`),
/// the last ones while the index is deferred, or none when the site has no index.
fn index_paths(
    memo: &mut search_index::IndexMemo,
    last: &[String],
    index: Option<search_index::IndexUpdate>,
    deferred: bool,
    files: &mut Vec<OutputFile>,
) -> Vec<String> {
    match index {
        Some(index) => {
            files.extend(index.files);
            index.paths
        }
        None if deferred => last.to_vec(),
        None => {
            memo.forget_files();
            Vec::new()
        }
    }
}

fn drop_later<T: Send + 'static>(value: T) {
    // When no thread can start, the closure is dropped here, and the value with it.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}

fn rendered_paths(files: &[OutputFile]) -> Vec<String> {
    let mut paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    paths
}

/// Put rendered files into `files`; how many are new or differ from what was there.
fn put(files: &mut Files, rendered: Vec<OutputFile>) -> usize {
    let mut changed = 0;
    for file in rendered {
        if let OutputContents::Bytes(bytes) = file.contents {
            let bytes = Arc::new(Packed::from_bytes(&bytes));
            changed += usize::from(files.get(&file.path) != Some(&bytes));
            files.insert(file.path, bytes);
        }
    }
    changed
}

/// The problems of a good build: the load stage's, every file's parse warnings, assemble's.
fn warnings(loaded: &Loaded, parse: &parse::ParseMemo, last: &LastBuild) -> Vec<SiteError> {
    SiteErrors::from_vec([loaded.warnings.clone(), parse.problems(), last.warnings.clone()].concat()).0
}

/// Files added, changed or removed between two builds.
fn count_changes(before: &Files, after: &Files) -> usize {
    let same = |a: &Arc<Packed>, b: &Arc<Packed>| Arc::ptr_eq(a, b) || a == b;
    use rayon::prelude::*;
    let changed = after.par_iter().filter(|(path, bytes)| before.get(*path).is_none_or(|b| !same(b, bytes))).count();
    changed + before.keys().filter(|path| !after.contains_key(*path)).count()
}
