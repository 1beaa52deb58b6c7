//! The languages a site can be published in, and everything that differs between them.
//!
//! Input: nothing. Output: one table row per language (`LANGUAGES`). Adding a language is adding a
//! row here (and its `i18n/<code>.yaml` to the theme); nothing else matches on a language.
//! Must not: hold UI strings (the theme's `i18n/` files do) or build URLs beyond the prefix.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A language the site is published in: an index into `LANGUAGES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Chinese.
    Zh,
    /// A made-up third language, only in the build that tests adding one (`--features made-up-language`).
    #[cfg(feature = "made-up-language")]
    Xx,
}

/// What one language needs: its code, where its pages live, and how dates and labels read in it.
pub struct LangSpec {
    /// The language this row is for.
    pub lang: Lang,
    /// ISO 639-1, as in `lang=""`, file suffixes (`x.zh.md`) and `site.yaml`.
    pub code: &'static str,
    /// The language's name in itself, for the language switch: "English", "中文".
    pub name: &'static str,
    /// Every URL path of the language starts with it: `/` or `/zh/`.
    pub prefix: &'static str,
    /// Open Graph `og:locale`.
    pub og_locale: &'static str,
    /// BibTeX's `language` field.
    pub bibtex_language: &'static str,
    /// Written after the last author shown when a citation shortens its author list.
    pub et_al: &'static str,
    /// The placeholder body of `seedbed new`.
    pub new_body: &'static str,
    /// "15 February 2018", "2018年2月15日".
    pub date_label: fn(Date) -> String,
    /// A series issue: "Research Report, Vol. 20, No. 1" (and ", 2018" when a year is given).
    pub issue_label: fn(&str, u32, u32, Option<i16>) -> String,
    /// A county and its province as one region name: "Huichuan, Guizhou", "贵州汇川".
    pub county_label: fn(&str, &str) -> String,
    /// A series issue in a reference list (GB/T 7714, APA): "Research Report Vol. 20, No. 1",
    /// "研究报告 第20卷 第1期".
    pub citation_issue: fn(&str, u32, u32) -> String,
    /// Whole numbers with more digits than this get thousands separators: 2,300 in English;
    /// Chinese leaves four digits alone (2300) and groups from five (12,000).
    pub group_digits_over: usize,
    /// What readers call the time zones they are likely to meet, by IANA name.
    pub zone_names: &'static [(&'static str, &'static str)],
    /// A zone's name and its UTC offset: "China Standard Time (UTC+8)", "北京时间（UTC+8）".
    pub zone_label: fn(&str, &str) -> String,
}

const CHINA: [&str; 5] = ["Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC"];

