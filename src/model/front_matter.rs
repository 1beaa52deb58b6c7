//! Front matter as an editor writes it: one struct for every collection, every field
//! optional here; the parse stage checks which fields each collection requires or allows.
//!
//! Custom keys go under `extra:`; anything else unknown is rejected by serde.

use super::Collection;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every key a content file may use; which items may use which is `FRONT_MATTER_KEYS`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The item's title (required); a people page may give one per language.
    pub title: Option<Title>,
    /// Publication day, or day and time.
    pub date: Option<ContentDate>,
    /// Day of the last substantive update.
    pub updated: Option<ContentDate>,
    /// The URL slug; by default made from the file name.
    pub slug: Option<String>,
    /// Language, when not given by the file name (`x.zh.md`).
    pub lang: Option<super::Lang>,
    /// Left out of the build unless `--drafts`.
    pub draft: Option<bool>,
    /// Old addresses that redirect to the item.
    pub aliases: Option<StringList>,
    /// A sentence or two for listings, feeds and search results.
    pub summary: Option<String>,
    /// The picture shown when the item is shared (a path, as an image in the body is written);
    /// without it, the body's first image.
    pub image: Option<String>,
    /// What `image` shows, for readers who cannot see it.
    pub image_alt: Option<String>,
    /// Author names or people slugs.
    pub authors: Option<StringList>,
    /// Topic names.
    pub topics: Option<StringList>,
    /// Region names (provinces, counties).
    pub regions: Option<StringList>,
    // reports
    /// The series a report belongs to (`Research Report`).
    pub series: Option<String>,
    /// The series volume.
    pub volume: Option<u32>,
    /// The issue number within the volume.
    pub number: Option<u32>,
    /// The report's PDF: a path under `static/` or an http(s) URL.
    pub pdf: Option<String>,
    /// Whether the full text is published.
    pub access: Option<Access>,
    /// The report's DOI (`10.1234/abc`, or as a `https://doi.org/` link).
    pub doi: Option<String>,
    /// The centre's own number for the report (`RR-2018-01`).
    pub report_number: Option<String>,
    /// Other items to list as related, as paths to their files.
    pub related: Option<StringList>,
    /// Earlier versions, newest first.
    pub versions: Option<Vec<Revision>>,
    /// Corrections published since.
    pub corrections: Option<Vec<Revision>>,
    // proceedings
    /// The forum or conference.
    pub event: Option<Event>,
    /// Who organised it.
    pub organisers: Option<StringList>,
    /// The programme.
    pub sessions: Option<Vec<Session>>,
    /// What came out of it.
    pub outcomes: Option<StringList>,
    // stories
    /// Who the story is about.
    pub subject: Option<String>,
    /// Where it happened.
    pub region: Option<Region>,
    /// The line of business.
    pub industry: Option<String>,
    /// When the business started.
    pub year_started: Option<i32>,
    /// Figures worth showing.
    pub figures: Option<Figures>,
    // people
    /// A person's institution.
    pub affiliation: Option<String>,
    /// A person's role.
    pub role: Option<String>,
    /// Anything else, for custom templates.
    pub extra: Option<serde_yaml::Value>,
}

/// Which items may use a front-matter key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Every collection.
    Every,
    /// Only these collections.
    Only(&'static [Collection]),
}

const PUBLICATIONS: &[Collection] = &[Collection::Report, Collection::Proceedings, Collection::Story];
const PEOPLE_AND_PUBLICATIONS: &[Collection] =
    &[Collection::Report, Collection::Proceedings, Collection::Story, Collection::Person];

