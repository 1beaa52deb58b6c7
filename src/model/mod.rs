//! Plain data passed between the pipeline stages.
//!
//! `SourceFile` (load) → `Page` (parse) → `Site` (assemble) → `OutputFile` (render, write).
//! Must not: hold behaviour that belongs to a stage, locks, or anything half-filled
//! that a later stage completes.

mod config;
mod data;
mod front_matter;
mod lang;
mod packed;
mod site;

pub use config::*;
pub use data::*;
pub use front_matter::*;
pub use lang::*;
pub use packed::{Packed, RawBudget};
pub use site::*;

use serde::Serialize;
use std::path::PathBuf;

/// The folders under `content/` that hold items, each with its own schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collection {
    /// Research reports.
    Report,
    /// Forum and conference proceedings.
    Proceedings,
    /// Success stories.
    Story,
    /// People pages.
    Person,
    /// Plain pages (About, Subscribe).
    Page,
}

impl Collection {
    /// Every collection, in menu order.
    pub const ALL: [Collection; 5] =
        [Collection::Report, Collection::Proceedings, Collection::Story, Collection::Person, Collection::Page];

    /// The folder name under `content/`, which is also the URL segment (except for pages).
    pub fn dir(self) -> &'static str {
        match self {
            Collection::Report => "reports",
            Collection::Proceedings => "proceedings",
            Collection::Story => "stories",
            Collection::Person => "people",
            Collection::Page => "pages",
        }
    }

    /// The singular name used in `seedbed new KIND` and in template names.
    pub fn kind(self) -> &'static str {
        match self {
            Collection::Report => "report",
            Collection::Proceedings => "proceedings",
            Collection::Story => "story",
            Collection::Person => "person",
            Collection::Page => "page",
        }
    }

    /// The template that renders one item of this collection.
    pub fn kind_template(self) -> &'static str {
        match self {
            Collection::Report => "report.html",
            Collection::Proceedings => "proceedings.html",
            Collection::Story => "story.html",
            Collection::Person => "person.html",
            Collection::Page => "page.html",
        }
    }

    /// The collection whose folder is `dir`.
    pub fn from_dir(dir: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.dir() == dir)
    }

    /// The collection whose singular name is `kind`.
    pub fn from_kind(kind: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.kind() == kind)
    }

    /// Collections that are dated publications with listings and feeds.
    pub fn is_dated(self) -> bool {
        matches!(self, Collection::Report | Collection::Proceedings | Collection::Story)
    }
}

/// One file of the site as read from disk, before anything is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the site root, forward slashes: `content/reports/x.md`.
    pub rel_path: String,
    /// Its bytes, as read.
    pub bytes: Vec<u8>,
}

/// Where a static file's bytes come from: the binary (embedded theme) or the site's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetSource {
    /// Part of the binary (the built-in theme).
    Embedded(&'static [u8]),
    /// A file of the site.
    File(PathBuf),
}

/// A file copied to the output unchanged, at `out_path` (relative to the output root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Where it goes in the output.
    pub out_path: String,
    /// Where its bytes come from.
    pub source: AssetSource,
    /// The file it comes from, relative to the site root (`static/logo.png`), for messages.
    pub origin: String,
    /// Its size in bytes, as found (a PDF's download button says it).
    pub len: u64,
}

/// The theme after overrides: templates and UI strings as text, static files to copy.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// Template name (`report.html`) and the file it came from.
    pub templates: Vec<(String, SourceFile)>,
    /// UI strings per language: `i18n/en.yaml`.
    pub strings: Vec<(Lang, SourceFile)>,
    /// Static files to copy.
    pub assets: Vec<Asset>,
}

/// A content file found but not read yet: a build reads each one just before parsing it, so the
/// site's sources are never all in memory at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Path from the site root, with `/` separators.
    pub rel_path: String,
    /// Where to read it.
    pub path: PathBuf,
}

/// Everything `load` read (or, with `FoundFile`s, found): the only stage that touches the site's
/// files.
#[derive(Debug, Clone)]
pub struct LoadedSite<Content = SourceFile> {
    /// `site.yaml`.
    pub config_file: SourceFile,
    /// Every Markdown file under `content/`, sorted by path.
    pub content: Vec<Content>,
    /// The theme after the site's overrides.
    pub theme: ThemeFiles,
    /// The tables under `data/`, sorted by path.
    pub data: Vec<SourceFile>,
    /// The HTML part of each digest under `digests/` (`digests/<id>/digest.<lang>.html`), sorted.
    pub digests: Vec<SourceFile>,
}

/// One file of the built site, relative to the output root (`reports/x/index.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output root, forward slashes.
    pub path: String,
    /// What to write there.
    pub contents: OutputContents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// What an output file holds.
pub enum OutputContents {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A static file copied as it is.
    Copy(AssetSource),
}

/// Where files go as each is made: a staging folder on disk, or a list in memory (`collected`).
pub type Emit<'a> = &'a (dyn Fn(OutputFile) + Sync);

/// Run `make` with an `Emit` that keeps every file it is given; the files and what `make` gave.
pub fn collected<T>(make: impl FnOnce(Emit) -> T) -> (Vec<OutputFile>, T) {
    let made = std::sync::Mutex::new(Vec::new());
    let result = make(&|file| made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(file));
    (made.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner), result)
}

impl OutputFile {
    /// A text file at `path`.
    pub fn text(path: impl Into<String>, text: String) -> Self {
        OutputFile { path: path.into(), contents: OutputContents::Bytes(text.into_bytes()) }
    }
}