/// The table: one row per language, in `Lang` order.
pub const LANGUAGES: &[LangSpec] = &[
    LangSpec {
        lang: Lang::En,
        code: "en",
        name: "English",
        prefix: "/",
        og_locale: "en_US",
        bibtex_language: "english",
        et_al: "et al",
        new_body: "Write the text here.",
        date_label: |d| d.strftime("%-d %B %Y").to_string(),
        issue_label: |series, volume, number, year| match year {
            Some(y) => format!("{series}, Vol. {volume}, No. {number}, {y}"),
            None => format!("{series}, Vol. {volume}, No. {number}"),
        },
        county_label: |county, province| format!("{county}, {province}"),
        citation_issue: |series, volume, number| format!("{series} Vol. {volume}, No. {number}"),
        group_digits_over: 3,
        zone_names: &[
            (CHINA[0], "China Standard Time"),
            (CHINA[1], "China Standard Time"),
            (CHINA[2], "China Standard Time"),
            (CHINA[3], "Xinjiang Time"),
            (CHINA[4], "China Standard Time"),
            ("Asia/Hong_Kong", "Hong Kong Time"),
            ("Asia/Macau", "Macau Time"),
            ("Asia/Taipei", "Taipei Time"),
            ("Asia/Tokyo", "Japan Standard Time"),
            ("Asia/Seoul", "Korea Standard Time"),
            ("Asia/Singapore", "Singapore Time"),
            ("Europe/London", "UK time"),
            ("Europe/Berlin", "Central European Time"),
            ("Europe/Paris", "Central European Time"),
            ("Europe/Brussels", "Central European Time"),
            ("America/New_York", "US Eastern Time"),
            ("America/Los_Angeles", "US Pacific Time"),
            ("UTC", "Coordinated Universal Time"),
            ("Etc/UTC", "Coordinated Universal Time"),
        ],
        zone_label: |name, offset| format!("{name} ({offset})"),
    },
    LangSpec {
        lang: Lang::Zh,
        code: "zh",
        name: "中文",
        prefix: "/zh/",
        og_locale: "zh_CN",
        bibtex_language: "chinese",
        et_al: "等",
        new_body: "在这里写正文。",
        date_label: |d| format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        issue_label: |series, volume, number, year| match year {
            Some(y) => format!("{series} {y}年 第{volume}卷 第{number}期"),
            None => format!("{series} 第{volume}卷 第{number}期"),
        },
        county_label: |county, province| format!("{province}{county}"),
        citation_issue: |series, volume, number| format!("{series} 第{volume}卷 第{number}期"),
        group_digits_over: 4,
        zone_names: &[
            (CHINA[0], "北京时间"),
            (CHINA[1], "北京时间"),
            (CHINA[2], "北京时间"),
            (CHINA[3], "新疆时间"),
            (CHINA[4], "北京时间"),
            ("Asia/Hong_Kong", "香港时间"),
            ("Asia/Macau", "澳门时间"),
            ("Asia/Taipei", "台北时间"),
            ("Asia/Tokyo", "日本标准时间"),
            ("Asia/Seoul", "韩国标准时间"),
            ("Asia/Singapore", "新加坡时间"),
            ("Europe/London", "英国时间"),
            ("Europe/Berlin", "欧洲中部时间"),
            ("Europe/Paris", "欧洲中部时间"),
            ("Europe/Brussels", "欧洲中部时间"),
            ("America/New_York", "美国东部时间"),
            ("America/Los_Angeles", "美国太平洋时间"),
            ("UTC", "协调世界时"),
            ("Etc/UTC", "协调世界时"),
        ],
        zone_label: |name, offset| format!("{name}（{offset}）"),
    },
    #[cfg(feature = "made-up-language")]
    LangSpec {
        lang: Lang::Xx,
        code: "xx",
        name: "Xx",
        prefix: "/xx/",
        og_locale: "xx_XX",
        bibtex_language: "english",
        et_al: "et al",
        new_body: "Xx.",
        date_label: |d| d.strftime("%Y-%m-%d").to_string(),
        issue_label: |series, volume, number, _| format!("{series} {volume}/{number}"),
        county_label: |county, province| format!("{county} ({province})"),
        citation_issue: |series, volume, number| format!("{series} {volume}/{number}"),
        group_digits_over: 3,
        zone_names: &[],
        zone_label: |name, offset| format!("{name} [{offset}]"),
    },
];

impl Lang {
    /// Every language, in table order.
    pub fn all() -> impl Iterator<Item = Lang> {
        LANGUAGES.iter().map(|s| s.lang)
    }