/// The front-matter schema: one row per field of `FrontMatter`, in field order. The accepted
/// keys, each collection's keys and the "did you mean" hints all come from here; a test checks it
/// against the struct's own field list, so the two cannot drift apart.
pub const FRONT_MATTER_KEYS: &[(&str, KeyUse)] = &[
    ("title", KeyUse::Every),
    ("date", KeyUse::Every),
    ("updated", KeyUse::Every),
    ("slug", KeyUse::Every),
    ("lang", KeyUse::Every),
    ("draft", KeyUse::Every),
    ("aliases", KeyUse::Every),
    ("summary", KeyUse::Every),
    ("image", KeyUse::Every),
    ("image_alt", KeyUse::Every),
    ("authors", KeyUse::Only(PUBLICATIONS)),
    ("topics", KeyUse::Only(PEOPLE_AND_PUBLICATIONS)),
    ("regions", KeyUse::Only(PEOPLE_AND_PUBLICATIONS)),
    ("series", KeyUse::Only(&[Collection::Report])),
    ("volume", KeyUse::Only(&[Collection::Report])),
    ("number", KeyUse::Only(&[Collection::Report])),
    ("pdf", KeyUse::Only(&[Collection::Report])),
    ("access", KeyUse::Only(&[Collection::Report])),
    ("doi", KeyUse::Only(&[Collection::Report])),
    ("report_number", KeyUse::Only(&[Collection::Report])),
    ("related", KeyUse::Only(PUBLICATIONS)),
    ("versions", KeyUse::Only(&[Collection::Report])),
    ("corrections", KeyUse::Only(&[Collection::Report])),
    ("event", KeyUse::Only(&[Collection::Proceedings])),
    ("organisers", KeyUse::Only(&[Collection::Proceedings])),
    ("sessions", KeyUse::Only(&[Collection::Proceedings])),
    ("outcomes", KeyUse::Only(&[Collection::Proceedings])),
    ("subject", KeyUse::Only(&[Collection::Story])),
    ("region", KeyUse::Only(&[Collection::Story])),
    ("industry", KeyUse::Only(&[Collection::Story])),
    ("year_started", KeyUse::Only(&[Collection::Story])),
    ("figures", KeyUse::Only(&[Collection::Story])),
    ("affiliation", KeyUse::Only(&[Collection::Person])),
    ("role", KeyUse::Only(&[Collection::Person])),
    ("extra", KeyUse::Every),
];

impl FrontMatter {
    /// The DOI as `10.prefix/suffix`, when `doi:` is one (a `doi:` or `https://doi.org/` form
    /// is read as the bare DOI).
    pub fn bare_doi(&self) -> Option<&str> {
        self.doi.as_deref().and_then(bare_doi)
    }

    /// `pdf:` as a path among the site's files (`files/x.pdf`), when it is not a URL.
    pub fn local_pdf(&self) -> Option<&str> {
        self.pdf.as_deref().map(|pdf| pdf.trim().trim_start_matches('/')).filter(|pdf| !pdf.contains("://"))
    }
}

/// `10.1234/abc` from `10.1234/abc`, `doi:10.1234/abc` or `https://doi.org/10.1234/abc`; `None`
/// when it is not a DOI (a directory indicator `10.` of 4-9 digits, a slash, a suffix).
pub fn bare_doi(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    let doi = ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"]
        .iter()
        .find_map(|prefix| {
            raw.get(..prefix.len()).filter(|p| p.eq_ignore_ascii_case(prefix)).map(|_| &raw[prefix.len()..])
        })
        .unwrap_or(raw);
    let (prefix, suffix) = doi.split_once('/')?;
    let registrant = prefix.strip_prefix("10.")?;
    let valid_prefix = (4..=9).contains(&registrant.split('.').next()?.len())
        && registrant.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let valid_suffix = !suffix.is_empty() && !suffix.chars().any(|c| c.is_whitespace() || c.is_control());
    (valid_prefix && valid_suffix).then_some(doi)
}

/// The keys an item of `collection` needs besides its title (`volume` and `number` only in a
/// series). A report without a date still builds (listed last, with no citation tags and a
/// warning); proceedings and stories are events and need one.
pub fn required_keys(collection: Collection, in_series: bool) -> Vec<&'static str> {
    match collection {
        Collection::Proceedings => vec!["date", "event"],
        Collection::Story => vec!["date"],
        Collection::Report if in_series => vec!["volume", "number"],
        _ => Vec::new(),
    }
}

impl KeyUse {
    /// Whether items of `collection` may use the key.
    pub fn allows(self, collection: Collection) -> bool {
        match self {
            KeyUse::Every => true,
            KeyUse::Only(collections) => collections.contains(&collection),
        }
    }
}

