//! The parsed page and the assembled site.

use super::Config;
use super::{Collection, ContentDate, FrontMatter, Lang, Packed};

/// Index of a page in `Site::pages`; pages refer to each other by id, never by path.
pub type PageId = usize;

/// A heading inside a page body, with the anchor id it was given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 2 for `##`, and so on.
    pub level: u8,
    /// Its anchor.
    pub id: String,
    /// Its text.
    pub text: String,
}

/// A link in a body to another Markdown file, to be resolved once every page is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The target, relative to the site root (`content/reports/x.md`), already normalised.
    pub target: String,
    /// The `#anchor` part, if any.
    pub anchor: Option<String>,
    /// Where the link is written, for error messages.
    pub line: usize,
    /// 1-based.
    pub column: usize,
}

/// An image in a body (`![alt](src "title")`), written as `<!--seedbed-image:N-->` in the body's
/// HTML until render puts in its markup (N indexing `Page::images`); or a relative link to a file
/// of the site (`[the data](data.csv)`, `link`), written as `href="seedbed-file:N"` until render puts
/// in its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyImage {
    /// The destination as written.
    pub written: String,
    /// For an image in the site, the output paths it may be (`reports/chart.png`), in the order
    /// tried (none when the path climbs out of `content/`); `None` for an http(s) image, which is
    /// used as written.
    pub candidates: Option<Vec<String>>,
    /// Its alt text.
    pub alt: String,
    /// Its title, which becomes a caption.
    pub title: String,
    /// Where it is written, for error messages.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// A link's target, not an image shown.
    pub link: bool,
}

/// Where something is written in its file (1-based line and column), for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

/// One content file after parsing: validated front matter and rendered body.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Relative to the site root: `content/reports/x.md`.
    pub rel_path: String,
    /// Which folder it is in.
    pub collection: Collection,
    /// Its language.
    pub lang: Lang,
    /// Its URL slug.
    pub slug: String,
    /// Shared by an item's translations: `reports/returning-migrants`.
    pub translation_key: String,
    /// Path below the site root, starting and ending with `/`: `/zh/reports/x/`.
    pub url_path: String,
    /// Its title.
    pub title: String,
    /// Its date, if it has one.
    pub date: Option<ContentDate>,
    /// `draft: true`.
    pub draft: bool,
    /// Its front matter as written.
    pub front: FrontMatter,
    /// Body HTML, in which a link to another Markdown file is `href="seedbed-link:N"` (N indexing
    /// `links`; `Site::link_urls` has the URL, which render puts in).
    pub body_html: Packed,
    /// The id of every element in the body that is not a heading's, sorted (links may point at
    /// any of them).
    pub anchors: Vec<String>,
    /// Its headings, in order.
    pub headings: Vec<Heading>,
    /// Its links to other Markdown files.
    pub links: Vec<InternalLink>,
    /// Its images, in order; the front matter's `image:` last (it has no marker in the body).
    pub images: Vec<BodyImage>,
    /// Which of `images` is the front matter's `image:`, shown when the item is shared.
    pub share_image: Option<usize>,
    /// Its tables and charts, in order (`text::data_marker` N in the body).
    pub embeds: Vec<super::Embed>,
    /// The `related:` items, as links positioned at the `related:` key.
    pub related: Vec<InternalLink>,
    /// Words for reading time (a Han character counts as one).
    pub word_count: usize,
    /// The body as plain text (for the search index).
    pub text: Packed,
    /// Where each top-level front-matter key is written, and each of `aliases`.
    pub positions: Positions,
}

/// Where a page's front matter says what, so later stages can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Positions {
    /// By key.
    pub keys: Box<[(Box<str>, Position)]>,
    /// One per entry of `front.aliases`, in order.
    pub aliases: Vec<Position>,
    /// The closing `---`: where a key that is not written would go.
    pub end: Option<Position>,
}