    /// This language's row of the table.
    pub fn spec(self) -> &'static LangSpec {
        // The table is in `Lang` order (a test checks it), so the discriminant is the row.
        &LANGUAGES[self as usize]
    }

    /// `en`, `zh`.
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    /// The language with this code, if the table has one.
    pub fn from_code(code: &str) -> Option<Lang> {
        LANGUAGES.iter().find(|s| s.code == code).map(|s| s.lang)
    }

    /// The language of a BCP 47 tag as mail lists and browsers write it (`zh-CN`, `zh_Hans`,
    /// `en-GB`: by its primary subtag, in any case).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Lang::from_code(&primary)
    }

    /// `/` for English, `/zh/` for Chinese: every URL path of the language starts with it.
    pub fn prefix(self) -> &'static str {
        self.spec().prefix
    }

    /// A date as this language writes it.
    pub fn date_label(self, date: Date) -> String {
        (self.spec().date_label)(date)
    }

    /// A whole number as this language writes it (`2,300`; `2300` in Chinese).
    pub fn integer(self, n: u64) -> String {
        #[allow(clippy::cast_precision_loss)] // counts in front matter are far below 2^52
        crate::text::grouped_number(n as f64, 0, self.spec().group_digits_over)
    }

    /// A time zone as readers know it, with its offset at `when`: "China Standard Time
    /// (UTC+8)"; a zone the table does not name is called by its city ("Kolkata (UTC+5:30)").
    pub fn zone_label(self, zone: &str, when: jiff::civil::DateTime) -> String {
        let spec = self.spec();
        let offset = when.in_tz(zone).ok().map(|z| z.offset().seconds());
        let offset = offset.map_or_else(String::new, |secs: i32| {
            let (h, m) = (secs / 3600, (secs.abs() % 3600) / 60);
            match (h, m) {
                (0, 0) => "UTC".to_string(),
                (h, 0) => format!("UTC{h:+}"),
                (h, m) => format!("UTC{}{}:{m:02}", if secs < 0 { '-' } else { '+' }, h.abs()),
            }
        });
        let name = spec
            .zone_names
            .iter()
            .find(|(z, _)| *z == zone)
            .map_or_else(|| zone.rsplit('/').next().unwrap_or(zone).replace('_', " "), |(_, n)| (*n).to_string());
        if offset.is_empty() || offset == name { name } else { (spec.zone_label)(&name, &offset) }
    }

    /// A series issue as this language writes it (with the year when given).
    pub fn issue_label(self, series: &str, volume: u32, number: u32, year: Option<i16>) -> String {
        (self.spec().issue_label)(series, volume, number, year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_lang_order_with_distinct_codes_and_prefixes() {
        for (i, spec) in LANGUAGES.iter().enumerate() {
            assert_eq!(spec.lang as usize, i, "{}", spec.code);
            assert_eq!(Lang::from_code(spec.code), Some(spec.lang));
            assert!(spec.prefix.starts_with('/') && spec.prefix.ends_with('/'), "{}", spec.prefix);
        }
        let prefixes: std::collections::BTreeSet<_> = LANGUAGES.iter().map(|s| s.prefix).collect();
        assert_eq!(prefixes.len(), LANGUAGES.len());
    }

    #[test]
    fn labels_read_as_each_language_writes_them() {
        let d = jiff::civil::date(2018, 2, 5);
        assert_eq!(Lang::En.date_label(d), "5 February 2018");
        assert_eq!(Lang::Zh.date_label(d), "2018年2月5日");
        assert_eq!(Lang::En.issue_label("Research Report", 20, 1, None), "Research Report, Vol. 20, No. 1");
        assert_eq!(
            ["zh-CN", "zh_Hans", "ZH-tw", "en-GB", "zh", "fr-CA", "", "-zh"].map(Lang::from_tag),
            [Some(Lang::Zh), Some(Lang::Zh), Some(Lang::Zh), Some(Lang::En), Some(Lang::Zh), None, None, None]
        );
        assert_eq!(Lang::Zh.issue_label("研究报告", 20, 1, Some(2018)), "研究报告 2018年 第20卷 第1期");
    }

    #[test]
    fn zones_numbers_and_issues_read_as_each_language_writes_them() {
        let when = jiff::civil::date(2016, 11, 18).at(9, 0, 0, 0);
        assert_eq!(Lang::En.zone_label("Asia/Shanghai", when), "China Standard Time (UTC+8)");
        assert_eq!(Lang::Zh.zone_label("Asia/Shanghai", when), "北京时间（UTC+8）");
        assert_eq!(Lang::En.zone_label("Asia/Kolkata", when), "Kolkata (UTC+5:30)");
        assert_eq!(Lang::En.zone_label("America/St_Johns", when), "St Johns (UTC-3:30)");
        assert_eq!(
            Lang::En.zone_label("Europe/London", jiff::civil::date(2016, 7, 1).at(9, 0, 0, 0)),
            "UK time (UTC+1)"
        );
        assert_eq!(
            (Lang::En.integer(2300), Lang::Zh.integer(2300), Lang::Zh.integer(12000)),
            ("2,300".into(), "2300".into(), "12,000".into())
        );
        assert_eq!((Lang::Zh.spec().citation_issue)("研究报告", 20, 1), "研究报告 第20卷 第1期");
    }
}