impl FrontMatter {
    /// Every top-level key, in field order (for "did you mean").
    pub fn keys() -> Vec<&'static str> {
        FRONT_MATTER_KEYS.iter().map(|(key, _)| *key).collect()
    }

    /// How `key` may be used, when it is a key at all.
    pub fn key_use(key: &str) -> Option<KeyUse> {
        FRONT_MATTER_KEYS.iter().find(|(k, _)| *k == key).map(|(_, used)| *used)
    }
}

/// Whether a report's full text is published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    #[default]
    /// The whole report is published.
    Open,
    /// Only the abstract is published; readers may ask for the full text.
    AbstractOnly,
}

impl Access {
    /// As written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::AbstractOnly => "abstract-only",
        }
    }
}

/// A version or a correction of a report: when, and what changed.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// When.
    pub date: ContentDate,
    /// What changed.
    pub note: String,
}

/// A forum or conference.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The event's name.
    pub name: String,
    /// Where it takes place.
    pub location: Option<String>,
    /// When it starts, in its time zone.
    pub start: ContentDate,
    /// When it ends.
    pub end: Option<ContentDate>,
    /// IANA name such as `Asia/Shanghai`; the site's `timezone` when absent.
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// One session of a forum's programme.
pub struct Session {
    /// When it starts, in the forum's time zone.
    pub start: ContentDate,
    /// When it ends.
    pub end: Option<ContentDate>,
    /// The session's title.
    pub title: String,
    #[serde(default)]
    /// Speakers' names or people slugs.
    pub speakers: StringList,
    /// What it was about.
    pub summary: Option<String>,
    /// A link to its slides.
    pub slides: Option<String>,
}

/// A story's place: a plain name, or a province with an optional county.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// The province.
    pub province: String,
    /// The county or district within it.
    pub county: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// A story's figures.
pub struct Figures {
    /// Jobs the business created.
    pub jobs_created: Option<u64>,
    /// Loans it took, as written.
    pub loans: Option<String>,
    /// Its revenue, as written.
    pub revenue: Option<String>,
    /// People it trained.
    pub trainees: Option<u64>,
}

/// A list of names that may also be written as a single string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StringList(pub Vec<String>);

/// A date (`2018-02-15`) or a local date and time (`2018-02-15T09:30`, `2018-02-15 09:30:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentDate(pub jiff::civil::DateTime);

impl ContentDate {
    /// Dates before this year are refused: feeds, calendars and citations cannot show them
    /// (a `0000-01-01` came out as 1970 in Atom).
    pub const FIRST_YEAR: i16 = 1000;

    /// A date (`2018-02-15`) or a local date and time (`2018-02-15 09:30`).
    pub fn parse(text: &str) -> Option<ContentDate> {
        let text = text.trim();
        if text.len() == 10 {
            let d = text.parse::<jiff::civil::Date>().ok()?;
            return Some(ContentDate(d.to_datetime(jiff::civil::Time::midnight())));
        }
        text.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>().ok().map(ContentDate)
    }

    /// The day.
    pub fn date(self) -> jiff::civil::Date {
        self.0.date()
    }

    /// Whether a time of day was given.
    pub fn has_time(self) -> bool {
        self.0.time() != jiff::civil::Time::midnight()
    }

    /// `2018-02-15`, or `2018-02-15T09:30:00` when a time was given.
    pub fn iso(self) -> String {
        if self.has_time() { self.0.strftime("%Y-%m-%dT%H:%M:%S").to_string() } else { self.date().to_string() }
    }
}

impl Serialize for ContentDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for ContentDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = ContentDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like 2018-02-15 or a date and time like 2018-02-15T09:30")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ContentDate, E> {
                let date = ContentDate::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))?;
                let year = date.date().year();
                if year < ContentDate::FIRST_YEAR {
                    return Err(E::custom(format!(
                        "the year {year} is before {}: write a four-digit year of publication",
                        ContentDate::FIRST_YEAR
                    )));
                }
                Ok(date)
            }
        }
        d.deserialize_str(DateVisitor)
    }
}

