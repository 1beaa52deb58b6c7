//! Text helpers shared by the stages: escaping, scripts, slugs, percent-encoding.
//!
//! Input: strings. Output: answers about them, or transformed strings. Must not: know about files,
//! pages, languages or markup structure (per-language wording is the language table's, `model::lang`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// A control character that has no business in a page, a feed or a calendar: everything in
/// Unicode's Cc category but tab, line feed and carriage return (NUL, escape, backspace, DEL, the
/// C1 range). Browsers and XML parsers reject or mangle them.
pub fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The first stray control character of `text`, with its byte offset.
pub fn first_stray_control(text: &str) -> Option<(usize, char)> {
    // Byte by byte (every page's whole text goes through here): C0 and DEL are single bytes,
    // the C1 range is 0xC2 followed by 0x80–0x9F.
    let bytes = text.as_bytes();
    let at = bytes.iter().enumerate().position(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    })?;
    text[at..].chars().next().map(|c| (at, c))
}

/// Control characters become spaces; everything else is kept (text bound for a mail header).
pub fn controls_as_spaces(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Escape text for HTML or XML, in an element or a double-quoted attribute.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Keep only characters XML 1.0 allows; escaping cannot make the others legal.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .collect()
}

/// A Han character (CJK unified ideographs, extension A, compatibility ideographs): one search
/// token each, one word each in reading time, kept whole in names.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// A character set in CJK text without spaces around it: Han, CJK punctuation, full-width forms.
/// A line break between two of them is no space.
pub fn is_cjk_wide(c: char) -> bool {
    is_han(c) || matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// The longest slug seedbed uses in a URL, in bytes (a path part may have 255 at most, and some
/// get `-session-12.ics` or the like added).
pub const MAX_SLUG_BYTES: usize = 100;

/// A URL-safe slug for a name in any script (`苏红文` → `su-hong-wen`). `+` and a `#` ending a
/// word are spelled out, so `C`, `C++` and `C#` stay three topics; a slug over `MAX_SLUG_BYTES` is
/// cut and given a hash of the whole, so two long names that begin alike stay apart.
pub fn name_slug(name: &str) -> String {
    let name = if name.contains(['+', '#']) { spelled_symbols(name) } else { name.to_string() };
    let s = slug::slugify(with_pinyin(&name, None));
    if s.is_empty() { "unnamed".to_string() } else { cut_slug(s) }
}

/// A person's slug: like `name_slug`, but a Han name's first character is read as a surname
/// (`单雄` → `shan-xiong`, not `dan-xiong`; `曾` zeng, `解` xie, `仇` qiu…).
pub fn person_slug(name: &str) -> String {
    let first = name.trim_start().chars().next();
    let surname = first.and_then(|c| SURNAME_READINGS.iter().find(|(s, _)| *s == c)).map(|(_, r)| *r);
    let s = slug::slugify(with_pinyin(name.trim_start(), surname));
    if s.is_empty() { "unnamed".to_string() } else { cut_slug(s) }
}

/// Characters whose reading as a surname is not their most common one.
const SURNAME_READINGS: [(char, &str); 16] = [
    ('单', "shan"),
    ('曾', "zeng"),
    ('仇', "qiu"),
    ('解', "xie"),
    ('区', "ou"),
    ('朴', "piao"),
    ('查', "zha"),
    ('乐', "yue"),
    ('盖', "ge"),
    ('华', "hua"),
    ('覃', "qin"),
    ('缪', "miao"),
    ('种', "chong"),
    ('繁', "po"),
    ('翟', "zhai"),
    ('员', "yun"),
];

/// `name` with each Han character replaced by its pinyin (the maintained `pinyin` crate's most
/// common reading, so `娜` is `na`), as separate words; the first character read as `first` when
/// given. Other characters stay for `slugify` to transliterate.
fn with_pinyin(name: &str, first: Option<&str>) -> String {
    use pinyin::ToPinyin;
    if !name.chars().any(is_han) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() * 2);
    for (i, c) in name.chars().enumerate() {
        match (i, first, c.to_pinyin()) {
            (0, Some(reading), _) => out.push_str(&format!(" {reading} ")),
            (_, _, Some(p)) => out.push_str(&format!(" {} ", p.plain())),
            _ => out.push(c),
        }
    }
    out
}

