//! Data an editor keeps under `data/` (CSV and YAML tables) and the embeds that show it.
//!
//! Input: nothing (plain types). Output: `Dataset`, `Embed`. Must not: parse or render.

/// A table read from `data/`: a header row and rows of cells, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Relative to the site root: `data/use-rate.csv`.
    pub rel_path: String,
    /// The header row.
    pub columns: Vec<String>,
    /// Each row's cells, as many as `columns`.
    pub rows: Vec<Vec<String>>,
}

impl Dataset {
    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// What assemble is given besides the pages: the tables under `data/` and the text of the
/// reports' PDFs, each sorted by path.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// `data/` tables.
    pub datasets: Vec<Dataset>,
    /// Open reports' PDFs.
    pub pdf_texts: Vec<PdfText>,
    /// The digests' HTML parts, for their pages on the site.
    pub digests: Vec<DigestPart>,
}

/// Where `digest send` puts each subscriber's unsubscribe token in a stored part.
pub const TOKEN_SLOT: &str = "SEEDBED-SUBSCRIBER-TOKEN";
/// Where `digest send` puts each subscriber's greeting (with their name when the list has one).
pub const GREETING_SLOT: &str = "SEEDBED-SUBSCRIBER-GREETING";

/// A page of the site that the subscription service sends readers to after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnswerPage {
    /// "Check your inbox": after a request to subscribe, whatever became of it.
    CheckInbox,
    /// "You are subscribed": the confirmation link worked.
    Confirmed,
    /// "This link no longer works": a used, expired or unknown token; offers to start again.
    LinkExpired,
    /// "You are unsubscribed".
    Unsubscribed,
}

impl AnswerPage {
    /// Every answer page, in order.
    pub const ALL: [AnswerPage; 4] =
        [AnswerPage::CheckInbox, AnswerPage::Confirmed, AnswerPage::LinkExpired, AnswerPage::Unsubscribed];

    /// Its URL segment and the stem of its UI strings' keys.
    pub fn slug(self) -> &'static str {
        match self {
            AnswerPage::CheckInbox => "check-inbox",
            AnswerPage::Confirmed => "confirmed",
            AnswerPage::LinkExpired => "link-expired",
            AnswerPage::Unsubscribed => "unsubscribed",
        }
    }
}

/// One language's HTML part of a catalogue digest, as `digest build` stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestPart {
    /// The digest's id (`2026-11-28`, `2026-11-28-2`).
    pub id: String,
    /// Its language.
    pub lang: super::Lang,
    /// The part as stored, with its slots.
    pub html: String,
}

/// The text of a report's PDF, for search, and its page count, for the download button.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfText {
    /// Its path among the site's files (`files/x.pdf`).
    pub path: String,
    /// How many pages it has.
    pub pages: u32,
    /// Its words, separated by single spaces.
    pub text: super::Packed,
}

impl PdfText {
    /// A PDF's facts as the site keeps them.
    pub fn new(path: &str, pages: u32, text: &str) -> PdfText {
        PdfText { path: path.to_string(), pages, text: super::Packed::pack(text) }
    }
}

/// The dataset kept at `path` among datasets sorted by path.
pub fn find_dataset<'d>(datasets: &'d [Dataset], path: &str) -> Option<&'d Dataset> {
    datasets.binary_search_by(|d| d.rel_path.as_str().cmp(path)).ok().map(|i| &datasets[i])
}

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One group of bars per row.
    Bar,
    /// One line per series across the rows.
    Line,
}

/// An embed that shows a dataset, as written in a body (`{{< table data="x.csv" >}}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    /// Where it is written, for messages.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The dataset, as written: `use-rate.csv` is `data/use-rate.csv`.
    pub data: String,
    /// A table or a chart.
    pub shows: Shows,
    /// Shown under it.
    pub caption: Option<String>,
    /// Where the figures come from, shown after the caption.
    pub source: Option<String>,
}

/// What an embed draws from its dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shows {
    /// The rows as an HTML table, of `columns` (all when empty).
    Table {
        /// The columns shown, in this order.
        columns: Vec<String>,
    },
    /// A chart of the `y` columns against `x`.
    Chart {
        /// Bars or lines.
        kind: ChartKind,
        /// The column of labels along the horizontal axis.
        x: String,
        /// The numeric columns drawn, one series each.
        y: Vec<String>,
        /// The unit of the values (`%`, `yuan`), written after the axis numbers.
        unit: Option<String>,
    },
}

impl Embed {
    /// `data/<data>`, the path the dataset is kept under.
    pub fn data_path(&self) -> String {
        format!("data/{}", self.data.trim_start_matches('/'))
    }
}
