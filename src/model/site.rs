//! The parsed page and the assembled site.

use super::Config;
use super::{Collection, ContentDate, FrontMatter, Lang};

/// Index of a page in `Site::pages`; pages refer to each other by id, never by path.
pub type PageId = usize;

/// A heading inside a page body, with the anchor id it was given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link in a body to another Markdown file, to be resolved once every page is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The target, relative to the site root (`content/reports/x.md`), already normalised.
    pub target: String,
    pub anchor: Option<String>,
    /// Where the link is written, for error messages.
    pub line: usize,
    pub column: usize,
}

/// Where something is written in its file (1-based line and column), for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One content file after parsing: validated front matter and rendered body.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub rel_path: String,
    pub collection: Collection,
    pub lang: Lang,
    pub slug: String,
    /// Shared by an item's translations: `reports/returning-migrants`.
    pub translation_key: String,
    /// Path below the site root, starting and ending with `/`: `/zh/reports/x/`.
    pub url_path: String,
    pub title: String,
    pub date: Option<ContentDate>,
    pub draft: bool,
    pub front: FrontMatter,
    /// Body HTML; internal links are placeholders (`\0N\0`, N indexing `links`) until assembled.
    pub body_html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<InternalLink>,
    /// The `related:` items, as links positioned at the `related:` key.
    pub related: Vec<InternalLink>,
    pub word_count: usize,
    /// The body as plain text (for the search index).
    pub text: String,
    /// Where each top-level front-matter key is written, and each of `aliases`.
    pub positions: Positions,
}

/// Where a page's front matter says what, so later stages can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Positions {
    pub keys: std::collections::BTreeMap<String, Position>,
    /// One per entry of `front.aliases`, in order.
    pub aliases: Vec<Position>,
}

impl Positions {
    /// The position of `key`, or the top of the file when it is not written.
    pub fn of(&self, key: &str) -> Position {
        self.keys.get(key).copied().unwrap_or(Position { line: 1, column: 1 })
    }
}

impl Page {
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || self.body_html.contains(&format!("id=\"{id}\""))
    }
}

/// A person known to the site: a page under `content/people/`, or an author named in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub slug: String,
    pub lang: Lang,
    /// `/people/<slug>/` (`urls::person`).
    pub url_path: String,
    /// The person's own page, if `content/people/<slug>.md` exists.
    pub page: Option<PageId>,
    /// Items that list this person as an author, newest first.
    pub works: Vec<PageId>,
}

/// One value of a taxonomy (a topic, a region) and the items that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// The slug of the term this one sits under (a county's province), if any.
    pub parent: Option<String>,
    /// `/topics/<slug>/` (`urls::term`).
    pub url_path: String,
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    /// `topics`, `regions` (as configured), or the browsing indexes `years` and `a-z`.
    pub name: String,
    pub lang: Lang,
    /// `/topics/` (`urls::taxonomy`).
    pub url_path: String,
    /// In display order: by slug, or newest year first.
    pub terms: Vec<Term>,
}

/// One issue of a series: "Research Report, Vol. 20, No. 1, 2018".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub volume: u32,
    pub number: u32,
    pub year: i16,
    /// `/catalogue/<series>/vol-<v>/no-<n>/` (`urls::issue`).
    pub url_path: String,
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub slug: String,
    pub lang: Lang,
    /// `/catalogue/<slug>/` (`urls::series`).
    pub url_path: String,
    /// Newest first: volume then number descending.
    pub issues: Vec<Issue>,
}

/// An item's citation in each style a page shows, HTML-escaped (made by `outputs::cite`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationTexts {
    pub apa: String,
    pub chicago: String,
    pub gbt7714: String,
}

/// An old URL that now redirects to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub url_path: String,
    pub target: PageId,
    /// Where the target's front matter lists it.
    pub at: Position,
}

/// The whole published site: everything the renderers need, nothing they must compute.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Published pages, newest first, source path as tie-breaker; internal links resolved.
    pub pages: Vec<Page>,
    /// For each page, its translations (other languages), sorted by language.
    pub translations: Vec<Vec<PageId>>,
    /// For each page, the pages its `related:` list names, in the order written.
    pub related: Vec<Vec<PageId>>,
    pub authors: Vec<Author>,
    /// For each page, indexes into `authors` in the order the front matter lists them.
    pub page_authors: Vec<Vec<usize>>,
    pub taxonomies: Vec<Taxonomy>,
    pub catalogue: Vec<Series>,
    pub aliases: Vec<Alias>,
    /// For each page, the URL (path or http address) of its PDF, when the file exists.
    pub pdf_urls: Vec<Option<String>>,
    /// For each page, whether it can be cited (a report with a title, an author and a date).
    pub citable: Vec<bool>,
    /// Pages of each collection in each language, newest first.
    pub collections: std::collections::BTreeMap<(Collection, Lang), Vec<PageId>>,
}

impl Site {
    /// Pages of one collection in one language, newest first.
    pub fn collection(&self, collection: Collection, lang: Lang) -> &[PageId] {
        self.collections.get(&(collection, lang)).map_or(&[], Vec::as_slice)
    }
}