/// A cache key for `bytes` as made by `recipe`: 16 bytes of their SHA-256, in hex (a change to
/// the recipe must not reuse what an older one made).
pub fn content_key(recipe: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(recipe.as_bytes());
    hash.update(bytes);
    hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A slug no longer than `MAX_SLUG_BYTES`: a longer one keeps its start and gets a hash of the whole.
pub fn cut_slug(s: String) -> String {
    if s.len() <= MAX_SLUG_BYTES {
        return s;
    }
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(s.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
    let kept = s[..MAX_SLUG_BYTES - hash.len() - 1].trim_end_matches('-');
    format!("{kept}-{hash}")
}

/// `C++` → `C plus plus`, `C#` → `C sharp`; a `#` starting a word (a hashtag) is left to vanish.
fn spelled_symbols(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous: Option<char> = None;
    for c in name.chars() {
        match c {
            '+' => out.push_str(" plus "),
            '#' if previous.is_some_and(char::is_alphanumeric) => out.push_str(" sharp "),
            c => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// A slug as an editor may write it: lower-case ASCII letters and digits, single `-` between words.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// What a URL component (a query value, a `mailto:` subject) may hold unescaped: RFC 3986's
/// unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `text` percent-encoded for a URL component.
pub fn percent_encode_component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// A request path percent-decoded once, or `None` when a `%` is not followed by two hex digits or
/// the bytes are not UTF-8 (a malformed request, not a file name).
pub fn percent_decode_strict(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let well_formed = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)));
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode(bytes).decode_utf8().ok().map(|s| s.into_owned())
}

/// The `href` parse writes for the N-th link to another Markdown file: its URL is known only
/// once every page is parsed, and is put in when the body is rendered (`fill_link_placeholders`).
pub fn link_placeholder(index: usize) -> String {
    format!("seedbed-link:{index}")
}

/// A file's size as a reader reads it: "340 KB", "2.3 MB" (1 KB = 1,000 bytes, as file managers
/// and browsers count).
pub fn file_size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{} KB", (bytes + 500) / 1_000),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

/// Where image N of a body goes until render writes its markup (an HTML comment: Markdown text
/// cannot make one, and raw HTML is left out unless the site trusts its editors).
pub fn image_marker(index: usize) -> String {
    format!("<!--seedbed-image:{index}-->")
}

/// Replace each image marker with `markup(N, alone)`, where `alone` says the image is all its
/// paragraph holds (`<p>` marker `</p>`, which the markup then replaces, as a figure may).
/// A marker naming no image (`markup` gives `None`) stays as it is.
pub fn fill_image_markers(html: String, markup: impl Fn(usize, bool) -> Option<String>) -> String {
    fill_markers(html, "<!--seedbed-image:", markup)
}

/// A table cell as a number: `1,300`, `12.5%`, `-3` (thousands separators and a trailing `%`
/// allowed); `None` when it is not one.
pub fn parse_number(cell: &str) -> Option<f64> {
    let bare: String = cell.trim().trim_end_matches('%').chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    let value: f64 = bare.parse().ok()?;
    value.is_finite().then_some(value)
}

/// A number as a table or chart shows it: `decimals` places, thousands grouped from 10,000 up
/// (a four-digit number, such as a year, stays as it is in English and Chinese style).
pub fn format_number(value: f64, decimals: usize) -> String {
    grouped_number(value, decimals, 4)
}

/// A number with its thousands grouped from `longer_than` digits up (`3` groups 1,000).
pub fn grouped_number(value: f64, decimals: usize, longer_than: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    if whole.len() > longer_than {
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
    } else {
        out.push_str(whole);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// How many decimal places a number is written with (`12.50` → 2).
pub fn decimals_written(cell: &str) -> usize {
    cell.trim()
        .trim_end_matches('%')
        .split_once('.')
        .map_or(0, |(_, f)| f.chars().take_while(char::is_ascii_digit).count())
}

/// Where table or chart N of a body goes until render draws it from its dataset.
pub fn data_marker(index: usize) -> String {
    format!("<!--seedbed-data:{index}-->")
}

/// Replace each data marker with `markup(N)`; one naming no embed stays as it is.
pub fn fill_data_markers(html: String, markup: impl Fn(usize) -> Option<String>) -> String {
    fill_markers(html, "<!--seedbed-data:", |n, _| markup(n))
}

/// Replace each `<!--seedbed-…:N-->` marker starting with `open`.
fn fill_markers(html: String, open: &str, markup: impl Fn(usize, bool) -> Option<String>) -> String {
    if !html.contains(open) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html.as_str();
    while let Some(pos) = rest.find(open) {
        let after = &rest[pos + open.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let filled = after[digits..].strip_prefix("-->").and_then(|tail| {
            let n = after[..digits].parse().ok()?;
            let alone = rest[..pos].ends_with("<p>") && tail.starts_with("</p>");
            Some((markup(n, alone)?, alone, tail))
        });
        match filled {
            Some((markup, true, tail)) => {
                out.push_str(&rest[..pos - "<p>".len()]);
                out.push_str(&markup);
                rest = &tail["</p>".len()..];
            }
            Some((markup, false, tail)) => {
                out.push_str(&rest[..pos]);
                out.push_str(&markup);
                rest = tail;
            }
            None => {
                out.push_str(&rest[..pos + open.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where the URL of a link to a file of the site goes until render knows it (`Page::images[N]`).
pub fn file_placeholder(index: usize) -> String {
    format!("seedbed-file:{index}")
}

/// Replace each `href="seedbed-link:N"` with the N-th URL (escaped for the attribute).
pub fn fill_link_placeholders(html: String, urls: &[String]) -> String {
    fill_href_placeholders(html, "href=\"seedbed-link:", urls)
}

/// Replace each `href="<marker>N"` (`marker` with its `href="`) with the N-th URL.
pub fn fill_href_placeholders(html: String, marker: &str, urls: &[String]) -> String {
    if urls.is_empty() || !html.contains(marker) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + urls.len() * 16);
    let mut rest = html.as_str();
    while let Some(pos) = rest.find(marker) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + marker.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<usize>().ok().and_then(|n| urls.get(n)) {
            Some(url) if after[digits..].starts_with('"') => {
                out.push_str("href=\"");
                out.push_str(&escape_html(url));
                out.push('"');
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(marker);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_line_ends_are_text_other_controls_are_not() {
        for ok in ['\t', '\n', '\r', 'a', '中', ' '] {
            assert!(!is_stray_control(ok), "{ok:?}");
        }
        for bad in ['\0', '\u{1b}', '\u{8}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(is_stray_control(bad), "{bad:?}");
        }
        assert_eq!(first_stray_control("ab\u{0}c"), Some((2, '\0')));
        assert_eq!(first_stray_control("中\u{85}x"), Some((3, '\u{85}')));
        assert_eq!(first_stray_control("中文 ok\t\r\n"), None);
    }

    #[test]
    fn han_is_ideographs_and_wide_adds_cjk_punctuation() {
        for han in ['中', '㐀', '豈'] {
            assert!(is_han(han) && is_cjk_wide(han), "{han}");
        }
        for wide in ['。', '，', '（'] {
            assert!(!is_han(wide) && is_cjk_wide(wide), "{wide}");
        }
        assert!(!is_han('a') && !is_cjk_wide('a'));
    }

    #[test]
    fn escaping_and_percent_encoding() {
        assert_eq!(escape_html(r#"<a href="x">&</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
        assert_eq!(xml_safe("a\u{0}b\u{fffe}c"), "abc");
        assert_eq!(
            percent_encode_component("Full text: 报告 a-b_c.d~"),
            "Full%20text%3A%20%E6%8A%A5%E5%91%8A%20a-b_c.d~"
        );
        assert_eq!(percent_decode_strict("/a%20b/%E4%B8%AD"), Some("/a b/中".into()));
        for bad in ["/%zz", "/%4", "/%ff"] {
            assert_eq!(percent_decode_strict(bad), None, "{bad}");
        }
    }

    #[test]
    fn name_slugs_keep_symbol_names_apart_and_cut_long_names_with_a_hash() {
        assert_eq!(name_slug("C"), "c");
        assert_eq!(name_slug("C++"), "c-plus-plus");
        assert_eq!(name_slug("C#"), "c-sharp");
        assert_eq!(name_slug("#rural"), "rural");
        let long_a = format!("{} a", "word ".repeat(60));
        let long_b = format!("{} b", "word ".repeat(60));
        let (a, b) = (name_slug(&long_a), name_slug(&long_b));
        assert!(a.len() <= MAX_SLUG_BYTES && b.len() <= MAX_SLUG_BYTES, "{a}");
        assert_ne!(a, b);
        assert_eq!(a, name_slug(&long_a), "stable");
        assert!(a.starts_with("word-word-") && !a.contains("--"));
    }

    #[test]
    fn slugs_are_checked() {
        for good in ["a", "returning-migrants-2018", "x1"] {
            assert!(is_valid_slug(good), "{good}");
        }
        for bad in ["", "../x", "has space", "Upper", "a--b", "-a", "中文"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn han_names_are_read_in_pinyin_and_a_persons_surname_as_a_surname() {
        assert_eq!(person_slug("李娜"), "li-na");
        assert_eq!(person_slug("单雄信"), "shan-xiong-xin");
        assert_eq!(name_slug("单一"), "dan-yi");
        assert_eq!(name_slug("乡村振兴"), "xiang-cun-zhen-xing");
        assert_eq!(person_slug("Su Hongwen"), "su-hongwen");
    }

    #[test]
    fn name_slug_transliterates_and_never_is_empty() {
        assert_eq!(name_slug("Rural revitalization"), "rural-revitalization");
        assert_eq!(name_slug("!!!"), "unnamed");
        assert!(!name_slug("乡村振兴").is_empty());
    }

    #[test]
    fn image_markers_are_filled_and_an_image_alone_replaces_its_paragraph() {
        let html = "<p><!--seedbed-image:0--></p>\n<p>a <!--seedbed-image:1--> b <!--seedbed-image:7--></p>";
        let filled = fill_image_markers(html.to_string(), |n, alone| {
            (n < 2).then(|| if alone { format!("<figure>{n}</figure>") } else { format!("<img {n}>") })
        });
        assert_eq!(filled, "<figure>0</figure>\n<p>a <img 1> b <!--seedbed-image:7--></p>");
    }

    #[test]
    fn numbers_read_with_separators_and_show_grouped_from_five_digits() {
        assert_eq!(parse_number("1,300"), Some(1300.0));
        assert_eq!(parse_number("12.5%"), Some(12.5));
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(format_number(2015.0, 0), "2015");
        assert_eq!(format_number(23000.0, 0), "23,000");
        assert_eq!(format_number(-1234567.891, 2), "-1,234,567.89");
        assert_eq!(format_number(-0.001, 1), "0.0");
        assert_eq!(decimals_written("12.50"), 2);
        assert_eq!(grouped_number(6726.0, 0, 3), "6,726");
    }

    #[test]
    fn file_sizes_read_as_a_file_manager_shows_them() {
        assert_eq!([file_size(999), file_size(340_400), file_size(2_345_678)], ["999 B", "340 KB", "2.3 MB"]);
    }

    #[test]
    fn link_placeholders_are_filled_in_order() {
        let html = "<a href=\"seedbed-link:1\">b</a><a href=\"seedbed-link:0\">a</a>";
        let filled = fill_link_placeholders(html.to_string(), &["/a/".into(), "/b/#x&y".into()]);
        assert_eq!(filled, "<a href=\"/b/#x&amp;y\">b</a><a href=\"/a/\">a</a>");
    }
}