impl Positions {
    /// The positions of these keys, in any order; a key given twice keeps its last position.
    pub fn of_keys(keys: impl IntoIterator<Item = (String, Position)>, aliases: Vec<Position>) -> Positions {
        let mut keys: Vec<(Box<str>, Position)> = keys.into_iter().map(|(k, at)| (k.into_boxed_str(), at)).collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        keys.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 = later.1;
            }
            same
        });
        Positions { keys: keys.into_boxed_slice(), aliases, end: None }
    }

    /// The position of `key`; when it is not written, where it would go (the closing `---`), or
    /// the top of the file.
    pub fn of(&self, key: &str) -> Position {
        self.written(key).unwrap_or(self.end.unwrap_or(Position { line: 1, column: 1 }))
    }

    /// The position of `key` when it is written.
    pub fn written(&self, key: &str) -> Option<Position> {
        self.keys.binary_search_by(|(k, _)| (**k).cmp(key)).ok().map(|i| self.keys[i].1)
    }
}

impl Page {
    /// Whether the page has an element with this id.
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || self.anchors.binary_search_by(|a| a.as_str().cmp(id)).is_ok()
    }
}

/// A person known to the site: a page under `content/people/`, or an author named in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// As written.
    pub name: String,
    /// The people page's slug, or one made from the name.
    pub slug: String,
    /// The language of the items that name them.
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
    /// As written.
    pub name: String,
    /// The language `name` is in: the taxonomy's, unless only untranslated items carry the term.
    pub name_lang: Lang,
    /// Its URL slug.
    pub slug: String,
    /// The slug of the term this one sits under (a county's province), if any.
    pub parent: Option<String>,
    /// `/topics/<slug>/` (`urls::term`).
    pub url_path: String,
    /// Items that carry it, newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A taxonomy in one language: its terms and their items.
pub struct Taxonomy {
    /// `topics`, `regions` (as configured), or the browsing indexes `years` and `a-z`.
    pub name: String,
    /// Its language.
    pub lang: Lang,
    /// `/topics/` (`urls::taxonomy`).
    pub url_path: String,
    /// In display order: by slug, or newest year first.
    pub terms: Vec<Term>,
}

/// One issue of a series: "Research Report, Vol. 20, No. 1, 2018".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The volume.
    pub volume: u32,
    /// The number.
    pub number: u32,
    /// The year of its earliest report.
    pub year: i16,
    /// `/catalogue/<series>/vol-<v>/no-<n>/` (`urls::issue`).
    pub url_path: String,
    /// Its reports, in site order.
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A series of reports, per language.
pub struct Series {
    /// As written.
    pub name: String,
    /// The language `name` is in: the series', unless only untranslated reports are in it.
    pub name_lang: Lang,
    /// Its URL slug.
    pub slug: String,
    /// Its language.
    pub lang: Lang,
    /// `/catalogue/<slug>/` (`urls::series`).
    pub url_path: String,
    /// Newest first: volume then number descending.
    pub issues: Vec<Issue>,
}

/// An item's citation in each style a page shows, HTML-escaped (made by `outputs::cite`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationTexts {
    /// APA 7.
    pub apa: String,
    /// Chicago author-date.
    pub chicago: String,
    /// GB/T 7714-2015.
    pub gbt7714: String,
}

/// An old URL that now redirects to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The old path.
    pub url_path: String,
    /// The page it leads to.
    pub target: PageId,
    /// Where the target's front matter lists it.
    pub at: Position,
}