/// A title as written: one for the item's language, or (on a people page) a name per language
/// (`title: {en: Li Na, zh: 李娜}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Title {
    /// `title: Li Na`.
    Text(String),
    /// `title: {en: Li Na, zh: 李娜}`.
    PerLanguage(std::collections::BTreeMap<super::Lang, String>),
}

impl Title {
    /// The title in `lang`; a per-language title without that language gives `fallback`'s, else
    /// its first.
    pub fn in_lang(&self, lang: super::Lang, fallback: super::Lang) -> &str {
        match self {
            Title::Text(t) => t,
            Title::PerLanguage(names) => names
                .get(&lang)
                .or_else(|| names.get(&fallback))
                .or_else(|| names.values().next())
                .map_or("", String::as_str),
        }
    }

    /// Every name written, with its language when the title says it.
    pub fn names(&self) -> Vec<(Option<super::Lang>, &str)> {
        match self {
            Title::Text(t) => vec![(None, t.as_str())],
            Title::PerLanguage(names) => names.iter().map(|(l, n)| (Some(*l), n.as_str())).collect(),
        }
    }

    /// Whether a name is blank.
    pub fn is_blank(&self) -> bool {
        self.names().iter().any(|(_, n)| n.trim().is_empty())
    }
}

impl From<&str> for Title {
    fn from(t: &str) -> Title {
        Title::Text(t.to_string())
    }
}

impl<'de> Deserialize<'de> for Title {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TitleVisitor;
        impl<'de> Visitor<'de> for TitleVisitor {
            type Value = Title;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a title, or on a people page a name per language like {en: Li Na, zh: 李娜}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Title, E> {
                Ok(Title::Text(v.to_string()))
            }
            // `title: 2023` is a title too, as YAML reads it.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Title, E> {
                Ok(Title::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Title, E> {
                Ok(Title::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Title, E> {
                Ok(Title::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Title, E> {
                Ok(Title::Text(v.to_string()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Title, A::Error> {
                let names = Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Title::PerLanguage(names))
            }
        }
        d.deserialize_any(TitleVisitor)
    }
}

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of names like [Su Hongwen, Liu Zheng]")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StringList, E> {
                Ok(StringList(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    out.push(item);
                }
                Ok(StringList(out))
            }
        }
        d.deserialize_any(ListVisitor)
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RegionMap {
            province: String,
            county: Option<String>,
        }
        struct RegionVisitor;
        impl<'de> Visitor<'de> for RegionVisitor {
            type Value = Region;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a place name, or `province:` with an optional `county:`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Region, E> {
                Ok(Region { province: v.to_string(), county: None })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Region, A::Error> {
                let m = RegionMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Region { province: m.province, county: m.county })
            }
        }
        d.deserialize_any(RegionVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_table_lists_every_field_of_the_struct_in_order() {
        let fields = serde_aux::serde_introspection::serde_introspect::<FrontMatter>();
        assert_eq!(FrontMatter::keys(), fields, "FRONT_MATTER_KEYS must list FrontMatter's fields");
    }

    #[test]
    fn content_date_accepts_dates_and_local_times() {
        assert_eq!(ContentDate::parse("2018-02-15").map(|d| d.iso()), Some("2018-02-15".into()));
        assert_eq!(ContentDate::parse("2016-10-20 09:30").map(|d| d.iso()), Some("2016-10-20T09:30:00".into()));
        assert_eq!(ContentDate::parse("yesterday"), None);
        assert_eq!(ContentDate::parse("2018-02-30"), None);
    }
}

#[cfg(test)]
mod doi_tests {
    use super::bare_doi;

    #[test]
    fn dois_are_read_bare_from_their_usual_forms_and_anything_else_is_refused() {
        assert_eq!(bare_doi("10.1234/rr.2018.01"), Some("10.1234/rr.2018.01"));
        assert_eq!(bare_doi(" https://doi.org/10.18356/abc-DEF "), Some("10.18356/abc-DEF"));
        assert_eq!(bare_doi("DOI:10.1000.10/x"), Some("10.1000.10/x"));
        for bad in ["10.12/x", "11.1234/x", "10.1234/", "10.1234/a b", "doi.org/10.1234/x", "10.12a4/x"] {
            assert_eq!(bare_doi(bad), None, "{bad}");
        }
    }
}
