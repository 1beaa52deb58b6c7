//! Plain data passed between the pipeline stages.
//!
//! `SourceFile` (load) → `Page` (parse) → `Site` (assemble) → `OutputFile` (render, write).
//! Must not: hold behaviour that belongs to a stage, locks, or anything half-filled
//! that a later stage completes.

mod config;
mod front_matter;
mod lang;
mod site;

pub use config::*;
pub use front_matter::*;
pub use lang::*;
pub use site::*;

use serde::Serialize;
use std::path::PathBuf;

/// The folders under `content/` that hold items, each with its own schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collection {
    Report,
    Proceedings,
    Story,
    Person,
    Page,
}

impl Collection {
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

    pub fn from_dir(dir: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.dir() == dir)
    }

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
    pub bytes: Vec<u8>,
}

/// Where a static file's bytes come from: the binary (embedded theme) or the site's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetSource {
    Embedded(&'static [u8]),
    File(PathBuf),
}

/// A file copied to the output unchanged, at `out_path` (relative to the output root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub out_path: String,
    pub source: AssetSource,
    /// The file it comes from, relative to the site root (`static/logo.png`), for messages.
    pub origin: String,
}

/// The theme after overrides: templates and UI strings as text, static files to copy.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// Template name (`report.html`) and the file it came from.
    pub templates: Vec<(String, SourceFile)>,
    /// UI strings per language: `i18n/en.yaml`.
    pub strings: Vec<(Lang, SourceFile)>,
    pub assets: Vec<Asset>,
}

/// Everything `load` read: the only stage that touches the site's files.
#[derive(Debug, Clone)]
pub struct LoadedSite {
    pub config_file: SourceFile,
    pub content: Vec<SourceFile>,
    pub theme: ThemeFiles,
}

/// One file of the built site, relative to the output root (`reports/x/index.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: OutputContents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputContents {
    Bytes(Vec<u8>),
    Copy(AssetSource),
}

impl OutputFile {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        OutputFile { path: path.into(), contents: OutputContents::Bytes(text.into_bytes()) }
    }
}