/// The whole published site: everything the renderers need, nothing they must compute.
#[derive(Debug, Clone)]
pub struct Site {
    /// The tables under `data/`, sorted by path (`find_dataset`).
    pub datasets: Vec<super::Dataset>,
    /// The settings.
    pub config: Config,
    /// Published pages, newest first, source path as tie-breaker; internal links resolved.
    pub pages: Vec<Page>,
    /// For each page, its translations (other languages), sorted by language.
    pub translations: Vec<Vec<PageId>>,
    /// For each page, the pages its `related:` list names, in the order written.
    pub related: Vec<Vec<PageId>>,
    /// For each page, the URL of each of its `links` (a self link is only its `#anchor`).
    pub link_urls: Vec<Vec<String>>,
    /// For each page, the output path of each of its `images` (`reports/x/chart.png`); `None`
    /// for an http(s) image.
    pub image_paths: Vec<Vec<Option<String>>>,
    /// Everyone named as an author, and everyone with a people page.
    pub authors: Vec<Author>,
    /// For each page, indexes into `authors` in the order the front matter lists them.
    pub page_authors: Vec<Vec<usize>>,
    /// Topics, regions and the browsing indexes, per language.
    pub taxonomies: Vec<Taxonomy>,
    /// Every series, per language.
    pub catalogue: Vec<Series>,
    /// Old addresses that redirect.
    pub aliases: Vec<Alias>,
    /// For each page, the URL (path or http address) of its PDF, when the file exists.
    pub pdf_urls: Vec<Option<String>>,
    /// For each page, the size of its PDF when the file is in the site.
    pub pdf_bytes: Vec<Option<u64>>,
    /// The text of each open report's PDF, sorted by path.
    pub pdf_texts: Vec<super::PdfText>,
    /// The catalogue digests' HTML parts, by id then language.
    pub digests: Vec<super::DigestPart>,
    /// By page id: which of `pdf_texts` is its PDF (none for an abstract-only report's).
    pub pdf_text_of: Vec<Option<usize>>,
    /// Files of the site not published: PDFs only abstract-only reports name.
    pub withheld: std::collections::BTreeSet<String>,
    /// For each page, whether it can be cited (a report with a title, an author and a date).
    pub citable: Vec<bool>,
    /// Per language, every dated item its listings show, newest first: its own, and where
    /// fallback is on, one version of each item it has no translation of.
    pub listed: std::collections::BTreeMap<Lang, Vec<PageId>>,
    /// The day of the build (`SOURCE_DATE_EPOCH`, else the clock): events before it are past.
    pub today: jiff::civil::Date,
    /// Pages of each collection in each language, newest first (dated ones as `listed`).
    pub collections: std::collections::BTreeMap<(Collection, Lang), Vec<PageId>>,
}

impl Site {
    /// How many pages page `id`'s PDF has, when the public may read it and it could be read.
    pub fn pdf_pages(&self, id: PageId) -> Option<u32> {
        self.pdf_text_of[id].map(|t| self.pdf_texts[t].pages)
    }

    /// The affiliation author `author`'s people page gives.
    pub fn affiliation(&self, author: usize) -> Option<&str> {
        self.authors[author].page.and_then(|id| self.pages[id].front.affiliation.as_deref())
    }

    /// The entry of the person `author` is in `lang` (every person has one in every language;
    /// `author` itself if not).
    pub fn author_in(&self, author: usize, lang: Lang) -> usize {
        let a = &self.authors[author];
        if a.lang == lang {
            return author;
        }
        self.authors.binary_search_by(|b| (b.lang, b.slug.as_str()).cmp(&(lang, a.slug.as_str()))).unwrap_or(author)
    }

    /// Page `id`'s issue as `lang` shows it: "Research Report, Vol. 20, No. 1"; for an
    /// untranslated report, in the series it is listed under there (`研究报告 第20卷 第2期`),
    /// else in its own language. `None` outside a series.
    pub fn issue_label(&self, id: PageId, lang: Lang) -> Option<String> {
        self.issue_label_in(id, lang).or_else(|| {
            let p = &self.pages[id];
            let (series, volume, number) = (p.front.series.as_ref()?, p.front.volume?, p.front.number?);
            Some(p.lang.issue_label(series, volume, number, None))
        })
    }

    /// An untranslated report's issue in the series of `lang` that lists it, named in `lang`.
    pub fn issue_label_in(&self, id: PageId, lang: Lang) -> Option<String> {
        let f = &self.pages[id].front;
        if self.pages[id].lang == lang {
            return None;
        }
        let (volume, number) = (f.volume?, f.number?);
        self.catalogue.iter().filter(|s| s.lang == lang && s.name_lang == lang).find_map(|s| {
            let issue = s.issues.iter().find(|i| i.volume == volume && i.number == number)?;
            issue.pages.contains(&id).then(|| lang.issue_label(&s.name, volume, number, None))
        })
    }

    /// Every dated item listed in `lang`, newest first.
    pub fn listed(&self, lang: Lang) -> &[PageId] {
        self.listed.get(&lang).map_or(&[], Vec::as_slice)
    }

    /// Pages of one collection in one language, newest first.
    pub fn collection(&self, collection: Collection, lang: Lang) -> &[PageId] {
        self.collections.get(&(collection, lang)).map_or(&[], Vec::as_slice)
    }
}
